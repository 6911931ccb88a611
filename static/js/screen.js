/* The projector: agenda and timer, the open set, results when the facilitator reveals them.
   Read-only; everything comes from the server (docs/protocol.md, role "screen").
   The facilitator may focus one question (set.focus_question_id): it is then shown alone, big;
   without a focus, revealed results are a compact grid. Either way the view is scaled down to
   fit the screen (nobody can scroll a projector). */
(function () {
  "use strict";
  var L = window.Live, t = L.t, el = L.el;
  var state = { agenda: null, set: null, results: null, conclusion: null, counters: { answers: {} }, countersLive: false };
  var root = document.getElementById("screen");
  var view = document.getElementById("set-view");
  var agendaList = document.getElementById("agenda");
  var nowTitle = document.getElementById("now-title");
  var timer = document.getElementById("timer");
  var socket = null;
  var resultsWatch = null;

  function renderAgenda() {
    var agenda = state.agenda;
    if (!agenda) return;
    L.clear(agendaList);
    (agenda.items || []).forEach(function (item) {
      var current = item.position === agenda.current;
      agendaList.appendChild(el("li", { class: "live-agenda-item" + (current ? " current" : "") + (item.ended_at ? " done" : ""),
        "data-position": String(item.position), "aria-current": current ? "step" : null }, [
        el("span", { class: "item-title", text: item.title }),
        item.duration_min ? el("span", { class: "item-duration", text: L.minutes(item.duration_min) }) : null,
      ]));
    });
    var item = L.currentItem(agenda);
    nowTitle.textContent = item ? item.title : t("no_item");
    tick();
  }

  function tick() {
    L.showTimer(timer, state.agenda);
  }

  function render() {
    renderView();
    fit();
  }

  /* The focused question of the shown set, or null (the whole set). */
  function focused(set) {
    if (!set || set.focus_question_id == null) return null;
    return (set.questions || []).filter(function (q) { return q.id === set.focus_question_id; })[0] || null;
  }

  function answersOf(q) {
    var answers = (state.counters && state.counters.answers) || {};
    return answers[q.id] || answers[String(q.id)] || 0;
  }

  function options(q) {
    if (!q.options || q.kind === "rank") return null;
    return el("ul", { class: "screen-options" }, q.options.map(function (o) { return el("li", { text: o }); }));
  }

  function renderView() {
    var set = state.set;
    L.clear(view);
    view.removeAttribute("data-set-id");
    view.removeAttribute("data-focus-question-id");
    root.removeAttribute("data-focus");
    if (state.conclusion) { renderConclusion(state.conclusion); return; }
    if (!set || set.state === "ready") {
      root.setAttribute("data-state", "waiting");
      view.appendChild(el("p", { class: "screen-waiting", text: t("waiting_screen") }));
      return;
    }
    var results = state.results && state.results.set_id === set.id ? state.results : null;
    var q = focused(set);
    root.setAttribute("data-state", set.revealed ? "results" : "set");
    root.setAttribute("data-focus", q ? "question" : "set");
    view.setAttribute("data-set-id", String(set.id));
    if (q) {
      // One question alone, big: the set's title small above it.
      var index = set.questions.indexOf(q);
      view.setAttribute("data-focus-question-id", String(q.id));
      view.appendChild(el("p", { class: "focus-kicker" }, [
        el("span", { class: "focus-set-title", text: set.title }), " · ",
        el("span", { text: t("question_of", { n: index + 1, total: set.questions.length }) }),
      ]));
      if (set.revealed) {
        var one = el("div", { class: "results results-focus", id: "results" });
        LiveResults.renderOne(one, q, results);
        view.appendChild(one);
        return;
      }
      view.appendChild(el("section", { class: "focus-question", "data-question-id": String(q.id) }, [
        el("h2", { class: "focus-prompt", text: q.prompt }),
        options(q),
        // Only once `counters` are pushed to this screen: a count that does not move would lie.
        state.countersLive ? el("p", { class: "live-count", id: "live-count", "data-count": String(answersOf(q)),
          text: t("respondents", { n: answersOf(q) }) }) : null,
        el("p", { class: "set-hint", text: set.state === "open" ? t("results_hidden") : t("set_closed_screen") }),
      ]));
      return;
    }
    view.appendChild(el("h2", { class: "set-title", text: set.title }));
    if (set.revealed) {
      var box = el("div", { class: "results results-grid", id: "results" });
      LiveResults.render(box, set, results, { compact: true });
      view.appendChild(box);
      return;
    }
    view.appendChild(el("p", { class: "set-hint", text: set.state === "open" ? t("results_hidden") : t("set_closed_screen") }));
    var ol = el("ol", { class: "screen-questions" });
    set.questions.forEach(function (question) {
      ol.appendChild(el("li", {}, [el("span", { class: "q-prompt", text: question.prompt }), options(question)]));
    });
    view.appendChild(ol);
  }

  /* Scale the view down (never up) until it fits below the fold: 1 → 0.45 of its CSS size. */
  function fit() {
    view.style.fontSize = "";
    var scale = 1;
    while (scale > 0.45 && view.getBoundingClientRect().bottom > window.innerHeight - 8) {
      scale = Math.round((scale - 0.07) * 100) / 100;
      view.style.fontSize = scale + "em";
    }
    view.setAttribute("data-scale", String(scale));
  }

  var fitLater = null;
  window.addEventListener("resize", function () {
    window.clearTimeout(fitLater);
    fitLater = window.setTimeout(fit, 100);
  });

  /* A conclusion put to the room (or whose tally is revealed) takes the projector: its text,
     then, when revealed, one bar per choice with counts and percentages, and the number of
     amendments (their texts are in the summary and the exports). */
  function renderConclusion(c) {
    root.setAttribute("data-state", c.revealed && c.tally ? "conclusion-results" : "conclusion");
    var section = el("section", { class: "screen-conclusion", id: "conclusion", "data-conclusion-id": String(c.id) }, [
      el("h2", { class: "set-title", text: c.set_id != null ? t("concludes", { title: c.set_title || "" }) : t("whole_session") }),
      el("blockquote", { class: "conclusion-text" },
        String(c.text || "").split("\n").filter(function (p) { return p.trim(); })
          .map(function (p) { return el("p", { text: p }); })),
    ]);
    if (c.revealed && c.tally) {
      var tally = c.tally;
      section.appendChild(el("p", { class: "respondents", "data-total": String(tally.total),
        text: t("endorsements", { n: tally.total }) }));
      var bars = el("ul", { class: "bars endorse-bars", id: "endorse-bars" });
      (tally.options || []).forEach(function (o) {
        var row = LiveResults.bar(t(o.key), o.count, o.percent);
        row.setAttribute("data-key", o.key);
        row.classList.add("choice-" + o.key);
        bars.appendChild(row);
      });
      section.appendChild(bars);
      section.appendChild(el("p", { class: "amendments-count", "data-amendments": String(tally.amendments || 0),
        text: t("amendments_count", { n: tally.amendments || 0 }) }));
    } else if (c.vote_state === "open") {
      section.appendChild(el("p", { class: "set-hint", text: t("vote_hint") }));
    }
    view.appendChild(section);
  }

  /* If a reveal is not followed by results soon, ask for a fresh snapshot. */
  function watchResults(set) {
    window.clearTimeout(resultsWatch);
    if (!set.revealed || (state.results && state.results.set_id === set.id)) return;
    resultsWatch = window.setTimeout(function () {
      if (state.set && state.set.id === set.id && state.set.revealed &&
          !(state.results && state.results.set_id === set.id) && socket.connected) {
        socket.resync();
      }
    }, 2500);
  }

  socket = L.connect("screen", {
    snapshot: function (snap) {
      state.agenda = snap.agenda || null;
      state.set = snap.shown_set || snap.open_set || null;
      state.results = snap.results || null;
      state.conclusion = snap.conclusion || null;
      state.counters = snap.counters || { answers: {} };
      state.countersLive = false;
      renderAgenda();
      render();
    },
    agenda: function (agenda) { state.agenda = agenda; renderAgenda(); },
    question_set: function (set) {
      var same = state.set && state.set.id === set.id;
      if (same || set.state === "open" || set.revealed) {
        state.set = set;
        render();
        watchResults(set);
      }
    },
    results: function (results) {
      state.results = results;
      if (state.set && state.set.id === results.set_id && state.set.revealed) {
        window.clearTimeout(resultsWatch);
        render();
      }
    },
    // Answer counts, shown with a focused question before its results are revealed.
    counters: function (c) {
      state.counters = c || { answers: {} };
      var count = document.getElementById("live-count");
      var q = focused(state.set);
      if (!state.countersLive) { state.countersLive = true; if (q && !state.set.revealed) render(); return; }
      if (!count || !q) return;
      var n = answersOf(q);
      if (count.getAttribute("data-count") === String(n)) return;
      count.setAttribute("data-count", String(n));
      count.textContent = t("respondents", { n: n });
    },
    conclusion: function (c) {
      var cur = state.conclusion;
      // The conclusion put to the room keeps the projector (as in the snapshot).
      if (cur && cur.id !== c.id && cur.vote_state === "open" && c.vote_state !== "open") return;
      if (c.vote_state === "open" || c.revealed) state.conclusion = c;
      else if (state.conclusion && state.conclusion.id === c.id) state.conclusion = null;
      else return;
      render();
    },
    conclusion_removed: function (c) {
      if (state.conclusion && state.conclusion.id === c.id) { state.conclusion = null; render(); }
    },
    comments: function (batch) {
      var r = state.results;
      if (!r || !state.set || !state.set.revealed || r.set_id !== state.set.id) return;
      L.applyComments(batch, function (c) { patchComment(r, c, false); },
        function (c) { patchComment(r, c, true); });
      render();
    },
  });

  /* Keep the shown comments in step between two results pushes (one render per batch). */
  function patchComment(r, c, removed) {
    (r.questions || []).forEach(function (q) {
      if (q.question_id !== c.question_id || !q.comments) return;
      var list = q.comments.filter(function (x) { return x.id !== c.id; });
      if (!removed && !c.hidden) list.push(c);
      q.comments = list;
    });
  }

  window.setInterval(tick, 1000);
})();

/* The projector: agenda and timer, the open set, results when the facilitator reveals them.
   Read-only; everything comes from the server (docs/protocol.md, role "screen"). */
(function () {
  "use strict";
  var L = window.Live, t = L.t, el = L.el;
  var state = { agenda: null, set: null, results: null, conclusion: null };
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
        item.duration_min ? el("span", { class: "item-duration", text: item.duration_min + " min" }) : null,
      ]));
    });
    var item = L.currentItem(agenda);
    nowTitle.textContent = item ? item.title : t("no_item");
    tick();
  }

  function tick() {
    timer.textContent = L.timerText(state.agenda);
    timer.classList.toggle("over", L.isOvertime(state.agenda));
  }

  function render() {
    var set = state.set;
    L.clear(view);
    view.removeAttribute("data-set-id");
    if (state.conclusion) { renderConclusion(state.conclusion); return; }
    if (!set || set.state === "ready") {
      root.setAttribute("data-state", "waiting");
      view.appendChild(el("p", { class: "screen-waiting", text: t("waiting_screen") }));
      return;
    }
    root.setAttribute("data-state", set.revealed ? "results" : "set");
    view.setAttribute("data-set-id", String(set.id));
    view.appendChild(el("h2", { class: "set-title", text: set.title }));
    if (set.revealed) {
      var box = el("div", { class: "results", id: "results" });
      LiveResults.render(box, set, state.results && state.results.set_id === set.id ? state.results : null);
      view.appendChild(box);
      return;
    }
    view.appendChild(el("p", { class: "set-hint", text: set.state === "open" ? t("results_hidden") : t("set_closed_screen") }));
    var ol = el("ol", { class: "screen-questions" });
    set.questions.forEach(function (q) {
      var li = el("li", {}, [el("span", { class: "q-prompt", text: q.prompt })]);
      if (q.options && q.kind !== "rank") {
        li.appendChild(el("ul", { class: "screen-options" }, q.options.map(function (o) { return el("li", { text: o }); })));
      }
      ol.appendChild(li);
    });
    view.appendChild(ol);
  }

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

  /* If a reveal is not followed by results soon, ask for a fresh snapshot (reconnect). */
  function watchResults(set) {
    window.clearTimeout(resultsWatch);
    if (!set.revealed || (state.results && state.results.set_id === set.id)) return;
    resultsWatch = window.setTimeout(function () {
      if (state.set && state.set.id === set.id && state.set.revealed &&
          !(state.results && state.results.set_id === set.id) && socket.connected) {
        socket.disconnect().connect();
      }
    }, 2500);
  }

  socket = L.connect("screen", {
    snapshot: function (snap) {
      state.agenda = snap.agenda || null;
      state.set = snap.shown_set || snap.open_set || null;
      state.results = snap.results || null;
      state.conclusion = snap.conclusion || null;
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

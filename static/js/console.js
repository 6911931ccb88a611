/* The facilitator's console: agenda and timer, open/close/reveal sets, the projector's focus
   (one question or the whole set), live counters and results, comment moderation
   (docs/protocol.md, role "console"). */
(function () {
  "use strict";
  var L = window.Live, t = L.t, el = L.el;
  var state = { agenda: null, sets: [], results: {}, counters: { phones: 0, answers: {} }, comments: {}, conclusions: [] };
  /* The moderation lists are redrawn with every push (twice a second in a busy room): a comment
     keeps its place while the facilitator uses them, so « Masquer » hits the comment aimed at. */
  var moderationOrder = L.stableOrder(5000, 3000);
  /* Comments drawn per question in the moderation lists until « more » is asked (the whole
     console is redrawn with every push); the top of the list is what phones and projector show. */
  var MODERATION_PAGE = 50;
  var moderationShown = {}; // question id -> how many are drawn
  var conclusionsBox = document.getElementById("console-conclusions");
  var agendaList = document.getElementById("console-agenda");
  var setsBox = document.getElementById("console-sets");
  var feedback = document.getElementById("feedback");
  var timer = document.getElementById("timer");
  var nowTitle = document.getElementById("now-title");
  var phones = document.getElementById("phones-count");
  var socket = null;

  function act(event, payload, button) {
    if (!socket || !socket.connected) { feedback.textContent = t("offline"); return; }
    if (button) button.disabled = true;
    feedback.textContent = "";
    L.request(socket, event, payload).then(function (res) {
      if (button) button.disabled = false;
      if (!res.ok) { feedback.textContent = (res.error && res.error.message) || t("error"); return; }
      feedback.textContent = t("done");
      if (res.agenda) { state.agenda = res.agenda; renderAgenda(); }
      if (res.set) { upsertSet(res.set); renderSets(); }
      if (res.comment) { upsertComment(res.comment); renderSets(); }
      if (res.conclusion) { upsertConclusion(res.conclusion); renderConclusions(); }
    });
  }

  /* ---------- agenda ---------- */

  function renderAgenda() {
    var agenda = state.agenda;
    if (!agenda) return;
    L.keepFocus(agendaList, function () {
      L.clear(agendaList);
      (agenda.items || []).forEach(function (item) {
        var current = item.position === agenda.current;
        agendaList.appendChild(el("li", { class: "c-item" + (current ? " current" : "") + (item.ended_at ? " done" : ""),
          "data-position": String(item.position), "aria-current": current ? "step" : null }, [
          el("span", { class: "item-title", text: item.title }),
          item.duration_min ? el("span", { class: "item-duration", text: " · " + L.minutes(item.duration_min) }) : null,
          current ? el("span", { class: "badge current-badge", text: t("current") }) : el("button", {
            type: "button", class: "small", "data-focus-key": "goto-" + item.position,
            "aria-label": L.pair(t("start_item"), item.title), text: t("start_item"),
            on: { click: function (ev) { act("agenda_goto", { position: item.position }, ev.currentTarget); } },
          }),
        ]));
      });
    });
    var item = L.currentItem(agenda);
    nowTitle.textContent = item ? item.title : t("no_item");
    tick();
  }

  function tick() {
    L.showTimer(timer, state.agenda);
  }

  document.getElementById("agenda-next").addEventListener("click", function (ev) {
    act("agenda_next", {}, ev.currentTarget);
  });

  /* ---------- sets ---------- */

  function upsertSet(set) {
    var found = false;
    state.sets = state.sets.map(function (s) {
      if (s.id === set.id) { found = true; return set; }
      // Opening a set closes any other open one (the server may only tell about the new one).
      if (set.state === "open" && s.state === "open") return Object.assign({}, s, { state: "closed" });
      return s;
    });
    if (!found) state.sets.push(set);
  }

  function upsertComment(c) {
    var list = state.comments[c.question_id] || (state.comments[c.question_id] = []);
    var found = list.filter(function (x) { return x.id === c.id; })[0];
    if (found) Object.keys(c).forEach(function (k) { found[k] = c[k]; });
    else list.push(c);
  }

  function stateLabel(set) {
    return t("state_" + set.state) + (set.revealed ? " · " + t("revealed") : "");
  }

  function renderSets() {
    L.keepFocus(setsBox, function () {
      L.clear(setsBox);
      state.sets.forEach(function (set) { setsBox.appendChild(renderSet(set)); });
    });
  }

  function renderSet(set) {
    var id = set.id;
    var buttons = el("p", { class: "set-actions" });
    if (set.state !== "open") {
      buttons.appendChild(el("button", { type: "button", class: "primary", "data-focus-key": "open-" + id,
        "data-action": "open", text: t("open"), "aria-label": L.pair(t("open"), set.title),
        on: { click: function (ev) { act("set_open", { set_id: id }, ev.currentTarget); } } }));
    } else {
      buttons.appendChild(el("button", { type: "button", "data-focus-key": "close-" + id, "data-action": "close",
        text: t("close"), "aria-label": L.pair(t("close"), set.title),
        on: { click: function (ev) { act("set_close", { set_id: id }, ev.currentTarget); } } }));
    }
    buttons.appendChild(el("button", { type: "button", "data-focus-key": "reveal-" + id,
      "data-action": set.revealed ? "unreveal" : "reveal", "aria-pressed": set.revealed ? "true" : "false",
      text: set.revealed ? t("unreveal") : t("reveal"),
      on: { click: function (ev) { act("set_reveal", { set_id: id, revealed: !set.revealed }, ev.currentTarget); } } }));

    var card = el("section", { class: "c-set state-" + set.state + (set.revealed ? " revealed" : ""),
      "data-set-id": String(id), "aria-labelledby": "set-" + id + "-title" }, [
      el("h3", { id: "set-" + id + "-title" }, [set.title, " ", el("span", { class: "badge state-badge", text: stateLabel(set) })]),
      buttons,
    ]);

    // The projector's focus: one question alone, or the whole set (open or closed sets).
    var focusable = set.state !== "ready";
    var focus = set.focus_question_id;
    if (focusable) {
      card.appendChild(el("p", { class: "focus-actions", role: "group", "aria-label": L.pair(t("projector"), set.title) }, [
        el("span", { text: L.pair(t("projector")) }),
        el("button", { type: "button", class: "small", "data-focus-key": "focus-all-" + id, "data-action": "focus-all",
          "aria-pressed": focus == null ? "true" : "false", text: t("whole_set"),
          on: { click: function (ev) { act("set_focus", { set_id: id, question_id: null }, ev.currentTarget); } } }),
      ]));
    }
    var qs = el("ol", { class: "c-questions" });
    set.questions.forEach(function (q) {
      var n = state.counters.answers[q.id] || state.counters.answers[String(q.id)] || 0;
      var isFocus = focusable && focus === q.id;
      qs.appendChild(el("li", { "data-question-id": String(q.id), class: isFocus ? "focused" : null }, [
        el("span", { text: q.prompt + " " }),
        el("span", { class: "badge answers-count", "data-count": String(n), text: t("answers", { n: n }) }),
        isFocus ? el("span", { class: "badge on-screen", text: t("on_screen") }) : null,
        focusable ? el("button", { type: "button", class: "small", "data-focus-key": "focus-" + q.id,
          "data-action": "focus", "aria-pressed": isFocus ? "true" : "false",
          "aria-label": L.pair(t("project"), q.prompt), text: t("project"),
          on: { click: function (ev) {
            act("set_focus", { set_id: id, question_id: isFocus ? null : q.id }, ev.currentTarget);
          } } }) : null,
      ]));
    });
    card.appendChild(qs);

    if (set.state !== "ready") {
      var results = el("div", { class: "results console-results" });
      LiveResults.render(results, set, state.results[id] || null);
      card.appendChild(el("h4", { text: t("results") }));
      card.appendChild(results);
      set.questions.forEach(function (q) {
        var list = state.comments[q.id] || state.comments[String(q.id)];
        if (list && list.length) card.appendChild(renderModeration(q, list));
      });
    }
    return card;
  }

  function renderModeration(q, list) {
    var ul = el("ul", { class: "moderation" });
    var ordered = moderationOrder.order(q.id, list);
    var limit = moderationShown[q.id] || MODERATION_PAGE;
    ordered.slice(0, limit).forEach(function (c) {
      ul.appendChild(el("li", { class: "c-comment" + (c.hidden ? " hidden-comment" : "") + (c.highlighted ? " highlighted" : ""),
        "data-comment-id": String(c.id) }, [
        el("p", { class: "comment-text", text: c.text }),
        el("p", { class: "comment-meta" }, [
          (c.pseudonym || t("anonymous")) + " · " + t("upvotes", { n: c.upvotes || 0 }),
          c.hidden ? el("span", { class: "badge", text: " " + t("hidden") }) : null,
        ]),
        el("p", { class: "moderation-actions" }, [
          el("button", { type: "button", class: "small", "data-focus-key": "hide-" + c.id, "aria-pressed": c.hidden ? "true" : "false",
            text: c.hidden ? t("unhide") : t("hide"),
            on: { click: function (ev) { act("comment_moderate", { answer_id: c.id, hidden: !c.hidden }, ev.currentTarget); } } }),
          el("button", { type: "button", class: "small", "data-focus-key": "hl-" + c.id, "aria-pressed": c.highlighted ? "true" : "false",
            text: c.highlighted ? t("unhighlight") : t("highlight"),
            on: { click: function (ev) { act("comment_moderate", { answer_id: c.id, highlighted: !c.highlighted }, ev.currentTarget); } } }),
        ]),
      ]));
    });
    var more = ordered.length > limit;
    var section = el("section", { class: "c-comments", "aria-label": L.pair(t("comments"), q.prompt) }, [
      el("h4", { text: q.prompt }),
      more ? el("p", { class: "meta comments-count", text: t("comments_shown", { shown: limit, total: ordered.length }) }) : null,
      ul,
      more ? el("button", { type: "button", class: "small comments-more", "data-focus-key": "more-" + q.id,
        text: t("more_comments"),
        on: { click: function () { moderationShown[q.id] = limit + MODERATION_PAGE; renderSets(); } } }) : null,
    ]);
    moderationOrder.watch(section);
    return section;
  }

  /* ---------- conclusions ---------- */

  function upsertConclusion(c) {
    var found = false;
    state.conclusions = state.conclusions.map(function (x) {
      if (x.id === c.id) { found = true; return c; }
      // Putting one to the room closes any other open vote.
      if (c.vote_state === "open" && x.vote_state === "open") return Object.assign({}, x, { vote_state: "closed" });
      // Showing one's result hides the others'.
      if (c.revealed && x.revealed) return Object.assign({}, x, { revealed: false });
      return x;
    });
    if (!found) state.conclusions.push(c);
  }

  function editUrl(id) {
    return String(L.config.editConclusionUrl || "").replace(/\/0$/, "/" + id);
  }

  function renderConclusions() {
    if (!conclusionsBox) return;
    L.keepFocus(conclusionsBox, function () {
      L.clear(conclusionsBox);
      if (!state.conclusions.length) {
        conclusionsBox.appendChild(el("p", { class: "meta", text: t("no_conclusions") }));
        return;
      }
      state.conclusions.forEach(function (c) { conclusionsBox.appendChild(renderConclusion(c)); });
    });
  }

  function renderConclusion(c) {
    var id = c.id;
    var title = c.set_id != null ? t("concludes", { title: c.set_title || "" }) : t("whole_session");
    var stateText = t(c.vote_state === "open" ? "vote_open" : c.vote_state === "closed" ? "vote_closed_state" : "vote_none") +
      (c.revealed ? " · " + t("result_shown") : "");
    var buttons = el("p", { class: "set-actions" });
    if (c.vote_state !== "open") {
      buttons.appendChild(el("button", { type: "button", class: "primary", "data-focus-key": "put-" + id,
        "data-action": "put", text: t("put_to_room"), "aria-label": L.pair(t("put_to_room"), title),
        on: { click: function (ev) { act("conclusion_put", { conclusion_id: id }, ev.currentTarget); } } }));
    } else {
      buttons.appendChild(el("button", { type: "button", "data-focus-key": "closevote-" + id, "data-action": "close-vote",
        text: t("close_vote"), "aria-label": L.pair(t("close_vote"), title),
        on: { click: function (ev) { act("conclusion_close", { conclusion_id: id }, ev.currentTarget); } } }));
    }
    buttons.appendChild(el("button", { type: "button", "data-focus-key": "showresult-" + id,
      "data-action": c.revealed ? "hide-result" : "show-result", "aria-pressed": c.revealed ? "true" : "false",
      text: c.revealed ? t("hide_result") : t("show_result"),
      on: { click: function (ev) { act("conclusion_reveal", { conclusion_id: id, revealed: !c.revealed }, ev.currentTarget); } } }));

    var card = el("section", { class: "c-set c-conclusion vote-" + c.vote_state + (c.revealed ? " revealed" : ""),
      "data-conclusion-id": String(id), "aria-labelledby": "conclusion-" + id + "-title" }, [
      el("h3", { id: "conclusion-" + id + "-title" }, [title, " ", el("span", { class: "badge state-badge", text: stateText })]),
      el("blockquote", { class: "conclusion-text" },
        String(c.text || "").split("\n").filter(function (p) { return p.trim(); })
          .map(function (p) { return el("p", { text: p }); })),
      el("p", { class: "meta" }, [el("a", { href: editUrl(id), target: "_blank", rel: "noopener", text: t("edit") })]),
      buttons,
    ]);
    var tally = c.tally;
    if (tally) {
      card.appendChild(el("p", { class: "respondents", "data-total": String(tally.total), text: t("respondents", { n: tally.total }) }));
      var bars = el("ul", { class: "bars endorse-bars" });
      (tally.options || []).forEach(function (o) {
        var row = LiveResults.bar(t(o.key), o.count, o.percent);
        row.setAttribute("data-key", o.key);
        row.classList.add("choice-" + o.key);
        bars.appendChild(row);
      });
      card.appendChild(bars);
      var texts = tally.amendment_texts || [];
      if (texts.length) {
        card.appendChild(el("h4", { text: t("amendments") + " (" + texts.length + ")" }));
        card.appendChild(el("ul", { class: "amendment-list" }, texts.map(function (a) {
          return el("li", { class: "comment-text", text: a });
        })));
      }
    }
    return card;
  }

  function renderCounters() {
    phones.textContent = t("phones", { n: state.counters.phones || 0 });
    phones.setAttribute("data-phones", String(state.counters.phones || 0));
  }

  var pendingConclusions = null;
  function renderConclusionsSoon() {
    if (pendingConclusions) return;
    pendingConclusions = window.setTimeout(function () { pendingConclusions = null; renderConclusions(); }, 150);
  }

  var pendingRender = null;
  function renderSoon() {
    if (pendingRender) return;
    pendingRender = window.setTimeout(function () { pendingRender = null; renderSets(); }, 150);
  }

  socket = L.connect("console", {
    snapshot: function (snap) {
      state.agenda = snap.agenda || null;
      state.sets = snap.sets || [];
      state.results = snap.results || {};
      state.counters = snap.counters || { phones: 0, answers: {} };
      state.comments = snap.comments || {};
      moderationOrder.reset();
      state.conclusions = snap.conclusions || [];
      renderAgenda();
      renderCounters();
      renderSets();
      renderConclusions();
    },
    agenda: function (agenda) { state.agenda = agenda; renderAgenda(); },
    question_set: function (set) { upsertSet(set); renderSets(); },
    results: function (r) { state.results[r.set_id] = r; renderSoon(); },
    counters: function (c) { state.counters = c; renderCounters(); renderSoon(); },
    // Comments come batched, hidden ones included (with "hidden"); "removed": the author
    // removed the text.
    comments: function (batch) {
      L.applyComments(batch, upsertComment, function (r) {
        var list = state.comments[r.question_id];
        if (list) state.comments[r.question_id] = list.filter(function (x) { return x.id !== r.id; });
      });
      renderSoon();
    },
    conclusion: function (c) { upsertConclusion(c); renderConclusionsSoon(); },
    conclusion_removed: function (c) {
      state.conclusions = state.conclusions.filter(function (x) { return x.id !== c.id; });
      renderConclusions();
    },
  });

  window.setInterval(tick, 1000);
})();

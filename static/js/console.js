/* The facilitator's console (docs/protocol.md, role "console", and « The day of the workshop »):
   the current agenda item with its timer and its question set, always at hand (sticky); the
   agenda; the projector's theme and pages; open/close/reveal sets, the projector's focus, live
   counters and results, comment moderation; conclusions.

   Focus: every control has a stable data-focus-key (a control and its replacement share one:
   « Ouvrir » and « Fermer » of a set are both "set-toggle-<id>"). The control last used is
   remembered; whenever a re-render takes the focus away, it goes back to the element with that
   key (or to one naming it in data-focus-also), so a keyboard user never falls to <body>. */
(function () {
  "use strict";
  var L = window.Live, el = L.el, t = L.t;
  var more = readJSON("i18n-more"); // to know which agenda kinds this page names
  var state = { agenda: null, agendaAt: 0, screen: { theme: "dark", autopage_s: 0 }, sets: [], results: {},
    counters: { phones: 0, answers: {} }, comments: {}, conclusions: [] };
  /* The moderation lists are redrawn with every push (twice a second in a busy room): a comment
     keeps its place while the facilitator uses them, so « Masquer » hits the comment aimed at. */
  var moderationOrder = L.stableOrder(5000, 3000);
  /* Comments drawn per question in the moderation lists until « more » is asked (the whole
     console is redrawn with every push); the top of the list is what phones and projector show. */
  var MODERATION_PAGE = 50;
  var moderationShown = {}; // question id -> how many are drawn
  var $ = function (id) { return document.getElementById(id); };
  var conclusionsBox = $("console-conclusions");
  var agendaList = $("console-agenda");
  var setsBox = $("console-sets");
  var feedback = $("feedback");
  var timer = $("timer");
  var phones = $("phones-count");
  var nextButton = $("agenda-next");
  var confirmBox = $("confirm-end");
  var timerToggle = $("timer-toggle");
  var autopage = $("autopage");
  var socket = null;
  /* Folded parts (<details>): open by default on a wide screen, folded on a phone; then as the
     facilitator leaves them (kept across re-renders). */
  var wide = window.matchMedia ? window.matchMedia("(min-width: 60rem)").matches : true;
  var folds = {};

  function readJSON(id) {
    var node = document.getElementById(id);
    try { return node ? JSON.parse(node.textContent) : {}; } catch (e) { return {}; }
  }


  /* ---------- focus ---------- */

  var wanted = null; // data-focus-key of the control last used

  function keyOf(node) { return node && node.getAttribute ? node.getAttribute("data-focus-key") : null; }
  function findKey(key) {
    if (!key) return null;
    var safe = key.replace(/["\\]/g, "");
    var nodes = document.querySelectorAll('[data-focus-key="' + safe + '"], [data-focus-also~="' + safe + '"]');
    for (var i = 0; i < nodes.length; i++) if (visible(nodes[i])) return nodes[i];
    return null;
  }
  function visible(node) { return !!(node.offsetParent || node.getClientRects().length); }
  function focusLost() {
    var a = document.activeElement;
    return !a || a === document.body || !a.isConnected || !visible(a);
  }
  /* Giving the focus back is not a use of the page: the moderation lists (Live.stableOrder)
     must not take it for one, or they would never sort again. */
  var restoring = false;
  document.addEventListener("focusin", function (ev) { if (restoring) ev.stopPropagation(); }, true);
  function restoreFocus(key) {
    var target = findKey(key || wanted);
    if (!target || target === document.activeElement) return;
    restoring = true;
    try { target.focus({ preventScroll: !isOffscreen(target) }); } finally { restoring = false; }
  }
  function isOffscreen(node) {
    var r = node.getBoundingClientRect();
    return r.bottom < 0 || r.top > window.innerHeight;
  }
  /* Re-render (anything) without losing the keyboard focus. */
  function keepFocus(render) {
    var key = keyOf(document.activeElement) || wanted;
    render();
    if (key && focusLost()) restoreFocus(key);
  }
  document.addEventListener("focusin", function (ev) {
    var also = ev.target.getAttribute && ev.target.getAttribute("data-focus-also");
    wanted = keyOf(ev.target) || (also ? also.split(" ")[0] : null);
  });
  document.addEventListener("pointerdown", function (ev) {
    var keyed = ev.target.closest && ev.target.closest("[data-focus-key]");
    wanted = keyed ? keyOf(keyed) : null;
  });

  /* ---------- requests ---------- */

  var pending = {};
  function act(event, payload, button, done) {
    if (!socket || !socket.connected) { feedback.textContent = t("offline"); return; }
    // A second press of the same action before its ack is ignored (the button keeps its focus).
    // Keyed by the action, not the button's focus key: « Fermer » then « Ouvrir » share one, and
    // the set's broadcast (sent before the ack) may already show « Ouvrir » when it is pressed.
    var key = event + ":" + JSON.stringify(payload || {});
    if (pending[key]) return;
    pending[key] = true;
    if (button) { wanted = keyOf(button) || wanted; button.setAttribute("aria-busy", "true"); }
    feedback.textContent = "";
    L.request(socket, event, payload).then(function (res) {
      delete pending[key];
      if (button) button.removeAttribute("aria-busy");
      if (!res.ok) { feedback.textContent = (res.error && res.error.message) || t("error"); return; }
      feedback.textContent = t("done");
      keepFocus(function () {
        if (res.agenda) setAgenda(res.agenda);
        if (res.screen) { state.screen = res.screen; renderScreen(); }
        if (res.set) { upsertSet(res.set); renderSets(); renderCurrent(); }
        if (res.comment) { upsertComment(res.comment); renderSets(); }
        if (res.conclusion) { upsertConclusion(res.conclusion); renderConclusions(); }
        if (done) done(res);
      });
    });
  }

  /* ---------- agenda and the current item ---------- */

  function items() {
    return ((state.agenda && state.agenda.items) || []).slice().sort(function (a, b) { return a.position - b.position; });
  }
  function currentItem() { return L.currentItem(state.agenda); }
  function isEnded() {
    var agenda = state.agenda;
    if (!agenda) return false;
    if (agenda.status) return agenda.status === "ended";
    var all = items();
    return agenda.current == null && all.length > 0 && all.every(function (i) { return i.ended_at; });
  }
  function nextItem() {
    var all = items(), cur = currentItem();
    if (isEnded()) return null;
    if (!cur) return all[0] || null;
    return all.filter(function (i) { return i.position > cur.position; })[0] || null;
  }
  function isLast() { return !!currentItem() && !nextItem(); }
  function setById(id) { return state.sets.filter(function (s) { return s.id === id; })[0] || null; }

  function setAgenda(agenda) {
    state.agenda = agenda;
    state.agendaAt = Date.now();
    renderAgenda();
    renderCurrent();
  }

  function kindLabel(kind) { return more["kind_" + kind] != null ? t("kind_" + kind) : ""; }
  function plannedText(item) {
    if (item.planned_start) return t("planned_at", { time: item.planned_start });
    return item.duration_min ? L.minutes(item.duration_min) : "";
  }
  function speakerText(s) {
    var extra = [s.role, s.organisation].filter(Boolean).join(", ");
    return s.name + (extra ? " (" + extra + ")" : "");
  }

  function renderAgenda() {
    if (!state.agenda) return;
    var cur = state.agenda.current;
    keepFocus(function () {
      L.clear(agendaList);
      items().forEach(function (item) {
        var current = item.position === cur;
        var meta = [kindLabel(item.kind), plannedText(item)];
        if (item.spent_s) meta.push(L.pair(t("spent"), L.clock(item.spent_s * 1000)));
        agendaList.appendChild(el("li", { class: "c-item" + (current ? " current" : "") + (item.ended_at ? " done" : ""),
          "data-position": String(item.position), "aria-current": current ? "step" : null,
          tabindex: current ? "-1" : null, "data-focus-also": current ? "goto-" + item.position : null }, [
          el("span", { class: "item-text" }, [
            el("span", { class: "item-title", text: item.title }), " ",
            el("span", { class: "item-meta", text: meta.filter(Boolean).join(" · ") }),
          ]),
          current ? el("span", { class: "badge current-badge", text: t("current") }) : el("button", {
            type: "button", class: "small", "data-focus-key": "goto-" + item.position, "data-action": "goto",
            "aria-label": L.pair(t("goto_item"), item.title), text: t("goto_item"),
            on: { click: function (ev) { act("agenda_goto", { position: item.position }, ev.currentTarget); } },
          }),
        ]));
      });
    });
  }

  function renderCurrent() {
    var item = currentItem(), ended = isEnded(), next = nextItem();
    $("now-kind").textContent = item ? kindLabel(item.kind) : "";
    $("now-title").textContent = item ? item.title : ended ? t("ended") : t("not_started");
    var speakers = (item && item.speakers) || [];
    $("now-speakers").textContent = speakers.length ? L.pair(t("speakers"), speakers.map(speakerText).join(" ; ")) : "";
    $("now-box").classList.toggle("ended", ended);
    $("console-current").setAttribute("data-state", ended ? "ended" : item ? "live" : "planned");

    // « Point suivant » never wraps: hidden once the workshop is ended.
    nextButton.hidden = ended;
    if (!confirmBox.hidden && !isLast()) { // someone else moved the agenda meanwhile: nothing to confirm
      var inside = confirmBox.contains(document.activeElement);
      confirmBox.hidden = true;
      if (inside && !ended) { wanted = "agenda-next"; nextButton.focus(); }
    }
    $("timer-actions").hidden = !item;
    $("timer-line").hidden = !item;

    var nextLine = $("next-line");
    if (ended) nextLine.textContent = t("ended_hint");
    else if (next) nextLine.textContent = t(item ? "next_item" : "next_first", { title: next.title }) +
      (plannedText(next) ? " · " + plannedText(next) : "");
    else nextLine.textContent = item ? t("next_last") : "";

    // The current item's question set: one button to open (then close) it, one to show its results.
    var box = $("item-set-actions");
    keepFocus(function () {
      L.clear(box);
      var set = item && item.question_set_id != null ? setById(item.question_set_id) : null;
      if (!set) return;
      var id = set.id, open = set.state === "open";
      box.appendChild(el("button", { type: "button", class: open ? null : "primary", "data-focus-key": "item-set-toggle",
        "data-action": open ? "close-item-set" : "open-item-set", text: t(open ? "close_item_set" : "open_item_set"),
        "aria-label": L.pair(t(open ? "close_item_set" : "open_item_set"), set.title),
        on: { click: function (ev) { act(open ? "set_close" : "set_open", { set_id: id }, ev.currentTarget); } } }));
      if (set.state !== "ready") {
        box.appendChild(el("button", { type: "button", "data-focus-key": "item-set-reveal",
          "aria-pressed": set.revealed ? "true" : "false", text: set.revealed ? t("unreveal") : t("reveal"),
          "aria-label": L.pair(set.revealed ? t("unreveal") : t("reveal"), set.title),
          on: { click: function (ev) { act("set_reveal", { set_id: id, revealed: !set.revealed }, ev.currentTarget); } } }));
      }
      box.appendChild(el("span", { class: "item-set-title", "aria-hidden": "true", text: t("item_set", { title: set.title }) }));
    });
    tick();
  }

  /* The timer as the server gave it, moved on by the time since while it runs. */
  function timerNow() {
    var tm = state.agenda && state.agenda.timer;
    if (!tm) return null;
    var elapsed = (tm.elapsed_s || 0) + (tm.running ? (Date.now() - state.agendaAt) / 1000 : 0);
    return { elapsed: elapsed, planned: tm.planned_s, running: !!tm.running, extra: tm.extra_min || 0 };
  }

  function renderTimer() {
    var tm = timerNow(), stateText = $("timer-state");
    if (!tm) {
      if (state.agenda && state.agenda.timer === undefined) L.showTimer(timer, state.agenda); // an older server
      else { timer.textContent = ""; timer.classList.remove("over"); }
      stateText.textContent = "";
      timerToggle.textContent = t("pause");
      return;
    }
    var over = tm.planned != null && tm.elapsed > tm.planned;
    var text = tm.planned != null
      ? t("timer_of", { elapsed: L.clock(tm.elapsed * 1000), planned: L.clock(tm.planned * 1000) })
      : t("timer_plain", { elapsed: L.clock(tm.elapsed * 1000) });
    timer.textContent = text;
    timer.classList.toggle("over", over);
    timer.setAttribute("data-elapsed", String(Math.floor(tm.elapsed)));
    timer.setAttribute("data-running", tm.running ? "true" : "false");
    // Overrun and pause in words (and an icon-free badge), never by colour alone.
    var bits = [];
    if (over) bits.push(t("overrun", { over: L.clock((tm.elapsed - tm.planned) * 1000) }));
    if (!tm.running) bits.push(t("paused"));
    if (tm.extra) bits.push(t("extra", { n: tm.extra }));
    stateText.textContent = bits.join(" · ");
    stateText.classList.toggle("over", over);
    var label = tm.running ? t("pause") : t("resume");
    if (timerToggle.textContent !== label) timerToggle.textContent = label;
    timerToggle.setAttribute("data-action", tm.running ? "pause" : "resume");
  }

  function tick() {
    renderTimer();
    // Pages turned by the projector itself (automatic paging): the console follows.
    var nodes = setsBox.querySelectorAll("[data-page-of]");
    for (var i = 0; i < nodes.length; i++) {
      var set = setById(Number(nodes[i].getAttribute("data-page-of")));
      if (set) { var p = pageInfo(set); nodes[i].textContent = t("page_of", { k: p.k + 1, n: p.n }); }
    }
  }

  nextButton.addEventListener("click", function (ev) {
    if (isEnded()) return;
    if (isLast()) { // the last item: ask first (« Point suivant » would end the workshop)
      confirmBox.hidden = false;
      confirmBox.focus();
      return;
    }
    act("agenda_next", {}, ev.currentTarget);
  });
  function cancelEnd() { confirmBox.hidden = true; wanted = "agenda-next"; nextButton.focus(); }
  $("confirm-end-no").addEventListener("click", cancelEnd);
  confirmBox.addEventListener("keydown", function (ev) { if (ev.key === "Escape") { ev.preventDefault(); cancelEnd(); } });
  $("confirm-end-yes").addEventListener("click", function (ev) {
    act("agenda_next", {}, ev.currentTarget, function () {
      confirmBox.hidden = true;
      if (isEnded()) { feedback.textContent = t("ended_done"); wanted = "ended"; $("now-box").focus(); }
    });
  });

  timerToggle.addEventListener("click", function (ev) {
    var tm = timerNow();
    act("timer", { action: tm && !tm.running ? "resume" : "pause" }, ev.currentTarget);
  });
  $("timer-reset").addEventListener("click", function (ev) { act("timer", { action: "reset" }, ev.currentTarget); });
  ["timer-plus1", "timer-plus5"].forEach(function (id) {
    $(id).addEventListener("click", function (ev) {
      act("timer", { action: "extend", minutes: Number(ev.currentTarget.getAttribute("data-minutes")) }, ev.currentTarget);
    });
  });

  /* ---------- projector settings ---------- */

  function renderScreen() {
    var s = state.screen || {};
    var buttons = document.querySelectorAll("[data-theme]");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].setAttribute("aria-pressed", buttons[i].getAttribute("data-theme") === (s.theme || "dark") ? "true" : "false");
    }
    var value = String(s.autopage_s || 0);
    if (!autopage.querySelector('option[value="' + value + '"]')) {
      autopage.appendChild(el("option", { value: value, text: value }));
    }
    autopage.value = value;
    renderSets();
  }
  Array.prototype.forEach.call(document.querySelectorAll("[data-theme]"), function (button) {
    button.addEventListener("click", function (ev) {
      act("screen_settings", { theme: ev.currentTarget.getAttribute("data-theme") }, ev.currentTarget);
    });
  });
  autopage.addEventListener("change", function () {
    act("screen_settings", { autopage_s: Number(autopage.value) }, autopage);
  });

  Array.prototype.forEach.call(document.querySelectorAll("details[data-fold]"), function (d) {
    d.open = wide;
    folds[d.getAttribute("data-fold")] = wide;
    d.addEventListener("toggle", function () { folds[d.getAttribute("data-fold")] = d.open; });
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

  /* The page of a whole set the projector shows now (docs/protocol.md, « Pages of a set »). */
  function pageInfo(set) {
    var n = Math.max(1, Math.ceil((set.questions || []).length / 2));
    var k = Math.min(set.page || 0, n - 1);
    var auto = state.screen && state.screen.autopage_s;
    if (auto && set.page_at) {
      var since = Math.max(0, L.now() - Date.parse(set.page_at));
      if (!isNaN(since)) k = (k + Math.floor(since / 1000 / auto)) % n;
    }
    return { k: k, n: n, auto: !!auto };
  }

  function renderSets() {
    keepFocus(function () {
      L.clear(setsBox);
      state.sets.forEach(function (set) { setsBox.appendChild(renderSet(set)); });
    });
  }

  function pageButton(set, delta) {
    var p = pageInfo(set), target = p.k + delta;
    if (p.auto) target = (target + p.n) % p.n; // turning by hand while pages turn themselves: round
    var off = target < 0 || target >= p.n;
    var label = t(delta < 0 ? "page_prev" : "page_next");
    return el("button", { type: "button", class: "small", "data-focus-key": (delta < 0 ? "page-prev-" : "page-next-") + set.id,
      "data-action": delta < 0 ? "page-prev" : "page-next", "aria-disabled": off ? "true" : null, text: label,
      on: { click: function (ev) {
        var now = pageInfo(set), to = now.k + delta;
        if (now.auto) to = (to + now.n) % now.n;
        if (to < 0 || to >= now.n) return;
        act("set_page", { set_id: set.id, page: to }, ev.currentTarget, function () {
          feedback.textContent = t("page_of", { k: to + 1, n: now.n });
        });
      } } });
  }

  function renderSet(set) {
    var id = set.id;
    var buttons = el("p", { class: "set-actions" });
    var open = set.state === "open";
    buttons.appendChild(el("button", { type: "button", class: open ? null : "primary", "data-focus-key": "set-toggle-" + id,
      "data-action": open ? "close" : "open", text: t(open ? "close" : "open"),
      "aria-label": L.pair(t(open ? "close" : "open"), set.title),
      on: { click: function (ev) { act(open ? "set_close" : "set_open", { set_id: id }, ev.currentTarget); } } }));
    buttons.appendChild(el("button", { type: "button", "data-focus-key": "set-reveal-" + id,
      "data-action": set.revealed ? "unreveal" : "reveal", "aria-pressed": set.revealed ? "true" : "false",
      "aria-label": L.pair(set.revealed ? t("unreveal") : t("reveal"), set.title),
      text: set.revealed ? t("unreveal") : t("reveal"),
      on: { click: function (ev) { act("set_reveal", { set_id: id, revealed: !set.revealed }, ev.currentTarget); } } }));

    var card = el("section", { class: "c-set state-" + set.state + (set.revealed ? " revealed" : ""),
      "data-set-id": String(id), "aria-labelledby": "set-" + id + "-title" }, [
      el("h3", { id: "set-" + id + "-title" }, [set.title, " ", el("span", { class: "badge state-badge", text: stateLabel(set) })]),
      buttons,
    ]);

    // Pages of the whole set on the projector (two questions a page), while it is on the screen.
    if (open || set.revealed) {
      var p = pageInfo(set);
      card.appendChild(el("p", { class: "page-actions", role: "group", "aria-label": t("pages_of", { title: set.title }) }, [
        pageButton(set, -1),
        el("span", { class: "page-of", "data-page-of": String(id), text: t("page_of", { k: p.k + 1, n: p.n }) }),
        pageButton(set, 1),
      ]));
    }

    var foldKey = "set-" + id;
    if (folds[foldKey] == null) folds[foldKey] = wide;
    var total = set.questions.reduce(function (sum, q) {
      return sum + (state.counters.answers[q.id] || state.counters.answers[String(q.id)] || 0);
    }, 0);
    var fold = el("details", { class: "fold set-fold", "data-fold": foldKey }, [
      el("summary", { "data-focus-key": "fold-" + id }, [t("details"), " ",
        el("span", { class: "fold-count", text: "(" + set.questions.length + ")" + (total ? " · " + t("answers", { n: total }) : "") })]),
    ]);
    fold.open = folds[foldKey];
    fold.addEventListener("toggle", function () { folds[foldKey] = fold.open; });
    card.appendChild(fold);

    // The projector's focus: one question alone, or the whole set (open or closed sets).
    var focusable = set.state !== "ready";
    var focus = set.focus_question_id;
    if (focusable) {
      fold.appendChild(el("p", { class: "focus-actions", role: "group", "aria-label": L.pair(t("projector"), set.title) }, [
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
    fold.appendChild(qs);

    if (set.state !== "ready") {
      var results = el("div", { class: "results console-results" });
      LiveResults.render(results, set, state.results[id] || null);
      fold.appendChild(el("h4", { text: t("results") }));
      fold.appendChild(results);
      set.questions.forEach(function (q) {
        var list = state.comments[q.id] || state.comments[String(q.id)];
        if (list && list.length) fold.appendChild(renderModeration(q, list));
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
    var count = $("conclusions-count");
    if (count) count.textContent = "(" + state.conclusions.length + ")";
    keepFocus(function () {
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
      state.sets = snap.sets || [];
      state.results = snap.results || {};
      state.counters = snap.counters || { phones: 0, answers: {} };
      state.comments = snap.comments || {};
      moderationOrder.reset();
      state.conclusions = snap.conclusions || [];
      if (snap.screen) state.screen = snap.screen;
      keepFocus(function () {
        state.agenda = null;
        setAgenda(snap.agenda || null);
        renderCounters();
        renderScreen(); // draws the sets too
        renderConclusions();
      });
    },
    agenda: function (agenda) { keepFocus(function () { setAgenda(agenda); }); },
    screen: function (s) { state.screen = s; keepFocus(renderScreen); },
    question_set: function (set) { upsertSet(set); keepFocus(function () { renderSets(); renderCurrent(); }); },
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

  /* The sticky block must not hide the control that has the focus: scrolling into view (Tab,
     focus()) keeps clear of its height. */
  var current = $("console-current");
  function clearSticky() {
    document.documentElement.style.scrollPaddingTop = Math.ceil(current.getBoundingClientRect().height + 8) + "px";
  }
  if (window.ResizeObserver) new ResizeObserver(clearSticky).observe(current);
  clearSticky();

  window.setInterval(tick, 1000);
})();

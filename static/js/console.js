/* The facilitator's console (docs/protocol.md, role "console", and « The day of the workshop »):
   the current agenda item with its timer and its question set, always at hand (sticky); the
   agenda; the projector's theme and pages; open/close/reveal sets, the projector's focus, live
   counters and results, comment moderation; conclusions; the debate (« The debate »): the floor
   — who speaks and for how long, the queue, people without a phone, the limit of a turn, the
   totals by group — and the room's questions with their moderation.

   Focus: every control has a stable data-focus-key (a control and its replacement share one:
   « Ouvrir » and « Fermer » of a set are both "set-toggle-<id>"). The control last used is
   remembered; whenever a re-render takes the focus away, it goes back to the element with that
   key (or to one naming it in data-focus-also), so a keyboard user never falls to <body>. */
(function () {
  "use strict";
  var L = window.Live, el = L.el, t = L.t;
  var more = readJSON("i18n-more"); // to know which agenda kinds this page names
  var state = { agenda: null, agendaAt: 0, screen: { theme: "dark", autopage_s: 0 }, sets: [], results: {},
    counters: { phones: 0, answers: {} }, comments: {}, conclusions: [],
    groups: [], floor: null, floorAt: 0, qa: [], premoderated: false };
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
  /* The floor's events go one after the other: « Terminer l'intervention » then « Donner la
     parole au suivant » pressed in a row must reach the server in that order. */
  var lanes = {};
  /* opts.scope: what the action is based on, when its payload does not say it (« Point
     suivant » from item 3; « Donner la parole au suivant » while n° 7 speaks): the same press
     from a state the console already shows as changed is a new action, not a second press.
     opts.failed(res): called when the action is refused (or cannot be sent). */
  function act(event, payload, button, done, opts) {
    opts = opts || {};
    if (!socket || !socket.connected) {
      feedback.textContent = t("offline");
      if (opts.failed) opts.failed(null);
      return;
    }
    // A second press of the same action before its ack is ignored (the button keeps its focus).
    // Keyed by the action, not the button's focus key: « Fermer » then « Ouvrir » share one, and
    // the set's broadcast (sent before the ack) may already show « Ouvrir » when it is pressed.
    var key = event + ":" + JSON.stringify(payload || {}) + (opts.scope != null ? "@" + opts.scope : "");
    if (pending[key]) return;
    pending[key] = true;
    if (button) { wanted = keyOf(button) || wanted; button.setAttribute("aria-busy", "true"); }
    feedback.textContent = "";
    var send = function () { return L.request(socket, event, payload); };
    var lane = event.indexOf("floor_") === 0 ? "floor" : null;
    var sent = lane ? (lanes[lane] = (lanes[lane] || Promise.resolve()).then(send)) : send();
    sent.then(function (res) {
      delete pending[key];
      if (button) button.removeAttribute("aria-busy");
      if (!res.ok) {
        feedback.textContent = (res.error && res.error.message) || t("error");
        if (opts.failed) opts.failed(res);
        return;
      }
      feedback.textContent = t("done");
      keepFocus(function () {
        if (res.agenda) setAgenda(res.agenda);
        if (res.screen) { state.screen = res.screen; renderScreen(); }
        if (res.set) { upsertSet(res.set); renderSets(); renderCurrent(); }
        if (res.comment) { upsertComment(res.comment); renderSets(); }
        if (res.conclusion) { upsertConclusion(res.conclusion); renderConclusions(); }
        if (res.floor) setFloor(res.floor);
        if (res.qa) { upsertQa(res.qa); renderQa(); }
        if (done) done(res);
      });
    });
  }
  function isPending(event) {
    return Object.keys(pending).some(function (k) { return k.indexOf(event + ":") === 0; });
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
    renderLimit(); // « Le point en cours » of the floor's limit
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
    if (state.floor) renderFloorClock();
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
    act("agenda_next", {}, ev.currentTarget, null, { scope: agendaScope() });
  });
  /* The item « Point suivant » moves on from: the agenda's broadcast comes before the ack, so
     the console may already show the next item (and be pressed again) while the first press
     is still pending: that press, from the new item, is a new one. */
  function agendaScope() {
    var cur = state.agenda ? state.agenda.current : null;
    return cur == null ? (isEnded() ? "ended" : "none") : String(cur);
  }
  function cancelEnd() { confirmBox.hidden = true; wanted = "agenda-next"; nextButton.focus(); }
  $("confirm-end-no").addEventListener("click", cancelEnd);
  confirmBox.addEventListener("keydown", function (ev) { if (ev.key === "Escape") { ev.preventDefault(); cancelEnd(); } });
  $("confirm-end-yes").addEventListener("click", function (ev) {
    act("agenda_next", {}, ev.currentTarget, function () {
      confirmBox.hidden = true;
      if (isEnded()) { feedback.textContent = t("ended_done"); wanted = "ended"; $("now-box").focus(); }
    }, { scope: agendaScope() });
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

  /* ---------- the debate: the floor (docs/protocol.md, « The floor ») ---------- */

  var floorBox = $("floor-speaking");
  var floorQueue = $("floor-queue");
  var giveNext = $("floor-give-next");
  var floorEnd = $("floor-end");
  var addName = $("floor-add-name");
  var addGroup = $("floor-add-group");
  var limitInput = $("floor-limit");
  var limitScope = $("floor-limit-scope");
  var limitDirty = false; // the facilitator is typing a limit: pushes do not overwrite it
  var limitScopeChosen = false;

  function groupLabel(key) {
    if (key == null) return t("floor_group_none");
    var g = state.groups.filter(function (x) { return x.key === key; })[0];
    return g ? g.label : key;
  }
  /* Whom a request names: the name given, else « n° 7 » (the number the facilitator calls). */
  function whoOf(r) { return r.name || t("floor_number", { n: r.number }); }
  function limitText(seconds) { return t("minutes", { n: L.number(seconds / 60) }); }

  function setFloor(floor) {
    state.floor = floor;
    state.floorAt = Date.now();
    renderFloor();
  }

  /* The turn under way as the server gave it, moved on by the time since (like the timer). */
  function floorElapsed() {
    var s = state.floor && state.floor.speaking;
    return s ? (s.elapsed_s || 0) + (Date.now() - state.floorAt) / 1000 : 0;
  }

  function renderGroups() {
    var value = addGroup.value;
    while (addGroup.options.length > 1) addGroup.remove(1);
    state.groups.forEach(function (g) { addGroup.appendChild(el("option", { value: g.key, text: g.label })); });
    addGroup.value = state.groups.some(function (g) { return g.key === value; }) ? value : "";
  }

  /* A request's buttons are keyed by its id: once it leaves the queue (given the floor,
     removed, withdrawn from its phone), the focus goes to « Terminer l'intervention » if it
     now speaks, else to the queue's heading, never to <body>. */
  var requestKey = /^floor-(give|up|down|remove)-(\d+)$/;
  function renderFloor() {
    var f = state.floor;
    if (!f) return;
    var key = keyOf(document.activeElement) || wanted;
    var m = key ? requestKey.exec(key) : null;
    var gone = m && !f.queue.some(function (r) { return String(r.id) === m[2]; });
    keepFocus(drawFloor);
    if (gone) {
      var to = f.speaking && String(f.speaking.id) === m[2] ? "floor-end" : "floor-queue";
      if (wanted === key) wanted = to;
      if (focusLost()) restoreFocus(to);
    }
  }

  function drawFloor() {
    var f = state.floor, s = f.speaking, n = f.queue.length;
    floorBox.setAttribute("data-state", s ? "speaking" : "none");
    var who = $("floor-who");
    L.clear(who);
    if (s) {
      who.appendChild(el("span", { class: "floor-label", text: L.pair(t("floor_speaking")) }));
      who.appendChild(document.createTextNode(" "));
      who.appendChild(el("strong", { class: "floor-name", text: whoOf(s) }));
      who.appendChild(document.createTextNode(" "));
      who.appendChild(el("span", { class: "floor-group", text: requestMeta(s) }));
    } else who.textContent = t("floor_none");
    floorEnd.hidden = !s;
    $("floor-time-line").hidden = !s;
    if (n) giveNext.removeAttribute("aria-disabled");
    else giveNext.setAttribute("aria-disabled", "true");
    $("floor-next-who").textContent = n ? t("next_item", { title: whoOf(f.queue[0]) }) : "";

    L.clear(floorQueue);
    f.queue.forEach(function (r, i) { floorQueue.appendChild(queueItem(r, i, n)); });
    $("floor-queue-empty").hidden = n > 0;
    $("floor-queue-count").textContent = n ? "(" + n + ")" : "";
    renderLimit();
    renderFloorClock();
  }

  function requestMeta(r) {
    return [r.name ? t("floor_number", { n: r.number }) : null, groupLabel(r.group),
      r.from_room ? t("floor_from_room") : null].filter(Boolean).join(" · ");
  }

  function floorButton(key, cls, text, label, off, onPress) {
    return el("button", { type: "button", class: "small " + cls, "data-focus-key": key, "aria-label": label,
      "aria-disabled": off ? "true" : null, text: text,
      on: { click: function (ev) { if (ev.currentTarget.getAttribute("aria-disabled") !== "true") onPress(ev.currentTarget); } } });
  }

  function queueItem(r, i, n) {
    var id = r.id, who = whoOf(r);
    return el("li", { class: "floor-req" + (r.from_room ? " from-room" : ""), "data-request-id": String(id) }, [
      el("p", { class: "floor-req-who" }, [
        el("strong", { text: who }), " ", el("span", { class: "floor-group", text: requestMeta(r) }),
      ]),
      el("p", { class: "floor-req-actions" }, [
        floorButton("floor-give-" + id, "floor-give", t("floor_give"), t("floor_give_to", { who: who }), false,
          function (b) { act("floor_give", { request_id: id }, b); }),
        floorButton("floor-up-" + id, "floor-up", t("floor_up"), t("floor_up_who", { who: who }), i === 0,
          function (b) { act("floor_move", { request_id: id, direction: "up" }, b, null, { scope: i }); }),
        floorButton("floor-down-" + id, "floor-down", t("floor_down"), t("floor_down_who", { who: who }), i === n - 1,
          function (b) { act("floor_move", { request_id: id, direction: "down" }, b, null, { scope: i }); }),
        floorButton("floor-remove-" + id, "floor-remove", t("floor_remove"), t("floor_remove_who", { who: who }), false,
          function (b) { act("floor_remove", { request_id: id }, b); }),
      ]),
    ]);
  }

  /* The limit of a turn: what applies now, and the form (left alone while it is being edited). */
  function renderLimit() {
    var f = state.floor, item = currentItem();
    if (!f) return;
    $("floor-limit-now").textContent = !f.limit_s ? t("floor_limit_none")
      : t(item && f.item_limit_s ? "floor_limit_item" : "floor_limit_session", { limit: limitText(f.limit_s) });
    var itemOption = limitScope.querySelector('option[value="item"]');
    itemOption.disabled = !item;
    if (!item && limitScope.value === "item") limitScope.value = "session";
    var editing = document.activeElement === limitInput || document.activeElement === limitScope;
    if (limitDirty || editing) return;
    if (!limitScopeChosen) limitScope.value = item && f.item_limit_s ? "item" : "session";
    fillLimit();
  }
  function fillLimit() {
    var f = state.floor;
    if (!f) return;
    var seconds = limitScope.value === "item" ? f.item_limit_s : f.default_limit_s;
    limitInput.value = seconds ? String(Math.round(seconds / 30) / 2) : "";
  }

  function renderFloorClock() {
    var f = state.floor, s = f && f.speaking;
    var clock = $("floor-clock"), over = $("floor-over");
    var count = [];
    if (!s) {
      clock.textContent = "";
      over.textContent = "";
      floorBox.setAttribute("data-overrun", "false");
    } else {
      var elapsed = floorElapsed(), limit = f.limit_s;
      var isOver = !!limit && elapsed > limit;
      clock.textContent = limit
        ? t("timer_of", { elapsed: L.clock(elapsed * 1000), planned: L.clock(limit * 1000) })
        : t("timer_plain", { elapsed: L.clock(elapsed * 1000) });
      clock.setAttribute("data-elapsed", String(Math.floor(elapsed)));
      // The overrun in words, not by colour alone; nobody is cut off.
      over.textContent = isOver ? t("overrun", { over: L.clock((elapsed - limit) * 1000) }) : "";
      floorBox.setAttribute("data-overrun", isOver ? "true" : "false");
      // Folded, the summary still says who speaks and for how long (the seconds, which tick,
      // are not part of its name).
      count.push([whoOf(s) + " ", el("span", { "aria-hidden": "true", text: L.clock(elapsed * 1000) }),
        isOver ? " · " + t("overrun", { over: L.clock((elapsed - limit) * 1000) }) : ""]);
    }
    if (f && f.queue.length) count.push([t("floor_waiting_n", { n: f.queue.length })]);
    var summary = $("floor-count");
    L.clear(summary);
    if (count.length) {
      summary.appendChild(document.createTextNode("("));
      count.forEach(function (parts, i) {
        if (i) summary.appendChild(document.createTextNode(" · "));
        parts.forEach(function (part) { if (part) summary.appendChild(typeof part === "string" ? document.createTextNode(part) : part); });
      });
      summary.appendChild(document.createTextNode(")"));
    }
    renderTotals();
  }

  /* Turns and time by group; the turn under way counted up to now. */
  function renderTotals() {
    var body = $("floor-totals").tBodies[0];
    var f = state.floor;
    L.clear(body);
    if (!f) return;
    var s = f.speaking, since = s ? (Date.now() - state.floorAt) / 1000 : 0;
    (f.totals || []).forEach(function (g) {
      var seconds = g.seconds + (s && (s.group || null) === (g.group || null) ? since : 0);
      body.appendChild(el("tr", { "data-group": g.group == null ? "" : g.group }, [
        el("th", { scope: "row", text: groupLabel(g.group) }),
        el("td", { class: "num", text: String(g.turns) }),
        el("td", { class: "num", "data-seconds": String(Math.floor(seconds)), text: L.clock(seconds * 1000) }),
      ]));
    });
  }

  giveNext.addEventListener("click", function (ev) {
    var f = state.floor;
    if (!f || !f.queue.length) { feedback.textContent = t("floor_queue_empty"); return; }
    act("floor_give", {}, ev.currentTarget, null,
      { scope: (f.speaking ? f.speaking.id : "-") + ">" + f.queue[0].id });
  });
  floorEnd.addEventListener("click", function (ev) {
    var s = state.floor && state.floor.speaking;
    act("floor_end", {}, ev.currentTarget, function () {
      if (focusLost()) { wanted = "floor-give-next"; restoreFocus("floor-give-next"); }
    }, { scope: s ? s.id : "-" });
  });
  $("floor-add-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var name = addName.value.trim();
    if (!name) { feedback.textContent = t("floor_name_required"); addName.focus(); return; }
    act("floor_add", { name: name, group: addGroup.value || null }, $("floor-add-submit"), function () {
      addName.value = "";
      addGroup.value = "";
      feedback.textContent = t("floor_added", { who: name });
    });
  });
  limitInput.addEventListener("input", function () { limitDirty = true; });
  limitScope.addEventListener("change", function () {
    limitScopeChosen = true;
    if (!limitDirty) fillLimit();
  });
  $("floor-limit-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var raw = limitInput.value.trim().replace(",", ".");
    var minutes = raw === "" ? 0 : Number(raw);
    if (!isFinite(minutes) || minutes < 0 || (minutes && (minutes < 0.5 || minutes > 60))) {
      feedback.textContent = t("floor_limit_range");
      limitInput.focus();
      return;
    }
    var payload = { limit_s: minutes ? Math.round(minutes * 60) : null };
    if (limitScope.value === "item") {
      var item = currentItem();
      if (!item) { feedback.textContent = t("floor_no_item"); return; }
      payload.position = item.position;
    }
    act("floor_settings", payload, $("floor-limit-save"), function () {
      limitDirty = false;
      fillLimit();
      feedback.textContent = t(payload.limit_s ? "floor_limit_saved" : "floor_limit_removed");
    });
  });

  /* ---------- the debate: the room's questions (docs/protocol.md, « Questions ») ---------- */

  var qaList = $("qa-mod-list");
  var premod = $("qa-premod");
  /* Pending first (the oldest on top), then visible by support, answered, hidden, merged; a
     question keeps its place while the facilitator uses the list (as the comments do). */
  var qaOrder = L.stableOrder(5000, 3000);
  qaOrder.watch(qaList);
  var QA_RANK = { pending: 4, visible: 3, answered: 2, hidden: 1, merged: 0 };
  var mergeChoice = {}; // question id -> the id chosen in its « Fusionner dans » list

  function upsertQa(q) {
    var found = false;
    state.qa = state.qa.map(function (x) { if (x.id === q.id) { found = true; return q; } return x; });
    if (!found) state.qa.push(q);
  }
  function qaById(id) { return state.qa.filter(function (q) { return q.id === id; })[0] || null; }
  /* A question's opening words, for the merge lists and « Fusionnée dans ». */
  var short = L.short;

  var qaKey = /^qa-[a-z-]+-(\d+)$/;
  function renderQa() {
    var key = keyOf(document.activeElement) || wanted;
    var m = key ? qaKey.exec(key) : null;
    var gone = m && !qaById(Number(m[1]));
    keepFocus(function () {
      L.clear(qaList);
      var ordered = qaOrder.order("qa", state.qa.map(function (q) {
        return { id: q.id, upvotes: QA_RANK[q.status] * 1e6 + (q.support || 0), q: q };
      }));
      ordered.forEach(function (w) { qaList.appendChild(qaItem(w.q)); });
    });
    if (gone) { // erased by its author meanwhile
      if (wanted === key) wanted = "fold-qa";
      if (focusLost()) restoreFocus("fold-qa");
    }
    renderQaHead();
  }
  function renderQaHead() {
    var n = state.qa.length;
    var waiting = state.qa.filter(function (q) { return q.status === "pending"; }).length;
    $("qa-empty").hidden = n > 0;
    $("qa-count").textContent = n ? "(" + [t("qa_count", { n: n }), waiting ? t("qa_pending_n", { n: waiting }) : null]
      .filter(Boolean).join(" · ") + ")" : "";
    if (!isPending("qa_settings")) premod.checked = !!state.premoderated;
  }

  function qaButton(key, cls, text, q, also, onPress, pressed) {
    return el("button", { type: "button", class: "small " + cls, "data-focus-key": key,
      "data-focus-also": also && also.length ? also.join(" ") : null,
      "aria-pressed": pressed == null ? null : pressed ? "true" : "false",
      "aria-label": L.pair(text, short(q.text, 80)), text: text,
      on: { click: function (ev) { onPress(ev.currentTarget); } } });
  }

  function qaItem(q) {
    var id = q.id, s = q.status;
    var open = s === "visible" || s === "answered";
    var candidates = state.qa.filter(function (o) {
      return o.id !== id && (o.status === "visible" || o.status === "answered");
    });
    var canMerge = (open || s === "pending") && candidates.length > 0;
    var keys = { hide: "qa-hide-" + id, show: "qa-show-" + id, into: "qa-merge-into-" + id, go: "qa-merge-go-" + id };
    // The main button (approve / answered / reopen…) takes the focus of the ones this status
    // has not: « Masquer » pressed, the focus is on « Réafficher ».
    var absent = [];
    if (s === "hidden" || s === "merged") absent.push(keys.hide);
    if (!open) absent.push(keys.show);
    if (!canMerge) absent.push(keys.into, keys.go);
    var moderate = function (action) { return function (b) { act("qa_moderate", { qa_id: id, action: action }, b); }; };
    var main = s === "pending" ? qaButton("qa-main-" + id, "qa-approve primary", t("qa_approve"), q, absent, moderate("approve"))
      : s === "visible" ? qaButton("qa-main-" + id, "qa-answered", t("qa_answered"), q, absent, moderate("answered"))
      : s === "answered" ? qaButton("qa-main-" + id, "qa-reopen", t("qa_reopen"), q, absent, moderate("reopen"))
      : s === "hidden" ? qaButton("qa-main-" + id, "qa-approve", t("qa_unhide"), q, absent, moderate("approve"))
      : qaButton("qa-main-" + id, "qa-approve", t("qa_unmerge"), q, absent, moderate("approve"));
    var actions = el("p", { class: "qa-actions" }, [
      main,
      open ? qaButton(keys.show, "qa-show", t("qa_show"), q, null, function (b) {
        act("qa_show", { qa_id: q.on_screen ? null : id }, b, function (res) {
          var shown = res.qa ? res.qa.id : null;
          state.qa.forEach(function (x) { x.on_screen = x.id === shown; });
          renderQa();
        });
      }, !!q.on_screen) : null,
      s !== "hidden" && s !== "merged" ? qaButton(keys.hide, "qa-hide", t("qa_hide"), q, null, moderate("hide")) : null,
    ]);

    var into = s === "merged" && q.merged_into != null ? qaById(q.merged_into) : null;
    var meta = [
      el("span", { class: "badge qa-status status-" + s, text: into ? t("qa_merged_into", { text: short(into.text, 32) }) : t("qa_status_" + s) }),
      q.on_screen ? el("span", { class: "badge on-screen", text: t("on_screen") }) : null,
      el("span", { class: "qa-support-count", "data-support": String(q.support || 0), text: t("upvotes", { n: q.support || 0 }) }),
      el("span", { class: "qa-to", text: q.speaker ? t("qa_to", { who: q.speaker.name }) : t("qa_to_room") }),
      q.item_title ? el("span", { class: "qa-item", text: t("qa_item", { title: q.item_title }) }) : null,
    ];
    var li = el("li", { class: "qa-mod status-" + s + (q.on_screen ? " on-screen" : ""),
      "data-qa-id": String(id), "data-status": s }, [
      el("p", { class: "qa-text", id: "qa-text-" + id, text: q.text }),
      el("p", { class: "qa-meta" }, meta.filter(Boolean).reduce(function (all, node) {
        if (all.length) all.push(document.createTextNode(" · "));
        all.push(node);
        return all;
      }, [])),
    ]);
    if (q.merged && q.merged.length) {
      li.appendChild(el("div", { class: "qa-merged" }, [
        el("p", { class: "qa-merged-title", text: L.pair(t("qa_merged_here") + " (" + q.merged.length + ")") }),
        el("ul", null, q.merged.map(function (m) { return el("li", { class: "qa-merged-text", "data-qa-id": String(m.id), text: m.text }); })),
      ]));
    }
    li.appendChild(actions);
    if (canMerge) li.appendChild(mergeControl(q, candidates, keys));
    return li;
  }

  /* « Fusionner dans » a visible or answered question. The options carry the other questions'
     opening words in their label, not as text: the list item reads as its own question only. */
  function mergeControl(q, candidates, keys) {
    var id = q.id, selectId = "qa-merge-" + id;
    var chosen = mergeChoice[id];
    if (chosen && !candidates.some(function (o) { return String(o.id) === chosen; })) chosen = mergeChoice[id] = "";
    var select = el("select", { id: selectId, class: "qa-merge-into", "data-focus-key": keys.into,
      "aria-describedby": "qa-text-" + id,
      on: { change: function (ev) { mergeChoice[id] = ev.currentTarget.value; } } },
      [el("option", { value: "", text: t("qa_merge_choose") })].concat(candidates.map(function (o) {
        return el("option", { value: String(o.id), label: short(o.text, 70) });
      })));
    select.value = chosen || "";
    return el("p", { class: "qa-merge" }, [
      el("label", { for: selectId, text: t("qa_merge_into") }),
      select,
      el("button", { type: "button", class: "small qa-merge-go", "data-focus-key": keys.go,
        "aria-label": L.pair(t("qa_merge_go"), short(q.text, 80)), text: t("qa_merge_go"),
        on: { click: function (ev) {
          var target = Number(select.value || mergeChoice[id] || 0);
          if (!target) { feedback.textContent = t("qa_merge_pick"); select.focus(); return; }
          act("qa_merge", { qa_id: id, into: target }, ev.currentTarget, function () {
            var merged = qaById(id);
            if (merged) { merged.status = "merged"; merged.merged_into = target; merged.on_screen = false; }
            delete mergeChoice[id];
            renderQa();
          });
        } } }),
    ]);
  }

  premod.addEventListener("change", function () {
    act("qa_settings", { premoderated: premod.checked }, premod, function (res) {
      state.premoderated = !!res.premoderated;
      renderQaHead();
    }, { failed: function () { premod.checked = !!state.premoderated; } });
  });

  var pendingQa = null;
  function renderQaSoon() {
    if (pendingQa) return;
    pendingQa = window.setTimeout(function () { pendingQa = null; renderQa(); }, 150);
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
      state.groups = snap.groups || [];
      state.qa = (snap.qa && snap.qa.questions) || [];
      state.premoderated = !!(snap.qa && snap.qa.premoderated);
      qaOrder.reset();
      keepFocus(function () {
        state.agenda = null;
        setAgenda(snap.agenda || null);
        renderCounters();
        renderScreen(); // draws the sets too
        renderConclusions();
        renderGroups();
        if (snap.floor) setFloor(snap.floor);
        renderQa();
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
    // The debate: the floor whole (coalesced), the questions in batches (every status).
    floor: function (f) { setFloor(f); },
    qa: function (batch) {
      ((batch && batch.changed) || []).forEach(upsertQa);
      var removed = (batch && batch.removed) || [];
      if (removed.length) state.qa = state.qa.filter(function (q) { return removed.indexOf(q.id) < 0; });
      renderQaSoon();
    },
    qa_settings: function (s) { state.premoderated = !!(s && s.premoderated); renderQaHead(); },
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

/* The projector: the shown set (one page of two questions at a time, or one question alone when
   the facilitator focuses it), its results once revealed, the current item's speakers and slide
   text, the join box, the current and next agenda items with the timer.
   Read-only; everything comes from the server (docs/protocol.md, role "screen", and « The day of
   the workshop »). Nobody can scroll a projector: the view is made to fit (its type shrinks down
   to the readable minimum of live.css, then fewer comments and options are shown), and the
   side column keeps the current and next items, dropping later ones and shrinking the QR code.
   The debate (« The debate » in docs/protocol.md): who has the floor, with the running time
   against the limit and the next three, in a band under the main view; a room question put on
   the projector takes the main view. */
(function () {
  "use strict";
  var L = window.Live, el = L.el, t = L.t;

  var THEMES = ["dark", "light", "contrast"];
  var state = {
    agenda: null, agendaAt: 0, set: null, results: null, conclusion: null,
    counters: { answers: {} }, countersLive: false, screen: { theme: "dark", autopage_s: 0 },
    groups: [], floor: null, floorAt: 0, qaShown: null,
  };
  var root = document.getElementById("screen");
  var body = document.getElementById("screen-live");
  var view = document.getElementById("set-view");
  var side = document.getElementById("screen-side");
  var agendaList = document.getElementById("agenda");
  var nowTitle = document.getElementById("now-title");
  var timer = document.getElementById("timer");
  var timerFlag = document.getElementById("timer-flag");
  var pageNote = document.getElementById("screen-page");
  var floorBox = document.getElementById("floor-box");
  var floorLabel = floorBox.querySelector(".screen-floor-label");
  var floorSpeaker = document.getElementById("floor-speaker");
  var floorTime = document.getElementById("floor-time");
  var floorLimit = document.getElementById("floor-limit-text");
  var floorOver = document.getElementById("floor-over");
  var floorOverLabel = document.getElementById("floor-over-label");
  var floorOverBy = document.getElementById("floor-over-by");
  var floorQueueLine = document.getElementById("floor-queue-line");
  var floorNextLabel = document.getElementById("floor-next-label");
  var floorNext = document.getElementById("floor-next");
  var floorMore = document.getElementById("floor-more");
  var socket = null;
  var resultsWatch = null;
  var shownPage = null; // the page drawn, "k/n", to redraw when the automatic page turns

  /* ---------- theme ---------- */

  function applyScreen(settings) {
    state.screen = settings || { theme: "dark", autopage_s: 0 };
    var theme = THEMES.indexOf(state.screen.theme) >= 0 ? state.screen.theme : "dark";
    root.setAttribute("data-theme", theme);
    document.body.setAttribute("data-theme", theme);
  }

  /* ---------- agenda and timer ---------- */

  function itemAt(position) {
    return ((state.agenda && state.agenda.items) || []).filter(function (i) { return i.position === position; })[0] || null;
  }

  function when(item) {
    var parts = [];
    if (item.planned_start) parts.push(t("at", { time: item.planned_start }));
    if (item.duration_min) parts.push(L.minutes(item.duration_min));
    return parts.join(" · ");
  }

  function renderAgenda() {
    var agenda = state.agenda;
    if (!agenda) return;
    L.clear(agendaList);
    var items = agenda.items || [];
    var current = agenda.current;
    // The items still to come: after the current one, or every one before the start.
    var next = current == null ? (agenda.status === "ended" ? null : (items[0] || null))
      : items.filter(function (i) { return i.position > current; })[0] || null;
    items.forEach(function (item) {
      var isCurrent = item.position === current;
      var upcoming = agenda.status !== "ended" && (current == null || item.position > current);
      var isNext = next && item.position === next.position;
      agendaList.appendChild(el("li", {
        class: "live-agenda-item" + (isCurrent ? " current" : "") + (isNext ? " next" : "") +
          (!isCurrent && !upcoming ? " done" : "") + (upcoming && !isNext ? " later" : ""),
        "data-position": String(item.position), "aria-current": isCurrent ? "step" : null,
      }, [
        isNext ? el("span", { class: "item-label", text: t("next") }) : null,
        el("span", { class: "item-title", text: item.title }),
        when(item) ? el("span", { class: "item-when", text: when(item) }) : null,
      ]));
    });
    var item = L.currentItem(agenda);
    nowTitle.textContent = item ? item.title : agenda.status === "ended" ? t("agenda_over") : t("no_item");
    var nowWhen = item && when(item);
    root.setAttribute("data-item", item ? String(item.position) : "");
    root.setAttribute("data-item-kind", item ? item.kind || "" : "");
    document.getElementById("now-card").setAttribute("data-when", nowWhen || "");
    tick();
    fitSide();
  }

  /* Seconds shown by the timer: elapsed_s, plus the time since the view came while running. */
  function elapsed() {
    var tm = state.agenda && state.agenda.timer;
    if (!tm) return null;
    return (tm.elapsed_s || 0) + (tm.running ? Math.max(0, (Date.now() - state.agendaAt) / 1000) : 0);
  }

  function showTimer() {
    var agenda = state.agenda, tm = agenda && agenda.timer;
    var text = "", flag = "", over = false, paused = false;
    if (tm && agenda.current != null) {
      var secs = elapsed();
      if (tm.planned_s) {
        text = L.t("timer", { elapsed: L.clock(secs * 1000), planned: L.clock(tm.planned_s * 1000) });
        over = secs > tm.planned_s;
        if (over) flag = t("over_flag", { over: L.clock((secs - tm.planned_s) * 1000) });
      } else {
        text = L.t("timer_open", { elapsed: L.clock(secs * 1000) });
      }
      paused = !tm.running;
      if (paused) flag = flag ? t("paused") + " · " + flag : t("paused");
    } else if (agenda && agenda.current != null && !("timer" in agenda)) {
      // A server without the timer (older view): counted from the item's start.
      text = L.timerText(agenda);
      over = L.isOvertime(agenda);
    }
    if (timer.textContent !== text) timer.textContent = text;
    timer.classList.toggle("over", over);
    timer.setAttribute("data-running", tm && tm.running ? "true" : "false");
    timerFlag.hidden = !flag;
    if (timerFlag.textContent !== flag) timerFlag.textContent = flag;
    timerFlag.setAttribute("data-kind", paused ? "paused" : over ? "over" : "");
    root.setAttribute("data-timer", paused ? "paused" : over ? "over" : tm ? "running" : "none");
  }

  /* ---------- pages of a set ---------- */

  function pages(set) { return Math.max(1, Math.ceil(((set && set.questions) || []).length / 2)); }

  /* The page shown now: `page`, turned every autopage_s seconds since `page_at` (server time). */
  function currentPage(set) {
    var n = pages(set), page = set.page || 0, every = state.screen.autopage_s || 0;
    if (every > 0 && set.page_at) {
      var since = L.now() - Date.parse(set.page_at);
      if (!isNaN(since) && since > 0) page += Math.floor(since / 1000 / every);
    }
    return ((page % n) + n) % n;
  }

  function pageQuestions(set, page) { return (set.questions || []).slice(page * 2, page * 2 + 2); }

  function showPage(page, total) {
    if (page == null || total < 2) {
      pageNote.hidden = true;
      pageNote.textContent = "";
      pageNote.removeAttribute("data-page");
      return;
    }
    pageNote.hidden = false;
    pageNote.setAttribute("data-page", String(page));
    pageNote.setAttribute("data-pages", String(total));
    pageNote.textContent = t("page_of", { n: page + 1, total: total });
  }

  /* ---------- the main view ---------- */

  function render() {
    renderView();
    fitSide(); // the state decides the side's width and the QR code's size
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

  function options(q, max) {
    var all = q.kind === "yesno" ? [t("yes"), t("no"), t("dontknow")] : q.options;
    if (!all || q.kind === "rank") return null;
    var list = max ? all.slice(0, max) : all;
    var ul = el("ul", { class: "screen-options" }, list.map(function (o) { return el("li", { text: o }); }));
    if (list.length < all.length) {
      ul.appendChild(el("li", { class: "result-more", text: t("more_options", { n: all.length - list.length }) }));
    }
    return ul;
  }

  function liveCount(q) {
    // Only once `counters` are pushed to this screen: a count that does not move would lie.
    return state.countersLive ? el("p", { class: "live-count", "data-question-id": String(q.id),
      "data-count": String(answersOf(q)), text: t("respondents", { n: answersOf(q) }) }) : null;
  }

  /* Is the set on the projector? Open, or its results revealed; a set merely closed gives way
     to the current item's slide. */
  function setShown(set) { return !!set && (set.state === "open" || set.revealed); }

  function slideOf(item) {
    if (!item) return null;
    var speakers = item.speakers || [];
    if (!speakers.length && !(item.text && item.text.trim())) return null;
    return item;
  }

  function renderView(caps) {
    var set = state.set;
    caps = caps || {};
    L.clear(view);
    view.removeAttribute("data-set-id");
    view.removeAttribute("data-focus-question-id");
    view.removeAttribute("data-page");
    root.removeAttribute("data-focus");
    shownPage = null;
    showPage(null);
    view.removeAttribute("data-qa-id");
    // A room question put on the projector wins: it is the facilitator's latest explicit act,
    // and taking it off gives the view back.
    if (state.qaShown) { renderQuestion(state.qaShown, caps); return; }
    if (state.conclusion) { renderConclusion(state.conclusion); return; }
    var slide = slideOf(L.currentItem(state.agenda));
    if (!setShown(set) && slide) { renderSlide(slide); return; }
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
    var resultOpts = { compact: !q, comments: caps.comments, maxOptions: caps.options,
      moreComments: function (n) { return t("more_comments_screen", { n: n }); },
      moreOptions: function (n) { return t("more_options", { n: n }); } };
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
        LiveResults.render(one, set, results, Object.assign({}, resultOpts, { questions: [q] }));
        view.appendChild(one);
        return;
      }
      view.appendChild(el("section", { class: "focus-question", "data-question-id": String(q.id) }, [
        el("h2", { class: "focus-prompt", text: q.prompt }),
        options(q, caps.options),
        liveCount(q),
        el("p", { class: "set-hint", text: set.state === "open" ? t("results_hidden") : t("set_closed_screen") }),
      ]));
      return;
    }
    // The whole set, one page of (at most) two questions.
    var page = currentPage(set), total = pages(set);
    shownPage = set.id + ":" + page + "/" + total;
    view.setAttribute("data-page", String(page));
    showPage(page, total);
    var questions = pageQuestions(set, page);
    view.appendChild(el("h2", { class: "set-title", text: set.title }));
    if (set.revealed) {
      var box = el("div", { class: "results results-grid", id: "results", "data-count": String(questions.length) });
      LiveResults.render(box, set, results, Object.assign({}, resultOpts, { questions: questions }));
      view.appendChild(box);
      return;
    }
    view.appendChild(el("p", { class: "set-hint", text: set.state === "open" ? t("results_hidden") : t("set_closed_screen") }));
    var ol = el("ol", { class: "screen-questions", start: String(page * 2 + 1), "data-count": String(questions.length) });
    questions.forEach(function (question) {
      ol.appendChild(el("li", { "data-question-id": String(question.id) }, [
        el("span", { class: "q-prompt", text: question.prompt }), options(question, caps.options), liveCount(question),
      ]));
    });
    view.appendChild(ol);
  }

  /* The current item's slide: its speakers (name, role, organisation) and its text, paragraphs
     separated by blank lines. */
  function renderSlide(item) {
    root.setAttribute("data-state", "slide");
    var speakers = (item.speakers || []).map(function (s) {
      var about = [s.role, s.organisation].filter(function (x) { return x && String(x).trim(); }).join(", ");
      return el("li", { class: "speaker" }, [
        el("span", { class: "speaker-name", text: s.name }),
        about ? el("span", { class: "speaker-about", text: about }) : null,
      ]);
    });
    var paragraphs = String(item.text || "").split(/\n\s*\n/).map(function (p) { return p.trim(); })
      .filter(Boolean).map(function (p) { return el("p", { text: p }); });
    view.appendChild(el("section", { class: "slide", id: "slide", "data-position": String(item.position) }, [
      el("h2", { class: "slide-title", text: item.title }),
      speakers.length ? el("ul", { class: "speakers", id: "speakers", "aria-label": t("speakers") }, speakers) : null,
      paragraphs.length ? el("div", { class: "slide-text", id: "slide-text" }, paragraphs) : null,
    ]));
  }

  /* Make the view fill the body without overflowing it: its type grows while there is room
     (--fit up to 1.6: a short page is read from further away) or shrinks (down to live.css's
     minimum), then fewer comments, then fewer options; each step is drawn and measured. */
  function fits() {
    if (view.scrollHeight > body.clientHeight + 1 || view.scrollWidth > body.clientWidth + 1) return false;
    if (view.hasAttribute("data-wrap")) return true;
    // A word wider than its label's column: smaller type rather than a word cut in two.
    var labels = view.querySelectorAll(".bar-label");
    for (var i = 0; i < labels.length; i++) {
      if (labels[i].scrollWidth > labels[i].clientWidth + 1) return false;
    }
    return true;
  }
  /* --fit from 1.6 down (by tenths) to `min` until the view fits; the scale reached. */
  function shrink(min) {
    var scale = 1.6;
    view.style.setProperty("--fit", String(scale));
    while (!fits() && scale > min) {
      scale = Math.round((scale - 0.1) * 100) / 100;
      view.style.setProperty("--fit", String(scale));
    }
    return scale;
  }
  function fit() {
    view.removeAttribute("data-wrap");
    var scale;
    if (state.qaShown) {
      // A room question keeps its type large: the texts merged into it give way first (two,
      // one, none shown), and only then does its type shrink further.
      var caps = [2, 1, 0];
      scale = shrink(0.8);
      for (var c = 0; c < caps.length && !fits(); c++) {
        renderView({ comments: caps[c] });
        scale = shrink(0.8);
      }
      if (!fits()) scale = shrink(0.5);
      if (!fits()) view.setAttribute("data-wrap", "anywhere");
    } else {
      scale = shrink(0.5);
      var steps = [{ comments: 2 }, { comments: 1 }, { comments: 0 }, { comments: 0, options: 6 },
        { comments: 0, options: 4 }, { comments: 0, options: 3 }];
      // At the smallest type, a word that is still too wide may be cut.
      if (!fits()) view.setAttribute("data-wrap", "anywhere");
      for (var i = 0; i < steps.length && !fits(); i++) renderView(steps[i]);
    }
    view.setAttribute("data-scale", String(scale));
    view.setAttribute("data-fits", fits() ? "true" : "false");
  }

  /* The side column: the current and next items always; later ones while they fit; then the QR
     code smaller, down to a fifth of the height. */
  function fitSide() {
    var qr = document.querySelector("#join-box .qr-wrap");
    qr.style.removeProperty("--qr-cap");
    var later = agendaList.querySelectorAll(".later");
    Array.prototype.forEach.call(later, function (li) { li.removeAttribute("data-cut"); });
    function over() { return side.scrollHeight > side.clientHeight + 1; }
    for (var i = later.length - 1; i >= 0 && over(); i--) later[i].setAttribute("data-cut", "true");
    var cap = 100;
    while (over() && cap > 40) {
      cap -= 10;
      qr.style.setProperty("--qr-cap", String(cap / 100));
    }
  }

  /* The local-address banner sits at the bottom of the screen, over nothing: the layout leaves
     it its height. */
  function placeBanner() {
    var banner = document.querySelector("#join-box .local-warning");
    var h = banner ? banner.getBoundingClientRect().height : 0;
    document.documentElement.style.setProperty("--banner-h", Math.ceil(h) + "px");
  }

  function layout() {
    placeBanner();
    fitSide();
    render();
  }

  var fitLater = null;
  window.addEventListener("resize", function () {
    window.clearTimeout(fitLater);
    fitLater = window.setTimeout(layout, 100);
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

  /* ---------- the debate: the room's question on the projector ---------- */

  /* The question, large; whom it is put to, its support, and the texts merged into it in
     smaller type (fewer of them when space runs out: fit's `comments` caps them). */
  function renderQuestion(q, caps) {
    root.setAttribute("data-state", "question");
    view.setAttribute("data-qa-id", String(q.id));
    var merged = q.merged || [];
    var listed = merged.slice(0, caps.comments != null ? caps.comments : 4);
    var more = merged.length - listed.length;
    view.appendChild(el("section", { class: "screen-qa-box", id: "qa-box", "data-qa-id": String(q.id),
      "data-status": q.status, "aria-labelledby": "qa-screen-text" }, [
      el("p", { class: "screen-qa-kicker" }, [
        el("span", { class: "screen-qa-kicker-label", text: t("qa_kicker") }),
        el("span", { class: "screen-qa-speaker", id: "qa-screen-speaker",
          text: q.speaker ? t("qa_to", { who: q.speaker.name }) : t("qa_to_room") }),
      ]),
      el("h2", { class: "screen-qa-text", id: "qa-screen-text", text: q.text }),
      el("p", { class: "screen-qa-meta" }, [
        el("span", { class: "screen-qa-support", id: "qa-screen-support", "data-support": String(q.support),
          text: t("qa_support", { n: q.support }) }),
        q.status === "answered" ? el("span", { class: "screen-qa-answered-flag", text: t("qa_answered") }) : null,
      ]),
      merged.length ? el("section", { class: "screen-qa-merged", id: "qa-screen-merged",
        "aria-labelledby": "qa-merged-heading", "data-merged": String(merged.length) }, [
        el("h3", { id: "qa-merged-heading", text: t("qa_merged", { n: merged.length }) }),
        listed.length ? el("ul", {}, listed.map(function (m) {
          return el("li", { "data-qa-id": String(m.id), text: m.text });
        })) : null,
        more > 0 ? el("p", { class: "result-more", text: t("qa_more_merged", { n: more }) }) : null,
      ]) : null,
    ]));
  }

  /* The question on the projector after a `qa` batch ({changed, removed}) or a snapshot's
     list: only that one matters here. */
  function shownAfter(shown, batch) {
    (batch.changed || []).forEach(function (q) {
      if (q.on_screen && (q.status === "visible" || q.status === "answered")) shown = q;
      else if (shown && shown.id === q.id) shown = null;
    });
    (batch.removed || []).forEach(function (id) { if (shown && shown.id === id) shown = null; });
    return shown;
  }

  function applyQa(batch) {
    var shown = shownAfter(state.qaShown, batch || {});
    if (shown === state.qaShown) return;
    state.qaShown = shown;
    render();
  }

  /* ---------- the debate: the floor ---------- */

  function groupLabel(key) {
    if (key == null) return "";
    var group = state.groups.filter(function (g) { return g.key === key; })[0];
    return group ? group.label : key;
  }

  function whoOf(r) { return (r.name && r.name.trim()) || t("floor_number", { n: r.number }); }

  function setFloor(floor) {
    state.floor = floor || null;
    state.floorAt = Date.now();
    renderFloor();
  }

  /* The band: the speaker (name, group) with the time, then the next three of the queue; with
     nobody speaking, the first three of the queue; hidden when nobody speaks nor waits. */
  function renderFloor() {
    var floor = state.floor, speaking = floor && floor.speaking, queue = (floor && floor.queue) || [];
    var shown = !!(speaking || queue.length);
    floorBox.hidden = !shown;
    floorBox.setAttribute("data-state", speaking ? "speaking" : shown ? "queue" : "none");
    root.setAttribute("data-floor", floorBox.getAttribute("data-state"));
    // The speaker's line is a live region: redrawn only when the speaker changes.
    var who = speaking ? whoOf(speaking) : "", group = speaking ? groupLabel(speaking.group) : "";
    var key = speaking ? [speaking.id, who, group].join("\u0001") : "";
    if (floorSpeaker.getAttribute("data-key") !== key) {
      L.clear(floorSpeaker);
      if (speaking) {
        floorSpeaker.appendChild(el("span", { class: "screen-floor-name", text: who }));
        if (group) floorSpeaker.appendChild(el("span", { class: "screen-floor-group", text: group }));
      }
      floorSpeaker.setAttribute("data-key", key);
    }
    floorLabel.hidden = !speaking;
    if (speaking) floorSpeaker.setAttribute("data-request-id", String(speaking.id));
    else floorSpeaker.removeAttribute("data-request-id");
    floorNextLabel.textContent = L.pair(speaking ? t("next") : t("floor_queue"));
    L.clear(floorNext);
    queue.slice(0, 3).forEach(function (r) {
      var g = groupLabel(r.group);
      floorNext.appendChild(el("li", { "data-request-id": String(r.id) }, [
        el("span", { class: "screen-floor-next-name", text: whoOf(r) }),
        g ? el("span", { class: "screen-floor-next-group", text: g }) : null,
      ]));
    });
    floorMore.textContent = queue.length > 3 ? t("floor_more", { n: queue.length - 3 }) : "";
    floorQueueLine.hidden = !queue.length;
    showFloorTime();
    refit();
  }

  /* Seconds of the turn under way: elapsed_s, plus the time since the view came. */
  function floorElapsed() {
    var speaking = state.floor && state.floor.speaking;
    if (!speaking) return null;
    return (speaking.elapsed_s || 0) + Math.max(0, (Date.now() - state.floorAt) / 1000);
  }

  /* « 1:35 / 2:00 »; past the limit, « temps dépassé +0:20 »: in words, not by colour alone. */
  function showFloorTime() {
    var secs = floorElapsed(), limit = state.floor && state.floor.limit_s;
    var time = secs == null ? "" : L.clock(secs * 1000);
    var limitText = secs != null && limit ? t("floor_limit", { limit: L.clock(limit * 1000) }) : "";
    var over = secs != null && !!limit && Math.floor(secs) > limit;
    var by = over ? t("floor_over_by", { over: L.clock((secs - limit) * 1000) }) : "";
    var label = over ? t("floor_over") : "";
    if (floorTime.textContent !== time) floorTime.textContent = time;
    if (floorLimit.textContent !== limitText) floorLimit.textContent = limitText;
    if (floorOverLabel.textContent !== label) floorOverLabel.textContent = label;
    if (floorOverBy.textContent !== by) floorOverBy.textContent = by;
    floorOver.setAttribute("data-on", over ? "true" : "false");
    if (over) floorBox.setAttribute("data-overrun", "true");
    else floorBox.removeAttribute("data-overrun");
  }

  /* The band's height is taken from the main view: when it changes (the band shown or hidden,
     the queue on one more line), the main view is fitted again. */
  var floorHeight = 0;
  function refit() {
    var h = floorBox.hidden ? 0 : Math.round(floorBox.getBoundingClientRect().height);
    if (h === floorHeight) return;
    floorHeight = h;
    render();
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

  function setAgenda(agenda) {
    var before = L.currentItem(state.agenda);
    state.agenda = agenda || null;
    state.agendaAt = Date.now();
    renderAgenda();
    var after = L.currentItem(state.agenda);
    // A new item (or its slide) may change what the main view shows.
    if (!setShown(state.set) || !before !== !after || (before && after && before.position !== after.position)) render();
  }

  socket = L.connect("screen", {
    snapshot: function (snap) {
      applyScreen(snap.screen);
      state.set = snap.shown_set || snap.open_set || null;
      state.results = snap.results || null;
      state.conclusion = snap.conclusion || null;
      state.counters = snap.counters || { answers: {} };
      state.countersLive = false;
      state.groups = snap.groups || [];
      state.qaShown = shownAfter(null, { changed: (snap.qa && snap.qa.questions) || [] });
      state.agenda = null;
      setAgenda(snap.agenda);
      setFloor(snap.floor);
      render();
    },
    floor: setFloor,
    qa: applyQa,
    agenda: setAgenda,
    screen: function (settings) { applyScreen(settings); render(); },
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
    // Answer counts, shown with the questions before their results are revealed.
    counters: function (c) {
      state.counters = c || { answers: {} };
      if (!state.countersLive) {
        state.countersLive = true;
        if (state.set && !state.set.revealed) render();
        return;
      }
      Array.prototype.forEach.call(view.querySelectorAll(".live-count"), function (count) {
        var n = answersOf({ id: count.getAttribute("data-question-id") });
        if (count.getAttribute("data-count") === String(n)) return;
        count.setAttribute("data-count", String(n));
        count.textContent = t("respondents", { n: n });
      });
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

  function tick() {
    showTimer();
    showFloorTime();
    if (!floorBox.hidden) refit(); // « 9:59 » to « 10:00 » may wrap a line
    // The automatic page turned: draw the new one.
    var set = state.set;
    if (shownPage && set && !focused(set) && !state.conclusion) {
      if (set.id + ":" + currentPage(set) + "/" + pages(set) !== shownPage) render();
    }
  }

  placeBanner();
  window.setInterval(tick, 250);
})();

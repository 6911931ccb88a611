/* The participant's phone: one screen per open question set. See docs/protocol.md.
   Every answer carries a client id; unacknowledged answers wait in localStorage and are resent
   after a reconnect, so an answer given during a Wi-Fi drop still arrives. */
(function () {
  "use strict";
  var L = window.Live, t = L.t, el = L.el;
  var code = L.config.code;
  /* The server's limits (its MAX_* settings, in the page's live-config): a field refuses what
     the server would refuse. */
  var MAX_TEXT = L.config.maxComment || 1000;
  var MAX_PSEUDONYM = L.config.maxPseudonym || 40;
  var MAX_WORD = L.config.maxWordLength || 40;
  var TOKEN_KEY = "workshop." + code + ".token";
  var PENDING_KEY = "workshop." + code + ".pending";
  /* The group was asked (chosen or declined) on this phone: never asked again. */
  var ASKED_KEY = "workshop." + code + ".group-asked";
  /* The last set shown and this phone's stored answers, drawn again when the page is reloaded
     with no network (the service worker, sw.js, keeps the page itself). */
  var LAST_KEY = "workshop." + code + ".last";
  /* The page's own strings (phone.html, ``i18n-more``) are in Live.t too. */
  var mt = t;
  /* Comments drawn per question until « more » is asked: in a room of hundreds, every comment
     reaches every phone, and a list redrawn twice a second must stay short to stay readable
     (and light on a cheap phone). The participant's own comments are always drawn. */
  var COMMENTS_PAGE = 20;
  /* Comments keep their place while the participant uses the list, sorted again once it is
     left alone 3 s and its last sort is 5 s old (Live.stableOrder): in a big room a batch comes
     twice a second, and re-sorting each time moved the comment under a finger as it tapped
     « Soutenir ». */
  var commentOrder = L.stableOrder(5000, 3000);

  var state = {
    set: null,          // the open (or last closed) set
    answers: {},        // question id -> stored answer
    comments: {},       // question id -> [comment]
    commentById: {},    // answer id -> its comment (the object in `comments`)
    commentsShown: {},  // question id -> how many comments are drawn (COMMENTS_PAGE at first)
    upvotes: {},        // answer id -> true
    groups: [],
    mineIds: {},        // answer ids of my own comments
    participant: null,  // {pseudonym, group} as stored by the server
  };
  var gotSnapshot = false;
  /* The debate's floor and questions (phone-debate.js). */
  var Debate = window.PhoneDebate(function () { return socket; });
  var pending = load(PENDING_KEY, {}); // question id -> {client_id, question_id, value, text}
  var inflight = {};                   // client_id -> true while awaiting its ack
  var socket = null;

  function load(key, fallback) {
    try { var v = window.localStorage.getItem(key); return v ? JSON.parse(v) : fallback; }
    catch (e) { return fallback; }
  }
  function store(key, value) {
    try { window.localStorage.setItem(key, JSON.stringify(value)); } catch (e) { /* private mode */ }
  }
  var clientId = L.clientId;

  var area = document.getElementById("set-area");
  var waiting = document.getElementById("state-waiting");
  var announcer = document.getElementById("announce");

  function question(id) {
    return state.set && state.set.questions.filter(function (q) { return q.id === id; })[0];
  }
  function isOpen() { return !!state.set && state.set.state === "open"; }
  /* The value shown for a question: the one waiting to be sent, else the stored one. */
  function current(qid) {
    if (pending[qid]) return pending[qid];
    return state.answers[qid] || null;
  }

  /* ---------- sending ---------- */

  function setStatus(qid, kind, text) {
    var node = document.getElementById("status-" + qid);
    if (!node) return;
    node.setAttribute("data-state", kind);
    node.textContent = text;
  }

  function submit(qid, value, text) {
    var entry = { client_id: clientId(), question_id: qid, value: value, text: text == null ? null : text };
    pending[qid] = entry;
    store(PENDING_KEY, pending);
    send(entry);
  }

  function send(entry) {
    var qid = entry.question_id;
    if (!socket || !socket.connected || navigator.onLine === false) {
      setStatus(qid, "queued", t("queued"));
      return;
    }
    if (Privacy.erasing()) return; // held until the erasure's ack: then dropped, or sent
    if (inflight[entry.client_id]) return;
    inflight[entry.client_id] = true;
    setStatus(qid, "sending", t("sending"));
    L.request(socket, "answer", entry, 8000).then(function (res) {
      delete inflight[entry.client_id];
      var latest = pending[qid] === entry;
      if (res.ok) {
        if (latest) { delete pending[qid]; store(PENDING_KEY, pending); }
        if (res.answer && (latest || !pending[qid])) state.answers[qid] = res.answer;
        noteMine(res.answer);
        keepLast();
        if (latest) setStatus(qid, "saved", t("saved"));
        markMine(qid);
        return;
      }
      var err = res.error || {};
      if (err.code === "timeout" || err.code === "internal" || err.code === "rate_limited") {
        if (latest) {
          setStatus(qid, "queued", t("queued"));
          window.setTimeout(function () { if (pending[qid] === entry) send(entry); }, 2000);
        }
        return;
      }
      // Refused for good (set closed, bad value…): forget it and show the stored answer again.
      if (latest) { delete pending[qid]; store(PENDING_KEY, pending); }
      if (latest) {
        syncQuestion(qid);
        setStatus(qid, "error", t("not_saved", { message: err.message || err.code }));
      }
    });
  }

  function flushPending() {
    Object.keys(pending).forEach(function (qid) { send(pending[qid]); });
    Endorse.flush();
  }

  /* ---------- rendering ---------- */

  function render() {
    L.clear(area);
    var set = state.set;
    waiting.hidden = (!!set && set.state !== "ready") || !!document.getElementById("conclusion");
    if (!set || set.state === "ready") return;
    var closed = set.state !== "open";
    announcer.textContent = closed ? t("set_closed") : set.title;
    var section = el("section", { class: "phone-set" + (closed ? " closed" : ""), "aria-labelledby": "set-title" }, [
      el("h1", { id: "set-title", text: set.title }),
      set.introduction ? el("p", { class: "set-intro", text: set.introduction }) : null,
      closed ? el("p", { class: "state-card closed-note", role: "status", text: t("set_closed") }) : null,
    ]);
    set.questions.forEach(function (q, i) { section.appendChild(renderQuestion(q, i, closed)); });
    area.appendChild(section);
  }

  function renderQuestion(q, index, closed) {
    var qid = q.id;
    var box = el("fieldset", { class: "q q-" + q.kind, id: "q-" + qid, "data-question-id": String(qid), disabled: closed });
    box.appendChild(el("legend", {}, [el("span", { class: "q-num", text: (index + 1) + ". " }), q.prompt]));
    var saved = current(qid);
    var value = saved ? saved.value : null;
    var name = "q" + qid;

    function choiceInput(type, val, label, checked) {
      var id = name + "-" + val;
      return el("label", { class: "opt", for: id }, [
        el("input", { type: type, name: name, id: id, value: String(val), checked: !!checked,
          on: { change: onChange } }),
        el("span", { text: label }),
      ]);
    }
    function onChange() {
      if (!isOpen()) return;
      var inputs = box.querySelectorAll('input[name="' + name + '"]');
      var v;
      if (q.kind === "multi") {
        v = [];
        inputs.forEach(function (inp) { if (inp.checked) v.push(parseInt(inp.value, 10)); });
        if (!v.length) { setStatus(qid, "error", t("at_least_one")); return; }
        if (q.max_choices && v.length > q.max_choices) {
          this.checked = false;
          setStatus(qid, "error", t("too_many", { n: q.max_choices }));
          return;
        }
      } else {
        inputs.forEach(function (inp) { if (inp.checked) v = inp.value; });
        if (q.kind !== "yesno") v = parseInt(v, 10);
      }
      var prev = current(qid);
      submit(qid, v, prev ? prev.text : null);
    }

    var opts = el("div", { class: "opts" });
    if (q.kind === "choice" || q.kind === "multi") {
      if (q.kind === "multi" && q.max_choices) box.appendChild(el("p", { class: "hint", text: t("max_choices", { n: q.max_choices }) }));
      (q.options || []).forEach(function (label, i) {
        var checked = q.kind === "multi" ? Array.isArray(value) && value.indexOf(i) >= 0 : value === i;
        opts.appendChild(choiceInput(q.kind === "multi" ? "checkbox" : "radio", i, label, checked));
      });
      box.appendChild(opts);
    } else if (q.kind === "yesno") {
      ["yes", "no", "dontknow"].forEach(function (k) { opts.appendChild(choiceInput("radio", k, t(k), value === k)); });
      box.appendChild(opts);
    } else if (q.kind === "scale") {
      opts.className = "opts scale";
      for (var v = q.scale_min; v <= q.scale_max; v++) opts.appendChild(choiceInput("radio", v, String(v), value === v));
      box.appendChild(el("p", { class: "scale-ends" }, [
        el("span", { text: L.pair(q.scale_min, q.min_label || "") }),
        el("span", { text: L.pair(q.scale_max, q.max_label || "") }),
      ]));
      box.appendChild(opts);
    } else if (q.kind === "rank") {
      box.appendChild(renderRank(q, value));
    } else if (q.kind === "open") {
      box.appendChild(textField(q, "open-" + qid, t("open_label"), saved ? saved.text : "", t("send"), function (text) {
        if (!text) { setStatus(qid, "error", t("text_required")); return; }
        submit(qid, null, text);
      }));
    } else if (q.kind === "words") {
      box.appendChild(renderWords(q, value));
    }
    if (q.allow_comment && q.kind !== "open") {
      box.appendChild(textField(q, "comment-" + qid, t("comment_label"), saved ? saved.text : "", t("send_comment"), function (text) {
        var prev = current(qid);
        if (!prev || prev.value == null) { setStatus(qid, "error", t("answer_first")); return; }
        submit(qid, prev.value, text || null);
      }));
    }
    box.appendChild(el("p", { class: "q-status", id: "status-" + qid, role: "status", "aria-live": "polite" }));
    if (q.kind === "open" || q.allow_comment) box.appendChild(renderComments(q));
    if (pending[qid]) window.setTimeout(function () { setStatus(qid, "queued", t("queued")); }, 0);
    return box;
  }

  function textField(q, id, label, text, buttonLabel, onSend) {
    var counterId = id + "-count";
    var area = el("textarea", { id: id, maxlength: String(MAX_TEXT), rows: "3", "aria-describedby": counterId, text: text || "" });
    var counter = el("p", { class: "counter", id: counterId });
    function count() { counter.textContent = t("chars", { n: area.value.length, max: MAX_TEXT }); }
    area.addEventListener("input", count);
    count();
    return el("div", { class: "field text-field" }, [
      el("label", { for: id, text: label }), area, counter,
      el("button", { type: "button", class: "primary", text: buttonLabel, on: { click: function () {
        if (!isOpen()) return;
        onSend(area.value.trim().slice(0, MAX_TEXT));
      } } }),
    ]);
  }

  function renderRank(q, value) {
    var order = Array.isArray(value) && value.length === q.options.length ? value.slice() : q.options.map(function (_, i) { return i; });
    var wrap = el("div", { class: "rank" }, [el("p", { class: "hint", text: t("rank_help") })]);
    var list = el("ol", { class: "rank-list" });
    function draw(focusKey) {
      L.clear(list);
      order.forEach(function (opt, pos) {
        var label = q.options[opt];
        list.appendChild(el("li", { class: "rank-item" }, [
          el("span", { class: "rank-label", text: label }),
          el("button", { type: "button", class: "icon", "aria-label": t("move_up", { label: label }), disabled: pos === 0,
            "data-focus-key": "up-" + opt, text: "↑", on: { click: function () { move(pos, -1, "up-" + opt); } } }),
          el("button", { type: "button", class: "icon", "aria-label": t("move_down", { label: label }), disabled: pos === order.length - 1,
            "data-focus-key": "down-" + opt, text: "↓", on: { click: function () { move(pos, 1, "down-" + opt); } } }),
        ]));
      });
      if (focusKey) {
        var b = list.querySelector('[data-focus-key="' + focusKey + '"]');
        if (b && !b.disabled) b.focus();
        else if (b) { var other = list.querySelector('[data-focus-key="' + focusKey.replace(/^up|^down/, function (d) { return d === "up" ? "down" : "up"; }) + '"]'); if (other) other.focus(); }
      }
    }
    function move(pos, delta, key) {
      var target = pos + delta;
      if (target < 0 || target >= order.length) return;
      var tmp = order[pos]; order[pos] = order[target]; order[target] = tmp;
      draw(key);
    }
    draw();
    wrap.appendChild(list);
    wrap.appendChild(el("button", { type: "button", class: "primary", text: t("send_rank"), on: { click: function () {
      if (!isOpen()) return;
      var prev = current(q.id);
      submit(q.id, order.slice(), prev ? prev.text : null);
    } } }));
    return wrap;
  }

  function renderWords(q, value) {
    var n = q.max_words || 3;
    var wrap = el("div", { class: "words" }, [el("p", { class: "hint", text: t("words_help", { n: n, chars: MAX_WORD }) })]);
    var inputs = [];
    for (var i = 0; i < n; i++) {
      var id = "w" + q.id + "-" + i;
      var input = el("input", { type: "text", id: id, maxlength: String(MAX_WORD), autocomplete: "off",
        value: Array.isArray(value) && value[i] ? String(value[i]) : null });
      inputs.push(input);
      wrap.appendChild(el("div", { class: "field" }, [el("label", { for: id, text: t("word_n", { n: i + 1 }) }), input]));
    }
    wrap.appendChild(el("button", { type: "button", class: "primary", text: t("send"), on: { click: function () {
      if (!isOpen()) return;
      var words = inputs.map(function (x) { return x.value.trim(); }).filter(Boolean);
      if (!words.length) { setStatus(q.id, "error", t("text_required")); return; }
      var prev = current(q.id);
      submit(q.id, words, prev ? prev.text : null);
    } } }));
    return wrap;
  }

  function renderComments(q) {
    var wrap = el("section", { class: "room-comments", id: "comments-" + q.id, "aria-label": t("comments") });
    commentOrder.watch(wrap);
    drawComments(q.id, wrap);
    return wrap;
  }

  function drawComments(qid, wrap) {
    wrap = wrap || document.getElementById("comments-" + qid);
    if (!wrap) return;
    L.keepFocus(wrap, function () {
      L.clear(wrap);
      wrap.appendChild(el("h2", { class: "comments-title", text: t("comments") }));
      var list = commentOrder.order(qid, state.comments[qid] || []);
      if (!list.length) { wrap.appendChild(el("p", { class: "meta", text: t("no_comments") })); return; }
      var limit = state.commentsShown[qid] || COMMENTS_PAGE;
      var drawn = list.slice(0, limit).concat(list.slice(limit).filter(isMine));
      var more = list.length - drawn.length;
      if (more > 0) {
        wrap.appendChild(el("p", { class: "meta comments-count",
          text: t("comments_shown", { shown: drawn.length, total: list.length }) }));
      }
      var ul = el("ul", { class: "comment-list" });
      drawn.forEach(function (c) {
        var who = c.pseudonym || t("anonymous");
        var mine = isMine(c);
        var up = !!state.upvotes[c.id];
        var li = el("li", { class: "comment" + (c.highlighted ? " highlighted" : ""), "data-comment-id": String(c.id) }, [
          c.highlighted ? el("span", { class: "badge hl", text: t("highlighted") }) : null,
          el("p", { class: "comment-text", text: c.text }),
          el("p", { class: "comment-meta" }, [mine ? t("mine") : who, " · ", el("span", { class: "upvote-count", text: t("upvotes", { n: c.upvotes || 0 }) })]),
        ]);
        if (!mine) {
          li.appendChild(el("button", { type: "button", class: "upvote", "aria-pressed": up ? "true" : "false",
            "aria-label": t("upvote_of", { who: who }), "data-focus-key": "up-" + c.id,
            on: { click: function () { upvote(c, !up); } } }, ["▲ ", t("upvote")]));
        }
        ul.appendChild(li);
      });
      wrap.appendChild(ul);
      if (more > 0) {
        wrap.appendChild(el("button", { type: "button", class: "comments-more",
          "data-focus-key": "more-" + qid,
          on: { click: function () { state.commentsShown[qid] = limit + COMMENTS_PAGE; drawComments(qid); } } },
          [t("more_comments")]));
      }
    });
  }

  function isMine(c) { return !!(c.mine || state.mineIds[c.id]); }

  function upvote(comment, up) {
    if (!socket || !socket.connected) { setStatus(comment.question_id, "error", t("offline_action")); return; }
    L.request(socket, "upvote", { answer_id: comment.id, up: up }).then(function (res) {
      if (!res.ok) { setStatus(comment.question_id, "error", t("not_saved", { message: (res.error || {}).message || "" })); return; }
      if (res.up) state.upvotes[res.answer_id] = true; else delete state.upvotes[res.answer_id];
      upsertComment({ id: res.answer_id, question_id: comment.question_id, upvotes: res.upvotes });
    });
  }

  function storeComment(c) {
    var found = state.commentById[c.id];
    if (found) Object.keys(c).forEach(function (k) { found[k] = c[k]; });
    else if (c.text != null) {
      (state.comments[c.question_id] || (state.comments[c.question_id] = [])).push(c);
      state.commentById[c.id] = c;
    }
  }

  function removeComment(r) {
    var list = state.comments[r.question_id];
    if (!list || !state.commentById[r.id]) return false;
    state.comments[r.question_id] = list.filter(function (x) { return x.id !== r.id; });
    delete state.commentById[r.id];
    return true;
  }

  /* A new set of comments (snapshot, another set opened): index them, draw the first page. */
  function resetComments(comments) {
    state.comments = comments || {};
    state.commentById = {};
    state.commentsShown = {};
    commentOrder.reset();
    Object.keys(state.comments).forEach(function (qid) {
      state.comments[qid].forEach(function (c) { state.commentById[c.id] = c; });
    });
  }

  function upsertComment(c) {
    storeComment(c);
    drawComments(c.question_id);
  }

  /* The protocol's `comments` broadcast has no `mine`: ours are the ids of our answers
     (the `answer` ack, `answer_saved` and the snapshot carry the answer's id). */
  function markMine(qid) {
    (state.comments[qid] || []).forEach(function (c) { if (state.mineIds[c.id]) c.mine = true; });
    drawComments(qid);
  }
  function noteMine(answer) {
    if (answer && answer.id != null && answer.text) state.mineIds[answer.id] = true;
  }

  /* After a refusal or an answer from another tab: show the stored answer again. */
  function syncQuestion(qid) {
    var q = question(qid);
    var old = document.getElementById("q-" + qid);
    if (!q || !old) return;
    var index = state.set.questions.indexOf(q);
    old.parentNode.replaceChild(renderQuestion(q, index, !isOpen()), old);
  }

  function renderProfile(participant) {
    var select = document.getElementById("group");
    while (select.options.length > 1) select.remove(1);
    state.groups.forEach(function (g) { select.appendChild(el("option", { value: g.key, text: g.label })); });
    if (participant) {
      document.getElementById("pseudonym").value = participant.pseudonym || "";
      showProfile(participant);
    }
  }

  /* The stored profile: in the form's select and beside « Votre profil ». */
  function showProfile(participant) {
    state.participant = participant;
    var group = participant && participant.group;
    document.getElementById("group").value = group || "";
    document.getElementById("profile-group").textContent = group ? mt("profile_group", { group: groupLabel(group) }) : "";
    Debate.profile();
  }
  function groupLabel(key) {
    var g = state.groups.filter(function (x) { return x.key === key; })[0];
    return g ? g.label : key;
  }

  /* Back to the page after the group prompt: the heading of what is shown (set, conclusion,
     waiting card), else the main content. */
  function focusMain() {
    var target = document.querySelector("#set-area h1, #conclusion-area h1, #state-waiting:not([hidden]) h1");
    if (target) target.setAttribute("tabindex", "-1");
    (target || document.getElementById("main")).focus();
  }

  /* « Vous êtes… » once after joining: one tap on a group sends `profile` (the pseudonym kept as
     stored); « Je préfère ne pas le dire » sends nothing. Either way it is not asked again on this
     phone (localStorage); « Votre profil » changes it later. Above the questions, not a dialog. */
  var GroupPrompt = (function () {
    var box = document.getElementById("group-prompt");
    var choices = document.getElementById("group-choices");
    var status = document.getElementById("group-status");
    var busy = false;

    function asked() { return !!load(ASKED_KEY, false); }
    function say(kind, text) { status.setAttribute("data-state", kind); status.textContent = text; }
    function hide() {
      if (box.hidden) return;
      var inside = box.contains(document.activeElement);
      box.hidden = true;
      if (inside) focusMain();
    }
    function done() { store(ASKED_KEY, true); hide(); }
    function show() {
      L.clear(choices);
      state.groups.forEach(function (g) {
        choices.appendChild(el("button", { type: "button", class: "group-choice", "data-group": g.key,
          text: g.label, on: { click: function () { choose(g); } } }));
      });
      if (!box.hidden) return;
      say("", "");
      box.hidden = false;
      // Announced by moving there, unless the participant is busy elsewhere on the page.
      var active = document.activeElement;
      if (!active || active === document.body || active.id === "main") document.getElementById("group-prompt-title").focus();
    }
    function choose(g) {
      if (busy) return;
      if (!socket || !socket.connected) { say("error", t("offline_action")); return; }
      busy = true;
      say("sending", t("sending"));
      var pseudonym = (state.participant && state.participant.pseudonym) || null;
      L.request(socket, "profile", { pseudonym: pseudonym, group: g.key }).then(function (res) {
        busy = false;
        if (!res.ok) { say("error", t("not_saved", { message: (res.error || {}).message || "" })); return; }
        showProfile(res.participant);
        announcer.textContent = mt("group_saved", { group: g.label });
        done();
      });
    }
    document.getElementById("group-skip").addEventListener("click", done);

    return {
      update: function () {
        var p = state.participant;
        if (p && !p.group && state.groups.length && !asked()) show();
        else hide();
      },
      done: done,
    };
  })();

  /* ---------- offline ---------- */

  function keepLast() { store(LAST_KEY, { set: state.set, answers: state.answers }); }

  /* No snapshot (a reload with no network): draw the last set with what waits to be sent. */
  function restoreLast() {
    if (gotSnapshot) return;
    var last = load(LAST_KEY, null);
    if (!last || !last.set || last.set.state === "ready") return;
    state.set = last.set;
    state.answers = last.answers || {};
    render();
    var title = document.getElementById("set-title");
    if (title) title.parentNode.insertBefore(el("p", { class: "restored-note", id: "restored-note", text: mt("restored") }), title.nextSibling);
    Object.keys(pending).forEach(function (qid) { setStatus(qid, "queued", t("queued")); });
  }
  if (navigator.onLine === false) window.setTimeout(restoreLast, 0);
  window.setTimeout(restoreLast, 4000);

  /* The service worker keeps this page and its files for a reload with no network (sw.js);
     without one (an old browser, plain http on a venue's network) the page works as before. */
  function keepOffline() {
    var sw = navigator.serviceWorker;
    var url = document.getElementById("phone").getAttribute("data-sw");
    if (!sw || !url || !window.caches || !window.MessageChannel) return;
    sw.register(url).then(function () { return sw.ready; }).then(function (registration) {
      var files = Array.prototype.map.call(
        document.querySelectorAll("script[src], link[rel=stylesheet][href]"),
        function (n) { return n.src || n.href; });
      var channel = new MessageChannel();
      channel.port1.onmessage = function (ev) {
        if (ev.data && ev.data.ok) document.documentElement.setAttribute("data-offline-ready", "true");
      };
      registration.active.postMessage({ type: "keep", page: location.href.split("#")[0], files: files }, [channel.port2]);
    }).catch(function () { /* no offline copy: the page still works online */ });
  }
  if (document.readyState === "complete") keepOffline();
  else window.addEventListener("load", keepOffline);

  document.getElementById("profile-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var status = document.getElementById("profile-status");
    if (!socket || !socket.connected) { status.textContent = t("offline_action"); return; }
    var pseudonym = document.getElementById("pseudonym").value.trim().slice(0, MAX_PSEUDONYM);
    var group = document.getElementById("group").value || null;
    status.textContent = t("sending");
    L.request(socket, "profile", { pseudonym: pseudonym || null, group: group }).then(function (res) {
      status.textContent = res.ok ? t("profile_saved") : t("not_saved", { message: (res.error || {}).message || "" });
      if (res.ok) { showProfile(res.participant); GroupPrompt.done(); }
    });
  });

  function showItem(agenda) {
    var item = L.currentItem(agenda);
    document.getElementById("current-item").textContent = item ? t("current_item", { title: item.title }) : "";
  }

  /* ---------- conclusions put to the room ---------- */

  /* « D'accord / à amender / pas d'accord » on the conclusion put to the room. Endorsements
     queue like answers: each carries a client id, waits in localStorage until acknowledged and
     is resent after a reconnect. */
  var Endorse = (function () {
    var ENDORSE_KEY = "workshop." + code + ".pending-endorsements";
    var CHOICES = ["agree", "amend", "disagree"];
    var box = document.getElementById("conclusion-area");
    var queue = load(ENDORSE_KEY, {}); // conclusion id -> {client_id, conclusion_id, choice, amendment}
    var sending = {};                   // client_id -> true while awaiting its ack
    var shown = null;                   // the conclusion shown (open, or closed while shown)
    var stored = {};                    // conclusion id -> stored endorsement
    var draft = { id: null, choice: null, text: "" }; // « à amender » picked, text not sent yet
    var status = { kind: "", text: "" };

    function mine(cid) { return queue[cid] || stored[cid] || null; }
    function isVoteOpen() { return !!shown && shown.vote_state === "open"; }

    function setStatus(kind, text) {
      status = { kind: kind, text: text };
      var node = document.getElementById("endorse-status");
      if (!node) return;
      node.setAttribute("data-state", kind);
      node.textContent = text;
    }

    function submit(choice, amendment) {
      var entry = { client_id: clientId(), conclusion_id: shown.id, choice: choice, amendment: amendment };
      queue[shown.id] = entry;
      store(ENDORSE_KEY, queue);
      draw();
      send(entry);
    }

    function send(entry) {
      var cid = entry.conclusion_id;
      if (!socket || !socket.connected || navigator.onLine === false) {
        if (shown && shown.id === cid) setStatus("queued", t("queued"));
        return;
      }
      if (sending[entry.client_id]) return;
      sending[entry.client_id] = true;
      if (shown && shown.id === cid) setStatus("sending", t("sending"));
      L.request(socket, "endorse", entry, 8000).then(function (res) {
        delete sending[entry.client_id];
        var latest = queue[cid] === entry;
        var here = shown && shown.id === cid;
        if (res.ok) {
          if (latest) { delete queue[cid]; store(ENDORSE_KEY, queue); }
          if (res.endorsement && (latest || !queue[cid])) stored[cid] = res.endorsement;
          if (latest && here) { draw(); setStatus("saved", t("saved")); }
          return;
        }
        var err = res.error || {};
        if (err.code === "timeout" || err.code === "internal" || err.code === "rate_limited") {
          if (latest) {
            if (here) setStatus("queued", t("queued"));
            window.setTimeout(function () { if (queue[cid] === entry) send(entry); }, 2000);
          }
          return;
        }
        // Refused for good (vote closed, bad text…): forget it, show the stored choice again.
        if (latest) { delete queue[cid]; store(ENDORSE_KEY, queue); }
        if (latest && here) {
          if (err.code === "vote_not_open" && shown) shown.vote_state = "closed";
          draw();
          setStatus("error", t("not_saved", { message: err.message || err.code }));
        }
      });
    }

    function flush() {
      if (Privacy.erasing()) return;
      Object.keys(queue).forEach(function (cid) { send(queue[cid]); });
    }

    /* After an erasure: nothing queued is sent, nothing stored is shown. */
    function forget() {
      queue = {};
      store(ENDORSE_KEY, queue);
      stored = {};
      draft = { id: null, choice: null, text: "" };
      status = { kind: "", text: "" };
      draw();
    }

    function choiceLabel(choice) { return t(choice); }

    function draw() {
      waiting.hidden = !!shown || (!!state.set && state.set.state !== "ready");
      L.keepFocus(box, function () {
        L.clear(box);
        if (!shown) return;
        var open = isVoteOpen();
        var saved = mine(shown.id);
        var picked = draft.id === shown.id && draft.choice ? draft.choice : saved && saved.choice;
        var title = shown.set_id != null ? t("concludes", { title: shown.set_title || "" }) : t("whole_session");
        var card = el("section", { class: "conclusion-card" + (open ? "" : " closed"), id: "conclusion",
          "data-conclusion-id": String(shown.id), "data-vote-state": shown.vote_state, "aria-labelledby": "conclusion-title" }, [
          el("p", { class: "kicker", text: t("conclusion_kicker") }),
          el("h1", { id: "conclusion-title", text: title }),
          el("blockquote", { class: "conclusion-text" },
            String(shown.text || "").split("\n").filter(function (p) { return p.trim(); })
              .map(function (p) { return el("p", { text: p }); })),
        ]);
        var field = el("fieldset", { class: "endorse", disabled: !open }, [el("legend", { text: t("endorse_legend") })]);
        var choices = el("div", { class: "endorse-choices" });
        CHOICES.forEach(function (choice) {
          choices.appendChild(el("button", { type: "button", class: "endorse-choice choice-" + choice,
            "data-choice": choice, "data-focus-key": "endorse-" + choice, "aria-pressed": picked === choice ? "true" : "false",
            text: choiceLabel(choice), on: { click: function () { pick(choice); } } }));
        });
        field.appendChild(choices);
        if (picked === "amend") field.appendChild(amendField(saved));
        card.appendChild(field);
        if (!open) card.appendChild(el("p", { class: "state-card closed-note", text: t("vote_closed") }));
        else if (saved) card.appendChild(el("p", { class: "meta", text: t("your_choice", { choice: choiceLabel(saved.choice) }) }));
        card.appendChild(el("p", { class: "q-status", id: "endorse-status", role: "status", "aria-live": "polite",
          "data-state": status.kind || null, text: status.text }));
        box.appendChild(card);
      });
    }

    function amendField(saved) {
      var id = "amendment-" + shown.id, counterId = id + "-count";
      var initial = draft.id === shown.id && draft.text ? draft.text : (saved && saved.amendment) || "";
      var area = el("textarea", { id: id, maxlength: String(MAX_TEXT), rows: "4", "aria-describedby": counterId,
        "data-focus-key": "amendment", text: initial });
      var counter = el("p", { class: "counter", id: counterId });
      function count() { counter.textContent = t("chars", { n: area.value.length, max: MAX_TEXT }); }
      area.addEventListener("input", function () { draft = { id: shown.id, choice: "amend", text: area.value }; count(); });
      count();
      return el("div", { class: "field text-field amend-field" }, [
        el("label", { for: id, text: t("amendment_label") }), area, counter,
        el("button", { type: "button", class: "primary", "data-focus-key": "send-amendment", text: t("send_amendment"),
          on: { click: function () {
            if (!isVoteOpen()) return;
            var text = area.value.trim().slice(0, MAX_TEXT);
            if (!text) { setStatus("error", t("amendment_required")); area.focus(); return; }
            draft = { id: null, choice: null, text: "" };
            submit("amend", text);
          } } }),
      ]);
    }

    function pick(choice) {
      if (!isVoteOpen()) return;
      if (choice === "amend") {
        var saved = mine(shown.id);
        draft = { id: shown.id, choice: "amend", text: draft.id === shown.id ? draft.text : (saved && saved.amendment) || "" };
        setStatus("", "");
        draw();
        var area = document.getElementById("amendment-" + shown.id);
        if (area) area.focus();
        return;
      }
      draft = { id: null, choice: null, text: "" };
      submit(choice, null);
    }

    function show(c) {
      if (!shown || shown.id !== c.id) { status = { kind: "", text: "" }; }
      shown = c;
      if (c) announcer.textContent = t("conclusion_kicker");
      draw();
    }

    return {
      snapshot: function (conclusion, endorsement) {
        if (endorsement) stored[endorsement.conclusion_id] = endorsement;
        // An endorsement whose ack was lost may already be stored: drop it rather than resend.
        Object.keys(queue).forEach(function (cid) {
          var s = stored[cid];
          if (s && s.client_id === queue[cid].client_id) delete queue[cid];
        });
        store(ENDORSE_KEY, queue);
        if (conclusion) show(conclusion);
        else if (shown && shown.vote_state === "open") { shown = null; draw(); }
        else draw();
      },
      conclusion: function (c) {
        if (c.vote_state === "open") show(c);
        else if (shown && shown.id === c.id) { shown = c; draw(); }
      },
      removed: function (id) { if (shown && shown.id === id) { shown = null; draw(); } },
      saved: function (e) {
        stored[e.conclusion_id] = e;
        if (!queue[e.conclusion_id] && shown && shown.id === e.conclusion_id) {
          draft = { id: null, choice: null, text: "" };
          draw();
        }
      },
      flush: flush,
      forget: forget,
    };
  })();

  /* ---------- the participant's data: « Vos données » ---------- */

  /* Erasing one's own contributions (erase_mine, docs/privacy.md): a button, then an explicit
     confirmation; answers and endorsements are held meanwhile. Once erased, whatever waits to be
     sent is dropped (in this tab and in the participant's others, told by `erased`) and the
     page asks the server for its state again. */
  var Privacy = (function () {
    var strings = {};
    var node = document.getElementById("privacy-i18n");
    try { strings = node ? JSON.parse(node.textContent) : {}; } catch (e) { /* none: the keys */ }
    /* Live.t fills in the placeholders of a text that is not one of its keys. */
    function pt(key, params) { return t(strings[key] || key, params); }

    var details = document.getElementById("privacy");
    var start = document.getElementById("erase-start");
    var confirmBox = document.getElementById("erase-confirm");
    var yes = document.getElementById("erase-yes");
    var status = document.getElementById("erase-status");
    var busy = false;

    function say(kind, text) {
      if (!status) return;
      status.setAttribute("data-state", kind);
      status.textContent = text;
    }
    function ask(open) {
      confirmBox.hidden = !open;
      start.setAttribute("aria-expanded", open ? "true" : "false");
      if (open) { say("", ""); document.getElementById("erase-question").focus(); }
      else start.focus();
    }

    /* Drop what waits to be sent and what is shown as ours; the resync redraws the rest. */
    function forget() {
      pending = {};
      store(PENDING_KEY, pending);
      inflight = {};
      state.answers = {};
      state.upvotes = {};
      state.mineIds = {};
      Endorse.forget();
      Debate.forget();
      document.getElementById("pseudonym").value = "";
      showProfile({ pseudonym: "", group: null });
      try { window.localStorage.removeItem(LAST_KEY); } catch (e) { /* private mode */ }
      render();
      if (socket) socket.resync();
    }

    function erase() {
      if (busy) return;
      if (!socket || !socket.connected) { say("error", t("offline_action")); return; }
      busy = true;
      yes.disabled = true;
      say("sending", pt("erasing"));
      L.request(socket, "erase_mine", {}, 15000).then(function (res) {
        busy = false;
        yes.disabled = false;
        if (res.ok) {
          confirmBox.hidden = true;
          start.setAttribute("aria-expanded", "false");
          start.focus();
          forget();
          var erased = res.erased || {};
          var words = pt("erased", erased);
          if (erased.floor || erased.questions) words += " " + pt("erased_debate", erased);
          say("saved", words);
          return;
        }
        say("error", (res.error || {}).message || t("error"));
        flushPending(); // what was held goes out now
      });
    }

    if (start) {
      start.addEventListener("click", function () { ask(confirmBox.hidden); });
      yes.addEventListener("click", erase);
      document.getElementById("erase-no").addEventListener("click", function () { ask(false); });
    }
    /* The hint at the top opens the section. */
    var link = document.getElementById("privacy-link");
    if (link && details) {
      link.addEventListener("click", function (ev) {
        ev.preventDefault();
        details.open = true;
        details.scrollIntoView({ block: "start" });
        details.querySelector("summary").focus();
      });
    }

    return {
      erasing: function () { return busy; },
      /* `erased`: the participant erased from another tab. */
      erased: forget,
    };
  })();

  /* ---------- socket ---------- */

  socket = L.connect("participant", {
    snapshot: function (snap) {
      if (snap.token) store(TOKEN_KEY, snap.token);
      state.groups = snap.groups || [];
      state.set = snap.open_set || null;
      state.answers = snap.answers || {};
      resetComments(snap.comments);
      state.upvotes = {};
      (snap.upvotes || []).forEach(function (id) { state.upvotes[id] = true; });
      Object.keys(state.comments).forEach(function (qid) {
        state.comments[qid].forEach(function (c) { if (c.mine) state.mineIds[c.id] = true; });
      });
      Object.keys(state.answers).forEach(function (qid) { noteMine(state.answers[qid]); });
      // An answer whose ack was lost may already be stored: drop it rather than resend.
      Object.keys(pending).forEach(function (qid) {
        var stored = state.answers[qid];
        if (stored && stored.client_id === pending[qid].client_id) delete pending[qid];
      });
      store(PENDING_KEY, pending);
      gotSnapshot = true;
      keepLast();
      renderProfile(snap.participant);
      showItem(snap.agenda);
      render();
      GroupPrompt.update();
      Endorse.snapshot(snap.conclusion || null, snap.endorsement || null);
      Debate.snapshot(snap);
      flushPending();
    },
    agenda: function (agenda) { showItem(agenda); Debate.agenda(agenda); },
    floor: function (floor) { Debate.floor(floor); },
    qa: function (batch) { Debate.qa(batch); },
    qa_settings: function (s) { Debate.qa_settings(s); },
    question_set: function (set) {
      var same = state.set && state.set.id === set.id;
      if (set.state === "open" && !same) {
        state.set = set; resetComments({}); render(); keepLast();
      } else if (same) {
        var changed = state.set.state !== set.state;
        state.set = set;
        if (changed) render();
        keepLast();
      }
    },
    // One batch of comment changes; each question touched is drawn once.
    comments: function (batch) {
      var touched = {};
      L.applyComments(batch, function (c) {
        if (!question(c.question_id)) return;
        storeComment(c);
        touched[c.question_id] = true;
      }, function (r) {
        if (removeComment(r)) touched[r.question_id] = true;
      });
      Object.keys(touched).forEach(function (qid) { markMine(Number(qid)); });
    },
    answer_saved: function (a) {
      state.answers[a.question_id] = a;
      noteMine(a);
      keepLast();
      if (!pending[a.question_id]) syncQuestion(a.question_id);
    },
    conclusion: function (c) { Endorse.conclusion(c); },
    conclusion_removed: function (c) { Endorse.removed(c.id); },
    endorsement_saved: function (e) { Endorse.saved(e); },
    erased: function () { Privacy.erased(); },
    online: flushPending,
  }, function () { return load(TOKEN_KEY, null); });
})();

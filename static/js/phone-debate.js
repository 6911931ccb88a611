/* The debate on the participant's phone (docs/protocol.md, « The debate »): asking for the
   floor and the room's questions to the speakers. Loaded before phone.js, which calls
   `window.PhoneDebate(getSocket)` and hands it the snapshot and the `floor`, `qa`,
   `qa_settings` and `agenda` events.

   The floor: « Demander la parole » (a name, the pseudonym by default), then the place in the
   queue, « Vous avez la parole » (announced, the phone vibrates), « J'ai terminé » or « Retirer
   ma demande ». The questions: a form while an agenda item is under way (to one of its speakers
   or to the room), then the room's questions ordered by support, one's own marked with their
   status, « Soutenir » on the others'. Nothing here is queued offline: a request for the floor
   or a question sent later would be out of its moment; the phone says so instead. */
(function () {
  "use strict";
  var L = window.Live, t = L.t, el = L.el;
  var MAX_NAME = L.config.maxPseudonym || 40;
  var MAX_QUESTION = L.config.maxQuestion || 300;
  /* Questions keep their place while the participant uses the list (as the comments do). */
  var QA_RANK = { pending: 4, visible: 3, answered: 2, hidden: 1, merged: 0 };

  function $(id) { return document.getElementById(id); }

  var clientId = L.clientId, short = L.short;

  window.PhoneDebate = function (getSocket) {
    var ended = false;       // the session has ended: nothing can be asked any more
    var agenda = null;

    function busy(button, on) {
      button.disabled = on;
      if (on) button.setAttribute("aria-busy", "true"); else button.removeAttribute("aria-busy");
    }
    function online() {
      var socket = getSocket();
      return !!socket && socket.connected && navigator.onLine !== false;
    }

    /* ---------- the floor ---------- */

    var Floor = (function () {
      var box = $("floor");
      var nameInput = $("floor-name");
      var ask = $("floor-ask");
      var withdraw = $("floor-withdraw");
      var status = $("floor-status");
      var now = $("floor-now");
      var clock = $("floor-clock");
      var askBox = $("floor-ask-box");
      var floor = null, floorAt = 0;   // the last `floor` view and when it came (Date.now())
      var mine = null;                 // my request waiting or under way (as last acked or seen)
      var mineAt = 0;                  // when `mine` was acked: a view older than that is stale
      var said = "";                   // the last words of #floor-status (not said twice)
      var farewell = "";               // why my request left: shown until I ask again
      var sending = false, ticker = null;

      function whoOf(r) { return r.name || t("floor_number", { n: r.number }); }

      /* My state from the view, unless the view is older than my last ack. */
      function mineNow() {
        if (!mine) return { state: "none" };
        if (!floor || floorAt < mineAt) {
          return mine.state === "speaking" ? { state: "speaking", request: mine }
            : mine.state === "waiting" ? { state: "waiting", request: mine, place: mine.place || 1, of: null }
            : { state: "none" };
        }
        if (floor.speaking && floor.speaking.id === mine.id) return { state: "speaking", request: floor.speaking };
        for (var i = 0; i < floor.queue.length; i++) {
          if (floor.queue[i].id === mine.id) return { state: "waiting", request: floor.queue[i], place: i + 1, of: floor.queue.length };
        }
        return { state: "gone" };
      }

      function elapsed() {
        var s = floor && floor.speaking;
        return s ? (s.elapsed_s || 0) + (Date.now() - floorAt) / 1000 : 0;
      }

      function say(text) {
        if (text === said) return;
        said = text;
        status.textContent = text;
      }

      function render() {
        var m = mineNow();
        if (m.state === "gone") {
          // Left the queue without my asking: ended by the facilitator, or taken off the list.
          farewell = mine.state === "speaking" || (mine.seen === "speaking") ? t("floor_done") : t("floor_removed");
          mine = null;
          m = { state: "none" };
        }
        var state = m.state;
        box.setAttribute("data-state", state);
        askBox.hidden = state !== "none";
        ask.hidden = state !== "none";
        ask.disabled = sending || ended;
        withdraw.hidden = state === "none";
        withdraw.textContent = state === "speaking" ? t("floor_finished") : t("floor_withdraw");
        if (!nameInput.value) nameInput.placeholder = ($("pseudonym").value || "").trim();
        if (state === "speaking") {
          // A phone in a pocket or on the table: a buzz when the floor comes (where it can).
          if (mine.seen !== "speaking" && navigator.vibrate) {
            try { navigator.vibrate([200, 100, 200]); } catch (e) { /* not allowed: the words say it */ }
          }
          mine.seen = "speaking";
          say(t("floor_you_speak"));
        } else if (state === "waiting") {
          mine.seen = "waiting";
          say(m.of ? t("floor_place", { place: m.place, of: m.of }) : t("floor_place_one", { place: m.place }));
        } else if (ended) say(t("floor_ended"));
        else say(farewell);
        // Who speaks now, and how many wait (the room's view, not mine).
        var s = floor && floor.speaking, n = floor ? floor.queue.length : 0;
        var parts = [];
        if (s && state !== "speaking") parts.push(t("floor_now", { who: whoOf(s) }));
        if (n && state === "none") parts.push(t("floor_waiting_n", { n: n }));
        now.textContent = parts.join(" · ");
        tick();
        if (state === "speaking" && !ticker) ticker = window.setInterval(tick, 1000);
        if (state !== "speaking" && ticker) { window.clearInterval(ticker); ticker = null; }
      }

      /* My running time (and the limit), not in the live region: it changes every second. */
      function tick() {
        var m = mine && box.getAttribute("data-state") === "speaking";
        clock.hidden = !m;
        if (!m) { clock.textContent = ""; return; }
        var secs = elapsed(), limit = floor && floor.limit_s;
        clock.textContent = limit ? t("floor_clock_limit", { elapsed: L.clock(secs * 1000), limit: L.clock(limit * 1000) })
          : t("floor_clock", { elapsed: L.clock(secs * 1000) });
        clock.setAttribute("data-overrun", limit && secs > limit ? "true" : "false");
      }

      function fail(res) {
        var err = res.error || {};
        say(err.code === "timeout" ? t("debate_timeout") : err.message || t("error"));
        said = ""; // the same error again is said again
      }

      ask.addEventListener("click", function () {
        if (sending || ended) return;
        if (!online()) { say(t("offline_action")); said = ""; return; }
        var name = nameInput.value.replace(/\s+/g, " ").trim().slice(0, MAX_NAME);
        sending = true;
        busy(ask, true);
        farewell = "";
        say(t("sending"));
        L.request(getSocket(), "floor_request", { name: name || null }, 8000).then(function (res) {
          sending = false;
          busy(ask, false);
          if (!res.ok) { fail(res); render(); return; }
          mine = res.request;
          mine.place = res.place;
          if (res.place === 0) mine.state = "speaking";
          mineAt = Date.now();
          render();
          if (!withdraw.hidden) withdraw.focus();
        });
      });

      withdraw.addEventListener("click", function () {
        if (sending || !mine) return;
        if (!online()) { say(t("offline_action")); said = ""; return; }
        var wasSpeaking = box.getAttribute("data-state") === "speaking";
        sending = true;
        busy(withdraw, true);
        L.request(getSocket(), "floor_withdraw", {}, 8000).then(function (res) {
          sending = false;
          busy(withdraw, false);
          if (!res.ok) { fail(res); return; }
          mine = null;
          mineAt = Date.now();
          farewell = wasSpeaking ? t("floor_done") : t("floor_withdrawn");
          render();
          ask.focus();
        });
      });
      nameInput.maxLength = MAX_NAME;

      return {
        snapshot: function (view, mineId) {
          floor = view || null;
          floorAt = Date.now();
          mineAt = 0;
          if (mineId == null) mine = null;
          else {
            var found = floor && floor.speaking && floor.speaking.id === mineId ? floor.speaking
              : floor && floor.queue.filter(function (r) { return r.id === mineId; })[0];
            mine = found ? { id: found.id, state: found.state, name: found.name, number: found.number } : null;
          }
          if (floor) render();
        },
        floor: function (view) {
          floor = view;
          floorAt = Date.now();
          render();
        },
        render: render,
        forget: function () { mine = null; farewell = ""; said = ""; nameInput.value = ""; if (floor) render(); },
      };
    })();

    /* ---------- the room's questions ---------- */

    var Qa = (function () {
      var form = $("qa-form");
      var text = $("qa-text");
      var speaker = $("qa-speaker");
      var submit = $("qa-submit");
      var status = $("qa-status");
      var counter = $("qa-count");
      var closedNote = $("qa-closed");
      var premodNote = $("qa-premod-note");
      var list = $("qa-list");
      var empty = $("qa-empty");
      var count = $("qa-list-count");
      var order = L.stableOrder(5000, 3000);
      order.watch(list);
      var questions = {};        // id -> <qa>
      var asked = {};            // my questions' ids
      var supported = {};        // ids I support
      var premoderated = false;
      var draft = null;          // {client_id, text, speaker}: resent as is after a lost ack
      var sending = false;
      var confirming = null;     // the id of my question whose withdrawal is being confirmed
      var pendingSupport = {};   // id -> true while a support awaits its ack

      function setStatus(kind, words) {
        status.setAttribute("data-state", kind);
        status.textContent = words;
      }
      function countChars() {
        counter.textContent = t("chars", { n: text.value.length, max: MAX_QUESTION });
      }
      text.maxLength = MAX_QUESTION;
      text.addEventListener("input", countChars);
      countChars();

      /* The form while an agenda item is under way, with that item's speakers. */
      function renderForm() {
        var item = ended ? null : L.currentItem(agenda);
        form.hidden = !item;
        closedNote.hidden = !!item;
        closedNote.textContent = ended ? t("qa_ended") : t("qa_no_item");
        premodNote.hidden = !premoderated;
        var chosen = speaker.value;
        var speakers = (item && item.speakers) || [];
        var keys = speakers.map(function (s) { return s.key; }).join("|");
        if (speaker.getAttribute("data-keys") !== keys) {
          L.clear(speaker);
          speaker.appendChild(el("option", { value: "", text: t("qa_to_room_option") }));
          speakers.forEach(function (s) {
            speaker.appendChild(el("option", { value: s.key, text: s.organisation ? t("qa_speaker_option", { name: s.name, organisation: s.organisation }) : s.name }));
          });
          speaker.value = speakers.some(function (s) { return s.key === chosen; }) ? chosen : "";
          speaker.setAttribute("data-keys", keys);
        }
        speaker.parentNode.hidden = !speakers.length;
      }

      function visibleTo(q) {
        // Others' merged questions are read under the one they were merged into.
        return q.status !== "merged" || asked[q.id];
      }

      function statusWords(q) {
        if (q.status === "pending") return t("qa_status_pending");
        if (q.status === "hidden") return t("qa_status_hidden");
        if (q.status === "answered") return t("qa_status_answered");
        if (q.status === "merged") {
          var into = questions[q.merged_into];
          return into ? t("qa_merged_into", { text: short(into.text, 60) }) : t("qa_status_merged");
        }
        return "";
      }

      /* The list is sorted again once left alone (Live.stableOrder): a render a little after
         the last change puts it in order even when no other push comes. */
      var settle = null;
      function settleLater() {
        if (settle) window.clearTimeout(settle);
        settle = window.setTimeout(function () { settle = null; render(); }, 5200);
      }

      function render() {
        renderForm();
        var shown = Object.keys(questions).map(function (id) { return questions[id]; }).filter(visibleTo);
        var ordered = order.order("qa", shown.map(function (q) {
          return { id: q.id, upvotes: QA_RANK[q.status] * 1e6 + (q.support || 0), q: q };
        }));
        L.keepFocus(list, function () {
          L.clear(list);
          ordered.forEach(function (w) { list.appendChild(item(w.q)); });
        });
        empty.hidden = shown.length > 0;
        count.textContent = shown.length ? "(" + shown.length + ")" : "";
      }

      function item(q) {
        var id = q.id, mine = !!asked[id], s = q.status;
        var textId = "qa-item-text-" + id;
        var meta = [
          mine ? el("strong", { class: "qa-mine-flag", text: t("qa_yours") }) : null,
          statusWords(q) ? el("span", { class: "badge qa-state status-" + s, text: statusWords(q) }) : null,
          q.on_screen ? el("span", { class: "badge on-screen", text: t("qa_on_screen") }) : null,
          el("span", { class: "qa-to", text: q.speaker ? t("qa_to", { who: q.speaker.name }) : t("qa_to_room") }),
        ].filter(Boolean);
        var li = el("li", { class: "qa-item status-" + s + (mine ? " mine" : ""), "data-qa-id": String(id),
          "data-status": s, "data-mine": mine ? "true" : null }, [
          el("p", { class: "qa-text", id: textId, text: q.text }),
          el("p", { class: "qa-meta" }, meta.reduce(function (all, node) {
            if (all.length) all.push(document.createTextNode(" · "));
            all.push(node);
            return all;
          }, [])),
        ]);
        if (q.merged && q.merged.length) {
          li.appendChild(el("div", { class: "qa-merged" }, [
            el("p", { class: "qa-merged-title", text: L.pair(t("qa_merged_here")) }),
            el("ul", null, q.merged.map(function (m) { return el("li", { text: m.text }); })),
          ]));
        }
        var actions = el("p", { class: "qa-actions" });
        var open = s === "visible" || s === "answered";
        if (!mine && open) {
          var on = !!supported[id];
          actions.appendChild(el("button", { type: "button", class: "qa-support", "data-focus-key": "qa-support-" + id,
            "aria-pressed": on ? "true" : "false", "aria-describedby": textId,
            "aria-busy": pendingSupport[id] ? "true" : null, disabled: !!pendingSupport[id],
            text: t("qa_support_n", { n: q.support || 0 }),
            on: { click: function (ev) { supportIt(q, !on, ev.currentTarget); } } }));
        } else if (open || s === "merged") {
          actions.appendChild(el("span", { class: "qa-support-count", text: t("upvotes", { n: q.support || 0 }) }));
        }
        if (mine && s !== "merged") {
          if (confirming === id) {
            actions.appendChild(el("span", { class: "qa-confirm" }, [
              el("span", { class: "qa-confirm-text", id: "qa-confirm-" + id, text: t("qa_withdraw_confirm") }),
              el("button", { type: "button", class: "danger qa-withdraw-yes", "data-focus-key": "qa-yes-" + id,
                "aria-describedby": "qa-confirm-" + id, text: t("qa_withdraw_yes"),
                on: { click: function (ev) { withdrawIt(q, ev.currentTarget); } } }),
              el("button", { type: "button", class: "qa-withdraw-no", "data-focus-key": "qa-no-" + id, text: t("qa_withdraw_no"),
                on: { click: function () { confirming = null; render(); focusKey("qa-withdraw-" + id); } } }),
            ]));
          } else {
            actions.appendChild(el("button", { type: "button", class: "qa-withdraw", "data-focus-key": "qa-withdraw-" + id,
              "aria-describedby": textId, text: t("qa_withdraw"),
              on: { click: function () { confirming = id; render(); focusKey("qa-yes-" + id); } } }));
          }
        }
        if (actions.firstChild) li.appendChild(actions);
        return li;
      }

      function focusKey(key) {
        var node = list.querySelector('[data-focus-key="' + key + '"]');
        if (node) node.focus();
      }

      function supportIt(q, up, button) {
        if (pendingSupport[q.id]) return;
        if (!online()) { setStatus("error", t("offline_action")); return; }
        pendingSupport[q.id] = true;
        busy(button, true);
        L.request(getSocket(), "qa_support", { qa_id: q.id, up: up }, 8000).then(function (res) {
          delete pendingSupport[q.id];
          if (res.ok) {
            if (res.up) supported[q.id] = true; else delete supported[q.id];
            if (questions[q.id]) questions[q.id].support = res.support;
          } else setStatus("error", (res.error || {}).message || t("error"));
          render();
          settleLater();
        });
      }

      function withdrawIt(q, button) {
        if (!online()) { setStatus("error", t("offline_action")); return; }
        busy(button, true);
        L.request(getSocket(), "qa_withdraw", { qa_id: q.id }, 8000).then(function (res) {
          confirming = null;
          if (res.ok) {
            delete questions[q.id];
            delete asked[q.id];
            setStatus("saved", t("qa_withdrawn"));
            render();
            text.focus();
            return;
          }
          setStatus("error", (res.error || {}).message || t("error"));
          render();
        });
      }

      form.addEventListener("submit", function (ev) {
        ev.preventDefault();
        if (sending) return;
        var words = text.value.trim();
        if (!words) { setStatus("error", t("qa_text_required")); text.focus(); return; }
        if (!online()) { setStatus("error", t("offline_action")); return; }
        var to = speaker.value || null;
        if (!draft || draft.text !== words || draft.speaker !== to) draft = { client_id: clientId(), text: words, speaker: to };
        sending = true;
        busy(submit, true);
        setStatus("sending", t("sending"));
        L.request(getSocket(), "qa_ask", draft, 8000).then(function (res) {
          sending = false;
          busy(submit, false);
          if (!res.ok) {
            var err = res.error || {};
            setStatus("error", err.code === "timeout" ? t("debate_timeout") : err.message || t("error"));
            return;
          }
          draft = null;
          text.value = "";
          countChars();
          asked[res.qa.id] = true;
          questions[res.qa.id] = res.qa;
          order.reset();
          setStatus("saved", res.qa.status === "pending" ? t("qa_sent_pending") : t("qa_sent"));
          render();
        });
      });

      return {
        snapshot: function (qa, qaMine) {
          qa = qa || { premoderated: false, questions: [] };
          premoderated = !!qa.premoderated;
          questions = {};
          (qa.questions || []).forEach(function (q) { questions[q.id] = q; });
          asked = {};
          supported = {};
          ((qaMine && qaMine.asked) || []).forEach(function (id) { asked[id] = true; });
          ((qaMine && qaMine.supported) || []).forEach(function (id) { supported[id] = true; });
          render();
        },
        qa: function (batch) {
          ((batch && batch.removed) || []).forEach(function (id) { delete questions[id]; });
          ((batch && batch.changed) || []).forEach(function (q) { questions[q.id] = q; });
          render();
          settleLater();
        },
        settings: function (s) { premoderated = !!(s && s.premoderated); renderForm(); },
        render: render,
        forget: function () {
          asked = {}; supported = {}; draft = null; confirming = null;
          text.value = ""; countChars(); setStatus("", "");
          render();
        },
      };
    })();

    function setAgenda(a) {
      if (!a) return;
      agenda = a;
      ended = a.status === "ended";
    }

    return {
      snapshot: function (snap) {
        setAgenda(snap.agenda);
        if (snap.session && snap.session.status === "ended") ended = true;
        Floor.snapshot(snap.floor, snap.floor_mine);
        Qa.snapshot(snap.qa, snap.qa_mine);
      },
      agenda: function (a) { setAgenda(a); Floor.render(); Qa.render(); },
      floor: Floor.floor,
      qa: Qa.qa,
      qa_settings: Qa.settings,
      /* After an erasure: my request, questions and supports are gone. */
      forget: function () { Floor.forget(); Qa.forget(); },
      /* The pseudonym changed: the floor's name field shows it as its default. */
      profile: function () { Floor.render(); },
    };
  };
})();

/* Shared by the live pages: strings, DOM helpers, server clock, Socket.IO connection states.
   No framework; user text is always inserted with textContent. See docs/protocol.md. */
(function () {
  "use strict";

  function readJSON(id) {
    var node = document.getElementById(id);
    try { return node ? JSON.parse(node.textContent) : {}; } catch (e) { return {}; }
  }

  /* The strings of js_strings (``i18n``), and over them the page's own (``i18n-more``, written
     by its template). */
  var strings = readJSON("i18n");
  var own = readJSON("i18n-more");
  Object.keys(own).forEach(function (key) { strings[key] = own[key]; });
  var config = readJSON("live-config");
  var offset = 0; // server clock minus ours, in ms

  /* A translated string, with %(name)s placeholders filled in. */
  function t(key, params) {
    var s = strings[key] != null ? String(strings[key]) : key;
    return s.replace(/%\((\w+)\)s|%%/g, function (m, name) {
      if (m === "%%") return "%";
      return params && params[name] != null ? String(params[name]) : "";
    });
  }

  /* "label : value" / "label :" / "15 min", written the way the page's language does
     (strings label_value, label_colon, minutes of js_strings). */
  function pair(label, value) {
    return value === undefined ? t("label_colon", { label: label }) : t("label_value", { label: label, value: value });
  }
  function minutes(n) { return t("minutes", { n: number(n, 0) }); }

  /* el("p", {class: "x", text: "…", "aria-pressed": "true"}, [children]) */
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        var v = attrs[k];
        if (v == null || v === false) return;
        if (k === "text") node.textContent = v;
        else if (k === "class") node.className = v;
        else if (k === "dataset") Object.keys(v).forEach(function (d) { node.dataset[d] = v[d]; });
        else if (k === "on") Object.keys(v).forEach(function (ev) { node.addEventListener(ev, v[ev]); });
        else if (k in node && typeof v !== "string") node[k] = v;
        else node.setAttribute(k, v === true ? "" : v);
      });
    }
    (children || []).forEach(function (c) {
      if (c == null) return;
      node.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return node;
  }

  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }

  /* Re-render a container without losing the keyboard focus: the focused element's
     data-focus-key is looked up again afterwards. */
  function keepFocus(container, render) {
    var active = document.activeElement;
    var key = active && container.contains(active) ? active.getAttribute("data-focus-key") : null;
    render();
    if (key) {
      var again = container.querySelector('[data-focus-key="' + key.replace(/"/g, "") + '"]');
      if (again) again.focus();
    }
  }

  function setServerTime(iso) {
    var ms = Date.parse(iso);
    if (!isNaN(ms)) offset = ms - Date.now();
  }
  function now() { return Date.now() + offset; }

  function clock(ms) {
    var total = Math.max(0, Math.floor(ms / 1000));
    var h = Math.floor(total / 3600), m = Math.floor((total % 3600) / 60), s = total % 60;
    var mm = (h ? String(m).padStart(2, "0") : String(m)) + ":" + String(s).padStart(2, "0");
    return h ? h + ":" + mm : mm;
  }

  var numberFormat = null;
  function number(n, digits) {
    if (!numberFormat) {
      try {
        numberFormat = new Intl.NumberFormat(document.documentElement.lang || "fr",
          { maximumFractionDigits: 1 });
      } catch (e) { numberFormat = { format: function (x) { return String(x); } }; }
    }
    return numberFormat.format(digits === 0 ? Math.round(n) : n);
  }

  /* Show the speaking timer of ``agenda`` in ``element`` (marked "over" past the planned time). */
  function showTimer(element, agenda) {
    element.textContent = timerText(agenda);
    element.classList.toggle("over", isOvertime(agenda));
  }

  /* The speaking timer of the current agenda item: "4:12 sur 15:00" (text for an element). */
  function timerText(agenda) {
    if (!agenda || agenda.current == null) return "";
    var item = (agenda.items || []).filter(function (i) { return i.position === agenda.current; })[0];
    var started = (item && item.started_at) || agenda.started_at;
    if (!item || !started) return "";
    var elapsed = now() - Date.parse(started);
    if (!item.duration_min) return t("timer_open", { elapsed: clock(elapsed) });
    var planned = item.duration_min * 60000;
    var text = t("timer", { elapsed: clock(elapsed), planned: clock(planned) });
    if (elapsed > planned) text += " · " + t("timer_over", { over: clock(elapsed - planned) });
    return text;
  }
  function isOvertime(agenda) {
    if (!agenda || agenda.current == null) return false;
    var item = (agenda.items || []).filter(function (i) { return i.position === agenda.current; })[0];
    var started = (item && item.started_at) || agenda.started_at;
    return !!(item && item.duration_min && started &&
      now() - Date.parse(started) > item.duration_min * 60000);
  }
  function currentItem(agenda) {
    if (!agenda || agenda.current == null) return null;
    return (agenda.items || []).filter(function (i) { return i.position === agenda.current; })[0] || null;
  }

  /* Connection status line (#conn): connecting | online | offline | reconnecting | refused. */
  function setConn(state, text) {
    var node = document.getElementById("conn");
    document.documentElement.setAttribute("data-conn", state);
    if (!node) return;
    node.setAttribute("data-state", state);
    node.textContent = text || t(state);
  }

  /* Connect with the role's auth; tokenFn (optional) gives the participant token on every
     (re)connect. Calls handlers.snapshot and the event handlers; manages the status line. */
  function connect(role, handlers, tokenFn) {
    setConn("connecting");
    var socket = window.io({
      auth: function (cb) {
        var auth = { code: config.code, role: role };
        var token = tokenFn && tokenFn();
        if (token) auth.token = token;
        cb(auth);
      },
      reconnectionDelayMax: 5000,
      timeout: 10000,
    });
    socket.on("connect", function () { setConn("online"); });
    socket.on("disconnect", function (reason) {
      setConn(navigator.onLine === false ? "offline" : "reconnecting",
        navigator.onLine === false && role === "participant" ? t("offline_phone") : null);
      if (reason === "io server disconnect") socket.connect(); // the server dropped us: come back
      if (handlers.disconnect) handlers.disconnect(reason);
    });
    socket.on("connect_error", function (err) {
      var data = (err && err.data) || {};
      if (["unknown_session", "forbidden", "session_closed", "not_assigned"].indexOf(data.code) >= 0) {
        // Refused for good: the server's message (in the page's language) says why.
        setConn("refused", data.code === "unknown_session" ? t("unknown_session")
          : data.code === "forbidden" ? t("forbidden") : data.message || t("forbidden"));
        return; // refused by the server: do not hammer it
      }
      if (data.code === "rate_limited") {
        // Too many wrong codes from this address: say so, and try again in a minute, not at once.
        setConn("refused", data.message || t("error"));
        if (!socket.active) window.setTimeout(function () { socket.connect(); }, 60000);
        return;
      }
      setConn(navigator.onLine === false ? "offline" : "reconnecting",
        navigator.onLine === false && role === "participant" ? t("offline_phone") : null);
      if (!socket.active) window.setTimeout(function () { socket.connect(); }, 3000);
    });
    /* Revisions (docs/protocol.md): `rev` is the session's revision this page shows. A `rev`
       event whose base is ahead of it, or a `beat` ahead of it, means a push was missed (the
       server's message queue was down, say): ask for the state again (`resync`). */
    var rev = null, resyncing = false;
    function applySnapshot(snap) {
      snap = snap || {};
      if (snap.rev != null) {
        rev = snap.rev;
        document.documentElement.setAttribute("data-rev", String(rev));
      }
      if (snap.server_time) setServerTime(snap.server_time);
      handlers.snapshot(snap);
    }
    function resync() {
      if (resyncing || !socket.connected) return;
      resyncing = true;
      // Phones wait a moment at random, so that a whole room behind does not ask at once.
      var delay = role === "participant" ? Math.random() * 3000 : 0;
      window.setTimeout(function () {
        request(socket, "resync", {}, 15000).then(function (res) {
          resyncing = false;
          if (res.ok && res.snapshot) applySnapshot(res.snapshot);
        });
      }, delay);
    }
    socket.resync = resync;
    socket.on("snapshot", applySnapshot);
    socket.on("rev", function (r) {
      if (!r || rev == null) return;
      if (r.base > rev) resync();
      else if (r.rev > rev) {
        rev = r.rev;
        document.documentElement.setAttribute("data-rev", String(rev));
      }
    });
    socket.on("beat", function (b) { if (b && rev != null && b.rev > rev) resync(); });
    Object.keys(handlers).forEach(function (name) {
      if (name !== "snapshot" && name !== "disconnect" && name !== "online") socket.on(name, handlers[name]);
    });
    window.addEventListener("offline", function () {
      setConn("offline", role === "participant" ? t("offline_phone") : null);
      // The link is gone: drop the transport now rather than wait for the ping timeout.
      if (socket.connected) socket.io.engine.close();
    });
    window.addEventListener("online", function () {
      if (!socket.connected) {
        setConn("reconnecting");
        socket.disconnect(); // leave the reconnection back-off…
        socket.connect();    // …and try at once
      } else setConn("online");
      if (handlers.online) handlers.online();
    });
    return socket;
  }

  /* Emit with an ack; resolves to the ack object, or {ok:false,error:{code:"timeout"}}. */
  function request(socket, event, payload, ms) {
    return new Promise(function (resolve) {
      socket.timeout(ms || 8000).emit(event, payload, function (err, res) {
        if (err) resolve({ ok: false, error: { code: "timeout", message: t("error") } });
        else resolve(res || { ok: false, error: { code: "internal", message: t("error") } });
      });
    });
  }

  function sortComments(list) {
    return list.slice().sort(function (a, b) {
      if (!!b.highlighted !== !!a.highlighted) return b.highlighted ? 1 : -1;
      return (b.upvotes || 0) - (a.upvotes || 0) || a.id - b.id;
    });
  }

  /* Comment lists that change under the user's eyes (phones, console moderation): `order(key,
     list)` gives `list` sorted (sortComments) the first time, and again only once the user has
     left the lists alone for `calmMs` and that list's last sort is `everyMs` old; meanwhile its
     comments keep their place (their fields updated) and new ones come at the end, so nothing
     moves from under a finger or a pointer. `watch(node)` counts a touch, a key or the focus in
     `node` as use; `reset()` forgets every order. */
  function stableOrder(everyMs, calmMs) {
    var orders = {}, sortedAt = {}, usedAt = 0;
    function used() { usedAt = Date.now(); }
    return {
      watch: function (node) {
        ["pointerdown", "keydown", "focusin"].forEach(function (type) { node.addEventListener(type, used); });
      },
      reset: function () { orders = {}; sortedAt = {}; },
      order: function (key, list) {
        var now = Date.now(), ids = orders[key], result;
        if (!ids || (now - usedAt >= calmMs && now - (sortedAt[key] || 0) >= everyMs)) {
          sortedAt[key] = now;
          result = sortComments(list);
        } else {
          var byId = {}, kept = {};
          list.forEach(function (c) { byId[c.id] = c; });
          result = ids.map(function (id) { return byId[id]; }).filter(Boolean);
          result.forEach(function (c) { kept[c.id] = true; });
          result = result.concat(sortComments(list.filter(function (c) { return !kept[c.id]; })));
        }
        orders[key] = result.map(function (c) { return c.id; });
        return result;
      },
    };
  }

  /* A text's opening words (whole words) up to ``max`` characters, with « … » when cut: the
     room's questions quoted in lists and statuses. */
  function short(text, max) {
    text = String(text || "").replace(/\s+/g, " ").trim();
    if (text.length <= max) return text;
    var cut = text.slice(0, max), space = cut.lastIndexOf(" ");
    if (space > max / 2) cut = cut.slice(0, space);
    return cut.replace(/[\s,;:.!?]+$/, "") + "…";
  }

  /* A random id for what a phone sends once and may resend (an answer, a question). */
  function clientId() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
    var bytes = new Uint8Array(16);
    if (window.crypto && window.crypto.getRandomValues) window.crypto.getRandomValues(bytes);
    else for (var i = 0; i < 16; i++) bytes[i] = Math.floor(Math.random() * 256);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  /* A `comments` batch (docs/protocol.md): changed(c) for each changed comment, removed(r) for
     each {id, question_id} no longer shown (ids one does not hold are ignored by the caller). */
  function applyComments(batch, changed, removed) {
    ((batch && batch.changed) || []).forEach(changed);
    ((batch && batch.removed) || []).forEach(removed);
  }

  window.Live = {
    t: t, pair: pair, minutes: minutes, el: el, clear: clear, keepFocus: keepFocus, config: config,
    setServerTime: setServerTime, now: now, clock: clock, number: number,
    timerText: timerText, isOvertime: isOvertime, showTimer: showTimer, currentItem: currentItem,
    setConn: setConn, connect: connect, request: request, sortComments: sortComments,
    stableOrder: stableOrder, applyComments: applyComments, short: short, clientId: clientId,
  };
})();

// Debate summary: poll /summary/<CODE>.json and redraw the figures when they changed.
// The conclusion forms sit outside the redrawn part, so typing is never disturbed.
(function () {
  "use strict";
  var INTERVAL_MS = 4000;
  var box = document.getElementById("live-results");
  var status = document.getElementById("live-status");
  if (!box || !window.fetch) { return; }
  var url = box.getAttribute("data-feed");
  var fingerprint = box.getAttribute("data-fingerprint");
  var timer = null;
  var lang = document.documentElement.lang || "fr";
  var strings = {};
  try { strings = JSON.parse(document.getElementById("i18n").textContent) || {}; } catch (e) { strings = {}; }

  /* A translated string (rendered by the template), with %(name)s placeholders filled in. */
  function t(key, params) {
    var s = strings[key] != null ? String(strings[key]) : key;
    return s.replace(/%\((\w+)\)s|%%/g, function (m, name) {
      if (m === "%%") return "%";
      return params && params[name] != null ? String(params[name]) : "";
    });
  }

  function say(message, stale) {
    if (!status) { return; }
    status.textContent = message;
    status.classList.toggle("stale", !!stale);
  }

  function poll() {
    timer = null;
    if (document.hidden) { return schedule(); }
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      })
      .then(function (data) {
        if (data.fingerprint !== fingerprint) {
          fingerprint = data.fingerprint;
          var open = {};
          box.querySelectorAll("details[id], details").forEach(function (d, i) { open[i] = d.open; });
          box.innerHTML = data.html;  // server-rendered with autoescaping
          box.querySelectorAll("details").forEach(function (d, i) { if (i in open) { d.open = open[i]; } });
        }
        say(t("updated", { time: new Date().toLocaleTimeString(lang) }), false);
      })
      .catch(function () { say(t("stale"), true); })
      .then(schedule);
  }

  function schedule() {
    if (timer === null) { timer = window.setTimeout(poll, INTERVAL_MS); }
  }

  document.addEventListener("visibilitychange", function () {
    if (!document.hidden && timer !== null) { window.clearTimeout(timer); timer = null; poll(); }
  });
  schedule();
})();

/* The rehearsal page while a rehearsal runs: its progress read from rehearsal.json every two
   seconds and written into the page (the list of events is announced politely); the page is
   loaded again once the rehearsal has ended, to show its result and the form. No automatic
   page refresh (WCAG 2.2.1): without JavaScript, « Actualiser » does it. */
(function () {
  "use strict";
  var box = document.getElementById("rehearsal-status");
  if (!box || box.getAttribute("data-running") !== "true") return;
  var url = box.getAttribute("data-status-url");
  var list = document.getElementById("rehearsal-lines");

  function show(status) {
    if (!status.running || (status.state !== "starting" && status.state !== "running")) {
      window.location.reload();
      return;
    }
    if (list && status.lines) {
      while (list.children.length < status.lines.length) {
        var li = document.createElement("li");
        li.textContent = status.lines[list.children.length];
        list.appendChild(li);
      }
    }
    window.setTimeout(poll, 2000);
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (res) { return res.ok ? res.json() : Promise.reject(res.status); })
      .then(show)
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 2000);
})();

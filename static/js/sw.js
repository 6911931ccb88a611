/* The phone page's service worker (served at /j/sw.js, scope /j/: it controls the participant
   pages only, never the console, the projector or the admin pages).

   What it keeps, in one cache: the phone page of each session code visited (its HTML carries
   no personal data: the participant's token lives in an httponly cookie and in localStorage),
   and the versioned static files that page loads (CSS, scripts, the socket.io client; their
   URLs carry ``?v=<content hash>``, workshop/static_versions.py). So a phone reloaded on a dead
   network still shows its session, its queued answers (localStorage) and « hors ligne ».

   - The page (a navigation to /j/<CODE>): network first, the cached copy when the network fails.
   - Versioned static files (/static/…?v=…): cache first, then the network.
   - Everything else (/socket.io/, any POST, the QR code, unversioned files): not touched.
   The page sends the list of its own files once it is controlled (message ``{type: "keep"}``):
   the first visit, loaded before the worker existed, is kept that way too. */
"use strict";

var CACHE = "workshop-phone-v1";
var PAGE = /^\/j\/[A-Za-z0-9]+$/;

function scopePath() { return new URL(self.registration.scope).pathname; } // "/j/" (or under a prefix)
function isPage(url) {
  var rest = url.pathname.slice(scopePath().length - 3); // keep "/j/"
  return url.origin === self.location.origin && url.pathname.indexOf(scopePath()) === 0 && PAGE.test(rest);
}
function isVersioned(url) {
  return url.origin === self.location.origin && url.pathname.indexOf("/static/") >= 0 && url.searchParams.has("v");
}
/* A page is kept only when it is the phone page itself (not a join form answered 404 or 429). */
function keepable(response) {
  return response && response.ok && response.type === "basic" && !response.redirected &&
    (response.headers.get("Content-Type") || "").indexOf("text/html") === 0;
}
function pageKey(url) { return url.origin + url.pathname; } // no query, no hash

self.addEventListener("install", function () { self.skipWaiting(); });

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (n) { return n.indexOf("workshop-phone-") === 0 && n !== CACHE; })
      .map(function (n) { return caches.delete(n); }));
  }).then(function () { return self.clients.claim(); }));
});

function networkFirst(request, url) {
  return fetch(request).then(function (response) {
    if (keepable(response)) {
      var copy = response.clone();
      caches.open(CACHE).then(function (cache) { return cache.put(pageKey(url), copy); });
    }
    return response;
  }, function (error) {
    return caches.match(pageKey(url)).then(function (cached) { return cached || Promise.reject(error); });
  });
}

function cacheFirst(request) {
  return caches.match(request).then(function (cached) {
    if (cached) return cached;
    return fetch(request).then(function (response) {
      if (response.ok && response.type === "basic") {
        var copy = response.clone();
        caches.open(CACHE).then(function (cache) { return cache.put(request, copy); });
      }
      return response;
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.pathname.indexOf("/socket.io/") >= 0) return;
  if (request.mode === "navigate" && isPage(url)) event.respondWith(networkFirst(request, url));
  else if (isVersioned(url)) event.respondWith(cacheFirst(request));
});

/* {type: "keep", page: url, files: [url…]} from a controlled phone page: keep what is missing,
   drop static files of older versions (no page needs them), answer {ok} on the port. */
self.addEventListener("message", function (event) {
  var data = event.data || {};
  var port = event.ports && event.ports[0];
  if (data.type !== "keep") return;
  var files = (data.files || []).map(function (u) { return new URL(u, self.location.href); }).filter(isVersioned);
  var page = data.page ? new URL(data.page, self.location.href) : null;
  var wanted = {};
  files.forEach(function (u) { wanted[u.href] = true; });
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    var jobs = files.map(function (u) {
      return cache.match(u.href).then(function (hit) {
        return hit || fetch(u.href, { credentials: "same-origin" }).then(function (r) {
          if (r.ok) return cache.put(u.href, r);
        });
      });
    });
    if (page && isPage(page)) {
      jobs.push(cache.match(pageKey(page)).then(function (hit) {
        return hit || fetch(pageKey(page), { credentials: "same-origin" }).then(function (r) {
          if (keepable(r)) return cache.put(pageKey(page), r);
        });
      }));
    }
    return Promise.all(jobs).then(function () { return cache.keys(); }).then(function (keys) {
      if (!files.length) return;
      return Promise.all(keys.filter(function (req) {
        var u = new URL(req.url);
        return isVersioned(u) && !wanted[u.href];
      }).map(function (req) { return cache.delete(req); }));
    });
  }).then(function () { if (port) port.postMessage({ ok: true }); },
    function (e) { if (port) port.postMessage({ ok: false, error: String(e) }); }));
});

"""The phone page's service worker (``/j/sw.js``, static/js/sw.js): how it is served, and that
what it keeps (the phone page and its versioned files) carries nothing personal."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests import builders
from tests.support import unavailable
from workshop.services.live import tokens

SW_SOURCE = Path(__file__).parents[2] / "static" / "js" / "sw.js"

#: Runs sw.js under Node with a fake worker scope (fetch, caches, clients): argv[3] lists
#: requests ``[method, mode, path]``; prints which ones the worker answers, then what it keeps
#: once a page asks it to keep its files.
HARNESS = r"""
const fs = require("fs"), vm = require("vm");
const source = fs.readFileSync(process.argv[2], "utf8");
const origin = "https://atelier.example";
const listeners = {};
const store = new Map();
const fetched = [];
function response(url, type) {
  return { ok: true, type: "basic", redirected: false, url, headers: { get: () => type },
    clone() { return this; } };
}
const cache = {
  put: async (key, r) => { store.set(typeof key === "string" ? key : key.url, r); },
  match: async (key) => store.get(typeof key === "string" ? key : key.url),
  keys: async () => [...store.keys()].map((url) => ({ url })),
  delete: async (req) => store.delete(req.url),
};
const scope = {
  location: new URL(origin + "/j/sw.js"),
  registration: { scope: origin + "/j/" },
  clients: { claim: async () => {} },
  skipWaiting() {},
  addEventListener: (name, fn) => { listeners[name] = fn; },
  caches: { open: async () => cache, keys: async () => [], delete: async () => true,
    match: (k) => cache.match(k) },
  fetch: async (req) => {
    const url = typeof req === "string" ? req : req.url;
    fetched.push(url);
    return response(url, url.includes("/static/") ? "text/javascript" : "text/html; charset=utf-8");
  },
  URL, Promise, console,
};
scope.self = scope;
vm.createContext(scope);
vm.runInContext(source, scope);
async function main() {
  const cases = JSON.parse(process.argv[3]);
  const answered = {};
  for (const [method, mode, path] of cases) {
    let waited = null;
    const event = { request: { method, mode, url: origin + path },
      respondWith: (p) => { waited = p; } };
    listeners.fetch(event);
    answered[method + " " + path] = !!waited;
    if (waited) await waited;
  }
  let done = null;
  listeners.message({ data: { type: "keep", page: origin + "/j/ABC123",
    files: [origin + "/static/js/phone.js?v=1", origin + "/static/js/sw.js",
            origin + "/host/ABC123"] },
    ports: [{ postMessage: (m) => { done = m; } }], waitUntil: (p) => p });
  await new Promise((r) => setTimeout(r, 50));
  console.log(JSON.stringify({ answered, cached: [...store.keys()].sort(), reply: done }));
}
main();
"""


@pytest.fixture
def session(app):
    return builders.gen_session()


def test_service_worker_is_served_as_javascript_never_stale(client):
    response = client.get("/j/sw.js")
    body = response.get_data()
    response.close()  # the file it streams
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    assert body == SW_SOURCE.read_bytes()
    # Its default scope, /j/ (the participant pages only), is what it registers: no widening.
    assert "Service-Worker-Allowed" not in response.headers
    # Same-origin script: the policy's script-src 'self' (worker-src falls back to it) allows it.
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "worker-src" not in policy
    assert "Set-Cookie" not in response.headers


def test_phone_page_registers_the_worker_and_keeps_no_token_in_its_html(client, session):
    """The page the worker keeps names the worker, and holds no participant token: the token
    is in the httponly cookie (and in localStorage once the socket's snapshot gives it)."""
    response = client.get(f"/j/{session.code}")
    html = response.get_data(as_text=True)
    assert 'data-sw="/j/sw.js"' in html
    cookie = response.headers["Set-Cookie"]
    signed = cookie.split(";", 1)[0].split("=", 1)[1]
    token = tokens.unsign(signed)
    assert token
    assert signed not in html
    assert token not in html
    assert "csrf_token" not in html
    # The phone's own settings only: the code and the server's limits.
    config = re.search(r'id="live-config">(.*?)</script>', html, re.S)
    assert config
    assert "token" not in config.group(1)


def test_worker_keeps_only_the_phone_page_and_versioned_files():
    """What sw.js may cache, read from its source: GET only, never /socket.io/, the page by
    network first, versioned static files by cache first."""
    source = SW_SOURCE.read_text("utf-8")
    assert 'if (request.method !== "GET") return;' in source
    assert 'if (url.pathname.indexOf("/socket.io/") >= 0) return;' in source
    assert "var PAGE = /^\\/j\\/[A-Za-z0-9]+$/;" in source
    assert 'url.searchParams.has("v")' in source
    # Nothing else is answered by the worker: the console, projector and admin pages are out
    # of its scope (/j/) and, if loaded from a phone page, passed through.
    assert source.count("event.respondWith(") == 2


def test_worker_answers_and_keeps_only_the_page_and_versioned_files(tmp_path):
    """sw.js run for real (Node, a fake worker scope): it answers the phone page's navigation
    and versioned static files only; it keeps the page and those files, nothing else."""
    node = shutil.which("node")
    if node is None:
        unavailable("Node.js is not installed (apt-get install -y nodejs)")
    harness = tmp_path / "harness.js"
    harness.write_text(HARNESS, "utf-8")
    cases = [
        ["GET", "navigate", "/j/ABC123"],
        ["POST", "navigate", "/j/ABC123"],
        ["GET", "navigate", "/host/ABC123"],
        ["GET", "navigate", "/admin/"],
        ["GET", "no-cors", "/static/js/phone.js?v=1"],
        ["GET", "cors", "/socket.io/?EIO=4&transport=polling"],
        ["POST", "cors", "/socket.io/?EIO=4&transport=polling&sid=x"],
        ["GET", "no-cors", "/static/js/live.js"],
        ["GET", "navigate", "/j/ABC123/qr.svg"],
    ]
    run = subprocess.run(  # noqa: S603 (our own script, no shell)
        [node, str(harness), str(SW_SOURCE), json.dumps(cases)],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    result = json.loads(run.stdout)
    answered = {name for name, yes in result["answered"].items() if yes}
    assert answered == {"GET /j/ABC123", "GET /static/js/phone.js?v=1"}
    origin = "https://atelier.example"
    assert result["cached"] == [f"{origin}/j/ABC123", f"{origin}/static/js/phone.js?v=1"]
    assert result["reply"] == {"ok": True}

"""Gzip of pages and static files, on which the phone page's weight depends (compression.py)."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest

from tests import builders
from workshop.compression import StaticCache

ROOT = Path(__file__).resolve().parent.parent
VENDOR = "/static/vendor/socket.io/socket.io.min.js"
GZIP = {"Accept-Encoding": "gzip, deflate"}  # what browsers send over plain HTTP


def _get(client, url, headers=None):
    """GET ``url`` and read it; static files are streamed, so the response is closed once read."""
    response = client.get(url, headers=headers or {})
    response.get_data()
    response.close()
    return response


@pytest.fixture
def compressions(monkeypatch):
    """Every body gzip.compress is asked to compress."""
    calls = []
    compress = gzip.compress

    def counting(data, *args, **kwargs):
        calls.append(data)
        return compress(data, *args, **kwargs)

    monkeypatch.setattr(gzip, "compress", counting)
    return calls


def test_static_file_is_gzipped_once_per_version_and_revalidates(client, compressions):
    original = (ROOT / VENDOR.lstrip("/")).read_bytes()
    first, second = _get(client, VENDOR, GZIP), _get(client, VENDOR, GZIP)
    for response in (first, second):
        assert response.status_code == 200
        assert response.headers["Content-Encoding"] == "gzip"
        assert "Accept-Encoding" in response.headers["Vary"]
        assert gzip.decompress(response.data) == original
    assert len(second.data) < len(original) / 2
    assert compressions.count(original) == 1  # the second came from the cache
    assert first.data == second.data
    plain = _get(client, VENDOR)
    assert second.headers["ETag"] != plain.headers["ETag"]  # its own validator
    again = _get(client, VENDOR, {**GZIP, "If-None-Match": second.headers["ETag"]})
    assert again.status_code == 304
    assert again.data == b""


def test_versioned_static_file_revalidates_gzipped(client):
    html = _get(client, "/join").get_data(as_text=True)
    (url,) = re.findall(r'href="(/static/css/live\.css\?v=[0-9a-f]{12})"', html)
    served = _get(client, url, GZIP)
    assert served.headers["Content-Encoding"] == "gzip"
    assert "immutable" in served.headers["Cache-Control"]
    again = _get(client, url, {**GZIP, "If-None-Match": served.headers["ETag"]})
    assert again.status_code == 304


def test_no_gzip_when_not_accepted(client):
    chrome_range = {"Accept-Encoding": "identity;q=1, *;q=0"}  # Chrome, with a Range request
    for headers in ({"Accept-Encoding": "identity"}, {}, chrome_range):
        response = _get(client, VENDOR, headers)
        assert "Content-Encoding" not in response.headers, headers
        assert response.data.startswith(b"/*!")
        assert "Accept-Encoding" in response.headers["Vary"]  # caches keep both apart
        page = client.get("/login", headers=headers)
        assert "Content-Encoding" not in page.headers
        assert b"<html" in page.data


def test_pages_are_gzipped_per_request(client, compressions):
    login = client.get("/login", headers=GZIP)
    join = client.get("/join", headers=GZIP)
    for response in (login, join):
        assert response.headers["Content-Encoding"] == "gzip"
        assert "Accept-Encoding" in response.headers["Vary"]
        assert b"<html" in gzip.decompress(response.data)
    assert gzip.decompress(login.data) != gzip.decompress(join.data)  # no page from the cache
    assert len(compressions) == 2


def test_range_requests_are_not_gzipped(client):
    response = _get(client, VENDOR, {**GZIP, "Range": "bytes=0-9999"})
    assert response.status_code == 206
    assert "Content-Encoding" not in response.headers
    assert len(response.data) == 10000


def test_small_bodies_and_binary_types_are_not_gzipped(app, client):
    @app.get("/_test/small")
    def small():
        return "ok", 200, {"Content-Type": "text/plain"}

    @app.get("/_test/image")
    def image():
        return b"\x89PNG" + b"\0" * 4000, 200, {"Content-Type": "image/png"}

    for url in ("/_test/small", "/_test/image"):
        response = client.get(url, headers=GZIP)
        assert response.status_code == 200
        assert "Content-Encoding" not in response.headers, url


def test_phone_page_and_its_files_under_60_kb(client, app):
    session = builders.gen_session()
    page = client.get(f"/j/{session.code}", headers=GZIP)
    assert page.headers["Content-Encoding"] == "gzip"
    urls = re.findall(r'(?:src|href)="(/static/[^"]+)"', gzip.decompress(page.data).decode())
    assert len(urls) >= 4
    total = len(page.data)
    for url in urls:
        served = _get(client, url, GZIP)
        assert served.headers["Content-Encoding"] == "gzip", url
        total += len(served.data)
    assert total < 60 * 1024


def test_static_cache_is_bounded_and_keeps_no_page():
    cache = StaticCache(size=2)
    cache.set("gzip;/static/a.css:1", b"a")
    cache.set("gzip;/static/b.css:1", b"b")
    assert cache.get("gzip;/static/a.css:1") == b"a"  # now the most recently used
    cache.set("gzip;/static/c.css:1", b"c")
    assert cache.get("gzip;/static/b.css:1") is None
    assert cache.get("gzip;/static/a.css:1") == b"a"
    cache.set("gzip;", b"a page")  # pages have no key
    assert cache.get("gzip;") is None

"""Gzip of pages and static files (the phone page's weight depends on it)."""

from __future__ import annotations

import gzip
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENDOR = "/static/vendor/socket.io/socket.io.min.js"


def test_static_file_is_gzipped_once_and_revalidates(client):
    headers = {"Accept-Encoding": "gzip"}
    first = client.get(VENDOR, headers=headers)
    second = client.get(VENDOR, headers=headers)
    for response in (first, second):
        assert response.status_code == 200
        assert response.headers["Content-Encoding"] == "gzip"
        assert "Accept-Encoding" in response.headers["Vary"]
    assert first.data == second.data  # the second came from the cache, identical
    original = (ROOT / "static/vendor/socket.io/socket.io.min.js").read_bytes()
    assert gzip.decompress(second.data) == original
    assert len(second.data) < len(original) / 2
    etag = second.headers["ETag"]
    assert etag.endswith('-gzip"')
    again = client.get(VENDOR, headers={**headers, "If-None-Match": etag})
    assert again.status_code == 304
    for response in (first, second, again):
        response.close()


def test_no_gzip_when_not_accepted(client):
    response = client.get(VENDOR, headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in response.headers
    assert response.data.startswith(b"/*!")
    response.close()


def test_pages_are_gzipped(client):
    response = client.get("/login", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert b"<html" in gzip.decompress(response.data)

"""Static files are named by their content (workshop/static_versions.py)."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from workshop.config import PROJECT_ROOT

CSS = "css/live.css"


def digest(filename):
    return hashlib.sha256((Path(PROJECT_ROOT) / "static" / filename).read_bytes()).hexdigest()[:12]


def test_pages_link_versioned_files_cached_for_a_year(client):
    html = client.get("/join").get_data(as_text=True)
    (url,) = re.findall(r'href="(/static/css/live\.css\?v=[0-9a-f]{12})"', html)
    assert url.endswith(digest(CSS))
    with client.get(url) as response:  # a file response: closed when read
        assert response.status_code == 200
        cache = response.headers["Cache-Control"]
    assert set(cache.replace(" ", "").split(",")) == {"public", "max-age=31536000", "immutable"}


def test_gzipped_versioned_files_keep_their_cache_headers(client):
    url = f"/static/{CSS}?v={digest(CSS)}"
    with client.get(url, headers={"Accept-Encoding": "gzip"}) as response:
        assert response.headers.get("Content-Encoding") == "gzip"
        assert "immutable" in response.headers["Cache-Control"]


def test_unversioned_or_stale_urls_are_not_cached_for_long(client):
    for url in (f"/static/{CSS}", f"/static/{CSS}?v=000000000000"):
        with client.get(url) as response:
            assert response.status_code == 200
            assert "immutable" not in response.headers.get("Cache-Control", "")

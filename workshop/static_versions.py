"""Static files named by their content: ``url_for('static', filename=…)`` gets ``?v=<hash>``.

A phone on a venue's Wi-Fi loads the participant page's CSS, script and the socket.io client.
Without a version in their URLs a browser must ask again each time (a round trip per file,
answered ``304`` by ETag); with one, each file is cached for a year (``immutable``) and a new
release changes its URL. The hash is of the file's bytes, read once per file and modification
time.
"""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from typing import Any

from flask import Flask, Response, request

#: A year: the longest a browser is asked to keep a versioned file.
VERSIONED_MAX_AGE = 365 * 24 * 3600


@lru_cache(maxsize=256)
def _digest(path: str, mtime_ns: int) -> str:
    with open(path, "rb") as fh:
        return hashlib.sha256(fh.read()).hexdigest()[:12]


def version_of(static_folder: str, filename: str) -> str | None:
    """The version of a static file (None when there is no such file)."""
    path = os.path.join(static_folder, filename)
    try:
        mtime_ns = os.stat(path).st_mtime_ns
    except OSError:
        return None
    return _digest(path, mtime_ns)


def init_app(app: Flask) -> None:
    folder = app.static_folder

    @app.url_defaults
    def add_version(endpoint: str, values: dict[str, Any]) -> None:
        if endpoint == "static" and folder and "v" not in values and "filename" in values:
            version = version_of(folder, values["filename"])
            if version:
                values["v"] = version

    @app.after_request
    def cache_versioned(response: Response) -> Response:
        if request.endpoint == "static" and response.status_code == 200 and folder:
            wanted = request.args.get("v")
            filename = (request.view_args or {}).get("filename", "")
            if wanted and wanted == version_of(folder, filename):
                response.cache_control.no_cache = None  # Flask's default for static files
                response.cache_control.public = True
                response.cache_control.max_age = VERSIONED_MAX_AGE
                response.cache_control.immutable = True
        return response

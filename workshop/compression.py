"""Gzip for pages and static assets.

The phone page must stay under 60 KB transferred on a saturated venue Wi-Fi, so every text
response is gzipped for clients that accept it (every browser does). Static files are compressed
once per version (their ETag) and kept in a small in-process cache: two thousand phones loading
the socket.io client cost one compression, not two thousand. The cache is only a cache: it holds
no workshop state and is rebuilt on demand.
"""

from __future__ import annotations

import gzip
from collections import OrderedDict
from threading import Lock

from flask import Flask, Response, request

#: Text types worth compressing; images other than SVG are compressed already.
COMPRESSIBLE = frozenset(
    {
        "text/html",
        "text/css",
        "text/javascript",
        "application/javascript",
        "application/json",
        "image/svg+xml",
    }
)
MIN_SIZE = 500
_CACHE_ENTRIES = 64


class _StaticCache:
    """Compressed bodies of static files by ETag (least recently used out first)."""

    def __init__(self, size: int = _CACHE_ENTRIES) -> None:
        self._data: OrderedDict[str, bytes] = OrderedDict()
        self._size = size
        self._lock = Lock()

    def get(self, key: str) -> bytes | None:
        with self._lock:
            body = self._data.get(key)
            if body is not None:
                self._data.move_to_end(key)
            return body

    def put(self, key: str, body: bytes) -> None:
        with self._lock:
            self._data[key] = body
            self._data.move_to_end(key)
            while len(self._data) > self._size:
                self._data.popitem(last=False)


def init_app(app: Flask) -> None:
    cache = _StaticCache()

    @app.after_request
    def gzip_response(response: Response) -> Response:
        """Compress; the ETag gets a ``-gzip`` suffix and conditional requests still end in 304."""
        if (
            response.status_code != 200
            or response.mimetype not in COMPRESSIBLE
            or "Content-Encoding" in response.headers
            or (response.is_streamed and not response.direct_passthrough)
        ):
            return response
        response.vary.add("Accept-Encoding")
        if request.method != "GET" or not request.accept_encodings["gzip"]:
            return response
        if response.content_length is not None and response.content_length < MIN_SIZE:
            return response
        etag, weak = response.get_etag()
        static = response.direct_passthrough and etag
        body = cache.get(f"{request.path}:{etag}") if static else None
        if body is None:
            response.direct_passthrough = False
            data = response.get_data()
            if len(data) < MIN_SIZE:
                return response
            body = gzip.compress(data, compresslevel=6, mtime=0)
            if static:
                cache.put(f"{request.path}:{etag}", body)
        else:
            # Served from the cache: release the file the static view opened.
            close = getattr(response.response, "close", None)
            if close is not None:
                close()
            response.direct_passthrough = False
        response.set_data(body)
        response.headers["Content-Encoding"] = "gzip"
        response.headers.pop("Accept-Ranges", None)
        if etag:
            response.set_etag(f"{etag}-gzip", weak=weak)
            response.make_conditional(request)
        return response

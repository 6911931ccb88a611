"""Gzip for pages and static files: Flask-Compress, with static files compressed once per version.

The phone page must stay under 60 KB transferred on a saturated venue Wi-Fi, so every text
response is gzipped for clients that accept it (``Vary: Accept-Encoding``; the ETag gets a
``:gzip`` suffix and conditional requests still end in ``304``). Flask-Compress does the
negotiation, headers and conditional requests; this module adds what it lacks for two thousand
phones loading the socket.io client at once: a compression per file version, not per request.

Flask-Compress 1.25 as it comes compresses ``send_file`` responses (every static file) as streams,
on every request, without its cache, with the streaming algorithms only (zstd, br, deflate: no
gzip) and leaves each file for the garbage collector to close. Its cache backend serves only
buffered bodies, and it asks it about every response, pages included, under a key computed from
the request alone. So:

- static files (``endpoint == "static"``, a compressible type, a 200) are read into memory before
  Flask-Compress sees them (closed with the response), under the key *path + ETag* (Flask's ETag
  changes with the file), and :class:`StaticCache` keeps their compressed bodies;
- every other response gets the empty key, which :class:`StaticCache` neither looks up nor keeps:
  pages are compressed per request (a cache keyed by URL, as Flask-Compress's README shows, would
  serve one participant's page to another);
- ``COMPRESS_ALGORITHM = ["gzip"]`` and ``COMPRESS_STREAMS = False`` (``config.Defaults``).

Measured on 2 cores (December 2026) with the Flask test client, then a gevent server on
loopback. A phone's first load is ``/j/<CODE>`` of the demo programme and the 5 files it links,
115,234 B uncompressed. "HTTP" is what browsers send over plain HTTP (``gzip, deflate``),
"HTTPS" what Chrome sends over TLS (``gzip, deflate, br, zstd``). CPU per phone: test client,
best of 7 interleaved batches of 100 requests per URL; 2,000 phones: 200 at a time, server CPU
seconds from ``/proc``, range over 2-5 runs. HTTP unless the row says HTTPS (with gzip alone,
both get the same bytes).

=================================  ==========  ============  ============  ==================
variant                            bytes,      CPU µs per    2,000 phones  notes
                                   one phone   phone         server CPU s
=================================  ==========  ============  ============  ==================
no compression                     115,234     3,339         9.1-11.2
former hand-written hook (gzip-6,  34,799      3,685         9.0-12.1
LRU of static bodies by ETag)
Flask-Compress as it comes, HTTP   34,738      6,283         17.8          static deflated on
                                                                           each request
Flask-Compress as it comes, HTTPS  37,467      4,378         11.9-12.8     zstd-3: +7.7 % B
this module                        34,798      3,781         10.8-12.5
=================================  ==========  ============  ============  ==================

This module costs ~20 µs more per static file than the former hook (it reads the file again on
a cache hit): ~0.1 ms per phone, less than the spread between runs of 2,000 phones. Compressing
the five static files once costs 1,990 µs at gzip-6 (the socket.io client 1,050 µs) for
32,547 B; zstd-3 380 µs for 35,087 B; brotli-4 1,400 µs for 33,728 B: gzip-6 sends the fewest
bytes, and the cache pays its cost once per version.
"""

from __future__ import annotations

from flask import Flask, Request, Response, request
from flask_compress import Compress

from .caching import LRUCache

_CACHE_ENTRIES = 64
_KEY = "workshop.compress_key"  # in the WSGI environ: one request's cache key


class StaticCache:
    """Flask-Compress's cache backend: compressed static files, least recently used out first.

    Keys are ``"<algorithm>;<path>:<etag>"``; a key with nothing after ``;`` (a page) is
    neither looked up nor kept.
    """

    def __init__(self, size: int = _CACHE_ENTRIES) -> None:
        self._lru = LRUCache(size)

    def get(self, key: str) -> bytes | None:
        return None if key.endswith(";") else self._lru.get(key)

    def set(self, key: str, value: bytes) -> None:
        if not key.endswith(";"):
            self._lru.put(key, value)

    def __len__(self) -> int:
        return len(self._lru)


def cache_key(req: Request) -> str:
    """Flask-Compress's ``COMPRESS_CACHE_KEY``: path and ETag of a static file, else ``""``."""
    return req.environ.get(_KEY, "")


def init_app(app: Flask) -> Compress:
    app.config["COMPRESS_CACHE_BACKEND"] = StaticCache
    app.config["COMPRESS_CACHE_KEY"] = cache_key
    compress = Compress(app)
    compressible = compress.compress_mimetypes_set

    @app.after_request  # registered after Flask-Compress's hook: runs before it
    def buffer_static_file(response: Response) -> Response:
        """Read a static file into memory so that Flask-Compress compresses it through the cache."""
        if (
            request.endpoint == "static"
            and response.status_code == 200
            and response.is_streamed
            and response.mimetype in compressible
        ):
            etag, _ = response.get_etag()
            if etag:
                response.direct_passthrough = False
                response.make_sequence()  # the file is closed with the response
                request.environ[_KEY] = f"{request.path}:{etag}"
        return response

    return compress

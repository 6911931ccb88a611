"""Process settings for a live server under load.

The garbage collector: with thousands of sockets, greenlets and their buffers the heap holds
millions of objects, and CPython's default thresholds (700, 10, 10) run a full collection every
few seconds under load. It walks the whole heap while the gevent hub waits: measured at 2,000
phones, 24 % of the samples in ``gc_collect_main`` and a paced ack p99 of 430–495 ms (268 ms
with the thresholds below; burst 2,700 → 3,650 answers/s). :func:`tune_gc` raises the
thresholds and freezes what exists at that point (modules, mappers, the app: never garbage), so
collections are rarer and walk less. Cycles are still collected, later. ``workshop serve``
(workshop/commands.py) calls it once, under gevent, just before the server starts: nothing
per-connection exists yet, so nothing that will become garbage is frozen.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")

#: Allocations between two young collections, and the two older generations' multipliers.
GC_THRESHOLDS = (50_000, 20, 100)

_tuned = False


def tune_gc() -> None:
    """Raise the collector's thresholds and freeze the objects alive now (once per process)."""
    global _tuned
    if _tuned:
        return
    _tuned = True
    gc.freeze()  # no collect() first: that would walk the heap once, under load
    gc.set_threshold(*GC_THRESHOLDS)


def off_the_hub(fn: Callable[..., T], *args: Any) -> T:
    """Run a CPU-bound call that releases the GIL (a password hash: ``hashlib.scrypt``) in
    gevent's thread pool under ``workshop serve``, so the hub keeps serving the room meanwhile;
    a plain call elsewhere. Measured: a facilitator's login held every socket of the process
    for more than 40 ms (gevent's blocking monitor), the scrypt hash of the password check."""
    try:
        from gevent import get_hub, monkey
    except ImportError:  # pragma: no cover - gevent is a dependency
        return fn(*args)
    if not monkey.is_module_patched("socket"):
        return fn(*args)
    return get_hub().threadpool.apply(fn, args)

"""Does psycopg wait cooperatively under gevent? Run as a script (it monkey-patches first, like
``workshop serve``): prints JSON with the implementation, the wait function, and how many 10 ms
ticks another greenlet got while a query slept 0.5 s in PostgreSQL (about 50: cooperative; 0 to
1: the query blocked the hub)."""

from gevent import monkey

monkey.patch_all()

import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import gevent  # noqa: E402
import psycopg  # noqa: E402
from psycopg import waiting  # noqa: E402


def main(dsn: str, seconds: float = 0.5) -> dict:
    ticks = 0

    def ticker() -> None:
        nonlocal ticks
        while True:
            gevent.sleep(0.01)
            ticks += 1

    with psycopg.connect(dsn) as conn:
        runner = gevent.spawn(ticker)
        gevent.sleep(0.05)
        ticks = 0
        started = time.perf_counter()
        conn.execute("SELECT pg_sleep(%s)", (seconds,))
        elapsed = time.perf_counter() - started
        runner.kill()
    return {
        "psycopg": psycopg.__version__,
        "impl": psycopg.pq.__impl__,
        "wait": waiting.wait.__name__,
        "query_s": round(elapsed, 3),
        "ticks": ticks,
        "expected_ticks": int(seconds / 0.01),
    }


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1])))

"""Process settings of a live server (workshop/services/live/runtime.py)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from workshop.runtime import off_the_hub

UNDER_GEVENT = textwrap.dedent(
    """
    from gevent import monkey
    monkey.patch_all()
    import gevent
    from werkzeug.security import check_password_hash, generate_password_hash
    from workshop.runtime import off_the_hub

    stored = generate_password_hash("correct horse")
    ticks = []

    def ticker():
        while True:
            ticks.append(1)
            gevent.sleep(0.001)

    gevent.spawn(ticker)
    gevent.sleep(0.01)
    before = len(ticks)
    assert off_the_hub(check_password_hash, stored, "correct horse") is True
    assert off_the_hub(check_password_hash, stored, "wrong") is False
    print(len(ticks) - before)
    """
)


def test_outside_gevent_it_is_a_plain_call():
    assert off_the_hub(divmod, 7, 2) == (3, 1)


def test_under_gevent_the_hub_keeps_running_during_a_password_check():
    """Two scrypt checks take tens of milliseconds; other greenlets run meanwhile."""
    done = subprocess.run(
        [sys.executable, "-c", UNDER_GEVENT], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert int(done.stdout.strip()) > 5

"""Every action code the package writes to the activity log has a readable label."""

from __future__ import annotations

import re

from workshop.accounts.activity_labels import ACTION_LABELS, action_label
from workshop.config import PROJECT_ROOT

#: ``activity.record("code"`` or ``activity.record(\\n "code"`` (the conditional ones too).
CODES = re.compile(r'activity\.record\(\s*"([a-z_.]+)"(?:\s+if [^)]*? else\s+"([a-z_.]+)")?')


def test_every_recorded_action_has_a_label():
    found = set()
    for path in (PROJECT_ROOT / "workshop").rglob("*.py"):
        for match in CODES.finditer(path.read_text(encoding="utf-8")):
            found.update(code for code in match.groups() if code)
    assert "set.opened" in found
    assert found - ACTION_LABELS.keys() == set()


def test_an_unknown_code_is_shown_as_it_is(app):
    assert action_label("something.new") == "something.new"
    assert action_label("set.opened") == "a ouvert un questionnaire"


def test_times_are_shown_in_brussels(app):
    from datetime import UTC, datetime

    from workshop.accounts.routes import _when

    with app.test_request_context("/"):
        assert "12:00" in _when(datetime(2026, 7, 1, 10, 0, tzinfo=UTC))  # summer: UTC+2
        assert "11:00" in _when(datetime(2026, 12, 1, 10, 0, tzinfo=UTC))
        app.config["BABEL_DEFAULT_TIMEZONE"] = "UTC"
        assert "10:00" in _when(datetime(2026, 12, 1, 10, 0, tzinfo=UTC))

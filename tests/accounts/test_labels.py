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


def test_figures_and_codes_read_as_sentences_in_the_readers_language(app):
    from types import SimpleNamespace

    from flask_babel import refresh

    from workshop.accounts.activity_labels import actor_label, detail_text
    from workshop.services import activity

    def line(action, detail="", actor="anne"):
        return SimpleNamespace(action=action, detail=detail, actor=actor)

    reset = line("session.reset", activity.facts(participants=12, rehearsal=10, answers=180))
    export = line("export", activity.facts(format="docx", identify=True, include_rehearsal=False))
    copied = line("session.copied", activity.facts(source="namur", with_sets=True))
    with app.test_request_context("/", headers={"Accept-Language": "fr"}):
        assert detail_text(reset) == (
            "12 participant(s) effacé(s), dont 10 simulé(s) ; 180 réponse(s)"
        )
        assert detail_text(export) == "format docx, avec les pseudonymes"
        assert detail_text(copied) == "copie de namur, avec ses questions"
        invited = line("account.invited", activity.facts(role="facilitator"))
        assert detail_text(invited) == "Animateur·rice"
        retention = line("privacy.changed", activity.facts(retention_days=None))
        assert detail_text(retention) == "conservation : la durée par défaut"
        # Titles and keys, and the lines written before details had this shape, as they are.
        assert detail_text(line("set.created", "Suivi et évaluation")) == "Suivi et évaluation"
        assert detail_text(line("session.reset", "2 participants (1 rehearsal)")) == (
            "2 participants (1 rehearsal)"
        )
        assert detail_text(line("session.reset", "participants=2")) == "participants=2"
        assert actor_label(line("set.opened", actor="rehearsal")) == (
            "répétition (console simulée)"
        )
        assert actor_label(line("set.opened", actor="")) == "(inconnu)"
    with app.test_request_context("/", headers={"Accept-Language": "nl"}):
        refresh()  # the test's app context keeps the locale it found first
        assert "12" in detail_text(reset)
        assert "effacé" not in detail_text(reset)

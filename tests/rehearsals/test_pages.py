"""The rehearsal page (organisers and the session's facilitators; how many phones) and
``workshop rehearse``'s message when a package it needs is missing."""

from __future__ import annotations

import sys

import pytest

from tests import builders
from workshop.models import Activity


def test_the_rehearsal_page_is_for_organisers_and_the_sessions_facilitators(
    app, client, auth, facilitator, session
):
    auth.login()
    refused = client.get(f"/admin/sessions/{session.slug}/rehearsal")
    assert refused.status_code == 403
    assert "Cet atelier ne vous est pas attribué" in refused.get_data(as_text=True)
    assert client.post(f"/admin/sessions/{session.slug}/rehearsal").status_code == 403
    assert client.get(f"/admin/sessions/{session.slug}/rehearsal.json").status_code == 403
    builders.assign(facilitator, session)
    assert client.get(f"/admin/sessions/{session.slug}/rehearsal").status_code == 200
    assert client.get(f"/admin/sessions/{session.slug}/rehearsal.json").status_code == 200
    auth.logout()
    assert client.get(f"/admin/sessions/{session.slug}/rehearsal").status_code == 302


def test_the_rehearsal_page(app, organiser_login, session):
    page = organiser_login.get(f"/admin/sessions/{session.slug}/rehearsal")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Lancer la répétition" in html
    assert f"/screen/{session.code}" in html
    assert organiser_login.get(f"/admin/sessions/{session.slug}/rehearsal.json").get_json() == {
        "state": "none",
        "running": False,
    }
    assert organiser_login.get("/admin/sessions/nope/rehearsal").status_code == 404


@pytest.mark.parametrize("participants", ["0", "201", "abc", ""])
def test_the_number_of_phones_is_checked(app, organiser_login, session, participants):
    response = organiser_login.post(
        f"/admin/sessions/{session.slug}/rehearsal", data={"participants": participants}
    )
    assert response.status_code == 400
    assert 'aria-describedby="participants-error"' in response.get_data(as_text=True)
    assert Activity.query.filter_by(action="rehearsal.started").count() == 0


def test_rehearse_says_what_is_missing(app, runner, session, monkeypatch):
    monkeypatch.setitem(sys.modules, "aiohttp", None)  # as if not installed: import fails
    result = runner.invoke(args=["rehearse", session.code, "-n", "2"])
    assert result.exit_code == 1
    assert "workshop rehearse needs aiohttp, which is not installed here" in result.output
    assert "pip install -e ." in result.output
    assert "Traceback" not in result.output


def test_the_progress_of_a_rehearsal_reads_in_the_users_language(app):
    from flask_babel import refresh

    from workshop.rehearsals.progress import describe

    with app.test_request_context(headers={"Accept-Language": "fr-BE"}):
        assert describe({"t": 2.25, "event": "joined", "joined": 10, "total": 30}) == (
            "2,2 s — 10 téléphones sur 30 ont rejoint l'atelier."
        )
        closed = describe(
            {"t": 9, "event": "closed", "number": 1, "total": 3, "answers": 57, "late": 2}
        )
        assert closed == (
            "9,0 s — Questionnaire 1/3 fermé : 57 réponse(s). 2 téléphone(s) trop lent(s)."
        )
        # An event of a newer or broken rehearsal shows its name, never an error page.
        assert describe({"t": 1, "event": "opened"}) == "1,0 s — opened"
        assert describe({"event": "later"}) == "0,0 s — later"
    with app.test_request_context(headers={"Accept-Language": "en"}):
        refresh()  # the test's app context keeps the locale it found first
        assert describe({"t": 0.5, "event": "console", "sets": 3}).startswith("0.5 s — ")

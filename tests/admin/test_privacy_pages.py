"""The organiser's participants'-data page of a session and of a programme (docs/privacy.md):
controller, contact and retention with the session files' bounds, the notice phones get, and a
purge now, confirmed. Real SQLite, Flask's test client."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests import builders
from tests.summary.helpers import gen_participant
from workshop.extensions import db
from workshop.models import Participant
from workshop.models.enums import SessionStatus
from workshop.services import activity


@pytest.fixture
def session(app):
    return builders.gen_session()


def page(client, session):
    return client.get(f"/admin/sessions/{session.slug}/privacy")


def test_organisers_only(client, auth, facilitator, session):
    assert page(client, session).status_code in (302, 401)  # not logged in: to the login
    auth.login()
    assert page(client, session).status_code == 403


def test_settings_are_saved_and_shown_to_phones(client, auth, organiser, session):
    auth.login("organiser")
    response = client.post(
        f"/admin/sessions/{session.slug}/privacy",
        data={
            "organiser": "Province de Namur — Service Gouvernance",
            "privacy_contact": "vie.privee@province.namur.be",
            "retention_days": "90",
            "submit": "1",
        },
    )
    assert response.status_code == 302
    db.session.refresh(session)
    assert session.organiser == "Province de Namur — Service Gouvernance"
    assert session.privacy_contact == "vie.privee@province.namur.be"
    assert session.retention_days == 90
    shown = page(client, session).get_data(as_text=True)
    assert "vie.privee@province.namur.be" in shown
    assert "90 jours après l'atelier, jusqu'au" in shown
    phone = client.get(f"/j/{session.code}").get_data(as_text=True)
    assert "Province de Namur — Service Gouvernance" in phone


@pytest.mark.parametrize("days", ["0", "3651", "douze"])
def test_a_retention_out_of_bounds_is_refused(client, auth, organiser, session, days):
    auth.login("organiser")
    response = client.post(
        f"/admin/sessions/{session.slug}/privacy",
        data={"organiser": "X", "privacy_contact": "", "retention_days": days, "submit": "1"},
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'id="retention_days-error"' in html
    assert 'aria-invalid="true"' in html
    db.session.refresh(session)
    assert session.retention_days is None
    assert session.organiser != "X"


def test_the_programme_page_sets_the_defaults_of_its_sessions(client, auth, organiser, session):
    programme = builders.gen_programme()
    session.programme = programme
    db.session.commit()
    auth.login("organiser")
    assert "Données personnelles" in client.get("/admin/").get_data(as_text=True)
    response = client.post(
        f"/admin/programmes/{programme.slug}/privacy",
        data={"organiser": "", "privacy_contact": "dpo@example.be", "retention_days": "30",
              "submit": "1"},
    )  # fmt: skip
    assert response.status_code == 302
    phone = client.get(f"/j/{session.code}").get_data(as_text=True)
    assert "dpo@example.be" in phone


def test_purge_now_needs_a_confirmation_and_an_ended_session(client, auth, organiser, session):
    gen_participant(session, pseudonym="Marie")
    auth.login("organiser")
    url = f"/admin/sessions/{session.slug}/privacy"
    unconfirmed = client.post(url, data={"purge-submit": "1"})
    assert unconfirmed.status_code == 400
    assert "Cochez la case pour confirmer." in unconfirmed.get_data(as_text=True)
    session.status = SessionStatus.LIVE
    db.session.commit()
    live = client.post(url, data={"purge-confirm": "y", "purge-submit": "1"})
    assert live.status_code == 400
    assert "terminez-le" in live.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Participant.id))) == 1

    session.status = SessionStatus.ENDED
    db.session.commit()
    done = client.post(url, data={"purge-confirm": "y", "purge-submit": "1"})
    assert done.status_code == 302
    assert db.session.scalar(select(func.count(Participant.id))) == 0
    after = page(client, session).get_data(as_text=True)
    assert "ont été effacées le" in after
    summary = client.get(f"/summary/{session.code}").get_data(as_text=True)
    assert "seuls les chiffres agrégés et les conclusions sont gardés" in summary
    assert "Rédiger les conclusions" not in summary
    [line] = activity.entries(session_id=session.id, limit=1)
    assert (line.action, line.actor) == ("session.purged", "organiser")
    assert line.detail == "participants=1 answers=0"

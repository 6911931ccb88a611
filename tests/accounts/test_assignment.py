"""A facilitator drives the sessions assigned to them, and sees their summaries, only; an
organiser drives them all. The console, the summary, its exports and the console's socket say
so when refused. The console's actions are written to the activity log under its account."""

from __future__ import annotations

from html import unescape

import pytest
from sqlalchemy import select

from tests import builders
from tests.live.test_events import connect_error
from workshop.extensions import db
from workshop.models import Activity
from workshop.models.live import LiveConnection
from workshop.services import conclusions as conclusion_service

REFUSAL = "Cet atelier ne vous est pas attribué : demandez à un organisateur de vous l'attribuer."
PAGES = ("/host/{}", "/summary/{}", "/summary/{}.json", "/summary/{}/export.csv")


@pytest.fixture
def session(app):
    return builders.gen_session()


@pytest.mark.parametrize("path", PAGES)
def test_an_unassigned_facilitator_is_refused(client, auth, facilitator, session, path):
    auth.login()
    response = client.get(path.format(session.code))
    assert response.status_code == 403
    assert REFUSAL in unescape(response.get_data(as_text=True))


@pytest.mark.parametrize("path", PAGES)
def test_an_assigned_facilitator_and_an_organiser_pass(
    app, client, auth, facilitator, organiser, session, path
):
    from flask import g

    builders.assign(facilitator, session)
    auth.login()
    assert client.get(path.format(session.code)).status_code == 200
    other = builders.gen_session(with_sets=False)
    auth.logout()
    g.pop("_login_user", None)
    auth.login("organiser")
    g.pop("_login_user", None)
    assert client.get(path.format(other.code)).status_code == 200


def test_an_unknown_code_is_still_not_found(client, auth, facilitator):
    auth.login()
    assert client.get("/host/ZZZZZZ").status_code == 404


def test_the_console_socket_checks_the_assignment(app, client, auth, facilitator, session, sockets):
    auth.login()
    data = connect_error(app, {"code": session.code, "role": "console"}, flask_client=client)
    assert data["code"] == "not_assigned"
    assert data["message"] == REFUSAL
    assert db.session.query(LiveConnection).count() == 0
    phone = sockets(session.code)  # phones are not concerned
    assert phone.is_connected()
    builders.assign(facilitator, session)
    console = sockets(session.code, "console", flask_client=client)
    assert console.is_connected()


def test_an_organiser_console_needs_no_assignment(app, client, auth, organiser, session, sockets):
    auth.login("organiser")
    assert sockets(session.code, "console", flask_client=client).is_connected()


def _log(session):
    db.session.expire_all()
    rows = db.session.scalars(
        select(Activity).where(Activity.session_id == session.id).order_by(Activity.id)
    )
    return [(a.user_id, a.actor, a.action, a.detail) for a in rows]


@pytest.mark.usefixtures("push_at_once")
def test_the_console_actions_are_logged_under_its_account(console, session, facilitator):
    qset = session.question_sets[0]
    conclusion = conclusion_service.save_conclusion(session, text="Associer les communes.")

    def send(event, payload=None):
        ack = console.emit(event, payload or {}, callback=True)
        assert ack["ok"], ack
        return ack

    send("agenda_next")
    send("set_open", {"set_id": qset.id})
    send("set_open", {"set_id": qset.id})  # unchanged: no line
    send("set_reveal", {"set_id": qset.id, "revealed": True})
    send("set_focus", {"set_id": qset.id, "question_id": qset.questions[0].id})
    send("set_reveal", {"set_id": qset.id, "revealed": False})
    send("set_close", {"set_id": qset.id})
    send("agenda_goto", {"position": 2})
    send("conclusion_put", {"conclusion_id": conclusion.id})
    send("conclusion_reveal", {"conclusion_id": conclusion.id, "revealed": True})
    send("conclusion_close", {"conclusion_id": conclusion.id})
    send("conclusion_close", {"conclusion_id": conclusion.id})  # unchanged: no line
    log = _log(session)
    assert {(user_id, actor) for user_id, actor, _, _ in log} == {(facilitator.id, "facilitator")}
    assert [action for _, _, action, _ in log] == [
        "agenda.started",
        "set.opened",
        "set.revealed",
        "set.focused",
        "set.hidden",
        "set.closed",
        "agenda.started",
        "conclusion.put",
        "conclusion.revealed",
        "conclusion.closed",
    ]
    assert log[0][3] == "1. Welcome"
    assert log[3][3].endswith("· Q1")


def test_the_log_page_names_the_console_actions(
    app, client, auth, console, session, organiser, facilitator
):
    from flask import g

    console.emit("set_open", {"set_id": session.question_sets[0].id}, callback=True)
    auth.logout()
    g.pop("_login_user", None)
    auth.login("organiser")
    g.pop("_login_user", None)
    html = unescape(client.get(f"/admin/sessions/{session.slug}/activity").get_data(as_text=True))
    assert "a ouvert un questionnaire" in html
    assert "facilitator" in html


def test_an_organiser_only_refusal_names_the_role(client, auth, facilitator, session):
    builders.assign(facilitator, session)
    auth.login()
    response = client.get(f"/summary/{session.code}/export.csv?identify=1")
    assert response.status_code == 403
    assert "réservée aux organisateurs" in unescape(response.get_data(as_text=True))


def test_a_temporary_password_opens_no_console(app, client, auth, organiser, session):
    organiser.must_change_password = True
    db.session.commit()
    auth.login("organiser")
    data = connect_error(app, {"code": session.code, "role": "console"}, flask_client=client)
    assert data["code"] == "forbidden"

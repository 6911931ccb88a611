"""The session pages end to end through the test client: copy, archive, delete with its
confirmation, the moves as keyboard buttons, and CSRF on every change."""

from __future__ import annotations

import re
from html import unescape

from sqlalchemy import func, select

from tests import builders
from tests.sessions_files.helpers import NAMUR
from workshop.extensions import db
from workshop.models import Activity, Session
from workshop.models.enums import SessionStatus


def _namur() -> Session:
    return db.session.scalar(select(Session).where(Session.slug == NAMUR))


def test_copy_from_the_page_with_its_sets(organiser_client, seed):
    source = _namur()
    response = organiser_client.post(
        f"/admin/sessions/{NAMUR}/copy",
        data={"title": "Contractualisation, deuxième édition", "with_sets": "y"},
    )
    assert response.status_code == 302
    copy = db.session.scalar(
        select(Session).where(Session.title == "Contractualisation, deuxième édition")
    )
    assert copy.slug == "contractualisation-deuxieme-edition"
    assert copy.code != source.code
    assert [s.key for s in copy.question_sets] == [s.key for s in source.question_sets]
    assert copy.theme is source.theme


def test_an_archived_session_leaves_the_list_and_stays_reachable(organiser_client, seed):
    response = organiser_client.post(f"/admin/sessions/{NAMUR}/archive", data={"archived": "1"})
    assert response.status_code == 302
    assert _namur().archived
    listed = organiser_client.get("/admin/").get_data(as_text=True)
    assert f"/admin/sessions/{NAMUR}/edit" not in listed
    archived = organiser_client.get("/admin/sessions/archived").get_data(as_text=True)
    assert f"/admin/sessions/{NAMUR}/edit" in archived
    assert organiser_client.get(f"/admin/sessions/{NAMUR}/edit").status_code == 200
    organiser_client.post(f"/admin/sessions/{NAMUR}/archive", data={"archived": "0"})
    assert not _namur().archived


def _confirmation_errors(response) -> str:
    html = unescape(response.get_data(as_text=True))
    assert 'aria-invalid="true"' in html
    return html.split('<div id="confirmation-error">', 1)[1].split("</div>", 1)[0]


def test_delete_needs_the_title_or_code_and_a_session_not_live(organiser_client, seed):
    session = _namur()
    url = f"/admin/sessions/{NAMUR}/delete"
    wrong = organiser_client.post(url, data={"confirmation": "oui"})
    assert wrong.status_code == 400
    assert "Tapez le titre ou le code" in _confirmation_errors(wrong)
    session.status = SessionStatus.LIVE
    db.session.commit()
    live = organiser_client.post(url, data={"confirmation": session.code})
    assert live.status_code == 400
    assert "L'atelier est en cours" in _confirmation_errors(live)
    session.status = SessionStatus.ENDED
    db.session.commit()
    done = organiser_client.post(url, data={"confirmation": session.title})
    assert done.status_code == 302
    assert _namur() is None
    assert (
        db.session.scalar(select(Activity.action).order_by(Activity.id.desc()).limit(1))
        == "session.deleted"
    )


def test_moves_are_real_buttons(organiser_client, seed):
    html = organiser_client.get(f"/admin/sessions/{NAMUR}/edit").get_data(as_text=True)
    assert html.count('<button type="submit" name="direction" value="up"') >= 3
    assert "draggable" not in html
    session = _namur()
    first, second = session.agenda[0], session.agenda[1]
    organiser_client.post(
        f"/admin/sessions/{NAMUR}/agenda/{first.id}/move", data={"direction": "down"}
    )
    db.session.expire_all()
    assert [i.id for i in _namur().agenda][:2] == [second.id, first.id]


def test_every_change_needs_its_csrf_token(client, csrf_app, organiser):
    session = builders.gen_session(slug="jeton")
    login = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login)[1]
    client.post(
        "/login", data={"username": "organiser", "password": "correct horse", "csrf_token": token}
    )
    before = db.session.scalar(select(func.count()).select_from(Activity))
    item = session.agenda[0]
    for path, data in [
        ("/admin/sessions/new", {"title": "Sans jeton"}),
        (f"/admin/sessions/{session.slug}/archive", {"archived": "1"}),
        (f"/admin/sessions/{session.slug}/delete", {"confirmation": session.title}),
        (f"/admin/sessions/{session.slug}/agenda/{item.id}/move", {"direction": "down"}),
    ]:
        response = client.post(path, data=data)
        assert response.status_code in (302, 400), path
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Activity)) == before
    assert db.session.scalar(select(Session).where(Session.title == "Sans jeton")) is None
    assert not db.session.get(Session, session.id).archived

"""The authoring pages: organisers only, every page renders, links from /admin/."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests import builders
from tests.sessions_files.helpers import NAMUR
from workshop.extensions import db
from workshop.models import Session


def _pages(session):
    qset = session.question_sets[0]
    item = session.agenda[0]
    speaker = session.speakers[0]
    question = qset.questions[0]
    base = f"/admin/sessions/{session.slug}"
    programme = session.programme.slug if session.programme else None
    pages = [
        "/admin/sessions/new",
        "/admin/sessions/archived",
        "/admin/programmes/new",
        f"{base}/edit",
        f"{base}/copy",
        f"{base}/delete",
        f"{base}/speakers/new",
        f"{base}/speakers/{speaker.id}",
        f"{base}/agenda/new",
        f"{base}/agenda/{item.id}",
        f"{base}/sets/new",
        f"{base}/sets/{qset.id}",
        f"{base}/sets/{qset.id}/questions/new",
        f"{base}/sets/{qset.id}/questions/{question.id}",
        f"{base}/sets/{qset.id}/preview/phone",
        f"{base}/sets/{qset.id}/preview/screen",
    ]
    if programme:
        pages += [f"/admin/programmes/{programme}"]
        pages += [f"/admin/programmes/{programme}/themes/{session.programme.themes[0].id}"]
    return pages


def _namur():
    return db.session.scalar(select(Session).where(Session.slug == NAMUR))


def test_every_page_renders_for_an_organiser(organiser_client, seed):
    for page in _pages(_namur()):
        response = organiser_client.get(page)
        assert response.status_code == 200, page
        html = response.get_data(as_text=True)
        assert "css/authoring.css" in html, page


def test_a_facilitator_gets_403_everywhere(client, auth, facilitator, seed):
    auth.login("facilitator")
    session = _namur()
    for page in _pages(session):
        assert client.get(page).status_code == 403, page
    assert client.post(f"/admin/sessions/{session.slug}/archive").status_code == 403
    assert client.post("/admin/sessions/new", data={"title": "x"}).status_code == 403
    assert db.session.scalar(select(Session).where(Session.title == "x")) is None


def test_an_anonymous_visitor_is_sent_to_the_login(client, seed):
    response = client.get(f"/admin/sessions/{NAMUR}/edit")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_admin_links_to_the_forms(organiser_client, seed):
    html = organiser_client.get("/admin/").get_data(as_text=True)
    assert 'href="/admin/sessions/new"' in html
    assert 'href="/admin/programmes/new"' in html
    assert f'href="/admin/sessions/{NAMUR}/edit"' in html
    assert "Charger des fichiers de session" in html
    assert "Données personnelles" in html


@pytest.mark.usefixtures("seed")
def test_every_input_has_a_label(organiser_client):
    import re

    for page in _pages(_namur()):
        html = organiser_client.get(page).get_data(as_text=True)
        for match in re.finditer(r"<(input|select|textarea)\b([^>]*)>", html):
            attrs = match[2]
            if 'type="hidden"' in attrs:
                continue
            ident = re.search(r'\bid="([^"]+)"', attrs)
            assert ident, (page, match[0])
            assert f'for="{ident[1]}"' in html, (page, match[0])


def test_an_unknown_session_is_404(organiser_client):
    assert organiser_client.get("/admin/sessions/nope/edit").status_code == 404


def test_a_part_of_another_session_is_404(organiser_client, seed):
    other = builders.gen_session(slug="autre")
    qset = other.question_sets[0]
    assert organiser_client.get(f"/admin/sessions/{NAMUR}/sets/{qset.id}").status_code == 404


@pytest.mark.parametrize("ident", ["9223372036854775808", "99999999999999999999999"])
def test_an_id_the_database_cannot_hold_is_404(organiser_client, seed, ident):
    base = f"/admin/sessions/{NAMUR}"
    for page in (f"{base}/agenda/{ident}", f"{base}/speakers/{ident}", f"{base}/sets/{ident}"):
        assert organiser_client.get(page).status_code == 404, page
    assert organiser_client.get(f"/admin/sessions/new?programme={ident}").status_code == 200

"""Public programme pages."""

from __future__ import annotations

from tests import builders
from workshop.extensions import db


def _programme_with_session():
    programme = builders.gen_programme(
        slug="gouvernance", title="Cycle de la gouvernance", organiser="Province de Namur"
    )
    theme = builders.gen_theme(programme, "Mobiliser acteurs et citoyens")
    session = builders.gen_session(slug="namur", programme=programme, theme=theme)
    return programme, session


def test_index_lists_programmes_themes_sessions(client):
    programme, session = _programme_with_session()
    html = client.get("/").get_data(as_text=True)
    assert "Cycle de la gouvernance" in html
    assert "Thème 1 · Mobiliser acteurs et citoyens" in html
    assert "Contractualisation et partenariat" in html
    assert "3 décembre 2008" in html
    assert "Province de Namur" in html
    assert 'href="/s/namur"' in html


def test_index_empty(client):
    html = client.get("/").get_data(as_text=True)
    assert "Aucun programme" in html


def test_session_page_shows_agenda_speakers_sets(client):
    _, session = _programme_with_session()
    html = client.get("/s/namur").get_data(as_text=True)
    assert "Ordre du jour" in html
    assert "Témoignage" in html  # agenda kind label
    assert "Intervenants" in html
    assert "Élaboration du partenariat" in html  # set title
    assert "Choix unique" in html
    assert "Oui / non" in html
    assert f"/j/{session.code}" in html


def test_session_page_escapes_text(client):
    _, session = _programme_with_session()
    session.agenda[0].text = "<script>alert(1)</script>"
    db.session.commit()
    html = client.get("/s/namur").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


def test_programme_page(client):
    programme, _ = _programme_with_session()
    programme.description = "La gouvernance est une manière d'exercer le pouvoir."
    db.session.commit()
    html = client.get("/p/gouvernance").get_data(as_text=True)
    assert "Thème du cycle" in html
    assert "exercer le pouvoir" in html


def test_unknown_pages_are_404(client):
    assert client.get("/s/nope").status_code == 404
    response = client.get("/p/nope")
    assert response.status_code == 404
    assert "Cette page n&#39;existe pas" in response.get_data(as_text=True)


def test_archived_sessions_leave_the_public_lists(client):
    programme, session = _programme_with_session()
    loose = builders.gen_session(title="Atelier hors thème", slug="hors-theme")
    session.archived = loose.archived = True
    db.session.commit()
    for url in ("/", f"/p/{programme.slug}"):
        html = client.get(url).get_data(as_text=True)
        assert 'href="/s/namur"' not in html
        assert "Atelier hors thème" not in html
    assert client.get("/s/namur").status_code == 200  # still reachable by its address

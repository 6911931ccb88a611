"""The account pages: organisers only (the refusal says so), invitations (used, expired, bad),
temporary passwords (the next login asks for a new one), deactivation (the account's logins
end), one's own password, assignments, « Mes ateliers », the activity log pages."""

from __future__ import annotations

import datetime as dt
import re
from datetime import timedelta
from html import unescape

import pytest
from sqlalchemy import select

from tests import builders
from workshop.extensions import db
from workshop.models import User
from workshop.services import accounts


def _text(response) -> str:
    return unescape(response.get_data(as_text=True))


def _user(username) -> User:
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.username == username))


def _invite(client, username="anne", role="facilitator"):
    response = client.post(
        "/admin/accounts", data={"username": username, "role": role, "method": "invitation"}
    )
    assert response.status_code == 200
    link = re.search(
        r'value="(http://localhost/invitation/[^"]+)"', response.get_data(as_text=True)
    )
    return response, link.group(1).removeprefix("http://localhost")


# --- who may open them --------------------------------------------------------------------------


def test_accounts_are_for_organisers(client, login, organiser, facilitator, fresh):
    assert "/login" in client.get("/admin/accounts").headers["Location"]
    login("facilitator")
    refused = client.get("/admin/accounts")
    assert refused.status_code == 403
    assert "réservée aux organisateurs" in _text(refused)
    fresh()
    assert "réservée aux organisateurs" in _text(client.get("/admin/"))
    login("organiser")
    page = client.get("/admin/accounts")
    assert page.status_code == 200
    html = _text(page)
    assert "facilitator" in html
    assert "Aucun e-mail" in html
    assert '<label for="username">' in html


def test_nav_links(client, login, organiser, facilitator, fresh):
    login("facilitator")
    html = _text(client.get("/"))
    assert 'href="/mes-ateliers"' in html
    assert 'href="/admin/accounts"' not in html
    login("organiser")
    assert 'href="/admin/accounts"' in _text(client.get("/"))


# --- invitations --------------------------------------------------------------------------------


def test_invitation_flow(client, login, organiser, fresh):
    login("organiser")
    response, link = _invite(client)
    html = _text(response)
    assert "une seule fois" in html
    assert response.headers["Cache-Control"] == "no-store"
    client.post("/logout")
    fresh()
    page = client.get(link)
    assert page.status_code == 200
    assert 'value="anne"' in page.get_data(as_text=True)
    weak = client.post(link, data={"password": "azertyuiop", "confirm": "azertyuiop"})
    assert weak.status_code == 400
    assert 'aria-invalid="true"' in weak.get_data(as_text=True)
    assert "plus courants" in _text(weak)
    assert accounts.is_invited(_user("anne"))
    done = client.post(
        link, data={"password": "un atelier à Namur", "confirm": "un atelier à Namur"}
    )
    assert done.status_code == 302
    assert done.headers["Location"] == "/mes-ateliers"
    fresh()
    assert "anne" in _text(client.get("/mes-ateliers"))
    client.post("/logout")
    fresh()
    used = client.get(link)
    assert used.status_code == 410
    assert "nouveau lien" in _text(used)
    assert client.post(link, data={"password": "x" * 12, "confirm": "x" * 12}).status_code == 410
    assert _user("anne").check_password("un atelier à Namur")


def test_bad_and_expired_invitations(client, login, organiser, monkeypatch):
    login("organiser")
    _, link = _invite(client)
    bad = client.get(link[:-3] + "xyz")
    assert bad.status_code == 404
    assert "n'est pas valable" in _text(bad)
    assert "nouveau lien" in _text(bad)
    monkeypatch.setattr(accounts, "INVITATION_MAX_AGE", timedelta(seconds=-1))
    expired = client.get(link)
    assert expired.status_code == 410
    assert "expiré" in _text(expired)


def test_a_new_link_from_the_account_page(client, login, organiser):
    login("organiser")
    _, first = _invite(client)
    anne = _user("anne")
    response = client.post(f"/admin/accounts/{anne.id}/invitation")
    second = re.search(r'/invitation/[^"]+', response.get_data(as_text=True)).group(0)
    assert client.get(first).status_code == 410
    assert client.get(second).status_code == 200


def test_no_new_link_for_an_account_with_a_password(client, login, organiser, facilitator):
    login("organiser")
    assert "Nouveau lien" not in _text(client.get(f"/admin/accounts/{facilitator.id}"))
    refused = client.post(f"/admin/accounts/{facilitator.id}/invitation", follow_redirects=True)
    assert "réinitialisez plutôt" in _text(refused)
    assert _user("facilitator").check_password("correct horse")


def test_the_invitation_form_has_csrf(csrf_app, client, organiser):
    user, token, _ = accounts.invite("anne", "facilitator", by=organiser)
    response = client.post(
        f"/invitation/{token}",
        data={"password": "un atelier à Namur", "confirm": "un atelier à Namur"},
    )
    assert response.status_code == 400
    assert accounts.is_invited(_user("anne"))


# --- temporary passwords ------------------------------------------------------------------------


def _temporary(client, username="bob", role="facilitator"):
    response = client.post(
        "/admin/accounts", data={"username": username, "role": role, "method": "temporary"}
    )
    assert response.status_code == 200
    return re.search(r'id="secret" value="([^"]+)"', response.get_data(as_text=True)).group(1)


def test_a_temporary_password_must_be_changed(client, login, organiser, fresh):
    login("organiser")
    password = _temporary(client)
    client.post("/logout")
    response = login("bob", password, next="/mes-ateliers")
    assert response.headers["Location"].startswith("/account/password")
    redirected = client.get("/mes-ateliers")
    assert redirected.status_code == 302
    assert redirected.headers["Location"].startswith("/account/password")
    assert client.get("/account/password").status_code == 200
    fresh()
    changed = client.post(
        "/account/password?next=/mes-ateliers",
        data={
            "current": password,
            "password": "un atelier à Namur",
            "confirm": "un atelier à Namur",
        },
    )
    assert changed.status_code == 302
    assert changed.headers["Location"] == "/mes-ateliers"
    fresh()
    assert client.get("/mes-ateliers").status_code == 200  # still logged in, no more redirect
    assert not _user("bob").must_change_password


def test_reset_shows_a_new_temporary_password_once(client, login, organiser, facilitator, fresh):
    login("organiser")
    response = client.post(f"/admin/accounts/{facilitator.id}/reset")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    password = re.search(r'id="secret" value="([^"]+)"', response.get_data(as_text=True)).group(1)
    client.post("/logout")
    assert login("facilitator").status_code == 401
    assert login("facilitator", password).headers["Location"].startswith("/account/password")


# --- deactivation -------------------------------------------------------------------------------


def test_a_deactivated_account_cannot_log_in_and_its_session_ends(
    app, client, login, organiser, facilitator, fresh
):
    login("facilitator")
    assert client.get("/mes-ateliers").status_code == 200
    other = app.test_client()
    fresh()
    other.post("/login", data={"username": "organiser", "password": "correct horse"})
    fresh()
    assert other.post(f"/admin/accounts/{facilitator.id}/deactivate").status_code == 302
    fresh()
    assert "désactivé" in _text(other.get(f"/admin/accounts/{facilitator.id}"))
    fresh()
    assert "/login" in client.get("/mes-ateliers").headers["Location"]  # the login has ended
    assert login("facilitator").status_code == 401
    fresh()
    assert other.post(f"/admin/accounts/{facilitator.id}/reactivate").status_code == 302
    assert login("facilitator").status_code == 302


def test_an_organiser_cannot_deactivate_themselves(client, login, organiser):
    login("organiser")
    response = client.post(f"/admin/accounts/{organiser.id}/deactivate", follow_redirects=True)
    assert "votre propre compte" in _text(response)
    assert _user("organiser").active


# --- forms: every bad value is an error next to its field, nothing changes ----------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"username": "", "role": "facilitator", "method": "invitation"}, "Indiquez un nom"),
        ({"username": "é l", "role": "facilitator", "method": "invitation"}, "De 2 à 80"),
        ({"username": "x" * 81, "role": "facilitator", "method": "invitation"}, "De 2 à 80"),
        ({"username": "facilitator", "role": "facilitator", "method": "temporary"}, "déjà pris"),
        ({"username": "anne", "role": "admin", "method": "invitation"}, "pas un choix valide"),
        ({"username": "anne", "role": "facilitator", "method": "mail"}, "pas un choix valide"),
        ({"username": "anne", "method": "invitation"}, "Choisissez un rôle"),
    ],
)
def test_new_account_form_errors(client, login, organiser, facilitator, data, message):
    login("organiser")
    before = db.session.query(User).count()
    response = client.post("/admin/accounts", data=data)
    assert response.status_code == 400
    html = _text(response)
    assert message in html
    assert 'aria-invalid="true"' in html
    assert db.session.query(User).count() == before


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (
            {"current": "", "password": "un atelier à Namur", "confirm": "un atelier à Namur"},
            "current",
        ),
        (
            {"current": "nope", "password": "un atelier à Namur", "confirm": "un atelier à Namur"},
            "current",
        ),
        ({"current": "correct horse", "password": "short", "confirm": "short"}, "password"),
        (
            {"current": "correct horse", "password": "qwertyuiop", "confirm": "qwertyuiop"},
            "password",
        ),
        (
            {"current": "correct horse", "password": "un atelier à Namur", "confirm": "autre"},
            "confirm",
        ),
    ],
)
def test_change_password_errors(client, login, facilitator, data, field):
    login("facilitator")
    response = client.post("/account/password", data=data)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert re.search(
        rf'id="{field}"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="{field}"', html
    )
    assert f'id="{field}-error"' in html
    assert _user("facilitator").check_password("correct horse")


def test_assignments_form_rejects_unknown_sessions(client, login, organiser, facilitator):
    session = builders.gen_session(with_sets=False)
    login("organiser")
    response = client.post(
        f"/admin/accounts/{facilitator.id}/assignments", data={"sessions": ["99999"]}
    )
    assert response.status_code == 400
    assert 'id="sessions-error"' in response.get_data(as_text=True)
    assert accounts.assigned_session_ids(facilitator) == set()
    ok = client.post(
        f"/admin/accounts/{facilitator.id}/assignments", data={"sessions": [str(session.id)]}
    )
    assert ok.status_code == 302
    assert accounts.assigned_session_ids(facilitator) == {session.id}


# --- « Mes ateliers », the login's landing ------------------------------------------------------


def test_my_sessions_by_date_with_their_links(client, login, organiser, facilitator, fresh):
    later = builders.gen_session("Atelier de janvier", with_sets=False, date=dt.date(2009, 1, 5))
    sooner = builders.gen_session("Atelier de décembre", with_sets=False, date=dt.date(2008, 12, 1))
    builders.gen_session("Atelier d'un autre", with_sets=False)
    builders.assign(facilitator, later)
    builders.assign(facilitator, sooner)
    response = login("facilitator")
    assert response.headers["Location"] == "/mes-ateliers"
    html = _text(client.get("/mes-ateliers"))
    assert html.index("Atelier de décembre") < html.index("Atelier de janvier")
    assert "Atelier d'un autre" not in html
    for path in ("/host/{}", "/screen/{}", "/screen/{}/handout", "/summary/{}"):
        assert f'href="{path.format(later.code)}"' in html
    login("organiser")
    assert "Atelier d'un autre" in _text(client.get("/mes-ateliers"))


def test_login_keeps_a_safe_next(client, login, facilitator):
    assert login("facilitator", next="/p/x").headers["Location"] == "/p/x"
    client.post("/logout")
    assert login("facilitator", next="//evil.example/").headers["Location"] == "/mes-ateliers"


# --- the activity log pages ---------------------------------------------------------------------


def test_session_and_account_logs(client, login, organiser, facilitator):
    session = builders.gen_session("Atelier journalisé", with_sets=False)
    login("organiser")
    client.post(
        f"/admin/accounts/{facilitator.id}/assignments", data={"sessions": [str(session.id)]}
    )
    client.post(f"/admin/accounts/{facilitator.id}/reset")
    page = client.get(f"/admin/sessions/{session.slug}/activity")
    assert page.status_code == 200
    html = _text(page)
    assert "a attribué l'atelier au compte" in html
    assert "organiser" in html
    account = _text(client.get(f"/admin/accounts/{facilitator.id}"))
    assert account.index("a réinitialisé le mot de passe") < account.index("a attribué l'atelier")
    assert client.get("/admin/sessions/nope/activity").status_code == 404
    assert client.get("/admin/accounts/99999").status_code == 404


def test_logs_are_for_organisers(client, login, facilitator):
    session = builders.gen_session(with_sets=False)
    login("facilitator")
    assert client.get(f"/admin/sessions/{session.slug}/activity").status_code == 403
    assert client.get(f"/admin/accounts/{facilitator.id}").status_code == 403


def test_the_user_loader_refuses_an_inactive_account(app, facilitator):
    from workshop.extensions import login_manager

    cookie_id = facilitator.get_id()
    assert login_manager._user_callback(cookie_id) is facilitator
    facilitator.active = False  # even without the version bump of a deactivation
    db.session.commit()
    assert login_manager._user_callback(cookie_id) is None

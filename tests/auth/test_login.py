"""Login and logout with Flask-WTF forms (CSRF on), Flask-Login and hashed passwords."""

from __future__ import annotations

import re


def _csrf_token(client, path="/login"):
    html = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def test_login_page_is_french_by_default(client):
    html = client.get("/login").get_data(as_text=True)
    assert '<html lang="fr">' in html
    assert "Mot de passe" in html
    assert '<label for="password">' in html


def test_login_good_password(csrf_app, client, facilitator):
    token = _csrf_token(client)
    response = client.post(
        "/login",
        data={"username": "facilitator", "password": "correct horse", "csrf_token": token},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/mes-ateliers"  # « Mes ateliers »
    assert "facilitator" in client.get("/").get_data(as_text=True)


def test_login_wrong_password_says_so(csrf_app, client, facilitator):
    token = _csrf_token(client)
    response = client.post(
        "/login", data={"username": "facilitator", "password": "nope", "csrf_token": token}
    )
    assert response.status_code == 401
    assert "Nom d&#39;utilisateur ou mot de passe incorrect." in response.get_data(as_text=True)


def test_login_unknown_user_same_message(csrf_app, client, facilitator):
    token = _csrf_token(client)
    response = client.post(
        "/login", data={"username": "ghost", "password": "whatever", "csrf_token": token}
    )
    assert response.status_code == 401
    assert "mot de passe incorrect" in response.get_data(as_text=True)


def test_login_without_csrf_token_is_refused(csrf_app, client, facilitator):
    response = client.post("/login", data={"username": "facilitator", "password": "correct horse"})
    assert response.status_code == 400
    assert "Le formulaire a expiré" in response.get_data(as_text=True)
    # Not logged in.
    assert "Se déconnecter" not in client.get("/").get_data(as_text=True)


def test_login_redirects_only_to_local_next(auth, client, facilitator):
    response = client.post(
        "/login?next=https://evil.example/",
        data={"username": "facilitator", "password": "correct horse"},
    )
    assert response.headers["Location"] == "/mes-ateliers"
    client.post("/logout")
    response = client.post(
        "/login?next=/p/x", data={"username": "facilitator", "password": "correct horse"}
    )
    assert response.headers["Location"] == "/p/x"


def test_logout(auth, client, facilitator):
    auth.login()
    assert "Se déconnecter" in client.get("/").get_data(as_text=True)
    response = auth.logout()
    assert response.status_code == 302
    assert "Se déconnecter" not in client.get("/").get_data(as_text=True)


def test_logout_needs_post(client):
    assert client.get("/logout").status_code == 405


def test_english_when_browser_asks(client):
    html = client.get("/login", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(
        as_text=True
    )
    assert '<html lang="en">' in html
    assert "Password" in html


def test_an_unknown_name_costs_a_password_check_too(app, facilitator, monkeypatch):
    """The time of a login must not tell which accounts exist: an unknown name checks a hash
    of the same method and cost as a real one."""
    from workshop.services import accounts

    checked = []
    real = accounts.check_password_hash

    def spy(stored, password):
        checked.append(stored.split("$", 1)[0])
        return real(stored, password)

    monkeypatch.setattr(accounts, "check_password_hash", spy)
    assert accounts.authenticate("nobody", "correct horse") is None
    method = facilitator.password_hash.split("$", 1)[0]
    assert checked == [method]
    assert accounts.authenticate("facilitator", "correct horse") is not None


def _saved_cookies(client):
    return {name: client.get_cookie(name).value for name in ("session",) if client.get_cookie(name)}


def test_a_cookie_saved_before_logout_opens_nothing_after_it(app, client, auth, facilitator):
    from flask import g

    from tests import builders
    from workshop.extensions import socketio

    session = builders.gen_session()
    builders.assign(facilitator, session)
    auth.login()
    saved = _saved_cookies(client)
    assert client.get(f"/summary/{session.code}.json").status_code == 200
    auth.logout()
    g.pop("_login_user", None)  # the test's app context is shared by its requests
    replay = app.test_client()
    for name, value in saved.items():
        replay.set_cookie(name, value)
    response = replay.get(f"/summary/{session.code}.json")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
    console = socketio.test_client(
        app, auth={"code": session.code, "role": "console"}, flask_test_client=replay
    )
    assert not console.is_connected()


def test_a_remember_cookie_dies_with_a_password_change(app, client, facilitator):
    from flask import g

    from workshop.extensions import db
    from workshop.services import accounts

    app.config["WTF_CSRF_ENABLED"] = False
    client.post(
        "/login", data={"username": "facilitator", "password": "correct horse", "remember": "y"}
    )
    remember = client.get_cookie("remember_token").value
    fresh = app.test_client()
    fresh.set_cookie("remember_token", remember)
    assert "facilitator" in fresh.get("/").get_data(as_text=True)  # remembered
    accounts.set_password("facilitator", "another horse")
    db.session.expire_all()
    g.pop("_login_user", None)  # the test's app context is shared by its requests
    again = app.test_client()
    again.set_cookie("remember_token", remember)
    assert "facilitator" not in again.get("/").get_data(as_text=True)

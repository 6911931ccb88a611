"""Pages of the live session: join, phone, projector, console, handout, QR code, page weight."""

from __future__ import annotations

import gzip
import json
import re
import zlib
from html.parser import HTMLParser

import pytest

from tests import builders
from workshop.live.qr import qr_svg
from workshop.services.live import tokens

#: The phone page, with everything it loads, must fit in this many bytes once compressed.
PHONE_BUDGET = 60 * 1024


@pytest.fixture
def session(app):
    return builders.gen_session()


def _data_block(html: str, block_id: str) -> dict:
    match = re.search(
        rf'<script type="application/json" id="{block_id}">(.*?)</script>', html, re.S
    )
    assert match, block_id
    return json.loads(match.group(1))


class _Assets(HTMLParser):
    """Every stylesheet, script and image a page references."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []
        self.inline_scripts: list[str] = []
        self._in_script: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and attrs.get("rel") in ("stylesheet", "icon", "preload", "modulepreload"):
            self.urls.append(attrs["href"])
        elif tag in ("script", "img") and attrs.get("src"):
            self.urls.append(attrs["src"])
        elif tag == "script":
            self._in_script = attrs

    def handle_data(self, data):
        if self._in_script is not None:
            self.inline_scripts.append(self._in_script.get("type", ""))

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = None


# --- join --------------------------------------------------------------------------------------


def test_join_form(client):
    response = client.get("/join")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'name="code"' in page
    assert '<label for="join-code">' in page


def test_join_post_good_code_redirects_whatever_the_case_and_dashes(client, session):
    messy = f" {session.code[:3].lower()}-{session.code[3:]} "
    response = client.post("/join", data={"code": messy})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/j/{session.code}")


def test_join_get_with_code_redirects(client, session):
    response = client.get(f"/join?code={session.code.lower()}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/j/{session.code}")


def test_join_post_unknown_code_says_so(client, session):
    response = client.post("/join", data={"code": "XXXXXX"})
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "Aucun atelier" in page
    assert "XXXXXX" in page
    assert 'aria-invalid="true"' in page
    assert 'name="code"' in page  # the form again, to retry


def test_join_post_empty_code(client):
    response = client.post("/join", data={"code": "  - "})
    assert response.status_code == 400
    assert "Saisissez le code" in response.get_data(as_text=True)


def test_join_post_needs_no_csrf_token(csrf_app, session):
    response = csrf_app.test_client().post("/join", data={"code": session.code})
    assert response.status_code == 302


# --- phone -------------------------------------------------------------------------------------


def test_phone_page(client, session):
    response = client.get(f"/j/{session.code}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert session.title in page
    assert "En attente de l'animateur" in page
    config = _data_block(page, "live-config")
    assert config["code"] == session.code
    assert config["role"] == "participant"
    strings = _data_block(page, "i18n")
    assert strings["saved"] == "Enregistré ✓"
    assert 'id="conn"' in page
    assert 'aria-live="polite"' in page
    assert "phone.js" in page
    assert "socket.io.min.js" in page


def _app_with(tmp_path, **limits):
    """An app like conftest's ``app`` fixture, with ``limits`` in create_app's mapping."""
    from workshop import create_app

    return create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(tmp_path / "limited"),
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'limited.sqlite3'}",
            "SECRET_KEY": "test-secret",
            "SOCKETIO_ASYNC_MODE": "threading",
            **limits,
        }
    )


def _phone_page_of(app, headers: dict | None = None) -> str:
    """The phone page of a new session of ``app`` (one request per app context: Flask-Babel
    keeps a context's translations)."""
    from workshop.extensions import db

    with app.app_context():
        code = builders.gen_session().code
        try:
            response = app.test_client().get(f"/j/{code}", headers=headers or {})
            assert response.status_code == 200
            return response.get_data(as_text=True)
        finally:
            db.session.remove()
            db.engine.dispose()


def _pseudonym_maxlength(page: str) -> str:
    match = re.search(r'<input id="pseudonym"[^>]*\smaxlength="([^"]*)"', page)
    assert match, "the pseudonym input has a maxlength"
    return match.group(1)


def test_phone_page_data_carries_the_default_limits(client, session):
    page = client.get(f"/j/{session.code}").get_data(as_text=True)
    config = _data_block(page, "live-config")
    assert config == {
        "code": session.code,
        "role": "participant",
        "maxComment": 1000,
        "maxPseudonym": 40,
        "maxWordLength": 40,
        "maxQuestion": 300,  # a room question (services/debate/qa.py)
    }
    assert _pseudonym_maxlength(page) == "40"
    assert 'id="floor-name" name="floor-name" type="text" maxlength="40"' in page
    assert 'maxlength="300"' in page  # the question's field
    # The script fills in the question's words (n) and the page's maxWordLength (chars).
    strings = _data_block(page, "i18n")
    assert strings["words_help"] == "Jusqu'à %(n)s mots (%(chars)s caractères chacun)."


def test_phone_page_carries_the_configured_limits(tmp_path):
    app = _app_with(tmp_path, MAX_COMMENT_LENGTH=300, MAX_PSEUDONYM_LENGTH=25, MAX_WORD_LENGTH=12)
    page = _phone_page_of(app)
    config = _data_block(page, "live-config")
    assert config["maxComment"] == 300
    assert config["maxPseudonym"] == 25
    assert config["maxWordLength"] == 12
    assert _pseudonym_maxlength(page) == "25"


def test_words_help_keeps_its_placeholders_in_translation(tmp_path):
    english = _phone_page_of(_app_with(tmp_path), {"Accept-Language": "en"})
    assert _data_block(english, "i18n")["words_help"] == (
        "Up to %(n)s words (%(chars)s characters each)."
    )


def test_phone_page_carries_limits_set_by_environment_variables(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKSHOP_MAX_COMMENT_LENGTH", "300")
    monkeypatch.setenv("WORKSHOP_MAX_PSEUDONYM_LENGTH", "25")
    monkeypatch.setenv("WORKSHOP_MAX_WORD_LENGTH", "12")
    page = _phone_page_of(_app_with(tmp_path))
    config = _data_block(page, "live-config")
    assert (config["maxComment"], config["maxPseudonym"], config["maxWordLength"]) == (300, 25, 12)
    assert _pseudonym_maxlength(page) == "25"


def test_projector_and_console_data_have_no_unread_keys(client, auth, facilitator, session):
    screen = _data_block(
        client.get(f"/screen/{session.code}").get_data(as_text=True), "live-config"
    )
    builders.assign(facilitator, session)
    auth.login()
    console = _data_block(client.get(f"/host/{session.code}").get_data(as_text=True), "live-config")
    for config in (screen, console):
        assert "joinUrl" not in config
        assert "summaryUrl" not in config
        assert config["maxComment"] == 1000
    assert console["editConclusionUrl"].endswith("/0")


def test_phone_cookie_is_set_once_and_stays(client, session):
    from workshop.extensions import db
    from workshop.models import Participant

    first = client.get(f"/j/{session.code}")
    cookie = first.headers.get("Set-Cookie", "")
    assert cookie.startswith(f"{tokens.COOKIE_NAME}=")
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    signed = client.get_cookie(tokens.COOKIE_NAME).value
    assert tokens.unsign(signed)

    second = client.get(f"/j/{session.code}")
    assert second.status_code == 200
    assert "Set-Cookie" not in second.headers
    assert client.get_cookie(tokens.COOKIE_NAME).value == signed
    assert db.session.query(Participant).count() == 0  # no row on GET


def test_phone_replaces_a_tampered_cookie(client, session):
    client.set_cookie(tokens.COOKIE_NAME, "forged.value")
    response = client.get(f"/j/{session.code}")
    assert response.headers["Set-Cookie"].startswith(f"{tokens.COOKIE_NAME}=")
    assert tokens.unsign(client.get_cookie(tokens.COOKIE_NAME).value)


def test_phone_code_in_lower_case_redirects(client, session):
    response = client.get(f"/j/{session.code.lower()}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/j/{session.code}")


def test_phone_unknown_code_is_a_friendly_404_with_the_form(client, session):
    response = client.get("/j/ZZZZZZ")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "ZZZZZZ" in page
    assert 'name="code"' in page
    assert "Set-Cookie" not in response.headers


def test_phone_page_has_no_inline_code(client, session):
    page = client.get(f"/j/{session.code}").get_data(as_text=True)
    parser = _Assets()
    parser.feed(page)
    assert set(parser.inline_scripts) <= {"application/json"}
    assert not re.search(r"\son[a-z]+=", page)  # no inline event handlers


def _fetch(client, url: str, headers=None):
    """GET ``url``; static files are streamed, so the response is closed once read."""
    response = client.get(url, headers=headers or {})
    response.get_data()
    response.close()
    assert response.status_code == 200, url
    return response


def test_phone_page_weight_under_60_kb(client, session):
    """Measured: the page and every asset it references, as served to a browser (which accepts
    at least gzip and deflate) and, separately, gzipped at level 6."""
    accept = {"Accept-Encoding": "gzip, deflate"}
    page = _fetch(client, f"/j/{session.code}", accept)
    parser = _Assets()
    parser.feed(gzip.decompress(page.data).decode())
    urls = parser.urls
    paths = [u.split("?")[0] for u in urls]  # static files carry their version (?v=)
    assert any(p.endswith("socket.io.min.js") for p in paths)
    assert any(p.endswith("phone.js") for p in paths)
    assert any(p.endswith(".css") for p in paths)

    transferred = {f"/j/{session.code}": len(page.data)}
    gzipped = {f"/j/{session.code}": len(gzip.compress(gzip.decompress(page.data), 6))}
    assert page.headers["Content-Encoding"] == "gzip"
    for url in urls:
        served = _fetch(client, url, accept)
        raw = _fetch(client, url).data
        assert served.headers.get("Content-Encoding") in ("gzip", "deflate"), url
        decoded = (
            gzip.decompress(served.data)
            if served.headers["Content-Encoding"] == "gzip"
            else zlib.decompress(served.data)
        )
        assert decoded == raw, url
        transferred[url] = len(served.data)
        gzipped[url] = len(gzip.compress(raw, 6))
    total_served, total_gzip = sum(transferred.values()), sum(gzipped.values())
    print(f"phone page weight: served {total_served} B, gzip -6 {total_gzip} B: {transferred}")
    assert total_served <= PHONE_BUDGET
    assert total_gzip <= PHONE_BUDGET


# --- projector, handout, QR --------------------------------------------------------------------


def test_screen_page(client, session):
    response = client.get(f"/screen/{session.code}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert session.title in page
    for item in session.agenda:
        assert item.title in page
    assert f'data-join-url="http://localhost/j/{session.code}"' in page
    assert f">{session.code}<" in page
    assert "<svg" in page
    assert 'class="qr"' in page
    assert 'aria-live="polite"' in page
    assert _data_block(page, "live-config")["role"] == "screen"
    assert "Set-Cookie" not in response.headers  # public, read-only: no participant


def test_screen_unknown_code(client, session):
    assert client.get("/screen/ZZZZZZ").status_code == 404


def test_public_url_is_used_when_configured(app, client, session):
    app.config["PUBLIC_URL"] = "https://atelier.example.be/live/"
    page = client.get(f"/screen/{session.code}").get_data(as_text=True)
    assert f'data-join-url="https://atelier.example.be/live/j/{session.code}"' in page


def test_handout(client, session):
    response = client.get(f"/screen/{session.code}/handout")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert session.title in page
    assert session.place in page
    assert "2008-12-03" in page  # the <time datetime>
    assert session.code in page
    assert f"http://localhost/j/{session.code}" in page
    assert "<svg" in page


def test_qr_svg_encodes_the_join_url(client, app, session):
    response = client.get(f"/j/{session.code}/qr.svg")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert response.cache_control.public
    assert response.cache_control.max_age > 0
    svg = response.get_data(as_text=True)
    assert svg.startswith("<svg")
    assert svg.rstrip().endswith("</svg>")
    url = f"http://localhost/j/{session.code}"
    assert f'data-qr-data="{url}"' in svg
    with app.test_request_context("/"):
        assert svg == qr_svg(url)  # the same data gives the same modules
        assert svg != qr_svg(url + "X")
    # Quiet zone of 4 modules: nothing drawn before x=4 or y=4.
    size = int(re.search(r'viewBox="0 0 (\d+) \d+"', svg).group(1))
    path = re.search(r'<path d="([^"]+)"', svg).group(1)
    coords = [tuple(map(int, m)) for m in re.findall(r"M(\d+),(\d+)", path)]
    assert min(x for x, _ in coords) == 4
    assert min(y for _, y in coords) == 4
    assert max(x for x, _ in coords) == size - 5
    assert max(y for _, y in coords) == size - 5


def test_qr_error_correction_is_m_or_better(app):
    import qrcode.constants

    from workshop.live.qr import make_qr

    qr = make_qr("http://localhost/j/ACDEFG")
    assert qr.error_correction in (
        qrcode.constants.ERROR_CORRECT_M,
        qrcode.constants.ERROR_CORRECT_Q,
        qrcode.constants.ERROR_CORRECT_H,
    )
    assert qr.border >= 4


def test_qr_svg_is_cacheable(client, session):
    first = client.get(f"/j/{session.code}/qr.svg")
    again = client.get(
        f"/j/{session.code}/qr.svg", headers={"If-None-Match": first.headers["ETag"]}
    )
    assert again.status_code == 304


def test_qr_svg_unknown_code(client, session):
    assert client.get("/j/ZZZZZZ/qr.svg").status_code == 404


# --- console -----------------------------------------------------------------------------------


def test_console_requires_login(client, session):
    response = client.get(f"/host/{session.code}")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_console_for_a_facilitator(client, auth, facilitator, session):
    builders.assign(facilitator, session)
    assert auth.login().status_code == 302
    response = client.get(f"/host/{session.code}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert session.title in page
    assert 'id="agenda-next"' in page
    assert "<button" in page
    assert _data_block(page, "live-config")["role"] == "console"
    strings = _data_block(page, "i18n")
    assert strings["open"] == "Ouvrir"
    assert strings["reveal"] == "Afficher les résultats"
    for qset in session.question_sets:
        assert qset.title in page


def test_console_unknown_code(client, auth, organiser):
    auth.login(username="organiser")
    assert client.get("/host/ZZZZZZ").status_code == 404


def test_strings_follow_the_browser_language(client, session):
    page = client.get(f"/j/{session.code}", headers={"Accept-Language": "en"}).get_data(
        as_text=True
    )
    assert '<html lang="en">' in page
    assert _data_block(page, "i18n")["saved"]  # translated or French fallback, never empty


# --- a join URL no phone can open --------------------------------------------------------------


def test_is_local_only():
    from workshop.live.qr import is_local_only

    for url in ("http://127.0.0.1:5000/j/X", "http://localhost/j/X", "http://[::1]:5000/j/X"):
        assert is_local_only(url), url
    for url in ("http://192.168.1.20:5000/j/X", "https://atelier.example.be/j/X"):
        assert not is_local_only(url), url


@pytest.mark.parametrize("path", ["/screen/{code}", "/screen/{code}/handout", "/host/{code}"])
def test_local_address_is_flagged_where_the_join_url_is_shown(
    client, auth, facilitator, session, app, path
):
    builders.assign(facilitator, session)
    auth.login()
    url = path.format(code=session.code)
    warning = "Adresse locale : les téléphones ne pourront pas ouvrir ce lien."
    local = client.get(url, base_url="http://127.0.0.1:5000").get_data(as_text=True)
    assert warning in local
    lan = client.get(url, base_url="http://192.168.1.20:5000").get_data(as_text=True)
    assert warning not in lan
    app.config["PUBLIC_URL"] = "https://atelier.example.be"
    public = client.get(url, base_url="http://127.0.0.1:5000").get_data(as_text=True)
    assert warning not in public
    assert "https://atelier.example.be/j/" in public

"""A rehearsal started from the rehearsal page of a real ``workshop serve`` (gevent), which runs
``workshop rehearse`` as its subprocess; then the summary page of that server."""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import time
import urllib.parse
import urllib.request

import pytest

from tests import builders
from tests.support import ServerProcess, server_env
from workshop.extensions import db
from workshop.models import Activity, Answer, Participant, Question, QuestionSet
from workshop.models.enums import SetState

PHONES = int(os.environ.get("REHEARSAL_PHONES", "5"))


class Browser:
    """Cookies and CSRF tokens over plain HTTP, as a browser sends them."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    def get(self, path: str) -> str:
        with self.opener.open(self.base_url + path, timeout=10) as response:
            return response.read().decode()

    def post(self, path: str, data: dict, form_page: str | None = None) -> tuple[int, str]:
        """POST ``data`` with the CSRF token of the form on ``form_page`` (default: ``path``)."""
        page = self.get(form_page or path)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
        body = urllib.parse.urlencode({**data, "csrf_token": token.group(1)}).encode()
        try:
            with self.opener.open(self.base_url + path, body, timeout=10) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()


@pytest.fixture
def server(app, tmp_path):
    env = server_env(
        WORKSHOP_INSTANCE_PATH=app.instance_path,
        WORKSHOP_DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
        WORKSHOP_SECRET_KEY=app.config["SECRET_KEY"],
    )
    server = ServerProcess.start(env, tmp_path / "server.log")
    try:
        server.wait_until_up("/")
        yield server
    finally:
        server.stop()


@pytest.mark.rehearsal
@pytest.mark.timeout(180)
def test_a_rehearsal_from_the_web_page(app, server, organiser):
    session = builders.gen_session()
    slug, code, session_id = session.slug, session.code, session.id
    questions = Question.query.count()
    db.session.remove()

    browser = Browser(server.base_url)
    status, _page = browser.post("/login", {"username": "organiser", "password": "correct horse"})
    assert status == 200
    page = browser.get(f"/admin/sessions/{slug}/rehearsal")
    assert f"/screen/{code}" in page  # the projector, to watch it

    started = time.monotonic()
    status, page = browser.post(
        f"/admin/sessions/{slug}/rehearsal", {"participants": PHONES, "pace": 1}
    )
    assert status == 200, page
    assert "Répétition lancée." in page
    assert "En cours" in page  # and no form to start another one
    # A second one at once is refused.
    status, page = browser.post(
        f"/admin/sessions/{slug}/rehearsal",
        {"participants": 2, "pace": 0},
        form_page=f"/admin/sessions/{slug}/reset",
    )
    assert status == 400
    assert "déjà en cours" in page

    deadline = time.monotonic() + 150
    while True:
        progress = json.loads(browser.get(f"/admin/sessions/{slug}/rehearsal.json"))
        if progress["state"] not in ("starting", "running") or time.monotonic() > deadline:
            break
        time.sleep(0.5)  # polling the page's status, as the page does
    elapsed = time.monotonic() - started
    assert progress["state"] == "done", (progress, server.log.read_text()[-3000:])
    assert progress["answers"] == PHONES * questions
    assert progress["refused"] == {}
    print(f"\n{PHONES} phones from the web page: {elapsed:.1f}s")  # noqa: T201
    # Its progress in French; with a pace, each set's results were shown on the projector.
    sets = QuestionSet.query.filter_by(session_id=session_id).all()
    assert f"{PHONES} téléphones sur {PHONES} ont rejoint l'atelier." in progress["lines"][0]
    shown = [line for line in progress["lines"] if "résultats affichés au projecteur" in line]
    assert len(shown) == len(sets)
    assert all(s.state is SetState.CLOSED and s.revealed for s in sets)

    marked = Participant.query.filter_by(session_id=session_id, rehearsal=True).count()
    assert marked == PHONES
    assert Participant.query.filter_by(session_id=session_id).count() == PHONES
    assert Answer.query.count() == PHONES * questions
    entry = Activity.query.filter_by(action="rehearsal.started").one()
    assert (entry.actor, entry.detail) == ("organiser", f"participants={PHONES}")

    summary = browser.get(f"/summary/{code}")
    assert f"Répétition : {PHONES} participants simulés" in summary
    # Left out of the figures: nobody answered, as far as the summary is concerned.
    assert (
        json.loads(browser.get(f"/summary/{code}.json"))["summary"]["sets"][0]["respondents"] == 0
    )
    counted = json.loads(browser.get(f"/summary/{code}.json?include_rehearsal=1"))
    assert counted["summary"]["sets"][0]["respondents"] == PHONES


@pytest.mark.rehearsal
@pytest.mark.timeout(120)
def test_a_refused_phone_says_why(app, runner, tmp_path):
    """A server with another secret key refuses the ticket: the command says so clearly."""
    env = server_env(
        WORKSHOP_INSTANCE_PATH=app.instance_path,
        WORKSHOP_DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
        WORKSHOP_SECRET_KEY="another secret key",
    )
    server = ServerProcess.start(env, tmp_path / "server.log")
    try:
        server.wait_until_up("/")
        session = builders.gen_session()
        code = session.code
        db.session.remove()
        result = runner.invoke(args=["rehearse", code, "-n", "2", "--url", server.base_url])
    finally:
        server.stop()
    assert result.exit_code == 1
    assert "the server refused the phone: bad_payload" in result.output
    assert "Ticket de répétition invalide ou expiré." in result.output
    assert "Traceback" not in result.output
    assert Participant.query.count() == 0

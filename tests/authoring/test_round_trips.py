"""Round trips between the forms and the session files:

- a session built in the forms dumps to a file that ``workshop validate`` accepts and that
  loads back unchanged;
- the Namur seed, loaded from its file, opens in the forms with every field filled in, and
  submitting every form unchanged gives the same dump.
"""

from __future__ import annotations

import re

import yaml
from sqlalchemy import select

from tests.sessions_files.helpers import NAMUR
from workshop.extensions import db
from workshop.models import Programme, Session
from workshop.sessions_files import dump_session, load_paths, validate_paths

from .forms_html import authoring_form


def _location(response) -> str:
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    return response.headers["Location"]


def _post(client, url, **data):
    return _location(client.post(url, data=data))


def _build_by_forms(client) -> Session:
    _post(client, "/admin/programmes/new", title="Gouvernance 2009", organiser="SPW")
    programme = db.session.scalar(select(Programme).where(Programme.title == "Gouvernance 2009"))
    theme_data = {"theme-title": "Mobiliser acteurs et citoyens", "theme-description": "Deux"}
    _post(client, f"/admin/programmes/{programme.slug}/themes/new", **theme_data)
    theme = programme.themes[0]
    _post(
        client,
        "/admin/sessions/new",
        title="Participation citoyenne",
        programme_id=str(programme.id),
        theme_id=str(theme.id),
        date="2009-02-11",
        start_time="09:30",
        place="Liège",
        organiser="Province de Liège",
        theme_statement="Associer les citoyens.\n\nÀ toutes les étapes.",
        objective="Des moyens concrets",
        method="Témoignages puis débat",
    )
    session = db.session.scalar(select(Session).where(Session.title == "Participation citoyenne"))
    base = f"/admin/sessions/{session.slug}"
    _post(client, f"{base}/speakers/new", name="Marie Dupont", role="Directrice",
          organisation="Ville de Liège", bio="Vingt ans de participation.")  # fmt: skip
    _post(client, f"{base}/speakers/new", name="Jean Martin", key="jm")
    _post(client, f"{base}/sets/new", title="Élaboration", introduction="Votre avis")
    qset = session.question_sets[0]
    questions = f"{base}/sets/{qset.id}/questions/new"
    _post(client, questions, prompt="Quel moyen ?", kind="choice", options="a\nb\nc",
          allow_comment="y")  # fmt: skip
    _post(client, questions, prompt="Lesquels ?", kind="multi", options="a\nb\nc", max_choices="2")
    _post(client, questions, prompt="D'accord ?", kind="yesno")
    _post(client, questions, prompt="Utile ?", kind="scale", scale_min="0", scale_max="10",
          min_label="pas du tout", max_label="tout à fait")  # fmt: skip
    _post(client, questions, prompt="Classez", kind="rank", options="x\ny\nz")
    _post(client, questions, prompt="Une idée ?", kind="open", max_length="500")
    _post(client, questions, prompt="En trois mots", kind="words", max_words="3")
    _post(client, f"{base}/agenda/new", kind="welcome", title="Accueil", planned_start="09:30",
          duration_min="15")  # fmt: skip
    speakers = [str(s.id) for s in session.speakers]
    _post(
        client,
        f"{base}/agenda/new",
        kind="testimony",
        title="Témoignage",
        text="Premier paragraphe\n\nSecond",
        duration_min="30",
        speaker_ids=speakers,
        question_set_id=str(qset.id),
    )
    return session


def test_a_session_built_in_the_forms_dumps_validates_and_loads_back_unchanged(
    organiser_client, tmp_path
):
    session = _build_by_forms(organiser_client)
    text = dump_session(session.slug)
    assert "start_time: 09:30" in text
    assert "bio: Vingt ans de participation." in text
    assert "max_length: 500" in text
    data = yaml.safe_load(text)
    assert data["agenda"][1]["speakers"] == ["marie-dupont", "jm"]
    assert data["agenda"][1]["question_set"] == "elaboration"
    assert [q["kind"] for q in data["question_sets"][0]["questions"]] == [
        "choice", "multi", "yesno", "scale", "rank", "open", "words"
    ]  # fmt: skip
    path = tmp_path / f"{session.slug}.yaml"
    path.write_text(text, encoding="utf-8")
    assert [str(p) for p in validate_paths([path])] == []
    report = load_paths([path])
    assert not report.changed, str(report)
    assert dump_session(session.slug) == text
    # And through the download button the page offers:
    download = organiser_client.get(f"/admin/sessions/{session.slug}.yaml")
    assert download.get_data(as_text=True) == text


def _pages(session: Session) -> list[str]:
    base = f"/admin/sessions/{session.slug}"
    pages = [f"{base}/edit"]
    pages += [f"{base}/speakers/{s.id}" for s in session.speakers]
    pages += [f"{base}/agenda/{i.id}" for i in session.agenda]
    for qset in session.question_sets:
        pages.append(f"{base}/sets/{qset.id}")
        pages += [f"{base}/sets/{qset.id}/questions/{q.id}" for q in qset.questions]
    return pages


def test_the_namur_seed_opens_in_the_forms_and_submits_to_the_same_dump(organiser_client, seed):
    before = dump_session(NAMUR)
    session = db.session.scalar(select(Session).where(Session.slug == NAMUR))
    pages = _pages(session)
    assert len(pages) > 20
    for page in pages:
        html = organiser_client.get(page).get_data(as_text=True)
        form = authoring_form(html)
        assert form.fields, page
        response = organiser_client.post(page, data=_multi(form.fields))
        assert response.status_code == 302, (page, _errors(response.get_data(as_text=True)))
        db.session.expire_all()
    assert dump_session(NAMUR) == before


def test_the_namur_forms_show_every_value(organiser_client, seed):
    session = db.session.scalar(select(Session).where(Session.slug == NAMUR))
    html = organiser_client.get(f"/admin/sessions/{NAMUR}/edit").get_data(as_text=True)
    values = dict(authoring_form(html).fields)
    assert values["title"] == session.title
    assert values["date"] == "2008-12-03"
    assert values["place"] == "Namur"
    assert values["theme_statement"] == session.theme_statement
    assert values["method"] == session.method
    assert values["programme_id"] == str(session.programme_id)
    assert values["theme_id"] == str(session.theme_id)
    item = next(i for i in session.agenda if i.speakers)
    html = organiser_client.get(f"/admin/sessions/{NAMUR}/agenda/{item.id}").get_data(as_text=True)
    fields = authoring_form(html).fields
    assert ("speaker_ids", str(item.speakers[0].id)) in fields
    assert ("question_set_id", str(item.question_set_id)) in fields
    assert ("kind", item.kind.value) in fields


def _multi(fields):
    data: dict[str, list[str]] = {}
    for name, value in fields:
        data.setdefault(name, []).append(value)
    return data


def _errors(html: str) -> list[str]:
    return re.findall(r'<p class="error">(.*?)</p>', html)

"""Every bad value gives its field's error — the message of the session files' rule, from
sessions_files/rules.py — and changes nothing."""

from __future__ import annotations

import re
from html import unescape

import pytest
from sqlalchemy import func, select

from tests.sessions_files.helpers import NAMUR, write
from workshop.extensions import db
from workshop.models import Activity, Question, Session
from workshop.sessions_files import rules, validate_paths

SESSION = {"title": "Atelier d'essai", "programme_id": "0", "theme_id": "0"}


def field_errors(html: str, field_id: str) -> list[str]:
    """The errors shown next to a field (its ``<div id="<id>-error">``), and the field says
    so (aria-invalid, aria-describedby)."""
    block = re.search(rf'<div id="{field_id}-error">(.*?)</div>', html, re.S)
    if block is None:
        return []
    tag = re.search(rf'<(?:input|select|textarea)[^>]*\bid="{field_id}"[^>]*>', html)
    assert tag is not None, field_id
    assert 'aria-invalid="true"' in tag[0], field_id
    assert f"{field_id}-error" in tag[0], field_id
    return [unescape(m) for m in re.findall(r'<p class="error">(.*?)</p>', block[1], re.S)]


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


BAD_SESSIONS = [
    ("title", "", lambda: rules.required("")),
    ("title", "x" * 201, lambda: rules.length("x" * 201, 200)),
    ("slug", "Essai 2", lambda: rules.slug("Essai 2")),
    ("date", "2008-13-03", lambda: rules.parse_date("2008-13-03")[1]),
    ("date", "3 décembre 2008", lambda: rules.parse_date("3 décembre 2008")[1]),
    ("start_time", "25:00", lambda: rules.parse_time("25:00")[1]),
    ("place", "p" * 201, lambda: rules.length("p" * 201, 200)),
    ("code", "ABC123", lambda: rules.join_code("ABC123")),
    ("stakeholder_groups", "public : Acteur public\nélus : Élus",
     lambda: f"ligne 2 : {rules.group('élus', 'Élus')}"),
    ("stakeholder_groups", "public : Acteur public\npublic : Public",
     lambda: f"ligne 2 : {rules.duplicate_key('public')}"),
    ("stakeholder_groups", "public :", lambda: f"ligne 1 : {rules.required('')}"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "value", "message"), BAD_SESSIONS)
def test_a_bad_session_value_is_refused_next_to_its_field(organiser_client, name, value, message):
    before = (_count(Session), _count(Activity))
    response = organiser_client.post("/admin/sessions/new", data={**SESSION, name: value})
    assert response.status_code == 400
    assert field_errors(response.get_data(as_text=True), name) == [message()]
    assert (_count(Session), _count(Activity)) == before


def _question_page(client) -> tuple[str, int]:
    session = db.session.scalar(select(Session).where(Session.slug == NAMUR))
    qset = session.question_sets[0]
    return f"/admin/sessions/{NAMUR}/sets/{qset.id}/questions/new", qset.id


BAD_QUESTIONS = [
    ({"kind": "choice", "options": "seule"}, "options",
     lambda: rules.options(["seule"], "choice")[1]),
    ({"kind": "rank", "options": ""}, "options", lambda: rules.options([], "rank")[1]),
    ({"kind": "multi", "options": "a\nb\nc", "max_choices": "4"}, "max_choices",
     lambda: rules.max_choices(4, 3)),
    ({"kind": "multi", "options": "a\nb", "max_choices": "0"}, "max_choices",
     lambda: rules.max_choices(0, 2)),
    ({"kind": "scale", "scale_min": "5", "scale_max": "1"}, "scale_max", lambda: rules.scale(5, 1)),
    ({"kind": "scale", "scale_min": "1", "scale_max": "1000"}, "scale_max",
     lambda: rules.scale(1, 1000)),
    ({"kind": "scale", "scale_max": "99999999999999999999999999"}, "scale_max",
     lambda: rules.out_of_range("99999999999999999999999999")),
    ({"kind": "scale", "scale_max": "beaucoup"}, "scale_max", lambda: rules.not_whole("beaucoup")),
    ({"kind": "words", "max_words": "0"}, "max_words", lambda: rules.max_words(0)),
    ({"kind": "words", "max_words": "many"}, "max_words", lambda: rules.not_whole("many")),
    ({"kind": "open", "max_length": "0"}, "max_length", lambda: rules.max_length(0)),
    ({"kind": "open", "allow_comment": "y"}, "allow_comment", rules.open_comment),
    ({"kind": "multiple"}, "kind", lambda: rules.question_kind("multiple")),
    ({"kind": "choice", "options": "a\nb", "key": "pas une clé"}, "key",
     lambda: rules.key("pas une clé")),
    ({"kind": "yesno", "prompt": ""}, "prompt", lambda: rules.required("")),
]  # fmt: skip


@pytest.mark.parametrize(("data", "name", "message"), BAD_QUESTIONS)
def test_a_bad_question_value_is_refused_next_to_its_field(
    organiser_client, seed, data, name, message
):
    url, _ = _question_page(organiser_client)
    before = (_count(Question), _count(Activity))
    response = organiser_client.post(url, data={"prompt": "Une question ?", **data})
    assert response.status_code == 400
    assert field_errors(response.get_data(as_text=True), name) == [message()]
    assert (_count(Question), _count(Activity)) == before


def test_a_duplicate_option_is_named_with_its_line(organiser_client, seed):
    url, _ = _question_page(organiser_client)
    response = organiser_client.post(
        url, data={"prompt": "?", "kind": "choice", "options": "a\nb\na"}
    )
    [message] = field_errors(response.get_data(as_text=True), "options")
    assert message == f"option 3 : {rules.options(['a', 'b', 'a'], 'choice')[0][0][1]}"


BAD_ITEMS = [
    ("title", "", lambda: rules.required("")),
    ("planned_start", "9h30", lambda: rules.parse_time("9h30")[1]),
    ("duration_min", "0", lambda: rules.duration(0)),
    ("duration_min", "une heure", lambda: rules.not_whole("une heure")),
    ("kind", "atelier", lambda: rules.agenda_kind("atelier")),
]


@pytest.mark.parametrize(("name", "value", "message"), BAD_ITEMS)
def test_a_bad_agenda_value_is_refused_next_to_its_field(
    organiser_client, seed, name, value, message
):
    session = db.session.scalar(select(Session).where(Session.slug == NAMUR))
    before = len(session.agenda)
    data = {"kind": "debate", "title": "Débat", name: value}
    response = organiser_client.post(f"/admin/sessions/{NAMUR}/agenda/new", data=data)
    assert response.status_code == 400
    assert field_errors(response.get_data(as_text=True), name) == [message()]
    db.session.expire_all()
    assert len(session.agenda) == before


def test_the_file_validator_gives_the_same_messages(app, tmp_path):
    """The same bad values in a file: the same messages (the forms' tests above expect them)."""
    path = write(
        tmp_path,
        "same.yaml",
        """
        kind: session
        slug: Essai 2
        title: Essai
        date: 2008-13-03
        start_time: "25:00"
        question_sets:
          - key: s
            title: S
            questions:
              - key: q
                prompt: P
                kind: scale
                scale_min: 5
                scale_max: 1
              - key: w
                prompt: W
                kind: words
                max_words: 0
        """,
    )
    messages = [p.message for p in validate_paths([path])]
    assert messages == [
        rules.slug("Essai 2"),
        rules.parse_date("2008-13-03")[1],
        rules.parse_time("25:00")[1],
        rules.scale(5, 1),
        rules.bounds(0, 1),
    ]
    assert rules.max_words(0) == rules.bounds(0, 1)


def test_messages_follow_the_users_language(app, organiser_client):
    """French source strings through gettext: with no catalog for the language asked, the
    French source is shown (never an English string of the validator)."""
    response = organiser_client.post(
        "/admin/sessions/new",
        data={**SESSION, "date": "demain"},
        headers={"Accept-Language": "fr-BE"},
    )
    assert "n'est pas une date valide" in unescape(response.get_data(as_text=True))

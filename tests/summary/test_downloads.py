"""HTTP downloads and the ``workshop export`` command."""

from __future__ import annotations

import io
import json

import pytest
from docx import Document

from tests import builders
from workshop.services import conclusions as conclusion_service


@pytest.mark.parametrize(
    ("fmt", "mimetype"),
    [
        ("md", "text/markdown"),
        ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("csv", "text/csv"),
        ("json", "application/json"),
        ("html", "text/html"),
    ],
)
def test_download(client, auth, facilitator, room, fmt, mimetype):
    builders.assign(facilitator, room)
    auth.login()
    response = client.get(f"/summary/{room.code}/export.{fmt}")
    assert response.status_code == 200
    assert response.mimetype == mimetype
    assert response.headers["Cache-Control"] == "no-store"
    if fmt != "html":
        assert f"{room.slug}-{room.code}.{fmt}" in response.headers["Content-Disposition"]


def test_download_unknown_format_and_identify(client, auth, organiser, room):
    auth.login("organiser")
    assert client.get(f"/summary/{room.code}/export.pdf").status_code == 404
    plain = client.get(f"/summary/{room.code}/export.csv").get_data(as_text=True)
    identified = client.get(f"/summary/{room.code}/export.csv?identify=1").get_data(as_text=True)
    assert "Pseudonyme" not in plain
    assert "Pseudonyme" in identified
    page = client.get(f"/summary/{room.code}").get_data(as_text=True)
    assert "identify=1" in page
    assert "réservé aux organisateurs" in page


def test_identified_exports_are_for_organisers_only(client, auth, facilitator, room):
    """Pseudonyms are personal data (docs/privacy.md): a facilitator gets the anonymised
    exports, and neither the link nor the file with pseudonyms."""
    builders.assign(facilitator, room)
    auth.login()
    for fmt in ("csv", "json"):
        assert client.get(f"/summary/{room.code}/export.{fmt}").status_code == 200
        assert client.get(f"/summary/{room.code}/export.{fmt}?identify=1").status_code == 403
    assert "identify=1" not in client.get(f"/summary/{room.code}").get_data(as_text=True)


def test_cli_identify_says_the_file_is_personal_data(runner, room):
    result = runner.invoke(args=["export", room.code, "--format", "csv", "--identify"])
    assert result.exit_code == 0, result.output
    assert "Pseudonyme" in result.stdout
    assert "personal data" in result.stderr
    assert "for the organiser only" in result.stderr
    plain = runner.invoke(args=["export", room.code, "--format", "csv"])
    assert "personal data" not in plain.stderr


def test_cli_export_session(runner, room, tmp_path):
    out = tmp_path / "report.docx"
    result = runner.invoke(args=["export", room.code, "--format", "docx", "-o", str(out)])
    assert result.exit_code == 0, result.output
    document = Document(str(out))
    assert any(room.question_sets[0].questions[0].prompt in p.text for p in document.paragraphs)
    result = runner.invoke(args=["export", room.code, "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["session"]["code"] == room.code


def test_cli_export_errors(runner, room):
    assert runner.invoke(args=["export", "ZZZZZZ"]).exit_code != 0
    assert runner.invoke(args=["export"]).exit_code != 0
    assert runner.invoke(args=["export", "--programme", "x", "--format", "csv"]).exit_code != 0


def test_cli_export_programme(runner, app, tmp_path):
    programme = builders.gen_programme(slug="cycle")
    theme = builders.gen_theme(programme)
    first = builders.gen_session(title="Premier atelier", programme=programme, theme=theme)
    second = builders.gen_session(title="Second atelier", programme=programme, theme=theme)
    builders.gen_session(title="Hors cycle")
    conclusion_service.save_conclusion(first, text="Conclusion du premier.")
    conclusion_service.save_conclusion(
        second, text="Conclusion du second.", question_set_id=second.question_sets[0].id
    )
    result = runner.invoke(args=["export", "--programme", "cycle", "--format", "md"])
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert "Premier atelier" in text
    assert "Conclusion du premier." in text
    assert "Conclusion du second." in text
    assert "Hors cycle" not in text
    out = tmp_path / "cycle.docx"
    result = runner.invoke(
        args=["export", "--programme", "cycle", "--format", "docx", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    paragraphs = [p.text for p in Document(io.BytesIO(out.read_bytes())).paragraphs]
    assert "Conclusion du second." in paragraphs


#: The long date of the session (builders: 3 December 2008) and one label, per language.
IN_LANGUAGE = {
    "fr": ("3 décembre 2008", "Choix unique"),
    "nl": ("3 december 2008", "Eén keuze"),
    "de": ("3. Dezember 2008", "Einfachauswahl"),
    "en": ("December 3, 2008", "Single choice"),
}


@pytest.mark.parametrize("lang", sorted(IN_LANGUAGE))
def test_downloads_in_the_language_asked(client, auth, organiser, room, lang):
    """``?lang=`` on a download: its labels and dates in that language, whatever the
    browser's; the session's own texts as written."""
    from flask_babel import refresh

    date, label = IN_LANGUAGE[lang]
    auth.login("organiser")
    refresh()  # the test's app context outlives each request's: forget its language
    headers = {"Accept-Language": "en" if lang != "en" else "fr"}
    md = client.get(f"/summary/{room.code}/export.md?lang={lang}", headers=headers)
    text = md.get_data(as_text=True)
    assert date in text
    assert label in text
    assert "Élaboration du partenariat" in text  # the session's own title, not translated
    refresh()
    html = client.get(f"/summary/{room.code}/export.html?lang={lang}", headers=headers)
    assert f'lang="{lang}"' in html.get_data(as_text=True)
    assert date in html.get_data(as_text=True)
    refresh()
    docx = client.get(f"/summary/{room.code}/export.docx?lang={lang}", headers=headers)
    paragraphs = [p.text for p in Document(io.BytesIO(docx.data)).paragraphs]
    assert any(date in p for p in paragraphs)


def test_an_unknown_language_falls_back_to_the_browsers(client, auth, organiser, room):
    from flask_babel import refresh

    auth.login("organiser")
    refresh()
    md = client.get(f"/summary/{room.code}/export.md?lang=xx", headers={"Accept-Language": "nl"})
    assert "3 december 2008" in md.get_data(as_text=True)


def test_the_summary_page_chooses_the_documents_language(client, auth, organiser, room):
    """« Langue des documents »: every download link carries the language chosen (the page's
    own by default), and the rehearsal switch keeps it."""
    from flask_babel import refresh

    auth.login("organiser")
    refresh()
    page = client.get(f"/summary/{room.code}").get_data(as_text=True)
    assert '<label for="export-lang">Langue des documents</label>' in page
    assert f"/summary/{room.code}/export.docx?lang=fr" in page
    assert '<option value="fr" lang="fr" selected>Français</option>' in page
    refresh()
    page = client.get(f"/summary/{room.code}?export_lang=de").get_data(as_text=True)
    assert f"/summary/{room.code}/export.docx?lang=de" in page
    assert f"/summary/{room.code}/export.csv?identify=1&amp;lang=de" in page
    assert '<option value="de" lang="de" selected>Deutsch</option>' in page
    assert "Synthèse du débat" in page  # the page itself stays in its language
    refresh()
    page = client.get(f"/summary/{room.code}?export_lang=de&include_rehearsal=1")
    assert "lang=de&amp;include_rehearsal=1" in page.get_data(as_text=True)


@pytest.mark.parametrize(("lang", "date"), [("nl", "3 december 2008"), ("de", "3. Dezember 2008")])
def test_cli_export_in_a_language(runner, room, lang, date):
    result = runner.invoke(args=["export", room.code, "--format", "md", "--lang", lang])
    assert result.exit_code == 0, result.output
    assert date in result.stdout
    french = runner.invoke(args=["export", room.code, "--format", "md"])
    assert "3 décembre 2008" in french.stdout  # French by default
    wrong = runner.invoke(args=["export", room.code, "--lang", "it"])
    assert wrong.exit_code == 2

"""Translation catalogs: template up to date, en/nl/de complete, placeholders kept, .mo compiled,
and pages served in the language the browser asks for (see docs/translations.md)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from babel.messages.frontend import CommandLineInterface
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
TRANSLATIONS = ROOT / "workshop" / "translations"
POT = TRANSLATIONS / "messages.pot"
LANGUAGES = ("en", "nl", "de")

# %(name)s / %(n)02d / %% (Python format), {name} (str.format), and HTML tags.
PLACEHOLDER = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]|%%|\{\w*\}")
HTML_TAG = re.compile(r"</?[A-Za-z][^<>]*>")


def _read_po(path: Path, locale: str | None = None):
    with path.open("rb") as f:
        return read_po(f, locale=locale)


def _po_path(lang: str) -> Path:
    return TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po"


def _msgids(catalog) -> set:
    return {m.id for m in catalog if m.id}


def _ids(message) -> tuple[str, ...]:
    return tuple(message.id) if message.pluralizable else (message.id,)


def _messages(mo_file) -> dict:
    """msgid -> msgstr of a compiled catalog (plural ids and strings as tuples)."""
    return {
        _ids(m): tuple(m.string) if m.pluralizable else m.string for m in read_mo(mo_file) if m.id
    }


def _strings(message) -> tuple[str, ...]:
    return tuple(message.string) if message.pluralizable else (message.string,)


@pytest.fixture(scope="module")
def template():
    return _read_po(POT)


@pytest.fixture(scope="module", params=LANGUAGES)
def catalog(request):
    return request.param, _read_po(_po_path(request.param), locale=request.param)


def test_pot_is_up_to_date_with_the_sources(tmp_path, monkeypatch):
    """Same extraction as scripts/i18n, into a temporary file: the msgid sets must match."""
    fresh = tmp_path / "messages.pot"
    monkeypatch.chdir(ROOT)
    CommandLineInterface().run(
        [
            "pybabel",
            "-q",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "--no-location",
            "--sort-output",
            "--project",
            "workshop",
            "--copyright-holder",
            "workshop",
            "-o",
            str(fresh),
            ".",
        ]
    )
    expected, committed = _msgids(_read_po(fresh)), _msgids(_read_po(POT))
    assert not expected - committed, "not in messages.pot (run scripts/i18n)"
    assert not committed - expected, "gone from the sources (run scripts/i18n)"


def test_every_msgid_is_translated(template, catalog):
    lang, cat = catalog
    missing = []
    for message in template:
        if not message.id:
            continue
        entry = cat.get(message.id)
        if (
            entry is None
            or "fuzzy" in entry.flags
            or not all(s.strip() for s in _strings(entry))
            or len(_strings(entry)) != (cat.num_plurals if message.pluralizable else 1)
        ):
            missing.append(message.id)
    assert not missing, f"{lang}: {len(missing)} untranslated: {missing}"


def test_no_fuzzy_entries(catalog):
    lang, cat = catalog
    fuzzy = [m.id for m in cat if m.id and "fuzzy" in m.flags]
    assert not fuzzy, f"{lang}: fuzzy entries {fuzzy}"


def test_placeholders_and_markup_are_kept(catalog):
    lang, cat = catalog
    wrong = []
    for message in cat:
        if not message.id:
            continue
        ids = _ids(message)
        wanted = {p for i in ids for p in PLACEHOLDER.findall(i)}
        tags = sorted(t for t in HTML_TAG.findall(ids[-1]))
        for string in _strings(message):
            if not string:
                continue
            if (
                set(PLACEHOLDER.findall(string)) != wanted
                or sorted(HTML_TAG.findall(string)) != tags
            ):
                wrong.append((message.id, string))
    assert not wrong, f"{lang}: placeholders or markup differ: {wrong}"


def test_mo_is_up_to_date_with_po(catalog):
    lang, cat = catalog
    mo_path = _po_path(lang).with_suffix(".mo")
    assert mo_path.exists(), f"{mo_path} missing (run scripts/i18n compile)"
    buffer = io.BytesIO()
    write_mo(buffer, cat)
    buffer.seek(0)
    expected = _messages(buffer)
    with mo_path.open("rb") as f:
        compiled = _messages(f)
    assert compiled == expected, f"{mo_path} is stale (run scripts/i18n compile)"


@pytest.mark.parametrize(
    ("accept_language", "lang", "password", "submit"),
    [
        ("en", "en", "Password", "Log in"),
        ("en-GB,en;q=0.8", "en", "Password", "Log in"),
        ("nl", "nl", "Wachtwoord", "Aanmelden"),
        ("nl-BE,nl;q=0.9,fr;q=0.8", "nl", "Wachtwoord", "Aanmelden"),
        ("de", "de", "Passwort", "Anmelden"),
        ("de-BE,de;q=0.9", "de", "Passwort", "Anmelden"),
        ("fr", "fr", "Mot de passe", "Se connecter"),
        ("fr-BE,fr;q=0.9,en;q=0.5", "fr", "Mot de passe", "Se connecter"),
        (None, "fr", "Mot de passe", "Se connecter"),
        ("es", "fr", "Mot de passe", "Se connecter"),
    ],
)
def test_login_page_in_the_browser_language(client, accept_language, lang, password, submit):
    headers = {"Accept-Language": accept_language} if accept_language else {}
    html = client.get("/login", headers=headers).get_data(as_text=True)
    assert f'<html lang="{lang}">' in html
    assert f'<label for="password">{password}</label>' in html
    assert f">{submit}</button>" in html

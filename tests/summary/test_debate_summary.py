"""The debate in the summary and in every export (issue 14, points 4 and 8): the floor — turns
and speaking time by speaker and by stakeholder group against the group's share of the
participants, who did not get the floor — and every room question with its status, its support,
its item and its speaker, with the count of each status. The debate is played through the
debate's services (tests/summary/helpers.py ``gen_debate``) with the floor's clock moved by
hand, so every figure is exact; rehearsal phones are left out unless the summary's switch
says otherwise. The last test shows the page in Chromium (axe-core, screenshots)."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from pathlib import Path

import lxml.html
import pytest
from docx import Document

from tests import builders
from tests.summary.helpers import (
    DEBATE_ITEM,
    DEBATE_QUESTIONS,
    DEBATE_SPEAKER,
    DEBATE_TESTIMONY,
    FloorClock,
    gen_debate,
)
from workshop.services import debate as debate_service
from workshop.services import privacy
from workshop.services.debate import floor as floor_service
from workshop.summary import archive, exporters, figures

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "docs" / "screenshots" / "debate"

TESTIMONY = f"2. {DEBATE_TESTIMONY}"
DEBATE = f"3. {DEBATE_ITEM}"

#: ``table#floor-by-group``: group, turns, speakers, time, participants, then the share of the
#: time and the share of the participants side by side, and both in words. 6 participants (the
#: rehearsal phone left out), 360 s of speaking time.
BY_GROUP = [
    ["Groupe d'acteurs", "Interventions", "Intervenants", "Temps de parole", "Participants",
     "Part du temps de parole", "Part des participants", "En clair"],
    ["Acteur public", "3", "2", "4 min 15 s", "2", "70,8 %", "33,3 %",
     "70,8 % du temps de parole, 33,3 % des participants"],
    ["Acteur privé", "1", "1", "1 min 00 s", "1", "16,7 %", "16,7 %",
     "16,7 % du temps de parole, 16,7 % des participants"],
    ["Acteur associatif", "1", "1", "45 s", "2", "12,5 %", "33,3 %",
     "12,5 % du temps de parole, 33,3 % des participants"],
    ["Citoyen·ne", "0", "0", "0 s", "0", "0,0 %", "0,0 %",
     "0,0 % du temps de parole, 0,0 % des participants"],
    ["Sans groupe déclaré", "0", "0", "0 s", "1", "0,0 %", "16,7 %",
     "0,0 % du temps de parole, 16,7 % des participants"],
]  # fmt: skip
BY_SPEAKER = [
    ["Intervenant", "Groupe d'acteurs", "Interventions", "Temps de parole"],
    ["Anne", "Acteur public", "2", "3 min 00 s"],
    ["Échevin Martin", "Acteur public", "1", "1 min 15 s"],
    ["Bruno", "Acteur privé", "1", "1 min 00 s"],
    ["Chloé", "Acteur associatif", "1", "45 s"],
]
TURNS = [
    ["N°", "Intervenant", "Groupe d'acteurs", "Point de l'ordre du jour", "Durée", "Limite"],
    ["1", "Anne", "Acteur public", DEBATE, "2 min 30 s", "2 min 00 s, dépassée"],
    ["2", "Bruno", "Acteur privé", DEBATE, "1 min 00 s", "2 min 00 s"],
    ["4", "Chloé", "Acteur associatif", DEBATE, "45 s", "2 min 00 s"],
    ["6", "Échevin Martin (ajouté depuis la salle)", "Acteur public", DEBATE, "1 min 15 s",
     "2 min 00 s"],
    ["9", "Anne", "Acteur public", DEBATE, "30 s", "2 min 00 s"],
]  # fmt: skip
NOT_REACHED = [
    ["N°", "Nom", "Groupe d'acteurs", "Ce qu'il en est advenu", "Point"],
    ["5", "Dirk", "Acteur public", "retirée par la personne", DEBATE],
    ["7", "Eva", "Acteur associatif", "toujours en attente à la fin", DEBATE],
    ["8", "M. Petit", "Acteur privé", "retirée de la liste par l'animation", DEBATE],
]
NOT_REACHED_LINE = (
    "3 demandes de parole n'ont pas abouti : 1 retirée par la personne, 1 retirée de la liste "
    "par l'animation, 1 toujours en attente à la fin."
)
Q = DEBATE_QUESTIONS
QUESTIONS = [
    ["Question", "Statut", "Soutiens", "Point de l'ordre du jour", "Adressée à"],
    # Bruno, Chloé, Dirk on the kept one, Eva and Chloé on the merged one: 4 people (the
    # rehearsal phone's support left out).
    [Q["kept"], "répondue", "4", TESTIMONY, DEBATE_SPEAKER],
    [Q["merged"], f"fusionnée avec « {Q['kept']} »", "2", TESTIMONY, DEBATE_SPEAKER],
    [Q["open"], "non abordée", "1", DEBATE, "la salle"],
    ["(texte masqué)", "masquée par la modération", "0", DEBATE, "la salle"],
    [Q["pending"], "en attente de modération", "0", DEBATE, "la salle"],
]
STATUSES = ["answered", "merged", "not_reached", "hidden", "pending"]
COUNTS = [
    "1 répondue",
    "1 fusionnée avec une autre",
    "1 non abordée",
    "1 masquée par la modération",
    "1 en attente de modération",
]
TOTALS = "5 interventions, 6 min 00 s de temps de parole en tout."
BY_GROUP_CAPTION = (
    "Temps de parole par groupe d'acteurs, à côté de la part du groupe parmi les participants"
)
BY_SPEAKER_CAPTION = "Temps de parole par intervenant, du plus long au plus court"
TURNS_CAPTION = "Les interventions dans l'ordre où la parole a été donnée"
QUESTIONS_CAPTION = "Les questions de la salle et ce qu'il en est advenu"
HEADINGS = ["Débat", "La parole", "Qui n'a pas eu la parole", "Les questions de la salle"]


def words(text: str) -> str:
    """Text with its spaces as one plain space each (fr « 70,8 % » has a no-break one)."""
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


@pytest.fixture
def debate_app(app, monkeypatch):
    """Pushes at once, and the floor's clock moved by the builder."""
    app.config["RESULTS_PUSH_INTERVAL"] = 0
    app.config["COMMENTS_PUSH_INTERVAL"] = 0
    clock = FloorClock()
    monkeypatch.setattr(floor_service, "_now", clock)
    return clock


@pytest.fixture
def debated(app, debate_app):
    """A session whose debate was played (``gen_debate``), in a French request."""
    with app.test_request_context(headers={"Accept-Language": "fr"}):
        session = builders.gen_session()
        played = gen_debate(session, debate_app)
        played["session"] = session
        yield played


def _export(session, fmt, **kw) -> bytes:
    return exporters.export_session(session, fmt, **kw)


# --- the data every view reads -------------------------------------------------------------------


def test_the_summary_carries_the_debate_without_rehearsal_phones(debated):
    session = debated["session"]
    debate = figures.session_summary(session)["debate"]
    floor = debate["floor"]
    assert (floor["total_turns"], floor["total_seconds"], floor["participants"]) == (5, 360, 6)
    assert [(t["name"], t["duration_s"], t["over_limit"]) for t in floor["turns"]] == [
        ("Anne", 150, True),
        ("Bruno", 60, False),
        ("Chloé", 45, False),
        ("Échevin Martin", 75, False),
        ("Anne", 30, False),
    ]
    assert [(g["group"], g["seconds"], g["share_time"], g["share_participants"]) for g in
            floor["by_group"]] == [
        ("public", 255, 70.8, 33.3),
        ("private", 60, 16.7, 16.7),
        ("associative", 45, 12.5, 33.3),
        ("citizen", 0, 0.0, 0.0),
        (None, 0, 0.0, 16.7),
    ]  # fmt: skip
    questions = debate["questions"]
    assert [q["status"] for q in questions["items"]] == STATUSES
    assert [q["support"] for q in questions["items"]] == [4, 2, 1, 0, 0]
    # A hidden question keeps its row and loses its text, as a hidden comment does.
    assert questions["items"][3]["text"] is None
    assert Q["hidden"] not in json.dumps(debate, ensure_ascii=False)
    assert Q["rehearsal"] not in json.dumps(debate, ensure_ascii=False)

    counted = figures.session_summary(session, include_rehearsal=True)["debate"]
    assert (counted["floor"]["total_turns"], counted["floor"]["total_seconds"]) == (6, 400)
    assert counted["floor"]["participants"] == 7
    citizen = next(g for g in counted["floor"]["by_group"] if g["group"] == "citizen")
    assert (citizen["seconds"], citizen["share_time"], citizen["participants"]) == (40, 10.0, 1)
    assert counted["questions"]["total"] == 6
    assert counted["questions"]["items"][0]["support"] == 5


# --- the summary page ----------------------------------------------------------------------------


def _rows(table) -> list[list[str]]:
    """A table's header row then body rows, each cell's text."""
    return [
        [words(cell.text_content()) for cell in row.xpath("./th|./td")]
        for row in table.xpath("./thead/tr|./tbody/tr")
    ]


def _page(client, auth, facilitator, session, query: str = ""):
    builders.assign(facilitator, session)
    auth.login()
    response = client.get(f"/summary/{session.code}{query}")
    assert response.status_code == 200
    return lxml.html.fromstring(response.get_data(as_text=True))


def _by_id(tree, element_id: str):
    found = tree.xpath(f'//*[@id="{element_id}"]')
    assert len(found) == 1, element_id
    return found[0]


def _assert_debate_page(tree) -> None:
    floor = _by_id(tree, "debate-floor")
    assert TOTALS in words(floor.text_content())
    for table_id, expected in (
        ("floor-by-group", BY_GROUP),
        ("floor-by-speaker", BY_SPEAKER),
        ("floor-turns", TURNS),
        ("floor-not-reached-list", NOT_REACHED),
        ("qa-report", QUESTIONS),
    ):
        table = _by_id(tree, table_id)
        assert _rows(table) == expected, table_id
        # Accessible: a caption, column headers and row headers with their scope.
        assert words(table.xpath("./caption")[0].text_content())
        assert {th.get("scope") for th in table.xpath("./thead/tr/th")} == {"col"}
        assert {th.get("scope") for th in table.xpath("./tbody/tr/th")} == {"row"}
    assert NOT_REACHED_LINE in words(_by_id(tree, "floor-not-reached").text_content())
    report = _by_id(tree, "qa-report")
    assert [tr.get("data-status") for tr in report.xpath("./tbody/tr")] == STATUSES
    questions = _by_id(tree, "debate-questions")
    counts = questions.xpath('.//ul[@class="qa-counts"]/li')
    assert [(li.get("data-status"), words(li.text_content())) for li in counts] == list(
        zip(STATUSES, COUNTS, strict=True)
    )
    assert "5 questions posées par la salle :" in words(questions.text_content())
    assert "pour que chacun voie comment la sélection s'est faite" in questions.text_content()


def test_the_page_shows_the_floor_and_the_questions(client, auth, facilitator, debated):
    tree = _page(client, auth, facilitator, debated["session"])
    _assert_debate_page(tree)
    text = tree.text_content()
    assert Q["hidden"] not in text
    assert Q["rehearsal"] not in text
    assert "Simulé" not in text
    # The share bars draw the same shares (decorative: the numbers are in the cells).
    bars = _by_id(tree, "floor-by-group").xpath('.//td[contains(@class, "share")]//span/span')
    assert [bar.get("style") for bar in bars[:2]] == ["width: 70.8%", "width: 33.3%"]
    # The debate part is inside the live part: the feed redraws it.
    live = _by_id(tree, "live-results")
    assert live.xpath('.//*[@id="debate"]')
    feed = client.get(f"/summary/{debated['session'].code}.json").get_json()
    feed_tree = lxml.html.fromstring(f"<div>{feed['html']}</div>")
    assert _rows(_by_id(feed_tree, "floor-by-group")) == BY_GROUP
    assert feed["summary"]["debate"]["floor"]["total_seconds"] == 360


def test_the_rehearsal_switch_counts_the_simulated_phones(client, auth, facilitator, debated):
    tree = _page(client, auth, facilitator, debated["session"], "?include_rehearsal=1")
    floor = _by_id(tree, "debate-floor")
    assert "6 interventions, 6 min 40 s de temps de parole en tout." in words(floor.text_content())
    rows = {row[0]: row for row in _rows(_by_id(tree, "floor-by-group"))}
    assert rows["Citoyen·ne"][1:] == [
        "1", "1", "40 s", "1", "10,0 %", "14,3 %",
        "10,0 % du temps de parole, 14,3 % des participants",
    ]  # fmt: skip
    assert Q["rehearsal"] in words(_by_id(tree, "qa-report").text_content())
    # The export links carry the switch on.
    links = tree.xpath('//nav[@class="exports"]//a/@href')
    code = debated["session"].code
    assert f"/summary/{code}/export.debate.zip?lang=fr&include_rehearsal=1" in links


def test_empty_states_in_words(client, auth, facilitator, app):
    session = builders.gen_session()
    tree = _page(client, auth, facilitator, session)
    assert words(_by_id(tree, "debate-floor").text_content()).endswith(
        "Personne n'a demandé la parole pendant cet atelier."
    )
    assert words(_by_id(tree, "debate-questions").text_content()).endswith(
        "La salle n'a posé aucune question."
    )
    assert not tree.xpath('//*[@id="floor-by-group"]')
    assert not tree.xpath('//*[@id="qa-report"]')
    with app.test_request_context():
        markdown = _export(session, "md").decode()
    assert "Personne n'a demandé la parole pendant cet atelier." in markdown
    assert "La salle n'a posé aucune question." in markdown


# --- every export --------------------------------------------------------------------------------


def _md_table(markdown: str, caption: str) -> list[list[str]]:
    """The Markdown table under the bold ``caption``, cells unescaped."""
    lines = markdown.splitlines()
    start = lines.index(f"**{caption}**") + 2
    rows = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        if line.startswith("|---"):
            continue
        cells = re.split(r"(?<!\\)\|", line)[1:-1]
        rows.append([words(re.sub(r"\\(.)", r"\1", cell)) for cell in cells])
    return rows


def test_markdown(debated):
    markdown = _export(debated["session"], "md").decode()
    assert "\n## Débat\n" in markdown
    assert "\n### La parole\n" in markdown
    assert TOTALS in markdown
    assert _md_table(markdown, BY_GROUP_CAPTION) == BY_GROUP
    assert _md_table(markdown, BY_SPEAKER_CAPTION) == BY_SPEAKER
    assert _md_table(markdown, TURNS_CAPTION) == TURNS
    assert NOT_REACHED_LINE in markdown
    assert _md_table(markdown, QUESTIONS_CAPTION) == QUESTIONS
    for count in COUNTS:
        assert f"\n- {count}\n" in markdown
    assert Q["hidden"] not in markdown
    assert Q["rehearsal"] not in markdown
    # The debate comes after the question sets, before the workshop's conclusions.
    assert markdown.index("## Élaboration") < markdown.index("## Débat")


def test_word(debated):
    document = Document(io.BytesIO(_export(debated["session"], "docx")))
    paragraphs = [words(p.text) for p in document.paragraphs]
    tables = [[[words(c.text) for c in row.cells] for row in t.rows] for t in document.tables]
    for expected in (BY_GROUP, BY_SPEAKER, TURNS, NOT_REACHED, QUESTIONS):
        assert expected in tables, expected[0]
    headings = [words(p.text) for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert [h for h in headings if h in HEADINGS] == HEADINGS
    assert TOTALS in paragraphs
    assert NOT_REACHED_LINE in paragraphs
    assert BY_GROUP_CAPTION in paragraphs
    for count in COUNTS:
        assert count in paragraphs
    flat = "\n".join(paragraphs + [c for t in tables for row in t for c in row])
    assert Q["hidden"] not in flat
    assert Q["rehearsal"] not in flat


def _zip(content: bytes) -> dict[str, list[dict[str, str]]]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive_file:
        return {
            name: list(csv.DictReader(io.StringIO(archive_file.read(name).decode("utf-8-sig"))))
            for name in archive_file.namelist()
        }


def test_csv_files_keep_raw_seconds(debated):
    files = _zip(_export(debated["session"], "debate.zip"))
    assert sorted(files) == [
        "floor-by-group.csv",
        "floor-by-speaker.csv",
        "floor-not-reached.csv",
        "floor-turns.csv",
        "questions.csv",
    ]
    groups = [
        (r["Groupe d'acteurs"], r["Interventions"], r["Temps de parole (secondes)"],
         r["Part du temps de parole (%)"], r["Participants"], r["Part des participants (%)"])
        for r in files["floor-by-group.csv"]
    ]  # fmt: skip
    assert groups == [
        ("Acteur public", "3", "255", "70.8", "2", "33.3"),
        ("Acteur privé", "1", "60", "16.7", "1", "16.7"),
        ("Acteur associatif", "1", "45", "12.5", "2", "33.3"),
        ("Citoyen·ne", "0", "0", "0.0", "0", "0.0"),
        ("Sans groupe déclaré", "0", "0", "0.0", "1", "16.7"),
    ]
    turns = [
        (r["N°"], r["Intervenant"], r["Durée (secondes)"], r["Limite (secondes)"],
         r["Limite dépassée"], r["Ajouté depuis la salle"])
        for r in files["floor-turns.csv"]
    ]  # fmt: skip
    assert turns == [
        ("1", "Anne", "150", "120", "Oui", "Non"),
        ("2", "Bruno", "60", "120", "Non", "Non"),
        ("4", "Chloé", "45", "120", "Non", "Non"),
        ("6", "Échevin Martin", "75", "120", "Non", "Oui"),
        ("9", "Anne", "30", "120", "Non", "Non"),
    ]
    assert all(r["Début"] and r["Fin"] for r in files["floor-turns.csv"])
    assert [(r["Intervenant"], r["Temps de parole (secondes)"]) for r in
            files["floor-by-speaker.csv"]] == [
        ("Anne", "180"), ("Échevin Martin", "75"), ("Bruno", "60"), ("Chloé", "45"),
    ]  # fmt: skip
    assert [(r["Nom"], r["Ce qu'il en est advenu"]) for r in files["floor-not-reached.csv"]] == [
        ("Dirk", "retirée par la personne"),
        ("Eva", "toujours en attente à la fin"),
        ("M. Petit", "retirée de la liste par l'animation"),
    ]
    ids = debated["questions"]
    questions = [
        (r["N°"], r["Question"], r["Statut"], r["Fusionnée avec (n°)"], r["Soutiens"],
         r["Adressée à"])
        for r in files["questions.csv"]
    ]  # fmt: skip
    assert questions == [
        (str(ids["kept"]), Q["kept"], "répondue", "", "4", DEBATE_SPEAKER),
        (str(ids["merged"]), Q["merged"], f"fusionnée avec « {Q['kept']} »", str(ids["kept"]),
         "2", DEBATE_SPEAKER),
        (str(ids["open"]), Q["open"], "non abordée", "", "1", "la salle"),
        (str(ids["hidden"]), "(texte masqué)", "masquée par la modération", "", "0", "la salle"),
        (str(ids["pending"]), Q["pending"], "en attente de modération", "", "0", "la salle"),
    ]  # fmt: skip
    assert files["questions.csv"][0]["Répondue à"]
    flat = json.dumps(files, ensure_ascii=False)
    assert Q["hidden"] not in flat
    assert "Simulé" not in flat
    with_rehearsal = _zip(_export(debated["session"], "debate.zip", include_rehearsal=True))
    assert len(with_rehearsal["floor-turns.csv"]) == 6
    assert Q["rehearsal"] in json.dumps(with_rehearsal, ensure_ascii=False)


def test_csv_cells_never_run_as_formulas(app, debate_app):
    with app.test_request_context():
        session = builders.gen_session()
        debate_service.add_to_floor(session.id, "=HYPERLINK(1)", None)
        files = _zip(_export(session, "debate.zip"))
    assert files["floor-not-reached.csv"][0]["Nom"] == "'=HYPERLINK(1)"


def test_json_keeps_raw_seconds(debated):
    data = json.loads(_export(debated["session"], "json"))
    debate = data["summary"]["debate"]
    assert debate == json.loads(json.dumps(figures.session_summary(debated["session"])["debate"]))
    assert [t["duration_s"] for t in debate["floor"]["turns"]] == [150, 60, 45, 75, 30]
    assert debate["floor"]["total_seconds"] == 360
    assert debate["questions"]["counts"] == dict.fromkeys(STATUSES, 1)
    raw = json.dumps(data, ensure_ascii=False)
    assert Q["hidden"] not in raw
    assert Q["rehearsal"] not in raw


def test_printable_html(debated):
    html = _export(debated["session"], "html").decode()
    tree = lxml.html.fromstring(html)
    _assert_debate_page(tree)
    assert tree.xpath('//details[@class="floor-turns"]/@open')  # printed unfolded


def test_http_download_and_cli(client, auth, facilitator, runner, debated, tmp_path):
    session = debated["session"]
    builders.assign(facilitator, session)
    auth.login()
    response = client.get(f"/summary/{session.code}/export.debate.zip")
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    assert f"{session.slug}-{session.code}.debate.zip" in response.headers["Content-Disposition"]
    assert len(_zip(response.data)["floor-turns.csv"]) == 5
    out = tmp_path / "debate.zip"
    result = runner.invoke(args=["export", session.code, "--format", "debate.zip", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert len(_zip(out.read_bytes())["questions.csv"]) == 5


def test_the_purge_keeps_the_totals_and_drops_names_and_texts(client, auth, facilitator, debated):
    session = debated["session"]
    privacy.purge(session, archive.archived(session))
    kept = figures.session_summary(session)["debate"]
    assert kept["purged"] is True
    assert kept["floor"]["by_group"][0]["seconds"] == 255
    assert kept["questions"]["counts"] == dict.fromkeys(STATUSES, 1)
    raw = json.dumps(kept, ensure_ascii=False)
    for name in ("Anne", "Bruno", "Chloé", "Martin", "Dirk", "Eva", "Petit"):
        assert name not in raw
    for text in Q.values():
        assert text not in raw
    tree = _page(client, auth, facilitator, session)
    assert _rows(_by_id(tree, "floor-by-group")) == BY_GROUP
    debate_part = words(_by_id(tree, "debate").text_content())
    assert "ont été effacés avec les contributions des participants" in debate_part
    assert NOT_REACHED_LINE in debate_part
    assert not tree.xpath('//*[@id="qa-report"]')
    markdown = _export(session, "md").decode()
    assert _md_table(markdown, BY_GROUP_CAPTION) == BY_GROUP


# --- in Chromium ---------------------------------------------------------------------------------


@pytest.mark.e2e
def test_the_debate_part_in_chromium(tmp_path):
    """The summary page of a played debate: no axe-core violation; screenshots of its debate
    part at 1280 and 360 px wide (docs/screenshots/debate/summary-debate*.png)."""
    import shutil

    from playwright.sync_api import expect, sync_playwright

    from tests.support import unavailable

    chromium_path = shutil.which("chromium")
    if chromium_path is None:
        unavailable("Debian's chromium is not installed (apt-get install -y chromium)")
    from tests.e2e.axe import violations
    from tests.e2e.conftest import CHROMIUM_ARGS, serving
    from tests.e2e.helpers import PHONE, WAIT, log_in, new_page

    def prepare(env: dict[str, str], database: Path) -> str:
        from workshop import create_app
        from workshop.extensions import db

        app = create_app(
            {
                "INSTANCE_PATH": env["WORKSHOP_INSTANCE_PATH"],
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
                "SOCKETIO_ASYNC_MODE": "threading",
                "RESULTS_PUSH_INTERVAL": 0,
                "COMMENTS_PUSH_INTERVAL": 0,
            }
        )
        clock = FloorClock()
        with pytest.MonkeyPatch.context() as patch, app.app_context():
            patch.setattr(floor_service, "_now", clock)
            with app.test_request_context(headers={"Accept-Language": "fr"}):
                session = builders.gen_session(title="Contractualisation et partenariat")
                gen_debate(session, clock)
                code = session.code
            db.session.remove()
            db.engine.dispose()
        return code

    expect.set_options(timeout=WAIT)
    errors: list[str] = []
    with (
        serving(tmp_path, prepare) as server,
        sync_playwright() as playwright,
    ):
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            for name, options in (
                ("summary-debate.png", {"viewport": {"width": 1280, "height": 900},
                                        "locale": "fr-BE"}),
                ("summary-debate-phone.png", PHONE),
            ):  # fmt: skip
                ctx = browser.new_context(**options)
                page = new_page(ctx, errors, name)
                log_in(page, server)
                page.goto(server.url(f"/summary/{server.code}#debate"))
                expect(page.locator("table#floor-by-group tbody tr")).to_have_count(5)
                expect(page.locator("table#qa-report tbody tr")).to_have_count(5)
                page.locator("details.floor-turns > summary").click()
                expect(page.locator("table#floor-turns")).to_be_visible()
                found = violations(page)
                assert found == [], f"{name}: {found}"
                SHOTS.mkdir(parents=True, exist_ok=True)
                page.locator("#debate").screenshot(path=str(SHOTS / name))
                ctx.close()
        finally:
            browser.close()
    assert errors == []

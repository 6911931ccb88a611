"""End to end (issue 12), in Debian's Chromium on a real server process started on an empty
database: an organiser builds the Namur workshop in the forms only, previews it, invites a
facilitator; the facilitator sets a password, finds that session alone in « Mes ateliers »,
rehearses it with 10 simulated phones, resets it and runs one set live with a real phone;
the session's file validates and holds what the shipped file holds. Every page passes
axe-core's WCAG 2.1 AA rules.

The screenshots of ``docs/guide-organisateur.md`` come from this run: set
``WORKSHOP_GUIDE_SHOTS=docs/guide`` to write them there (they always go to the test's
temporary folder)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
import yaml

from .axe import violations
from .conftest import LiveServer, serving
from .helpers import PHONE, WAIT, log_in, new_page

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "sessions" / "namur-2008-12-03-contractualisation.yaml"
PROGRAMME = ROOT / "sessions" / "gouvernance-2008.yaml"
ORGANISER = ("organisatrice", "une phrase assez longue")
CODE = "NAMUR3"
LAPTOP = {"viewport": {"width": 1280, "height": 800}, "locale": "fr-BE"}
NARROW = {"viewport": {"width": 360, "height": 740}, "locale": "fr-BE"}


@pytest.fixture
def empty_server(tmp_path) -> LiveServer:
    """``workshop serve`` on a database that holds nothing but the first organiser, created
    as the README says (``workshop create-user NAME --role organiser``)."""
    with serving(tmp_path, lambda env, database: "", account=ORGANISER) as server:
        yield server


class Pages:
    """Every page visited: axe-core's verdict on it (once per kind of page and state) and,
    when named, its screenshot for the organiser's guide."""

    def __init__(self, shots: Path) -> None:
        self.shots = shots
        self.guide = (
            Path(os.environ["WORKSHOP_GUIDE_SHOTS"])
            if os.environ.get("WORKSHOP_GUIDE_SHOTS")
            else None
        )
        self.checked: set[str] = set()
        self.problems: list[str] = []

    def check(self, page, shot: str | None = None, *, state: str = "", top: bool = False) -> None:
        kind = re.sub(r"/\d+", "/N", page.url.split("?")[0].split("#")[0]) + state
        if kind not in self.checked:
            self.checked.add(kind)
            self.problems += [f"{page.url}{state}: {line}" for line in violations(page)]
        if shot:
            if top:
                page.evaluate("window.scrollTo(0, 0)")
            for folder in filter(None, (self.shots, self.guide)):
                folder.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(folder / f"{shot}.png"))


def _save(page, button: str) -> None:
    """Press a form's button and wait for the page it leads to; a form that comes back with
    errors fails the test, with the errors."""
    with page.expect_navigation():
        page.get_by_role("button", name=button, exact=True).click()
    errors = page.locator("p.error").all_inner_texts()
    assert errors == [], (page.url, errors)


def _fill(page, label: str, value) -> None:
    if value not in (None, ""):
        page.get_by_label(label, exact=True).fill(str(value))


def _fill_from(page, data: dict, fields: dict[str, str]) -> None:
    """Fill the fields labelled as ``fields``' keys with ``data``'s values at its values."""
    for label, key in fields.items():
        _fill(page, label, data.get(key))


def _build_programme(page, pages: Pages, server: LiveServer, programme: dict) -> None:
    page.goto(server.url("/admin/"))
    pages.check(page, "01-organisation")
    page.get_by_role("link", name="Nouveau programme").click()
    _fill_from(
        page,
        programme,
        {
            "Titre": "title",
            "Identifiant (slug)": "slug",
            "Organisateur": "organiser",
            "Description": "description",
        },
    )
    pages.check(page, "02-nouveau-programme")
    _save(page, "Enregistrer le programme")
    for theme in programme["themes"]:
        _fill(page, "Titre du thème", theme["title"])
        _save(page, "Ajouter le thème")
    pages.check(page, "03-programme")


def _build_session(page, pages: Pages, shipped: dict, programme: dict) -> str:
    page.get_by_role("link", name="Nouvel atelier dans ce programme").click()
    _fill(page, "Titre", shipped["title"])
    _fill(page, "Identifiant (slug)", shipped["slug"])
    theme = next(t["title"] for t in programme["themes"] if t["title"] == shipped["theme"])
    position = [t["title"] for t in programme["themes"]].index(theme) + 1
    page.get_by_label("Thème", exact=True).select_option(
        label=f"{programme['title']} — {position}. {theme}"
    )
    _fill(page, "Date", shipped["date"].isoformat())
    _fill(page, "Heure de début", "09:00")
    _fill(page, "Code d'accès", CODE)  # the guide's screenshots show it: the same every run
    _fill_from(
        page,
        shipped,
        {
            "Lieu": "place",
            "Organisateur": "organiser",
            "Enjeu": "theme_statement",
            "Objectif": "objective",
            "Méthode": "method",
        },
    )
    pages.check(page, "04-nouvel-atelier", top=True)
    _save(page, "Enregistrer l'atelier")
    edit_url = page.url
    assert edit_url.endswith(f"/admin/sessions/{shipped['slug']}/edit")

    for speaker in shipped["speakers"]:
        page.get_by_role("link", name="Ajouter un intervenant").click()
        _fill_from(
            page,
            speaker,
            {"Nom": "name", "Clé": "key", "Fonction": "role", "Organisation": "organisation"},
        )
        pages.check(page, "05-intervenant")
        _save(page, "Enregistrer l'intervenant")
        page.goto(edit_url)

    for qset in shipped["question_sets"]:
        page.get_by_role("link", name="Nouvelle série de questions").click()
        _fill(page, "Titre", qset["title"])
        _fill(page, "Clé", qset["key"])
        _save(page, "Créer la série")
        for question in qset["questions"]:
            page.get_by_role("link", name="Ajouter une question").click()
            page.get_by_label("Question", exact=True).fill(question["prompt"])
            page.get_by_label("Type", exact=True).select_option(question["kind"])
            _fill(page, "Clé", question["key"])
            if question.get("options"):
                page.get_by_label("Options (une par ligne)").fill("\n".join(question["options"]))
            if question.get("allow_comment"):
                page.get_by_label("Permettre un commentaire avec la réponse").check()
            pages.check(page, "06-question" if question["kind"] == "choice" else None)
            _save(page, "Enregistrer la question")
        pages.check(page, "07-serie")
        page.goto(edit_url)

    speakers = {s["key"]: s for s in shipped["speakers"]}
    titles = {s["key"]: s["title"] for s in shipped["question_sets"]}
    for item in shipped["agenda"]:
        page.get_by_role("link", name="Ajouter un élément").click()
        page.get_by_label("Type", exact=True).select_option(item["kind"])
        _fill(page, "Titre", item["title"])
        _fill(page, "Texte de la diapositive", item.get("text"))
        for key in item.get("speakers", []):
            name = speakers[key]["name"]
            page.get_by_role("checkbox", name=re.compile("^" + re.escape(name))).check()
        if item.get("question_set"):
            page.get_by_label("Série de questions posée à la salle").select_option(
                label=titles[item["question_set"]]
            )
            pages.check(page, "08-element-temoignage")
        _save(page, "Enregistrer l'élément")
        page.goto(edit_url)
    pages.check(page, "09-atelier")
    return edit_url


def _preview(page, pages: Pages, edit_url: str, set_title: str, prompts: list[str]) -> None:
    from playwright.sync_api import expect

    page.goto(edit_url)
    page.get_by_role("link", name=set_title).click()
    page.set_viewport_size(NARROW["viewport"])
    page.get_by_role("link", name="Aperçu : téléphone").click()
    for prompt in prompts:
        expect(page.get_by_role("group", name=re.compile(re.escape(prompt)))).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    pages.check(page, "10-apercu-telephone")
    page.go_back()
    page.set_viewport_size({"width": 1280, "height": 720})
    page.get_by_role("link", name="Aperçu : écran de la salle").click()
    expect(page.get_by_text(re.compile(re.escape(prompts[0])))).to_be_visible()
    pages.check(page, "11-apercu-ecran")
    page.set_viewport_size(LAPTOP["viewport"])


def _invite(page, pages: Pages, server: LiveServer, username: str, title: str) -> str:
    """Create a facilitator's account by invitation and assign them the session; the link."""
    page.goto(server.url("/admin/"))
    page.get_by_role("link", name="Comptes", exact=True).click()
    page.get_by_label("Nom d'utilisateur").fill(username)
    assert page.get_by_label("Animateur·rice").is_checked()
    assert page.get_by_label(re.compile("Un lien d'invitation")).is_checked()
    pages.check(page, "12-comptes")
    _save(page, "Créer le compte")
    link = page.locator("#secret").input_value()
    assert link.startswith(server.url("/invitation/"))
    pages.check(page, "13-lien-invitation")
    page.get_by_role("link", name="Page du compte : attribuer des ateliers").click()
    page.get_by_role("checkbox", name=re.compile("^" + re.escape(title))).check()
    pages.check(page, "14-attribution")
    _save(page, "Enregistrer les attributions")
    return link


@pytest.mark.timeout(900)
def test_an_organiser_prepares_the_namur_workshop_and_a_facilitator_runs_it(
    browser, empty_server, tmp_path
):
    from playwright.sync_api import expect

    expect.set_options(timeout=WAIT)
    server = empty_server
    shipped = yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))
    programme = yaml.safe_load(PROGRAMME.read_text(encoding="utf-8"))
    pages = Pages(tmp_path / "shots")
    errors: list[str] = []

    # --- the organiser prepares everything in the forms ------------------------------------
    orga_ctx = browser.new_context(**LAPTOP)
    orga = new_page(orga_ctx, errors, "organiser")
    log_in(orga, server)
    _build_programme(orga, pages, server, programme)
    edit_url = _build_session(orga, pages, shipped, programme)
    first = shipped["question_sets"][0]
    _preview(orga, pages, edit_url, first["title"], [q["prompt"] for q in first["questions"]])

    # A second workshop, copied without its sets: the facilitator must not see it.
    orga.goto(edit_url)
    orga.get_by_role("link", name="Copier", exact=True).click()
    orga.get_by_label("Titre de la copie").fill("Participation citoyenne")
    orga.get_by_label("Identifiant (slug) de la copie").fill("participation-citoyenne")
    _save(orga, "Créer la copie")
    link = _invite(orga, pages, server, "claire.martin", shipped["title"])

    # --- the facilitator -------------------------------------------------------------------
    fac_ctx = browser.new_context(**LAPTOP)
    fac = new_page(fac_ctx, errors, "facilitator")
    fac.goto(link)
    pages.check(fac, "15-invitation")
    fac.get_by_label("Mot de passe", exact=True).fill("le jour de l'atelier")
    fac.get_by_label("Confirmez le mot de passe").fill("le jour de l'atelier")
    _save(fac, "Enregistrer mon mot de passe")
    fac.goto(server.url("/mes-ateliers"))
    assert fac.locator(".my-sessions > li h2").all_inner_texts() == [shipped["title"]]
    pages.check(fac, "16-mes-ateliers")
    refused = fac.request.get(server.url("/admin/"))
    assert refused.status == 403
    assert "réservée aux organisateurs" in refused.text()

    # She rehearses with 10 simulated phones, watching the projector.
    screen_ctx = browser.new_context(viewport={"width": 1280, "height": 720}, locale="fr-BE")
    screen = new_page(screen_ctx, errors, "screen")
    fac.get_by_role("link", name="Répétition").first.click()
    code = _code(fac)
    assert code == CODE
    screen.goto(server.url(f"/screen/{code}"))
    expect(screen.locator("#conn")).to_have_attribute("data-state", "online")
    fac.get_by_label("Nombre de téléphones simulés").fill("10")
    fac.get_by_label("Durée de chaque questionnaire (secondes)").fill("2")
    pages.check(fac, "17-repetition")
    _save(fac, "Lancer la répétition")
    # The projector follows: each set's results are shown after it closes.
    expect(screen.locator("#screen")).to_have_attribute("data-state", "results", timeout=120_000)
    expect(fac.locator("#rehearsal-state")).to_have_attribute("data-state", "done", timeout=240_000)
    expect(fac.locator("#rehearsal-state")).to_contain_text("10 téléphones simulés")
    pages.check(fac, "18-repetition-terminee", state="#done")
    fac.get_by_role("link", name="Synthèse").click()
    expect(fac.get_by_text("Répétition : 10 participants simulés, laissés hors des chiffres."))
    pages.check(fac)

    # ... and resets it (after typing the join code).
    fac.go_back()
    fac.get_by_role("link", name="Réinitialiser l'atelier").click()
    expect(fac.locator("p.meta")).to_contain_text("10 participant(s), dont 10 simulé(s)")
    fac.get_by_label("Tapez le code de l'atelier pour confirmer").fill(code.lower())
    pages.check(fac, "19-reinitialiser")
    _save(fac, "Réinitialiser l'atelier")
    expect(fac.get_by_text(re.compile(r"Atelier réinitialisé : 10 participant"))).to_be_visible()
    expect(fac.locator("p.meta")).to_contain_text("0 participant(s)")

    # --- one set live, with a real phone ---------------------------------------------------
    fac.goto(server.url(f"/host/{code}"))
    expect(fac.locator("#conn")).to_have_attribute("data-state", "online")
    pages.check(fac)
    phone_ctx = browser.new_context(**PHONE)
    phone = new_page(phone_ctx, errors, "phone")
    phone.goto(server.url("/join"))
    phone.get_by_label("Code de l'atelier").fill(code)
    phone.get_by_role("button", name="Rejoindre").click()
    expect(phone.locator("#conn")).to_have_attribute("data-state", "online")
    pages.check(phone)
    expect(fac.locator("#phones-count")).to_have_attribute("data-phones", "1")
    fac.locator(".c-set").first.locator('button[data-action="open"]').click()
    questions = phone.locator("fieldset.q")
    expect(questions).to_have_count(len(first["questions"]))
    pages.check(phone, state="#open")
    kinds = [q["kind"] for q in first["questions"]]
    choice, yesno = kinds.index("choice"), kinds.index("yesno")
    questions.nth(choice).get_by_label("6 à 12 mois").check()
    questions.nth(yesno).get_by_label("Oui").check()
    for index in (choice, yesno):
        expect(questions.nth(index).locator(".q-status")).to_have_attribute("data-state", "saved")
    qid = questions.nth(choice).get_attribute("data-question-id")
    expect(
        fac.locator(f'.c-questions li[data-question-id="{qid}"] .answers-count')
    ).to_have_attribute("data-count", "1")
    fac.locator(".c-set").first.locator('button[data-action="reveal"]').click()
    # The projector shows the set two questions a page: the choice question is on page 2.
    fac.locator(".c-set").first.locator('button[data-action="page-next"]').click()
    expect(screen.locator("#set-view")).to_have_attribute("data-page", "1")
    bar = screen.locator(f'#results .result[data-question-id="{qid}"] .bar-row')
    expect(bar.filter(has_text="6 à 12 mois")).to_have_attribute("data-count", "1")
    expect(bar.filter(has_text="moins de 6 mois")).to_have_attribute("data-count", "0")
    pages.check(screen, state="#results")

    # --- the organiser: the journal and the session's file ---------------------------------
    orga.goto(server.url(f"/admin/sessions/{shipped['slug']}/activity"))
    rows = orga.locator("main tbody tr").all_inner_texts()
    for action in (
        "a lancé une répétition",
        "a remis l'atelier à zéro",
        "a ouvert un questionnaire",
    ):
        assert any("claire.martin" in row and action in row for row in rows), (action, rows)
    assert any("organisatrice" in row and "a créé l'atelier" in row for row in rows)
    pages.check(orga, "20-journal")

    response = orga.request.get(server.url(f"/admin/sessions/{shipped['slug']}.yaml"))
    assert response.ok
    dumped_path = tmp_path / f"{shipped['slug']}.yaml"
    dumped_path.write_text(response.text(), encoding="utf-8")
    from workshop.sessions_files import validate_paths

    assert validate_paths([dumped_path]) == []
    dumped = yaml.safe_load(response.text())
    assert _sets(dumped) == _sets(shipped)
    assert _agenda(dumped) == _agenda(shipped)
    assert _speakers(dumped) == _speakers(shipped)
    for key in ("title", "programme", "theme", "date", "place", "organiser", "objective"):
        assert dumped[key] == shipped[key], key
    for key in ("theme_statement", "method"):
        assert dumped[key].split() == shipped[key].split(), key

    print("axe-checked pages:", len(pages.checked))
    assert pages.problems == [], "\n".join(pages.problems)
    assert errors == [], errors
    for ctx in (orga_ctx, fac_ctx, screen_ctx, phone_ctx):
        ctx.close()


def _code(page) -> str:
    """The join code a rehearsal page names (« … l'atelier (code ABC123) … »)."""
    match = re.search(r"\(code ([A-Z0-9]{6})\)", page.locator("main").inner_text())
    assert match, page.url
    return match.group(1)


def _sets(data: dict) -> list:
    return [
        (
            s["key"],
            s["title"],
            [
                (
                    q["key"],
                    q["prompt"].split(),
                    q["kind"],
                    q.get("options"),
                    bool(q.get("allow_comment")),
                )
                for q in s["questions"]
            ],
        )
        for s in data["question_sets"]
    ]


def _agenda(data: dict) -> list:
    return [
        (
            i["kind"],
            i["title"],
            (i.get("text") or "").split(),
            i.get("speakers", []),
            i.get("question_set"),
        )
        for i in data["agenda"]
    ]


def _speakers(data: dict) -> list:
    return [(s["key"], s["name"], s.get("role"), s.get("organisation")) for s in data["speakers"]]


def test_an_organiser_prepares_a_workshop_at_a_phones_width(browser, live_server, tmp_path):
    """The forms at 360 px and from the keyboard: a field's error next to it, an agenda item
    moved with « Descendre » and Enter; the downloaded file validates."""
    errors: list[str] = []
    ctx = browser.new_context(**NARROW)
    page = new_page(ctx, errors, "organiser")
    log_in(page, live_server)

    page.goto(live_server.url("/admin/"))
    page.get_by_role("link", name="Nouvel atelier").click()
    page.get_by_label("Titre", exact=True).fill("Participation citoyenne")
    page.get_by_label("Date").fill("2009-02-11")
    page.get_by_label("Heure de début").fill("09:30")
    page.get_by_label("Lieu").fill("Liège")
    with page.expect_navigation():
        page.get_by_role("button", name="Enregistrer l'atelier").click()
    page.wait_for_url(re.compile(r".*/admin/sessions/participation-citoyenne/edit"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    page.get_by_role("link", name="Ajouter un intervenant").click()
    page.get_by_label("Nom", exact=True).fill("Marie Dupont")
    page.get_by_label("Organisation").fill("Ville de Liège")
    _save(page, "Enregistrer l'intervenant")

    page.get_by_role("link", name="Nouvelle série de questions").click()
    page.get_by_label("Titre").fill("Élaboration")
    _save(page, "Créer la série")
    page.get_by_role("link", name="Ajouter une question").click()
    page.get_by_label("Question", exact=True).fill("Quel moyen ?")
    page.get_by_label("Type").select_option("choice")
    page.get_by_label("Options (une par ligne)").fill("un seul")
    with page.expect_navigation():
        page.get_by_role("button", name="Enregistrer la question").click()
    options = page.locator("#options")
    assert options.get_attribute("aria-invalid") == "true"
    assert "demande au moins 2 options" in page.locator("#options-error").inner_text()
    options.fill("contrat\nconvention\npartenariat")
    _save(page, "Enregistrer la question")
    page.get_by_role("link", name="Aperçu : téléphone").click()
    assert page.get_by_text("convention").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    for title in ("Accueil", "Témoignage"):
        page.goto(live_server.url("/admin/sessions/participation-citoyenne/edit"))
        page.get_by_role("link", name="Ajouter un élément").click()
        page.get_by_label("Titre").fill(title)
        if title == "Témoignage":
            page.get_by_label("Type").select_option("testimony")
            page.get_by_label("Marie Dupont (Ville de Liège)").check()
            page.get_by_label("Série de questions posée à la salle").select_option(
                label="Élaboration"
            )
        _save(page, "Enregistrer l'élément")

    # « Descendre » from the keyboard: focus the button, press Enter.
    down = page.get_by_role("button", name="Descendre : Accueil")
    down.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    agenda = page.locator("#agenda ol > li .item-main a").all_inner_texts()
    assert agenda == ["Témoignage", "Accueil"]

    response = page.request.get(
        live_server.url("/admin/sessions/participation-citoyenne.yaml"), timeout=WAIT
    )
    data = yaml.safe_load(response.text())
    assert data["start_time"] == "09:30"
    assert [item["title"] for item in data["agenda"]] == ["Témoignage", "Accueil"]
    assert data["agenda"][0]["speakers"] == ["marie-dupont"]
    assert data["agenda"][0]["question_set"] == "elaboration"
    path = tmp_path / "participation-citoyenne.yaml"
    path.write_text(response.text(), encoding="utf-8")

    from workshop.sessions_files import validate_paths

    assert validate_paths([path]) == []
    assert errors == []
    ctx.close()

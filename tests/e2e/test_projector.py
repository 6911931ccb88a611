"""The projector read from the back of the room (issue 13): no visible text under 24 px at
1920 × 1080 nor under 16 px at 1280 × 720 (measured from computed styles), nothing that needs
scrolling, a whole set shown two questions a page (paged by the facilitator or automatically),
the speakers of a testimony, the timer, three themes that pass axe, and a reload that restores
the same view. The facilitator's side is a console socket driven from the test."""

from __future__ import annotations

import re
import tempfile
import time
from pathlib import Path

import pytest

from tests.e2e.axe import violations
from tests.e2e.helpers import WAIT, log_in, new_page, seeding

pytestmark = pytest.mark.e2e

SHOTS = Path(tempfile.gettempdir()) / "shots-projector"  # to look at, not compared
SIZES = {"1920x1080": (1920, 1080, 24), "1280x720": (1280, 720, 16)}
SPEAKER = ("Claire Dubois", "Directrice générale", "Ville de Namur")
LATER = [
    "Atelier en sous-groupes : les conditions d'un partenariat équilibré",
    "Mise en commun",
    "Pause",
    "Témoignage 2 : le point de vue des associations",
    "Conclusions et suites",
]
IDEA = "associer les habitant·es dès le diagnostic, avec des rencontres dans les quartiers."
SLIDE = "Dix ans de contrats de ville.\n\nCe qui a marché, ce qui a coincé."

# The smallest font size of any visible text: every element with a text node of its own, that
# is rendered, not visually hidden (1 px boxes), and at least partly inside the viewport.
SMALLEST_TEXT = """() => {
  let smallest = null;
  for (const node of document.body.querySelectorAll('*')) {
    const own = Array.from(node.childNodes)
      .filter((n) => n.nodeType === Node.TEXT_NODE).map((n) => n.textContent).join('').trim();
    if (!own) continue;
    const style = getComputedStyle(node);
    if (style.visibility !== 'visible' || parseFloat(style.opacity) === 0) continue;
    const box = node.getBoundingClientRect();
    if (box.width < 2 || box.height < 2) continue;
    if (box.bottom <= 0 || box.right <= 0) continue;
    if (box.top >= innerHeight || box.left >= innerWidth) continue;
    const size = parseFloat(style.fontSize);
    if (!smallest || size < smallest.size) {
      const classes = typeof node.className === 'string' ? node.className.trim() : '';
      const name = node.tagName.toLowerCase() + (node.id ? '#' + node.id : '') +
        (classes ? '.' + classes.split(/\\s+/).join('.') : '');
      smallest = { size, element: name, text: own.slice(0, 60) };
    }
  }
  return smallest;
}"""

# Nothing needs scrolling: the page, the main view and the side column fit.
FITS = """() => {
  const view = document.getElementById('set-view'), body = document.getElementById('screen-live');
  const side = document.getElementById('screen-side');
  return {
    page: document.documentElement.scrollHeight <= innerHeight
      && document.documentElement.scrollWidth <= innerWidth,
    view: view.scrollHeight <= body.clientHeight + 1,
    side: side.scrollHeight <= side.clientHeight + 1,
  };
}"""

IN_VIEWPORT = """(selector) => {
  const node = document.querySelector(selector);
  if (!node) return false;
  const box = node.getBoundingClientRect();
  return box.width > 0 && box.height > 0 && box.top >= 0 && box.left >= 0 &&
    box.bottom <= innerHeight && box.right <= innerWidth;
}"""

CONNECT = """(code) => new Promise((resolve, reject) => {
  const socket = io({ auth: { code, role: 'console' }, forceNew: true });
  window.ctl = socket;
  socket.on('connect', () => resolve(true));
  socket.on('connect_error', (err) => reject(new Error(String(err && err.message))));
})"""

EMIT = """([event, payload]) => new Promise((resolve) => {
  window.ctl.timeout(8000).emit(event, payload, (err, res) =>
    resolve(err ? { ok: false, error: { code: 'timeout' } } : res));
})"""


def _seed(live_server, instance: Path) -> None:
    """Seven questions in the first set (four pages), left ready; five participants' answers
    with comments; the testimony's speaker and slide text; planned start times."""
    import datetime as dt

    from tests import builders
    from workshop.models import AgendaItem, Answer, Participant
    from workshop.models.enums import SetState

    with seeding(live_server.database_url, live_server.code, instance) as session:
        qset = session.question_sets[0]
        qset.state = SetState.READY
        builders.gen_question(qset, "scale", prompt="Le partenariat est-il équilibré ?")
        builders.gen_question(
            qset,
            "multi",
            prompt="Quels acteurs associer en priorité au contrat de ville ?",
            options=[
                "Les communes",
                "Le CPAS",
                "Les associations de quartier",
                "Les écoles",
                "Les entreprises locales",
                "La police locale",
                "Les habitant·es",
                "La Région wallonne",
            ],
            max_choices=3,
        )
        builders.gen_question(qset, "words", prompt="Un mot pour le partenariat ?")
        builders.gen_question(qset, "open", prompt="Une idée pour la suite ?")
        questions = sorted(qset.questions, key=lambda q: q.position)
        words = ["confiance", "temps", "moyens", "écoute", "clarté"]
        for i in range(5):
            participant = Participant(session=session, token=f"seed-token-{i}")
            session_db = builders.db.session
            session_db.add(participant)
            session_db.flush()
            for q in questions:
                kind = q.kind.value
                value, text = {
                    "choice": (i % 3, None),
                    "yesno": (["yes", "no", "dontknow"][i % 3], None),
                    "open": (None, f"Idée {i + 1} : {IDEA}"),
                    "scale": (1 + i % 5, None),
                    "multi": ([i % 8, (i + 3) % 8], None),
                    "words": ([words[i], words[(i + 1) % 5]], None),
                }[kind]
                session_db.add(
                    Answer(
                        participant=participant,
                        question_id=q.id,
                        client_id=f"seed-{i}-{q.id}",
                        value=value,
                        text=text,
                    )
                )
        for position, title in enumerate(LATER, start=len(session.agenda)):
            session.agenda.append(AgendaItem(position=position, title=title, duration_min=20))
        items = sorted(session.agenda, key=lambda item: item.position)
        for n, item in enumerate(items):
            item.planned_start = dt.time(9 + n, 30)
        testimony = items[1]
        speaker = session.speakers[0]
        speaker.name, speaker.role, speaker.organisation = SPEAKER
        testimony.speakers = [speaker]
        testimony.text = SLIDE


def _console(browser, live_server, errors):
    """A logged-in page holding a console socket (window.ctl) to drive the session."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 800}, locale="fr-BE")
    page = new_page(ctx, [], "console")  # its own page's errors are not ours
    log_in(page, live_server)
    page.goto(live_server.url(f"/screen/{live_server.code}"))
    from playwright.sync_api import expect

    expect(page.locator("#conn")).to_have_attribute("data-state", "online")
    page.evaluate(CONNECT, live_server.code)
    return ctx, page


def _emit(page, event: str, payload: dict) -> dict:
    res = page.evaluate(EMIT, [event, payload])
    assert res.get("ok"), (event, payload, res)
    return res


def _screen(browser, live_server, errors, size: str):
    width, height, _ = SIZES[size]
    ctx = browser.new_context(viewport={"width": width, "height": height}, locale="fr-BE")
    page = new_page(ctx, errors, f"screen {size}")
    page.goto(live_server.url(f"/screen/{live_server.code}"))
    from playwright.sync_api import expect

    expect(page.locator("#conn")).to_have_attribute("data-state", "online")
    return ctx, page


def _settle(page) -> None:
    """Let the page draw and fit (fitting is synchronous; fonts and layout settle in a frame)."""
    page.evaluate("() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))")


def _check_readable(page, size: str, what: str) -> None:
    _settle(page)
    minimum = SIZES[size][2]
    smallest = page.evaluate(SMALLEST_TEXT)
    assert smallest["size"] >= minimum, (size, what, smallest)
    fits = page.evaluate(FITS)
    assert all(fits.values()), (size, what, fits)
    for selector in ("#join-code", "#join-box svg.qr", "#now-title", "#conn"):
        assert page.evaluate(IN_VIEWPORT, selector), (size, what, selector)


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / name))


def test_the_projector_is_readable_pages_and_keeps_its_view(live_server, browser, tmp_path):
    from playwright.sync_api import expect

    expect.set_options(timeout=WAIT)
    errors: list[str] = []
    _seed(live_server, tmp_path / "seed-instance")
    console_ctx, ctl = _console(browser, live_server, errors)
    screens = {size: _screen(browser, live_server, errors, size) for size in SIZES}
    big = screens["1920x1080"][1]

    # Before the start: the join box big, the agenda's first item next, the local-address
    # warning a banner at the bottom that pushes nothing away.
    for size, (_, page) in screens.items():
        expect(page.locator("#screen")).to_have_attribute("data-state", "waiting")
        expect(page.locator(".live-agenda-item.next .item-title")).to_have_text("Welcome")
        _check_readable(page, size, "waiting")
        _shot(page, f"waiting-{size}.png")
    warning = big.locator(".local-warning")
    if warning.count():
        assert big.evaluate(IN_VIEWPORT, ".local-warning")
        box = warning.bounding_box()
        assert box["height"] <= 3 * 40, box  # two or three lines, not a block
        agenda_box = big.locator("#now-card").bounding_box()
        assert agenda_box["y"] + agenda_box["height"] <= box["y"]

    # The testimony: its speaker (name, role, organisation) and its slide text.
    _emit(ctl, "agenda_goto", {"position": 1})
    for size, (_, page) in screens.items():
        expect(page.locator("#screen")).to_have_attribute("data-state", "slide")
        speaker = page.locator("#speakers .speaker")
        expect(speaker.locator(".speaker-name")).to_have_text(SPEAKER[0])
        expect(speaker.locator(".speaker-about")).to_have_text(f"{SPEAKER[1]}, {SPEAKER[2]}")
        expect(page.locator("#slide-text p")).to_have_count(2)
        expect(page.locator("#now-title")).to_have_text("Testimony")
        expect(page.locator("#timer")).to_contain_text("sur 15:00")
        expect(page.locator(".live-agenda-item.next .item-title")).to_have_text("Debate")
        expect(page.locator(".live-agenda-item.next .item-when")).to_contain_text("11:30")
        _check_readable(page, size, "testimony")
        _shot(page, f"testimony-{size}.png")
    assert violations(big) == []

    # The set opened: its questions two at a time, « page 1 / 4 ».
    opened = _emit(ctl, "set_open", {"set_id": _set_id(ctl)})["set"]
    set_id, qids = opened["id"], [q["id"] for q in opened["questions"]]
    assert len(qids) == 7
    for size, (_, page) in screens.items():
        expect(page.locator("#screen")).to_have_attribute("data-state", "set")
        expect(page.locator(".screen-questions > li")).to_have_count(2)
        expect(page.locator("#screen-page")).to_have_text("page 1 / 4")
        _check_readable(page, size, "questions")
        _shot(page, f"questions-{size}.png")

    # Revealed: the results of the page's two questions, readable and within the screen.
    _emit(ctl, "set_reveal", {"set_id": set_id, "revealed": True})
    for size, (_, page) in screens.items():
        expect(page.locator("#screen")).to_have_attribute("data-state", "results")
        expect(page.locator("#results .result")).to_have_count(2)
        expect(
            page.locator(f'#results .result[data-question-id="{qids[0]}"] .respondents')
        ).to_have_attribute("data-respondents", "5")
        _check_readable(page, size, "results page 1")
        _shot(page, f"results-{size}.png")

    # The facilitator turns the pages: each page readable, the long ones capped to fit.
    for page_no in (1, 2, 3):
        _emit(ctl, "set_page", {"set_id": set_id, "page": page_no})
        for size, (_, page) in screens.items():
            expect(page.locator("#set-view")).to_have_attribute("data-page", str(page_no))
            expect(page.locator("#screen-page")).to_have_text(f"page {page_no + 1} / 4")
            shown = qids[page_no * 2 : page_no * 2 + 2]
            expect(page.locator("#results .result")).to_have_count(len(shown))
            for qid in shown:
                expect(page.locator(f'#results .result[data-question-id="{qid}"]')).to_be_visible()
            _check_readable(page, size, f"results page {page_no + 1}")
            if page_no == 2:
                _shot(page, f"results-page3-{size}.png")
    # A reload shows the same page.
    _emit(ctl, "set_page", {"set_id": set_id, "page": 2})
    expect(big.locator("#set-view")).to_have_attribute("data-page", "2")
    big.reload()
    expect(big.locator("#conn")).to_have_attribute("data-state", "online")
    expect(big.locator("#set-view")).to_have_attribute("data-page", "2")

    # Automatic pages every 5 s, from the server's clock: the page turns by itself, and a
    # reload right after a turn shows the page the others show.
    _emit(ctl, "screen_settings", {"autopage_s": 5})
    expect(big.locator("#set-view")).to_have_attribute("data-page", "3", timeout=8_000)
    small = screens["1280x720"][1]
    expect(small.locator("#set-view")).to_have_attribute("data-page", "3")
    big.reload()
    expect(big.locator("#conn")).to_have_attribute("data-state", "online")
    shown_after = big.locator("#set-view").get_attribute("data-page")
    assert shown_after == small.locator("#set-view").get_attribute("data-page"), shown_after
    expect(big.locator("#set-view")).to_have_attribute("data-page", "0", timeout=8_000)
    _emit(ctl, "screen_settings", {"autopage_s": 0})

    # One question focused wins over pages.
    _emit(ctl, "set_focus", {"set_id": set_id, "question_id": qids[3]})
    for size, (_, page) in screens.items():
        expect(page.locator("#screen")).to_have_attribute("data-focus", "question")
        expect(page.locator("#results .result")).to_have_count(1)
        expect(page.locator("#screen-page")).to_be_hidden()
        _check_readable(page, size, "focus")
    _emit(ctl, "set_focus", {"set_id": set_id, "question_id": None})

    # Themes: applied live, kept by a reload, each passing axe (WCAG 2.1 AA).
    assert violations(big) == [], "dark"
    for theme in ("light", "contrast", "dark"):
        _emit(ctl, "screen_settings", {"theme": theme})
        for _, page in screens.values():
            expect(page.locator("body")).to_have_attribute("data-theme", theme)
        assert violations(big) == [], theme
        big.reload()
        expect(big.locator("#conn")).to_have_attribute("data-state", "online")
        expect(big.locator("body")).to_have_attribute("data-theme", theme)
        _check_readable(big, "1920x1080", f"theme {theme}")
        _shot(big, f"results-{theme}-1920x1080.png")

    # The timer: paused, it stops and says so; a reload shows the same time.
    _emit(ctl, "timer", {"action": "pause"})
    for page in (big, small):
        expect(page.locator("#timer-flag")).to_have_text(re.compile("en pause"))
        expect(page.locator("#screen")).to_have_attribute("data-timer", "paused")
    before = big.locator("#timer").text_content()
    time.sleep(1.5)
    assert big.locator("#timer").text_content() == before
    big.reload()
    expect(big.locator("#timer-flag")).to_have_text(re.compile("en pause"))
    assert big.locator("#timer").text_content() == before
    # Running again: a reload shows the same time, to a second (and the time the reload took).
    _emit(ctl, "timer", {"action": "resume"})
    expect(big.locator("#timer-flag")).to_be_hidden()
    before = _seconds(big.locator("#timer").text_content())
    started = time.monotonic()
    big.reload()
    expect(big.locator("#conn")).to_have_attribute("data-state", "online")
    after = _seconds(big.locator("#timer").text_content())
    assert 0 <= after - before <= time.monotonic() - started + 1.5, (before, after)

    # Past its planned time (+ the minutes added): the overrun is written, not only coloured.
    _emit(ctl, "timer", {"action": "extend", "minutes": 1})
    expect(big.locator("#timer")).to_contain_text("sur 16:00")
    with seeding(live_server.database_url, live_server.code, tmp_path / "seed-instance") as session:
        import datetime as dt

        item = next(i for i in session.agenda if i.position == 1)
        item.timer_elapsed_s = 17 * 60 + 5.0
        item.timer_since = dt.datetime.now(dt.UTC)
    for page in (big, small):
        page.reload()
        expect(page.locator("#timer-flag")).to_have_text(re.compile(r"dépassement \+1:0\d"))
        expect(page.locator("#screen")).to_have_attribute("data-timer", "over")
        _check_readable(page, "1920x1080" if page is big else "1280x720", "overrun")
    _shot(big, "overrun-1920x1080.png")
    assert violations(big) == []
    _emit(ctl, "set_page", {"set_id": set_id, "page": 3})
    for size, (_, page) in screens.items():
        expect(page.locator("#set-view")).to_have_attribute("data-page", "3")
        _check_readable(page, size, "open answers")
        _shot(page, f"results-page4-{size}.png")
    _emit(ctl, "agenda_goto", {"position": 0})
    expect(big.locator("#screen")).to_have_attribute("data-item", "0")
    assert violations(big) == []

    assert errors == [], errors
    for ctx, _ in screens.values():
        ctx.close()
    console_ctx.close()


def _seconds(text: str) -> int:
    """« 4:12 sur 15:00 » → 252."""
    m, s = re.match(r"\s*(\d+):(\d\d)", text).groups()
    return int(m) * 60 + int(s)


def _set_id(ctl) -> int:
    """The id of the first question set (from the console's snapshot)."""
    snap = _emit(ctl, "resync", {})["snapshot"]
    return snap["sets"][0]["id"]

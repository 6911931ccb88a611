"""Plain helpers shared by the end-to-end tests: the phone's browser context, pages that record
their JavaScript errors, the facilitator's login and the projector."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

PHONE = {
    "viewport": {"width": 360, "height": 740},
    "device_scale_factor": 2,
    "has_touch": True,
    "locale": "fr-BE",
}
WAIT = 30_000  # ms: generous, the suite must hold on a loaded 2-core machine
#: The debate's screenshots, shipped with the docs.
DEBATE_SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "debate"


def watch_errors(page, errors: list[str], name: str) -> None:
    page.on("pageerror", lambda exc: errors.append(f"{name}: {exc}"))


def new_page(ctx, errors: list[str], name: str):
    """A page of ``ctx`` that waits up to ``WAIT`` and adds its JavaScript errors to ``errors``."""
    page = ctx.new_page()
    page.set_default_timeout(WAIT)
    watch_errors(page, errors, name)
    return page


def log_in(page, live_server) -> None:
    """The facilitator logs in through the form."""
    page.goto(live_server.url("/login"))
    page.get_by_label("Nom d'utilisateur").fill(live_server.username)
    page.get_by_label("Mot de passe").fill(live_server.password)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(re.compile(r".*/(?!login).*"))


def shot(
    page, name: str, at: str | None = None, *, folder: Path = DEBATE_SHOTS, full_page: bool = False
) -> None:
    """A screenshot of the viewport (or the whole page) into ``folder``, scrolled first so that
    ``at`` is at the top."""
    if at is not None:
        page.locator(at).evaluate("n => n.scrollIntoView({block: 'start'})")
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / name), full_page=full_page)


def is_focused(locator) -> bool:
    return locator.evaluate("node => node === document.activeElement")


def tab_to(page, locator, limit: int = 300) -> None:
    """Press Tab (from the top of the page) until ``locator`` has the focus."""
    page.evaluate("document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0)")
    for _ in range(limit):
        page.keyboard.press("Tab")
        if is_focused(locator):
            return
    raise AssertionError(f"Tab never reached {locator}")


def press(page, locator, key: str = "Enter") -> None:
    """Reach ``locator`` with Tab from the top of the page, then press ``key``."""
    tab_to(page, locator)
    page.keyboard.press(key)


def open_console(browser, live_server, errors: list[str], options: dict, name: str = "console"):
    """The facilitator's console (logged in through the form), online: its context and page."""
    from playwright.sync_api import expect

    ctx = browser.new_context(**options)
    page = new_page(ctx, errors, name)
    log_in(page, live_server)
    page.goto(live_server.url(f"/host/{live_server.code}"))
    expect(page.locator("#conn")).to_have_attribute("data-state", "online")
    return ctx, page


def to_first_testimony(console) -> None:
    """« Point suivant » four times: the Namur workshop's first testimony (its item index 3)."""
    from playwright.sync_api import expect

    for _ in range(4):
        title = console.locator("#now-title").inner_text()
        console.locator("#agenda-next").click()
        expect(console.locator("#now-title")).not_to_have_text(title)
    expect(console.locator("#now-kind")).to_have_text("Témoignage")


def open_screen(browser, live_server, errors: list[str]):
    """The projector (1280 × 720), online: its context and its page."""
    from playwright.sync_api import expect

    screen_ctx = browser.new_context(viewport={"width": 1280, "height": 720}, locale="fr-BE")
    screen = new_page(screen_ctx, errors, "screen")
    screen.goto(live_server.url(f"/screen/{live_server.code}"))
    expect(screen.locator("#conn")).to_have_attribute("data-state", "online")
    return screen_ctx, screen


@contextmanager
def seeding(database_url: str, code: str, instance: Path) -> Iterator[Any]:
    """The live server's session, its first set opened, in an app of this test's own (on the
    server's database, with its own instance folder): seed it inside the block; committed at
    the end."""
    from sqlalchemy import select

    from workshop import create_app
    from workshop.extensions import db
    from workshop.models import Session
    from workshop.models.enums import SetState

    app = create_app(
        {
            "INSTANCE_PATH": str(instance),
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SOCKETIO_ASYNC_MODE": "threading",
        }
    )
    with app.app_context():
        session = db.session.scalars(select(Session).where(Session.code == code)).one()
        session.question_sets[0].state = SetState.OPEN
        yield session
        db.session.commit()
        db.session.remove()
        db.engine.dispose()

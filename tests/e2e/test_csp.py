"""The Content-Security-Policy in Chromium (workshop/security.py): the phone, the projector with
its QR code, the console and the summary work under it without a single violation — scripts,
the vendored socket.io client over a websocket, inline style attributes, the inline SVG — and
an injected inline script does not run."""

from __future__ import annotations

import time

import pytest

from tests.e2e.helpers import PHONE, WAIT, log_in, new_page

pytestmark = pytest.mark.e2e

#: Runs first in every document: records the CSP violations the page reports.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(e.violatedDirective + " " + e.blockedURI + " " + e.sourceFile);
});
"""


def _context(browser, **options):
    """A browser context whose every document records its CSP violations."""
    ctx = browser.new_context(**options)
    ctx.add_init_script(RECORD_VIOLATIONS)
    return ctx


def _watched(ctx, errors: list[str], messages: list[str], name: str):
    """A page that records its JavaScript errors and console messages (a CSP violation is one
    too: « Refused to … »)."""
    page = new_page(ctx, errors, name)

    def record(msg) -> None:
        url = msg.location.get("url") or ""
        if url.endswith("/favicon.ico"):  # Chromium asks for one; the site has none (a 404)
            return
        messages.append(f"{name} {msg.type}: {msg.text} ({url})")

    page.on("console", record)
    return page


def _violations(page) -> list[str]:
    return page.evaluate("window.__cspViolations")


def _wait_for(page, condition, what: str) -> None:
    """Poll what Playwright records. The sync API dispatches its events (a websocket frame)
    only while Python is inside a Playwright call: wait in the page, never with time.sleep, or
    a frame that arrives after the last call is never recorded (this flaked under CI load)."""
    deadline = time.monotonic() + WAIT / 1000
    while not condition():
        assert time.monotonic() < deadline, what
        page.wait_for_timeout(100)


def test_pages_run_under_the_csp_without_violations(live_server, browser):
    from playwright.sync_api import expect

    expect.set_options(timeout=WAIT)
    errors: list[str] = []
    messages: list[str] = []
    code = live_server.code

    # The facilitator's console.
    console_ctx = _context(browser, locale="fr-BE")
    console = _watched(console_ctx, errors, messages, "console")
    log_in(console, live_server)
    response = console.goto(live_server.url(f"/host/{code}"))
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    expect(console.locator("#conn")).to_have_attribute("data-state", "online")

    # The projector, its QR code drawn (inline SVG).
    screen_ctx = _context(browser, viewport={"width": 1280, "height": 720}, locale="fr-BE")
    screen = _watched(screen_ctx, errors, messages, "screen")
    screen.goto(live_server.url(f"/screen/{code}"))
    expect(screen.locator("#conn")).to_have_attribute("data-state", "online")
    qr = screen.locator("#join-box svg.qr")
    expect(qr).to_be_visible()
    box = qr.bounding_box()
    assert box["width"] > 100, box
    assert box["height"] > 100, box
    assert qr.locator("path").count() >= 1
    assert qr.get_attribute("data-qr-data") == live_server.url(f"/j/{code}")

    # A phone: the socket.io client connects and upgrades to a websocket (connect-src).
    phone_ctx = _context(browser, **PHONE)
    phone = _watched(phone_ctx, errors, messages, "phone")
    frames: list[str] = []
    phone.on("websocket", lambda ws: ws.on("framereceived", lambda payload: frames.append(payload)))
    phone.goto(live_server.url(f"/j/{code}"))
    expect(phone.locator("#conn")).to_have_attribute("data-state", "online")
    expect(phone.locator("#conn")).to_have_text("Connecté")
    _wait_for(phone, lambda: "3probe" in frames, f"no websocket upgrade: {frames}")

    # The facilitator opens the set, reveals it; the phone answers: the projector draws bars
    # (element.style), the phone its form.
    console.locator(".c-set").first.locator('button[data-action="open"]').click()
    expect(phone.locator("fieldset.q")).to_have_count(3)
    phone.locator("fieldset.q").nth(0).get_by_label("avancement").check()
    expect(phone.locator("fieldset.q").nth(0).locator(".q-status")).to_have_attribute(
        "data-state", "saved"
    )
    console.locator(".c-set").first.locator('button[data-action="reveal"]').click()
    expect(screen.locator("#results")).to_be_visible()
    expect(screen.locator('#results .bar-row[data-label="avancement"]')).to_have_attribute(
        "data-count", "1"
    )

    # The summary: its bars are sized by style attributes, also when summary.js redraws them.
    summary = _watched(console_ctx, errors, messages, "summary")
    summary.goto(live_server.url(f"/summary/{code}"))
    full_bars = summary.locator('#live-results .bar > span[style*="width: 100"]')
    expect(full_bars).to_have_count(1)  # « avancement », 1 answer of 1
    phone.locator("fieldset.q").nth(1).get_by_label("Oui").check()
    expect(phone.locator("fieldset.q").nth(1).locator(".q-status")).to_have_attribute(
        "data-state", "saved"
    )
    expect(full_bars).to_have_count(2)  # redrawn with innerHTML: « Oui » too
    # The style attributes applied: a bar's span is a block, as wide as its bar unless its
    # style says otherwise.
    empty_bars = summary.locator('#live-results .bar > span[style*="width: 0"]')
    assert empty_bars.count() >= 2  # « réalisations », « résultats », « Non »…
    widths = empty_bars.evaluate_all("bars => bars.map(b => b.getBoundingClientRect().width)")
    assert all(width < 1 for width in widths), widths
    widths = full_bars.evaluate_all("bars => bars.map(b => b.getBoundingClientRect().width)")
    assert all(width > 20 for width in widths), widths

    pages = {"console": console, "screen": screen, "phone": phone, "summary": summary}
    for name, page in pages.items():
        assert _violations(page) == [], name
    assert messages == [], messages
    assert errors == [], errors

    # The policy is in force: an inline script injected into the phone does not run.
    phone.evaluate(
        """() => {
            const s = document.createElement("script");
            s.textContent = "window.__injected = true;";
            document.body.appendChild(s);
        }"""
    )
    phone.wait_for_function("window.__cspViolations.length > 0")
    assert phone.evaluate("window.__injected === undefined")
    assert _violations(phone)[0].startswith("script-src")

    for ctx in (phone_ctx, screen_ctx, console_ctx):
        ctx.close()

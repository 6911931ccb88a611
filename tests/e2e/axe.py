"""axe-core's WCAG 2.1 A and AA rules on a page of an end-to-end test.

axe-core (MPL-2.0, Deque Systems) ships inside the ``axe-playwright-python`` package of the
test extra, so nothing is fetched at run time; we only take its ``axe.min.js``. The script is
evaluated through the DevTools protocol, which our Content-Security-Policy does not block."""

from __future__ import annotations

from functools import cache
from importlib import resources

WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@cache
def _script() -> str:
    return resources.files("axe_playwright_python").joinpath("axe.min.js").read_text("utf-8")


def violations(page) -> list[str]:
    """axe-core's WCAG 2.1 AA violations on ``page`` as it is now, one line per rule broken:
    the rule, its impact, and the first few elements (CSS selectors) that break it."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(_script())
    results = page.evaluate(
        "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']})",
        WCAG_21_AA,
    )
    lines = []
    for rule in results["violations"]:
        targets = [" ".join(map(str, node["target"])) for node in rule["nodes"][:3]]
        lines.append(f"{rule['id']} ({rule['impact']}): {', '.join(targets)}")
    return lines

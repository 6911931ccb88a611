"""The projector's page as the server renders it (issue 13): the agenda with planned times, the
current and next items' card, the strings of screen.js with their placeholders intact, the
local-address warning inside the join box."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from tests import builders
from workshop.extensions import db


@pytest.fixture
def session(app):
    return builders.gen_session()


def _block(html: str, block_id: str) -> dict:
    match = re.search(
        rf'<script type="application/json" id="{block_id}">(.*?)</script>', html, re.S
    )
    assert match, block_id
    return json.loads(match.group(1))


def test_agenda_items_carry_their_planned_start_and_duration(client, session):
    first = min(session.agenda, key=lambda item: item.position)
    first.planned_start = dt.time(9, 30)
    db.session.commit()
    page = client.get(f"/screen/{session.code}").get_data(as_text=True)
    items = re.findall(r'<li class="live-agenda-item[^"]*"\s+data-position="(\d+)"', page)
    assert items == [
        str(item.position) for item in sorted(session.agenda, key=lambda i: i.position)
    ]
    assert re.search(r'<span class="item-when">09:30 · [^<]*15[^<]*</span>', page)
    for node in (
        'id="now-card"',
        'id="now-title"',
        'id="timer"',
        'id="timer-flag"',
        'id="screen-page"',
        'data-theme="dark"',
    ):
        assert node in page, node


def test_screen_strings_keep_their_placeholders(client, session):
    strings = _block(client.get(f"/screen/{session.code}").get_data(as_text=True), "i18n-more")
    assert strings["page_of"] == "page %(n)s / %(total)s"
    assert strings["over_flag"] == "dépassement +%(over)s"
    assert strings["at"] == "à %(time)s"
    assert "%(n)s" in strings["more_options"]
    assert "%(n)s" in strings["more_comments_screen"]
    assert strings["paused"] == "en pause"


def test_local_warning_is_in_the_join_box(client, session):
    page = client.get(f"/screen/{session.code}").get_data(as_text=True)
    box = page[page.index('id="join-box"') : page.index("</section>", page.index('id="join-box"'))]
    assert 'class="local-warning' in box  # http://localhost: phones cannot open it

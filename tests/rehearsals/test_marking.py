"""Rehearsal participants: only a server-signed ticket marks a phone as simulated."""

from __future__ import annotations

import pytest

from tests import builders
from workshop.models import Participant
from workshop.rehearsals import tickets
from workshop.services.errors import ServiceError


def test_a_ticket_marks_the_participant_as_rehearsal(app, session, sockets):
    sock = sockets(session.code, rehearsal=tickets.issue(session.id))
    assert sock.is_connected()
    assert Participant.query.one().rehearsal is True


def test_an_ordinary_phone_is_not_a_rehearsal_one(app, session, sockets):
    sock = sockets(session.code)
    assert sock.is_connected()
    assert Participant.query.one().rehearsal is False


@pytest.mark.parametrize(
    "ticket",
    [
        True,  # « rehearsal: true » without a ticket
        "1",
        "forged.ticket",
    ],
)
def test_a_phone_cannot_mark_itself(app, session, sockets, ticket):
    sock = sockets(session.code, rehearsal=ticket)
    assert not sock.is_connected()
    assert Participant.query.count() == 0


def test_a_ticket_signed_with_another_key_is_refused(app, session, sockets):
    forged = tickets.issue(session.id, secret_key="not the server's key")
    assert not sockets(session.code, rehearsal=forged).is_connected()
    assert Participant.query.count() == 0


def test_an_expired_ticket_is_refused(app, session, sockets):
    expired = tickets.issue(session.id, ttl=-1)
    assert not sockets(session.code, rehearsal=expired).is_connected()
    assert Participant.query.count() == 0


def test_a_ticket_of_another_session_is_refused(app, session, sockets):
    other = builders.gen_session(title="Autre atelier")
    assert not sockets(session.code, rehearsal=tickets.issue(other.id)).is_connected()
    assert Participant.query.count() == 0


def test_the_refusal_is_bad_payload(app, session):
    with app.test_request_context():
        with pytest.raises(ServiceError) as refused:
            tickets.session_of("forged")
    assert refused.value.code == "bad_payload"
    assert refused.value.details == {"field": "rehearsal"}
    assert tickets.session_of(None) is None
    assert tickets.session_of(tickets.issue(session.id)) == session.id
    assert tickets.issue(session.id, ttl=60) != tickets.issue(session.id + 1, ttl=60)

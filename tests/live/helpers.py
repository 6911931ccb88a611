"""Plain helpers shared by the Socket.IO handler tests of this folder."""

from __future__ import annotations

from workshop.extensions import db
from workshop.models.enums import SetState


def events(client, name=None):
    """The events ``client`` received since the last call (all, or those named ``name``)."""
    received = client.get_received()
    return [e for e in received if name is None or e["name"] == name]


def snapshot_of(client):
    """The one ``snapshot`` ``client`` received (its payload)."""
    snaps = [e["args"][0] for e in client.get_received() if e["name"] == "snapshot"]
    assert len(snaps) == 1
    return snaps[0]


def open_the_set(qset):
    qset.state = SetState.OPEN
    db.session.commit()

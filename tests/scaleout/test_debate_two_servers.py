"""The debate with two ``workshop serve`` processes behind Redis and PostgreSQL: the queue for
the floor and the room's questions agree on every screen, whichever process each client is on."""

from __future__ import annotations

import pytest

from .conftest import Cluster, login_cookie

pytestmark = pytest.mark.scaleout


def test_the_floor_and_the_questions_agree_across_processes(cluster: Cluster, sockets):
    a, b = cluster.servers[0].base_url, cluster.servers[1].base_url
    cookie = login_cookie(a, cluster.username, cluster.password)
    console = sockets(a, "console", cluster.code, cookie=cookie)
    screen = sockets(b, "screen", cluster.code)
    console.call("agenda_goto", {"position": 0})
    console.call("floor_end", {})
    phone_a = sockets(a, "participant", cluster.code)
    phone_b = sockets(b, "participant", cluster.code)

    first = phone_b.call("floor_request", {"name": "Anne"})["request"]
    second = phone_a.call("floor_request", {"name": "Bruno"})["request"]
    assert first["number"] < second["number"]

    def queued(*ids):
        return lambda floor: [r["id"] for r in floor["queue"]][-len(ids) :] == list(ids)

    # The screen (on B) sees the request made on A, and the console (on A) the one made on B.
    screen.wait("floor", queued(first["id"], second["id"]))
    console.wait("floor", queued(first["id"], second["id"]))
    console.call("floor_move", {"request_id": second["id"], "direction": "up"})
    screen.wait("floor", queued(second["id"], first["id"]))
    phone_b.wait("floor", queued(second["id"], first["id"]))
    console.call("floor_give", {"request_id": second["id"]})
    speaking = screen.wait("floor", lambda f: f["speaking"] and f["speaking"]["id"] == second["id"])
    assert speaking["speaking"]["name"] == "Bruno"
    phone_a.wait("floor", lambda f: f["speaking"] and f["speaking"]["id"] == second["id"])

    # A fresh screen on A shows the same queue as the one on B (it lives in the database).
    other_screen = sockets(a, "screen", cluster.code)
    assert other_screen.snapshot["floor"]["speaking"]["id"] == second["id"]
    assert [r["id"] for r in other_screen.snapshot["floor"]["queue"]][-1] == first["id"]

    # A question asked on B, supported on A, merged and shown from the console on A.
    asked = phone_b.call("qa_ask", {"client_id": "scaleout-qa-0001", "text": "Quel budget ?"})
    duplicate = phone_a.call("qa_ask", {"client_id": "scaleout-qa-0002", "text": "Combien ?"})
    kept_id, dup_id = asked["qa"]["id"], duplicate["qa"]["id"]
    assert phone_a.call("qa_support", {"qa_id": kept_id, "up": True})["support"] == 1
    console.call("qa_merge", {"qa_id": dup_id, "into": kept_id})
    console.call("qa_show", {"qa_id": kept_id})

    def shown(batch):
        return any(q["id"] == kept_id and q["on_screen"] for q in batch["changed"])

    pushed = screen.wait("qa", shown)
    kept = next(q for q in pushed["changed"] if q["id"] == kept_id)
    assert [m["id"] for m in kept["merged"]] == [dup_id]
    phone_b.wait("qa", shown)
    console.call("floor_end", {})
    screen.wait("floor", lambda f: f["speaking"] is None)

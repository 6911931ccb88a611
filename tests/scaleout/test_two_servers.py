"""Two ``workshop serve`` processes behind one Redis queue and one PostgreSQL database serve one
session: pushes, answers, results and presence agree whichever process a client is on."""

from __future__ import annotations

import signal
from collections import Counter

import pytest

from .conftest import HEARTBEAT, Cluster, login_cookie, wait_until_up

pytestmark = pytest.mark.scaleout

PHONES_PER_SERVER = 3


def db_phone_rows(cluster: Cluster) -> int:
    [(count,)] = cluster.sql(
        "SELECT count(DISTINCT participant_id) FROM live_connection c "
        "JOIN session s ON s.id = c.session_id WHERE s.code = %s AND c.role = 'participant'",
        (cluster.code,),
    )
    return count


def db_answers(cluster: Cluster) -> dict[str, Counter]:
    """``{question key: Counter(value as stored)}`` of the test session."""
    rows = cluster.sql(
        "SELECT q.key, a.value::text FROM answer a JOIN question q ON q.id = a.question_id "
        "JOIN question_set qs ON qs.id = q.question_set_id JOIN session s ON s.id = qs.session_id "
        "WHERE s.code = %s",
        (cluster.code,),
    )
    tallies: dict[str, Counter] = {}
    for key, value in rows:
        tallies.setdefault(key, Counter())[value.strip('"')] += 1
    return tallies


def phones_counter(expected: int):
    return lambda data: data["phones"] == expected


def test_two_processes_serve_one_session(cluster: Cluster, sockets):
    a, b = cluster.servers[0].base_url, cluster.servers[1].base_url
    cookie = login_cookie(a, cluster.username, cluster.password)
    console = sockets(a, "console", cluster.code, cookie=cookie)
    screen = sockets(b, "screen", cluster.code)
    [vote] = console.snapshot["sets"]
    questions = {q["key"]: q for q in vote["questions"]}

    phones = [sockets(base, "participant", cluster.code) for base in (a, b) * PHONES_PER_SERVER]
    total = len(phones)
    # Presence: the console (on A) counts the phones of both processes.
    console.wait("counters", phones_counter(total))
    assert db_phone_rows(cluster) == total

    # A push from the console's process reaches every phone, on both processes (Redis).
    console.call("set_open", {"set_id": vote["id"]})
    for phone in phones:
        pushed = phone.wait("question_set", lambda s: s["id"] == vote["id"])
        assert pushed["state"] == "open"
    screen.wait("question_set", lambda s: s["id"] == vote["id"] and s["state"] == "open")

    # Each phone answers through its own process.
    for index, phone in enumerate(phones):
        payload = {"client_id": f"phone-{index:04d}-choix", "question_id": questions["choix"]["id"]}
        phone.call("answer", {**payload, "value": index % 3})
        phone.call(
            "answer",
            {
                "client_id": f"phone-{index:04d}-accord",
                "question_id": questions["accord"]["id"],
                "value": "yes" if index % 2 else "no",
            },
        )
    # A second tab of the first phone, on the other process, resends the same answer (same
    # client_id): stored once, and its first tab hears of nothing new.
    first = phones[0]
    tab = sockets(b, "participant", cluster.code)  # a new participant: another phone
    second_tab = sockets(b, "participant", cluster.code, token=first.snapshot["token"])
    resend = second_tab.call(
        "answer",
        {"client_id": "phone-0000-choix", "question_id": questions["choix"]["id"], "value": 0},
    )
    assert resend["answer"]["client_id"] == "phone-0000-choix"
    assert second_tab.snapshot["answers"][str(questions["choix"]["id"])]["value"] == 0
    tab.close()

    stored = db_answers(cluster)
    assert sum(stored["choix"].values()) == total
    assert sum(stored["accord"].values()) == total
    assert stored["choix"] == Counter(str(i % 3) for i in range(total))

    # Revealing (console on A) pushes the results to the projector (on B); they agree with the DB.
    console.call("set_reveal", {"set_id": vote["id"], "revealed": True})
    results = screen.wait(
        "results", lambda r: r["set_id"] == vote["id"] and r["respondents"] == total
    )
    by_question = {q["question_id"]: q for q in results["questions"]}
    choix = by_question[questions["choix"]["id"]]
    assert {o["index"]: o["count"] for o in choix["options"]} == {
        int(value): count for value, count in stored["choix"].items()
    }
    accord = by_question[questions["accord"]["id"]]
    assert {o["key"]: o["count"] for o in accord["options"] if o["count"]} == dict(stored["accord"])
    counters = console.wait(
        "counters", lambda c: c["answers"][str(questions["choix"]["id"])] == total
    )
    assert counters["answers"][str(questions["accord"]["id"])] == total

    # Phones leaving process B: the console on A sees them go.
    second_tab.close()
    for phone in phones[1::2]:
        phone.close()
    console.wait("counters", phones_counter(total - PHONES_PER_SERVER))
    assert db_phone_rows(cluster) == total - PHONES_PER_SERVER


def test_a_crashed_process_stops_counting(cluster: Cluster, sockets):
    """A third process is killed (SIGKILL: no disconnect handler runs); its phones stop counting
    at the survivors' next heartbeat, and its rows are purged."""
    a = cluster.servers[0].base_url
    cookie = login_cookie(a, cluster.username, cluster.password)
    console = sockets(a, "console", cluster.code, cookie=cookie)
    survivor = sockets(a, "participant", cluster.code)
    console.wait("counters", phones_counter(1))  # sockets of other tests are gone
    doomed = cluster.start_server()
    wait_until_up(doomed)
    victims = [sockets(doomed.base_url, "participant", cluster.code) for _ in range(2)]
    console.wait("counters", phones_counter(1 + len(victims)))
    assert db_phone_rows(cluster) == 1 + len(victims)

    doomed.stop(signal.SIGKILL)
    console.wait("counters", phones_counter(1), timeout=10 * HEARTBEAT + 10)
    assert db_phone_rows(cluster) == 1
    [(servers,)] = cluster.sql("SELECT count(*) FROM live_server")
    assert servers == 2  # the dead one's heartbeat row is purged too
    assert survivor.client.connected

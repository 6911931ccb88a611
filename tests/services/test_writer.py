"""The group-commit writer (workshop/services/live/writer.py), on real SQLite.

Batches are built deterministically: requests are queued without starting the writer task, then
:meth:`GroupWriter.drain` writes them in the test's thread, exactly as the task would. No timing.
"""

from __future__ import annotations

import pytest
from sqlalchemy import event, func, select

from tests import builders
from workshop.extensions import db, socketio
from workshop.models import Answer, Upvote
from workshop.models.enums import SetState
from workshop.services import live
from workshop.services.errors import ServiceError
from workshop.services.live import publish, writer
from workshop.services.live.answers import AnswerRequest
from workshop.services.live.writer import INTERNAL, GroupWriter, UpvoteRequest

pytestmark = pytest.mark.usefixtures("live_request")


@pytest.fixture
def phones(session):
    """Three participants of the session (their ids)."""
    return [
        live.connect(session.code, "participant", sid=f"sid-{n}").participant_id for n in range(3)
    ]


@pytest.fixture
def commits(app):
    """The number of COMMITs the database received, counted from the engine."""
    counter = {"n": 0}

    def on_commit(conn):
        counter["n"] += 1

    event.listen(db.engine, "commit", on_commit)
    yield counter
    event.remove(db.engine, "commit", on_commit)


def ask(session, participant_id, question, value, client_id, text=None):
    return AnswerRequest(session.id, participant_id, client_id, question.id, value, text)


def batch(app, *requests, group=None):
    """Queue ``requests`` as one batch, write it; the jobs (with their outcomes)."""
    group = group or GroupWriter(app)
    jobs = [group.enqueue(request, start=False) for request in requests]
    group.drain()
    assert all(job.done.is_set() for job in jobs)
    return group, jobs


def stored(participant_id, question):
    return db.session.scalar(
        select(Answer).where(
            Answer.participant_id == participant_id, Answer.question_id == question.id
        )
    )


def test_a_batch_from_several_participants_is_one_commit_with_one_ack_each(
    app, session, q, phones, commits
):
    requests = [
        ask(session, pid, q["choice"], n, f"client-{pid:04d}") for n, pid in enumerate(phones)
    ]
    group, jobs = batch(app, *requests)
    assert commits["n"] == 1
    assert group.commits == 1
    for n, (pid, job) in enumerate(zip(phones, jobs, strict=True)):
        view, change = job.outcome
        assert view["client_id"] == f"client-{pid:04d}"
        assert view["value"] == n
        assert change is not None
        assert change.answer_id == stored(pid, q["choice"]).id
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Answer.id))) == 3


def test_a_bad_answer_does_not_affect_the_others(app, session, q, phones, commits):
    other = builders.gen_session(slug="elsewhere")
    foreign = other.question_sets[0].questions[0]
    commits["n"] = 0
    good1 = ask(session, phones[0], q["choice"], 0, "client-good1")
    bad_value = ask(session, phones[1], q["choice"], 99, "client-bad01")
    unknown = ask(session, phones[1], foreign, 0, "client-bad02")
    no_text = ask(session, phones[2], q["open"], None, "client-bad03")
    good2 = ask(session, phones[2], q["yesno"], "yes", "client-good2")
    _, jobs = batch(app, good1, bad_value, unknown, no_text, good2)
    codes = [j.outcome.code if isinstance(j.outcome, ServiceError) else "ok" for j in jobs]
    assert codes == ["ok", "bad_value", "unknown_question", "text_required", "ok"]
    assert commits["n"] == 1
    assert stored(phones[0], q["choice"]).client_id == "client-good1"
    assert stored(phones[1], q["choice"]) is None
    assert stored(phones[2], q["yesno"]).value == "yes"


def test_refusals_in_a_batch_are_in_the_handlers_locale(app, session, q, phones):
    closed = AnswerRequest(session.id, phones[0], "client-en001", 10_000, 0, None, "en")
    _, (job,) = batch(app, closed)
    assert job.outcome.code == "unknown_question"
    assert job.outcome.message == "This question does not exist."


def test_two_answers_to_one_question_in_a_batch_the_later_wins(app, session, q, phones):
    pid = phones[0]
    first = ask(session, pid, q["choice"], 0, "client-first")
    second = ask(session, pid, q["choice"], 2, "client-second")
    resend = ask(session, pid, q["choice"], 1, "client-second")  # same client_id: a resend
    _, jobs = batch(app, first, second, resend)
    (view1, change1), (view2, change2), (view3, change3) = (j.outcome for j in jobs)
    assert (view1["client_id"], view1["value"]) == ("client-first", 0)
    assert (view2["client_id"], view2["value"]) == ("client-second", 2)
    assert change1 is not None
    assert change2 is not None
    assert change3 is None
    assert view3["value"] == 2
    db.session.expire_all()
    answer = stored(pid, q["choice"])
    assert (answer.client_id, answer.value) == ("client-second", 2)
    assert db.session.scalar(select(func.count(Answer.id))) == 1


def test_a_closed_set_refuses_but_a_resend_is_answered(app, session, qset, q, phones):
    group, (job,) = batch(app, ask(session, phones[0], q["choice"], 1, "client-kept"))
    qset.state = SetState.CLOSED
    db.session.commit()
    _, (resend, late) = batch(
        app,
        ask(session, phones[0], q["choice"], 1, "client-kept"),
        ask(session, phones[1], q["choice"], 1, "client-late"),
        group=group,  # the same writer: its cached question, the set's state read again
    )
    assert resend.outcome[0]["client_id"] == "client-kept"
    assert resend.outcome[1] is None
    assert late.outcome.code == "set_not_open"


def test_upvotes_and_answers_in_one_batch(app, session, qset, phones, commits):
    question = builders.gen_question(qset, "choice", allow_comment=True)
    commits["n"] = 0
    _, (job,) = batch(app, ask(session, phones[0], question, 0, "client-cmt01", text="Oui"))
    comment_id = job.outcome[1].answer_id
    assert job.outcome[1].comment_changed
    assert job.outcome[0]["text"] == "Oui"
    _, jobs = batch(
        app,
        UpvoteRequest(session.id, phones[1], comment_id, True),
        UpvoteRequest(session.id, phones[0], comment_id, True),  # one's own comment
        ask(session, phones[2], question, 1, "client-cmt02"),
        UpvoteRequest(session.id, phones[2], comment_id, True),
    )
    assert jobs[0].outcome.changed
    assert jobs[3].outcome.changed
    assert jobs[1].outcome.code == "own_comment"
    assert jobs[2].outcome[1] is not None
    assert commits["n"] == 2
    assert db.session.scalar(select(func.count(Upvote.id))) == 2


def test_a_failed_batch_is_retried_one_by_one(app, session, q, phones, monkeypatch, commits):
    real = writer._write
    calls = []

    def fail_batches(requests, questions=None):
        calls.append(len(requests))
        if len(requests) > 1:
            raise RuntimeError("disk full")
        return real(requests, questions)

    monkeypatch.setattr(writer, "_write", fail_batches)
    _, jobs = batch(app, *(ask(session, p, q["choice"], 0, f"client-r{p:04d}") for p in phones))
    assert calls == [3, 1, 1, 1]
    assert all(job.outcome[1] is not None for job in jobs)
    assert commits["n"] == 3


def test_a_request_that_cannot_be_committed_is_internal_and_not_stored(
    app, session, q, phones, monkeypatch
):
    def fail_commit():
        raise RuntimeError("I/O error")

    group = GroupWriter(app)
    job = group.enqueue(ask(session, phones[0], q["choice"], 0, "client-lost1"), start=False)
    monkeypatch.setattr(db.session, "commit", fail_commit)
    group.drain()
    monkeypatch.undo()
    assert job.outcome is INTERNAL
    assert db.session.scalar(select(func.count(Answer.id))) == 0


def test_handler_acks_only_after_the_commit(app, session, qset, q, monkeypatch):
    """The ack path (publish, then the handler returns the ack) sees the answer committed: read
    on another connection, which sees only committed rows."""
    seen = []
    publish_answers = publish.publish_answers

    def check_committed(changes):
        for _, change in changes:
            with db.engine.connect() as other:
                row = other.execute(
                    select(Answer.client_id).where(Answer.id == change.answer_id)
                ).scalar()
            seen.append(row)
        publish_answers(changes)

    monkeypatch.setattr(publish, "publish_answers", check_committed)
    phone = socketio.test_client(app, auth={"code": session.code, "role": "participant"})
    payload = {"client_id": "client-acked", "question_id": q["choice"].id, "value": 1}
    ack = phone.emit("answer", payload, callback=True)
    phone.disconnect()
    assert ack["ok"]
    assert ack["answer"]["client_id"] == "client-acked"
    assert seen == ["client-acked"]


def test_handler_refusal_through_the_writer(app, session, qset, q):
    phone = socketio.test_client(app, auth={"code": session.code, "role": "participant"})
    payload = {"client_id": "client-bad99", "question_id": q["choice"].id, "value": 7}
    ack = phone.emit("answer", payload, callback=True)
    phone.disconnect()
    assert not ack["ok"]
    assert ack["error"]["code"] == "bad_value"


def test_pushed_results_are_the_results_of_the_set(app, session, qset, q, phones):
    """The pusher's SQL aggregation computes what set_results does."""
    from workshop.services.results import aggregated_set_results, set_results

    question = builders.gen_question(qset, "choice", allow_comment=True)
    batch(
        app,
        ask(session, phones[0], question, 0, "client-res01", text="Oui"),
        ask(session, phones[1], question, 2, "client-res02", text="Non"),
        ask(session, phones[2], q["yesno"], "no", "client-res03"),
    )
    (comment,) = [a for a in db.session.scalars(select(Answer)) if a.text == "Non"]
    db.session.add(Upvote(participant_id=phones[0], answer_id=comment.id))
    db.session.commit()
    assert aggregated_set_results(qset) == set_results(qset)


def test_pushed_results_count_each_answer_of_a_grouped_value(app, session, qset, q, phones):
    """Identical values come back as one aggregated row: each answer still counts."""
    from workshop.services.results import aggregated_set_results, set_results

    batch(
        app,
        *(ask(session, p, q["choice"], n % 2, f"client-ch{p:03d}") for n, p in enumerate(phones)),
    )
    result = aggregated_set_results(qset)
    assert result == set_results(qset)
    [choice] = [r for r in result["questions"] if r["question_id"] == q["choice"].id]
    assert [o["count"] for o in choice["options"]] == [2, 1, 0]


def test_cached_questions_are_read_again_when_their_set_reopens(app, session, qset, q, phones):
    group, (job,) = batch(app, ask(session, phones[0], q["choice"], 3, "client-four"))
    assert job.outcome.code == "bad_value"  # three options
    qset.state = SetState.CLOSED
    db.session.commit()
    q["choice"].options = ["a", "b", "c", "d"]  # edited while closed
    db.session.commit()
    live.open_set(session.id, qset.id)
    _, (job,) = batch(app, ask(session, phones[0], q["choice"], 3, "client-four"), group=group)
    assert job.outcome[0]["value"] == 3


def test_sockets_leaving_together_are_one_commit(app, session, q, phones, commits):
    """Disconnects go through the group commit: one transaction for the batch, each phone's
    row gone, the console's counters marked once per phone's session, unknown sids harmless."""
    from workshop.models.live import LiveConnection
    from workshop.services.live.writer import DisconnectRequest

    live.connect(session.code, "screen", sid="sid-screen")
    requests = [DisconnectRequest(f"sid-{n}") for n in range(3)]
    requests += [DisconnectRequest("sid-screen"), DisconnectRequest("sid-unknown")]
    answer = ask(session, phones[0], q["choice"], 1, "client-mixed")
    before = commits["n"]
    group, jobs = batch(app, *requests[:2], answer, *requests[2:])
    assert commits["n"] == before + 1
    assert all(job.outcome is True for job in jobs if isinstance(job.request, DisconnectRequest))
    assert jobs[2].outcome[0]["value"] == 1  # the answer in the middle, written as usual
    assert db.session.scalar(select(func.count()).select_from(LiveConnection)) == 0


def test_answer_saved_only_for_participants_with_other_tabs(app, session, q, phones):
    """Most phones have one tab: their answers broadcast nothing to ``participant:<id>`` (with
    a message queue, every emit is a publish every process reads)."""
    token = live.connect(session.code, "participant", sid="sid-tab-1").token
    second = live.connect(session.code, "participant", sid="sid-tab-2", signed_tokens=(token,))
    lone = phones[0]

    def answers(n):
        return [
            ask(session, lone, q["choice"], n, f"client-lone{n}"),
            ask(session, second.participant_id, q["choice"], n, f"client-tabs{n}"),
        ]

    _, jobs = batch(app, *answers(0))  # one process: no query, the local emit is free
    assert [job.outcome[1].other_tabs for job in jobs] == [True, True]
    app.config["SOCKETIO_MESSAGE_QUEUE"] = "redis://127.0.0.1:6379/0"  # read by the writer only
    _, jobs = batch(app, *answers(1))
    assert [job.outcome[1].other_tabs for job in jobs] == [False, True]

"""Builders for the rows a live session leaves behind: participants, answers, upvotes."""

from __future__ import annotations

from itertools import count

from workshop.extensions import db
from workshop.models import Answer, Participant, Question, Session, Upvote

_seq = count(1)


def gen_participant(session: Session, group: str | None = None, pseudonym: str = "") -> Participant:
    group_row = next((g for g in session.stakeholder_groups if g.key == group), None)
    if group is not None and group_row is None:
        raise ValueError(f"no group {group!r} in {session}")
    participant = Participant(
        session_id=session.id,
        token=f"token-{next(_seq):06d}",
        pseudonym=pseudonym,
        group_id=group_row.id if group_row else None,
    )
    db.session.add(participant)
    db.session.commit()
    return participant


def gen_answer(
    participant: Participant,
    question: Question,
    value=None,
    text: str | None = None,
    *,
    commit: bool = True,
    **kw,
) -> Answer:
    answer = Answer(
        participant_id=participant.id,
        question_id=question.id,
        client_id=kw.pop("client_id", f"client-{next(_seq):06d}"),
        value=value,
        text=text,
        **kw,
    )
    db.session.add(answer)
    if commit:
        db.session.commit()
    else:
        db.session.flush()
    return answer


def gen_upvotes(answer: Answer, voters: list[Participant]) -> None:
    for voter in voters:
        db.session.add(Upvote(participant_id=voter.id, answer_id=answer.id))
    db.session.commit()


# --- the debate (issue 14), through the services the console and the phones use ---------------


class FloorClock:
    """The floor's clock, moved by hand so that every turn lasts exactly what a test says:
    ``monkeypatch.setattr(workshop.services.debate.floor, "_now", clock)``."""

    def __init__(self) -> None:
        from datetime import UTC, datetime

        self.now = datetime.now(UTC)

    def __call__(self):
        return self.now

    def advance(self, seconds: int) -> None:
        from datetime import timedelta

        self.now += timedelta(seconds=seconds)


#: The figures of :func:`gen_debate` (rehearsal phone left out), checked by the debate tests.
DEBATE_ITEM = "Débat avec les participants"
DEBATE_TESTIMONY = "Témoignage de la Ville"
DEBATE_SPEAKER = "Anne Dupont"
DEBATE_QUESTIONS = {
    "kept": "Quel budget pour le partenariat ?",
    "merged": "Combien coûte le partenariat ?",
    "open": "Qui évalue le partenariat à la fin ?",
    "hidden": "Hors sujet : où se garer ?",
    "pending": "Et les CPAS dans tout ça ?",
    "rehearsal": "Question de la répétition",
}


def gen_debate(session: Session, clock: FloorClock) -> dict:
    """A debate on ``session`` (builders.gen_session: groups public, private, associative,
    citizen; agenda welcome, testimony, debate), through the debate's services, as the console
    and the phones drive them. The floor's clock must be ``clock`` (see :class:`FloorClock`).

    Participants: public Anne and Dirk, private Bruno, associative Chloé and Eva, one without a
    group, and a rehearsal phone in citizen. With a limit of 2 minutes a turn, the floor goes to
    Anne 150 s (over the limit), Bruno 60 s, the rehearsal phone 40 s, « Chloé » 45 s, Échevin
    Martin (added from the room, public) 75 s, then Anne again 30 s; Dirk withdraws, M. Petit
    (added, private) is removed, Eva still waits at the end. Questions: Anne's to the
    testimony's speaker, supported by Bruno, Chloé, Dirk and the rehearsal phone, answered, with
    Bruno's merged into it (supported by Eva and Chloé); Chloé's to the room, supported by
    Anne, not reached; Dirk's hidden; Eva's pending under pre-moderation; the rehearsal
    phone's. Returns the participants by name and the questions' ids by key."""
    import uuid

    from workshop.services import debate
    from workshop.services.live import agenda_goto

    session.agenda[1].title = DEBATE_TESTIMONY
    session.agenda[2].title = DEBATE_ITEM
    session.speakers[0].name = DEBATE_SPEAKER
    session.agenda[1].speakers = list(session.speakers)
    db.session.commit()
    people = {
        "anne": gen_participant(session, "public", "Anne"),
        "dirk": gen_participant(session, "public", "Dirk"),
        "bruno": gen_participant(session, "private", "Bruno"),
        "chloe": gen_participant(session, "associative"),
        "eva": gen_participant(session, "associative", "Eva"),
        "nobody": gen_participant(session, None),
        "rehearsal": gen_participant(session, "citizen", "Simulé"),
    }
    people["rehearsal"].rehearsal = True
    db.session.commit()
    sid = session.id

    def ask(who: str, key: str, speaker: str | None = None) -> int:
        text = DEBATE_QUESTIONS[key]
        view = debate.ask(
            sid, people[who].id, client_id=uuid.uuid4().hex, text=text, speaker=speaker
        )
        return view["id"]

    # The testimony: questions to its speaker.
    agenda_goto(sid, 1)
    questions = {"kept": ask("anne", "kept", "s1"), "merged": ask("bruno", "merged", "s1")}
    for who in ("bruno", "chloe", "dirk", "rehearsal"):
        debate.support(sid, people[who].id, questions["kept"], True)
    for who in ("eva", "chloe"):
        debate.support(sid, people[who].id, questions["merged"], True)
    debate.merge(sid, questions["merged"], questions["kept"])
    debate.moderate(sid, questions["kept"], "answered")

    # The debate: the floor, then questions to the room.
    agenda_goto(sid, 2)
    debate.floor_settings(sid, 120)
    for who, name in (("anne", None), ("bruno", None), ("rehearsal", None), ("chloe", "Chloé")):
        debate.request_floor(sid, people[who].id, name)
    debate.request_floor(sid, people["dirk"].id)
    debate.withdraw_floor(sid, people["dirk"].id)
    debate.add_to_floor(sid, "Échevin Martin", "public")
    debate.request_floor(sid, people["eva"].id)
    petit = debate.add_to_floor(sid, "M. Petit", "private")["request"]["id"]
    debate.remove_request(sid, petit)
    for seconds in (150, 60, 40, 45, 75):  # Anne, Bruno, the rehearsal phone, Chloé, Martin
        debate.give_floor(sid, debate.floor_view(sid)["queue"][0]["id"])
        clock.advance(seconds)
    debate.end_turn(sid)
    again = debate.request_floor(sid, people["anne"].id)["request"]["id"]
    debate.give_floor(sid, again)  # ahead of Eva, who still waits
    clock.advance(30)
    debate.end_turn(sid)

    questions["open"] = ask("chloe", "open")
    debate.support(sid, people["anne"].id, questions["open"], True)
    questions["hidden"] = ask("dirk", "hidden")
    debate.moderate(sid, questions["hidden"], "hide")
    debate.qa_settings(sid, True)
    questions["pending"] = ask("eva", "pending")
    questions["rehearsal"] = ask("rehearsal", "rehearsal")
    return {"people": people, "questions": questions}

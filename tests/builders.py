"""Data builders (``gen_*``): each test states only what matters to it."""

from __future__ import annotations

import datetime as dt
from itertools import count

from sqlalchemy import select

from workshop.extensions import db
from workshop.models import (
    AgendaItem,
    Endorsement,
    Programme,
    Question,
    QuestionSet,
    Session,
    Speaker,
    StakeholderGroup,
    Theme,
    User,
)
from workshop.models.enums import AgendaKind, QuestionKind, Role
from workshop.models.session import DEFAULT_STAKEHOLDER_GROUPS
from workshop.services import conclusions


def app_config(folder, name: str = "test", **extra) -> dict:
    """The settings of a test app on its own SQLite file and instance folder under ``folder``
    (``extra`` wins)."""
    return {
        "TESTING": True,
        "INSTANCE_PATH": str(folder / f"{name}-instance"),
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / name}.sqlite3",
        "SECRET_KEY": "test-secret",
        "SOCKETIO_ASYNC_MODE": "threading",
        **extra,
    }


_seq = count(1)


def gen_user(username=None, role="facilitator", password="correct horse") -> User:
    user = User(username=username or f"user{next(_seq)}", role=Role(role))
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    return user


def gen_programme(title="Cycle gouvernance", **kw) -> Programme:
    programme = Programme(slug=kw.pop("slug", f"programme-{next(_seq)}"), title=title, **kw)
    db.session.add(programme)
    db.session.commit()
    return programme


def gen_theme(programme, title="Mobiliser acteurs et citoyens", position=None) -> Theme:
    theme = Theme(
        programme=programme,
        title=title,
        position=position if position is not None else len(programme.themes),
    )
    db.session.add(theme)
    db.session.commit()
    return theme


def gen_question(question_set, kind="choice", prompt=None, **kw) -> Question:
    kind = QuestionKind(kind)
    defaults: dict = {}
    if kind in (QuestionKind.CHOICE, QuestionKind.MULTI, QuestionKind.RANK):
        defaults["options"] = ["avancement", "réalisations", "résultats"]
    if kind is QuestionKind.SCALE:
        defaults.update(scale_min=1, scale_max=5, min_label="pas du tout", max_label="tout à fait")
    if kind is QuestionKind.WORDS:
        defaults["max_words"] = 3
    defaults.update(kw)
    question = Question(
        question_set=question_set,
        key=defaults.pop("key", f"q{next(_seq)}"),
        position=defaults.pop("position", len(question_set.questions)),
        prompt=prompt or f"Question {kind.value} ?",
        kind=kind,
        **defaults,
    )
    db.session.add(question)
    db.session.commit()
    return question


def gen_question_set(session, title="Élaboration du partenariat", kinds=(), **kw) -> QuestionSet:
    qset = QuestionSet(
        session=session,
        key=kw.pop("key", f"set{next(_seq)}"),
        position=kw.pop("position", len(session.question_sets)),
        title=title,
        **kw,
    )
    db.session.add(qset)
    db.session.commit()
    for kind in kinds:
        gen_question(qset, kind)
    return qset


def gen_session(title="Contractualisation et partenariat", *, with_sets=True, **kw) -> Session:
    session = Session(
        slug=kw.pop("slug", f"session-{next(_seq)}"),
        title=title,
        date=kw.pop("date", dt.date(2008, 12, 3)),
        place=kw.pop("place", "Province de Namur"),
        **kw,
    )
    for position, (key, label) in enumerate(DEFAULT_STAKEHOLDER_GROUPS):
        session.stakeholder_groups.append(StakeholderGroup(key=key, label=label, position=position))
    session.speakers.append(Speaker(key="s1", position=0, name="À compléter"))
    db.session.add(session)
    db.session.commit()
    if with_sets:
        qset = gen_question_set(session, kinds=("choice", "yesno", "open"))
        for position, kind in enumerate(
            (AgendaKind.WELCOME, AgendaKind.TESTIMONY, AgendaKind.DEBATE)
        ):
            session.agenda.append(
                AgendaItem(
                    position=position,
                    kind=kind,
                    title=f"{kind.value.title()}",
                    duration_min=15,
                    question_set=qset if kind is AgendaKind.TESTIMONY else None,
                )
            )
        db.session.commit()
    return session


# --- conclusions, through the services the console and the phones use ---------------------------


def put_to_room(conclusion) -> None:
    conclusions.put_to_room(conclusion.session_id, conclusion.id)


def close_vote(conclusion) -> None:
    conclusions.close_vote(conclusion.session_id, conclusion.id)


def reveal(conclusion, revealed: bool = True) -> None:
    conclusions.reveal(conclusion.session_id, conclusion.id, revealed)


def endorse(participant, conclusion_id, choice, amendment, client_id) -> Endorsement:
    """``participant``'s endorsement, as a phone sends it; the stored row."""
    conclusions.endorse(
        participant.session_id,
        participant.id,
        client_id=client_id,
        conclusion_id=conclusion_id,
        choice=choice,
        amendment=amendment,
    )
    return db.session.scalar(
        select(Endorsement).where(
            Endorsement.conclusion_id == conclusion_id,
            Endorsement.participant_id == participant.id,
        )
    )


def assign(user, session) -> None:
    """Assign the facilitator ``user`` to ``session`` (they may then drive it and see its
    summary)."""
    if user not in session.facilitators:
        session.facilitators.append(user)
        db.session.commit()

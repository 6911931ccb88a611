"""Fallback for ``workshop load``: write the benchmark session with the models directly.

Run as ``python -m bench.seed`` with the same WORKSHOP_* environment as the server.
"""

from __future__ import annotations

from workshop import create_app
from workshop.extensions import db
from workshop.models import AgendaItem, Question, QuestionSet, Session, StakeholderGroup
from workshop.models.enums import AgendaKind, QuestionKind, SessionStatus
from workshop.models.session import DEFAULT_STAKEHOLDER_GROUPS

from . import workload


def seed() -> None:
    spec = workload.SESSION
    session = Session(
        slug=spec["slug"], title=spec["title"], code=spec["code"], status=SessionStatus.LIVE
    )
    for position, (key, label) in enumerate(DEFAULT_STAKEHOLDER_GROUPS):
        session.stakeholder_groups.append(StakeholderGroup(key=key, label=label, position=position))
    sets = {}
    for position, set_spec in enumerate(spec["question_sets"]):
        qset = QuestionSet(key=set_spec["key"], title=set_spec["title"], position=position)
        for q_position, q in enumerate(set_spec["questions"]):
            fields = {k: v for k, v in q.items() if k not in ("key", "kind", "prompt")}
            qset.questions.append(
                Question(
                    key=q["key"],
                    position=q_position,
                    prompt=q["prompt"],
                    kind=QuestionKind(q["kind"]),
                    **fields,
                )
            )
        session.question_sets.append(qset)
        sets[set_spec["key"]] = qset
    for position, item in enumerate(spec["agenda"]):
        session.agenda.append(
            AgendaItem(
                position=position,
                kind=AgendaKind(item["kind"]),
                title=item["title"],
                duration_min=item.get("duration"),
                question_set=sets.get(item.get("question_set")),
            )
        )
    db.session.add(session)
    db.session.commit()


def main() -> None:
    app = create_app()
    with app.app_context():
        seed()
        db.session.remove()
        db.engine.dispose()


if __name__ == "__main__":
    main()

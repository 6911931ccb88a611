"""The debate summary as plain data: what the summary page, its JSON feed and every export show.

The arithmetic (counts, percentages, mean, median, average rank, word frequencies, comment order)
lives in ``workshop.services.results``; this module assembles it per question set, per question
and per stakeholder group, adds the conclusions with their links and tally, and enforces the
anonymity threshold: a group with fewer than :data:`MIN_GROUP_RESPONDENTS` respondents on a
question gets no figures at all (not even its count), only ``{"suppressed": true}``.

Withholding small groups is not enough when the overall figures are shown: the overall minus the
groups shown would give the withheld ones back. So, question by question, more groups are
withheld (the smallest first) until what they leave out together — the withheld groups and the
participants who chose no group, who form a group of their own — is nobody or at least
:data:`MIN_GROUP_RESPONDENTS` people.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from ..extensions import db
from ..labels import group_label, question_kind_label
from ..models import Answer, Conclusion, Participant, Question, QuestionSet, Session
from ..services import results
from ..services.conclusions import tally
from ..services.debate import debate_report

#: Below this many respondents on a question, a group's figures are withheld.
MIN_GROUP_RESPONDENTS = 3

#: Keys of a question's results that are figures (what suppression removes).
FIGURE_KEYS = ("respondents", "options", "mean", "median", "distribution", "words")


def set_results(
    qset: QuestionSet,
    participant_ids: Collection[int] | None = None,
    *,
    include_rehearsal: bool = False,
) -> dict:
    """``<results>`` of a set (docs/protocol.md), optionally for some participants only;
    without the rehearsal participants unless ``include_rehearsal``."""
    return results.set_results(
        qset, participant_ids=participant_ids, include_rehearsal=include_rehearsal
    )


def session_summary(session: Session, *, include_rehearsal: bool = False) -> dict[str, Any]:
    """Everything the summary shows, JSON-ready. Once the session's raw contributions are
    purged, what was archived then (summary/archive.py), under the session's current header.

    Rehearsal participants (the simulated phones of a rehearsal) are left out of every figure,
    comment and upvote unless ``include_rehearsal``; ``rehearsal`` says how many there are and
    whether they were counted (docs/exports.md)."""
    if session.archived_summary is not None:
        return {**session.archived_summary, "session": session_header(session)}
    members = group_members(session, include_rehearsal=include_rehearsal)
    conclusions = _conclusions(session, include_rehearsal)
    return {
        "session": session_header(session),
        "rehearsal": {
            "participants": results.rehearsal_participant_count(session.id),
            "included": include_rehearsal,
        },
        "groups": [
            {"key": g.key, "label": group_label(g.key, g.label)} for g in session.stakeholder_groups
        ],
        "min_group_respondents": MIN_GROUP_RESPONDENTS,
        "sets": [
            _set_summary(qset, members, conclusions.get(qset.id, []), include_rehearsal)
            for qset in session.question_sets
        ],
        "conclusions": conclusions.get(None, []),
        "debate": debate_summary(session, include_rehearsal=include_rehearsal),
    }


def debate_summary(session: Session, *, include_rehearsal: bool = False) -> dict[str, Any]:
    """The debate (services/debate/report.py: the floor's turns and speaking time by speaker
    and by group, who did not get the floor, every room question with its status), without the
    texts hidden by moderation: a hidden question keeps its row (status, support, item) and
    loses its text, like a hidden comment, and a question merged into it loses the quote of its
    text (``merged_into_text``; hiding a question un-merges the ones merged into it, so this
    only guards older data). Rehearsal participants are left out unless ``include_rehearsal``."""
    report = debate_report(session, include_rehearsal=include_rehearsal)
    items = report["questions"]["items"]
    hidden = {q["id"] for q in items if q["status"] == "hidden"}
    for question in items:
        if question["id"] in hidden:
            question["text"] = None
        if question["merged_into"] in hidden:
            question["merged_into_text"] = None
    return report


def session_header(session: Session) -> dict[str, Any]:
    return {
        "code": session.code,
        "slug": session.slug,
        "title": session.title,
        "date": session.date.isoformat() if session.date else None,
        "place": session.place,
        "organiser": session.organiser,
        "status": session.status.value,
        "theme": session.theme.title if session.theme else None,
        "theme_statement": session.theme_statement,
        "objective": session.objective,
        "method": session.method,
        "agenda": [
            {
                "position": item.position,
                "kind": item.kind.value,
                "title": item.title,
                "text": item.text,
                "planned_start": item.planned_start.strftime("%H:%M")
                if item.planned_start
                else None,
                "duration_min": item.duration_min,
                "speakers": [s.name for s in item.speakers],
                "question_set_id": item.question_set_id,
                # How long it was the current item (the running turn counted up to now).
                "started": item.started_at is not None or bool(item.spent_s),
                "spent_s": item.time_spent(),
            }
            for item in session.agenda
        ],
    }


#: The key of the participants who chose no stakeholder group (shown as a group of its own).
NO_GROUP = "none"


def group_members(
    session: Session, *, include_rehearsal: bool = False
) -> dict[tuple[str, str], list[int]]:
    """Participant ids of each stakeholder group of the session, by (group key, label shown: a
    default group's label translated, see :func:`~workshop.labels.group_label`); those
    who chose no group last, under :data:`NO_GROUP`, when there are any. Rehearsal
    participants are left out unless ``include_rehearsal``."""
    by_key = results.participant_ids_by_group(session.id, include_rehearsal=include_rehearsal)
    members = {
        (g.key, group_label(g.key, g.label)): by_key.get(g.key, [])
        for g in session.stakeholder_groups
    }
    nobody = by_key.get(None)
    if nobody:
        members[(NO_GROUP, _("Sans groupe déclaré"))] = nobody
    return members


def _set_summary(
    qset: QuestionSet,
    members: dict[tuple[str, str], list[int]],
    conclusions: list[dict[str, Any]],
    include_rehearsal: bool = False,
) -> dict[str, Any]:
    overall = set_results(qset, include_rehearsal=include_rehearsal)
    per_group = {
        group: _by_question(set_results(qset, ids, include_rehearsal=include_rehearsal))
        for group, ids in members.items()
    }
    results = _by_question(overall)
    return {
        "id": qset.id,
        "key": qset.key,
        "title": qset.title,
        "introduction": qset.introduction,
        "state": qset.state.value,
        "respondents": overall["respondents"],
        "questions": [
            _question_summary(q, results.get(q.id, {}), per_group) for q in qset.questions
        ],
        "conclusions": conclusions,
    }


def _by_question(results: dict) -> dict[int, dict]:
    return {q["question_id"]: q for q in results["questions"]}


def _question_summary(
    question: Question, result: dict, per_group: dict[tuple[str, str], dict[int, dict]]
) -> dict[str, Any]:
    data = question.settings()
    data["kind_label"] = question_kind_label(question.kind)
    data["results"] = figures_only(result)
    data["comments"] = list(result.get("comments", []))
    group_results = [(group, results.get(question.id, {})) for group, results in per_group.items()]
    data["by_group"] = protect_complement(
        [group_figures(key, label, r) for (key, label), r in group_results],
        total=result.get("respondents", 0),
        sizes=[r.get("respondents", 0) for _group, r in group_results],
    )
    return data


def protect_complement(entries: list[dict[str, Any]], total: int, sizes: list[int]) -> list:
    """Withhold more groups (smallest first) until the respondents left out of the groups shown
    are none or at least :data:`MIN_GROUP_RESPONDENTS` (secondary suppression).

    ``entries`` are the groups' entries in order, ``sizes`` their respondents on the question and
    ``total`` the question's respondents overall (what the summary shows).
    """
    entries = list(entries)
    while True:
        shown = [i for i, entry in enumerate(entries) if not entry["suppressed"]]
        left_out = total - sum(sizes[i] for i in shown)
        if not shown or left_out == 0 or left_out >= MIN_GROUP_RESPONDENTS:
            return entries
        smallest = min(shown, key=lambda i: (sizes[i], i))
        entry = entries[smallest]
        entries[smallest] = {"group": entry["group"], "label": entry["label"], "suppressed": True}


def figures_only(result: dict) -> dict[str, Any]:
    """A question's figures, without its comments."""
    return {k: v for k, v in result.items() if k != "comments"}


def group_figures(group_key: str, label: str, result: dict) -> dict[str, Any]:
    """A group's figures on one question, or ``suppressed`` under the anonymity threshold.

    A suppressed entry holds no figure at all, not even the number of respondents.
    """
    entry: dict[str, Any] = {"group": group_key, "label": label}
    if result.get("respondents", 0) < MIN_GROUP_RESPONDENTS:
        return {**entry, "suppressed": True}
    return {**entry, "suppressed": False, "results": figures_only(result)}


def _conclusions(
    session: Session, include_rehearsal: bool = False
) -> dict[int | None, list[dict[str, Any]]]:
    rows = db.session.scalars(
        select(Conclusion)
        .where(Conclusion.session_id == session.id)
        .order_by(Conclusion.created_at, Conclusion.id)
    ).all()
    by_set: dict[int | None, list[dict[str, Any]]] = {}
    for row in rows:
        by_set.setdefault(row.question_set_id, []).append(
            conclusion_data(row, include_rehearsal=include_rehearsal)
        )
    return by_set


def conclusion_data(conclusion: Conclusion, *, include_rehearsal: bool = True) -> dict[str, Any]:
    """A conclusion with its linked questions and comments (a rehearsal participant's comment
    only when ``include_rehearsal``) and its endorsement tally (everyone's: simulated phones do
    not endorse)."""
    question_ids = [link.question_id for link in conclusion.links if link.question_id]
    answer_ids = [link.answer_id for link in conclusion.links if link.answer_id]
    questions = db.session.scalars(
        select(Question).where(Question.id.in_(question_ids)).order_by(Question.position)
    ).all()
    query = select(Answer).where(Answer.id.in_(answer_ids)).order_by(Answer.id)
    if not include_rehearsal:
        query = query.join(Participant, Participant.id == Answer.participant_id).where(
            Participant.rehearsal.is_(False)
        )
    answers = db.session.scalars(query).all()
    return {
        "id": conclusion.id,
        "question_set_id": conclusion.question_set_id,
        "text": conclusion.text,
        "questions": [{"id": q.id, "key": q.key, "prompt": q.prompt} for q in questions],
        "comments": [
            {"id": a.id, "question_id": a.question_id, "text": a.text}
            for a in answers
            if not a.hidden
        ],
        "endorsement": tally(conclusion),
    }


def fingerprint(summary: dict[str, Any]) -> str:
    """A short digest of the summary: the page redraws only when it changed. The agenda's
    times are left out (the current item's grows every second; the page's results do not
    show it)."""
    session = {k: v for k, v in summary.get("session", {}).items() if k != "agenda"}
    raw = json.dumps({**summary, "session": session}, sort_keys=True, default=str).encode()
    return hashlib.sha256(raw).hexdigest()[:16]

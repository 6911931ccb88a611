"""What a session's summary keeps once its raw contributions are purged (docs/privacy.md).

:func:`archived` is :func:`~workshop.summary.figures.session_summary` without any participant's
text: the aggregated figures (counts, percentages, means, medians, ranks, per stakeholder group
with the same anonymity threshold), the conclusions written by the organisers with their
endorsement tallies, and for ``words`` questions only the words cited by at least
:data:`MIN_WORD_COUNT` participants. Comments, open answers, amendments and the comments quoted
under a conclusion are dropped; their number stays where the summary shows one.

Of the debate it keeps the totals: turns and speaking time by stakeholder group against the
group's share of the participants, how many requests for the floor did not get it, how many room
questions had each status; the names (of speakers, of people who asked for the floor) and the
questions' texts go with the rest (``debate.purged`` is then true).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from ..models import Session
from . import figures

#: A word cited by fewer participants is left out of the archive (it could point at someone).
MIN_WORD_COUNT = 2


def _figures(result: dict[str, Any]) -> dict[str, Any]:
    kept = figures.figures_only(result)
    if "words" in kept:
        kept["words"] = [w for w in kept["words"] if w.get("count", 0) >= MIN_WORD_COUNT]
    return kept


def _question(question: dict[str, Any]) -> dict[str, Any]:
    kept = dict(question)
    kept["results"] = _figures(question.get("results", {}))
    kept["comments"] = []
    kept["by_group"] = [
        {**entry, "results": _figures(entry["results"])} if "results" in entry else entry
        for entry in question.get("by_group", [])
    ]
    return kept


def _conclusion(conclusion: dict[str, Any]) -> dict[str, Any]:
    kept = dict(conclusion)
    kept["comments"] = []
    endorsement = dict(conclusion.get("endorsement") or {})
    if "amendments" in endorsement:
        endorsement["amendments"] = []
    kept["endorsement"] = endorsement
    return kept


def _debate(debate: dict[str, Any] | None) -> dict[str, Any] | None:
    if debate is None:
        return None
    floor, questions = debate["floor"], debate["questions"]
    return {
        "purged": True,
        "floor": {
            **floor,
            "turns": [],
            "by_speaker": [],
            "not_reached": [],
            "speaking_now": None,
        },
        "questions": {**questions, "items": []},
    }


def archived(session: Session) -> dict[str, Any]:
    """The summary to keep, JSON-ready (stored in ``Session.archived_summary``)."""
    summary = figures.session_summary(session)
    return {
        **summary,
        "purged_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "sets": [
            {
                **qset,
                "questions": [_question(q) for q in qset["questions"]],
                "conclusions": [_conclusion(c) for c in qset["conclusions"]],
            }
            for qset in summary["sets"]
        ],
        "conclusions": [_conclusion(c) for c in summary["conclusions"]],
        "debate": _debate(summary.get("debate")),
    }

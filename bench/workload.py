"""What is benchmarked: one session with one question set of six questions of varied kinds, and
the answers a phone gives to them."""

from __future__ import annotations

import random
from typing import Any

SESSION_CODE = "PHQNE7"  # letters of the join-code alphabet
SESSION_SLUG = "bench"
SET_KEY = "bench-set"
FACILITATOR = "bench"

QUESTIONS: list[dict[str, Any]] = [
    {
        "key": "q-choice",
        "kind": "choice",
        "prompt": "Sur quel aspect met-on l'accent dans le suivi ?",
        "options": ["avancement", "réalisations", "résultats"],
        "allow_comment": True,
    },
    {
        "key": "q-multi",
        "kind": "multi",
        "prompt": "Qui est impliqué dans le suivi ?",
        "options": ["comité", "administration", "partenaires", "citoyens"],
        "max_choices": 2,
    },
    {"key": "q-yesno", "kind": "yesno", "prompt": "Une évaluation finale est-elle prévue ?"},
    {
        "key": "q-scale",
        "kind": "scale",
        "prompt": "Le partenariat est-il équitable ?",
        "scale_min": 1,
        "scale_max": 5,
        "min_label": "pas du tout",
        "max_label": "tout à fait",
    },
    {
        "key": "q-rank",
        "kind": "rank",
        "prompt": "Classez les outils.",
        "options": ["plan stratégique", "tableau de bord", "contrat"],
    },
    {"key": "q-words", "kind": "words", "prompt": "En trois mots ?", "max_words": 3},
]

SESSION: dict[str, Any] = {
    "kind": "session",
    "slug": SESSION_SLUG,
    "title": "Banc d'essai",
    "code": SESSION_CODE,
    "agenda": [{"kind": "debate", "title": "Débat", "duration": 30, "question_set": SET_KEY}],
    "question_sets": [
        {"key": SET_KEY, "title": "Suivi et évaluation du partenariat", "questions": QUESTIONS}
    ],
}

WORDS = ("confiance", "transparence", "équité", "durée", "dialogue", "pilotage", "moyens")


def session_yaml() -> str:
    """The session as a session file (sessions/*.yaml), for ``workshop load``."""
    import yaml

    return yaml.safe_dump(SESSION, allow_unicode=True, sort_keys=False)


#: Share of the answers to a question with ``allow_comment`` that carry a comment (each one
#: reaches every phone in a coalesced ``comments`` batch: docs/protocol.md).
COMMENT_RATE = 0.3


def answer_value(
    question: dict[str, Any], rng: random.Random, comment_rate: float = COMMENT_RATE
) -> tuple[Any, str | None]:
    """A valid ``(value, text)`` for a question as pushed to the phones (docs/protocol.md);
    ``comment_rate`` of the answers to questions that allow it carry a comment."""
    kind = question["kind"]
    options = question.get("options") or []
    text = None
    if question.get("allow_comment") and rng.random() < comment_rate:
        text = rng.choice(WORDS).capitalize() + " avant tout."
    if kind == "choice":
        return rng.randrange(len(options)), text
    if kind == "multi":
        most = question.get("max_choices") or len(options)
        return sorted(rng.sample(range(len(options)), rng.randint(1, most))), text
    if kind == "yesno":
        return rng.choice(("yes", "no", "dontknow")), text
    if kind == "scale":
        return rng.randint(question["scale_min"], question["scale_max"]), text
    if kind == "rank":
        order = list(range(len(options)))
        rng.shuffle(order)
        return order, text
    if kind == "words":
        return rng.sample(WORDS, rng.randint(1, question.get("max_words") or 3)), text
    if kind == "open":
        return None, rng.choice(WORDS) + " : " + "bla " * rng.randint(1, 20)
    raise ValueError(f"unknown question kind {kind!r}")

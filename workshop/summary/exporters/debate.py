"""What the summary page and every export write of the debate (``summary["debate"]``, from
:func:`workshop.summary.figures.debate_summary`): the floor — turns and speaking time by
speaker and by stakeholder group against the group's share of the participants, who did not get
the floor — and the room's questions with their status, as sentences and small tables of
strings. Times are in minutes and seconds here; the CSV and JSON exports keep raw seconds."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext

from .text import Table, percent

#: The statuses of a room question in the report, in the report's order.
QA_STATUSES = ("answered", "merged", "not_reached", "hidden", "pending")

#: The states of a request for the floor that did not get it.
NOT_REACHED_STATES = ("withdrawn", "removed", "waiting")


def duration_text(seconds: float | int | None) -> str:
    """« 45 s », « 2 min 05 s » (a long total stays in minutes: « 75 min 00 s »), with
    no-break spaces: a duration never wraps inside a table's cell."""
    total = round(seconds or 0)
    minutes, rest = divmod(total, 60)
    if not minutes:
        text = _("%(s)d s", s=rest)
    else:
        text = _("%(m)d min %(s)02d s", m=minutes, s=rest)
    return text.replace(" ", "\u00a0")


def group_name(label: str | None) -> str:
    """A stakeholder group's label; the participants without one form « Sans groupe déclaré »."""
    return label or _("Sans groupe déclaré")


def item_name(entry: dict[str, Any]) -> str:
    """« 3. Débat avec les participants » (the agenda item), or « – » when there was none."""
    if entry.get("item_position") is None:
        return "–"
    return f"{entry['item_position'] + 1}. {entry.get('item_title') or ''}".strip()


def texts() -> dict[str, str]:
    """The headings, captions and notes of the debate's part, the same in every document."""
    return {
        "title": _("Débat"),
        "floor": _("La parole"),
        "no_floor": _("Personne n'a demandé la parole pendant cet atelier."),
        "by_group": _(
            "Temps de parole par groupe d'acteurs, à côté de la part du groupe parmi les "
            "participants"
        ),
        "by_speaker": _("Temps de parole par intervenant, du plus long au plus court"),
        "turns": _("Les interventions dans l'ordre où la parole a été donnée"),
        "not_reached": _("Qui n'a pas eu la parole"),
        "not_reached_table": _("Demandes de parole qui n'ont pas abouti"),
        "questions": _("Les questions de la salle"),
        "no_questions": _("La salle n'a posé aucune question."),
        "questions_table": _("Les questions de la salle et ce qu'il en est advenu"),
        "selection": _(
            "Toutes les questions de la salle sont reprises, celles qui n'ont pas été abordées "
            "ou ont été masquées comprises, pour que chacun voie comment la sélection s'est "
            "faite."
        ),
        "purged": _(
            "Les noms et les textes du débat ont été effacés avec les contributions des "
            "participants : seuls les totaux restent."
        ),
    }


def requested(floor: dict[str, Any]) -> bool:
    """Whether anyone asked for the floor (a turn, one under way, or a request that did not
    get it)."""
    return bool(
        floor["total_turns"]
        or floor.get("speaking_now")
        or sum((floor.get("not_reached_counts") or {}).values())
    )


# --- the floor ------------------------------------------------------------------------------


def floor_totals_line(floor: dict[str, Any]) -> str:
    """« 5 interventions, 12 min 30 s de temps de parole en tout. » or the empty state."""
    if not floor["total_turns"]:
        return _("Personne n'a pris la parole pendant le débat.")
    return ngettext(
        "%(num)d intervention, %(time)s de temps de parole en tout.",
        "%(num)d interventions, %(time)s de temps de parole en tout.",
        floor["total_turns"],
        time=duration_text(floor["total_seconds"]),
    )


def participants_line(floor: dict[str, Any]) -> str:
    """What the participants' shares count: the phones that joined."""
    return ngettext(
        "Part des participants : sur %(num)d participant qui a rejoint l'atelier avec un "
        "téléphone. Les personnes ajoutées depuis la salle comptent dans le temps de parole de "
        "leur groupe.",
        "Part des participants : sur les %(num)d participants qui ont rejoint l'atelier avec un "
        "téléphone. Les personnes ajoutées depuis la salle comptent dans le temps de parole de "
        "leur groupe.",
        floor["participants"],
    )


def speaking_now_line(floor: dict[str, Any]) -> str | None:
    """« Intervention en cours : Marie (pas encore comptée). » while a turn is under way."""
    if not floor.get("speaking_now"):
        return None
    return _("Intervention en cours : %(name)s (pas encore comptée).", name=floor["speaking_now"])


def share_line(entry: dict[str, Any]) -> str:
    """A group's two shares side by side, in words: « 42,0 % du temps de parole, 25,0 % des
    participants »."""
    return _(
        "%(time)s du temps de parole, %(people)s des participants",
        time=percent(entry["share_time"]),
        people=percent(entry["share_participants"]),
    )


def floor_group_table(floor: dict[str, Any]) -> Table:
    """Turns and speaking time by stakeholder group against its share of the participants."""
    table = Table(
        [
            _("Groupe d'acteurs"),
            _("Interventions"),
            _("Intervenants"),
            _("Temps de parole"),
            _("Participants"),
            _("Part du temps de parole"),
            _("Part des participants"),
            _("En clair"),
        ]
    )
    for entry in floor["by_group"]:
        table.rows.append(
            [
                group_name(entry["label"]),
                str(entry["turns"]),
                str(entry["speakers"]),
                duration_text(entry["seconds"]),
                str(entry["participants"]),
                percent(entry["share_time"]),
                percent(entry["share_participants"]),
                share_line(entry),
            ]
        )
    return table


def floor_speaker_table(floor: dict[str, Any]) -> Table:
    """Turns and speaking time by speaker, the longest first."""
    table = Table(
        [_("Intervenant"), _("Groupe d'acteurs"), _("Interventions"), _("Temps de parole")]
    )
    for entry in floor["by_speaker"]:
        table.rows.append(
            [
                entry["name"],
                group_name(entry["group_label"]),
                str(entry["turns"]),
                duration_text(entry["seconds"]),
            ]
        )
    return table


def turn_limit_text(turn: dict[str, Any]) -> str:
    """« 2 min 00 s », « 2 min 00 s, dépassée » or « – » (no limit)."""
    if not turn.get("limit_s"):
        return "–"
    limit = duration_text(turn["limit_s"])
    return _("%(limit)s, dépassée", limit=limit) if turn.get("over_limit") else limit


def floor_turns_table(floor: dict[str, Any]) -> Table:
    """Every turn in the order they were given."""
    table = Table(
        [
            _("N°"),
            _("Intervenant"),
            _("Groupe d'acteurs"),
            _("Point de l'ordre du jour"),
            _("Durée"),
            _("Limite"),
        ]
    )
    for turn in floor["turns"]:
        name = turn["name"]
        if turn.get("from_room"):
            name = _("%(name)s (ajouté depuis la salle)", name=name)
        table.rows.append(
            [
                str(turn["number"]),
                name,
                group_name(turn["group_label"]),
                item_name(turn),
                duration_text(turn["duration_s"]),
                turn_limit_text(turn),
            ]
        )
    return table


def not_reached_reason(state: str) -> str:
    """What became of a request for the floor that did not get it."""
    return {
        "withdrawn": _("retirée par la personne"),
        "removed": _("retirée de la liste par l'animation"),
        "waiting": _("toujours en attente à la fin"),
    }[state]


def not_reached_count_label(state: str, n: int) -> str:
    """« 2 retirées par la personne », « 1 toujours en attente à la fin »…"""
    return {
        "withdrawn": ngettext(
            "%(num)d retirée par la personne", "%(num)d retirées par la personne", n
        ),
        "removed": ngettext(
            "%(num)d retirée de la liste par l'animation",
            "%(num)d retirées de la liste par l'animation",
            n,
        ),
        "waiting": ngettext(
            "%(num)d toujours en attente à la fin", "%(num)d toujours en attente à la fin", n
        ),
    }[state]


def not_reached_line(floor: dict[str, Any]) -> str:
    """« 3 demandes de parole n'ont pas abouti : 1 retirée par la personne, … » or the empty
    state."""
    counts = floor.get("not_reached_counts") or {}
    total = sum(counts.values())
    if not total:
        if floor["total_turns"] or floor.get("speaking_now"):
            return _("Toutes les demandes de parole ont abouti.")
        return _("Personne n'a demandé la parole.")
    parts = [
        not_reached_count_label(state, counts[state])
        for state in NOT_REACHED_STATES
        if counts.get(state)
    ]
    return ngettext(
        "%(num)d demande de parole n'a pas abouti : %(parts)s.",
        "%(num)d demandes de parole n'ont pas abouti : %(parts)s.",
        total,
        parts=", ".join(parts),
    )


def not_reached_table(floor: dict[str, Any]) -> Table:
    """Who asked for the floor and did not get it, and why."""
    table = Table(
        [_("N°"), _("Nom"), _("Groupe d'acteurs"), _("Ce qu'il en est advenu"), _("Point")]
    )
    for entry in floor["not_reached"]:
        table.rows.append(
            [
                str(entry["number"]),
                entry["name"],
                group_name(entry["group_label"]),
                not_reached_reason(entry["state"]),
                item_name(entry),
            ]
        )
    return table


# --- the room's questions -------------------------------------------------------------------


def qa_status_text(question: dict[str, Any]) -> str:
    """What became of one question, in words: « répondue », « fusionnée avec « … » »…"""
    status = question["status"]
    if status == "merged":
        if question.get("merged_into_text"):
            return _("fusionnée avec « %(text)s »", text=question["merged_into_text"])
        if question.get("merged_into"):
            return _("fusionnée avec une question masquée par la modération")
        return _("fusionnée")
    return {
        "answered": _("répondue"),
        "not_reached": _("non abordée"),
        "hidden": _("masquée par la modération"),
        "pending": _("en attente de modération"),
    }[status]


def qa_count_label(status: str, n: int) -> str:
    """« 2 répondues », « 1 masquée par la modération »…"""
    return {
        "answered": ngettext("%(num)d répondue", "%(num)d répondues", n),
        "merged": ngettext(
            "%(num)d fusionnée avec une autre", "%(num)d fusionnées avec une autre", n
        ),
        "not_reached": ngettext("%(num)d non abordée", "%(num)d non abordées", n),
        "hidden": ngettext(
            "%(num)d masquée par la modération", "%(num)d masquées par la modération", n
        ),
        "pending": ngettext(
            "%(num)d en attente de modération", "%(num)d en attente de modération", n
        ),
    }[status]


def qa_counts(questions: dict[str, Any]) -> list[tuple[str, int, str]]:
    """``(status, count, « 2 répondues »)`` for every status, in the report's order."""
    counts = questions.get("counts") or {}
    return [(s, counts.get(s, 0), qa_count_label(s, counts.get(s, 0))) for s in QA_STATUSES]


def qa_total_line(questions: dict[str, Any]) -> str:
    """« 4 questions posées par la salle : » (the counts by status follow)."""
    return ngettext(
        "%(num)d question posée par la salle :",
        "%(num)d questions posées par la salle :",
        questions["total"],
    )


def question_text(question: dict[str, Any]) -> str:
    """The question's text, or « (texte masqué) » for one hidden by moderation."""
    return question["text"] if question.get("text") is not None else _("(texte masqué)")


def speaker_text(question: dict[str, Any]) -> str:
    return question.get("speaker") or _("la salle")


def questions_table(questions: dict[str, Any]) -> Table:
    """Every room question with its status, its support, its agenda item and its speaker."""
    table = Table(
        [_("Question"), _("Statut"), _("Soutiens"), _("Point de l'ordre du jour"), _("Adressée à")]
    )
    for question in questions["items"]:
        table.rows.append(
            [
                question_text(question),
                qa_status_text(question),
                str(question["support"]),
                item_name(question),
                speaker_text(question),
            ]
        )
    return table

"""Raw answers, one row per answer, anonymised unless asked otherwise (the CSV export); the
debate's tables, one CSV each in a zip (the ``debate.zip`` export)."""

from __future__ import annotations

import csv
import io
import zipfile
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from ...extensions import db
from ...labels import YESNO_LABELS, group_label, question_kind_label
from ...models import Answer, Participant, Question, QuestionSet, Session, StakeholderGroup
from ...models.enums import QuestionKind
from .debate import (
    group_name,
    item_name,
    not_reached_reason,
    qa_status_text,
    question_text,
    speaker_text,
)

#: A cell starting with one of these is a formula to a spreadsheet (OWASP, « CSV injection »).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

#: The columns, always; ``IDENTIFY_COLUMNS`` only when identification is asked explicitly.
COLUMNS = ("set", "question", "kind", "answer", "comment", "group", "time")
IDENTIFY_COLUMNS = ("participant_id", "pseudonym")


def answer_query(session: Session, *, include_rehearsal: bool = False):
    """Every answer of the session with its question, set, participant and group (not the
    rehearsal participants' unless ``include_rehearsal``)."""
    query = (
        select(Answer, Question, QuestionSet, Participant, StakeholderGroup)
        .join(Question, Answer.question_id == Question.id)
        .join(QuestionSet, Question.question_set_id == QuestionSet.id)
        .join(Participant, Answer.participant_id == Participant.id)
        .outerjoin(StakeholderGroup, Participant.group_id == StakeholderGroup.id)
        .where(QuestionSet.session_id == session.id)
        .order_by(QuestionSet.position, Question.position, Answer.id)
    )
    if not include_rehearsal:
        query = query.where(Participant.rehearsal.is_(False))
    return query


def readable(question: Question, value: Any, text: str | None) -> str:
    """An answer as a person reads it: option labels rather than indexes."""
    kind = question.kind
    options = question.options or []

    def label(index: Any) -> str:
        ok = isinstance(index, int) and 0 <= index < len(options)
        return options[index] if ok else str(index)

    if kind is QuestionKind.OPEN:
        return text or ""
    if value is None:
        return ""
    if kind is QuestionKind.CHOICE:
        return label(value)
    if kind is QuestionKind.MULTI:
        return "; ".join(label(i) for i in value)
    if kind is QuestionKind.RANK:
        return " > ".join(label(i) for i in value)
    if kind is QuestionKind.YESNO:
        return str(YESNO_LABELS.get(value, value))
    if kind is QuestionKind.WORDS:
        return ", ".join(str(w) for w in value)
    return str(value)


def answer_rows(
    session: Session, *, identify: bool = False, include_rehearsal: bool = False
) -> list[dict[str, Any]]:
    """One dict per answer. Moderated (hidden) texts are left out; so are the rehearsal
    participants' answers unless ``include_rehearsal``."""
    rows = []
    query = answer_query(session, include_rehearsal=include_rehearsal)
    for answer, question, qset, participant, group in db.session.execute(query):
        text = None if answer.hidden else answer.text
        is_open = question.kind is QuestionKind.OPEN
        row = {
            "set": qset.title,
            "question": question.prompt,
            "kind": question_kind_label(question.kind),
            "answer": readable(question, answer.value, text),
            "comment": "" if is_open else (text or ""),
            "group": group_label(group.key, group.label) if group else "",
            "time": answer.updated_at.isoformat(timespec="seconds"),
        }
        if identify:
            row["participant_id"] = participant.id
            row["pseudonym"] = participant.pseudonym
        rows.append(row)
    return rows


def headers(identify: bool) -> dict[str, str]:
    names = {
        "set": _("Questionnaire"),
        "question": _("Question"),
        "kind": _("Type"),
        "answer": _("Réponse"),
        "comment": _("Commentaire"),
        "group": _("Groupe d'acteurs"),
        "time": _("Heure"),
        "participant_id": _("Participant"),
        "pseudonym": _("Pseudonyme"),
    }
    keys = COLUMNS + (IDENTIFY_COLUMNS if identify else ())
    return {key: names[key] for key in keys}


def spreadsheet_safe(value: Any) -> Any:
    """A text cell that a spreadsheet would run as a formula (``=HYPERLINK(…)``, ``+1+cmd|…``,
    ``@SUM(…)``…) gets a leading apostrophe, as OWASP advises: it is then shown as the text it
    is, still readable. Numbers are left alone."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def to_csv(rows: list[dict[str, Any]], *, identify: bool | None = None) -> str:
    """The rows as CSV, every cell safe to open in a spreadsheet (:func:`spreadsheet_safe`)."""
    if identify is None:
        identify = bool(rows) and "pseudonym" in rows[0]
    columns = headers(identify)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows({k: spreadsheet_safe(v) for k, v in row.items()} for row in rows)
    return buffer.getvalue()


# --- the debate: one CSV per table of the summary page, in a zip -------------------------------


def _table_csv(header: dict[str, str], rows: list[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(header), lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows({k: spreadsheet_safe(v) for k, v in row.items()} for row in rows)
    return "\ufeff" + buffer.getvalue()


def _yes_no(value: bool) -> str:
    return str(YESNO_LABELS["yes" if value else "no"])


def _item(entry: dict[str, Any]) -> str:
    return item_name(entry) if entry.get("item_position") is not None else ""


def debate_tables(debate: dict[str, Any]) -> dict[str, str]:
    """The debate's tables as CSV files by name: times in seconds, shares in percent (numbers
    as they are, for a spreadsheet to compute with), texts in words. Hidden questions' texts
    are left out (``summary["debate"]`` has none)."""
    floor, questions = debate["floor"], debate["questions"]
    files: dict[str, str] = {}
    files["floor-turns.csv"] = _table_csv(
        {
            "number": _("N°"),
            "name": _("Intervenant"),
            "group": _("Groupe d'acteurs"),
            "from_room": _("Ajouté depuis la salle"),
            "item": _("Point de l'ordre du jour"),
            "started_at": _("Début"),
            "ended_at": _("Fin"),
            "duration_s": _("Durée (secondes)"),
            "limit_s": _("Limite (secondes)"),
            "over_limit": _("Limite dépassée"),
        },
        [
            {
                "number": t["number"],
                "name": t["name"],
                "group": group_name(t["group_label"]),
                "from_room": _yes_no(t["from_room"]),
                "item": _item(t),
                "started_at": t["started_at"],
                "ended_at": t["ended_at"],
                "duration_s": t["duration_s"],
                "limit_s": t["limit_s"] if t["limit_s"] else "",
                "over_limit": _yes_no(t["over_limit"]),
            }
            for t in floor["turns"]
        ],
    )
    files["floor-by-speaker.csv"] = _table_csv(
        {
            "name": _("Intervenant"),
            "group": _("Groupe d'acteurs"),
            "turns": _("Interventions"),
            "seconds": _("Temps de parole (secondes)"),
        },
        [
            {
                "name": s["name"],
                "group": group_name(s["group_label"]),
                "turns": s["turns"],
                "seconds": s["seconds"],
            }
            for s in floor["by_speaker"]
        ],
    )
    files["floor-by-group.csv"] = _table_csv(
        {
            "group": _("Groupe d'acteurs"),
            "turns": _("Interventions"),
            "speakers": _("Intervenants"),
            "seconds": _("Temps de parole (secondes)"),
            "share_time": _("Part du temps de parole (%)"),
            "participants": _("Participants"),
            "share_participants": _("Part des participants (%)"),
        },
        [
            {
                "group": group_name(g["label"]),
                "turns": g["turns"],
                "speakers": g["speakers"],
                "seconds": g["seconds"],
                "share_time": g["share_time"],
                "participants": g["participants"],
                "share_participants": g["share_participants"],
            }
            for g in floor["by_group"]
        ],
    )
    files["floor-not-reached.csv"] = _table_csv(
        {
            "number": _("N°"),
            "name": _("Nom"),
            "group": _("Groupe d'acteurs"),
            "outcome": _("Ce qu'il en est advenu"),
            "item": _("Point de l'ordre du jour"),
        },
        [
            {
                "number": e["number"],
                "name": e["name"],
                "group": group_name(e["group_label"]),
                "outcome": not_reached_reason(e["state"]),
                "item": _item(e),
            }
            for e in floor["not_reached"]
        ],
    )
    files["questions.csv"] = _table_csv(
        {
            "id": _("N°"),
            "text": _("Question"),
            "status": _("Statut"),
            "merged_into": _("Fusionnée avec (n°)"),
            "support": _("Soutiens"),
            "item": _("Point de l'ordre du jour"),
            "speaker": _("Adressée à"),
            "asked_at": _("Posée à"),
            "answered_at": _("Répondue à"),
        },
        [
            {
                "id": q["id"],
                "text": question_text(q),
                "status": qa_status_text(q),
                "merged_into": q["merged_into"] or "",
                "support": q["support"],
                "item": _item(q),
                "speaker": speaker_text(q),
                "asked_at": q["asked_at"],
                "answered_at": q["answered_at"] or "",
            }
            for q in questions["items"]
        ],
    )
    return files


def to_zip(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(name, text.encode())
    return buffer.getvalue()

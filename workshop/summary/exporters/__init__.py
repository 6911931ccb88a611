"""Exports of a session (md, docx, csv, json, html, and the debate's tables as CSV files in a
zip: debate.zip) and of a whole programme (md, docx).

Each exporter is a function of plain data (:func:`workshop.summary.figures.session_summary`, the
raw answer rows), so exports work during the live event as well as after it. Labels are
translated: call inside a request context (the CLI opens one).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import render_template

from ...models import Programme, Session
from .. import figures
from . import data, markdown, tabular, word


@dataclass(frozen=True)
class Format:
    mimetype: str
    #: ``render(session, identify, include_rehearsal)``
    render: Callable[[Session, bool, bool], bytes]


def _md(session: Session, identify: bool, rehearsal: bool) -> bytes:
    summary = figures.session_summary(session, include_rehearsal=rehearsal)
    return markdown.session_report(summary).encode()


def _docx(session: Session, identify: bool, rehearsal: bool) -> bytes:
    return word.session_report(figures.session_summary(session, include_rehearsal=rehearsal))


def _csv(session: Session, identify: bool, rehearsal: bool) -> bytes:
    rows = tabular.answer_rows(session, identify=identify, include_rehearsal=rehearsal)
    # A BOM so that spreadsheet software opens the accents correctly.
    return ("\ufeff" + tabular.to_csv(rows, identify=identify)).encode()


def _debate_zip(session: Session, identify: bool, rehearsal: bool) -> bytes:
    summary = figures.session_summary(session, include_rehearsal=rehearsal)
    # An archive kept before the debate was part of the summary has none: nothing is left.
    debate = summary.get("debate") or figures.debate_summary(session, include_rehearsal=rehearsal)
    return tabular.to_zip(tabular.debate_tables(debate))


def _json(session: Session, identify: bool, rehearsal: bool) -> bytes:
    export = data.session_export(session, identify=identify, include_rehearsal=rehearsal)
    return data.to_json(export).encode()


def _html(session: Session, identify: bool, rehearsal: bool) -> bytes:
    summary = figures.session_summary(session, include_rehearsal=rehearsal)
    return render_template("summary/export.html", summary=summary, session=session).encode()


FORMATS: dict[str, Format] = {
    "md": Format("text/markdown; charset=utf-8", _md),
    "docx": Format(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document", _docx
    ),
    "csv": Format("text/csv; charset=utf-8", _csv),
    "debate.zip": Format("application/zip", _debate_zip),
    "json": Format("application/json", _json),
    "html": Format("text/html; charset=utf-8", _html),
}

PROGRAMME_FORMATS = ("md", "docx")


def export_session(
    session: Session, fmt: str, *, identify: bool = False, include_rehearsal: bool = False
) -> bytes:
    """The session exported in ``fmt``; ``identify`` adds pseudonyms to csv and json;
    ``include_rehearsal`` counts the rehearsal participants (left out by default)."""
    return FORMATS[fmt].render(session, identify, include_rehearsal)


def filename(session: Session, fmt: str) -> str:
    return f"{session.slug}-{session.code}.{fmt}"


def programme_sessions(programme: Programme) -> list[Session]:
    """The sessions of a programme: by theme, then those attached to it without a theme."""
    sessions = [s for theme in programme.themes for s in theme.sessions]
    from sqlalchemy import select

    from ...extensions import db

    loose = db.session.scalars(
        select(Session)
        .where(Session.programme_id == programme.id, Session.theme_id.is_(None))
        .order_by(Session.date, Session.title)
    ).all()
    return sessions + [s for s in loose if s not in sessions]


def export_programme(programme: Programme, fmt: str) -> bytes:
    """Every session's conclusions (with their endorsement) in one report."""
    summaries = [figures.session_summary(s) for s in programme_sessions(programme)]
    header = {
        "title": programme.title,
        "organiser": programme.organiser,
        "description": programme.description,
        "objective": programme.objective,
    }
    if fmt == "md":
        return markdown.programme_report(header, summaries).encode()
    if fmt == "docx":
        return word.programme_report(header, summaries)
    raise ValueError(f"programme export: {fmt!r} is not one of {', '.join(PROGRAMME_FORMATS)}")

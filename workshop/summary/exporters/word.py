"""The Word report (python-docx): title block, agenda, a results table per question,
comments, conclusions with their endorsement."""

from __future__ import annotations

import io
from typing import Any

from docx import Document
from docx.document import Document as DocumentType
from docx.shared import RGBColor
from flask_babel import gettext as _

from ...helpers import format_iso_date
from . import debate as debate_text
from .text import (
    Table,
    agenda_table,
    endorsement_line,
    group_line,
    rehearsal_line,
    respondents_line,
    results_table,
)


def _save(document: DocumentType) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


#: A bar chart drawn inside the results table: one block per 5 %, in the site's accent colour.
BAR_BLOCK, BAR_STEP, BAR_COLOUR = "\u2588", 5.0, RGBColor(0x0B, 0x5C, 0xAD)


def _table(document: DocumentType, t: Table, percents: list[float] | None = None) -> None:
    """A results table; with ``percents`` (one per row), a last column of bars."""
    headers = [*t.headers, ""] if percents else t.headers
    grid = document.add_table(rows=1, cols=len(headers))
    grid.style = "Table Grid"
    for cell, header in zip(grid.rows[0].cells, headers, strict=True):
        cell.text = header
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for index, row in enumerate(t.rows):
        cells = grid.add_row().cells
        for cell, value in zip(cells, row, strict=False):
            cell.text = value
        if percents:
            blocks = round(percents[index] / BAR_STEP)
            run = cells[-1].paragraphs[0].add_run(BAR_BLOCK * blocks)
            run.font.color.rgb = BAR_COLOUR


def _percents(kind: str, results: dict[str, Any]) -> list[float] | None:
    """The percentages a question's table is drawn with, row by row (None: no bars)."""
    if kind in ("choice", "multi", "yesno"):
        return [option["percent"] for option in results["options"]]
    if kind == "scale":
        return [entry["percent"] for entry in results["distribution"]]
    return None


def session_report(summary: dict[str, Any]) -> bytes:
    document = Document()
    _title_block(document, summary["session"])
    rehearsal = rehearsal_line(summary)
    if rehearsal:
        document.add_paragraph().add_run(rehearsal).italic = True
    _agenda(document, summary["session"])
    for qset in summary["sets"]:
        _set(document, qset)
    _debate(document, summary.get("debate"))
    if summary["conclusions"]:
        document.add_heading(_("Conclusions de l'atelier"), level=1)
        for conclusion in summary["conclusions"]:
            _conclusion(document, conclusion)
    return _save(document)


def _title_block(document: DocumentType, session: dict[str, Any]) -> None:
    document.add_heading(session["title"], level=0)
    meta = [
        v for v in (format_iso_date(session["date"]), session["place"], session["organiser"]) if v
    ]
    if meta:
        document.add_paragraph(" · ".join(meta))
    for key, label in (
        ("theme_statement", _("Enjeu")),
        ("objective", _("Objectif")),
        ("method", _("Méthode")),
    ):
        if session.get(key):
            paragraph = document.add_paragraph()
            paragraph.add_run(f"{label}. ").bold = True
            paragraph.add_run(session[key])


def _agenda(document: DocumentType, session: dict[str, Any]) -> None:
    agenda = agenda_table(session)
    if agenda is None:
        return
    document.add_heading(_("Ordre du jour : prévu et réel"), level=1)
    _table(document, agenda)


def _set(document: DocumentType, qset: dict[str, Any]) -> None:
    document.add_heading(qset["title"], level=1)
    document.add_paragraph(_("%(n)d répondant(s) à ce questionnaire.", n=qset["respondents"]))
    for number, question in enumerate(qset["questions"], start=1):
        _question(document, number, question)
    if qset["conclusions"]:
        document.add_heading(_("Conclusions"), level=2)
        for conclusion in qset["conclusions"]:
            _conclusion(document, conclusion)


def _question(document: DocumentType, number: int, question: dict[str, Any]) -> None:
    results = question["results"]
    document.add_heading(f"{number}. {question['prompt']}", level=2)
    paragraph = document.add_paragraph()
    paragraph.add_run(str(question["kind_label"])).italic = True
    paragraph.add_run(" — " + respondents_line(results))
    t = results_table(question["kind"], results)
    if t is not None and t.rows:
        _table(document, t, _percents(question["kind"], results))
    if question["by_group"] and question["kind"] != "open":
        document.add_paragraph().add_run(_("Par groupe d'acteurs")).bold = True
        for entry in question["by_group"]:
            line = group_line(entry, question["kind"])
            document.add_paragraph(line, style="List Bullet")
    if question["comments"]:
        document.add_paragraph().add_run(_("Commentaires")).bold = True
        for comment in question["comments"]:
            mark = "★ " if comment["highlighted"] else ""
            votes = f" (+{comment['upvotes']})" if comment["upvotes"] else ""
            document.add_paragraph(f"{mark}{comment['text']}{votes}", style="List Bullet")


def _captioned(document: DocumentType, caption: str, t: Table) -> None:
    document.add_paragraph().add_run(caption).bold = True
    _table(document, t)


def _debate(document: DocumentType, debate: dict[str, Any] | None) -> None:
    """The floor and the room's questions (exporters/debate.py: the page's texts and tables)."""
    if not debate:
        return
    x = debate_text.texts()
    floor, questions = debate["floor"], debate["questions"]
    document.add_heading(x["title"], level=1)
    if debate.get("purged"):
        document.add_paragraph().add_run(x["purged"]).italic = True
    document.add_heading(x["floor"], level=2)
    if not debate_text.requested(floor):
        document.add_paragraph(x["no_floor"])
    else:
        document.add_paragraph(debate_text.floor_totals_line(floor))
        now = debate_text.speaking_now_line(floor)
        if now:
            document.add_paragraph().add_run(now).italic = True
        if floor["total_turns"]:
            _captioned(document, x["by_group"], debate_text.floor_group_table(floor))
            document.add_paragraph(debate_text.participants_line(floor))
            if floor["by_speaker"]:
                _captioned(document, x["by_speaker"], debate_text.floor_speaker_table(floor))
                _captioned(document, x["turns"], debate_text.floor_turns_table(floor))
        document.add_heading(x["not_reached"], level=3)
        document.add_paragraph(debate_text.not_reached_line(floor))
        if floor["not_reached"]:
            _table(document, debate_text.not_reached_table(floor))
    document.add_heading(x["questions"], level=2)
    if not questions["total"]:
        document.add_paragraph(x["no_questions"])
        return
    document.add_paragraph(x["selection"])
    document.add_paragraph(debate_text.qa_total_line(questions))
    for _status, _n, label in debate_text.qa_counts(questions):
        document.add_paragraph(label, style="List Bullet")
    if questions["items"]:
        _captioned(document, x["questions_table"], debate_text.questions_table(questions))


def _conclusion(document: DocumentType, conclusion: dict[str, Any]) -> None:
    document.add_paragraph(conclusion["text"], style="Intense Quote")
    if conclusion["questions"]:
        document.add_paragraph(
            _("Repose sur les questions : ")
            + "; ".join(q["prompt"] for q in conclusion["questions"])
        )
    if conclusion["comments"]:
        document.add_paragraph(_("Repose sur les commentaires :"))
        for comment in conclusion["comments"]:
            document.add_paragraph(_("« %(text)s »", text=comment["text"]), style="List Bullet")
    tally = conclusion["endorsement"]
    document.add_paragraph(endorsement_line(tally))
    if tally["amendments"]:
        document.add_paragraph(_("Amendements proposés :"))
        for amendment in tally["amendments"]:
            document.add_paragraph(amendment, style="List Bullet")


def programme_report(header: dict[str, Any], summaries: list[dict[str, Any]]) -> bytes:
    document = Document()
    document.add_heading(header["title"], level=0)
    for key in ("organiser", "description", "objective"):
        if header.get(key):
            document.add_paragraph(header[key])
    for summary in summaries:
        session = summary["session"]
        document.add_heading(session["title"], level=1)
        meta = [v for v in (format_iso_date(session["date"]), session["place"]) if v]
        if meta:
            document.add_paragraph(" · ".join(meta))
        found = False
        for qset in summary["sets"]:
            if qset["conclusions"]:
                found = True
                document.add_heading(qset["title"], level=2)
                for conclusion in qset["conclusions"]:
                    _conclusion(document, conclusion)
        if summary["conclusions"]:
            found = True
            document.add_heading(_("Conclusions de l'atelier"), level=2)
            for conclusion in summary["conclusions"]:
                _conclusion(document, conclusion)
        if not found:
            document.add_paragraph(_("Pas encore de conclusions."))
    return _save(document)

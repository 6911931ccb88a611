"""The Markdown report: session, agenda, per set the questions with results, comments and
conclusions with their endorsement."""

from __future__ import annotations

from typing import Any

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


def escape(text: str) -> str:
    """Markdown-inert text on one line (participants' words are never markup)."""
    out = str(text or "").replace("\\", "\\\\")
    for ch in "`*_[]<>#|":
        out = out.replace(ch, "\\" + ch)
    return " ".join(out.split())


def table(t: Table) -> list[str]:
    lines = ["| " + " | ".join(escape(h) for h in t.headers) + " |"]
    lines.append("|" + "|".join("---" for _h in t.headers) + "|")
    lines += ["| " + " | ".join(escape(c) for c in row) + " |" for row in t.rows]
    return lines


def session_report(summary: dict[str, Any]) -> str:
    lines = _header(summary["session"])
    rehearsal = rehearsal_line(summary)
    if rehearsal:
        lines += [f"*{escape(rehearsal)}*", ""]
    lines += _agenda(summary["session"])
    for qset in summary["sets"]:
        lines += _set(qset)
    lines += _debate(summary.get("debate"))
    if summary["conclusions"]:
        lines += ["", "## " + _("Conclusions de l'atelier"), ""]
        for conclusion in summary["conclusions"]:
            lines += _conclusion(conclusion)
    return "\n".join(lines).rstrip() + "\n"


def _header(session: dict[str, Any]) -> list[str]:
    lines = ["# " + escape(session["title"]), ""]
    meta = [
        v for v in (format_iso_date(session["date"]), session["place"], session["organiser"]) if v
    ]
    if meta:
        lines += [escape(" · ".join(meta)), ""]
    for key, label in (
        ("theme_statement", _("Enjeu")),
        ("objective", _("Objectif")),
        ("method", _("Méthode")),
    ):
        if session.get(key):
            lines += [f"**{label}.** " + escape(session[key]), ""]
    return lines


def _agenda(session: dict[str, Any]) -> list[str]:
    agenda = agenda_table(session)
    if agenda is None:
        return []
    return ["## " + _("Ordre du jour : prévu et réel"), "", *table(agenda), ""]


def _set(qset: dict[str, Any]) -> list[str]:
    lines = ["## " + escape(qset["title"]), ""]
    lines += [_("%(n)d répondant(s) à ce questionnaire.", n=qset["respondents"]), ""]
    for number, question in enumerate(qset["questions"], start=1):
        lines += _question(number, question)
    if qset["conclusions"]:
        lines += ["### " + _("Conclusions"), ""]
        for conclusion in qset["conclusions"]:
            lines += _conclusion(conclusion)
    return lines


def _question(number: int, question: dict[str, Any]) -> list[str]:
    results = question["results"]
    lines = [f"### {number}. {escape(question['prompt'])}", ""]
    lines += [f"*{question['kind_label']}* — {respondents_line(results)}", ""]
    t = results_table(question["kind"], results)
    if t is not None and t.rows:
        lines += [*table(t), ""]
    groups = [group_line(e, question["kind"]) for e in question["by_group"]]
    if groups and question["kind"] != "open":
        lines += ["**" + _("Par groupe d'acteurs") + "**", ""]
        lines += ["- " + escape(line) for line in groups] + [""]
    if question["comments"]:
        lines += ["**" + _("Commentaires") + "**", ""]
        for comment in question["comments"]:
            mark = "★ " if comment["highlighted"] else ""
            votes = f" (+{comment['upvotes']})" if comment["upvotes"] else ""
            lines.append(f"- {mark}{escape(comment['text'])}{votes}")
        lines.append("")
    return lines


def _captioned(caption: str, t: Table) -> list[str]:
    return [f"**{escape(caption)}**", "", *table(t), ""]


def _debate(debate: dict[str, Any] | None) -> list[str]:
    """The floor and the room's questions (exporters/debate.py: the page's texts and tables)."""
    if not debate:
        return []
    x = debate_text.texts()
    floor, questions = debate["floor"], debate["questions"]
    lines = ["## " + x["title"], ""]
    if debate.get("purged"):
        lines += [f"*{escape(x['purged'])}*", ""]
    lines += ["### " + x["floor"], ""]
    if not debate_text.requested(floor):
        lines += [x["no_floor"], ""]
    else:
        lines += [escape(debate_text.floor_totals_line(floor)), ""]
        now = debate_text.speaking_now_line(floor)
        if now:
            lines += [f"*{escape(now)}*", ""]
        if floor["total_turns"]:
            lines += _captioned(x["by_group"], debate_text.floor_group_table(floor))
            lines += [escape(debate_text.participants_line(floor)), ""]
            if floor["by_speaker"]:
                lines += _captioned(x["by_speaker"], debate_text.floor_speaker_table(floor))
                lines += _captioned(x["turns"], debate_text.floor_turns_table(floor))
        lines += ["#### " + x["not_reached"], "", escape(debate_text.not_reached_line(floor)), ""]
        if floor["not_reached"]:
            lines += [*table(debate_text.not_reached_table(floor)), ""]
    lines += ["### " + x["questions"], ""]
    if not questions["total"]:
        return [*lines, x["no_questions"], ""]
    lines += [escape(x["selection"]), "", escape(debate_text.qa_total_line(questions)), ""]
    lines += ["- " + label for _status, _n, label in debate_text.qa_counts(questions)]
    lines.append("")
    if questions["items"]:
        lines += _captioned(x["questions_table"], debate_text.questions_table(questions))
    return lines


def _conclusion(conclusion: dict[str, Any]) -> list[str]:
    lines = [f"> {escape(para)}" for para in conclusion["text"].split("\n") if para.strip()]
    lines.append("")
    if conclusion["questions"]:
        lines.append(
            _("Repose sur les questions : ")
            + "; ".join(escape(q["prompt"]) for q in conclusion["questions"])
        )
        lines.append("")
    if conclusion["comments"]:
        lines.append(_("Repose sur les commentaires :"))
        lines += ["- " + _("« %(text)s »", text=escape(c["text"])) for c in conclusion["comments"]]
        lines.append("")
    tally = conclusion["endorsement"]
    lines += [endorsement_line(tally), ""]
    if tally["amendments"]:
        lines.append(_("Amendements proposés :"))
        lines += [f"- {escape(a)}" for a in tally["amendments"]]
        lines.append("")
    return lines


def programme_report(header: dict[str, Any], summaries: list[dict[str, Any]]) -> str:
    lines = ["# " + escape(header["title"]), ""]
    if header["organiser"]:
        lines += [escape(header["organiser"]), ""]
    for key in ("description", "objective"):
        if header.get(key):
            lines += [escape(header[key]), ""]
    for summary in summaries:
        session = summary["session"]
        lines += ["## " + escape(session["title"]), ""]
        meta = [v for v in (format_iso_date(session["date"]), session["place"]) if v]
        if meta:
            lines += [escape(" · ".join(meta)), ""]
        found = False
        for qset in summary["sets"]:
            if qset["conclusions"]:
                found = True
                lines += ["### " + escape(qset["title"]), ""]
                for conclusion in qset["conclusions"]:
                    lines += _conclusion(conclusion)
        if summary["conclusions"]:
            found = True
            lines += ["### " + _("Conclusions de l'atelier"), ""]
            for conclusion in summary["conclusions"]:
                lines += _conclusion(conclusion)
        if not found:
            lines += ["*" + _("Pas encore de conclusions.") + "*", ""]
    return "\n".join(lines).rstrip() + "\n"

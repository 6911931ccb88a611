"""What every export writes of a question's results, as small tables of strings."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from babel.numbers import parse_pattern
from flask_babel import format_decimal, format_percent, get_locale
from flask_babel import gettext as _

from ...labels import ENDORSEMENT_LABELS
from ...models.enums import EndorsementChoice


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]] = field(default_factory=list)


def rehearsal_line(summary: dict[str, Any]) -> str | None:
    """« Répétition : N participants simulés… » when the session has rehearsal participants,
    saying whether the figures count them (None without any)."""
    rehearsal = summary.get("rehearsal") or {}
    count = rehearsal.get("participants", 0)
    if not count:
        return None
    if rehearsal.get("included"):
        return _("Répétition : %(n)d participants simulés, comptés dans les chiffres.", n=count)
    return _("Répétition : %(n)d participants simulés, laissés hors des chiffres.", n=count)


def minutes_text(seconds: int) -> str:
    """« 18 min », « 1 h 05 », « < 1 min »."""
    from ...helpers import format_duration

    minutes = round(seconds / 60)
    return format_duration(minutes) if minutes else _("< 1 min")


def agenda_table(session: dict[str, Any]) -> Table | None:
    """The agenda with each item's planned time and the time it actually took (« prévu /
    réel »); None without an agenda."""
    from ...helpers import format_duration
    from ...labels import agenda_kind_label

    if not session.get("agenda"):
        return None
    table = Table([_("Point"), _("Début prévu"), _("Durée prévue"), _("Durée réelle"), _("Écart")])
    for item in session["agenda"]:
        planned = item.get("duration_min")
        spent = item.get("spent_s") or 0
        started = item.get("started") or spent
        actual = minutes_text(spent) if started else _("pas abordé")
        gap = ""
        if planned and started:
            delta = round(spent / 60) - planned
            gap = "0" if delta == 0 else (f"+{delta}" if delta > 0 else f"−{-delta}") + " min"
        speakers = f" ({', '.join(item['speakers'])})" if item.get("speakers") else ""
        table.rows.append(
            [
                f"{item['position'] + 1}. {agenda_kind_label(item['kind'])} — "
                f"{item['title']}{speakers}",
                item.get("planned_start") or "",
                format_duration(planned) if planned else "–",
                actual,
                gap,
            ]
        )
    return table


def number(value: float | int | None) -> str:
    """A figure in the current language (fr 3,5; en 3.5), up to two decimals, no useless ,0."""
    if value is None:
        return "–"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return format_decimal(value, format="#,##0.##")


def percent(value: float) -> str:
    """A percentage (0–100) with one decimal, in the current language: fr « 66,7 % » (with a
    no-break space), en « 66.7% »."""
    # A fresh copy of the locale's pattern (the locale's own object is shared), one decimal.
    pattern = parse_pattern(get_locale().percent_formats[None].pattern)
    pattern.frac_prec = (1, 1)
    # Through Decimal: the figures are already rounded to one decimal; /100 keeps them exact.
    return format_percent(Decimal(str(value)) / 100, format=pattern)


def label_value(label: Any, value: Any) -> str:
    """« label : value » the way the current language writes it (en « label: value »)."""
    return _("%(label)s : %(value)s", label=label, value=value)


def results_table(kind: str, results: dict[str, Any]) -> Table | None:
    """The figures of one question as a table (None for open questions)."""
    if kind in ("choice", "multi", "yesno"):
        return Table(
            [_("Option"), _("Réponses"), _("%")],
            [[o["label"], str(o["count"]), percent(o["percent"])] for o in results["options"]],
        )
    if kind == "scale":
        return Table(
            [_("Valeur"), _("Réponses"), _("%")],
            [
                [str(d["value"]), str(d["count"]), percent(d["percent"])]
                for d in results["distribution"]
            ],
        )
    if kind == "rank":
        return Table(
            [_("Option"), _("Rang moyen")],
            [[o["label"], number(o["average_rank"])] for o in results["options"]],
        )
    if kind == "words":
        return Table(
            [_("Mot"), _("Occurrences")], [[w["word"], str(w["count"])] for w in results["words"]]
        )
    return None


def respondents_line(results: dict[str, Any]) -> str:
    n = results.get("respondents", 0)
    line = _("%(n)d répondant(s)", n=n)
    if results.get("kind") == "scale" and n:
        line += " · " + _(
            "moyenne %(mean)s, médiane %(median)s",
            mean=number(results.get("mean")),
            median=number(results.get("median")),
        )
    return line


def group_line(entry: dict[str, Any], kind: str) -> str:
    """A group's figures in one line (or « moins de 3 réponses »)."""
    if entry["suppressed"]:
        return label_value(entry["label"], _("moins de 3 réponses"))
    results = entry["results"]
    parts = [respondents_line(results)]
    table = results_table(kind, results)
    if table and kind != "words":
        parts.append(", ".join(f"{row[0]} {' / '.join(row[1:])}" for row in table.rows))
    elif kind == "words":
        parts.append(", ".join(f"{w['word']} ({w['count']})" for w in results["words"][:10]))
    return label_value(entry["label"], " — ".join(parts))


def endorsement_line(tally: dict[str, Any]) -> str:
    if tally["vote_state"] == "none" and not tally["total"]:
        return _("Non soumise au vote de la salle.")
    counts = ", ".join(
        label_value(ENDORSEMENT_LABELS[choice], tally["counts"][choice.value])
        for choice in EndorsementChoice
    )
    return _("Avis de la salle (%(n)d) : ", n=tally["total"]) + counts

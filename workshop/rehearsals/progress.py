"""A rehearsal's progress events (``workshop/summary/rehearsal.py``'s :data:`Report`) in the
user's language, for the rehearsal page: the command line prints them in English."""

from __future__ import annotations

from typing import Any

from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _


def describe(event: dict[str, Any]) -> str:
    """« 12,5 s — … » for one event of the status file (unknown events: their name)."""
    name, v = event.get("event"), event
    try:
        if name == "joined":
            text = _("%(joined)d téléphones sur %(total)d ont rejoint l'atelier.", **_ints(v))
        elif name == "console":
            text = ngettext(
                "La console simulée est connectée : %(num)d questionnaire.",
                "La console simulée est connectée : %(num)d questionnaires.",
                int(v["sets"]),
            )
        elif name == "opened":
            text = _(
                "Questionnaire %(number)d/%(total)d ouvert : « %(title)s ».",
                title=str(v["title"]),
                **_ints(v, "number", "total"),
            )
        elif name == "closed":
            text = _(
                "Questionnaire %(number)d/%(total)d fermé : %(answers)d réponse(s).",
                **_ints(v, "number", "total", "answers"),
            )
            if v.get("late"):
                text += " " + _("%(late)d téléphone(s) trop lent(s).", **_ints(v, "late"))
        elif name == "revealed":
            text = _(
                "Questionnaire %(number)d/%(total)d : résultats affichés au projecteur.",
                **_ints(v, "number", "total"),
            )
        elif name == "waiting":
            text = _("Les téléphones attendent que vous ouvriez les questionnaires.")
        elif name == "progress":
            text = _(
                "%(answers)d réponse(s) jusqu'ici ; %(closed)d questionnaire(s) fermé(s) sur "
                "%(total)d.",
                **_ints(v, "answers", "closed", "total"),
            )
        else:
            text = str(name)
    except (KeyError, TypeError, ValueError):
        text = str(name)
    seconds = float(v.get("t") or 0)
    return _("%(seconds)s s — %(text)s", seconds=format_decimal(seconds, "0.0"), text=text)


def _ints(values: dict[str, Any], *names: str) -> dict[str, int]:
    names = names or ("joined", "total")
    return {name: int(values[name]) for name in names}

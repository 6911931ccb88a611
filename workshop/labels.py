"""Translated labels of the model's vocabularies (for pages and exports)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from .models.enums import AgendaKind, EndorsementChoice, QuestionKind
from .models.session import DEFAULT_STAKEHOLDER_GROUPS

AGENDA_KIND_LABELS = {
    AgendaKind.WELCOME: _l("Accueil"),
    AgendaKind.PRESENTATION: _l("Exposé"),
    AgendaKind.TESTIMONY: _l("Témoignage"),
    AgendaKind.DEBATE: _l("Débat"),
    AgendaKind.CONCLUSIONS: _l("Conclusions"),
    AgendaKind.BREAK: _l("Pause"),
    AgendaKind.OTHER: _l("Autre"),
}

QUESTION_KIND_LABELS = {
    QuestionKind.CHOICE: _l("Choix unique"),
    QuestionKind.MULTI: _l("Choix multiple"),
    QuestionKind.YESNO: _l("Oui / non"),
    QuestionKind.SCALE: _l("Échelle"),
    QuestionKind.RANK: _l("Classement"),
    QuestionKind.OPEN: _l("Question ouverte"),
    QuestionKind.WORDS: _l("Quelques mots"),
}

YESNO_LABELS = {"yes": _l("Oui"), "no": _l("Non"), "dontknow": _l("Je ne sais pas")}

ENDORSEMENT_LABELS = {
    EndorsementChoice.AGREE: _l("D'accord"),
    EndorsementChoice.AMEND: _l("À amender"),
    EndorsementChoice.DISAGREE: _l("Pas d'accord"),
}

STAKEHOLDER_LABELS = {
    "public": _l("Acteur public"),
    "private": _l("Acteur privé"),
    "associative": _l("Acteur associatif"),
    "citizen": _l("Citoyen·ne"),
}


def group_label(key: str, label: str) -> str:
    """A stakeholder group's label for display: a default group whose label was left as the
    default French one is translated; a label the organiser typed is shown as typed."""
    if (key, label) in DEFAULT_STAKEHOLDER_GROUPS and key in STAKEHOLDER_LABELS:
        return str(STAKEHOLDER_LABELS[key])
    return label


def agenda_kind_label(kind: AgendaKind | str) -> str:
    return str(AGENDA_KIND_LABELS[AgendaKind(kind)])


def question_kind_label(kind: QuestionKind | str) -> str:
    return str(QUESTION_KIND_LABELS[QuestionKind(kind)])


def register(app) -> None:
    app.jinja_env.globals.update(
        agenda_kind_label=agenda_kind_label,
        group_label=group_label,
        question_kind_label=question_kind_label,
        yesno_labels=YESNO_LABELS,
        endorsement_labels=ENDORSEMENT_LABELS,
    )

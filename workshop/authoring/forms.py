"""The authoring forms (issue 12). Their values are checked by the session files' rules
(``fields.Rule`` → ``sessions_files/rules.py``); what only the database can tell (keys taken,
answers given) is the services' refusal, shown next to the same field."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, SelectMultipleField
from wtforms.validators import Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..labels import AGENDA_KIND_LABELS, QUESTION_KIND_LABELS
from ..services.authoring import questions
from ..sessions_files import rules
from .fields import (
    DateText,
    GroupLines,
    Lines,
    LongText,
    Rule,
    Text,
    TimeText,
    WholeNumber,
    choices,
    text,
)


def _int_or_none(value: Any) -> int | None:
    if value in (None, "", "0", 0, "None"):
        return None
    return int(value)


class SessionForm(FlaskForm):
    title = Text(_l("Titre"), validators=[text("title", needed=True)])
    slug = Text(
        _l("Identifiant (slug)"),
        validators=[Rule(rules.slug)],
        description=_l("Vide : fait à partir du titre. Par exemple namur-2008-12-03-partenariat."),
    )
    programme_id = SelectField(_l("Programme"), coerce=_int_or_none, validate_choice=False)
    theme_id = SelectField(_l("Thème"), coerce=_int_or_none, validate_choice=False)
    date = DateText(_l("Date"))
    start_time = TimeText(_l("Heure de début"), description=_l("HH:MM, par exemple 09:30"))
    place = Text(_l("Lieu"), validators=[text("place")])
    organiser = Text(_l("Organisateur"), validators=[text("organiser")])
    code = Text(
        _l("Code d'accès"),
        validators=[Rule(rules.join_code)],
        description=_l("6 caractères, pour les affichettes imprimées ; vide : créé pour vous."),
    )
    stakeholder_groups = GroupLines(
        _l("Groupes d'acteurs (un par ligne, « clé : libellé »)"),
        description=_l(
            "Par exemple « public : Acteur public » ; les participants choisissent le leur "
            "dans leur profil. Vide pour un nouvel atelier : acteur public, privé, associatif, "
            "citoyen·ne."
        ),
    )
    theme_statement = LongText(_l("Enjeu"))
    objective = LongText(_l("Objectif"))
    method = LongText(_l("Méthode"))


class CopyForm(FlaskForm):
    title = Text(_l("Titre de la copie"), validators=[text("title", needed=True)])
    slug = Text(
        _l("Identifiant (slug) de la copie"),
        validators=[Rule(rules.slug)],
        description=_l("Vide : fait à partir du titre."),
    )
    with_sets = BooleanField(_l("Copier aussi les séries de questions"))


class DeleteForm(FlaskForm):
    confirmation = Text(
        _l("Pour confirmer, tapez le titre ou le code de l'atelier"),
        validators=[Rule(rules.required, empty=True)],
    )


class ActionForm(FlaskForm):
    """A button that changes something (archive, move, remove): only the CSRF token."""


class ItemForm(FlaskForm):
    kind = SelectField(
        _l("Type"),
        choices=choices((k.value, label) for k, label in AGENDA_KIND_LABELS.items()),
        validators=[Rule(rules.agenda_kind, empty=True)],
        validate_choice=False,
    )
    title = Text(_l("Titre"), validators=[text("item_title", needed=True)])
    text = LongText(
        _l("Texte de la diapositive"), description=_l("Paragraphes séparés par une ligne vide.")
    )
    planned_start = TimeText(_l("Début prévu"), description=_l("HH:MM"))
    duration_min = WholeNumber(_l("Durée (minutes)"), validators=[Optional(), Rule(rules.duration)])
    speaker_ids = SelectMultipleField(
        _l("Intervenants"),
        coerce=int,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        validate_choice=False,
    )
    question_set_id = SelectField(
        _l("Série de questions posée à la salle"), coerce=_int_or_none, validate_choice=False
    )


class SetForm(FlaskForm):
    title = Text(_l("Titre"), validators=[text("set_title", needed=True)])
    key = Text(
        _l("Clé"),
        validators=[Rule(rules.key)],
        description=_l("Identifiant stable dans le fichier ; vide : fait à partir du titre."),
    )
    introduction = LongText(_l("Introduction"))


class QuestionForm(FlaskForm):
    prompt = LongText(_l("Question"), validators=[Rule(rules.required, empty=True)])
    kind = SelectField(
        _l("Type"),
        choices=choices((k.value, label) for k, label in QUESTION_KIND_LABELS.items()),
        validators=[Rule(rules.question_kind, empty=True)],
        validate_choice=False,
    )
    key = Text(
        _l("Clé"),
        validators=[Rule(rules.key)],
        description=_l("Vide : faite à partir de la question."),
    )
    options = Lines(
        _l("Options (une par ligne)"),
        description=_l(
            "Choix unique, choix multiple et classement. L'ordre des lignes est celui des "
            "options : pour en déplacer une, déplacez sa ligne."
        ),
    )
    max_choices = WholeNumber(
        _l("Nombre maximum de choix"), description=_l("Choix multiple ; vide : sans limite.")
    )
    scale_min = WholeNumber(_l("Minimum de l'échelle"), description=_l("Vide : 1."))
    scale_max = WholeNumber(_l("Maximum de l'échelle"), description=_l("Vide : 5."))
    min_label = Text(_l("Libellé du minimum"), validators=[text("label")])
    max_label = Text(_l("Libellé du maximum"), validators=[text("label")])
    max_words = WholeNumber(_l("Nombre maximum de mots"), description=_l("Vide : 3."))
    max_length = WholeNumber(
        _l("Longueur maximale de la réponse (caractères)"),
        description=_l("Question ouverte ; vide : la limite du serveur."),
    )
    allow_comment = BooleanField(_l("Permettre un commentaire avec la réponse"))

    def values(self) -> questions.QuestionFields:
        return questions.QuestionFields(
            prompt=self.prompt.data or "",
            kind=self.kind.data or "",
            key=self.key.data or "",
            options=list(self.options.data or []),
            scale_min=self.scale_min.data,
            scale_max=self.scale_max.data,
            min_label=self.min_label.data or "",
            max_label=self.max_label.data or "",
            max_choices=self.max_choices.data,
            max_words=self.max_words.data,
            max_length=self.max_length.data,
            allow_comment=bool(self.allow_comment.data),
        )

    def validate(self, extra_validators: Any = None) -> bool:
        ok = super().validate(extra_validators)
        if not ok:
            return False
        for name, message in questions.check_question(self.values()).items():
            getattr(self, name).errors.append(message)
        return not self.errors


class MoveQuestionForm(FlaskForm):
    target = SelectField(_l("Déplacer vers la série"), coerce=int, validate_choice=False)


class SpeakerForm(FlaskForm):
    name = Text(_l("Nom"), validators=[text("name", needed=True)])
    key = Text(
        _l("Clé"), validators=[Rule(rules.key)], description=_l("Vide : faite à partir du nom.")
    )
    role = Text(_l("Fonction"), validators=[text("role")])
    organisation = Text(_l("Organisation"), validators=[text("organisation")])
    bio = LongText(_l("Courte biographie (facultative)"))


class ReuseSpeakerForm(FlaskForm):
    speaker_id = SelectField(
        _l("Intervenant d'un autre atelier du programme"), coerce=int, validate_choice=False
    )


class ProgrammeForm(FlaskForm):
    title = Text(_l("Titre"), validators=[text("title", needed=True)])
    slug = Text(
        _l("Identifiant (slug)"),
        validators=[Rule(rules.slug)],
        description=_l("Vide : fait à partir du titre."),
    )
    organiser = Text(_l("Organisateur"), validators=[text("organiser")])
    description = LongText(_l("Description"))
    objective = LongText(_l("Objectif"))
    method = LongText(_l("Méthode"))


class ThemeForm(FlaskForm):
    title = Text(_l("Titre du thème"), validators=[text("title", needed=True)])
    description = LongText(_l("Description"))

"""Forms of the account pages (Flask-WTF: CSRF on). The services check the rules again (a
password's length and commonness, a username's shape): a refusal becomes an error next to its
field."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    PasswordField,
    RadioField,
    SelectChoice,
    SelectMultipleField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from ..services import accounts

ROLE_LABELS = {"facilitator": _l("Animateur·rice"), "organiser": _l("Organisateur·rice")}
METHOD_LABELS = {
    "invitation": _l("Un lien d'invitation : la personne choisit son mot de passe"),
    "temporary": _l("Un mot de passe temporaire, à changer à la première connexion"),
}


def choices(labels) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in labels.items()]


def _password_field(label):
    return PasswordField(
        label,
        validators=[
            DataRequired(_l("Indiquez un mot de passe.")),
            Length(
                min=accounts.MIN_PASSWORD_LENGTH,
                max=accounts.MAX_PASSWORD_LENGTH,
                message=_l(
                    "Le mot de passe compte de %(min)d à %(max)d caractères.",
                    min=accounts.MIN_PASSWORD_LENGTH,
                    max=accounts.MAX_PASSWORD_LENGTH,
                ),
            ),
        ],
        description=_l(
            "Au moins %(num)d caractères ; une phrase de quelques mots est plus facile à retenir"
            " et plus sûre. Les mots de passe les plus courants sont refusés.",
            num=accounts.MIN_PASSWORD_LENGTH,
        ),
    )


def _confirm_field():
    return PasswordField(
        _l("Confirmez le mot de passe"),
        validators=[
            DataRequired(_l("Retapez le mot de passe.")),
            EqualTo("password", message=_l("Les deux mots de passe ne sont pas identiques.")),
        ],
        description=_l("Le même, une seconde fois."),
    )


class NewAccountForm(FlaskForm):
    username = StringField(
        _l("Nom d'utilisateur"),
        validators=[
            DataRequired(_l("Indiquez un nom d'utilisateur.")),
            Regexp(
                accounts.USERNAME_RE.pattern,
                message=_l("De 2 à 80 lettres (sans accent), chiffres ou . _ @ -."),
            ),
        ],
        description=_l(
            "De 2 à 80 lettres (sans accent), chiffres ou . _ @ - ; par exemple prenom.nom."
        ),
    )
    role = RadioField(
        _l("Rôle"),
        choices=choices(ROLE_LABELS),
        default="facilitator",
        validators=[InputRequired(_l("Choisissez un rôle."))],
    )
    method = RadioField(
        _l("Accès"),
        choices=choices(METHOD_LABELS),
        default="invitation",
        validators=[InputRequired(_l("Choisissez comment la personne accède à son compte."))],
    )
    submit = SubmitField(_l("Créer le compte"))


class ActionForm(FlaskForm):
    """A button that changes one thing (CSRF only)."""


class AssignmentsForm(FlaskForm):
    sessions = SelectMultipleField(
        _l("Ateliers attribués"),
        coerce=int,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        validate_choice=True,
    )
    submit = SubmitField(_l("Enregistrer les attributions"))


class ChangePasswordForm(FlaskForm):
    current = PasswordField(
        _l("Mot de passe actuel"),
        validators=[DataRequired(_l("Indiquez votre mot de passe actuel."))],
        description=_l(
            "Celui avec lequel vous vous êtes connecté·e (ou le mot de passe temporaire)."
        ),
    )
    password = _password_field(_l("Nouveau mot de passe"))
    confirm = _confirm_field()
    submit = SubmitField(_l("Changer le mot de passe"))


class SetPasswordForm(FlaskForm):
    password = _password_field(_l("Mot de passe"))
    confirm = _confirm_field()
    submit = SubmitField(_l("Enregistrer mon mot de passe"))

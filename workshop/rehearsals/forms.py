"""The rehearsal form (how many simulated phones) and the reset form (type the code)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, StringField
from wtforms.validators import DataRequired, InputRequired, NumberRange

from .runner import MAX_PACE, MAX_PHONES, MIN_PHONES


class RehearsalForm(FlaskForm):
    participants = IntegerField(
        _l("Nombre de téléphones simulés"),
        default=30,
        validators=[
            DataRequired(_l("Indiquez un nombre de participants.")),
            NumberRange(
                MIN_PHONES,
                MAX_PHONES,
                _l("Entre %(min)s et %(max)s participants.", min=MIN_PHONES, max=MAX_PHONES),
            ),
        ],
    )
    pace = IntegerField(
        _l("Durée de chaque questionnaire (secondes)"),
        default=20,
        validators=[
            InputRequired(_l("Indiquez une durée (0 : aussi vite que possible).")),
            NumberRange(0, MAX_PACE, _l("Entre 0 et %(max)s secondes.", max=MAX_PACE)),
        ],
        description=_l(
            "Le temps de suivre la répétition au projecteur : les réponses arrivent pendant "
            "ce temps, puis les résultats s'affichent moitié moins longtemps. 0 : aussi vite "
            "que les téléphones le peuvent."
        ),
    )
    answer_only = BooleanField(
        _l("Les téléphones répondent seulement : j'ouvre et je ferme les questionnaires moi-même")
    )


class ResetForm(FlaskForm):
    code = StringField(
        _l("Tapez le code de l'atelier pour confirmer"),
        validators=[DataRequired(_l("Tapez le code de l'atelier."))],
    )

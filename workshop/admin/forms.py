from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import BooleanField, IntegerField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ..services.privacy import MAX_RETENTION_DAYS, MIN_RETENTION_DAYS
from ..sessions_files.schema import MAX_PRIVACY_CONTACT


class SessionFilesForm(FlaskForm):
    files = MultipleFileField(
        _l("Fichiers de session (.yaml)"),
        render_kw={"accept": ".yaml,.yml,application/yaml,text/yaml"},
    )
    dry_run = BooleanField(_l("Vérifier seulement, sans charger"))
    submit = SubmitField(_l("Vérifier et charger"))


class PrivacyForm(FlaskForm):
    """Who is responsible for the participants' data, where they write, how long it is kept
    (the same bounds as the session files: services/privacy.py, sessions_files/schema.py)."""

    organiser = StringField(
        _l("Organisateur, responsable du traitement"),
        validators=[Optional(), Length(max=MAX_PRIVACY_CONTACT)],
        description=_l("Par exemple : Province de Namur — Service de la gouvernance."),
    )
    privacy_contact = StringField(
        _l("Contact pour exercer ses droits"),
        validators=[Optional(), Length(max=MAX_PRIVACY_CONTACT)],
        description=_l("Une adresse e-mail ou postale, donnée aux participants."),
    )
    retention_days = IntegerField(
        _l("Durée de conservation (jours après l'atelier)"),
        validators=[Optional(), NumberRange(min=MIN_RETENTION_DAYS, max=MAX_RETENTION_DAYS)],
        description=_l("Vide : la valeur du programme, sinon celle du serveur."),
    )
    submit = SubmitField(_l("Enregistrer"))


class PurgeForm(FlaskForm):
    confirm = BooleanField(
        _l("Je confirme : effacer toutes les contributions des participants"),
        validators=[DataRequired(_l("Cochez la case pour confirmer."))],
    )
    submit = SubmitField(_l("Effacer maintenant"))

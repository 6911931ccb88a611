from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import BooleanField, SubmitField


class SessionFilesForm(FlaskForm):
    files = MultipleFileField(
        _l("Fichiers de session (.yaml)"),
        render_kw={"accept": ".yaml,.yml,application/yaml,text/yaml"},
    )
    dry_run = BooleanField(_l("Vérifier seulement, sans charger"))
    submit = SubmitField(_l("Vérifier et charger"))

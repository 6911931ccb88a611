from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Length


class LoginForm(FlaskForm):
    username = StringField(_l("Nom d'utilisateur"), validators=[DataRequired(), Length(max=80)])
    password = PasswordField(_l("Mot de passe"), validators=[DataRequired()])
    remember = BooleanField(_l("Rester connecté·e"))
    submit = SubmitField(_l("Se connecter"))

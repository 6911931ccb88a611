"""The conclusion form: its text, and the questions and comments it rests on (checkboxes)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, TextAreaField
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from ..services.conclusions import MAX_CONCLUSION_LENGTH


class CheckboxesField(SelectMultipleField):
    """Several choices as a list of checkboxes; ids as integers."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("coerce", int)
        super().__init__(*args, **kwargs)


class ConclusionForm(FlaskForm):
    text = TextAreaField(
        _l("Conclusion"),
        validators=[DataRequired(), Length(max=MAX_CONCLUSION_LENGTH)],
    )
    questions = CheckboxesField(_l("Questions sur lesquelles elle repose"))
    comments = CheckboxesField(_l("Commentaires sur lesquels elle repose"))


def conclusion_form(
    summary_set_or_sets: list[dict[str, Any]], *, prefix: str = "", **kwargs: Any
) -> ConclusionForm:
    """A form whose checkboxes offer the questions and comments of the given summary sets."""
    form = ConclusionForm(prefix=prefix, **kwargs)
    form.questions.choices = [
        (q["id"], q["prompt"]) for s in summary_set_or_sets for q in s["questions"]
    ]
    form.comments.choices = [
        (c["id"], c["text"])
        for s in summary_set_or_sets
        for q in s["questions"]
        for c in q["comments"]
    ]
    return form

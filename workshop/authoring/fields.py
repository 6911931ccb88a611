"""WTForms fields and validators that read and check values with the session files' rules
(``sessions_files/rules.py``): a value a file may not hold, a form refuses, with the same
message, next to its field."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, time
from typing import Any

from wtforms import SelectChoice, StringField, TextAreaField
from wtforms.validators import StopValidation, ValidationError

from ..sessions_files import rules


class Rule:
    """Run ``check(field.data, *args, **kwargs)``, a rules function returning a message or None.
    Empty values are skipped unless ``empty=True`` (a required text)."""

    def __init__(self, check: Callable[..., str | None], *args: Any, empty: bool = False,
                 **kwargs: Any) -> None:  # fmt: skip
        self.check, self.args, self.kwargs, self.empty = check, args, kwargs, empty

    def __call__(self, form: Any, field: Any) -> None:
        if field.data in (None, "") and not self.empty:
            return
        message = self.check(field.data if field.data is not None else "", *self.args,
                             **self.kwargs)  # fmt: skip
        if message is not None:
            raise (StopValidation if self.empty else ValidationError)(message)


def text(rule: str, *, needed: bool = False) -> Rule:
    """The length (and emptiness) rule of a text field (``rule``: its key in rules.LENGTHS)."""
    return Rule(rules.text, rule, needed=needed, empty=needed)


def required() -> Rule:
    return Rule(rules.required, empty=True)


class Text(StringField):
    """A one-line text, stripped as the files strip it."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.data = (valuelist[0] if valuelist else "").strip()


class LongText(TextAreaField):
    def process_formdata(self, valuelist: list[Any]) -> None:
        self.data = (valuelist[0] if valuelist else "").strip().replace("\r\n", "\n")


class _Parsed(StringField):
    """A value typed as text and read by a rules parser (its message if it does not parse)."""

    parse: Callable[[str], tuple[Any, str | None]]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.raw: str | None = None
        self.problem: str | None = None

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.raw = (valuelist[0] if valuelist else "").strip()
        self.data, self.problem = (None, None)
        if self.raw:
            self.data, self.problem = type(self).parse(self.raw)

    def pre_validate(self, form: Any) -> None:
        if self.problem is not None:
            raise StopValidation(self.problem)

    def _value(self) -> str:
        if self.raw is not None:
            return self.raw
        return "" if self.data is None else self.show(self.data)

    def show(self, value: Any) -> str:
        return str(value)


class WholeNumber(_Parsed):
    parse = staticmethod(rules.parse_integer)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("render_kw", {"inputmode": "numeric"})
        super().__init__(*args, **kwargs)


class DateText(_Parsed):
    parse = staticmethod(rules.parse_date)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("render_kw", {"type": "date"})
        super().__init__(*args, **kwargs)

    def show(self, value: date) -> str:
        return value.isoformat()


class TimeText(_Parsed):
    parse = staticmethod(rules.parse_time)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("render_kw", {"type": "time"})
        super().__init__(*args, **kwargs)

    def show(self, value: time) -> str:
        return value.strftime("%H:%M")


class Lines(TextAreaField):
    """A list typed one item a line (the options of a question)."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        raw = valuelist[0] if valuelist else ""
        self.data = [line.strip() for line in raw.splitlines() if line.strip()]

    def _value(self) -> str:
        return "\n".join(self.data or [])


class GroupLines(TextAreaField):
    """Stakeholder groups typed one a line, ``key : label`` (``public : Acteur public``);
    each line checked by :func:`rules.group`, keys unique."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        raw = valuelist[0] if valuelist else ""
        self.lines = [line.strip() for line in raw.splitlines() if line.strip()]
        self.data = []
        for line in self.lines:
            key, _sep, label = line.partition(":")
            self.data.append((key.strip(), label.strip()))

    def process_data(self, value: Any) -> None:
        self.data = [(g.key, g.label) for g in value] if value else []

    def pre_validate(self, form: Any) -> None:
        from flask_babel import gettext as _

        seen: set[str] = set()
        problems = []
        for number, (key, label) in enumerate(self.data or [], start=1):
            problem = rules.group(key, label)
            if problem is None and key in seen:
                problem = rules.duplicate_key(key)
            seen.add(key)
            if problem is not None:
                problems.append(_("ligne %(num)d : %(message)s", num=number, message=problem))
        if problems:
            self.errors = list(problems)
            raise StopValidation()

    def _value(self) -> str:
        return "\n".join(f"{key} : {label}" for key, label in self.data or [])


def choices(pairs: Any) -> list[SelectChoice]:
    """``(value, label)`` pairs as the choices of a select field."""
    return [SelectChoice(value, label) for value, label in pairs]

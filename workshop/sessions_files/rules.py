"""The value rules of a session, in one place: the session files (:mod:`.schema`) and the
authoring forms (``workshop/authoring/forms.py``, through ``validators.Rule``) both call them.

Each check is a pure function of plain Python values (already read from a YAML node or a form
field) and returns the problem's message, or ``None`` when the value is good; parsers return
``(value, message)``. Messages are French source strings through gettext: organisers read them
next to a form's field in their language, and ``workshop validate`` prints them (in the default
locale) after the file, line and place.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from datetime import date, time

from flask_babel import gettext as _
from flask_babel import ngettext

from ..models.enums import YESNO_VALUES, AgendaKind, QuestionKind
from ..models.session import CODE_ALPHABET, CODE_LENGTH
from ..services.validation import DB_INT_MAX, DB_INT_MIN

QUESTION_KINDS = tuple(k.value for k in QuestionKind)
AGENDA_KINDS = tuple(k.value for k in AgendaKind)
OPTION_KINDS = ("choice", "multi", "rank")
DEFAULT_SCALE = (1, 5)
DEFAULT_MAX_WORDS = 3
MAX_SCALE_SPAN = 100  # scale_max - scale_min: results list every value of the scale
MAX_OPEN_LENGTH = 10_000  # an open question's max_length
MAX_SLUG = 80
MAX_KEY = 80
MAX_GROUP_KEY = 40

#: The longest text each field holds (the database columns, models/*.py).
LENGTHS = {
    "title": 200,  # sessions, programmes, themes
    "place": 200,
    "organiser": 200,
    "privacy_contact": 200,
    "item_title": 300,  # agenda items
    "set_title": 300,
    "name": 200,  # speakers
    "role": 200,
    "organisation": 200,
    "label": 120,  # scale end labels, stakeholder groups
    "option": 300,
}

SLUG_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
KEY_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")
DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
TIME_RE = re.compile(r"(\d{1,2}):(\d{2})")
INT_RE = re.compile(r"[-+]?\d+")


def short(text: str, limit: int = 40) -> str:
    """A value as written, cut for a message (a number may have thousands of digits)."""
    return text if len(text) <= limit else f"{text[: limit - 1]}…"


def listing(values: Sequence[object]) -> str:
    return ", ".join(str(v) for v in values) or _("aucune")


# --- texts -------------------------------------------------------------------------------------


def required(value: str) -> str | None:
    return _("ne doit pas être vide") if not value.strip() else None


def length(value: str, maximum: int) -> str | None:
    if len(value) <= maximum:
        return None
    return ngettext(
        "est trop long (%(num)d caractère au plus)",
        "est trop long (%(num)d caractères au plus)",
        maximum,
    )


def text(value: str, field: str, *, needed: bool = False) -> str | None:
    """A text of ``field`` (a key of :data:`LENGTHS`): not empty if ``needed``, not too long."""
    return (required(value) if needed else None) or length(value, LENGTHS[field])


def slug(value: str) -> str | None:
    if SLUG_RE.fullmatch(value) and len(value) <= MAX_SLUG:
        return None
    return _(
        "« %(value)s » n'est pas un identifiant valide (lettres minuscules, chiffres et tirets "
        "simples, %(max)d caractères au plus, par exemple namur-2008-12-03-contractualisation)",
        value=short(value),
        max=MAX_SLUG,
    )


def key(value: str, maximum: int = MAX_KEY) -> str | None:
    if KEY_RE.fullmatch(value) and len(value) <= maximum:
        return None
    return _(
        "« %(value)s » n'est pas une clé valide (lettres, chiffres, « - » et « _ », en "
        "commençant par une lettre ou un chiffre, %(max)d caractères au plus)",
        value=short(value),
        max=maximum,
    )


def join_code(value: str) -> str | None:
    if len(value) == CODE_LENGTH and all(ch in CODE_ALPHABET for ch in value):
        return None
    return _(
        "« %(value)s » n'est pas un code d'accès (%(length)d caractères parmi %(alphabet)s ; "
        "laissez-le vide pour qu'il soit créé)",
        value=short(value),
        length=CODE_LENGTH,
        alphabet=CODE_ALPHABET,
    )


def group(key_value: str, label: str) -> str | None:
    """A stakeholder group: its key (40 characters at most) and its label."""
    return key(key_value, MAX_GROUP_KEY) or text(label, "label", needed=True)


def duplicate_key(value: str, line: int | None = None) -> str:
    if line is None:
        return _("la clé « %(value)s » est déjà utilisée", value=short(value))
    return _(
        "la clé « %(value)s » est déjà utilisée (ligne %(line)d)", value=short(value), line=line
    )


# --- dates, times, numbers ---------------------------------------------------------------------


def parse_date(raw: str) -> tuple[date | None, str | None]:
    try:
        if not DATE_RE.fullmatch(raw):
            raise ValueError
        return date.fromisoformat(raw), None
    except ValueError:
        return None, _(
            "« %(value)s » n'est pas une date valide (attendu : AAAA-MM-JJ)", value=short(raw)
        )


def parse_time(raw: str) -> tuple[time | None, str | None]:
    match = TIME_RE.fullmatch(raw)
    try:
        if match is None:
            raise ValueError
        return time(int(match[1]), int(match[2])), None
    except ValueError:
        return None, _(
            "« %(value)s » n'est pas une heure valide (attendu : HH:MM, par exemple 09:30)",
            value=short(raw),
        )


def not_whole(raw: str) -> str:
    return _("« %(value)s » n'est pas un nombre entier", value=short(raw))


def parse_integer(raw: str) -> tuple[int | None, str | None]:
    """A whole number as typed in a form (files have YAML's own integers, see nodes.py)."""
    raw = raw.strip()
    if not INT_RE.fullmatch(raw) or len(raw) > 20:
        if INT_RE.fullmatch(raw):
            return None, out_of_range(raw)
        return None, not_whole(raw)
    value = int(raw)
    return (value, None) if in_database(value) else (None, out_of_range(raw))


def in_database(value: int) -> bool:
    return DB_INT_MIN <= value <= DB_INT_MAX


def out_of_range(raw: str) -> str:
    return _(
        "%(value)s est hors limites (nombres entiers de %(min)d à %(max)d)",
        value=short(raw),
        min=DB_INT_MIN,
        max=DB_INT_MAX,
    )


def bounds(value: int, minimum: int | None = None, maximum: int | None = None) -> str | None:
    if minimum is not None and value < minimum:
        return _("%(value)d est trop petit (au moins %(min)d)", value=value, min=minimum)
    if maximum is not None and value > maximum:
        return _("%(value)d est trop grand (au plus %(max)d)", value=value, max=maximum)
    return None


def duration(value: int) -> str | None:
    return bounds(value, 1)


def max_words(value: int) -> str | None:
    return bounds(value, 1)


def max_length(value: int) -> str | None:
    return bounds(value, 1, MAX_OPEN_LENGTH)


def theme_number(value: int) -> str | None:
    return bounds(value, 1)


# --- kinds and references ----------------------------------------------------------------------


def question_kind(value: str) -> str | None:
    if value in QUESTION_KINDS:
        return None
    return _(
        "« %(value)s » n'est pas un type de question (permis : %(allowed)s)",
        value=short(value),
        allowed=listing(QUESTION_KINDS),
    )


def agenda_kind(value: str) -> str | None:
    if value in AGENDA_KINDS:
        return None
    return _(
        "« %(value)s » n'est pas un type d'élément de l'ordre du jour (permis : %(allowed)s)",
        value=short(value),
        allowed=listing(AGENDA_KINDS),
    )


def speaker_ref(value: str, known: Collection[str]) -> str | None:
    if value in known:
        return None
    return _(
        "« %(value)s » n'est pas une clé d'intervenant de cet atelier (connues : %(known)s)",
        value=short(value),
        known=listing(list(known)),
    )


def set_ref(value: str, known: Collection[str]) -> str | None:
    if value in known:
        return None
    return _(
        "« %(value)s » n'est pas une clé de série de questions de cet atelier "
        "(connues : %(known)s)",
        value=short(value),
        known=listing(list(known)),
    )


def listed_twice(value: str) -> str:
    return _("« %(value)s » est donné deux fois", value=short(value))


# --- questions' settings -----------------------------------------------------------------------


def options(values: Sequence[str], kind: str) -> tuple[list[tuple[int, str]], str | None]:
    """The options of a choice, multi or rank question: each option's problems ``(index,
    message)``, and the list's own problem (fewer than two)."""
    problems: list[tuple[int, str]] = []
    seen: set[str] = set()
    for index, option in enumerate(values):
        if not option.strip():
            problems.append((index, _("option vide")))
        elif option in seen:
            problems.append((index, _("option en double « %(value)s »", value=short(option))))
        elif (message := length(option, LENGTHS["option"])) is not None:
            problems.append((index, message))
        seen.add(option)
    whole = None
    if len(values) < 2:
        whole = ngettext(
            "une question %(kind)s demande au moins 2 options (%(num)d donnée)",
            "une question %(kind)s demande au moins 2 options (%(num)d données)",
            len(values),
            kind=kind,
        )
    return problems, whole


def scale(minimum: int, maximum: int) -> str | None:
    """The problem of a scale's bounds (reported on ``scale_max``)."""
    if minimum >= maximum:
        return _(
            "doit être plus grand que le minimum (%(min)d), reçu %(max)d", min=minimum, max=maximum
        )
    if maximum - minimum > MAX_SCALE_SPAN:
        return _(
            "une échelle a au plus %(values)d valeurs (par exemple de 0 à %(span)d), reçu de "
            "%(min)d à %(max)d",
            values=MAX_SCALE_SPAN + 1,
            span=MAX_SCALE_SPAN,
            min=minimum,
            max=maximum,
        )
    return None


def max_choices(value: int, option_count: int) -> str | None:
    if value < 1:
        return bounds(value, 1)
    if option_count >= 2 and value > option_count:
        return _("%(value)d dépasse le nombre d'options (%(num)d)", value=value, num=option_count)
    return None


def yesno_options() -> str:
    return _(
        "les questions yesno ont des options fixes (%(allowed)s) : retirez options",
        allowed=listing(YESNO_VALUES),
    )


def only_for(kinds: Sequence[str], kind: str) -> str:
    return _(
        "seulement pour les questions %(kinds)s (celle-ci est %(kind)s)",
        kinds=" / ".join(kinds),
        kind=kind,
    )


def open_comment() -> str:
    return _("une question open reçoit déjà une réponse écrite (retirez allow_comment)")

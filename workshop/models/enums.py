"""The closed vocabularies of the model, as ``StrEnum``s stored by value."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import Enum


class AgendaKind(StrEnum):
    WELCOME = "welcome"
    PRESENTATION = "presentation"
    TESTIMONY = "testimony"
    DEBATE = "debate"
    CONCLUSIONS = "conclusions"
    BREAK = "break"
    OTHER = "other"


class QuestionKind(StrEnum):
    CHOICE = "choice"  # one option
    MULTI = "multi"  # several options
    YESNO = "yesno"  # yes / no / don't know
    SCALE = "scale"  # integer from scale_min to scale_max, with end labels
    RANK = "rank"  # order the options
    OPEN = "open"  # free text
    WORDS = "words"  # a few words (word cloud)


class SessionStatus(StrEnum):
    PLANNED = "planned"
    LIVE = "live"
    ENDED = "ended"


class SetState(StrEnum):
    READY = "ready"  # prepared, not yet pushed
    OPEN = "open"  # on the phones, answers accepted
    CLOSED = "closed"  # answers refused


class Role(StrEnum):
    ORGANISER = "organiser"
    FACILITATOR = "facilitator"


class VoteState(StrEnum):
    NONE = "none"  # not put to the room
    OPEN = "open"  # on the phones
    CLOSED = "closed"


class EndorsementChoice(StrEnum):
    AGREE = "agree"
    AMEND = "amend"
    DISAGREE = "disagree"


class FloorState(StrEnum):
    """A request for the floor, then its turn."""

    WAITING = "waiting"  # in the queue
    SPEAKING = "speaking"  # the turn under way (at most one per session)
    DONE = "done"  # the turn ended
    WITHDRAWN = "withdrawn"  # the participant withdrew before their turn
    REMOVED = "removed"  # the facilitator took it off the list


class QaStatus(StrEnum):
    """A question of the room to the speakers."""

    PENDING = "pending"  # waiting for a facilitator's approval (pre-moderation)
    VISIBLE = "visible"
    ANSWERED = "answered"
    HIDDEN = "hidden"  # by moderation
    MERGED = "merged"  # into another question


YESNO_VALUES = ("yes", "no", "dontknow")


def enum_column(enum_cls: type[StrEnum]) -> Enum:
    """A portable VARCHAR + CHECK column holding the enum's values."""
    return Enum(
        enum_cls,
        native_enum=False,
        create_constraint=True,
        length=20,
        values_callable=lambda e: [m.value for m in e],
        name=f"ck_{enum_cls.__name__.lower()}",
        validate_strings=True,
    )

"""Typed SQLAlchemy 2.0 models, one area per module. Importing this package registers them all."""

from . import revision  # noqa: F401  (registers the flush hook)
from .activity import Activity
from .conclusions import Conclusion, ConclusionLink, Endorsement
from .debate import FloorRequest, RoomQuestion, RoomQuestionSupport
from .live import Answer, Participant, Upvote
from .programme import Programme, Theme
from .questions import Question, QuestionSet
from .session import AgendaItem, Session, Speaker, StakeholderGroup
from .user import User

__all__ = [
    "Activity",
    "AgendaItem",
    "Answer",
    "Conclusion",
    "ConclusionLink",
    "Endorsement",
    "FloorRequest",
    "Participant",
    "Programme",
    "Question",
    "QuestionSet",
    "RoomQuestion",
    "RoomQuestionSupport",
    "Session",
    "Speaker",
    "StakeholderGroup",
    "Theme",
    "Upvote",
    "User",
]

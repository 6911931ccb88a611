"""Every change of state of a live session (docs/protocol.md): validate, write, commit once,
then publish.

Modules: ``participants`` (sockets joining, profiles), ``answers`` (answers, upvotes,
moderation), ``control`` (agenda, question sets), ``snapshots`` (the state sent on connect),
``publish`` (rooms, broadcasts, coalesced results and comments), ``presence`` (connected phones),
``validation`` and ``views`` (JSON shapes).
"""

from . import writer
from .answers import moderate_comment, record_answer, upvote
from .control import agenda_goto, agenda_next, close_set, open_set, reveal_set
from .participants import Joined, connect, disconnect, set_profile
from .publish import comments_pusher, pusher
from .snapshots import snapshot

__all__ = [
    "Joined",
    "agenda_goto",
    "agenda_next",
    "close_set",
    "comments_pusher",
    "connect",
    "disconnect",
    "moderate_comment",
    "open_set",
    "pusher",
    "record_answer",
    "reveal_set",
    "set_profile",
    "snapshot",
    "upvote",
    "writer",
]

"""Authoring in the web (issue 12): every change an organiser makes in the forms under
``/admin/`` — programmes and themes, sessions, speakers, agenda items, question sets and
questions. Each function is one unit of work (``transaction()``), logs itself in the activity
log, and, when the session is live, pushes the change to the room after the commit.

The value rules are those of the session files (``sessions_files/rules.py``): the forms check
them first; the services check what only the database can tell (keys already taken, answers
already given, a live session).
"""

from . import agenda, programmes, questions, sessions, speakers
from .common import get, slugify

__all__ = ["agenda", "get", "programmes", "questions", "sessions", "slugify", "speakers"]

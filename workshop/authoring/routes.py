"""Authoring pages (see the package's docstring).

The blueprint is in ``common.py``; the pages in ``sessions.py`` (sessions, copy, archive,
delete), ``parts.py`` (speakers and agenda items), ``question_pages.py`` (sets, questions,
previews) and ``programmes.py``. Each route parses, checks access (organisers only) and calls
one service function.
"""

from __future__ import annotations

from . import parts, programmes, question_pages, sessions
from .common import bp

__all__ = ["bp", "parts", "programmes", "question_pages", "sessions"]

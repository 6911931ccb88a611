"""Authoring pages (see the package's docstring)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("authoring", __name__, url_prefix="/admin")

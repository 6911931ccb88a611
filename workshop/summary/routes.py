"""Summary and export pages."""

from flask import Blueprint

bp = Blueprint("summary", __name__)

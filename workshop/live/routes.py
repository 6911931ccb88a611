"""Pages of the live session (participant, projector, console).

Endpoint names are a contract used by other templates: ``live.join``, ``live.participant``,
``live.screen``, ``live.console``, ``live.handout``.
"""

from flask import Blueprint, abort

bp = Blueprint("live", __name__)


@bp.route("/join")
def join():
    abort(501)


@bp.route("/j/<code>")
def participant(code: str):
    abort(501)


@bp.route("/screen/<code>")
def screen(code: str):
    abort(501)


@bp.route("/screen/<code>/handout")
def handout(code: str):
    abort(501)


@bp.route("/host/<code>")
def console(code: str):
    abort(501)

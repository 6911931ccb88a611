"""Debate summary, conclusions and exports."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from .exporters.text import number, percent
    from .routes import bp

    app.register_blueprint(bp)
    # Figures in the request's language (fr « 66,7 % », en « 66.7% »), for the summary templates.
    app.jinja_env.filters["number"] = number
    app.jinja_env.filters["percent"] = percent

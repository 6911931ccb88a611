"""workshop: live facilitation for governance workshops.

This module stays light on purpose: ``workshop serve`` must patch the standard library for gevent
before Flask and its friends are imported, and importing the package runs this file first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Mapping

    from flask import Flask


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Application factory (see :mod:`workshop.app`)."""
    from .app import create_app as _create_app

    return _create_app(config)


__all__ = ["create_app"]

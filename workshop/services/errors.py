"""The one error type services raise for bad input; handlers turn it into an ack or a message."""

from __future__ import annotations


class ServiceError(Exception):
    """A refused request: ``code`` is stable (documented in docs/protocol.md), ``message`` is
    human-readable (already translated when raised inside a request)."""

    def __init__(self, code: str, message: str, **details: object) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details

    def as_ack(self) -> dict:
        error = {"code": self.code, "message": self.message}
        if self.details:
            error["details"] = self.details
        return {"ok": False, "error": error}

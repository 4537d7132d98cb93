"""Errors that services raise; the API turns them into problem+json, the pages into messages."""

from __future__ import annotations


class DomainError(Exception):
    """Base of the errors a service raises for a request it cannot carry out."""

    status = 400
    title = "Bad request"

    def __init__(self, detail: str, *, errors: dict[str, list[str]] | None = None, code: str | None = None):
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or {}
        self.code = code


class NotFound(DomainError):
    """The object does not exist or is not the caller's to see."""

    status = 404
    title = "Not found"


class Forbidden(DomainError):
    status = 403
    title = "Forbidden"


class Conflict(DomainError):
    """The request clashes with the object's state or with other objects (overlap, wrong status)."""

    status = 409
    title = "Conflict"


class Invalid(DomainError):
    """Field values the service refuses; ``errors`` names the fields."""

    status = 422
    title = "Validation failed"


class UnsupportedMedia(DomainError):
    status = 415
    title = "Unsupported media type"


class TooLarge(DomainError):
    status = 413
    title = "Payload too large"

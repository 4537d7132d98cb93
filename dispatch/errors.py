"""Errors that services raise; the API turns them into problem+json, the pages into messages."""

from __future__ import annotations

from typing import Any, TypeVar

from flask_babel import LazyString

from dispatch.extensions import db

Row = TypeVar("Row")


class DomainError(Exception):
    """Base of the errors a service raises for a request it cannot carry out."""

    status = 400
    title = "Bad request"

    def __init__(self, detail: str, *, errors: dict[str, list[str]] | None = None, code: str | None = None,
                 members: dict[str, Any] | None = None):
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or {}
        self.code = code
        # Further members of the problem document (RFC 9457 extensions), e.g. the conflicts of a refused visit.
        self.members = members or {}


class NotFound(DomainError):
    """The object does not exist or is not the caller's to see."""

    status = 404
    title = "Not found"


def get_or_not_found(model: type[Row], ident: Any, message: LazyString) -> Row:
    """The ``model`` row with primary key ``ident``, or NotFound with ``message`` (lazy: built only when raised)."""
    row = db.session.get(model, ident)
    if row is None:
        raise NotFound(str(message))
    return row


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

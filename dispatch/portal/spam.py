"""Keeping bots off the public form: a signed start time (people take a few seconds) and the honeypot."""

from __future__ import annotations

import secrets

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, TimestampSigner

from dispatch.dbtypes import utcnow

SALT = "portal-form"
MAX_AGE_SECONDS = 24 * 3600  # a form left open for a day is shown again with a fresh start time


def _signer() -> TimestampSigner:
    return TimestampSigner(current_app.config["SECRET_KEY"], salt=SALT)


def start_token() -> str:
    """A signed, timestamped token put in the form when it is shown."""
    return _signer().sign(secrets.token_urlsafe(8)).decode()


def too_fast(token: str | None) -> bool:
    """Whether the form came back sooner than a person could fill it in, or with a forged or stale start."""
    try:
        _value, signed_at = _signer().unsign(token or "", max_age=MAX_AGE_SECONDS, return_timestamp=True)
    except (SignatureExpired, BadSignature):
        return True
    return (utcnow() - signed_at).total_seconds() < current_app.config["PORTAL_MIN_FILL_SECONDS"]

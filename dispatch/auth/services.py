"""Users, passwords and bearer tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from dispatch.auth.models import ApiToken, User
from dispatch.dbtypes import utcnow
from dispatch.enums import Role
from dispatch.errors import Invalid
from dispatch.extensions import db

MIN_PASSWORD_LENGTH = 10


def _hasher() -> tuple[PasswordHasher, str]:
    """The app's argon2id hasher (cost from ``ARGON2_PARAMS``) and a dummy hash made with it.

    The dummy hash is verified when an e-mail is unknown, so that a miss takes as long as a wrong password.
    """
    cached = current_app.extensions.get("dispatch.argon2")
    if cached is None:
        hasher = PasswordHasher(**current_app.config["ARGON2_PARAMS"])
        cached = current_app.extensions["dispatch.argon2"] = (hasher, hasher.hash("not-a-real-password"))
    return cached


def hash_password(password: str) -> str:
    """An argon2id hash of ``password``."""
    return _hasher()[0].hash(password)


def create_user(email: str, name: str, role: Role | str, password: str, language: str = "en") -> User:
    """Add a user; the e-mail must be new and the password long enough."""
    email = email.strip().lower()
    if "@" not in email:
        raise Invalid(_("Not an e-mail address."), errors={"email": [_("Not a valid e-mail address.")]})
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Invalid(_("Password too short."),
                      errors={"password": [_("At least %(count)s characters.", count=MIN_PASSWORD_LENGTH)]})
    if user_by_email(email) is not None:
        raise Invalid(_("E-mail already in use."), errors={"email": [_("A user with this e-mail exists.")]})
    user = User(email=email, name=name.strip(), role=Role(role), password_hash=hash_password(password),
                language=language)
    db.session.add(user)
    db.session.flush()
    return user


def user_by_email(email: str) -> User | None:
    """The user with this e-mail (case-insensitive: e-mails are stored in lower case), if any."""
    return db.session.scalar(select(User).where(User.email == email.strip().lower()))


def authenticate(email: str, password: str) -> User | None:
    """The active user with these credentials, or None; rehashes outdated hashes."""
    user = user_by_email(email)
    hasher, dummy_hash = _hasher()
    try:
        hasher.verify(user.password_hash if user else dummy_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or not user.active:
        return None
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def set_language(user: User, language: str) -> None:
    """Remember the user's interface language (select_locale reads it on every request)."""
    user.language = language


def issue_token(user: User, lifetime: timedelta) -> tuple[str, ApiToken]:
    """A new bearer token for ``user``: the plain token (shown once) and its stored record."""
    plain = secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, token_hash=_digest(plain), expires_at=utcnow() + lifetime)
    db.session.add(token)
    db.session.flush()
    return plain, token


def user_for_token(plain: str, now: datetime | None = None) -> User | None:
    """The active user a valid, unexpired, unrevoked bearer token belongs to."""
    now = now or utcnow()
    row = db.session.execute(
        select(User, ApiToken)
        .join(ApiToken, ApiToken.user_id == User.id)
        .where(ApiToken.token_hash == _digest(plain), ApiToken.revoked_at.is_(None), ApiToken.expires_at > now)
    ).first()
    if row is None or not row.User.active:
        return None
    return row.User


def _digest(plain: str) -> str:
    # Tokens carry 256 random bits, so a fast hash is safe here (unlike passwords).
    return hashlib.sha256(plain.encode()).hexdigest()

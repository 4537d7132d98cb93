"""Webhook signatures as the Standard Webhooks specification (standardwebhooks.com) defines them.

Where the signing secret lives: nowhere. HMAC needs the secret at every delivery, so it cannot be
stored as a one-way hash like a password. Storing it in plain text would let anyone holding a
database dump or backup (the most common leak) sign events that a customer's ERP trusts, such as
``invoice.paid``. Instead each endpoint stores a random salt, and the secret is
HMAC-SHA256(``SECRET_KEY``, salt): recomputed when signing, shown to the admin once when the endpoint
is made (or its secret renewed), never written to the database, a log or the idempotency store. A
forger needs both the database and the app's ``SECRET_KEY``, which already guards sessions. The
price: changing ``SECRET_KEY`` changes every webhook secret, so after such a rotation an admin renews
each endpoint's secret and gives the new one to the receiver.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from flask import current_app

SECRET_PREFIX = "whsec_"  # noqa: S105 - the marker of the format, not a secret
_DERIVATION_LABEL = b"dispatch.webhooks.secret:"


def new_salt() -> str:
    """A fresh random salt from which an endpoint's secret is derived."""
    return secrets.token_hex(16)


def new_message_id() -> str:
    """A unique ``webhook-id`` for one event sent to one endpoint."""
    return "msg_" + secrets.token_urlsafe(18)


def endpoint_secret(salt: str) -> str:
    """The endpoint's signing secret, ``whsec_`` and 32 random-looking bytes in base64."""
    key = current_app.config["SECRET_KEY"]
    key_bytes = key if isinstance(key, bytes) else key.encode()
    derived = hmac.new(key_bytes, _DERIVATION_LABEL + salt.encode(), hashlib.sha256).digest()
    return SECRET_PREFIX + base64.b64encode(derived).decode()


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` value: ``v1,`` and the base64 HMAC-SHA256 of ``{id}.{timestamp}.{body}``."""
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    digest = hmac.new(key, f"{message_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def signed_headers(secret: str, message_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """The headers of one delivery attempt."""
    return {
        "Content-Type": "application/json",
        "User-Agent": "dispatch-webhooks/1",
        "Webhook-Id": message_id,
        "Webhook-Timestamp": str(timestamp),
        "Webhook-Signature": sign(secret, message_id, timestamp, body),
    }

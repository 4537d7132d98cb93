"""Configuration: defaults, then instance/config.py, then environment variables."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

# Environment variables that override configuration, with the type to parse them as.
ENV_OVERRIDES: dict[str, type] = {
    "SECRET_KEY": str,
    "DATABASE_URL": str,
    "REDIS_URL": str,
    "STORAGE_DIR": str,
    "SMTP_URL": str,
    "MAIL_FROM": str,
    "COMPANY_TIMEZONE": str,
    "GEOCODER": str,
    "GEOCODER_URL": str,
    "GEOCODER_USER_AGENT": str,
    "GEOCODER_SCHEME": str,
    "GEOCODER_MIN_DELAY_SECONDS": float,
    "TRAVEL_DETOUR_FACTOR": float,
    "TRAVEL_SPEED_KMH": float,
    "TRAVEL_LOCAL_KM": float,
    "TRAVEL_HIGHWAY_SPEED_KMH": float,
    "ROUTE_SOLVER_SECONDS": float,
    "MAP_TILE_URL": str,
    "MAP_ATTRIBUTION": str,
    "RATELIMIT_STORAGE_URI": str,
    "PUBLIC_BASE_URL": str,
    "TOKEN_LIFETIME_HOURS": int,
    "MAX_UPLOAD_MB": int,
    "PROXY_COUNT": int,
    "IMAP_URL": str,
    "INBOUND_MAIL_TOKEN": str,
    "INBOUND_MAIL_MAX_MB": int,
    "MAIL_ACK_LIMIT_PER_HOUR": int,
    "INBOUND_MAIL_LIMIT_PER_HOUR": int,
}


class Defaults:
    """Settings that hold unless the instance config or the environment says otherwise."""

    DATABASE_URL = ""  # empty: SQLite file in the instance folder
    REDIS_URL = ""  # empty: background tasks run in-process after the commit
    STORAGE_DIR = ""  # empty: instance/files
    SMTP_URL = "smtp://127.0.0.1:25"
    MAIL_FROM = "Service desk <service@example.com>"
    COMPANY_TIMEZONE = "Europe/Amsterdam"
    GEOCODER = "nominatim"
    GEOCODER_URL = "nominatim.openstreetmap.org"
    GEOCODER_USER_AGENT = "dispatch-field-service"
    GEOCODER_SCHEME = "https"
    # Nominatim's usage policy: at most one request a second, from the whole installation.
    GEOCODER_MIN_DELAY_SECONDS = 1.0
    # Travel estimates (dispatch/scheduling/geo/travel.py): straight-line distance x detour factor; the first
    # TRAVEL_LOCAL_KM of road at TRAVEL_SPEED_KMH, the rest at TRAVEL_HIGHWAY_SPEED_KMH.
    TRAVEL_DETOUR_FACTOR = 1.3
    TRAVEL_SPEED_KMH = 50.0
    TRAVEL_LOCAL_KM = 30.0
    TRAVEL_HIGHWAY_SPEED_KMH = 90.0
    # Time the route solver (OR-Tools) may search before the best plan so far is taken.
    ROUTE_SOLVER_SECONDS = 5.0
    # Map tiles of the technician app's job map (a Leaflet URL template) and their required credit, as text.
    MAP_TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    MAP_ATTRIBUTION = "© OpenStreetMap contributors"
    PUBLIC_BASE_URL = "http://127.0.0.1:5000"
    # Reverse proxies in front of the app that set X-Forwarded-For/-Proto/-Host; 0 trusts none.
    PROXY_COUNT = 0
    TOKEN_LIFETIME_HOURS = 24 * 30
    MAX_UPLOAD_MB = 25
    TASK_MAX_ATTEMPTS = 5
    # Inbound e-mail (dispatch/desk/mailbox): the mailbox fetched by a periodic job (imaps://user:pass@host/INBOX,
    # or imap://...?starttls=1; empty: no fetching), the bearer token of mail services posting raw MIME to
    # /api/v1/inbound-mail (empty: the endpoint refuses everyone), the largest message accepted there, and the
    # loop brakes: acknowledgements per address and filed mails per sender in an hour.
    IMAP_URL = ""
    INBOUND_MAIL_TOKEN = ""
    INBOUND_MAIL_MAX_MB = 40
    MAIL_ACK_LIMIT_PER_HOUR = 3
    INBOUND_MAIL_LIMIT_PER_HOUR = 30
    # Webhook deliveries (dispatch/integrations/webhooks.py): POST timeout, attempts before giving up,
    # and the backoff: BASE x 3^(attempt - 1) seconds, at most MAX (1, 3, 9, 27, 81 min, 4 h, 6 h).
    WEBHOOK_TIMEOUT_SECONDS = 10
    WEBHOOK_MAX_ATTEMPTS = 8
    WEBHOOK_RETRY_BASE_SECONDS = 60
    WEBHOOK_RETRY_MAX_SECONDS = 6 * 3600
    # argon2id cost (argon2-cffi's RFC 9106 "low memory" profile); tests lower it to stay fast.
    ARGON2_PARAMS: dict[str, int] = {"time_cost": 3, "memory_cost": 65536, "parallelism": 4}
    LOGIN_RATE_LIMIT = "10 per minute"
    # The customer portal (dispatch/portal): web-form submissions and ticket look-ups per client address, and
    # the seconds a person needs at least to fill in the web form (quicker is taken for a bot).
    PORTAL_FORM_RATE_LIMIT = "5 per minute;30 per hour"
    PORTAL_LOGIN_RATE_LIMIT = "10 per minute;50 per hour"
    PORTAL_MIN_FILL_SECONDS = 3
    RATELIMIT_STORAGE_URI = ""
    RATELIMIT_HEADERS_ENABLED = True
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "UTC"
    LANGUAGES = ("en", "nl", "de")
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None  # the session bounds the token; technicians keep pages open all day
    SQLALCHEMY_ENGINE_OPTIONS: dict[str, Any] = {}
    # flask-smorest / OpenAPI
    API_TITLE = "Dispatch API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.1.0"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"


def load(app_config: dict[str, Any], instance_path: Path, test_config: dict[str, Any] | None) -> None:
    """Fill ``app_config`` from defaults, the instance config file, the environment and ``test_config``."""
    app_config.from_object(Defaults)  # type: ignore[attr-defined]
    if test_config is None:
        app_config.from_pyfile(str(instance_path / "config.py"), silent=True)  # type: ignore[attr-defined]
        for name, kind in ENV_OVERRIDES.items():
            if name in os.environ:
                app_config[name] = kind(os.environ[name])
    else:
        app_config.update(test_config)

    if not app_config.get("SECRET_KEY"):
        app_config["SECRET_KEY"] = _instance_secret_key(instance_path)
    if not app_config["DATABASE_URL"]:
        app_config["DATABASE_URL"] = f"sqlite:///{instance_path / 'dispatch.sqlite3'}"
    app_config["SQLALCHEMY_DATABASE_URI"] = _normalise_database_url(app_config["DATABASE_URL"])
    if not app_config["STORAGE_DIR"]:
        app_config["STORAGE_DIR"] = str(instance_path / "files")
    if not app_config["RATELIMIT_STORAGE_URI"]:
        app_config["RATELIMIT_STORAGE_URI"] = app_config["REDIS_URL"] or "memory://"
    app_config["MAX_CONTENT_LENGTH"] = app_config["MAX_UPLOAD_MB"] * 1024 * 1024


def _normalise_database_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL URLs written the usual way."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _instance_secret_key(instance_path: Path) -> str:
    """Read the secret key from the instance folder, generating it on first run."""
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key

"""Languages and time zones: Flask-Babel with English, Dutch and German; UTC stored, local shown."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from flask import Flask, current_app, has_request_context, request
from flask_babel import Babel, format_datetime
from flask_login import current_user

TRANSLATIONS_DIR = Path(__file__).resolve().parent / "translations"


# Our customers are in the Netherlands, Belgium and Germany: English is written the British way
# (22/11/2026, not 11/22/26). Translations are looked up by language, so "en_GB" still finds "en".
FORMATTING_LOCALES = {"en": "en_GB", "nl": "nl_NL", "de": "de_DE"}


def locale_for(language: str | None) -> str:
    """The Babel locale to write in for a user's or customer's language code."""
    return FORMATTING_LOCALES.get(language or "", FORMATTING_LOCALES["en"])


def select_locale() -> str:
    """The signed-in user's language, else the browser's best match, else English (outside requests too)."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # a task, a CLI command or a service test: callers force_locale as needed
        return locale_for(current_app.config["BABEL_DEFAULT_LOCALE"])
    chosen = request.args.get("lang")
    if chosen not in languages and current_user and current_user.is_authenticated:
        chosen = current_user.language
    if chosen not in languages:
        chosen = request.accept_languages.best_match(languages) or languages[0]
    return locale_for(chosen)


def select_timezone() -> str:
    """Times are shown in the company's time zone."""
    from dispatch.admin.services import company_zone

    return company_zone().key


def local_datetime(value: datetime | None, format: str = "short") -> str:  # noqa: A002 - Jinja filter API
    """A UTC datetime shown in the company's zone and the user's language."""
    return "" if value is None else format_datetime(value, format)


def init_app(app: Flask, babel: Babel) -> None:
    """Wire Flask-Babel and the template filters for local times."""
    babel.init_app(
        app,
        locale_selector=select_locale,
        timezone_selector=select_timezone,
        default_translation_directories=str(TRANSLATIONS_DIR),
    )
    app.jinja_env.filters["localtime"] = local_datetime

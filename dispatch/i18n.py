"""Languages and time zones: Flask-Babel with English, Dutch and German; UTC stored, local shown."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from flask import Flask, current_app, request
from flask_babel import Babel, format_datetime
from flask_login import current_user

TRANSLATIONS_DIR = Path(__file__).resolve().parent / "translations"


def select_locale() -> str:
    """The signed-in user's language, else the browser's best match, else English."""
    languages = current_app.config["LANGUAGES"]
    chosen = request.args.get("lang") if request else None
    if chosen in languages:
        return chosen
    if current_user and current_user.is_authenticated and current_user.language in languages:
        return current_user.language
    return request.accept_languages.best_match(languages) or languages[0]


def select_timezone() -> str:
    """Times are shown in the company's time zone."""
    return current_app.config["COMPANY_TIMEZONE"]


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

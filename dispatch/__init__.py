"""Field-service dispatch: tickets to field jobs to signed receipts to invoices."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from flask import Flask


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app from defaults, ``instance/config.py``, the environment, or ``test_config``."""
    project_root = Path(__file__).resolve().parent.parent
    app = Flask(
        __name__,
        instance_path=str(project_root / "instance"),
        instance_relative_config=True,
        template_folder=str(project_root / "templates"),
        static_folder=str(project_root / "pwa"),
        static_url_path="/app",
    )
    from dispatch import config

    config.load(app.config, Path(app.instance_path), test_config)
    logging.getLogger("dispatch").setLevel(logging.INFO)

    from dispatch import api as api_package
    from dispatch import (
        audit,
        cli,
        i18n,
        input_guard,
        models,  # noqa: F401  - every model registered on the metadata
        periodic,
        request_limits,
        storage,
        tasks,
        web,
    )
    from dispatch.auth import access
    from dispatch.extensions import babel, csrf, db, limiter, login_manager, migrate

    request_limits.init_app(app)  # first: its hook must run before any other reads a body
    db.init_app(app)
    migrate.init_app(app, db, directory=str(project_root / "migrations"), render_as_batch=True)
    login_manager.init_app(app)
    access.init_app()
    csrf.init_app(app)
    limiter.init_app(app)
    i18n.init_app(app, babel)
    storage.init_app(app)
    tasks.init_app(app)
    periodic.init_app(app)
    audit.guard_append_only()
    _configure_sqlite(app, db)
    api_package.init_app(app)
    web.init_app(app)
    input_guard.init_app(app)  # after the API's CSRF check of session requests
    cli.init_app(app)
    if app.config["PROXY_COUNT"]:
        # Behind a TLS proxy: client addresses (login rate limit) and https URLs come from its headers.
        from werkzeug.middleware.proxy_fix import ProxyFix

        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)  # type: ignore[method-assign]
    return app


def _configure_sqlite(app: Flask, db: Any) -> None:
    """WAL, enforced foreign keys and a busy timeout for SQLite connections."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return
    from sqlalchemy import event

    with app.app_context():
        engine = db.engine

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()

"""The app factory, instance secret key, and migrations that match the models."""

import subprocess
import sys
from pathlib import Path

from sqlalchemy import create_engine, inspect

from dispatch import create_app
from dispatch.config import _instance_secret_key

ROOT = Path(__file__).resolve().parents[2]


def test_secret_key_is_generated_once_into_the_instance_folder(tmp_path):
    first = _instance_secret_key(tmp_path)
    assert len(first) >= 40 and (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600
    assert _instance_secret_key(tmp_path) == first


def test_create_app_never_creates_tables(tmp_path):
    url = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "x", "STORAGE_DIR": str(tmp_path)})
    with app.app_context():
        from dispatch.extensions import db

        assert inspect(db.engine).get_table_names() == []
        db.engine.dispose()


def test_postgres_urls_use_psycopg3(tmp_path):
    app = create_app({"DATABASE_URL": "postgresql://u@localhost/db", "SECRET_KEY": "x", "STORAGE_DIR": str(tmp_path)})
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql+psycopg://")


# Upgrade, autogenerate check and downgrade in one fresh process, as `flask db upgrade`, `flask db check` and
# `flask db downgrade base` do them (the suite's own set-up runs the `flask db upgrade` command itself): three
# processes paid the app's start-up three times. A separate process, because env.py configures logging anew.
MIGRATE_UP_CHECK_DOWN = """
import flask_migrate
from dispatch import create_app

with create_app().app_context():
    flask_migrate.upgrade()
    print("step: upgraded", flush=True)
    flask_migrate.check()  # raises when the models differ from the migrated schema
    print("step: checked", flush=True)
    flask_migrate.downgrade(revision="base")
    print("step: downgraded", flush=True)
"""


def test_migrations_match_models_and_downgrade_cleanly(tmp_path):
    url = f"sqlite:///{tmp_path / 'm.sqlite3'}"
    env = {"DATABASE_URL": url, "SECRET_KEY": "x", "STORAGE_DIR": str(tmp_path),
           "PATH": str(Path(sys.executable).parent)}
    done = subprocess.run([sys.executable, "-c", MIGRATE_UP_CHECK_DOWN], env=env, cwd=ROOT,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr[-4000:]
    steps = [line.removeprefix("step: ") for line in done.stdout.splitlines() if line.startswith("step: ")]
    assert steps == ["upgraded", "checked", "downgraded"]
    engine = create_engine(url)
    assert inspect(engine).get_table_names() == ["alembic_version"]
    engine.dispose()


def test_proxy_headers_are_trusted_only_when_configured(tmp_path):
    seen = {}

    def remote(app):
        @app.get("/_remote")
        def _remote():
            from flask import request

            seen["addr"], seen["scheme"] = request.remote_addr, request.scheme
            return "ok"

        app.test_client().get("/_remote", headers={"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"},
                              environ_base={"REMOTE_ADDR": "10.0.0.2"})
        return dict(seen)

    # TESTING: without it the first request starts the in-process periodic thread, which would outlive the test,
    # fail on the deleted database every few seconds and, formatting those tracebacks, race CPython 3.11's ast
    # module in other tests (SystemError: AST constructor recursion depth mismatch).
    base = {"DATABASE_URL": f"sqlite:///{tmp_path / 'p.sqlite3'}", "SECRET_KEY": "x", "STORAGE_DIR": str(tmp_path),
            "TESTING": True}
    assert remote(create_app(base)) == {"addr": "10.0.0.2", "scheme": "http"}
    assert remote(create_app({**base, "PROXY_COUNT": 1})) == {"addr": "203.0.113.9", "scheme": "https"}

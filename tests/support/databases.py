"""One migrated test database per test process, put back to its migrated state after every test.

The app of a test process is built once and keeps its engine, so the database is restored in place
rather than replaced by a new one:

- SQLite: the engine's connections are closed and the file is overwritten by the migrated template
  (a plain file copy, about 1 ms).
- PostgreSQL: the tables a test wrote to are found in one query, emptied with ``DELETE`` (triggers and
  foreign-key checks off for that transaction, so the append-only audit guard does not refuse it), the
  sequences a test advanced are set back, and the migrations' seed rows are put back if a test changed
  them. A test that wrote to three tables costs three deletes, not a TRUNCATE of every table.

Work is really committed (the rq worker and the browser tests' server threads read it from other
connections), so isolation by a rolled-back transaction is not an option here.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, inspect, text

PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent
# Rows the migrations seed; each test gets them back as they were after migrating.
SEEDED_TABLES = ("ticket_statuses", "sla_policies", "business_hours")


def migrate(database_url: str, workdir: Path) -> None:
    """Run ``flask db upgrade`` on ``database_url`` in a subprocess, as an operator would."""
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "migrate", "FLASK_APP": "dispatch",
           "STORAGE_DIR": str(workdir / "files")}
    env.pop("REDIS_URL", None)
    done = subprocess.run([sys.executable, "-m", "flask", "db", "upgrade"], env=env, cwd=PROJECT_ROOT,
                          capture_output=True, text=True)
    if done.returncode != 0:  # say why, not just "exit status 1", once per session
        pytest.exit(f"`flask db upgrade` failed:\n{done.stdout}{done.stderr[-6000:]}", returncode=3)


def psycopg_url(url: str) -> str:
    """``url`` with SQLAlchemy's psycopg 3 driver named."""
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


def worker_database_url(base_url: str, worker: str) -> str:
    """The PostgreSQL database of one xdist worker: ``<name>_<worker>``, or the base itself alone."""
    if worker == "master":
        return base_url
    head, _, name = base_url.rpartition("/")
    name, _, query = name.partition("?")
    return f"{head}/{name}_{worker}" + (f"?{query}" if query else "")


class SQLiteDatabase:
    """A database file restored from a migrated template after each test."""

    def __init__(self, workdir: Path) -> None:
        self.template = workdir / "template.sqlite3"
        self.path = workdir / "test.sqlite3"
        migrate(f"sqlite:///{self.template}", workdir)
        shutil.copyfile(self.template, self.path)
        self.url = f"sqlite:///{self.path}"

    def restore(self, engine: Engine) -> None:
        """Close every connection of ``engine`` and put the migrated file back."""
        engine.dispose()
        for suffix in ("-wal", "-shm"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(self.template, self.path)


class PostgresDatabase:
    """A PostgreSQL database emptied of what each test wrote, table by table."""

    def __init__(self, url: str, workdir: Path) -> None:
        self.url = url
        _create_database_if_missing(url)
        self.engine = create_engine(psycopg_url(url), pool_size=1)
        with self.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        migrate(url, workdir)
        self.tables = [name for name in inspect(self.engine).get_table_names() if name != "alembic_version"]
        with self.engine.connect() as connection:
            self.seeds = {table: [dict(row) for row in connection.execute(text(f"SELECT * FROM {table}")).mappings()]
                          for table in SEEDED_TABLES}
            self.seed_checksums = self._checksums(connection)
            self.sequences = self._sequences(connection)
        others = [table for table in self.tables if table not in SEEDED_TABLES]
        self._written_query = text(" UNION ALL ".join(
            f"SELECT '{table}' WHERE EXISTS (SELECT 1 FROM {table})" for table in others))

    def restore(self, _engine: Engine) -> None:
        """Empty the tables the test wrote to and set back its sequences and seed rows."""
        with self.engine.begin() as connection:
            written = list(connection.execute(self._written_query).scalars())
            changed_seeds = [table for table, checksum in self._checksums(connection).items()
                             if checksum != self.seed_checksums[table]]
            sequences = {name: value for name, value in self._sequences(connection).items()
                         if value != self.sequences.get(name)}
            if not (written or changed_seeds or sequences):
                return
            # Off for this transaction only: foreign keys (tables are emptied in any order) and the
            # append-only triggers of the audit tables.
            connection.execute(text("SET LOCAL session_replication_role = replica"))
            for table in written + changed_seeds:
                connection.execute(text(f"DELETE FROM {table}"))
            for table in changed_seeds:
                self._insert_seeds(connection, table)
            for name in sequences:
                if self.sequences.get(name) is None:
                    connection.execute(text(f"ALTER SEQUENCE {name} RESTART"))
                else:
                    connection.execute(text("SELECT setval(:name, :value)"),
                                       {"name": name, "value": self.sequences[name]})

    def close(self) -> None:
        """Close the restoring connection."""
        self.engine.dispose()

    def _insert_seeds(self, connection: Any, table: str) -> None:
        rows = self.seeds[table]
        if rows:
            columns = list(rows[0])
            connection.execute(text(f"INSERT INTO {table} ({', '.join(columns)}) VALUES "
                                    f"({', '.join(':' + column for column in columns)})"), rows)

    @staticmethod
    def _checksums(connection: Any) -> dict[str, str]:
        parts = ", ".join(f"(SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM {table} t)"
                          for table in SEEDED_TABLES)
        return dict(zip(SEEDED_TABLES, connection.execute(text(f"SELECT {parts}")).one(), strict=True))

    @staticmethod
    def _sequences(connection: Any) -> dict[str, int | None]:
        rows = connection.execute(text("SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'"))
        return {name: value for name, value in rows}


def _create_database_if_missing(url: str) -> None:
    """Create the database of ``url`` (an xdist worker's own) through the server's ``postgres`` database."""
    head, _, name = url.rpartition("/")
    name = name.partition("?")[0]
    server = create_engine(psycopg_url(f"{head}/postgres"), isolation_level="AUTOCOMMIT")
    try:
        with server.connect() as connection:
            if connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}) is None:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        server.dispose()

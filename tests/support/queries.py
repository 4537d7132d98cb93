"""Counting rows as committed, and the SQL statements a piece of work sends (for "constant queries" checks)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import event, func, select

from dispatch.extensions import db


def count(model, *where) -> int:
    """Rows of ``model`` (matching ``where``) in the database, as committed."""
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


@contextmanager
def recorded_statements() -> Iterator[list[str]]:
    """Collect the SQL statements sent to the database inside the block, in order."""
    statements: list[str] = []

    def record(_conn, _cursor, statement, _parameters, _context, _executemany) -> None:
        statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def query_plans(work: Callable[[], object]) -> list[str]:
    """The database's plan (steps joined by " | ") of each SELECT that ``work`` sends, explained on the session's
    connection (so that a ``SET LOCAL`` of the test applies)."""
    sent: list[tuple[str, object]] = []

    def record(_conn, _cursor, statement, parameters, _context, _executemany) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            sent.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        work()
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    connection = db.session.connection()
    explain, step = ("EXPLAIN QUERY PLAN", 3) if db.engine.dialect.name == "sqlite" else ("EXPLAIN", 0)
    return [" | ".join(row[step].strip() for row in connection.exec_driver_sql(f"{explain} {statement}", parameters))
            for statement, parameters in sent]


def statements_for(client, path: str) -> tuple[int, object]:
    """How many SQL statements one GET runs, and its response, with an empty session (nothing from memory)."""
    db.session.expunge_all()
    with recorded_statements() as statements:
        response = client.get(path)
    return len(statements), response

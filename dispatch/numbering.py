"""Per-series, per-year sequence numbers (tickets, jobs, invoices), gapless and safe across processes.

The counter row is incremented with ``UPDATE ... RETURNING`` inside the caller's transaction: on
PostgreSQL that takes a row lock held until commit, on SQLite the database write lock. A rolled-back
transaction gives its number back, so numbers have no gaps, and no two transactions get the same one.
"""

from __future__ import annotations

from sqlalchemy import String, insert, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from dispatch.extensions import db


class DocumentCounter(db.Model):
    __tablename__ = "document_counters"

    series: Mapped[str] = mapped_column(String(10), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    last_number: Mapped[int] = mapped_column(default=0)


def next_number(series: str, year: int) -> int:
    """The next number of ``series`` in ``year``, reserved in the current transaction."""
    for _attempt in range(3):
        number = db.session.execute(
            update(DocumentCounter)
            .where(DocumentCounter.series == series, DocumentCounter.year == year)
            .values(last_number=DocumentCounter.last_number + 1)
            .returning(DocumentCounter.last_number)
        ).scalar()
        if number is not None:
            return number
        try:
            with db.session.begin_nested():  # first number of the year; a twin may insert it too
                db.session.execute(insert(DocumentCounter).values(series=series, year=year, last_number=1))
            return 1
        except IntegrityError:
            continue
    raise RuntimeError(f"could not reserve a number in series {series} {year}")


def formatted(prefix: str, year: int, number: int) -> str:
    """A reference like ``T-2026-000042``."""
    return f"{prefix}-{year}-{number:06d}"

"""Sixteen approvals at the same moment on PostgreSQL: sixteen distinct, consecutive numbers."""

from __future__ import annotations

import os
import threading

import pytest
from sqlalchemy import select

from dispatch import create_app
from dispatch.billing import services
from dispatch.billing.models import Invoice
from dispatch.extensions import db
from tests.billing.helpers import draft

THREADS = 16


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"),
                    reason="needs PostgreSQL (TEST_DATABASE_URL): SQLite lets one writer in at a time, so "
                           "there is no race for the counter row to test")
def test_concurrent_approvals_get_distinct_consecutive_numbers(app, make):
    make.company()
    invoice_ids = [draft(make, work=[(0, 30)]).id for _ in range(THREADS)]
    db.session.commit()
    # An app of its own on the same database, with a connection for every thread at once.
    racing = create_app({**{key: app.config[key] for key in ("TESTING", "SECRET_KEY", "DATABASE_URL",
                                                            "STORAGE_DIR", "SMTP_URL", "SERVER_NAME")},
                         "REDIS_URL": "", "RATELIMIT_STORAGE_URI": "memory://",
                         "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": THREADS + 1, "max_overflow": 0}})
    start = threading.Barrier(THREADS)
    numbers: dict[int, str] = {}
    failures: list[BaseException] = []

    def approve(invoice_id: int) -> None:
        with racing.app_context():
            try:
                invoice = db.session.get(Invoice, invoice_id)
                start.wait(timeout=60)
                services.approve_invoice(invoice, None)
                db.session.commit()
                numbers[invoice_id] = invoice.number
            except BaseException as error:  # reported below; a thread must not die silently
                db.session.rollback()
                failures.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=approve, args=(invoice_id,)) for invoice_id in invoice_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    with racing.app_context():
        db.engine.dispose()

    assert not failures, failures
    year = services.company_today(services.company()).year
    assert sorted(numbers.values()) == [f"INV-{year}-{n:06d}" for n in range(1, THREADS + 1)]
    db.session.expire_all()
    stored = dict(db.session.execute(select(Invoice.id, Invoice.number)).all())
    assert stored == numbers

"""The audit log is append-only; numbers are gapless; money and times keep their exactness."""

from datetime import datetime
from decimal import Decimal

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.exc import DatabaseError, StatementError

from dispatch import audit
from dispatch.audit import AuditEvent, AuditLogIsAppendOnly
from dispatch.catalogue.models import Product
from dispatch.extensions import db
from dispatch.numbering import formatted, next_number


def test_audit_events_cannot_be_changed_through_the_orm(make):
    customer = make.customer()
    event = audit.record("customer.noted", customer, None, note="x")
    db.session.commit()
    event.action = "customer.forged"
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.commit()
    db.session.rollback()
    db.session.delete(db.session.get(AuditEvent, event.id))
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.commit()
    db.session.rollback()


def test_audit_events_cannot_be_changed_in_the_database(make):
    make.customer()  # records customer.created
    with pytest.raises(DatabaseError):
        db.session.execute(update(AuditEvent).values(action="tampered"))
        db.session.flush()
    db.session.rollback()
    with pytest.raises(DatabaseError):
        db.session.execute(text("DELETE FROM audit_events"))
    db.session.rollback()
    assert db.session.scalar(select(AuditEvent.action)) == "customer.created"


def test_numbers_are_consecutive_and_a_rollback_gives_its_number_back(app):
    assert next_number("T", 2026) == 1
    db.session.commit()
    assert next_number("T", 2026) == 2
    db.session.rollback()  # the transaction that took 2 failed
    assert next_number("T", 2026) == 2
    assert next_number("T", 2027) == 1  # a new year starts again
    assert next_number("J", 2026) == 1  # series are independent
    db.session.commit()
    assert formatted("T", 2026, 42) == "T-2026-000042"


def test_money_is_stored_exactly(app):
    product = Product(sku="P-1", name="Valve", unit_price=Decimal("0.1") + Decimal("0.2"), vat_rate=Decimal("21"))
    db.session.add(product)
    db.session.commit()
    db.session.expire_all()
    stored = db.session.scalar(select(Product))
    assert stored.unit_price == Decimal("0.3000") and isinstance(stored.unit_price, Decimal)
    assert stored.vat_rate == Decimal("21.00")


def test_naive_datetimes_are_refused(make):
    customer = make.customer()
    customer.created_at = datetime(2026, 1, 1, 12, 0)
    with pytest.raises(StatementError):
        db.session.commit()
    db.session.rollback()


def test_times_come_back_aware_utc(make):
    customer = make.customer()
    db.session.expire_all()
    assert db.session.get(type(customer), customer.id).created_at.utcoffset().total_seconds() == 0

"""Company settings: the one row of details, rates and terms that documents and invoices use."""

from __future__ import annotations

from decimal import Decimal
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select

from dispatch.admin.models import Company
from dispatch.extensions import db


def company() -> Company:
    """The company's settings; a first call creates placeholder settings an admin must complete."""
    settings = db.session.get(Company, 1)
    if settings is None:
        settings = Company(
            id=1, name="Your company", street="", postal_code="", city="", country="NL",
            timezone=current_app.config["COMPANY_TIMEZONE"], currency="EUR",
            default_vat_rate=Decimal("21.00"),
            default_hourly_rate=Decimal("60.00"), callout_fee=Decimal("0.00"), payment_terms_days=14,
            invoice_series="INV",
        )
        db.session.add(settings)
        db.session.flush()
    return settings


def company_zone() -> ZoneInfo:
    """The company's time zone: business days, working hours and times on screen all follow it.

    Read from the company settings, falling back to ``COMPANY_TIMEZONE`` before they exist. (Flask-Babel
    caches it per request for formatting; a primary-key read is cheap for the few other callers.)
    """
    name = db.session.scalar(select(Company.timezone).where(Company.id == 1))
    return ZoneInfo(name or current_app.config["COMPANY_TIMEZONE"])

"""Company settings: the one row of details, rates and terms that documents and invoices use."""

from __future__ import annotations

from decimal import Decimal

from flask import current_app

from dispatch.admin.models import Company
from dispatch.extensions import db


def company() -> Company:
    """The company's settings; a first call creates placeholder settings an admin must complete."""
    settings = db.session.get(Company, 1)
    if settings is None:
        settings = Company(
            id=1, name="Your company", street="", postal_code="", city="", country="NL",
            timezone=current_app.config["COMPANY_TIMEZONE"], currency="EUR", default_vat_rate=Decimal("21.00"),
            default_hourly_rate=Decimal("60.00"), callout_fee=Decimal("0.00"), payment_terms_days=14,
            invoice_series="INV",
        )
        db.session.add(settings)
        db.session.flush()
    return settings

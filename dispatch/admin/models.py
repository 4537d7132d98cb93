"""Company-wide settings an admin maintains: details, rates, VAT, invoicing terms."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from dispatch.dbtypes import Fixed
from dispatch.extensions import db


class Company(db.Model):
    """The one row of the operating company's details (id 1)."""

    __tablename__ = "company"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    street: Mapped[str] = mapped_column(String(200))
    postal_code: Mapped[str] = mapped_column(String(20))
    city: Mapped[str] = mapped_column(String(100))
    country: Mapped[str] = mapped_column(String(2))
    vat_number: Mapped[str | None] = mapped_column(String(20))
    registration_number: Mapped[str | None] = mapped_column(String(40))
    iban: Mapped[str | None] = mapped_column(String(34))
    bic: Mapped[str | None] = mapped_column(String(11))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Amsterdam")
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    default_vat_rate: Mapped[Decimal] = mapped_column(Fixed(2))
    default_hourly_rate: Mapped[Decimal] = mapped_column(Fixed(4))
    callout_fee: Mapped[Decimal] = mapped_column(Fixed(4))
    payment_terms_days: Mapped[int] = mapped_column(default=14)
    invoice_series: Mapped[str] = mapped_column(String(10), default="INV")
    # Storage key of the logo printed on invoices, receipts and credit notes (a PNG, already scaled).
    logo_key: Mapped[str | None] = mapped_column(String(255))

"""Company-wide settings an admin maintains: details, rates, VAT, invoicing terms."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import String, false
from sqlalchemy.orm import Mapped, mapped_column

from dispatch.dbtypes import Fixed
from dispatch.enums import JobKind, TravelBilling, enum_column
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
    credit_note_series: Mapped[str] = mapped_column(String(10), default="CN", server_default="CN")
    # Storage key of the logo printed on invoices, receipts and credit notes (a PNG, already scaled).
    logo_key: Mapped[str | None] = mapped_column(String(255))
    # Invoicing rules (dispatch.billing.drafts explains how they combine).
    billing_step_minutes: Mapped[int] = mapped_column(default=15, server_default="15")
    minimum_billed_minutes: Mapped[int] = mapped_column(default=0, server_default="0")
    travel_billing: Mapped[TravelBilling] = mapped_column(enum_column(TravelBilling), default=TravelBilling.BOTH,
                                                          server_default=TravelBilling.BOTH.value)
    omit_covered_lines: Mapped[bool] = mapped_column(default=False, server_default=false())


class JobKindRate(db.Model):
    """An hourly labour rate for one kind of job; when set it wins over the technician's rate group."""

    __tablename__ = "job_kind_rates"

    kind: Mapped[JobKind] = mapped_column(enum_column(JobKind), primary_key=True)
    hourly_rate: Mapped[Decimal] = mapped_column(Fixed(4))

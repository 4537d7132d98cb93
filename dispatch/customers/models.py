"""Customers, their service sites, installed assets and service contracts."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, WriteOnlyMapped, mapped_column, relationship

from dispatch.dbtypes import UTCDateTime, utcnow
from dispatch.enums import GeocodeStatus, enum_column
from dispatch.extensions import db

contract_assets = Table(
    "contract_assets",
    db.metadata,
    Column("contract_id", ForeignKey("contracts.id", ondelete="CASCADE"), primary_key=True),
    Column("asset_id", ForeignKey("assets.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Customer(db.Model):
    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    is_company: Mapped[bool] = mapped_column(default=False)
    email: Mapped[str | None] = mapped_column(String(254), index=True)
    phone: Mapped[str | None] = mapped_column(String(40))
    language: Mapped[str] = mapped_column(String(5), default="nl")
    vat_number: Mapped[str | None] = mapped_column(String(20))
    street: Mapped[str] = mapped_column(String(200))
    postal_code: Mapped[str] = mapped_column(String(20))
    city: Mapped[str] = mapped_column(String(100))
    country: Mapped[str] = mapped_column(String(2))
    # Suggestions favour this technician for the customer's jobs (one they know and trust).
    preferred_technician_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # SLA policies may differ per customer group (say "contract" or "key account"); None: the default.
    customer_group: Mapped[str | None] = mapped_column(String(40), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    sites: Mapped[list[Site]] = relationship(back_populates="customer", order_by="Site.id")
    assets: WriteOnlyMapped[Asset] = relationship(back_populates="customer")
    contacts: Mapped[list[Contact]] = relationship(back_populates="customer", order_by="Contact.id")


class Contact(db.Model):
    """A person who speaks for a customer: the caller at a company, a second e-mail address at home."""

    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    email: Mapped[str | None] = mapped_column(String(254), index=True)
    phone: Mapped[str | None] = mapped_column(String(40), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    customer: Mapped[Customer] = relationship(back_populates="contacts")


class Site(db.Model):
    """A service address of a customer."""

    __tablename__ = "sites"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    name: Mapped[str | None] = mapped_column(String(120))
    street: Mapped[str] = mapped_column(String(200))
    postal_code: Mapped[str] = mapped_column(String(20))
    city: Mapped[str] = mapped_column(String(100))
    country: Mapped[str] = mapped_column(String(2))
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    geocode_status: Mapped[GeocodeStatus] = mapped_column(enum_column(GeocodeStatus), default=GeocodeStatus.PENDING,
                                                          index=True)
    geocoded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    access_notes: Mapped[str | None] = mapped_column(Text)

    customer: Mapped[Customer] = relationship(back_populates="sites")

    @property
    def address_line(self) -> str:
        return f"{self.street}, {self.postal_code} {self.city}, {self.country}"


class Asset(db.Model):
    """An installed product at a site, with its warranty end dates."""

    __tablename__ = "assets"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    site_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id"), index=True)
    product: Mapped[str] = mapped_column(String(200))
    model: Mapped[str | None] = mapped_column(String(120))
    serial_number: Mapped[str] = mapped_column(String(120), index=True)
    supplier: Mapped[str | None] = mapped_column(String(120))
    purchased_on: Mapped[date]
    installed_on: Mapped[date | None]
    parts_warranty_until: Mapped[date | None]
    labour_warranty_until: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    customer: Mapped[Customer] = relationship(back_populates="assets")
    site: Mapped[Site | None] = relationship()

    @property
    def label(self) -> str:
        """How a list of choices names the asset: product and serial number."""
        return f"{self.product} · {self.serial_number}"


class Contract(db.Model):
    """A service contract covering some of a customer's assets."""

    __tablename__ = "contracts"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    covers_labour: Mapped[bool] = mapped_column(default=False)
    covers_parts: Mapped[bool] = mapped_column(default=False)
    covers_callout: Mapped[bool] = mapped_column(default=False)
    included_visits: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    assets: Mapped[list[Asset]] = relationship(secondary=contract_assets)

    @property
    def covers(self) -> list[str]:
        flags = (("labour", self.covers_labour), ("parts", self.covers_parts), ("callout", self.covers_callout))
        return [name for name, on in flags if on]

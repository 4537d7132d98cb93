"""Geocoder answers kept in the database, so an address is looked up once per provider."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from dispatch.dbtypes import UTCDateTime, utcnow
from dispatch.enums import GeocodeStatus, enum_column
from dispatch.extensions import db


class GeocodeResult(db.Model):
    """One looked-up address: its pin, or that nobody could place it."""

    __tablename__ = "geocode_results"

    id: Mapped[int] = mapped_column(primary_key=True)
    # sha256 of the provider and the normalised address: the cache key.
    query_key: Mapped[str] = mapped_column(String(64), unique=True)
    query: Mapped[str] = mapped_column(Text)
    provider: Mapped[str] = mapped_column(String(40))
    status: Mapped[GeocodeStatus] = mapped_column(enum_column(GeocodeStatus))
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    display_name: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

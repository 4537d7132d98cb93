"""The parts catalogue: what technicians fit and what it costs."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from dispatch.dbtypes import Fixed
from dispatch.extensions import db


class Product(db.Model):
    __tablename__ = "products"

    id: Mapped[int] = mapped_column(primary_key=True)
    sku: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(10), default="C62")  # UN/ECE rec 20: C62 = one (piece)
    unit_price: Mapped[Decimal] = mapped_column(Fixed(4))
    vat_rate: Mapped[Decimal] = mapped_column(Fixed(2))
    active: Mapped[bool] = mapped_column(default=True)

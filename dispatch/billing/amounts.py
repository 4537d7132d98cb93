"""Invoice amounts: line nets, VAT per rate and totals, the same for invoices and credit notes.

Amounts are ``Decimal`` throughout. A line's net amount is quantity x unit price rounded half up to
cents; VAT is computed per rate over the sum of the line nets of that rate and rounded once per rate
(EN 16931, BR-CO-17), so the totals on the invoice add up exactly.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Protocol

from dispatch.billing.models import InvoiceLine
from dispatch.enums import LineKind

CENT = Decimal("0.01")
HOUR_UNIT = "HUR"  # UN/ECE recommendation 20 unit codes, as EN 16931 wants them
PIECE_UNIT = "C62"


class HasLines(Protocol):
    lines: list[InvoiceLine]
    net_total: Decimal
    vat_total: Decimal
    gross_total: Decimal


@dataclass(frozen=True)
class LineSpec:
    """A line to put on a draft."""

    kind: LineKind
    description: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    vat_rate: Decimal
    job_id: int | None = None


@dataclass(frozen=True)
class VatGroup:
    """The VAT of one rate: the taxable base (sum of its line nets) and the VAT on it."""

    rate: Decimal
    base: Decimal
    amount: Decimal


def line_net(quantity: Decimal, unit_price: Decimal) -> Decimal:
    """A line's net amount: quantity x unit price, rounded half up to cents."""
    return (quantity * unit_price).quantize(CENT, rounding=ROUND_HALF_UP)


def vat_breakdown(lines: Iterable[InvoiceLine]) -> list[VatGroup]:
    """VAT per rate, rounded once per rate, lowest rate first."""
    bases: dict[Decimal, Decimal] = defaultdict(Decimal)
    for line in lines:
        bases[Decimal(line.vat_rate)] += line.net_amount
    return [VatGroup(rate, base.quantize(CENT), (base * rate / 100).quantize(CENT, rounding=ROUND_HALF_UP))
            for rate, base in sorted(bases.items())]


def recalculate(invoice: HasLines) -> None:
    """Store the invoice's totals from its lines."""
    groups = vat_breakdown(invoice.lines)
    invoice.net_total = sum((line.net_amount for line in invoice.lines), Decimal(0)).quantize(CENT)
    invoice.vat_total = sum((group.amount for group in groups), Decimal(0)).quantize(CENT)
    invoice.gross_total = invoice.net_total + invoice.vat_total


def append_line(invoice: HasLines, spec: LineSpec) -> InvoiceLine:
    """Append a line made from ``spec`` to ``invoice`` (totals are not updated)."""
    line = InvoiceLine(
        position=len(invoice.lines) + 1, kind=spec.kind, job_id=spec.job_id,
        description=spec.description[:300],
        quantity=spec.quantity, unit=spec.unit, unit_price=spec.unit_price, vat_rate=spec.vat_rate,
        net_amount=line_net(spec.quantity, spec.unit_price),
    )
    invoice.lines.append(line)
    return line

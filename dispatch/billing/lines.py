"""What a billing clerk may type into a line: checked once here for the pages and the API alike.

Values arrive as text from a form (``"2,5"`` in Dutch or German) or as ``Decimal`` from the API; every
refusal names the field and says in plain words what to enter instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from dispatch.billing.amounts import HOUR_UNIT, PIECE_UNIT, LineSpec
from dispatch.billing.models import InvoiceLine
from dispatch.enums import LineKind
from dispatch.errors import Invalid

# UN/ECE recommendation 20 codes the back office offers, with the words a clerk knows them by.
UNITS = {HOUR_UNIT: _l("hours"), PIECE_UNIT: _l("pieces"), "KGM": _l("kilograms"), "MTR": _l("metres"),
         "LTR": _l("litres")}
MAX_QUANTITY = Decimal("99999.999")
MAX_PRICE = Decimal("9999999.9999")
FIELDS = ("description", "quantity", "unit", "unit_price", "vat_rate")


def line_spec(values: Mapping[str, Any], current: InvoiceLine | None = None) -> LineSpec:
    """A line from entered values; fields left out keep ``current``'s value (all are needed for a new line)."""
    errors: dict[str, list[str]] = {}
    given = {name: values[name] for name in FIELDS if name in values}
    if current is None:
        for name in FIELDS:
            if given.get(name) in (None, ""):
                errors[name] = [_("Fill in this field.")]
    description = _description(given.get("description"), errors) if "description" in given else None
    quantity = _decimal(given, "quantity", 3, Decimal("0.001"), MAX_QUANTITY, errors)
    unit_price = _decimal(given, "unit_price", 4, Decimal(0), MAX_PRICE, errors)
    vat_rate = _decimal(given, "vat_rate", 2, Decimal(0), Decimal(100), errors)
    unit = given.get("unit")
    if unit not in (None, "") and unit not in UNITS:
        errors["unit"] = [_("Choose one of the units: %(units)s.", units=", ".join(UNITS))]
    if errors:
        raise Invalid(_("The line was not saved: correct the fields named."), errors=errors)
    return LineSpec(
        kind=current.kind if current else LineKind.OTHER,
        description=description or (current.description if current else ""),
        quantity=_scaled(quantity, 3) if quantity is not None else current.quantity,
        unit=unit or current.unit,
        unit_price=_scaled(unit_price, 4) if unit_price is not None else current.unit_price,
        vat_rate=_scaled(vat_rate, 2) if vat_rate is not None else current.vat_rate,
        job_id=current.job_id if current else None,
    )


def parse_decimal(value: Any) -> Decimal:
    """A number typed with a point or a comma as its decimal mark ("2.5", "2,5"); ValueError otherwise."""
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int) and not isinstance(value, bool):
        number = Decimal(value)
    elif isinstance(value, str):
        text = value.strip().replace(" ", "")
        if text.count(",") + text.count(".") > 1:
            raise ValueError("thousands separator")
        try:
            number = Decimal(text.replace(",", "."))
        except InvalidOperation as error:
            raise ValueError(text) from error
    else:
        raise ValueError(repr(value))
    if not number.is_finite():
        raise ValueError(str(number))
    return number


def _scaled(number: Decimal, places: int) -> Decimal:
    """The number at its column's scale (exact: it was checked to have no more decimals)."""
    return number.quantize(Decimal(1).scaleb(-places))


def _description(value: Any, errors: dict[str, list[str]]) -> str | None:
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        errors["description"] = [_("Describe what the line bills.")]
    elif len(text) > 300:
        errors["description"] = [_("Keep the description to 300 characters at most (it has %(count)s).",
                                   count=len(text))]
    return text or None


def _decimal(given: Mapping[str, Any], name: str, places: int, low: Decimal, high: Decimal,
             errors: dict[str, list[str]]) -> Decimal | None:
    if given.get(name) in (None, ""):
        return None
    try:
        number = parse_decimal(given[name])
    except ValueError:
        errors[name] = [_("Enter a number such as 2.5 or 2,5, without thousands separators.")]
        return None
    if not low <= number <= high:
        errors[name] = [_("Enter a number from %(low)s to %(high)s.", low=low, high=high)]
    elif -number.as_tuple().exponent > places:
        errors[name] = [_("Use at most %(places)s decimals.", places=places)]
    return number

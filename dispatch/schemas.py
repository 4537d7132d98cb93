"""Field types and validators shared by the API schemas of several capabilities."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError, fields, validate
from stdnum.eu import vat

LANGUAGES = ("en", "nl", "de", "fr")
COUNTRY = validate.Regexp(r"^[A-Za-z]{2}$", error=_l("Use a two-letter ISO 3166 country code."))


class Money(fields.Decimal):
    """A decimal amount, written as a string (``"123.45"``) so that no float ever touches it."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(as_string=True, allow_nan=False, **kwargs)


def vat_number(value: str) -> None:
    """Refuse VAT numbers whose format or check digits are wrong."""
    if not vat.is_valid(value):
        # Eager gettext: marshmallow wraps only a str message in a list, a lazy string would break its errors.
        raise ValidationError(_("Not a valid EU VAT number (check the country prefix and digits)."))


def Text(max_length: int, **kwargs: Any) -> fields.String:  # noqa: N802 - reads like a field class
    """A string field with a length limit; blank strings are refused when the field is required."""
    minimum = 1 if kwargs.get("required") else 0
    return fields.String(validate=validate.Length(minimum, max_length), **kwargs)

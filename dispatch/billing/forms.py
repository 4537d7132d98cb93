"""Back-office forms of billing. Their values are checked by the services (``billing.lines``), so a page
and the API refuse the same input with the same words."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired

from dispatch.billing.lines import UNITS
from dispatch.billing.models import InvoiceLine
from dispatch.forms import options

DECIMAL = {"inputmode": "decimal", "autocomplete": "off"}


class ActionForm(FlaskForm):
    """A button that changes something carries nothing but the CSRF token (checked for every POST)."""


class LineForm(FlaskForm):
    description = StringField(_l("Description"), render_kw={"maxlength": 300})
    quantity = StringField(_l("Quantity"), render_kw=DECIMAL)
    unit = SelectField(_l("Unit"), choices=options(UNITS.items()))
    unit_price = StringField(_l("Unit price, without VAT"), render_kw=DECIMAL)
    vat_rate = StringField(_l("VAT rate (%)"), render_kw=DECIMAL)

    def fill_from(self, line: InvoiceLine) -> None:
        """Show a line's values as a person types them: a point as decimal mark, no trailing zeros."""
        self.description.data, self.unit.data = line.description, line.unit
        for name in ("quantity", "unit_price", "vat_rate"):
            self[name].data = f"{getattr(line, name).normalize():f}"

    def values(self) -> dict[str, str | None]:
        return {name: self[name].data for name in ("description", "quantity", "unit", "unit_price", "vat_rate")}


class PaidForm(FlaskForm):
    paid_on = DateField(_l("Paid on"), validators=[InputRequired(_l("Enter the day the payment arrived."))])


class CreditNoteForm(FlaskForm):
    """The quantities to credit per invoice line are inputs named ``line-<id>`` (one per line of the invoice)."""

    reason = TextAreaField(_l("Reason (printed on the credit note)"), render_kw={"rows": 3, "maxlength": 2000})

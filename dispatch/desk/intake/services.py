"""Phone intake rules: finding the caller as the agent types, and logging the call as a ticket.

The caller is a customer (a household or a company) or one of a company's contact persons. Phone numbers are
matched on their digits without trunk prefix or country code, so "06-1234 5678" finds "+31 6 12345678".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import contains_eager

from dispatch import audit
from dispatch.customers import services as customers
from dispatch.customers.models import Contact, Customer
from dispatch.desk import services as desk
from dispatch.desk.custom_fields.services import validate_values
from dispatch.desk.models import Ticket
from dispatch.errors import Invalid, NotFound
from dispatch.extensions import db
from dispatch.search_text import typed

# Country codes of our customers (NL, BE, DE); a number written with one is compared without it.
COUNTRY_CODES = ("31", "32", "49")
MIN_PHONE_DIGITS = 6  # fewer digits would match half the phone book
# Separators people type in phone numbers; the database strips the same ones before comparing.
PHONE_SEPARATORS = (" ", "-", "+", "(", ")", ".", "/")


@dataclass(frozen=True)
class Caller:
    """A search hit: a customer, or a contact person of one."""

    customer: Customer
    contact: Contact | None = None

    @property
    def key(self) -> str:
        return f"contact:{self.contact.id}" if self.contact else f"customer:{self.customer.id}"


def phone_digits(value: str | None) -> str:
    """The significant digits of a phone number: no separators, international prefix, country code or trunk 0."""
    text = (value or "").strip()
    digits = re.sub(r"\D", "", text)
    if text.startswith("+") or digits.startswith("00"):
        digits = digits.removeprefix("00")
        for code in COUNTRY_CODES:
            if digits.startswith(code):
                return digits[len(code):].lstrip("0")
        return digits
    return digits.lstrip("0")


def _digits_of(column: ColumnElement) -> ColumnElement:
    expression = column
    for separator in PHONE_SEPARATORS:
        expression = func.replace(expression, separator, "")
    return expression


def _matches(text: str, *columns: ColumnElement, phone: ColumnElement) -> ColumnElement:
    conditions = [column.icontains(text, autoescape=True) for column in columns]
    digits = phone_digits(text)
    if len(digits) >= MIN_PHONE_DIGITS and not re.search(r"[^\d\s()+./-]", text):
        conditions.append(_digits_of(phone).endswith(digits, autoescape=True))
    return or_(*conditions)


def find_callers(text: str | None, limit: int) -> list[Caller]:
    """Customers and contact persons whose name, e-mail or phone (or the customer's city) match: two queries."""
    text = typed(text)
    if not text:
        return []
    found = db.session.scalars(
        select(Customer).where(_matches(text, Customer.name, Customer.email, Customer.city, phone=Customer.phone))
        .order_by(Customer.name, Customer.id).limit(limit))
    contacts = db.session.scalars(
        select(Contact).join(Contact.customer).options(contains_eager(Contact.customer))
        .where(_matches(text, Contact.name, Contact.email, phone=Contact.phone))
        .order_by(Contact.name, Contact.id).limit(limit))
    return [Caller(customer) for customer in found] + [Caller(contact.customer, contact) for contact in contacts]


def caller(key: str | None) -> Caller | None:
    """The caller a ``customer:ID`` / ``contact:ID`` key names, or None."""
    kind, _sep, ident = (key or "").partition(":")
    if not ident.isdigit() or kind not in ("customer", "contact"):
        return None
    if kind == "customer":
        customer = db.session.get(Customer, int(ident))
        return Caller(customer) if customer else None
    contact = db.session.get(Contact, int(ident))
    return Caller(contact.customer, contact) if contact else None


def add_contact(customer: Customer, data: dict[str, Any], actor_id: int | None = None) -> Contact:
    """Add a contact person (the caller at a company) to ``customer``."""
    contact = Contact(customer_id=customer.id, name=data["name"].strip(), email=data.get("email"),
                      phone=data.get("phone"))
    db.session.add(contact)
    db.session.flush()
    audit.record("contact.created", contact, actor_id, customer_id=customer.id, name=contact.name)
    return contact


def log_call(call: dict[str, Any], actor_id: int) -> Ticket:
    """Create what is new of the caller (customer, contact person, asset), then the ticket.

    ``call``: ``customer`` (create_customer data) or ``customer_id``; ``contact_id`` or ``contact`` (name, email,
    phone); ``asset_id`` or ``asset`` (add_asset data); ``custom_fields`` (raw values by key, checked by the
    custom-field admin's ``validate_values``); and the ticket's
    fields as ``desk.services.create_ticket`` takes them.
    """
    values = validate_values(call.get("custom_fields") or {})
    if call.get("customer") is not None:
        customer = customers.create_customer(call["customer"], actor_id)
    else:
        try:
            customer = customers.get_customer(call["customer_id"])
        except NotFound as error:
            raise Invalid(error.detail, errors={"customer_id": [_("No such customer.")]}) from error
    contact = _contact_of(customer, call, actor_id)
    asset_id = call.get("asset_id")
    if call.get("asset") is not None:
        asset_id = customers.add_asset(customer, call["asset"], actor_id).id
    ticket_data = {key: call.get(key) for key in (
        "subject", "description", "priority", "channel", "category", "subcategory", "queue_id", "email", "phone")}
    ticket_data |= {"customer_id": customer.id, "asset_id": asset_id, "custom_fields": values,
                    "contact_id": contact.id if contact else None}
    if contact is not None:
        ticket_data["email"] = ticket_data["email"] or contact.email
        ticket_data["phone"] = ticket_data["phone"] or contact.phone
    return desk.create_ticket(ticket_data, actor_id)


def _contact_of(customer: Customer, call: dict[str, Any], actor_id: int) -> Contact | None:
    if call.get("contact") is not None:
        return add_contact(customer, call["contact"], actor_id)
    if call.get("contact_id") is None:
        return None
    contact = db.session.get(Contact, call["contact_id"])
    if contact is None or contact.customer_id != customer.id:
        raise Invalid(_("Unknown contact."), errors={"contact_id": [_("Not a contact of this customer.")]})
    return contact

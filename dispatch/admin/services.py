"""Company settings: the one row of details, rates and terms that documents and invoices use.

``update_settings`` checks every value before it changes anything, so a refused change leaves the
settings as they were; messages say in plain words what is wrong and how a right value looks.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

from babel import Locale
from babel.numbers import list_currencies
from flask import current_app, g
from flask_babel import gettext as _
from sqlalchemy import func, select
from stdnum import bic, iban
from stdnum.eu import vat
from stdnum.exceptions import ValidationError

from dispatch import audit
from dispatch.admin.logo import normalised_logo
from dispatch.admin.models import Company, JobKindRate
from dispatch.billing.models import RateGroup
from dispatch.enums import JobKind, TravelBilling
from dispatch.errors import Conflict, Invalid
from dispatch.extensions import db
from dispatch.scheduling.models import TechnicianProfile
from dispatch.storage import storage

TEXT_FIELDS = {"name": 200, "street": 200, "postal_code": 20, "city": 100, "registration_number": 40,
               "email": 254, "phone": 40}
REQUIRED_TEXT = ("name", "street", "postal_code", "city")
SERIES = re.compile(r"^[A-Z0-9-]{1,10}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_RATE = Decimal("100000")


def company() -> Company:
    """The company's settings; a first call creates placeholder settings an admin must complete."""
    settings = db.session.get(Company, 1)
    if settings is None:
        settings = Company(
            id=1, name="Your company", street="", postal_code="", city="", country="NL",
            timezone=current_app.config["COMPANY_TIMEZONE"], currency="EUR",
            default_vat_rate=Decimal("21.00"),
            default_hourly_rate=Decimal("60.00"), callout_fee=Decimal("0.00"), payment_terms_days=14,
            invoice_series="INV",
        )
        db.session.add(settings)
        db.session.flush()
    return settings


def company_zone() -> ZoneInfo:
    """The company's time zone: business days, working hours and times on screen all follow it.

    Read from the company settings, falling back to ``COMPANY_TIMEZONE`` before they exist, once per
    request or task (``g``): suggestions and reassignment ask for it per job. Changing the settings
    forgets it.
    """
    if "company_zone" not in g:
        name = db.session.scalar(select(Company.timezone).where(Company.id == 1))
        g.company_zone = ZoneInfo(name or current_app.config["COMPANY_TIMEZONE"])
    return g.company_zone


def time_zones() -> list[str]:
    """Every IANA time zone name zoneinfo knows, sorted."""
    return sorted(available_timezones())


def rate_groups() -> list[RateGroup]:
    """The technicians' rate groups, by name."""
    return list(db.session.scalars(select(RateGroup).order_by(RateGroup.name)))


def job_kind_rates() -> dict[JobKind, Decimal]:
    """The hourly rates set per job kind (kinds without one are absent)."""
    return {row.kind: row.hourly_rate for row in db.session.scalars(select(JobKindRate))}


def update_settings(data: dict[str, Any], actor_id: int | None) -> Company:
    """Apply the given settings (any subset), all or nothing: Invalid names every wrong field."""
    settings = company()
    errors: dict[str, list[str]] = {}
    clean = _clean_company(data, errors)
    groups = _clean_groups(data.get("rate_groups"), errors) if "rate_groups" in data else None
    kind_rates = _clean_kind_rates(data.get("job_kind_rates"), errors) if "job_kind_rates" in data else None
    if errors:
        raise Invalid(_("Some settings are not valid; nothing was changed."), errors=errors)
    changed = {key: value for key, value in clean.items() if getattr(settings, key) != value}
    for key, value in changed.items():
        setattr(settings, key, value)
    g.pop("company_zone", None)
    if groups is not None:
        changed["rate_groups"] = _apply_groups(groups)
    if kind_rates is not None:
        changed["job_kind_rates"] = _apply_kind_rates(kind_rates)
    audit.record("settings.updated", settings, actor_id, changed=sorted(changed))
    return settings


def save_logo(data: bytes, actor_id: int | None) -> Company:
    """Check and normalise an uploaded logo (PNG within 600 x 200), store it and point the settings at it."""
    png = normalised_logo(data)
    settings = company()
    settings.logo_key = storage().put(png, prefix="logos", suffix=".png")
    audit.record("settings.logo_changed", settings, actor_id, logo_key=settings.logo_key, size=len(png))
    return settings


def logo_png() -> bytes | None:
    """The stored logo PNG, if any."""
    key = company().logo_key
    return storage().read(key) if key and storage().exists(key) else None


def _clean_company(data: dict[str, Any], errors: dict[str, list[str]]) -> dict[str, Any]:
    """The company columns in ``data``, checked and normalised; problems go into ``errors``."""
    clean: dict[str, Any] = {}

    def check(name: str, convert: Any) -> None:
        if name not in data:
            return
        try:
            clean[name] = convert(data[name])
        except _Wrong as wrong:
            errors.setdefault(name, []).append(str(wrong))

    for name, length in TEXT_FIELDS.items():
        check(name, lambda value, n=name, limit=length: _text(value, limit, n in REQUIRED_TEXT))
    check("email", lambda value: _email(_text(value, 254, False)))
    check("country", _country)
    check("vat_number", _vat_number)
    check("iban", _iban)
    check("bic", _bic)
    check("timezone", _timezone)
    check("currency", _currency)
    check("default_vat_rate", lambda value: _decimal(value, Decimal(100), _("Give a VAT rate from 0 to 100.")))
    check("default_hourly_rate", lambda value: _decimal(value, MAX_RATE, _("Give an amount of 0 or more.")))
    check("callout_fee", lambda value: _decimal(value, MAX_RATE, _("Give an amount of 0 or more.")))
    check("payment_terms_days", lambda value: _whole(value, 0, 365, _("Give a number of days from 0 to 365.")))
    check("billing_step_minutes", _step)
    check("minimum_billed_minutes",
          lambda value: _whole(value, 0, 480, _("Give a number of minutes from 0 (no minimum) to 480.")))
    check("invoice_series", _series)
    check("credit_note_series", _series)
    check("travel_billing", _travel)
    check("omit_covered_lines", _flag)
    return clean


class _Wrong(ValueError):
    """A value refused, with the message for the person who typed it."""


def _text(value: Any, limit: int, required: bool) -> str | None:
    if value is not None and not isinstance(value, str):
        raise _Wrong(_("Enter text."))
    value = (value or "").strip()
    if required and not value:
        raise _Wrong(_("This field is required."))
    if len(value) > limit:
        raise _Wrong(_("Use at most %(count)s characters.", count=limit))
    return value if (value or required) else None


def _email(value: str | None) -> str | None:
    if value and not EMAIL.match(value):
        raise _Wrong(_("Enter an e-mail address like billing@example.com."))
    return value


def _country(value: Any) -> str:
    code = str(value or "").strip().upper()
    if not re.fullmatch(r"[A-Z]{2}", code) or code not in Locale("en").territories:
        raise _Wrong(_("Use a two-letter country code, such as NL, BE or DE."))
    return code


def _vat_number(value: Any) -> str | None:
    text = str(value or "").strip()
    if not text:
        return None
    if not vat.is_valid(text):
        raise _Wrong(_("This is not a valid EU VAT number. It starts with the country code, "
                       "e.g. NL004495445B01; check the digits."))
    return vat.compact(text)


def _iban(value: Any) -> str | None:
    text = str(value or "").strip()
    if not text:
        return None
    try:
        return iban.validate(text)
    except ValidationError:
        raise _Wrong(_("This is not a valid IBAN. An IBAN starts with the country code and two check digits, "
                       "e.g. NL91 ABNA 0417 1643 00; check for a typing error.")) from None


def _bic(value: Any) -> str | None:
    text = str(value or "").strip()
    if not text:
        return None
    if not bic.is_valid(text):
        raise _Wrong(_("A BIC has 8 or 11 letters and digits, e.g. ABNANL2A."))
    return bic.compact(text)


def _timezone(value: Any) -> str:
    if not isinstance(value, str) or value not in available_timezones():
        raise _Wrong(_("Choose a time zone from the list, such as Europe/Amsterdam."))
    return value


def _currency(value: Any) -> str:
    code = str(value or "").strip().upper()
    if code not in list_currencies():
        raise _Wrong(_("Use a three-letter currency code, such as EUR."))
    return code


def _decimal(value: Any, maximum: Decimal, message: str) -> Decimal:
    if isinstance(value, bool | float):  # floats are refused: money never passes through binary fractions
        raise _Wrong(message)
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise _Wrong(message) from None
    if not number.is_finite() or number < 0 or number > maximum:
        raise _Wrong(message)
    if number != number.quantize(Decimal("0.01")):
        raise _Wrong(_("Use at most two decimals."))
    return number.quantize(Decimal("0.01"))


def _whole(value: Any, low: int, high: int, message: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise _Wrong(message)
    try:
        number = int(value)
    except ValueError:
        raise _Wrong(message) from None
    if not low <= number <= high:
        raise _Wrong(message)
    return number


def _step(value: Any) -> int:
    # Invoices state hours with two decimals; only multiples of 3 minutes (0.05 h) give exact hours.
    message = _("Use a multiple of 3 minutes from 3 to 60, such as 6, 15 or 30: invoices show hours "
                "with two decimals, and only these steps give exact hours.")
    number = _whole(value, 3, 60, message)
    if number % 3:
        raise _Wrong(message)
    return number


def _series(value: Any) -> str:
    text = str(value or "").strip().upper()
    if not SERIES.match(text):
        raise _Wrong(_("Use 1 to 10 letters, digits or dashes, such as INV."))
    return text


def _travel(value: Any) -> TravelBilling:
    try:
        return TravelBilling(value)
    except ValueError:
        raise _Wrong(_("Choose time, callout or both.")) from None


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise _Wrong(_("Choose yes or no."))
    return value


def _clean_groups(rows: Any, errors: dict[str, list[str]]) -> list[dict[str, Any]]:
    """Rate groups to add, change or remove: ``[{id?, name, hourly_rate, remove?}]``."""
    if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
        errors["rate_groups"] = [_("Send a list of rate groups.")]
        return []
    known = {group.id: group for group in rate_groups()}
    clean: list[dict[str, Any]] = []
    names: set[str] = set()
    for row in rows:
        problems: list[str] = []
        group_id = row.get("id")
        if group_id is not None and group_id not in known:
            problems.append(_("Rate group %(id)s does not exist.", id=group_id))
        if row.get("remove"):
            if group_id is None:
                problems.append(_("Only an existing rate group can be removed."))
            clean.append({"id": group_id, "remove": True})
        else:
            try:
                name = _text(row.get("name"), 80, True)
                rate = _decimal(row.get("hourly_rate"), MAX_RATE, _("Give an hourly rate of 0 or more."))
            except _Wrong as wrong:
                problems.append(f"{row.get('name') or _('New group')}: {wrong}")
            else:
                if name.casefold() in names:
                    problems.append(_("The name %(name)s is used twice.", name=name))
                names.add(name.casefold())
                clean.append({"id": group_id, "name": name, "hourly_rate": rate})
        if problems:
            errors.setdefault("rate_groups", []).extend(problems)
    return clean


def _apply_groups(rows: list[dict[str, Any]]) -> list[str]:
    """Add, change and remove rate groups; a group technicians are still in is a Conflict."""
    changed: list[str] = []
    for row in rows:
        group = db.session.get(RateGroup, row["id"]) if row["id"] is not None else None
        if row.get("remove"):
            members = db.session.scalar(select(func.count()).select_from(TechnicianProfile)
                                        .where(TechnicianProfile.rate_group_id == group.id))
            if members:
                raise Conflict(_("Rate group %(name)s still has %(count)s technicians; move them first.",
                                 name=group.name, count=members), code="rate_group_in_use",
                               errors={"rate_groups": [_("%(name)s is in use.", name=group.name)]})
            db.session.delete(group)
            changed.append(f"-{group.name}")
            continue
        if group is None:
            group = RateGroup(name=row["name"], hourly_rate=row["hourly_rate"])
            db.session.add(group)
        elif (group.name, group.hourly_rate) == (row["name"], row["hourly_rate"]):
            continue
        group.name, group.hourly_rate = row["name"], row["hourly_rate"]
        changed.append(row["name"])
    db.session.flush()
    return changed


def _clean_kind_rates(rates: Any, errors: dict[str, list[str]]) -> dict[JobKind, Decimal | None]:
    """``{kind: rate or None}``; None (or empty) removes the kind's own rate."""
    if not isinstance(rates, dict):
        errors["job_kind_rates"] = [_("Send an object with a rate per job kind.")]
        return {}
    clean: dict[JobKind, Decimal | None] = {}
    for kind, rate in rates.items():
        try:
            job_kind = JobKind(kind)
            clean[job_kind] = None if rate in (None, "") else _decimal(rate, MAX_RATE,
                                                                      _("Give an hourly rate of 0 or more."))
        except ValueError as wrong:
            message = str(wrong) if isinstance(wrong, _Wrong) else _("Unknown job kind.")
            errors.setdefault("job_kind_rates", []).append(f"{kind}: {message}")
    return clean


def _apply_kind_rates(rates: dict[JobKind, Decimal | None]) -> list[str]:
    changed: list[str] = []
    for kind, rate in rates.items():
        row = db.session.get(JobKindRate, kind)
        if rate is None:
            if row is not None:
                db.session.delete(row)
                changed.append(kind.value)
        elif row is None:
            db.session.add(JobKindRate(kind=kind, hourly_rate=rate))
            changed.append(kind.value)
        elif row.hourly_rate != rate:
            row.hourly_rate = rate
            changed.append(kind.value)
    db.session.flush()
    return changed

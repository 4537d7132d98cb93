"""Customers, sites, assets and contracts: creating them and reading a customer's whole picture."""

from __future__ import annotations

import calendar
from datetime import date
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import selectinload

from dispatch import audit
from dispatch.auth.models import User
from dispatch.customers.models import Asset, Contact, Contract, Customer, Site
from dispatch.dbtypes import utcnow
from dispatch.enums import GeocodeStatus, Role
from dispatch.errors import Invalid, get_or_not_found
from dispatch.extensions import db
from dispatch.scheduling.geo.services import queue_site_geocoding
from dispatch.search_text import typed

COVERABLE = ("labour", "parts", "callout")
RECENT = 20  # tickets, jobs and invoices on a customer's overview


NO_ADDRESS = {"street": "", "postal_code": "", "city": "", "country": ""}


def create_customer(data: dict[str, Any], actor_id: int | None = None, **audit_data: Any) -> Customer:
    """Add a customer with its billing address, which also becomes its first service site.

    Without ``address`` (a customer known only from an e-mail) the address stays empty and there is no site
    until an agent asks for it. ``audit_data`` adds facts to the audit event, such as where the customer came from.
    """
    address = data.get("address") or NO_ADDRESS
    customer = Customer(
        name=data["name"].strip(),
        is_company=data.get("is_company", bool(data.get("vat_number"))),
        email=data.get("email"),
        phone=data.get("phone"),
        language=data.get("language") or "nl",
        vat_number=data.get("vat_number"),
        street=address["street"],
        postal_code=address["postal_code"],
        city=address["city"],
        country=address["country"].upper(),
    )
    db.session.add(customer)
    db.session.flush()
    if data.get("address"):
        add_site(customer, address, latitude=data.get("latitude"), longitude=data.get("longitude"))
    audit.record("customer.created", customer, actor_id, **audit_data)
    return customer


def add_site(customer: Customer, address: dict[str, str], *, name: str | None = None,
             latitude: float | None = None, longitude: float | None = None) -> Site:
    """Add a service address to ``customer``."""
    site = Site(customer_id=customer.id, name=name, street=address["street"], postal_code=address["postal_code"],
                city=address["city"], country=address["country"].upper(), latitude=latitude, longitude=longitude)
    db.session.add(site)
    db.session.flush()
    if latitude is not None and longitude is not None:  # placed by whoever created it
        site.geocode_status, site.geocoded_at = GeocodeStatus.MANUAL, utcnow()
    else:
        queue_site_geocoding(site)
    return site


def get_customer(customer_id: int) -> Customer:
    """The customer, or NotFound."""
    return get_or_not_found(Customer, customer_id, _l("Customer %(id)s does not exist.", id=customer_id))


def search_customers(text: str | None) -> Select:
    """Customers whose name, e-mail, phone or city contains ``text``, by name."""
    statement = select(Customer).order_by(Customer.name, Customer.id)
    text = typed(text)
    if text:  # "%" and "_" are looked for as typed, not as wildcards
        statement = statement.where(or_(*(column.icontains(text, autoescape=True) for column in
                                          (Customer.name, Customer.email, Customer.phone, Customer.city))))
    return statement


def find_customers(text: str | None, limit: int, offset: int = 0) -> list[Customer]:
    """A page of the customers matching ``text``."""
    return list(db.session.scalars(search_customers(text).offset(offset).limit(limit)))


def customer_by_email(email: str) -> tuple[Customer | None, Contact | None]:
    """The customer with this e-mail address, else the contact person with it and their customer; any letter case.

    Oldest first when several share it. The exact spellings are looked up on the e-mail indexes first; only
    addresses stored in another case need the slower scan under lower() (there is no index on lower(email)).
    """
    for model in (Customer, Contact):
        found = db.session.scalar(select(model).where(model.email.in_({email, email.lower()}))
                                  .order_by(model.id).limit(1))
        found = found or db.session.scalar(select(model).where(func.lower(model.email) == email.lower())
                                           .order_by(model.id).limit(1))
        if isinstance(found, Contact):
            return found.customer, found
        if found is not None:
            return found, None
    return None, None


def find_customer(customer_id: int | None) -> Customer | None:
    """The customer with this id, if there is one (for forms that carry an id)."""
    return db.session.get(Customer, customer_id) if customer_id else None


def assets_of(customer_id: int | None) -> list[Asset]:
    """A customer's assets in the order they were registered."""
    if not customer_id:
        return []
    return list(db.session.scalars(select(Asset).where(Asset.customer_id == customer_id).order_by(Asset.id)))


def add_months(start: date, months: int) -> date:
    """``start`` plus whole months, clamped to the month's last day (31 Jan + 1 month = 28/29 Feb)."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def add_asset(customer: Customer, data: dict[str, Any], actor_id: int | None = None) -> Asset:
    """Register an installed product; warranty end dates may be given or derived from ``warranty_months``."""
    site_id = data.get("site_id")
    if site_id is not None:
        site = db.session.get(Site, site_id)
        if site is None or site.customer_id != customer.id:
            raise Invalid(_("Unknown site."), errors={"site_id": [_("Not a site of this customer.")]})
    else:
        site_id = customer.sites[0].id if customer.sites else None
    purchased_on: date = data["purchased_on"]
    months = data.get("warranty_months")
    parts_until = data.get("parts_warranty_until") or (add_months(purchased_on, months) if months else None)
    labour_until = data.get("labour_warranty_until") or (add_months(purchased_on, months) if months else None)
    for field, value in (("parts_warranty_until", parts_until), ("labour_warranty_until", labour_until)):
        if value is not None and value < purchased_on:
            raise Invalid(_("Warranty ends before purchase."), errors={field: [_("Must not be before purchased_on.")]})
    asset = Asset(
        customer_id=customer.id, site_id=site_id, product=data["product"], model=data.get("model"),
        serial_number=data["serial_number"], supplier=data.get("supplier"), purchased_on=purchased_on,
        installed_on=data.get("installed_on"), parts_warranty_until=parts_until, labour_warranty_until=labour_until,
    )
    db.session.add(asset)
    db.session.flush()
    audit.record("asset.created", asset, actor_id, customer_id=customer.id)
    return asset


def create_contract(data: dict[str, Any], actor_id: int | None = None) -> Contract:
    """Add a service contract over some of one customer's assets."""
    customer = db.session.get(Customer, data["customer_id"])
    if customer is None:
        raise Invalid(_("Unknown customer."), errors={"customer_id": [_("No such customer.")]})
    if data["ends_on"] < data["starts_on"]:
        raise Invalid(_("Contract ends before it starts."), errors={"ends_on": [_("Must not be before starts_on.")]})
    asset_ids = list(dict.fromkeys(data.get("asset_ids") or []))
    assets = list(db.session.scalars(select(Asset).where(Asset.id.in_(asset_ids)))) if asset_ids else []
    if len(assets) != len(asset_ids) or any(asset.customer_id != customer.id for asset in assets):
        raise Invalid(_("Unknown assets."), errors={"asset_ids": [_("Every asset must belong to this customer.")]})
    covers = set(data.get("covers") or [])
    contract = Contract(
        customer_id=customer.id, starts_on=data["starts_on"], ends_on=data["ends_on"],
        covers_labour="labour" in covers, covers_parts="parts" in covers, covers_callout="callout" in covers,
        included_visits=data.get("included_visits"), assets=assets,
    )
    db.session.add(contract)
    db.session.flush()
    audit.record("contract.created", contract, actor_id, customer_id=customer.id, asset_ids=asset_ids)
    return contract


def customer_summary(customer: Customer) -> dict[str, Any]:
    """A customer with its assets and contracts: what the ticket page's sidebar shows."""
    contracts = list(db.session.scalars(
        select(Contract).where(Contract.customer_id == customer.id).order_by(Contract.id)
        .options(selectinload(Contract.assets))
    ))
    return {"customer": customer, "assets": assets_of(customer.id), "contracts": contracts}


def customer_overview(customer: Customer) -> dict[str, Any]:
    """A customer with sites, assets, contracts and their most recent tickets, jobs and invoices."""
    # Imported here: those capabilities depend on customers, not the other way round.
    from dispatch.billing.services import recent_invoices_for_customer
    from dispatch.desk.services import recent_tickets_for_customer
    from dispatch.scheduling.services import recent_jobs_for_customer

    return {**customer_summary(customer), "sites": customer.sites,
            "tickets": recent_tickets_for_customer(customer.id, RECENT),
            "jobs": recent_jobs_for_customer(customer.id, RECENT),
            "invoices": recent_invoices_for_customer(customer.id, RECENT)}


def set_preferred_technician(customer: Customer, technician_id: int | None, actor_id: int | None) -> Customer:
    """Name the technician the customer likes to see (suggestions rank them higher); None clears it."""
    if technician_id is not None:
        technician = db.session.get(User, technician_id)
        if technician is None or technician.role != Role.TECHNICIAN or not technician.active:
            raise Invalid(_("Unknown technician."),
                          errors={"preferred_technician_id": [_("No such active technician.")]})
    if customer.preferred_technician_id != technician_id:
        audit.record("customer.preferred_technician_set", customer, actor_id,
                     previous=customer.preferred_technician_id, technician_id=technician_id)
        customer.preferred_technician_id = technician_id
        db.session.flush()
    return customer

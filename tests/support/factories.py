"""Test data made through the services, so that test data obeys the same rules as real data."""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from flask import g

from dispatch.admin.models import Company
from dispatch.auth.models import User
from dispatch.auth.services import create_user
from dispatch.billing.models import RateGroup
from dispatch.catalogue.models import Product
from dispatch.customers import services as customers
from dispatch.customers.models import Asset, Contract, Customer
from dispatch.desk import services as desk
from dispatch.desk.models import Ticket
from dispatch.enums import Role
from dispatch.extensions import db
from dispatch.scheduling import services as scheduling
from dispatch.scheduling.models import Job

PASSWORD = "correct horse battery"
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
_counter = itertools.count(1)


def next_weekday_at(hour: int, minute: int = 0, days_ahead: int = 1) -> datetime:
    """An aware UTC datetime on a coming weekday at a local (Amsterdam) hour."""
    day = date.today() + timedelta(days=days_ahead)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=AMSTERDAM).astimezone(ZoneInfo("UTC"))


class Factory:
    """``make.user(...)``, ``make.customer(...)`` ... each committed, so API calls see them."""

    def user(self, role: Role | str = Role.AGENT, **overrides: Any) -> User:
        n = next(_counter)
        role = Role(role)
        user = create_user(overrides.pop("email", f"{role.value}{n}@example.com"),
                           overrides.pop("name", f"{role.value.title()} {n}"), role,
                           overrides.pop("password", PASSWORD), overrides.pop("language", "en"))
        if role == Role.TECHNICIAN:
            profile = scheduling.ensure_technician_profile(user)
            profile.skills = overrides.pop("skills", ["boiler", "heat_pump"])
            profile.home_latitude = overrides.pop("home_latitude", 52.37)
            profile.home_longitude = overrides.pop("home_longitude", 4.89)
            profile.rate_group_id = overrides.pop("rate_group_id", None)
        db.session.commit()
        return user

    def company(self, **overrides: Any) -> Company:
        company = db.session.get(Company, 1)
        if company is None:
            company = Company(
                id=1, name="Warmte & Co B.V.", street="Keizersgracht 1", postal_code="1015 CJ",
                city="Amsterdam", country="NL", vat_number="NL004495445B01", registration_number="12345678",
                iban="NL91ABNA0417164300", bic="ABNANL2A", email="billing@example.com", phone="+31 20 555 0100",
                timezone="Europe/Amsterdam", currency="EUR", default_vat_rate=Decimal("21.00"),
                default_hourly_rate=Decimal("65.00"), callout_fee=Decimal("45.00"), payment_terms_days=14,
                invoice_series="INV",
            )
            db.session.add(company)
        for key, value in overrides.items():
            setattr(company, key, value)
        db.session.commit()
        g.pop("company_zone", None)  # company_zone() keeps the zone for the app context
        return company

    def rate_group(self, name: str = "Standard", hourly_rate: str = "65.00") -> RateGroup:
        group = RateGroup(name=f"{name} {next(_counter)}", hourly_rate=Decimal(hourly_rate))
        db.session.add(group)
        db.session.commit()
        return group

    def product(self, **overrides: Any) -> Product:
        n = next(_counter)
        product = Product(sku=overrides.pop("sku", f"SKU-{n}"), name=overrides.pop("name", f"Valve {n}"),
                          unit_price=Decimal(overrides.pop("unit_price", "12.50")),
                          vat_rate=Decimal(overrides.pop("vat_rate", "21.00")), **overrides)
        db.session.add(product)
        db.session.commit()
        return product

    def customer(self, **overrides: Any) -> Customer:
        n = next(_counter)
        data = {
            "name": f"Customer {n}", "email": f"customer{n}@example.net", "phone": "+31 6 1234 5678",
            "language": "nl",
            "address": {"street": f"Dorpsstraat {n}", "postal_code": "1234 AB", "city": "Utrecht", "country": "NL"},
            "latitude": 52.09, "longitude": 5.12,
        } | overrides
        customer = customers.create_customer(data)
        db.session.commit()
        return customer

    def asset(self, customer: Customer | None = None, **overrides: Any) -> Asset:
        customer = customer or self.customer()
        data = {"product": "Boiler HR-24", "model": "HR-24", "serial_number": f"SN{next(_counter):06d}",
                "purchased_on": date.today() - timedelta(days=365)} | overrides
        asset = customers.add_asset(customer, data)
        db.session.commit()
        return asset

    def contract(self, customer: Customer, assets: list[Asset], covers: list[str], **overrides: Any) -> Contract:
        data = {"customer_id": customer.id, "asset_ids": [asset.id for asset in assets], "covers": covers,
                "starts_on": date.today() - timedelta(days=30), "ends_on": date.today() + timedelta(days=335)}
        contract = customers.create_contract(data | overrides)
        db.session.commit()
        return contract

    def ticket(self, customer: Customer | None = None, asset: Asset | None = None, **overrides: Any) -> Ticket:
        customer = customer or (asset.customer if asset else self.customer())
        data = {"customer_id": customer.id, "subject": "Boiler makes noise", "description": "Rattling since Monday.",
                "priority": "medium", "asset_id": asset.id if asset else None} | overrides
        ticket = desk.create_ticket(data)
        db.session.commit()
        return ticket

    def job(self, ticket: Ticket | None = None, **overrides: Any) -> Job:
        ticket = ticket or self.ticket()
        data = {"kind": "repair", "duration_minutes": 60, "required_skills": ["boiler"]} | overrides
        job = scheduling.create_job(ticket, data)
        db.session.commit()
        return job

    def scheduled_job(self, technician: User, ticket: Ticket | None = None,
                      start: datetime | None = None, **overrides: Any) -> Job:
        job = self.job(ticket, **overrides)
        start = start or next_weekday_at(9)
        scheduling.schedule(job, technician.id, start, start + timedelta(minutes=job.duration_minutes), None)
        db.session.commit()
        return job

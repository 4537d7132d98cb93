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
        # No acknowledgement mail unless a test asks (acknowledge=True): tests count the mails they cause.
        data = {"customer_id": customer.id, "subject": "Boiler makes noise", "description": "Rattling since Monday.",
                "priority": "medium", "asset_id": asset.id if asset else None, "acknowledge": False} | overrides
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

    def queue(self, mode: str = "round_robin", members: list[User] | tuple = (), **overrides: Any) -> Any:
        """A desk queue assigning by ``mode`` with these members."""
        from dispatch.desk.assignment.models import Queue, QueueMember

        queue = Queue(name=overrides.pop("name", f"Queue {next(_counter)}"), assignment_mode=mode, **overrides)
        db.session.add(queue)
        db.session.flush()
        db.session.add_all(QueueMember(queue_id=queue.id, user_id=user.id) for user in members)
        db.session.commit()
        return queue

    def duty_slot(self, queue: Any, user: User, weekday: int, starts_at: str, ends_at: str) -> Any:
        """``user`` on duty for ``queue`` on ``weekday`` (0 Monday) from ``starts_at`` to ``ends_at`` (HH:MM)."""
        from datetime import time

        from dispatch.desk.assignment.models import DutySlot

        slot = DutySlot(queue_id=queue.id, user_id=user.id, weekday=weekday, starts_at=time.fromisoformat(starts_at),
                        ends_at=time.fromisoformat(ends_at))
        db.session.add(slot)
        db.session.commit()
        return slot

    def absence(self, user: User, starts_at: datetime, ends_at: datetime, reason: str = "leave") -> Any:
        """An absence of any user (technician or desk agent)."""
        from dispatch.scheduling.models import Absence

        absence = Absence(technician_id=user.id, starts_at=starts_at, ends_at=ends_at, reason=reason)
        db.session.add(absence)
        db.session.commit()
        return absence

    def article(self, **overrides: Any) -> Any:
        """A knowledge base article, published unless ``status="draft"``."""
        from dispatch.knowledge import services as knowledge

        n = next(_counter)
        data = {"slug": f"article-{n}", "title": f"Boiler pressure too low {n}", "summary": "Top up the pressure.",
                "body": "Check the gauge.\n\nOpen the filling valve until it shows 1.5 bar.", "language": "en",
                "category": "heating", "status": "published"} | overrides
        article = knowledge.save_article(data, None)
        db.session.commit()
        return article

    def contact(self, customer: Customer | None = None, **overrides: Any) -> Any:
        """A contact person (the caller at a company) of ``customer``."""
        from dispatch.desk.intake.services import add_contact

        customer = customer or self.customer(is_company=True)
        n = next(_counter)
        contact = add_contact(customer, {"name": f"Contact {n}", "email": f"contact{n}@example.org",
                                         "phone": None} | overrides)
        db.session.commit()
        return contact

    def intake_custom_field(self, key: str, field_type: str = "text", **overrides: Any) -> Any:
        """An active admin-defined ticket field."""
        from dispatch.desk.models import CustomField

        field = CustomField(key=key, label=overrides.pop("label", key.replace("_", " ").title()),
                            field_type=field_type, choices=overrides.pop("choices", []), **overrides)
        db.session.add(field)
        db.session.commit()
        return field

    def delivery_receipt(self, job: Job, pdf: bytes = b"%PDF-1.4\n% a signed receipt\n%%EOF\n") -> Any:
        """A stored delivery receipt of ``job`` (the signing itself is the closure capability's test)."""
        from dispatch.closure.models import DeliveryReceipt
        from dispatch.storage import storage

        receipt = DeliveryReceipt(job_id=job.id, pdf_key=storage().put(pdf, prefix="receipts", suffix=".pdf"),
                                  content_hash="0" * 64)
        db.session.add(receipt)
        db.session.commit()
        return receipt

    def canned_response(self, body: str = "Dear {customer_name}, about {reference}: we come {appointment}.",
                        **overrides: Any) -> Any:
        """A canned response (any language and queue unless given)."""
        from dispatch.desk.canned.services import create_response

        response = create_response({"title": overrides.pop("title", f"Answer {next(_counter)}"), "body": body}
                                   | overrides, None)
        db.session.commit()
        return response

    def custom_field(self, key: str, field_type: str = "text", **overrides: Any) -> Any:
        """A custom ticket field defined through the admin's service."""
        from dispatch.desk.custom_fields.services import create_field

        field = create_field({"key": key, "label": key.replace("_", " ").title(), "field_type": field_type}
                             | overrides, None)
        db.session.commit()
        return field

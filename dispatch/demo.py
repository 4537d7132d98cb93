"""Demo data: a Dutch heating-service company with customers in NL, BE and DE, made through the services.

Everything is deterministic (fixed seed) except dates, which follow today so that warranties are
current and the technicians have work today and tomorrow.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import exists, select

from dispatch.admin import services as admin
from dispatch.admin.models import Company
from dispatch.auth.models import User
from dispatch.auth.services import create_user
from dispatch.billing.models import RateGroup
from dispatch.catalogue.models import Product
from dispatch.customers import services as customers
from dispatch.customers.models import Asset, Customer
from dispatch.demo_data import (
    ARTICLES,
    ASSETS,
    COMPLETED,
    CUSTOMERS,
    DOMAIN,
    JOB_TEMPLATES,
    JOBS,
    NO_WEEKEND,
    ON_CALL_WEEKEND,
    PHONE_ONLY,
    PRODUCTS,
    QUEUES,
    RATE_GROUPS,
    SEED,
    STAFF,
    TICKETS,
    WEEKDAYS_HOURS,
)
from dispatch.desk import services as desk
from dispatch.desk.assignment import queues as assignment_queues
from dispatch.desk.models import Ticket
from dispatch.desk.sla import services as sla
from dispatch.enums import JobKind, JobStatus, Role, TimeKind
from dispatch.extensions import db
from dispatch.knowledge import services as knowledge
from dispatch.scheduling import services as scheduling
from dispatch.scheduling.availability import WEEKDAYS
from dispatch.scheduling.models import Job, JobTemplate, TechnicianProfile

DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 - printed for everyone on purpose


def database_is_empty() -> bool:
    """Whether nothing but the migration's own seed rows is in the database."""
    return not any(db.session.scalar(select(exists().select_from(model)))
                   for model in (User, Customer, Ticket, Job, Product, RateGroup))


def existing_logins() -> dict[str, str]:
    """The demo's login per role when the demo was loaded before (empty otherwise), to print them again."""
    emails = [f"{person['email']}@{DOMAIN}" for person in STAFF]
    users = db.session.scalars(
        select(User).where(User.email.in_(emails), User.active.is_(True)).order_by(User.id))
    logins: dict[str, str] = {}
    for user in users:
        logins.setdefault(user.role.value, user.email)
    return logins


def load_demo() -> dict[str, str]:
    """Fill an empty database with demo data; the first login of each role (all use ``DEMO_PASSWORD``)."""
    rng = random.Random(SEED)  # noqa: S311 - repeatable demo data, not secrets
    zone = ZoneInfo(_company().timezone)
    today = datetime.now(zone).date()
    rate_groups = _rate_groups()
    _products()
    _job_templates()
    staff = _staff(rate_groups)
    _queues(staff)
    agent = next(user for user in staff.values() if user.role == Role.AGENT)
    customer_by_key = _customers(agent.id)
    assets = _assets(customer_by_key, today, rng, agent.id)
    _contracts(customer_by_key, assets, today, agent.id)
    _tickets_and_jobs(customer_by_key, assets, staff, today, zone, agent.id)
    _completed_jobs(customer_by_key, assets, staff, today, zone, agent.id)
    for article in ARTICLES:
        knowledge.save_article(article | {"status": "published"}, agent.id)
    db.session.flush()
    logins: dict[str, str] = {}
    for user in staff.values():
        logins.setdefault(user.role.value, user.email)
    return {role.value: logins[role.value] for role in Role}


def _job_templates() -> None:
    for name, kind, minutes, skills, checklist, instructions in JOB_TEMPLATES:
        db.session.add(JobTemplate(name=name, kind=JobKind(kind), duration_minutes=minutes, required_skills=skills,
                                   checklist=checklist, instructions=instructions, active=True))


def _company() -> Company:
    settings = admin.company()
    details = {
        "name": "Warmteservice Van Dijk B.V.", "street": "Vlijtseweg 140", "postal_code": "7317 AK",
        "city": "Apeldoorn", "country": "NL", "vat_number": "NL004495445B01",
        "registration_number": "08123456", "iban": "NL44RABO0123456789", "bic": "RABONL2U",
        "email": f"facturen@{DOMAIN}", "phone": "+31 55 521 4400", "currency": "EUR",
        "default_vat_rate": Decimal("21.00"),
        "default_hourly_rate": Decimal("65.00"), "callout_fee": Decimal("45.00"), "payment_terms_days": 14,
        "invoice_series": "INV",
    }
    for name, value in details.items():
        setattr(settings, name, value)
    return settings


def _rate_groups() -> dict[str, RateGroup]:
    groups = {name: RateGroup(name=name, hourly_rate=Decimal(rate)) for name, rate in RATE_GROUPS}
    db.session.add_all(groups.values())
    db.session.flush()
    return groups


def _products() -> None:
    db.session.add_all(
        Product(sku=sku, name=name, unit_price=Decimal(price), vat_rate=Decimal(vat), unit=unit)
        for sku, name, price, vat, unit in PRODUCTS
    )
    db.session.flush()


def _staff(rate_groups: dict[str, RateGroup]) -> dict[str, User]:
    staff: dict[str, User] = {}
    for person in STAFF:
        user = create_user(f"{person['email']}@{DOMAIN}", person["name"], person["role"], DEMO_PASSWORD,
                           person["language"])
        if user.role == Role.TECHNICIAN:
            profile = scheduling.ensure_technician_profile(user)
            street, postal_code, city, country, latitude, longitude = person["home"]
            profile.skills = person["skills"]
            profile.home_street, profile.home_postal_code, profile.home_city = street, postal_code, city
            profile.home_country, profile.home_latitude, profile.home_longitude = country, latitude, longitude
            weekend = ON_CALL_WEEKEND if person.get("weekend") else NO_WEEKEND
            profile.working_hours = WEEKDAYS_HOURS | weekend
            profile.rate_group_id = rate_groups[person["rate"]].id
        staff[person["email"]] = user
    db.session.flush()
    return staff


def _queues(staff: dict[str, User]) -> None:
    """The desk's queues: Service in turn with a duty roster, Complaints to whoever has the least open work."""
    for spec in QUEUES:
        queue = assignment_queues.create_queue({
            "name": spec["name"], "email_address": f"{spec['address']}@{DOMAIN}", "assignment_mode": spec["mode"],
            "team_lead_id": staff[spec["lead"]].id}, None)
        for member in spec["members"]:
            assignment_queues.add_member(queue, staff[member].id, None)
        for member, days, starts_at, ends_at in spec["duty"]:
            for weekday in days:
                assignment_queues.add_duty_slot(queue, {
                    "user_id": staff[member].id, "weekday": weekday, "starts_at": time.fromisoformat(starts_at),
                    "ends_at": time.fromisoformat(ends_at)}, None)


def _customers(actor_id: int) -> dict[str, Customer]:
    result: dict[str, Customer] = {}
    for key, name, language, vat_number, phone, address in CUSTOMERS:
        street, postal_code, city, country, latitude, longitude = address
        result[key] = customers.create_customer({
            "name": name, "vat_number": vat_number, "language": language,
            "is_company": vat_number is not None,
            "email": None if key in PHONE_ONLY else f"{key}@customer.example", "phone": phone,
            "address": {"street": street, "postal_code": postal_code, "city": city, "country": country},
            "latitude": latitude, "longitude": longitude,
        }, actor_id)
    hotel = result["hotel"]
    hotel.sites[0].access_notes = "Report to reception; boiler room key at the front desk."
    customers.add_site(hotel, {"street": "Gevers Deynootweg 34", "postal_code": "2586 BJ", "city": "Den Haag",
                               "country": "NL"}, name="Wellness annex", latitude=52.1118, longitude=4.2786)
    return result


def _warranty(state: str, purchased_on: date, today: date) -> dict[str, date | None]:
    parts_5y, labour_2y = customers.add_months(purchased_on, 60), customers.add_months(purchased_on, 24)
    if state == "in_warranty":
        return {"parts_warranty_until": parts_5y, "labour_warranty_until": labour_2y}
    if state == "parts_only":  # labour warranty over, parts still covered
        return {"parts_warranty_until": max(parts_5y, today + timedelta(days=90)),
                "labour_warranty_until": min(labour_2y, today - timedelta(days=30))}
    if state == "expired":
        return {"parts_warranty_until": labour_2y,
                "labour_warranty_until": customers.add_months(purchased_on, 12)}
    return {"parts_warranty_until": None, "labour_warranty_until": None}  # unknown: needs review


def _assets(customer_by_key: dict[str, Customer], today: date, rng: random.Random,
            actor_id: int) -> dict[str, list[Asset]]:
    result: dict[str, list[Asset]] = {}
    for key, product, model, days_ago, state in ASSETS:
        purchased_on = today - timedelta(days=days_ago)
        serial = f"{model.replace(' ', '').replace('/', '')[:6]}-{rng.randrange(10**7):07d}"
        asset = customers.add_asset(customer_by_key[key], {
            "product": product, "model": model, "serial_number": serial, "supplier": "Technische Unie",
            "purchased_on": purchased_on, "installed_on": purchased_on + timedelta(days=rng.randint(3, 21)),
        } | _warranty(state, purchased_on, today), actor_id)
        result.setdefault(key, []).append(asset)
    return result


def _contracts(customer_by_key: dict[str, Customer], assets: dict[str, list[Asset]], today: date,
               actor_id: int) -> None:
    customers.create_contract({
        "customer_id": customer_by_key["hotel"].id, "asset_ids": [asset.id for asset in assets["hotel"]],
        "covers": ["labour", "parts", "callout"], "included_visits": 2,
        "starts_on": today - timedelta(days=120), "ends_on": today + timedelta(days=245),
    }, actor_id)
    customers.create_contract({
        "customer_id": customer_by_key["anker"].id, "asset_ids": [assets["anker"][0].id],
        "covers": ["labour"], "included_visits": 1,
        "starts_on": today - timedelta(days=30), "ends_on": today + timedelta(days=335),
    }, actor_id)


def _work_day(profile: TechnicianProfile, first: date, step: int = 1) -> date:
    """The technician's first working day from ``first`` on (or back, with ``step=-1``)."""
    day = first
    while not profile.working_hours.get(WEEKDAYS[day.weekday()]):
        day += timedelta(days=step)
    return day


def _tickets_and_jobs(customer_by_key: dict[str, Customer], assets: dict[str, list[Asset]],
                      staff: dict[str, User], today: date, zone: ZoneInfo, agent_id: int) -> None:
    agents = [user for user in staff.values() if user.role == Role.AGENT]
    for number, (key, asset_index, priority, subject, description) in enumerate(TICKETS):
        asset = assets[key][asset_index] if asset_index is not None else None
        ticket = desk.create_ticket({
            "customer_id": customer_by_key[key].id, "asset_id": asset.id if asset else None,
            "priority": priority, "subject": subject, "description": description,
            "channel": ("phone", "email", "web")[number % 3], "owner_id": agents[number % len(agents)].id,
        }, agent_id)
        if number >= len(JOBS):
            continue
        kind, skills, minutes, when = JOBS[number]
        job = scheduling.create_job(ticket, {"kind": kind, "duration_minutes": minutes,
                                             "required_skills": skills}, agent_id)
        if when is None:
            continue
        which, technician_key, hour, minute = when
        technician = staff[technician_key]
        profile = scheduling.ensure_technician_profile(technician)
        day = _work_day(profile, today)
        if which == "tomorrow":
            day = _work_day(profile, day + timedelta(days=1))
        start = _local_start(profile, day, hour, minute, zone)
        scheduling.schedule(job, technician.id, start, start + timedelta(minutes=minutes), agent_id)


def _local_start(profile: TechnicianProfile, day: date, hour: int, minute: int, zone: ZoneInfo) -> datetime:
    """The visit start in UTC, moved inside the technician's first interval of that day when needed."""
    begin, _finish = profile.working_hours[WEEKDAYS[day.weekday()]][0]
    local = max(time(hour, minute), time.fromisoformat(begin))
    return datetime.combine(day, local, zone).astimezone(ZoneInfo("UTC"))


def _completed_jobs(customer_by_key: dict[str, Customer], assets: dict[str, list[Asset]],
                    staff: dict[str, User], today: date, zone: ZoneInfo, agent_id: int) -> None:
    """Visits of the previous working day, done through the technician's services up to completion."""
    from dispatch.field import services as field  # the field capability depends on closure and billing

    signature_image, strokes = _signature()
    for data in COMPLETED:
        technician = staff[data["technician"]]
        profile = scheduling.ensure_technician_profile(technician)
        start = _local_start(profile, _work_day(profile, today - timedelta(days=1), -1), data["hour"], 0, zone)
        ticket = desk.create_ticket({
            "customer_id": customer_by_key[data["customer"]].id, "asset_id": assets[data["customer"]][0].id,
            "priority": data["priority"], "subject": data["subject"], "description": data["description"],
            "owner_id": agent_id,
        }, agent_id)
        job = scheduling.create_job(ticket, {"kind": "repair", "duration_minutes": 90,
                                             "required_skills": ["boiler"]}, agent_id)
        _backdate(ticket, job, start - timedelta(hours=4))
        scheduling.schedule(job, technician.id, start, start + timedelta(minutes=90), agent_id)
        left = start - timedelta(minutes=data["travel"])
        finished = start + timedelta(minutes=data["work"])
        field.report_status(job, JobStatus.EN_ROUTE, technician.id, at=left)
        field.add_time_entry(job, technician.id, {"kind": TimeKind.TRAVEL, "started_at": left,
            "ended_at": start})
        field.report_status(job, JobStatus.ON_SITE, technician.id, at=start)
        field.add_time_entry(job, technician.id, {"kind": TimeKind.WORK, "started_at": start,
            "ended_at": finished})
        for sku, quantity in data["parts"]:
            field.add_part(job, technician.id, {"sku": sku, "quantity": Decimal(quantity)})
        field.sign(job, {"signer_name": data["signer"], "image": signature_image, "strokes": strokes,
                         "signed_at": finished + timedelta(minutes=3)}, technician.id)
        field.complete(job, {"summary": data["summary"], "flags": [], "at": finished + timedelta(minutes=6)},
                       technician.id)


def _backdate(ticket: Ticket, job: Job, opened_at: datetime) -> None:
    """Move a just-made ticket and its job back in time, as if the call came in at ``opened_at``."""
    shift = ticket.created_at - opened_at
    ticket.created_at = opened_at
    sla.start_clock(ticket, opened_at)  # due times in business hours from the backdated opening
    for message in desk.messages_of(ticket):
        message.created_at -= shift
    job.created_at = job.status_changed_at = opened_at + timedelta(minutes=10)


def _signature() -> tuple[str, list[list[dict[str, float]]]]:
    """A drawn signature: a PNG data URL and the strokes it was drawn with."""
    import base64
    import io
    import math

    from PIL import Image, ImageDraw

    strokes = [
        [{"x": 30 + step * 4.0, "y": 75 + 28 * math.sin(step / 3.0)} for step in range(70)],
        [{"x": 120 + step * 3.0, "y": 95 - step * 1.2} for step in range(30)],
    ]
    image = Image.new("RGB", (400, 150), "white")
    draw = ImageDraw.Draw(image)
    for stroke in strokes:
        draw.line([(point["x"], point["y"]) for point in stroke], fill="black", width=3)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode(), strokes

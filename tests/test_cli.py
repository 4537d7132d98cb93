"""The command line: ``flask --app dispatch users create``, ``demo``, ``tasks sweep`` and ``worker``."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from stdnum import bic, iban, vatin

from dispatch.admin.services import company
from dispatch.auth.models import User
from dispatch.auth.services import authenticate
from dispatch.billing.models import Invoice
from dispatch.catalogue.models import Product
from dispatch.closure.services import current_decision
from dispatch.customers.models import Asset, Contract, Customer
from dispatch.dbtypes import utcnow
from dispatch.demo import DEMO_PASSWORD, existing_logins
from dispatch.desk.models import Ticket
from dispatch.enums import CoverageOutcome, DeliveryStatus, InvoiceStatus, JobStatus, Role
from dispatch.extensions import db
from dispatch.field.models import Signature
from dispatch.mail import OutboxMail
from dispatch.scheduling.models import DEFAULT_WORKING_HOURS, Job, TechnicianProfile
from dispatch.scheduling.services import jobs_for_technician
from dispatch.tasks import BackgroundTask
from tests.support.tasks import wait_for_tasks

DEMO_MODELS = (User, Customer, Asset, Contract, Ticket, Job, Product)


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _create(runner, email="new.agent@example.com", role="agent", name="New Agent",
            password="long enough 123"):
    return runner.invoke(args=["users", "create", email, "--role", role, "--name", name,
                               "--password", password])


# --- users create ---------------------------------------------------------------------------------

def test_users_create_makes_a_user_who_can_sign_in(runner):
    result = _create(runner, email="Anna@Example.com")
    assert result.exit_code == 0, result.output
    assert "Created agent anna@example.com" in result.output
    user = authenticate("anna@example.com", "long enough 123")
    assert user is not None and user.role == Role.AGENT and user.name == "New Agent"
    assert authenticate("anna@example.com", "wrong password") is None


def test_users_create_asks_for_the_password_twice_when_not_given(runner):
    result = runner.invoke(args=["users", "create", "b@example.com", "--role", "billing", "--name", "B"],
                           input="long enough 123\nlong enough 123\n")
    assert result.exit_code == 0, result.output
    assert authenticate("b@example.com", "long enough 123").role == Role.BILLING


def test_users_create_refuses_a_duplicate_email(runner):
    assert _create(runner).exit_code == 0
    result = _create(runner, email="NEW.agent@example.com", name="Someone else")
    assert result.exit_code == 1
    assert "already in use" in result.output
    assert _count(User) == 1


def test_users_create_refuses_a_short_password(runner):
    result = _create(runner, password="short")
    assert result.exit_code == 1
    assert "At least 10 characters" in result.output
    assert _count(User) == 0


def test_users_create_refuses_an_unknown_role(runner):
    result = _create(runner, role="superuser")
    assert result.exit_code == 2
    assert "superuser" in result.output
    assert _count(User) == 0


def test_a_technician_gets_a_profile_with_working_hours(runner):
    result = _create(runner, email="tech@example.com", role="technician", name="Tess Tech")
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "tech@example.com"))
    profile = db.session.get(TechnicianProfile, user.id)
    assert profile is not None
    assert profile.working_hours == DEFAULT_WORKING_HOURS and profile.skills == []


def test_other_roles_get_no_technician_profile(runner):
    assert _create(runner).exit_code == 0
    assert _count(TechnicianProfile) == 0


# --- demo -----------------------------------------------------------------------------------------

def test_demo_loads_into_an_empty_database_and_refuses_a_second_time(runner, app):
    assert existing_logins() == {}
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "Demo data loaded" in result.output
    for role in Role:
        line = next(line for line in result.output.splitlines() if line.strip().startswith(role.value + " "))
        email = line.split()[1]
        user = authenticate(email, DEMO_PASSWORD)
        assert user is not None and user.role == role, line

    first_of_role = zip(Role, ["admin", "lotte", "daan", "fenna"], strict=True)
    assert existing_logins() == {role.value: f"{name}@warmteservice.example" for role, name in first_of_role}
    counts = {model.__name__: _count(model) for model in DEMO_MODELS}
    assert counts["User"] == 8 and counts["Customer"] >= 12 and counts["Ticket"] >= 15
    assert counts["Contract"] == 2 and counts["Product"] >= 8

    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0
    assert "already holds data" in second.output
    assert "daan@warmteservice.example" in second.output  # the logins are printed again
    assert {model.__name__: _count(model) for model in DEMO_MODELS} == counts


def test_demo_data_is_valid_and_gives_technicians_work(runner, app):
    assert runner.invoke(args=["demo"]).exit_code == 0
    settings = company()
    assert vatin.is_valid(settings.vat_number) and iban.is_valid(settings.iban) and bic.is_valid(settings.bic)
    companies = db.session.scalars(select(Customer).where(Customer.vat_number.is_not(None))).all()
    assert {customer.country for customer in companies} == {"NL", "BE", "DE"}
    assert all(vatin.is_valid(customer.vat_number) for customer in companies)
    assert {rate for rate in db.session.scalars(select(Product.vat_rate))} == {21, 9}

    assets = db.session.scalars(select(Asset)).all()
    today = datetime.now(ZoneInfo(app.config["COMPANY_TIMEZONE"])).date()
    def active(until) -> bool:
        return until is not None and until >= today

    states = {(active(asset.parts_warranty_until), active(asset.labour_warranty_until)) for asset in assets}
    assert states == {(True, True), (True, False), (False, False)}  # in warranty, parts only, expired/unknown
    assert any(asset.parts_warranty_until is None for asset in assets)

    statuses = {job.status for job in db.session.scalars(select(Job))}
    assert {JobStatus.UNSCHEDULED, JobStatus.SCHEDULED} <= statuses
    first_technician = db.session.scalar(select(User).where(User.role == Role.TECHNICIAN).order_by(User.id))
    zone = ZoneInfo(app.config["COMPANY_TIMEZONE"])
    start = datetime.combine(today, time(0), zone)
    todays = jobs_for_technician(first_technician.id, start, start + timedelta(days=1))
    assert todays, "the demo technician has no work today"
    for technician in db.session.scalars(select(User).where(User.role == Role.TECHNICIAN)):
        profile = db.session.get(TechnicianProfile, technician.id)
        assert profile.skills and profile.home_latitude is not None and profile.rate_group_id is not None
        assert jobs_for_technician(technician.id, start, start + timedelta(days=8)), technician.name


def test_demo_completed_jobs_go_through_closure_to_draft_invoices(runner, app):
    assert runner.invoke(args=["demo"]).exit_code == 0
    wait_for_tasks(timeout=60)
    db.session.rollback()  # read what the tasks committed (in-process or in the rq worker)

    signed = db.session.scalars(select(Job).join(Signature, Signature.job_id == Job.id)).all()
    assert len(signed) == 3
    outcomes = {job.site.customer.name: (job.status, current_decision(job.id).outcome,
                                         job.invoice_id is not None) for job in signed}
    assert outcomes == {
        "Monique Bakker": (JobStatus.CLOSED, CoverageOutcome.CHARGEABLE, True),
        "Jeroen de Vries": (JobStatus.CLOSED, CoverageOutcome.PARTLY_COVERED, True),
        "Familie Peeters": (JobStatus.CLOSED, CoverageOutcome.COVERED, False),
    }
    drafts = db.session.scalars(select(Invoice).where(Invoice.status == InvoiceStatus.DRAFT)).all()
    assert len(drafts) == 2 and all(invoice.gross_total > 0 for invoice in drafts)


# --- tasks sweep and worker -----------------------------------------------------------------------

def test_tasks_sweep_sends_tasks_that_were_recorded_but_never_dispatched(runner, mail_server):
    # As if Redis had been down at the commit: the rows exist, nothing was dispatched.
    mail = OutboxMail(to_address="late@customer.example", subject="Stuck in the outbox", body_text="Hello",
                      attachments=[], message_id="<sweep-test@dispatch.local>")
    db.session.add(mail)
    db.session.flush()
    db.session.add(BackgroundTask(name="mail.deliver", args={"mail_id": mail.id},
                                  dedupe_key=f"mail:{mail.id}", created_at=utcnow() - timedelta(minutes=5)))
    db.session.commit()

    result = runner.invoke(args=["tasks", "sweep"])
    assert result.exit_code == 0, result.output
    assert "Dispatched 1 pending task(s)." in result.output
    wait_for_tasks()
    assert [message["Subject"] for message in mail_server.wait_for(1)] == ["Stuck in the outbox"]
    db.session.rollback()
    assert db.session.get(OutboxMail, mail.id).status == DeliveryStatus.DONE

    again = runner.invoke(args=["tasks", "sweep"])
    assert "Dispatched 0 pending task(s)." in again.output


def test_worker_needs_redis(runner, app, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", "")
    result = runner.invoke(args=["worker", "--burst"])
    assert result.exit_code == 1
    assert "REDIS_URL is not set" in result.output

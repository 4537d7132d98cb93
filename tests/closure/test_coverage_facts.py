"""The facts the closure service gathers for the decision: the company's day, contracts' visits, hashes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from dispatch.closure import services as closure
from dispatch.enums import CoverageOutcome
from dispatch.extensions import db
from dispatch.field import services as field
from tests.billing.helpers import finished_job
from tests.closure.helpers import signed_job
from tests.support.mailserver import attaching
from tests.support.tasks import wait_for_tasks


def test_completion_day_is_the_company_day_not_the_utc_day(make):
    make.company(timezone="Europe/Amsterdam")
    asset = make.asset(parts_warranty_until=date(2026, 6, 30), labour_warranty_until=date(2026, 6, 30))
    # 22:30 UTC on 30 June is 00:30 on 1 July in Amsterdam: the warranty had ended that day.
    job = finished_job(make, asset=asset, completed_at=datetime(2026, 6, 30, 22, 30, tzinfo=UTC))
    assert closure.completed_on(job) == date(2026, 7, 1)
    decision = closure.decide_automatically(job)
    assert decision.outcome == CoverageOutcome.CHARGEABLE
    assert "Labour: the asset's warranty ended on 2026-06-30." in decision.reasons

    make.company(timezone="UTC")  # the same moment is still 30 June in UTC
    assert closure.decide_automatically(job).outcome == CoverageOutcome.COVERED


def test_included_visits_are_used_up_by_earlier_closed_visits(make):
    make.company()
    customer = make.customer()
    expired = date.today() - timedelta(days=5)
    asset = make.asset(customer, parts_warranty_until=expired, labour_warranty_until=expired)
    contract = make.contract(customer, [asset], ["labour", "callout"], included_visits=1)
    first = signed_job(make, asset=asset)
    wait_for_tasks()
    assert closure.current_decision(first.id).outcome == CoverageOutcome.COVERED
    second = signed_job(make, asset=asset)
    wait_for_tasks()
    decision = closure.current_decision(second.id)
    assert decision.outcome == CoverageOutcome.CHARGEABLE
    assert f"Contract {contract.id}: all 1 included visits are used." in decision.reasons


def test_work_changed_after_signing_needs_review(make):
    make.company()
    future = date.today() + timedelta(days=100)
    job = signed_job(make, asset=make.asset(parts_warranty_until=future, labour_warranty_until=future),
                     complete=False)
    field.signature_of(job.id).signed_content_hash = "0" * 64  # no longer what is recorded
    db.session.commit()
    field.complete(job, {"summary": "Done."}, job.technician_id)
    db.session.commit()
    wait_for_tasks()
    decision = closure.current_decision(job.id)
    assert decision.outcome == CoverageOutcome.NEEDS_REVIEW
    assert "The recorded work no longer matches what the customer signed." in decision.reasons


def test_receipt_mail_is_written_in_the_customers_language(make, mail_server):
    make.company()
    job = signed_job(make, customer=make.customer(language="de", email="kunde@example.de"))
    wait_for_tasks()
    [message] = attaching(mail_server.wait_for(2), "receipt-")
    body = message.get_body(("plain",)).get_content()
    signed_at = field.signature_of(job.id).signed_at.astimezone(ZoneInfo("Europe/Amsterdam"))
    assert f"{signed_at:%d.%m.%Y, %H:%M:%S} (Europe/Amsterdam)" in body, body  # German date order

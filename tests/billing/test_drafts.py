"""Draft invoices from finished jobs: lines, rates, rounding, VAT per rate, payment references."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select
from stdnum import iso11649
from stdnum.be import ogm_vcs

from dispatch.audit import events_for
from dispatch.billing import amounts, drafts, services
from dispatch.billing.models import Invoice
from dispatch.enums import CoverageOutcome, InvoiceStatus, LineKind
from dispatch.extensions import db
from tests.billing.helpers import decision_for, finished_job
from tests.support.factories import next_weekday_at

D = Decimal


def totals(invoice: Invoice) -> tuple[str, str, str]:
    return str(invoice.net_total), str(invoice.vat_total), str(invoice.gross_total)


@pytest.mark.parametrize(("seconds", "hours"), [
    (0, "0.00"), (1, "0.25"), (899, "0.25"), (900, "0.25"), (901, "0.50"), (3600, "1.00"), (80 * 60, "1.50"),
    (-60, "0.00"),
], ids=["nothing", "one-second", "under-quarter", "quarter", "just-over", "hour", "80-minutes", "negative"])
def test_time_is_billed_per_started_quarter_hour(seconds, hours):
    assert drafts.billable_hours(seconds) == D(hours)


def test_draft_lines_and_totals_are_exact(make):
    make.company()  # rate 65.00, call-out 45.00, 21 % VAT
    group = make.rate_group("Senior", "78.50")
    technician = make.user("technician", rate_group_id=group.id)
    valve = make.product(name="Diverter valve", sku="VAL-1", unit_price="12.50", vat_rate="21.00")
    insulation = make.product(name="Pipe insulation", sku="INS-1", unit_price="8.40", vat_rate="9.00",
                              unit="MTR")
    job = finished_job(make, technician=technician, work=[(0, 50), (60, 30)], travel=[(-15, 15)],
                       parts=[(valve, "1"), (insulation, "3.5"), (valve, "1")])

    invoice = drafts.create_draft_for_job(job, decision_for(job))
    db.session.commit()

    rows = [(line.kind, line.quantity, line.unit, line.unit_price, line.vat_rate, line.net_amount)
            for line in invoice.lines]
    assert rows == [
        (LineKind.LABOUR, D("1.50"), "HUR", D("78.50"), D("21.00"), D("117.75")),  # 80 min -> 1.5 h
        (LineKind.TRAVEL, D("0.25"), "HUR", D("78.50"), D("21.00"), D("19.63")),  # 19.625 rounds half up
        (LineKind.CALLOUT, D("1"), "C62", D("45.00"), D("21.00"), D("45.00")),
        (LineKind.PART, D("2"), "C62", D("12.50"), D("21.00"), D("25.00")),  # the same valve twice: one line
        (LineKind.PART, D("3.5"), "MTR", D("8.40"), D("9.00"), D("29.40")),
    ]
    assert [line.position for line in invoice.lines] == [1, 2, 3, 4, 5]
    assert invoice.lines[3].description == "Diverter valve (VAL-1)"
    assert technician.name in invoice.lines[0].description
    # VAT per rate over the sum of the nets: 207.38 x 21 % = 43.5498 -> 43.55; 29.40 x 9 % = 2.646 -> 2.65
    assert [(g.rate, g.base, g.amount) for g in amounts.vat_breakdown(invoice.lines)] == [
        (D("9.00"), D("29.40"), D("2.65")), (D("21.00"), D("207.38"), D("43.55"))]
    assert totals(invoice) == ("236.78", "46.20", "282.98")
    assert invoice.status == InvoiceStatus.DRAFT and invoice.number is None
    assert job.invoice_id == invoice.id
    customer = job.site.customer
    assert (invoice.buyer_name, invoice.buyer_country, invoice.currency) == (customer.name, "NL", "EUR")
    assert invoice.buyer_address == f"{customer.street}\n{customer.postal_code} {customer.city}"
    assert [event.action for event in events_for(invoice)] == ["invoice.drafted"]


def test_default_rate_without_rate_group_and_no_callout_fee(make):
    make.company(callout_fee=D("0"))
    job = finished_job(make, work=[(0, 61)])
    invoice = drafts.create_draft_for_job(job, decision_for(job))
    assert [(line.kind, line.quantity, line.unit_price, line.net_amount) for line in invoice.lines] == [
        (LineKind.LABOUR, D("1.25"), D("65.00"), D("81.25"))]
    assert totals(invoice) == ("81.25", "17.06", "98.31")  # 17.0625 -> 17.06


def test_covered_components_are_shown_at_zero(make):
    make.company()
    valve = make.product(unit_price="100.00")
    job = finished_job(make, work=[(0, 60)], travel=[(-30, 30)], parts=[(valve, "1")])
    decision = decision_for(job, CoverageOutcome.PARTLY_COVERED, labour=True, callout=True)
    invoice = drafts.create_draft_for_job(job, decision)
    prices = {line.kind: (line.unit_price, line.net_amount, line.description) for line in invoice.lines}
    for kind in (LineKind.LABOUR, LineKind.TRAVEL, LineKind.CALLOUT):
        assert prices[kind][:2] == (D("0"), D("0"))
        assert prices[kind][2].endswith("(gedekt door garantie/contract)")  # the customer reads Dutch
    assert prices[LineKind.PART][:2] == (D("100.00"), D("100.00"))
    assert totals(invoice) == ("100.00", "21.00", "121.00")


def test_one_draft_per_job(make):
    make.company()
    job = finished_job(make)
    decision = decision_for(job)
    first = drafts.create_draft_for_job(job, decision)
    db.session.commit()
    again = drafts.create_draft_for_job(job, decision)
    db.session.commit()
    assert again.id == first.id
    assert db.session.scalar(select(func.count()).select_from(Invoice)) == 1
    assert len(again.lines) == len(first.lines) == 2


def test_vat_is_rounded_once_per_rate_not_per_line(make):
    make.company(callout_fee=D("0"))
    invoice = drafts.create_draft_for_job(job := finished_job(make, work=[]), decision_for(job))
    for _ in range(3):
        services.add_line(invoice, amounts.LineSpec(LineKind.OTHER, "Sealant", D("1"), "C62", D("0.50"),
                                                     D("21.00")))
    # per line 0.105 -> 0.11, three times 0.33; once per rate 1.50 x 21 % = 0.315 -> 0.32
    assert totals(invoice) == ("1.50", "0.32", "1.82")


def test_belgian_customers_get_a_structured_ogm_reference(make):
    make.company()
    customer = make.customer(address={"street": "Meir 1", "postal_code": "2000", "city": "Antwerpen",
                                      "country": "BE"}, language="nl")
    job = finished_job(make, customer=customer)
    invoice = drafts.create_draft_for_job(job, decision_for(job))
    reference = invoice.payment_reference
    assert reference.startswith("+++") and reference.endswith("+++") and len(reference) == 20
    assert ogm_vcs.is_valid(reference)
    assert ogm_vcs.compact(reference)[:10] == f"{invoice.id:010d}"


def test_other_customers_get_an_rf_creditor_reference(make):
    make.company()
    job = finished_job(make)
    invoice = drafts.create_draft_for_job(job, decision_for(job))
    assert invoice.payment_reference.startswith("RF")
    assert iso11649.is_valid(invoice.payment_reference)
    assert iso11649.compact(invoice.payment_reference).endswith(f"{invoice.id:08d}")


def test_payment_reference_check_digits():
    assert drafts.payment_reference(1, "be") == "+++000/0000/00101+++"
    assert iso11649.is_valid(drafts.payment_reference(539007547034, "NL"))
    assert drafts.payment_reference(539007547034, "NL") == "RF18 5390 0754 7034"


# --- the invoicing settings an admin sets (dispatch.billing.drafts explains how they combine) ---

def lines(invoice: Invoice) -> list[tuple]:
    return [(line.kind, line.quantity, line.unit_price, line.net_amount) for line in invoice.lines]


@pytest.mark.parametrize(("step", "seconds", "hours"), [
    (6, 61 * 60, "1.10"), (30, 61 * 60, "1.50"), (60, 61 * 60, "2.00"), (3, 1, "0.05"), (12, 12 * 60, "0.20"),
])
def test_other_billing_steps(step, seconds, hours):
    assert drafts.billable_hours(seconds, step) == D(hours)


def test_step_applies_to_each_technicians_total_not_each_entry(make):
    make.company(callout_fee=D("0"), billing_step_minutes=30)
    english = make.customer(language="en")  # the line text is in the customer's language
    job = finished_job(make, customer=english, work=[(0, 10), (20, 10), (40, 10)])  # 30 minutes in three entries
    invoice = drafts.create_draft_for_job(job, decision_for(job))
    assert lines(invoice) == [(LineKind.LABOUR, D("0.50"), D("65.00"), D("32.50"))]  # not 3 x 0.5 h
    assert "per started 30 minutes" in invoice.lines[0].description


def test_minimum_per_visit(make):
    make.company(callout_fee=D("0"), minimum_billed_minutes=30)
    short = finished_job(make, work=[(0, 10)])
    long = finished_job(make, customer=make.customer(language="en"), work=[(0, 50)])
    assert lines(drafts.create_draft_for_job(short, decision_for(short))) == [
        (LineKind.LABOUR, D("0.50"), D("65.00"), D("32.50"))]  # 10 minutes billed as the 30-minute minimum
    invoice = drafts.create_draft_for_job(long, decision_for(long))
    assert lines(invoice) == [(LineKind.LABOUR, D("1.00"), D("65.00"), D("65.00"))]  # 50 -> per started 15
    assert "at least 30 minutes per visit" in invoice.lines[0].description


def test_travel_billed_as_time_only(make):
    make.company(travel_billing="time")  # call-out fee 45.00 is not billed
    job = finished_job(make, work=[(0, 60)], travel=[(-30, 30)])
    assert lines(drafts.create_draft_for_job(job, decision_for(job))) == [
        (LineKind.LABOUR, D("1.00"), D("65.00"), D("65.00")), (LineKind.TRAVEL, D("0.50"), D("65.00"), D("32.50"))]


def test_travel_billed_as_the_callout_fee_only(make):
    make.company(travel_billing="callout")
    job = finished_job(make, work=[(0, 60)], travel=[(-30, 30)])
    assert lines(drafts.create_draft_for_job(job, decision_for(job))) == [
        (LineKind.LABOUR, D("1.00"), D("65.00"), D("65.00")), (LineKind.CALLOUT, D("1"), D("45.00"), D("45.00"))]


def test_travel_billed_both_ways(make):
    make.company(travel_billing="both")
    job = finished_job(make, work=[(0, 60)], travel=[(-30, 30)])
    assert [line.kind for line in drafts.create_draft_for_job(job, decision_for(job)).lines] == [
        LineKind.LABOUR, LineKind.TRAVEL, LineKind.CALLOUT]


def test_covered_items_left_out_when_set(make):
    make.company(omit_covered_lines=True)
    valve = make.product(unit_price="100.00")
    job = finished_job(make, work=[(0, 60)], travel=[(-30, 30)], parts=[(valve, "1")])
    decision = decision_for(job, CoverageOutcome.PARTLY_COVERED, labour=True, callout=True)
    invoice = drafts.create_draft_for_job(job, decision)
    assert lines(invoice) == [(LineKind.PART, D("1"), D("100.00"), D("100.00"))]
    assert totals(invoice) == ("100.00", "21.00", "121.00")


def test_job_kind_rate_wins_over_rate_group_and_default(make):
    from dispatch.admin.models import JobKindRate

    make.company(callout_fee=D("0"))
    group = make.rate_group("Senior", "78.50")
    senior = make.user("technician", rate_group_id=group.id)
    db.session.add(JobKindRate(kind="repair", hourly_rate=D("90.00")))
    db.session.commit()
    repair = finished_job(make, technician=senior, work=[(0, 60)])  # the helper's jobs are repairs
    assert lines(drafts.create_draft_for_job(repair, decision_for(repair)))[0][2] == D("90.00")
    db.session.delete(db.session.get(JobKindRate, "repair"))
    db.session.commit()
    other = finished_job(make, technician=senior, work=[(0, 60)], start=next_weekday_at(14))
    assert lines(drafts.create_draft_for_job(other, decision_for(other)))[0][2] == D("78.50")

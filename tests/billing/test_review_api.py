"""/api/v1 billing review: editing draft lines, sending, marking paid, and who may do it."""

from __future__ import annotations

import json as jsonlib
import uuid
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from dispatch.audit import events_for
from dispatch.billing.models import Invoice
from dispatch.extensions import db
from dispatch.integrations.models import WebhookDelivery, WebhookEndpoint
from dispatch.mail import OutboxMail
from tests.billing.helpers import approved, billing_state, draft
from tests.support.mailserver import attaching
from tests.support.tasks import wait_for_tasks

TODAY = datetime.now(ZoneInfo("Europe/Amsterdam")).date()
LINE = {"description": "Pressure relief valve", "quantity": "2", "unit": "C62", "unit_price": "18.50",
        "vat_rate": "21"}


def send(client, method: str, path: str, body=None):
    """A request of any method with a JSON body; a POST with an Idempotency-Key, as the app sends it."""
    headers = {"Idempotency-Key": str(uuid.uuid4())} if method == "post" else None
    return client.open(path, method.upper(), json=body, headers=headers)


ENDPOINTS = [  # in an order that works as one walk: each success leaves what the next one needs
    ("post", "invoices/{draft}/lines", LINE, 201),
    ("patch", "invoices/{draft}/lines/{line}", {"quantity": "3"}, 200),
    ("delete", "invoices/{draft}/lines/{line}", None, 200),
    ("post", "invoices/{approved}/send", None, 200),
    ("post", "invoices/{approved}/paid", {"paid_on": TODAY.isoformat()}, 200),
    ("post", "invoices/{approved}/credit-notes", {"reason": "Wrong valve"}, 201),
    ("get", "credit-notes", None, 200),
    ("get", "credit-notes/{note}", None, 200),
    ("get", "credit-notes/{note}/pdf", None, 200),
    ("post", "credit-notes/{note}/approve", None, 200),
    ("post", "credit-notes/{note}/send", None, 200),
    ("delete", "credit-notes/{other_note}", None, 204),
]


@pytest.mark.parametrize(("role", "status"), [(None, 401), ("agent", 403), ("technician", 404)],
                         ids=["anonymous", "agent", "technician"])
def test_others_are_refused_and_nothing_changes(api, make, role, status):
    objects = _objects(make)
    client = api.as_user(make.user(role)) if role else api
    before = billing_state()
    for method, path, body, _success in ENDPOINTS:
        response = send(client, method, path.format(**objects), body)
        assert response.status_code == status, (path, response.get_data(as_text=True)[:300])
        assert response.mimetype == "application/problem+json"
    assert billing_state() == before


@pytest.mark.parametrize("role", ["billing", "admin"])
def test_billing_staff_and_admins_may(api, make, role):
    objects = _objects(make)
    client = api.as_user(make.user(role))
    for method, path, body, success in ENDPOINTS:
        response = send(client, method, path.format(**objects), body)
        assert response.status_code == success, (path, response.get_data(as_text=True)[:300])


def _objects(make) -> dict[str, int]:
    from dispatch.billing.credit_notes import create_credit_note

    make.company()
    a_draft, an_invoice = draft(make), approved(make)
    note = create_credit_note(approved(make), "Goodwill", None, None)
    other = create_credit_note(approved(make), "Goodwill", None, None)
    db.session.commit()
    return {"draft": a_draft.id, "line": a_draft.lines[0].id, "approved": an_invoice.id, "note": note.id,
            "other_note": other.id}


def test_a_line_is_added_changed_and_removed_with_totals_and_audit(api, make):
    make.company(callout_fee=Decimal(0))
    invoice = draft(make, work=[(0, 60)])  # 1 h x 65.00
    client = api.as_user(make.user("billing"))

    added = send(client, "post", f"invoices/{invoice.id}/lines", LINE)
    assert added.status_code == 201, added.json
    line = added.json["lines"][-1]
    assert {key: line[key] for key in LINE} == {"description": "Pressure relief valve", "quantity": "2.000",
                                                "unit": "C62", "unit_price": "18.5000", "vat_rate": "21.00"}
    assert (line["net_amount"], added.json["net_total"], added.json["gross_total"]) == ("37.00", "102.00", "123.42")

    changed = send(client, "patch", f"invoices/{invoice.id}/lines/{line['id']}", {"quantity": "1.5", "vat_rate": 9})
    assert changed.status_code == 200, changed.json
    assert changed.json["lines"][-1]["net_amount"] == "27.75"
    assert changed.json["vat_breakdown"] == [{"rate": "9.00", "base": "27.75", "amount": "2.50"},
                                             {"rate": "21.00", "base": "65.00", "amount": "13.65"}]
    assert changed.json["gross_total"] == "108.90"

    first = invoice.lines[0].id
    removed = send(client, "delete", f"invoices/{invoice.id}/lines/{first}")
    assert removed.status_code == 200
    assert [(item["position"], item["description"]) for item in removed.json["lines"]] == [
        (1, "Pressure relief valve")]
    assert removed.json["gross_total"] == "30.25"
    db.session.expire_all()
    actions = [event.action for event in events_for(db.session.get(Invoice, invoice.id))]
    assert actions[-3:] == ["invoice.line_added", "invoice.line_changed", "invoice.line_removed"]


@pytest.mark.parametrize(("body", "field", "words"), [
    (LINE | {"quantity": "two"}, "quantity", "Not a valid number."),
    (LINE | {"quantity": "0"}, "quantity", "Enter a number from 0.001"),
    (LINE | {"quantity": "-1"}, "quantity", "Enter a number from 0.001"),
    (LINE | {"quantity": "1.2345"}, "quantity", "at most 3 decimals"),
    (LINE | {"unit_price": "-5"}, "unit_price", "Enter a number from 0"),
    (LINE | {"vat_rate": "121"}, "vat_rate", "from 0 to 100"),
    (LINE | {"unit": "BOX"}, "unit", "Choose one of the units: HUR, C62"),
    (LINE | {"description": "   "}, "description", "Describe what the line bills."),
    ({key: value for key, value in LINE.items() if key != "unit_price"}, "unit_price", "Missing data"),
    (LINE | {"quantity": "NaN"}, "quantity", "not permitted"),
], ids=["text", "zero", "negative", "decimals", "negative-price", "vat-121", "unit", "blank", "missing", "nan"])
def test_bad_line_values_are_422_naming_the_field_and_change_nothing(api, make, body, field, words):
    make.company()
    invoice = draft(make)
    client = api.as_user(make.user("billing"))
    before = billing_state()
    response = send(client, "post", f"invoices/{invoice.id}/lines", body)
    assert response.status_code == 422, response.json
    assert words in " ".join(response.json["errors"][field]), response.json
    assert billing_state() == before
    patched = send(client, "patch", f"invoices/{invoice.id}/lines/{invoice.lines[0].id}", {field: body.get(field, "x")})
    assert patched.status_code == 422 and field in patched.json["errors"]
    assert billing_state() == before


def test_malformed_json_is_400_and_unknown_lines_404(api, make):
    make.company()
    invoice, other = draft(make), draft(make)
    client = api.as_user(make.user("billing"))
    before = billing_state()
    for method, path in (("POST", f"invoices/{invoice.id}/lines"), ("PATCH", f"invoices/{invoice.id}/lines/1"),
                         ("POST", f"invoices/{invoice.id}/paid"), ("POST", f"invoices/{invoice.id}/credit-notes")):
        response = client.open(path, method, data="{not json", headers={"Content-Type": "application/json"})
        assert response.status_code == 400, (path, response.json)
        assert response.mimetype == "application/problem+json"
    foreign_line = f"invoices/{invoice.id}/lines/{other.lines[0].id}"
    assert send(client, "patch", foreign_line, {"quantity": "1"}).status_code == 404
    assert send(client, "delete", foreign_line).status_code == 404
    assert send(client, "post", "invoices/4242/lines", LINE).status_code == 404
    assert billing_state() == before


def test_an_approved_invoice_is_never_edited(api, make):
    make.company()
    invoice = approved(make)
    client = api.as_user(make.user("billing"))
    before = billing_state()
    line = invoice.lines[0].id
    for method, path, body in (("post", f"invoices/{invoice.id}/lines", LINE),
                               ("post", f"invoices/{invoice.id}/lines", {"quantity": "oops"}),
                               ("patch", f"invoices/{invoice.id}/lines/{line}", {"quantity": "9"}),
                               ("delete", f"invoices/{invoice.id}/lines/{line}", None)):
        response = send(client, method, path, body)
        if body == {"quantity": "oops"}:
            assert response.status_code == 422  # the request itself is wrong before its target is looked at
            continue
        assert response.status_code == 409, (method, response.json)
        assert response.json["code"] == "invoice_not_draft"
        assert "credit note" in response.json["detail"]
    assert billing_state() == before


def test_send_queues_the_pdf_and_xml_to_the_customer_in_their_language(api, make, mail_server):
    make.company()
    customer = make.customer(language="nl", email="klant@example.nl")
    invoice = approved(make, customer=customer)
    client = api.as_user(make.user("billing"))

    response = send(client, "post", f"invoices/{invoice.id}/send")
    assert response.status_code == 200, response.json
    assert response.json["status"] == "sent" and response.json["sent_at"]
    wait_for_tasks()
    [message] = attaching(mail_server.wait_for(2), invoice.number)
    assert message["To"] == "klant@example.nl"
    assert message["Subject"].startswith(f"Factuur {invoice.number}") or invoice.number in message["Subject"]
    body = message.get_body(("plain",)).get_content()
    amount = f"{invoice.gross_total:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")
    assert amount in body, body  # Dutch number format: the mail is written in the customer's language
    assert invoice.payment_reference in body
    files = {part.get_filename(): part.get_content_type() for part in message.iter_attachments()}
    assert files == {f"{invoice.number}.pdf": "application/pdf", f"{invoice.number}.xml": "application/xml"}
    pdf, xml = sorted(message.iter_attachments(), key=lambda part: part.get_filename().endswith(".xml"))
    assert pdf.get_content().startswith(b"%PDF")
    assert invoice.number.encode() in xml.get_content() and b"<Invoice" in xml.get_content()

    db.session.expire_all()
    first_sent = db.session.get(Invoice, invoice.id).sent_at
    assert first_sent is not None
    again = send(client, "post", f"invoices/{invoice.id}/send")
    assert again.status_code == 200 and again.json["status"] == "sent"
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(OutboxMail).where(
        OutboxMail.related_type == Invoice.__tablename__)) == 2
    assert [event.action for event in events_for(invoice)][-2:] == ["invoice.sent", "invoice.sent"]


def test_sending_without_an_e_mail_address_or_a_draft_is_refused(api, make):
    make.company()
    invoice = approved(make, customer=make.customer(email=None))
    a_draft = draft(make)
    client = api.as_user(make.user("billing"))
    before = billing_state()
    refused = send(client, "post", f"invoices/{invoice.id}/send")
    assert refused.status_code == 422
    assert "no e-mail address" in refused.json["errors"]["email"][0]
    assert send(client, "post", f"invoices/{a_draft.id}/send").status_code == 409
    assert billing_state() == before


def test_mark_paid_records_the_day_audits_and_emits_the_webhook(api, make):
    make.company()
    db.session.add(WebhookEndpoint(url="http://127.0.0.1:9/hook", events=["invoice.paid"], secret_salt="s"))
    db.session.commit()
    invoice = approved(make)
    client = api.as_user(make.user("billing"))
    response = send(client, "post", f"invoices/{invoice.id}/paid", {"paid_on": TODAY.isoformat()})
    assert response.status_code == 200, response.json
    assert (response.json["status"], response.json["paid_on"]) == ("paid", TODAY.isoformat())
    db.session.expire_all()
    assert events_for(invoice)[-1].action == "invoice.paid"
    [delivery] = db.session.scalars(select(WebhookDelivery)).all()
    assert delivery.event_type == "invoice.paid" and delivery.payload["data"]["number"] == invoice.number
    # sending a paid invoice again is a resend: it stays paid
    assert send(client, "post", f"invoices/{invoice.id}/send").json["status"] == "paid"
    before = billing_state()
    again = send(client, "post", f"invoices/{invoice.id}/paid", {"paid_on": TODAY.isoformat()})
    assert again.status_code == 409 and again.json["code"] == "already_paid"
    assert billing_state() == before


@pytest.mark.parametrize(("paid_on", "status", "words"), [
    (TODAY + timedelta(days=1), 422, "cannot be in the future"),
    (TODAY - timedelta(days=1), 422, "cannot be before the invoice date"),
    ("yesterday", 422, "Not a valid date."),
    (None, 422, "Field may not be null."),
], ids=["future", "before-issue", "not-a-date", "null"])
def test_bad_payment_dates_are_422_on_paid_on(api, make, paid_on, status, words):
    make.company()
    invoice = approved(make)
    before = billing_state()
    value = paid_on.isoformat() if isinstance(paid_on, date) else paid_on
    response = send(api.as_user(make.user("billing")), "post", f"invoices/{invoice.id}/paid", {"paid_on": value})
    assert response.status_code == status
    assert words in response.json["errors"]["paid_on"][0], response.json
    assert billing_state() == before


def test_a_draft_cannot_be_marked_paid(api, make):
    make.company()
    invoice = draft(make)
    before = billing_state()
    response = send(api.as_user(make.user("billing")), "post", f"invoices/{invoice.id}/paid",
                    {"paid_on": TODAY.isoformat()})
    assert response.status_code == 409 and response.json["code"] == "invoice_not_approved"
    assert billing_state() == before


def test_openapi_documents_the_review_endpoints(client):
    spec = jsonlib.loads(client.get("/api/v1/openapi.json").data)
    for path in ("/api/v1/invoices/{invoice_id}/lines", "/api/v1/invoices/{invoice_id}/lines/{line_id}",
                 "/api/v1/invoices/{invoice_id}/send", "/api/v1/invoices/{invoice_id}/paid",
                 "/api/v1/invoices/{invoice_id}/credit-notes", "/api/v1/credit-notes/{credit_note_id}/approve"):
        assert path in spec["paths"], path

"""The whole path of issue 2 through /api/v1: a call becomes a job, a signed receipt, a decision and an invoice."""

from datetime import date, timedelta
from decimal import Decimal
from io import BytesIO

from PIL import Image

from dispatch.dbtypes import utcnow
from tests.field.support import data_url, photo_jpeg, signature_png, stroke_points
from tests.support.factories import next_weekday_at
from tests.support.mailserver import attaching
from tests.support.pdf import pdf_text
from tests.support.tasks import wait_for_tasks
from tests.support.uploads import multipart


def test_call_to_approved_invoice(api, make, mail_server):
    make.company()  # Warmte & Co B.V.: EUR 65.00 an hour, EUR 45.00 call-out, 21 % VAT, valid IBAN
    make.product(sku="VALVE-22", name="Three-way valve 22 mm", unit_price="12.50", vat_rate="21.00")
    technician = make.user("technician", name="Sanne de Vries", skills=["boiler"])
    agent = api.as_user(make.user("agent"))
    billing = api.as_user(make.user("billing"))
    field = api.as_user(technician)

    # The desk agent logs the customer's call: customer, asset out of warranty, ticket, job.
    customer = agent.post("customers", {
        "name": "Brouwerij Het Anker", "email": "facturen@hetanker.example", "vat_number": "BE0403019261",
        "language": "nl", "address": {"street": "Guido Gezellelaan 49", "postal_code": "2800",
                                      "city": "Mechelen", "country": "BE"},
        "latitude": 51.03, "longitude": 4.47}).json
    asset = agent.post(f"customers/{customer['id']}/assets", {
        "product": "Boiler HR-30", "serial_number": "HR30-0042", "purchased_on": str(date.today().replace(year=2019)),
        "warranty_months": 24}).json
    ticket = agent.post("tickets", {"customer_id": customer["id"], "subject": "Boiler loses pressure",
                                    "description": "Pressure drops to 0.5 bar overnight.", "priority": "high",
                                    "channel": "phone", "asset_id": asset["id"]}).json
    assert ticket["reference"].startswith("T-") and ticket["due_at"]
    job = agent.post(f"tickets/{ticket['id']}/jobs", {"kind": "repair", "duration_minutes": 90,
                                                      "required_skills": ["boiler"]}).json
    start = next_weekday_at(9)
    [suggestion] = agent.get(f"jobs/{job['id']}/suggestions", query_string={"start": start.isoformat()}).json
    assert suggestion["technician_id"] == technician.id
    scheduled = agent.post(f"jobs/{job['id']}/schedule", {
        "technician_id": technician.id, "start": start.isoformat(),
        "end": (start + timedelta(minutes=90)).isoformat()})
    assert scheduled.status_code == 200
    clash = agent.post(f"jobs/{make.job(make.ticket()).id}/schedule", {
        "technician_id": technician.id, "start": start.isoformat(), "end": (start + timedelta(hours=1)).isoformat()})
    assert clash.status_code == 409 and job["number"] in clash.json["detail"]

    # The technician works the job on the phone.
    agenda = field.get("me/jobs", query_string={"from": str(date.today()),
                                                "to": str(date.today() + timedelta(days=10))}).json
    [mine] = [item for item in agenda["items"] if item["id"] == job["id"]]
    assert mine["ticket"]["description"].startswith("Pressure drops")
    for status in ("en_route", "on_site"):
        assert field.post(f"jobs/{job['id']}/status", {"status": status}).status_code == 200
    now = utcnow()
    assert field.post(f"jobs/{job['id']}/time-entries", {
        "kind": "work", "started_at": (now - timedelta(minutes=95)).isoformat(),
        "ended_at": (now - timedelta(minutes=5)).isoformat(), "note": "Replaced valve"}).status_code == 201
    assert field.post(f"jobs/{job['id']}/parts", {"sku": "VALVE-22", "quantity": "2"}).status_code == 201
    photo = field.post(f"jobs/{job['id']}/photos", idempotency_key=None, **multipart({
        "file": (photo_jpeg((1600, 1200), orientation=6, gps=True), "valve.jpg"), "caption": "Old valve"}))
    assert photo.status_code == 201, photo.json
    signed = field.post(f"jobs/{job['id']}/signature", {"signer_name": "Jan Peeters",
                                                        "image": data_url(signature_png()),
                                                        "strokes": stroke_points()})
    assert signed.status_code == 201 and len(signed.json["signed_content_hash"]) == 64
    done = field.post(f"jobs/{job['id']}/complete", {"summary": "Replaced the three-way valve; pressure holds."})
    assert done.status_code == 200 and done.json["status"] in ("completed", "closed")

    # Closure runs in the background: receipt, coverage decision, draft invoice, job closed.
    wait_for_tasks()
    closed = agent.get(f"jobs/{job['id']}").json
    assert closed["status"] == "closed"
    assert closed["coverage"]["outcome"] == "chargeable" and closed["coverage"]["reasons"]
    assert closed["invoice_id"]
    processed = field.get(f"photos/{photo.json['id']}")
    image = Image.open(BytesIO(processed.data))
    assert image.size == (1200, 1600) and not image.getexif().get_ifd(0x8825)
    receipt = agent.get(f"jobs/{job['id']}/receipt.pdf")
    assert receipt.status_code == 200 and signed.json["signed_content_hash"] in pdf_text(receipt.data)
    [mail] = [message for message in attaching(mail_server.wait_for(2), "receipt-")
              if message["To"] == "facturen@hetanker.example"]
    assert any(part.get_content_type() == "application/pdf" for part in mail.iter_attachments())

    # Billing reviews the draft and approves it: a gapless number, totals in Decimal.
    drafts = billing.get("invoices", query_string={"status": "draft"}).json["items"]
    assert [invoice["id"] for invoice in drafts] == [closed["invoice_id"]]
    invoice = billing.get(f"invoices/{closed['invoice_id']}").json
    assert invoice["job_ids"] == [job["id"]] and invoice["currency"] == "EUR"
    net = {line["description"].split(" ")[0]: Decimal(line["net_amount"]) for line in invoice["lines"]}
    assert sum(net.values()) == Decimal(invoice["net_total"])
    assert Decimal("97.50") in net.values()  # 90 minutes of work at EUR 65.00
    assert Decimal("25.00") in net.values()  # two valves at EUR 12.50
    assert Decimal("45.00") in net.values()  # call-out
    assert Decimal(invoice["net_total"]) == Decimal("167.50")
    assert Decimal(invoice["vat_total"]) == Decimal("35.18")
    assert Decimal(invoice["gross_total"]) == Decimal("202.68")
    assert invoice["payment_reference"].startswith("+++")  # a Belgian structured reference
    approved = billing.post(f"invoices/{invoice['id']}/approve", {})
    assert approved.status_code == 200 and approved.json["status"] == "approved"
    assert approved.json["number"].endswith("-000001")
    assert billing.post(f"invoices/{invoice['id']}/approve", {}).status_code == 409
    pdf = billing.get(f"invoices/{invoice['id']}/pdf")
    assert approved.json["number"] in pdf_text(pdf.data)

"""The signed delivery receipt PDF: the signature, a checkable hash of what was signed, the company and its logo."""

from __future__ import annotations

import hashlib
import json

from sqlalchemy import select

from dispatch.closure import services as closure
from dispatch.extensions import db
from dispatch.field import services as field
from dispatch.field.models import Signature
from dispatch.scheduling.models import Job
from dispatch.storage import storage
from tests.closure.helpers import signed_job
from tests.support.pdf import assert_fonts_embedded, image_sizes, pdf_text, png
from tests.support.tasks import wait_for_tasks


def receipt_pdf(job: Job) -> tuple[bytes, Signature]:
    wait_for_tasks()
    db.session.expire_all()
    receipt = closure.receipt_for(job.id)
    assert receipt is not None
    signature = db.session.scalar(select(Signature).where(Signature.job_id == job.id))
    return storage().read(receipt.pdf_key), signature


def test_receipt_shows_signature_logo_company_and_the_hash_of_what_was_signed(make):
    make.company(logo_key=storage().put(png(300, 100), prefix="logos", suffix=".png"))
    customer = make.customer(name="Jansen Installaties", language="en")
    job = signed_job(make, customer=customer)
    pdf, signature = receipt_pdf(job)

    text = pdf_text(pdf)
    # anyone can recompute the printed hash from the signed content, as the receipt explains
    content = field.receipt_content(db.session.get(Job, job.id))
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert signature.signed_content_hash == hashlib.sha256(canonical.encode()).hexdigest()
    for expected in (f"Content hash (SHA-256): {signature.signed_content_hash}", "Signed by Jan de Vries",
                     "Warmte & Co B.V.", "Keizersgracht 1", "VAT number: NL004495445B01",
                     "Registration no. 12345678", "billing@example.com", "Jansen Installaties", job.number):
        assert expected in text, expected
    assert "no longer matches" not in text
    # the customer's signature (400 x 150, as signature_pad sent it) and the company logo
    assert sorted(image_sizes(pdf)) == [(300, 100), (400, 150)]
    assert_fonts_embedded(pdf)


def test_receipt_without_logo_in_the_customers_language(make):
    make.company()
    job = signed_job(make, customer=make.customer(language="de"))
    pdf, signature = receipt_pdf(job)
    text = pdf_text(pdf)
    assert f"Arbeitsnachweis {job.number}" in text
    assert signature.signed_content_hash in text
    assert image_sizes(pdf) == [(400, 150)]  # the signature only
    assert_fonts_embedded(pdf)

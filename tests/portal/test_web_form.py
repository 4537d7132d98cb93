"""The public web form: a ticket on channel web for a found or new customer, files checked by content, and
bots kept out (honeypot, minimum fill time, rate limit, CSRF)."""

from __future__ import annotations

from sqlalchemy import select

from dispatch.audit import events_for
from dispatch.customers.models import Contact, Customer
from dispatch.desk.models import Ticket, TicketAttachment
from dispatch.extensions import db
from dispatch.mail import OutboxMail
from tests.portal.conftest import PDF, jpeg, reference_in
from tests.support.queries import count
from tests.views.helpers import text_of


def _rows() -> tuple[int, int, int]:
    return count(Ticket), count(Customer), count(TicketAttachment)


def test_a_new_customer_sends_the_form_with_files_and_sees_the_reference(client, web_form):
    response = web_form.send([(jpeg(), "boiler.jpg"), (PDF, "manual.pdf")], path="/support?lang=de")
    assert response.status_code == 303
    thanks = client.get(response.headers["Location"])
    reference = reference_in(thanks.get_data(as_text=True))
    assert "So geht es weiter" in text_of(thanks)  # "What happens next", in the German the form was sent in
    ticket = db.session.scalar(select(Ticket).where(Ticket.reference == reference))
    assert (ticket.channel.value, ticket.subject, ticket.category) == ("web", "Boiler shows E10", "heating")
    assert (ticket.email, ticket.phone) == ("anna@example.nl", "06-1234 5678")
    customer = ticket.customer
    assert (customer.name, customer.is_company, customer.language) == ("Anna de Boer", False, "de")
    assert (customer.street, customer.postal_code, customer.country) == ("Oudegracht 12", "3511 AB", "NL")
    files = db.session.scalars(select(TicketAttachment).where(TicketAttachment.ticket_id == ticket.id)
                               .order_by(TicketAttachment.id)).all()
    assert [(file.filename, file.content_type) for file in files] == [
        ("boiler.jpg", "image/jpeg"), ("manual.pdf", "application/pdf")]
    assert all(file.message_id is not None for file in files)
    assert "ticket.customer_files_added" in [event.action for event in events_for(ticket)]
    # The thank-you page lets the customer follow the ticket at once.
    assert reference in text_of(client.get("/support/ticket"))


def test_a_known_customer_is_found_by_email_and_their_asset_by_serial(web_form, make):
    customer = make.customer(name="Anna de Boer", email="Anna@Example.nl")
    asset = make.asset(customer, serial_number="SN-4711")
    before = count(Customer)
    response = web_form.send(email="anna@example.nl", product="Remeha Tzerra", serial_number="SN-4711")
    assert response.status_code == 303
    ticket = db.session.scalar(select(Ticket).order_by(Ticket.id.desc()).limit(1))
    assert (ticket.customer_id, ticket.asset_id) == (customer.id, asset.id)
    assert count(Customer) == before
    assert "Remeha Tzerra, serial SN-4711" in ticket.description



def test_a_known_contact_person_writes_for_their_company(web_form, make):
    company = make.customer(name="Bakker Installaties BV", is_company=True, email="info@bakker.example")
    contact = make.contact(company, name="Piet Bakker", email="Piet@Bakker.example")
    before = (count(Customer), count(Contact))
    assert web_form.send(email="piet@bakker.example", name="Piet Bakker").status_code == 303
    ticket = db.session.scalar(select(Ticket).order_by(Ticket.id.desc()).limit(1))
    assert (ticket.customer_id, ticket.contact_id) == (company.id, contact.id)
    assert (count(Customer), count(Contact)) == before

def test_a_company_is_created_with_the_writer_as_contact_person(web_form):
    assert web_form.send(company="Bakker Installaties BV", name="Piet Bakker").status_code == 303
    ticket = db.session.scalar(select(Ticket).order_by(Ticket.id.desc()).limit(1))
    assert (ticket.customer.name, ticket.customer.is_company) == ("Bakker Installaties BV", True)
    contact = db.session.get(Contact, ticket.contact_id)
    assert (contact.name, contact.email, contact.customer_id) == ("Piet Bakker", "anna@example.nl", ticket.customer_id)


def test_missing_and_malformed_answers_are_named_and_nothing_is_kept(web_form):
    before = _rows()
    response = web_form.send(name="", email="not-an-address", postal_code="12345", country="NL",
                             subject="", country_extra="x")
    assert response.status_code == 422
    page = text_of(response)
    for expected in ("Your name: This field is required.", "E-mail address: Not a valid e-mail address.",
                     "Postcode: Not a valid postcode for this country.", "What is it about?: This field is required."):
        assert expected in page, expected
    assert web_form.send(country="FR").status_code == 422  # only NL, BE and DE
    assert _rows() == before


def test_files_too_big_of_the_wrong_type_empty_or_too_many_are_refused_with_a_message(web_form):
    before = _rows()
    cases = [
        ([(b"%PDF-1.4\n" + b"0" * (20 * 1024 * 1024), "huge.pdf")], 413, "huge.pdf is larger than 20 MB."),
        ([(b"MZ\x90\x00 not a picture", "photo.jpg")], 415, "photo.jpg is not an image or a PDF."),
        ([(b"<html><script>alert(1)</script></html>", "page.pdf")], 415, "page.pdf is not an image or a PDF."),
        ([(b"", "empty.png")], 422, "empty.png is empty."),
        ([(PDF, f"file{n}.pdf") for n in range(6)], 422, "At most 5 files."),
    ]
    for files, status, message in cases:
        response = web_form.send(files)
        assert response.status_code == status, message
        assert message in text_of(response)
    assert _rows() == before


def test_files_together_above_the_app_wide_upload_limit_are_accepted(web_form):
    """Five files of 20 MB are allowed on the portal, more than the back office's 25 MB per request."""
    big = b"%PDF-1.4\n" + b"0" * (15 * 1024 * 1024)
    assert web_form.send([(big, "a.pdf"), (big, "b.pdf")]).status_code == 303
    assert count(TicketAttachment) == 2


def test_the_honeypot_thanks_the_bot_and_keeps_nothing(web_form):
    before = _rows()
    response = web_form.send(website="http://spam.example")
    assert response.status_code == 200
    assert "Thank you" in text_of(response) and "Your reference" not in text_of(response)
    assert _rows() == before


def test_a_form_sent_back_too_quickly_or_with_a_forged_start_is_shown_again(app, web_form):
    before = _rows()
    app.config["PORTAL_MIN_FILL_SECONDS"] = 60
    response = web_form.send()
    assert response.status_code == 422 and "That was very quick" in text_of(response)
    app.config["PORTAL_MIN_FILL_SECONDS"] = 0
    response = web_form.send(started="forged.0.signature")
    assert response.status_code == 422 and "That was very quick" in text_of(response)
    assert _rows() == before


def test_without_csrf_token_nothing_is_kept(client, web_form):
    before = _rows()
    data = web_form.fields()
    data.pop("csrf_token")
    assert client.post("/support", data=data).status_code == 400
    assert _rows() == before


def test_submissions_are_rate_limited_per_address(app, web_form):
    app.config["PORTAL_FORM_RATE_LIMIT"] = "2 per minute"
    assert [web_form.send().status_code for _ in range(3)] == [303, 303, 429]
    assert count(Ticket) == 2


def test_the_form_speaks_the_customers_language_and_has_a_strict_policy(client):
    german = client.get("/support", headers={"Accept-Language": "de-DE,de;q=0.9"})
    assert '<html lang="de">' in german.get_data(as_text=True)
    dutch = client.get("/support?lang=nl", headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert '<html lang="nl">' in dutch and 'hreflang="en"' in dutch
    assert "Maximaal 5 foto's (JPEG, PNG, WebP, GIF, HEIC) of PDF-bestanden, elk 20 MB." in dutch
    assert 'data-too-big="groter dan 20 MB"' in dutch  # the limits come from the upload rules, in words
    policy = german.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    body = german.get_data(as_text=True)
    assert "<script>" not in body and " onclick=" not in body and "style=" not in body
    assert 'name="website"' in body and 'tabindex="-1"' in body  # the honeypot, out of people's way
    assert '/api/v1/knowledge/suggestions' in body  # the suggestions' endpoint for portal-form.js


def test_user_text_is_escaped_on_the_thank_you_and_ticket_pages(client, web_form):
    web_form.send(subject="<script>alert(1)</script>", description="<img src=x onerror=alert(2)>")
    body = client.get("/support/ticket").get_data(as_text=True)
    assert "<script>alert(1)" not in body and "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "<img src=x" not in body


def test_an_oversized_body_is_a_413_page_not_a_500(app, client):
    response = client.post("/support", data=b"--x--", content_type="multipart/form-data; boundary=x",
                           environ_overrides={"CONTENT_LENGTH": str(200 * 1024 * 1024)})
    assert response.status_code == 413
    assert "Too large" in text_of(response) and "at most 5 files of 20 MB each" in text_of(response)


def test_the_acknowledgement_carries_a_link_that_opens_the_ticket(app, client, web_form):
    assert web_form.send().status_code == 303
    ticket = db.session.scalar(select(Ticket).order_by(Ticket.id.desc()).limit(1))
    mail = db.session.scalar(select(OutboxMail).where(OutboxMail.to_address == "anna@example.nl"))
    base = app.config["PUBLIC_BASE_URL"].rstrip("/")
    link = next(word for word in mail.body_text.split() if word.startswith(f"{base}/support/t/"))
    fresh = app.test_client()  # another device: only the link
    assert fresh.get(link.removeprefix(base)).status_code == 303
    assert ticket.reference in text_of(fresh.get("/support/ticket"))

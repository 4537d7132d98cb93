"""Following one's ticket: by reference and e-mail or a signed link, seeing only that ticket (never notes, never
another's documents), writing on it with files, and the visit in local time with the technician's first name."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from dispatch.auth.models import User
from dispatch.billing.services import approve_invoice
from dispatch.desk import services as desk
from dispatch.desk.models import TicketAttachment, TicketMessage
from dispatch.enums import MessageKind
from dispatch.extensions import db
from dispatch.portal import services
from tests.portal.conftest import PDF, body, jpeg
from tests.support.csrf import csrf_token_from
from tests.support.factories import next_weekday_at
from tests.support.pages import draft_invoice
from tests.support.queries import count, recorded_statements
from tests.views.helpers import text_of

REFUSAL = "We could not find a ticket with this reference and e-mail address."


def _follow(client, reference: str, email: str):
    token = csrf_token_from(client.get("/support/follow"))
    return client.post("/support/follow", data={"csrf_token": token, "reference": reference, "email": email})


def _open(client, ticket) -> None:
    """Follow the signed link of ``ticket``, as from the acknowledgement mail."""
    link = services.signed_link(ticket)
    assert client.get(link[link.index("/support/t/"):]).status_code == 303


@pytest.fixture
def ticket(make):
    customer = make.customer(name="Anna de Boer", email="anna@example.nl")
    return make.ticket(customer, subject="Radiator cold", description="The bedroom radiator stays cold.")


def test_reference_and_email_open_the_ticket_with_status_in_words_and_without_notes(client, ticket):
    desk.add_message(ticket, MessageKind.REPLY, "We will send a technician.", sender=None)
    desk.add_message(ticket, MessageKind.NOTE, "Customer was rude on the phone; internal only.")
    db.session.commit()
    response = _follow(client, ticket.reference.lower(), " Anna@Example.nl ")
    assert response.status_code == 303 and response.headers["Location"].endswith("/support/ticket?lang=en")
    page = text_of(client.get("/support/ticket"))
    for expected in (ticket.reference, "Radiator cold", "Received: we will look at it soon",
                     "The bedroom radiator stays cold.", "We will send a technician."):
        assert expected in page, expected
    assert "internal only" not in page


def test_wrong_email_and_unknown_reference_get_the_same_answer(client, ticket, make):
    other = make.customer(email="someone@example.org")
    wrong_email = _follow(client, ticket.reference, other.email)
    no_ticket = _follow(client, "T-2026-999999", "anna@example.nl")
    assert wrong_email.status_code == no_ticket.status_code == 404
    assert REFUSAL in text_of(wrong_email) and REFUSAL in text_of(no_ticket)
    assert text_of(wrong_email) == text_of(no_ticket)
    assert client.get("/support/ticket").status_code == 404  # nothing opened


def test_strangers_reach_nothing_without_the_session(client, ticket, make):
    receipt = make.delivery_receipt(make.job(ticket))
    for path in ("/support/ticket", f"/support/ticket/receipts/{receipt.id}.pdf", "/support/ticket/files/1"):
        assert client.get(path).status_code == 404, path
    token = csrf_token_from(client.get("/support/follow"))
    before = count(TicketMessage)
    assert client.post("/support/ticket/messages", data={"csrf_token": token, "body": "hi"}).status_code == 404
    assert count(TicketMessage) == before


def test_the_signed_link_opens_the_ticket_and_tampering_or_a_new_customer_revokes_it(app, client, ticket, make):
    link = services.signed_link(ticket)
    assert link.startswith(app.config["PUBLIC_BASE_URL"].rstrip("/") + "/support/t/")
    path = link.removeprefix(app.config["PUBLIC_BASE_URL"].rstrip("/"))
    assert client.get(path).status_code == 303
    assert ticket.reference in text_of(client.get("/support/ticket"))
    client.post("/support/leave", data={"csrf_token": csrf_token_from(client.get("/support/follow"))})
    assert client.get("/support/ticket").status_code == 404
    assert client.get(path[:-3] + ("abc" if not path.endswith("abc") else "xyz")).status_code == 404
    assert client.get("/support/t/not-a-token").status_code == 404
    ticket.customer_id = make.customer().id  # moved to another customer: the old link dies
    db.session.commit()
    assert client.get(path).status_code == 404


def test_the_session_reaches_only_this_tickets_documents(client, ticket, make):
    own_job = make.job(ticket)
    own_receipt = make.delivery_receipt(own_job)
    others = make.ticket(subject="Someone else's")
    other_receipt = make.delivery_receipt(make.job(others))
    issued = draft_invoice(make)  # another customer's job and invoice
    approve_invoice(issued, None)
    db.session.commit()
    _open(client, ticket)
    own = client.get(f"/support/ticket/receipts/{own_receipt.id}.pdf")
    assert own.status_code == 200 and own.data.startswith(b"%PDF") and own.mimetype == "application/pdf"
    assert own.headers["Cache-Control"] == "private, no-store"
    for path in (f"/support/ticket/receipts/{other_receipt.id}.pdf", f"/support/ticket/invoices/{issued.id}.pdf"):
        assert client.get(path).status_code == 404, path
    assert others.reference not in text_of(client.get("/support/ticket"))


def test_only_issued_invoices_of_the_tickets_jobs_are_offered(client, make):
    draft = draft_invoice(make)
    ticket = draft.jobs[0].ticket
    _open(client, ticket)
    assert client.get(f"/support/ticket/invoices/{draft.id}.pdf").status_code == 404  # a draft is not sent
    approve_invoice(draft, None)
    db.session.commit()
    assert f"Invoice {draft.number} (PDF)" in text_of(client.get("/support/ticket"))
    response = client.get(f"/support/ticket/invoices/{draft.id}.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")


def test_a_message_with_a_photo_reopens_a_closed_ticket_and_is_escaped(client, ticket):
    desk.change_status(ticket, "closed", None)
    db.session.commit()
    _open(client, ticket)
    token = csrf_token_from(client.get("/support/ticket"))
    response = client.post("/support/ticket/messages", **body(
        {"csrf_token": token, "body": "Still cold <script>alert(1)</script>"}, [(jpeg(), "radiator.jpg")]))
    assert response.status_code == 303
    db.session.refresh(ticket)
    assert (ticket.status.key, ticket.reopened_count) == ("open", 1)
    message = db.session.scalars(select(TicketMessage).where(TicketMessage.ticket_id == ticket.id)
                                 .order_by(TicketMessage.id.desc())).first()
    assert (message.kind, message.channel.value, message.sender) == (MessageKind.CUSTOMER, "portal", "anna@example.nl")
    file = db.session.scalar(select(TicketAttachment).where(TicketAttachment.message_id == message.id))
    assert file.content_type == "image/jpeg"
    page = client.get("/support/ticket").get_data(as_text=True)
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    download = client.get(f"/support/ticket/files/{file.id}")
    assert download.status_code == 200 and "attachment" in download.headers["Content-Disposition"]


def test_files_on_internal_notes_and_other_tickets_stay_hidden(client, ticket, make):
    note = desk.add_message(ticket, MessageKind.NOTE, "Photo of the meter, internal.")
    others = make.ticket()
    foreign = TicketAttachment(ticket_id=others.id, message_id=desk.messages_of(others)[0].id, filename="x.pdf",
                               content_type="application/pdf", size=len(PDF), storage_key="ticket-attachments/x")
    internal = TicketAttachment(ticket_id=ticket.id, message_id=note.id, filename="meter.pdf",
                                content_type="application/pdf", size=len(PDF), storage_key="ticket-attachments/y")
    db.session.add_all([foreign, internal])
    db.session.commit()
    _open(client, ticket)
    assert "meter.pdf" not in text_of(client.get("/support/ticket"))
    for attachment in (foreign, internal):
        assert client.get(f"/support/ticket/files/{attachment.id}").status_code == 404


def test_message_uploads_follow_the_same_rules(client, ticket):
    _open(client, ticket)
    token = csrf_token_from(client.get("/support/ticket"))
    before = (count(TicketMessage), count(TicketAttachment))
    for files, status in (([(b"MZ\x90\x00", "virus.pdf")], 415), ([(b"", "empty.jpg")], 422),
                          ([(PDF, f"{n}.pdf") for n in range(6)], 422), ([], 422)):
        response = client.post("/support/ticket/messages", **body({"csrf_token": token, "body": ""}, files))
        assert response.status_code == status, files[:1]
    assert (count(TicketMessage), count(TicketAttachment)) == before


def test_the_visit_shows_local_time_window_and_only_the_technicians_first_name(client, ticket, make):
    technician = make.user("technician", name="Sven van der Berg")
    start = next_weekday_at(9)
    make.scheduled_job(technician, ticket, start=start)
    _open(client, ticket)
    page = text_of(client.get("/support/ticket"))
    assert "Planned" in page and "Technician: Sven" in page and "van der Berg" not in page
    assert "09:00" in page  # 09:00 in Amsterdam (stored as 08:00 or 07:00 UTC)


def test_lookups_are_rate_limited(app, client, ticket):
    app.config["PORTAL_LOGIN_RATE_LIMIT"] = "2 per minute"
    answers = [_follow(client, ticket.reference, "wrong@example.nl").status_code for _ in range(3)]
    assert answers == [404, 404, 429]
    # The limit is per client address, not per ticket: the right answer has to wait as well.
    assert _follow(client, ticket.reference, "anna@example.nl").status_code == 429


def test_the_ticket_page_costs_the_same_queries_for_one_and_six_messages_visits_and_files(client, make):
    technician_id = make.user("technician", name="Sven Berg").id
    counts = {}
    for number in (1, 6):
        technician = db.session.get(User, technician_id)  # the previous round's rows were let go
        ticket = make.ticket()
        for n in range(number):
            message = desk.add_message(ticket, MessageKind.REPLY, f"Reply {n}")
            db.session.add(TicketAttachment(ticket_id=ticket.id, message_id=message.id, filename=f"{n}.pdf",
                                            content_type="application/pdf", size=1, storage_key=f"k/{n}"))
            db.session.commit()
            start = next_weekday_at(8 + n, days_ahead=number)
            make.delivery_receipt(make.scheduled_job(technician, ticket, start=start))
        _open(client, ticket)
        db.session.expunge_all()
        with recorded_statements() as statements:
            assert client.get("/support/ticket").status_code == 200
        counts[number] = len(statements)
    assert counts[1] == counts[6], counts


def test_only_the_posts_with_files_take_more_than_the_app_wide_limit(client):
    """Finding a ticket or leaving carries no files: a body above the back office's 25 MB is refused there."""
    for path in ("/support/follow", "/support/leave"):
        response = client.post(path, data=b"--x--", content_type="multipart/form-data; boundary=x",
                               environ_overrides={"CONTENT_LENGTH": str(30 * 1024 * 1024)})
        assert response.status_code == 413, path
    response = client.post("/support/ticket/messages", data=b"--x--", content_type="multipart/form-data; boundary=x",
                           environ_overrides={"CONTENT_LENGTH": str(30 * 1024 * 1024)})
    assert response.status_code == 400  # within the portal's limit: read, then refused for its missing CSRF token

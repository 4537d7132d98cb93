"""Every billing page, GET and POST, per role (refusals change nothing), and the state conflicts of its forms."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from dispatch.billing.credit_notes import approve_credit_note, create_credit_note
from dispatch.billing.models import CreditNote, Invoice
from dispatch.enums import InvoiceStatus
from dispatch.extensions import db
from tests.billing.helpers import approve, billing_state
from tests.support.csrf import csrf_token_from
from tests.support.pages import draft_invoice

TODAY = datetime.now(ZoneInfo("Europe/Amsterdam")).date()


def objects(make) -> dict[str, int]:
    """A draft with a line, an approved invoice, and a draft credit note of another approved invoice."""
    a_draft, an_invoice = draft_invoice(make), approve(draft_invoice(make))
    note = create_credit_note(approve(draft_invoice(make)), "Goodwill", None, None)
    db.session.commit()
    return {"draft": a_draft.id, "line": a_draft.lines[0].id, "approved": an_invoice.id,
            "approved_line": an_invoice.lines[0].id, "note": note.id}


def filled(data: dict[str, str], ids: dict[str, int]) -> dict[str, str]:
    return {name.format(**ids): value.format(**ids) for name, value in data.items()}


GETS = ["/invoices", "/invoices/{draft}", "/invoices/{draft}/lines/new", "/invoices/{draft}/lines/{line}",
        "/invoices/{approved}/credit-notes/new", "/credit-notes", "/credit-notes/{note}"]
POSTS = [  # in an order that works as one walk for a role that may: each leaves what the next one needs
    ("/invoices/{draft}/lines/new", {"description": "Valve", "quantity": "1", "unit": "C62", "unit_price": "5",
                                     "vat_rate": "21"}),
    ("/invoices/{draft}/lines/{line}", {"description": "Valve", "quantity": "2", "unit": "C62",
                                        "unit_price": "5", "vat_rate": "21"}),
    ("/invoices/{draft}/lines/{line}/remove", {}),
    ("/invoices/{draft}/approve", {}),
    ("/invoices/{approved}/send", {}),
    ("/invoices/{approved}/paid", {"paid_on": TODAY.isoformat()}),
    ("/invoices/{approved}/credit-notes/new", {"reason": "Wrong valve", "line-{approved_line}": "1"}),
    ("/credit-notes/{note}/discard", {}),
    ("/invoices/approve", {"invoice_id": "{draft}"}),
]


@pytest.mark.parametrize(("role", "status"), [(None, 302), ("agent", 403), ("technician", 403)],
                         ids=["anonymous", "agent", "technician"])
def test_others_can_neither_open_nor_use_the_billing_pages(client, auth, make, role, status):
    ids = objects(make)
    if role:
        auth.login(make.user(role).email)
    # A valid token (the refusal page carries one): the role is what refuses, not the missing token.
    token = csrf_token_from(client.get("/invoices" if role else "/login"))
    before = billing_state()
    for path in GETS:
        response = client.get(path.format(**ids))
        assert response.status_code == status, path
        if role is None:
            assert "/login" in response.headers["Location"]
    for path, data in POSTS:
        form = {"csrf_token": token, **filled(data, ids)}
        assert client.post(path.format(**ids), data=form).status_code == status, path
    assert billing_state() == before


def test_admins_may_use_every_billing_page(pages, client, make):
    ids = objects(make)
    pages.login_as("admin")
    for path in GETS:
        assert client.get(path.format(**ids)).status_code == 200, path
    for path, data in POSTS:
        form = {"csrf_token": pages.token("/invoices"), **filled(data, ids)}
        response = client.post(path.format(**ids), data=form)
        assert response.status_code == 303, (path, response.get_data(as_text=True)[:300])
    db.session.expire_all()
    assert db.session.get(Invoice, ids["draft"]).status == InvoiceStatus.APPROVED
    assert db.session.get(Invoice, ids["approved"]).status == InvoiceStatus.PAID
    assert db.session.get(CreditNote, ids["note"]) is None


def test_state_conflicts_and_unknown_ids_on_the_pages_change_nothing(pages, client, make):
    ids = objects(make)
    pages.login_as("billing")
    note = db.session.get(CreditNote, ids["note"])
    approve_credit_note(note, None)
    db.session.commit()
    token = pages.token("/invoices")
    before = billing_state()
    refused = [
        ("/invoices/{approved}/approve", 409),  # approved already
        ("/invoices/{draft}/send", 409),  # a draft is not sent
        ("/invoices/{draft}/paid", 409),  # nor paid
        ("/invoices/{draft}/credit-notes/new", 409),  # nor credited
        ("/credit-notes/{note}/approve", 409),  # approved already
        ("/credit-notes/{note}/discard", 409),  # an approved credit note stays
        ("/invoices/{draft}/lines/999999/remove", 404),
        ("/invoices/999999/approve", 404),
        ("/credit-notes/999999/send", 404),
    ]
    for path, status in refused:
        response = client.post(path.format(**ids), data={"csrf_token": token, "paid_on": TODAY.isoformat(),
                                                         "reason": "Again"})
        assert response.status_code == status, (path, response.get_data(as_text=True)[:300])
    assert client.get(f"/invoices/{ids['draft']}/credit-notes/new").status_code == 409
    assert client.get("/credit-notes/999999").status_code == 404
    assert billing_state() == before
    assert db.session.scalars(select(CreditNote.number).where(CreditNote.id == ids["note"])).one()

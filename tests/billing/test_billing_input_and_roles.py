"""Admins do what billing staff do with credit notes: list them, approve and send them on the pages.

The package tests walk these as billing staff; tests/billing/test_page_access.py has admins on the
invoice pages and discarding a credit note.
"""

from __future__ import annotations

from dispatch.billing.credit_notes import create_credit_note
from dispatch.billing.models import CreditNote
from dispatch.enums import Role
from dispatch.extensions import db
from tests.billing.helpers import approve
from tests.support.pages import draft_invoice


def a_draft_credit_note(make) -> CreditNote:
    note = create_credit_note(approve(draft_invoice(make)), "Goodwill", None, None)
    db.session.commit()
    return note


def test_an_admin_lists_credit_notes_through_the_api(api, make):
    note = a_draft_credit_note(make)
    response = api.as_user(make.user(Role.ADMIN)).get("credit-notes")
    assert response.status_code == 200
    assert [item["id"] for item in response.json["items"]] == [note.id]


def test_an_admin_approves_and_sends_a_credit_note_on_its_page(pages, client, make):
    note = a_draft_credit_note(make)
    pages.login_as(Role.ADMIN)
    path = f"/credit-notes/{note.id}"
    approved = client.post(f"{path}/approve", data={"csrf_token": pages.token(path)})
    assert approved.status_code == 303
    sent = client.post(f"{path}/send", data={"csrf_token": pages.token(path)})
    assert sent.status_code == 303
    db.session.expire_all()
    stored = db.session.get(CreditNote, note.id)
    assert stored.number and stored.sent_at

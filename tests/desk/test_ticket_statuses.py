"""Ticket statuses: admins add, rename, reorder and remove them; the built-ins stay with their category, and a
status tickets are in keeps its category so that no SLA clock pauses or runs again behind anyone's back."""

from __future__ import annotations

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from dispatch.audit import AuditEvent
from dispatch.desk import services as desk
from dispatch.desk.forms import status_label
from dispatch.desk.models import TicketStatus
from dispatch.desk.statuses import services
from dispatch.enums import StatusCategory
from dispatch.errors import Conflict, Invalid
from dispatch.extensions import db
from tests.support.queries import count, recorded_statements
from tests.views.helpers import text_of

BUILTIN_KEYS = ["new", "open", "on_hold", "escalated", "resolved", "closed"]


def snapshot() -> list[tuple]:
    """The statuses as committed: key, name, category, position."""
    db.session.expire_all()
    return [(status.key, status.name, status.category, status.position) for status in
            db.session.scalars(select(TicketStatus).order_by(TicketStatus.position, TicketStatus.id))]


def keys() -> list[str]:
    return [row[0] for row in snapshot()]


def actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "ticket_statuses")
                                   .order_by(AuditEvent.id)))


def custom(key: str = "awaiting_parts", name: str = "Awaiting parts", category: str = "paused") -> TicketStatus:
    status = services.create_status({"key": key, "name": name, "category": category}, None)
    db.session.commit()
    return status


def test_an_added_status_comes_last_can_move_be_renamed_and_removed_and_each_change_is_audited(app):
    status = custom()
    assert keys() == [*BUILTIN_KEYS, "awaiting_parts"]
    services.move(status, "up", None)
    services.update_status(status, {"position": 0}, None)
    services.update_status(status, {"name": " Parts ordered "}, None)
    db.session.commit()
    assert keys() == ["awaiting_parts", *BUILTIN_KEYS]
    assert [row[3] for row in snapshot()] == list(range(7))
    assert snapshot()[0][1] == "Parts ordered"
    services.move(status, "down", None)
    db.session.commit()
    assert keys()[:2] == ["new", "awaiting_parts"]
    services.delete_status(status, None)
    db.session.commit()
    assert keys() == BUILTIN_KEYS
    assert actions() == ["ticket_status.created"] + ["ticket_status.updated"] * 4 + ["ticket_status.deleted"]


def test_moving_the_first_up_or_the_last_down_changes_nothing(app):
    before = snapshot()
    first, last = desk.status_by_key("new"), desk.status_by_key("closed")
    services.move(first, "up", None)
    services.move(last, "down", None)
    db.session.commit()
    assert snapshot() == before and actions() == []


def test_builtins_are_renamed_and_moved_but_never_removed_nor_recategorised(app):
    on_hold = desk.status_by_key("on_hold")
    services.update_status(on_hold, {"name": "Waiting for customer", "position": 5}, None)
    db.session.commit()
    before = snapshot()
    assert before[-1][:2] == ("on_hold", "Waiting for customer")
    with pytest.raises(Conflict, match="cannot be removed"):
        services.delete_status(on_hold, None)
    with pytest.raises(Conflict) as refused:
        services.update_status(on_hold, {"category": "open", "name": "Other"}, None)
    assert "category" in refused.value.errors
    db.session.rollback()
    assert snapshot() == before


def test_a_used_status_keeps_its_category_and_stays_until_its_tickets_move_on(app, make):
    status = custom(category="open")
    ticket = make.ticket()
    desk.change_status(ticket, "awaiting_parts", None)
    db.session.commit()
    before = snapshot()
    with pytest.raises(Conflict, match="1 tickets") as refused:
        services.update_status(status, {"category": "paused"}, None)
    assert refused.value.errors == {"category": ["Tickets are in this status."]}
    with pytest.raises(Conflict, match="1 tickets") as refused:
        services.delete_status(status, None)
    assert refused.value.members == {"ticket_count": 1}
    db.session.rollback()
    assert snapshot() == before
    desk.change_status(db.session.get(type(ticket), ticket.id), "open", None)
    services.update_status(status, {"category": "closed"}, None)
    db.session.commit()
    assert desk.status_by_key("awaiting_parts").category == StatusCategory.CLOSED


@pytest.mark.parametrize(("data", "field"), [
    ({"key": "open", "name": "Open again", "category": "open"}, "key"),
    ({"key": "Parts", "name": "Parts", "category": "open"}, "key"),
    ({"key": "p", "name": "Parts", "category": "open"}, "key"),
    ({"key": "parts\n", "name": "Parts", "category": "open"}, "key"),
    ({"key": "parts", "name": "  ", "category": "open"}, "name"),
    ({"key": "parts", "name": "x" * 81, "category": "open"}, "name"),
    ({"key": "parts", "name": "Parts", "category": "waiting"}, "category"),
    ({"name": "Parts", "category": "open"}, "key"),
])
def test_a_bad_new_status_names_the_field_and_stores_nothing(app, data, field):
    before = snapshot()
    with pytest.raises((Invalid, Conflict)) as refused:
        services.create_status(data, None)
    assert field in refused.value.errors
    db.session.rollback()
    assert snapshot() == before


def test_the_status_list_counts_tickets_in_one_query(app, make):
    custom()
    make.ticket()
    make.ticket()
    with recorded_statements() as statements:
        rows = services.listing()
    assert len(statements) == 1
    assert {status.key: tickets for status, tickets in rows} == {
        "new": 2, "open": 0, "on_hold": 0, "escalated": 0, "resolved": 0, "closed": 0, "awaiting_parts": 0}


def test_a_paused_custom_status_pauses_the_sla_clock_and_open_resumes_it(app, make):
    custom(category="paused")
    ticket = make.ticket()
    assert ticket.due_at is not None and ticket.sla_paused_at is None
    desk.change_status(ticket, "awaiting_parts", None)
    db.session.commit()
    assert ticket.sla_paused_at is not None
    desk.change_status(ticket, "open", None)
    db.session.commit()
    assert ticket.sla_paused_at is None


def test_a_builtin_shows_its_translation_until_an_admin_renames_it(app):
    on_hold = desk.status_by_key("on_hold")
    with force_locale("nl"):
        assert status_label(on_hold) == "In de wacht"
        on_hold.name = "Wacht op klant"
        assert status_label(on_hold) == "Wacht op klant"
    assert status_label(custom()) == "Awaiting parts"


def test_the_ticket_page_offers_custom_statuses_and_shows_renamed_builtins(pages, client, make):
    custom()
    services.update_status(desk.status_by_key("escalated"), {"name": "Urgent attention"}, None)
    db.session.commit()
    ticket = make.ticket()
    pages.login_as("agent")
    page = client.get(f"/tickets/{ticket.id}?lang=nl")
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert '<option value="awaiting_parts">Awaiting parts</option>' in body
    assert '<option value="escalated">Urgent attention</option>' in body
    assert '<option value="on_hold">In de wacht</option>' in body
    assert "Nieuw" in text_of(client.get("/tickets?lang=nl"))


def test_admins_keep_statuses_on_their_page(pages, client, make):
    pages.login_as("admin")
    assert "Ticket statuses" in text_of(client.get("/admin/settings"))
    token = pages.token("/admin/ticket-statuses")
    created = client.post("/admin/ticket-statuses", data={
        "csrf_token": token, "key": "awaiting_parts", "name": "Awaiting parts", "category": "paused"})
    assert created.status_code == 303
    duplicate = client.post("/admin/ticket-statuses", data={
        "csrf_token": token, "key": "awaiting_parts", "name": "Again", "category": "open"})
    assert duplicate.status_code == 422 and "This key is taken." in text_of(duplicate)
    status = desk.status_by_key("awaiting_parts")
    make.ticket()
    listed = text_of(client.get("/admin/ticket-statuses"))
    assert "Awaiting parts awaiting_parts Paused 0" in listed and "New built-in new Open 1" in listed
    renamed = client.post(f"/admin/ticket-statuses/{status.id}", data={
        "csrf_token": token, "name": "Parts ordered", "category": "paused"})
    assert renamed.status_code == 303
    assert client.post(f"/admin/ticket-statuses/{status.id}/move", data={
        "csrf_token": token, "direction": "up"}).status_code == 303
    assert keys()[-2:] == ["awaiting_parts", "closed"]
    builtin = desk.status_by_key("new")
    edit_builtin = client.get(f"/admin/ticket-statuses/{builtin.id}")
    assert 'name="category"' not in edit_builtin.get_data(as_text=True)
    refused = client.post(f"/admin/ticket-statuses/{builtin.id}/delete", data={"csrf_token": token},
                          follow_redirects=True)
    assert "cannot be removed" in text_of(refused) and "new" in keys()
    assert client.post(f"/admin/ticket-statuses/{status.id}/delete", data={"csrf_token": token}).status_code == 303
    assert "awaiting_parts" not in keys()


def test_a_page_form_without_csrf_changes_nothing(pages, client):
    pages.login_as("admin")
    status = custom()
    before = snapshot()
    assert client.post("/admin/ticket-statuses", data={
        "key": "parts", "name": "Parts", "category": "open"}).status_code == 400
    assert client.post(f"/admin/ticket-statuses/{status.id}/delete").status_code == 400
    assert client.post(f"/admin/ticket-statuses/{status.id}/move", data={"direction": "up"}).status_code == 400
    assert snapshot() == before


def test_statuses_through_the_api(api, make):
    client = api.as_user(make.user("admin"))
    created = client.post("ticket-statuses", {"key": "awaiting_parts", "name": "Awaiting parts", "category": "paused"})
    assert created.status_code == 201, created.json
    assert created.json | {"id": 0} == {"id": 0, "key": "awaiting_parts", "name": "Awaiting parts",
                                        "category": "paused", "position": 6, "builtin": False}
    status_id = created.json["id"]
    moved = client.patch(f"ticket-statuses/{status_id}", {"position": 0, "name": "Parts ordered"})
    assert moved.status_code == 200 and moved.json["position"] == 0 and moved.json["name"] == "Parts ordered"
    listed = client.get("ticket-statuses").json
    assert [item["key"] for item in listed] == ["awaiting_parts", *BUILTIN_KEYS]
    assert listed[0]["ticket_count"] == 0
    assert client.delete(f"ticket-statuses/{status_id}").status_code == 204
    assert keys() == BUILTIN_KEYS


@pytest.mark.parametrize(("body", "field"), [
    ({"name": "Parts", "category": "open"}, "key"), ({"key": "parts", "category": "open"}, "name"),
    ({"key": "parts", "name": "Parts"}, "category"), ({"key": "Parts!", "name": "Parts", "category": "open"}, "key"),
    ({"key": 7, "name": "Parts", "category": "open"}, "key"), ({"key": "parts", "name": ["P"], "category": "open"},
                                                               "name"),
    ({"key": "parts", "name": "", "category": "open"}, "name"),
    ({"key": "parts", "name": "Parts", "category": "waiting"}, "category"),
])
def test_a_bad_new_status_through_the_api_names_the_field(api, make, body, field):
    before = snapshot()
    response = api.as_user(make.user("admin")).post("ticket-statuses", body)
    assert response.status_code == 422 and field in response.json["errors"], response.json
    assert response.mimetype == "application/problem+json"
    assert snapshot() == before


@pytest.mark.parametrize(("body", "field"), [
    ({"position": "first"}, "position"), ({"position": -1}, "position"), ({"position": True}, "position"),
    ({"name": 5}, "name"), ({"name": "x" * 81}, "name"), ({"category": 1}, "category"),
])
def test_a_bad_change_through_the_api_names_the_field(api, make, body, field):
    status = custom()
    before = snapshot()
    response = api.as_user(make.user("admin")).patch(f"ticket-statuses/{status.id}", body)
    assert response.status_code == 422 and field in response.json["errors"], response.json
    assert snapshot() == before


def test_refusals_through_the_api_are_conflicts_and_change_nothing(api, make):
    client = api.as_user(make.user("admin"))
    status = custom(category="open")
    desk.change_status(make.ticket(), "awaiting_parts", None)
    db.session.commit()
    before = snapshot()
    builtin = desk.status_by_key("new")
    duplicate = client.post("ticket-statuses", {"key": "open", "name": "Open", "category": "open"})
    assert duplicate.status_code == 409 and "key" in duplicate.json["errors"]
    recategorised = client.patch(f"ticket-statuses/{builtin.id}", {"category": "paused", "name": "Fresh"})
    assert recategorised.status_code == 409 and "category" in recategorised.json["errors"]
    used = client.patch(f"ticket-statuses/{status.id}", {"category": "paused"})
    assert used.status_code == 409 and "1 tickets" in used.json["detail"]
    assert client.delete(f"ticket-statuses/{builtin.id}").status_code == 409
    in_use = client.delete(f"ticket-statuses/{status.id}")
    assert in_use.status_code == 409 and in_use.json["ticket_count"] == 1
    assert client.patch("ticket-statuses/999999", {"name": "X"}).status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize(("role", "reads", "writes"), [
    ("admin", 200, None), ("agent", 200, 403), ("billing", 403, 403), ("technician", 404, 404)])
def test_who_may_read_and_keep_statuses_through_the_api(api, make, role, reads, writes):
    status = custom()
    client = api.as_user(make.user(role))
    assert client.get("ticket-statuses").status_code == reads
    if writes is None:
        return
    before = snapshot()
    assert client.post("ticket-statuses", {"key": "parts", "name": "P", "category": "open"}).status_code == writes
    assert client.patch(f"ticket-statuses/{status.id}", {"name": "Mine"}).status_code == writes
    assert client.delete(f"ticket-statuses/{status.id}").status_code == writes
    assert snapshot() == before


def test_anonymous_callers_are_refused_by_the_api(api, app):
    status = custom()
    assert api.get("ticket-statuses").status_code == 401
    assert api.post("ticket-statuses", {"key": "parts", "name": "P", "category": "open"}).status_code == 401
    assert api.patch(f"ticket-statuses/{status.id}", {"name": "Mine"}).status_code == 401
    assert api.delete(f"ticket-statuses/{status.id}").status_code == 401
    assert count(TicketStatus) == 7


@pytest.mark.parametrize(("role", "refusal"), [("agent", 403), ("billing", 403), ("technician", 403)])
def test_only_admins_reach_the_status_pages(pages, client, role, refusal):
    status = custom()
    pages.login_as(role)
    token = pages.token("/admin/ticket-statuses")
    before = snapshot()
    assert client.get("/admin/ticket-statuses").status_code == refusal
    assert client.get(f"/admin/ticket-statuses/{status.id}").status_code == refusal
    for path, data in [("/admin/ticket-statuses", {"key": "parts", "name": "P", "category": "open"}),
                       (f"/admin/ticket-statuses/{status.id}", {"name": "Mine", "category": "open"}),
                       (f"/admin/ticket-statuses/{status.id}/move", {"direction": "up"}),
                       (f"/admin/ticket-statuses/{status.id}/delete", {})]:
        assert client.post(path, data={"csrf_token": token, **data}).status_code == refusal, path
    assert snapshot() == before


def test_anonymous_visitors_are_sent_to_sign_in(client, app):
    status = custom()
    for path in ("/admin/ticket-statuses", f"/admin/ticket-statuses/{status.id}"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    for path in ("/admin/ticket-statuses", f"/admin/ticket-statuses/{status.id}/move",
                 f"/admin/ticket-statuses/{status.id}/delete"):
        assert client.post(path, data={"direction": "up"}).status_code in (302, 400)
    assert count(TicketStatus) == 7


def test_a_bad_edit_on_the_page_names_the_field_and_changes_nothing(pages, client, make):
    status = custom(category="open")
    desk.change_status(make.ticket(), "awaiting_parts", None)
    db.session.commit()
    pages.login_as("admin")
    token = pages.token(f"/admin/ticket-statuses/{status.id}")
    before = snapshot()
    blank = client.post(f"/admin/ticket-statuses/{status.id}", data={
        "csrf_token": token, "name": "  ", "category": "open"})
    assert blank.status_code == 422 and 'id="name-error"' in blank.get_data(as_text=True)
    used = client.post(f"/admin/ticket-statuses/{status.id}", data={
        "csrf_token": token, "name": "Awaiting parts", "category": "paused"})
    assert used.status_code == 422 and "Tickets are in this status." in text_of(used)
    assert 'id="category-error"' in used.get_data(as_text=True)
    unknown = client.post(f"/admin/ticket-statuses/{status.id}", data={
        "csrf_token": token, "name": "Parts", "category": "waiting"})
    assert unknown.status_code == 422 and 'id="category-error"' in unknown.get_data(as_text=True)
    assert client.post("/admin/ticket-statuses/999999", data={"csrf_token": token, "name": "X"}).status_code == 404
    assert snapshot() == before and actions() == ["ticket_status.created"]


def test_a_renamed_builtin_shows_its_name_in_the_badge_and_the_buttons(pages, client):
    custom()
    services.update_status(desk.status_by_key("on_hold"), {"name": "Waiting for customer"}, None)
    db.session.commit()
    pages.login_as("admin")
    listed = text_of(client.get("/admin/ticket-statuses?lang=nl"))
    assert "Waiting for customer" in listed and "Nieuw" in listed and "Awaiting parts" in listed
    assert "Omhoog verplaatsen Waiting for customer" in listed and "Omlaag verplaatsen Nieuw" in listed

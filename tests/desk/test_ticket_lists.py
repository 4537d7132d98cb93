"""The desk's ticket lists: views, filters, the most-urgent-first order, counts per view, cursors, and the
same number of queries whatever the page holds."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from dispatch.dbtypes import utcnow
from dispatch.desk import lists, services
from dispatch.desk.models import STATE_RANKS, Ticket, TicketStatus
from dispatch.enums import MessageKind, StatusCategory
from dispatch.extensions import db
from tests.support.queries import query_plans, recorded_statements
from tests.views.helpers import text_of


def set_due(ticket: Ticket, due_in: timedelta | None, **values) -> None:
    """Give a ticket a due time relative to now (None: no SLA) and other columns, as committed."""
    due = utcnow() + due_in if due_in is not None else None
    db.session.execute(update(Ticket).where(Ticket.id == ticket.id).values(
        due_at=due, first_response_due_at=None, **values))
    db.session.commit()


def ids(client, query: str) -> list[int]:
    response = client.get(f"tickets?{query}")
    assert response.status_code == 200, response.json
    return [item["id"] for item in response.json["items"]]


def test_most_urgent_first_open_before_paused_overdue_first_then_due_priority_age(api, make):
    customer = make.customer()
    paused_overdue = make.ticket(customer, subject="Waiting for parts")
    later_urgent = make.ticket(customer, priority="urgent")
    soon_low = make.ticket(customer, priority="low")
    overdue = make.ticket(customer)
    same_due_high = make.ticket(customer, priority="high")
    same_due_low_older = make.ticket(customer, priority="low")
    no_sla = make.ticket(customer)
    services.change_status(paused_overdue, "on_hold", None)
    db.session.commit()
    set_due(paused_overdue, timedelta(hours=-5))
    set_due(overdue, timedelta(hours=-1))
    set_due(soon_low, timedelta(hours=1))
    set_due(later_urgent, timedelta(hours=3))
    set_due(same_due_high, timedelta(hours=2))
    set_due(same_due_low_older, timedelta(hours=2))
    db.session.execute(update(Ticket).where(Ticket.id == same_due_high.id).values(
        due_at=db.session.get(Ticket, same_due_low_older.id).due_at))
    db.session.commit()
    set_due(no_sla, None)

    client = api.as_user(make.user("agent"))
    assert ids(client, "limit=50") == [overdue.id, soon_low.id, same_due_high.id, same_due_low_older.id,
                                       later_urgent.id, no_sla.id, paused_overdue.id]
    newest = ids(client, "limit=50&sort=newest")
    assert newest == sorted(newest, reverse=True)


def test_views_mine_unassigned_due_soon_escalated_and_queue(api, make):
    agent = make.user("agent")
    queue = make.queue(mode="manual")
    customer = make.customer()
    mine = make.ticket(customer, owner_id=agent.id)
    nobody = make.ticket(customer)
    escalated = make.ticket(customer, owner_id=make.user("agent").id)
    queued = make.ticket(customer, queue_id=queue.id, owner_id=agent.id)
    closed = make.ticket(customer)
    services.change_status(closed, "closed", None)
    db.session.commit()
    for ticket in (mine, nobody, queued):
        set_due(ticket, timedelta(days=3))
    set_due(escalated, timedelta(hours=1), escalation_level=1)
    set_due(closed, timedelta(hours=-1))

    client = api.as_user(agent)
    assert set(ids(client, "view=mine")) == {mine.id, queued.id}
    assert set(ids(client, "view=unassigned")) == {nobody.id}
    assert set(ids(client, "view=due_soon")) == {escalated.id}
    assert set(ids(client, "view=escalated")) == {escalated.id}
    assert set(ids(client, f"view=queue&queue_id={queue.id}")) == {queued.id}
    assert set(ids(client, "view=all")) == {mine.id, nobody.id, escalated.id, queued.id}
    assert set(ids(client, "view=all&state=closed")) == {closed.id}  # asking for closed ones shows them
    counts = client.get("tickets/views").json
    assert counts == {"mine": 2, "unassigned": 1, "due_soon": 1, "escalated": 1, "all": 4,
                      "queues": {str(queue.id): 1}}
    problem = client.get("tickets?view=queue")
    assert problem.status_code == 422 and "queue_id" in problem.json["errors"]
    assert "view" in client.get("tickets?view=everything").json["errors"]


def test_the_first_response_target_counts_until_the_first_reply_then_the_resolution_target(api, make):
    customer = make.customer()
    waiting, answered = make.ticket(customer), make.ticket(customer)
    now = utcnow()
    for ticket in (waiting, answered):
        db.session.execute(update(Ticket).where(Ticket.id == ticket.id).values(
            first_response_due_at=now + timedelta(hours=1), due_at=now + timedelta(hours=8)))
    db.session.commit()
    client = api.as_user(make.user("agent"))
    assert set(ids(client, "view=due_soon")) == {waiting.id, answered.id}

    services.add_message(db.session.get(Ticket, answered.id), MessageKind.REPLY, "We come on Monday.")
    db.session.commit()
    assert ids(client, "view=due_soon") == [waiting.id]
    assert ids(client, "limit=10") == [waiting.id, answered.id]
    assert db.session.get(Ticket, answered.id).next_due_at == db.session.get(Ticket, answered.id).due_at


def test_the_state_kept_on_the_ticket_follows_every_status_change(make):
    ticket = make.ticket(make.customer())
    assert ticket.state_rank == STATE_RANKS[StatusCategory.OPEN]
    services.change_status(ticket, "on_hold", None)
    assert ticket.state_rank == STATE_RANKS[StatusCategory.PAUSED]
    services.change_status(ticket, "closed", None)
    assert ticket.state_rank == STATE_RANKS[StatusCategory.CLOSED]
    services.add_message(ticket, MessageKind.CUSTOMER, "It is broken again.")  # reopens
    db.session.commit()
    stored = db.session.execute(select(Ticket.state_rank, TicketStatus.category)
                                .join(TicketStatus, TicketStatus.id == Ticket.status_id)
                                .where(Ticket.id == ticket.id)).one()
    assert stored == (STATE_RANKS[StatusCategory.OPEN], StatusCategory.OPEN)


def test_the_urgent_order_and_the_filters_read_indexes_not_the_whole_table(app, make):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("the plan's wording is SQLite's; PostgreSQL's plans are measured in tests/bench")
    make.ticket(make.customer())

    def plan(**values) -> str:
        return query_plans(lambda: lists.ticket_page(lists.TicketFilters.of(values), 1, None, 50))[0]

    urgent = plan(view="all")
    assert "ix_tickets_urgent" in urgent and "RIGHT PART OF ORDER BY" in urgent, urgent  # only ties sorted
    for values in ({"category": "heating", "sort": "newest"}, {"channel": "email", "sort": "newest"},
                   {"view": "due_soon"}, {"state": "paused"}):
        assert "SCAN tickets" not in plan(**values), values


def test_filters_status_priority_category_channel_owner_customer(api, make):
    agent = make.user("agent")
    customer, other = make.customer(), make.customer()
    target = make.ticket(customer, priority="high", category="heating", channel="email", owner_id=agent.id)
    make.ticket(customer, priority="high", category="plumbing", channel="email", owner_id=agent.id)
    make.ticket(other, priority="low", category="heating", channel="phone")
    client = api.as_user(agent)
    query = f"priority=high&category=heating&channel=email&owner_id={agent.id}&customer_id={customer.id}&status=new"
    assert ids(client, query) == [target.id]
    assert ids(client, "status=resolved") == []
    assert "channel" in client.get("tickets?channel=pigeon").json["errors"]


def test_urgent_order_pages_with_a_cursor_without_gaps_or_repeats(api, make):
    customer = make.customer()
    tickets = [make.ticket(customer, priority=("urgent", "low", "medium")[n % 3]) for n in range(8)]
    for n, ticket in enumerate(tickets):
        set_due(ticket, timedelta(hours=(n * 7) % 5 - 2))  # some overdue, some equal due times
    client = api.as_user(make.user("agent"))
    seen, cursor = [], None
    while True:
        page = client.get("tickets", query_string={"limit": 3, **({"cursor": cursor} if cursor else {})}).json
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == ids(client, "limit=50")
    assert sorted(seen) == sorted(ticket.id for ticket in tickets)
    assert "cursor" in client.get("tickets?cursor=WzEsMl0").json["errors"]  # a cursor of another list


def test_list_page_shows_views_with_counts_and_lights_in_words(pages, client, make):
    agent = pages.login_as("agent")
    queue = make.queue(mode="manual", name="Service")
    overdue = make.ticket(subject="Cold radiators", owner_id=agent.id, queue_id=queue.id)
    set_due(overdue, timedelta(hours=-2))
    page = text_of(client.get("/tickets?view=mine"))
    assert "Tickets: Mine" in page and overdue.reference in page
    assert "Overdue" in page  # the light in words, not only a colour
    assert "Mine 1" in page and "Service 1" in page
    assert client.get("/tickets?view=queue").status_code == 422
    assert client.get("/tickets?view=nonsense").status_code == 422


def test_a_page_costs_the_same_queries_for_3_and_25_tickets(pages, client, make):
    agent_id = pages.login_as("agent").id
    counts = {}
    for number in (3, 22):
        for _ in range(number):
            make.ticket(make.customer(), owner_id=agent_id, queue_id=make.queue(mode="manual").id)
        for path in ("/tickets", "/tickets?view=mine&sort=newest", "/tickets?q=boiler"):
            db.session.expunge_all()
            with recorded_statements() as statements:
                assert client.get(path).status_code == 200
            counts.setdefault(path, []).append(len(statements))
    assert all(first == second for first, second in counts.values()), counts


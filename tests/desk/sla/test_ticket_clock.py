"""The SLA clock of a ticket: its policy, due times in business hours, pauses, reopening, priority changes."""

from datetime import date

from dispatch.audit import events_for
from dispatch.desk import services as desk
from dispatch.desk.models import Ticket
from dispatch.desk.sla import services as sla
from dispatch.desk.sla.models import Holiday, SlaPolicy
from dispatch.enums import MessageKind, Priority, StatusCategory
from dispatch.extensions import db
from tests.desk.sla.support import local, opened_at
from tests.support.queries import recorded_statements

OPEN, PAUSED, CLOSED = StatusCategory.OPEN, StatusCategory.PAUSED, StatusCategory.CLOSED


def policy(priority: str, group=None) -> SlaPolicy:  # noqa: ANN001
    return db.session.query(SlaPolicy).filter_by(priority=Priority(priority), customer_group=group).one()


def test_an_urgent_ticket_on_friday_afternoon_is_due_on_monday(make):
    ticket = opened_at(make, local(2026, 11, 27, 15, 30), priority="urgent")  # 60 / 240 business minutes
    assert ticket.sla_policy_id == policy("urgent").id
    assert ticket.first_response_due_at == local(2026, 11, 27, 16, 30)
    assert ticket.due_at == local(2026, 11, 30, 10, 30)  # 1.5 hours on Friday, 2.5 on Monday


def test_a_holiday_moves_the_due_time_on(make):
    db.session.add(Holiday(day=date(2026, 12, 25), name="Eerste kerstdag"))
    db.session.add(Holiday(day=date(2026, 12, 28), name="Company day"))
    db.session.commit()
    ticket = opened_at(make, local(2026, 12, 24, 16, 0), priority="urgent")
    assert ticket.first_response_due_at == local(2026, 12, 24, 17, 0)
    assert ticket.due_at == local(2026, 12, 29, 11, 0)  # 1 hour on the 24th, Christmas, weekend, 28th off


def test_a_customer_groups_own_policy_wins_over_the_general_one(make):
    gold = SlaPolicy(name="Gold urgent", priority=Priority.URGENT, customer_group="gold", first_response_minutes=15,
                     resolution_minutes=120)
    db.session.add(gold)
    db.session.commit()
    member, other = make.customer(), make.customer()
    member.customer_group = "gold"
    other.customer_group = "silver"  # a group without policies of its own gets the general one
    db.session.commit()
    monday = local(2026, 11, 30, 9, 0)
    for_gold = opened_at(make, monday, customer=member, priority="urgent")
    for_silver = opened_at(make, monday, customer=other, priority="urgent")
    assert for_gold.sla_policy_id == gold.id and for_gold.due_at == local(2026, 11, 30, 11, 0)
    assert for_silver.sla_policy_id == policy("urgent").id and for_silver.due_at == local(2026, 11, 30, 13, 0)
    gold.active = False
    db.session.commit()
    assert opened_at(make, monday, customer=member, priority="urgent").sla_policy_id == policy("urgent").id


def test_a_pause_moves_both_due_times_by_the_business_time_it_lasted(make):
    ticket = opened_at(make, local(2026, 11, 27, 15, 0), priority="urgent")  # Friday
    assert ticket.first_response_due_at == local(2026, 11, 27, 16, 0)
    assert ticket.due_at == local(2026, 11, 30, 10, 0)
    sla.status_changed(ticket, OPEN, PAUSED, local(2026, 11, 27, 15, 30))  # on hold: waiting for the customer
    assert ticket.sla_paused_at == local(2026, 11, 27, 15, 30)
    sla.status_changed(ticket, PAUSED, OPEN, local(2026, 11, 30, 9, 0))  # Monday: 150 business minutes later
    assert ticket.sla_paused_at is None
    assert ticket.first_response_due_at == local(2026, 11, 30, 9, 30)  # 30 minutes were left
    assert ticket.due_at == local(2026, 11, 30, 12, 30)  # 3.5 hours were left: 1.5 on Friday, 2 on Monday
    resumed = [e for e in events_for(ticket) if e.action == "ticket.sla_resumed"]
    assert resumed[-1].data["paused_minutes"] == 150


def test_a_closed_ticket_reopened_continues_with_the_time_it_had_left(make):
    ticket = opened_at(make, local(2026, 11, 30, 9, 0), priority="high")  # 240 / 1440 business minutes
    ticket.first_responded_at = local(2026, 11, 30, 9, 30)
    first_response_due = ticket.first_response_due_at
    sla.status_changed(ticket, OPEN, CLOSED, local(2026, 11, 30, 10, 0))  # 60 minutes used
    ticket.resolution_breached_at = local(2026, 11, 30, 9, 59)  # a flag set before closing stays
    sla.status_changed(ticket, CLOSED, PAUSED, local(2026, 12, 2, 10, 0))  # reopened straight onto hold
    assert ticket.sla_paused_at == local(2026, 11, 30, 10, 0)
    sla.status_changed(ticket, PAUSED, OPEN, local(2026, 12, 3, 8, 0))
    assert ticket.due_at == sla.clock.add_business_minutes(sla.load_calendar(), local(2026, 12, 3, 8, 0), 1380)
    assert ticket.first_response_due_at == first_response_due  # answered already: history, not moved
    assert ticket.resolution_breached_at == local(2026, 11, 30, 9, 59)


def test_the_desk_pauses_the_clock_through_its_statuses(make):
    ticket = make.ticket(acknowledge=False, priority="urgent")
    due = ticket.due_at
    desk.change_status(ticket, "on_hold", None)
    assert ticket.sla_paused_at is not None
    desk.change_status(ticket, "open", None)
    assert ticket.sla_paused_at is None and ticket.due_at >= due


def test_a_late_first_reply_is_a_breach_recorded_once(make):
    ticket = make.ticket(acknowledge=False, priority="urgent")
    ticket.first_response_due_at = local(2026, 1, 5, 9, 0)  # long gone
    desk.add_message(ticket, MessageKind.REPLY, "We are on it.", author_id=make.user("agent").id)
    db.session.commit()
    assert ticket.first_response_breached_at is not None
    breaches = [e.data for e in events_for(ticket) if e.action == "ticket.sla_breached"]
    assert breaches == [{"target": "first_response", "due_at": local(2026, 1, 5, 9, 0).astimezone(
        sla.clock.UTC).isoformat()}]


def test_a_reply_in_time_is_no_breach(make):
    ticket = make.ticket(acknowledge=False, priority="urgent")
    desk.add_message(ticket, MessageKind.REPLY, "We are on it.", author_id=make.user("agent").id)
    assert ticket.first_response_breached_at is None


def test_reapplying_after_a_priority_change_keeps_the_time_used(make):
    ticket = opened_at(make, local(2026, 11, 30, 9, 0), priority="medium")  # 480 / 4320
    ticket.priority = Priority.URGENT  # 60 / 240
    sla.reapply(ticket, local(2026, 11, 30, 10, 0), actor_id=None)  # 60 minutes used
    assert ticket.sla_policy_id == policy("urgent").id
    assert ticket.due_at == local(2026, 11, 30, 13, 0)
    assert ticket.first_response_due_at == local(2026, 11, 30, 10, 0)
    ticket.priority = Priority.LOW  # 1440 / 7200
    sla.reapply(ticket, local(2026, 11, 30, 11, 0))
    assert ticket.first_response_due_at == sla.clock.add_business_minutes(
        sla.load_calendar(), local(2026, 11, 30, 11, 0), 1440 - 120)
    event = [e for e in events_for(ticket) if e.action == "ticket.sla_reapplied"][-1]
    assert event.data["policy_id"] == policy("low").id


def test_traffic_lights(make):
    ticket = opened_at(make, local(2026, 11, 30, 8, 0), priority="urgent")  # first response 09:00, due 12:00
    ticket.first_responded_at = local(2026, 11, 30, 8, 30)
    assert sla.light(ticket, local(2026, 11, 30, 10, 0)) == sla.Light("green", 120)
    assert sla.light(ticket, local(2026, 11, 30, 11, 0)) == sla.Light("amber", 60)  # 75 % used
    assert sla.light(ticket, local(2026, 11, 30, 12, 30)) == sla.Light("red", -30)
    assert desk.traffic_light(ticket, local(2026, 11, 30, 12, 30)) == "red"
    unanswered = opened_at(make, local(2026, 11, 30, 8, 0), priority="urgent")
    assert sla.light(unanswered, local(2026, 11, 30, 9, 30)).state == "red"  # nobody answered in time
    sla.status_changed(ticket, OPEN, PAUSED, local(2026, 11, 30, 10, 0))
    desk.change_status(ticket, "on_hold", None)
    assert sla.light(ticket, local(2026, 12, 9, 10, 0)) == sla.Light("paused", 120)
    desk.change_status(ticket, "closed", None)
    assert sla.light(ticket).state == "none"


def test_lights_of_a_list_cost_no_query_per_ticket(make):
    tickets = [opened_at(make, local(2026, 11, 30, 8, 0), priority="urgent") for _ in range(6)]
    db.session.expire_all()
    loaded = list(db.session.scalars(db.select(Ticket).options(db.selectinload(Ticket.status))))
    with recorded_statements() as few:
        sla.lights(loaded[:2], local(2026, 11, 30, 10, 0))
    with recorded_statements() as many:
        lights = sla.lights(loaded, local(2026, 11, 30, 10, 0))
    assert len(many) <= len(few) <= 3
    assert {light.state for light in lights.values()} == {"red"} and len(lights) == len(tickets)

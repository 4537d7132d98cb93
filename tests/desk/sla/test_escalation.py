"""The periodic SLA evaluation: pre-warning, breach, second level; mails arrive once each at the real SMTP server."""

from dispatch.audit import events_for
from dispatch.desk.sla import escalation
from dispatch.desk.sla.models import SlaPolicy
from dispatch.enums import Priority, Role
from dispatch.extensions import db
from dispatch.periodic import SCHEDULE
from tests.desk.sla.support import local, opened_at
from tests.support.queries import recorded_statements
from tests.support.tasks import wait_for_tasks


def delivered(mail_server) -> list[tuple[str, str]]:
    """(recipient, subject) of every mail the SMTP server received so far."""
    wait_for_tasks()
    return sorted((message["To"], " ".join(message["Subject"].split())) for message in mail_server.messages)


def urgent_policy(**changes) -> SlaPolicy:  # noqa: ANN003
    policy = db.session.query(SlaPolicy).filter_by(priority=Priority.URGENT, customer_group=None).one()
    for name, value in changes.items():
        setattr(policy, name, value)
    db.session.commit()
    return policy


def test_the_evaluation_is_a_periodic_job_every_minute():
    assert SCHEDULE["desk.sla"][1] == 60


def test_warning_then_breach_then_second_level_each_mailed_once(make, mail_server):
    urgent_policy(warning_percent=75, second_escalation_minutes=120)  # 60 / 240 business minutes
    owner = make.user(Role.AGENT, name="Olga Owner", language="nl")
    lead = make.user(Role.AGENT, name="Lea Lead")
    admin = make.user(Role.ADMIN, name="Ada Admin")
    queue = make.queue("manual", [owner], team_lead_id=lead.id)
    ticket = opened_at(make, local(2026, 11, 30, 8, 0), priority="urgent", owner_id=owner.id, queue_id=queue.id)
    ticket.first_responded_at = local(2026, 11, 30, 8, 30)
    db.session.commit()
    mail_server.clear()
    ref = ticket.reference

    assert escalation.evaluate(local(2026, 11, 30, 10, 30)) == 0  # 150 of 240 minutes used: nothing yet
    assert escalation.evaluate(local(2026, 11, 30, 11, 5)) == 1  # past 75 %: the owner is warned
    assert escalation.evaluate(local(2026, 11, 30, 11, 6)) == 0
    # Each in the recipient's language: the Dutch owner reads Dutch, with dates written the Dutch way.
    warning = f"[{ref}] SLA-waarschuwing: deadline van {ref} is 30-11-2026, 12:00"
    assert delivered(mail_server) == [(owner.email, warning)]
    assert ticket.sla_warned_at == local(2026, 11, 30, 11, 5)

    mail_server.clear()
    assert escalation.evaluate(local(2026, 11, 30, 12, 1)) == 1  # overdue: breach, level 1, status escalated
    assert escalation.evaluate(local(2026, 11, 30, 12, 2)) == 0
    dutch = f"[{ref}] SLA geschonden: {ref}, deadline voor oplossing was 30-11-2026, 12:00"
    english = f"[{ref}] SLA breached: {ref}, resolution was due at 30/11/2026, 12:00"
    assert delivered(mail_server) == sorted([(owner.email, dutch), (lead.email, english)])
    assert (ticket.escalation_level, ticket.status.key) == (1, "escalated")
    assert ticket.resolution_breached_at == local(2026, 11, 30, 12, 1)

    mail_server.clear()
    assert escalation.evaluate(local(2026, 11, 30, 13, 59)) == 0  # 118 business minutes after the breach
    assert escalation.evaluate(local(2026, 11, 30, 14, 2)) == 1
    assert escalation.evaluate(local(2026, 12, 1, 9, 0)) == 0
    second = f"[{ref}] Escalation level 2: {ref}"
    assert delivered(mail_server) == sorted([(lead.email, second), (admin.email, second)])
    assert ticket.escalation_level == 2

    steps = [(e.action, e.data.get("target") or e.data.get("level") or e.data.get("after"))
             for e in events_for(ticket) if e.action.startswith(("ticket.sla_", "ticket.escalated",
                                                                 "ticket.status_changed"))]
    assert steps == [("ticket.sla_warning", None), ("ticket.sla_breached", "resolution"),
                     ("ticket.status_changed", "escalated"), ("ticket.escalated", 1), ("ticket.escalated", 2)]


def test_an_unanswered_ticket_breaches_its_first_response_and_escalates_without_status_change(make, mail_server):
    urgent_policy(set_escalated_status=False)
    owner = make.user(Role.AGENT)
    ticket = opened_at(make, local(2026, 11, 30, 8, 0), priority="urgent", owner_id=owner.id)
    mail_server.clear()
    assert escalation.evaluate(local(2026, 11, 30, 9, 1)) == 1
    assert escalation.evaluate(local(2026, 11, 30, 9, 2)) == 0
    ref = ticket.reference
    assert delivered(mail_server) == [
        (owner.email, f"[{ref}] SLA breached: {ref}, first response was due at 30/11/2026, 09:00")]
    assert ticket.first_response_breached_at is not None and ticket.resolution_breached_at is None
    assert (ticket.escalation_level, ticket.status.key) == (1, "new")
    assert [e.data for e in events_for(ticket) if e.action == "ticket.escalated"] == [{"level": 1, "to": []}]


def test_paused_and_closed_tickets_are_left_alone(make, mail_server):
    from dispatch.desk import services as desk

    owner = make.user(Role.AGENT)
    waiting = opened_at(make, local(2026, 11, 30, 8, 0), priority="urgent", owner_id=owner.id)
    done = opened_at(make, local(2026, 11, 30, 8, 0), priority="urgent", owner_id=owner.id)
    desk.change_status(waiting, "on_hold", None)
    desk.change_status(done, "resolved", None)
    db.session.commit()
    mail_server.clear()
    assert escalation.evaluate(local(2026, 12, 7, 9, 0)) == 0
    assert delivered(mail_server) == []


def test_the_evaluation_reads_with_the_same_queries_for_few_or_many_tickets(make):
    owner = make.user(Role.AGENT)
    make.user(Role.ADMIN)
    queue = make.queue("manual", [owner], team_lead_id=make.user(Role.AGENT).id)
    owner_id, queue_id = owner.id, queue.id

    def reads(count: int, day: int) -> int:
        """SELECTs of an evaluation finding ``count`` tickets with a breached first response."""
        for _ in range(count):
            opened_at(make, local(2026, 11, day, 8, 0), priority="urgent", owner_id=owner_id, queue_id=queue_id)
        db.session.expunge_all()
        with recorded_statements() as statements:
            assert escalation.evaluate(local(2026, 11, day, 9, 1)) == count  # each: first response breached
        # The outbox and its delivery tasks cost a few statements per mail, by design; the rest is constant.
        return len([s for s in statements if s.lstrip().upper().startswith("SELECT")
                    and "background_tasks" not in s and "outbox_mails" not in s])

    few, many = reads(2, 30), reads(12, 27)
    print(f"evaluate: {few} reads for 2 due tickets, {many} for 12")
    assert many == few


def test_the_second_level_counts_business_minutes_after_the_breach(make, mail_server):
    urgent_policy(second_escalation_minutes=120)
    lead = make.user(Role.AGENT)
    queue = make.queue("manual", [], team_lead_id=lead.id)
    ticket = opened_at(make, local(2026, 11, 27, 12, 30), priority="urgent", queue_id=queue.id)  # Friday
    ticket.first_responded_at = local(2026, 11, 27, 12, 40)
    db.session.commit()
    assert escalation.evaluate(local(2026, 11, 27, 16, 30)) == 1  # due now: breached (the warning point passed unseen)
    assert ticket.escalation_level == 1 and ticket.sla_warned_at is None  # no warning after the breach
    assert escalation.evaluate(local(2026, 11, 30, 8, 0)) == 0  # 30 business minutes over the weekend
    assert escalation.evaluate(local(2026, 11, 30, 9, 29)) == 0
    assert escalation.evaluate(local(2026, 11, 30, 9, 30)) == 1
    assert ticket.escalation_level == 2


def test_a_first_response_breach_answered_meanwhile_goes_no_higher(make, mail_server):
    urgent_policy(second_escalation_minutes=60)
    ticket = opened_at(make, local(2026, 11, 30, 8, 0), priority="urgent")  # first response due 09:00, due 12:00
    assert escalation.evaluate(local(2026, 11, 30, 9, 1)) == 1
    ticket.first_responded_at = local(2026, 11, 30, 9, 10)
    db.session.commit()
    assert escalation.evaluate(local(2026, 11, 30, 10, 30)) == 0  # answered: the breach is mended
    assert escalation.evaluate(local(2026, 11, 30, 12, 0)) == 1  # the resolution breach
    assert escalation.evaluate(local(2026, 11, 30, 12, 59)) == 0
    assert escalation.evaluate(local(2026, 11, 30, 13, 0)) == 1  # an hour after the resolution breach
    assert ticket.escalation_level == 2

"""The customer hears of their appointment: confirmed with its arrival window, moved, or called off; in
their language, once per change, and never for a change they would not notice."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from babel.dates import format_date
from icalendar import Calendar
from sqlalchemy import func, select

from dispatch.extensions import db
from dispatch.mail import OutboxMail
from dispatch.scheduling import notifications
from dispatch.scheduling import services as scheduling
from dispatch.scheduling.models import Job
from tests.support.factories import next_weekday_at
from tests.support.tasks import wait_for_tasks

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def _mails(mail_server, count, timeout=20):
    wait_for_tasks()
    return mail_server.wait_for(count, timeout=timeout)


def _subject(message):
    return str(message["Subject"]).strip()  # a long subject is folded before its first word


def _text(message):
    return message.get_body(preferencelist=("plain",)).get_content()


def _ics(message):
    parts = [part for part in message.iter_attachments() if part.get_content_type() == "text/calendar"]
    return Calendar.from_ical(parts[0].get_payload(decode=True)) if parts else None


def _planned(make, language="en", email="auto", start=None, window=None):
    """A job of a customer speaking ``language``, scheduled (and so confirmed) for Anna at ``start``."""
    overrides = {"language": language} if email == "auto" else {"language": language, "email": email}
    customer = make.customer(**overrides)
    technician = make.user("technician", name="Anna de Vries")
    job = make.job(make.ticket(customer))
    start = start or next_weekday_at(9, 10)
    scheduling.schedule(job, technician.id, start, start + timedelta(hours=1), None, window=window)
    db.session.commit()
    return job, technician


@pytest.mark.parametrize("language, locale", [("nl", "nl_NL"), ("de", "de_DE"), ("en", "en_GB")])
def test_first_planning_confirms_the_arrival_window_in_the_customers_language(make, mail_server, language, locale):
    job, _technician = _planned(make, language)
    [message] = _mails(mail_server, 1)
    local = job.scheduled_start.astimezone(AMSTERDAM)
    assert message["To"] == job.site.customer.email
    assert _subject(message).startswith(f"[{job.ticket.reference}] ")
    body = _text(message)
    # 09:10 is promised as "between 09:00 and 11:00", on the day written the customer's way.
    assert format_date(local.date(), "full", locale=locale) in body
    assert "09:00–11:00" in body and "09:10" not in body
    assert job.site.address_line in body and job.ticket.reference in body
    assert "Anna" in body and "de Vries" not in body
    event = _ics(message).walk("VEVENT")[0]
    assert event.decoded("dtstart") == local.replace(minute=0).astimezone(ZoneInfo("UTC"))
    assert event.decoded("dtend") - event.decoded("dtstart") == timedelta(hours=2)
    assert str(event["status"]) == "CONFIRMED"


def test_an_agreed_window_is_the_one_promised(make, mail_server):
    start = next_weekday_at(13, 30)
    window = (next_weekday_at(12), next_weekday_at(16))
    job, _technician = _planned(make, "en", start=start, window=window)
    [message] = _mails(mail_server, 1)
    assert "12:00–16:00" in _text(message)
    assert notifications.arrival_window(job, start) == window


def test_a_reschedule_to_another_time_sends_the_new_time(make, mail_server):
    job, technician = _planned(make, "en")
    later = next_weekday_at(14, days_ahead=2)
    scheduling.schedule(job, technician.id, later, later + timedelta(hours=1), None)
    db.session.commit()
    first, moved = _mails(mail_server, 2)
    body = _text(moved)
    assert _subject(moved).startswith(f"[{job.ticket.reference}] New time")
    assert format_date(later.astimezone(AMSTERDAM).date(), "full", locale="en_GB") in body
    assert "14:00–16:00" in body
    assert _ics(moved).walk("VEVENT")[0].decoded("dtstart") == later


def test_a_new_technician_at_the_same_time_or_the_same_slot_again_mails_nothing(make, mail_server):
    job, technician = _planned(make, "en")
    other = make.user("technician")
    start, end = job.scheduled_start, job.scheduled_end
    scheduling.schedule(job, other.id, start, end, None)  # technician swap
    db.session.commit()
    scheduling.schedule(job, other.id, start, end, None)  # the same slot again
    db.session.commit()
    scheduling.schedule(job, technician.id, start + timedelta(minutes=10), end + timedelta(minutes=10), None)
    db.session.commit()  # 09:20 is still inside the promised 09:00-11:00
    assert len(_mails(mail_server, 2, timeout=1)) == 1
    assert db.session.scalar(select(func.count()).select_from(OutboxMail)) == 1


@pytest.mark.parametrize("take_off", ["cancel", "postpone", "unschedule"])
def test_calling_off_a_planned_visit_tells_the_customer_without_the_internal_reason(make, mail_server, take_off):
    job, _technician = _planned(make, "en")
    getattr(scheduling, take_off)(db.session.get(Job, job.id), "Technician ill, do not tell", None)
    db.session.commit()
    _confirmed, called_off = _mails(mail_server, 2)
    body = _text(called_off)
    assert _subject(called_off).startswith(f"[{job.ticket.reference}] ")
    assert "cancelled" in _subject(called_off)
    assert "09:00–11:00" in body and "new appointment" in body
    assert "Technician ill" not in body
    assert _ics(called_off) is None


def test_planned_again_after_a_postponement_is_confirmed_even_at_the_old_time(make, mail_server):
    job, technician = _planned(make, "en")
    start, end = job.scheduled_start, job.scheduled_end
    scheduling.postpone(job, "Part on back order", None)
    db.session.commit()
    scheduling.schedule(job, technician.id, start, end, None)
    db.session.commit()
    subjects = [_subject(message) for message in _mails(mail_server, 3)]
    assert len(subjects) == 3
    assert "Your appointment on" in subjects[2] and "cancelled" not in subjects[2]


def test_cancelling_a_job_that_was_never_planned_mails_nothing(make, mail_server):
    job = make.job()
    scheduling.cancel(job, "Customer solved it", None)
    db.session.commit()
    wait_for_tasks()
    assert mail_server.wait_for(1, timeout=0.5) == []


def test_no_mail_without_an_address_and_no_outbox_row(make, mail_server):
    job, technician = _planned(make, "en", email=None)
    later = next_weekday_at(15, days_ahead=3)
    scheduling.schedule(job, technician.id, later, later + timedelta(hours=1), None)
    scheduling.cancel(job, "No longer needed", None)
    db.session.commit()
    wait_for_tasks()
    assert mail_server.wait_for(1, timeout=0.5) == []
    assert db.session.scalar(select(func.count()).select_from(OutboxMail)) == 0


def test_scheduling_through_the_api_confirms_once_even_when_replayed(api, make, mail_server):
    customer = make.customer(language="de")
    job = make.job(make.ticket(customer))
    technician = make.user("technician")
    client = api.as_user(make.user("agent"))
    start = next_weekday_at(10)
    body = {"technician_id": technician.id, "start": start.isoformat(),
            "end": (start + timedelta(hours=1)).isoformat()}
    first = client.post(f"jobs/{job.id}/schedule", body, idempotency_key="plan-1")
    again = client.post(f"jobs/{job.id}/schedule", body, idempotency_key="plan-1")
    assert first.status_code == again.status_code == 200
    assert again.headers.get("Idempotent-Replayed") == "true"
    [message] = _mails(mail_server, 2, timeout=1)
    assert "10:00–12:00" in _text(message)
    assert format_date(start.astimezone(AMSTERDAM).date(), "full", locale="de_DE") in _text(message)


def test_the_window_rounds_down_to_the_half_hour_in_utc_and_local_time(make):
    job = make.job()
    start = next_weekday_at(8, 47)
    begin, end = notifications.arrival_window(job, start)
    assert begin.astimezone(AMSTERDAM).strftime("%H:%M") == "08:30" and end - begin == timedelta(hours=2)


@pytest.mark.parametrize("action", ["cancel", "postpone", "unschedule"])
def test_calling_off_through_the_api_mails_once_even_when_replayed(api, make, mail_server, action):
    job, _technician = _planned(make, "nl")
    client = api.as_user(make.user("agent"))
    first = client.post(f"jobs/{job.id}/{action}", {"reason": "Monteur ziek"}, idempotency_key="off-1")
    again = client.post(f"jobs/{job.id}/{action}", {"reason": "Monteur ziek"}, idempotency_key="off-1")
    assert first.status_code == again.status_code == 200, first.json
    assert again.headers.get("Idempotent-Replayed") == "true"
    messages = _mails(mail_server, 3, timeout=1)
    assert len(messages) == 2
    assert "Monteur ziek" not in _text(messages[1]) and "09:00–11:00" in _text(messages[1])

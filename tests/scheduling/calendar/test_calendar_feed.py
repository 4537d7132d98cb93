"""A technician's jobs as a secret iCalendar feed: what it lists, how the link is kept and who may make one."""

import hashlib
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from icalendar import Calendar
from sqlalchemy import select

from dispatch.audit import AuditEvent
from dispatch.auth.models import User
from dispatch.dbtypes import utcnow
from dispatch.desk.models import Ticket
from dispatch.enums import JobStatus
from dispatch.extensions import db
from dispatch.scheduling import services as scheduling
from dispatch.scheduling.models import Job, TechnicianProfile
from tests.support.factories import next_weekday_at
from tests.support.queries import statements_for


def _path(url):
    return urlsplit(url).path


def _link(api, technician):
    response = api.as_user(technician).post("me/calendar-feed")
    assert response.status_code == 201, response.json
    assert response.headers["Cache-Control"] == "no-store"
    return response.json["url"]


def _feed(client, url):
    response = client.get(_path(url))
    assert response.status_code == 200, response.status_code
    return response, Calendar.from_ical(response.data)


def _place(job, technician, start, status=JobStatus.SCHEDULED):
    """Put ``job`` in the technician's calendar at ``start`` directly (the feed shows what is stored)."""
    job.technician_id, job.scheduled_start, job.scheduled_end, job.status = (
        technician.id, start, start + timedelta(minutes=job.duration_minutes), status)


def test_the_feed_lists_the_technicians_visits_for_any_calendar_app(app, client, api, make):
    technician = make.user("technician")
    customer = make.customer(name="Bakker, Jansen; & Zn")
    job = make.scheduled_job(technician, make.ticket(customer), instructions="Key at the neighbours, no. 12")
    cancelled = make.scheduled_job(technician, start=next_weekday_at(14))
    scheduling.cancel(cancelled, "Customer away", None)
    db.session.commit()
    url = _link(api, technician)
    assert url.startswith("http://127.0.0.1:5000/calendar/") and url.endswith(".ics")

    response, calendar = _feed(app.test_client(), url)  # no sign-in: calendar apps cannot
    assert response.mimetype == "text/calendar"
    assert response.headers["Cache-Control"] in ("private, max-age=300", "max-age=300, private")
    events = {str(event["uid"]): event for event in calendar.walk("VEVENT")}
    assert set(events) == {f"{job.number}@127.0.0.1", f"{cancelled.number}@127.0.0.1"}
    event = events[f"{job.number}@127.0.0.1"]
    assert event.decoded("dtstart") == job.scheduled_start and event.decoded("dtend") == job.scheduled_end
    assert event["dtstart"].to_ical().endswith(b"Z")  # UTC
    assert str(event["summary"]) == f"{job.number} · Repair · Bakker, Jansen; & Zn"
    assert b"Bakker\\, Jansen\\; & Zn" in response.data  # RFC 5545 escaping
    assert str(event["location"]) == job.site.address_line
    assert "Key at the neighbours, no. 12" in str(event["description"])
    assert job.ticket.reference in str(event["description"])
    assert str(event["url"]).endswith(f"/app/#/jobs/{job.id}")
    assert str(event["status"]) == "CONFIRMED"
    assert str(events[f"{cancelled.number}@127.0.0.1"]["status"]) == "CANCELLED"
    assert int(event["sequence"]) > 0 and event.decoded("last-modified")


def test_the_feed_covers_thirty_days_back_and_ninety_ahead_of_this_technician_only(app, client, api, make):
    technician, other = make.user("technician"), make.user("technician")
    ticket = make.ticket()
    now = utcnow().replace(microsecond=0)
    placed = {}
    for name, owner, offset in (("recent", technician, -29), ("old", technician, -31), ("soon", technician, 89),
                                ("far", technician, 91), ("others", other, 1)):
        job = make.job(ticket)
        _place(job, owner, now + timedelta(days=offset))
        placed[name] = job.number
    db.session.commit()
    _response, calendar = _feed(app.test_client(), _link(api, technician))
    numbers = {str(event["uid"]).split("@")[0] for event in calendar.walk("VEVENT")}
    assert numbers == {placed["recent"], placed["soon"]}


def test_the_database_keeps_only_the_hash_and_a_new_link_ends_the_old_one(app, api, make):
    technician = make.user("technician")
    make.scheduled_job(technician)
    client = app.test_client()
    first = _link(api, technician)
    token = _path(first).removeprefix("/calendar/").removesuffix(".ics")
    assert len(token) >= 43  # 32 random bytes
    profile = db.session.get(TechnicianProfile, technician.id)
    db.session.refresh(profile)
    assert profile.calendar_token_hash == hashlib.sha256(token.encode()).hexdigest()
    stored = [str(event.data) for event in db.session.scalars(select(AuditEvent))]
    assert not any(token in data for data in stored)

    second = _link(api, technician)
    assert second != first
    assert client.get(_path(first)).status_code == 404
    assert client.get(_path(second)).status_code == 200

    assert api.as_user(technician).delete("me/calendar-feed").status_code == 204
    assert client.get(_path(second)).status_code == 404
    assert api.as_user(technician).delete("me/calendar-feed").status_code == 204  # nothing left to stop
    assert client.get("/calendar/made-up-token.ics").status_code == 404
    assert client.get(f"/calendar/{'x' * 500}.ics").status_code == 404


def test_an_inactive_technicians_feed_stops(app, api, make):
    technician = make.user("technician")
    url = _link(api, technician)
    technician.active = False
    db.session.commit()
    assert app.test_client().get(_path(url)).status_code == 404


@pytest.mark.parametrize("role, own, other", [
    ("technician", 201, 404), ("agent", 404, 201), ("admin", 404, 201), ("billing", 403, 403)])
def test_who_may_make_and_stop_links(api, make, role, own, other):
    user = make.user(role)
    technician = make.user("technician")
    client = api.as_user(user)
    # /me/ is the technician's own; for the office it is 403, hidden as 404 from nobody but technicians.
    own_expected = own if role == "technician" else 403
    assert client.post("me/calendar-feed").status_code == own_expected
    assert client.delete("me/calendar-feed").status_code == (204 if role == "technician" else 403)
    assert client.post(f"technicians/{technician.id}/calendar-feed").status_code == other
    assert client.delete(f"technicians/{technician.id}/calendar-feed").status_code == (
        204 if other == 201 else other)
    db.session.expire_all()
    assert db.session.get(TechnicianProfile, technician.id).calendar_token_hash is None  # deleted again or never


def test_anonymous_callers_are_401_on_the_api(api, make):
    technician = make.user("technician")
    assert api.post("me/calendar-feed").status_code == 401
    assert api.delete("me/calendar-feed").status_code == 401
    assert api.post(f"technicians/{technician.id}/calendar-feed").status_code == 401
    assert api.delete(f"technicians/{technician.id}/calendar-feed").status_code == 401


def test_the_office_gets_a_working_link_only_for_a_technician(app, api, make):
    agent = make.user("agent")
    technician = make.user("technician")
    client = api.as_user(agent)
    assert client.post(f"technicians/{agent.id}/calendar-feed").status_code == 404
    assert client.post("technicians/999999/calendar-feed").status_code == 404
    url = client.post(f"technicians/{technician.id}/calendar-feed").json["url"]
    assert app.test_client().get(_path(url)).status_code == 200


def test_the_feed_runs_the_same_queries_for_5_and_50_jobs(app, api, make):
    technician = make.user("technician")
    url = _link(api, technician)
    technician_id, ticket_id = technician.id, make.ticket().id
    start = next_weekday_at(8)
    counts = []
    for total in (5, 50):
        # statements_for empties the session: read the technician and ticket again
        technician, ticket = db.session.get(User, technician_id), db.session.get(Ticket, ticket_id)
        for existing in range(db.session.scalar(select(db.func.count()).select_from(Job)), total):
            _place(scheduling.create_job(ticket, {"duration_minutes": 30}), technician,
                   start + timedelta(hours=existing))
        db.session.commit()
        statements, response = statements_for(app.test_client(), _path(url))
        assert response.status_code == 200
        assert len(Calendar.from_ical(response.data).walk("VEVENT")) == total
        counts.append(statements)
    assert counts[0] == counts[1], counts

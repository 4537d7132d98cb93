"""Issue 5, dispatch: suggestions for one job among 500 technicians with a week of jobs each (aim < 50 ms)."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import insert

from dispatch.auth.models import User
from dispatch.customers.models import Site
from dispatch.enums import GeocodeStatus, JobKind, JobStatus, Role
from dispatch.extensions import db
from dispatch.scheduling import suggestions
from dispatch.scheduling.models import DEFAULT_WORKING_HOURS, Job, TechnicianProfile

pytestmark = pytest.mark.bench

TECHNICIANS = 500
JOBS_PER_DAY = 5
# Minutes after 8:00 at which the day's 45-minute jobs start.
SLOTS = (0, 90, 180, 300, 390)
SITES = 2000
UTC = ZoneInfo("UTC")
# Roughly the Netherlands, Belgium and the west of Germany.
LATITUDES, LONGITUDES = (49.5, 53.5), (2.6, 9.0)


def _coordinates(rng: random.Random) -> tuple[float, float]:
    return rng.uniform(*LATITUDES), rng.uniform(*LONGITUDES)


def _monday(zone: ZoneInfo) -> date:
    """The Monday of next week, in the company's zone."""
    today = datetime.now(zone).date()
    return today + timedelta(days=7 - today.weekday())


def _fill(make, zone: ZoneInfo) -> int:
    """500 technicians with a week of five jobs a day at sites spread over NL/BE/DE; the job to place."""
    rng = random.Random(5)
    ticket = make.ticket()
    customer_id = ticket.customer_id
    sites = [_coordinates(rng) for _ in range(SITES)]
    site_ids = [row.id for row in db.session.execute(insert(Site).returning(Site.id, sort_by_parameter_order=True), [
        {"customer_id": customer_id, "street": f"Straat {n}", "postal_code": "1000", "city": "Stad", "country": "NL",
         "latitude": lat, "longitude": lon, "geocode_status": GeocodeStatus.LOCATED}
        for n, (lat, lon) in enumerate(sites)])]
    user_ids = [row.id for row in db.session.execute(insert(User).returning(User.id, sort_by_parameter_order=True), [
        {"email": f"bench-tech{n}@example.com", "name": f"Technician {n:03d}", "role": Role.TECHNICIAN,
         "password_hash": "-", "language": "en", "active": True} for n in range(TECHNICIANS)])]
    homes = [_coordinates(rng) for _ in user_ids]
    db.session.execute(insert(TechnicianProfile), [
        {"user_id": user_id, "skills": ["boiler", "heat_pump"] if n % 4 else ["solar"],
         "home_latitude": home[0], "home_longitude": home[1],
         "working_hours": dict(DEFAULT_WORKING_HOURS), "home_geocode_status": GeocodeStatus.LOCATED}
        for n, (user_id, home) in enumerate(zip(user_ids, homes, strict=True))])
    # Each technician works the sites nearest to home (a region), as dispatchers plan.
    regions = {n: sorted(range(SITES), key=lambda s: (sites[s][0] - home[0]) ** 2 + (sites[s][1] - home[1]) ** 2)[:20]
               for n, home in enumerate(homes)}
    monday = _monday(zone)
    jobs = []
    for n, user_id in enumerate(user_ids):
        for day in range(5):
            for offset in SLOTS[:JOBS_PER_DAY]:
                if rng.random() < 0.1:
                    continue  # a gap now and then
                start = datetime.combine(monday + timedelta(days=day), time(8), zone).astimezone(UTC)
                start += timedelta(minutes=offset)
                jobs.append({"number": f"J-B-{len(jobs):07d}", "kind": JobKind.REPAIR, "status": JobStatus.SCHEDULED,
                             "ticket_id": ticket.id, "site_id": site_ids[rng.choice(regions[n])],
                             "required_skills": [], "duration_minutes": 45, "checklist": [], "technician_id": user_id,
                             "scheduled_start": start, "scheduled_end": start + timedelta(minutes=45)})
    db.session.execute(insert(Job), jobs)
    db.session.commit()
    print(f"\n  {TECHNICIANS} technicians, {len(jobs)} booked jobs over the week, {SITES} sites")
    return make.job(ticket, required_skills=["boiler"], duration_minutes=90).id


def test_suggestions_among_500_technicians_with_a_week_of_jobs(app, api, make, bench):
    zone = ZoneInfo(app.config["COMPANY_TIMEZONE"])
    job_id = _fill(make, zone)
    wednesday = _monday(zone) + timedelta(days=2)
    start, end = suggestions.day_window(datetime.combine(wednesday, time(12), zone))

    def rank() -> None:
        db.session.expunge_all()
        suggestions.rank(db.session.get(Job, job_id), start, end)

    bench.profile(rank, times=5, lines=20)
    service = bench.measure("suggestions.rank, 500 technicians", rank, repeat=15)
    client = api.as_user(make.user("agent"))
    path = f"jobs/{job_id}/suggestions"
    query = {"start": start.isoformat(), "end": end.isoformat()}
    first = client.get(path, query_string=query)
    assert first.status_code == 200 and first.json
    print(f"  best: {first.json[0]['name']} at {first.json[0]['earliest_start']}, {first.json[0]['reasons']}")
    print(f"  left out: {first.headers.get('Suggestions-Left-Out')}")

    def request() -> None:
        db.session.expunge_all()
        assert client.get(path, query_string=query).status_code == 200

    http = bench.measure("GET /jobs/{id}/suggestions, 500 technicians", request, repeat=15)
    print(f"  aim < 50 ms server time: rank median {service.median_ms:.1f} ms, "
          f"HTTP median {http.median_ms:.1f} ms ({service.query_count} / {http.query_count} queries)")
    assert service.query_count <= 10  # constant: the job, its site and customer, a count, three calendar reads

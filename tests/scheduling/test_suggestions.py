"""Suggestions: hard rules (skills, a free slot) leave technicians out; travel, load and preference rank them."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dispatch.extensions import db
from dispatch.scheduling import suggestions
from dispatch.scheduling.models import Absence
from tests.support.factories import next_weekday_at
from tests.support.queries import recorded_statements

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
UTC = ZoneInfo("UTC")
UTRECHT = (52.09, 5.12)
AMERSFOORT = (52.16, 5.39)  # about 25 km east of Utrecht


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), AMSTERDAM).astimezone(UTC)


def the_day() -> date:
    return next_weekday_at(9, days_ahead=2).astimezone(AMSTERDAM).date()


def technician(make, name, at=UTRECHT, **overrides):
    return make.user("technician", name=name, home_latitude=at[0], home_longitude=at[1], **overrides)


def job_at(make, at=UTRECHT, **overrides):
    customer = make.customer(latitude=at[0], longitude=at[1])
    return make.job(make.ticket(customer), **overrides)


def ranked(job, day: date, **options):
    start, end = suggestions.day_window(local(day, 12))
    db.session.refresh(job)
    return suggestions.rank(job, start, end, **options)


def test_skills_and_absence_are_hard_rules(make):
    day = the_day()
    skilled = technician(make, "Skilled")
    technician(make, "Unskilled", skills=["solar"])
    away = technician(make, "Away")
    db.session.add(Absence(technician_id=away.id, starts_at=local(day, 0), ends_at=local(day + timedelta(days=1), 0),
                           reason="sickness"))
    db.session.commit()
    found = ranked(job_at(make, required_skills=["boiler"]), day)
    assert [s.technician_id for s in found] == [skilled.id]
    assert "has every required skill" in found[0].reasons


def test_a_morning_absence_moves_the_earliest_slot_after_it(make):
    day = the_day()
    person = technician(make, "Back at eleven")
    db.session.add(Absence(technician_id=person.id, starts_at=local(day, 8), ends_at=local(day, 11), reason="other"))
    db.session.commit()
    [found] = ranked(job_at(make), day)
    assert found.earliest_start == local(day, 11)
    assert found.earliest_end == local(day, 12)
    assert "free from 11:00" in found.reasons


def test_earliest_slot_after_an_existing_job_includes_the_drive_from_it(make):
    day = the_day()
    person = technician(make, "Busy morning")
    earlier = make.scheduled_job(person, make.ticket(make.customer(latitude=AMERSFOORT[0],
                                                                   longitude=AMERSFOORT[1])),
                                 start=local(day, 8), duration_minutes=120)
    [found] = ranked(job_at(make), day)
    # 10:00 in Amersfoort, then ~25 km at 50 km/h with the detour factor: rounded up to the quarter hour.
    assert found.earliest_start == local(day, 10, 45)
    assert found.travel_minutes == 32 and 20 < found.distance_km < 40
    assert f"{found.travel_minutes} min drive from job {earlier.number}" in found.reasons


def test_yesterday_evening_job_is_not_the_previous_stop_the_day_starts_from_home(make):
    day = the_day()
    person = technician(make, "Busy yesterday")
    yesterday = day - timedelta(days=1)
    while yesterday.weekday() >= 5:  # a working day, so the job may be planned
        yesterday -= timedelta(days=1)
    make.scheduled_job(person, make.ticket(make.customer(latitude=AMERSFOORT[0], longitude=AMERSFOORT[1])),
                       start=local(yesterday, 15), duration_minutes=120)
    [found] = ranked(job_at(make), day)
    assert found.travel_minutes == 0  # from home in Utrecht, not from the last job before in Amersfoort
    assert found.earliest_start == local(day, 8)


def test_an_overlapping_job_is_a_hard_rule_in_a_short_window(make):
    day = the_day()
    technician(make, "Taken", at=UTRECHT)
    free = technician(make, "Free", at=AMERSFOORT)
    make.scheduled_job(db.session.get(type(free), free.id - 1), start=local(day, 9))
    job = job_at(make)
    db.session.refresh(job)
    found = suggestions.rank(job, local(day, 9), local(day, 9, 15))
    assert [s.technician_id for s in found] == [free.id]


def test_travel_from_the_previous_stop_ranks_the_nearer_technician_first(make):
    day = the_day()
    near = technician(make, "Near", at=UTRECHT)
    far = technician(make, "Far", at=(51.44, 5.47))  # Eindhoven
    found = ranked(job_at(make), day)
    assert [s.technician_id for s in found] == [near.id, far.id]
    assert found[0].travel_minutes == 0 and found[1].travel_minutes > 60
    assert found[0].score > found[1].score


def test_load_that_day_ranks_the_lighter_day_first(make):
    day = the_day()
    loaded = technician(make, "Loaded")
    light = technician(make, "Light")
    make.scheduled_job(loaded, start=local(day, 13), duration_minutes=240)
    found = ranked(job_at(make), day)
    assert [s.technician_id for s in found] == [light.id, loaded.id]
    assert "4 h booked that day" in found[1].reasons and "0 h booked that day" in found[0].reasons


def test_the_customers_preferred_technician_ranks_first(make):
    day = the_day()
    technician(make, "Nearest")
    favourite = technician(make, "Favourite", at=AMERSFOORT)
    job = job_at(make)
    job.site.customer.preferred_technician_id = favourite.id
    db.session.commit()
    found = ranked(job, day)
    assert found[0].technician_id == favourite.id and found[0].preferred
    assert "customer's preferred technician" in found[0].reasons
    assert not found[1].preferred


def test_the_appointment_window_bounds_the_start(make):
    day = the_day()
    technician(make, "Anyone")
    job = job_at(make)
    job.window_start, job.window_end = local(day, 13), local(day, 15)
    db.session.commit()
    [found] = ranked(job, day)
    assert found.earliest_start == local(day, 13)
    job.window_start, job.window_end = local(day, 18), local(day, 19)  # after working hours: nobody
    db.session.commit()
    assert ranked(job, day) == []


def test_working_hours_follow_daylight_saving(make):
    technician(make, "Early bird")
    job = job_at(make)
    # Europe/Amsterdam moves to summer time on Sunday 28 March 2027: 8:00 is 07:00 UTC before, 06:00 after.
    [friday] = ranked(job, date(2027, 3, 26))
    [monday] = ranked(job, date(2027, 3, 29))
    assert friday.earliest_start == datetime(2027, 3, 26, 7, tzinfo=UTC)
    assert monday.earliest_start == datetime(2027, 3, 29, 6, tzinfo=UTC)


def test_exclude_and_limit(make):
    day = the_day()
    first, second, third = (technician(make, name) for name in ("A", "B", "C"))
    found = ranked(job_at(make), day, exclude=[first.id], limit=1)
    assert [s.technician_id for s in found] == [second.id]
    assert third.id not in [s.technician_id for s in found]


def test_api_default_window_is_the_next_working_day(api, make):
    technician(make, "Tomorrow")
    job = job_at(make)
    response = api.as_user(make.user("agent")).get(f"jobs/{job.id}/suggestions")
    assert response.status_code == 200
    [item] = response.json
    start = datetime.fromisoformat(item["earliest_start"]).astimezone(AMSTERDAM)
    assert start.weekday() < 5 and start.date() > date.today() and start.time() == time(8)
    assert set(item) >= {"technician_id", "name", "score", "distance_km", "travel_minutes", "earliest_start",
                         "earliest_end", "preferred", "reasons"}


def test_api_window_bad_input_is_422_naming_the_field(api, make):
    job = job_at(make)
    client = api.as_user(make.user("agent"))
    start = next_weekday_at(9)
    for query, field in (({"start": "tomorrow"}, "start"), ({"end": start.isoformat()}, "start"),
                         ({"start": start.isoformat(), "end": (start - timedelta(hours=1)).isoformat()}, "end"),
                         ({"start": start.isoformat(), "end": (start + timedelta(days=8)).isoformat()}, "end"),
                         ({"limit": "many"}, "limit"), ({"limit": 0}, "limit")):
        response = client.get(f"jobs/{job.id}/suggestions", query_string=query)
        assert response.status_code == 422 and field in response.json["errors"], query
    assert client.get("jobs/424242/suggestions").status_code == 404


def test_suggestions_roles(api, make):
    job = job_at(make)
    for role, status in (("agent", 200), ("admin", 200), ("billing", 403), ("technician", 404)):
        assert api.as_user(make.user(role)).get(f"jobs/{job.id}/suggestions").status_code == status, role


def test_suggestions_cost_the_same_queries_for_5_or_50_technicians(api, make):
    day = the_day()
    job_id = job_at(make).id
    agent = api.as_user(make.user("agent"))

    def add(count: int) -> None:
        for n in range(count):
            make.scheduled_job(technician(make, f"Tech {n}"), start=local(day, 9 + n % 3))

    def statements() -> tuple[int, list]:
        db.session.expunge_all()
        with recorded_statements() as sent:
            response = agent.get(f"jobs/{job_id}/suggestions", query_string={"start": local(day, 0).isoformat()})
        assert response.status_code == 200
        return len(sent), response.json

    add(5)
    few, _ = statements()
    add(45)
    many, found = statements()
    assert len(found) == 10 and few == many

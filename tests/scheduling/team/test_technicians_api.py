"""Technicians through the API: who may read and change them, skills, home base and working hours."""

import pytest

from dispatch.audit import events_for
from dispatch.enums import Role
from dispatch.extensions import db
from dispatch.scheduling.models import DEFAULT_WORKING_HOURS, TechnicianProfile
from tests.support.queries import statements_for

WEEK = {"mon": [["08:00", "12:00"], ["12:30", "17:00"]], "tue": [["08:00", "17:00"]], "wed": [],
        "thu": [["07:00", "15:30"]], "fri": [["08:00", "12:00"]], "sat": [], "sun": []}


def profile_of(technician) -> TechnicianProfile:
    db.session.expire_all()
    return db.session.get(TechnicianProfile, technician.id)


@pytest.mark.parametrize(("role", "expected"), [("agent", 200), ("admin", 200), ("billing", 403),
                                                ("technician", 404)])
def test_who_reads_technicians(api, make, role, expected):
    technician = make.user("technician")
    client = api.as_user(make.user(role))
    assert client.get("technicians").status_code == expected
    assert client.get(f"technicians/{technician.id}").status_code == expected


def test_anonymous_gets_401(api, make):
    technician = make.user("technician")
    assert api.get("technicians").status_code == 401
    assert api.patch(f"technicians/{technician.id}", {"skills": ["gas"]}).status_code == 401


@pytest.mark.parametrize(("role", "expected"), [("agent", 200), ("admin", 200), ("billing", 403),
                                                ("technician", 404)])
def test_who_changes_a_technician(api, make, role, expected):
    technician = make.user("technician", skills=["boiler"])
    response = api.as_user(make.user(role)).patch(f"technicians/{technician.id}", {"skills": ["gas"]})
    assert response.status_code == expected
    assert profile_of(technician).skills == (["gas"] if expected == 200 else ["boiler"])


def test_a_technician_cannot_edit_even_their_own_profile(api, make):
    technician = make.user("technician", skills=["boiler"])
    response = api.as_user(technician).patch(f"technicians/{technician.id}", {"skills": ["gas"]})
    assert response.status_code == 404
    assert profile_of(technician).skills == ["boiler"]


def test_list_is_paginated_by_name_with_profile_and_current_absence(api, make):
    from datetime import timedelta

    from dispatch.dbtypes import utcnow
    from dispatch.scheduling.models import Absence

    names = ["Cas", "Anna", "Bram"]
    technicians = {name: make.user("technician", name=name) for name in names}
    db.session.add(Absence(technician_id=technicians["Bram"].id, starts_at=utcnow() - timedelta(hours=1),
                           ends_at=utcnow() + timedelta(days=2), reason="sickness"))
    db.session.commit()
    client = api.as_user(make.user("agent"))
    first = client.get("technicians", query_string={"limit": 2}).json
    assert [item["name"] for item in first["items"]] == ["Anna", "Bram"]
    assert first["items"][1]["current_absence"]["reason"] == "sickness"
    assert first["items"][0]["current_absence"] is None
    assert first["items"][0]["skills"] == ["boiler", "heat_pump"]
    second = client.get("technicians", query_string={"limit": 2, "cursor": first["next_cursor"]}).json
    assert [item["name"] for item in second["items"]] == ["Cas"] and second["next_cursor"] is None


def test_skills_are_normalised_and_bounded(api, make):
    technician = make.user("technician")
    client = api.as_user(make.user("agent"))
    response = client.patch(f"technicians/{technician.id}", {"skills": [" Gas", "gas", "Heat_Pump", "boiler"]})
    assert response.status_code == 200 and response.json["skills"] == ["boiler", "gas", "heat_pump"]
    for skills in ([f"skill{n}" for n in range(31)], ["two words"], ["x" * 41]):
        response = client.patch(f"technicians/{technician.id}", {"skills": skills})
        assert response.status_code == 422 and "skills" in str(response.json["errors"]), skills
    assert profile_of(technician).skills == ["boiler", "gas", "heat_pump"]


def test_working_hours_replace_the_week_and_are_audited(api, make):
    technician = make.user("technician")
    agent = make.user("agent")
    response = api.as_user(agent).patch(f"technicians/{technician.id}", {"working_hours": WEEK})
    assert response.status_code == 200 and response.json["working_hours"] == WEEK
    assert profile_of(technician).working_hours == WEEK
    event = events_for(technician)[-1]
    assert event.action == "technician.updated" and event.actor_id == agent.id
    assert event.data["working_hours"][:3] == ["mon 08:00-12:00", "mon 12:30-17:00", "tue 08:00-17:00"]
    assert event.data["previous_working_hours"][0] == "mon 08:00-17:00"


@pytest.mark.parametrize(("day", "periods"), [
    ("mon", [["08:00", "12:00"], ["11:00", "17:00"]]),  # overlapping
    ("tue", [["13:00", "17:00"], ["08:00", "12:00"]]),  # out of order
    ("wed", [["17:00", "08:00"]]),  # ends before it begins
    ("thu", [["8:00", "12:00"]]),  # not HH:MM
    ("fri", [["08:00", "24:00"]]),  # no such time
    ("sat", [["06:00", "07:00"], ["08:00", "09:00"], ["10:00", "11:00"], ["12:00", "13:00"]]),  # four periods
    ("sun", [["08:00"]]),  # half a period
])
def test_unusable_hours_are_422_naming_the_day_and_change_nothing(api, make, day, periods):
    technician = make.user("technician")
    response = api.as_user(make.user("admin")).patch(f"technicians/{technician.id}", {
        "skills": ["gas"], "working_hours": {**DEFAULT_WORKING_HOURS, day: periods}})
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert any(key.startswith(f"working_hours.{day}") for key in response.json["errors"]), response.json
    assert profile_of(technician).working_hours == DEFAULT_WORKING_HOURS
    assert profile_of(technician).skills == ["boiler", "heat_pump"]  # all or nothing
    assert [event.action for event in events_for(technician)] == []


def test_unknown_weekday_and_wrong_types_are_named(api, make):
    technician = make.user("technician")
    client = api.as_user(make.user("agent"))
    for body, field in (({"working_hours": {"funday": []}}, "working_hours"),
                        ({"working_hours": "9-5"}, "working_hours"), ({"skills": "gas"}, "skills"),
                        ({"home": {"street": "Hoofdstraat 1"}}, "home"),
                        ({"home": {"street": "a", "postal_code": "1", "city": "b", "country": "NLD"}}, "home")):
        response = client.patch(f"technicians/{technician.id}", body)
        assert response.status_code == 422 and any(k.startswith(field) for k in response.json["errors"]), body
    assert profile_of(technician).working_hours == DEFAULT_WORKING_HOURS


def test_home_base_is_stored_and_sent_to_the_geocoder(api, make):
    technician = make.user("technician")  # placed in Amsterdam by the factory
    response = api.as_user(make.user("agent")).patch(f"technicians/{technician.id}", {"home": {
        "street": "Hoofdstraat 12", "postal_code": "7311 jk", "city": "Apeldoorn", "country": "nl"}})
    assert response.status_code == 200
    home = response.json["home"]
    assert (home["street"], home["postal_code"], home["city"], home["country"]) == (
        "Hoofdstraat 12", "7311 JK", "Apeldoorn", "NL")
    profile = profile_of(technician)
    assert (profile.home_latitude, profile.home_longitude) != (52.37, 4.89)  # the old pin went with the old address
    assert events_for(technician)[-1].data["home"] == ["Hoofdstraat 12", "7311 JK", "Apeldoorn", "NL"]


def test_unknown_technician_or_another_user_is_404(api, make):
    agent = make.user("agent")
    client = api.as_user(agent)
    assert client.get("technicians/424242").status_code == 404
    assert client.get(f"technicians/{agent.id}").status_code == 404
    assert client.patch(f"technicians/{agent.id}", {"skills": ["gas"]}).status_code == 404


def test_listing_technicians_takes_the_same_queries_for_5_and_40(api, make):
    client = api.as_user(make.user("agent"))
    for _ in range(5):
        make.user(Role.TECHNICIAN)
    few, response = statements_for(client, "/api/v1/technicians?limit=100")
    assert len(response.json["items"]) == 5
    for _ in range(35):
        make.user(Role.TECHNICIAN)
    many, response = statements_for(client, "/api/v1/technicians?limit=100")
    assert len(response.json["items"]) == 40
    assert few == many

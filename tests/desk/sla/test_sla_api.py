"""/api/v1/sla-policies, /business-hours and /holidays: admins change them, agents read them, others are refused."""

import pytest

from dispatch.audit import AuditEvent
from dispatch.desk.sla.models import BusinessHours, Holiday, SlaPolicy
from dispatch.enums import Role
from tests.desk.sla.support import local, opened_at
from tests.support.queries import count

OFFICE_WEEK = {"mon": [["08:00", "17:00"]], "tue": [["08:00", "17:00"]], "wed": [["08:00", "17:00"]],
               "thu": [["08:00", "17:00"]], "fri": [["08:00", "17:00"]], "sat": [], "sun": []}
GOLD = {"name": "Gold urgent", "priority": "urgent", "customer_group": "gold", "first_response_minutes": 15,
        "resolution_minutes": 120, "warning_percent": 80, "second_escalation_minutes": 60}


@pytest.fixture
def admin(api, make):
    return api.as_user(make.user(Role.ADMIN))


def test_an_admin_creates_edits_and_deactivates_a_policy(admin):
    created = admin.post("sla-policies", GOLD)
    assert created.status_code == 201, created.json
    policy = created.json
    assert policy | {"id": 0} == GOLD | {"id": 0, "set_escalated_status": True, "active": True}
    changed = admin.patch(f"sla-policies/{policy['id']}", {"resolution_minutes": 180, "active": False})
    assert changed.status_code == 200 and changed.json["resolution_minutes"] == 180 and not changed.json["active"]
    listed = admin.get("sla-policies").json
    assert [p["priority"] for p in listed if p["customer_group"] is None] == ["urgent", "high", "medium", "low",
                                                                             "none"]
    assert listed[-1]["id"] == policy["id"]
    assert count(AuditEvent, AuditEvent.action.in_(["sla_policy.created", "sla_policy.updated"])) == 2


def test_policy_bad_input_is_refused_naming_the_field_and_nothing_changes(admin):
    before = count(SlaPolicy)
    cases = [
        ({"first_response_minutes": 0}, "first_response_minutes"),
        ({"resolution_minutes": -5}, "resolution_minutes"),
        ({"first_response_minutes": 200, "resolution_minutes": 100}, "first_response_minutes"),
        ({"warning_percent": 100}, "warning_percent"),
        ({"warning_percent": 0}, "warning_percent"),
        ({"priority": "whenever"}, "priority"),
        ({"resolution_minutes": "lots"}, "resolution_minutes"),
        ({"customer_group": "g" * 41}, "customer_group"),
    ]
    for change, field in cases:
        response = admin.post("sla-policies", GOLD | change)
        assert response.status_code == 422, change
        assert response.mimetype == "application/problem+json" and field in response.json["errors"], change
    duplicate = admin.post("sla-policies", GOLD | {"customer_group": None})  # the seeded urgent policy
    assert duplicate.status_code == 409 and "customer_group" in duplicate.json["errors"]
    seeded = admin.get("sla-policies").json[0]
    wrong = admin.patch(f"sla-policies/{seeded['id']}", {"first_response_minutes": seeded["resolution_minutes"] + 1})
    assert wrong.status_code == 422 and "first_response_minutes" in wrong.json["errors"]
    assert admin.patch("sla-policies/999999", {"name": "x"}).status_code == 404
    assert count(SlaPolicy) == before
    assert admin.get(f"sla-policies/{seeded['id']}").json == seeded


def test_business_hours_are_read_and_replaced_and_count_for_new_tickets(admin, make):
    assert admin.get("business-hours").json == OFFICE_WEEK
    split = OFFICE_WEEK | {"mon": [["08:00", "12:00"], ["13:00", "17:00"]], "sat": [["09:00", "12:00"]]}
    saved = admin.put("business-hours", json=split)
    assert saved.status_code == 200 and saved.json == split
    assert count(BusinessHours) == 7
    ticket = opened_at(make, local(2026, 11, 30, 11, 0), priority="urgent")  # 240 minutes: 1 + 3 hours
    assert ticket.due_at == local(2026, 11, 30, 16, 0)


def test_business_hours_bad_input(admin):
    cases = [
        ({"mon": [["17:00", "08:00"]]}, "mon"),
        ({"tue": [["08:00", "12:00"], ["11:00", "17:00"]]}, "tue"),
        ({"wed": [["8", "17:00"]]}, "wed"),
        ({"thu": [["08:00"]]}, "thu"),
        ({"fri": [["08:00", "09:00"]] * 4}, "fri"),
        ({"sat": "all day"}, "sat"),
        ({"someday": []}, "someday"),
    ]
    for change, field in cases:
        response = admin.put("business-hours", json=OFFICE_WEEK | change)
        assert response.status_code == 422, change
        assert any(key.split(".")[0] == field for key in response.json["errors"]), (change, response.json)
    assert admin.get("business-hours").json == OFFICE_WEEK


def test_holidays_added_one_by_one_or_per_country_and_removed(admin):
    added = admin.post("holidays", {"day": "2026-12-31", "name": "Company day"})
    assert added.status_code == 201 and added.json["name"] == "Company day"
    assert admin.post("holidays", {"day": "2026-12-31", "name": "Again"}).status_code == 409
    public = admin.post("holidays/public", {"country": "NL", "year": 2027})
    assert public.status_code == 201 and len(public.json) == 9
    again = admin.post("holidays/public", {"country": "NL", "year": 2027})
    assert again.status_code == 201 and again.json == []  # nothing twice
    german = admin.post("holidays/public", {"country": "DE", "year": 2027}).json
    assert {h["name"] for h in german} == {"Karfreitag", "Tag der Arbeit", "Tag der Deutschen Einheit"}
    assert [h["day"] for h in admin.get("holidays", query_string={"year": 2026}).json] == ["2026-12-31"]
    assert admin.delete(f"holidays/{added.json['id']}").status_code == 204
    assert admin.delete(f"holidays/{added.json['id']}").status_code == 404
    assert count(Holiday) == 12


def test_holiday_bad_input(admin):
    cases = [
        ("holidays", {"day": "31-12-2026", "name": "x"}, "day"),
        ("holidays", {"day": "2026-12-31", "name": ""}, "name"),
        ("holidays", {"name": "x"}, "day"),
        ("holidays", {"day": "1900-01-01", "name": "Long ago"}, "day"),
        ("holidays/public", {"country": "FR", "year": 2027}, "country"),
        ("holidays/public", {"country": "NL", "year": 1800}, "year"),
        ("holidays/public", {"country": "NL", "year": "next"}, "year"),
    ]
    for path, body, field in cases:
        response = admin.post(path, body)
        assert response.status_code == 422, body
        assert field in response.json["errors"], (body, response.json)
    assert admin.get("holidays", query_string={"year": "x"}).status_code == 422
    assert count(Holiday) == 0


@pytest.mark.parametrize("role", list(Role))
def test_who_may_read_and_change(api, make, role):
    client = api.as_user(make.user(role))
    policy_id = client.get("sla-policies").json[0]["id"] if role in (Role.ADMIN, Role.AGENT) else 1
    reads = [client.get("sla-policies"), client.get(f"sla-policies/{policy_id}"), client.get("business-hours"),
             client.get("holidays")]
    writes = [client.post("sla-policies", GOLD), client.patch(f"sla-policies/{policy_id}", {"name": "Renamed"}),
              client.put("business-hours", json=OFFICE_WEEK), client.post("holidays", {"day": "2027-01-02",
                                                                                       "name": "Bridge day"}),
              client.post("holidays/public", {"country": "BE", "year": 2027}), client.delete("holidays/999999")]
    refused = 404 if role == Role.TECHNICIAN else 403
    expected_reads = 200 if role in (Role.ADMIN, Role.AGENT) else refused
    assert [r.status_code for r in reads] == [expected_reads] * 4
    if role == Role.ADMIN:
        assert [w.status_code for w in writes] == [201, 200, 200, 201, 201, 404]
    else:
        assert [w.status_code for w in writes] == [refused] * 6


def test_anonymous_callers_are_refused_and_nothing_changes(api, make):
    policy_id = api.as_user(make.user(Role.ADMIN)).get("sla-policies").json[0]["id"]
    before = (count(SlaPolicy), count(BusinessHours), count(Holiday))
    responses = [api.get("sla-policies"), api.get(f"sla-policies/{policy_id}"), api.get("business-hours"),
                 api.get("holidays"), api.post("sla-policies", GOLD),
                 api.patch(f"sla-policies/{policy_id}", {"name": "Renamed"}),
                 api.put("business-hours", json=OFFICE_WEEK | {"sat": [["09:00", "12:00"]]}),
                 api.post("holidays", {"day": "2027-01-02", "name": "Bridge day"}),
                 api.post("holidays/public", {"country": "BE", "year": 2027}), api.delete("holidays/1")]
    assert [r.status_code for r in responses] == [401] * 10
    assert (count(SlaPolicy), count(BusinessHours), count(Holiday)) == before
    assert count(SlaPolicy, SlaPolicy.name == "Renamed") == 0

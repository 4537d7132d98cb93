"""The admin's SLA pages: policies, business hours and holidays, linked from the settings page."""

from datetime import date

import pytest

from dispatch.desk.sla.models import BusinessHours, Holiday, SlaPolicy
from dispatch.enums import Priority, Role
from dispatch.extensions import db
from tests.support.queries import count

PAGES = ["/admin/sla/policies", "/admin/sla/policies/new", "/admin/sla/business-hours", "/admin/sla/holidays"]
POLICY = {"name": "Gold high", "priority": "high", "customer_group": "gold", "first_response_minutes": "30",
          "resolution_minutes": "240", "warning_percent": "75", "second_escalation_minutes": "120",
          "set_escalated_status": "y", "active": "y"}


def test_the_settings_page_links_to_the_sla_pages(pages, client):
    pages.login_as(Role.ADMIN)
    assert 'href="/admin/sla/policies"' in client.get("/admin/settings").get_data(as_text=True)
    for path in PAGES:
        assert client.get(path).status_code == 200, path


@pytest.mark.parametrize("role", [Role.AGENT, Role.BILLING, Role.TECHNICIAN])
def test_only_admins_see_the_sla_pages(pages, client, role):
    pages.login_as(role)
    token = pages.token("/customers")
    assert [client.get(path).status_code for path in PAGES] == [403] * 4
    policy_id = db.session.query(SlaPolicy.id).first()[0]
    holiday = Holiday(day=date(2027, 1, 4), name="Bridge day")
    db.session.add(holiday)
    db.session.commit()
    forms = {"/admin/sla/policies/new": POLICY, f"/admin/sla/policies/{policy_id}": POLICY,
             f"/admin/sla/policies/{policy_id}/deactivate": {},
             "/admin/sla/business-hours": {"hours_sat": "9:00-12:00"},
             "/admin/sla/holidays": {"day": "2027-01-05", "name": "x"},
             "/admin/sla/holidays/public": {"country": "NL", "year": "2027"},
             f"/admin/sla/holidays/{holiday.id}/delete": {}}
    assert {path: client.post(path, data=data | {"csrf_token": token}).status_code
            for path, data in forms.items()} == dict.fromkeys(forms, 403)
    assert count(SlaPolicy, SlaPolicy.customer_group == "gold") == 0
    assert count(SlaPolicy, SlaPolicy.active.is_(False)) == 0 and count(Holiday) == 1 and count(BusinessHours) == 5


def test_an_admin_adds_edits_and_deactivates_a_policy(pages, client):
    pages.login_as(Role.ADMIN)
    token = pages.token("/admin/sla/policies/new")
    saved = client.post("/admin/sla/policies/new", data=POLICY | {"csrf_token": token})
    assert saved.status_code == 303
    policy = db.session.query(SlaPolicy).filter_by(customer_group="gold").one()
    assert (policy.priority, policy.first_response_minutes, policy.resolution_minutes) == (Priority.HIGH, 30, 240)
    assert "Gold high" in client.get("/admin/sla/policies").get_data(as_text=True)
    page = client.get(f"/admin/sla/policies/{policy.id}").get_data(as_text=True)
    assert 'value="240"' in page
    edited = client.post(f"/admin/sla/policies/{policy.id}", data=POLICY | {"resolution_minutes": "300",
                                                                          "csrf_token": token})
    assert edited.status_code == 303
    assert client.post(f"/admin/sla/policies/{policy.id}/deactivate", data={"csrf_token": token}).status_code == 303
    db.session.refresh(policy)
    assert (policy.resolution_minutes, policy.active) == (300, False)


def test_a_wrong_policy_comes_back_marked_and_nothing_is_saved(pages, client):
    pages.login_as(Role.ADMIN)
    token = pages.token("/admin/sla/policies/new")
    before = count(SlaPolicy)
    for change, status, message in [
        ({"first_response_minutes": "500"}, 422, "The first response cannot take longer than the resolution."),
        ({"warning_percent": "120"}, 422, "Number must be between 1 and 99."),
        ({"resolution_minutes": "many"}, 422, "Not a valid integer value."),
        ({"customer_group": "", "priority": "urgent"}, 409, "This priority has a policy for this group already."),
    ]:
        response = client.post("/admin/sla/policies/new", data=POLICY | change | {"csrf_token": token})
        assert response.status_code == status, change
        assert message in response.get_data(as_text=True), change
    policy_id = db.session.query(SlaPolicy.id).first()[0]
    wrong_edit = client.post(f"/admin/sla/policies/{policy_id}", data=POLICY | {"first_response_minutes": "0",
                                                                               "csrf_token": token})
    assert wrong_edit.status_code == 422
    assert client.post("/admin/sla/policies/999999", data=POLICY | {"csrf_token": token}).status_code == 404
    assert count(SlaPolicy) == before
    assert count(SlaPolicy, SlaPolicy.customer_group == "gold") == 0


def test_business_hours_saved_from_one_line_per_day(pages, client):
    pages.login_as(Role.ADMIN)
    token = pages.token("/admin/sla/business-hours")
    week = {f"hours_{day}": "8:00-12:00, 13:00-17:00" for day in ("mon", "tue", "wed", "thu", "fri")}
    assert client.post("/admin/sla/business-hours", data=week | {"csrf_token": token}).status_code == 303
    assert count(BusinessHours) == 10
    wrong = client.post("/admin/sla/business-hours", data=week | {"hours_sat": "17:00-09:00", "csrf_token": token})
    assert wrong.status_code == 422 and "A period ends after it begins" in wrong.get_data(as_text=True)
    garbled = client.post("/admin/sla/business-hours", data=week | {"hours_sun": "all day", "csrf_token": token})
    assert garbled.status_code == 422
    assert count(BusinessHours) == 10


def test_holidays_added_by_hand_and_per_country_then_removed(pages, client):
    pages.login_as(Role.ADMIN)
    token = pages.token("/admin/sla/holidays")
    assert client.post("/admin/sla/holidays", data={"day": "2027-12-24", "name": "Christmas Eve",
                                                    "csrf_token": token}).status_code == 303
    twice = client.post("/admin/sla/holidays", data={"day": "2027-12-24", "name": "Again", "csrf_token": token})
    assert twice.status_code == 409
    assert client.post("/admin/sla/holidays/public", data={"country": "BE", "year": "2027",
                                                           "csrf_token": token}).status_code == 303
    page = client.get("/admin/sla/holidays?year=2027").get_data(as_text=True)
    assert "Wapenstilstand" in page and "Christmas Eve" in page
    assert count(Holiday) == 13
    assert client.post("/admin/sla/holidays/public", data={"country": "FR", "year": "2027",
                                                           "csrf_token": token}).status_code == 422
    assert client.post("/admin/sla/holidays", data={"day": "24-12-2027", "name": "x",
                                                    "csrf_token": token}).status_code == 422
    assert client.post("/admin/sla/holidays/999999/delete", data={"csrf_token": token}).status_code == 404
    assert count(Holiday) == 13
    holiday = db.session.query(Holiday).filter_by(name="Christmas Eve").one()
    assert client.post(f"/admin/sla/holidays/{holiday.id}/delete", data={"csrf_token": token}).status_code == 303
    assert count(Holiday) == 12


def _forms(policy_id: int, holiday_id: int) -> dict[str, dict]:
    """Every form of the SLA pages with data that would change something."""
    return {"/admin/sla/policies/new": POLICY, f"/admin/sla/policies/{policy_id}": POLICY,
            f"/admin/sla/policies/{policy_id}/deactivate": {},
            "/admin/sla/business-hours": {"hours_sat": "9:00-12:00"},
            "/admin/sla/holidays": {"day": "2027-01-05", "name": "x"},
            "/admin/sla/holidays/public": {"country": "NL", "year": "2027"},
            f"/admin/sla/holidays/{holiday_id}/delete": {}}


def _sla_rows() -> tuple[int, ...]:
    return (count(SlaPolicy), count(SlaPolicy, SlaPolicy.active.is_(False)), count(BusinessHours), count(Holiday))


def test_anonymous_visitors_are_sent_to_sign_in_and_change_nothing(client, app):
    holiday = Holiday(day=date(2027, 1, 4), name="Bridge day")
    db.session.add(holiday)
    db.session.commit()
    before = _sla_rows()
    for path in PAGES:
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"], path
    policy_id = db.session.query(SlaPolicy.id).first()[0]
    for path, data in _forms(policy_id, holiday.id).items():
        assert client.post(path, data=data).status_code in (302, 400), path
    assert _sla_rows() == before


def test_an_admin_form_without_csrf_changes_nothing(pages, client):
    pages.login_as(Role.ADMIN)
    holiday = Holiday(day=date(2027, 1, 4), name="Bridge day")
    db.session.add(holiday)
    db.session.commit()
    before = _sla_rows()
    policy_id = db.session.query(SlaPolicy.id).first()[0]
    for path, data in _forms(policy_id, holiday.id).items():
        assert client.post(path, data=data).status_code in (400, 422), path
    assert _sla_rows() == before


def test_a_garbled_business_hours_line_is_named_on_its_day(pages, client):
    pages.login_as(Role.ADMIN)
    token = pages.token("/admin/sla/business-hours")
    response = client.post("/admin/sla/business-hours", data={"hours_mon": "8:00-17:00", "hours_sun": "all day",
                                                              "csrf_token": token})
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert '<p class="field__error" id="hours_sun-error">Write periods like 08:00-12:00, 13:00-17:00.</p>' in body
    assert count(BusinessHours) == 5

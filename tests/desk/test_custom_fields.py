"""Custom ticket fields: admins define them (text, number, date, choice, checkbox; required, active, order);
``validate_values`` checks a ticket's values by type and names the field."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from dispatch.desk.custom_fields.services import validate_values
from dispatch.desk.models import CustomField
from dispatch.errors import Invalid
from dispatch.extensions import db
from tests.support.queries import count
from tests.views.helpers import text_of


@pytest.fixture
def defined(make):
    make.custom_field("contract_number", "text", required=True, position=1)
    make.custom_field("meter", "number", position=2)
    make.custom_field("installed_on", "date", position=3)
    make.custom_field("kind", "choice", choices=["gas", "electric"], position=4)
    make.custom_field("warranty_card", "checkbox", position=5)
    make.custom_field("old_field", "text", active=False)


def test_values_are_typed(defined):
    assert validate_values({"contract_number": " C-1 ", "meter": "1234,5", "installed_on": "2024-03-01",
                            "kind": "gas", "warranty_card": "yes"}) == {
        "contract_number": "C-1", "meter": 1234.5, "installed_on": "2024-03-01", "kind": "gas", "warranty_card": True}
    assert validate_values({"contract_number": "C", "meter": 7, "warranty_card": False})["meter"] == 7


@pytest.mark.parametrize(("values", "key"), [
    ({}, "contract_number"), ({"contract_number": ""}, "contract_number"),
    ({"contract_number": "C", "meter": "many"}, "meter"), ({"contract_number": "C", "meter": True}, "meter"),
    ({"contract_number": "C", "meter": "1e999999"}, "meter"), ({"contract_number": "C", "meter": "NaN"}, "meter"),
    ({"contract_number": "C", "installed_on": "yesterday"}, "installed_on"),
    ({"contract_number": "C", "kind": "coal"}, "kind"), ({"contract_number": "C", "warranty_card": "perhaps"},
                                                         "warranty_card"),
    ({"contract_number": "C", "old_field": "x"}, "old_field"), ({"contract_number": "C", "nope": 1}, "nope"),
    ({"contract_number": ["C"]}, "contract_number"), ({"contract_number": "x" * 2001}, "contract_number"),
])
def test_bad_values_name_the_field(defined, values, key):
    with pytest.raises(Invalid) as refused:
        validate_values(values)
    assert f"custom_fields.{key}" in refused.value.errors


def test_a_partial_change_does_not_ask_for_required_fields_it_leaves_alone(defined):
    assert validate_values({"meter": "3"}, partial=True) == {"meter": 3}


def test_admin_defines_fields_on_pages_and_they_appear_on_the_ticket(pages, client, make):
    pages.login_as("admin")
    token = pages.token("/desk/custom-fields")
    created = client.post("/desk/custom-fields", data={
        "csrf_token": token, "key": "boiler_kind", "label": "Boiler kind", "field_type": "choice",
        "choices": "gas\nelectric\n", "active": "y", "position": "1"})
    assert created.status_code == 303
    refused = client.post("/desk/custom-fields", data={
        "csrf_token": token, "key": "Bad Key", "label": "X", "field_type": "text", "active": "y"})
    assert refused.status_code == 422
    no_choices = client.post("/desk/custom-fields", data={
        "csrf_token": token, "key": "flavour", "label": "Flavour", "field_type": "choice", "choices": ""})
    assert no_choices.status_code == 422 and "Give at least one choice." in text_of(no_choices)
    field = db.session.scalar(select(CustomField))
    assert field.choices == ["gas", "electric"]
    page = text_of(client.get(f"/tickets/{make.ticket().id}"))
    assert "Boiler kind" in page
    assert client.post(f"/desk/custom-fields/{field.id}", data={
        "csrf_token": token, "label": "Kind of boiler", "field_type": "choice", "choices": "gas",
        "position": "2"}).status_code == 303
    assert client.post(f"/desk/custom-fields/{field.id}/delete", data={"csrf_token": token}).status_code == 303
    assert count(CustomField) == 0


def test_agents_cannot_open_the_custom_field_pages(pages, client, make):
    pages.login_as("agent")
    assert client.get("/desk/custom-fields").status_code == 403


def test_custom_fields_through_the_api(api, make):
    admin = api.as_user(make.user("admin"))
    created = admin.post("custom-fields", {"key": "meter", "label": "Meter", "field_type": "number",
                                           "required": True})
    assert created.status_code == 201
    field_id = created.json["id"]
    duplicate = admin.post("custom-fields", {"key": "meter", "label": "Again", "field_type": "text"})
    assert duplicate.status_code == 409 and "key" in duplicate.json["errors"]
    assert admin.patch(f"custom-fields/{field_id}", {"position": 3}).json["position"] == 3
    agent = api.as_user(make.user("agent"))
    assert [item["key"] for item in agent.get("custom-fields").json] == ["meter"]
    assert agent.post("custom-fields", {"key": "x", "label": "X", "field_type": "text"}).status_code == 403
    assert agent.patch(f"custom-fields/{field_id}", {"label": "Mine"}).status_code == 403
    assert agent.delete(f"custom-fields/{field_id}").status_code == 403
    assert admin.delete(f"custom-fields/{field_id}").status_code == 204


@pytest.mark.parametrize(("body", "field"), [
    ({"key": "x", "label": "X"}, "field_type"), ({"key": "x", "label": "X", "field_type": "colour"}, "field_type"),
    ({"key": "Bad Key", "label": "X", "field_type": "text"}, "key"),
    ({"key": "x", "label": "", "field_type": "text"}, "label"),
    ({"key": "x", "label": "X", "field_type": "choice"}, "choices"),
    ({"key": "x", "label": "X", "field_type": "text", "position": -1}, "position"),
    ({"key": "x" * 41, "label": "X", "field_type": "text"}, "key"),
])
def test_bad_field_definitions_name_the_field_and_store_nothing(api, make, body, field):
    response = api.as_user(make.user("admin")).post("custom-fields", body)
    assert response.status_code == 422 and field in response.json["errors"], response.json
    assert count(CustomField) == 0


@pytest.mark.parametrize(("role", "status"), [("technician", 404), ("billing", 403)])
def test_others_cannot_see_custom_fields(api, make, role, status):
    assert api.as_user(make.user(role)).get("custom-fields").status_code == status

"""The office's path through the API, for each role that takes calls: customer, asset, contract, ticket,
job, suggestions, schedule, and reading each back. The package tests try each step's rules as an agent;
this shows that admins, who may do the same, can."""

import pytest

from dispatch.enums import Role
from tests.support.factories import next_weekday_at


@pytest.mark.parametrize("role", [Role.AGENT, Role.ADMIN])
def test_office_creates_ticket_job_and_schedules(api, make, role):
    technician = make.user("technician")
    client = api.as_user(make.user(role))
    r = client.post("customers", {"name": "Jansen", "email": "j@example.nl",
                                  "address": {"street": "Kerkstraat 1", "postal_code": "1017 GA",
                                              "city": "Amsterdam", "country": "NL"}})
    assert r.status_code == 201, r.json
    customer_id = r.json["id"]
    r = client.post(f"customers/{customer_id}/assets", {"product": "Boiler", "serial_number": "X1",
                                                        "purchased_on": "2025-01-01", "warranty_months": 24})
    assert r.status_code == 201, r.json
    asset_id = r.json["id"]
    contract = client.post("contracts", {"customer_id": customer_id, "asset_ids": [asset_id],
                                         "starts_on": "2026-01-01", "ends_on": "2026-12-31", "covers": ["labour"]})
    assert contract.status_code == 201, contract.json
    read = client.get(f"customers/{customer_id}")
    assert read.status_code == 200 and [asset["id"] for asset in read.json["assets"]] == [asset_id]
    r = client.post("tickets", {"customer_id": customer_id, "subject": "Leak", "description": "Water",
                                "priority": "high", "asset_id": asset_id})
    assert r.status_code == 201, r.json
    assert r.json["reference"].startswith("T-")
    ticket_id = r.json["id"]
    listed = client.get("tickets")
    assert listed.status_code == 200 and [item["id"] for item in listed.json["items"]] == [ticket_id]
    assert client.get(f"tickets/{ticket_id}").json["subject"] == "Leak"
    r = client.post(f"tickets/{ticket_id}/jobs", {"duration_minutes": 60, "required_skills": ["boiler"]})
    assert r.status_code == 201, r.json
    job_id = r.json["id"]
    start = next_weekday_at(10)
    suggestions = client.get(f"jobs/{job_id}/suggestions", query_string={"start": start.isoformat()})
    assert suggestions.status_code == 200 and [s["technician_id"] for s in suggestions.json] == [technician.id]
    r = client.post(f"jobs/{job_id}/schedule", {"technician_id": technician.id, "start": start.isoformat(),
                                                "end": start.replace(hour=start.hour + 1).isoformat()})
    assert r.status_code == 200, r.json
    assert r.json["status"] == "scheduled"
    read = client.get(f"jobs/{job_id}")
    assert read.status_code == 200 and read.json["technician_id"] == technician.id

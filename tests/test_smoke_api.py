from tests.support.factories import next_weekday_at


def test_agent_creates_ticket_job_and_schedules(api, make):
    agent = make.user("agent")
    technician = make.user("technician")
    client = api.as_user(agent)
    r = client.post("customers", {"name": "Jansen", "email": "j@example.nl",
                                  "address": {"street": "Kerkstraat 1", "postal_code": "1017 GA",
                                              "city": "Amsterdam", "country": "NL"}})
    assert r.status_code == 201, r.json
    customer_id = r.json["id"]
    r = client.post(f"customers/{customer_id}/assets", {"product": "Boiler", "serial_number": "X1",
                                                        "purchased_on": "2025-01-01", "warranty_months": 24})
    assert r.status_code == 201, r.json
    r = client.post("tickets", {"customer_id": customer_id, "subject": "Leak", "description": "Water",
                                "priority": "high", "asset_id": r.json["id"]})
    assert r.status_code == 201, r.json
    assert r.json["reference"].startswith("T-")
    r = client.post(f"tickets/{r.json['id']}/jobs", {"duration_minutes": 60, "required_skills": ["boiler"]})
    assert r.status_code == 201, r.json
    job_id = r.json["id"]
    start = next_weekday_at(10)
    r = client.post(f"jobs/{job_id}/schedule", {"technician_id": technician.id, "start": start.isoformat(),
                                                "end": start.replace(hour=start.hour + 1).isoformat()})
    assert r.status_code == 200, r.json
    assert r.json["status"] == "scheduled"

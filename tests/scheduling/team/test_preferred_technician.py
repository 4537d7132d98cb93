"""The customer's preferred technician: set through the API and on the customer page."""

import pytest

from dispatch.customers.models import Customer
from dispatch.extensions import db


def preferred(customer) -> int | None:
    db.session.expire_all()
    return db.session.get(Customer, customer.id).preferred_technician_id


@pytest.mark.parametrize(("role", "expected"), [("agent", 200), ("admin", 200), ("billing", 403),
                                                ("technician", 404)])
def test_who_sets_the_preferred_technician(api, make, role, expected):
    customer, technician = make.customer(), make.user("technician")
    response = api.as_user(make.user(role)).patch(f"customers/{customer.id}",
                                                  {"preferred_technician_id": technician.id})
    assert response.status_code == expected
    assert preferred(customer) == (technician.id if expected == 200 else None)


def test_set_clear_and_refuse(api, make):
    customer, technician, agent = make.customer(), make.user("technician"), make.user("agent")
    client = api.as_user(agent)
    response = client.patch(f"customers/{customer.id}", {"preferred_technician_id": technician.id})
    assert response.json["preferred_technician_id"] == technician.id
    for wrong in (agent.id, 424242):
        response = client.patch(f"customers/{customer.id}", {"preferred_technician_id": wrong})
        assert response.status_code == 422 and "preferred_technician_id" in response.json["errors"]
    assert preferred(customer) == technician.id
    assert client.patch(f"customers/{customer.id}", {"preferred_technician_id": None}).status_code == 200
    assert preferred(customer) is None


def test_the_customer_page_select(client, pages, make):
    pages.login_as("agent")
    customer, technician = make.customer(), make.user("technician", name="Sanne")
    path = f"/customers/{customer.id}"
    assert "Sanne" in client.get(path).get_data(as_text=True)
    response = client.post(f"{path}/preferred-technician", data={"csrf_token": pages.token(path),
                                                                 "technician_id": str(technician.id)})
    assert response.status_code == 303 and preferred(customer) == technician.id

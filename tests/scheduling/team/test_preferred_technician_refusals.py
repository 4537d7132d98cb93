"""The preferred technician refuses wrong values and roles outside the desk, on the API and the customer page."""

from urllib.parse import urlsplit

import pytest

from dispatch.customers.models import Customer
from dispatch.extensions import db
from tests.support.csrf import csrf_token_from


def preferred(customer) -> int | None:
    db.session.expire_all()
    return db.session.get(Customer, customer.id).preferred_technician_id


@pytest.mark.parametrize("body", [{}, {"preferred_technician_id": "Sanne"}, {"preferred_technician_id": [1]},
                                  {"preferred_technician_id": True}])
def test_wrong_types_and_a_missing_field_are_422_naming_it(api, make, body):
    customer, technician = make.customer(), make.user("technician")
    client = api.as_user(make.user("agent"))
    assert client.patch(f"customers/{customer.id}", {"preferred_technician_id": technician.id}).status_code == 200
    response = client.patch(f"customers/{customer.id}", body)
    assert response.status_code == 422 and "preferred_technician_id" in response.json["errors"], response.json
    assert response.mimetype == "application/problem+json"
    assert preferred(customer) == technician.id


def test_an_inactive_technician_or_an_unknown_customer_is_refused(api, make):
    customer, gone = make.customer(), make.user("technician")
    gone.active = False
    db.session.commit()
    client = api.as_user(make.user("agent"))
    response = client.patch(f"customers/{customer.id}", {"preferred_technician_id": gone.id})
    assert response.status_code == 422 and "preferred_technician_id" in response.json["errors"]
    assert client.patch("customers/424242", {"preferred_technician_id": None}).status_code == 404
    assert preferred(customer) is None


def test_the_page_refuses_a_technician_not_offered(client, pages, make):
    agent = pages.login_as("agent")
    customer = make.customer()
    path = f"/customers/{customer.id}"
    for choice in (str(agent.id), "Sanne"):
        response = client.post(f"{path}/preferred-technician", data={"csrf_token": pages.token(path),
                                                                     "technician_id": choice})
        assert response.status_code == 422 and 'id="technician_id-error"' in response.get_data(as_text=True)
    assert preferred(customer) is None


@pytest.mark.parametrize("role", ["billing", "technician"])
def test_billing_and_technicians_may_not_on_the_page(client, pages, make, role):
    customer, technician = make.customer(), make.user("technician")
    pages.login_as(role)
    token = pages.token(f"/customers/{customer.id}")  # a refusal page carries a token too
    response = client.post(f"/customers/{customer.id}/preferred-technician",
                           data={"csrf_token": token, "technician_id": str(technician.id)})
    assert response.status_code == 403 and preferred(customer) is None


def test_anonymous_callers_are_sent_to_sign_in(client, make):
    customer, technician = make.customer(), make.user("technician")
    token = csrf_token_from(client.get("/login"))
    response = client.post(f"/customers/{customer.id}/preferred-technician",
                           data={"csrf_token": token, "technician_id": str(technician.id)})
    assert response.status_code == 302 and urlsplit(response.headers["Location"]).path == "/login"
    assert preferred(customer) is None

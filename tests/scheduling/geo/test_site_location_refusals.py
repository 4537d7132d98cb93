"""The pin form on the customer page refuses roles outside the desk, anonymous callers and unknown sites."""

from urllib.parse import urlsplit

import pytest

from dispatch.customers.models import Site
from dispatch.extensions import db
from tests.scheduling.geo.conftest import reload
from tests.support.csrf import csrf_token_from


def pin_of(site: Site) -> tuple:
    site = reload(site)
    return site.latitude, site.longitude, site.geocode_status, site.geocoded_at


@pytest.mark.parametrize("role", ["billing", "technician"])
def test_billing_and_technicians_place_no_pin(client, pages, make, role):
    site = make.job().site
    before = pin_of(site)
    pages.login_as(role)
    token = pages.token(f"/customers/{site.customer_id}")  # a refusal page carries a token too
    response = client.post(f"/sites/{site.id}/location", data={"latitude": "1", "longitude": "1", "csrf_token": token})
    assert response.status_code == 403
    assert pin_of(site) == before


def test_anonymous_callers_are_sent_to_sign_in_and_place_no_pin(client, make):
    site = make.job().site
    before = pin_of(site)
    token = csrf_token_from(client.get("/login"))
    response = client.post(f"/sites/{site.id}/location", data={"latitude": "1", "longitude": "1", "csrf_token": token})
    assert response.status_code == 302 and urlsplit(response.headers["Location"]).path == "/login"
    assert pin_of(site) == before


def test_an_unknown_site_is_404_on_the_page(client, pages):
    pages.login_as("agent")
    token = pages.token("/customers")
    response = client.post("/sites/424242/location", data={"latitude": "1", "longitude": "1", "csrf_token": token})
    assert response.status_code == 404
    assert db.session.scalar(db.select(db.func.count()).select_from(Site)) == 0

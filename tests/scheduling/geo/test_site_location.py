"""An agent corrects a site's pin: through the API and on the customer page; the geocoder then leaves it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from dispatch.audit import AuditEvent
from dispatch.customers.models import Site
from dispatch.enums import GeocodeStatus
from dispatch.extensions import db
from dispatch.scheduling.availability import job_location
from dispatch.scheduling.geo.services import queue_site_geocoding
from tests.scheduling.geo.conftest import reload
from tests.support.tasks import wait_for_tasks
from tests.views.helpers import text_of


def _state(site: Site) -> tuple:
    site = reload(site)
    return site.latitude, site.longitude, site.geocode_status, site.geocoded_at


@pytest.mark.parametrize("role", ["agent", "admin"])
def test_the_desk_places_a_pin_and_jobs_use_it(api, make, role, geocoder):
    job = make.job()
    site = job.site
    user = make.user(role)
    response = api.as_user(user).put(f"/api/v1/sites/{site.id}/location", json={"latitude": 52.1, "longitude": 5.2})
    assert response.status_code == 200, response.get_json()
    assert response.get_json() | {"geocoded_at": None} == {
        "site_id": site.id, "latitude": 52.1, "longitude": 5.2, "geocode_status": "manual", "geocoded_at": None}
    site = reload(site)
    assert site.geocode_status == GeocodeStatus.MANUAL
    assert job_location(db.session.get(type(job), job.id)) == (52.1, 5.2)
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "site.located")).one()
    assert (event.object_id, event.actor_id, event.data["latitude"]) == (site.id, user.id, 52.1)

    # A lookup still queued from before does not move a pin placed by hand.
    from dispatch import tasks
    tasks.enqueue("geo.locate_site", site_id=site.id)
    db.session.commit()
    wait_for_tasks()
    assert _state(site)[:3] == (52.1, 5.2, GeocodeStatus.MANUAL)
    assert geocoder.searches() == []


@pytest.mark.parametrize(("role", "status"), [("technician", 404), ("billing", 403)])
def test_others_may_not_place_pins(api, make, role, status):
    site = make.job().site
    before = _state(site)
    response = api.as_user(make.user(role)).put(f"/api/v1/sites/{site.id}/location",
                                                json={"latitude": 1.0, "longitude": 1.0})
    assert response.status_code == status
    assert _state(site) == before


def test_anonymous_callers_are_asked_to_sign_in(api, make):
    site = make.job().site
    assert api.put(f"/api/v1/sites/{site.id}/location", json={"latitude": 1, "longitude": 1}).status_code == 401


@pytest.mark.parametrize(("body", "field"), [
    ({"latitude": "north", "longitude": 5.0}, "latitude"),
    ({"latitude": True, "longitude": 5.0}, "latitude"),
    ({"latitude": 91, "longitude": 5.0}, "latitude"),
    ({"latitude": 52.0, "longitude": -180.5}, "longitude"),
    ({"latitude": 52.0, "longitude": [5]}, "longitude"),
    ({"latitude": 52.0}, "longitude"),
    ({"latitude": None, "longitude": 5.0}, "latitude"),
])
def test_bad_coordinates_are_refused_naming_the_field(api, make, body, field):
    site = make.job().site
    before = _state(site)
    response = api.as_user(make.user("agent")).put(f"/api/v1/sites/{site.id}/location", json=body)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert field in str(response.get_json())
    assert _state(site) == before


def test_an_unknown_site_is_not_found(api, make):
    response = api.as_user(make.user("agent")).put("/api/v1/sites/999999/location",
                                                   json={"latitude": 1.0, "longitude": 1.0})
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"


def _site_without_pin(make) -> Site:
    customer = make.customer(latitude=None, longitude=None)
    wait_for_tasks()
    return db.session.scalars(select(Site).where(Site.customer_id == customer.id)).one()


def test_the_customer_page_warns_and_places_the_pin_with_a_form(pages, client, make):
    site = _site_without_pin(make)  # the stand-in knows no address: not found
    pages.login_as("agent")
    path = f"/customers/{site.customer_id}"
    page = client.get(path)
    html = page.get_data(as_text=True)
    assert "Address not located" in text_of(page)
    assert f'for="site-{site.id}-latitude"' in html and f'id="site-{site.id}-longitude"' in html
    assert "vendor/leaflet-1.9.4/leaflet.js" in html and "js/pin-map.js" in html
    assert "https://tile.openstreetmap.org" in page.headers["Content-Security-Policy"]

    response = client.post(f"/sites/{site.id}/location",
                           data={"latitude": "52,0931", "longitude": "5.1222", "csrf_token": pages.token(path)})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"{path}#site-{site.id}")
    assert _state(site)[:3] == (52.0931, 5.1222, GeocodeStatus.MANUAL)
    page = client.get(path)
    assert "Address not located" not in text_of(page)
    assert "placed by hand" in text_of(page)


@pytest.mark.parametrize(("data", "message"), [
    ({"latitude": "95", "longitude": "5"}, "between -90"),
    ({"latitude": "", "longitude": "5"}, "This field is required"),
    ({"latitude": "52", "longitude": "east"}, "Not a valid float value"),
])
def test_the_page_form_refuses_bad_coordinates(pages, client, make, data, message):
    site = _site_without_pin(make)
    before = _state(site)
    pages.login_as("admin")
    path = f"/customers/{site.customer_id}"
    response = client.post(f"/sites/{site.id}/location", data=data | {"csrf_token": pages.token(path)})
    assert response.status_code == 422
    assert message in text_of(response)
    assert 'aria-invalid="true"' in response.get_data(as_text=True)
    assert _state(site) == before


def test_billing_sees_the_warning_but_no_form(pages, client, make):
    site = _site_without_pin(make)
    pages.login_as("billing")
    path = f"/customers/{site.customer_id}"
    page = client.get(path)
    assert "Address not located" in text_of(page)
    assert f"/sites/{site.id}/location" not in page.get_data(as_text=True)
    response = client.post(f"/sites/{site.id}/location",
                           data={"latitude": "1", "longitude": "1", "csrf_token": pages.token(path)})
    assert response.status_code == 403


def test_an_approximate_pin_is_called_so(pages, client, make):
    site = make.job().site
    site.geocode_status = GeocodeStatus.APPROXIMATE
    db.session.commit()
    pages.login_as("agent")
    assert "Approximate location (town centre)" in text_of(client.get(f"/customers/{site.customer_id}"))


def test_queueing_forgets_the_old_pin(make):
    site = make.job().site
    queue_site_geocoding(site)
    assert (site.latitude, site.longitude, site.geocode_status) == (None, None, GeocodeStatus.PENDING)
    db.session.commit()
    wait_for_tasks()
    assert reload(site).geocode_status == GeocodeStatus.NOT_FOUND

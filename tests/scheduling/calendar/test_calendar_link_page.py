"""The calendar link on the technician's page: an agent makes one to hand over, replaces or turns it off."""

import re
from urllib.parse import urlsplit

import pytest

from dispatch.extensions import db
from dispatch.scheduling.calendar_feed import services as calendar_feed
from dispatch.scheduling.models import TechnicianProfile
from tests.support.csrf import csrf_token_from
from tests.views.helpers import text_of

URL = re.compile(r'id="calendar-url"[^>]*value="([^"]+)"')


def _create(client, technician) -> str:
    """Press "Create a new link" on the technician's page; the feed path it shows (once)."""
    path = f"/technicians/{technician.id}"
    page = client.get(path)
    assert "Create a new link" in text_of(page)
    response = client.post(f"{path}/calendar-link", data={"csrf_token": csrf_token_from(page)})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert "The previous link no longer works." in text_of(response)
    url = URL.search(response.get_data(as_text=True)).group(1)
    assert re.fullmatch(r"/calendar/[\w-]{43}\.ics", urlsplit(url).path), url
    return urlsplit(url).path


@pytest.mark.parametrize("role", ["agent", "admin"])
def test_the_office_creates_a_link_whose_feed_works(client, pages, make, role):
    pages.login_as(role)
    technician = make.user("technician")
    feed = _create(client, technician)
    response = client.get(feed)
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    page = client.get(f"/technicians/{technician.id}")
    assert "The technician has a calendar link." in text_of(page)
    assert feed not in page.get_data(as_text=True)  # shown once only


def test_a_new_link_stops_the_old_one(client, pages, make):
    pages.login_as("agent")
    technician = make.user("technician")
    old = _create(client, technician)
    new = _create(client, technician)
    assert old != new
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200


def test_turning_the_link_off(client, pages, make):
    pages.login_as("agent")
    technician = make.user("technician", name="Tom Offline")
    feed = _create(client, technician)
    path = f"/technicians/{technician.id}"
    page = client.get(path)
    assert "Turn off the link" in text_of(page)
    response = client.post(f"{path}/calendar-link/off", data={"csrf_token": csrf_token_from(page)})
    assert response.status_code == 303
    page = text_of(client.get(response.headers["Location"]))
    assert "The calendar link of Tom Offline is turned off." in page and "No calendar link." in page
    assert "Turn off the link" not in page
    assert client.get(feed).status_code == 404
    db.session.expire_all()
    assert db.session.get(TechnicianProfile, technician.id).calendar_token_hash is None


@pytest.mark.parametrize("role", ["billing", "technician"])
@pytest.mark.parametrize("action", ["calendar-link", "calendar-link/off"])
def test_billing_and_technicians_may_not(app, client, pages, make, role, action):
    technician = make.user("technician")
    with app.test_request_context():
        calendar_feed.create_link(calendar_feed.technician_profile(technician.id), None)
        db.session.commit()
    db.session.expire_all()
    before = db.session.get(TechnicianProfile, technician.id).calendar_token_hash
    assert before is not None
    pages.login_as(role)
    token = pages.token(f"/technicians/{technician.id}")  # the refusal page carries a token
    response = client.post(f"/technicians/{technician.id}/{action}", data={"csrf_token": token})
    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(TechnicianProfile, technician.id).calendar_token_hash == before


def test_a_link_for_someone_who_is_not_a_technician_is_404(client, pages, make):
    agent = pages.login_as("agent")
    token = pages.token("/technicians")
    assert client.post(f"/technicians/{agent.id}/calendar-link", data={"csrf_token": token}).status_code == 404
    assert client.post("/technicians/424242/calendar-link/off", data={"csrf_token": token}).status_code == 404

"""Every back-office page for every role: anonymous -> login with next, wrong role -> 403, else 200."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from dispatch.enums import Role

# (path template, roles that may open it)
DESK = {Role.AGENT, Role.ADMIN}
BILLING = {Role.BILLING, Role.ADMIN}
STAFF = {Role.AGENT, Role.ADMIN, Role.BILLING}
PAGES = [
    ("/tickets", DESK),
    ("/tickets?status=new&priority=medium&q=boiler", DESK),
    ("/tickets/new", DESK),
    ("/tickets/new/customers?q=Bakker", DESK),
    ("/tickets/new/assets?customer_id={customer}", DESK),
    ("/tickets/{ticket}", DESK),
    ("/jobs", DESK),
    ("/jobs/{job}", STAFF),
    ("/customers", STAFF),
    ("/customers?q=Bakker", STAFF),
    ("/customers/{customer}", STAFF),
    ("/invoices", BILLING),
    ("/invoices?status=draft", BILLING),
    ("/invoices/{invoice}", BILLING),
]


def _path(template: str, world) -> str:
    return template.format(customer=world.customer.id, ticket=world.ticket.id, job=world.job.id,
                           invoice=world.invoice.id)


@pytest.mark.parametrize(("template", "allowed"), PAGES)
def test_anonymous_is_sent_to_login_with_next(client, world, template, allowed):
    path = _path(template, world)
    response = client.get(path)
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.path == "/login"
    assert parse_qs(location.query)["next"][0].rstrip("?") == path


@pytest.mark.parametrize("role", list(Role))
def test_each_role_gets_its_pages_and_403_elsewhere(pages, client, world, role):
    pages.login_as(role.value)
    wrong = []
    for template, allowed in PAGES:
        response = client.get(_path(template, world))
        expected = 200 if role in allowed else 403
        if response.status_code != expected:
            wrong.append((template, response.status_code, expected))
        elif expected == 403:
            assert "You do not have access to this page" in response.get_data(as_text=True)
    assert wrong == []


@pytest.mark.parametrize(("role", "start"), [(Role.AGENT, "/tickets"), (Role.ADMIN, "/tickets"),
                                             (Role.BILLING, "/invoices"), (Role.TECHNICIAN, "/app/")])
def test_home_sends_each_role_to_its_start_page(pages, client, role, start):
    pages.login_as(role.value)
    response = client.get("/")
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == start


def test_home_sends_anonymous_to_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/login"


@pytest.mark.parametrize(("role", "links", "absent"), [
    (Role.AGENT, ["/tickets", "/tickets/new", "/jobs", "/customers"], ["/invoices"]),
    (Role.BILLING, ["/invoices", "/customers"], ["/tickets", "/jobs"]),
    (Role.ADMIN, ["/tickets", "/tickets/new", "/jobs", "/customers", "/invoices"], []),
])
def test_navigation_shows_each_role_its_sections(pages, client, role, links, absent):
    pages.login_as(role.value)
    body = client.get("/customers").get_data(as_text=True)
    nav = body.split('<nav class="main-nav"', 1)[1].split("</nav>", 1)[0]
    for link in links:
        assert f'href="{link}"' in nav
    for link in absent:
        assert f'href="{link}"' not in nav

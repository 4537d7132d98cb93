"""Every portal route, walked from the URL map with odd input, by a stranger and by a follower of another
ticket: never a server error, never another ticket's data."""

from __future__ import annotations

import pytest

from dispatch.desk.models import TicketMessage
from dispatch.enums import Role
from tests.support.csrf import csrf_token_from
from tests.support.queries import count
from tests.support.routes import concrete

ODD = {"reference": "x" * 5000, "email": "\x00@\u202e.nl", "body": "y" * 30000, "name": ["a", "b"],
       "country": "XX", "started": "..", "attachments": "not a file"}


def _portal_rules(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("portal."):
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield method, rule


@pytest.mark.parametrize("following", [False, True])
def test_no_route_fails_on_odd_input_nor_opens_a_ticket(app, client, make, following):
    app.config["PORTAL_FORM_RATE_LIMIT"] = app.config["PORTAL_LOGIN_RATE_LIMIT"] = "1000 per minute"
    ticket = make.ticket()
    if following:
        from dispatch.portal.services import signed_link

        link = signed_link(make.ticket())  # someone else's ticket is followed
        client.get(link[link.index("/support/t/"):])
    token = csrf_token_from(client.get("/support/follow"))
    wrong = {}
    for method, rule in _portal_rules(app):
        for data in ({"csrf_token": token}, {"csrf_token": token, **ODD}, {}):
            response = client.open(concrete(rule), method=method, data=data)
            if response.status_code >= 500 or ticket.reference.encode() in response.data:
                wrong[(method, rule.rule, len(data))] = response.status_code
    assert wrong == {}


@pytest.mark.parametrize("role", [None, *Role])
def test_staff_sign_in_opens_the_public_pages_but_no_customers_ticket(client, auth, make, role):
    """The portal is the same for everyone: a back-office role reaches no ticket without the customer's scope."""
    ticket = make.ticket()
    if role is not None:
        assert auth.login(make.user(role).email).status_code == 302
    for path in ("/support", "/support/follow", "/support/thanks"):
        assert client.get(path).status_code == 200, path
    token = csrf_token_from(client.get("/support/follow"))
    before = count(TicketMessage)
    for method, path in (("GET", "/support/ticket"), ("GET", "/support/ticket/files/1"),
                         ("GET", "/support/ticket/receipts/1.pdf"), ("GET", "/support/ticket/invoices/1.pdf"),
                         ("POST", "/support/ticket/messages")):
        response = client.open(path, method=method, data={"csrf_token": token, "body": "Hello"})
        assert response.status_code == 404, (method, path)
        assert ticket.reference.encode() not in response.data
    assert count(TicketMessage) == before

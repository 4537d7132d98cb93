"""Every portal route, walked from the URL map with odd input, by a stranger and by a follower of another
ticket: never a server error, never another ticket's data."""

from __future__ import annotations

import pytest

from tests.support.csrf import csrf_token_from
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

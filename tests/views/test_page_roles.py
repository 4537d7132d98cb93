"""Every back-office page and form, walked from the URL map: anonymous callers go to the sign-in page,
roles outside the page get 403, and the roles it declares get past the role check.

``test_access`` opens a hand-made list of pages with real data; this walks every rule, so a page added
later is checked too. Ids do not exist and forms are empty, so the declared roles see the page's own
answer (404, 409, 422 or a redirect), never 401, 403 nor a server error.
"""

from urllib.parse import urlsplit

import pytest

from dispatch.enums import Role
from tests.support.csrf import csrf_token_from
from tests.support.routes import concrete, page_rules


def test_anonymous_is_sent_to_sign_in_from_every_page_and_form(app, client):
    token = csrf_token_from(client.get("/login"))
    wrong = {}
    for method, rule, _roles in page_rules(app):
        response = client.open(concrete(rule), method=method, data={"csrf_token": token})
        if response.status_code != 302 or urlsplit(response.headers["Location"]).path != "/login":
            wrong[(method, rule.rule)] = response.status_code
    assert wrong == {}


@pytest.mark.parametrize("role", list(Role))
def test_each_role_gets_past_its_pages_and_403_elsewhere(app, client, auth, make, role):
    user = make.user(role)
    assert auth.login(user.email).status_code == 302
    token = csrf_token_from(client.get("/customers"))  # a 403 page carries the token too, in its meta tag
    wrong = {}
    for method, rule, roles in page_rules(app):
        response = client.open(concrete(rule), method=method, data={"csrf_token": token})
        status = response.status_code
        allowed = role in roles
        if (allowed and (status in (401, 403) or status >= 500)) or (not allowed and status != 403):
            wrong[(method, rule.rule)] = status
    assert wrong == {}
    assert client.get("/customers" if role != Role.TECHNICIAN else "/app/").status_code == 200  # still signed in

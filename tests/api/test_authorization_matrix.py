"""Every API endpoint checks roles through the one decorator, and each role gets the right answer."""

import pytest

from dispatch.enums import Role
from tests.support.routes import api_rules, concrete


def test_every_api_endpoint_declares_its_roles(app):
    for rule in api_rules(app):
        view = app.view_functions[rule.endpoint]
        assert getattr(view, "required_roles", None), f"{rule.endpoint} has no roles_required"


def test_anonymous_gets_401_everywhere(app, client):
    for rule in api_rules(app):
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            response = client.open(concrete(rule), method=method, json={})
            assert response.status_code == 401, (rule.rule, method, response.status_code)
            assert response.mimetype == "application/problem+json"


@pytest.mark.parametrize("role", list(Role))
def test_roles_outside_an_endpoint_are_refused(app, api, make, role):
    client = api.as_user(make.user(role))
    for rule in api_rules(app):
        allowed = app.view_functions[rule.endpoint].required_roles
        if role in allowed:
            continue
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            response = client.open(concrete(rule), method, json={})
            expected = 404 if role == Role.TECHNICIAN else 403
            assert response.status_code == expected, (role, rule.rule, method, response.status_code)

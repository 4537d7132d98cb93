"""The other half of the authorization matrix: every role an API endpoint declares gets past its role check.

``test_authorization_matrix`` proves that anonymous callers and roles outside an endpoint are refused;
this proves the declared roles are let in, for every endpoint at once. The ids do not exist and the body
is empty, so the answer is the endpoint's own refusal (404, 409, 415 or 422 problem+json) or its data,
never 401, 403 nor a server error. A technician's 404 for "not your endpoint" cannot be told from a 404
for "no such job", so technicians are checked on their own job and account instead.
"""

import re

import pytest

from dispatch.enums import Role
from tests.support.routes import api_rules, concrete


def calls(app, role: Role):
    """(method, path) of every API endpoint that ``role`` may use."""
    for rule in api_rules(app):
        if role in app.view_functions[rule.endpoint].required_roles:
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield method, rule


@pytest.mark.parametrize("role", [Role.ADMIN, Role.AGENT, Role.BILLING])
def test_every_declared_office_role_gets_past_the_role_check(app, api, make, role):
    client = api.as_user(make.user(role))
    answers = {}
    for method, rule in calls(app, role):
        response = client.open(concrete(rule), method, json={})
        answers[(method, rule.rule)] = response.status_code
        if response.status_code >= 400:
            assert response.mimetype == "application/problem+json", (method, rule.rule, response.status_code)
    assert answers, role
    refused = {call: status for call, status in answers.items() if status in (401, 403) or status >= 500}
    assert refused == {}


def test_a_technician_gets_past_the_role_check_on_their_own_job(app, api, make):
    technician = make.user(Role.TECHNICIAN)
    job = make.scheduled_job(technician)
    client = api.as_user(technician)
    answers = {}
    for method, rule in calls(app, Role.TECHNICIAN):
        if "<" in rule.rule and "<int:job_id>" not in rule.rule:
            continue  # photos: a 404 for a photo that does not exist says nothing about the role
        path = re.sub(r"<int:job_id>", str(job.id), rule.rule)
        path = re.sub(r"<int(?:\([^)]*\))?:\w+>", "0", path)  # a position in the job (checklist item 0)
        response = client.open(path, method, json={})
        answers[(method, rule.rule)] = response.status_code
        if response.status_code >= 400:
            assert response.mimetype == "application/problem+json", (method, rule.rule, response.status_code)
    assert answers
    # receipt.pdf is 404 until the job is signed: the only 404 allowed, and it names the receipt.
    refused = {call: status for call, status in answers.items()
               if status in (401, 403) or status >= 500 or (status == 404 and "receipt" not in call[1])}
    assert refused == {}

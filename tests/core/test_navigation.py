"""The main navigation shows each role the links its pages let in, in one fixed order."""

from __future__ import annotations

import pytest
from flask_login import login_user

from dispatch.enums import Role
from dispatch.web import _nav_items

EXPECTED = {
    Role.ADMIN: ["desk.tickets", "intake.new_ticket", "scheduling_board.board", "scheduling.jobs", "team.technicians",
                 "customers.customers", "billing.invoices", "billing.credit_note_list", "reporting.hours_page",
                 "knowledge.articles", "closure.review_queue", "integrations.endpoints", "job_templates.templates",
                 "admin.settings"],
    Role.AGENT: ["desk.tickets", "intake.new_ticket", "scheduling_board.board", "scheduling.jobs", "team.technicians",
                 "customers.customers", "reporting.hours_page", "knowledge.articles", "closure.review_queue"],
    Role.BILLING: ["customers.customers", "billing.invoices", "billing.credit_note_list", "reporting.hours_page"],
    Role.TECHNICIAN: [],
}


@pytest.mark.parametrize("role", list(Role))
def test_navigation_per_role(app, make, role):
    user = make.user(role, language="nl")
    with app.test_request_context("/"):
        login_user(user)
        items = _nav_items()
    assert [endpoint for endpoint, _label, _section in items] == EXPECTED[role]
    labels = {endpoint: label for endpoint, label, _section in items}
    if role == Role.ADMIN:
        assert (labels["intake.new_ticket"], labels["admin.settings"]) == ("Nieuw ticket", "Instellingen")
        assert items[1][2] == "new" and items[-1][2] == "admin"


def test_anonymous_gets_no_navigation(app):
    with app.test_request_context("/"):
        assert _nav_items() == []

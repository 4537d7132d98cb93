"""The desk figures page: reached from the reports page, charts as accessible SVG beside tables, strict CSP."""

import re

import pytest

from dispatch.enums import Role


def test_the_page_shows_charts_with_titles_and_tables(client, pages, make):
    make.company()
    queue = make.queue(mode="manual", name="Service <desk>")
    ticket = make.ticket(subject="Boiler", channel="email", category="heating")
    ticket.queue_id = queue.id
    from dispatch.extensions import db
    db.session.commit()
    pages.login_as("agent")

    response = client.get("/reports/desk")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    charts = re.findall(r"<svg[^>]*>", html)
    assert len(charts) == 8  # two per dimension
    assert all('role="img"' in tag and "aria-labelledby=" in tag for tag in charts)
    assert html.count("<title id=\"chart-") == 8 and html.count("<table") >= 5
    assert not re.search(r"\sstyle=", html)  # no inline style anywhere (strict CSP)
    assert "Service &lt;desk&gt;" in html and "<desk>" not in html
    assert "business hours" in html
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert "/api/v1/reports/desk-figures.csv?" in html and "dimension=agent" in html


def test_the_reports_page_links_to_the_figures_for_agents_but_not_billing(client, pages):
    pages.login_as("agent")
    assert 'href="/reports/desk"' in client.get("/reports/hours").get_data(as_text=True)
    client.post("/logout", data={"csrf_token": pages.token("/reports/hours")})
    pages.login_as("billing")
    assert 'href="/reports/desk"' not in client.get("/reports/hours").get_data(as_text=True)


@pytest.mark.parametrize("query", ["from=2026-03-02&to=2026-03-01", "from=2020-01-01&to=2026-03-01",
                                   "from=nonsense&to=2026-03-01", "to=2026-03-01"])
def test_a_bad_period_is_shown_on_the_form(client, pages, query):
    pages.login_as("admin")
    response = client.get(f"/reports/desk?{query}")
    assert response.status_code == 422 and "field__error" in response.get_data(as_text=True)


@pytest.mark.parametrize(("role", "page_status", "api_status"), [
    (Role.AGENT, 200, 200), (Role.ADMIN, 200, 200), (Role.BILLING, 403, 403), (Role.TECHNICIAN, 403, 404)])
def test_who_may_see_the_figures(client, auth, api, make, role, page_status, api_status):
    user = make.user(role)
    signed = api.as_user(user)
    assert signed.get("reports/desk-figures").status_code == api_status
    assert signed.get("reports/desk-figures.csv?dimension=channel").status_code == api_status
    auth.login(user.email)
    assert client.get("/reports/desk").status_code == page_status


def test_anonymous_callers_are_sent_away(client):
    assert client.get("/reports/desk").status_code == 302
    assert client.get("/api/v1/reports/desk-figures").status_code == 401
    assert client.get("/api/v1/reports/desk-figures.csv?dimension=channel").status_code == 401

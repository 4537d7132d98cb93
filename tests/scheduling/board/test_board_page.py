"""The /board page without its script: lanes and the queue as lists with links to the job pages, conflicts in
words, the week grid, links to the route pages only when they exist."""

from __future__ import annotations

from datetime import timedelta

import pytest

from dispatch.extensions import db
from tests.scheduling.board.support import at, board_day, planned
from tests.support.queries import recorded_statements


def page_of(client, path):
    response = client.get(path)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


@pytest.mark.parametrize("role", ["agent", "admin"])
def test_day_board_lists_lanes_jobs_and_queue_with_links(pages, client, make, role):
    pages.login_as(role)
    day = board_day()
    technician = make.user("technician", name="Ada Visser")
    job = planned(make, technician, at(day, 9))
    clash = planned(make, technician, at(day, 9, 30))
    queued = make.job(make.ticket(customer=make.customer(name="Wachtende <Klant>")))

    html = page_of(client, f"/board?day={day.isoformat()}")
    assert "Ada Visser" in html and 'href="/board?day=' in html
    for item in (job, clash, queued):
        assert f'href="/jobs/{item.id}"' in html and item.number in html
    assert "Wachtende &lt;Klant&gt;" in html  # user content escaped
    assert f'aria-describedby="job-card-{clash.id}-conflicts"' in html
    assert f"Overlaps job {job.number}." in html
    assert 'role="img" aria-label="Conflict"' in html
    assert 'data-drop="queue"' in html and 'id="plan-dialog"' in html
    response = client.get(f"/board?day={day.isoformat()}")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert ' style="' not in html


def test_week_board_shows_jobs_per_day_and_absence(pages, client, make):
    pages.login_as("agent")
    day = board_day()
    technician = make.user("technician", name="Bo Jansen")
    later = planned(make, technician, at(day + timedelta(days=2), 11))
    html = page_of(client, f"/board?day={day.isoformat()}&days=7")
    assert later.number in html and "Bo Jansen" in html
    assert html.count('data-drop="day"') == 7
    assert 'id="board-map"' not in html


def test_a_wrong_day_shows_today(pages, client, make):
    pages.login_as("agent")
    assert "Board" in page_of(client, "/board?day=yesterday")


@pytest.mark.parametrize(("role", "status"), [("billing", 403), ("technician", 403)])
def test_board_page_is_for_agents_and_admins(pages, client, role, status):
    pages.login_as(role)
    assert client.get("/board").status_code == status


def test_board_is_in_the_navigation_before_jobs(pages, client):
    pages.login_as("agent")
    html = page_of(client, "/jobs")
    assert 0 < html.index('href="/board"') < html.index('href="/jobs"')


def test_board_page_costs_the_same_queries_for_a_small_and_a_large_team(pages, client, make):
    pages.login_as("agent")
    day = board_day()

    def statements():
        db.session.expunge_all()
        with recorded_statements() as sent:
            assert client.get(f"/board?day={day.isoformat()}").status_code == 200
        return len(sent)

    for _ in range(3):
        planned(make, make.user("technician"), at(day, 10))
    small = statements()
    for _ in range(20):
        planned(make, make.user("technician"), at(day, 10))
        make.job()
    assert statements() == small


def test_anonymous_is_sent_to_sign_in_for_the_board(client):
    for path in ("/board", "/board?days=7"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"]

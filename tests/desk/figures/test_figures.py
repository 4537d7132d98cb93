"""Desk figures on a hand-made week: exact counts, business-hour medians and percentiles, rates, CSV, input."""

import csv
import io
import random
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from dispatch.desk.figures import services
from dispatch.desk.figures.business import BusinessTimeline
from dispatch.desk.services import status_by_key
from dispatch.desk.sla import clock
from dispatch.desk.sla.services import load_calendar
from dispatch.enums import Channel, Role
from dispatch.extensions import db
from dispatch.reporting.services import Period
from tests.support.queries import recorded_statements

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
WEEK = Period(datetime(2026, 11, 2).date(), datetime(2026, 11, 8).date())  # Monday to Sunday
QUERY = "from=2026-11-02&to=2026-11-08"


def local(day, hour, minute=0):
    """A moment on a November 2026 day in Amsterdam, as UTC."""
    return datetime(2026, 11, day, hour, minute, tzinfo=AMSTERDAM).astimezone(ZoneInfo("UTC"))


def ticket(make, customer, *, channel, category, queue, owner, created, responded=None, resolved=None,
           sla=True, status="resolved", **fields):
    made = make.ticket(customer, subject="Boiler", channel=channel.value, category=category)
    made.queue_id = queue.id if queue else None
    made.owner_id = owner.id if owner else None
    made.created_at = created
    made.first_responded_at = responded
    made.resolved_at = resolved
    made.first_response_due_at = created + timedelta(hours=4) if sla else None
    made.due_at = created + timedelta(days=2) if sla else None
    made.first_response_breached_at = made.resolution_breached_at = None
    made.escalation_level = made.reopened_count = 0
    made.move_to(status_by_key(status))
    for key, value in fields.items():
        setattr(made, key, value)
    return made


@pytest.fixture
def week(make):
    """Five tickets (and a merged one) around the first week of November 2026; see the expectations below."""
    make.company()
    customer = make.customer()
    ann, bob = make.user(Role.AGENT, name="Ann"), make.user(Role.AGENT, name="Bob")
    service = make.queue(mode="manual", name="Service")
    # Monday 09:00, answered 10:00, resolved 13:00: 1 and 4 business hours.
    ticket(make, customer, channel=Channel.PHONE, category="heating", queue=service, owner=ann,
           created=local(2, 9), responded=local(2, 10), resolved=local(2, 13))
    # Monday 16:00, answered Tuesday 09:00 (17 h on the clock, 2 business hours), resolved Wednesday 16:00 (18).
    second = ticket(make, customer, channel=Channel.EMAIL, category="heating", queue=service, owner=bob,
                    created=local(2, 16), responded=local(3, 9), resolved=local(4, 16), escalation_level=1)
    second.first_response_breached_at = local(2, 17)
    # Friday 16:30, answered Monday 08:30 (1 business hour), still open, resolution breached, reopened once.
    ticket(make, customer, channel=Channel.PHONE, category="billing", queue=None, owner=None, created=local(6, 16, 30),
           responded=local(9, 8, 30), status="open", resolution_breached_at=local(8, 12), reopened_count=1)
    # Saturday 10:00, answered 11:00 (no business time), resolved after the week; no SLA.
    ticket(make, customer, channel=Channel.PHONE, category="heating", queue=service, owner=ann, created=local(7, 10),
           responded=local(7, 11), resolved=local(9, 12), sla=False)
    # Created the Friday before (15:00), resolved Monday 09:00: 3 business hours, resolved in the week.
    ticket(make, customer, channel=Channel.PHONE, category=None, queue=None, owner=None,
           created=datetime(2026, 10, 30, 15, tzinfo=AMSTERDAM), responded=None, resolved=local(2, 9))
    # A duplicate merged into the second ticket: left out everywhere.
    ticket(make, customer, channel=Channel.WEB, category="heating", queue=service, owner=ann, created=local(3, 9),
           responded=local(3, 9, 5), resolved=local(3, 10), merged_into_id=second.id, escalation_level=2)
    db.session.commit()
    return {"ann": ann, "bob": bob, "service": service}


def by(figures, dimension):
    return {row.label: row for row in figures.by[dimension]}


def test_totals_of_the_week(app, week):
    total = services.desk_figures(WEEK).total
    assert (total.created, total.resolved, total.open_now) == (4, 3, 1)
    # First responses 0, 1, 1, 2 business hours; resolutions 3, 4, 18.
    assert total.first_response_hours(0.5) == Decimal("1.00")
    assert total.first_response_hours(0.9) == Decimal("1.70")
    assert total.resolution_hours(0.5) == Decimal("4.00")
    assert total.resolution_hours(0.9) == Decimal("15.20")
    assert total.first_response_compliance == Decimal("66.7")  # 2 of the 3 with a target
    assert total.resolution_compliance == Decimal("66.7")
    assert total.escalation_rate == Decimal("25.0")
    assert total.reopen_rate == Decimal("25.0")


def test_times_are_business_hours_not_the_clock_on_the_wall(app, week):
    email = by(services.desk_figures(WEEK), "channel")["E-mail"]
    assert email.first_response_hours(0.5) == Decimal("2.00")  # 17 hours on the wall clock, overnight
    assert email.resolution_hours(0.5) == Decimal("18.00")


def test_by_channel_queue_agent_and_category(app, week):
    figures = services.desk_figures(WEEK)
    phone = by(figures, "channel")["Phone"]
    assert (phone.created, phone.resolved, phone.open_now) == (3, 2, 1)
    assert phone.resolution_hours(0.5) == Decimal("3.50")
    assert "Web form" not in by(figures, "channel")  # the merged ticket
    queues = by(figures, "queue")
    assert (queues["Service"].created, queues["No queue"].created, queues["No queue"].resolved) == (3, 1, 1)
    agents = by(figures, "agent")
    assert (agents["Ann"].created, agents["Ann"].resolved, agents["Bob"].escalation_rate) == (2, 1, Decimal("100.0"))
    assert agents["Unassigned"].reopen_rate == Decimal("100.0")
    categories = by(figures, "category")
    assert categories["heating"].created == 3 and categories["No category"].resolved == 1
    assert categories["heating"].first_response_compliance == Decimal("50.0")
    assert [row.label for row in figures.by["queue"]] == ["Service", "No queue"]  # most tickets first


def test_an_empty_period_has_no_figures_rather_than_zeros(app, week):
    total = services.desk_figures(Period(datetime(2026, 1, 1).date(), datetime(2026, 1, 31).date())).total
    assert total.created == 0 and total.open_now == 1
    assert total.first_response_hours(0.5) is None and total.first_response_compliance is None


def test_queries_do_not_grow_with_the_data(app, make, week):
    def statements():
        db.session.expunge_all()
        with recorded_statements() as sent:
            services.desk_figures(WEEK)
        return len(sent)

    few = statements()
    customer = make.customer()
    for n in range(12):
        ticket(make, customer, channel=Channel.CHAT, category=f"c{n}", queue=make.queue(mode="manual"),
               owner=make.user(Role.AGENT), created=local(3, 10), responded=local(3, 11), resolved=local(3, 12))
    db.session.commit()
    assert statements() == few <= 8


def test_the_timeline_counts_like_the_sla_clock(app, week):
    calendar = load_calendar()
    generator = random.Random(6)
    start = local(1, 0)
    timeline = BusinessTimeline(calendar, start.timestamp(), (start + timedelta(days=40)).timestamp())
    for _ in range(300):
        a = start + timedelta(minutes=generator.randrange(0, 30 * 24 * 60))
        b = a + timedelta(minutes=generator.randrange(0, 10 * 24 * 60))
        assert timeline.minutes(a.timestamp(), b.timestamp()) == pytest.approx(
            clock.business_minutes_between(calendar, a, b))


def test_percentiles_interpolate_like_percentile_cont():
    assert services.percentile([], 0.5) is None
    assert services.percentile([7.0], 0.9) == 7.0
    assert services.percentile([1.0, 2.0, 3.0, 4.0], 0.5) == 2.5
    assert services.percentile([10.0, 0.0, 5.0], 0.9) == pytest.approx(9.0)


def test_the_api_gives_decimal_strings_and_the_time_basis(api, make, week):
    body = api.as_user(make.user(Role.AGENT)).get(f"reports/desk-figures?{QUERY}").json
    assert body["from"] == "2026-11-02" and body["time_basis"] == "business_hours"
    assert body["total"]["resolution_p90_hours"] == "15.20" and body["total"]["created"] == 4
    assert {row["label"] for row in body["by"]["agent"]} == {"Ann", "Bob", "Unassigned"}


def test_the_period_defaults_to_the_last_thirty_days(api, make):
    body = api.as_user(make.user(Role.ADMIN)).get("reports/desk-figures").json
    assert (datetime.fromisoformat(body["to"]) - datetime.fromisoformat(body["from"])).days == 29


def test_csv_per_dimension_with_a_total_row(api, make, week):
    response = api.as_user(make.user(Role.AGENT)).get(f"reports/desk-figures.csv?{QUERY}&dimension=channel"
                                                      "&style=standard")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "desk-figures-by-channel_2026-11-02_2026-11-08.csv" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0][:4] == ["Channel", "Created", "Resolved", "Open now"]
    assert "business hours" in rows[0][4]
    assert rows[1] == ["Phone", "3", "2", "1", "1.00", "1.00", "3.50", "3.90", "100.0", "50.0", "0.0", "33.3"]
    assert rows[-1][:4] == ["Total", "4", "3", "1"]


def test_csv_in_excel_style_guards_formulas(api, make, week):
    make.company()
    queue = make.queue(mode="manual", name="=HYPERLINK(\"x\")")
    customer = make.customer()
    ticket(make, customer, channel=Channel.PHONE, category="-1+2", queue=queue, owner=None, created=local(3, 10))
    db.session.commit()
    client = api.as_user(make.user(Role.AGENT))
    queues = client.get(f"reports/desk-figures.csv?{QUERY}&dimension=queue").get_data(as_text=True)
    categories = client.get(f"reports/desk-figures.csv?{QUERY}&dimension=category").get_data(as_text=True)
    assert queues.startswith("\ufeff") and "'=HYPERLINK" in queues and "'-1+2" in categories


@pytest.mark.parametrize(("query", "field"), [
    ("from=2026-02-30&to=2026-03-01", "from"), ("from=yesterday&to=2026-03-01", "from"),
    ("from=2026-03-02&to=2026-03-01", "to"), ("from=2026-03-01", "to"), ("to=2026-03-01", "from"),
    ("from=2024-01-01&to=2026-03-01", "to"), ("from=2025-02-28&to=2026-03-01", "to"),
])
def test_bad_periods_are_refused_naming_the_field(api, make, query, field):
    client = api.as_user(make.user(Role.AGENT))
    for path in (f"reports/desk-figures?{query}", f"reports/desk-figures.csv?{query}&dimension=agent"):
        response = client.get(path)
        assert response.status_code == 422 and response.mimetype == "application/problem+json", path
        assert field in response.json["errors"] or field in str(response.json["errors"]), response.json


@pytest.mark.parametrize("query", ["", "&dimension=", "&dimension=owner", "&style=xlsx&dimension=agent"])
def test_a_csv_needs_a_known_dimension_and_style(api, make, query):
    response = api.as_user(make.user(Role.AGENT)).get(f"reports/desk-figures.csv?{QUERY}{query}")
    assert response.status_code == 422
    assert {"dimension", "style"} & set(str(response.json["errors"]).replace("'", " ").split())


def test_a_year_is_allowed(api, make):
    response = api.as_user(make.user(Role.AGENT)).get("reports/desk-figures?from=2025-03-02&to=2026-03-01")
    assert response.status_code == 200

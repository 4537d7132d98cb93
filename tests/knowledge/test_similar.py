"""For agents: similar resolved tickets with their last reply, and matching articles (panel and API)."""

import pytest
from flask import render_template

from dispatch.desk import services as desk
from dispatch.desk.models import Ticket
from dispatch.enums import MessageKind, Role
from dispatch.extensions import db
from dispatch.knowledge.services import similar_panel
from tests.support.queries import recorded_statements


def resolved(make, subject, description="", replies=()):
    ticket = make.ticket(subject=subject, description=description or subject)
    for body in replies:
        desk.add_message(ticket, MessageKind.REPLY, body)
    desk.change_status(ticket, "resolved", None)
    db.session.commit()
    return ticket


def test_only_resolved_tickets_are_similar_and_the_answer_is_the_last_reply(app, make):
    done = resolved(make, "Boiler pressure drops every night", replies=["First try.", "Top up to 1.5 bar."])
    make.ticket(subject="Boiler pressure drops again", description="Still open")  # open: not an answer
    resolved(make, "Invoice address wrong")
    merged_away = resolved(make, "Boiler pressure drops too")
    current = make.ticket(subject="Pressure of my boiler drops", description="Gauge shows 0.5 bar")
    merged_away.merged_into_id = current.id
    db.session.commit()

    panel = similar_panel(current)
    assert [row.ticket.id for row in panel["tickets"]] == [done.id]
    assert panel["tickets"][0].answer.body == "Top up to 1.5 bar."


def test_a_resolved_ticket_without_a_reply_has_no_answer(app, make):
    resolved(make, "Radiator cold upstairs")
    panel = similar_panel(make.ticket(subject="Radiator cold", description="Upstairs bedroom"))
    assert len(panel["tickets"]) == 1 and panel["tickets"][0].answer is None


def test_matching_articles_of_any_language_are_offered(app, make):
    make.article(slug="druck", title="Boiler Druck", language="de")
    make.article(slug="draft", title="Boiler draft", language="en", status="draft")
    panel = similar_panel(make.ticket(subject="Boiler leaks", description="Water under the boiler"))
    assert [article.slug for article in panel["articles"]] == ["druck"]


def test_the_panel_costs_the_same_queries_with_more_tickets(app, make):
    def cost():
        db.session.expunge_all()
        ticket = db.session.get(Ticket, current_id)
        ticket.customer  # loaded by the ticket page already  # noqa: B018
        with recorded_statements() as statements:
            similar_panel(ticket)
        return len(statements)

    current_id = make.ticket(subject="Boiler pressure drops", description="Boiler pressure").id
    resolved(make, "Boiler pressure low", replies=["Top up."])
    few = cost()
    for n in range(6):
        resolved(make, f"Boiler pressure issue {n}", replies=["A.", "B."])
    assert cost() == few <= 4


def test_stop_words_alone_find_nothing(app, make):
    resolved(make, "The and of")
    assert similar_panel(make.ticket(subject="the and", description="of the"))["tickets"] == []


def test_the_panel_template_renders_escaped(app, make):
    resolved(make, "Boiler <b>noise</b>", replies=["Use <script>x</script>\nthen wait"])
    ticket = make.ticket(subject="Boiler noise", description="Loud")
    with app.test_request_context():
        html = render_template("knowledge/_similar.html", ticket=ticket, panel=similar_panel(ticket))
    assert "&lt;script&gt;" in html and "<script>" not in html and "then wait" in html


def test_the_similar_api_lists_tickets_answers_and_articles(api, make):
    done = resolved(make, "Boiler pressure drops", replies=["Top up to 1.5 bar."])
    make.article(slug="pressure", title="Boiler pressure", language="en")
    current = make.ticket(subject="Boiler pressure", description="Drops")
    client = api.as_user(make.user(Role.AGENT))
    body = client.get(f"tickets/{current.id}/similar").json
    assert body["tickets"][0]["reference"] == done.reference
    assert body["tickets"][0]["answer"]["body"] == "Top up to 1.5 bar."
    assert body["articles"][0]["url"] == "/help/pressure"
    missing = client.get("tickets/999999/similar")
    assert missing.status_code == 404 and missing.mimetype == "application/problem+json"


@pytest.mark.parametrize(("role", "status"), [(Role.AGENT, 200), (Role.ADMIN, 200), (Role.BILLING, 403),
                                              (Role.TECHNICIAN, 404)])
def test_who_may_see_similar_tickets(api, make, role, status):
    ticket = make.ticket()
    assert api.as_user(make.user(role)).get(f"tickets/{ticket.id}/similar").status_code == status
    assert api.get(f"tickets/{ticket.id}/similar").status_code == 401

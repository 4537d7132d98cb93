"""The canned-response picker on the ticket page in headless Chromium: an agent inserts a response, by mouse and
by keyboard, filled in for this ticket where the cursor is in the reply; what the agent typed stays; hostile
text goes in as text; no script error or CSP violation; usable on a 360 px phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from dispatch.desk.canned import services as canned
from dispatch.extensions import db
from tests.browser.backoffice_support import DESKTOP, Problems, shoot, sign_in, sticking_out
from tests.support.factories import AMSTERDAM, next_weekday_at

pytestmark = pytest.mark.browser

VISIT = "Dear {customer_name}, about {reference}: our technician comes {appointment}.\n"
THANKS = "Thank you, {agent_name} of the service desk.\n"


def _open_ticket(page, live_server, agent, ticket) -> None:
    sign_in(page, live_server, agent.email)
    page.goto(f"{live_server.url}/tickets/{ticket.id}")
    expect(page.get_by_role("heading", name=ticket.subject, level=1)).to_be_visible()


def _picker(page):
    return page.locator("form[data-canned-picker]")


def _reply(page):
    return page.get_by_label("Reply to the customer")


def _caret(page) -> list[int]:
    return page.evaluate("() => { const box = document.getElementById('reply-body');"
                         " return [box.selectionStart, box.selectionEnd]; }")


def test_agent_inserts_a_filled_in_response_at_the_cursor_by_mouse_and_by_keyboard(page, live_server, make):
    page.set_viewport_size(DESKTOP)
    problems = Problems(page)
    agent = make.user("agent", name="Anouk Agent")
    technician = make.user("technician", name="Tom Technician")
    ticket = make.ticket(make.customer(name="Familie Visser"), subject="Boiler leaks water")
    start = next_weekday_at(9, 30)
    make.scheduled_job(technician, ticket, start=start)
    make.canned_response(VISIT, title="Visit planned")
    thanks_response = make.canned_response(THANKS, title="Thanks")
    local = start.astimezone(AMSTERDAM)
    appointment = f"{local:%A} {local.day} {local:%B %Y}, 09:30"
    visit = f"Dear Familie Visser, about {ticket.reference}: our technician comes {appointment}.\n"
    thanks = "Thank you, Anouk Agent of the service desk.\n"

    _open_ticket(page, live_server, agent, ticket)
    picker = _picker(page)
    expect(picker.get_by_label("Canned response").locator("option")).to_have_text(["Thanks", "Visit planned"])
    reply = _reply(page)
    reply.fill("Hello,\n\nKind regards")
    reply.press("Control+Home")
    reply.press("ArrowDown")
    reply.press("ArrowDown")  # the cursor at the start of the last line, before "Kind regards"
    shoot(page, "canned-01-typed")

    picker.get_by_label("Canned response").select_option(label="Visit planned")
    picker.get_by_role("button", name="Insert").click()
    expect(picker.get_by_role("status")).to_have_text("Inserted into the reply.")
    expect(reply).to_have_value(f"Hello,\n\n{visit}Kind regards")
    expect(reply).to_be_focused()
    assert _caret(page) == [len(f"Hello,\n\n{visit}")] * 2  # typing goes on right after the inserted text
    assert "canned=" not in page.url  # filled in by the script, not by reloading the page
    shoot(page, "canned-02-inserted")

    # By keyboard only: into the picker, the other response with the arrow keys, Tab to Insert, Enter.
    reply.press("Shift+Tab")  # the reply is the first control after the picker's Insert button
    expect(picker.get_by_role("button", name="Insert")).to_be_focused()
    page.keyboard.press("Shift+Tab")
    expect(picker.get_by_label("Canned response")).to_be_focused()
    page.keyboard.press("ArrowUp")
    expect(picker.get_by_label("Canned response")).to_have_value(str(thanks_response.id))
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(reply).to_have_value(f"Hello,\n\n{visit}{thanks}Kind regards")
    expect(reply).to_be_focused()
    page.keyboard.type("P.S. ")
    expect(reply).to_have_value(f"Hello,\n\n{visit}{thanks}P.S. Kind regards")
    shoot(page, "canned-03-keyboard")
    problems.assert_none()


HOSTILE = '<img src=x onerror="document.title=\'owned\'"><script>document.title="owned"</script>'


def test_hostile_text_goes_into_the_reply_as_text_on_a_phone(page, live_server, make):
    page.set_viewport_size({"width": 360, "height": 640})
    problems = Problems(page)
    agent = make.user("agent")
    ticket = make.ticket(make.customer(name=f"Visser {{reference}} {HOSTILE}"), subject="Radiator cold")
    make.canned_response(f"{HOSTILE} Dear {{customer_name}}, about {{reference}}: {{appointment}}.",
                         title=f"<b>Bold</b> {HOSTILE}")

    _open_ticket(page, live_server, agent, ticket)
    picker = _picker(page)
    expect(picker.get_by_label("Canned response").locator("option")).to_have_text(f"<b>Bold</b> {HOSTILE}")
    reply = _reply(page)
    reply.fill("Hi, ")
    picker.get_by_role("button", name="Insert").click()
    expect(picker.get_by_role("status")).to_have_text("Inserted into the reply.")

    # A placeholder inside the customer's name is not filled in again: values are never read as placeholders.
    expect(reply).to_have_value(f"Hi, {HOSTILE} Dear Visser {{reference}} {HOSTILE}, about {ticket.reference}: "
                                "(no appointment yet).")
    assert page.locator("img[src=x]").count() == 0
    assert page.title() != "owned"
    assert sticking_out(page) == []
    for control in (picker.get_by_label("Canned response"), picker.get_by_role("button", name="Insert"), reply):
        box = control.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 360, box
    shoot(page, "canned-04-phone")
    problems.assert_none()


def test_text_typed_in_the_reply_survives_a_response_removed_meanwhile(page, live_server, make):
    page.set_viewport_size(DESKTOP)
    agent = make.user("agent")
    ticket = make.ticket(subject="Radiator cold")
    response = make.canned_response(VISIT, title="Visit planned")

    _open_ticket(page, live_server, agent, ticket)
    canned.delete_response(response, None)  # another agent removes it while this page is open
    db.session.commit()
    _reply(page).fill("We looked into it and")
    _picker(page).get_by_role("button", name="Insert").click()

    # The agent is told the response could not be inserted, and keeps the draft: the page does not reload.
    expect(_picker(page).get_by_role("status")).to_have_text(
        "This response was removed meanwhile; reload the page for the current list.")
    expect(_reply(page)).to_have_value("We looked into it and")
    assert "canned=" not in page.url


def test_a_response_goes_after_a_draft_the_agent_has_not_been_into(page, live_server, make):
    page.set_viewport_size(DESKTOP)
    agent = make.user("agent")
    ticket = make.ticket(subject="Radiator cold")
    make.canned_response("Thanks for waiting.", title="Thanks")

    _open_ticket(page, live_server, agent, ticket)
    _reply(page).evaluate("box => { box.value = 'Draft kept from before. '; }")  # as after a refused send
    _picker(page).get_by_role("button", name="Insert").click()
    expect(_reply(page)).to_have_value("Draft kept from before. Thanks for waiting.")


def test_typing_goes_on_after_a_multi_line_response_saved_in_the_form(page, live_server, make):
    page.set_viewport_size(DESKTOP)
    agent = make.user("agent")
    ticket = make.ticket(subject="Radiator cold")

    sign_in(page, live_server, agent.email)
    page.goto(f"{live_server.url}/desk/canned-responses")
    page.get_by_label("Title").fill("Three lines")
    page.get_by_label("Text").fill("One\nTwo\nThree\n")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("link", name="Three lines")).to_be_visible()
    page.goto(f"{live_server.url}/tickets/{ticket.id}")
    reply = _reply(page)
    reply.fill("Hello world")
    reply.press("Control+Home")
    for _ in "Hello ":
        reply.press("ArrowRight")
    _picker(page).get_by_role("button", name="Insert").click()
    expect(reply).to_have_value("Hello One\nTwo\nThree\nworld")

    page.keyboard.type("X")
    expect(reply).to_have_value("Hello One\nTwo\nThree\nXworld")

"""Full-text search of tickets (SQLite FTS5 / PostgreSQL full-text behind one function): reference, subject,
description and messages, ranked, prefix matching, and safe for whatever a person types."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text, update

from dispatch.desk import lists, search, services
from dispatch.desk.models import Ticket
from dispatch.enums import MessageKind
from dispatch.extensions import db
from dispatch.knowledge import search as knowledge_search
from dispatch.knowledge.models import Article
from tests.support.queries import query_plans


def found(client, text: str) -> list[int]:
    response = client.get("tickets", query_string={"q": text, "limit": 50})
    assert response.status_code == 200, (text, response.json)
    return [item["id"] for item in response.json["items"]]


def test_finds_subject_description_and_message_bodies_with_prefixes(api, make):
    customer = make.customer()
    pump = make.ticket(customer, subject="Heat pump makes a humming noise", description="Since the frost.")
    valve = make.ticket(customer, subject="Dripping tap", description="The thermostatic valve leaks.")
    note = make.ticket(customer, subject="Question about invoice", description="Amount looks wrong.")
    services.add_message(note, MessageKind.CUSTOMER, "Also the radiator in the attic stays cold.")
    db.session.commit()
    client = api.as_user(make.user("agent"))
    assert found(client, "humming") == [pump.id]
    assert found(client, "thermostat") == [valve.id]  # a prefix finds the longer word
    assert found(client, "attic radiator") == [note.id]  # every word, in any order, also in messages
    assert found(client, "RADIATOR") == [note.id]
    assert found(client, "radiator pump") == []


def test_ticket_text_ranks_before_a_passing_mention_in_a_message(api, make):
    customer = make.customer()
    mention = make.ticket(customer, subject="Invoice question", description="About last month.")
    services.add_message(mention, MessageKind.NOTE, "Customer also mentioned the boiler once.")
    db.session.commit()
    main = make.ticket(customer, subject="Boiler broken", description="The boiler shows E10; boiler is old.")
    client = api.as_user(make.user("agent"))
    assert found(client, "boiler") == [main.id, mention.id]


def test_a_reference_finds_its_ticket_directly(api, pages, client, make):
    tickets = [make.ticket() for _ in range(3)]
    target = tickets[1]
    agent = api.as_user(make.user("agent"))
    assert found(agent, target.reference)[0] == target.id
    assert found(agent, f"  {target.reference.lower()} ")[0] == target.id
    pages.login_as("agent")
    response = client.get(f"/tickets?q={target.reference}")
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/tickets/{target.id}")


@pytest.mark.parametrize("text", [
    '"', "'", '"unbalanced', "boiler AND", "NEAR(boiler pump, 2)", "boiler OR", "NOT", "*", "boil*er", "(",
    ")", "{subject}: x", "subject:boiler", "^boiler", "-boiler", "a & b | !c", "'; DROP TABLE tickets; --",
    "\\", "%", "_", "  ", "——", "🔥", "x" * 200, "ü ö ß", "boiler:*", "<->",
])
def test_any_input_is_safe(api, make, text):
    make.ticket(subject="Boiler and pump")
    client = api.as_user(make.user("agent"))
    response = client.get("tickets", query_string={"q": text})
    assert response.status_code == 200, (text, response.json)


def test_any_input_is_safe_on_the_page(pages, client, make):
    make.ticket(subject="Boiler and pump")
    pages.login_as("agent")
    for typed in ('"', "NEAR(", "boiler AND", "*", "'", "T-2026-999999", "t-0000-1"):
        assert client.get("/tickets", query_string={"q": typed}).status_code == 200, typed


def test_words_and_references_as_the_search_reads_them():
    assert search.terms('Boiler "E10" NEAR(pump)*') == ["boiler", "e10", "near", "pump"]
    assert search.terms("") == [] and search.terms("!!!") == []
    assert search.reference_in(" t-2026-000042 ") == "T-2026-000042"
    assert search.reference_in("T-2026-000042 boiler") is None


def test_accented_words_are_found_as_written_and_without_their_accents(api, make):
    ticket = make.ticket(subject="Chauffe-eau en panne", description="Le café est froid.")
    message = make.ticket(subject="Heizung", description="Kein Warmwasser.")
    services.add_message(message, MessageKind.CUSTOMER, "Grüße, Jürgen Müller")
    db.session.commit()
    client = api.as_user(make.user("agent"))
    assert found(client, "café") == [ticket.id]
    assert found(client, "cafe") == [ticket.id]  # FTS5 drops diacritics; PostgreSQL through unaccent()
    assert found(client, "muller") == found(client, "Müller") == [message.id]
    assert found(client, "jürg") == [message.id]


def test_the_index_follows_an_edited_text_and_keeps_it_through_other_changes(api, make):
    agent = make.user("agent")
    ticket = make.ticket(subject="Boiler noise", description="Rattles at night.")
    client = api.as_user(agent)
    db.session.execute(update(Ticket).where(Ticket.id == ticket.id).values(owner_id=agent.id, escalation_level=1))
    db.session.commit()
    assert found(client, "rattles") == [ticket.id]
    db.session.execute(update(Ticket).where(Ticket.id == ticket.id).values(subject="Radiator cold"))
    db.session.commit()
    assert found(client, "boiler") == [] and found(client, "radiator") == found(client, "rattles") == [ticket.id]


def test_postgresql_reads_its_search_indexes_for_tickets_messages_and_articles(app, make):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite searches its FTS5 tables, which have no other way in")
    make.ticket(subject="Pompe bruyante", description="La pompe fait du bruit.")
    make.article(title="Pompe: purger l'air")
    # With sequential scans priced out, only a query whose expression is the index's own avoids them.
    db.session.execute(text("SET LOCAL enable_seqscan = off"))
    plans = query_plans(lambda: lists.ticket_page(lists.TicketFilters(q="pompe"), 1, None, 50))
    assert "ix_tickets_search" in plans[0] and "ix_ticket_messages_search" in plans[0], plans[0]
    for target, model in ((knowledge_search.ARTICLES, Article), (knowledge_search.TICKETS, Ticket)):
        statement = knowledge_search.matching(select(model.id), target, model.id, ["pompe"])
        plans = query_plans(lambda statement=statement: db.session.execute(statement).all())
        assert f"{target.table}_search" in plans[0], plans[0]

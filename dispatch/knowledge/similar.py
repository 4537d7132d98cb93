"""For the agent on a ticket: resolved tickets about the same thing, with the reply that settled them,
and the articles that match. Four queries, whatever the size of the desk."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from dispatch.desk.models import Ticket, TicketMessage
from dispatch.enums import ArticleStatus, MessageKind
from dispatch.extensions import db
from dispatch.knowledge import search
from dispatch.knowledge.models import Article

SIMILAR_TICKETS = 5
SIMILAR_ARTICLES = 5


@dataclass(frozen=True)
class SimilarTicket:
    """A resolved ticket and its last agent reply (None when it was settled without one)."""

    ticket: Ticket
    answer: TicketMessage | None


def _terms(ticket: Ticket) -> list[str]:
    """What the ticket is about: the words of its subject first, then its description."""
    return search.significant_words(f"{ticket.subject}\n{ticket.description}")


def similar_tickets(ticket: Ticket, limit: int = SIMILAR_TICKETS) -> list[SimilarTicket]:
    """Resolved tickets (not merged away) sharing words with ``ticket``, best match first, with their answer."""
    terms = _terms(ticket)
    if not terms:
        return []
    stmt = select(Ticket).where(Ticket.id != ticket.id, Ticket.resolved_at.is_not(None),
                                Ticket.merged_into_id.is_(None))
    stmt = search.matching(stmt, search.TICKETS, Ticket.id, terms, any_term=True)
    found = list(db.session.scalars(stmt.limit(limit)))
    answers = _last_replies([row.id for row in found])
    return [SimilarTicket(row, answers.get(row.id)) for row in found]


def _last_replies(ticket_ids: list[int]) -> dict[int, TicketMessage]:
    """The last agent reply of each ticket, in one query."""
    if not ticket_ids:
        return {}
    last = (select(func.max(TicketMessage.id))
            .where(TicketMessage.ticket_id.in_(ticket_ids), TicketMessage.kind == MessageKind.REPLY)
            .group_by(TicketMessage.ticket_id))
    messages = db.session.scalars(select(TicketMessage).where(TicketMessage.id.in_(last)))
    return {message.ticket_id: message for message in messages}


def matching_articles(ticket: Ticket, limit: int = SIMILAR_ARTICLES) -> list[Article]:
    """Published articles (any language: agents may send one in the customer's) matching the ticket's words."""
    terms = _terms(ticket)
    if not terms:
        return []
    stmt = select(Article).where(Article.status == ArticleStatus.PUBLISHED)
    stmt = search.matching(stmt, search.ARTICLES, Article.id, terms, any_term=True)
    return list(db.session.scalars(stmt.limit(limit)))


def similar_panel(ticket: Ticket) -> dict[str, Any]:
    """The ticket page's panel (``templates/knowledge/_similar.html``): similar resolved tickets, articles."""
    return {"tickets": similar_tickets(ticket), "articles": matching_articles(ticket),
            "language": ticket.customer.language if ticket.customer else None}

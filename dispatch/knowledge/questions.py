"""The most frequent questions of a period: what customers ask about, and whether an article answers it.

Tickets are grouped twice: by category and subcategory (a grouped count in SQL), and by the words that
recur in their subjects (lowercased, without diacritics, stop words of Dutch, German and English
removed, each word counted once per ticket). A category is covered when a published article has that
category; a word when a published article contains it. Four queries, whatever the period holds.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from dispatch import search_text
from dispatch.desk.models import Ticket
from dispatch.enums import ArticleStatus
from dispatch.extensions import db
from dispatch.knowledge import search
from dispatch.knowledge.models import Article
from dispatch.reporting.services import Period

MAX_SUBJECTS = 20_000  # the newest subjects of a period are read; a longer tail hardly changes the top words
TOP_WORDS = 30
TOP_CATEGORIES = 50
MIN_TICKETS = 2  # a word of one ticket is not a recurring question


@dataclass(frozen=True)
class CategoryCount:
    category: str | None
    subcategory: str | None
    tickets: int
    covered: bool


@dataclass(frozen=True)
class WordCount:
    word: str
    tickets: int
    covered: bool


@dataclass(frozen=True)
class QuestionsReport:
    period: Period
    tickets: int
    categories: list[CategoryCount]
    words: list[WordCount]
    subjects_read: int  # at most MAX_SUBJECTS: the words come from these


def frequent_questions(period: Period) -> QuestionsReport:
    """Tickets created in ``period`` by category and by recurring subject word, each marked covered or not."""
    start, end = period.utc_bounds()
    in_period = (Ticket.created_at >= start, Ticket.created_at < end, Ticket.merged_into_id.is_(None))
    grouped = db.session.execute(
        select(Ticket.category, Ticket.subcategory, func.count().label("tickets")).where(*in_period)
        .group_by(Ticket.category, Ticket.subcategory).order_by(func.count().desc(), Ticket.category)
    ).all()
    covered_categories = set(db.session.scalars(
        select(Article.category).where(Article.status == ArticleStatus.PUBLISHED, Article.category.is_not(None))
        .distinct()))
    covered_folded = {search.fold(name) for name in covered_categories}
    categories = [CategoryCount(row.category, row.subcategory, row.tickets,
                                row.category is not None and search.fold(row.category) in covered_folded)
                  for row in grouped[:TOP_CATEGORIES]]
    subjects = list(db.session.scalars(select(Ticket.subject).where(*in_period)
                                       .order_by(Ticket.created_at.desc()).limit(MAX_SUBJECTS)))
    counts: Counter[str] = Counter()
    shown: dict[str, str] = {}
    for subject in subjects:
        for word in set(search.significant_words(subject, limit=30)):
            folded = search.fold(word)
            counts[folded] += 1
            shown.setdefault(folded, word)
    top = [(word, count) for word, count in counts.most_common(TOP_WORDS) if count >= MIN_TICKETS]
    covered_words = _covered({word: shown[word] for word, _count in top})
    words = [WordCount(shown[word], count, word in covered_words) for word, count in top]
    return QuestionsReport(period, sum(row.tickets for row in grouped), categories, words, len(subjects))


def _covered(words: dict[str, str]) -> set[str]:
    """The (folded) words that some published article contains, in one query; ``words``: folded -> as written."""
    if not words:
        return set()
    stmt = select(Article.title, Article.summary, Article.body).where(Article.status == ArticleStatus.PUBLISHED)
    # As written: PostgreSQL's 'simple' configuration keeps diacritics (FTS5 folds them either way).
    stmt = search.matching(stmt, search.ARTICLES, Article.id, list(words.values()), any_term=True)
    found: set[str] = set()
    wanted = set(words)
    for row in db.session.execute(stmt.limit(200)):
        text = " ".join(value or "" for value in row)
        found |= wanted & {search.fold(word) for word in search_text.words(text, limit=100_000)}
    return found


def csv_header() -> list[str]:
    """Columns of the CSV file."""
    return [_("Kind"), _("Category"), _("Subcategory"), _("Word"), _("Tickets"), _("Covered by an article")]


def csv_rows(report: QuestionsReport) -> Iterator[list[Any]]:
    """The categories, then the words, one row each."""
    for row in report.categories:
        yield [_("category"), row.category or "", row.subcategory or "", "", row.tickets,
               _("yes") if row.covered else _("no")]
    for row in report.words:
        yield [_("word"), "", "", row.word, row.tickets, _("yes") if row.covered else _("no")]

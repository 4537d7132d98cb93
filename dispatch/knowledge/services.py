"""Knowledge base: articles written by agents, published ones found by customers, suggestions while typing."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Select, select, update

from dispatch import audit
from dispatch.dbtypes import utcnow
from dispatch.enums import ArticleStatus
from dispatch.errors import Invalid, NotFound
from dispatch.extensions import db
from dispatch.knowledge import search
from dispatch.knowledge.models import Article
from dispatch.knowledge.similar import similar_panel  # noqa: F401 - the API's entry (the page imports it directly)
from dispatch.search_text import words

LANGUAGES = ("nl", "de", "en")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
PAGE_SIZE = 20
MAX_PAGE = 50  # search results are ranked, not keyed: deep offsets cost, and nobody reads page 51
SUGGESTIONS = 5
LIMITS = {"slug": 120, "title": 200, "summary": 500, "category": 80, "body": 50_000}


@dataclass(frozen=True)
class SearchPage:
    """One page of ranked search results; ``has_more`` when another page follows."""

    items: list[Article]
    page: int
    has_more: bool


def language_or_default(value: str | None, default: str = "en") -> str:
    """``value`` if it is one of the knowledge base's languages, else ``default``."""
    return value if value in LANGUAGES else default


def paragraphs(body: str) -> list[str]:
    """The body's paragraphs: blocks separated by blank lines, as written (the page escapes them)."""
    return [block.strip() for block in re.split(r"\n\s*\n", body.replace("\r\n", "\n")) if block.strip()]


def save_article(data: dict[str, Any], actor_id: int | None, article: Article | None = None) -> Article:
    """Create (``article`` None) or change an article; the status in ``data`` publishes or withdraws it."""
    cleaned = _checked(data, article)
    created = article is None
    if article is None:
        article = Article(author_id=actor_id, views=0, helpful_votes=0)
        db.session.add(article)
    before = article.status
    for key, value in cleaned.items():
        setattr(article, key, value)
    if article.status == ArticleStatus.PUBLISHED and (before != ArticleStatus.PUBLISHED or created):
        article.published_at = utcnow()
    db.session.flush()
    action = "knowledge.article_created" if created else "knowledge.article_changed"
    audit.record(action, article, actor_id, slug=article.slug, status=article.status.value,
                 language=article.language)
    return article


def _checked(data: dict[str, Any], article: Article | None) -> dict[str, Any]:
    """The article's fields, trimmed and checked; Invalid names every wrong field."""
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    for key in ("slug", "title", "summary", "category", "body"):
        value = data.get(key)
        value = value.strip() if isinstance(value, str) else value
        if value is not None and not isinstance(value, str):
            errors[key] = [_("Give text.")]
            continue
        cleaned[key] = value or None
        if value and len(value) > LIMITS[key]:
            errors[key] = [_("At most %(count)s characters.", count=LIMITS[key])]
    for key in ("slug", "title", "body"):
        if not cleaned.get(key) and key not in errors:
            errors[key] = [_("This field is required.")]
    slug = cleaned.get("slug")
    if slug and "slug" not in errors and not SLUG.match(slug):
        errors["slug"] = [_("Use lowercase letters, digits and single hyphens, e.g. boiler-pressure-low.")]
    elif slug and "slug" not in errors:
        taken = db.session.scalar(select(Article.id).where(Article.slug == slug))
        if taken is not None and (article is None or taken != article.id):
            errors["slug"] = [_("Another article has this address already.")]
    language = data.get("language")
    if language not in LANGUAGES:
        errors["language"] = [_("Choose Dutch, German or English.")]
    status = data.get("status", ArticleStatus.DRAFT.value if article is None else article.status.value)
    if status not in {item.value for item in ArticleStatus}:
        errors["status"] = [_("Choose draft or published.")]
    if errors:
        raise Invalid(_("The article could not be saved."), errors=errors)
    return cleaned | {"language": language, "status": ArticleStatus(status)}


def get_article(article_id: int) -> Article:
    """Any article (drafts included), for its writers."""
    article = db.session.get(Article, article_id)
    if article is None:
        raise NotFound(_("No such article."))
    return article


def published_article(slug: str) -> Article:
    """A published article by its address; drafts do not exist for the public."""
    article = db.session.scalar(select(Article).where(Article.slug == slug,
                                                      Article.status == ArticleStatus.PUBLISHED))
    if article is None:
        raise NotFound(_("No such article."))
    return article


def vote_helpful(article: Article) -> None:
    """Count one "this helped me" vote, atomically (two votes at once both count)."""
    db.session.execute(update(Article).where(Article.id == article.id)
                       .values(helpful_votes=Article.helpful_votes + 1))


def search_public(query: str | None, language: str, page: int = 1) -> SearchPage:
    """Published articles in ``language`` matching every word of ``query`` (all of them when empty)."""
    stmt = select(Article).where(Article.status == ArticleStatus.PUBLISHED, Article.language == language)
    terms = words(query)
    if terms:
        stmt = search.matching(stmt, search.ARTICLES, Article.id, terms, prefix_last=True)
    else:
        stmt = stmt.order_by(Article.category, Article.title, Article.id)
    return _page(stmt, page)


def suggestions(query: str | None, language: str) -> list[Article]:
    """At most five published articles for what a customer is typing: any of its words, the last as a prefix."""
    terms = search.significant_words(query) or words(query)
    if not terms:
        return []
    stmt = select(Article).where(Article.status == ArticleStatus.PUBLISHED, Article.language == language)
    stmt = search.matching(stmt, search.ARTICLES, Article.id, terms, any_term=True, prefix_last=True)
    return list(db.session.scalars(stmt.limit(SUGGESTIONS)))


def list_articles(query: str | None = None, status: str | None = None, language: str | None = None,
                  page: int = 1) -> SearchPage:
    """Articles for their writers, drafts included: matching ``query``, newest change first otherwise."""
    stmt = select(Article)
    if status in {item.value for item in ArticleStatus}:
        stmt = stmt.where(Article.status == ArticleStatus(status))
    if language in LANGUAGES:
        stmt = stmt.where(Article.language == language)
    terms = words(query)
    if terms:
        stmt = search.matching(stmt, search.ARTICLES, Article.id, terms, prefix_last=True)
    else:
        stmt = stmt.order_by(Article.updated_at.desc(), Article.id.desc())
    return _page(stmt, page)


def _page(stmt: Select, page: int) -> SearchPage:
    """Page ``page`` of the ordered ``stmt``, kept between 1 and ``MAX_PAGE``."""
    page = min(max(page, 1), MAX_PAGE)
    rows = list(db.session.scalars(stmt.offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)))
    return SearchPage(rows[:PAGE_SIZE], page, len(rows) > PAGE_SIZE)

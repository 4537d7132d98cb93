"""Knowledge base articles: drafts for agents, published ones searchable by everybody."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from dispatch.dbtypes import UTCDateTime, utcnow
from dispatch.enums import ArticleStatus, enum_column
from dispatch.extensions import db


class Article(db.Model):
    __tablename__ = "knowledge_articles"
    __table_args__ = (Index("ix_knowledge_articles_status_language", "status", "language", "published_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str | None] = mapped_column(String(500))
    body: Mapped[str] = mapped_column(Text)  # plain text with blank-line paragraphs; escaped on output
    language: Mapped[str] = mapped_column(String(5))
    category: Mapped[str | None] = mapped_column(String(80), index=True)
    status: Mapped[ArticleStatus] = mapped_column(enum_column(ArticleStatus), default=ArticleStatus.DRAFT)
    views: Mapped[int] = mapped_column(default=0)
    helpful_votes: Mapped[int] = mapped_column(default=0)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

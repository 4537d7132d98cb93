"""Back-office forms of the knowledge base: an article, the article list's filters, a vote."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SearchField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from dispatch.enums import ArticleStatus
from dispatch.forms import blank_to_none, optional_text, options

LANGUAGE_LABELS = {"nl": _l("Dutch"), "de": _l("German"), "en": _l("English")}
STATUS_LABELS = {ArticleStatus.DRAFT.value: _l("Draft"), ArticleStatus.PUBLISHED.value: _l("Published")}


class ArticleForm(FlaskForm):
    """An article: plain text, paragraphs separated by a blank line."""

    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)], filters=[blank_to_none])
    slug = StringField(_l("Address (slug)"), validators=[DataRequired(), Length(max=120)], filters=[blank_to_none])
    summary = optional_text(_l("Summary"), 500, field=TextAreaField)
    body = TextAreaField(_l("Text"), validators=[DataRequired(), Length(max=50_000)])
    language = SelectField(_l("Language"), choices=options(LANGUAGE_LABELS.items()), default="nl")
    category = optional_text(_l("Category"), 80)
    status = SelectField(_l("Status"), choices=options(STATUS_LABELS.items()), default=ArticleStatus.DRAFT.value)

    def data_for_service(self) -> dict:
        """The fields as the service takes them."""
        return {name: self[name].data for name in ("title", "slug", "summary", "body", "language", "category",
                                                   "status")}


class ArticleFilterForm(FlaskForm):
    """The article list's filters, read from the query string."""

    class Meta:
        csrf = False

    q = SearchField(_l("Search"), validators=[Optional(), Length(max=200)], filters=[blank_to_none])
    status = SelectField(_l("Status"), validators=[Optional()],
                         choices=options([("", _l("Any status")), *STATUS_LABELS.items()]))
    language = SelectField(_l("Language"), validators=[Optional()],
                           choices=options([("", _l("Any language")), *LANGUAGE_LABELS.items()]))


class VoteForm(FlaskForm):
    """"This article helped me": a button, with the CSRF token."""

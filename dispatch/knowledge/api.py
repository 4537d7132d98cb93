"""/api/v1 knowledge: article suggestions for the public web form, similar tickets for agents, and the
frequent-questions report."""

from __future__ import annotations

from flask import current_app, request, url_for
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from dispatch.api.downloads import csv_download
from dispatch.auth.access import roles_required
from dispatch.desk import services as desk
from dispatch.enums import Role
from dispatch.extensions import limiter
from dispatch.knowledge import questions, services
from dispatch.reporting.api import CSV, CSV_DESCRIPTION, CsvArgs, PeriodArgs
from dispatch.reporting.services import period

WRITERS = (Role.AGENT, Role.ADMIN)

blp = Blueprint("api_knowledge", __name__, url_prefix="/api/v1", description="Knowledge base")


def _suggestion_limit() -> str:
    return current_app.config.get("KNOWLEDGE_SUGGESTIONS_RATE_LIMIT", "30 per minute")


class ArticleSuggestionArgs(Schema):
    q = fields.String(load_default="", validate=validate.Length(max=200),
                      metadata={"description": "what the customer typed so far"})
    lang = fields.String(load_default=None, validate=validate.OneOf(services.LANGUAGES),
                         metadata={"description": "nl, de or en; the browser's language when left out"})


class ArticleSuggestionOut(Schema):
    id = fields.Integer()
    title = fields.String()
    summary = fields.String(allow_none=True)
    url = fields.Function(lambda article: url_for("help.article", slug=article.slug))


class ArticleSuggestionsOut(Schema):
    items = fields.List(fields.Nested(ArticleSuggestionOut))


class SimilarAnswerOut(Schema):
    id = fields.Integer()
    body = fields.String()
    created_at = fields.DateTime()


class SimilarTicketOut(Schema):
    id = fields.Function(lambda row: row.ticket.id)
    reference = fields.Function(lambda row: row.ticket.reference)
    subject = fields.Function(lambda row: row.ticket.subject)
    resolved_at = fields.Function(lambda row: row.ticket.resolved_at.isoformat())
    answer = fields.Nested(SimilarAnswerOut, allow_none=True, metadata={"description": "the last agent reply"})


class ArticleRefOut(ArticleSuggestionOut):
    language = fields.String()


class SimilarOut(Schema):
    tickets = fields.List(fields.Nested(SimilarTicketOut))
    articles = fields.List(fields.Nested(ArticleRefOut))


class QuestionCategoryOut(Schema):
    category = fields.String(allow_none=True)
    subcategory = fields.String(allow_none=True)
    tickets = fields.Integer()
    covered = fields.Boolean()


class QuestionWordOut(Schema):
    word = fields.String()
    tickets = fields.Integer()
    covered = fields.Boolean()


class QuestionsOut(Schema):
    start = fields.Function(lambda report: report.period.start.isoformat(), data_key="from")
    end = fields.Function(lambda report: report.period.end.isoformat(), data_key="to")
    tickets = fields.Integer()
    subjects_read = fields.Integer()
    categories = fields.List(fields.Nested(QuestionCategoryOut))
    words = fields.List(fields.Nested(QuestionWordOut))


@blp.route("/knowledge/suggestions", methods=["GET"])
@limiter.limit(_suggestion_limit)
@blp.arguments(ArticleSuggestionArgs, location="query")
@blp.response(200, ArticleSuggestionsOut)
def suggestions(args: dict):
    """Public (no sign-in), rate limited: at most five published articles matching what a customer types."""
    language = args["lang"] or request.accept_languages.best_match(services.LANGUAGES) or "en"
    return {"items": services.suggestions(args["q"], language)}


@blp.route("/tickets/<int:ticket_id>/similar", methods=["GET"])
@roles_required(*WRITERS)
@blp.response(200, SimilarOut)
def similar(ticket_id: int):
    """Resolved tickets like this one, with their last agent reply, and the published articles that match."""
    panel = services.similar_panel(desk.get_ticket(ticket_id))
    return {"tickets": panel["tickets"], "articles": panel["articles"]}


@blp.route("/reports/frequent-questions", methods=["GET"])
@roles_required(*WRITERS)
@blp.arguments(PeriodArgs, location="query")
@blp.response(200, QuestionsOut)
def frequent_questions(args: dict):
    """Tickets of a period by category and by recurring subject word, each marked covered by an article or not."""
    return questions.frequent_questions(period(args["start"], args["end"]))


@blp.route("/reports/frequent-questions.csv", methods=["GET"])
@roles_required(*WRITERS)
@blp.arguments(CsvArgs, location="query")
@blp.response(200, CSV, content_type="text/csv", description=CSV_DESCRIPTION)
def frequent_questions_csv(args: dict):
    """The frequent-questions report as CSV: categories first, then words."""
    report = questions.frequent_questions(period(args["start"], args["end"]))
    return csv_download(questions.csv_header(), questions.csv_rows(report), args["style"],
                        f"frequent-questions_{report.period.slug}.csv")

"""The public help centre (no sign-in): search the published articles, read one, say it helped."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from dispatch.extensions import limiter
from dispatch.knowledge import services
from dispatch.knowledge.forms import LANGUAGE_LABELS, VoteForm

bp = Blueprint("help", __name__, url_prefix="/help")

MAX_QUERY = 200
PUBLIC_BASES = ["portal/base.html", "base.html"]
REMEMBERED_VOTES = 50  # per browser session: enough to stop a double click, small enough for the cookie


def _search_limit() -> str:
    return current_app.config.get("KNOWLEDGE_SEARCH_RATE_LIMIT", "60 per minute")


def _vote_limit() -> str:
    return current_app.config.get("KNOWLEDGE_VOTE_RATE_LIMIT", "10 per minute;50 per day")


def _page(template: str, **context: object) -> str:
    """A public page on the customer portal's base template, or the back office's until the portal has one."""
    base = current_app.jinja_env.select_template(PUBLIC_BASES)
    return render_template(template, public_base=base, **context)


def visitor_language() -> str:
    """The language asked for with ``?lang=``, else the page's language (the browser's), else English."""
    locale = get_locale()
    return services.language_or_default(request.args.get("lang"),
                                        services.language_or_default(locale.language if locale else None))


@bp.get("")
@limiter.limit(_search_limit)
def index():  # noqa: ANN201
    """Search the published articles in the visitor's language; without words, all of them by category."""
    language = visitor_language()
    query = (request.args.get("q") or "").strip()[:MAX_QUERY]
    result = services.search_public(query, language, request.args.get("page", 1, type=int) or 1)
    return _page("knowledge/help.html", query=query, language=language, result=result, languages=LANGUAGE_LABELS)


@bp.get("/<slug>")
def article(slug: str):  # noqa: ANN201
    """One published article; drafts are not found."""
    found = services.published_article(slug)
    return _page("knowledge/article.html", article=found, paragraphs=services.paragraphs(found.body),
                 form=VoteForm(), voted=found.id in session.get("helpful_votes", []), language=visitor_language())


@bp.post("/<slug>/helpful")
@limiter.limit(_vote_limit)
def helpful(slug: str):  # noqa: ANN201
    """Count "this helped me" once per browser session."""
    found = services.published_article(slug)
    form = VoteForm()
    if not form.validate_on_submit():
        flash(_("Your vote could not be counted; please try again."), "error")
        return redirect(url_for("help.article", slug=slug)), 303
    voted = list(session.get("helpful_votes", []))
    if found.id not in voted:
        services.vote_helpful(found)
        session["helpful_votes"] = [*voted, found.id][-REMEMBERED_VOTES:]
    flash(_("Thank you for your feedback."), "success")
    return redirect(url_for("help.article", slug=slug)), 303

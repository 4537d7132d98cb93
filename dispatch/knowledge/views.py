"""Knowledge base pages for agents and admins: the article list, writing and publishing, frequent questions."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from dispatch.auth.access import roles_required
from dispatch.enums import Role
from dispatch.errors import Invalid
from dispatch.knowledge import questions, services
from dispatch.knowledge.forms import LANGUAGE_LABELS, STATUS_LABELS, ArticleFilterForm, ArticleForm
from dispatch.reporting import csvfile
from dispatch.reporting.services import Period, company_today
from dispatch.reporting.views import PeriodForm
from dispatch.web import form_failed

bp = Blueprint("knowledge", __name__, url_prefix="/knowledge")

WRITERS = (Role.AGENT, Role.ADMIN)
QUESTION_DAYS = 90


def _page_number() -> int:
    return request.args.get("page", 1, type=int) or 1


@bp.get("")
@roles_required(*WRITERS)
def articles():  # noqa: ANN201
    """Every article, drafts included, with search and filters."""
    form = ArticleFilterForm(request.args)
    form.validate()
    result = services.list_articles(form.q.data if not form.q.errors else None, form.status.data,
                                    form.language.data, _page_number())
    return render_template("knowledge/articles.html", form=form, result=result, languages=LANGUAGE_LABELS,
                           statuses=STATUS_LABELS)


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*WRITERS)
def new_article():  # noqa: ANN201
    """Write an article; saved as a draft unless published at once."""
    form = ArticleForm()
    if form.validate_on_submit():
        try:
            article = services.save_article(form.data_for_service(), current_user.id)
        except Invalid as error:
            form_failed(form, error)
        else:
            flash(_("Article saved."), "success")
            return redirect(url_for("knowledge.edit_article", article_id=article.id))
    return render_template("knowledge/edit.html", form=form, article=None), (422 if form.errors else 200)


@bp.route("/<int:article_id>", methods=["GET", "POST"])
@roles_required(*WRITERS)
def edit_article(article_id: int):  # noqa: ANN201
    """Change, publish or withdraw an article, with a preview of how customers see it."""
    article = services.get_article(article_id)
    form = ArticleForm(obj=article, status=article.status.value)
    if form.validate_on_submit():
        try:
            services.save_article(form.data_for_service(), current_user.id, article)
        except Invalid as error:
            form_failed(form, error)
        else:
            flash(_("Article saved."), "success")
            return redirect(url_for("knowledge.edit_article", article_id=article.id))
    return render_template("knowledge/edit.html", form=form, article=article,
                           paragraphs=services.paragraphs(article.body)), (422 if form.errors else 200)


@bp.get("/questions")
@roles_required(*WRITERS)
def frequent_questions():  # noqa: ANN201
    """The most frequent questions of a period, and which of them no article answers yet."""
    form = PeriodForm(request.args)
    today = company_today()
    chosen = form.chosen(Period(today.fromordinal(today.toordinal() - QUESTION_DAYS + 1), today))
    report = questions.frequent_questions(chosen) if chosen else None
    return render_template("knowledge/questions.html", form=form, report=report,
                           style=form.style.data or csvfile.EXCEL.name), (200 if chosen else 422)

"""Customer pages without a login: the web form, its thank-you page, and following one ticket.

The portal session remembers one ticket (``session["portal"]``, see ``services.scope_of``); every ticket route
reads only that ticket, so another ticket is out of reach (404), whatever ids are put in the URL.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from dispatch.api.downloads import download
from dispatch.desk.models import Ticket
from dispatch.errors import DomainError, NotFound
from dispatch.extensions import limiter
from dispatch.portal import services, spam
from dispatch.portal.forms import HONEYPOT, FollowForm, MessageForm, WebTicketForm
from dispatch.portal.uploads import FIELD, MAX_FILE_BYTES, MAX_FILE_MB, MAX_FILES, MAX_REQUEST_BYTES, read_uploads
from dispatch.request_limits import allow_larger_body

bp = Blueprint("portal", __name__, url_prefix="/support")

SCOPE = "portal"
THANKS = "portal_thanks"
PDF = "application/pdf"
# The posts that carry files: five files of 20 MB, more than the back office's limit.
allow_larger_body(bp, {view: lambda _config: MAX_REQUEST_BYTES for view in ("web_form", "add_message")})


def _form_limit() -> str:
    return current_app.config["PORTAL_FORM_RATE_LIMIT"]


def _login_limit() -> str:
    return current_app.config["PORTAL_LOGIN_RATE_LIMIT"]


@bp.context_processor
def _portal_context() -> dict[str, Any]:
    language = get_locale().language if get_locale() else "en"
    # The upload limits, for the browser's check before sending (the server checks again).
    return {"lang": language, "here": _here, "max_files": MAX_FILES, "max_file_bytes": MAX_FILE_BYTES,
            "max_file_mb": MAX_FILE_MB}


def _here(endpoint: str, **values: Any) -> str:
    """A portal URL in the page's language."""
    return url_for(endpoint, lang=get_locale().language if get_locale() else None, **values)


@bp.errorhandler(DomainError)
def _domain_error(error: DomainError):  # noqa: ANN202
    return render_template("portal/error.html", status=error.status, message=error.detail), error.status


def _http_error(error: HTTPException):  # noqa: ANN202
    return render_template("portal/error.html", status=error.code, message=None), error.code


# By code, as the app registers its back-office error pages: a code's handler wins over a class's.
for _code in (400, 404, 405, 413, 415, 422, 429):
    bp.register_error_handler(_code, _http_error)


@bp.route("", methods=["GET", "POST"])
@limiter.limit(_form_limit, methods=["POST"])
def web_form():  # noqa: ANN201
    """The public form: a ticket with the customer found by e-mail or created; channel web."""
    form = WebTicketForm()
    notice = None
    if request.method == "POST" and request.form.get(HONEYPOT):
        return _thanks_page(None)  # a bot: thanked, nothing kept
    if form.validate_on_submit():
        if spam.too_fast(form.started.data):
            notice = "too_fast"
        else:
            try:
                uploads = read_uploads(request.files.getlist(FIELD))
            except DomainError as error:
                _refused_files(form, error)
                return _form_page(form, notice), error.status
            ticket = services.submit_web_form(form.ticket_data(), uploads, get_locale().language)
            session[SCOPE] = services.scope_of(ticket)
            session[THANKS] = ticket.reference
            return redirect(_here("portal.thanks"), 303)
    return _form_page(form, notice), 422 if form.errors or notice else 200


def _refused_files(form: WebTicketForm | MessageForm, error: DomainError) -> None:
    form.attachments.errors = [*form.attachments.errors, *error.errors.get(FIELD, [error.detail])]


def _form_page(form: WebTicketForm, notice: str | None) -> str:
    form.started.data = spam.start_token()  # the clock starts again with every showing
    return render_template("portal/form.html", form=form, notice=notice)


@bp.get("/thanks")
def thanks():  # noqa: ANN201
    """The reference of the ticket just sent, and what happens next."""
    return _thanks_page(session.get(THANKS))


def _thanks_page(reference: str | None) -> str:
    return render_template("portal/thanks.html", reference=reference)


@bp.route("/follow", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def follow():  # noqa: ANN201
    """Find one's ticket by reference and e-mail address."""
    form = FollowForm()
    if form.validate_on_submit():
        try:
            ticket = services.find_ticket(form.reference.data, form.email.data)
        except NotFound as error:
            form.form_errors.append(error.detail)
            return render_template("portal/follow.html", form=form), 404
        return _enter(ticket)
    return render_template("portal/follow.html", form=form), 422 if form.errors else 200


@bp.get("/t/<token>")
@limiter.limit(_login_limit)
def follow_link(token: str):  # noqa: ANN201
    """The signed link from the acknowledgement mail."""
    return _enter(services.ticket_from_token(token[:500]))


def _enter(ticket: Ticket):  # noqa: ANN202
    session.pop(THANKS, None)
    session[SCOPE] = services.scope_of(ticket)
    return redirect(_here("portal.ticket"), 303)


def _ticket() -> Ticket:
    return services.scoped_ticket(session.get(SCOPE))


@bp.get("/ticket")
def ticket():  # noqa: ANN201
    """The followed ticket: status, messages, visits, documents, and a form to write."""
    return _ticket_page(MessageForm(), _ticket())


def _ticket_page(form: MessageForm, ticket: Ticket) -> str:
    return render_template("portal/ticket.html", form=form, view=services.ticket_view(ticket))


@bp.post("/ticket/messages")
@limiter.limit(_form_limit)
def add_message():  # noqa: ANN201
    """The customer's message and files on the followed ticket (reopens it when closed)."""
    current = _ticket()
    form = MessageForm()
    if form.validate_on_submit():
        try:
            uploads = read_uploads(request.files.getlist(FIELD))
        except DomainError as error:
            _refused_files(form, error)
            return _ticket_page(form, current), error.status
        if form.body.data or uploads:
            services.add_portal_message(current, form.body.data or "", uploads)
            return redirect(_here("portal.ticket", _anchor="messages"), 303)
        form.body.errors = [*form.body.errors, _("Write a message or choose a file.")]
    return _ticket_page(form, current), 422


@bp.get("/ticket/receipts/<int:receipt_id>.pdf")
def receipt(receipt_id: int):  # noqa: ANN201
    """A delivery receipt of the followed ticket's jobs."""
    body, filename = services.receipt_file(_ticket(), receipt_id)
    return _private(download(body, PDF, filename))


@bp.get("/ticket/invoices/<int:invoice_id>.pdf")
def invoice(invoice_id: int):  # noqa: ANN201
    """An issued invoice of the followed ticket's jobs."""
    body, filename = services.invoice_file(_ticket(), invoice_id)
    return _private(download(body, PDF, filename))


@bp.get("/ticket/files/<int:attachment_id>")
def attachment(attachment_id: int):  # noqa: ANN201
    """A file sent with a message the customer sees; always a download, never rendered in the page's origin."""
    body, kept = services.attachment_file(_ticket(), attachment_id)
    return _private(download(body, kept.content_type, kept.filename))


def _private(response):  # noqa: ANN001, ANN202
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.post("/leave")
def leave():  # noqa: ANN201
    """Forget the followed ticket on this device."""
    session.pop(SCOPE, None)
    session.pop(THANKS, None)
    return redirect(_here("portal.follow"), 303)

"""Back-office pages of the mailbox: mail that was not filed (ignored, failed), its raw message, and replies."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, TextAreaField
from wtforms.validators import Optional

from dispatch.api.downloads import download
from dispatch.auth.access import roles_required
from dispatch.desk import services as desk
from dispatch.desk.mailbox import outbound, services
from dispatch.desk.mailbox.models import InboundMail
from dispatch.enums import InboundStatus, Role
from dispatch.errors import DomainError
from dispatch.pagination import paginate

bp = Blueprint("desk_mailbox", __name__)

PAGE_SIZE = 25
DESK = (Role.AGENT, Role.ADMIN)
STATUS_LABELS = {InboundStatus.FAILED: _l("Failed"), InboundStatus.IGNORED: _l("Ignored")}


class ReplyForm(FlaskForm):
    """The reply of the ticket page's reply panel; the service checks the text and the documents."""

    body = TextAreaField(_l("Reply"))
    attachments = SelectMultipleField(_l("Attach"), choices=[], validators=[Optional()], validate_choice=False)


@bp.post("/tickets/<int:ticket_id>/reply")
@roles_required(*DESK)
def reply(ticket_id: int):  # noqa: ANN201
    """Mail the agent's reply to the customer; back to the ticket, or the form again with what was wrong."""
    ticket = desk.get_ticket(ticket_id)
    form = ReplyForm()  # its CSRF token was checked before the view, as for every POST (CSRFProtect)
    try:
        outbound.send_reply(ticket, form.body.data or "", current_user.id, attachments=form.attachments.data)
    except DomainError as error:
        errors = error.errors or {"body": [error.detail]}
    else:
        flash(_("Reply sent to %(address)s.", address=ticket.email), "success")
        return redirect(url_for("desk.ticket", ticket_id=ticket.id, _anchor="timeline"), 303)
    panel = outbound.reply_panel(ticket) | {"errors": errors, "body": form.body.data or "",
                                            "chosen": form.attachments.data or []}
    return render_template("desk/mailbox/reply.html", ticket=ticket, panel=panel), 422


@bp.get("/desk/mailbox")
@roles_required(*DESK)
def unfiled():  # noqa: ANN201
    """Inbound mail that became no ticket message (ignored or failed), newest first, with why."""
    status = request.args.get("status")
    chosen = InboundStatus(status) if status in STATUS_LABELS else None
    page = paginate(services.unfiled_query(chosen), sort=InboundMail.received_at, tiebreak=InboundMail.id,
                    cursor=request.args.get("cursor"), limit=PAGE_SIZE)
    return render_template("desk/mailbox/unfiled.html", page=page, status=chosen, status_labels=STATUS_LABELS,
                           outcome_label=services.outcome_label)


@bp.get("/desk/mailbox/<int:inbound_mail_id>/raw")
@roles_required(*DESK)
def raw(inbound_mail_id: int):  # noqa: ANN201
    """The message exactly as received, as a download: never rendered in the browser."""
    inbound = services.get_inbound_mail(inbound_mail_id)
    response = download(services.raw_message(inbound), "message/rfc822", f"inbound-mail-{inbound.id}.eml")
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@bp.post("/desk/mailbox/<int:inbound_mail_id>/process")
@roles_required(*DESK)
def process_again(inbound_mail_id: int):  # noqa: ANN201
    """File an ignored or failed mail again (an auto-reply that was a person after all, a bug since fixed)."""
    inbound = services.get_inbound_mail(inbound_mail_id)
    services.process_again(inbound, current_user.id)
    flash(_("Mail %(id)s is being processed again.", id=inbound.id), "success")
    return redirect(url_for("desk_mailbox.unfiled"), 303)

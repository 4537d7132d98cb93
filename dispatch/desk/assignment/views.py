"""Back-office pages of assignment: queues with members and duty, agents' absences, bulk reassignment, and
the routes the ticket page's owner box posts to."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from dispatch.admin.services import company_zone
from dispatch.auth.access import roles_required
from dispatch.dbtypes import utcnow
from dispatch.desk import services as desk
from dispatch.desk.assignment import bulk, queues, services
from dispatch.desk.assignment.forms import (
    TARGET_LABELS,
    WEEKDAY_LABELS,
    BulkReassignForm,
    DutySlotForm,
    MemberForm,
    OwnerForm,
    QueueChoiceForm,
    QueueForm,
)
from dispatch.enums import Role
from dispatch.errors import Conflict, Invalid
from dispatch.scheduling.team import services as team
from dispatch.scheduling.team.forms import AbsenceForm
from dispatch.web import form_failed

bp = Blueprint("desk_assignment", __name__)

DESK = (Role.AGENT, Role.ADMIN)
PAGE_SIZE = 100


@bp.get("/admin/queues")
@roles_required(*DESK)
def queue_list():  # noqa: ANN201
    """The desk's queues with their rule and members; admins add queues here."""
    return _queue_list(QueueForm(formdata=None).with_people(services.desk_users()))


@bp.post("/admin/queues")
@roles_required(Role.ADMIN)
def create_queue():  # noqa: ANN201
    """A new queue; wrong or taken values come back marked."""
    form = QueueForm().with_people(services.desk_users())
    status = 422
    if form.validate_on_submit():
        try:
            queue = queues.create_queue(form.service_data(), current_user.id)
        except (Invalid, Conflict) as error:
            form_failed(form, error)
            status = error.status
        else:
            flash(_("Queue %(name)s created. Add its members below.", name=queue.name), "success")
            return redirect(url_for("desk_assignment.queue_page", queue_id=queue.id), 303)
    return _queue_list(form), status


@bp.get("/admin/queues/<int:queue_id>")
@roles_required(*DESK)
def queue_page(queue_id: int):  # noqa: ANN201
    """A queue: its settings, members and their duty slots."""
    return _queue_page(queues.queue_view(queue_id))


@bp.post("/admin/queues/<int:queue_id>")
@roles_required(Role.ADMIN)
def update_queue(queue_id: int):  # noqa: ANN201
    """Save the queue's settings."""
    view = queues.queue_view(queue_id)
    form = QueueForm().with_people(services.desk_users())
    return _submit(view, "form", form, lambda: queues.update_queue(view.queue, form.service_data(), current_user.id),
                   _("Queue saved."), "settings")


@bp.post("/admin/queues/<int:queue_id>/members")
@roles_required(Role.ADMIN)
def add_member(queue_id: int):  # noqa: ANN201
    """Add an agent to the queue."""
    view = queues.queue_view(queue_id)
    form = MemberForm().with_people(services.desk_users())
    return _submit(view, "member_form", form, lambda: queues.add_member(view.queue, form.user_id.data,
                                                                        current_user.id),
                   _("Member added."), "members")


@bp.post("/admin/queues/<int:queue_id>/members/<int:user_id>/active")
@roles_required(Role.ADMIN)
def set_member_active(queue_id: int, user_id: int):  # noqa: ANN201
    """Let a member take tickets (``active=1``) or pause them (``active=0``)."""
    active = request.form.get("active") == "1"
    queues.set_member_active(queues.get_queue(queue_id), user_id, active, current_user.id)
    flash(_("The member takes tickets again.") if active else _("The member takes no tickets for now."), "success")
    return _back_to(queue_id, "members")


@bp.post("/admin/queues/<int:queue_id>/members/<int:user_id>/delete")
@roles_required(Role.ADMIN)
def remove_member(queue_id: int, user_id: int):  # noqa: ANN201
    """Take a member out of the queue, with their duty slots."""
    queues.remove_member(queues.get_queue(queue_id), user_id, current_user.id)
    flash(_("Member removed."), "success")
    return _back_to(queue_id, "members")


@bp.post("/admin/queues/<int:queue_id>/duty-slots")
@roles_required(Role.ADMIN)
def add_duty_slot(queue_id: int):  # noqa: ANN201
    """Put a member on duty on a weekday from-to."""
    view = queues.queue_view(queue_id)
    form = DutySlotForm().with_members(view.members)
    return _submit(view, "slot_form", form, lambda: queues.add_duty_slot(view.queue, form.service_data(),
                                                                         current_user.id),
                   _("Duty slot added."), "duty")


@bp.post("/admin/duty-slots/<int:slot_id>/delete")
@roles_required(Role.ADMIN)
def delete_duty_slot(slot_id: int):  # noqa: ANN201
    """Remove a duty slot."""
    slot = queues.get_duty_slot(slot_id)
    queue_id = slot.queue_id
    queues.delete_duty_slot(slot, current_user.id)
    flash(_("Duty slot removed."), "success")
    return _back_to(queue_id, "duty")


@bp.get("/admin/desk-agents")
@roles_required(*DESK)
def agents():  # noqa: ANN201
    """Agents and admins of the desk, who is away now."""
    people = queues.desk_agents()
    absent = queues.absent_now([person.id for person in people], utcnow())
    return render_template("desk/assignment/agents.html", people=people, absent=absent,
                           reasons=team.REASON_LABELS)


@bp.get("/admin/desk-agents/<int:user_id>")
@roles_required(*DESK)
def agent(user_id: int):  # noqa: ANN201
    """One agent's absences; admins add and remove them."""
    return _agent_page(queues.get_desk_agent(user_id), AbsenceForm(formdata=None))


@bp.post("/admin/desk-agents/<int:user_id>/absences")
@roles_required(Role.ADMIN)
def add_absence(user_id: int):  # noqa: ANN201
    """Record an agent's absence: no new tickets go to them meanwhile."""
    person = queues.get_desk_agent(user_id)
    form = AbsenceForm()
    if form.validate_on_submit():
        try:
            team.add_absence(person, form.service_data(company_zone()), current_user.id)
        except Invalid as error:
            form_failed(form, error, form.field_names())
        else:
            flash(_("Absence of %(name)s recorded; hand their open tickets on below if needed.", name=person.name),
                  "success")
            return redirect(url_for("desk_assignment.agent", user_id=user_id, _anchor="absences"), 303)
    return _agent_page(person, form), 422


@bp.post("/admin/desk-agents/<int:user_id>/absences/<int:absence_id>/delete")
@roles_required(Role.ADMIN)
def delete_absence(user_id: int, absence_id: int):  # noqa: ANN201
    """Remove an agent's absence."""
    team.delete_absence(queues.get_desk_absence(user_id, absence_id), current_user.id)
    flash(_("Absence removed."), "success")
    return redirect(url_for("desk_assignment.agent", user_id=user_id, _anchor="absences"), 303)


@bp.get("/desk/agents/<int:user_id>/reassign")
@roles_required(*DESK)
def reassign(user_id: int):  # noqa: ANN201
    """Choose where an agent's open tickets go; with a choice made, the preview of tickets per new owner."""
    person = queues.get_desk_agent(user_id)
    form = _bulk_form(request.args if "target" in request.args else None, csrf=False)  # a GET changes nothing
    preview, status = None, 200
    if "target" in request.args:
        if form.validate():
            try:
                preview = bulk.plan(person, **form.service_data())
            except Invalid as error:
                form_failed(form, error)
                status = error.status
        else:
            status = 422
    return _reassign_page(person, form, preview), status


@bp.post("/desk/agents/<int:user_id>/reassign")
@roles_required(*DESK)
def apply_reassignment(user_id: int):  # noqa: ANN201
    """Hand the agent's open tickets on as previewed, all or nothing."""
    person = queues.get_desk_agent(user_id)
    form = _bulk_form(request.form)
    if form.validate_on_submit():
        try:
            done = bulk.apply(person, actor_id=current_user.id, **form.service_data())
        except Invalid as error:
            form_failed(form, error)
            return _reassign_page(person, form, None), error.status
        flash(_("%(count)s open tickets of %(name)s handed on.", count=len(done.moves), name=person.name), "success")
        return redirect(url_for("desk_assignment.agent", user_id=user_id), 303)
    return _reassign_page(person, form, None), 422


@bp.post("/tickets/<int:ticket_id>/assignment/owner")
@roles_required(*DESK)
def set_owner(ticket_id: int):  # noqa: ANN201
    """Give the ticket to the chosen agent (empty: nobody)."""
    ticket = desk.get_ticket(ticket_id)
    form = OwnerForm()
    form.owner_id.choices = _agent_choices()
    if not form.validate_on_submit():
        raise _ticket_refused(form)
    services.assign(ticket, form.owner_id.data, current_user.id)
    flash(_("Owner changed."), "success")
    return _to_ticket(ticket)


@bp.post("/tickets/<int:ticket_id>/assignment/take")
@roles_required(*DESK)
def take(ticket_id: int):  # noqa: ANN201
    """Assign the ticket to the signed-in agent."""
    ticket = desk.get_ticket(ticket_id)
    services.assign(ticket, current_user.id, current_user.id)
    flash(_("The ticket is yours."), "success")
    return _to_ticket(ticket)


@bp.post("/tickets/<int:ticket_id>/assignment/queue")
@roles_required(*DESK)
def set_queue(ticket_id: int):  # noqa: ANN201
    """Put the ticket in another queue, optionally handing it on by that queue's rule."""
    ticket = desk.get_ticket(ticket_id)
    form = QueueChoiceForm()
    form.queue_id.choices = [("", "")] + [(str(q.id), q.name) for q in services.active_queues()]
    if not form.validate_on_submit():
        raise _ticket_refused(form)
    services.move_to_queue(ticket, form.queue_id.data, current_user.id, reassign=form.reassign.data)
    flash(_("Queue changed."), "success")
    return _to_ticket(ticket)


def _agent_choices() -> list[tuple[str, str]]:
    return [("", "")] + [(str(agent.id), agent.name) for agent in services.desk_users()]


def _ticket_refused(form: Any) -> Invalid:
    """A choice not offered (a stale page): a 422 naming the field, nothing changed."""
    return Invalid(_("Nothing changed: the choice is no longer offered."),
                   errors={name: [str(message) for message in messages] for name, messages in form.errors.items()})


def _to_ticket(ticket: Any):  # noqa: ANN202
    return redirect(url_for("desk.ticket", ticket_id=ticket.id, _anchor="owner"), 303)


def _bulk_form(formdata: Any, csrf: bool = True) -> BulkReassignForm:
    form = BulkReassignForm(formdata=formdata, meta={"csrf": csrf})
    return form.with_choices(services.desk_users(), services.active_queues())


def _submit(view: queues.QueueView, name: str, form: Any, change: Any, done: str, anchor: str):  # noqa: ANN202
    """Validate one of the queue page's forms and make the change; refusals come back on the page, marked."""
    status = 422
    if form.validate_on_submit():
        try:
            change()
        except (Invalid, Conflict) as error:
            form_failed(form, error)
            status = error.status
        else:
            flash(done, "success")
            return _back_to(view.queue.id, anchor)
    return _queue_page(view, **{name: form}), status


def _back_to(queue_id: int, anchor: str | None = None):  # noqa: ANN202
    return redirect(url_for("desk_assignment.queue_page", queue_id=queue_id, _anchor=anchor), 303)


def _queue_list(form: QueueForm) -> str:
    page = queues.queue_page(request.args.get("cursor") or None, PAGE_SIZE)
    return render_template("desk/assignment/queues.html", page=page, form=form, modes=queues.MODE_LABELS)


def _queue_page(view: queues.QueueView, form: QueueForm | None = None, member_form: MemberForm | None = None,
                slot_form: DutySlotForm | None = None) -> str:
    people = services.desk_users()
    if form is None:
        form = QueueForm(formdata=None).with_people(people)
        form.fill(view.queue)
    return render_template(
        "desk/assignment/queue.html", view=view, form=form, modes=queues.MODE_LABELS, weekdays=WEEKDAY_LABELS,
        member_form=member_form or MemberForm(formdata=None).with_people(
            [p for p in people if p.id not in {m.user_id for m in view.members}]),
        slot_form=slot_form or DutySlotForm(formdata=None).with_members(view.members))


def _agent_page(person: Any, absence_form: AbsenceForm) -> str:
    return render_template("desk/assignment/agent.html", person=person, absence_form=absence_form,
                           absences=team.absences_of(person, since=utcnow()), reasons=team.REASON_LABELS)


def _reassign_page(person: Any, form: BulkReassignForm, preview: bulk.Plan | None) -> str:
    return render_template("desk/assignment/reassign.html", person=person, form=form, preview=preview,
                           targets=TARGET_LABELS)

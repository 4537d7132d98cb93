"""What an admin sets up for the SLA clock: policies, the week's business hours and the holidays."""

from __future__ import annotations

from datetime import date, time
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, select

from dispatch import audit
from dispatch.admin.services import company
from dispatch.desk.sla.models import BusinessHours, Holiday, SlaPolicy
from dispatch.desk.sla.public_holidays import COUNTRIES, public_holidays
from dispatch.desk.sla.services import forget_targets
from dispatch.enums import Priority
from dispatch.errors import Conflict, Invalid, get_or_not_found
from dispatch.extensions import db
from dispatch.scheduling.availability import WEEKDAYS
from dispatch.scheduling.team.services import validated_hours

MAX_MINUTES = 100_000  # about 37 weeks of 9-hour business days
POLICY_FIELDS = ("name", "priority", "customer_group", "first_response_minutes", "resolution_minutes",
                 "warning_percent", "second_escalation_minutes", "set_escalated_status", "active")
PRIORITY_ORDER = [Priority.URGENT, Priority.HIGH, Priority.MEDIUM, Priority.LOW, Priority.NONE]
FIRST_YEAR, LAST_YEAR = 2000, 2100


def policies() -> list[SlaPolicy]:
    """Every policy: the group-less ones first, then per group, most urgent first."""
    rank = case({priority: index for index, priority in enumerate(PRIORITY_ORDER)}, value=SlaPolicy.priority)
    return list(db.session.scalars(select(SlaPolicy).order_by(
        SlaPolicy.customer_group.is_not(None), SlaPolicy.customer_group, rank, SlaPolicy.id)))


def get_policy(policy_id: int) -> SlaPolicy:
    """The policy, or NotFound."""
    return get_or_not_found(SlaPolicy, policy_id, _l("SLA policy %(id)s does not exist.", id=policy_id))


def create_policy(data: dict[str, Any], actor_id: int | None) -> SlaPolicy:
    """A new policy for a priority and customer group (one per pair); applies to tickets opened from now on."""
    values = {"name": "", "customer_group": None, "warning_percent": 75, "second_escalation_minutes": 240,
              "set_escalated_status": True, "active": True} | data
    _check_policy(values, None)
    policy = SlaPolicy(**{name: values[name] for name in POLICY_FIELDS})
    db.session.add(policy)
    db.session.flush()
    audit.record("sla_policy.created", policy, actor_id, **{name: _plain(values[name]) for name in POLICY_FIELDS})
    forget_targets()
    return policy


def update_policy(policy: SlaPolicy, data: dict[str, Any], actor_id: int | None) -> SlaPolicy:
    """Change a policy (fields left out stay); tickets keep the due times they were given."""
    values = {name: getattr(policy, name) for name in POLICY_FIELDS} | data
    _check_policy(values, policy.id)
    changed = {name: {"from": _plain(getattr(policy, name)), "to": _plain(values[name])}
               for name in POLICY_FIELDS if getattr(policy, name) != values[name]}
    for name in changed:
        setattr(policy, name, values[name])
    if changed:
        audit.record("sla_policy.updated", policy, actor_id, changes=[{"field": k, **v} for k, v in changed.items()])
        forget_targets()
    return policy


def deactivate_policy(policy: SlaPolicy, actor_id: int | None) -> SlaPolicy:
    """New tickets no longer get this policy (the group-less one of the priority, or none, applies)."""
    return update_policy(policy, {"active": False}, actor_id)


def _check_policy(values: dict[str, Any], policy_id: int | None) -> None:
    values["name"] = (values.get("name") or "").strip()
    values["customer_group"] = (values.get("customer_group") or "").strip() or None
    errors: dict[str, list[str]] = {}
    try:
        values["priority"] = Priority(values.get("priority"))
    except ValueError:
        errors["priority"] = [_("Not a priority.")]
    for name in ("first_response_minutes", "resolution_minutes", "second_escalation_minutes"):
        if not isinstance(values.get(name), int) or not 0 < values[name] <= MAX_MINUTES:
            errors[name] = [_("A whole number of minutes from 1 to %(max)s.", max=MAX_MINUTES)]
    if "first_response_minutes" not in errors and "resolution_minutes" not in errors \
            and values["first_response_minutes"] > values["resolution_minutes"]:
        errors["first_response_minutes"] = [_("The first response cannot take longer than the resolution.")]
    if not isinstance(values.get("warning_percent"), int) or not 1 <= values["warning_percent"] <= 99:
        errors["warning_percent"] = [_("A percentage from 1 to 99.")]
    if len(values["name"]) > 80:
        errors["name"] = [_("At most %(num)s characters.", num=80)]
    if values["customer_group"] and len(values["customer_group"]) > 40:
        errors["customer_group"] = [_("At most %(num)s characters.", num=40)]
    if errors:
        raise Invalid(_("The SLA policy is not usable."), errors=errors)
    taken = db.session.scalar(select(SlaPolicy.id).where(
        SlaPolicy.priority == values["priority"], SlaPolicy.customer_group.is_(None) if values["customer_group"]
        is None else SlaPolicy.customer_group == values["customer_group"], SlaPolicy.id != (policy_id or 0)))
    if taken is not None:
        raise Conflict(_("There is a policy for this priority and customer group already."), code="duplicate",
                       errors={"customer_group": [_("This priority has a policy for this group already.")]})


def week() -> dict[str, list[list[str]]]:
    """The business hours per weekday (``mon`` .. ``sun``), each day's periods as ["HH:MM", "HH:MM"]."""
    hours: dict[str, list[list[str]]] = {day: [] for day in WEEKDAYS}
    for row in db.session.scalars(select(BusinessHours).order_by(BusinessHours.weekday, BusinessHours.opens_at)):
        hours[WEEKDAYS[row.weekday]].append([_clock(row.opens_at), _clock(row.closes_at)])
    return hours


def set_week(hours: dict[str, Any], actor_id: int | None) -> dict[str, list[list[str]]]:
    """Replace the business hours; a day left out or empty is closed, no hours at all is around the clock."""
    try:
        new = validated_hours(hours)
    except Invalid as error:  # the technicians' rules, named by our fields
        raise Invalid(_("The business hours are not usable."), errors={
            key.removeprefix("working_hours."): messages for key, messages in error.errors.items()}) from None
    old = week()
    if new == old:
        return old
    for row in db.session.scalars(select(BusinessHours)):
        db.session.delete(row)
    for weekday, day in enumerate(WEEKDAYS):
        for begin, end in new[day]:
            db.session.add(BusinessHours(weekday=weekday, opens_at=time.fromisoformat(begin),
                                         closes_at=time.fromisoformat(end)))
    db.session.flush()
    audit.record("sla.business_hours_changed", company(), actor_id, before=old, after=new)
    forget_targets()
    return new


def _clock(moment: time) -> str:
    return moment.strftime("%H:%M")


def holidays(year: int | None = None) -> list[Holiday]:
    """The holidays in date order (of one year, when given)."""
    statement = select(Holiday).order_by(Holiday.day)
    if year is not None:
        statement = statement.where(Holiday.day >= date(year, 1, 1), Holiday.day <= date(year, 12, 31))
    return list(db.session.scalars(statement))


def get_holiday(holiday_id: int) -> Holiday:
    """The holiday, or NotFound."""
    return get_or_not_found(Holiday, holiday_id, _l("Holiday %(id)s does not exist.", id=holiday_id))


def add_holiday(day: date, name: str, actor_id: int | None) -> Holiday:
    """Close the desk on ``day``; a day that is a holiday already is a Conflict."""
    name = (name or "").strip()
    if not name or len(name) > 120:
        raise Invalid(_("Name the holiday."), errors={"name": [_("From 1 to %(num)s characters.", num=120)]})
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise Invalid(_("Not a usable day."), errors={"day": [_("A day from %(first)s to %(last)s.",
                                                                first=FIRST_YEAR, last=LAST_YEAR)]})
    if db.session.scalar(select(Holiday.id).where(Holiday.day == day)) is not None:
        raise Conflict(_("That day is a holiday already."), code="duplicate",
                       errors={"day": [_("That day is a holiday already.")]})
    holiday = Holiday(day=day, name=name)
    db.session.add(holiday)
    db.session.flush()
    audit.record("holiday.added", holiday, actor_id, day=day.isoformat(), name=name)
    forget_targets()
    return holiday


def add_public_holidays(country: str, year: int, actor_id: int | None) -> list[Holiday]:
    """Add the country's public holidays of ``year`` that are not holidays yet; the ones added."""
    if country not in COUNTRIES:
        raise Invalid(_("Unknown country."),
                      errors={"country": [_("One of %(choices)s.", choices=", ".join(COUNTRIES))]})
    if not isinstance(year, int) or not FIRST_YEAR <= year <= LAST_YEAR:
        raise Invalid(_("Not a usable year."), errors={"year": [_("A year from %(first)s to %(last)s.",
                                                                  first=FIRST_YEAR, last=LAST_YEAR)]})
    known = {holiday.day for holiday in holidays(year)}
    added = [add_holiday(day, name, actor_id) for day, name in public_holidays(country, year) if day not in known]
    return added


def remove_holiday(holiday: Holiday, actor_id: int | None) -> None:
    """Open the desk again on that day (due times already given stay)."""
    audit.record("holiday.removed", holiday, actor_id, day=holiday.day.isoformat(), name=holiday.name)
    db.session.delete(holiday)
    forget_targets()


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, Priority) else value

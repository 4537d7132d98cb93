"""/api/v1 SLA set-up: policies, business hours, holidays (admins change them, agents read them)."""

from __future__ import annotations

from flask import url_for
from flask_login import current_user
from flask_smorest import Blueprint

from dispatch.auth.access import roles_required
from dispatch.desk.sla import settings
from dispatch.desk.sla.schemas import (
    BusinessHoursIo,
    HolidayArgs,
    HolidayIn,
    HolidayOut,
    PublicHolidaysIn,
    SlaPolicyIn,
    SlaPolicyOut,
    SlaPolicyPatch,
)
from dispatch.enums import Role

blp = Blueprint("api_sla", __name__, url_prefix="/api/v1", description="SLA policies, business hours, holidays")

READERS = (Role.ADMIN, Role.AGENT)


@blp.route("/sla-policies", methods=["GET"])
@roles_required(*READERS)
@blp.response(200, SlaPolicyOut(many=True))
def list_policies():
    """Every policy, active or not: group-less first, most urgent first."""
    return settings.policies()


@blp.route("/sla-policies", methods=["POST"])
@roles_required(Role.ADMIN)
@blp.arguments(SlaPolicyIn)
@blp.response(201, SlaPolicyOut)
def create_policy(data: dict):
    """A policy for a priority and customer group (409 when the pair has one)."""
    policy = settings.create_policy(data, current_user.id)
    return policy, 201, {"Location": url_for("api_sla.get_policy", policy_id=policy.id)}


@blp.route("/sla-policies/<int:policy_id>", methods=["GET"])
@roles_required(*READERS)
@blp.response(200, SlaPolicyOut)
def get_policy(policy_id: int):
    """One policy."""
    return settings.get_policy(policy_id)


@blp.route("/sla-policies/<int:policy_id>", methods=["PATCH"])
@roles_required(Role.ADMIN)
@blp.arguments(SlaPolicyPatch)
@blp.response(200, SlaPolicyOut)
def update_policy(data: dict, policy_id: int):
    """Change a policy; ``active: false`` deactivates it. Tickets keep the due times they have."""
    return settings.update_policy(settings.get_policy(policy_id), data, current_user.id)


@blp.route("/business-hours", methods=["GET"])
@roles_required(*READERS)
@blp.response(200, BusinessHoursIo)
def get_business_hours():
    """The week's opening periods per day (company time); no periods at all: around the clock."""
    return settings.week()


@blp.route("/business-hours", methods=["PUT"])
@roles_required(Role.ADMIN)
@blp.arguments(BusinessHoursIo)
@blp.response(200, BusinessHoursIo)
def set_business_hours(data: dict):
    """Replace the whole week; a day left out is closed. Applies to due times computed from now on."""
    return settings.set_week(data, current_user.id)


@blp.route("/holidays", methods=["GET"])
@roles_required(*READERS)
@blp.arguments(HolidayArgs, location="query")
@blp.response(200, HolidayOut(many=True))
def list_holidays(args: dict):
    """Holidays in date order, of one ``year`` when given."""
    return settings.holidays(args.get("year"))


@blp.route("/holidays", methods=["POST"])
@roles_required(Role.ADMIN)
@blp.arguments(HolidayIn)
@blp.response(201, HolidayOut)
def add_holiday(data: dict):
    """Close the desk on a day (409 when it is a holiday already)."""
    holiday = settings.add_holiday(data["day"], data["name"], current_user.id)
    return holiday, 201, {"Location": url_for("api_sla.list_holidays", year=holiday.day.year)}


@blp.route("/holidays/public", methods=["POST"])
@roles_required(Role.ADMIN)
@blp.arguments(PublicHolidaysIn)
@blp.response(201, HolidayOut(many=True))
def add_public_holidays(data: dict):
    """Add the national public holidays of NL, BE or DE for a year; the days added (known ones are skipped)."""
    return settings.add_public_holidays(data["country"], data["year"], current_user.id), 201


@blp.route("/holidays/<int:holiday_id>", methods=["DELETE"])
@roles_required(Role.ADMIN)
@blp.response(204)
def delete_holiday(holiday_id: int):
    """Open the desk on that day again."""
    settings.remove_holiday(settings.get_holiday(holiday_id), current_user.id)

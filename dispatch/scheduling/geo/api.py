"""/api/v1 site locations: an agent corrects where a site's pin is."""

from __future__ import annotations

from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from dispatch.auth.access import roles_required
from dispatch.enums import GeocodeStatus, Role
from dispatch.scheduling.geo import services

blp = Blueprint("api_geo", __name__, url_prefix="/api/v1", description="Where sites are")


class SiteLocationIn(Schema):
    latitude = fields.Float(required=True, validate=validate.Range(-90, 90))
    longitude = fields.Float(required=True, validate=validate.Range(-180, 180))


class SiteLocationOut(Schema):
    site_id = fields.Integer(attribute="id")
    latitude = fields.Float()
    longitude = fields.Float()
    geocode_status = fields.Enum(GeocodeStatus, by_value=True)
    geocoded_at = fields.DateTime()


@blp.route("/sites/<int:site_id>/location", methods=["PUT"])
@roles_required(Role.AGENT, Role.ADMIN)
@blp.arguments(SiteLocationIn)
@blp.response(200, SiteLocationOut)
def put_location(data: dict, site_id: int):
    """Place a site's pin by hand; the geocoder no longer moves it, and jobs there use it."""
    return services.set_site_location(site_id, data["latitude"], data["longitude"], current_user.id)

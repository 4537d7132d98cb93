"""Placing addresses on the map: queueing lookups, applying their answers, and pins set by hand."""

from __future__ import annotations

import math
from datetime import timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from dispatch import audit, tasks
from dispatch.customers.models import Site
from dispatch.dbtypes import utcnow
from dispatch.enums import GeocodeStatus
from dispatch.errors import Invalid, get_or_not_found
from dispatch.extensions import db
from dispatch.scheduling.geo.geocoding import Address, Placement
from dispatch.scheduling.models import TechnicianProfile

# Statuses worth asking the geocoder about again: never answered, or only the town centre so far.
RETRYABLE = (GeocodeStatus.PENDING, GeocodeStatus.APPROXIMATE)
RETRY_AFTER = timedelta(hours=1)
RETRY_BATCH = 100  # at one lookup a second, done well before the next periodic run (every 5 minutes)


def queue_site_geocoding(site: Site) -> None:
    """Mark ``site`` as not yet placed (its old pin, if any, belonged to the old address) and queue its lookup."""
    site.latitude = site.longitude = None
    site.geocode_status = GeocodeStatus.PENDING
    site.geocoded_at = utcnow()  # while pending: when the lookup was asked for, so that the retry waits an hour
    db.session.flush()
    tasks.enqueue("geo.locate_site", site_id=site.id)


def queue_home_geocoding(profile: TechnicianProfile) -> None:
    """Mark a technician's home base as not yet placed and queue its lookup (nothing to look up without a city)."""
    profile.home_latitude = profile.home_longitude = None
    profile.home_geocode_status = GeocodeStatus.PENDING
    db.session.flush()
    if profile.home_city and profile.home_country:
        tasks.enqueue("geo.locate_home", user_id=profile.user_id)


def site_address(site: Site) -> Address:
    """What the geocoder is asked about a site."""
    return Address(site.street, site.postal_code, site.city, site.country)


def home_address(profile: TechnicianProfile) -> Address | None:
    """What the geocoder is asked about a home base; None when it has no city and country."""
    if not (profile.home_city and profile.home_country):
        return None
    return Address(profile.home_street or "", profile.home_postal_code or "", profile.home_city, profile.home_country)


def apply_to_site(site: Site, placement: Placement) -> None:
    """Give ``site`` the pin found; an unreachable geocoder with an unknown town leaves it pending, pinless."""
    site.geocoded_at = utcnow()
    if placement.status == GeocodeStatus.PENDING:
        return
    site.latitude, site.longitude = placement.latitude, placement.longitude
    site.geocode_status = placement.status


def apply_to_home(profile: TechnicianProfile, placement: Placement) -> None:
    """Give the home base the pin found, as ``apply_to_site`` does for a site."""
    if placement.status == GeocodeStatus.PENDING:
        return
    profile.home_latitude, profile.home_longitude = placement.latitude, placement.longitude
    profile.home_geocode_status = placement.status


def _coordinate(value: object, field: str, limit: float, errors: dict[str, list[str]]) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        errors[field] = [_("Must be a number.")]
        return None
    if not -limit <= value <= limit:
        errors[field] = [_("Must be between %(low)s and %(high)s.", low=-limit, high=limit)]
        return None
    return float(value)


def set_site_location(site_id: int, latitude: object, longitude: object, actor_id: int | None) -> Site:
    """Place a site's pin by hand (an agent corrected it); jobs at the site use it from now on."""
    site = get_or_not_found(Site, site_id, _l("Site not found."))
    errors: dict[str, list[str]] = {}
    lat = _coordinate(latitude, "latitude", 90, errors)
    lon = _coordinate(longitude, "longitude", 180, errors)
    if errors:
        raise Invalid(_("The location is not valid."), errors=errors)
    before = {"latitude": site.latitude, "longitude": site.longitude, "status": site.geocode_status.value}
    site.latitude, site.longitude = lat, lon
    site.geocode_status = GeocodeStatus.MANUAL
    site.geocoded_at = utcnow()
    audit.record("site.located", site, actor_id, latitude=lat, longitude=lon, before=before)
    return site


def retry_unplaced(batch: int = RETRY_BATCH) -> int:
    """Queue another lookup for sites and home bases still pending or only approximate after an hour."""
    cutoff = utcnow() - RETRY_AFTER
    site_ids = db.session.scalars(
        select(Site.id).where(Site.geocode_status.in_(RETRYABLE),
                              or_(Site.geocoded_at.is_(None), Site.geocoded_at < cutoff))
        .order_by(Site.geocoded_at.is_not(None), Site.geocoded_at, Site.id).limit(batch)
    ).all()
    # Home bases have no lookup time; the hourly dedupe key keeps them to one attempt an hour.
    home_ids = db.session.scalars(
        select(TechnicianProfile.user_id).where(TechnicianProfile.home_geocode_status.in_(RETRYABLE),
                                                TechnicianProfile.home_city.is_not(None))
        .order_by(TechnicianProfile.user_id).limit(batch)
    ).all()
    hour = utcnow().strftime("%Y%m%d%H")
    for site_id in site_ids:
        tasks.enqueue("geo.locate_site", dedupe_key=f"geo.retry:site:{site_id}:{hour}", site_id=site_id)
    for user_id in home_ids:
        tasks.enqueue("geo.locate_home", dedupe_key=f"geo.retry:home:{user_id}:{hour}", user_id=user_id)
    return len(site_ids) + len(home_ids)

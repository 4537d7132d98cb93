"""Background lookups of site and home-base addresses (queued by services.queue_*_geocoding)."""

from __future__ import annotations

from dispatch import tasks
from dispatch.customers.models import Site
from dispatch.enums import GeocodeStatus
from dispatch.extensions import db
from dispatch.scheduling.geo.geocoding import locate
from dispatch.scheduling.geo.services import apply_to_home, apply_to_site, home_address, site_address
from dispatch.scheduling.models import TechnicianProfile


@tasks.task("geo.locate_site")
def locate_site(site_id: int) -> None:
    """Place a site from its address, unless it is gone or an agent has placed it by hand."""
    site = db.session.get(Site, site_id)
    if site is None or site.geocode_status == GeocodeStatus.MANUAL:
        return
    address = site_address(site)
    placement = locate(address)
    site = db.session.get(Site, site_id)  # read again: the geocoder was asked with no transaction open
    if site is not None and site.geocode_status != GeocodeStatus.MANUAL and site_address(site) == address:
        apply_to_site(site, placement)


@tasks.task("geo.locate_home")
def locate_home(user_id: int) -> None:
    """Place a technician's home base from its address, unless it was placed by hand or has no address."""
    profile = db.session.get(TechnicianProfile, user_id)
    if profile is None or profile.home_geocode_status == GeocodeStatus.MANUAL:
        return
    address = home_address(profile)
    if address is None:
        return
    placement = locate(address)
    profile = db.session.get(TechnicianProfile, user_id)
    if profile is not None and profile.home_geocode_status != GeocodeStatus.MANUAL and home_address(profile) == address:
        apply_to_home(profile, placement)

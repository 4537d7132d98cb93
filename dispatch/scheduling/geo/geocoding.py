"""Looking an address up: the cache, the geocoder (one request a second for the whole installation), and the
offline gazetteer when the geocoder cannot be reached."""

from __future__ import annotations

import hashlib
import inspect
import logging
import threading
import time
from dataclasses import dataclass

from flask import Flask, current_app
from geopy.exc import GeocoderServiceError
from geopy.geocoders import Nominatim, get_geocoder_for_service
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from dispatch import tasks
from dispatch.enums import GeocodeStatus
from dispatch.extensions import db
from dispatch.scheduling.geo import gazetteer
from dispatch.scheduling.geo.gazetteer import fold
from dispatch.scheduling.geo.models import GeocodeResult

log = logging.getLogger(__name__)

TIMEOUT_SECONDS = 10
SLOT_KEY = "dispatch:geocoder:slot:"  # + provider; exists while the last request's slot lasts
_process_slot = threading.Lock()
_last_request: dict[str, float] = {}


@dataclass(frozen=True)
class Address:
    street: str
    postal_code: str
    city: str
    country: str  # ISO 3166-1 alpha-2

    def normalised(self) -> str:
        """The address folded for the cache key: case, accents and spacing do not make another address."""
        return "|".join(fold(part) for part in (self.street, self.postal_code, self.city, self.country))

    def line(self) -> str:
        parts = (self.street, f"{self.postal_code} {self.city}".strip(), self.country)
        return ", ".join(part for part in parts if part)


@dataclass(frozen=True)
class Placement:
    """Where an address is: a geocoder's pin, a town centre, nowhere (not found), or unknown yet (PENDING)."""

    status: GeocodeStatus
    latitude: float | None = None
    longitude: float | None = None
    display_name: str | None = None


def cache_key(provider: str, address: Address) -> str:
    """The GeocodeResult key: sha256 of the provider and the normalised address."""
    return hashlib.sha256(f"{provider}\n{address.normalised()}".encode()).hexdigest()


def locate(address: Address) -> Placement:
    """Where ``address`` is, asking the geocoder only for an address it has never answered.

    In a task, the geocoder is called with no transaction open (``tasks.call_outside``). When it cannot be
    reached, the town's centre from the offline gazetteer is returned (APPROXIMATE, not cached, so a later
    run asks again); when the town is unknown too, PENDING. Never raises for a network failure.
    """
    provider = current_app.config["GEOCODER"]
    key = cache_key(provider, address)
    cached = db.session.scalar(select(GeocodeResult).where(GeocodeResult.query_key == key))
    if cached is not None:
        return Placement(cached.status, cached.latitude, cached.longitude, cached.display_name)
    try:
        found = tasks.call_outside(_ask_geocoder, current_app._get_current_object(), address)
    except GeocoderServiceError as error:  # refused, timed out, 5xx, 429: ask again later
        log.warning("geocoder %s unreachable (%s); using the town centre", provider, error)
        centre = gazetteer.town_centre(address.city, address.country)
        if centre is None:
            return Placement(GeocodeStatus.PENDING)
        return Placement(GeocodeStatus.APPROXIMATE, *centre)
    placement = found or Placement(GeocodeStatus.NOT_FOUND)
    _remember(key, provider, address, placement)
    return placement


def _remember(key: str, provider: str, address: Address, placement: Placement) -> None:
    """Cache the geocoder's answer; a twin task that cached it first wins, with the same answer."""
    try:
        with db.session.begin_nested():
            db.session.add(GeocodeResult(query_key=key, query=address.line(), provider=provider,
                                         status=placement.status, latitude=placement.latitude,
                                         longitude=placement.longitude, display_name=placement.display_name))
    except IntegrityError:
        log.info("geocode result for %s was cached by another task", key)


def _ask_geocoder(app: Flask, address: Address) -> Placement | None:
    """One request to the configured geocoder, after waiting for the installation's slot; None: not found."""
    geocoder = make_geocoder(app)
    wait_for_slot(app)
    if isinstance(geocoder, Nominatim):  # structured search, limited to the country
        query = {"street": address.street, "postalcode": address.postal_code, "city": address.city}
        location = geocoder.geocode(query, exactly_one=True, country_codes=address.country.lower())
    else:
        location = geocoder.geocode(address.line(), exactly_one=True)
    if location is None:
        return None
    return Placement(GeocodeStatus.LOCATED, location.latitude, location.longitude, location.address)


def make_geocoder(app: Flask):  # noqa: ANN201 - a geopy Geocoder
    """The geopy geocoder named by GEOCODER, at GEOCODER_URL (its domain) and GEOCODER_SCHEME where it has them."""
    config = app.config
    geocoder_class = get_geocoder_for_service(config["GEOCODER"])
    options = {"user_agent": config["GEOCODER_USER_AGENT"], "timeout": TIMEOUT_SECONDS,
               "domain": config["GEOCODER_URL"], "scheme": config["GEOCODER_SCHEME"]}
    accepted = inspect.signature(geocoder_class.__init__).parameters
    return geocoder_class(**{name: value for name, value in options.items() if name in accepted and value})


def wait_for_slot(app: Flask) -> None:
    """Block until this process may send the next request: GEOCODER_MIN_DELAY_SECONDS after the previous one.

    With Redis, the slot is a key that expires after the delay, so every rq worker (and web process) of the
    installation shares it; without Redis only this process sends requests, and a lock spaces them.
    """
    delay = float(app.config["GEOCODER_MIN_DELAY_SECONDS"])
    if delay <= 0:
        return
    provider = app.config["GEOCODER"]
    if app.config["REDIS_URL"]:
        redis = tasks.redis_connection(app)
        key = SLOT_KEY + provider
        while not redis.set(key, b"1", nx=True, px=max(1, round(delay * 1000))):
            remaining_ms = redis.pttl(key)
            time.sleep(remaining_ms / 1000 if remaining_ms > 0 else 0.005)
        return
    with _process_slot:
        remaining = _last_request.get(provider, -delay) + delay - time.monotonic()
        if remaining > 0:
            time.sleep(remaining)
        _last_request[provider] = time.monotonic()

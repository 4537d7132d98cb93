"""Sites are placed by the geocoder in the background: once per address, at most one request a second,
the town centre from the offline gazetteer when the geocoder cannot be reached."""

from __future__ import annotations

import socket
import threading
import time

import pytest
from sqlalchemy import func, select

from dispatch.enums import GeocodeStatus
from dispatch.extensions import db
from dispatch.scheduling.geo import geocoding
from dispatch.scheduling.geo.geocoding import Address, locate
from dispatch.scheduling.geo.models import GeocodeResult
from tests.scheduling.geo.conftest import reload
from tests.support.tasks import wait_for_tasks


def test_a_new_site_is_located_with_a_structured_search(geocoder, new_site):
    geocoder.knows("Oudegracht 1", "Utrecht", 52.0907, 5.1214, "Oudegracht 1, Utrecht")
    site = new_site()
    wait_for_tasks()
    site = reload(site)
    assert site.geocode_status == GeocodeStatus.LOCATED
    assert (site.latitude, site.longitude) == (52.0907, 5.1214)
    assert site.geocoded_at is not None
    [search] = geocoder.searches()
    assert search.params | {"format": "json"} == search.params
    assert {key: search.params[key] for key in ("street", "postalcode", "city", "countrycodes")} == {
        "street": "Oudegracht 1", "postalcode": "3511 AA", "city": "Utrecht", "countrycodes": "nl"}


def test_an_address_is_looked_up_once(geocoder, new_site):
    geocoder.knows("Oudegracht 1", "Utrecht", 52.0907, 5.1214)
    first = new_site()
    wait_for_tasks()
    second = new_site(street="  oudegracht 1 ", city="UTRECHT")  # the same address, written otherwise
    wait_for_tasks()
    assert len(geocoder.searches()) == 1
    assert (reload(second).latitude, reload(second).longitude) == (reload(first).latitude, 5.1214)
    assert reload(second).geocode_status == GeocodeStatus.LOCATED
    assert db.session.scalar(select(func.count()).select_from(GeocodeResult)) == 1


def test_an_unknown_address_is_not_found_once_and_never_blocks(geocoder, new_site):
    site = new_site(street="Nergensstraat 999")
    wait_for_tasks()
    twin = new_site(street="Nergensstraat 999")
    wait_for_tasks()
    for placed in (reload(site), reload(twin)):
        assert placed.geocode_status == GeocodeStatus.NOT_FOUND
        assert placed.latitude is None and placed.longitude is None
    assert len(geocoder.searches()) == 1  # "not found" is remembered too


def test_an_unavailable_geocoder_gives_the_town_centre_from_the_gazetteer(geocoder, new_site):
    geocoder.down = True  # answers 503 Service Unavailable
    site = new_site(street="Markt 1", city="utrecht ", postal_code="3511 AB")
    wait_for_tasks(timeout=60)  # the first fallback loads the gazetteer
    site = reload(site)
    assert site.geocode_status == GeocodeStatus.APPROXIMATE
    assert (round(site.latitude, 2), round(site.longitude, 2)) == (52.09, 5.12)  # Utrecht, NL (not Utrecht, ZA)
    assert db.session.scalar(select(func.count()).select_from(GeocodeResult)) == 0  # asked again later


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.parametrize(("city", "country", "centre"), [
    ("Munchen", "DE", (48.14, 11.58)),  # München, accent left out
    ("'S-HERTOGENBOSCH", "nl", (51.70, 5.30)),
    ("Liège", "BE", (50.63, 5.57)),
])
def test_a_refused_connection_falls_back_to_the_town_centre(app, city, country, centre):
    app.config["GEOCODER_URL"] = f"127.0.0.1:{_closed_port()}"
    placement = locate(Address("Hauptstraße 1", "12345", city, country))
    assert placement.status == GeocodeStatus.APPROXIMATE
    assert (round(placement.latitude, 2), round(placement.longitude, 2)) == pytest.approx(centre, abs=0.02)


def test_an_unreachable_geocoder_and_an_unknown_town_leave_the_address_pending(app):
    app.config["GEOCODER_URL"] = f"127.0.0.1:{_closed_port()}"
    assert locate(Address("Straat 1", "1234 AB", "Nowhereville", "NL")).status == GeocodeStatus.PENDING


def test_lookups_are_at_least_the_minimum_delay_apart(app, geocoder, monkeypatch):
    """Three workers asking at once get their sending slots the minimum delay apart (Redis slot or process lock).

    The times are taken where a slot is granted, not where the request reaches the stand-in: the time
    from slot to arrival (geopy, HTTP, the stand-in's thread) varies with the machine's load, the spacing
    of the slots does not.
    """
    delay = 0.5
    app.config["GEOCODER_MIN_DELAY_SECONDS"] = delay
    granted: list[float] = []
    real_wait = geocoding.wait_for_slot

    def recording_wait(current_app) -> None:
        real_wait(current_app)
        granted.append(time.monotonic())

    monkeypatch.setattr(geocoding, "wait_for_slot", recording_wait)
    errors: list[BaseException] = []

    def look_up(n: int) -> None:
        with app.app_context():
            try:
                locate(Address(f"Straat {n}", "1234 AB", "Utrecht", "NL"))
            except BaseException as error:  # noqa: BLE001 - reported by the test below
                errors.append(error)

    threads = [threading.Thread(target=look_up, args=(n,)) for n in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors
    assert len(geocoder.searches()) == 3
    granted.sort()
    # A grant is stamped just after the slot is taken, so only a thread switch between the two can
    # shorten a gap (the earlier stamp late): far below the 20 % allowed here.
    gaps = [later - earlier for earlier, later in zip(granted, granted[1:], strict=False)]
    assert len(gaps) == 2 and min(gaps) >= 0.8 * delay, gaps

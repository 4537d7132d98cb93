"""The periodic geo.retry job asks the geocoder again about addresses it could not place properly."""

from __future__ import annotations

from datetime import timedelta

from dispatch import periodic
from dispatch.dbtypes import utcnow
from dispatch.enums import GeocodeStatus
from dispatch.extensions import db
from tests.scheduling.geo.conftest import reload
from tests.support.tasks import wait_for_tasks


def test_approximate_and_pending_sites_are_looked_up_again_after_an_hour(geocoder, make, new_site):
    geocoder.down = True
    old, recent = new_site(street="Markt 1"), new_site(street="Markt 2")
    wait_for_tasks(timeout=60)
    old, recent = reload(old), reload(recent)
    assert old.geocode_status == recent.geocode_status == GeocodeStatus.APPROXIMATE
    pending = make.job().site
    pending.geocode_status, pending.latitude, pending.longitude = GeocodeStatus.PENDING, None, None
    pending.geocoded_at = utcnow() - timedelta(hours=3)
    old.geocoded_at = utcnow() - timedelta(hours=2)
    db.session.commit()

    geocoder.down = False
    geocoder.knows("Markt 1", "Utrecht", 52.0911, 5.1215)
    geocoder.knows(pending.street, pending.city, 52.2, 5.3)
    asked_before = len(geocoder.searches())
    assert periodic.run("geo.retry") == 2
    wait_for_tasks()

    assert (reload(old).geocode_status, reload(old).latitude) == (GeocodeStatus.LOCATED, 52.0911)
    assert (reload(pending).geocode_status, reload(pending).latitude) == (GeocodeStatus.LOCATED, 52.2)
    assert reload(recent).geocode_status == GeocodeStatus.APPROXIMATE  # tried less than an hour ago
    assert len(geocoder.searches()) == asked_before + 2
    assert periodic.run("geo.retry") == 0  # placed now; nothing left to ask


def test_the_retry_job_is_scheduled():
    assert "geo.retry" in periodic.SCHEDULE

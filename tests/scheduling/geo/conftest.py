"""Geocoding tests: the suite's Nominatim stand-in, and sites whose address still has to be placed."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from dispatch.customers.models import Site
from dispatch.extensions import db


@pytest.fixture
def geocoder(geocoder_server):
    """The stand-in every app and the rq worker ask (emptied before each test by the ``app`` fixture)."""
    return geocoder_server


@pytest.fixture
def new_site(make):
    """A customer created with an address but no coordinates: its site is queued for geocoding."""

    def create(street: str = "Oudegracht 1", city: str = "Utrecht", postal_code: str = "3511 AA",
               country: str = "NL") -> Site:
        customer = make.customer(address={"street": street, "postal_code": postal_code, "city": city,
                                          "country": country}, latitude=None, longitude=None)
        return db.session.scalars(select(Site).where(Site.customer_id == customer.id)).one()

    return create


def reload(site: Site) -> Site:
    """The site as the database has it now (a worker process may have changed it)."""
    db.session.rollback()
    return db.session.get(Site, site.id)

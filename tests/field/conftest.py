"""Fixtures of the field API tests: a technician with a scheduled job at a customer's asset."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from dispatch.dbtypes import utcnow
from dispatch.enums import JobStatus
from dispatch.extensions import db
from tests.field.support import set_status


@pytest.fixture
def tech(make):
    return make.user("technician")


@pytest.fixture
def asset(make):
    return make.asset(
        parts_warranty_until=date.today() + timedelta(days=200),
        labour_warranty_until=date.today() - timedelta(days=10),
    )


@pytest.fixture
def job(make, tech, asset):
    """A job scheduled for ``tech``, created a day ago (so that times of the last hours are after it)."""
    job = make.scheduled_job(tech, make.ticket(asset=asset), instructions="Replace the pump.")
    job.created_at = utcnow() - timedelta(days=1)
    db.session.commit()
    return job


@pytest.fixture
def on_site_job(job):
    return set_status(job, JobStatus.ON_SITE)


@pytest.fixture
def tapi(api, tech):
    """The API as the job's technician."""
    return api.as_user(tech)

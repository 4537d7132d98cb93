"""iCalendar (RFC 5545) documents of visits: the technician's feed and the file mailed to the customer.

The ``icalendar`` package does the escaping and line folding; times are written in UTC so that every
calendar program places them right without a VTIMEZONE.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

from flask import current_app
from icalendar import Calendar, Event

PRODUCT_ID = "-//Dispatch//Field service//EN"
SEQUENCE_EPOCH = datetime(2020, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Visit:
    """One VEVENT: what, when and where."""

    uid: str
    start: datetime
    end: datetime
    summary: str
    location: str
    description: str
    changed_at: datetime
    cancelled: bool = False
    url: str | None = None


def host() -> str:
    """The public host name, the right-hand side of every UID (stable across calendars and reloads)."""
    return urlsplit(current_app.config["PUBLIC_BASE_URL"]).hostname or "dispatch.local"


def public_url(path: str) -> str:
    """An absolute link on the public base URL (mails and feeds are read outside the app)."""
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + path


def document(visits: list[Visit], name: str | None = None) -> bytes:
    """A VCALENDAR (METHOD:PUBLISH) of ``visits``."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    if name:
        calendar.add("x-wr-calname", name)
    stamp = datetime.now(UTC).replace(microsecond=0)
    for visit in visits:
        calendar.add_component(_event(visit, stamp))
    return calendar.to_ical()


def _event(visit: Visit, stamp: datetime) -> Event:
    event = Event()
    event.add("uid", visit.uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", _utc(visit.start))
    event.add("dtend", _utc(visit.end))
    event.add("summary", visit.summary)
    event.add("location", visit.location)
    event.add("description", visit.description)
    event.add("status", "CANCELLED" if visit.cancelled else "CONFIRMED")
    # A newer version of the same UID must carry a higher SEQUENCE: seconds from an epoch to the last change
    # grow with every change and stay inside RFC 5545's 32-bit INTEGER for decades.
    event.add("sequence", max(0, int((visit.changed_at - SEQUENCE_EPOCH).total_seconds())))
    event.add("last-modified", _utc(visit.changed_at))
    if visit.url:
        event.add("url", visit.url)
    return event


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(microsecond=0)

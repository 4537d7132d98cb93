"""Report periods: calendar days in the company's time zone, turned into UTC bounds for the queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from flask_babel import gettext as _

from dispatch.admin.services import company_zone
from dispatch.errors import Invalid

MAX_DAYS = 3 * 366  # a longer period is a mistake more often than a wish


@dataclass(frozen=True)
class Period:
    """From ``start`` to ``end``, both days included."""

    start: date
    end: date

    def utc_bounds(self) -> tuple[datetime, datetime]:
        """[start 00:00, the day after end 00:00) in the company's zone, as UTC."""
        zone = company_zone()
        first = datetime.combine(self.start, time(0), zone)
        after = datetime.combine(self.end + timedelta(days=1), time(0), zone)
        return first.astimezone(UTC), after.astimezone(UTC)

    @property
    def slug(self) -> str:
        """``2026-01-01_2026-01-31``, for file names."""
        return f"{self.start.isoformat()}_{self.end.isoformat()}"


def period(start: date | None, end: date | None) -> Period:
    """A period from its first and last day; Invalid names the field that is missing or wrong."""
    errors: dict[str, list[str]] = {}
    if start is None:
        errors["from"] = [_("Give the first day of the period.")]
    if end is None:
        errors["to"] = [_("Give the last day of the period.")]
    if not errors and end < start:
        errors["to"] = [_("The last day comes before the first day.")]
    if not errors and (end - start).days >= MAX_DAYS:
        errors["to"] = [_("Choose a period of at most %(days)s days.", days=MAX_DAYS)]
    if errors:
        raise Invalid(_("The period is not valid."), errors=errors)
    return Period(start, end)


def company_today() -> date:
    """Today in the company's time zone."""
    return datetime.now(company_zone()).date()


def this_month() -> Period:
    """The first of this month up to today."""
    today = company_today()
    return Period(today.replace(day=1), today)


def previous_month() -> Period:
    """The whole previous calendar month."""
    last = company_today().replace(day=1) - timedelta(days=1)
    return Period(last.replace(day=1), last)

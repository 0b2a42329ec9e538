"""The nearest known city to a shared location."""

from __future__ import annotations

import math

import pytest

from core import places
from core.geo import (
    Place,
    city_km,
    distance_km,
    find_city,
    is_coordinate,
    metro_km,
    nearest_city,
    same_metro,
)


@pytest.mark.parametrize(
    ("latitude", "longitude", "label"),
    [
        (53.5511, 9.9937, "Hamburg, Germany"),  # the Rathaus
        (53.63, 10.0, "Hamburg, Germany"),  # the north of the city
        (48.137, 11.575, "Munich, Germany"),
        (52.52, 13.405, "Berlin, Germany"),  # next to the district "Mitte": the city wins
        (41.39, 2.17, "Barcelona, Spain"),  # in "Eixample"
        (40.4168, -3.7038, "Madrid, Spain"),
        (19.43, -99.13, "Mexico City, Mexico"),
        (-33.45, -70.66, "Santiago, Chile"),
        (47.37, 8.54, "Zürich, Switzerland"),
        (51.51, -0.13, "London, United Kingdom"),
        (40.71, -74.0, "New York City, United States"),
        (37.44, -122.14, "Palo Alto, United States"),  # 8 km from Redwood City: its own city
        (53.9466, 10.7312, "Ratekau, Germany"),  # a small town 10 km from Lübeck stays itself
        (53.87, 10.69, "Lübeck, Germany"),
        (64.1466, -21.9426, "Reykjavík, Iceland"),
        (64.1, -21.9, "Kópavogur, Iceland"),  # its neighbour, a town of its own
        (90.0, 0.0, "Longyearbyen, Svalbard and Jan Mayen"),  # the North Pole
        (0.0, 180.0, "Tarawa, Kiribati"),  # the antimeridian, both ways
        (0.0, -180.0, "Tarawa, Kiribati"),
    ],
)
def test_the_nearest_city(latitude: float, longitude: float, label: str) -> None:
    place = nearest_city(latitude, longitude)

    assert place.label == label
    assert distance_km(latitude, longitude, place.latitude, place.longitude) < 1500


@pytest.mark.parametrize(
    ("latitude", "longitude"), [(53.5511, 9.9937), (40.4168, -3.7038), (48.137, 11.575)]
)
def test_a_big_citys_answer_is_a_place_the_conversation_knows(
    latitude: float, longitude: float
) -> None:
    place = nearest_city(latitude, longitude)

    assert places.is_known(place.name)
    assert places.is_known(place.country)


@pytest.mark.parametrize(
    ("latitude", "longitude"),
    [(91.0, 0.0), (-90.5, 0.0), (0.0, 180.5), (0.0, -181.0), (math.nan, 0.0), (0.0, math.inf)],
)
def test_a_point_off_the_earth_is_refused(latitude: float, longitude: float) -> None:
    assert not is_coordinate(latitude, longitude)
    with pytest.raises(ValueError, match="not a coordinate"):
        nearest_city(latitude, longitude)


@pytest.mark.parametrize(
    ("a", "b", "km"),
    [
        ((52.52, 13.405), (48.137, 11.575), 504),  # Berlin - Munich
        ((40.4168, -3.7038), (41.3874, 2.1686), 505),  # Madrid - Barcelona
        ((0.0, 179.5), (0.0, -179.5), 111),  # across the antimeridian
        ((10.0, 10.0), (10.0, 10.0), 0),
    ],
)
def test_distances(a: tuple[float, float], b: tuple[float, float], km: int) -> None:
    assert round(distance_km(*a, *b)) == pytest.approx(km, abs=2)


def test_a_place_without_a_country_name_is_its_name() -> None:
    place = Place(name="Somewhere", country_code="XX", country="", latitude=0, longitude=0)

    assert place.label == "Somewhere"


# --- places by name: metro areas and commutes --------------------------------------------------


@pytest.mark.parametrize(
    ("name", "country", "expected"),
    [
        ("Munich", None, ("Munich", "DE")),
        ("München", None, ("Munich", "DE")),
        ("Cambridge", "GB", ("Cambridge", "GB")),
        ("Cambridge", "US", ("Cambridge", "US")),
        ("Cambridge, UK", "GB", ("Cambridge", "GB")),
        ("valencia", "ES", ("Valencia", "ES")),
        ("Xyzzyville", None, None),
    ],
)
def test_find_city(name: str, country: str | None, expected: tuple[str, str] | None) -> None:
    found = find_city(name, country)
    assert (None if found is None else (found.name, found.country_code)) == expected


@pytest.mark.parametrize(
    ("big", "town", "country", "expected"),
    [
        ("Valencia", "Paterna", "ES", True),
        ("Madrid", "Coslada", "ES", True),
        ("Hamburg", "Norderstedt", "DE", True),
        ("Berlin", "Potsdam", "DE", True),
        ("Boston", "Cambridge", "US", True),
        ("Hamburg", "Lübeck", "DE", False),
        ("Cambridge", "Huntingdon", "GB", False),  # Cambridge is too small for a metro area
    ],
)
def test_same_metro(big: str, town: str, country: str, expected: bool) -> None:
    first, second = find_city(big, country), find_city(town, country)
    assert first is not None
    assert second is not None
    assert same_metro(first, second) is expected
    assert same_metro(second, first) is expected


def test_metro_radius_grows_with_population_and_is_capped() -> None:
    madrid, valencia = find_city("Madrid", "ES"), find_city("Valencia", "ES")
    cambridge = find_city("Cambridge", "GB")
    assert madrid is not None
    assert valencia is not None
    assert cambridge is not None
    assert metro_km(madrid) > metro_km(valencia) > 0 == metro_km(cambridge)
    assert metro_km(madrid) <= 50


def test_city_km() -> None:
    cambridge, huntingdon = find_city("Cambridge", "GB"), find_city("Huntingdon", "GB")
    assert cambridge is not None
    assert huntingdon is not None
    assert 20 < city_km(cambridge, huntingdon) < 30

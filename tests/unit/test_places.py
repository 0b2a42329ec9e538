"""Known places: the table the conversation checks typed locations against."""

from __future__ import annotations

import pytest

from core.places import is_known, place_key, suggestions


@pytest.mark.parametrize(
    "place",
    [
        "Berlin", "berlin", "BERLIN", "München", "Muenchen", "Munchen", "Munich", "Köln",
        "Deutschland", "Germany", "Alemania", "Spanien", "España", "UK", "USA", "Texas",
        "Bavaria", "EU", "DACH", "Latin America", "New York", "Nueva York", "Zürich",
    ],
)
def test_known_places_in_several_languages_and_spellings(place: str) -> None:
    assert is_known(place)


@pytest.mark.parametrize("place", ["Atlantis", "Berln", "Xyzzyq", "Gotham", "Remote"])
def test_unknown_places(place: str) -> None:
    assert not is_known(place)


@pytest.mark.parametrize(
    ("typed", "first"),
    [("Atlantis", "Atlanta"), ("Berln", "Berlin"), ("Barcelna", "Barcelona"),
     ("Madird", "Madrid"), ("Muních", "Munich")],
)
def test_suggestions_put_the_closest_known_place_first(typed: str, first: str) -> None:
    close = suggestions(typed)
    assert close
    assert close[0] == first
    assert all(is_known(name) for name in close)


@pytest.mark.parametrize("typed", ["Xyzzyq", "Qqqq", "Dex"])
def test_no_suggestion_when_nothing_is_close(typed: str) -> None:
    assert suggestions(typed) == ()


def test_suggestions_are_limited_and_distinct() -> None:
    close = suggestions("Berln", limit=2)
    assert len(close) <= 2
    assert len(set(close)) == len(close)


@pytest.mark.parametrize(
    ("text", "key"),
    [("Frankfurt a. M.", "frankfurt a m"), ("São Paulo", "sao paulo"), ("New-York", "new york")],
)
def test_place_key_ignores_case_accents_dots_and_dashes(text: str, key: str) -> None:
    assert place_key(text) == key

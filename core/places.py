"""Known places: is a typed location a city, region, country or area we know, and if not, which
known places are spelled like it.

Pure: the tables (``core/data/cities.json``, and from ``core.countries`` the country names in
English, German and Spanish, US states and Canadian provinces) are read once per process on
first use. The
conversation engine asks this before it accepts a location, so "Atlantis" is questioned
instead of being kept as a place no job will ever match.
"""

from __future__ import annotations

import difflib
import functools
import json
import re
from pathlib import Path

from core.countries import country_codes, country_names, states
from core.text import fold, spell_out_umlauts

DATA_FILE = Path(__file__).parent / "data" / "cities.json"

_KEY_DROP = re.compile(r"[.'’`´]")
_KEY_SPACE = re.compile(r"[\s\-‐–_]+")
# Close enough to suggest: "Muních" for "Munich", "Atlantis" for "Atlanta", not "Berlin" for "Bern".
SUGGESTION_CUTOFF = 0.75


def place_key(text: str) -> str:
    """How a place is looked up: case, accents, dots and dashes do not matter."""
    return _KEY_SPACE.sub(" ", _KEY_DROP.sub("", fold(text))).strip()


def place_keys(name: str) -> set[str]:
    """Keys a table's name is found under: "München" as "munchen" and as "muenchen".

    Only the table side spells umlauts out; a typed "Muenchen" is never guessed back.
    """
    return {place_key(name), place_key(spell_out_umlauts(name))}


@functools.cache
def _names() -> dict[str, str]:
    """Every known spelling's key -> that spelling, as the user would like to read it back."""
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    spellings: list[str] = []
    for entry in (*data["cities"], *data["regions"]):
        spellings.extend((entry["name"], *entry["aliases"]))
    spellings.extend(data["country_aliases"])
    for aliases in data["areas"].values():
        spellings.extend(aliases)
    spellings.extend(name for name, _ in country_names())
    spellings.extend(country_codes())
    spellings.extend(state.name for state in states())
    names: dict[str, str] = {}
    for spelling in spellings:
        for key in place_keys(spelling):
            names.setdefault(key, spelling)
    return names


def is_known(place: str) -> bool:
    """Whether ``place`` names a city, region, country or area in the tables."""
    return place_key(place) in _names()


def suggestions(place: str, limit: int = 3) -> tuple[str, ...]:
    """Known places spelled most like ``place``, best first; empty when none is close."""
    names = _names()
    # Codes ("DE", "USA") are known but never suggested: "Dex" is not a misspelled "DEU".
    candidates = [key for key in names if len(key) > 3]
    found: list[str] = []
    for key in difflib.get_close_matches(
        place_key(place), candidates, n=limit * 3, cutoff=SUGGESTION_CUTOFF
    ):
        name = names[key]
        if name not in found:
            found.append(name)
    return tuple(found[:limit])

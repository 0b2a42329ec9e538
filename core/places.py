"""Known places: is a typed location a city, region, country or area we know, and if not, which
known places are spelled like it.

Pure: the tables (``core/data/cities.json``, pycountry's country names in English, German and
Spanish, US states and Canadian provinces) are read once per process on first use. The
conversation engine asks this before it accepts a location, so "Atlantis" is questioned
instead of being kept as a place no job will ever match.
"""

from __future__ import annotations

import difflib
import functools
import gettext
import json
import re
import unicodedata
from pathlib import Path

DATA_FILE = Path(__file__).parent / "data" / "cities.json"

_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})
_KEY_DROP = re.compile(r"[.'’`´]")
_KEY_SPACE = re.compile(r"[\s\-‐–_]+")
_STATE_TYPES = frozenset({"State", "District", "Province", "Territory"})
# Close enough to suggest: "Muních" for "Munich", "Atlantis" for "Atlanta", not "Berlin" for "Bern".
SUGGESTION_CUTOFF = 0.75


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def place_key(text: str) -> str:
    """How a place is looked up: case, accents, dots and dashes do not matter."""
    return _KEY_SPACE.sub(" ", _KEY_DROP.sub("", _fold(text))).strip()


@functools.cache
def _names() -> dict[str, str]:
    """Every known spelling's key -> that spelling, as the user would like to read it back."""
    import pycountry  # only when a location is first checked: it loads its databases

    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    spellings: list[str] = []
    for entry in (*data["cities"], *data["regions"]):
        spellings.extend((entry["name"], *entry["aliases"]))
    spellings.extend(data["country_aliases"])
    for aliases in data["areas"].values():
        spellings.extend(aliases)
    translations = [
        gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language])
        for language in ("de", "es")
    ]
    for country in pycountry.countries:
        given = {
            str(name)
            for name in (
                country.name,
                getattr(country, "official_name", None),
                getattr(country, "common_name", None),
            )
            if name
        }
        spellings.extend(given)
        spellings.extend(t.gettext(name) for t in translations for name in given)
        spellings.extend((country.alpha_2, country.alpha_3))
    for sub in pycountry.subdivisions:
        if sub.country_code in ("US", "CA") and sub.type in _STATE_TYPES:
            spellings.append(sub.name)
    names: dict[str, str] = {}
    for spelling in spellings:
        for key in {place_key(spelling), place_key(spelling.translate(_UMLAUTS))}:
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
    for key in difflib.get_close_matches(place_key(place), candidates, n=limit * 3,
                                         cutoff=SUGGESTION_CUTOFF):
        name = names[key]
        if name not in found:
            found.append(name)
    return tuple(found[:limit])

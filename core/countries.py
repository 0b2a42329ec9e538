"""Country and state names from pycountry, in English, German and Spanish (pure).

One builder for every table that reads places: the conversation's check of a typed location
(``core.places``) and the crawlers' location parser. pycountry loads its databases on first
use, so each table is built once per process when first asked for.
"""

from __future__ import annotations

import functools
import gettext
from dataclasses import dataclass

LANGUAGES = ("de", "es")  # translations besides the English names pycountry carries
_STATE_TYPES = frozenset({"State", "District", "Province", "Territory"})


@dataclass(frozen=True, slots=True)
class State:
    """A US state or a Canadian province or territory."""

    name: str  # "Texas"
    country: str  # ISO 3166-1 alpha-2: "US"
    code: str  # the postal code: "TX"


@functools.cache
def country_names() -> tuple[tuple[str, str], ...]:
    """(name, alpha-2) for every country's name, official and common name, and their German
    and Spanish translations ("Spanien", "ES"); a name may repeat for its one country."""
    import pycountry  # loads its databases: only when a place is first read

    translations = [
        gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language])
        for language in LANGUAGES
    ]
    names: list[tuple[str, str]] = []
    for country in pycountry.countries:
        alpha_2 = str(country.alpha_2)
        given = sorted(
            {
                str(name)
                for name in (
                    country.name,
                    getattr(country, "official_name", None),
                    getattr(country, "common_name", None),
                )
                if name
            }
        )
        names.extend((name, alpha_2) for name in given)
        names.extend((t.gettext(name), alpha_2) for t in translations for name in given)
    return tuple(names)


@functools.cache
def country_codes() -> dict[str, str]:
    """Alpha-2 and alpha-3 codes onto alpha-2 ("DE" and "DEU" -> "DE")."""
    import pycountry

    codes: dict[str, str] = {}
    for country in pycountry.countries:
        codes[str(country.alpha_2)] = str(country.alpha_2)
        codes[str(country.alpha_3)] = str(country.alpha_2)
    return codes


@functools.cache
def states() -> tuple[State, ...]:
    """US states and Canadian provinces and territories: the regions jobs there name."""
    import pycountry

    return tuple(
        State(str(sub.name), str(sub.country_code), str(sub.code).split("-", 1)[1])
        for sub in pycountry.subdivisions
        if sub.country_code in ("US", "CA") and sub.type in _STATE_TYPES
    )

"""Places: which city, region, country or area a posting's location strings name.

The tables (``core/data/cities.json``, shared with the conversation's ``core.places``, and the
country and state names of ``core.countries``) are read once per process on first use.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from core.countries import country_codes, country_names, states
from core.jobs import Location
from core.places import DATA_FILE, place_key, place_keys
from core.text import fold
from crawlers.normalize.text import collapse_whitespace

LOCATION_LIMIT = 50

# --- place tables ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Place:
    name: str
    country: str  # ISO 3166-1 alpha-2


@dataclass(frozen=True, slots=True)
class _Places:
    cities: dict[str, _Place]
    regions: dict[str, tuple[_Place, ...]]
    state_codes: dict[str, tuple[_Place, ...]]  # "TX", "ON": only as upper-case tokens
    countries: dict[str, str]  # name key -> alpha-2
    country_codes: dict[str, str]  # "DE", "DEU" -> "DE": only as upper-case tokens
    areas: dict[str, str]  # "latin america" -> "LATAM"
    # Names that contain a word the splitter cuts at ("Trinidad and Tobago", "Halle/Saale").
    protected: re.Pattern[str]


@functools.cache
def _places() -> _Places:
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    names: list[str] = []

    cities: dict[str, _Place] = {}
    for entry in data["cities"]:
        place = _Place(entry["name"], entry["country"])
        for alias in (entry["name"], *entry["aliases"]):
            names.append(alias)
            for key in place_keys(alias):
                cities.setdefault(key, place)

    countries: dict[str, str] = {}
    for name, alpha_2 in country_names():
        names.append(name)
        for key in place_keys(name):
            countries.setdefault(key, alpha_2)
    for alias, code in data["country_aliases"].items():
        names.append(alias)
        for key in place_keys(alias):
            countries[key] = code

    regions: dict[str, list[_Place]] = {}
    state_codes: dict[str, tuple[_Place, ...]] = {}
    for state in states():
        place = _Place(state.name, state.country)
        state_codes[state.code] = (*state_codes.get(state.code, ()), place)
        names.append(state.name)
        for key in place_keys(state.name):
            regions.setdefault(key, []).append(place)
    for entry in data["regions"]:
        place = _Place(entry["name"], entry["country"])
        for alias in (entry["name"], *entry["aliases"]):
            names.append(alias)
            for key in place_keys(alias):
                if place not in regions.setdefault(key, []):
                    regions[key].append(place)

    areas: dict[str, str] = {}
    for label, aliases in data["areas"].items():
        for alias in aliases:
            names.append(alias)
            for key in place_keys(alias):
                areas[key] = label

    protected = sorted(
        {
            variant
            for name in names
            if _LOC_ALTERNATIVES.search(name)
            for variant in _variants(name)
        },
        key=len,
        reverse=True,
    )
    return _Places(
        cities=cities,
        regions={key: tuple(places) for key, places in regions.items()},
        state_codes=state_codes,
        countries=countries,
        country_codes=country_codes(),
        areas=areas,
        protected=re.compile(
            "|".join(re.escape(name).replace(r"\ ", r"\s+") for name in protected) or r"(?!)",
            re.IGNORECASE,
        ),
    )


def _variants(name: str) -> set[str]:
    """The name as written and folded: the pattern ignores case, so both read "Zürich"."""
    return {name, fold(name)}


def country_code(value: str | None) -> str | None:
    """ISO 3166-1 alpha-2 for a code or a name in English, German or Spanish ("UK" -> "GB")."""
    text = collapse_whitespace(value)
    if not text:
        return None
    places = _places()
    upper = text.upper()
    if len(text) in (2, 3) and upper in places.country_codes:
        return places.country_codes[upper]
    return places.countries.get(place_key(text))


# --- locations ---------------------------------------------------------------------------------

# Between locations: "Berlin; Hamburg", "Madrid | Remote", one per line.
_LOC_LIST = re.compile(r"\s*[;|\n\t•·]+\s*")
# Between alternatives: "Madrid o Barcelona", "Berlin / Hamburg", "Berlin or Remote".
_LOC_ALTERNATIVES = re.compile(
    r"\s*/\s*|\s+(?:or|oder|o|u|y|und|and|&|et|e|and/or)\s+", re.IGNORECASE
)
# Inside one location: "München, Bayern, Deutschland", "Remote - EU", "Berlin (Hybrid)".
_LOC_PARTS = re.compile(r"\s*(?:,|\s[-–—]\s|[()\[\]{}])\s*")
_WORK_WORDS = re.compile(
    r"(?i)(?:\b100\s?%\s*|\b(?:fully|full|partly|partially|mostly)\s+)?\b(?:"
    r"remote(?:[\s-](?:first|friendly|only))?|home[\s-]?office|work(?:ing)?\s+from\s+home|wfh"
    r"|remoto|en\s+remoto|teletrabajo|telearbeit|hybrid|h[ií]brido|on[\s-]?site|vor\s+ort"
    r"|presencial|in[\s-]office|in[\s-]person)\b"
)
_FILLER_WORDS = re.compile(
    r"(?i)\b(?:office|b[üu]ro|oficina|hq|headquarters|campus|sede(?:\s+central)?|zentrale"
    r"|standort|location|metro(?:politan)?\s+area|greater)\b"
)
_EDGE_WORDS = re.compile(
    r"^(?:(?:(?i:in|from|within|across|based\s+in|en|desde|aus|im|in\s+der|the|any)|de)\b[\s\W]*)+"
    r"|(?:[\s\W]*\b(?i:only|nur|solo|based|area|region|wide))+[\s\W]*$"
)
_POSTCODE = re.compile(r"\b\d{4,6}\b|\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b|\b[A-Z]{2}-\d{4,5}\b")
_PLAUSIBLE_PLACE = re.compile(r"^[^\W\d_][^\W\d_\s'’.\-]*(?:[\s'’.\-]+[^\W\d_]+){0,3}\.?$")
_NOT_PLACES = frozenset(
    {
        "multiple locations",
        "various locations",
        "multiple",
        "various",
        "several locations",
        "mehrere standorte",
        "verschiedene standorte",
        "deutschlandweit",
        "bundesweit",
        "varias ubicaciones",
        "varias localizaciones",
        "flexible",
        "flexibel",
        "tbd",
        "tba",
        "n/a",
        "na",
        "none",
        "not specified",
        "unknown",
        "other",
        "sonstige",
        "otros",
        "locations",
        "home",
        "field",
        "field based",
        "travel",
        "on the road",
        "aussendienst",
        "nationwide",
        "any",
        "all",
        "all locations",
        "everywhere",
    }
)


@dataclass(frozen=True, slots=True)
class _Token:
    text: str
    city: _Place | None = None
    country: str | None = None
    regions: tuple[_Place, ...] = ()
    area: str | None = None
    unknown: str | None = None  # reads like a place we do not know ("Unterschleißheim")
    code: bool = False  # an upper-case two-letter token: a state or a country code
    work: bool = False  # only work-mode words ("Remote", "Home Office")

    @property
    def known(self) -> bool:
        return bool(self.city or self.country or self.regions or self.area)


@dataclass(slots=True)
class _Draft:
    city: str | None = None
    city_country: str | None = None  # what the city table says: a default, not a statement
    region: str | None = None
    region_country: str | None = None
    country: str | None = None
    area: str | None = None
    parts: list[str] = field(default_factory=list)
    raw: str = ""

    def empty(self) -> bool:
        return not (self.city or self.region or self.country or self.area)

    def base_country(self) -> str | None:
        return self.country or self.region_country or self.city_country

    def start(self, token: _Token) -> None:
        if token.city is not None:
            self.city, self.city_country = token.city.name, token.city.country
        elif token.country is not None:
            self.country = token.country
        elif token.regions:
            self.region, self.region_country = token.regions[0].name, token.regions[0].country
        elif token.area is not None:
            self.area = token.area
        elif token.unknown is not None:
            self.city = token.unknown
        self.parts.append(token.text)

    def attach(self, token: _Token) -> bool:
        """Take a later part of the same location ("Austin" + "TX"); False if it starts another."""
        base = self.base_country()
        if token.regions and self.region is None and self.country is None:
            same = [region for region in token.regions if region.country == base]
            # "Cambridge, MA": a state code beats the city table's guess; "Berlin, DE" does not.
            if same or token.country is None or (token.code and token.country != base):
                region = same[0] if same else token.regions[0]
                self.region, self.region_country = region.name, region.country
                self.parts.append(token.text)
                return True
        if token.country is not None and self.country is None and token.city is None:
            self.country = token.country
        elif token.city is not None and self.city is None and base in (None, token.city.country):
            self.city, self.city_country = token.city.name, token.city.country
        elif token.unknown is not None and self.city is None and self.area is None:
            self.city = token.unknown
        elif token.unknown is not None or (token.area is not None and self.area is not None):
            pass  # a district, a street or a repeated area: part of this location, not a new one
        elif token.area is not None and self.city is None and self.area is None:
            self.area = token.area
        else:
            return False
        self.parts.append(token.text)
        return True

    def location(self) -> Location:
        country = self.country or self.region_country or self.city_country
        region = self.region if self.region_country in (None, country) else None
        return Location(city=self.city, region=region or self.area, country=country, raw=self.raw)


@dataclass(slots=True)
class _Piece:
    drafts: list[_Draft]
    understood: bool  # every part was a known place or a work word
    known: bool  # a city, region or country was named
    work: bool  # a work-mode word was there ("Remote", "Hybrid")


def parse_locations(
    entries: Sequence[str], country_codes: Sequence[str] = ()
) -> tuple[Location, ...]:
    """Locations from the strings a source gave, with its country codes applied.

    Country codes stated by the source win over what the strings suggest: a single location
    takes the single code; when there are as many codes as locations they pair up in order;
    otherwise locations without a country take a code. Codes no location used are added as
    country-only locations.
    """
    drafts: list[_Draft] = []
    for entry in entries:
        for piece_text in _LOC_LIST.split(entry or ""):
            piece_text = collapse_whitespace(piece_text)
            if not piece_text or place_key(piece_text) in _NOT_PLACES:
                continue
            for alternative in _split_alternatives(piece_text):
                drafts.extend(_parse_piece(alternative).drafts)
        if len(drafts) > LOCATION_LIMIT * 2:
            break  # a store finder's worth of addresses: the first ones will do
    _apply_codes(drafts, [code for code in map(country_code, country_codes) if code])
    seen: set[tuple[str | None, str | None, str | None, str]] = set()
    out: list[Location] = []
    for draft in drafts:
        location = draft.location()
        key = (location.city, location.region, location.country, "")
        if not (location.city or location.region or location.country):
            key = (None, None, None, location.raw.casefold())
        if key not in seen:
            seen.add(key)
            out.append(location)
    return tuple(out[:LOCATION_LIMIT])


def is_place(text: str) -> bool:
    """Whether a short text only names places we know, maybe with work words ("Remote (UK)",
    "Köln", "Portland, OR 97209"); street names and prose are not places."""
    text = collapse_whitespace(text)
    if not text or len(text) > 80:
        return False
    known = False
    for piece_text in _LOC_LIST.split(text):
        for alternative in _split_alternatives(piece_text):
            piece = _parse_piece(alternative)
            if not piece.known:
                return False
            known = True
    return known


def _apply_codes(drafts: list[_Draft], given: list[str]) -> None:
    codes = list(dict.fromkeys(given))
    if not codes:
        return
    if len(drafts) == 1 and len(codes) == 1:
        drafts[0].country = codes[0]
    elif len(drafts) == len(given):
        for draft, code in zip(drafts, given, strict=True):
            if draft.base_country() not in codes:
                draft.country = code
    else:
        unused = [code for code in codes if code not in {d.base_country() for d in drafts}]
        for draft in drafts:
            if draft.base_country() is None:
                draft.country = unused.pop(0) if unused else codes[0]
    present = {draft.base_country() for draft in drafts}
    drafts.extend(_Draft(country=code, raw=code) for code in codes if code not in present)


def _split_alternatives(text: str) -> list[str]:
    if _LOC_ALTERNATIVES.search(text) is None:
        return [text]
    protected = [match.span() for match in _places().protected.finditer(text)]
    pieces: list[str] = []
    start = 0
    for match in _LOC_ALTERNATIVES.finditer(text):
        if any(left <= match.start() and match.end() <= right for left, right in protected):
            continue
        pieces.append(text[start : match.start()])
        start = match.end()
    pieces.append(text[start:])
    return [piece.strip() for piece in pieces if piece.strip()]


def _parse_piece(text: str) -> _Piece:
    whole = _lookup(text)
    if whole is not None:
        tokens = [whole]
    else:
        tokens = [token for part in _LOC_PARTS.split(text) if (token := _classify(part))]
        tokens = _codes_beside_a_named_country(tokens)
    drafts: list[_Draft] = []
    current = _Draft()
    understood, known, work = True, False, False
    for token in tokens:
        work = work or token.work
        known = known or bool(token.city or token.country or token.regions)
        understood = understood and (token.known or token.work)
        if not token.known and token.unknown is None:
            continue
        if current.empty():
            current.start(token)
        elif not current.attach(token):
            drafts.append(current)
            current = _Draft()
            current.start(token)
    if not current.empty():
        drafts.append(current)
    if not drafts and work:
        drafts.append(_Draft())  # "Remote": a location without a place, kept for its raw text
    for draft in drafts:
        draft.raw = text if len(drafts) == 1 else ", ".join(draft.parts)
    return _Piece(drafts, understood and bool(tokens), known, work)


def _codes_beside_a_named_country(tokens: list[_Token]) -> list[_Token]:
    """In "Stuttgart, BW, Germany" the short code is a region (Baden-Württemberg), not the
    country it also spells (Botswana). Where a country is named in full, a short code that
    reads as a country is dropped: it is a region, or it repeats the named country."""
    if not any(t.country and not _is_code(t) for t in tokens):
        return tokens
    return [t for t in tokens if not (_is_code(t) and t.country)]


def _is_code(token: _Token) -> bool:
    return len(token.text) in (2, 3) and token.text.isupper() and token.city is None


def _classify(part: str) -> _Token | None:
    text = part.strip(" \t-–—:.,/*")
    if not text:
        return None
    token = _lookup(text)
    if token is not None:
        return token
    cleaned = _WORK_WORDS.sub(" ", text)
    work = cleaned != text
    cleaned = _POSTCODE.sub(" ", _FILLER_WORDS.sub(" ", cleaned))
    cleaned = _EDGE_WORDS.sub("", collapse_whitespace(cleaned)).strip(" \t-–—:.,/*+")
    if cleaned and cleaned != text:
        token = _lookup(cleaned)
        if token is not None:
            return _Token(
                text=text,
                city=token.city,
                country=token.country,
                regions=token.regions,
                area=token.area,
                code=token.code,
                work=work,
            )
    if not cleaned:
        return _Token(text=text, work=True) if work else None
    if place_key(cleaned) in _NOT_PLACES or not _PLAUSIBLE_PLACE.match(cleaned):
        return _Token(text=text, work=work)
    if cleaned.isupper() or cleaned.islower():
        cleaned = cleaned.title()
    return _Token(text=text, unknown=cleaned, work=work)


def _lookup(text: str) -> _Token | None:
    places = _places()
    key = place_key(text)
    city = places.cities.get(key)
    country = places.countries.get(key)
    regions = places.regions.get(key, ())
    area = places.areas.get(key)
    code = False
    if len(text) in (2, 3) and text.isupper():
        country = country or places.country_codes.get(text)
        if len(text) == 2 and text in places.state_codes:
            regions = (*regions, *places.state_codes[text])
            code = True
    if city is None and country is None and not regions and area is None:
        return None
    return _Token(text=text, city=city, country=country, regions=regions, area=area, code=code)


def place_like(segment: str, known_places: frozenset[str]) -> bool:
    """Whether a title segment only says where or how ("Berlin", "Remote - EU", "(Hybrid)")."""
    if fold(segment) in known_places:
        return True
    known = work = False
    for alternative in _split_alternatives(segment):
        piece = _parse_piece(alternative)
        if not piece.understood:
            return False
        known, work = known or piece.known, work or piece.work
    return known or work

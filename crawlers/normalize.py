"""One ``RawPosting`` in; the same job in our vocabulary (``JobPosting``) or ``Dropped`` out.

Everything here is pure. Tables (``core/data/cities.json``, pycountry's country names with
their German and Spanish translations, US states and Canadian provinces) are read once per
process on first use, and every pattern is compiled at import. Each step is a public function
so tests can table it on its own; ``normalize`` only strings them together.
"""

from __future__ import annotations

import email.utils
import functools
import gettext
import html
import json
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import pycountry

from core.domain import Frozen, Seniority, WorkMode
from core.jobs import (
    ANNUAL_FACTORS,
    EmploymentType,
    JobPosting,
    Location,
    RawPosting,
    RawSalary,
    Salary,
    SalaryPeriod,
)
from core.places import DATA_FILE as CITIES_FILE
from core.skills import SkillTaxonomy
from crawlers.markdown import html_to_markdown as _lxml_markdown

_DATA_FILE = CITIES_FILE  # one table of places, shared with the conversation (core.places)

DESCRIPTION_LIMIT = 20_000  # characters of Markdown kept per posting
TITLE_LIMIT = 200
LOCATION_LIMIT = 50
# HTML beyond this is never parsed: the Markdown would be cut at DESCRIPTION_LIMIT anyway.
_HTML_LIMIT = 400_000
# Cue scans (work mode, seniority) read the start of a description, where postings say it.
_CUE_SCAN_LIMIT = 12_000
_LANGUAGE_SAMPLE = 2_000


class Dropped(Frozen):
    """A posting normalization refused: "no_title", "not_a_job" or "expired"."""

    reason: str


def normalize(
    raw: RawPosting, *, today: date, taxonomy: SkillTaxonomy | None = None
) -> JobPosting | Dropped:
    """The posting in our vocabulary, or why it was dropped."""
    title_text = collapse_whitespace(raw.title)
    if not title_text:
        return Dropped(reason="no_title")
    if _NOT_A_JOB.search(_fold(title_text)):
        return Dropped(reason="not_a_job")
    # The title is shown as the employer wrote it; the job's bare name (places, work mode and
    # contract cut off) is what seniority and contract are read from.
    name, title_places = _split_title(title_text, raw.locations)
    if not any(char.isalnum() for char in name):
        return Dropped(reason="no_title")
    title = display_title(title_text)
    valid_through = resolve_date(raw.valid_through, today, future=True)
    if valid_through is not None and valid_through < today:
        return Dropped(reason="expired")

    provenance = dict(raw.provenance)
    description = description_markdown(raw.description_html, raw.description_text)
    plain = _plain_text(description)
    locations = parse_locations(raw.locations or title_places, raw.country_codes)
    if not raw.locations and title_places and locations:
        provenance["locations"] = "title"
    employment_type = parse_employment_type(raw.employment_type, title=title_text)
    if raw.employment_type is None and employment_type is not None:
        provenance["employment_type"] = "title"
    countries = {location.country for location in locations if location.country}
    skills = (taxonomy or SkillTaxonomy.load()).find_in_text(f"{name}\n{plain}")
    work_mode = detect_work_mode(
        remote=raw.remote,
        workplace=raw.workplace,
        title=title_text,
        locations=raw.locations,
        description=description,
    )
    if work_mode is None and any(location.city for location in locations):
        # A place to go to and nothing saying otherwise: the job is done there.
        work_mode = WorkMode.ONSITE
        provenance.setdefault("work_mode", "a physical location, no remote or hybrid signal")
    salary = parse_salary(
        raw.salary,
        raw.salary_text,
        description=description,
        country=next(iter(countries)) if len(countries) == 1 else None,
    )
    if salary is not None and raw.salary is None and not raw.salary_text:
        provenance.setdefault("salary", "description")
    return JobPosting(
        source_kind=raw.source_kind,
        extraction=raw.extraction,
        external_id=_stripped(raw.external_id),
        title=title,
        company=collapse_whitespace(raw.company) or None,
        url=_stripped(raw.url),
        apply_url=_stripped(raw.apply_url),
        locations=locations,
        work_mode=work_mode,
        employment_type=employment_type,
        seniority=detect_seniority(name, description, employment_type=employment_type),
        salary=salary,
        skills=skills,
        description_md=description,
        department=collapse_whitespace(raw.department) or None,
        posted_at=resolve_date(raw.posted_at, today),
        valid_through=valid_through,
        language=normalize_language(raw.language) or guess_language(plain or title),
        confidence=min(1.0, max(0.0, raw.confidence)),
        provenance=provenance,
    )


# --- text helpers ------------------------------------------------------------------------------

_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_WHITESPACE = re.compile(r"\s+")


def collapse_whitespace(text: str | None) -> str:
    """Entities decoded, invisible characters dropped, whitespace runs made one space."""
    if not text:
        return ""
    if "&" in text:
        text = html.unescape(text)
    return _WHITESPACE.sub(" ", _INVISIBLE.sub("", text)).strip()


def _stripped(value: str | None) -> str | None:
    return value.strip() or None if value else None


def _fold(text: str) -> str:
    """Lower case without accents ("Híbrido" -> "hibrido", "Straße" -> "strasse")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})
_KEY_DROP = re.compile(r"[.'’`´]")
_KEY_SPACE = re.compile(r"[\s\-‐–_]+")


def _place_key(text: str) -> str:
    return _KEY_SPACE.sub(" ", _KEY_DROP.sub("", _fold(text))).strip()


def _place_keys(name: str) -> set[str]:
    """Keys a table name is found under: "München" as "munchen" and as "muenchen"."""
    return {_place_key(name), _place_key(name.translate(_UMLAUTS))}


def _near(
    text: str, triggers: tuple[str, ...], pattern: re.Pattern[str], reach: int = 80
) -> Iterator[re.Match[str]]:
    """``pattern``'s matches in ``text``, in order, looked for only around ``triggers``.

    Every match of ``pattern`` must contain one of the triggers (lower-case substrings) and be
    shorter than ``reach``. A many-branched regex run over a whole description costs a
    millisecond; ``str.find`` for a dozen words and the regex on a few windows costs little.
    """
    windows: list[tuple[int, int]] = []
    for trigger in triggers:
        found = text.find(trigger)
        while found >= 0:
            windows.append((max(0, found - reach), found + len(trigger) + reach))
            found = text.find(trigger, found + len(trigger))
    windows.sort()
    start = end = -1
    for left, right in windows:
        if left > end:
            if end >= 0:
                yield from pattern.finditer(text, start, end)
            start = left
        end = max(end, right)
    if end >= 0:
        yield from pattern.finditer(text, start, end)


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
    currencies: frozenset[str]
    # Names that contain a word the splitter cuts at ("Trinidad and Tobago", "Halle/Saale").
    protected: re.Pattern[str]


_STATE_TYPES = frozenset({"State", "District", "Province", "Territory"})


@functools.cache
def _places() -> _Places:
    data = json.loads(_DATA_FILE.read_text(encoding="utf-8"))
    names: list[str] = []

    cities: dict[str, _Place] = {}
    for entry in data["cities"]:
        place = _Place(entry["name"], entry["country"])
        for alias in (entry["name"], *entry["aliases"]):
            names.append(alias)
            for key in _place_keys(alias):
                cities.setdefault(key, place)

    countries: dict[str, str] = {}
    codes: dict[str, str] = {}
    translations = [
        gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language])
        for language in ("de", "es")
    ]
    for country in pycountry.countries:
        alpha_2: str = country.alpha_2
        codes[alpha_2] = alpha_2
        codes[country.alpha_3] = alpha_2
        given = {
            str(name)
            for name in (
                country.name,
                getattr(country, "official_name", None),
                getattr(country, "common_name", None),
            )
            if name
        }
        for name in (*given, *(t.gettext(name) for t in translations for name in given)):
            names.append(name)
            for key in _place_keys(name):
                countries.setdefault(key, alpha_2)
    for alias, code in data["country_aliases"].items():
        names.append(alias)
        for key in _place_keys(alias):
            countries[key] = code

    regions: dict[str, list[_Place]] = {}
    state_codes: dict[str, tuple[_Place, ...]] = {}
    for sub in pycountry.subdivisions:
        if sub.country_code not in ("US", "CA") or sub.type not in _STATE_TYPES:
            continue
        place = _Place(sub.name, sub.country_code)
        state_code = sub.code.split("-", 1)[1]
        state_codes[state_code] = (*state_codes.get(state_code, ()), place)
        names.append(sub.name)
        for key in _place_keys(sub.name):
            regions.setdefault(key, []).append(place)
    for entry in data["regions"]:
        place = _Place(entry["name"], entry["country"])
        for alias in (entry["name"], *entry["aliases"]):
            names.append(alias)
            for key in _place_keys(alias):
                if place not in regions.setdefault(key, []):
                    regions[key].append(place)

    areas: dict[str, str] = {}
    for label, aliases in data["areas"].items():
        for alias in aliases:
            names.append(alias)
            for key in _place_keys(alias):
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
        country_codes=codes,
        areas=areas,
        currencies=frozenset(currency.alpha_3 for currency in pycountry.currencies),
        protected=re.compile(
            "|".join(re.escape(name).replace(r"\ ", r"\s+") for name in protected) or r"(?!)",
            re.IGNORECASE,
        ),
    )


def _variants(name: str) -> set[str]:
    decomposed = unicodedata.normalize("NFKD", name)
    return {name, "".join(char for char in decomposed if not unicodedata.combining(char))}


def country_code(value: str | None) -> str | None:
    """ISO 3166-1 alpha-2 for a code or a name in English, German or Spanish ("UK" -> "GB")."""
    text = collapse_whitespace(value)
    if not text:
        return None
    places = _places()
    upper = text.upper()
    if len(text) in (2, 3) and upper in places.country_codes:
        return places.country_codes[upper]
    return places.countries.get(_place_key(text))


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
            if not piece_text or _place_key(piece_text) in _NOT_PLACES:
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
    if _place_key(cleaned) in _NOT_PLACES or not _PLAUSIBLE_PLACE.match(cleaned):
        return _Token(text=text, work=work)
    if cleaned.isupper() or cleaned.islower():
        cleaned = cleaned.title()
    return _Token(text=text, unknown=cleaned, work=work)


def _lookup(text: str) -> _Token | None:
    places = _places()
    key = _place_key(text)
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


def _place_like(segment: str, known_places: frozenset[str]) -> bool:
    """Whether a title segment only says where or how ("Berlin", "Remote - EU", "(Hybrid)")."""
    if _fold(segment) in known_places:
        return True
    known = work = False
    for alternative in _split_alternatives(segment):
        piece = _parse_piece(alternative)
        if not piece.understood:
            return False
        known, work = known or piece.known, work or piece.work
    return known or work


# --- title -------------------------------------------------------------------------------------

_GENDER = r"(?:m|w|f|d|x|h|i|v|a|div|divers|diverse|inter|nb)"
_GENDER_TAG = re.compile(
    rf"\s*[(\[]\s*(?:{_GENDER}\s*\*?(?:\s*[/|,.\-]\s*{_GENDER}\s*\*?){{1,3}}"
    r"|all\s+genders?|alle\s+geschlechter|any\s+gender|todos\s+los\s+g[eé]neros|gn\s*\*?)"
    r"\s*[)\]]\s*\*?"
    r"|\s*(?<![\w/])[mwfh]\s*/\s*[mwfd](?:\s*/\s*(?:[dxi]|div(?:ers)?))?(?![\w/])",
    re.IGNORECASE,
)
_TRAILING_ID = re.compile(
    r"\s*(?:[-–—|,:]\s*)?[(\[]?\s*(?:(?:job\s*)?(?:id|ref|req|requisition|jr|nr|no|kennziffer)"
    r"\b\.?\s*[:#\-]?\s*|#\s*)[A-Z]{0,5}[-_]?\d{3,}[\w\-/]*\s*[)\]]?\s*$",
    re.IGNORECASE,
)
_ID_LIKE = re.compile(
    r"^(?:(?:job\s*)?(?:id|ref|req|requisition|reference|referenz|kennziffer|nr|no|code|"
    r"c[oó]digo)\b\.?\s*[:#.\-]?\s*)?#?\s*[A-Z]{0,5}[-_ ]?\d[\d\-_/.]{2,}[A-Z]?$",
    re.IGNORECASE,
)
_YEAR = re.compile(r"^(?:19|20)\d\d$")
_CONTRACT_ONLY = re.compile(
    r"^(?:(?:in\s+)?(?:(?:full|part)[\s-]?time|vollzeit|teilzeit|voll-|teil-|befristet"
    r"|unbefristet|festanstellung|permanent|jornada\s+completa|media\s+jornada"
    r"|tiempo\s+(?:completo|parcial)|indefinido)(?:\s*(?:/|,|oder|or|und|and|o|y|&)\s*)?)+$",
    re.IGNORECASE,
)
_TRAILING_CONTRACT = re.compile(
    r"\s+in\s+(?:voll|teil)(?:zeit|-)(?:\s*(?:/|oder|und|or)\s*(?:voll|teil)zeit)?\s*$",
    re.IGNORECASE,
)
_TRAILING_BRACKET = re.compile(r"\s*[(\[]([^()\[\]]*)[)\]]\s*$")
_LEADING_BRACKET = re.compile(r"^\s*[(\[]([^()\[\]]*)[)\]]\s*")
_TRAILING_SEGMENT = re.compile(
    r"(?:\s+[-–—/]\s+|\s*[|·•]\s*|\s*,\s*|\s+[-–—]{2}\s*)([^|·•,]+?)\s*$"
)
_EDGE_PUNCTUATION = re.compile(r"^[\s\-–—|:,;/·•]+|[\s\-–—|:,;/·•]+$")
_EMPTY_BRACKETS = re.compile(r"\s*(?:\(\s*\)|\[\s*\])")
_NOT_A_JOB = re.compile(
    r"\b(?:initiativbewerbung|open\s+application|unsolicited\s+application|spontaneous\s+application"
    r"|general\s+application|speculative\s+application|talent\s+(?:pool|community|network)"
    r"|candidatura\s+espontanea|autocandidatura|solicitud\s+espontanea|future\s+opportunities"
    r"|do\s+not\s+apply|don'?t\s+see\s+(?:a|the|your)\s+(?:role|job|position))\b"
    r"|^(?:test|test\s+job|test\s+posting|testing|job\s+template|template)$"
)


def strip_gender_tags(title: str) -> str:
    """The title without "(m/w/d)", "(f/m/x)", "(all genders)" and the like."""
    return _WHITESPACE.sub(" ", _GENDER_TAG.sub(" ", title)).strip()


def display_title(title: str) -> str:
    """The title as the employer wrote it, without gender tags or a trailing requisition id.

    "Data Engineer (Remote – EU or UK)" stays whole: where and how the job is done are read
    from it, not cut off it.
    """
    text = collapse_whitespace(title)
    shown = _EDGE_PUNCTUATION.sub(
        "", _EMPTY_BRACKETS.sub("", _TRAILING_ID.sub("", strip_gender_tags(text)))
    )
    if not _has_words(shown):
        shown = _EDGE_PUNCTUATION.sub("", strip_gender_tags(text)) or text
    if len(shown) > TITLE_LIMIT:
        shown = shown[:TITLE_LIMIT].rsplit(" ", 1)[0]
    return shown


def clean_title(title: str, locations: Sequence[str] = ()) -> str:
    """The job's name: whitespace collapsed, gender tags and trailing places or ids removed."""
    return _split_title(collapse_whitespace(title), locations)[0]


def _split_title(title: str, locations: Sequence[str]) -> tuple[str, tuple[str, ...]]:
    """The cleaned title and the place segments cut from it ("Engineer - Berlin": "Berlin")."""
    known = frozenset(_fold(collapse_whitespace(location)) for location in locations)
    text = _EMPTY_BRACKETS.sub("", strip_gender_tags(title))
    places: list[str] = []
    for _ in range(6):
        before = text
        text = _TRAILING_CONTRACT.sub("", _TRAILING_ID.sub("", text)).strip()
        match = _TRAILING_BRACKET.search(text) or _TRAILING_SEGMENT.search(text)
        if match is not None:
            text = _cut(text, match, places, known)
        if (match := _LEADING_BRACKET.match(text)) is not None:
            text = _cut(text, match, places, known)
        text = _EDGE_PUNCTUATION.sub("", _EMPTY_BRACKETS.sub("", text))
        if text == before:
            break
    if not _has_words(text):
        text = _EDGE_PUNCTUATION.sub("", strip_gender_tags(title))
    if len(text) > TITLE_LIMIT:
        text = text[:TITLE_LIMIT].rsplit(" ", 1)[0]
    return text, tuple(reversed(places))


def _cut(text: str, match: re.Match[str], places: list[str], known: frozenset[str]) -> str:
    segment = match.group(1).strip()
    rest = (text[: match.start()] + text[match.end() :]).strip()
    if not _has_words(rest):
        return text
    if not segment or _CONTRACT_ONLY.match(segment):
        return rest
    if _ID_LIKE.match(segment) and not _YEAR.match(segment):
        return rest
    if _place_like(segment, known):
        places.append(segment)
        return rest
    return text


def _has_words(text: str) -> bool:
    return sum(char.isalnum() for char in text) >= 2


# --- work mode ---------------------------------------------------------------------------------

_WORKPLACE = re.compile(
    r"(?P<hybrid>hybrid|hibrido|flexible)|(?P<remote>remote|telecommute|home|teletrabajo|remoto)"
    r"|(?P<onsite>on[ -]?site|in[ -]?office|office|in[ -]?person|presencial|vor ort)"
)
_CUES = re.compile(
    r"(?P<hybrid>\bhybrid|\bhibrido|\bteilweise (?:remote|home ?office|mobil)|\bsemi ?presencial"
    r"|\bpart(?:ly|ially) remote|\bremote[ /-]hybrid|\bhybrid[ /-]remote)"
    r"|(?P<remote>\bremote|\bhome ?office|\bwork(?:ing)? from (?:home|anywhere)|\bwfh\b"
    r"|\bremoto|\bteletrabajo|\btelearbeit|\bfernarbeit|\banywhere\b|\bmobiles arbeiten)"
    r"|(?P<onsite>\bon[ -]?site\b|\bin[ -]office\b|\boffice[ -]based|\bvor ort\b|\bpresencial"
    r"|\bin[ -]person\b|\bpraesenz|\bprasenz)"
)
# Each branch of _DESCRIPTION_CUES contains one of these.
_CUE_TRIGGERS = (
    "remot",
    "hybrid",
    "brido",
    "home",
    "teletrab",
    "presencial",
    "vor ort",
    "site",
    "person",
    "office",
    "büro",
    "buro",
    "mobil",
    "distributed",
    "anywhere",
)
_DESCRIPTION_CUES = re.compile(
    r"(?P<onsite_strict>\bno(?:t)?\s+remote\b|\bkein(?:e|en)?\s+(?:home[ -]?office|remote)"
    r"|\bsin\s+teletrabajo|\b100\s?%\s?presencial|\bon[ -]?site\s+only|\bfully\s+on[ -]?site"
    r"|\bin[ -]office\s+only|\bnot\s+a\s+remote)"
    r"|(?P<remote>\b100\s?%\s?(?:remote|home[ -]?office|teletrabajo|remoto|mobil)"
    r"|\bfully\s+(?:remote|distributed)|\bfull[ -]remote|\bremote[ -](?:position|role|job"
    r"|opportunity|only|first\s+company)|\bthis\s+(?:is\s+a|position\s+is|role\s+is|job\s+is)"
    r"\s+(?:fully\s+)?remote|\bwork\s+from\s+anywhere|\bkomplett\s+remote"
    r"|\bvollst[äa]ndig\s+remote|\bausschlie(?:ß|ss)lich\s+remote"
    r"|\bteletrabajo\s+(?:total|completo|100)|\b(?:trabajo|puesto)\s+(?:100\s?%\s?)?(?:en\s+)?remoto)"
    r"|(?P<hybrid>\bhybrid|\bh[ií]brido|\bteilweise\s+(?:remote|home[ -]?office|mobil)"
    r"|\bmobile[sn]?\s+arbeit|\bhome[ -]?office|\bremote\s+days|\bsemi[ -]?presencial"
    r"|\bteletrabajo|\b\d\s+(?:days?|tage?)\s+(?:per\s+week\s+|pro\s+woche\s+)?(?:in\s+the"
    r"\s+office|im\s+b[üu]ro|remote|home[ -]?office|from\s+home))"
    r"|(?P<onsite>\bon[ -]?site\b|\bvor\s+ort\b|\bpresencial\b|\bin[ -]person\b"
    r"|\boffice[ -]based\b)"
)


def detect_work_mode(
    *,
    remote: bool | None = None,
    workplace: str | None = None,
    title: str = "",
    locations: Sequence[str] = (),
    description: str = "",
) -> WorkMode | None:
    """Remote, hybrid or on-site, from the most explicit signal there is; None if nothing says.

    An explicit workplace wins; then cues in the title and locations (a hybrid cue there turns a
    remote flag into hybrid); then the remote flag; then cues in the description, where a
    negation ("no remote") beats "fully remote", which beats hybrid, which beats on-site. A
    remote flag that is explicitly false means on-site when nothing else says otherwise.
    """
    if workplace and (match := _WORKPLACE.search(_fold(workplace))) is not None:
        return _WORK_MODES[str(match.lastgroup)]
    found = {str(m.lastgroup) for m in _CUES.finditer(_fold(" | ".join((title, *locations))))}
    if remote is True:
        return WorkMode.HYBRID if "hybrid" in found else WorkMode.REMOTE
    for cue in ("hybrid", "remote", "onsite"):
        if cue in found:
            return _WORK_MODES[cue]
    if description:
        text = description[:_CUE_SCAN_LIMIT].casefold()
        found = {str(m.lastgroup) for m in _near(text, _CUE_TRIGGERS, _DESCRIPTION_CUES)}
        for cue in ("onsite_strict", "remote", "hybrid", "onsite"):
            if cue in found:
                return _WORK_MODES[cue]
    return WorkMode.ONSITE if remote is False else None


_WORK_MODES = {
    "remote": WorkMode.REMOTE,
    "hybrid": WorkMode.HYBRID,
    "onsite": WorkMode.ONSITE,
    "onsite_strict": WorkMode.ONSITE,
}


# --- employment type ---------------------------------------------------------------------------

_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_EMPLOYMENT_SEPARATORS = re.compile(r"[\s_\-/]+")
# Most specific first: "Full-time internship" is an internship, "Vollzeit, befristet" temporary.
_EMPLOYMENT_RULES: tuple[tuple[EmploymentType, re.Pattern[str]], ...] = (
    (
        EmploymentType.INTERNSHIP,
        re.compile(
            r"\b(?:intern|interns|internship|praktikum|praktikant(?:in)?|pflichtpraktikum"
            r"|werkstudent(?:in)?|working student|practicas|becari[oa]|beca|abschlussarbeit"
            r"|thesis|masterarbeit|bachelorarbeit)\b"
        ),
    ),
    (
        EmploymentType.APPRENTICESHIP,
        re.compile(
            r"\b(?:apprentice|apprenticeship|ausbildung|azubi|auszubildende[rn]?|lehrstelle"
            r"|lehrling|duales studium|dual student|formacion dual|fp dual)\b"
        ),
    ),
    (
        EmploymentType.VOLUNTEER,
        re.compile(r"\b(?:volunteer|voluntary|ehrenamt(?:lich)?|voluntariado|voluntari[oa])\b"),
    ),
    (
        EmploymentType.CONTRACT,
        re.compile(
            r"\b(?:contract|contractor|contractors|freelance|freelancer|freiberuflich"
            r"|freie[rn]? mitarbeit(?:er)?|selbststandig|autonomo|c2c|1099|interim)\b"
        ),
    ),
    (
        EmploymentType.TEMPORARY,
        re.compile(
            r"\b(?:temporary|temp|fixed term|seasonal|(?<!un)befristet|saisonal|saisonkraft"
            r"|aushilfe|temporal|por obra|interinidad|eventual|per diem"
            r"|(?:elternzeit|mutterschutz)vertretung)\b"
        ),
    ),
    (
        EmploymentType.FULL_TIME,
        re.compile(r"\b(?:full ?time|vollzeit|jornada completa|tiempo completo)\b"),
    ),
    (
        EmploymentType.PART_TIME,
        re.compile(
            r"\b(?:part ?time|teilzeit|media jornada|jornada parcial|tiempo parcial|minijob"
            r"|mini job|geringfugig)\b"
        ),
    ),
    (
        EmploymentType.FULL_TIME,
        re.compile(r"\b(?:permanent|festanstellung|unbefristet|indefinido|regular|cdi)\b"),
    ),
    (EmploymentType.OTHER, re.compile(r"^other$")),
)
# A title names the subject as often as the contract ("Contract Manager"): fewer cues count.
_TITLE_EMPLOYMENT_RULES: tuple[tuple[EmploymentType, re.Pattern[str]], ...] = (
    *(
        rule
        for rule in _EMPLOYMENT_RULES
        if rule[0]
        in {
            EmploymentType.INTERNSHIP,
            EmploymentType.APPRENTICESHIP,
            EmploymentType.PART_TIME,
        }
    ),
    (EmploymentType.CONTRACT, re.compile(r"\b(?:freelance|freelancer|freiberuflich)\b")),
    (EmploymentType.TEMPORARY, re.compile(r"\b(?:temporary|(?<!un)befristet|aushilfe)\b")),
    (EmploymentType.FULL_TIME, re.compile(r"\b(?:full ?time|vollzeit|jornada completa)\b")),
)


def parse_employment_type(value: str | None, *, title: str = "") -> EmploymentType | None:
    """The contract as one of ours ("FULL_TIME", "Vollzeit", "media jornada"); None if unknown.

    The source's field decides; only when it is missing or unrecognised does the title speak.
    """
    for text, rules in ((value, _EMPLOYMENT_RULES), (title, _TITLE_EMPLOYMENT_RULES)):
        if text:
            key = _EMPLOYMENT_SEPARATORS.sub(" ", _fold(_CAMEL.sub(" ", text))).strip()
            for employment_type, pattern in rules:
                if pattern.search(key):
                    return employment_type
    return None


# --- seniority ---------------------------------------------------------------------------------

# Checked in order on the folded title: an explicit "Junior" beats the "Manager" in
# "Junior Product Manager", and "Manager" beats the "Senior" in "Senior Manager".
_SENIORITY_RULES: tuple[tuple[Seniority, re.Pattern[str]], ...] = (
    (
        Seniority.INTERN,
        re.compile(
            r"\b(?:intern|internship|trainee|praktikant(?:in)?|praktikum|werkstudent(?:in)?"
            r"|working student|becari[oa]|practicas|apprentice|azubi|auszubildende[rn]?"
            r"|ausbildung)\b"
        ),
    ),
    (
        Seniority.PRINCIPAL,
        re.compile(
            r"\b(?:principal|director|directora|direktor(?:in)?|head of|vp|svp|evp"
            r"|vice president|distinguished|chief|cto|ceo|cfo|coo|cio|ciso|cpo|cmo"
            r"|abteilungsleit(?:er|erin|ung)|bereichsleit(?:er|erin|ung)|leiter(?:in)?|leitung"
            r"|geschaftsfuhrer(?:in)?)\b"
        ),
    ),
    (
        Seniority.JUNIOR,
        re.compile(
            r"\b(?:junior|jr|entry[ -]level|graduate|new grad|berufseinsteiger(?:in)?"
            r"|einsteiger(?:in)?|absolvent(?:in)?|young professional|recien titulado"
            r"|recien graduado|sin experiencia)\b"
        ),
    ),
    (
        Seniority.LEAD,
        re.compile(
            r"\blead(?!\s+gen)\b|\b(?:team lead|tech lead|manager(?:in)?|teamleit\w*|\w+leit(?:er"
            r"|erin|ung)|jefe|jefa|gerente|responsable|supervisor|vorarbeiter(?:in)?"
            r"|staff (?:software|data|machine|ml|backend|frontend|full ?stack|platform"
            r"|infrastructure|site reliability|security|product|research|engineer|developer"
            r"|scientist|designer|architect))\b"
        ),
    ),
    (Seniority.SENIOR, re.compile(r"\b(?:senior|sr|snr|iii)\b")),
    (Seniority.JUNIOR, re.compile(r"\bi$")),
    (
        Seniority.MID,
        re.compile(r"\b(?:mid[ -]?level|mid[ -]senior|medior|intermediate|professional|ii)\b"),
    ),
)
_ENTRY_LEVEL_TEXT = re.compile(
    r"\b(?:entry[ -]level|berufseinsteiger|no (?:prior )?experience (?:required|needed)"
    r"|keine berufserfahrung|sin experiencia|graduates? welcome)"
)
_YEARS = r"(\d{1,2})\s*\+?\s*(?:[-–]\s*\d{1,2}\s*)?(?:years?|yrs?|jahre?n?|a[ñn]os?)"
_ENTRY_LEVEL_TRIGGERS = ("entry", "einsteiger", "experien", "erfahrung", "graduate")
_EXPERIENCE_TRIGGERS = ("experien", "erfahrung")
_EXPERIENCE_YEARS = re.compile(
    rf"{_YEARS}[^.\n]{{0,40}}?(?:experience|erfahrung|experiencia)"
    rf"|(?:experience|erfahrung|experiencia)[^.\n\d]{{0,40}}?{_YEARS}"
)


def detect_seniority(
    title: str, text: str = "", *, employment_type: EmploymentType | None = None
) -> Seniority | None:
    """The level the title states; else, weaker, what the contract or the description imply.

    Description cues are only "entry level" phrases and the years of experience asked for
    (0-1 junior, 2-4 mid, 5+ senior); a description's "senior" names other people too often.
    """
    folded = _fold(title)
    for seniority, pattern in _SENIORITY_RULES:
        if pattern.search(folded):
            return seniority
    if employment_type in (EmploymentType.INTERNSHIP, EmploymentType.APPRENTICESHIP):
        return Seniority.INTERN
    if not text:
        return None
    sample = text[:_CUE_SCAN_LIMIT].casefold()
    if next(_near(sample, _ENTRY_LEVEL_TRIGGERS, _ENTRY_LEVEL_TEXT), None) is not None:
        return Seniority.JUNIOR
    if (match := next(_near(sample, _EXPERIENCE_TRIGGERS, _EXPERIENCE_YEARS), None)) is not None:
        years = int(match.group(1) or match.group(2))
        if years <= 1:
            return Seniority.JUNIOR
        if years <= 4:
            return Seniority.MID
        if years <= 30:
            return Seniority.SENIOR
    return None


# --- salary ------------------------------------------------------------------------------------

# Units per US dollar, roughly: only to judge whether an amount is plausible, never to convert.
_UNITS_PER_USD = {
    "USD": 1.0,
    "EUR": 1.0,
    "GBP": 0.8,
    "CHF": 0.9,
    "CAD": 1.4,
    "AUD": 1.5,
    "NZD": 1.7,
    "SGD": 1.35,
    "HKD": 7.8,
    "JPY": 150.0,
    "CNY": 7.2,
    "INR": 85.0,
    "KRW": 1400.0,
    "SEK": 10.5,
    "NOK": 10.8,
    "DKK": 6.9,
    "ISK": 140.0,
    "PLN": 4.0,
    "CZK": 23.0,
    "HUF": 360.0,
    "RON": 4.6,
    "BGN": 1.8,
    "TRY": 35.0,
    "ILS": 3.7,
    "BRL": 5.5,
    "MXN": 18.0,
    "ARS": 1000.0,
    "CLP": 950.0,
    "COP": 4000.0,
    "PEN": 3.8,
    "ZAR": 18.0,
    "AED": 3.7,
    "SAR": 3.75,
    "RUB": 90.0,
    "UAH": 41.0,
    "PHP": 57.0,
    "THB": 35.0,
    "IDR": 16000.0,
    "MYR": 4.5,
    "VND": 25000.0,
    "TWD": 32.0,
    "NGN": 1500.0,
    "KES": 130.0,
    "EGP": 50.0,
}
_ANNUAL_BOUNDS = (1_000.0, 2_000_000.0)  # in US dollars a year
_UNSTATED_PERIOD_MINIMUM = 10.0  # dollars: the least an amount without a period may be
_MAX_SPREAD = 10.0  # a maximum more than ten times the minimum is a misread, not a range
_EURO_COUNTRIES = "DE AT ES FR IT NL BE IE PT FI LU GR SK SI EE LV LT MT CY HR"
_COUNTRY_CURRENCY = {
    **dict.fromkeys(_EURO_COUNTRIES.split(), "EUR"),
    "US": "USD",
    "GB": "GBP",
    "CH": "CHF",
    "CA": "CAD",
    "AU": "AUD",
    "NZ": "NZD",
    "SE": "SEK",
    "NO": "NOK",
    "DK": "DKK",
    "PL": "PLN",
    "CZ": "CZK",
    "HU": "HUF",
    "RO": "RON",
    "JP": "JPY",
    "IN": "INR",
    "SG": "SGD",
    "MX": "MXN",
    "BR": "BRL",
    "AR": "ARS",
    "HK": "HKD",
    "CL": "CLP",
    "CO": "COP",
    "ZA": "ZAR",
    "IL": "ILS",
}
_DOLLAR_PREFIXES = {
    "US": "USD",
    "CA": "CAD",
    "C": "CAD",
    "A": "AUD",
    "AU": "AUD",
    "NZ": "NZD",
    "HK": "HKD",
    "S": "SGD",
    "R": "BRL",
    "MX": "MXN",
}
_SYMBOLS = {
    "€": "EUR",
    "£": "GBP",
    "¥": "JPY",
    "₹": "INR",
    "₩": "KRW",
    "₽": "RUB",
    "₺": "TRY",
    "₪": "ILS",
    "euro": "EUR",
    "euros": "EUR",
    "dollar": "USD",
    "dollars": "USD",
    "dolares": "USD",
    "pound": "GBP",
    "pounds": "GBP",
    "franken": "CHF",
    "zł": "PLN",
    "kč": "CZK",
    "sfr": "CHF",
    "sfr.": "CHF",
}
_CURRENCY = (
    r"(?:(?:US|CA|AU|NZ|HK|MX|[CASR])?\$|[€£¥₹₩₽₺₪]"
    r"|\b(?:(?i:eur|usd|gbp|chf)|CAD|AUD|NZD|JPY|CNY|INR|SEK|NOK|DKK|PLN|CZK|HUF|RON|BGN|TRY"
    r"|ILS|BRL|MXN|ARS|CLP|COP|PEN|ZAR|SGD|HKD|KRW|AED|SAR|UAH|PHP|THB|IDR|MYR|TWD)\b"
    r"|\b(?i:euros?|dollars?|d[oó]lares|pounds?|franken|sfr\.?)(?!\w)|(?i:zł|kč)(?!\w))"
)
_NUMBER = r"\d{1,3}(?:[.,'\u00a0\u202f ]\d{3})+(?:[.,]\d{1,2})?(?!\d)|\d+(?:[.,]\d+)?"
_AMOUNT = re.compile(
    rf"(?:(?P<pre>{_CURRENCY})\s?)?(?P<num>{_NUMBER})"
    r"(?:\s?(?P<mult>[kK]|[Tt]sd\.?|[Tt]ausend|mil|(?P<million>M|[Mm]io\.?|[Mm]illion(?:en|s)?"
    r"|[Mm]illones))(?![^\W\d_]))?"
    rf"(?:\s?(?P<post>{_CURRENCY}))?(?P<plus>\s?\+)?(?P<pct>\s?%)?"
)
_RANGE_SEPARATOR = re.compile(r"\s*(?:-|–|—|~|to|bis|a|y|and|und|hasta)\s*", re.IGNORECASE)
_MAX_BEFORE = re.compile(
    r"(?:up\s+to|bis\s+zu|bis|max(?:imal|imum)?\.?|hasta|as\s+much\s+as|h[öo]chstens)\s*[:\-]?\s*$",
    re.IGNORECASE,
)
_MIN_BEFORE = re.compile(
    r"(?:from|ab|starting\s+(?:at|from)|min(?:imum|destens)?\.?|desde|a\s+partir\s+de"
    r"|at\s+least)\s*[:\-]?\s*$",
    re.IGNORECASE,
)
_PERIOD_TEXT = re.compile(
    r"(?P<hour>/\s*(?:h|hr|hour|std|stunde|hora)\b|\bper\s+hour|\ban\s+hour|\bhourly"
    r"|\bpro\s+stunde|\bstundenlohn|\bstundensatz|\bdie\s+stunde|\bpor\s+hora|\bla\s+hora)"
    r"|(?P<day>/\s*(?:day|tag|d[ií]a)\b|\bper\s+day|\ba\s+day|\bdaily|\bpro\s+tag|\btagessatz"
    r"|\bday\s+rate|\bal\s+d[ií]a|\bpor\s+d[ií]a)"
    r"|(?P<week>/\s*(?:week|wk|woche|semana)\b|\bper\s+week|\ba\s+week|\bweekly|\bpro\s+woche"
    r"|\bw[öo]chentlich|\bsemanal|\bpor\s+semana)"
    r"|(?P<month>/\s*(?:month|mo|mth|monat|mes)\b|\bper\s+month|\ba\s+month|\bmonthly"
    r"|\bpro\s+monat|\bmonatlich|\bim\s+monat|\bmonatsgehalt|\bmensual|\bal\s+mes|\bpor\s+mes)"
    r"|(?P<year>/\s*(?:year|yr|jahr|a[ñn]o)\b|(?<![\w.])p\.?\s?a\.?(?!\w)|\bper\s+(?:year|annum)"
    r"|\ba\s+year|\bannual|\byearly|\bpro\s+jahr|\bj[äa]hrlich|\bim\s+jahr|\bjahresgehalt"
    r"|\bjahres|\banual|\bal\s+a[ñn]o|\bpor\s+a[ñn]o)",
    re.IGNORECASE,
)
_PERIOD_WORDS = {
    **dict.fromkeys(
        ("hour", "hours", "hourly", "hr", "h", "stunde", "stundlich", "hora", "horas", "wage"),
        SalaryPeriod.HOUR,
    ),
    **dict.fromkeys(("day", "days", "daily", "tag", "taglich", "dia", "diario"), SalaryPeriod.DAY),
    **dict.fromkeys(
        ("week", "weeks", "weekly", "woche", "wochentlich", "semana", "semanal"),
        SalaryPeriod.WEEK,
    ),
    **dict.fromkeys(
        ("month", "months", "monthly", "monat", "monatlich", "mes", "mensual"),
        SalaryPeriod.MONTH,
    ),
    **dict.fromkeys(
        (
            "year",
            "years",
            "yearly",
            "annual",
            "annually",
            "annum",
            "jahr",
            "jahrlich",
            "ano",
            "anual",
            "pa",
            "salary",
        ),
        SalaryPeriod.YEAR,
    ),
}
_WORDS = re.compile(r"[a-z]+")
_SALARY_CONTEXT = re.compile(
    r"\b(?:salary|salaries|compensation|pay\s+range|base\s+pay|pay\s+rate|wage|gehalt"
    r"|jahresgehalt|bruttojahresgehalt|verg[üu]tung|entgelt|stundenlohn|salario|sueldo"
    r"|retribuci[oó]n|remuneraci[oó]n|banda\s+salarial|rango\s+salarial)",
    re.IGNORECASE,
)
_SALARY_TRIGGERS = (
    "salar",
    "compensation",
    "pay",
    "wage",
    "gehalt",
    "verg",
    "entgelt",
    "stundenlohn",
    "sueldo",
    "retribuci",
    "remuneraci",
)
_SALARY_WINDOW = 160
_AMOUNTS_PER_TEXT = 40


def parse_salary(
    raw: RawSalary | None,
    text: str | None = None,
    *,
    description: str = "",
    country: str | None = None,
) -> Salary | None:
    """The pay, from the structured block, else the salary text, else a salary sentence in the
    description; with annual figures, or None if nothing plausible was stated.

    A minimum above the maximum is taken as swapped; amounts that are implausible for the
    period (outside 1,000-2,000,000 US dollars a year once annualised) or a maximum more than
    ten times the minimum drop the salary. Without a currency the country's is assumed.
    """
    hint = _currency(raw.currency, country) if raw is not None else None
    if raw is not None and (raw.minimum or raw.maximum):
        currency = hint or _text_currency(text, country) or _COUNTRY_CURRENCY.get(country or "")
        period = _period(raw.period)
        if period is None and text:
            found = _PERIOD_TEXT.search(text)
            period = SalaryPeriod(str(found.lastgroup)) if found is not None else None
        salary = _salary(raw.minimum, raw.maximum, currency, period)
        if salary is not None:
            return salary
    if text:
        salary = _salary_in_text(text, country=country, currency_hint=hint, strict=False)
        if salary is not None:
            return salary
    if description:
        lowered = description.lower()
        contexts = (
            _near(lowered, _SALARY_TRIGGERS, _SALARY_CONTEXT)
            if len(lowered) == len(description)  # positions carry over to the original
            else _SALARY_CONTEXT.finditer(description)
        )
        for match in contexts:
            window = description[match.end() : match.end() + _SALARY_WINDOW]
            salary = _salary_in_text(window, country=country, currency_hint=hint, strict=True)
            if salary is not None:
                return salary
    return None


def _currency(value: str | None, country: str | None) -> str | None:
    if not value:
        return None
    token = value.strip()
    if token.endswith("$"):
        prefix = token[:-1].upper()
        if not prefix:
            return (
                _COUNTRY_CURRENCY.get(country or "", "USD") if country in _DOLLAR_HOMES else "USD"
            )
        return _DOLLAR_PREFIXES.get(prefix)
    if token.upper() in _places().currencies:
        return token.upper()
    return _SYMBOLS.get(token.casefold())


_DOLLAR_HOMES = frozenset({"CA", "AU", "NZ", "SG", "HK", "MX", "AR", "CL", "CO"})


def _text_currency(text: str | None, country: str | None) -> str | None:
    if not text:
        return None
    for match in _AMOUNT.finditer(text):
        if currency := _currency(match.group("pre") or match.group("post"), country):
            return currency
    return None


def _period(value: str | None) -> SalaryPeriod | None:
    if not value:
        return None
    for word in _WORDS.findall(_fold(value)):
        if (period := _PERIOD_WORDS.get(word)) is not None:
            return period
    return None


def _salary_in_text(
    text: str, *, country: str | None, currency_hint: str | None, strict: bool
) -> Salary | None:
    """The first plausible amount or range in ``text``; ``strict``: it must name a currency."""
    amounts = [m for m in _AMOUNT.finditer(text) if not m.group("pct")][:_AMOUNTS_PER_TEXT]
    index = 0
    while index < len(amounts):
        first = amounts[index]
        second = None
        if index + 1 < len(amounts):
            candidate = amounts[index + 1]
            if _RANGE_SEPARATOR.fullmatch(text, first.end(), candidate.start()):
                second = candidate
        index += 2 if second is not None else 1
        tokens = [m.group(g) for m in (first, second) if m for g in ("pre", "post") if m.group(g)]
        currency = next((c for c in (_currency(t, country) for t in tokens) if c), None)
        if currency is None and (strict or tokens):
            continue
        currency = currency or currency_hint or _COUNTRY_CURRENCY.get(country or "")
        low = _amount(first)
        if low is None:
            continue
        high = _amount(second) if second is not None else low
        if second is not None and high is not None:
            if second.group("mult") and not first.group("mult") and low < 1000 <= high:
                low *= 1000
            elif first.group("mult") and not second.group("mult") and high < 1000 <= low:
                high *= 1000
        end = (second or first).end()
        before = text[max(0, first.start() - 30) : first.start()].rsplit("\n", 1)[-1]
        if second is None:
            if _MAX_BEFORE.search(before):
                low = None
            elif _MIN_BEFORE.search(before) or first.group("plus"):
                high = None
        line_end = text.find("\n", end)
        after = text[end : min(end + 40, line_end if line_end >= 0 else len(text))]
        found = _PERIOD_TEXT.search(after) or _PERIOD_TEXT.search(before)
        period = SalaryPeriod(str(found.lastgroup)) if found is not None else None
        salary = _salary(low, high, currency, period)
        if salary is not None:
            return salary
    return None


def _amount(match: re.Match[str]) -> float | None:
    text = match.group("num")
    for separator in ("\u00a0", "\u202f", "'", " "):
        text = text.replace(separator, "")
    if "," in text and "." in text:
        decimal = "," if text.rfind(",") > text.rfind(".") else "."
        text = text.replace("." if decimal == "," else ",", "").replace(decimal, ".")
    elif "," in text or "." in text:
        separator = "," if "," in text else "."
        parts = text.split(separator)
        grouped = len(parts) > 2 or len(parts[-1]) == 3
        text = text.replace(separator, "" if grouped else ".")
    try:
        value = float(text)
    except ValueError:
        return None
    if match.group("million"):
        return value * 1_000_000
    return value * 1000 if match.group("mult") else value


def _salary(
    low: float | None, high: float | None, currency: str | None, period: SalaryPeriod | None
) -> Salary | None:
    low = low if low is not None and low > 0 else None
    high = high if high is not None and high > 0 else None
    if currency is None or (low is None and high is None):
        return None
    if low is not None and high is not None:
        if low > high:
            low, high = high, low
        if high > low * _MAX_SPREAD:
            return None
    scale = _UNITS_PER_USD.get(currency)
    if period is None:
        usd = max(v for v in (low, high) if v is not None) / (scale or 1.0)
        if usd < _UNSTATED_PERIOD_MINIMUM:
            return None  # "€5" with no period is a misread more often than a wage
        period = _period_by_size(usd)
    factor = ANNUAL_FACTORS[period]
    if scale is not None:
        for value in (low, high):
            if value is not None and not (
                _ANNUAL_BOUNDS[0] <= value * factor / scale <= _ANNUAL_BOUNDS[1]
            ):
                return None
    return Salary(
        minimum=low,
        maximum=high,
        currency=currency,
        period=period,
        annual_minimum=round(low * factor, 2) if low is not None else None,
        annual_maximum=round(high * factor, 2) if high is not None else None,
    )


def _period_by_size(usd: float) -> SalaryPeriod:
    """A period for an amount that names none, by its size in dollars."""
    if usd < 150:
        return SalaryPeriod.HOUR
    if usd < 1_000:
        return SalaryPeriod.DAY
    if usd < 20_000:
        return SalaryPeriod.MONTH
    return SalaryPeriod.YEAR


# --- description -------------------------------------------------------------------------------


_TRAILING_SPACES = re.compile(r"[ \t]+$", re.MULTILINE)
_INNER_SPACES = re.compile(r"[ \t\u00a0]+")
_LINE_EDGES = re.compile(r"^ +| +$", re.MULTILINE)
_BLANK_LINES = re.compile(r"\n{3,}")
_LINK_TARGET = re.compile(r"\]\([^)\s]*\)|<(?:https?|mailto):[^>\s]*>|https?://\S+")


def description_markdown(description_html: str | None, description_text: str | None) -> str:
    """The description as Markdown of at most DESCRIPTION_LIMIT characters; "" if none."""
    if description_html and description_html.strip():
        markdown = html_to_markdown(description_html)
        if markdown:
            return markdown
    if description_text and description_text.strip():
        return text_to_markdown(description_text)
    return ""


def html_to_markdown(source: str) -> str:
    """HTML as tidy Markdown: dangerous or useless elements dropped, blank lines collapsed."""
    source = source[:_HTML_LIMIT]
    if "<" not in source and "&lt;" in source:
        source = html.unescape(source)  # escaped twice upstream
    if "<" not in source:
        return text_to_markdown(source)
    return _converted(source) if len(source) <= _CACHED_HTML_LIMIT else _convert(source)


# Crawls see the same postings again and again, and converting HTML is by far the costliest
# step of normalize, so recent results are kept: at most 1,024 descriptions of up to 64 kB.
_CACHED_HTML_LIMIT = 64_000


def _convert(source: str) -> str:
    return _tidy(_lxml_markdown(source))


_converted = functools.lru_cache(maxsize=1024)(_convert)


def text_to_markdown(text: str) -> str:
    """Plain text made tidy: spaces within lines collapsed, blank lines collapsed, capped."""
    if "&" in text:
        text = html.unescape(text)
    return _tidy(_LINE_EDGES.sub("", _INNER_SPACES.sub(" ", text)))


def _tidy(markdown: str) -> str:
    markdown = _INVISIBLE.sub("", markdown.replace("\r\n", "\n").replace("\r", "\n"))
    markdown = _BLANK_LINES.sub("\n\n", _TRAILING_SPACES.sub("", markdown)).strip()
    return _cap(markdown)


def _cap(markdown: str) -> str:
    if len(markdown) <= DESCRIPTION_LIMIT:
        return markdown
    cut = markdown[: DESCRIPTION_LIMIT - 1]
    boundary = max(cut.rfind("\n"), cut.rfind(" "))
    if boundary > DESCRIPTION_LIMIT * 0.9:
        cut = cut[:boundary]
    return cut.rstrip() + "…"


def _plain_text(markdown: str) -> str:
    """Markdown without link targets or escapes: what skills and language are read from."""
    if not markdown:
        return ""
    return _LINK_TARGET.sub(" ", markdown).replace("\\_", "_").replace("\\*", "*")


# --- dates -------------------------------------------------------------------------------------

_EPOCH = re.compile(r"^-?\d{9,13}(?:\.\d+)?$")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_ISO_DATE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)")
_DOTTED_DATE = re.compile(r"^(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{4})$")
_MONTHS = {
    **dict.fromkeys(("january", "jan", "januar", "janner", "enero", "ene"), 1),
    **dict.fromkeys(("february", "feb", "februar", "febrero"), 2),
    **dict.fromkeys(("march", "mar", "marz", "maerz", "marzo"), 3),
    **dict.fromkeys(("april", "apr", "abril", "abr"), 4),
    **dict.fromkeys(("may", "mai", "mayo"), 5),
    **dict.fromkeys(("june", "jun", "juni", "junio"), 6),
    **dict.fromkeys(("july", "jul", "juli", "julio"), 7),
    **dict.fromkeys(("august", "aug", "agosto", "ago"), 8),
    **dict.fromkeys(("september", "sep", "sept", "septiembre", "setiembre"), 9),
    **dict.fromkeys(("october", "oct", "oktober", "okt", "octubre"), 10),
    **dict.fromkeys(("november", "nov", "noviembre"), 11),
    **dict.fromkeys(("december", "dec", "dezember", "dez", "diciembre", "dic"), 12),
}
_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})\.?\s+(?:de\s+)?([a-z]+)\.?,?\s+(?:de\s+)?(\d{4})$")
_MONTH_DAY_YEAR = re.compile(r"^([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})$")
_YEARS_ACCEPTED = range(1990, 2101)


def parse_date(value: str | int | float | None) -> date | None:
    """A calendar date from ISO dates or datetimes, epoch seconds or milliseconds, RFC 2822,
    "01.11.2026" or "1 November 2026"; None if it is none of those or implausible.

    A datetime keeps the date it was written with (its own offset), not the UTC date.
    """
    if value is None or isinstance(value, bool):
        return None
    text = str(value).strip()
    if not text:
        return None
    try:
        if (match := _COMPACT_DATE.match(text)) is not None:
            return _date(*match.groups())
        if _EPOCH.match(text):
            seconds = float(text)
            if abs(seconds) >= 1e11:
                seconds /= 1000
            return _plausible(datetime.fromtimestamp(seconds, tz=UTC).date())
        if (match := _ISO_DATE.match(text)) is not None:
            return _date(*match.groups())
        if (match := _DOTTED_DATE.match(text)) is not None:
            day, month, year = match.groups()
            return _date(year, month, day)
        folded = _fold(text)
        if (match := _DAY_MONTH_YEAR.match(folded)) is not None:
            day, month_name, year = match.groups()
            return _named_month(year, month_name, day)
        if (match := _MONTH_DAY_YEAR.match(folded)) is not None:
            month_name, day, year = match.groups()
            return _named_month(year, month_name, day)
        return _plausible(email.utils.parsedate_to_datetime(text).date())
    except (ValueError, TypeError, OverflowError, OSError, IndexError):
        return None


_RELATIVE_UNITS = {
    **dict.fromkeys(("minute", "minutes", "hour", "hours", "minute", "minuten", "stunde",
                     "stunden", "minuto", "minutos", "hora", "horas"), 0),
    **dict.fromkeys(("day", "days", "tag", "tagen", "tage", "dia", "dias"), 1),
    **dict.fromkeys(("week", "weeks", "woche", "wochen", "semana", "semanas"), 7),
    **dict.fromkeys(("month", "months", "monat", "monaten", "monate", "mes", "meses"), 30),
}  # fmt: skip
_COUNT = r"\d{1,3}|an?|one|einem|einer|einen|ein|una?|uno"
_RELATIVE = re.compile(
    rf"\b(?P<en>{_COUNT})\s+(?P<en_unit>[a-z]+)\s+ago\b"
    rf"|\bvor\s+(?P<de>{_COUNT})\s+(?P<de_unit>[a-z]+)"
    rf"|\bhace\s+(?P<es>{_COUNT})\s+(?P<es_unit>[a-z]+)"
)
_DAYS_BACK = {
    **dict.fromkeys(("today", "heute", "hoy", "just posted", "just now"), 0),
    **dict.fromkeys(("yesterday", "gestern", "ayer"), 1),
    **dict.fromkeys(("vorgestern", "anteayer"), 2),
}
_DAYS_BACK_WORDS = re.compile(
    r"\b(?:just posted|just now|today|heute|hoy|yesterday|gestern|ayer"
    r"|vorgestern|anteayer)\b"
)
_YEARLESS = re.compile(
    r"^(?:(?P<day>\d{1,2})\.?\s+(?:de\s+)?(?P<month>[a-z]+)\.?"
    r"|(?P<month2>[a-z]+)\.?\s+(?P<day2>\d{1,2})(?:st|nd|rd|th)?)$"
)


def resolve_date(
    value: str | int | float | None, today: date, *, future: bool = False
) -> date | None:
    """``parse_date``, and also dates written relative to ``today`` or without a year.

    "3 days ago", "vor 2 Wochen", "hace 2 días", "today", "gestern" count back from ``today``;
    "November 3" is the last such day up to ``today`` (``future``: the next from ``today``,
    as a closing date is).
    """
    found = parse_date(value)
    if found is not None or value is None or isinstance(value, (bool, int, float)):
        return found
    text = collapse_whitespace(_fold(str(value)))
    if not text:
        return None
    if (match := _RELATIVE.search(text)) is not None:
        lang = next(name for name in ("en", "de", "es") if match.group(name))
        count_text, unit = match.group(lang), match.group(f"{lang}_unit")
        days = _RELATIVE_UNITS.get(unit)
        if days is None:
            return None
        count = int(count_text) if count_text.isdigit() else 1
        return today - timedelta(days=days * count)
    if (match := _DAYS_BACK_WORDS.search(text)) is not None:
        return today - timedelta(days=_DAYS_BACK[match.group(0)])
    if (match := _YEARLESS.match(text.strip(" .,"))) is not None:
        month = _MONTHS.get(match.group("month") or match.group("month2"))
        day = int(match.group("day") or match.group("day2"))
        if month is None:
            return None
        for year in (today.year, today.year + 1) if future else (today.year, today.year - 1):
            try:
                candidate = date(year, month, day)
            except ValueError:
                continue
            if (candidate >= today) if future else (candidate <= today):
                return candidate
    return None


def _date(year: str, month: str, day: str) -> date | None:
    return _plausible(date(int(year), int(month), int(day)))


def _named_month(year: str, month_name: str, day: str) -> date | None:
    month = _MONTHS.get(month_name)
    return _date(year, str(month), day) if month is not None else None


def _plausible(found: date) -> date | None:
    return found if found.year in _YEARS_ACCEPTED else None


# --- language ----------------------------------------------------------------------------------


def _words(text: str) -> list[str]:
    return text.split()


_STOPWORDS: dict[str, str] = {
    **dict.fromkeys(
        _words(
            "the and of to you we with for our is are will your this that be as on have or at"
            " by from who what about"
        ),
        "en",
    ),
    **dict.fromkeys(
        _words(
            "und der die das mit für wir sie ist ein eine einen zu von bei auf du dich uns unser"
            " unsere dein deine ihre nicht auch oder sich werden den dem des zum zur über"
        ),
        "de",
    ),
    **dict.fromkeys(
        _words(
            "el la los las de y en con para por que una un del al nuestro nuestra tu tus su sus"
            " como más se te ofrecemos buscamos"
        ),
        "es",
    ),
}
_LANGUAGE_WORD = re.compile(r"[a-zäöüßáéíóúñ]+")
_LANGUAGE_NAMES = {
    "english": "en",
    "englisch": "en",
    "ingles": "en",
    "german": "de",
    "deutsch": "de",
    "aleman": "de",
    "spanish": "es",
    "spanisch": "es",
    "espanol": "es",
    "castellano": "es",
}
_LANGUAGE_CODE = re.compile(r"^([a-z]{2,3})(?:[-_][a-z0-9]+)*$")


def normalize_language(value: str | None) -> str | None:
    """ISO 639-1 from "de", "de-DE", "deu" or "German"; None if unrecognised."""
    if not value:
        return None
    folded = _fold(value.strip())
    if (match := _LANGUAGE_CODE.match(folded)) is not None:
        code = match.group(1)
        if len(code) == 2:
            language = pycountry.languages.get(alpha_2=code)
        else:
            language = pycountry.languages.get(alpha_3=code)
        found = getattr(language, "alpha_2", None) if language is not None else None
        if found:
            return str(found)
    return _LANGUAGE_NAMES.get(folded)


def guess_language(text: str) -> str | None:
    """ "en", "de" or "es" by counting common words; None when the text is too short to say."""
    counts = {"en": 0, "de": 0, "es": 0}
    for word in _LANGUAGE_WORD.findall(text[:_LANGUAGE_SAMPLE].lower()):
        language = _STOPWORDS.get(word)
        if language is not None:
            counts[language] += 1
    ranked = sorted(counts.items(), key=lambda item: item[1], reverse=True)
    (best, top), (_, second) = ranked[0], ranked[1]
    return best if top >= 3 and top > second * 1.5 else None

"""Facts a career page states in words: company, place, contract, pay and dates (pure).

Small employers write "Part-time, $18/hour", "Standort: Leipzig", "Posted November 3" or
"© 2026 Example Bakery Ltd." instead of structured data. ``read_facts`` finds such statements
in a block of a page (a job card, a table row, a posting's own page) and ``read_company`` finds
who runs the site. Every value says where it was read (``Fact.source``), so an admin can tell a
labelled "Standort" from a guess made on loose text. Values are kept as written; normalization
interprets them ("3 days ago" needs the crawl's date, "9,50 €/hora" the salary rules).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from crawlers.normalize import (
    collapse_whitespace,
    is_place,
    parse_employment_type,
    parse_salary,
    strip_gender_tags,
)

_WS = re.compile(r"\s+")
_MAX_LINE = 160  # longer lines are prose: only labelled values and dates are read from them
_MAX_VALUE = 120


@dataclass(frozen=True, slots=True)
class Fact:
    value: str
    source: str  # "label 'Standort'", "text", "table column 'Jornada'", "og:site_name", ...


@dataclass(slots=True)
class Facts:
    """What one block of a page states about a posting; fields absent when it says nothing."""

    locations: list[Fact] = field(default_factory=list)
    employment_type: Fact | None = None
    salary: Fact | None = None
    posted_at: Fact | None = None
    valid_through: Fact | None = None
    workplace: Fact | None = None  # "Hybrid", "Remote", as written

    def found(self) -> dict[str, Fact]:
        out: dict[str, Fact] = {}
        if self.locations:
            out["locations"] = self.locations[0]
        for name in ("employment_type", "salary", "posted_at", "valid_through", "workplace"):
            value = getattr(self, name)
            if value is not None:
                out[name] = value
        return out


# --- labels --------------------------------------------------------------------------------

_LABELS: dict[str, tuple[str, ...]] = {
    "locations": (
        "location", "locations", "where", "place", "based in", "office", "workplace location",
        "standort", "standorte", "einsatzort", "arbeitsort", "dienstort", "ort",
        "ubicación", "ubicacion", "lugar", "lugar de trabajo", "localidad", "localización",
        "localizacion", "sede", "ciudad", "provincia",
    ),
    "employment_type": (
        "schedule", "job type", "employment type", "employment", "type", "contract",
        "contract type", "hours", "working hours",
        "arbeitszeit", "anstellungsart", "beschäftigungsart", "beschaeftigungsart", "vertragsart",
        "art der anstellung", "anstellung", "umfang",
        "jornada", "tipo de contrato", "contrato", "tipo de jornada", "horario", "tipo",
    ),
    "salary": (
        "salary", "pay", "wage", "wages", "compensation", "rate", "pay rate", "hourly rate",
        "gehalt", "vergütung", "verguetung", "stundenlohn", "entgelt", "lohn", "bezahlung",
        "ausbildungsvergütung", "jahresgehalt", "monatsgehalt",
        "salario", "sueldo", "remuneración", "remuneracion", "retribución", "retribucion",
        "salario bruto",
    ),
    "posted_at": (
        "posted", "date posted", "posted on", "published", "published on", "date",
        "veröffentlicht", "veröffentlicht am", "veroeffentlicht", "online seit", "datum",
        "eingestellt am", "publicado", "publicado el", "fecha", "fecha de publicación",
        "fecha de publicacion",
    ),
    "valid_through": (
        "closing date", "closes", "apply by", "deadline", "application deadline",
        "applications close", "bewerbungsfrist", "bewerbungsschluss", "bewerben bis",
        "einsendeschluss", "fecha límite", "fecha limite", "fecha límite de inscripción",
        "plazo", "plazo de inscripción", "inscripciones hasta",
    ),
    "workplace": (
        "workplace", "work mode", "work model", "remote", "arbeitsmodell", "arbeitsort-modell",
        "modalidad", "modalidad de trabajo", "modelo de trabajo",
    ),
}  # fmt: skip
_LABEL_OF = {label: name for name, labels in _LABELS.items() for label in labels}
_LABEL_LINE = re.compile(
    r"^\s*(?P<label>[^\W\d_][^:：]{0,40}?)\s*[:：]\s*(?P<value>\S.*)$", re.IGNORECASE
)
_LABEL_WORDS = sorted(_LABEL_OF, key=len, reverse=True)
# "Hybrid: 2 Tage pro Woche im Homeoffice" says how, like a label would.
_WORK_LABEL = re.compile(r"^\s*(hybrid|remote|h[ií]brido|remoto|on[- ]?site|vor ort)\b", re.I)


def label_field(label: str) -> str | None:
    """Which field a label names ("Standort" -> "locations"), or None."""
    key = _WS.sub(" ", label.strip(" \t:：*•-–").casefold())
    return _LABEL_OF.get(key)


# --- patterns on loose text ---------------------------------------------------------------

_MONTH_WORDS = (
    r"jan(?:uary|uar)?|feb(?:ruary|ruar)?|mar(?:ch)?|märz|maerz|apr(?:il)?|may|mai|june?|juni"
    r"|july?|juli|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|okt(?:ober)?|nov(?:ember)?"
    r"|dec(?:ember)?|dez(?:ember)?|enero|febrero|marzo|abril|mayo|junio|julio|agosto"
    r"|septiembre|setiembre|octubre|noviembre|diciembre"
)
_DATE = (
    r"(?:\d{4}-\d{2}-\d{2}|\d{1,2}[./]\d{1,2}[./]\d{4}"
    rf"|\d{{1,2}}\.?\s+(?:de\s+)?(?:{_MONTH_WORDS})\.?(?:,?\s+(?:de\s+)?\d{{4}})?"
    rf"|(?:{_MONTH_WORDS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?"
    r"|(?:\d{1,3}|an?|one)\s+(?:minutes?|hours?|days?|weeks?|months?)\s+ago"
    r"|vor\s+(?:\d{1,3}|einem|einer)\s+(?:minuten?|stunden?|tag(?:en)?|wochen?|monat(?:en)?)"
    r"|hace\s+(?:\d{1,3}|una?)\s+(?:minutos?|horas?|d[ií]as?|semanas?|mes(?:es)?)"
    r"|today|yesterday|heute|gestern|hoy|ayer)"
)
_POSTED = re.compile(
    r"\b(?:posted|published|listed|veröffentlicht|veroeffentlicht|online\s+seit|eingestellt"
    r"|publicad[oa])(?:\s+(?:on|am|el|seit))?\s*:?\s*(?P<date>" + _DATE + r")",
    re.IGNORECASE,
)
_CLOSING = re.compile(
    r"\b(?:closing\s+date|closes(?:\s+on)?|apply\s+(?:by|before)|deadline|applications?\s+close"
    r"(?:\s+on)?|bewerbungsfrist|bewerbungsschluss|bewerben\s+bis|einsendeschluss"
    r"|fecha\s+l[ií]mite(?:\s+de\s+inscripci[oó]n)?|plazo(?:\s+de\s+inscripci[oó]n)?"
    r"|inscripciones\s+hasta)\s*:?\s*(?:(?:on|am|el|zum|bis|hasta)\s+)?(?P<date>" + _DATE + r")",
    re.IGNORECASE,
)
_DATE_ONLY = re.compile(rf"^\s*(?P<date>{_DATE})\s*$", re.IGNORECASE)
_SLASHED = re.compile(r"^(\d{1,2})[/](\d{1,2})[/](\d{4})$")
_CURRENCY_HINT = re.compile(
    r"[$€£¥₹]|\b(?:eur|usd|gbp|chf|euros?|dollars?|pounds?)\b", re.IGNORECASE
)
_DIGIT = re.compile(r"\d")
_SENTENCE_END = re.compile(r"(?<=[a-zA-Z)])\.\s+(?=[A-Z$€£\d])")
# " – " parts a line ("Bristol, UK – Full-time") but not a range ("$52,000 – $58,000").
_SEGMENTS = re.compile(r"\s*(?:[·•|]|(?<![\d$€£¥])\s[-–—]\s(?![$€£¥]?\s?\d))\s*")
_WORK_CUE = re.compile(
    r"\b(?:fully\s+remote|100\s?%\s?remote|remote|hybrid|h[ií]brido|teletrabajo|remoto"
    r"|home\s?office|work\s+from\s+home|on[- ]?site|vor\s+ort|presencial)\b",
    re.IGNORECASE,
)


def iso_date(text: str, language: str | None) -> str:
    """A slashed date made unambiguous: "30/11/2026" -> "2026-11-30". Day first, except on
    English pages where only an impossible month says so ("12/30/2026")."""
    match = _SLASHED.match(text.strip())
    if match is None:
        return text.strip()
    first, second, year = (int(part) for part in match.groups())
    month_first = (language == "en" and first <= 12) or second > 12
    day, month = (second, first) if month_first else (first, second)
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return text.strip()
    return f"{year:04d}-{month:02d}-{day:02d}"


def _salary_like(text: str) -> bool:
    return bool(_DIGIT.search(text) and _CURRENCY_HINT.search(text)) and (
        parse_salary(None, text) is not None
    )


def _employment_like(text: str) -> bool:
    return len(text) <= 60 and parse_employment_type(text) is not None


def read_facts(lines: list[str], *, language: str | None = None, where: str = "") -> Facts:
    """Facts from the text lines of one block, labelled ones first, then loose patterns.

    ``where`` is added to every source ("detail page", "card"): the admin sees which page
    said it.
    """
    facts = Facts()
    suffix = f" ({where})" if where else ""

    def take(name: str, value: str, source: str) -> None:
        value = collapse_whitespace(value)[:_MAX_VALUE]
        if not value:
            return
        fact = Fact(value, source + suffix)
        if name == "locations":
            if value not in {f.value for f in facts.locations}:
                facts.locations.append(fact)
        elif getattr(facts, name) is None:
            setattr(facts, name, fact)

    # Labelled statements: "Standort: Leipzig", "Pay: $21 per hour plus tips". A label's
    # value ends with its sentence: "Location: New York, NY. Full-time." has two facts.
    sentences: list[str] = []
    for line in lines:
        match = _LABEL_LINE.match(line)
        if match is not None and label_field(match["label"]) is not None:
            first, *rest = _SENTENCE_END.split(line)
            sentences.append(first)
            sentences.extend(rest)
        else:
            sentences.append(line)
    lines = sentences
    for line in lines:
        match = _LABEL_LINE.match(line)
        if match is not None and (name := label_field(match["label"])) is not None:
            value = match["value"]
            if name in ("posted_at", "valid_through"):
                if (found := _DATE_ONLY.match(value) or re.match(_DATE, value, re.I)) is None:
                    continue
                value = iso_date(found.group(0), language)
            take(name, value, f"label '{match['label'].strip()}'")
        elif (work := _WORK_LABEL.match(line)) is not None and ":" in line[:12]:
            take("workplace", work.group(1), f"label '{work.group(1)}'")
    # Loose statements, one short segment at a time: "Part-time, $18/hour · Portland, OR".
    for line in lines:
        if (match := _POSTED.search(line)) is not None:
            take("posted_at", iso_date(match["date"], language), "text 'posted …'")
        if (match := _CLOSING.search(line)) is not None:
            take("valid_through", iso_date(match["date"], language), "text 'closing …'")
        if len(line) > _MAX_LINE or _LABEL_LINE.match(line):
            continue
        for segment in _segments(line):
            if facts.salary is None and _salary_like(segment):
                take("salary", segment, "text")
            elif facts.employment_type is None and _employment_like(segment):
                take("employment_type", segment, "text")
            elif not facts.locations and is_place(_without_postcode(segment)):
                take("locations", _without_postcode(segment), "text")
            cue = _WORK_CUE.search(segment) if len(segment) <= 60 else None
            if facts.workplace is None and cue is not None:
                take("workplace", cue.group(0), "text")
    return facts


def _segments(line: str) -> Iterator[str]:
    """A line's parts: split at "·", "|", " – "; "Part-time, $18/hour" also at its comma
    when one side is pay (a place keeps its comma: "Portland, OR")."""
    for part in _SEGMENTS.split(line):
        part = part.strip(" ,;.")
        if not part:
            continue
        pieces = [p.strip() for p in _COMMA.split(part)]
        if len(pieces) > 1 and any(_salary_like(p) for p in pieces):
            yield from (p for p in pieces if p)
        else:
            yield part


_COMMA = re.compile(r",\s+")  # "Part-time, $18/hour"; never the one in "$55,000"
_POSTCODE_WORD = re.compile(r"\b\d{4,6}\b")


def _without_postcode(text: str) -> str:
    return collapse_whitespace(_POSTCODE_WORD.sub(" ", text)).strip(" ,")


# --- the company ---------------------------------------------------------------------------

_COPYRIGHT = re.compile(
    r"(?:©|\(c\)|&copy;|copyright)\s*(?:\d{4}\s*(?:[-–]\s*\d{4})?)?\s*[,:]?\s*"
    r"(?P<name>[^\W\d_][^·|•\n]{1,80}?)\s*(?:[·|•]|\s[-–—]\s|all rights|alle rechte"
    r"|todos los derechos|$)",
    re.IGNORECASE,
)
_TITLE_SEPARATORS = re.compile(r"\s+[|–—\-·:»]\s+|\s*[|·»]\s*")
_GENERIC_TITLE = re.compile(
    r"\b(?:jobs?|careers?|karriere|stellen\w*|job\s?b[öo]rse|positions?|vacanc(?:y|ies)"
    r"|openings?|opportunit(?:y|ies)|empleos?|ofertas?|vacantes?|trabaja\w*|work\s+with\s+us"
    r"|join\s+(?:us|our\s+team)|we(?:'re| are)\s+hiring|wir\s+stellen\s+ein|arbeiten\s+bei"
    r"|únete|unete|home|startseite|inicio|welcome|willkommen|bienvenid[oa]s?)\b",
    re.IGNORECASE,
)
_ORGANIZATION_TYPES = {
    "Organization", "Corporation", "LocalBusiness", "Store", "Bakery", "Restaurant",
    "MedicalOrganization", "MedicalClinic", "Dentist", "Hospital", "Hotel", "LodgingBusiness",
    "EducationalOrganization", "NGO", "GovernmentOrganization", "HomeAndConstructionBusiness",
    "Plumber", "Electrician", "HVACBusiness", "ProfessionalService", "FoodEstablishment",
}  # fmt: skip
COMPANY_RANKS = ("og:site_name", "JSON-LD Organization", "<title>", "© line", "domain")


def read_company(
    tree: Any, url: str, *, not_titles: tuple[str, ...] = (), looks_like_job: Any = None
) -> Fact | None:
    """Who runs the site: og:site_name, a JSON-LD Organization, the page's <title>, the ©
    line, the domain; the first found, with its source (one of ``COMPANY_RANKS``).

    ``tree`` is the whole page (footer included); ``not_titles`` are job titles on the page
    (a posting page's <title> often is its job's), ``looks_like_job`` a predicate for more.
    """
    for meta in tree.iter("meta"):
        if (meta.get("property") or meta.get("name") or "").lower() == "og:site_name":
            site_name = collapse_whitespace(meta.get("content"))
            if site_name:
                return Fact(site_name, "og:site_name")
    if (organization := _organization(tree)) is not None:
        return Fact(organization, "JSON-LD Organization")
    title = tree.find(".//title")
    if title is not None:
        folded_titles = {strip_gender_tags(t).casefold() for t in not_titles}
        for part in _TITLE_SEPARATORS.split(collapse_whitespace(title.text_content())):
            part = part.strip()
            folded = strip_gender_tags(part).casefold()
            if (
                len(part) < 2
                or _GENERIC_TITLE.search(part)
                or any(t.startswith(folded) or folded.startswith(t) for t in folded_titles)
                or (looks_like_job is not None and looks_like_job(part))
            ):
                continue
            return Fact(part, "<title>")
    text = " \n".join(
        collapse_whitespace(element.text_content())
        for element in tree.iter("footer", "p", "div", "small", "span")
        if "©" in (element.text_content() or "") or "copyright" in (element.text or "").lower()
    )
    if (match := _COPYRIGHT.search(text)) is not None:
        name = match["name"].strip(" ,")
        if name and not _GENERIC_TITLE.fullmatch(name):
            return Fact(name, "© line")
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    if host and not host.replace(".", "").isdigit() and host != "localhost":
        return Fact(host, "domain")
    return None


def _organization(tree: Any) -> str | None:
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        try:
            document = json.loads(script.text or "")
        except ValueError:
            continue
        for node in _nodes(document, 0):
            types = node.get("@type")
            names = {types} if isinstance(types, str) else set(types or ())
            if names & _ORGANIZATION_TYPES and isinstance(node.get("name"), str):
                name = collapse_whitespace(node["name"])
                if name:
                    return name
    return None


def _nodes(value: object, depth: int) -> Iterator[dict[str, Any]]:
    if depth > 6:
        return
    if isinstance(value, dict):
        if "JobPosting" not in str(value.get("@type")):
            yield value
        for child in value.values():
            yield from _nodes(child, depth + 1)
    elif isinstance(value, list):
        for child in value:
            yield from _nodes(child, depth + 1)

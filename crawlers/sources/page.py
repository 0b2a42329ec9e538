"""Postings from a career page's HTML: schema.org JobPosting first, job-like links as a fallback.

Pure functions of (html, url). ``extract_structured`` reads JSON-LD and microdata,
``extract_heuristic`` guesses postings from links and headings on pages without structured
data, and ``page_text`` gives the visible text an LLM extractor reads.
"""

from __future__ import annotations

import functools
import html as html_lib
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeGuard
from urllib.parse import urldefrag, urljoin, urlsplit

import extruct
import lxml.etree
import lxml.html
import pycountry
from extruct.jsonld import JsonLdExtractor

from core.jobs import Extraction, RawPosting, RawSalary, SourceKind
from core.logging import get_logger
from core.text import has_gender_tag
from crawlers.facts import Fact, Facts, read_company, read_facts

log = get_logger(__name__)

STRUCTURED_CONFIDENCE = 0.95
STRUCTURED_PARTIAL_CONFIDENCE = 0.9  # a JobPosting without hiringOrganization
HEURISTIC_CONFIDENCE = 0.4

_OCCUPATIONS_FILE = Path(__file__).parents[1] / "data" / "occupations.json"
_MAX_DEPTH = 12  # how deep JobPostings are looked for inside a JSON-LD document
_WS = re.compile(r"\s+")


# --- parsing -------------------------------------------------------------------------------


def _parse(html: str) -> Any | None:
    """An lxml tree, or None for an empty or unparsable page."""
    if not html.strip():
        return None
    # Bytes, so an XML declaration with an encoding does not make lxml refuse a str.
    parser = lxml.html.HTMLParser(encoding="utf-8")
    try:
        return lxml.html.fromstring(html.encode("utf-8", "replace"), parser=parser)
    except (lxml.etree.ParserError, ValueError):
        return None


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    text = _WS.sub(" ", html_lib.unescape(value)).strip()
    return text or None


def _as_list(value: object) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, list):
        return value
    return [value]


def _web_url(value: object, base: str) -> str | None:
    """``value`` resolved against ``base`` when it is an http(s) URL; anything else is None."""
    if not isinstance(value, str) or not value.strip():
        return None
    resolved = urljoin(base, value.strip())
    if urlsplit(resolved).scheme not in ("http", "https"):
        return None
    return resolved


# --- schema.org JobPosting ----------------------------------------------------------------


def _type_names(node: Mapping[str, Any]) -> set[str]:
    names = set()
    for raw in _as_list(node.get("@type")):
        if isinstance(raw, str):
            # "JobPosting", "schema:JobPosting", "https://schema.org/JobPosting"
            names.add(re.split(r"[/#:]", raw.strip().rstrip("/"))[-1])
    return names


def _is_job_posting(node: object) -> TypeGuard[dict[str, Any]]:
    return isinstance(node, dict) and "JobPosting" in _type_names(node)


def _walk(node: object, depth: int = 0) -> Iterator[dict[str, Any]]:
    """Every dict in a JSON-LD document, outermost first (bounded depth)."""
    if depth > _MAX_DEPTH:
        return
    if isinstance(node, dict):
        yield node
        children: Iterable[object] = node.values()
    elif isinstance(node, list):
        children = node
    else:
        return
    for child in children:
        yield from _walk(child, depth + 1)


def _job_postings(node: object, depth: int = 0) -> Iterator[dict[str, Any]]:
    """JobPostings anywhere in a document (@graph, ItemList, mainEntity, ...), not nested ones."""
    if depth > _MAX_DEPTH:
        return
    if _is_job_posting(node):
        yield node
        return
    if isinstance(node, dict):
        for child in node.values():
            yield from _job_postings(child, depth + 1)
    elif isinstance(node, list):
        for child in node:
            yield from _job_postings(child, depth + 1)


class _Reader:
    """Reads one JobPosting's fields; ``ids`` resolves ``{"@id": ...}`` references in a graph."""

    def __init__(self, ids: Mapping[str, dict[str, Any]]) -> None:
        self.ids = ids

    def deref(self, value: object) -> object:
        if isinstance(value, dict) and isinstance(value.get("@id"), str):
            target = self.ids.get(value["@id"])
            if target is not None and len(value) <= 2 and target is not value:
                return target  # a bare reference ({"@id"} or {"@id", "@type"})
        return value

    def text(self, value: object, depth: int = 0) -> str | None:
        """The first non-empty text in a value: strings, numbers, or a thing's name/value."""
        if depth > 4:  # hostile graphs can reference themselves through "name"
            return None
        for item in _as_list(self.deref(value)):
            item = self.deref(item)
            if isinstance(item, str):
                found = _clean(item)
            elif isinstance(item, (int, float)) and not isinstance(item, bool):
                found = str(item)
            elif isinstance(item, dict):
                inner = item.get("name") or item.get("value") or item.get("@value")
                found = self.text(inner, depth + 1)
            else:
                found = None
            if found:
                return found
        return None

    def texts(self, value: object) -> list[str]:
        return [t for t in (self.text(item) for item in _as_list(self.deref(value))) if t]

    def country_code(self, value: object) -> str | None:
        name = self.text(value)
        if name is None:
            return None
        if name.upper() == "UK":
            return "GB"
        if len(name) == 2:
            country = pycountry.countries.get(alpha_2=name.upper())
            return str(country.alpha_2) if country is not None else None  # "EU" is no country
        try:
            return str(pycountry.countries.lookup(name).alpha_2)
        except LookupError:
            return None

    def address(self, value: object) -> tuple[str | None, str | None]:
        """("München, Bayern, DE", "DE") from a PostalAddress; a plain string as it is."""
        value = self.deref(value)
        if isinstance(value, list):
            value = value[0] if value else None
        if isinstance(value, str):
            return _clean(value), None
        if not isinstance(value, dict):
            return None, None
        parts: list[str] = []
        for key in ("addressLocality", "addressRegion", "addressCountry"):
            part = self.text(value.get(key))
            if part and part not in parts:
                parts.append(part)
        return (", ".join(parts) or None), self.country_code(value.get("addressCountry"))

    def locations(self, posting: Mapping[str, Any]) -> tuple[list[str], list[str]]:
        locations: list[str] = []
        countries: list[str] = []
        for place in _as_list(self.deref(posting.get("jobLocation"))):
            place = self.deref(place)
            if isinstance(place, str):
                where, country = _clean(place), None
            elif isinstance(place, dict):
                where, country = self.address(place.get("address"))
                where = where or self.text(place.get("name"))
            else:
                continue
            if where and where not in locations:
                locations.append(where)
            if country and country not in countries:
                countries.append(country)
        for required in _as_list(self.deref(posting.get("applicantLocationRequirements"))):
            code = self.country_code(required)
            if code:
                if code not in countries:
                    countries.append(code)
            elif (name := self.text(required)) and name not in locations:
                locations.append(name)  # "EU", "Europe": not a country, still a constraint
        return locations, countries

    def salary(self, posting: Mapping[str, Any]) -> tuple[RawSalary | None, str | None]:
        amount = self.deref(posting.get("baseSalary") or posting.get("estimatedSalary"))
        if isinstance(amount, list):
            amount = self.deref(amount[0]) if amount else None
        fallback_currency = self.text(posting.get("salaryCurrency"))
        if amount is None:
            return None, None
        if not isinstance(amount, dict):
            number = _number(amount)
            if number is None:
                return None, self.text(amount)
            return RawSalary(minimum=number, maximum=number, currency=fallback_currency), None
        value = self.deref(amount.get("value"))
        # QuantitativeValue under "value", or minValue/maxValue on the MonetaryAmount itself.
        quantity = value if isinstance(value, dict) else amount
        minimum = _number(quantity.get("minValue"))
        maximum = _number(quantity.get("maxValue"))
        single = _number(quantity.get("value") if isinstance(value, dict) else value)
        if minimum is None and maximum is None and single is not None:
            minimum = maximum = single
        if minimum is None and maximum is None:
            return None, self.text(value)
        salary = RawSalary(
            minimum=minimum,
            maximum=maximum,
            currency=self.text(amount.get("currency")) or fallback_currency,
            period=self.text(quantity.get("unitText")) or self.text(amount.get("unitText")),
        )
        return salary, None

    def external_id(self, posting: Mapping[str, Any]) -> str | None:
        for identifier in _as_list(self.deref(posting.get("identifier"))):
            identifier = self.deref(identifier)
            if isinstance(identifier, dict):
                raw = identifier.get("value", identifier.get("@value"))
                if raw is None:
                    raw = identifier.get("name")
                found = self.text(raw)
            else:
                found = self.text(identifier)
            if found:
                return found
        return None

    def language(self, posting: Mapping[str, Any]) -> str | None:
        tag = self.text(posting.get("inLanguage"))
        if tag and re.fullmatch(r"[A-Za-z]{2}(?:[-_][A-Za-z0-9]+)*", tag):
            return tag[:2].lower()
        return None


def _number(value: object) -> float | None:
    """A number, or a numeric string in English or German notation ("60,000", "3.800,50")."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if not isinstance(value, str):
        return None
    text = re.sub(r"[\s€$£¥]|EUR|USD|GBP|CHF", "", value, flags=re.IGNORECASE)
    # Thousands groups first: "3.800" on a salary means 3800, not 3.8.
    grouped = re.fullmatch(r"(\d{1,3}(?:([.,])\d{3})+)(?:(?!\2)[.,](\d{1,2}))?", text)
    if grouped:
        return float(f"{re.sub(r'[.,]', '', grouped[1])}.{grouped[3] or 0}")
    plain = re.fullmatch(r"(\d+)(?:[.,](\d+))?", text)
    if plain:
        return float(f"{plain[1]}.{plain[2] or 0}")
    return None  # "60k", "60-70k", "competitive": prose, kept as salary_text


def _description(value: object) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if "<" not in text and "&lt;" in text:
        text = html_lib.unescape(text)  # HTML escaped once more than it should be
    return text


def _posting(
    node: Mapping[str, Any], reader: _Reader, base: str, *, html_description: bool
) -> RawPosting | None:
    title = reader.text(node.get("title")) or reader.text(node.get("name"))
    if not title:
        return None
    company = reader.text(node.get("hiringOrganization"))
    url = _web_url(reader.text(node.get("url")), base)
    apply_url: str | None = None
    direct = node.get("directApply")
    if direct is True or (isinstance(direct, str) and direct.strip().lower() == "true"):
        apply_url = url
    elif isinstance(direct, str):
        apply_url = _web_url(direct, base)  # some sites put the apply link here
    locations, countries = reader.locations(node)
    location_types = {t.upper() for t in reader.texts(node.get("jobLocationType"))}
    salary, salary_text = reader.salary(node)
    employment = reader.texts(node.get("employmentType"))
    description = _description(node.get("description"))
    return RawPosting(
        source_kind=SourceKind.PAGE,
        extraction=Extraction.STRUCTURED_DATA,
        external_id=reader.external_id(node),
        title=title,
        company=company,
        url=url,
        apply_url=apply_url,
        locations=tuple(locations),
        country_codes=tuple(countries),
        remote=True if "TELECOMMUTE" in location_types else None,
        employment_type=", ".join(dict.fromkeys(employment)) or None,
        description_html=description if html_description else None,
        description_text=None if html_description else description,
        salary=salary,
        salary_text=salary_text,
        posted_at=reader.text(node.get("datePosted")),
        valid_through=reader.text(node.get("validThrough")),
        language=reader.language(node),
        confidence=STRUCTURED_CONFIDENCE if company else STRUCTURED_PARTIAL_CONFIDENCE,
    )


def _jsonld_documents(tree: Any) -> Iterator[object]:
    """Each JSON-LD block on its own, so one broken block does not hide the others."""
    extractor = JsonLdExtractor()
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        if not (script.text or "").strip():
            continue
        try:
            # extruct's reader tolerates // and <!-- --> comments around the JSON.
            items = extractor.extract_items(script)
        except (ValueError, RecursionError) as exc:
            log.info("page.jsonld.invalid", error=str(exc)[:200])
            continue
        yield items


def _microdata_documents(tree: Any, url: str) -> list[object]:
    try:
        data = extruct.extract(tree, base_url=url, syntaxes=["microdata"], uniform=True)
    except Exception as exc:  # extruct on hostile markup: never fatal, the page may have JSON-LD
        log.info("page.microdata.invalid", error=str(exc)[:200])
        return []
    return list(data.get("microdata", []))


def extract_structured(html: str, url: str) -> tuple[RawPosting, ...]:
    """schema.org JobPostings from the page's JSON-LD blocks and microdata."""
    tree = _parse(html)
    if tree is None:
        return ()
    found: list[RawPosting] = []
    sources = [(doc, True) for doc in _jsonld_documents(tree)]
    sources += [(doc, False) for doc in _microdata_documents(tree, url)]
    for document, is_jsonld in sources:
        ids: dict[str, dict[str, Any]] = {}
        for node in _walk(document):
            key = node.get("@id")
            # A node's full description wins over the bare references to it.
            if isinstance(key, str) and len(node) > len(ids.get(key, {})):
                ids[key] = node
        reader = _Reader(ids)
        for node in _job_postings(document):
            posting = _posting(node, reader, url, html_description=is_jsonld)
            if posting is not None:
                found.append(posting)
    unique = _dedupe(found)
    if len(unique) == 1 and unique[0].url is None:
        # The only posting on the page: the page is the posting's own page.
        unique = [unique[0].model_copy(update={"url": urldefrag(url).url})]
    return tuple(unique)


def _dedupe(postings: Iterable[RawPosting]) -> list[RawPosting]:
    seen: set[tuple[str, ...]] = set()
    unique: list[RawPosting] = []
    for posting in postings:
        key = (
            ("id", posting.external_id)
            if posting.external_id
            else ("fields", posting.title.casefold(), posting.url or "", posting.company or "")
        )
        if key not in seen:
            seen.add(key)
            unique.append(posting)
    return unique


# --- heuristics ----------------------------------------------------------------------------

_ROLE_WORDS_EN = (
    "engineer|developer|programmer|manager|nurse|designer|analyst|scientist|consultant|"
    "architect|administrator|specialist|technician|intern|accountant|assistant|coordinator|"
    "director|officer|recruiter|writer|editor|teacher|driver|cashier|electrician|mechanic|"
    "pharmacist|physician|therapist|representative|associate|operator|tester|researcher|"
    "lead|head of|owner|advisor|agent|clerk|caregiver|chef|cook|technologist|strategist"
)
_ROLE_WORDS_ES = (
    "ingenier[oa]|desarrollador(?:a)?|programador(?:a)?|enfermer[oa]|gerente|jef[ea]|"
    "analista|t[ée]cnic[oa]|diseñador(?:a)?|consultor(?:a)?|asesor(?:a)?|administrativ[oa]|"
    "responsable|coordinador(?:a)?|director(?:a)?|vendedor(?:a)?|auxiliar|becari[oa]|"
    "dependient[ea]|camarer[oa]|cociner[oa]|conductor(?:a)?|operari[oa]|especialista"
)
# German compounds ("Softwareentwickler", "Bauingenieur") need substring matches.
_ROLE_STEMS_DE = (
    "entwickler|ingenieur|pflegefachkraft|pflegefachfrau|pflegefachmann|krankenpfleger|"
    "altenpfleger|pflegekraft|berater|leiter|leitung|referent|sachbearbeiter|kaufmann|kauffrau|"
    "fachkraft|techniker|elektriker|mechatroniker|erzieher|verkäufer|werkstudent|praktikant|"
    "auszubildende|informatiker|architekt|mitarbeiter|monteur|fahrer|arzt|ärztin|"
    "projektmanager|buchhalter|assistenz|sekretär"
)
_ROLE = re.compile(
    rf"\b(?:{_ROLE_WORDS_EN})s?\b|\b(?:{_ROLE_WORDS_ES})(?:e?s)?\b|(?:{_ROLE_STEMS_DE})",
    re.IGNORECASE,
)
_SECTIONS = (
    r"jobs?|careers?|karriere|stellen(?:angebote?)?|stellenanzeigen?|jobboerse|positions?|"
    r"vacanc(?:y|ies)|openings?|opportunit(?:y|ies)|empleos?|ofertas?|vacantes?|trabaja\w*|"
    r"requisitions?|postings?"
)
_POSTING_SECTION = re.compile(_SECTIONS, re.IGNORECASE)  # /jobs/<slug>
_POSTING_SLUG = re.compile(r"(?:job|stelle|stellenangebot|position|vacancy|oferta)[-_]\w", re.I)
_POSTING_ID = re.compile(
    r"(?:^|[/_-])(?:\d{3,}|[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}|[0-9a-f]{12,})(?:$|[/._-])",
    re.IGNORECASE,
)
_POSTING_QUERY_ID = re.compile(r"(?:^|&)(?:\w*job\w*|id|gh_jid|req\w*|posting\w*)=[\w-]{3,}", re.I)
_NOT_POSTING_PATH = re.compile(
    r"/(?:blog|news|press|presse|events?|stories|story|magazin|magazine|noticias|podcast|"
    r"tag|category|author|search|login|signin|signup)(?:/|$)",
    re.IGNORECASE,
)
_GENERIC_LINK = re.compile(
    r"^(?:apply(?: now)?|details?|more|read more|learn more|view(?: job| position| details)?|"
    r"mehr(?: erfahren| infos?)?|zur stelle|jetzt bewerben|details ansehen|ver (?:m[aá]s|oferta)|"
    r"m[aá]s informaci[oó]n|postular(?:se)?|inscribirse|→|»)$",
    re.IGNORECASE,
)
_CHROME_TAGS = ("script", "style", "noscript", "template", "svg", "nav", "footer")
_CHROME_ROLES = {"navigation", "contentinfo", "banner", "menubar", "menu", "search"}
_CHROME_TOKENS = {
    "nav", "navbar", "navigation", "menu", "mainmenu", "footer", "breadcrumb", "breadcrumbs",
    "cookie", "cookies", "consent", "sidebar", "topbar", "skiplink", "social", "share",
}  # fmt: skip
_CARD_TAGS = ("li", "article", "tr", "div", "section")
_MAX_TITLE_CHARS = 150
_MAX_TITLE_WORDS = 16


def _tokens(element: Any) -> set[str]:
    raw = f"{element.get('class') or ''} {element.get('id') or ''}".lower()
    return {token for token in re.split(r"[^a-z0-9]+", raw) if token}


def _is_page_level(element: Any) -> bool:
    """A header or sidebar of the page itself, not of an article, section or list item."""
    return not any(a.tag in ("article", "section", "li", "main") for a in element.iterancestors())


def _hidden(element: Any) -> bool:
    style = (element.get("style") or "").replace(" ", "").lower()
    return (
        element.get("hidden") is not None
        or (element.get("aria-hidden") or "").lower() == "true"
        or "display:none" in style
        or "visibility:hidden" in style
    )


def _strip_chrome(tree: Any, *, for_text: bool = False) -> None:
    """Drop what is not content: scripts, navigation, footers, cookie banners, hidden parts."""
    doomed: list[Any] = []
    for element in tree.iter():
        if not isinstance(element.tag, str):  # comments, processing instructions
            doomed.append(element)
            continue
        tag = element.tag.lower()
        if (
            tag in _CHROME_TAGS
            # A page header or sidebar may hold a posting page's title or facts: kept as text,
            # but its links are site navigation, not postings.
            or (tag in ("header", "aside") and not for_text and _is_page_level(element))
            or (element.get("role") or "").lower() in _CHROME_ROLES
            or (
                tag in ("div", "ul", "ol", "section", "header")
                and _tokens(element) & _CHROME_TOKENS
            )
            or _hidden(element)
        ):
            doomed.append(element)
    for element in doomed:
        if element.getparent() is not None:
            element.drop_tree()


@functools.cache
def _occupations() -> re.Pattern[str]:
    """Occupation words from crawlers/data/occupations.json, read on first use."""
    data = json.loads(_OCCUPATIONS_FILE.read_text(encoding="utf-8"))
    spanish: set[str] = set()
    for word in data["es"]:
        spanish.add(word)
        if word.endswith("o"):
            spanish.add(word[:-1] + "a")  # camarero -> camarera
        elif word.endswith(("or", "ón", "ol")):
            spanish.add(word + "a")  # conductor -> conductora
    whole = sorted({*data["en"], *spanish}, key=len, reverse=True)
    stems = sorted(data["de_stems"], key=len, reverse=True)
    return re.compile(
        rf"\b(?:{'|'.join(map(re.escape, whole))})(?:e?s)?\b"
        rf"|(?:{'|'.join(map(re.escape, stems))})",
        re.IGNORECASE,
    )


def looks_like_title(text: str) -> bool:
    """A job title: short, and naming a role or an occupation (or carrying a gender tag)."""
    if not 3 <= len(text) <= _MAX_TITLE_CHARS or len(text.split()) > _MAX_TITLE_WORDS:
        return False
    return bool(_ROLE.search(text) or has_gender_tag(text) or _occupations().search(text))


def _posting_signals(url: str) -> tuple[bool, bool]:
    """(a jobs section with something after it, a posting id) in a URL's path and query."""
    parts = urlsplit(url)
    segments = [segment for segment in parts.path.split("/") if segment]
    in_section = any(
        _POSTING_SECTION.fullmatch(segment) and index + 1 < len(segments)
        for index, segment in enumerate(segments)
    ) or any(_POSTING_SLUG.match(segment) for segment in segments)
    has_id = bool(_POSTING_ID.search(parts.path) or _POSTING_QUERY_ID.search(parts.query))
    return in_section, has_id


def _looks_like_posting_url(url: str, page_url: str) -> bool:
    if urldefrag(url).url == urldefrag(page_url).url:
        return False
    if _NOT_POSTING_PATH.search(urlsplit(url).path):
        return False
    return any(_posting_signals(url))


def _element_text(element: Any) -> str:
    return _WS.sub(" ", element.text_content()).strip()


def _card(anchor: Any) -> Any | None:
    """The closest list item / card around a link that holds no other job link."""
    for depth, ancestor in enumerate(anchor.iterancestors()):
        if depth > 4 or ancestor.tag in ("body", "html", "ul", "ol", "table", "main"):
            return None
        if ancestor.tag in _CARD_TAGS:
            hrefs = {a.get("href") for a in ancestor.iter("a") if a.get("href")}
            return ancestor if len(hrefs) == 1 else None
    return None


def _heading_card(heading: Any) -> Any | None:
    """The closest card around a heading that holds no other heading."""
    for depth, ancestor in enumerate(heading.iterancestors()):
        if depth > 3 or ancestor.tag in ("body", "html", "ul", "ol", "table", "main"):
            return None
        if ancestor.tag in _CARD_TAGS:
            headings = list(ancestor.iter(*_HEADINGS))
            return ancestor if len(headings) == 1 else None
    return None


_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_LOCATION_TOKENS = {"location", "locations", "joblocation", "city", "ort", "standort", "place"}


def _card_location(card: Any | None, title: str) -> str | None:
    if card is None:
        return None
    for element in card.iter():
        if not isinstance(element.tag, str) or element.tag == "a":
            continue
        tokens = _tokens(element) | {(element.get("itemprop") or "").lower()}
        if tokens & _LOCATION_TOKENS or any(t.endswith("location") for t in tokens):
            text = _element_text(element)
            if text and text != title and len(text) <= 120:
                return text
    return None


def block_lines(element: Any) -> list[str]:
    """An element's visible text, one line per block, whitespace collapsed."""
    parts: list[str] = []
    _text_parts(element, None, parts)
    lines = (_WS.sub(" ", line).strip() for line in "".join(parts).split("\n"))
    return [line for line in lines if line]


def label_pairs(element: Any) -> list[str]:
    """Term and value pairs as "Term: value" lines: <dt>/<dd>, and table rows of one header
    cell and one data cell."""
    lines: list[str] = []
    for term in element.iter("dt"):
        value = term.getnext()
        if value is not None and value.tag == "dd":
            lines.append(f"{_element_text(term)}: {_element_text(value)}")
    for row in element.iter("tr"):
        cells = [cell for cell in row if cell.tag in ("th", "td")]
        if len(cells) == 2 and cells[0].tag == "th" and cells[1].tag == "td":
            lines.append(f"{_element_text(cells[0])}: {_element_text(cells[1])}")
    return lines


def _table_lines(row: Any) -> list[str] | None:
    """A table row as "Header: cell" lines, when its table has a header row."""
    table = next((a for a in row.iterancestors() if a.tag == "table"), None)
    if table is None:
        return None
    header = next((tr for tr in table.iter("tr") if any(True for _ in tr.iter("th"))), None)
    if header is None or header is row:
        return None
    names = [_element_text(cell) for cell in header if cell.tag in ("th", "td")]
    cells = [cell for cell in row if cell.tag in ("th", "td")]
    return [
        f"{name}: {_element_text(cell)}"
        for name, cell in zip(names, cells, strict=False)
        if name and _element_text(cell)
    ]


@dataclass(frozen=True, slots=True)
class Candidate:
    """A posting found on a listing: its title, link (None: described inline) and card."""

    title: str
    title_source: str
    anchor: Any | None
    card: Any | None


def _heuristic_candidates(tree: Any) -> Iterator[Candidate]:
    """Job-titled links; job-titled headings with a generic link; job-titled headings whose
    card has no link of its own (postings described in full on the listing)."""
    for anchor in tree.iter("a"):
        heading = next((h for h in anchor.iter(*_HEADINGS, "strong")), None)
        text = _element_text(heading if heading is not None else anchor)
        text = text or _clean(anchor.get("title") or anchor.get("aria-label")) or ""
        if looks_like_title(text):
            source = "heading in link" if heading is not None else "link text"
            if anchor.getparent() is not None and anchor.getparent().tag in ("td", "th"):
                source = "table cell link"
            yield Candidate(text, source, anchor, _card(anchor))
    for heading in tree.iter("h2", "h3", "h4", "h5"):
        if any(True for _ in heading.iter("a")):
            continue
        text = _element_text(heading)
        if not looks_like_title(text):
            continue
        card = _heading_card(heading)
        links = [a for a in (card.iter("a") if card is not None else ()) if a.get("href")]
        if len({a.get("href") for a in links}) == 1 and _GENERIC_LINK.match(
            _element_text(links[0]) or ""
        ):
            yield Candidate(
                text, f"<{heading.tag}> with '{_element_text(links[0])}'", links[0], card
            )
        elif card is not None:
            yield Candidate(text, f"<{heading.tag}> in a card", None, card)


def card_facts(card: Any | None, title: str, *, language: str | None, where: str) -> Facts:
    """What a card, list item or table row says besides the title."""
    if card is None:
        return Facts()
    lines = _table_lines(card) if card.tag == "tr" else None
    if lines is None:
        lines = [line.replace(title, " ").strip(" -–—·|,") for line in block_lines(card)]
        lines = label_pairs(card) + [line for line in lines if line]
        where = where if card.tag != "tr" else "table row"
    else:
        where = "table row"
    facts = read_facts(lines, language=language, where=where)
    location = _card_location(card, title)
    if location and not facts.locations:
        facts.locations.append(Fact(location, f"card .{_location_class(card)}"))
    return facts


def _location_class(card: Any) -> str:
    for element in card.iter():
        if isinstance(element.tag, str):
            tokens = _tokens(element)
            found = [t for t in tokens if t in _LOCATION_TOKENS or t.endswith("location")]
            if found:
                return found[0]
    return "location"


# Core fields of a posting besides its title: confidence grows with how many a page states.
CORE_FIELDS = ("company", "url", "locations", "employment_type", "salary", "posted_at")
_BASE_CONFIDENCE = 0.3
_FIELD_CONFIDENCE = 0.55  # all core fields found: 0.85, still under auto-approval


def heuristic_confidence(posting: RawPosting) -> float:
    """0.3 for a bare title, up to 0.85 with every core field found."""
    found = sum(
        bool(getattr(posting, name) or (name == "salary" and posting.salary_text))
        for name in CORE_FIELDS
    )
    if posting.remote and not posting.locations:
        found += 1  # "Remote" is where the job is
    return round(_BASE_CONFIDENCE + _FIELD_CONFIDENCE * found / len(CORE_FIELDS), 2)


def with_facts(posting: RawPosting, facts: Facts) -> RawPosting:
    """``posting`` with the fields ``facts`` states and it lacks (or that facts say better)."""
    update: dict[str, Any] = {}
    provenance = dict(posting.provenance)
    if facts.locations and not posting.locations:
        update["locations"] = tuple(f.value for f in facts.locations)
        provenance["locations"] = facts.locations[0].source
    simple = (
        ("employment_type", facts.employment_type, "employment_type"),
        ("salary_text", facts.salary, "salary"),
        ("posted_at", facts.posted_at, "posted_at"),
        ("valid_through", facts.valid_through, "valid_through"),
        ("workplace", facts.workplace, "work_mode"),
    )
    for attribute, fact, name in simple:
        if fact is not None and not getattr(posting, attribute):
            update[attribute] = fact.value
            provenance[name] = fact.source
    if not update:
        return posting
    updated = posting.model_copy(update={**update, "provenance": provenance})
    return updated.model_copy(update={"confidence": heuristic_confidence(updated)})


def page_language(tree: Any) -> str | None:
    """The page's declared language ("de" from <html lang="de-DE">), if any."""
    lang = (tree.get("lang") or "").strip().lower()
    root = tree.getroottree().getroot() if hasattr(tree, "getroottree") else tree
    lang = lang or (root.get("lang") or "").strip().lower()
    return lang[:2] if re.fullmatch(r"[a-z]{2}(?:[-_][a-z0-9]+)*", lang) else None


@dataclass(frozen=True, slots=True)
class Listing:
    """What a page without structured data lists: postings and the page's company."""

    postings: tuple[RawPosting, ...]
    company: Fact | None
    language: str | None


def read_listing(html: str, url: str) -> Listing:
    """Postings from job-like links, cards and table rows on a page without structured data,
    with what each card states (place, contract, pay, dates) and where it was read."""
    tree = _parse(html)
    if tree is None:
        return Listing((), None, None)
    language = page_language(tree)
    titles: list[str] = []
    _strip_chrome(tree)
    found: dict[str, RawPosting] = {}
    for candidate in _heuristic_candidates(tree):
        link: str | None = None
        if candidate.anchor is not None:
            link = _web_url(candidate.anchor.get("href"), url)
            if link is not None:
                link = urldefrag(link).url
                if not _looks_like_posting_url(link, url):
                    link = None
            if link is None and candidate.card is None:
                continue
        key = link or f"inline:{candidate.title.casefold()}"
        if key in found:
            continue
        facts = card_facts(candidate.card, candidate.title, language=language, where="listing")
        if link is None and len(facts.found()) < 2:
            continue  # a heading with no link and little around it: prose, not a posting
        titles.append(candidate.title)
        provenance = {"title": candidate.title_source}
        description = None
        if link is not None:
            provenance["url"] = "link on the listing"
        else:
            # Described in full on the listing: its card is all there is to read.
            provenance["title"] = "heading in a card"
            description = (
                "\n".join(block_lines(candidate.card)) if candidate.card is not None else None
            )
            provenance["description"] = "card text (listing)"
        posting = RawPosting(
            source_kind=SourceKind.PAGE,
            extraction=Extraction.HEURISTIC,
            title=candidate.title,
            url=link,
            language=language,
            description_text=description,
            provenance=provenance,
            confidence=HEURISTIC_CONFIDENCE,
        )
        found[key] = with_facts(posting, facts)
    full = _parse(html)
    company = (
        read_company(full, url, not_titles=tuple(titles), looks_like_job=looks_like_title)
        if full is not None and found
        else None
    )
    postings = []
    for posting in found.values():
        if company is not None:
            posting = posting.model_copy(
                update={
                    "company": company.value,
                    "provenance": {**posting.provenance, "company": f"{company.source} (listing)"},
                }
            )
        postings.append(posting.model_copy(update={"confidence": heuristic_confidence(posting)}))
    return Listing(tuple(postings), company, language)


def extract_heuristic(html: str, url: str) -> tuple[RawPosting, ...]:
    """Low-confidence postings from job-like links, cards and rows on a page without
    structured data (``read_listing`` without the page-level details)."""
    return read_listing(html, url).postings


# --- text for the LLM ------------------------------------------------------------------------

_BLOCK_TAGS = {
    "address", "article", "blockquote", "br", "dd", "div", "dl", "dt", "fieldset", "figcaption",
    "figure", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "ol",
    "p", "pre", "section", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip


def _text_parts(element: Any, base_url: str | None, out: list[str]) -> None:
    block = element.tag in _BLOCK_TAGS
    if block:
        out.append("\n")
    if element.text:
        out.append(element.text)
    for child in element:
        _text_parts(child, base_url, out)
        if child.tail:
            out.append(child.tail)
    if element.tag == "a" and base_url is not None:
        link = _web_url(element.get("href"), base_url)
        if link is not None:
            out.append(f" <{link}>")
    if block:
        out.append("\n")


def page_text(html: str, limit: int = 20_000, *, base_url: str | None = None) -> str:
    """The visible text of a page, whitespace collapsed, one block per line, at most ``limit``.

    Scripts, styles, navigation, footers and hidden elements are left out. With ``base_url``,
    each link's absolute http(s) target follows its text as ``<https://...>``.
    """
    tree = _parse(html)
    if tree is None:
        return ""
    _strip_chrome(tree, for_text=True)
    parts: list[str] = []
    title = tree.find(".//title")
    if title is not None and title.text_content().strip():
        parts.append(title.text_content() + "\n")
    body = tree.find(".//body")
    _text_parts(body if body is not None else tree, base_url, parts)
    lines = (_WS.sub(" ", line).strip() for line in "".join(parts).split("\n"))
    text = "\n".join(line for line in lines if line)
    if len(text) <= limit:
        return text
    cut = text[:limit]
    boundary = max(cut.rfind("\n"), cut.rfind(" "))
    return cut[:boundary] if boundary > limit // 2 else cut

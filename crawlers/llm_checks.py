"""What a chat model answered about a page, checked against that page (pure).

A model can be wrong or talked into lying by the page it reads (issue 11): a company the page
never names, an apply link to another site, a posting date in 2099 (which would keep the job
"new" forever), a description it made up. Each answer is checked here against what the page
itself shows; one that fails is dropped (links, dates), replaced (descriptions) or kept but
flagged (companies, which an admin can judge), and each failure costs the posting confidence.
The ``note`` of a check is what the admin's review card shows for the field; notes of failed
checks say "NOT on the page", "NOT in the page" or end in ": dropped" / ": replaced", which the
card marks with ⚠.

No function here raises on any string, URL or date: the page and the model are both untrusted.
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

import lxml.etree
import lxml.html

from core.text import fold_words
from crawlers.normalize.dates import parse_date, resolve_date

UNVERIFIED_PENALTY = 0.1  # confidence each failed check costs
DESCRIPTION_MIN_FOUND = 0.9  # share of a description's word triples the page must contain
_SHINGLE = 3
_LINK_MARK = re.compile(r"\s*<https?://[^>\s]*>")

# Second-level labels under which a country's registrations sit ("acme.co.uk", "acme.com.au").
_SECOND_LEVEL = frozenset(
    {"co", "com", "net", "org", "gov", "edu", "ac", "or", "ne", "go", "gob", "mil", "ltd", "plc"}
)
# Hosting platforms whose customers each get a subdomain: a sibling is another site.
_SHARED_SUFFIXES = frozenset(
    {
        "github.io", "gitlab.io", "netlify.app", "vercel.app", "herokuapp.com", "pages.dev",
        "web.app", "firebaseapp.com", "appspot.com", "azurewebsites.net", "cloudfront.net",
        "amazonaws.com", "onrender.com", "fly.dev", "wordpress.com", "blogspot.com",
        "wixsite.com", "myshopify.com", "squarespace.com", "webflow.io", "notion.site",
    }
)  # fmt: skip
# Applicant tracking systems a career page sends applicants to. The first five are the boards
# crawlers/sources/detect.py reads (tests check the two agree); the rest are common ATSs whose
# boards we do not crawl but whose apply forms a company page links to.
ATS_DOMAINS = frozenset(
    {
        "greenhouse.io", "lever.co", "ashbyhq.com", "workable.com", "smartrecruiters.com",
        "personio.de", "personio.com", "recruitee.com", "teamtailor.com", "bamboohr.com",
        "myworkdayjobs.com", "jobvite.com", "icims.com", "breezy.hr", "applytojob.com",
        "join.com", "softgarden.io",
    }
)  # fmt: skip
_DATE_META = frozenset(
    {
        "article:published_time", "og:published_time", "datepublished", "datecreated",
        "dateposted", "date", "dc.date", "dc.date.created", "dcterms.created", "dcterms.date",
    }
)  # fmt: skip
_ORGANIZATION_TYPES = frozenset({"Corporation", "NGO", "Store", "Restaurant", "Hospital", "Hotel"})
_ORG_ENDINGS = ("Organization", "Business", "Establishment", "Service", "Clinic")
_DATE_KEYS = frozenset({"datePosted", "datePublished", "dateCreated"})
_MAX_JSON_DEPTH = 8


@dataclass(frozen=True)
class Checked:
    """One answer after its check: the value to keep (None: dropped) and the admin's note."""

    value: str | None
    note: str | None = None  # None: nothing to say (the model gave nothing)
    failed: bool = False


@dataclass(frozen=True)
class PageEvidence:
    """What the page itself shows, folded once for all checks of its postings."""

    url: str
    text: str  # the visible text the model read
    words: str  # fold_words(text) without link targets, padded for whole-word lookups
    shingles: frozenset[tuple[str, ...]]
    names: frozenset[str]  # folded og:site_name and JSON-LD Organization names
    site: str  # the registrable domain of the page
    dates: tuple[date, ...]  # dates the page's markup gives itself or its postings


def page_evidence(html: str, url: str, text: str) -> PageEvidence:
    """The evidence ``text`` (the page text sent to the model) and the page's markup give."""
    tree = _parse(html)
    names: set[str] = set()
    dates: set[date] = set()
    if tree is not None:
        names, dates = _markup_names(tree), _markup_dates(tree)
    # Link targets are left out: a word in another site's URL is not the page naming it.
    folded = fold_words(_LINK_MARK.sub(" ", text)).split()
    return PageEvidence(
        url=url,
        text=text,
        words=f" {' '.join(folded)} ",
        shingles=frozenset(_shingles(folded)),
        names=frozenset(name for name in names if name),
        site=registrable_domain(_hostname(url)),
        dates=tuple(sorted(dates)),
    )


# --- company ---------------------------------------------------------------------------------


def check_company(company: str | None, page: PageEvidence) -> Checked:
    """Kept either way (an admin judges a company better than a rule), flagged if the page does
    not name it: not in its text, not its og:site_name or JSON-LD Organization, not its domain.
    """
    folded = fold_words(company)
    if not company or not folded:
        return Checked(company or None)
    if f" {folded} " in page.words:
        return Checked(company, "LLM, found in the page text")
    padded = f" {folded} "
    if any(name == folded or f" {name} " in padded or padded in f" {name} " for name in page.names):
        return Checked(company, "LLM, the site's own name")
    label = page.site.split(".")[0] if page.site and not _is_ip(page.site) else ""
    compact = label.replace("-", "")
    if len(compact) >= 3 and (compact == folded.replace(" ", "") or label in folded.split()):
        return Checked(company, "LLM, the page's domain")
    return Checked(company, "LLM, NOT on the page: check", failed=True)


# --- links -----------------------------------------------------------------------------------


def check_apply_url(value: str | None, page: PageEvidence) -> Checked:
    """An http(s) link on the page's own site or on a known ATS; anything else is dropped."""
    if value is None or not value.strip():
        return Checked(None)
    try:
        resolved = urldefrag(urljoin(page.url, value.strip())).url
        parts = urlsplit(resolved)
        host = (parts.hostname or "").rstrip(".")
        unsafe = parts.scheme not in ("http", "https") or not host or parts.username is not None
    except ValueError:  # an invalid IPv6 literal or port
        return Checked(None, "LLM, not a web link: dropped", failed=True)
    if unsafe or any(not char.isprintable() or char.isspace() for char in resolved):
        return Checked(None, "LLM, not a web link: dropped", failed=True)
    site = registrable_domain(host)
    if site and site == page.site:
        return Checked(resolved, "LLM, on the page's site")
    if is_known_ats(resolved):
        return Checked(resolved, f"LLM, a known ATS ({site})")
    return Checked(None, "LLM, another site, not a known ATS: dropped", failed=True)


def registrable_domain(host: str) -> str:
    """The part of ``host`` a company registers: "jobs.acme.co.uk" -> "acme.co.uk".

    Without the full Public Suffix List: two-letter country codes with a generic second level
    (co.uk, com.au) and hosting platforms that give customers subdomains are known; an IP or a
    single label is itself.
    """
    cleaned = host.strip().lower().rstrip(".")
    if not cleaned or _is_ip(cleaned):
        return cleaned
    labels = cleaned.split(".")
    if len(labels) <= 2:
        return cleaned
    shared = ".".join(labels[-2:]) in _SHARED_SUFFIXES
    country = len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL
    return ".".join(labels[-3:] if shared or country else labels[-2:])


def is_known_ats(url: str) -> bool:
    """The link is on an applicant tracking system's own domain."""
    return registrable_domain(_hostname(url)) in ATS_DOMAINS


# --- dates -----------------------------------------------------------------------------------


def check_dates(
    posted_at: str | None, valid_through: str | None, page: PageEvidence, today: date
) -> tuple[Checked, Checked]:
    """A posting date not after tomorrow and not before the page's own earliest date, and a
    closing date not before it; a date that breaks a rule is dropped. A text no date parser
    reads is kept as is: normalizing ignores it later, and it cannot make a job look new.
    """
    posted = _checked_posted(posted_at, page, today)
    if not valid_through or not valid_through.strip():
        return posted, Checked(None)
    closes = _resolve(valid_through, today, future=True)
    opened = _resolve(posted.value, today) if posted.value else None
    if closes is not None and opened is not None and closes < opened:
        return posted, Checked(None, "LLM, before the posting date: dropped", failed=True)
    return posted, Checked(valid_through, "LLM")


def _checked_posted(posted_at: str | None, page: PageEvidence, today: date) -> Checked:
    if not posted_at or not posted_at.strip():
        return Checked(None)
    found = _resolve(posted_at, today)
    if found is None:
        return Checked(posted_at, "LLM")
    if found > today and found - today > timedelta(days=1):
        return Checked(None, f"LLM, {found.isoformat()} is in the future: dropped", failed=True)
    if page.dates and found < page.dates[0]:
        earliest = page.dates[0].isoformat()
        return Checked(None, f"LLM, before the page's date {earliest}: dropped", failed=True)
    return Checked(posted_at, "LLM")


# --- descriptions ----------------------------------------------------------------------------


def check_description(
    description: str | None, page: PageEvidence, fallback: str | None = None
) -> Checked:
    """Kept if (almost) all of it is the page's own words: at least 90% of its word triples
    (every word, for one of fewer than three words) occur in the page text. Otherwise it is
    replaced by ``fallback`` (the page's own text, where the page is the posting's page) or
    dropped.
    """
    words = fold_words(description).split()
    if not description or not words:
        return Checked(None)
    if len(words) < _SHINGLE:
        found = sum(f" {word} " in page.words for word in words) / len(words)
    else:
        triples = _shingles(words)
        found = sum(triple in page.shingles for triple in triples) / len(triples)
    if found >= DESCRIPTION_MIN_FOUND:
        return Checked(description, "LLM, found in the page text")
    share = f"{found:.0%} found"
    if fallback:
        return Checked(fallback, f"LLM, NOT in the page text ({share}): replaced", failed=True)
    return Checked(None, f"LLM, NOT in the page text ({share}): dropped", failed=True)


def without_links(text: str) -> str:
    """The page text without the ``<https://...>`` link targets shown to the model."""
    return _LINK_MARK.sub("", text)


# --- the page's markup -----------------------------------------------------------------------


def _parse(html: str) -> Any | None:
    if not html.strip():
        return None
    parser = lxml.html.HTMLParser(encoding="utf-8")
    try:
        return lxml.html.fromstring(html.encode("utf-8", "replace"), parser=parser)
    except (lxml.etree.ParserError, ValueError):
        return None


def _markup_names(tree: Any) -> set[str]:
    names: set[str] = set()
    for meta in tree.iter("meta"):
        if (meta.get("property") or meta.get("name") or "").strip().lower() == "og:site_name":
            names.add(fold_words(meta.get("content")))
    for node in _jsonld_nodes(tree):
        types = node.get("@type")
        kinds = [types] if isinstance(types, str) else types if isinstance(types, list) else []
        is_org = any(
            isinstance(kind, str) and (kind in _ORGANIZATION_TYPES or kind.endswith(_ORG_ENDINGS))
            for kind in kinds
        )
        if is_org and isinstance(node.get("name"), str):
            names.add(fold_words(node["name"]))
        organization = node.get("hiringOrganization")
        if isinstance(organization, dict) and isinstance(organization.get("name"), str):
            names.add(fold_words(organization["name"]))
        elif isinstance(organization, str):
            names.add(fold_words(organization))
    return names


def _markup_dates(tree: Any) -> set[date]:
    texts: list[object] = []
    for meta in tree.iter("meta"):
        key = meta.get("property") or meta.get("name") or meta.get("itemprop") or ""
        if key.strip().lower() in _DATE_META:
            texts.append(meta.get("content"))
    texts += [element.get("datetime") for element in tree.iter("time")]
    for node in _jsonld_nodes(tree):
        texts += [node.get(key) for key in _DATE_KEYS]
    found = {parse_date(text) for text in texts if isinstance(text, str)}
    return {day for day in found if day is not None}


def _jsonld_nodes(tree: Any) -> Iterator[dict[str, Any]]:
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        try:
            document = json.loads(script.text or "")
        except (ValueError, RecursionError):
            continue
        yield from _nodes(document, 0)


def _nodes(value: object, depth: int) -> Iterator[dict[str, Any]]:
    if depth > _MAX_JSON_DEPTH:
        return
    if isinstance(value, dict):
        yield value
        for child in value.values():
            yield from _nodes(child, depth + 1)
    elif isinstance(value, list):
        for child in value:
            yield from _nodes(child, depth + 1)


# --- small helpers ---------------------------------------------------------------------------


def _resolve(value: str, today: date, *, future: bool = False) -> date | None:
    """``resolve_date``, or None where counting back from ``today`` leaves the calendar."""
    try:
        return resolve_date(value, today, future=future)
    except OverflowError:
        return None


def _shingles(words: list[str]) -> list[tuple[str, ...]]:
    return [tuple(words[i : i + _SHINGLE]) for i in range(len(words) - _SHINGLE + 1)]


def _hostname(url: str) -> str:
    try:
        return (urlsplit(url.strip()).hostname or "").rstrip(".")
    except ValueError:
        return ""


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True

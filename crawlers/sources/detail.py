"""A posting's own page, followed from a listing: what it adds to the listing's posting (pure).

The listing gives a title and a link; the page behind the link usually states the rest. When
that page carries a schema.org JobPosting, that is read as on any career page; otherwise its
main content is read for facts (``crawlers.facts``) and becomes the description, and the site's
company is read from its head and footer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core.jobs import Extraction, RawPosting
from crawlers.facts import COMPANY_RANKS, Fact, Facts, read_company, read_facts
from crawlers.sources.page import (
    _parse,
    _strip_chrome,
    block_lines,
    extract_structured,
    heuristic_confidence,
    label_pairs,
    looks_like_title,
    page_language,
    with_facts,
)

MAX_DESCRIPTION_CHARS = 8_000


@dataclass(frozen=True, slots=True)
class DetailPage:
    """What a posting's page says: a structured posting, or facts, company and text."""

    structured: RawPosting | None
    facts: Facts
    company: Fact | None
    description: str | None
    language: str | None


def read_detail(html: str, url: str, title: str) -> DetailPage:
    """Read a posting's page; ``title`` is the posting's title as the listing gave it."""
    structured = extract_structured(html, url)
    tree = _parse(html)
    if tree is None:
        return DetailPage(None, Facts(), None, None, None)
    language = page_language(tree)
    match = _matching(structured, title, url)
    company = read_company(tree, url, not_titles=(title,), looks_like_job=looks_like_title)
    _strip_chrome(tree, for_text=False)
    main = _main(tree)
    lines = block_lines(main) if main is not None else []
    # The title's own line says nothing more; drop it so it is not read as a fact.
    lines = [line for line in lines if line.casefold() != title.casefold()]
    pairs = label_pairs(main) if main is not None else []
    facts = read_facts(pairs + lines, language=language, where="detail page")
    description = "\n".join(lines)[:MAX_DESCRIPTION_CHARS] or None
    return DetailPage(match, facts, company, description, language)


def _matching(found: tuple[RawPosting, ...], title: str, url: str) -> RawPosting | None:
    if len(found) == 1:
        return found[0]
    folded = title.casefold()
    for posting in found:
        if posting.title.casefold() == folded or posting.url == url:
            return posting
    return None


def _main(tree: Any) -> Any | None:
    """The page's main content: <main>, else an <article>, else the body."""
    for tag in ("main", "article", "body"):
        found = tree.find(f".//{tag}")
        if found is not None:
            return found
    return tree


def _rank(fact: Fact | None) -> int:
    if fact is None:
        return len(COMPANY_RANKS)
    source = fact.source.split(" (")[0]
    return COMPANY_RANKS.index(source) if source in COMPANY_RANKS else len(COMPANY_RANKS)


def merge_detail(
    posting: RawPosting, detail: DetailPage, listing_company: Fact | None
) -> RawPosting:
    """The listing's posting completed from its own page.

    A structured JobPosting on that page wins, keeping the listing's link; otherwise the
    page's facts fill what the listing left empty, the better-ranked company wins
    (og:site_name over a <title>, a <title> over a © line) and the page's text becomes the
    description.
    """
    if detail.structured is not None:
        structured = detail.structured
        provenance = {
            name: "JSON-LD on the detail page"
            for name in ("title", "company", "locations", "employment_type", "salary", "posted_at")
            if getattr(structured, name, None)
        }
        return structured.model_copy(
            update={
                "url": structured.url or posting.url,
                "company": structured.company or posting.company,
                "provenance": {**posting.provenance, **provenance},
            }
        )
    updated = with_facts(posting, detail.facts)
    update: dict[str, Any] = {}
    provenance = dict(updated.provenance)
    if detail.company is not None and _rank(detail.company) < _rank(listing_company):
        update["company"] = detail.company.value
        provenance["company"] = f"{detail.company.source} (detail page)"
    if detail.description and not (updated.description_text or updated.description_html):
        update["description_text"] = detail.description
        provenance["description"] = "detail page text"
    if detail.language and not updated.language:
        update["language"] = detail.language
    if not update:
        return updated
    merged = updated.model_copy(update={**update, "provenance": provenance})
    if merged.extraction is Extraction.HEURISTIC:
        merged = merged.model_copy(update={"confidence": heuristic_confidence(merged)})
    return merged

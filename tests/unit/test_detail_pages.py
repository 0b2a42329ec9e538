"""Issue 14: career pages without structured data, read without an LLM (no I/O here).

Facts in words, the site's company, postings in several layouts, detail pages merged into the
listing's postings, and field accuracy over the labelled pages (expected values written before
the extractor ran) and over the schema.org fixtures. The rendered layout (cards built by a
script) needs Chromium: tests/integration/test_detail_crawl.py covers it with the rest.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import lxml.html
import pytest

from core.jobs import JobPosting, RawPosting
from core.skills import SkillTaxonomy
from crawlers.accuracy import Score, score, total
from crawlers.facts import Fact, read_company, read_facts
from crawlers.normalize import normalize
from crawlers.sources.detail import merge_detail, read_detail
from crawlers.sources.page import extract_structured, read_listing
from tests.fakes.career_site import LABELLED, labelled_sites

PAGES = LABELLED.parent
BASE = "https://site.example"
TAXONOMY = SkillTaxonomy.load()
HEURISTIC_FLOOR = 0.90
STRUCTURED_FLOOR = 0.98


def labelled(name: str) -> str:
    return (LABELLED / name).read_text(encoding="utf-8")


def facts_of(lines: list[str], language: str | None = None) -> dict[str, tuple[str, str]]:
    return {
        name: (fact.value, fact.source)
        for name, fact in read_facts(lines, language=language).found().items()
    }


# --- facts in words ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lines", "language", "expected"),
    [
        (
            ["Part-time, $18/hour · Portland, OR", "Posted November 3"],
            "en",
            {
                "employment_type": ("Part-time", "text"),
                "salary": ("$18/hour", "text"),
                "locations": ("Portland, OR", "text"),
                "posted_at": ("November 3", "text 'posted …'"),
            },
        ),
        (
            [
                "Location: Portland, OR",
                "Pay: $52,000 – $58,000 a year",
                "Apply by December 15, 2026",
            ],
            "en",
            {
                "locations": ("Portland, OR", "label 'Location'"),
                "salary": ("$52,000 – $58,000 a year", "label 'Pay'"),
                "valid_through": ("December 15, 2026", "text 'closing …'"),
            },
        ),
        (
            ["Standort: Köln", "Teilzeit (20 Std.)", "Hybrid: 2 Tage pro Woche im Homeoffice"],
            "de",
            {
                "locations": ("Köln", "label 'Standort'"),
                "employment_type": ("Teilzeit (20 Std.)", "text"),
                "workplace": ("Hybrid", "label 'Hybrid'"),
            },
        ),
        (
            ["Veröffentlicht vor 3 Tagen · Bewerbungsfrist: 15.01.2027"],
            "de",
            {
                "posted_at": ("vor 3 Tagen", "text 'posted …'"),
                "valid_through": ("15.01.2027", "text 'closing …'"),
            },
        ),
        (
            ["Ubicación: Valencia", "Media jornada (mañanas)", "Salario: 9 €/hora"],
            "es",
            {
                "locations": ("Valencia", "label 'Ubicación'"),
                "employment_type": ("Media jornada (mañanas)", "text"),
                "salary": ("9 €/hora", "label 'Salario'"),
            },
        ),
        (
            ["Publicado hace 2 días · Fecha límite: 20/12/2026"],
            "es",
            {
                "posted_at": ("hace 2 días", "text 'posted …'"),
                "valid_through": ("2026-12-20", "text 'closing …'"),  # day first in Spanish
            },
        ),
        (
            ["Remote within the UK · Part-time"],
            "en",
            {
                "locations": ("Remote within the UK", "text"),
                "employment_type": ("Part-time", "text"),
                "workplace": ("Remote", "text"),
            },
        ),
        # Prose is not a fact: a long sentence with a place and a word about hours.
        (
            [
                "We bake everything from scratch every morning in our shop in Portland and our "
                "part-time team loves it, which is why we keep hiring people like you every year."
            ],
            "en",
            {},
        ),
    ],
)
def test_facts_in_words(
    lines: list[str], language: str, expected: dict[str, tuple[str, str]]
) -> None:
    assert facts_of(lines, language) == expected


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        (
            '<head><meta property="og:site_name" content="Example Bakery">'
            "<title>Careers | Other</title></head><footer>© 2026 X Ltd.</footer>",
            Fact("Example Bakery", "og:site_name"),
        ),
        (
            '<head><script type="application/ld+json">{"@type": "Organization", '
            '"name": "Greenleaf Garden Centre"}</script><title>Work with us</title></head>',
            Fact("Greenleaf Garden Centre", "JSON-LD Organization"),
        ),
        (
            "<head><title>Karriere – Gemeinschaftspraxis Dr. Weber</title></head>",
            Fact("Gemeinschaftspraxis Dr. Weber", "<title>"),
        ),
        (
            # The <title> names the job, not the company: the © line does.
            "<head><title>Elektroniker (m/w/d)</title></head>"
            "<footer><p>© 2026 Müller Haustechnik GmbH · Venloer Str. 150</p></footer>",
            Fact("Müller Haustechnik GmbH", "© line"),
        ),
        (
            "<head><title>Stellenangebote</title></head>"
            "<footer>© 2026 Example Bakery Ltd.</footer>",
            Fact("Example Bakery Ltd.", "© line"),
        ),
        ("<head><title>Jobs</title></head><body><p>Hi</p></body>", Fact("site.example", "domain")),
    ],
)
def test_company_sources_in_order(html: str, expected: Fact) -> None:
    tree = lxml.html.fromstring(f"<html>{html}</html>")
    assert read_company(tree, BASE + "/jobs", not_titles=("Elektroniker",)) == expected


# --- layouts ---------------------------------------------------------------------------------


def test_a_list_with_details_inline() -> None:
    listing = read_listing(labelled("praxis/karriere.html"), BASE + "/karriere")

    first = listing.postings[0]
    assert [p.title for p in listing.postings] == [
        "Medizinische Fachangestellte (m/w/d)",
        "Auszubildende zur Medizinischen Fachangestellten (m/w/d)",
        "Praxismanagerin",  # one word, no "manager" as a word: an occupation all the same
    ]
    assert all(p.url is None for p in listing.postings)  # "Jetzt bewerben" is a mailto link
    assert (first.locations, first.salary_text, first.posted_at, first.valid_through) == (
        ("Leipzig",),
        "2.600 – 3.000 € brutto monatlich",
        "02.11.2026",
        "15.01.2027",
    )
    assert first.provenance == {
        "title": "heading in a card",
        "description": "card text (listing)",
        "locations": "label 'Standort' (listing)",
        "employment_type": "text (listing)",
        "salary": "label 'Vergütung' (listing)",
        "posted_at": "text 'posted …' (listing)",
        "valid_through": "text 'closing …' (listing)",
        "company": "<title> (listing)",
    }
    assert first.description_text is not None
    assert "Patientinnen" in first.description_text


def test_a_table_reads_its_columns_by_their_headers() -> None:
    listing = read_listing(labelled("hotel/empleo.html"), BASE + "/empleo")

    second = listing.postings[1]
    assert (second.title, second.url) == ("Camarera de pisos (H/M)", BASE + "/empleo/oferta-102")
    assert (second.employment_type, second.salary_text, second.posted_at) == (
        "Media jornada",
        "9,50 €/hora",
        "hace 2 días",
    )
    assert second.provenance["salary"] == "label 'Salario' (table row)"
    assert [p.posted_at for p in listing.postings] == ["2026-11-10", "hace 2 días", "2026-11-05"]


def test_navigation_and_service_links_are_not_postings() -> None:
    bakery = read_listing(labelled("bakery/careers.html"), BASE + "/careers")
    trades = read_listing(labelled("haustechnik/stellen.html"), BASE + "/stellen")

    assert [p.title for p in bakery.postings] == [
        "Pastry Baker",
        "Shift Supervisor",
        "Delivery Driver",
    ]
    assert "Meet the Bakers" not in {p.title for p in bakery.postings}  # site navigation
    # "Elektriker-Notdienst" names an occupation but links to a service page.
    assert len(trades.postings) == 3
    assert all("/stellen/" in (p.url or "") for p in trades.postings)


def test_a_detail_page_completes_the_listing_posting() -> None:
    listing = read_listing(labelled("bakery/careers.html"), BASE + "/careers")
    detail = read_detail(
        labelled("bakery/pastry-baker.html"), BASE + "/careers/pastry-baker", "Pastry Baker"
    )

    merged = merge_detail(listing.postings[0], detail, listing.company)

    assert merged.title == "Pastry Baker"
    assert (merged.employment_type, merged.salary_text, merged.locations, merged.posted_at) == (
        "Part-time",
        "$18/hour",
        ("Portland, OR",),
        "November 3",
    )
    assert (merged.company, merged.provenance["company"]) == (
        "Example Bakery",
        "og:site_name (detail page)",  # beats the listing's <title>
    )
    assert merged.provenance["salary"] == "text (detail page)"
    assert merged.description_text is not None
    assert "croissants" in merged.description_text
    assert merged.confidence > listing.postings[0].confidence


def test_a_detail_page_with_structured_data_wins() -> None:
    listing = read_listing(
        '<main><ul><li><a href="/jobs/42">Senior Backend Engineer</a></li></ul></main>',
        "https://acme.example/jobs",
    )
    html = (PAGES / "jsonld_single.html").read_text(encoding="utf-8")
    detail = read_detail(
        html, "https://acme.example/careers/jobs/be-1042", "Senior Backend Engineer"
    )

    merged = merge_detail(listing.postings[0], detail, listing.company)

    assert merged.extraction == "structured_data"
    assert merged.company == "Acme Corp"
    assert merged.provenance["salary"] == "JSON-LD on the detail page"


# --- field accuracy ----------------------------------------------------------------------------


def _static_collect(site: dict[str, Any]) -> list[RawPosting]:
    """What the crawler does for a site, without HTTP: listing, then each detail page."""
    pages = site["pages"]
    listing = read_listing(labelled(pages[site["list"]]), BASE + site["list"])
    out = []
    for posting in listing.postings:
        path = (posting.url or "").removeprefix(BASE)
        if posting.url and path in pages:
            detail = read_detail(labelled(pages[path]), posting.url, posting.title)
            posting = merge_detail(posting, detail, listing.company)
        out.append(posting)
    return out


def _normalized(raws: list[RawPosting], today: date) -> list[JobPosting]:
    return [
        job
        for raw in raws
        if isinstance(job := normalize(raw, today=today, taxonomy=TAXONOMY), JobPosting)
    ]


def test_field_accuracy_on_the_labelled_pages_without_structured_data() -> None:
    data = labelled_sites()
    today = date.fromisoformat(data["today"])
    scores = {
        site["name"]: score(
            _normalized(_static_collect(site), today), site["postings"], base_url=BASE
        )
        for site in data["sites"]
        if not site["rendered"]
    }

    overall = total(scores)
    assert overall.stated >= 100, "the labelled set must not shrink unnoticed"
    assert overall.accuracy >= HEURISTIC_FLOOR, overall.wrong
    assert {site["language"] for site in data["sites"]} == {"en", "de", "es"}


def test_field_accuracy_on_the_schema_org_fixtures() -> None:
    data = json.loads((LABELLED / "expected_structured.json").read_text(encoding="utf-8"))
    today = date.fromisoformat(data["today"])
    overall = Score()
    for name, entry in data["pages"].items():
        html = (PAGES / name).read_text(encoding="utf-8")
        postings = _normalized(list(extract_structured(html, entry["url"])), today)
        overall.add(score(postings, entry["postings"]))

    assert overall.accuracy >= STRUCTURED_FLOOR, overall.wrong


def test_the_score_counts_missing_wrong_and_extra_postings() -> None:
    labels: list[dict[str, Any]] = [
        {"title": "Baker", "company": "Bakery", "url": "/b", "salary": None},
        {"title": "Cook", "company": "Bakery", "url": "/c"},
    ]
    found = [
        JobPosting(
            source_kind="page",
            extraction="heuristic",
            title="Baker",
            company="Bakery Ltd",
            url=BASE + "/b",
        ),
        JobPosting(source_kind="page", extraction="heuristic", title="Nav Link", url=BASE + "/n"),
    ]

    result = score(found, labels, base_url=BASE, fields=("title", "company", "url"))

    # Baker: 3 of 3 right; Cook: missing, 3 wrong; Nav Link: extra, 3 wrong.
    assert (result.right, result.stated) == (3, 9)

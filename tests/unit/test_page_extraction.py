"""Career pages: schema.org JobPosting (JSON-LD, microdata), job-like links, text for the LLM."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from structlog.testing import capture_logs

from core.jobs import Extraction, RawPosting, RawSalary, SourceKind
from crawlers.sources.page import (
    extract_heuristic,
    extract_structured,
    heuristic_confidence,
    page_text,
)

PAGES = Path(__file__).parents[1] / "fixtures" / "pages"


def page(name: str) -> str:
    return (PAGES / name).read_text(encoding="utf-8")


def structured(**fields: Any) -> RawPosting:
    return RawPosting(source_kind=SourceKind.PAGE, extraction=Extraction.STRUCTURED_DATA, **fields)


def heuristic(**fields: Any) -> RawPosting:
    return RawPosting(source_kind=SourceKind.PAGE, extraction=Extraction.HEURISTIC, **fields)


def jsonld(*documents: object) -> str:
    blocks = "".join(
        f'<script type="application/ld+json">{json.dumps(d)}</script>' for d in documents
    )
    return f"<html><head>{blocks}</head><body><h1>Jobs</h1></body></html>"


def job(**fields: object) -> dict[str, object]:
    return {"@context": "https://schema.org", "@type": "JobPosting", **fields}


# --- JSON-LD ---------------------------------------------------------------------------------


def test_single_json_ld_posting_field_by_field() -> None:
    postings = extract_structured(page("jsonld_single.html"), "https://acme.example/careers/")

    assert postings == (
        structured(
            external_id="BE-1042",
            title="Senior Backend Engineer",
            company="Acme Corp",
            url="https://acme.example/careers/jobs/be-1042",
            apply_url="https://acme.example/careers/jobs/be-1042",  # directApply: true
            locations=("Berlin, DE",),
            country_codes=("DE",),
            employment_type="FULL_TIME",
            description_html=(
                "<p>Build <strong>APIs</strong> for millions of users.</p>"
                "<ul><li>Python</li><li>PostgreSQL</li></ul>"
            ),
            salary=RawSalary(minimum=70000, maximum=90000, currency="EUR", period="YEAR"),
            posted_at="2026-03-01",
            valid_through="2026-05-01T00:00",
            confidence=0.95,
        ),
    )


def test_json_ld_list_of_postings() -> None:
    postings = extract_structured(page("jsonld_list.html"), "https://globex.example/jobs")

    assert postings == (
        structured(
            title="Frontend Developer",
            company="Globex",  # hiringOrganization as a plain string
            url="https://globex.example/jobs/101",
            locations=("Amsterdam, Netherlands", "Rotterdam, Netherlands"),
            country_codes=("NL",),  # from {"@type": "Country", "name": "Netherlands"}
            employment_type="FULL_TIME, CONTRACTOR",
            posted_at="2026-02-10",
            confidence=0.95,
        ),
        structured(
            title="Data Analyst",
            company="Globex",
            url="https://globex.example/jobs/102",
            locations=("Utrecht, NL",),
            country_codes=("NL",),
            employment_type="PART_TIME",
            posted_at="2026-02-11",
            confidence=0.95,
        ),
    )


def test_graph_with_organization_and_two_postings() -> None:
    postings = extract_structured(page("jsonld_graph.html"), "https://initech.example/careers/")

    assert postings == (
        structured(
            external_id="7",
            title="Site Reliability Engineer",  # "@type": ["JobPosting", "Thing"]
            company="Initech GmbH",  # hiringOrganization: {"@id": ...} into the graph
            url="https://initech.example/careers/7",
            locations=("Hamburg, Germany",),
            country_codes=("DE",),
            posted_at="2026-04-02",
            confidence=0.95,
        ),
        structured(
            external_id="8",  # PropertyValue with a numeric value
            title="Product Manager",  # "@type": "schema:JobPosting"
            company="Initech GmbH",
            url="https://initech.example/careers/8",  # relative, resolved against the page
            locations=("Hamburg, DE",),
            country_codes=("DE",),
            posted_at="2026-04-03",
            confidence=0.95,
        ),
    )


def test_remote_posting_with_a_single_hourly_amount() -> None:
    (posting,) = extract_structured(page("jsonld_remote.html"), "https://hooli.example/jobs/")

    assert posting == structured(
        title="Customer Support Engineer",
        company="Hooli",
        url="https://hooli.example/jobs/support-42",
        locations=("EU",),  # an applicant requirement that is no country stays as text
        country_codes=("US", "CA"),
        remote=True,  # jobLocationType: TELECOMMUTE
        employment_type="CONTRACTOR",
        description_html="Help customers succeed.",
        salary=RawSalary(minimum=42.5, maximum=42.5, currency="USD", period="HOUR"),
        posted_at="2026-03-20T09:30:00Z",
        confidence=0.95,
    )


def test_german_posting() -> None:
    (posting,) = extract_structured(page("jsonld_german.html"), "https://klinikum.example/")

    assert posting == structured(
        external_id="KS-2026-117",
        title="Pflegefachkraft (m/w/d) Intensivstation & Anästhesie",  # &amp; unescaped
        company="Klinikum Schwabing",
        url="https://klinikum.example/stellen/ks-2026-117",
        locations=("München, Bayern, DE",),
        country_codes=("DE",),
        employment_type="Vollzeit",
        description_html="<p>Wir suchen Verstärkung für unser Team.</p>",  # unescaped once
        # minValue/maxValue on the MonetaryAmount itself, as German-formatted strings.
        salary=RawSalary(minimum=3800, maximum=4600, currency="EUR", period="MONTH"),
        posted_at="2026-04-01",
        language="de",
        confidence=0.95,
    )


def test_expired_posting_is_still_extracted_and_page_is_its_url() -> None:
    (posting,) = extract_structured(
        page("jsonld_expired.html"), "https://jobs.example/warehouse-operator#top"
    )

    assert posting == structured(
        title="Warehouse Operator",
        url="https://jobs.example/warehouse-operator",  # the only posting: the page itself
        locations=("Leeds, GB",),
        country_codes=("GB",),
        posted_at="2019-11-01",
        valid_through="2020-01-31",  # normalization drops it, not the extractor
        confidence=0.9,  # no hiringOrganization
    )


def test_broken_json_ld_block_does_not_hide_the_valid_one() -> None:
    with capture_logs() as logs:
        postings = extract_structured(page("jsonld_broken.html"), "https://umbrella.example/")

    assert postings == (
        structured(
            title="QA Tester",  # its block starts with a // comment
            company="Umbrella",
            url="https://umbrella.example/jobs/qa-1",
            confidence=0.95,
        ),
    )  # the untitled posting is not yielded
    assert [entry["event"] for entry in logs] == ["page.jsonld.invalid"]


def test_microdata_posting() -> None:
    (posting,) = extract_structured(page("microdata.html"), "https://stmarys.example/careers/")

    assert posting == structured(
        external_id="RN-2291",
        title="Registered Nurse (ICU)",
        company="St. Mary's Hospital",
        url="https://stmarys.example/jobs/rn-icu-2291",
        locations=("Dublin, IE",),
        country_codes=("IE",),
        employment_type="FULL_TIME",
        description_text="Join our intensive care team.",  # microdata gives text, not HTML
        salary=RawSalary(minimum=45000, maximum=58000, currency="EUR", period="YEAR"),
        posted_at="2026-01-15",
        valid_through="2026-03-15",
        confidence=0.95,
    )


def test_posting_nested_in_an_item_list_and_location_as_string() -> None:
    html = jsonld(
        {
            "@context": "https://schema.org",
            "@type": "ItemList",
            "itemListElement": [
                {
                    "@type": "ListItem",
                    "position": 1,
                    "item": job(title="Barista", jobLocation="Madrid", url="/j/1"),
                },
            ],
        }
    )

    (posting,) = extract_structured(html, "https://cafe.example/")

    assert (posting.title, posting.locations, posting.url) == (
        "Barista",
        ("Madrid",),
        "https://cafe.example/j/1",
    )


def test_several_postings_without_url_do_not_borrow_the_page_url() -> None:
    html = jsonld([job(title="Cook"), job(title="Waiter")])

    postings = extract_structured(html, "https://cafe.example/jobs")

    assert [(p.title, p.url) for p in postings] == [("Cook", None), ("Waiter", None)]


def test_same_posting_in_json_ld_and_microdata_is_yielded_once() -> None:
    html = (
        jsonld(job(title="Chef", identifier="C-1"))[: -len("</body></html>")]
        + '<div itemscope itemtype="https://schema.org/JobPosting">'
        + '<span itemprop="title">Chef</span><span itemprop="identifier">C-1</span></div>'
        + "</body></html>"
    )

    postings = extract_structured(html, "https://cafe.example/")

    assert [(p.title, p.external_id, p.description_text) for p in postings] == [
        ("Chef", "C-1", None)
    ]


def test_hostile_self_referencing_graph_does_not_crash() -> None:
    html = jsonld(
        {
            "@graph": [
                {"@id": "#a", "@type": "Organization", "name": {"@id": "#b"}},
                {"@id": "#b", "@type": "Organization", "name": {"@id": "#a"}},
                job(title="Welder", hiringOrganization={"@id": "#a"}),
            ]
        }
    )

    (posting,) = extract_structured(html, "https://x.example/")

    assert (posting.title, posting.company) == ("Welder", None)


@pytest.mark.parametrize(
    ("base_salary", "salary", "salary_text"),
    [
        (
            {"@type": "MonetaryAmount", "currency": "GBP", "value": {"value": "60,000"}},
            RawSalary(minimum=60000, maximum=60000, currency="GBP"),
            None,
        ),
        (
            {"currency": "EUR", "value": {"minValue": "3.800,50", "unitText": "MONTH"}},
            RawSalary(minimum=3800.5, currency="EUR", period="MONTH"),
            None,
        ),
        (
            {"currency": "EUR", "value": 52000},
            RawSalary(minimum=52000, maximum=52000, currency="EUR"),
            None,
        ),
        ({"currency": "EUR", "value": "€60k–75k"}, None, "€60k–75k"),
        ("competitive", None, "competitive"),
        (55000, RawSalary(minimum=55000, maximum=55000), None),
    ],
)
def test_base_salary_shapes(
    base_salary: object, salary: RawSalary | None, salary_text: str | None
) -> None:
    (posting,) = extract_structured(
        jsonld(job(title="Welder", baseSalary=base_salary)), "https://x.example/"
    )

    assert (posting.salary, posting.salary_text) == (salary, salary_text)


@pytest.mark.parametrize(
    ("direct_apply", "apply_url"),
    [
        (True, "https://x.example/jobs/9"),
        ("true", "https://x.example/jobs/9"),
        (False, None),
        ("/apply/9", "https://x.example/apply/9"),  # a link where a boolean belongs
        ("javascript:apply()", None),
    ],
)
def test_direct_apply(direct_apply: object, apply_url: str | None) -> None:
    html = jsonld(job(title="Welder", url="/jobs/9", directApply=direct_apply))

    (posting,) = extract_structured(html, "https://x.example/")

    assert posting.apply_url == apply_url


def test_json_ld_url_that_is_not_http_is_dropped() -> None:
    (posting,) = extract_structured(
        jsonld(job(title="Welder", url="javascript:alert(1)")), "https://x.example/list"
    )

    assert posting.url == "https://x.example/list"  # the page itself, not the script


@pytest.mark.parametrize(
    "html",
    [
        "",
        "   ",
        "<<<>>>",
        "not html at all",
        '<?xml version="1.0" encoding="utf-8"?><html><body><p>No jobs</p></body></html>',
    ],
)
def test_pages_without_postings(html: str) -> None:
    assert extract_structured(html, "https://x.example/") == ()
    assert extract_heuristic(html, "https://x.example/") == ()


def test_structured_extraction_ignores_pages_without_structured_data() -> None:
    assert extract_structured(page("heuristic_list.html"), "https://vandelay.example/") == ()


# --- heuristics --------------------------------------------------------------------------------


def test_heuristic_list_page() -> None:
    postings = extract_heuristic(page("heuristic_list.html"), "https://vandelay.example/jobs/")

    company = {"company": "og:site_name (listing)", "url": "link on the listing"}
    assert postings == (
        heuristic(
            title="Senior Python Developer",
            company="Vandelay Industries",  # og:site_name
            url="https://vandelay.example/jobs/4711-senior-python-developer",
            locations=("Berlin, Germany",),
            language="en",
            confidence=0.57,  # title, company, link and place: 3 of 6 core fields
            provenance={"title": "link text", "locations": "text (listing)", **company},
        ),
        heuristic(
            title="Sales Manager DACH",  # the heading inside the link, not the link's text
            company="Vandelay Industries",
            url="https://vandelay.example/jobs/4712",
            locations=("Munich",),
            language="en",
            confidence=0.57,
            provenance={"title": "heading in link", "locations": "text (listing)", **company},
        ),
        heuristic(
            title="Softwareentwickler (m/w/d) Backend",
            company="Vandelay Industries",
            url="https://vandelay.example/karriere/stellen/4713",
            language="en",
            confidence=0.48,
            provenance={"title": "link text", **company},
        ),
        heuristic(
            title="Ingeniera de Datos",
            company="Vandelay Industries",
            url="https://vandelay.example/careers/4714",  # fragment dropped
            language="en",
            confidence=0.48,
            provenance={"title": "link text", **company},
        ),
        heuristic(
            title="Registered Nurse – Night Shift",  # a card: heading + "Apply now"
            company="Vandelay Industries",
            url="https://vandelay.example/positions/8801",
            locations=("Leeds",),
            language="en",
            confidence=0.57,
            provenance={
                "title": "<h3> with 'Apply now'",
                "locations": "text (listing)",
                **company,
            },
        ),
    )


def test_heuristics_ignore_navigation_footer_and_non_postings() -> None:
    postings = extract_heuristic(page("heuristic_list.html"), "https://vandelay.example/jobs/")
    urls = {p.url for p in postings}

    assert not {u for u in urls if u and ("blog" in u or "imprint" in u or "search" in u)}
    assert "https://vandelay.example/careers/" not in urls  # a listing, not a posting
    assert "https://vandelay.example/careers/engineering-team" not in urls  # page header
    assert all(p.url and p.url.startswith("https://") for p in postings)  # no mailto/javascript


def test_page_with_only_navigation_links_yields_nothing() -> None:
    assert extract_heuristic(page("nav_only.html"), "https://kramerica.example/careers/") == ()


def test_heuristic_confidence_grows_with_the_core_fields_found() -> None:
    html = '<main><p><a href="/jobs/senior-welder">Senior Welder Technician</a></p></main>'

    (posting,) = extract_heuristic(html, "https://x.example/")

    assert posting.extraction is Extraction.HEURISTIC
    assert (posting.company, posting.provenance["company"]) == ("x.example", "domain (listing)")
    assert posting.confidence == 0.48  # company (the domain) and link: 2 of 6
    full = posting.model_copy(
        update={
            "locations": ("Leeds",),
            "employment_type": "Full-time",
            "salary_text": "£30,000",
            "posted_at": "today",
        }
    )
    assert heuristic_confidence(full) == 0.85  # every core field: still under auto-approval
    bare = posting.model_copy(update={"company": None, "url": None})
    assert heuristic_confidence(bare) == 0.3


# --- page text -------------------------------------------------------------------------------


def test_page_text_is_visible_content_only() -> None:
    text = page_text(page("heuristic_list.html"))

    assert "Senior Python Developer" in text
    assert "Registered Nurse – Night Shift" in text
    for hidden in ("dataLayer", "margin", "All Jobs", "Developer Jobs", "Imprint", "Privacy"):
        assert hidden not in text  # script, style, nav, footer
    assert "  " not in text
    assert "\n\n" not in text
    assert text == text.strip()


def test_page_text_leaves_out_hidden_elements_and_can_show_links() -> None:
    text = page_text(page("injection.html"), base_url="https://pendant.example/careers")

    assert "Copy Editor" in text
    assert "Apply <https://pendant.example/jobs/copy-editor-17>" in text
    assert "IGNORE PREVIOUS INSTRUCTIONS" in text  # visible: the LLM extractor must cope
    assert "evil.example" not in text  # display: none
    assert "in a script" not in text
    assert "https://pendant.example/about" not in text  # navigation


def test_page_text_limit() -> None:
    html = "<p>" + "word " * 10_000 + "</p>"

    text = page_text(html, limit=1000)

    assert len(text) <= 1000
    assert text.endswith("word")


def test_page_text_of_nothing() -> None:
    assert page_text("") == ""
    assert page_text("<html><body><nav>Menu</nav></body></html>") == ""

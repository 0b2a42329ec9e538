"""Dedupe as tables: URLs that are one page, postings that are one job, texts that are one text."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from core.domain import Seniority, WorkMode
from core.jobs import (
    EmploymentType,
    Extraction,
    JobPosting,
    Location,
    Salary,
    SalaryPeriod,
    SourceKind,
)
from crawlers.dedupe import (
    PERMUTATIONS,
    REVISION_FIELDS,
    canonical_url,
    changed_fields,
    fingerprint,
    is_near_duplicate,
    similarity,
    text_signature,
)

BERLIN = Location(city="Berlin", country="DE", raw="Berlin, Germany")
MUNICH = Location(city="Munich", region="Bayern", country="DE", raw="München")


def job(**fields: Any) -> JobPosting:
    values: dict[str, Any] = {
        "source_kind": SourceKind.GREENHOUSE,
        "extraction": Extraction.ATS_API,
        "title": "Senior Backend Engineer",
        "company": "Acme GmbH",
        "locations": (BERLIN,),
    }
    return JobPosting(**(values | fields))


# --- canonical URLs ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "https://www.Example.com/jobs/123/?utm_source=x&b=2&a=1&gh_src=abc#apply",
            "https://example.com/jobs/123?a=1&b=2",
        ),
        (
            "http://boards.greenhouse.io/acme/jobs/1?gh_jid=1&gh_src=li",
            "https://boards.greenhouse.io/acme/jobs/1?gh_jid=1",
        ),
        (
            "https://jobs.lever.co/acme/abc-def/?lever-source=LinkedIn&lever-origin=applied",
            "https://jobs.lever.co/acme/abc-def",
        ),
        (
            "https://acme.com/job?id=7&ref=homepage&source=indeed&fbclid=x&gclid=y&UTM_Medium=z",
            "https://acme.com/job?id=7",
        ),
        ("https://acme.com/job?_hsenc=a&_hsmi=b&mc_cid=c&msclkid=d", "https://acme.com/job"),
        ("https://acme.com/job?z=1&a=2&m=", "https://acme.com/job?a=2&m=&z=1"),
        ("https://acme.com/search?q=a b&q2=a%20b", "https://acme.com/search?q=a+b&q2=a+b"),
        ("HTTPS://ACME.COM/Jobs/Backend", "https://acme.com/Jobs/Backend"),  # paths keep case
        ("https://acme.com:443/jobs/", "https://acme.com/jobs"),
        ("http://acme.com:80/jobs", "https://acme.com/jobs"),
        ("https://acme.com:8443/jobs", "https://acme.com:8443/jobs"),
        ("https://user:secret@acme.com/jobs", "https://acme.com/jobs"),
        ("https://acme.com.", "https://acme.com"),
        ("https://acme.com/", "https://acme.com"),
        ("acme.com/jobs/", "https://acme.com/jobs"),
        ("www.acme.com/jobs?utm_campaign=x", "https://acme.com/jobs"),
        ("https://careers.acme.com/#/job/42", "https://careers.acme.com#/job/42"),
        ("https://careers.acme.com/#!/job/42", "https://careers.acme.com#!/job/42"),
        ("https://bücher.de/jobs", "https://bücher.de/jobs"),
        ("http://[::1]:8080/x/", "https://[::1]:8080/x"),
        ("  https://acme.com/jobs  ", "https://acme.com/jobs"),
        ("mailto:jobs@acme.com", "mailto:jobs@acme.com"),
        ("/jobs/42", "/jobs/42"),
        ("not a url", "not a url"),
        ("http://[::1", "http://[::1"),
        ("", ""),
    ],
)
def test_canonical_url(url: str, expected: str) -> None:
    assert canonical_url(url) == expected


def test_canonical_url_is_idempotent() -> None:
    once = canonical_url("http://www.acme.com/jobs/?b=2&a=1&utm_source=x#top")
    assert canonical_url(once) == once


# --- fingerprints ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ({"title": "Senior Backend Engineer (m/w/d)"}, {"title": "Senior Backend Engineer"}),
        ({"title": "Sr. Backend Engineer"}, {"title": "Senior Backend-Engineer"}),
        ({"title": "SENIOR backend engineer"}, {"title": "Senior  Backend Engineer"}),
        ({"title": "Softwareentwickler*in"}, {"title": "Softwareentwickler:in"}),
        ({"title": "Softwareentwickler/-in"}, {"title": "Softwareentwickler"}),
        ({"title": "Geschäftsführer"}, {"title": "Geschaeftsfuehrer"}),
        ({"title": "Diseñador Gráfico"}, {"title": "Disenador Grafico"}),
        ({"company": "Acme GmbH"}, {"company": "ACME"}),
        ({"company": "Acme GmbH & Co. KG"}, {"company": "Acme"}),
        ({"company": "Acme, Inc."}, {"company": "acme inc"}),
        ({"company": "Acme S.L."}, {"company": "ACME SL"}),
        ({"company": "Müller AG"}, {"company": "Mueller"}),
        ({"locations": (BERLIN, MUNICH)}, {"locations": (MUNICH, BERLIN)}),
        (
            {"locations": (BERLIN,)},
            {"locations": (Location(city="Berlin", country="DE", raw="Berlin"),)},
        ),
        (
            {"locations": (), "work_mode": WorkMode.REMOTE},
            {"locations": (Location(raw="Remote"),)},
        ),
        # what is not part of the identity
        ({"url": "https://a.example/1"}, {"url": "https://b.example/2"}),
        ({"description_md": "one text"}, {"description_md": "another"}),
        ({"source_kind": SourceKind.LEVER}, {"source_kind": SourceKind.PAGE}),
    ],
)
def test_same_fingerprint(a: dict[str, Any], b: dict[str, Any]) -> None:
    assert fingerprint(job(**a)) == fingerprint(job(**b))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ({"title": "Senior Backend Engineer"}, {"title": "Junior Backend Engineer"}),
        ({"title": "Senior Backend Engineer"}, {"title": "Backend Engineer"}),
        ({"title": "C++ Developer"}, {"title": "C Developer"}),
        ({"title": "C# Developer"}, {"title": "C Developer"}),
        ({"company": "Acme"}, {"company": "Acme Labs"}),
        ({"company": "Acme"}, {"company": None}),
        ({"locations": (BERLIN,)}, {"locations": (MUNICH,)}),
        (
            {"locations": (Location(country="DE"),)},
            {"locations": (Location(country="AT"),)},
        ),
        ({"locations": (BERLIN,)}, {"locations": (), "work_mode": WorkMode.REMOTE}),
    ],
)
def test_different_fingerprint(a: dict[str, Any], b: dict[str, Any]) -> None:
    assert fingerprint(job(**a)) != fingerprint(job(**b))


def test_fingerprint_is_stable_across_releases() -> None:
    # Stored with every job: changing how it is computed orphans every stored fingerprint.
    assert fingerprint(job()) == "8943942929e8979231bd23ef1ebdab0e"
    assert fingerprint(job(company=None, title="", locations=())) == (
        "0cc3e55864080de7a268bbd4890cc6ae"
    )


# --- near duplicates ---------------------------------------------------------------------------

ABOUT = """
## About Acme
Acme builds software that helps logistics companies plan routes, track parcels and keep
promises to their customers. We are 180 people in Berlin, Munich and Madrid, profitable since
2019, and we care about calm work, written communication and shipping small changes often.

## What we offer
- A salary between 70,000 and 90,000 EUR, reviewed every year
- 30 days of holiday plus your birthday off
- A learning budget of 2,000 EUR per year and two conference trips
- Hybrid work: come to the office two days a week, the rest is up to you
- A Deutschlandticket, a bike leasing offer and lunch on Thursdays
"""

BACKEND = """
## Your role
As a backend engineer in our routing team you will design and build the services that turn
millions of delivery stops into efficient tours every night. You will own features from the
first sketch to production, work closely with product managers and data scientists, and help
us keep our platform reliable as it grows tenfold over the next two years.

## What you will do
- Build and run Python services on Kubernetes, with PostgreSQL and Kafka behind them
- Improve the performance of our route optimisation pipeline and measure every change
- Review code, write design documents and mentor two junior engineers
- Take part in a relaxed on-call rotation, one week in eight, with a paid stand-by allowance

## What you bring
- Five or more years of building backend systems in Python, Go or Java
- Solid knowledge of relational databases, indexing and query planning
- Experience with distributed systems, queues and the trade-offs they force on you
- Clear written English; German is a plus but not required
"""

FRONTEND = """
## Your role
As a frontend engineer in our customer experience team you will shape the web app that
dispatchers use all day long to see their fleet, move stops between drivers and talk to
customers. You will work with our designers on every screen, make the app fast on cheap
laptops in depots, and care about accessibility as much as we do.

## What you will do
- Build features in TypeScript and React, tested with Playwright and Storybook
- Turn Figma designs into accessible, responsive components for our design system
- Work with backend engineers on the APIs your screens need, in GraphQL
- Measure what dispatchers do and remove the clicks they do not need

## What you bring
- Three or more years of building web applications with a modern framework
- A sharp eye for interaction details and a habit of testing with real users
- Experience with state management, caching and offline-first patterns
- Clear written English; Spanish is a plus for our team in Madrid
"""

# The same posting a week later: two words changed, one line added. Each edited word costs a
# 270-word text about 3.5 points of similarity, so four or five edits reach the threshold.
BACKEND_REPOSTED = (
    BACKEND.replace("tenfold", "ten times")
    .replace("two junior engineers", "three junior engineers")
    .replace("## What you bring", "## What you bring\n- Start date: as soon as possible")
)


def test_a_reposted_description_is_a_near_duplicate() -> None:
    old, new = text_signature(ABOUT + BACKEND), text_signature(ABOUT + BACKEND_REPOSTED)
    assert similarity(old, new) >= 0.85
    assert is_near_duplicate(old, new)


def test_two_jobs_of_one_company_are_not_near_duplicates() -> None:
    backend, frontend = text_signature(ABOUT + BACKEND), text_signature(ABOUT + FRONTEND)
    assert similarity(backend, frontend) < 0.85
    assert not is_near_duplicate(backend, frontend)


def test_formatting_case_and_punctuation_do_not_count() -> None:
    markdown = "## Your Role\n\n- Build **Python** services, on Kubernetes!\n- Review code."
    plain = "your role build python services on kubernetes review code"
    assert similarity(text_signature(markdown), text_signature(plain)) == 1.0


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("same words in the same order here", "same words in the same order here", 1.0),
        ("short", "short", 1.0),
        ("short", "other", 0.0),
        ("", "something", 0.0),
        ("", "", 0.0),
        ("  \n ", "...", 0.0),
    ],
)
def test_similarity_edges(a: str, b: str, expected: float) -> None:
    assert similarity(text_signature(a), text_signature(b)) == expected


def test_signature_shape() -> None:
    signature = text_signature(ABOUT)
    assert len(signature) == PERMUTATIONS
    assert all(0 <= value < 2**32 for value in signature)
    assert text_signature(ABOUT) == signature  # deterministic, no per-process hash seed
    assert text_signature("") == ()
    assert text_signature("!!! ???") == ()


def test_signature_is_stable_across_releases() -> None:
    # Stored with every job and compared with signatures made by later releases.
    assert text_signature("hello world")[:3] == (982604272, 1910824220, 2354026118)


def test_signatures_of_different_lengths_are_refused() -> None:
    with pytest.raises(ValueError, match="cannot be compared"):
        similarity((1, 2, 3), (1, 2))


def test_threshold_is_a_parameter() -> None:
    backend, frontend = text_signature(ABOUT + BACKEND), text_signature(ABOUT + FRONTEND)
    assert is_near_duplicate(backend, frontend, threshold=0.0)
    assert not is_near_duplicate(backend, backend, threshold=1.01)


# --- revisions ---------------------------------------------------------------------------------

SALARY = Salary(
    minimum=60_000,
    maximum=75_000,
    currency="EUR",
    period=SalaryPeriod.YEAR,
    annual_minimum=60_000,
    annual_maximum=75_000,
)


@pytest.mark.parametrize(
    ("update", "expected"),
    [
        ({}, ()),
        ({"title": "Staff Backend Engineer"}, ("title",)),
        ({"title": "  Senior  Backend   Engineer "}, ()),
        ({"locations": (BERLIN, MUNICH)}, ("locations",)),
        ({"locations": (Location(city="Berlin", country="DE", raw="Berlin"),)}, ()),
        ({"work_mode": WorkMode.REMOTE}, ("work_mode",)),
        ({"salary": SALARY.model_copy(update={"maximum": 80_000})}, ("salary",)),
        ({"salary": None}, ("salary",)),
        ({"employment_type": EmploymentType.CONTRACT}, ("employment_type",)),
        ({"seniority": Seniority.LEAD}, ("seniority",)),
        ({"description_md": "We build routing  software.\n\n\nJoin us! "}, ()),
        ({"description_md": "We build routing software. Join us today!"}, ("description_md",)),
        ({"valid_through": date(2027, 1, 31)}, ("valid_through",)),
        # not revisions: where we found it, what it is called internally
        ({"url": "https://example.com/other"}, ()),
        ({"skills": ("Go",)}, ()),
        ({"confidence": 0.5}, ()),
        (
            {"title": "Lead Engineer", "seniority": Seniority.LEAD, "valid_through": None},
            ("title", "seniority", "valid_through"),
        ),
    ],
)
def test_changed_fields(update: dict[str, Any], expected: tuple[str, ...]) -> None:
    old = job(
        locations=(BERLIN,),
        work_mode=WorkMode.HYBRID,
        salary=SALARY,
        employment_type=EmploymentType.FULL_TIME,
        seniority=Seniority.SENIOR,
        description_md="We build routing software.\n\nJoin us!",
        valid_through=date(2026, 12, 31),
        skills=("Python",),
    )
    assert changed_fields(old, old.model_copy(update=update)) == expected


def test_changed_fields_lists_every_revision_field_in_order() -> None:
    old = job()
    new = job(
        title="Other",
        locations=(MUNICH,),
        work_mode=WorkMode.ONSITE,
        salary=SALARY,
        employment_type=EmploymentType.PART_TIME,
        seniority=Seniority.JUNIOR,
        description_md="text",
        valid_through=date(2027, 1, 1),
    )
    assert changed_fields(old, new) == REVISION_FIELDS

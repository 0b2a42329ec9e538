"""Crawling end to end: real HTTP on loopback, real Chromium, the embedded MongoDB, a real worker.

The crawler is built from the real pieces (HttpFetcher, PageRenderer, Ingestor, the Mongo
repositories) with a clock the tests move. ATS boards come from a fake job-board API serving the
recorded replies under the real paths; career pages from the fixture career site.
"""

from __future__ import annotations

import asyncio
import copy
import json
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from arq import Retry

from core.domain import WorkMode
from core.errors import TransientError
from core.jobs import (
    EmploymentType,
    Extraction,
    JobStatus,
    Location,
    SalaryPeriod,
    Source,
    SourceKind,
    StoredJob,
)
from core.settings import CrawlSettings
from core.skills import SkillTaxonomy
from core.store.documents import JobDoc
from core.store.ingest import MongoJobRepository, MongoSourceRepository
from crawlers.crawl import Crawler, CrawlResult, Outcome
from crawlers.fetch import HttpFetcher
from crawlers.ingest import Ingestor
from crawlers.llm import LlmExtractor
from crawlers.render import PageRenderer
from tests.conftest import fresh_database
from tests.fakes.ats_api import FakeAtsApi, load_fixture
from tests.fakes.career_site import DEFAULT_JOBS, CareerSite
from tests.fakes.chat_model import ScriptedChatModel, tool_call_message
from webhooks.runtime import Runtime
from webhooks.worker import (
    MAX_TRIES,
    build_worker,
    crawl_source,
    enqueue_due_sources,
    stop_worker,
)

# One event loop, one Chromium, one career site and one fake ATS API for the module (each test
# resets the servers and gets a database of its own).
pytestmark = [pytest.mark.integration, pytest.mark.asyncio(loop_scope="module")]

PAGES = Path(__file__).resolve().parent.parent / "fixtures" / "pages"
START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)  # all fixture pages current but the expired one
GH_BACKEND_URL = "https://job-boards.greenhouse.io/acme/jobs/4812345002"
GH_CSM_URL = "https://job-boards.greenhouse.io/acme/jobs/4812346003"


def page_fixture(name: str) -> str:
    return (PAGES / name).read_text(encoding="utf-8")


def crawl_settings(**overrides: Any) -> CrawlSettings:
    values: dict[str, Any] = {
        "allow_loopback": True,
        "per_domain_delay_s": 0.0,
        "request_timeout_s": 5.0,
        "page_timeout_s": 5.0,
        "breaker_failures": 3,
        "breaker_pause_s": 2 * 3600,  # longer than a source's interval
    }
    values.update(overrides)
    return CrawlSettings.model_validate(values)


def job_posting(title: str, company: str, city: str, country: str, url: str) -> dict[str, Any]:
    return {
        "@context": "https://schema.org",
        "@type": "JobPosting",
        "title": title,
        "hiringOrganization": {"@type": "Organization", "name": company},
        "jobLocation": {
            "@type": "Place",
            "address": {
                "@type": "PostalAddress",
                "addressLocality": city,
                "addressCountry": country,
            },
        },
        "datePosted": "2026-02-20",
        "url": url,
    }


def jsonld_page(*postings: dict[str, Any]) -> str:
    blocks = "".join(
        f'<script type="application/ld+json">{json.dumps(posting)}</script>' for posting in postings
    )
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>Careers</title>"
        f"{blocks}</head><body><h1>Careers</h1></body></html>"
    )


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@dataclass
class Rig:
    """A crawler of real parts, its clock and the stores it writes to."""

    crawler: Crawler
    clock: Clock
    sources: MongoSourceRepository
    jobs: MongoJobRepository

    async def add(
        self, kind: SourceKind, locator: str, *, trusted: bool = False, name: str = "acme"
    ) -> Source:
        source = Source(
            id=uuid.uuid4().hex[:6],
            kind=kind,
            locator=locator,
            name=name,
            trusted=trusted,
            created_at=self.clock(),
        )
        return await self.sources.add(source)

    async def source(self, source_id: str) -> Source:
        source = await self.sources.get(source_id)
        assert source is not None
        return source

    async def crawl(self, source: Source, *, later_min: float = 61) -> CrawlResult:
        """Crawl once, ``later_min`` minutes after the previous step (the source is due)."""
        self.clock.advance(minutes=later_min)
        return await self.crawler.crawl(source.id)

    async def all_jobs(self) -> list[StoredJob]:
        cursor = JobDoc.collection().find({}, {"_id": 1}).sort("first_seen_at", 1)
        ids = [raw["_id"] async for raw in cursor]
        return [job for job_id in ids if (job := await self.jobs.get(job_id)) is not None]

    async def job_by_title(self, title: str) -> StoredJob:
        matches = [job for job in await self.all_jobs() if job.posting.title == title]
        assert len(matches) == 1, [job.posting.title for job in await self.all_jobs()]
        return matches[0]


RigFactory = Callable[..., Rig]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def running_site() -> AsyncIterator[CareerSite]:
    async with CareerSite() as running:
        yield running


@pytest_asyncio.fixture(loop_scope="module")
async def site(running_site: CareerSite) -> CareerSite:
    running_site.reset()
    return running_site


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def running_api() -> AsyncIterator[FakeAtsApi]:
    async with FakeAtsApi() as running:
        yield running


@pytest_asyncio.fixture(loop_scope="module")
async def api(running_api: FakeAtsApi) -> FakeAtsApi:
    running_api.reset()
    return running_api


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def renderer() -> AsyncIterator[PageRenderer]:
    async with PageRenderer(crawl_settings()) as shared:
        yield shared


@pytest.fixture(scope="module")
def taxonomy() -> SkillTaxonomy:
    return SkillTaxonomy.load()


@pytest_asyncio.fixture(loop_scope="module")
async def store(mongodb_url: str) -> AsyncIterator[None]:
    """A fresh database on the embedded MongoDB, bound to the collection specs."""
    async with fresh_database(mongodb_url):
        yield


@pytest_asyncio.fixture(loop_scope="module")
async def make_rig(
    store: None, api: FakeAtsApi, renderer: PageRenderer, taxonomy: SkillTaxonomy
) -> AsyncIterator[RigFactory]:
    fetchers: list[HttpFetcher] = []

    def make(
        *,
        render: bool = True,
        llm: LlmExtractor | None = None,
        resolver: Callable[[str], Awaitable[Sequence[str]]] | None = None,
        **overrides: Any,
    ) -> Rig:
        settings = crawl_settings(ats_base_urls=api.base_urls, **overrides)
        extra: dict[str, Any] = {} if resolver is None else {"resolver": resolver}
        fetcher = HttpFetcher(settings, attempts=2, backoff_s=0.01, backoff_max_s=0.02, **extra)
        fetchers.append(fetcher)
        clock = Clock(START)
        sources, jobs = MongoSourceRepository(), MongoJobRepository()
        crawler = Crawler(
            fetcher=fetcher,
            sources=sources,
            ingestor=Ingestor(jobs, taxonomy, settings.auto_approve_confidence),
            settings=settings,
            clock=clock,
            renderer=renderer if render else None,
            llm=llm,
        )
        return Rig(crawler, clock, sources, jobs)

    yield make
    for fetcher in fetchers:
        await fetcher.close()


@pytest.fixture
def rig(make_rig: RigFactory) -> Rig:
    return make_rig()


# --- ATS boards ----------------------------------------------------------------------------


async def test_a_trusted_greenhouse_board_becomes_approved_normalized_jobs(
    rig: Rig, api: FakeAtsApi
) -> None:
    path = api.greenhouse("acme", load_fixture("greenhouse_board.json"))
    source = await rig.add(SourceKind.GREENHOUSE, "acme", trusted=True)

    result = await rig.crawl(source)

    assert result.outcome is Outcome.CRAWLED
    assert result.requests == 1
    assert [(r.path, r.query) for r in api.requests] == [
        (path, "content=true&pay_transparency=true")
    ]
    jobs = await rig.all_jobs()
    assert sorted(result.report.created) == sorted(job.id for job in jobs)
    assert len(jobs) == 3  # the fourth posting on the board has no title
    assert result.report.approved == result.report.created
    assert {job.status for job in jobs} == {JobStatus.APPROVED}
    assert {job.review_reason for job in jobs} == {None}

    backend = await rig.job_by_title("Senior Backend Engineer, Payments")
    posting = backend.posting
    assert backend.source_ids == (source.id,)
    assert backend.revision == 1
    assert backend.canonical_url == GH_BACKEND_URL
    assert posting.extraction is Extraction.ATS_API
    assert posting.company == "Acme Robotics"
    assert posting.locations[0] == Location(city="Berlin", country="DE", raw="Berlin, Germany")
    assert posting.work_mode is WorkMode.HYBRID
    assert posting.employment_type is EmploymentType.FULL_TIME
    assert posting.salary is not None
    assert (posting.salary.minimum, posting.salary.maximum) == (85_000, 110_000)
    assert (posting.salary.currency, posting.salary.period) == ("EUR", SalaryPeriod.YEAR)
    assert {"Go", "PostgreSQL", "Kafka"} <= set(posting.skills)
    assert "&lt;" not in posting.description_md  # Greenhouse's extra escaping undone

    csm = await rig.job_by_title("Customer Success Manager DACH")  # (m/w/d) dropped
    assert [(loc.city, loc.country) for loc in csm.posting.locations] == [("Munich", "DE")]

    stored = await rig.source(source.id)
    assert stored.jobs_count == 3
    assert stored.last_crawl_at == rig.clock()
    assert stored.next_crawl_at == rig.clock() + timedelta(minutes=source.interval_minutes)
    assert stored.validators.etag is not None


async def test_an_untrusted_lever_site_waits_for_review_with_a_reason(
    rig: Rig, api: FakeAtsApi
) -> None:
    api.lever("acme", load_fixture("lever_postings.json"))
    source = await rig.add(SourceKind.LEVER, "acme", trusted=False)

    result = await rig.crawl(source)

    jobs = await rig.all_jobs()
    assert jobs
    assert result.report.approved == []
    assert sorted(result.report.pending) == sorted(job.id for job in jobs)
    assert {(job.status, job.review_reason) for job in jobs} == {
        (JobStatus.PENDING_REVIEW, "source not trusted")
    }
    platform = await rig.job_by_title("Senior Platform Engineer")
    assert platform.posting.confidence == 1.0  # a confident parse: only trust was missing
    assert platform.posting.salary is not None
    assert platform.posting.salary.currency == "USD"
    assert platform.posting.work_mode is WorkMode.HYBRID
    assert {loc.city for loc in platform.posting.locations} == {"San Francisco", "New York"}


async def test_smartrecruiters_pages_through_the_list_and_reads_each_detail(
    rig: Rig, api: FakeAtsApi
) -> None:
    first, last = (
        load_fixture("smartrecruiters_list_first.json"),
        load_fixture("smartrecruiters_list_last.json"),
    )
    summaries = [first["content"][0], *last["content"]]  # one summary there has no id
    details = {
        detail["id"]: detail
        for detail in map(
            load_fixture,
            [
                "smartrecruiters_detail_full.json",
                "smartrecruiters_detail_inactive.json",
                "smartrecruiters_detail_remote.json",
                "smartrecruiters_detail_minimal.json",
            ],
        )
    }
    path = api.smartrecruiters("AcmeGroup", summaries, details, page_size=2)
    source = await rig.add(SourceKind.SMARTRECRUITERS, "AcmeGroup", trusted=True)

    result = await rig.crawl(source)

    lists = [r.query for r in api.requests_for(path)]
    assert lists == ["limit=100&offset=0", "limit=2&offset=2", "limit=2&offset=4"]
    detail_paths = {r.path for r in api.requests if r.path != path}
    assert detail_paths == {f"{path}/{posting_id}" for posting_id in details}
    assert result.requests == len(api.requests) == 7
    jobs = await rig.all_jobs()
    # The inactive posting (unpublished between list and detail) is not stored.
    assert sorted(job.posting.title for job in jobs) == [
        "Apprentice Mechatronics Technician",
        "Senior Mechanical Engineer",
        "Welding Robot Programmer",
    ]
    mechanical = await rig.job_by_title("Senior Mechanical Engineer")
    assert mechanical.posting.external_id == "744000083921456"
    assert mechanical.posting.work_mode is WorkMode.HYBRID
    assert mechanical.posting.locations[0].city == "Stuttgart"
    assert mechanical.posting.salary is not None
    assert (mechanical.posting.salary.minimum, mechanical.posting.salary.maximum) == (
        72_000,
        85_000,
    )
    welding = await rig.job_by_title("Welding Robot Programmer")
    assert welding.posting.work_mode is WorkMode.REMOTE
    assert welding.posting.employment_type is EmploymentType.CONTRACT


async def test_a_posting_gone_between_list_and_detail_does_not_fail_the_board(
    rig: Rig, api: FakeAtsApi
) -> None:
    first = load_fixture("smartrecruiters_list_first.json")["content"][:2]
    detail = load_fixture("smartrecruiters_detail_full.json")
    assert first[0]["id"] == detail["id"]
    path = api.smartrecruiters("AcmeGroup", first, {detail["id"]: detail})  # no second detail
    source = await rig.add(SourceKind.SMARTRECRUITERS, "AcmeGroup", trusted=True)

    result = await rig.crawl(source)

    assert result.outcome is Outcome.CRAWLED
    assert [r.status for r in api.requests_for(f"{path}/{first[1]['id']}")] == [404]
    assert [job.posting.external_id for job in await rig.all_jobs()] == [detail["id"]]
    assert (await rig.source(source.id)).consecutive_failures == 0


async def test_a_smartrecruiters_place_with_a_region_code_stays_in_its_country(
    rig: Rig, api: FakeAtsApi
) -> None:
    detail = load_fixture("smartrecruiters_detail_full.json")
    summary = load_fixture("smartrecruiters_list_first.json")["content"][0]
    api.smartrecruiters("AcmeGroup", [summary], {detail["id"]: detail})
    source = await rig.add(SourceKind.SMARTRECRUITERS, "AcmeGroup", trusted=True)

    await rig.crawl(source)

    (job,) = await rig.all_jobs()
    assert [(loc.city, loc.country) for loc in job.posting.locations] == [("Stuttgart", "DE")]


@pytest.mark.parametrize("kind", [SourceKind.GREENHOUSE, SourceKind.SMARTRECRUITERS])
async def test_an_unchanged_board_costs_one_request_and_changes_nothing(
    rig: Rig, api: FakeAtsApi, kind: SourceKind
) -> None:
    if kind is SourceKind.GREENHOUSE:
        api.greenhouse("acme", load_fixture("greenhouse_board.json"))
        source = await rig.add(kind, "acme", trusted=True)
    else:
        detail = load_fixture("smartrecruiters_detail_full.json")
        summary = load_fixture("smartrecruiters_list_first.json")["content"][0]
        api.smartrecruiters("acme", [summary], {detail["id"]: detail})
        source = await rig.add(kind, "acme", trusted=True)
    first = await rig.crawl(source)
    assert first.report.created
    before = await rig.all_jobs()
    etag = (await rig.source(source.id)).validators.etag
    sent = len(api.requests)

    again = await rig.crawl(source)

    assert again.outcome is Outcome.UNCHANGED
    assert again.requests == 1
    (request,) = api.requests[sent:]
    assert request.headers["if-none-match"] == etag
    assert request.status == 304
    assert (again.report.created, again.report.revised, again.report.closed) == ([], [], 0)
    assert await rig.all_jobs() == before
    stored = await rig.source(source.id)
    assert stored.last_crawl_at == rig.clock()
    assert stored.validators.etag == etag


# --- career pages --------------------------------------------------------------------------


async def test_a_jsonld_graph_page_yields_its_postings(rig: Rig, site: CareerSite) -> None:
    site.add_page("/careers", page_fixture("jsonld_graph.html"))
    source = await rig.add(SourceKind.PAGE, site.url("/careers"), trusted=True)

    result = await rig.crawl(source)

    assert result.outcome is Outcome.CRAWLED
    assert [r.path for r in site.requests] == ["/robots.txt", "/careers"]  # no rendering
    jobs = await rig.all_jobs()
    assert sorted(job.posting.title for job in jobs) == [
        "Product Manager",
        "Site Reliability Engineer",
    ]
    for job in jobs:
        assert job.posting.extraction is Extraction.STRUCTURED_DATA
        assert job.posting.company == "Initech GmbH"  # resolved through the @graph reference
        assert [(loc.city, loc.country) for loc in job.posting.locations] == [("Hamburg", "DE")]
        assert job.status is JobStatus.APPROVED  # trusted, confidence 0.95
    manager = await rig.job_by_title("Product Manager")
    assert manager.posting.url == site.url("/careers/8")  # relative URL resolved


async def test_a_microdata_page_yields_its_posting(rig: Rig, site: CareerSite) -> None:
    site.add_page("/nurses", page_fixture("microdata.html"))
    source = await rig.add(SourceKind.PAGE, site.url("/nurses"), trusted=True)

    await rig.crawl(source)

    (job,) = await rig.all_jobs()
    posting = job.posting
    assert posting.title == "Registered Nurse (ICU)"
    assert posting.company == "St. Mary's Hospital"
    assert posting.extraction is Extraction.STRUCTURED_DATA
    assert [(loc.city, loc.country) for loc in posting.locations] == [("Dublin", "IE")]
    assert posting.salary is not None
    assert (posting.salary.minimum, posting.salary.maximum, posting.salary.currency) == (
        45_000,
        58_000,
        "EUR",
    )
    assert posting.url == site.url("/jobs/rn-icu-2291")
    assert job.status is JobStatus.APPROVED


async def test_a_plain_list_page_is_read_by_heuristics_and_waits_for_review(
    rig: Rig, site: CareerSite
) -> None:
    site.add_page("/careers", page_fixture("heuristic_list.html"))
    source = await rig.add(SourceKind.PAGE, site.url("/careers"), trusted=True)

    result = await rig.crawl(source)

    jobs = await rig.all_jobs()
    assert {job.posting.title for job in jobs} >= {"Senior Python Developer", "Sales Manager DACH"}
    assert "Imprint Manager" not in {job.posting.title for job in jobs}  # footer links
    assert result.report.approved == []
    for job in jobs:
        assert job.posting.extraction is Extraction.HEURISTIC
        assert job.posting.confidence < 0.9
        assert job.status is JobStatus.PENDING_REVIEW
        assert job.review_reason is not None
        assert job.review_reason.startswith("parse confidence 0.")
    python = await rig.job_by_title("Senior Python Developer")
    assert python.posting.company == "Vandelay Industries"
    assert [(loc.city, loc.country) for loc in python.posting.locations] == [("Berlin", "DE")]


async def test_a_javascript_page_has_jobs_only_after_rendering(
    make_rig: RigFactory, site: CareerSite, renderer: PageRenderer
) -> None:
    without = make_rig(render=False)
    source = await without.add(SourceKind.PAGE, site.url("/jobs-js"), trusted=True)
    assert (await without.crawler.collect(source)).postings == []
    assert site.requests_for("/api/jobs.json") == []  # nothing ran the page's script

    rig = make_rig()
    result = await rig.crawl(source)

    assert result.outcome is Outcome.CRAWLED
    assert len(site.requests_for("/api/jobs.json")) == 1  # Chromium ran it
    jobs = await rig.all_jobs()
    assert {job.posting.url for job in jobs} == {site.url(job["url"]) for job in DEFAULT_JOBS}
    assert {job.posting.extraction for job in jobs} == {Extraction.HEURISTIC}
    assert {job.status for job in jobs} == {JobStatus.PENDING_REVIEW}
    assert renderer.open_contexts == 0


async def test_a_javascript_page_is_rendered_again_on_every_crawl(
    rig: Rig, site: CareerSite
) -> None:
    source = await rig.add(SourceKind.PAGE, site.url("/jobs-js"), trusted=True)
    await rig.crawl(source)
    assert len(await rig.all_jobs()) == len(DEFAULT_JOBS)

    # The page's HTML stays the same; the list its script loads does not.
    site.jobs.append({"title": "Frontend Engineer", "url": "/jobs/104-frontend"})
    result = await rig.crawl(source)

    assert result.outcome is Outcome.CRAWLED
    assert len(result.report.created) == 1
    assert len(site.requests_for("/api/jobs.json")) == 2
    assert (await rig.job_by_title("Frontend Engineer")).posting.url == site.url(
        "/jobs/104-frontend"
    )


async def test_an_expired_posting_is_not_published(rig: Rig, site: CareerSite) -> None:
    site.add_page("/warehouse", page_fixture("jsonld_expired.html"))
    source = await rig.add(SourceKind.PAGE, site.url("/warehouse"), trusted=True)

    result = await rig.crawl(source)

    assert result.outcome is Outcome.CRAWLED
    assert result.report.dropped == {"expired": 1}
    assert result.report.created == []
    assert await rig.all_jobs() == []


async def test_a_german_posting_is_normalized(rig: Rig, site: CareerSite) -> None:
    site.add_page("/stellen", page_fixture("jsonld_german.html"))
    source = await rig.add(SourceKind.PAGE, site.url("/stellen"), trusted=True)

    await rig.crawl(source)

    (job,) = await rig.all_jobs()
    posting = job.posting
    assert posting.title == "Pflegefachkraft Intensivstation & Anästhesie"
    assert posting.employment_type is EmploymentType.FULL_TIME  # "Vollzeit"
    assert [(loc.city, loc.country) for loc in posting.locations] == [("Munich", "DE")]
    assert posting.salary is not None
    assert posting.salary.currency == "EUR"
    assert posting.salary.period is SalaryPeriod.MONTH
    assert (posting.salary.minimum, posting.salary.maximum) == (3_800, 4_600)  # "3.800"
    assert posting.salary.annual_minimum == 45_600
    assert posting.language == "de"
    assert posting.external_id == "KS-2026-117"


async def test_a_page_with_an_etag_costs_one_request_when_unchanged(
    rig: Rig, site: CareerSite
) -> None:
    site.add_page("/careers", page_fixture("jsonld_single.html"), etag='"v1"')
    source = await rig.add(SourceKind.PAGE, site.url("/careers"), trusted=True)
    first = await rig.crawl(source)
    assert len(first.report.created) == 1
    sent = len(site.requests)

    again = await rig.crawl(source)

    assert again.outcome is Outcome.UNCHANGED
    assert again.requests == 1
    (request,) = site.requests[sent:]  # robots.txt is cached: only the page itself
    assert (request.path, request.status, request.headers["if-none-match"]) == (
        "/careers",
        304,
        '"v1"',
    )
    assert (await rig.all_jobs())[0].revision == 1


async def test_a_page_without_validators_is_unchanged_by_its_content_hash(
    rig: Rig, site: CareerSite
) -> None:
    site.add_page("/careers", page_fixture("jsonld_single.html"))
    source = await rig.add(SourceKind.PAGE, site.url("/careers"), trusted=True)
    await rig.crawl(source)
    sent = len(site.requests)

    again = await rig.crawl(source)

    assert again.outcome is Outcome.UNCHANGED
    assert [(r.path, r.status) for r in site.requests[sent:]] == [("/careers", 200)]


# --- dedupe, revisions, closing --------------------------------------------------------------


DEDUPE_PAGE = jsonld_page(
    # The board's posting under the company's own URL: found by its fingerprint.
    job_posting(
        "Senior Backend Engineer, Payments",
        "Acme Robotics GmbH",
        "Berlin",
        "DE",
        "https://acme.example/careers/backend-payments",
    ),
    # And one that links to the board's own page: found by its canonical URL.
    job_posting(
        "Customer Success Manager (m/w/d) DACH",
        "Acme Robotics",
        "München",
        "DE",
        GH_CSM_URL + "?gh_src=careers",
    ),
)


@pytest.mark.parametrize("board_first", [True, False], ids=["board_first", "page_first"])
async def test_one_posting_on_an_ats_board_and_a_career_page_is_one_job(
    rig: Rig, api: FakeAtsApi, site: CareerSite, board_first: bool
) -> None:
    api.greenhouse("acme", load_fixture("greenhouse_board.json"))
    site.add_page("/careers", DEDUPE_PAGE)
    board = await rig.add(SourceKind.GREENHOUSE, "acme", trusted=True)
    page = await rig.add(SourceKind.PAGE, site.url("/careers"), trusted=True)
    first, second = (board, page) if board_first else (page, board)
    await rig.crawl(first)

    result = await rig.crawl(second)

    assert len(result.report.created) == (0 if board_first else 1)  # the office manager
    jobs = await rig.all_jobs()
    assert len(jobs) == 3
    backend = await rig.job_by_title("Senior Backend Engineer, Payments")
    csm = await rig.job_by_title("Customer Success Manager DACH")
    # The board's richer version is the job's, whichever source came first.
    for job in (backend, csm):
        assert job.source_ids == (board.id, page.id)
        assert job.posting.extraction is Extraction.ATS_API
        assert job.posting.salary is not None
        assert job.revision == (1 if board_first else 2)
    assert (await rig.job_by_title("Office Manager")).source_ids == (board.id,)
    assert (await rig.source(page.id)).jobs_count == 2
    revisions = {job.id: await rig.jobs.revisions(job.id) for job in (backend, csm)}

    # The page changes; its copies of the board's jobs do not overwrite the board's version.
    site.add_page("/careers", DEDUPE_PAGE.replace("<h1>", "<h1 class='title'>"))
    again = await rig.crawl(page)
    assert again.outcome is Outcome.CRAWLED
    assert (again.report.created, again.report.revised, again.report.unchanged) == ([], [], 2)
    for job in (backend, csm):
        # Only seen again.
        assert await rig.jobs.get(job.id) == job.model_copy(update={"last_seen_at": rig.clock()})
        assert await rig.jobs.revisions(job.id) == revisions[job.id]


async def test_a_changed_posting_is_revised_not_duplicated(
    rig: Rig, api: FakeAtsApi, site: CareerSite
) -> None:
    board_json = load_fixture("greenhouse_board.json")
    api.greenhouse("acme", board_json)
    board = await rig.add(SourceKind.GREENHOUSE, "acme", trusted=True)
    await rig.crawl(board)
    original = await rig.job_by_title("Senior Backend Engineer, Payments")

    changed = copy.deepcopy(board_json)
    backend = changed["jobs"][0]
    backend["title"] = "Staff Backend Engineer, Payments"
    backend["location"] = {"name": "Hamburg, Germany"}
    backend["pay_input_ranges"][0]["min_cents"] = 9_500_000
    api.greenhouse("acme", changed)
    result = await rig.crawl(board)

    assert result.outcome is Outcome.CRAWLED
    assert (result.report.created, result.report.revised) == ([], [original.id])
    assert result.report.unchanged == 2
    assert len(await rig.all_jobs()) == 3
    revised = await rig.jobs.get(original.id)
    assert revised is not None
    assert revised.revision == 2
    assert revised.posting.title == "Staff Backend Engineer, Payments"
    assert revised.posting.salary is not None
    assert revised.posting.salary.minimum == 95_000
    assert "Hamburg" in {loc.city for loc in revised.posting.locations}
    assert revised.status is JobStatus.APPROVED
    assert revised.first_seen_at == original.first_seen_at
    (row,) = await rig.jobs.revisions(original.id)
    assert row["revision"] == 2
    assert row["changed"] == ["title", "locations", "salary", "seniority"]  # Senior → Staff
    assert row["before"]["title"] == "Senior Backend Engineer, Payments"
    assert row["after"]["title"] == "Staff Backend Engineer, Payments"
    assert row["at"] == rig.clock()

    # The revised job is known by what it is now: a page with the new title joins it.
    site.add_page(
        "/careers",
        jsonld_page(
            job_posting(
                "Staff Backend Engineer, Payments",
                "Acme Robotics",
                "Berlin",
                "DE",
                "https://acme.example/careers/staff-backend",
            )
        ),
    )
    page = await rig.add(SourceKind.PAGE, site.url("/careers"), trusted=True)
    joined = await rig.crawl(page)
    assert joined.report.created == []
    assert len(await rig.all_jobs()) == 3
    assert set((await rig.job_by_title("Staff Backend Engineer, Payments")).source_ids) == {
        board.id,
        page.id,
    }


async def test_vanished_postings_close_unless_another_source_still_lists_them(
    rig: Rig, api: FakeAtsApi, site: CareerSite
) -> None:
    board_json = load_fixture("greenhouse_board.json")
    api.greenhouse("acme", board_json)
    site.add_page(
        "/careers",
        jsonld_page(
            job_posting(
                "Customer Success Manager (m/w/d) DACH",
                "Acme Robotics",
                "München",
                "DE",
                GH_CSM_URL,
            )
        ),
    )
    board = await rig.add(SourceKind.GREENHOUSE, "acme", trusted=True)
    page = await rig.add(SourceKind.PAGE, site.url("/careers"), trusted=True)
    await rig.crawl(board)
    await rig.crawl(page)

    # The board drops the customer success and the office manager postings.
    api.greenhouse("acme", {**board_json, "jobs": board_json["jobs"][:1]})
    result = await rig.crawl(board)

    assert result.report.closed == 1
    office = await rig.job_by_title("Office Manager")
    assert (office.status, office.closed_at, office.source_ids) == (
        JobStatus.CLOSED,
        rig.clock(),
        (),
    )
    csm = await rig.job_by_title("Customer Success Manager DACH")
    assert csm.status is JobStatus.APPROVED  # the career page still lists it
    assert csm.source_ids == (page.id,)
    assert (await rig.source(board.id)).jobs_count == 1

    # Then the page drops it too.
    site.add_page("/careers", jsonld_page())
    gone = await rig.crawl(page)
    assert gone.report.closed == 1
    csm = await rig.job_by_title("Customer Success Manager DACH")
    assert csm.status is JobStatus.CLOSED
    assert (await rig.job_by_title("Senior Backend Engineer, Payments")).status is (
        JobStatus.APPROVED
    )


async def test_a_closed_job_back_on_the_board_is_reopened_and_reviewed_again(
    rig: Rig, api: FakeAtsApi
) -> None:
    board_json = load_fixture("greenhouse_board.json")
    api.greenhouse("acme", board_json)
    board = await rig.add(SourceKind.GREENHOUSE, "acme", trusted=False)
    await rig.crawl(board)
    office = await rig.job_by_title("Office Manager")
    await rig.jobs.set_status(office.id, JobStatus.APPROVED)  # an admin approved it
    api.greenhouse("acme", {**board_json, "jobs": board_json["jobs"][:2]})
    assert (await rig.crawl(board)).report.closed == 1

    api.greenhouse("acme", board_json)
    result = await rig.crawl(board)

    assert (result.report.created, result.report.revised) == ([], [office.id])
    assert result.report.pending == [office.id]  # so an admin is asked again
    reopened = await rig.jobs.get(office.id)
    assert reopened is not None
    assert (reopened.status, reopened.review_reason, reopened.closed_at) == (
        JobStatus.PENDING_REVIEW,
        "source not trusted",
        None,
    )
    assert reopened.source_ids == (board.id,)
    assert len(await rig.all_jobs()) == 3


# --- failures ------------------------------------------------------------------------------


async def test_the_breaker_opens_after_repeated_failures_and_closes_on_success(
    rig: Rig, site: CareerSite
) -> None:
    site.add_page("/careers", page_fixture("jsonld_single.html"))
    site.fail_next("/careers", 4 * 2)  # two attempts per crawl, four failing crawls
    source = await rig.add(SourceKind.PAGE, site.url("/careers"), trusted=True)
    threshold = rig.crawler.settings.breaker_failures

    for failures in range(1, threshold):
        with pytest.raises(TransientError, match="500"):
            await rig.crawl(source)
        stored = await rig.source(source.id)
        assert (stored.consecutive_failures, stored.failures_total) == (failures, failures)
        assert stored.opened_until is None
        assert stored.last_error is not None
        assert "500" in stored.last_error

    opened = await rig.crawl(source)
    assert (opened.outcome, opened.breaker_opened) == (Outcome.FAILED, True)
    stored = await rig.source(source.id)
    pause = timedelta(seconds=rig.crawler.settings.breaker_pause_s)
    assert stored.consecutive_failures == threshold
    assert stored.opened_until == rig.clock() + pause

    # While open the source is skipped without a request, and it is not due.
    sent = len(site.requests)
    skipped = await rig.crawl(source, later_min=1)
    assert skipped.outcome is Outcome.SKIPPED
    assert len(site.requests) == sent
    assert source.id not in {due.id for due in await rig.sources.due(rig.clock())}

    # After the pause one try goes through; failing again opens the breaker at once.
    rig.clock.advance(seconds=pause.total_seconds())
    assert source.id in {due.id for due in await rig.sources.due(rig.clock())}
    reopened = await rig.crawl(source, later_min=0)
    assert reopened.breaker_opened
    assert (await rig.source(source.id)).consecutive_failures == threshold + 1

    # The next try after the pause succeeds and closes the breaker.
    rig.clock.advance(seconds=pause.total_seconds())
    healed = await rig.crawl(source, later_min=0)
    assert healed.outcome is Outcome.CRAWLED
    stored = await rig.source(source.id)
    assert (stored.consecutive_failures, stored.opened_until, stored.last_error) == (0, None, None)
    assert stored.failures_total == threshold + 1
    assert len(await rig.all_jobs()) == 1


async def test_a_page_disallowed_by_robots_txt_counts_as_a_failure(
    rig: Rig, site: CareerSite
) -> None:
    site.add_page("/private/jobs", page_fixture("jsonld_single.html"))
    source = await rig.add(SourceKind.PAGE, site.url("/private/jobs"))

    result = await rig.crawl(source)  # permanent: reported, not raised for a retry

    assert result.outcome is Outcome.FAILED
    assert result.error is not None
    assert "disallowed by robots.txt" in result.error
    assert site.requests_for("/private/jobs") == []
    stored = await rig.source(source.id)
    assert (stored.consecutive_failures, stored.failures_total) == (1, 1)
    assert await rig.all_jobs() == []


async def test_private_and_loopback_addresses_are_refused(
    make_rig: RigFactory, site: CareerSite
) -> None:
    async def resolver(host: str) -> list[str]:
        return {"careers.example": ["10.1.2.3"]}.get(host, ["203.0.113.9"])

    rig = make_rig(allow_loopback=False, resolver=resolver)
    site.add_page("/careers", page_fixture("jsonld_single.html"))
    for locator in ("http://careers.example/jobs", site.url("/careers")):
        source = await rig.add(SourceKind.PAGE, locator)
        result = await rig.crawl(source)
        assert result.outcome is Outcome.FAILED
        assert result.error is not None
        assert result.error.startswith("refused")
        assert (await rig.source(source.id)).consecutive_failures == 1
    assert site.requests == []  # nothing reached the loopback site


# --- the LLM path --------------------------------------------------------------------------


async def test_the_llm_fills_only_what_the_heuristics_left_empty(
    make_rig: RigFactory, site: CareerSite
) -> None:
    answer = {
        "postings": [
            {
                "title": "Copy Editor",
                "company": "Someone Else Inc",  # the heuristics found the company: ignored
                "locations": ["New York, NY"],
                "employment_type": "Full-time",
                "salary_text": "$55,000–$65,000 per year",
                "posted_at": "2026-02-27",  # the one gap, and not on the page: flagged
                "apply_url": "/jobs/copy-editor-17",
            }
        ]
    }
    model = ScriptedChatModel(script=[tool_call_message("LlmPage", answer)])
    rig = make_rig(render=False, llm=LlmExtractor(model))
    site.add_page("/jobs", page_fixture("injection.html"))
    source = await rig.add(SourceKind.PAGE, site.url("/jobs"), trusted=True)

    result = await rig.crawl(source)

    assert result.outcome is Outcome.CRAWLED
    (job,) = await rig.all_jobs()
    posting = job.posting
    assert posting.extraction is Extraction.HEURISTIC  # found by the heuristics
    assert (posting.title, posting.company) == ("Copy Editor", "Pendant Publishing")
    assert posting.url == site.url("/jobs/copy-editor-17")
    assert posting.salary is not None
    assert (posting.salary.minimum, posting.salary.currency) == (55_000, "USD")
    assert posting.provenance["company"] == "© line (listing)"
    assert posting.provenance["salary"] == "text (listing)"
    assert posting.posted_at == date(2026, 2, 27)
    assert posting.provenance["posted_at"] == "LLM, NOT in the page text: check"
    # 0.76 from the heuristics (5 of 6 core fields), less 0.1 for the unverified answer.
    assert posting.confidence == pytest.approx(0.66)
    assert job.status is JobStatus.PENDING_REVIEW
    (messages,) = model.received
    assert "Copy Editor" in str(messages[-1].content)
    assert "in a script" not in str(messages[-1].content)  # scripts never reach the model


async def test_a_page_the_heuristics_cannot_read_is_read_by_the_llm(
    make_rig: RigFactory, site: CareerSite
) -> None:
    answer = {
        "postings": [
            {
                "title": "Copy Editor",
                "company": "Pendant Publishing",
                "locations": ["New York, NY"],
                "apply_url": "/jobs/copy-editor-17",
            }
        ]
    }
    model = ScriptedChatModel(script=[tool_call_message("LlmPage", answer)])
    rig = make_rig(render=False, llm=LlmExtractor(model))
    # The posting is a paragraph, not a card: nothing the heuristics take for a posting.
    site.add_page(
        "/jobs",
        "<html><head><title>Pendant Publishing</title></head><body><main>"
        "<p>We need a Copy Editor in New York, NY. "
        '<a href="/jobs/copy-editor-17">Tell us about yourself</a>.</p></main></body></html>',
    )
    source = await rig.add(SourceKind.PAGE, site.url("/jobs"), trusted=True)

    await rig.crawl(source)

    (job,) = await rig.all_jobs()
    assert job.posting.extraction is Extraction.LLM
    assert (job.posting.title, job.posting.url) == ("Copy Editor", site.url("/jobs/copy-editor-17"))
    assert (job.status, job.review_reason) == (
        JobStatus.PENDING_REVIEW,
        "parse confidence 0.70 < 0.90",
    )


# --- the worker tasks ------------------------------------------------------------------------


@pytest_asyncio.fixture(loop_scope="module")
async def runtime(settings_factory: Any, api: FakeAtsApi) -> AsyncIterator[Runtime]:
    settings = settings_factory(
        crawl=crawl_settings(ats_base_urls=api.base_urls, page_timeout_s=2.0)
    )
    started = await Runtime.start(settings)
    try:
        yield started
    finally:
        await started.stop()


async def eventually(check: Callable[[], Awaitable[bool]]) -> None:
    """Wait (up to ~15 s) until ``check`` holds: the worker runs on its own schedule."""
    for _ in range(300):
        if await check():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the condition never became true")


async def run_worker_until(runtime: Runtime, check: Callable[[], Awaitable[bool]]) -> None:
    """Run a real arq worker (as ``jobscout run`` does) until ``check`` holds."""
    worker = build_worker(runtime, poll_delay=0.02)
    task = asyncio.create_task(worker.async_run())
    try:
        await eventually(check)
    finally:
        await stop_worker(worker, task)


async def test_the_worker_crawls_the_due_sources(runtime: Runtime, api: FakeAtsApi) -> None:
    api.greenhouse("acme", load_fixture("greenhouse_board.json"))
    sources = runtime.admin.sources
    now = runtime.chat.clock()
    due = Source(
        id="gh0001",
        kind=SourceKind.GREENHOUSE,
        locator="acme",
        name="Acme",
        trusted=True,
        created_at=now,
    )
    later = Source(
        id="gh0002",
        kind=SourceKind.GREENHOUSE,
        locator="later",
        name="Later",
        created_at=now,
        next_crawl_at=now + timedelta(hours=1),
    )
    await sources.add(due)
    await sources.add(later)

    async def crawled(source: Source) -> bool:
        stored = await sources.get(source.id)
        return stored is not None and stored.last_crawl_at is not None

    await run_worker_until(runtime, lambda: crawled(due))  # enqueue_due_sources at start-up
    assert not await crawled(later)

    # Once "later" is due, the next worker to start crawls it: each worker runs the
    # start-up tasks, not only the first one in a process.
    await sources.save(later.model_copy(update={"next_crawl_at": runtime.chat.clock()}))
    api.greenhouse("later", load_fixture("greenhouse_empty.json"))
    await run_worker_until(runtime, lambda: crawled(later))

    results = {
        (str(result.job_id).rsplit(":", 1)[0], result.function, str(result.result))
        for result in await runtime.queue.pool.all_job_results()
    }
    # Each crawl ran under the deterministic id enqueue_due_sources gave it.
    assert {
        (f"crawl:{due.id}", "crawl_source", "crawled"),
        (f"crawl:{later.id}", "crawl_source", "crawled"),
    } <= results
    jobs = await runtime.admin.jobs.with_status(JobStatus.APPROVED)
    assert len(jobs) == 3
    assert [r.path for r in api.requests] == ["/v1/boards/acme/jobs", "/v1/boards/later/jobs"]
    stored = await sources.get(due.id)
    assert stored is not None
    assert stored.next_crawl_at is not None
    assert stored.next_crawl_at > runtime.chat.clock()
    # Crawled, the source is not due again until its interval has passed.
    assert await enqueue_due_sources({"runtime": runtime}) == 0


async def test_a_crawl_that_keeps_failing_ends_in_dead_letters(
    runtime: Runtime, site: CareerSite
) -> None:
    site.add_page("/careers", page_fixture("jsonld_single.html"))
    # Rate limited for longer than the fetcher waits: transient at once, no retry sleeps.
    site.fail_next("/careers", 2, 429, retry_after="120")
    source = Source(
        id="pg0001",
        kind=SourceKind.PAGE,
        locator=site.url("/careers"),
        name="site",
        created_at=runtime.chat.clock(),
    )
    await runtime.admin.sources.add(source)

    with pytest.raises(Retry):  # an early try: back to the queue for later
        await crawl_source({"runtime": runtime, "job_try": 1}, source.id)
    assert await runtime.chat.dead_letters.count() == 0

    outcome = await crawl_source({"runtime": runtime, "job_try": MAX_TRIES}, source.id)

    assert outcome == "dead_letter"
    (letter,) = await runtime.chat.dead_letters.recent()
    assert (letter.task, letter.args) == ("crawl_source", [source.id])
    assert "rate limited" in letter.error
    stored = await runtime.admin.sources.get(source.id)
    assert stored is not None
    assert stored.consecutive_failures == 2

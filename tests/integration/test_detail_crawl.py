"""Issue 14 end to end: labelled career sites on loopback, crawled through the real fetcher
(robots.txt, per-domain limits, conditional requests, URL guard) and Chromium, detail pages
followed, normalized and scored against labels written before the extractor ran."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, date, datetime
from typing import Any

import pytest
import pytest_asyncio

from core.jobs import Extraction, JobStatus, RawPosting, Source, SourceKind
from core.settings import CrawlSettings
from core.skills import SkillTaxonomy
from core.store.ingest import MongoJobRepository, MongoSourceRepository
from crawlers.accuracy import score_sites, total
from crawlers.crawl import Crawler, Outcome
from crawlers.fetch import HttpFetcher
from crawlers.following import MAX_DETAIL_PAGES, DetailReader
from crawlers.ingest import Ingestor
from crawlers.render import PageRenderer
from tests.conftest import fresh_database
from tests.fakes.career_site import CareerSite, serve_labelled

pytestmark = [pytest.mark.integration, pytest.mark.asyncio(loop_scope="module")]

NOW = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)
FLOOR = 0.90


def settings(**overrides: Any) -> CrawlSettings:
    values: dict[str, Any] = {
        "allow_loopback": True,
        "per_domain_delay_s": 0.0,
        "request_timeout_s": 5.0,
        "page_timeout_s": 5.0,
    }
    return CrawlSettings.model_validate(values | overrides)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def running_site() -> AsyncIterator[CareerSite]:
    async with CareerSite() as running:
        yield running


@pytest_asyncio.fixture(loop_scope="module")
async def site(running_site: CareerSite) -> CareerSite:
    running_site.reset()
    return running_site


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def renderer() -> AsyncIterator[PageRenderer]:
    async with PageRenderer(settings()) as shared:
        yield shared


@pytest.fixture(scope="module")
def taxonomy() -> SkillTaxonomy:
    return SkillTaxonomy.load()


def page_source(url: str) -> Source:
    return Source(
        id=uuid.uuid4().hex[:6], kind=SourceKind.PAGE, locator=url, name="site", created_at=NOW
    )


def crawler(
    fetcher: HttpFetcher,
    taxonomy: SkillTaxonomy,
    renderer: PageRenderer | None = None,
    details: DetailReader | None = None,
    jobs: MongoJobRepository | None = None,
) -> Crawler:
    return Crawler(
        fetcher=fetcher,
        sources=MongoSourceRepository(),
        ingestor=Ingestor(jobs or MongoJobRepository(), taxonomy),
        settings=settings(),  # the crawler reads none of these for a page
        clock=lambda: NOW,
        renderer=renderer,
        details=details or DetailReader(),
    )


async def test_field_accuracy_of_the_labelled_sites_heuristics_alone(
    site: CareerSite, renderer: PageRenderer, taxonomy: SkillTaxonomy
) -> None:
    data = serve_labelled(site)
    async with HttpFetcher(settings()) as fetcher:
        reader = crawler(fetcher, taxonomy, renderer)

        async def collect(url: str) -> Sequence[RawPosting]:
            return (await reader.collect(page_source(url))).postings

        scores = await score_sites(
            collect,
            data["sites"],
            base_url=site.base_url,
            today=date.fromisoformat(data["today"]),
            taxonomy=taxonomy,
        )

    overall = total(scores)
    assert overall.accuracy >= FLOOR, overall.wrong
    assert scores["garden"].accuracy >= FLOOR, scores["garden"].wrong  # cards built by script
    assert {entry["layout"] for entry in data["sites"]} >= {
        "list with detail pages",
        "list with details inline",
        "a table, with detail pages",
        "cards rendered by script, with detail pages",
    }


async def test_detail_pages_obey_robots_txt_and_the_per_domain_limit(
    site: CareerSite, taxonomy: SkillTaxonomy
) -> None:
    serve_labelled(site)
    site.robots = "User-agent: *\nDisallow: /careers/shift-supervisor\n"
    async with HttpFetcher(settings(per_domain_concurrency=2)) as fetcher:
        collected = await crawler(fetcher, taxonomy).collect(page_source(site.url("/careers")))

    assert site.requests_for("/careers/shift-supervisor") == []  # never asked for
    by_title = {p.title: p for p in collected.postings}
    assert by_title["Shift Supervisor"].salary_text is None  # the listing's fields only
    assert by_title["Pastry Baker"].salary_text == "$18/hour"  # the others were read
    assert collected.requests == 1 + 3  # the listing, then each detail page it links
    assert site.max_in_flight <= 2
    assert [r.path for r in site.requests][:2] == ["/robots.txt", "/careers"]


async def test_unchanged_detail_pages_are_asked_for_conditionally_and_not_parsed_again(
    site: CareerSite, taxonomy: SkillTaxonomy
) -> None:
    serve_labelled(site)
    async with HttpFetcher(settings()) as fetcher:
        reader = crawler(fetcher, taxonomy)
        source = page_source(site.url("/careers"))
        first = await reader.collect(source)
        sent = len(site.requests)
        # The listing changed (no validators kept): it is read again, its details are not.
        again = await reader.collect(source)

    details = [r for r in site.requests[sent:] if r.path.startswith("/careers/")]
    assert len(details) == 3
    assert {(r.status, r.headers.get("if-none-match", "")[:8]) for r in details} == {
        (304, '"bakery/')
    }
    assert again.postings == first.postings


async def test_detail_fetches_are_bounded_per_crawl(
    site: CareerSite, taxonomy: SkillTaxonomy
) -> None:
    links = "".join(f'<li><a href="/jobs/{n}-baker">Baker {n}</a></li>' for n in range(8))
    site.add_page("/bakers", f"<html><body><main><ul>{links}</ul></main></body></html>")
    async with HttpFetcher(settings()) as fetcher:
        collected = await crawler(fetcher, taxonomy, details=DetailReader(max_pages=3)).collect(
            page_source(site.url("/bakers"))
        )

    assert len(collected.postings) == 8  # every posting kept
    assert len([r for r in site.requests if r.path.startswith("/jobs/")]) == 3
    assert MAX_DETAIL_PAGES <= 50  # the default keeps a crawl's politeness budget small


@pytest_asyncio.fixture(loop_scope="module")
async def store(mongodb_url: str) -> AsyncIterator[None]:
    async with fresh_database(mongodb_url):
        yield


async def test_a_crawled_plain_site_waits_for_review_with_its_provenance(
    site: CareerSite, taxonomy: SkillTaxonomy, store: None
) -> None:
    serve_labelled(site)
    sources, jobs = MongoSourceRepository(), MongoJobRepository()
    source = await sources.add(
        page_source(site.url("/stellen")).model_copy(update={"trusted": True})
    )
    async with HttpFetcher(settings()) as fetcher:
        result = await Crawler(
            fetcher=fetcher,
            sources=sources,
            ingestor=Ingestor(jobs, taxonomy),
            settings=settings(),
            clock=lambda: NOW,
        ).crawl(source.id)

    assert result.outcome is Outcome.CRAWLED
    assert len(result.report.pending) == 3  # heuristics never approve themselves
    stored = [await jobs.get(job_id) for job_id in result.report.created]
    mechanic = next(j for j in stored if j is not None and j.posting.title.startswith("Anlagen"))
    assert mechanic.status is JobStatus.PENDING_REVIEW
    assert mechanic.posting.extraction is Extraction.HEURISTIC
    assert mechanic.posting.provenance["company"] == "© line (listing)"
    assert mechanic.posting.provenance["salary"] == "label 'Stundenlohn' (detail page)"
    assert mechanic.posting.valid_through == date(2027, 1, 15)

"""Crawl one source: fetch (cheaply when unchanged), extract, then hand postings to the ingestor."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

import structlog

from core import metrics
from core.errors import AppError, TransientError
from core.jobs import RawPosting, Source, SourceKind, Validators
from core.ports.review import Sources
from core.settings import CrawlSettings
from crawlers.breaker import BreakerState, record_failure, record_success
from crawlers.fetch import FetchFailed, FetchResult, HttpFetcher
from crawlers.following import DetailReader
from crawlers.ingest import Ingestor, IngestReport
from crawlers.llm import LlmExtractor
from crawlers.render import PageRenderer
from crawlers.sources import ats
from crawlers.sources.base import FetchRequest
from crawlers.sources.page import extract_structured, read_listing

log = structlog.get_logger(__name__)


class Outcome(StrEnum):
    CRAWLED = "crawled"
    UNCHANGED = "unchanged"
    FAILED = "failed"
    SKIPPED = "skipped"  # paused, removed, or its circuit breaker is open


@dataclass
class CrawlResult:
    source_id: str
    outcome: Outcome
    requests: int = 0
    report: IngestReport = field(default_factory=IngestReport)
    error: str | None = None
    breaker_opened: bool = False


@dataclass
class Collected:
    postings: list[RawPosting]
    validators: Validators
    unchanged: bool
    requests: int


@dataclass(kw_only=True)
class Collector:
    """Fetch and extract what one source lists now: no storage (``jobs extract``, benches)."""

    fetcher: HttpFetcher
    settings: CrawlSettings
    renderer: PageRenderer | None = None
    llm: LlmExtractor | None = None
    # Posting pages followed from listings, with what they said last time (for 304s).
    details: DetailReader = field(default_factory=DetailReader)

    async def collect(self, source: Source) -> Collected:
        """Fetch and extract everything one source lists now (no storage)."""
        if source.kind is SourceKind.PAGE:
            return await self._collect_page(source)
        return await self._collect_ats(source)

    async def _collect_ats(self, source: Source) -> Collected:
        api = ats.SOURCES[source.kind]
        base = self.settings.ats_base_urls.get(str(source.kind))
        pending: list[FetchRequest] = list(api.start(source.locator, base))
        postings: list[RawPosting] = []
        validators = source.validators
        requests = 0
        first = True
        while pending:
            request = pending.pop(0)
            # Only the first listing page is compared with the last crawl: when it did not
            # change, the board did not either, and one request is all this crawl costs.
            try:
                result = await self.fetcher.fetch(
                    request.url, source.validators if first else None, check_robots=False
                )
            except FetchFailed as exc:
                if request.purpose != "detail" or exc.status not in (404, 410):
                    raise
                # Unpublished between the listing and this request: the posting is gone, which
                # must not fail (and count against) the whole board.
                requests += 1
                log.info("crawl.detail_gone", source=source.id, url=request.url)
                continue
            requests += 1
            if first:
                validators = _validators(result)
                if result.not_modified:
                    return Collected([], source.validators, True, requests)
                first = False
            page = api.parse(request, result.body)
            postings.extend(page.postings)
            pending.extend(page.follow)
        return Collected(postings, validators, False, requests)

    async def _collect_page(self, source: Source) -> Collected:
        url = source.locator
        result = await self.fetcher.fetch(url, source.validators)
        if result.not_modified:
            return Collected([], source.validators, True, 1)
        html = result.body.decode(_charset(result.content_type), errors="replace")
        validators = _validators(result)
        postings = list(extract_structured(html, result.url))
        if not postings and self.renderer is not None:
            rendered = await self.renderer.render(result.url)
            postings = list(extract_structured(rendered, result.url))
            if not postings:
                # No structured data in the HTML as served: the jobs may appear only after
                # JavaScript runs, so the rendered page is what is read.
                html = rendered
            # What was read came from the rendered page, whose scripts may load another list
            # from an unchanged HTML shell: the shell's validators cannot say "unchanged".
            validators = Validators()
        requests = 1
        if not postings:
            listing = read_listing(html, result.url)
            read = await self.details.complete(self.fetcher, listing, source.id)
            postings, requests = read.postings, 1 + read.requests
            if self.llm is not None:
                if postings:
                    postings = list(
                        await self.llm.fill_gaps(postings, html, result.url, read.texts)
                    )
                else:
                    postings = list(await self.llm.extract(html, result.url))
        return Collected(postings, validators, False, requests)


@dataclass(kw_only=True)
class Crawler(Collector):
    """A crawl: collect, then ingest what was found and record the source's health."""

    sources: Sources
    ingestor: Ingestor
    clock: Callable[[], datetime]

    async def crawl(self, source_id: str) -> CrawlResult:
        """Crawl once; transient failures are counted (and may open the breaker) and re-raised."""
        source = await self.sources.get(source_id)
        now = self.clock()
        if (
            source is None
            or not source.fetchable
            or source.paused
            or (source.opened_until and source.opened_until > now)
        ):
            metrics.crawled(str(source.kind) if source else "unknown", Outcome.SKIPPED)
            return CrawlResult(source_id, Outcome.SKIPPED)
        next_crawl = now + timedelta(minutes=source.interval_minutes)
        try:
            collected = await self.collect(source)
        except AppError as exc:
            return await self._failed(source, exc, now, next_crawl)
        healthy = record_success(self._breaker(source))
        base = {
            "last_crawl_at": now,
            "next_crawl_at": next_crawl,
            "last_error": None,
            "consecutive_failures": healthy.consecutive_failures,
            "opened_until": None,
        }
        if collected.unchanged:
            await self.sources.save(source.model_copy(update=base))
            log.info("crawl.unchanged", source=source_id, requests=collected.requests)
            metrics.crawled(source.kind, Outcome.UNCHANGED)
            return CrawlResult(source_id, Outcome.UNCHANGED, collected.requests)
        report = await self.ingestor.ingest(source, collected.postings, now, complete=True)
        open_jobs = len(await self.ingestor.jobs.open_ids_of_source(source.id))
        await self.sources.save(
            source.model_copy(
                update={**base, "validators": collected.validators, "jobs_count": open_jobs}
            )
        )
        log.info(
            "crawl.done",
            source=source_id,
            requests=collected.requests,
            created=len(report.created),
            revised=len(report.revised),
            closed=report.closed,
        )
        metrics.crawled(source.kind, Outcome.CRAWLED)
        return CrawlResult(source_id, Outcome.CRAWLED, collected.requests, report)

    async def _failed(
        self, source: Source, exc: AppError, now: datetime, next_crawl: datetime
    ) -> CrawlResult:
        state, opened = record_failure(
            self._breaker(source),
            now,
            self.settings.breaker_failures,
            timedelta(seconds=self.settings.breaker_pause_s),
        )
        await self.sources.save(
            source.model_copy(
                update={
                    "consecutive_failures": state.consecutive_failures,
                    "opened_until": state.opened_until,
                    "failures_total": source.failures_total + 1,
                    "last_error": str(exc)[:300],
                    "next_crawl_at": next_crawl,
                    "last_crawl_at": now,
                }
            )
        )
        log.warning("crawl.failed", source=source.id, error=str(exc), breaker_opened=opened)
        metrics.crawled(source.kind, Outcome.FAILED)
        result = CrawlResult(source.id, Outcome.FAILED, error=str(exc), breaker_opened=opened)
        if isinstance(exc, TransientError) and not opened:
            raise exc
        return result

    @staticmethod
    def _breaker(source: Source) -> BreakerState:
        return BreakerState(
            consecutive_failures=source.consecutive_failures, opened_until=source.opened_until
        )


def _validators(result: FetchResult) -> Validators:
    return Validators(
        etag=result.etag, last_modified=result.last_modified, content_hash=result.content_hash
    )


def _charset(content_type: str | None) -> str:
    if content_type and "charset=" in content_type:
        return content_type.split("charset=")[-1].split(";")[0].strip() or "utf-8"
    return "utf-8"

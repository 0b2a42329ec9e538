"""Importing jobs without a crawl, on the real embedded stack (MongoDB, Redis, Qdrant local mode,
the ONNX model): the demo catalogue on first start, and saved files."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from core.channels import Channel, InboundMessage, MessageKind
from core.jobs import JobStatus, SourceKind
from core.settings import CrawlSettings, Settings
from core.store.ingest import MongoAuditLog
from crawlers.files import UnreadableFile
from tests.fakes.ats_api import FakeAtsApi, load_fixture
from tests.integration.test_crawl import run_worker_until
from webhooks.imports import DEMO_SOURCE_ID, ImportReport, import_files, import_url, load_demo
from webhooks.runtime import Runtime

pytestmark = pytest.mark.integration

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
GREENHOUSE = FIXTURES / "ats" / "greenhouse_board.json"
PAGE = FIXTURES / "pages" / "jsonld_graph.html"


@asynccontextmanager
async def started(settings: Settings) -> AsyncIterator[Runtime]:
    runtime = await Runtime.start(settings)
    try:
        yield runtime
    finally:
        await runtime.stop()


async def indexed_ids(runtime: Runtime) -> set[str]:
    return set(await runtime.matches.index.ids("jobs"))


async def by_status(runtime: Runtime) -> dict[str, int]:
    return await runtime.admin.jobs.count_by_status()


@pytest.fixture
def settings(settings_factory: Callable[..., Settings]) -> Settings:
    return settings_factory(environment="development")


# Embedding ~300 postings takes 10-30 s on a shared machine, twice the 60 s default's margin.
@pytest.mark.timeout(180)
async def test_the_demo_loads_once_into_an_empty_database_and_goes_when_switched_off(
    settings: Settings,
) -> None:
    progress: list[tuple[int, int]] = []
    async with started(settings) as runtime:
        report = await load_demo(runtime, lambda done, total: progress.append((done, total)))

        assert report is not None
        assert report.created == report.approved >= 250
        assert report.pending == 0
        assert report.dropped == {"expired": report.postings - report.created}
        assert report.dropped["expired"] >= 10
        approved = [job async for job in runtime.admin.jobs.each_with_status(JobStatus.APPROVED)]
        assert len(approved) == report.approved
        assert all(job.posting.demo for job in approved)
        assert all(job.source_ids == (DEMO_SOURCE_ID,) for job in approved)
        assert {job.posting.language for job in approved} >= {"en", "de", "es"}
        assert await indexed_ids(runtime) == {job.id for job in approved}
        assert progress[-1] == (report.approved, report.approved)
        demo = await runtime.admin.sources.get(DEMO_SOURCE_ID)
        assert demo is not None
        assert demo.trusted
        assert demo.jobs_count == report.approved
        # Nothing to fetch: the crawl cron never picks it.
        assert await runtime.admin.sources.due(runtime.chat.clock()) == []

        assert await load_demo(runtime) is None  # not empty any more: nothing happens
        assert await by_status(runtime) == {"approved": report.approved}

    switched_off = settings.model_copy(update={"demo_jobs": False})
    async with started(switched_off) as runtime:
        assert await load_demo(runtime) is None
        assert await by_status(runtime) == {"closed": report.approved}
        assert await indexed_ids(runtime) == set()
        assert await runtime.admin.sources.get(DEMO_SOURCE_ID) is None


async def test_production_never_loads_the_demo(settings_factory: Callable[..., Settings]) -> None:
    async with started(settings_factory(environment="production")) as runtime:
        assert await load_demo(runtime) is None
        assert await by_status(runtime) == {}
        assert await runtime.admin.sources.all() == []


async def test_no_demo_when_there_is_anything_already(settings: Settings) -> None:
    async with started(settings) as runtime:
        await import_files(runtime, [GREENHOUSE], kind=SourceKind.GREENHOUSE, approve=False)

        assert await load_demo(runtime) is None
        assert await runtime.admin.sources.get(DEMO_SOURCE_ID) is None


async def test_removing_a_source_closes_and_unindexes_its_jobs(settings: Settings) -> None:
    """What /removesource does to any source, the demo's included."""
    async with started(settings) as runtime:
        await import_files(runtime, [GREENHOUSE], kind=SourceKind.GREENHOUSE, approve=True)
        assert len(await indexed_ids(runtime)) == 3
        await runtime.admin.admins.grant("telegram:1", "test", runtime.chat.clock())
        msg = InboundMessage(
            channel=Channel.TELEGRAM,
            user_id="1",
            chat_id="1",
            update_id="u1",
            kind=MessageKind.COMMAND,
            command="removesource",
            args="import-greenhouse",
            text="/removesource import-greenhouse",
        )
        replies = await runtime.admin.handle(msg)

        assert replies is not None
        assert [r.text for r in replies] == [
            "Removed source import-greenhouse. Closed 3 of its jobs."
        ]
        assert await by_status(runtime) == {"closed": 3}
        assert await runtime.admin.sources.all() == []

        async def unindexed() -> bool:
            return not await indexed_ids(runtime)

        await run_worker_until(runtime, unindexed)  # the worker takes them out of the index


def imported(report: ImportReport, **expected: Any) -> dict[str, Any]:
    return {name: getattr(report, name) for name in expected}


async def test_imported_files_wait_for_review_unless_approved(settings: Settings) -> None:
    async with started(settings) as runtime:
        first = await import_files(runtime, [GREENHOUSE], kind=SourceKind.GREENHOUSE, approve=False)

        assert imported(first, files=1, postings=3, created=3, approved=0, pending=3) == {
            "files": 1,
            "postings": 3,
            "created": 3,
            "approved": 0,
            "pending": 3,
        }
        assert await by_status(runtime) == {"pending_review": 3}
        assert await indexed_ids(runtime) == set()
        waiting = await runtime.admin.reviews.waiting()
        assert waiting == 3

        again = await import_files(runtime, [GREENHOUSE], kind=SourceKind.GREENHOUSE, approve=True)

        assert imported(again, created=0, unchanged=3, approved=3, pending=0) == {
            "created": 0,
            "unchanged": 3,
            "approved": 3,
            "pending": 0,
        }
        jobs = [job async for job in runtime.admin.jobs.each_with_status(JobStatus.APPROVED)]
        assert len(jobs) == 3
        assert not any(job.posting.demo for job in jobs)
        assert await indexed_ids(runtime) == {job.id for job in jobs}
        entries = await MongoAuditLog().entries()
        assert [(e["actor"], e["action"]) for e in entries] == [("cli:import", "job.approved")] * 3

        third = await import_files(runtime, [GREENHOUSE], kind=SourceKind.GREENHOUSE, approve=True)
        assert imported(third, created=0, unchanged=3, approved=0) == {
            "created": 0,
            "unchanged": 3,
            "approved": 0,
        }
        assert await by_status(runtime) == {"approved": 3}


async def test_an_approved_import_is_live_at_once(settings: Settings) -> None:
    progress: list[tuple[int, int]] = []
    async with started(settings) as runtime:
        report = await import_files(
            runtime,
            [PAGE, PAGE.with_name("jsonld_list.html")],
            kind=None,
            approve=True,
            progress=lambda done, total: progress.append((done, total)),
        )

        assert report.files == 2
        assert report.created == report.approved == 4
        assert progress == [(1, 2), (2, 2)]
        source = await runtime.admin.sources.get("import-page")
        assert source is not None
        assert source.paused
        assert not source.trusted
        assert source.jobs_count == 4
        assert len(await indexed_ids(runtime)) == 4


async def test_an_unreadable_file_stops_the_import_before_anything_is_stored(
    settings: Settings, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps({"nope": True}))
    async with started(settings) as runtime:
        with pytest.raises(UnreadableFile, match=r"broken\.json"):
            await import_files(
                runtime, [GREENHOUSE, broken], kind=SourceKind.GREENHOUSE, approve=True
            )

        assert await by_status(runtime) == {}


async def test_a_url_is_crawled_once_and_its_jobs_stored(
    settings_factory: Callable[..., Settings],
) -> None:
    async with FakeAtsApi() as api:
        api.greenhouse("acme", load_fixture("greenhouse_board.json"))
        crawl = CrawlSettings(
            allow_loopback=True, per_domain_delay_s=0, ats_base_urls=api.base_urls
        )
        settings = settings_factory(environment="development", crawl=crawl)
        async with started(settings) as runtime:
            with pytest.raises(UnreadableFile, match="is a greenhouse source, not lever"):
                await import_url(
                    runtime,
                    "https://boards.greenhouse.io/acme",
                    kind=SourceKind.LEVER,
                    approve=True,
                )

            report = await import_url(
                runtime, "https://boards.greenhouse.io/acme", kind=None, approve=True
            )

            assert (report.files, report.postings, report.created, report.approved) == (0, 3, 3, 3)
            assert [r.path for r in api.requests] == ["/v1/boards/acme/jobs"]
            assert len(await indexed_ids(runtime)) == 3
            # The saved reply of that board holds the same jobs.
            saved = await import_files(
                runtime, [GREENHOUSE], kind=SourceKind.GREENHOUSE, approve=False
            )
            assert (saved.created, saved.unchanged, saved.pending) == (0, 3, 0)
            # A one-off: the board is not a source the cron crawls.
            assert [s.id for s in await runtime.admin.sources.all()] == ["import-greenhouse"]
            assert await runtime.admin.sources.due(runtime.chat.clock()) == []

"""Metrics move with real events: deliveries through the real TelegramSender to the fake Bot API,
task outcomes through the one retry wrapper, and /metrics on its own port. Every assertion
compares counts before and after (the registry is per process and shared by the tests)."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from arq import Retry

from core import metrics
from core.channels import Channel, ChatRef, Reply
from core.errors import TransientError
from core.jobs import JobStatus, Source, SourceKind
from core.ports.outbox import OutboxKind, OutboxRow
from core.settings import CrawlSettings
from core.store.documents import UserDoc
from tests.fakes.ats_api import FakeAtsApi, load_fixture
from tests.fakes.telegram_api import FakeTelegramAPI
from webhooks.runtime import Runtime
from webhooks.worker import MAX_TRIES, WorkerCtx, retried, sweep_outbox

pytestmark = pytest.mark.integration


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegramAPI]:
    async with FakeTelegramAPI() as api:
        yield api


@pytest.fixture
async def runtime(settings_factory: Any, fake: FakeTelegramAPI) -> AsyncIterator[Runtime]:
    started = await Runtime.start(settings_factory(telegram=fake.telegram_settings()))
    yield started
    await started.stop()


async def add_user(user: int) -> None:
    await UserDoc.collection().insert_one(
        {
            "_id": f"telegram:{user}",
            "channel": "telegram",
            "platform_user_id": str(user),
            "chat_id": str(user),
            "created_at": datetime.now(UTC),
            "reachable": True,
            "linked": [],
        }
    )


def alert(user: int, job: str) -> OutboxRow:
    return OutboxRow.new(
        OutboxKind.ALERT,
        f"telegram:{user}",
        ChatRef(channel=Channel.TELEGRAM, chat_id=str(user)),
        job,
        [Reply(text=f"{job} for {user}")],
        now=datetime.now(UTC),
    )


def deliveries(result: str) -> float:
    return metrics.sample("jobscout_deliveries_total", channel="telegram", result=result)


def tasks(task: str, outcome: str) -> float:
    return metrics.sample("jobscout_tasks_total", task=task, outcome=outcome)


async def test_delivered_and_blocked_alerts_count_under_their_channel(
    runtime: Runtime, fake: FakeTelegramAPI
) -> None:
    for user in (1, 2, 3):
        await add_user(user)
    fake.block(3)  # blocked, and no linked channel to fall back to: skipped
    before = {result: deliveries(result) for result in ("sent", "blocked", "skipped")}
    lag_before = metrics.sample("jobscout_outbox_lag_seconds_count", channel="telegram")
    # Counters are per process: other tests in this run may have counted before (deltas only).
    whatsapp_before = metrics.sample("jobscout_deliveries_total", channel="whatsapp", result="sent")
    await runtime.delivery.outbox.enqueue([alert(1, "a"), alert(2, "a"), alert(3, "a")])

    report = await runtime.delivery.drain()

    assert (report["sent"], report["skipped"]) == (2, 1)
    moved = {result: deliveries(result) - before[result] for result in before}
    assert moved == {"sent": 2, "blocked": 1, "skipped": 1}
    lag_count = metrics.sample("jobscout_outbox_lag_seconds_count", channel="telegram")
    assert lag_count - lag_before == 2  # one lag per sent row
    whatsapp = metrics.sample("jobscout_deliveries_total", channel="whatsapp", result="sent")
    assert whatsapp == whatsapp_before


async def test_the_retry_wrapper_counts_each_outcome(runtime: Runtime) -> None:
    @retried(backoff_s=1)
    async def flaky_for_metrics(ctx: WorkerCtx, fail: str) -> str:
        if fail == "transient":
            raise TransientError("embedder away")
        if fail == "bug":
            raise ValueError("a bug")
        return "done"

    name = "flaky_for_metrics"
    before = {outcome: tasks(name, outcome) for outcome in ("ok", "retry", "dead_letter", "error")}

    assert await flaky_for_metrics({"job_try": 1, "runtime": runtime}, "no") == "done"
    with pytest.raises(Retry):
        await flaky_for_metrics({"job_try": 1, "runtime": runtime}, "transient")
    with pytest.raises(Retry):
        await flaky_for_metrics({"job_try": MAX_TRIES - 1, "runtime": runtime}, "transient")
    last = {"job_try": MAX_TRIES, "runtime": runtime}
    assert await flaky_for_metrics(last, "transient") == "dead_letter"
    with pytest.raises(ValueError, match="a bug"):
        await flaky_for_metrics({"job_try": 1, "runtime": runtime}, "bug")

    moved = {outcome: tasks(name, outcome) - before[outcome] for outcome in before}
    assert moved == {"ok": 1, "retry": 2, "dead_letter": 1, "error": 1}
    assert await runtime.chat.dead_letters.count() == 1


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


async def test_metrics_on_their_own_port() -> None:
    metrics.task_finished("own_port_probe", "ok")
    port = free_port()
    stop = metrics.serve(port, "127.0.0.1")
    try:
        async with httpx.AsyncClient(timeout=10) as http:
            answer = await http.get(f"http://127.0.0.1:{port}/metrics")
    finally:
        stop()
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/plain")
    assert 'jobscout_tasks_total{outcome="ok",task="own_port_probe"} 1.0' in answer.text
    with pytest.raises(httpx.ConnectError):  # stopped means closed
        async with httpx.AsyncClient(timeout=5) as http:
            await http.get(f"http://127.0.0.1:{port}/metrics")


def crawls(kind: str, outcome: str) -> float:
    return metrics.sample("jobscout_crawls_total", kind=kind, outcome=outcome)


async def test_crawls_count_by_source_kind_and_matches_per_job(settings_factory: Any) -> None:
    async with FakeAtsApi() as api:
        crawl = CrawlSettings(
            allow_loopback=True, per_domain_delay_s=0.0, ats_base_urls=api.base_urls
        )
        runtime = await Runtime.start(settings_factory(crawl=crawl))
        try:
            api.greenhouse("acme", load_fixture("greenhouse_board.json"))
            sources = runtime.crawler.sources
            now = datetime.now(UTC)
            board = await sources.add(
                Source(
                    id="gh1",
                    kind=SourceKind.GREENHOUSE,
                    locator="acme",
                    name="Acme",
                    trusted=True,
                    created_at=now,
                )
            )
            gone = await sources.add(
                Source(
                    id="gh2",
                    kind=SourceKind.GREENHOUSE,
                    locator="nobody",
                    name="Nobody",
                    created_at=now,
                )
            )
            outcomes = ("crawled", "unchanged", "failed")
            before = {outcome: crawls("greenhouse", outcome) for outcome in outcomes}
            lever_before = crawls("lever", "crawled")  # other tests' crawls count too
            matched_before = metrics.sample("jobscout_matches_per_job_count")

            first = await runtime.crawler.crawl(board.id)
            await runtime.crawler.crawl(board.id)  # the board answers 304
            await runtime.crawler.crawl(gone.id)  # 404: a failure, not worth a retry

            moved = {
                outcome: crawls("greenhouse", outcome) - before[outcome] for outcome in outcomes
            }
            assert moved == {"crawled": 1, "unchanged": 1, "failed": 1}
            assert crawls("lever", "crawled") == lever_before
            jobs = [await runtime.admin.jobs.get(job) for job in first.report.created]
            approved = [job.id for job in jobs if job and job.status is JobStatus.APPROVED]
            assert approved
            assert await runtime.matches.job_approved(approved[0]) == 0  # nobody to match yet
            assert metrics.sample("jobscout_matches_per_job_count") - matched_before == 1
        finally:
            await runtime.stop()


async def test_the_sweep_reports_the_queue_depth(runtime: Runtime) -> None:
    for n in range(3):  # deferred: nobody runs them during the test
        await runtime.queue.enqueue("index_candidate", f"telegram:{n}", defer_by=3600)
    waiting = await runtime.queue.pool.zcard(runtime.queue.pool.default_queue_name)
    assert waiting >= 3
    await sweep_outbox({"runtime": runtime})
    assert metrics.sample("jobscout_queue_depth") == waiting

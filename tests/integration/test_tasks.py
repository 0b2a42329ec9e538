"""Every task fails one way: transient errors are retried, the last try leaves a dead letter.

A real worker on the real stack; the embeddings endpoint is a fake server that answers 500."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import SecretStr

from core.jobs import Extraction, JobPosting, JobStatus, Source, SourceKind, StoredJob
from core.settings import MatchingSettings
from core.store.documents import DeadLetterDoc
from tests.fakes.embeddings_api import FakeEmbeddingsApi
from webhooks.runtime import Runtime
from webhooks.worker import MAX_TRIES, build_worker, stop_worker

pytestmark = pytest.mark.integration

# The OpenAI client's own tries per call of ours (its default max_retries=2, then it gives up).
CLIENT_ATTEMPTS = 3


@pytest.fixture
async def api() -> AsyncIterator[FakeEmbeddingsApi]:
    async with FakeEmbeddingsApi(dimension=1536) as fake:
        yield fake


@pytest.fixture
async def runtime(settings_factory: Any, api: FakeEmbeddingsApi) -> AsyncIterator[Runtime]:
    settings = settings_factory(
        matching=MatchingSettings(
            embedder="openai", base_url=api.base_url, api_key=SecretStr("test-key")
        )
    )
    started = await Runtime.start(settings)
    yield started
    await started.stop()


async def approved_job(runtime: Runtime, job_id: str) -> None:
    now = datetime.now(UTC)
    source = await runtime.admin.sources.add(
        Source(id="src001", kind=SourceKind.GREENHOUSE, locator="acme", name="acme",
               created_at=now)
    )
    posting = JobPosting(
        source_kind=SourceKind.GREENHOUSE, extraction=Extraction.ATS_API, external_id=job_id,
        title="Backend Engineer", company="Acme", url=f"https://boards.example.org/{job_id}",
        description_md="Python and PostgreSQL.", posted_at=now.date(),
    )
    job = StoredJob(
        id=job_id, source_ids=(source.id,), posting=posting, status=JobStatus.APPROVED,
        fingerprint=f"fp-{job_id}", first_seen_at=now, last_seen_at=now,
    )
    await runtime.admin.jobs.insert(job, f"{source.id}:{job_id}", "acme")


async def test_a_task_failing_transiently_is_retried_then_dead_lettered(
    runtime: Runtime, api: FakeEmbeddingsApi
) -> None:
    await approved_job(runtime, "job00001")
    api.fail_next(1_000, 500)  # the endpoint is down for good
    await runtime.queue.enqueue("match_job", "job00001", job_id="match:job00001:test")
    worker = build_worker(runtime, poll_delay=0.02, backoff_scale=0.001)
    task = asyncio.create_task(worker.async_run())
    try:
        async with asyncio.timeout(50):
            while not await DeadLetterDoc.collection().count_documents({}):  # noqa: ASYNC110
                await asyncio.sleep(0.05)
    finally:
        await stop_worker(worker, task)
    (letter,) = [raw async for raw in DeadLetterDoc.collection().find({})]
    assert letter["task"] == "match_job"
    assert b"job00001" not in letter["args"]  # stored sealed: arguments may name people
    (kept,) = await runtime.chat.dead_letters.recent()
    assert kept.args == ["job00001"]  # and they come back for a retry
    assert "TransientError" in letter["error"]
    # One embedding call per try (each the client's three attempts), and no more tries.
    assert len(api.requests) == CLIENT_ATTEMPTS * MAX_TRIES
    result = await runtime.queue.pool.all_job_results()
    assert [r.result for r in result if r.function == "match_job"] == ["dead_letter"]


async def test_a_transient_failure_that_passes_is_retried_to_success(
    runtime: Runtime, api: FakeEmbeddingsApi
) -> None:
    await approved_job(runtime, "job00002")
    api.fail_next(4, 500)  # the client retries twice itself: the second try of ours succeeds
    await runtime.queue.enqueue("match_job", "job00002", job_id="match:job00002:test")
    worker = build_worker(runtime, poll_delay=0.02, backoff_scale=0.001)
    task = asyncio.create_task(worker.async_run())
    try:
        async with asyncio.timeout(50):
            while not [  # noqa: ASYNC110
                r for r in await runtime.queue.pool.all_job_results() if r.function == "match_job"
            ]:
                await asyncio.sleep(0.05)
    finally:
        await stop_worker(worker, task)
    (done,) = [r for r in await runtime.queue.pool.all_job_results() if r.function == "match_job"]
    assert done.success
    assert done.result == 0  # indexed; no candidate to match yet
    assert await DeadLetterDoc.collection().count_documents({}) == 0

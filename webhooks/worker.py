"""arq tasks and worker settings: every worker registers the same set."""

from __future__ import annotations

import dataclasses
from typing import Any

import structlog
from arq import Retry
from arq.cron import cron
from arq.worker import Worker, func

from core.channels import Channel, Reply
from core.errors import TransientError
from webhooks.admin import crawl_job_id
from webhooks.runtime import Runtime

log = structlog.get_logger(__name__)

MAX_TRIES = 5
WorkerCtx = dict[str, Any]


async def parse_resume(
    ctx: WorkerCtx,
    user_key: str,
    channel: str,
    chat_id: str,
    update_id: str,
    file: dict[str, Any] | None,
    text: str | None,
) -> str:
    """Download and parse a resume, then continue the user's conversation."""
    runtime: Runtime = ctx["runtime"]
    last_try = ctx["job_try"] >= MAX_TRIES
    try:
        return await runtime.resumes.run(
            user_key, channel, chat_id, update_id, file, text, last_try=last_try
        )
    except TransientError as exc:
        raise Retry(defer=ctx["job_try"] * 5) from exc


async def send_replies(
    ctx: WorkerCtx,
    channel: str,
    chat_id: str,
    user_key: str,
    replies: list[dict[str, Any]],
    attempt: int = 1,
) -> None:
    """Send replies whose earlier attempt failed transiently (see ChatService.send)."""
    runtime: Runtime = ctx["runtime"]
    parsed = [Reply.model_validate(reply) for reply in replies]
    await runtime.chat.send(Channel(channel), chat_id, parsed, user_key=user_key, attempt=attempt)


async def crawl_source(ctx: WorkerCtx, source_id: str) -> str:
    """Crawl one source; tell the admins about new reviews and about a source that paused."""
    runtime: Runtime = ctx["runtime"]
    try:
        result = await runtime.crawler.crawl(source_id)
    except TransientError as exc:
        if ctx["job_try"] >= MAX_TRIES:
            await runtime.chat.dead_letters.add(
                "crawl_source", [source_id], str(exc), runtime.chat.clock()
            )
            return "dead_letter"
        raise Retry(defer=ctx["job_try"] * 30) from exc
    if result.breaker_opened:
        await runtime.admin.notify(
            f"Source {source_id} is paused after repeated failures: {result.error}. "
            f"It is tried again later; /resumesource {source_id} retries now."
        )
    if result.report.pending:
        await runtime.admin.assign_reviews(result.report.pending)
    return str(result.outcome)


async def enqueue_due_sources(ctx: WorkerCtx) -> int:
    """Every minute: one crawl job per due source (the job id makes it happen once per slot)."""
    runtime: Runtime = ctx["runtime"]
    now = runtime.chat.clock()
    due = await runtime.admin.sources.due(now)
    for source in due:
        slot = source.next_crawl_at or now
        await runtime.queue.enqueue("crawl_source", source.id, job_id=crawl_job_id(source.id, slot))
    return len(due)


async def review_reminders(ctx: WorkerCtx) -> dict[str, int]:
    """Every minute: remind admins of reviews about to time out; reassign the overdue ones."""
    runtime: Runtime = ctx["runtime"]
    return await runtime.admin.remind_and_reassign()


async def recover_inbound(ctx: WorkerCtx) -> int:
    """Finish updates that were accepted but not processed (the web process died mid-way)."""
    runtime: Runtime = ctx["runtime"]
    return await runtime.chat.recover()


# Every worker registers exactly this set (``jobscout run`` in-process, ``jobscout worker`` alone).
FUNCTIONS = [
    func(parse_resume, max_tries=MAX_TRIES),
    func(send_replies, max_tries=1),
    func(crawl_source, max_tries=MAX_TRIES, timeout=600),
]
CRON_JOBS = [
    cron(recover_inbound, second={0, 30}, run_at_startup=True, unique=True),
    cron(enqueue_due_sources, second={5}, run_at_startup=True, unique=True),
    cron(review_reminders, second={15}, unique=True),
]


def build_worker(runtime: Runtime, *, poll_delay: float = 0.05, burst: bool = False) -> Worker:
    """A worker sharing an already started runtime (``jobscout run`` and the tests)."""
    return Worker(
        functions=FUNCTIONS,
        # arq keeps each cron job's schedule (next_run) on the CronJob itself: every worker
        # gets fresh ones, or a second worker in one process skips its start-up runs.
        cron_jobs=[dataclasses.replace(job, next_run=None) for job in CRON_JOBS],
        redis_pool=runtime.queue.pool,
        ctx={"runtime": runtime},
        handle_signals=False,
        poll_delay=poll_delay,
        burst=burst,
        keep_result=60,
        max_jobs=20,
    )

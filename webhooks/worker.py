"""arq tasks and worker settings: every worker registers the same set."""

from __future__ import annotations

import asyncio
import dataclasses
import functools
from collections.abc import Awaitable, Callable
from typing import Any, cast

import structlog
from arq import Retry
from arq.cron import cron
from arq.typing import WorkerCoroutine
from arq.worker import Worker, func
from pymongo.errors import ConnectionFailure
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from conversations.admin import crawl_job_id
from core import metrics
from core.channels import Channel, Reply
from core.errors import TransientError
from matching.delivery import DRAIN_TASK, RETRY_TASK, ask_for_help
from matching.delivery import kick_delivery as kick_delivery  # callers import it from here too
from webhooks.imports import after_ingest
from webhooks.runtime import Runtime

log = structlog.get_logger(__name__)

MAX_TRIES = 5
STOP_GRACE_S = 5.0
WorkerCtx = dict[str, Any]

# Failures that may go away by themselves: our own TransientError (adapters translate network and
# platform hiccups into it), and the database or Redis out of reach for a moment.
TRANSIENT: tuple[type[BaseException], ...] = (
    TransientError,
    ConnectionFailure,
    RedisConnectionError,
    RedisTimeoutError,
    TimeoutError,
)


def retried(backoff_s: float) -> Callable[[Callable[..., Awaitable[Any]]], WorkerCoroutine]:
    """Every task's one way of failing: a transient error is retried (arq ``Retry``, backing off
    ``backoff_s`` more each try); after the last try the task becomes a dead letter with its
    reason, which admins see in /deadletters and can retry."""

    def wrap(task: Callable[..., Awaitable[Any]]) -> WorkerCoroutine:
        @functools.wraps(task)
        async def run(ctx: WorkerCtx, *args: Any) -> Any:
            try:
                result = await task(ctx, *args)
            except TRANSIENT as exc:
                if ctx["job_try"] < MAX_TRIES:
                    scale = ctx.get("backoff_scale", 1.0)  # tests shrink the waits
                    metrics.task_finished(task.__name__, "retry")
                    raise Retry(defer=ctx["job_try"] * backoff_s * scale) from exc
                runtime: Runtime = ctx["runtime"]
                reason = f"{type(exc).__name__}: {exc}"
                await runtime.chat.dead_letters.add(
                    task.__name__, list(args), reason, runtime.chat.clock()
                )
                log.error("task.dead_letter", task=task.__name__, error=reason)
                metrics.task_finished(task.__name__, "dead_letter")
                return "dead_letter"
            except Exception:
                metrics.task_finished(task.__name__, "error")
                raise
            metrics.task_finished(task.__name__, "ok")
            return result

        return cast(WorkerCoroutine, run)

    return wrap


async def parse_resume(
    ctx: WorkerCtx,
    user_key: str,
    channel: str,
    chat_id: str,
    update_id: str,
    file: dict[str, Any] | None,
    text: str | None,
    chat_user: str = "",
) -> str:
    """Download and parse a resume, then continue the user's conversation."""
    runtime: Runtime = ctx["runtime"]
    last_try = ctx["job_try"] >= MAX_TRIES
    try:
        return await runtime.resumes.run(
            user_key, channel, chat_id, update_id, file, text, last_try=last_try,
            chat_user=chat_user,
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
    await after_ingest(runtime, result.report, match_now=False)
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


async def deliver_outbox(ctx: WorkerCtx) -> dict[str, int]:
    """Deliver due outbox rows until none is due; one drain per worker process at a time."""
    runtime: Runtime = ctx["runtime"]
    report = await runtime.delivery.drain(on_backlog=lambda: ask_for_help(runtime.queue))
    return dict(report)


async def sweep_outbox(ctx: WorkerCtx) -> None:
    """Every 10 s: drain rows put back for later and rows whose worker died (lease expired)."""
    runtime: Runtime = ctx["runtime"]
    metrics.QUEUE_DEPTH.set(await runtime.queue.pool.zcard(runtime.queue.pool.default_queue_name))
    await kick_delivery(runtime.queue)


@retried(backoff_s=5)
async def retry_delivery(ctx: WorkerCtx, row_id: str) -> bool:
    """An admin retried a dead letter: the dead row goes back to the outbox with fresh tries."""
    runtime: Runtime = ctx["runtime"]
    revived = await runtime.delivery.outbox.revive(row_id, runtime.delivery.clock())
    if revived:
        await kick_delivery(runtime.queue)
    return revived


@retried(backoff_s=10)
async def match_job(ctx: WorkerCtx, job_id: str) -> int:
    """A job was approved (or revised while approved): index it, alert the candidates it fits."""
    runtime: Runtime = ctx["runtime"]
    return await runtime.matches.job_approved(job_id)


@retried(backoff_s=5)
async def unindex_job(ctx: WorkerCtx, job_id: str) -> None:
    """A job was rejected or closed: out of the index, its unsent matches dropped."""
    runtime: Runtime = ctx["runtime"]
    await runtime.matches.job_closed(job_id)


@retried(backoff_s=5)
async def index_candidate(ctx: WorkerCtx, user_key: str, first_batch: str = "") -> str:
    """A profile changed: embed it again and match it against the live jobs (``first_batch``:
    onboarding finished or /prefs changed, so the best few go out now; it names that batch)."""
    runtime: Runtime = ctx["runtime"]
    return await runtime.matches.index_candidate(user_key, first_batch)


@retried(backoff_s=5)
async def whatsapp_status(
    ctx: WorkerCtx, platform_id: str, status: str, failure: str | None = None
) -> str:
    """WhatsApp said what became of a message (sent, delivered, read, failed): delivery notes it,
    and sends a failed one again the way that fits."""
    runtime: Runtime = ctx["runtime"]
    return await runtime.delivery.on_status(platform_id, status, failure)


@retried(backoff_s=60)
async def rebuild_index(ctx: WorkerCtx) -> str:
    """Embed and index everything again (a new Qdrant, or vectors of another model)."""
    runtime: Runtime = ctx["runtime"]
    report = await runtime.matches.rebuild_index()
    return f"{report.jobs} jobs, {report.candidates} candidates"


async def send_digests(ctx: WorkerCtx) -> int:
    """Every minute: queue the daily and weekly digests whose local time has come."""
    runtime: Runtime = ctx["runtime"]
    return await runtime.matches.send_digests()


async def queue_followups(ctx: WorkerCtx) -> int:
    """Every hour: "heard back?" for applications a week old."""
    runtime: Runtime = ctx["runtime"]
    return await runtime.matches.queue_followups()


# Every worker registers exactly this set (``jobscout run`` in-process, ``jobscout worker`` alone).
FUNCTIONS = [
    func(parse_resume, max_tries=MAX_TRIES),
    func(send_replies, max_tries=1),
    func(crawl_source, max_tries=MAX_TRIES, timeout=600),
    func(deliver_outbox, name=DRAIN_TASK, max_tries=1, timeout=3600, keep_result=0),
    func(retry_delivery, name=RETRY_TASK, max_tries=MAX_TRIES),
    func(match_job, max_tries=MAX_TRIES, timeout=600),
    func(unindex_job, max_tries=MAX_TRIES),
    func(index_candidate, max_tries=MAX_TRIES),
    func(whatsapp_status, max_tries=MAX_TRIES),
    func(rebuild_index, max_tries=MAX_TRIES, timeout=6 * 3600),
]
CRON_JOBS = [
    cron(recover_inbound, second=set(range(0, 60, 10)), run_at_startup=True, unique=True),
    cron(enqueue_due_sources, second={5}, run_at_startup=True, unique=True),
    cron(review_reminders, second={15}, unique=True),
    cron(send_digests, second={20}, unique=True),
    cron(queue_followups, minute={7}, second={40}, unique=True),
    cron(sweep_outbox, second=set(range(0, 60, 10)), run_at_startup=True, unique=True),
]


def build_worker(
    runtime: Runtime, *, poll_delay: float = 0.05, burst: bool = False, backoff_scale: float = 1.0
) -> Worker:
    """A worker sharing an already started runtime (``jobscout run`` and the tests)."""
    return Worker(
        functions=FUNCTIONS,
        # arq keeps each cron job's schedule (next_run) on the CronJob itself: every worker
        # gets fresh ones, or a second worker in one process skips its start-up runs.
        cron_jobs=[dataclasses.replace(job, next_run=None) for job in CRON_JOBS],
        redis_pool=runtime.queue.pool,
        # Jobs and results are sealed (core.queue): read and write them with the pool's own.
        job_serializer=runtime.queue.pool.job_serializer,
        job_deserializer=runtime.queue.pool.job_deserializer,
        ctx={"runtime": runtime, "backoff_scale": backoff_scale},
        handle_signals=False,
        poll_delay=poll_delay,
        burst=burst,
        keep_result=60,
        max_jobs=20,
    )


async def stop_worker(worker: Worker, main: asyncio.Task[None]) -> None:
    """Stop a worker started with ``build_worker``: cancel and await its running jobs as well as
    its main loop (cancelling only the loop leaves jobs running while everything closes). An
    interrupted job is picked up again: arq keeps it queued until it finishes."""
    # A burst worker with nothing left to start leaves after its current iteration: cancelling
    # the loop mid-iteration can interrupt a Redis pipeline and leak its connection.
    worker.burst, worker.max_burst_jobs = True, 0
    jobs = [task for task in worker.tasks.values() if not task.done()]
    for task in jobs:
        task.cancel()
    await asyncio.wait({main}, timeout=STOP_GRACE_S)
    main.cancel()
    await asyncio.gather(*jobs, main, return_exceptions=True)
    # A poll that was under way when the loop was told to stop may have started jobs since:
    # they go too, before the caller closes what they use.
    late = [task for task in worker.tasks.values() if not task.done()]
    for task in late:
        task.cancel()
    await asyncio.gather(*late, return_exceptions=True)


WORKER_RESTART_BACKOFF_S = (0.5, 1.0, 2.0, 5.0, 10.0, 30.0)
WORKER_HEALTHY_AFTER_S = 60.0


class WorkerSupervisor:
    """Keeps ``jobscout run``'s arq worker running.

    arq's loop ends with an exception when Redis goes away (a restart, an outage); the web app
    keeps accepting updates meanwhile, so the process must not end with it. The supervisor logs
    the reason at WARNING and starts a fresh worker after a backoff, until ``stop``; queued jobs
    wait in Redis and accepted updates in the database, so nothing is lost in between.
    """

    def __init__(
        self, runtime: Runtime, backoff_s: tuple[float, ...] = WORKER_RESTART_BACKOFF_S
    ) -> None:
        self.runtime = runtime
        self.backoff_s = backoff_s
        self.restarts = 0
        self._stopping = asyncio.Event()
        self._worker: Worker | None = None
        self._main: asyncio.Task[None] | None = None

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        failures = 0
        while not self._stopping.is_set():
            self._worker = build_worker(self.runtime)
            self._main = asyncio.create_task(self._worker.async_run())
            started = loop.time()
            try:
                await asyncio.shield(self._main)
            except asyncio.CancelledError:
                if self._main.cancelled() or self._stopping.is_set():
                    return
                raise
            except Exception as exc:  # any end of the loop is logged and survived
                reason = repr(exc)
            else:
                reason = "the worker loop returned"
            if self._stopping.is_set():
                return
            await stop_worker(self._worker, self._main)  # its job tasks, if any are left
            if loop.time() - started > WORKER_HEALTHY_AFTER_S:
                failures = 0
            delay = self.backoff_s[min(failures, len(self.backoff_s) - 1)]
            failures += 1
            log.warning("worker.stopped_unexpectedly", reason=reason, restart_in_s=delay)
            try:
                await asyncio.wait_for(self._stopping.wait(), delay)
                return
            except TimeoutError:
                pass
            self.restarts += 1
            log.warning("worker.restarted", restarts=self.restarts)

    async def stop(self) -> None:
        self._stopping.set()
        if self._worker is not None and self._main is not None:
            await stop_worker(self._worker, self._main)

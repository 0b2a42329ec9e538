"""arq tasks and worker settings: every worker registers the same set."""

from __future__ import annotations

from typing import Any

import structlog
from arq import Retry
from arq.cron import cron
from arq.worker import Worker, func

from core.channels import Channel, Reply
from core.errors import TransientError
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


async def recover_inbound(ctx: WorkerCtx) -> int:
    """Finish updates that were accepted but not processed (the web process died mid-way)."""
    runtime: Runtime = ctx["runtime"]
    return await runtime.chat.recover()


# Every worker registers exactly this set (``jobscout run`` in-process, ``jobscout worker`` alone).
FUNCTIONS = [func(parse_resume, max_tries=MAX_TRIES), func(send_replies, max_tries=1)]
CRON_JOBS = [cron(recover_inbound, second={0, 30}, run_at_startup=True, unique=True)]


def build_worker(runtime: Runtime, *, poll_delay: float = 0.05, burst: bool = False) -> Worker:
    """A worker sharing an already started runtime (``jobscout run`` and the tests)."""
    return Worker(
        functions=FUNCTIONS,
        cron_jobs=CRON_JOBS,
        redis_pool=runtime.queue.pool,
        ctx={"runtime": runtime},
        handle_signals=False,
        poll_delay=poll_delay,
        burst=burst,
        keep_result=60,
        max_jobs=20,
    )

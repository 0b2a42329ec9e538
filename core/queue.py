"""The task queue port and its arq adapter."""

from __future__ import annotations

from typing import Any, Protocol

from arq.connections import ArqRedis, RedisSettings, create_pool


class TaskQueue(Protocol):
    """Enqueue a task by name; a deterministic job id makes enqueueing idempotent."""

    async def enqueue(
        self, task: str, *args: Any, job_id: str | None = None, defer_by: float | None = None
    ) -> None: ...


class ArqQueue:
    def __init__(self, pool: ArqRedis) -> None:
        self.pool = pool

    async def enqueue(
        self, task: str, *args: Any, job_id: str | None = None, defer_by: float | None = None
    ) -> None:
        await self.pool.enqueue_job(task, *args, _job_id=job_id, _defer_by=defer_by)


async def connect_queue(redis_url: str) -> ArqQueue:
    pool = await create_pool(RedisSettings.from_dsn(redis_url))
    return ArqQueue(pool)

"""The task queue port and its arq adapter.

Job payloads and results are sealed (pickled, then encrypted with the service's key, which
authenticates them too): a task's arguments name people (a user key, a chat id, a file), and
Redis keeps them in its append-only file; sealed, no byte of it is readable there.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable
from typing import Any, Protocol

from arq.connections import ArqRedis, RedisSettings, create_pool
from redis.asyncio import Redis


class TaskQueue(Protocol):
    """Enqueue a task by name; a deterministic job id makes enqueueing idempotent."""

    async def enqueue(
        self, task: str, *args: Any, job_id: str | None = None, defer_by: float | None = None
    ) -> None: ...

    async def forget(self, personal: set[str]) -> int:
        """/delete: drop waiting jobs and kept results whose arguments name the person."""
        ...


class ArqQueue:
    def __init__(self, pool: ArqRedis) -> None:
        self.pool = pool

    async def enqueue(
        self, task: str, *args: Any, job_id: str | None = None, defer_by: float | None = None
    ) -> None:
        await self.pool.enqueue_job(task, *args, _job_id=job_id, _defer_by=defer_by)

    async def forget(self, personal: set[str]) -> int:
        return await forget_jobs(self.pool, personal, self.pool.job_deserializer)


class Sealer(Protocol):
    def encrypt(self, data: bytes) -> bytes: ...

    def decrypt(self, token: bytes) -> bytes: ...


Serializer = Callable[[dict[str, Any]], bytes]
Deserializer = Callable[[bytes], dict[str, Any]]


def sealed_serializers(sealer: Sealer) -> tuple[Serializer, Deserializer]:
    """arq's job and result (de)serializers, encrypted by ``sealer`` (core.crypto.Cipher)."""

    def serialize(value: dict[str, Any]) -> bytes:
        return sealer.encrypt(pickle.dumps(value))

    def deserialize(data: bytes) -> dict[str, Any]:
        # Only what our key sealed is unpickled: the token is authenticated before this.
        value: dict[str, Any] = pickle.loads(sealer.decrypt(data))
        return value

    return serialize, deserialize


async def connect_queue(redis_url: str, sealer: Sealer | None = None) -> ArqQueue:
    serialize, deserialize = sealed_serializers(sealer) if sealer else (None, None)
    pool = await create_pool(
        RedisSettings.from_dsn(redis_url), job_serializer=serialize, job_deserializer=deserialize
    )
    return ArqQueue(pool)


# --- erasure: a person's work waiting in the queue, and its traces in Redis's own files -------

_QUEUE = "arq:queue"
_JOBS = "arq:job:"
_RESULTS = "arq:result:"
_RETRIES = "arq:retry:"
_REWRITE_WAIT_S = 10.0


def _names(value: Any, personal: frozenset[str]) -> bool:
    """Whether a task argument is, or holds, one of the ``personal`` strings."""
    if isinstance(value, str):
        return value in personal
    if isinstance(value, dict):
        return any(_names(item, personal) for item in value.values())
    if isinstance(value, list | tuple):
        return any(_names(item, personal) for item in value)
    return False


async def forget_jobs(
    redis: Redis, personal: set[str], deserializer: Deserializer | None = None
) -> int:
    """/delete: drop queued jobs and kept results whose arguments name the person.

    A queued job for them (a deferred re-index, a retry) would write about them again; a kept
    result repeats its arguments. Returns how many keys went. Jobs running now are left alone:
    they are fenced by the data they find gone.
    """
    from arq.jobs import DeserializationError, deserialize_job_raw, deserialize_result

    def job_arguments(data: bytes) -> tuple[Any, Any]:
        _, args, kwargs, _, _ = deserialize_job_raw(data, deserializer=deserializer)
        return args, kwargs

    def result_arguments(data: bytes) -> tuple[Any, Any]:
        result = deserialize_result(data, deserializer=deserializer)
        return result.args, result.kwargs

    wanted = frozenset(key for key in personal if key)
    removed = 0
    for prefix, arguments in ((_JOBS, job_arguments), (_RESULTS, result_arguments)):
        async for raw_key in redis.scan_iter(match=f"{prefix}*", count=500):
            key = raw_key.decode() if isinstance(raw_key, bytes) else str(raw_key)
            data = await redis.get(key)
            if data is None:
                continue
            try:
                args, kwargs = arguments(data)
            except DeserializationError:
                continue
            if not (_names(list(args), wanted) or _names(kwargs, wanted)):
                continue
            if prefix == _JOBS:  # a queued job: out of the queue, with its retry marker
                job_id = key.removeprefix(_JOBS)
                await redis.zrem(_QUEUE, job_id)
                removed += int(await redis.delete(key, f"{_RETRIES}{job_id}"))
            else:
                removed += int(await redis.delete(key))
    return removed


async def compact_redis_files(redis: Redis, wait_s: float = _REWRITE_WAIT_S) -> bool:
    """Rewrite Redis's append-only file, so deleted keys leave no history in it.

    Redis appends every write to its AOF; only a rewrite drops what was deleted since. Waits
    (up to ``wait_s``) for a rewrite already running, which may predate the deletions, then asks
    for a new one and returns True once it is asked; False when Redis keeps no AOF or refuses.
    """
    import asyncio

    from redis.exceptions import ResponseError

    try:
        persistence = await redis.info("persistence")
    except ResponseError:
        return False
    if not int(persistence.get("aof_enabled", 0)):
        return False
    loop = asyncio.get_running_loop()
    deadline = loop.time() + wait_s
    while True:
        try:
            await redis.execute_command("BGREWRITEAOF")  # type: ignore[no-untyped-call]
            return True
        except ResponseError as exc:
            # A rewrite is running (it may have forked before the deletions): ask again after.
            # Anything else (a managed Redis that refuses the command) will not change.
            if "in progress" not in str(exc).lower() or loop.time() >= deadline:
                return False
            await asyncio.sleep(0.1)

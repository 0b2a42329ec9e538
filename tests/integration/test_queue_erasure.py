"""/delete and the queue: a person's queued jobs and kept results go, and after the AOF rewrite
nothing in Redis's files names them (a real redis-server with its append-only file)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from arq.connections import RedisSettings, create_pool
from arq.jobs import serialize_result
from cryptography.fernet import Fernet
from redis.asyncio import Redis

from core.crypto import Cipher
from core.embedded import EmbeddedRedis
from core.queue import compact_redis_files, connect_queue, forget_jobs

pytestmark = pytest.mark.integration

GONE, STAYS = "telegram:42424242", "telegram:77777777"
PHONE = "4915199988877"


@pytest.fixture
async def redis_dir(tmp_path: Path) -> AsyncIterator[tuple[Redis, Path]]:
    data = tmp_path / "redis"
    server = EmbeddedRedis(data)
    url = await server.start()
    client = Redis.from_url(url)
    # The rewritten AOF starts with an RDB snapshot, whose strings Redis compresses: stored raw,
    # a grep for a key really tells whether it is there.
    await client.config_set("rdbcompression", "no")
    try:
        yield client, data
    finally:
        await client.aclose()
        server.stop()


def files_holding(folder: Path, needle: str) -> list[str]:
    return [
        str(path.relative_to(folder))
        for path in folder.rglob("*")
        if path.is_file() and needle.encode() in path.read_bytes()
    ]


async def rewritten(redis: Redis) -> None:
    """Until no rewrite is running or scheduled (an event, not a duration)."""
    for _ in range(200):
        info = await redis.info("persistence")
        if not int(info["aof_rewrite_in_progress"]) and not int(info["aof_rewrite_scheduled"]):
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the AOF rewrite never finished")


async def test_forget_jobs_drops_the_persons_work_and_results_and_the_aof_forgets_them(
    redis_dir: tuple[Redis, Path],
) -> None:
    redis, data = redis_dir
    port = redis.connection_pool.connection_kwargs["port"]
    pool = await create_pool(RedisSettings(host="127.0.0.1", port=port))
    try:
        await pool.enqueue_job("index_candidate", GONE, _job_id="a", _defer_by=600)
        await pool.enqueue_job(
            "parse_resume", GONE, "whatsapp", PHONE, "u1", {"file_id": "f"}, None, _job_id="b"
        )
        await pool.enqueue_job("index_candidate", STAYS, _job_id="c", _defer_by=600)
        await pool.enqueue_job("send_replies", "whatsapp", PHONE, GONE, [], 1, _job_id="d")
    finally:
        await pool.aclose()
    result = serialize_result(
        "index_candidate", (GONE,), {}, 1, 0, True, "indexed", 0, 1, "r", "arq:queue", "r"
    )
    assert result is not None
    await redis.set("arq:result:r", result)
    await rewritten(redis)
    assert files_holding(data, GONE)  # the AOF holds them before

    removed = await forget_jobs(redis, {GONE, PHONE})

    assert removed == 4  # a, b, d and the result
    assert await redis.exists("arq:job:c") == 1
    assert [member.decode() for member in await redis.zrange("arq:queue", 0, -1)] == ["c"]
    assert await compact_redis_files(redis)
    await rewritten(redis)
    assert files_holding(data, GONE) == []
    assert files_holding(data, PHONE) == []
    assert files_holding(data, STAYS)  # the others' work is still there


async def test_without_an_aof_there_is_nothing_to_compact(tmp_path: Path) -> None:
    redis = Redis.from_url((await _server_without_aof(tmp_path)).url)
    try:
        assert not await compact_redis_files(redis)
    finally:
        await redis.aclose()


async def _server_without_aof(tmp_path: Path) -> EmbeddedRedis:
    server = EmbeddedRedis(tmp_path / "plain")
    await server.start()
    client = Redis.from_url(server.url)
    await client.config_set("appendonly", "no")
    await client.aclose()
    _SERVERS.append(server)
    return server


_SERVERS: list[EmbeddedRedis] = []


@pytest.fixture(autouse=True)
def _stop_servers() -> Iterator[None]:
    yield
    while _SERVERS:
        _SERVERS.pop().stop()


async def test_sealed_jobs_hold_no_readable_argument_and_can_still_be_forgotten(
    redis_dir: tuple[Redis, Path],
) -> None:
    redis, data = redis_dir
    port = redis.connection_pool.connection_kwargs["port"]
    cipher = Cipher([Fernet.generate_key().decode()])
    queue = await connect_queue(f"redis://127.0.0.1:{port}/0", cipher)
    try:
        await queue.enqueue(
            "parse_resume", GONE, "whatsapp", PHONE, "u1", None, "text", job_id="s1"
        )
        await queue.enqueue("index_candidate", STAYS, job_id="s2", defer_by=600)
        raw = await redis.get("arq:job:s1")
        assert raw is not None
        assert GONE.encode() not in raw
        assert PHONE.encode() not in raw
        await rewritten(redis)
        await compact_redis_files(redis)
        await rewritten(redis)
        assert files_holding(data, GONE) == []  # sealed: not even before the erasure
        assert await queue.forget({GONE}) == 1
        assert await redis.exists("arq:job:s1") == 0
        assert await redis.exists("arq:job:s2") == 1
    finally:
        await queue.pool.aclose()

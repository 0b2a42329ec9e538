"""Shared fixtures: embedded MongoDB, a real redis-server, a fake Telegram Bot API on loopback."""

from __future__ import annotations

import asyncio
import contextlib
import os
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import structlog
from cryptography.fernet import Fernet
from pydantic import SecretStr
from redis.asyncio import Redis

from conversations.chat import utc_now
from core.embedded import EmbeddedMongo, EmbeddedRedis
from core.logging import configure_logging
from core.settings import Settings
from core.store.mongo import connect
from tests.fakes.loopback import start_server, stop_server
from tests.fakes.telegram_api import FakeTelegramAPI
from webhooks.app import create_app
from webhooks.runtime import Runtime
from webhooks.worker import build_worker, stop_worker

WEBHOOK_SECRET = "test-webhook-secret"
os.environ.setdefault("PTB_TIMEDELTA", "true")


@pytest.fixture(autouse=True)
def _fresh_logging() -> Iterator[None]:
    """A test that configures logging (level, format) does not leak it into the next one."""
    yield
    structlog.reset_defaults()


@pytest.fixture(scope="session")
def mongodb_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    server = EmbeddedMongo(tmp_path_factory.mktemp("mongodb"))
    yield server.start()
    server.stop()


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    server = EmbeddedRedis(tmp_path_factory.mktemp("redis"))
    url = asyncio.run(server.start())
    yield url
    server.stop()


@contextlib.asynccontextmanager
async def fresh_database(mongodb_url: str) -> AsyncIterator[None]:
    """A new database on the embedded MongoDB, bound to the collection specs, dropped afterwards."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    client = await connect(mongodb_url, name)
    try:
        yield
    finally:
        await client.drop_database(name)
        await client.close()


@pytest.fixture
async def clean_redis(redis_url: str) -> str:
    client = Redis.from_url(redis_url)
    await client.flushall()
    await client.aclose()
    return redis_url


@pytest.fixture
def settings_factory(mongodb_url: str, clean_redis: str, tmp_path: Path) -> Any:
    configure_logging("WARNING", "console")
    key = Fernet.generate_key().decode()

    def make(**overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "environment": "test",
            "data_dir": tmp_path / "data",
            "mongodb_url": SecretStr(mongodb_url),
            "mongodb_database": f"t_{uuid.uuid4().hex[:12]}",
            "redis_url": clean_redis,
            "encryption_keys": SecretStr(key),
        }
        values.update(overrides)
        return Settings(_env_file=None, **values)

    return make


@pytest.fixture
async def fake_telegram() -> AsyncIterator[FakeTelegramAPI]:
    async with FakeTelegramAPI() as fake:
        yield fake


@dataclass
class Stack:
    """The whole service on loopback: web app, worker, runtime, fake Telegram."""

    settings: Settings
    runtime: Runtime
    telegram: FakeTelegramAPI
    http: httpx.AsyncClient
    base_url: str
    _update_ids: Any

    def next_update_id(self) -> int:
        return int(next(self._update_ids))

    async def post_update(
        self, update: dict[str, Any], secret: str | None = WEBHOOK_SECRET
    ) -> httpx.Response:
        headers = {} if secret is None else {"X-Telegram-Bot-Api-Secret-Token": secret}
        return await self.http.post(
            f"{self.base_url}/webhooks/telegram", json=update, headers=headers
        )


@contextlib.asynccontextmanager
async def serve(app: Any) -> AsyncIterator[str]:
    """The app on a free loopback port, lifespan included, for the length of the block."""
    from webhooks.transport import KEEP_ALIVE_S, MAX_HEADER_BYTES, DeadlineH11Protocol

    # The transport `jobscout run` serves with (its limits: webhooks/transport.py).
    server, task, port = await start_server(
        app,
        "app-under-test",
        lifespan="on",
        http=DeadlineH11Protocol,
        h11_max_incomplete_event_size=MAX_HEADER_BYTES,
        timeout_keep_alive=KEEP_ALIVE_S,
    )
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await stop_server(server, task)


@contextlib.asynccontextmanager
async def running(
    settings: Settings, telegram: FakeTelegramAPI, *, clock: Callable[[], datetime] = utc_now
) -> AsyncIterator[Stack]:
    """The whole service on loopback (runtime, worker, web app) for the length of the block."""
    import itertools

    runtime = await Runtime.start(settings, clock=clock)
    worker = build_worker(runtime, poll_delay=0.02)
    worker_task = asyncio.create_task(worker.async_run())
    try:
        async with (
            serve(create_app(settings, runtime)) as base_url,
            httpx.AsyncClient(timeout=10) as http,
        ):
            yield Stack(settings, runtime, telegram, http, base_url, itertools.count(1000))
    finally:
        await stop_worker(worker, worker_task)
        await runtime.stop()


@pytest.fixture
async def stack(settings_factory: Any, fake_telegram: FakeTelegramAPI) -> AsyncIterator[Stack]:
    settings = settings_factory(
        telegram=fake_telegram.telegram_settings(webhook_secret=SecretStr(WEBHOOK_SECRET))
    )
    async with running(settings, fake_telegram) as started:
        yield started

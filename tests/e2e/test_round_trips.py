"""What an update costs the database before its reply, counted on the real stack (issue 8).

A pymongo ``CommandListener`` (bench/webhook_server.py's, the one bench/webhook.py reads) stamps
every command an update's processing sends; the fake Bot API stamps the reply on the same clock.
An onboarding step of an unlinked candidate may send, before its reply, the journaled accept of
the update (the webhook's 200 waits for it), the read of the chat's pending updates, and then
one read and one write of the conversation.
Everything else (the update marked done, the user row, the profile, consents) comes after.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from bench.webhook import ONBOARDING  # (kind, payload, replies): a whole onboarding
from bench.webhook_server import CommandCounter, StampUpdates
from tests.commands import counter
from tests.conftest import WEBHOOK_SECRET, Stack, serve
from tests.e2e import updates
from tests.fakes.telegram_api import FakeTelegramAPI
from webhooks.app import create_app
from webhooks.runtime import Runtime
from webhooks.worker import build_worker, stop_worker

pytestmark = pytest.mark.e2e

ACCEPT, PENDING = "insert inbound", "find inbound"
READ, WRITE = "find conversations", "update conversations"
# The admin check reads the granted admins at most every CACHE_SECONDS, whoever writes.
ADMIN_REFRESH = "find admins"


@contextlib.asynccontextmanager
async def counted_stack(
    settings_factory: Any, telegram: FakeTelegramAPI, commands: CommandCounter
) -> AsyncIterator[Stack]:
    """conftest's ``running``, with the bench's middleware stamping each update's commands."""
    settings = settings_factory(
        telegram=telegram.telegram_settings(webhook_secret=SecretStr(WEBHOOK_SECRET))
    )
    runtime = await Runtime.start(settings)
    worker = build_worker(runtime, poll_delay=0.02)
    worker_task = asyncio.create_task(worker.async_run())
    try:
        async with (
            serve(StampUpdates(create_app(settings, runtime), commands)) as base_url,
            httpx.AsyncClient(timeout=10) as http,
        ):
            yield Stack(settings, runtime, telegram, http, base_url, itertools.count(1000))
    finally:
        await stop_worker(worker, worker_task)
        await runtime.stop()


async def walk(stack: Stack, user: int) -> list[tuple[int, float]]:
    """One user onboards; returns each update's id and when its first reply arrived."""
    seen, replies = 0, []
    for kind, payload, expect in ONBOARDING:
        update_id = stack.next_update_id()
        update = (
            updates.message(update_id, user, payload)
            if kind == "text"
            else updates.callback(update_id, user, payload)
        )
        started = time.monotonic()
        assert (await stack.post_update(update)).status_code == 200
        await stack.telegram.wait_for_messages(user, seen + expect)
        seen += expect
        first = min(c.timestamp for c in stack.telegram.calls_to(user) if c.timestamp >= started)
        replies.append((update_id, first))
    return replies


async def test_an_onboarding_update_reads_and_writes_its_conversation_once_before_the_reply(
    settings_factory: Any, fake_telegram: FakeTelegramAPI
) -> None:
    commands = counter()
    async with counted_stack(settings_factory, fake_telegram, commands) as stack:
        await walk(stack, 7001)  # the first update of a process also adopts old links once
        started = time.monotonic()
        replies = await walk(stack, 7002)
        elapsed = time.monotonic() - started

    refreshes = 0
    for update_id, replied in replies:
        # The middleware's own first stamp marks the request's arrival: not a command.
        stamped = [(t, name) for t, name in commands.updates[update_id] if name != "request"]
        before = [name for stamp, name in stamped if stamp < replied]
        refreshes += before.count(ADMIN_REFRESH)
        before = [name for name in before if name != ADMIN_REFRESH]
        # /start stores nothing yet (the consent question comes first): no write to make.
        assert before in (
            [ACCEPT, PENDING, READ],
            [ACCEPT, PENDING, READ, WRITE],
        ), (update_id, before)
        # And the rest comes after the reply, not never: at least the update is marked done.
        assert "update inbound" in [name for stamp, name in stamped if stamp >= replied]
    assert refreshes <= 1 + int(elapsed / 10)

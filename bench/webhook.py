"""Webhook throughput and latency: N users onboard at once through the real HTTP webhook.

The whole stack runs on its embedded default (SecantusDB, redis-server, Qdrant local mode)
with the fake Bot API on loopback. In the same run an echo floor — the same stack with a route
that only parses the update and replies — gives the ceiling to compare against.

    .venv/bin/python -m bench.webhook --users 100
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
from fastapi import Request, Response
from pydantic import SecretStr

from bots.telegram import to_inbound
from core.channels import Channel, Reply
from core.logging import configure_logging
from core.settings import Settings
from tests.conftest import serve
from tests.e2e import updates
from tests.fakes.telegram_api import FakeTelegramAPI
from webhooks.app import create_app
from webhooks.runtime import Runtime
from webhooks.worker import build_worker

SECRET = "bench-secret"

# (kind, payload, replies expected): one whole onboarding, resume skipped.
ONBOARDING: list[tuple[str, str, int]] = [
    ("text", "/start", 1),
    ("tap", "consent:yes:en", 2),
    ("text", "Backend Developer, Data Engineer", 1),
    ("tap", "work_mode:remote", 1),
    ("text", "Berlin, Germany", 1),
    ("tap", "seniority:senior", 1),
    ("text", "70000 EUR", 1),
    ("tap", "resume:skip", 1),
    ("tap", "frequency:daily", 1),
    ("text", "Europe/Berlin", 1),
    ("tap", "quiet_hours:22-7", 2),
]
ECHO = [("text", f"echo {i}", 1) for i in range(len(ONBOARDING))]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


async def run_users(
    post: Callable[[dict[str, Any]], Awaitable[httpx.Response]],
    fake: FakeTelegramAPI,
    users: int,
    script: list[tuple[str, str, int]],
    first_user: int,
) -> tuple[float, list[float], int]:
    """Every user walks the script; returns wall time, per-update latencies and update count."""
    ids = itertools.count(first_user * 100)
    latencies: list[float] = []

    async def one(user_id: int) -> None:
        seen = 0
        for kind, payload, expect in script:
            update_id = next(ids)
            update = (
                updates.message(update_id, user_id, payload)
                if kind == "text"
                else updates.callback(update_id, user_id, payload)
            )
            started = time.monotonic()
            response = await post(update)
            response.raise_for_status()
            await fake.wait_for_messages(user_id, seen + expect, timeout=60)
            first_reply = next(
                call.timestamp for call in fake.sent
                if call.chat_id == str(user_id) and call.timestamp >= started
            )
            latencies.append(first_reply - started)
            seen += expect

    started = time.monotonic()
    await asyncio.gather(*(one(first_user + n) for n in range(users)))
    return time.monotonic() - started, latencies, users * len(script)


async def main(users: int) -> None:
    configure_logging("ERROR", "console")
    with tempfile.TemporaryDirectory() as data_dir:
        async with FakeTelegramAPI() as fake:
            settings = Settings(
                _env_file=None,
                data_dir=Path(data_dir),
                telegram=fake.telegram_settings(webhook_secret=SecretStr(SECRET)),
            )
            runtime = await Runtime.start(settings)
            worker = build_worker(runtime)
            worker_task = asyncio.create_task(worker.async_run())
            app = create_app(settings, runtime)
            sender = runtime.senders[Channel.TELEGRAM]

            @app.post("/bench/echo")
            async def echo(request: Request) -> Response:
                msg = to_inbound(await request.json())
                if msg is not None:
                    await sender.send(msg.chat_id, Reply(text=msg.text))
                return Response(status_code=200)

            limits = httpx.Limits(max_connections=users + 10)
            try:
                async with serve(app) as base, httpx.AsyncClient(timeout=60, limits=limits) as http:
                    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}

                    async def to_echo(update: dict[str, Any]) -> httpx.Response:
                        return await http.post(f"{base}/bench/echo", json=update, headers=headers)

                    async def to_webhook(update: dict[str, Any]) -> httpx.Response:
                        url = f"{base}/webhooks/telegram"
                        return await http.post(url, json=update, headers=headers)

                    await run_users(to_webhook, fake, 5, ONBOARDING, first_user=900_000)  # warm-up
                    floor = await run_users(to_echo, fake, users, ECHO, first_user=100_000)
                    real = await run_users(to_webhook, fake, users, ONBOARDING, first_user=200_000)
            finally:
                worker_task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await worker_task
                await runtime.stop()

    def report(name: str, result: tuple[float, list[float], int]) -> float:
        wall, latencies, count = result
        rate = count / wall
        print(
            f"{name:<22} {count:>6} updates  {rate:8.1f} updates/s  "
            f"p50 {statistics.median(latencies) * 1000:7.1f} ms  "
            f"p99 {percentile(latencies, 0.99) * 1000:7.1f} ms"
        )
        return rate

    print(f"{users} concurrent users, embedded default, fake Bot API on loopback")
    floor_rate = report("echo floor", floor)
    real_rate = report("onboarding (webhook)", real)
    print(f"ratio to floor: {real_rate / floor_rate:.2f}  (goal >= 0.5; p99 goal < 100 ms)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=100)
    asyncio.run(main(parser.parse_args().users))

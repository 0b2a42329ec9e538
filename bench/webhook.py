"""Webhook throughput and latency: N users onboard at once through the real HTTP webhook.

The stack runs in its own process on its embedded default (SecantusDB, redis-server, the
qdrant-edge index), as ``jobscout run`` would; this process plays the users and the fake Bot API.
In the same run an echo floor — the same stack with a route that only parses the update and
replies — gives the ceiling to compare against.

    .venv/bin/python -m bench.webhook --users 100
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import itertools
import random
import signal
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from core.embedded import free_port
from tests.e2e import updates
from tests.fakes.telegram_api import FakeTelegramAPI
from webhooks.runtime import settle_memory

SECRET = "bench-secret"
SLOW_S = 0.1  # the paced goal: an update answered later than this is slow

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
    think: float = 0.0,
    replies: dict[int, float] | None = None,
    slow: list[float] | None = None,
) -> tuple[float, list[float], int]:
    """Every user walks the script; returns wall time, per-update latencies and update count.

    ``replies``, if given, gets each update's id and when its first reply arrived (monotonic);
    ``slow``, when each update answered later than SLOW_S was sent.

    ``think`` > 0: a user reads and types for 0.5x to 1.5x that many seconds before each answer
    (people in a chat); 0: the next update goes out the moment the reply arrives (saturation).
    """
    ids = itertools.count(first_user * 100)
    latencies: list[float] = []
    pace = random.Random(first_user)

    async def one(user_id: int) -> None:
        seen = 0
        if think:
            await asyncio.sleep(pace.uniform(0, think))  # users do not all start at once
        for step, (kind, payload, expect) in enumerate(script):
            if think and step:
                await asyncio.sleep(think * pace.uniform(0.5, 1.5))
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
                call.timestamp for call in fake.calls_to(user_id) if call.timestamp >= started
            )
            latencies.append(first_reply - started)
            if slow is not None and first_reply - started > SLOW_S:
                slow.append(started)
            if replies is not None:
                replies[update_id] = first_reply
            seen += expect

    started = time.monotonic()
    await asyncio.gather(*(one(first_user + n) for n in range(users)))
    return time.monotonic() - started, latencies, users * len(script)


class Commands:
    """MongoDB commands the stack ran during one phase, from its ``/bench/stats``."""

    def __init__(
        self, before: dict[str, Any], after: dict[str, Any], replies: dict[int, float]
    ) -> None:
        self.per_update_all = (after["commands"] - before["commands"]) / max(1, len(replies))
        stamped = after["updates"]
        self.before_reply: list[int] = []
        self.attributed: list[int] = []
        self.names: dict[str, int] = {}
        self.gaps: dict[str, list[float]] = {}
        self.lags = after["loop_lags"][len(before["loop_lags"]) :]
        # How long each kind of command took during the phase (microseconds), all work.
        self.durations = {
            name: values[len(before["durations"].get(name, [])) :]
            for name, values in after["durations"].items()
        }
        for update_id, replied in replies.items():
            commands = stamped.get(str(update_id), [])
            self.attributed.append(sum(1 for _, name in commands if name != "request"))
            steps = [(stamp, name) for stamp, name in commands if stamp < replied]
            # Where the time before the reply went: from each stamp to the next (the request
            # arriving, each command starting), the last one to the reply.
            ends = [*steps[1:], (replied, "")]
            for (stamp, name), (following, _) in zip(steps, ends, strict=True):
                self.gaps.setdefault(name, []).append(following - stamp)
            early = [name for _, name in steps if name != "request"]
            self.before_reply.append(len(early))
            for name in early:
                self.names[name] = self.names.get(name, 0) + 1

    def lines(self) -> list[str]:
        count = max(1, len(self.before_reply))
        top = sorted(self.names.items(), key=lambda item: -item[1])
        return [
            f"    db commands per update: {statistics.mean(self.attributed):.2f} for the update "
            f"(max {max(self.attributed, default=0)}), {self.per_update_all:.2f} counting "
            "everything the stack ran in the phase",
            f"    before the first reply: {statistics.mean(self.before_reply):.2f} "
            f"(max {max(self.before_reply, default=0)}): "
            + ", ".join(f"{name} {n / count:.2f}" for name, n in top),
            "    their time in the store, p50/p99 ms: "
            + ", ".join(
                f"{name} {percentile(self.durations[name], 0.5) / 1000:.1f}"
                f"/{percentile(self.durations[name], 0.99) / 1000:.1f}"
                for name, _ in top
                if self.durations.get(name)
            ),
            "    from each step to the next, p50/p99 ms: "
            + ", ".join(
                f"{name} {percentile(gaps, 0.5) * 1000:.1f}/{percentile(gaps, 0.99) * 1000:.1f}"
                for name, gaps in self.gaps.items()
            ),
            "    everything in the phase, per update, by kind: "
            + ", ".join(
                f"{name} {len(values) / count:.2f}"
                for name, values in sorted(self.durations.items(), key=lambda item: -len(item[1]))
                if len(values) / count >= 0.05
            ),
            "    the store's time in the phase by kind, total ms (slowest one): "
            + ", ".join(
                f"{name} {sum(values) / 1000:.0f} ({max(values) / 1000:.0f})"
                for name, values in sorted(self.durations.items(), key=lambda kv: -sum(kv[1]))[:8]
                if values
            ),
            f"    the stack's event loop woke late by p50 {percentile(self.lags, 0.5) * 1000:.1f}"
            f" / p99 {percentile(self.lags, 0.99) * 1000:.1f}"
            f" / max {max(self.lags, default=0) * 1000:.0f} ms",
        ]


async def main(users: int, think: float) -> None:
    settle_memory()  # the harness's own GC pauses must not count as the stack's latency
    async with FakeTelegramAPI() as fake:
        port = free_port()
        server = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bench.webhook_server",
            "--port",
            str(port),
            "--api",
            fake.base_url,
            "--files",
            fake.file_base_url,
            "--token",
            fake.token,
            "--secret",
            SECRET,
        )
        base = f"http://127.0.0.1:{port}"
        limits = httpx.Limits(max_connections=users + 10, max_keepalive_connections=users + 10)
        try:
            async with httpx.AsyncClient(timeout=60, limits=limits) as http:
                async with asyncio.timeout(60):
                    while True:
                        with contextlib.suppress(httpx.TransportError):
                            if (await http.get(f"{base}/ready")).status_code == 200:
                                break
                        await asyncio.sleep(0.1)
                headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}

                async def to_echo(update: dict[str, Any]) -> httpx.Response:
                    return await http.post(f"{base}/bench/echo", json=update, headers=headers)

                async def to_webhook(update: dict[str, Any]) -> httpx.Response:
                    url = f"{base}/webhooks/telegram"
                    return await http.post(url, json=update, headers=headers)

                async def stats() -> dict[str, Any]:
                    result: dict[str, Any] = (await http.get(f"{base}/bench/stats")).json()
                    return result

                await run_users(to_webhook, fake, 5, ONBOARDING, first_user=900_000)  # warm-up
                floor = await run_users(to_echo, fake, users, ECHO, first_user=100_000)
                before, replies = await stats(), dict[int, float]()
                real = await run_users(
                    to_webhook, fake, users, ONBOARDING, first_user=200_000, replies=replies
                )
                real_commands = Commands(before, await stats(), replies)
                paced_floor = await run_users(
                    to_echo, fake, users, ECHO, first_user=300_000, think=think
                )
                before, replies = await stats(), dict[int, float]()
                slow: list[float] = []
                phase_started = time.monotonic()
                paced = await run_users(
                    to_webhook,
                    fake,
                    users,
                    ONBOARDING,
                    first_user=400_000,
                    think=think,
                    replies=replies,
                    slow=slow,
                )
                paced_commands = Commands(before, await stats(), replies)
        finally:
            server.send_signal(signal.SIGTERM)
            await asyncio.wait_for(server.wait(), timeout=60)

    def report(name: str, result: tuple[float, list[float], int]) -> float:
        wall, latencies, count = result
        rate = count / wall
        print(
            f"{name:<22} {count:>6} updates  {rate:8.1f} updates/s  "
            f"p50 {statistics.median(latencies) * 1000:7.1f} ms  "
            f"p99 {percentile(latencies, 0.99) * 1000:7.1f} ms"
        )
        return rate

    print(f"{users} concurrent users, stack on its embedded default, fake Bot API on loopback")
    print("saturation (each user sends the next update as soon as the reply arrives):")
    floor_rate = report("  echo floor", floor)
    real_rate = report("  onboarding", real)
    print("\n".join(real_commands.lines()))
    print(f"  ratio to floor: {real_rate / floor_rate:.2f}  (goal >= 0.5)")
    print(f"paced (each user thinks {think:g} s on average before answering):")
    report("  echo floor", paced_floor)
    report("  onboarding", paced)
    print("\n".join(paced_commands.lines()))
    # Slow updates spread evenly mean a slow path; bunched in a few seconds, a stall.
    bunches = collections.Counter(int(at - phase_started) for at in slow)
    print(
        f"    answered later than {SLOW_S * 1000:.0f} ms: {len(slow)}, by second of the phase: "
        + (", ".join(f"{second}s {n}" for second, n in sorted(bunches.items())) or "none")
    )
    print("  (goal: p99 < 100 ms)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--think", type=float, default=2.0, help="mean seconds between answers")
    arguments = parser.parse_args()
    asyncio.run(main(arguments.users, arguments.think))

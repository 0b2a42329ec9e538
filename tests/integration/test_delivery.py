"""Delivery end to end: the outbox in the embedded MongoDB, the limiter in a real Redis, and the
real TelegramSender talking to the fake Bot API, which enforces Telegram's rate limits.

Both sides run ten times faster than Telegram (300 messages/s for the bot, 10/s per chat) to
keep the tests short; the limits are the same shape, only scaled. The fake lets a message arrive
up to 0.1 s early (its model of network jitter): a busy test machine can stall a request that
long between our booking its slot and the fake receiving it.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, BinaryIO

import pytest
from cryptography.fernet import Fernet

from core.channels import Channel, ChatRef, Reply
from core.ports.outbox import OutboxKind, OutboxRow, OutboxStatus
from core.ratelimit import RateLimits, RedisRateLimiter
from core.settings import MatchingSettings, Settings
from core.store.documents import UserDoc
from core.store.mongo import connect
from core.store.outbox import MongoOutbox
from matching.delivery import RETRY_TASK
from tests.conftest import Stack
from tests.fakes.telegram_api import FakeTelegramAPI
from webhooks.runtime import Runtime
from webhooks.worker import kick_delivery

pytestmark = pytest.mark.integration

SCALE = 10
PER_SECOND = 30 * SCALE
PER_CHAT = 1 * SCALE
TOLERANCE = 0.1


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegramAPI]:
    async with FakeTelegramAPI() as api:
        api.enforce_limits(PER_SECOND, PER_CHAT, tolerance=TOLERANCE)
        yield api


@pytest.fixture
async def runtime(settings_factory: Any, fake: FakeTelegramAPI) -> AsyncIterator[Runtime]:
    settings: Settings = settings_factory(
        telegram=fake.telegram_settings(),
        matching=MatchingSettings(
            telegram_per_second=PER_SECOND, telegram_per_chat_per_second=PER_CHAT
        ),
    )
    started = await Runtime.start(settings)
    started.delivery.backoff_base = 0.05  # retries in tens of milliseconds, not seconds
    yield started
    await started.stop()


async def add_user(
    user: int, *, reachable: bool = True, linked: tuple[int, ...] = ()
) -> str:
    key = f"telegram:{user}"
    await UserDoc.collection().insert_one(
        {
            "_id": key,
            "channel": "telegram",
            "platform_user_id": str(user),
            "chat_id": str(user),
            "created_at": datetime.now(UTC),
            "reachable": reachable,
            "linked": [f"telegram:{other}" for other in linked],
        }
    )
    return key


def alert(user: int, job: str, *texts: str, seq: int = 0) -> OutboxRow:
    return OutboxRow.new(
        OutboxKind.ALERT,
        f"telegram:{user}",
        ChatRef(channel=Channel.TELEGRAM, chat_id=str(user)),
        job,
        [Reply(text=text) for text in texts or (f"{job} for {user}",)],
        now=datetime.now(UTC),
        seq=seq,
    )


def statuses(counts: dict[str, dict[str, int]]) -> dict[str, int]:
    return counts.get("alert", {})


async def test_alerts_reach_every_user_once_and_in_order(
    runtime: Runtime, fake: FakeTelegramAPI
) -> None:
    rows = []
    for user in range(1, 21):  # 20 users with 4 alerts each
        await add_user(user)
        rows += [alert(user, f"job{n}", seq=n) for n in range(4)]
    for user in range(50, 60):  # 10 users with one alert of 5 replies: 10/s per chat applies
        await add_user(user)
        rows.append(alert(user, "digest", *(f"card {n} for {user}" for n in range(5))))
    for user in range(100, 140):  # 40 users with one
        await add_user(user)
        rows.append(alert(user, "job0"))
    assert await runtime.delivery.outbox.enqueue(rows) == 130

    report = await runtime.delivery.drain()

    for user in range(1, 21):
        assert fake.messages_to(user) == [f"job{n} for {user}" for n in range(4)]
    for user in range(50, 60):
        assert fake.messages_to(user) == [f"card {n} for {user}" for n in range(5)]
    for user in range(100, 140):
        assert fake.messages_to(user) == [f"job0 for {user}"]
    assert report["sent"] == 130
    assert report["messages"] == 170
    assert fake.rate_limited == 0  # our limiter kept under the fake's limits
    assert statuses(await runtime.delivery.outbox.counts()) == {"sent": 130}


async def test_the_bot_wide_limit_is_shared_by_two_drains(
    runtime: Runtime, fake: FakeTelegramAPI
) -> None:
    # 50 messages/s for the bot, well under what the drains could send.
    fake.enforce_limits(50, PER_CHAT, tolerance=TOLERANCE)
    runtime.delivery.limiter = RedisRateLimiter(
        runtime.redis, {Channel.TELEGRAM: RateLimits(per_second=50, per_chat_per_second=PER_CHAT)}
    )
    for user in range(1, 101):
        await add_user(user)
    await runtime.delivery.outbox.enqueue([alert(user, "job") for user in range(1, 101)])

    reports = await asyncio.gather(runtime.delivery.drain("a"), runtime.delivery.drain("b"))

    for user in range(1, 101):
        assert fake.messages_to(user) == [f"job for {user}"]
    assert sum(report["sent"] for report in reports) == 100
    assert fake.rate_limited == 0


async def test_a_burst_of_5xx_is_retried_and_delivered_once(
    runtime: Runtime, fake: FakeTelegramAPI
) -> None:
    for user in range(1, 11):
        await add_user(user)
    await runtime.delivery.outbox.enqueue([alert(user, "job") for user in range(1, 11)])
    fake.fail_next(6, 502, method="sendMessage")

    report = await runtime.delivery.drain()

    for user in range(1, 11):
        assert fake.messages_to(user) == [f"job for {user}"]
    assert report["retried"] == 6
    assert report["sent"] == 10
    outbox = runtime.delivery.outbox
    rows = [await outbox.get(f"alert|telegram:{user}|job") for user in range(1, 11)]
    assert sum(row.attempts for row in rows if row is not None) == 6


async def test_a_429_is_honoured_and_not_counted_as_a_try(
    runtime: Runtime, fake: FakeTelegramAPI
) -> None:
    for user in range(1, 6):
        await add_user(user)
    await runtime.delivery.outbox.enqueue([alert(user, "job") for user in range(1, 6)])
    fake.rate_limit_next(2, retry_after=1, method="sendMessage")

    report = await runtime.delivery.drain()

    for user in range(1, 6):
        assert fake.messages_to(user) == [f"job for {user}"]
    assert report["rate_limited"] == 2
    assert fake.rate_limited == 2
    outbox = runtime.delivery.outbox
    rows = [await outbox.get(f"alert|telegram:{user}|job") for user in range(1, 6)]
    assert [row.attempts for row in rows if row is not None] == [0] * 5
    assert sum(1 for row in rows if row is not None and row.last_error) == 2


async def test_a_reply_delivered_before_a_failure_is_not_sent_again(
    runtime: Runtime, fake: FakeTelegramAPI
) -> None:
    await add_user(1)
    await runtime.delivery.outbox.enqueue([alert(1, "digest", "first", "second", "third")])
    fake.fail_next(1, 502, method="sendMessage", after=1)  # the second reply fails once

    report = await runtime.delivery.drain()

    assert fake.messages_to(1) == ["first", "second", "third"]
    assert report["retried"] == 1
    row = await runtime.delivery.outbox.get("alert|telegram:1|digest")
    assert row is not None
    assert (row.status, row.attempts, row.sent_replies) == (OutboxStatus.SENT, 1, 3)


async def test_blocked_and_unreachable_users(runtime: Runtime, fake: FakeTelegramAPI) -> None:
    blocked = await add_user(1)
    gone = await add_user(2, reachable=False)
    moved = await add_user(3, linked=(9, 4))  # 9 is unreachable too; 4 is the fallback
    await add_user(9, reachable=False)
    fallback = await add_user(4)
    fake.block(1)
    fake.block(3)
    await runtime.delivery.outbox.enqueue(
        [
            alert(1, "a", seq=0),
            alert(1, "b", seq=1),
            alert(2, "a"),
            alert(3, "a", "card", "more"),
            alert(4, "own"),
            alert(5, "a"),  # no such user
        ]
    )

    report = await runtime.delivery.drain()

    users = {raw["_id"]: raw async for raw in UserDoc.collection().find({})}
    assert not users[blocked]["reachable"]
    assert not users[moved]["reachable"]
    assert users[fallback]["reachable"]
    outbox = runtime.delivery.outbox
    for row_id in ("alert|telegram:1|a", "alert|telegram:1|b", "alert|telegram:2|a",
                   "alert|telegram:5|a"):
        row = await outbox.get(row_id)
        assert row is not None
        assert row.status is OutboxStatus.SKIPPED, row_id
    # Only the first send to the blocked chat was tried; nothing to the known-unreachable one.
    assert len([r for r in fake.requests if r.chat_id == "1"]) == 1
    assert [r for r in fake.requests if r.chat_id in ("2", "5", "9")] == []
    assert sorted(fake.messages_to(4)) == sorted(["card", "more", "own for 4"])
    retargeted = await outbox.get("alert|telegram:3|a")
    assert retargeted is not None
    assert (retargeted.status, retargeted.user_key, retargeted.chat_id) == (
        OutboxStatus.SENT, fallback, "4",
    )
    assert report["skipped"] == 4
    assert report["retargeted"] == 1
    assert gone not in {row.user_key for row in await outbox.rows_of(fallback)}


async def test_dead_after_the_last_try_with_a_dead_letter(
    runtime: Runtime, fake: FakeTelegramAPI
) -> None:
    runtime.delivery.max_tries = 3
    await add_user(1)
    await runtime.delivery.outbox.enqueue([alert(1, "job")])
    fake.fail_next(3, 502, method="sendMessage")

    report = await runtime.delivery.drain()

    row = await runtime.delivery.outbox.get("alert|telegram:1|job")
    assert row is not None
    assert (row.status, row.attempts) == (OutboxStatus.DEAD, 3)
    assert fake.messages_to(1) == []
    assert report["dead"] == 1
    [letter] = await runtime.chat.dead_letters.recent()
    assert (letter.task, letter.args) == (RETRY_TASK, [row.id])
    assert "Bad Gateway" in letter.error

    # What /deadletters retry sets off: the row gets fresh tries and goes out.
    assert await runtime.delivery.outbox.revive(row.id, runtime.delivery.clock())
    await runtime.delivery.drain()
    assert fake.messages_to(1) == ["job for 1"]


async def test_two_drains_share_the_rows(runtime: Runtime, fake: FakeTelegramAPI) -> None:
    for user in range(1, 201):
        await add_user(user)
    await runtime.delivery.outbox.enqueue([alert(user, "job") for user in range(1, 201)])

    first, second = await asyncio.gather(
        runtime.delivery.drain("worker-1"), runtime.delivery.drain("worker-2")
    )

    for user in range(1, 201):
        assert fake.messages_to(user) == [f"job for {user}"]
    assert first["sent"] + second["sent"] == 200
    assert first["sent"] > 0
    assert second["sent"] > 0


async def test_a_second_drain_of_one_worker_returns_at_once_and_wakes_the_first(
    runtime: Runtime, fake: FakeTelegramAPI
) -> None:
    await add_user(1)
    await add_user(2)
    await runtime.delivery.outbox.enqueue([alert(1, f"job{n}", seq=n) for n in range(3)])
    first = asyncio.create_task(runtime.delivery.drain("w"))
    await fake.wait_for_messages(1, 1)  # running, and waiting for chat 1 to be free again

    await runtime.delivery.outbox.enqueue([alert(2, "late")])
    second = await runtime.delivery.drain("w")

    assert second == {"busy": 1}
    report = await first
    assert report["sent"] == 4  # the first drain took the late row too, and stopped only after
    assert fake.messages_to(1) == [f"job{n} for 1" for n in range(3)]
    assert fake.messages_to(2) == ["late for 2"]
    assert statuses(await runtime.delivery.outbox.counts()) == {"sent": 4}


async def test_the_worker_delivers_after_a_kick_and_recovers_a_dead_workers_rows(
    stack: Stack,
) -> None:
    delivery = stack.runtime.delivery
    for user in (1, 2):
        await add_user(user)
    # A worker claimed this row a while ago and died: its lease has run out.
    long_ago = delivery.clock() - timedelta(minutes=10)
    abandoned = alert(2, "abandoned").model_copy(
        update={
            "status": OutboxStatus.SENDING,
            "worker": "dead",
            "lease_until": long_ago + timedelta(minutes=2),
        }
    )
    await delivery.outbox.enqueue([abandoned, alert(1, "job")])

    await kick_delivery(stack.runtime.queue)

    assert await stack.telegram.wait_for_messages(1, 1, timeout=20) == ["job for 1"]
    assert await stack.telegram.wait_for_messages(2, 1, timeout=20) == ["abandoned for 2"]


# ------------------------------------------------------------------ a worker killed mid-way

WORKER = """
import asyncio, sys
from datetime import timedelta
from core.logging import configure_logging
from core.settings import load_settings
from webhooks.runtime import Runtime
from webhooks.worker import build_worker, kick_delivery

async def main():
    configure_logging("WARNING", "console")
    runtime = await Runtime.start(load_settings())
    runtime.delivery.lease = timedelta(seconds=float(sys.argv[1]))
    worker = build_worker(runtime)
    await kick_delivery(runtime.queue)
    await worker.async_run()

asyncio.run(main())
"""
LEASE_S = 3
ROOT = Path(__file__).resolve().parents[2]


def _append(path: Path) -> BinaryIO:
    return path.open("ab")


async def _start_worker(env: dict[str, str], log: Path) -> asyncio.subprocess.Process:
    with _append(log) as sink:
        return await asyncio.create_subprocess_exec(
            sys.executable, "-c", WORKER, str(LEASE_S),
            env=env, stdout=asyncio.subprocess.DEVNULL, stderr=sink, cwd=ROOT,
        )


async def _stop(process: asyncio.subprocess.Process, sig: signal.Signals) -> None:
    if process.returncode is None:
        process.send_signal(sig)
        await asyncio.wait_for(process.wait(), timeout=15)


async def test_a_worker_killed_mid_fan_out_loses_and_repeats_nothing(
    mongodb_url: str, clean_redis: str, tmp_path: Path, fake: FakeTelegramAPI
) -> None:
    """Kill a delivering worker with SIGKILL, start another: every message arrives once.

    Where the kill lands decides what can be asserted. Killed while a request is in flight,
    the platform may or may not have accepted that message, and sending it again (which the
    module promises) would be a legitimate duplicate. So the fake parks every message request
    after the 20th it accepted (``hold_after``) and answers them with 502 only once the worker
    is dead: nothing parked is delivered, and nothing delivered is in doubt. The test waits
    until every row the worker holds has its request parked (the worker is idle, waiting on
    answers), kills it, lets the fake answer, and starts a fresh worker. That one must resume
    the rows left pending, take over the dead worker's rows once their lease runs out, resume
    a two-reply row after the reply already delivered, and send nothing twice.
    """
    database = f"t_{uuid.uuid4().hex[:12]}"
    client = await connect(mongodb_url, database)
    outbox = MongoOutbox()
    expected: dict[int, list[str]] = {}
    rows = []
    for user in range(1, 31):
        # Every user's first row has two replies; their second reply must wait for the chat
        # (10/s), so the first 20 messages accepted are first replies. Two users in three have
        # a second row, which waits for the first.
        await add_user(user)
        rows.append(alert(user, "card", f"card for {user}", f"details for {user}"))
        expected[user] = [f"card for {user}", f"details for {user}"]
        if user % 3:
            rows.append(alert(user, "job", seq=1))
            expected[user].append(f"job for {user}")
    await outbox.enqueue(rows)
    fake.hold_after(20)

    env = {
        **os.environ,
        "ENVIRONMENT": "test",
        "ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "MONGODB_URL": mongodb_url,
        "MONGODB_DATABASE": database,
        "REDIS_URL": clean_redis,
        "TELEGRAM__BOT_TOKEN": fake.token,
        "TELEGRAM__API_BASE_URL": fake.base_url,
        "TELEGRAM__FILE_BASE_URL": fake.file_base_url,
        "MATCHING__TELEGRAM_PER_SECOND": str(PER_SECOND),
        "MATCHING__TELEGRAM_PER_CHAT_PER_SECOND": str(PER_CHAT),
        "PTB_TIMEDELTA": "true",
    }
    log = tmp_path / "workers.log"
    first = await _start_worker({**env, "DATA_DIR": str(tmp_path / "first")}, log)
    second: asyncio.subprocess.Process | None = None
    try:
        stable = 0
        async with asyncio.timeout(30):
            while stable < 3:  # three looks in a row: idle, every held row parked at the fake
                await asyncio.sleep(0.1)
                sending = statuses(await outbox.counts()).get("sending", 0)
                idle = fake.accepted_messages == 20 and 0 < fake.held == sending
                stable = stable + 1 if idle else 0
        unfinished = [
            row
            for user in expected
            for row in await outbox.rows_of(f"telegram:{user}")
            if row.status is not OutboxStatus.SENT
        ]
        held_by_first = {
            row.id: row.worker for row in unfinished if row.status is OutboxStatus.SENDING
        }
        half_sent = [row.id for row in unfinished if row.sent_replies == 1]
        await _stop(first, signal.SIGKILL)
        fake.release()

        second = await _start_worker({**env, "DATA_DIR": str(tmp_path / "second")}, log)
        async with asyncio.timeout(40):
            while True:  # every row finished: nothing more can be sent
                if statuses(await outbox.counts()) == {"sent": len(rows)}:
                    break
                await asyncio.sleep(0.1)
        taken_over = [await outbox.get(row_id) for row_id in held_by_first]
    finally:
        for process in (first, second):
            if process is not None:
                await _stop(process, signal.SIGTERM)
        await client.drop_database(database)
        await client.close()

    for user, messages in expected.items():
        assert fake.messages_to(user) == messages, log.read_text()[-3000:]
    assert held_by_first
    assert half_sent  # two-reply rows whose first reply was out before the kill
    for row in taken_over:
        assert row is not None
        assert row.status is OutboxStatus.SENT
        assert row.worker != held_by_first[row.id]  # the second worker took it over

"""The shared rate limiter against a real redis-server: two instances stand for two workers."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable, Iterator

import pytest
from redis.asyncio import Redis

from core.channels import Channel
from core.ratelimit import RateLimits, RedisRateLimiter, delivery_limits
from core.settings import MatchingSettings, WhatsAppSettings

pytestmark = pytest.mark.integration

HOUR = 3600.0


@pytest.fixture
async def redis(clean_redis: str) -> AsyncIterator[Redis]:
    client = Redis.from_url(clean_redis)
    yield client
    await client.aclose()


@contextlib.contextmanager
def stopwatch() -> Iterator[Callable[[], float]]:
    """Seconds the block took, read after it: bounds for waits that shrink as Redis time passes.

    The limiter counts on Redis server time, which a test cannot move; a wait it returns is the
    booked slot less the time since booking. Asserting ``slot - took <= wait <= slot`` holds on
    a machine of any speed, where a fixed window (``0.09 < wait``) fails on a busy one.
    """
    started = time.monotonic()
    ended: list[float] = []
    yield lambda: ended[0] - started
    ended.append(time.monotonic())


def limiter(
    redis: Redis, per_second: float, per_chat: float, *, max_ahead: float = 0.0
) -> RedisRateLimiter:
    limits = {Channel.TELEGRAM: RateLimits(per_second=per_second, per_chat_per_second=per_chat)}
    return RedisRateLimiter(redis, limits, max_ahead=max_ahead)


async def test_two_instances_share_the_bot_wide_budget(redis: Redis) -> None:
    # One message an hour for the whole bot: whoever asks second must wait, whichever
    # instance (worker) it asks through. If the wait were slept, this test would hang.
    first = limiter(redis, 1 / HOUR, 100)
    second = limiter(redis, 1 / HOUR, 100)

    granted = await first.acquire("telegram", "1")
    refused = await second.acquire("telegram", "2")

    assert granted.granted
    assert granted.wait == 0
    assert 0.0099 < granted.chat_free <= 0.0102  # 100 per chat and second, plus the margin
    assert not refused.granted
    assert refused.limit == "global"
    assert 0.9 * HOUR < refused.wait <= RateLimits(
        per_second=1 / HOUR, per_chat_per_second=100
    ).interval


async def test_a_busy_chat_is_reported_and_other_chats_go_on(redis: Redis) -> None:
    limits = limiter(redis, 1000, 1 / HOUR, max_ahead=1)

    assert (await limits.acquire("telegram", "7")).granted
    busy = await limits.acquire("telegram", "7")
    other = await limits.acquire("telegram", "8")

    assert not busy.granted
    assert busy.limit == "chat"
    assert 0.9 * HOUR < busy.wait <= 1.02 * HOUR
    assert other.granted
    assert other.wait <= 0.00102  # at most one bot-wide interval after the first


async def test_a_refusal_books_nothing(redis: Redis) -> None:
    limits = limiter(redis, 1000, 1 / HOUR)
    assert (await limits.acquire("telegram", "7")).granted
    before = {key: await redis.get(key) for key in await redis.keys("ratelimit:*")}

    refused = await limits.acquire("telegram", "7")

    assert not refused.granted
    after = {key: await redis.get(key) for key in await redis.keys("ratelimit:*")}
    assert after == before


async def test_a_missed_slot_is_booked_again_keeping_the_chat(redis: Redis) -> None:
    limits = limiter(redis, 10, 1 / HOUR, max_ahead=5)
    with stopwatch() as took:
        assert (await limits.acquire("telegram", "7")).granted  # then woke too late to use it
        assert not (await limits.acquire("telegram", "7")).granted  # the chat is booked
        again = await limits.acquire("telegram", "7", rebook=True)

    assert again.granted
    assert 0.102 - took() <= again.wait <= 0.102  # the next bot-wide slot
    assert again.chat_free > 0.9 * HOUR  # the chat stays booked, counted from the new slot
    assert not (await limits.acquire("telegram", "7")).granted


async def test_the_channel_schedule_books_slots_ahead_up_to_max_ahead(redis: Redis) -> None:
    # One message every 10.2 s (with the 2 % margin), booked up to 25 s ahead: slots at
    # 0, 10.2 and 20.4 s are handed out; the fourth (30.6 s) is past the horizon.
    limits = limiter(redis, 0.1, 100, max_ahead=25)

    with stopwatch() as took:
        permits = [await limits.acquire("telegram", str(chat)) for chat in range(4)]

    assert [permit.granted for permit in permits] == [True, True, True, False]
    waits = [permit.wait for permit in permits[:3]]
    assert waits[0] == 0
    assert 10.2 - took() <= waits[1] <= 10.2
    assert 20.4 - took() <= waits[2] <= 20.4
    assert permits[3].limit == "global"
    assert 5.6 - took() <= permits[3].wait <= 5.6  # until the fourth slot is within 25 s


async def test_concurrent_workers_never_book_one_chat_twice(redis: Redis) -> None:
    workers = [limiter(redis, 1000, 1 / HOUR) for _ in range(2)]

    permits = await asyncio.gather(*(workers[n % 2].acquire("telegram", "42") for n in range(40)))

    assert sum(permit.granted for permit in permits) == 1
    assert {permit.limit for permit in permits if not permit.granted} == {"chat"}


async def test_a_channel_without_limits_is_never_held_back(redis: Redis) -> None:
    limits = limiter(redis, 1 / HOUR, 1 / HOUR)

    permits = [await limits.acquire("console", "1") for _ in range(5)]

    assert all(permit.granted and permit.wait == 0 for permit in permits)
    assert await redis.keys("ratelimit:*") == []


def test_limits_come_from_the_settings_with_a_margin() -> None:
    limits = delivery_limits(
        MatchingSettings(telegram_per_second=30, telegram_per_chat_per_second=1)
    )[Channel.TELEGRAM]

    assert limits.interval == pytest.approx(1.02 / 30)
    assert limits.chat_interval == pytest.approx(1.02)
    scaled = limits.scaled(10)
    assert (scaled.per_second, scaled.per_chat_per_second) == (300, 10)


async def test_a_paused_channel_refuses_every_worker_until_the_pause_ends(redis: Redis) -> None:
    first, second = limiter(redis, 1000, 1000), limiter(redis, 1000, 1000)
    assert (await first.acquire("telegram", "1")).granted

    await second.pause("telegram", HOUR)  # e.g. WhatsApp's spam limit (131048)
    refused = [await worker.acquire("telegram", chat) for worker, chat in
               ((first, "2"), (second, "3"))]

    assert all(not permit.granted and permit.limit == "global" for permit in refused)
    assert all(0.99 * HOUR < permit.wait <= HOUR for permit in refused)
    # A shorter pause never shortens a longer one.
    await first.pause("telegram", 1)
    assert (await second.acquire("telegram", "4")).wait > 0.99 * HOUR


def test_whatsapp_limits_are_the_numbers_rate_and_the_pair_rate() -> None:
    limits = delivery_limits(
        MatchingSettings(), WhatsAppSettings(messages_per_second=80, per_user_interval_s=6)
    )[Channel.WHATSAPP]

    assert limits.interval == pytest.approx(1.02 / 80)
    assert limits.chat_interval == pytest.approx(6 * 1.02)
    assert Channel.WHATSAPP not in delivery_limits(MatchingSettings())

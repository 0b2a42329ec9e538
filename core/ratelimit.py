"""Delivery rate limits, shared by every worker through Redis.

Each channel has two budgets: messages per second for the whole bot, and per chat. One Lua
script checks both at once and either books both or says how long to wait and which budget is
short, so two workers can never both take the last slot. Both budgets are GCRA (the generic cell
rate algorithm: a token bucket kept as one timestamp per key, the earliest time the next message
may go) on Redis server time, so workers whose clocks disagree still share one timeline.

The bot-wide budget is a schedule: a caller may be given a slot up to ``max_ahead`` seconds in the
future and then waits ``Permit.wait`` before it sends. That costs one Redis call per message
however many workers compete, where "denied, ask again later" would have them all wake on the
same instant and ask again. A chat's budget is never booked ahead: a busy chat is reported
(``limit="chat"``) so the caller can put that message aside and go on with other chats.

Intervals are stretched by a small ``margin`` (2 %). The platform counts messages when they
arrive, after a network hop whose delay varies: sending at exactly the limit, every late message
followed by one on time looks like two in less than an interval, and the platform's bucket never
refills. Running 2 % under the limit lets it recover from that jitter, for 2 % of throughput.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final, Literal, Protocol

from pydantic import Field
from redis.asyncio import Redis

from core.channels import Channel
from core.domain import Frozen
from core.logging import pseudonym
from core.settings import MatchingSettings, WhatsAppSettings

_MICROS: Final = 1_000_000

# KEYS[1]: the channel's bot-wide key, KEYS[2]: the chat's key; each holds the earliest time
# (µs of Redis server time) its next message may go.
# ARGV: bot-wide interval, chat interval, how far ahead a slot may be booked (all µs), and 1
# when the caller holds the chat already (it booked, woke too late and books again).
# Returns {1, µs to wait before sending, "", µs until the chat is free again}
# or {0, µs to wait before asking again, limit, 0}.
_GCRA: Final = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local global_interval = tonumber(ARGV[1])
local chat_interval = tonumber(ARGV[2])
local max_ahead = tonumber(ARGV[3])
local holds_chat = ARGV[4] == '1'
local start = tonumber(redis.call('GET', KEYS[1]) or now)
if start < now then start = now end
-- A busy chat first: its message is put aside, where a full schedule only means waiting.
local chat_next = tonumber(redis.call('GET', KEYS[2]) or 0)
if chat_next > start and not holds_chat then
  return {0, chat_next - now, 'chat', 0}
end
if start - now > max_ahead then
  return {0, start - max_ahead - now, 'global', 0}
end
local global_next = start + global_interval
local chat_after = math.max(start + chat_interval, chat_next)
redis.call('SET', KEYS[1], string.format('%d', global_next),
           'PX', math.ceil((global_next - now) / 1000) + 1000)
redis.call('SET', KEYS[2], string.format('%d', chat_after),
           'PX', math.ceil((chat_after - now) / 1000) + 1000)
return {1, start - now, '', chat_after - now}
"""


class RateLimits(Frozen):
    """One channel's budgets: messages per second for the whole bot and for one chat."""

    per_second: float = Field(gt=0)
    per_chat_per_second: float = Field(gt=0)
    margin: float = Field(default=0.02, ge=0, lt=1)  # run this much under the limits (see above)

    @property
    def interval(self) -> float:
        """Seconds between two messages of the whole bot."""
        return (1 + self.margin) / self.per_second

    @property
    def chat_interval(self) -> float:
        """Seconds between two messages to one chat."""
        return (1 + self.margin) / self.per_chat_per_second

    def scaled(self, factor: float) -> RateLimits:
        """Both rates times ``factor`` (benchmarks and tests run against a faster fake)."""
        return self.model_copy(
            update={
                "per_second": self.per_second * factor,
                "per_chat_per_second": self.per_chat_per_second * factor,
            }
        )


def delivery_limits(
    settings: MatchingSettings, whatsapp: WhatsAppSettings | None = None
) -> dict[Channel, RateLimits]:
    """The limits of each channel that has them; a channel not listed is not limited.

    WhatsApp: the number's throughput, and one message per user every few seconds (Meta's pair
    rate limit answers 131056 beyond it). One number is served, so the channel's bucket is the
    number's.
    """
    limits = {
        Channel.TELEGRAM: RateLimits(
            per_second=settings.telegram_per_second,
            per_chat_per_second=settings.telegram_per_chat_per_second,
        ),
    }
    if whatsapp is not None:
        limits[Channel.WHATSAPP] = RateLimits(
            per_second=whatsapp.messages_per_second,
            per_chat_per_second=1 / whatsapp.per_user_interval_s,
        )
    return limits


class Permit(Frozen):
    """The limiter's answer.

    Granted: a slot is booked; send after ``wait`` seconds; the chat is free again after
    ``chat_free``. Not granted: nothing is booked; ``limit`` says which budget is short and
    ``wait`` when asking again can succeed.
    """

    granted: bool
    wait: float = 0.0
    limit: Literal["global", "chat"] | None = None
    chat_free: float = 0.0


class RateLimiter(Protocol):
    """Books one message to a chat against the channel's limits; never sleeps itself.

    ``rebook``: the caller was granted a slot for this chat and missed it; book a new bot-wide
    slot, keeping the chat (the chat is then free again a chat interval after the new slot).
    """

    async def acquire(self, channel: str, chat_id: str, *, rebook: bool = False) -> Permit: ...

    async def pause(self, channel: str, seconds: float) -> None:
        """No message on the channel for ``seconds`` (the platform paused the sender)."""
        ...


# Moves a channel's bot-wide schedule to at least now + ARGV[1] µs (Redis server time).
_PAUSE: Final = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local until_ = now + tonumber(ARGV[1])
local current = tonumber(redis.call('GET', KEYS[1]) or 0)
if current < until_ then
  redis.call('SET', KEYS[1], string.format('%d', until_),
             'PX', math.ceil(tonumber(ARGV[1]) / 1000) + 1000)
end
return until_ - now
"""


class RedisRateLimiter:
    """RateLimiter shared by every process that talks to the same Redis."""

    def __init__(
        self,
        redis: Redis,
        limits: Mapping[Channel, RateLimits] | Mapping[str, RateLimits],
        *,
        max_ahead: float = 2.0,
        prefix: str = "ratelimit",
    ) -> None:
        self._limits: dict[str, RateLimits] = {str(key): value for key, value in limits.items()}
        self._max_ahead_us = round(max_ahead * _MICROS)
        self._prefix = prefix
        self._script = redis.register_script(_GCRA)
        self._pause = redis.register_script(_PAUSE)

    async def pause(self, channel: str, seconds: float) -> None:
        """Every worker's next slot on the channel is at least ``seconds`` away; the channel's
        schedule is the one key all of them book against, so one write pauses them all."""
        await self._pause(keys=[f"{self._prefix}:{{{channel}}}"], args=[round(seconds * _MICROS)])

    def limits_for(self, channel: str) -> RateLimits | None:
        return self._limits.get(str(channel))

    async def acquire(self, channel: str, chat_id: str, *, rebook: bool = False) -> Permit:
        limits = self._limits.get(str(channel))
        if limits is None:
            return Permit(granted=True)
        # The hash tag ({channel}) keeps both keys in one slot of a Redis Cluster, which a
        # script touching two keys needs.
        # The chat is named by its pseudonym: no Redis key holds a chat id.
        chat = pseudonym(chat_id)
        keys = [f"{self._prefix}:{{{channel}}}", f"{self._prefix}:{{{channel}}}:{chat}"]
        args = [
            round(limits.interval * _MICROS),
            round(limits.chat_interval * _MICROS),
            self._max_ahead_us,
            1 if rebook else 0,
        ]
        granted, wait_us, limit, chat_free_us = await self._script(keys=keys, args=args)
        wait = max(0, int(wait_us)) / _MICROS
        if int(granted):
            return Permit(granted=True, wait=wait, chat_free=max(0, int(chat_free_us)) / _MICROS)
        name = limit.decode() if isinstance(limit, bytes) else str(limit)
        return Permit(granted=False, wait=wait, limit="chat" if name == "chat" else "global")

"""Delivery: drain the outbox through each channel's ReplySender, within the platforms' limits.

A drain claims batches of due rows (core.ports.outbox) and works on up to ``concurrency`` of them
at once; several workers drain side by side, and each row is held by one of them at a time.
Per row:

- the user is unreachable (blocked the bot, or known to be): the row goes to a linked user key
  of the same person that is reachable, else it is skipped;
- each reply first books a slot with the shared rate limiter (core.ratelimit) and waits for it:
  a busy chat puts the row back until the chat is free, without counting a try, and the drain
  goes on with other rows; a full channel schedule makes that row wait;
- a 429 that got through puts the row back after ``retry_after`` (not counted as a try);
  a transient failure (5xx, timeout) retries with exponential backoff and jitter and, after
  ``max_tries``, marks the row dead and leaves a dead letter for the admins (/deadletters);
  any other refusal is final at once.

Guarantees. One row per user × job × kind (the outbox id). Each reply is recorded as delivered
right after the platform accepted it, and the row's task waits for that write before it does
anything else (rows are marked sent in group writes: under load a mark waits for the write in
flight, a few milliseconds). A row that failed half-way resumes after its last delivered reply.
One user's rows go out one at a time, in their order. Exactly once is not possible across every
failure; two windows remain. The worker dies, or loses MongoDB, after the platform accepted a
reply and before its record lands (one MongoDB write, milliseconds): the row's lease runs out
and another worker sends that reply again. A request times out after the platform accepted it:
nobody can tell, and the retry sends it again. So: at least once across those two, exactly once
everywhere else.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import math
import os
import random
import secrets
import socket
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Final

import structlog

from core import metrics
from core.channels import Channel, ReplySender, SendsWholeRows, TemplateSender
from core.errors import (
    NumberPaused,
    OutsideWindow,
    RateLimited,
    RecipientBlocked,
    TransientError,
)
from core.ports.outbox import Outbox, OutboxRow, Recipient, Recipients, slot_of
from core.ports.people import DeadLetters, Users
from core.queue import TaskQueue
from core.ratelimit import Permit, RateLimiter, RateLimits

log = structlog.get_logger(__name__)

# The arq tasks (webhooks.worker): a drain, and the retry a dead letter names (it puts the row
# back into the outbox).
DRAIN_TASK: Final = "deliver_outbox"
RETRY_TASK: Final = "retry_delivery"
HELP_EVERY_S: Final = 2.0  # how often a drain with a backlog asks other workers to join
DELIVERY_HELPERS: Final = 3  # drains a drain with a backlog asks for, besides itself
# A reply that wakes this much after its booked slot (the process stalled) books a new one:
# sent now, the backlog of a stall would reach the platform as one burst.
LATE_S: Final = 0.025

LATE_KICK_S: Final = 1.5  # the second kick's delay (see kick_delivery)

Backlog = Callable[[], Awaitable[None]]


def utc_now() -> datetime:
    return datetime.now(UTC)


def drain_job_id(lane: int) -> str:
    # A new id every second: kicks within one second share one job, and a job left behind by a
    # worker that died (arq keeps it "in progress" until its timeout) never blocks the next.
    return f"{DRAIN_TASK}:{int(time.time())}:{lane}"


async def kick_delivery(queue: TaskQueue) -> None:
    """Drain the outbox now: call it after enqueueing rows (kicks within a second share one).

    arq refuses a job whose id is still running, so a kick landing while this second's drain
    is finishing would be lost until the next sweep; a second kick a moment later covers that
    (it finds the drain still running and makes it look again, or starts a new one).
    """
    await queue.enqueue(DRAIN_TASK, job_id=drain_job_id(0))
    await queue.enqueue(DRAIN_TASK, job_id=f"{drain_job_id(0)}:again", defer_by=LATE_KICK_S)


async def ask_for_help(queue: TaskQueue) -> None:
    """More drains for a backlog: each is a job any worker may take; one already draining
    returns at once, another worker drains too (the outbox hands each row to one of them)."""
    for lane in range(1, DELIVERY_HELPERS + 1):
        await queue.enqueue(DRAIN_TASK, job_id=drain_job_id(lane))


def concurrency_for(limits: Mapping[Channel, RateLimits]) -> int:
    """Rows in flight per drain: about half a second of the fastest channel's budget.

    Enough to cover a claim's latency; more only makes a user's next row (a digest's next card)
    queue behind the rows booked before it, and holds leases longer.
    """
    fastest = max((channel.per_second for channel in limits.values()), default=30.0)
    return max(8, min(32, round(fastest / 2)))


def new_worker_id() -> str:
    """Unique per process start: a restarted worker must not take its old rows for its own."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


class _SentMarks:
    """Records rows as sent in groups: a mark made while a write is in flight joins the next.

    Alone, a mark is written at once. Under load one write records many rows, for every drain
    of the process: SecantusDB spends ~1.2 ms on any request and ~0.65 ms a row within one, and
    its write throughput drops with concurrent writers (measured: 870 single updates/s from one
    client, 460/s from four; 2,300 rows/s in updates of 32). Either way the caller waits for its
    own mark before it goes on.
    """

    def __init__(self, outbox: Outbox, clock: Callable[[], datetime]) -> None:
        self._outbox = outbox
        self._clock = clock
        self.loop = asyncio.get_running_loop()
        self._queued: dict[int, list[tuple[str, asyncio.Future[None]]]] = {}
        self._writer: asyncio.Task[None] | None = None

    async def mark(self, row_id: str, sent_replies: int) -> None:
        done = asyncio.get_running_loop().create_future()
        self._queued.setdefault(sent_replies, []).append((row_id, done))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write())
        # Shielded: a caller stopped while waiting does not cancel the write, or its result.
        await asyncio.shield(done)

    async def close(self) -> None:
        if self._writer is not None:
            await self._writer

    async def _write(self) -> None:
        while self._queued:
            batch, self._queued = self._queued, {}
            now = self._clock()
            for sent_replies, marks in batch.items():
                try:
                    await self._outbox.mark_sent_many(
                        [row_id for row_id, _ in marks], now, sent_replies=sent_replies
                    )
                except Exception as exc:
                    for _, done in marks:
                        done.set_exception(exc)
                else:
                    for _, done in marks:
                        done.set_result(None)


@dataclass
class _Drain:
    """One drain's state: who it is, what it did, and where rows will be due soon."""

    worker: str
    report: Counter[str] = field(default_factory=Counter)
    # (when, slot): a user's next row, or a row put back until then. Claims read these slots
    # first, so a user's rows follow each other closely instead of once per round of the slots.
    soon: list[tuple[datetime, int]] = field(default_factory=list)
    in_send: set[str] = field(default_factory=set)  # rows whose reply may be out, not recorded

    def look_again(self, when: datetime, user_key: str) -> None:
        heapq.heappush(self.soon, (when, slot_of(user_key)))

    def due_slots(self, now: datetime) -> list[int]:
        slots = []
        while self.soon and self.soon[0][0] <= now:
            slots.append(heapq.heappop(self.soon)[1])
        return slots

    def next_soon(self, now: datetime) -> float | None:
        """Seconds until the first remembered slot is due."""
        return max(0.0, (self.soon[0][0] - now).total_seconds()) if self.soon else None


@dataclass
class DeliveryService:
    outbox: Outbox
    recipients: Recipients
    users: Users
    limiter: RateLimiter
    senders: Mapping[Channel, ReplySender]
    dead_letters: DeadLetters
    clock: Callable[[], datetime] = utc_now
    max_tries: int = 6
    lease: timedelta = timedelta(minutes=2)  # renewed with every reply of a row
    concurrency: int = 16  # rows in flight per drain (each books its slot, then waits for it)
    linger: float = 10.0  # a drain waits this long at most for a row put back for later
    backoff_base: float = 5.0
    backoff_cap: float = 900.0
    worker_id: str = field(default_factory=new_worker_id)
    # Channels whose free-form messages may only go within a window after the user's last
    # message (WhatsApp: 24 hours). Outside it a row waits (held) and, once until the user
    # writes again, a template asks them back; their message releases what waited.
    windows: Mapping[Channel, timedelta] = field(default_factory=dict)
    templates: Mapping[Channel, TemplateSender] = field(default_factory=dict)
    kick: Callable[[], Awaitable[None]] | None = None  # start a drain now (after a release)
    _drains: dict[str, asyncio.Event] = field(default_factory=dict, init=False, repr=False)
    _marks: _SentMarks | None = field(default=None, init=False, repr=False)

    async def drain(
        self, worker_id: str | None = None, *, on_backlog: Backlog | None = None
    ) -> Counter[str]:
        """Deliver due rows until none is due (or the next is further than ``linger`` away).

        One drain per worker id at a time: a second call returns at once (``busy``) and makes
        the running one look again before it stops. ``on_backlog`` is called (every few
        seconds at most) while more rows are due than this drain takes at once.
        """
        worker = worker_id or self.worker_id
        running = self._drains.get(worker)
        if running is not None:
            running.set()
            return Counter(busy=1)
        kicked = asyncio.Event()
        self._drains[worker] = kicked
        if self._marks is None or self._marks.loop is not asyncio.get_running_loop():
            self._marks = _SentMarks(self.outbox, self.clock)
        marks = self._marks
        state = _Drain(worker)
        runs: set[asyncio.Task[None]] = set()
        batch = max(1, self.concurrency // 2)  # claim in batches, not a row at a time
        asked_at = -math.inf
        try:
            while True:
                kicked.clear()
                room = self.concurrency - len(runs)
                now = self.clock()
                if room >= batch or (room > 0 and state.next_soon(now) == 0):
                    first = state.due_slots(now)  # taken out only when they are read
                    idle = not runs  # else a row may finish during the claim, unseen by it
                    claim = await self.outbox.claim(worker, now, self.lease, room, first=first)
                    if claim.rows:
                        recipients = await self.recipients.many(row.user_key for row in claim.rows)
                        for row in claim.rows:
                            more = row.user_key in claim.waiting
                            task = asyncio.create_task(
                                self._run(row, recipients.get(row.user_key), more, state, marks)
                            )
                            runs.add(task)
                            task.add_done_callback(runs.discard)
                    if len(claim.rows) == room:
                        if on_backlog is not None and time.monotonic() - asked_at >= HELP_EVERY_S:
                            asked_at = time.monotonic()
                            await on_backlog()
                        continue
                    if not runs:
                        if kicked.is_set() or not idle:
                            continue
                        delay = self._until(claim.next_due, state.next_soon(self.clock()))
                        if delay is None:
                            break
                        with contextlib.suppress(TimeoutError):
                            await asyncio.wait_for(kicked.wait(), delay)
                        continue
                # Until a row finishes, or a remembered slot is due (a user's next row).
                await asyncio.wait(
                    runs,
                    timeout=state.next_soon(self.clock()),
                    return_when=asyncio.FIRST_COMPLETED,
                )
        finally:
            for run in runs:
                run.cancel()
            await asyncio.gather(*runs, return_exceptions=True)
            await marks.close()
            del self._drains[worker]
            log.info("delivery.drain.finished", worker=worker, **state.report)
        return state.report

    def _until(self, next_due: datetime | None, soon: float | None) -> float | None:
        """Seconds to wait for the next due row; None when it is not worth waiting for."""
        delays = [] if soon is None else [soon]
        if next_due is not None:
            delays.append((next_due - self.clock()).total_seconds())
        delay = min(delays, default=math.inf)
        return None if delay > self.linger else max(0.0, delay)

    async def _run(
        self,
        row: OutboxRow,
        recipient: Recipient | None,
        more: bool,
        state: _Drain,
        marks: _SentMarks,
    ) -> None:
        try:
            with structlog.contextvars.bound_contextvars(row=row.id, kind=str(row.kind)):
                next_at = await self._deliver(row, recipient, state, marks)
        except asyncio.CancelledError:
            if row.id not in state.in_send:
                # Stopping (shutdown): give the row back now rather than after its lease.
                await self.outbox.release([row.id], state.worker)
            raise
        except Exception:
            # The store failed mid-way: the row keeps its lease and comes back after it.
            state.report["failed"] += 1
            log.exception("delivery.failed", row=row.id)
        else:
            if next_at is not None and more:
                state.look_again(next_at, row.user_key)  # when the user's next row can go

    # _deliver returns when the user's next row may go once this one is finished (sent,
    # skipped, dead), or None when the row was put back for later.

    async def _deliver(
        self, row: OutboxRow, recipient: Recipient | None, state: _Drain, marks: _SentMarks
    ) -> datetime | None:
        """Send the row's replies that are left."""
        worker, report = state.worker, state.report
        chat_free = 0.0
        if recipient is None:
            return await self._skip(row, "unknown user", state)
        if not recipient.reachable:
            moved = await self._move_to_linked(row, recipient, state)
            if moved is None:
                return self.clock()
            row, recipient = moved
        window = self.windows.get(row.channel)
        if window is not None and not recipient.window_open(self.clock(), window):
            return await self._reengage(row, recipient, state, marks)
        index = row.sent_replies
        while index < len(row.replies):
            sender = self.senders.get(row.channel)
            if sender is None:
                return await self._give_up(row, f"no sender for channel {row.channel}", state)
            permit = await self._book(row, state)
            if not permit.granted:
                await self._put_back(row, permit.wait, "chat busy", state)
                report["deferred"] += 1
                log.info("delivery.deferred", chat=row.chat_id, wait=round(permit.wait, 3))
                return None
            chat_free = permit.chat_free
            state.in_send.add(row.id)
            try:
                if isinstance(sender, SendsWholeRows):  # e-mail: the row's replies as one mail
                    platform_ids = await sender.send_row(
                        row.chat_id, row.replies[index:], kind=str(row.kind)
                    )
                    sent_up_to = len(row.replies)
                else:
                    platform_ids = await sender.send(row.chat_id, row.replies[index])
                    sent_up_to = index + 1
            except OutsideWindow:
                state.in_send.discard(row.id)
                await self.recipients.window_closed(row.user_key, self.clock())
                closed = recipient.model_copy(update={"window_closed_at": self.clock()})
                return await self._reengage(row, closed, state, marks)
            except RecipientBlocked:
                state.in_send.discard(row.id)
                await self.users.set_reachable(row.user_key, False)
                log.info("delivery.recipient_blocked", user=row.user_key)
                metrics.delivered(row.channel, "blocked")
                moved = await self._move_to_linked(row, recipient, state)
                if moved is None:
                    return self.clock()
                row, recipient = moved
                index = 0
                continue
            except RateLimited as exc:
                state.in_send.discard(row.id)
                if isinstance(exc, NumberPaused):  # every row of the channel must wait
                    await self.limiter.pause(str(row.channel), exc.retry_after)
                    log.error(
                        "delivery.channel_paused", channel=str(row.channel), seconds=exc.retry_after
                    )
                await self._put_back(row, exc.retry_after, str(exc), state)
                report["rate_limited"] += 1
                metrics.delivered(row.channel, "rate_limited")
                log.warning("delivery.rate_limited", retry_after=exc.retry_after)
                return None
            except TransientError as exc:
                state.in_send.discard(row.id)
                return await self._retry(row, str(exc), state)
            except Exception as exc:  # refused for good (a 400), or a broken adapter
                state.in_send.discard(row.id)
                log.exception("delivery.rejected")
                return await self._give_up(row, f"{type(exc).__name__}: {exc}", state)
            index = sent_up_to
            report["messages"] += 1
            if platform_ids:  # their status webhooks name these ids (WhatsApp)
                await asyncio.shield(self.outbox.add_platform_ids(row.id, platform_ids))
            # Record it before anything else: this write is what stands between a crash and
            # a duplicate. Shielded, so a stop (cancellation) cannot interrupt it.
            if index == len(row.replies):
                await marks.mark(row.id, index)
            else:
                lease_until = self.clock() + self.lease
                await asyncio.shield(
                    self.outbox.progress(row.id, index, lease_until, worker=worker)
                )
            state.in_send.discard(row.id)
        report["sent"] += 1
        metrics.delivered(row.channel, "sent", (self.clock() - row.scheduled_at).total_seconds())
        log.info("delivery.sent", user=row.user_key, channel=str(row.channel))
        return self.clock() + timedelta(seconds=chat_free)

    async def _reengage(
        self, row: OutboxRow, recipient: Recipient, state: _Drain, marks: _SentMarks
    ) -> datetime | None:
        """Outside the window: hold the row; ask the user back with a template, once until
        they write (what they write releases every held row: ``user_wrote``)."""
        templates = self.templates.get(row.channel)
        if templates is None:
            # No template can ask them back: another chat of theirs gets it now, if they have one.
            moved = await self._move_to_linked(row, recipient, state, or_skip=False)
            if moved is not None:
                return await self._deliver(*moved, state, marks)
        if templates is not None and not recipient.reengaged_since_last_message():
            permit = await self._book(row, state)
            if not permit.granted:
                await self._put_back(row, permit.wait, "chat busy", state)
                return None
            waiting = await self.outbox.waiting_for(row.user_key)
            try:
                await templates.send_template(
                    row.chat_id, kind=str(row.kind), waiting=waiting, lang=recipient.lang
                )
            except RateLimited as exc:
                await self._put_back(row, exc.retry_after, str(exc), state)
                return None
            except TransientError as exc:
                return await self._retry(row, str(exc), state)
            except RecipientBlocked:
                await self.users.set_reachable(row.user_key, False)
                moved = await self._move_to_linked(row, recipient, state)
                if moved is None:
                    return self.clock()
                return await self._deliver(*moved, state, marks)
            except Exception as exc:  # no approved template, or another refusal
                log.exception("delivery.template_rejected")
                state.report["template_failed"] += 1
                # Another chat of theirs gets it now; with none, it waits for them to write.
                moved = await self._move_to_linked(row, recipient, state, or_skip=False)
                if moved is not None:
                    return await self._deliver(*moved, state, marks)
                await self._hold(row, f"template refused: {type(exc).__name__}", state)
                return self.clock()
            await self.recipients.reengaged(row.user_key, self.clock())
            state.report["reengaged"] += 1
            log.info("delivery.reengaged", user=row.user_key, waiting=waiting)
        await self._hold(row, "outside the window", state)
        return self.clock()

    async def _hold(self, row: OutboxRow, reason: str, state: _Drain) -> None:
        if await self.outbox.hold(row.id, reason, worker=state.worker):
            state.report["held"] += 1

    async def user_wrote(self, channel: Channel, user_key: str, now: datetime) -> int:
        """A message from the user: on a windowed channel the window is open again, and the
        rows held for it go out now. Returns how many were released."""
        if channel not in self.windows:
            return 0
        await self.recipients.wrote(user_key, now)
        released = await self.outbox.release_held(user_key, now)
        if released and self.kick is not None:
            await self.kick()
        return released

    async def on_status(self, platform_id: str, status: str, failure: str | None = None) -> str:
        """The platform's word on a message it accepted (WhatsApp status webhooks): delivered
        and read are noted on the row; a failure sends the row again the way that fits —
        ``window`` (outside the window: a template first), ``unreachable`` (another channel of
        the person, or nothing), anything else a counted retry."""
        row = await self.outbox.by_platform_id(platform_id)
        if row is None:
            return "unknown"  # a conversational reply, or a row erased since
        if status != "failed":
            await self.outbox.set_platform_status(row.id, status)
            return status
        now = self.clock()
        if failure == "window":
            await self.recipients.window_closed(row.user_key, now)
            reopened = await self.outbox.reopen(
                row.id, now, "outside the window", count_attempt=False
            )
        elif failure == "unreachable":
            await self.users.set_reachable(row.user_key, False)
            reopened = await self.outbox.reopen(row.id, now, "undeliverable", count_attempt=False)
        elif row.attempts + 1 >= self.max_tries:
            if await self.outbox.dead(row.id, f"failed: {failure}"):
                await self.dead_letters.add(RETRY_TASK, [row.id], f"failed: {failure}", now)
                metrics.delivered(row.channel, "dead")
            return "dead"
        else:
            when = now + timedelta(seconds=self._backoff(row.attempts + 1))
            reopened = await self.outbox.reopen(
                row.id, when, f"failed: {failure}", count_attempt=True
            )
        if reopened and self.kick is not None:
            await self.kick()
        log.info("delivery.status_failed", row=row.id, failure=failure, reopened=reopened)
        return f"failed:{failure}"

    async def _book(self, row: OutboxRow, state: _Drain) -> Permit:
        """Wait for a slot and take it (granted), or learn that the chat is busy (nothing booked).

        A granted permit's ``chat_free`` counts from the moment this returns.
        """
        loop = asyncio.get_running_loop()
        rebooked = False
        while True:
            permit = await self.limiter.acquire(str(row.channel), row.chat_id, rebook=rebooked)
            if permit.granted:
                if permit.wait <= 0:
                    return permit
                slot = loop.time() + permit.wait
                await asyncio.sleep(permit.wait)
                if loop.time() - slot > LATE_S and not rebooked:
                    rebooked = True  # once: a machine that is always late still sends
                    state.report["rebooked"] += 1
                    continue
                return permit.model_copy(update={"chat_free": permit.chat_free - permit.wait})
            if permit.limit == "chat":
                return permit
            await asyncio.sleep(permit.wait)  # the channel's schedule is full that far ahead

    async def _put_back(self, row: OutboxRow, wait: float, reason: str, state: _Drain) -> None:
        """Back to pending for ``wait`` seconds; not a failed try."""
        when = self.clock() + timedelta(seconds=wait)
        await self.outbox.reschedule(row.id, when, reason, worker=state.worker, count_attempt=False)
        state.look_again(when, row.user_key)

    async def _move_to_linked(
        self, row: OutboxRow, recipient: Recipient, state: _Drain, *, or_skip: bool = True
    ) -> tuple[OutboxRow, Recipient] | None:
        """The row, retargeted to the next reachable chat of the person; None when there is
        none (then it is skipped, unless ``or_skip`` is False) or the row is no longer ours."""
        linked = await self.recipients.many(recipient.linked)
        for key in recipient.linked:
            other = linked.get(key)
            if other is None or not other.reachable or other.chat.channel not in self.senders:
                continue
            moved = await self.outbox.retarget(
                row.id,
                other.user_key,
                other.chat.channel,
                other.chat.chat_id,
                worker=state.worker,
            )
            if not moved:
                return None  # no longer ours: its lease ran out and another worker has it
            state.report["retargeted"] += 1
            metrics.delivered(row.channel, "fallback")
            log.info(
                "delivery.retargeted",
                user=row.user_key,
                to=other.user_key,
                channel=str(other.chat.channel),
            )
            retargeted = row.model_copy(
                update={
                    "user_key": other.user_key,
                    "channel": other.chat.channel,
                    "chat_id": other.chat.chat_id,
                    "sent_replies": 0,
                }
            )
            return retargeted, other
        if or_skip:
            await self._skip(row, "unreachable", state)
        return None

    async def _retry(self, row: OutboxRow, error: str, state: _Drain) -> datetime | None:
        attempts = row.attempts + 1
        if attempts >= self.max_tries:
            return await self._give_up(row, error, state)
        delay = self._backoff(attempts)
        when = self.clock() + timedelta(seconds=delay)
        await self.outbox.reschedule(row.id, when, error, worker=state.worker)
        state.look_again(when, row.user_key)
        state.report["retried"] += 1
        metrics.delivered(row.channel, "retry")
        log.warning("delivery.retry", attempt=attempts, delay=round(delay, 3), error=error)
        return None

    def _backoff(self, attempts: int) -> float:
        """Exponential, with "equal jitter": half fixed, half random, so retries spread out."""
        delay: float = min(self.backoff_cap, self.backoff_base * 2.0 ** (attempts - 1))
        return delay / 2 + random.uniform(0, delay / 2)

    async def _give_up(self, row: OutboxRow, error: str, state: _Drain) -> datetime:
        if await self.outbox.dead(row.id, error, worker=state.worker):
            await self.dead_letters.add(RETRY_TASK, [row.id], error, self.clock())
            state.report["dead"] += 1
            metrics.delivered(row.channel, "dead")
            log.error("delivery.dead", user=row.user_key, attempts=row.attempts + 1, error=error)
        return self.clock()

    async def _skip(self, row: OutboxRow, reason: str, state: _Drain) -> datetime:
        if await self.outbox.skip(row.id, reason, worker=state.worker):
            state.report["skipped"] += 1
            metrics.delivered(row.channel, "skipped")
            log.info("delivery.skipped", user=row.user_key, reason=reason)
        return self.clock()

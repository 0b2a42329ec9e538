"""The outbox and its recipients: what delivery and the match service need of them.

``Outbox`` holds one row per user × job × kind and hands due rows to delivery workers under
leases; ``Recipients`` says where a user's rows go and whether they can be sent now. The rows
those methods take and return live here too, so services depend on this module, not on a store.

A row is ``pending`` until a worker claims it (``sending``, with a lease), then ``sent``,
``skipped``, ``dead`` or ``held``; a failed try puts it back to ``pending`` with a later
``not_before``. A ``sending`` row whose lease ran out belongs to a worker that died: any other
worker may claim it again. The writes a worker makes on a row it claimed take ``worker=``: they
then apply only while the row is still ``sending`` under that worker, so a worker that lost its
lease cannot undo the work of the one that took the row over.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Final, Protocol

from core.channels import Channel, ChatRef, Reply
from core.domain import Frozen

# Fixed: rows keep the slot they were written with. Changing it needs a migration.
SLOTS: Final = 128


class OutboxKind(StrEnum):
    ALERT = "alert"
    DIGEST = "digest"
    FOLLOWUP = "followup"
    NOTICE = "notice"  # a word about matches with no job attached ("no jobs yet")


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    HELD = "held"  # waits for the user to reopen the channel's window (WhatsApp: by writing)
    SKIPPED = "skipped"
    DEAD = "dead"


def outbox_id(kind: OutboxKind, user_key: str, job_id: str | None) -> str:
    """The row's identity: at most one row per user × job × kind, ever."""
    return f"{kind}|{user_key}|{job_id or ''}"


def slot_of(user_key: str) -> int:
    """Where a user's rows are: a claim can be told which slots to look at first."""
    return zlib.crc32(user_key.encode()) % SLOTS


class OutboxRow(Frozen):
    """One message (one or more replies, sent in order) to one user."""

    id: str
    user_key: str  # the chat or address it goes to (delivery may move it down the route)
    person: str | None = None  # whose it is, when that is not ``user_key`` (linked chats)
    channel: Channel
    chat_id: str
    kind: OutboxKind
    job_id: str | None = None
    replies: tuple[Reply, ...]
    seq: int = 0  # order among rows queued together for one user (a digest's cards)
    not_before: datetime
    scheduled_at: datetime  # not_before as queued; retries move only not_before
    created_at: datetime
    status: OutboxStatus = OutboxStatus.PENDING
    attempts: int = 0
    sent_replies: int = 0  # replies already delivered
    lease_until: datetime | None = None
    worker: str | None = None
    last_error: str | None = None
    sent_at: datetime | None = None

    @classmethod
    def new(
        cls,
        kind: OutboxKind,
        user_key: str,
        chat: ChatRef,
        job_id: str | None,
        replies: Sequence[Reply],
        *,
        now: datetime,
        not_before: datetime | None = None,
        seq: int = 0,
        person: str | None = None,
    ) -> OutboxRow:
        """A row to enqueue; ``not_before`` defaults to ``now`` (send as soon as possible).

        ``person``: whose message it is when ``user_key`` is one of several linked chats; the
        row's identity is the person's, so it is queued once whichever chat it goes to.
        """
        due = not_before or now
        return cls(
            id=outbox_id(kind, person or user_key, job_id),
            user_key=user_key,
            person=person,
            channel=chat.channel,
            chat_id=chat.chat_id,
            kind=kind,
            job_id=job_id,
            replies=tuple(replies),
            seq=seq,
            not_before=due,
            scheduled_at=due,
            created_at=now,
        )

    @property
    def order(self) -> tuple[datetime, datetime, int, str]:
        """Position among the user's rows."""
        return (self.scheduled_at, self.created_at, self.seq, self.id)


@dataclass(frozen=True)
class Claim:
    """Rows a worker now holds, and when to look again.

    ``next_due``: when the next row not claimed now becomes due; the claim time itself when the
    claim took all it was allowed to (more may be due); None when no unfinished row is left that
    this worker could claim later. ``waiting``: users with more rows behind the one claimed.
    """

    rows: list[OutboxRow]
    next_due: datetime | None
    waiting: frozenset[str] = frozenset()


class Recipient(Frozen):
    """What delivery needs to know about a user."""

    user_key: str
    chat: ChatRef
    reachable: bool = True
    linked: tuple[str, ...] = ()  # other user keys of the same person
    lang: str = "en"
    last_inbound_at: datetime | None = None  # when they last wrote (windowed channels)
    window_closed_at: datetime | None = None  # the platform said the window is closed
    reengaged_at: datetime | None = None  # a template asked them back

    def window_open(self, now: datetime, window: timedelta) -> bool:
        """May a free-form message go now? Only within ``window`` of the user's last message,
        unless the platform told us since that the window is closed."""
        last = self.last_inbound_at
        if last is None or now - last >= window:
            return False
        return self.window_closed_at is None or self.window_closed_at < last

    def reengaged_since_last_message(self) -> bool:
        """A template went out after the user last wrote: don't send another until they answer."""
        if self.reengaged_at is None:
            return False
        return self.last_inbound_at is None or self.reengaged_at > self.last_inbound_at


class Outbox(Protocol):
    """Rows waiting to go out, handed to one delivery worker at a time.

    Methods taking ``worker=`` change a row only while that worker holds it (``sending`` under
    its id) and return whether they did; with ``worker=None`` they change any existing row.
    ``last_error`` keeps the first 500 characters of an error or reason.
    """

    async def enqueue(self, rows: Iterable[OutboxRow]) -> int:
        """Store rows as given; a row whose id exists already (even in the same call) is left
        as it is. Returns how many are new."""
        ...

    async def claim(
        self,
        worker_id: str,
        now: datetime,
        lease: timedelta,
        limit: int,
        *,
        first: Iterable[int] = (),
    ) -> Claim:
        """Claim up to ``limit`` due rows (``limit >= 1``, else ValueError), each user's first
        unfinished row only (by ``order``), as ``sending`` under ``worker_id`` until
        ``now + lease``.

        Due: ``pending`` with ``not_before <= now``, or ``sending`` under another worker with
        ``lease_until < now``. A row this worker holds is not claimed again. Two claims never
        both win a row. Rows come back ordered by not_before, created_at, seq. ``first``: slots
        (``slot_of``) worth looking at before the others; a hint, not a filter.
        """
        ...

    async def progress(
        self, row_id: str, sent_replies: int, lease_until: datetime, *, worker: str
    ) -> bool:
        """Record that the first ``sent_replies`` replies are delivered, and renew the lease."""
        ...

    async def mark_sent_many(
        self, row_ids: Sequence[str], now: datetime, *, sent_replies: int
    ) -> int:
        """Record unfinished rows (pending or sending) as sent at ``now``, whichever worker
        holds them; finished rows are left as they are. Returns how many changed."""
        ...

    async def reschedule(
        self,
        row_id: str,
        not_before: datetime,
        error: str | None,
        *,
        worker: str | None = None,
        count_attempt: bool = True,
    ) -> bool:
        """Back to ``pending`` until ``not_before``, unheld; a failed try counts an attempt."""
        ...

    async def release(self, row_ids: Sequence[str], worker: str) -> int:
        """Give rows this worker holds back to ``pending`` untouched. Returns how many."""
        ...

    async def skip(self, row_id: str, reason: str, *, worker: str | None = None) -> bool:
        """Finished without sending (nobody to send it to)."""
        ...

    async def dead(self, row_id: str, error: str, *, worker: str | None = None) -> bool:
        """Failed for good; counts the last try."""
        ...

    async def hold(self, row_id: str, reason: str, *, worker: str | None = None) -> bool:
        """Park the row until the user reopens the window (``release_held``)."""
        ...

    async def retarget(
        self,
        row_id: str,
        user_key: str,
        channel: Channel,
        chat_id: str,
        *,
        worker: str | None = None,
    ) -> bool:
        """Send the row to another user key of the same person; it starts from its first reply."""
        ...

    async def revive(self, row_id: str, now: datetime) -> bool:
        """A dead or skipped row back to ``pending`` at ``now`` with no attempts (an admin's
        retry); any other row is left as it is (False)."""
        ...

    async def release_held(self, user_key: str, now: datetime) -> int:
        """The user wrote: their held rows are ``pending`` at ``now``, from their first reply.
        Returns how many."""
        ...

    async def waiting_for(self, user_key: str) -> int:
        """Rows of a user not delivered yet (pending, sending or held)."""
        ...

    async def add_platform_ids(self, row_id: str, ids: Sequence[str]) -> None:
        """Remember the platform's ids of what a row sent, for its status webhooks."""
        ...

    async def by_platform_id(self, platform_id: str) -> OutboxRow | None:
        """The row that sent the message the platform knows by ``platform_id``."""
        ...

    async def set_platform_status(self, row_id: str, status: str) -> None:
        """Note the platform's last word on a row (delivered, read, failed ...)."""
        ...

    async def reopen(self, row_id: str, now: datetime, error: str, *, count_attempt: bool) -> bool:
        """A sent (or unfinished) row the platform could not deliver: ``pending`` at ``now``,
        from its first reply, unheld. Held, skipped and dead rows are left as they are.
        Returns whether the row changed (reopening it again the same way changes nothing)."""
        ...

    async def sent_since(self, kinds: str | Iterable[str], since: datetime) -> int:
        """How many rows of one kind (or of any of several) were sent at or after ``since``."""
        ...

    # Reads for operators and tests (they look at the outbox through the delivery service).

    async def get(self, row_id: str) -> OutboxRow | None: ...

    async def rows_of(self, user_key: str) -> list[OutboxRow]:
        """Every row of one user, in their order."""
        ...

    async def counts(self) -> dict[str, dict[str, int]]:
        """Rows by kind, then by status (only the combinations that occur)."""
        ...


class Recipients(Protocol):
    """Where delivery sends a user's rows, and whether it may now."""

    async def many(self, user_keys: Iterable[str]) -> dict[str, Recipient]:
        """The known users among ``user_keys``, by key; unknown keys are left out."""
        ...

    async def wrote(self, user_key: str, now: datetime) -> None:
        """The user wrote at ``now``: a windowed channel's window is open again (a later time
        already recorded stays)."""
        ...

    async def window_closed(self, user_key: str, now: datetime) -> None:
        """The platform said the window is closed at ``now`` (a later time recorded stays)."""
        ...

    async def reengaged(self, user_key: str, now: datetime) -> None:
        """A template asked the user back at ``now``."""
        ...

"""In-memory Outbox and Recipients (core.ports.outbox), for service tests that need no servers.

Rows are frozen models, so handing them out shares nothing a caller could change. Every method
finishes without awaiting, so under asyncio each one is atomic, as the Mongo adapter's
compare-and-set updates are: two claims never both win a row.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from core.channels import Channel, ChatRef
from core.ports.outbox import Claim, OutboxRow, OutboxStatus, Recipient

_OPEN = {OutboxStatus.PENDING, OutboxStatus.SENDING}
_UNSENT = {*_OPEN, OutboxStatus.HELD}


def _short(text: str | None) -> str | None:
    return None if text is None else text[:500]


class InMemoryOutbox:
    def __init__(self) -> None:
        self.rows: dict[str, OutboxRow] = {}
        self.platform_ids: dict[str, list[str]] = {}
        self.platform_status: dict[str, str] = {}

    async def enqueue(self, rows: Iterable[OutboxRow]) -> int:
        new = 0
        for row in rows:
            if row.id not in self.rows:
                self.rows[row.id] = row
                new += 1
        return new

    async def claim(
        self,
        worker_id: str,
        now: datetime,
        lease: timedelta,
        limit: int,
        *,
        first: Iterable[int] = (),  # a hint for the Mongo adapter's reads; all rows are at hand
    ) -> Claim:
        if limit < 1:
            raise ValueError("a claim takes at least one row")
        heads: dict[str, OutboxRow] = {}
        queued: set[str] = set()
        for row in self.rows.values():
            if row.status not in _OPEN:
                continue
            head = heads.get(row.user_key)
            if head is not None:
                queued.add(row.user_key)
            if head is None or row.order < head.order:
                heads[row.user_key] = row
        # Among rows equally due, users with more rows first (as the adapter does).
        ordered = sorted(
            heads.values(),
            key=lambda r: (r.not_before, r.created_at, r.seq, r.user_key not in queued),
        )
        taken: list[OutboxRow] = []
        next_due: datetime | None = None
        for row in ordered:
            if row.status == OutboxStatus.PENDING:
                due_at = row.not_before
            elif row.worker == worker_id:
                continue  # this worker is still on it
            elif row.lease_until is not None and row.lease_until >= now:
                due_at = row.lease_until  # another worker holds it until then
            else:
                due_at = now  # its worker died
            if due_at > now:
                next_due = due_at if next_due is None else min(next_due, due_at)
            elif len(taken) >= limit:
                next_due = now  # more is due than this claim takes
            elif row.not_before > now:  # a lapsed lease on a row rescheduled for later
                self.rows[row.id] = row.model_copy(
                    update={"status": OutboxStatus.PENDING, "worker": None, "lease_until": None}
                )
                next_due = row.not_before if next_due is None else min(next_due, row.not_before)
            else:
                claimed = row.model_copy(
                    update={
                        "status": OutboxStatus.SENDING,
                        "worker": worker_id,
                        "lease_until": now + lease,
                    }
                )
                self.rows[row.id] = claimed
                taken.append(claimed)
        if len(taken) >= limit:
            next_due = now
        taken.sort(key=lambda r: (r.not_before, r.created_at, r.seq, r.id))
        users = {row.user_key for row in taken}
        return Claim(rows=taken, next_due=next_due, waiting=frozenset(queued & users))

    async def progress(
        self, row_id: str, sent_replies: int, lease_until: datetime, *, worker: str
    ) -> bool:
        return self._update(row_id, worker, sent_replies=sent_replies, lease_until=lease_until)

    async def mark_sent_many(
        self, row_ids: Sequence[str], now: datetime, *, sent_replies: int
    ) -> int:
        changed = 0
        for row_id in dict.fromkeys(row_ids):
            row = self.rows.get(row_id)
            if row is not None and row.status in _OPEN:
                self.rows[row_id] = row.model_copy(
                    update={
                        "status": OutboxStatus.SENT,
                        "sent_at": now,
                        "lease_until": None,
                        "sent_replies": sent_replies,
                    }
                )
                changed += 1
        return changed

    async def reschedule(
        self,
        row_id: str,
        not_before: datetime,
        error: str | None,
        *,
        worker: str | None = None,
        count_attempt: bool = True,
    ) -> bool:
        return self._update(
            row_id,
            worker,
            status=OutboxStatus.PENDING,
            not_before=not_before,
            lease_until=None,
            worker=None,
            last_error=_short(error),
            attempts=int(count_attempt),
        )

    async def release(self, row_ids: Sequence[str], worker: str) -> int:
        return sum(
            self._update(row_id, worker, status=OutboxStatus.PENDING, worker=None, lease_until=None)
            for row_id in dict.fromkeys(row_ids)
        )

    async def skip(self, row_id: str, reason: str, *, worker: str | None = None) -> bool:
        return self._finish(row_id, OutboxStatus.SKIPPED, reason, worker)

    async def dead(self, row_id: str, error: str, *, worker: str | None = None) -> bool:
        return self._finish(row_id, OutboxStatus.DEAD, error, worker, attempts=1)

    async def hold(self, row_id: str, reason: str, *, worker: str | None = None) -> bool:
        return self._finish(row_id, OutboxStatus.HELD, reason, worker)

    async def retarget(
        self,
        row_id: str,
        user_key: str,
        channel: Channel,
        chat_id: str,
        *,
        worker: str | None = None,
    ) -> bool:
        return self._update(
            row_id, worker, user_key=user_key, channel=channel, chat_id=chat_id, sent_replies=0
        )

    async def revive(self, row_id: str, now: datetime) -> bool:
        row = self.rows.get(row_id)
        if row is None or row.status not in {OutboxStatus.DEAD, OutboxStatus.SKIPPED}:
            return False
        self.rows[row_id] = row.model_copy(
            update={
                "status": OutboxStatus.PENDING,
                "not_before": now,
                "attempts": 0,
                "worker": None,
                "lease_until": None,
            }
        )
        return True

    async def release_held(self, user_key: str, now: datetime) -> int:
        held = [
            r
            for r in self.rows.values()
            if r.user_key == user_key and r.status == OutboxStatus.HELD
        ]
        for row in held:
            self.rows[row.id] = row.model_copy(
                update={
                    "status": OutboxStatus.PENDING,
                    "not_before": now,
                    "sent_replies": 0,
                    "worker": None,
                    "lease_until": None,
                }
            )
        return len(held)

    async def waiting_for(self, user_key: str) -> int:
        return sum(r.user_key == user_key and r.status in _UNSENT for r in self.rows.values())

    async def add_platform_ids(self, row_id: str, ids: Sequence[str]) -> None:
        if row_id in self.rows:
            known = self.platform_ids.setdefault(row_id, [])
            known.extend(i for i in dict.fromkeys(ids) if i not in known)

    async def by_platform_id(self, platform_id: str) -> OutboxRow | None:
        for row_id, ids in self.platform_ids.items():
            if platform_id in ids:
                return self.rows[row_id]
        return None

    async def set_platform_status(self, row_id: str, status: str) -> None:
        if row_id in self.rows:
            self.platform_status[row_id] = status

    async def reopen(self, row_id: str, now: datetime, error: str, *, count_attempt: bool) -> bool:
        row = self.rows.get(row_id)
        if row is None or row.status not in {OutboxStatus.SENT, *_OPEN}:
            return False
        reopened = row.model_copy(
            update={
                "status": OutboxStatus.PENDING,
                "not_before": now,
                "sent_replies": 0,
                "worker": None,
                "lease_until": None,
                "last_error": _short(error),
                "attempts": row.attempts + int(count_attempt),
            }
        )
        self.rows[row_id] = reopened
        return reopened != row  # like MongoDB's modified count: a write that changes nothing

    async def sent_since(self, kinds: str | Iterable[str], since: datetime) -> int:
        wanted = [kinds] if isinstance(kinds, str) else [str(kind) for kind in kinds]
        return sum(
            row.kind == kind and row.sent_at is not None and row.sent_at >= since
            for kind in wanted
            for row in self.rows.values()
        )

    async def get(self, row_id: str) -> OutboxRow | None:
        return self.rows.get(row_id)

    async def rows_of(self, user_key: str) -> list[OutboxRow]:
        return sorted(
            (r for r in self.rows.values() if r.user_key == user_key), key=lambda r: r.order
        )

    async def counts(self) -> dict[str, dict[str, int]]:
        pairs = Counter((str(r.kind), str(r.status)) for r in self.rows.values())
        counts: dict[str, dict[str, int]] = {}
        for (kind, status), n in pairs.items():
            counts.setdefault(kind, {})[status] = n
        return counts

    def _finish(
        self, row_id: str, status: OutboxStatus, reason: str, worker: str | None, attempts: int = 0
    ) -> bool:
        return self._update(
            row_id,
            worker,
            status=status,
            last_error=_short(reason),
            lease_until=None,
            attempts=attempts,
        )

    def _update(
        self, row_id: str, holder: str | None, /, *, attempts: int = 0, **changes: Any
    ) -> bool:
        """Change a row, only while ``holder`` holds it when one is named; ``attempts`` adds."""
        row = self.rows.get(row_id)
        if row is None:
            return False
        if holder is not None and (row.status != OutboxStatus.SENDING or row.worker != holder):
            return False
        self.rows[row_id] = row.model_copy(update={**changes, "attempts": row.attempts + attempts})
        return True


class InMemoryRecipients:
    """Reads user rows as MongoRecipients reads the users collection.

    Pass the rows of an ``InMemoryUsers`` (tests/fakes/memory_people.py) to share them, as the
    adapters share the collection: a chat marked unreachable, or linked, is seen here too.
    ``add`` stands in for the rows the chat and linking create.
    """

    def __init__(self, rows: dict[str, dict[str, Any]] | None = None) -> None:
        self.rows = {} if rows is None else rows

    def add(self, *recipients: Recipient) -> None:
        for r in recipients:
            self.rows[r.user_key] = {
                "_id": r.user_key,
                "channel": str(r.chat.channel),
                "chat_id": r.chat.chat_id,
                "reachable": r.reachable,
                "linked": list(r.linked),
                "language": r.lang,
                "last_inbound_at": r.last_inbound_at,
                "window_closed_at": r.window_closed_at,
                "reengaged_at": r.reengaged_at,
            }

    async def many(self, user_keys: Iterable[str]) -> dict[str, Recipient]:
        found = {key: self.rows[key] for key in set(user_keys) if key in self.rows}
        return {
            key: Recipient(
                user_key=key,
                chat=ChatRef(channel=Channel(raw["channel"]), chat_id=raw["chat_id"]),
                reachable=bool(raw.get("reachable", True)),
                linked=tuple(raw.get("linked", ())),
                lang=str(raw.get("language") or "en"),
                last_inbound_at=raw.get("last_inbound_at"),
                window_closed_at=raw.get("window_closed_at"),
                reengaged_at=raw.get("reengaged_at"),
            )
            for key, raw in found.items()
        }

    async def wrote(self, user_key: str, now: datetime) -> None:
        self._latest(user_key, "last_inbound_at", now)

    async def window_closed(self, user_key: str, now: datetime) -> None:
        self._latest(user_key, "window_closed_at", now)

    async def reengaged(self, user_key: str, now: datetime) -> None:
        if user_key in self.rows:
            self.rows[user_key]["reengaged_at"] = now

    def _latest(self, user_key: str, field: str, now: datetime) -> None:
        row = self.rows.get(user_key)
        if row is not None and (row.get(field) is None or now > row[field]):
            row[field] = now

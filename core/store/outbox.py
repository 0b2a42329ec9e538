"""The outbox: one row per user × job × kind, and the claims that hand rows to delivery workers.

A row is ``pending`` until a worker claims it (``sending``, with a lease), then ``sent``,
``skipped`` or ``dead``; a failed try puts it back to ``pending`` with a later ``not_before``. A
``sending`` row whose lease ran out belongs to a worker that died: any worker may claim it again.

Claims are compare-and-set updates on ``_id`` + ``status``: a document update is atomic, so of
two workers racing for a row exactly one matches; the claimed rows are then read back, fresh.
One user's rows go out one at a time and in order: a row is claimable only when every earlier
row of its user (by ``scheduled_at``, ``created_at``, ``seq``) is finished.

How claims read the outbox is shaped by SecantusDB, the embedded server, as measured with 5,000
to 25,000 rows: it applies ``limit`` after fetching every document an index lookup yields, and
its ``findAndModify`` re-checks the filter with a collection scan (35 ms a call at 5,000 rows,
160 ms at 25,000, whatever the filter). ``find_one_and_update(due, sort=...)`` per row was
therefore out. Each row carries a ``slot`` (a hash of its user key); a claim reads the
unfinished rows of one slot at a time (a few dozen, ~2-4 ms), picks each user's first row and
claims the due ones with one ``update_many`` by ``_id``. Each worker walks the slots round-robin
from its own random place; a caller that knows where a row is due (a user's next row) names
those slots to read first. Against MongoDB the same queries are plain index lookups.

When few rows are unfinished (the last claim read every slot and still had room), reading all
128 slots costs the server ~80 ms for nothing, and every drain ends with such a walk: a claim
then first asks which slots hold unfinished rows (one ``distinct`` over the status index, ~1 ms)
and reads only those. In a backlog that question costs more than it saves (190 ms at 5,000 open
rows, 660 ms at 25,000), so a claim after one that filled up walks the slots as before.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any, Final

from pymongo.errors import BulkWriteError

from core.channels import Channel, ChatRef, Reply
from core.ports.outbox import (
    SLOTS,
    Claim,
    OutboxKind,
    OutboxRow,
    OutboxStatus,
    Recipient,
    slot_of,
)
from core.store.documents import OutboxDoc, UserDoc

_DUPLICATE_KEY: Final = 11000


_OPEN: Final = [str(OutboxStatus.PENDING), str(OutboxStatus.SENDING)]


class MongoOutbox:
    """The outbox collection (the ``Outbox`` port). Claims and their follow-up writes are
    compare-and-set.

    The writes a worker makes on a row it claimed take ``worker=``: they then apply only while
    the row is still ``sending`` under that worker, so a worker that lost its lease cannot undo
    the work of the one that took the row over. One worker id claims one batch at a time.
    """

    def __init__(self) -> None:
        # Where each worker's next claim starts: claims walk the slots round-robin, each worker
        # from a random place, so workers draining together seldom race for the same rows.
        self._cursors: dict[str, int] = {}
        # Workers whose last claim filled up: a backlog, where every slot is worth reading.
        self._busy: set[str] = set()

    async def enqueue(self, rows: Iterable[OutboxRow]) -> int:
        """Insert rows; a row whose id exists already is left as it is. Returns how many are new."""
        docs = [_to_doc(row) for row in rows]
        if not docs:
            return 0
        try:
            result = await OutboxDoc.collection().insert_many(docs, ordered=False)
        except BulkWriteError as exc:
            errors = exc.details.get("writeErrors", [])
            if any(error.get("code") != _DUPLICATE_KEY for error in errors):
                raise
            return int(exc.details.get("nInserted", 0))
        return len(result.inserted_ids)

    async def claim(
        self,
        worker_id: str,
        now: datetime,
        lease: timedelta,
        limit: int,
        *,
        first: Iterable[int] = (),
    ) -> Claim:
        """Claim up to ``limit`` due rows, each user's first unfinished row only.

        Due: ``pending`` with ``not_before <= now``, or ``sending`` with ``lease_until < now``
        (its worker died). The rows come back ordered by not_before, created_at, seq. Slots are
        read round-robin; ``first``: slots to read before the others (where the caller knows a
        row is due, such as the next row of a user it just served).
        """
        if limit < 1:
            raise ValueError("a claim takes at least one row")
        collection = OutboxDoc.collection()
        lease_until = now + lease
        pending: list[str] = []
        expired: list[dict[str, Any]] = []
        waiting: set[str] = set()
        next_due: datetime | None = None
        preferred = [slot for slot in first if 0 <= slot < SLOTS]
        cursor = self._cursors.setdefault(worker_id, random.randrange(SLOTS))
        rotation = [(cursor + step) % SLOTS for step in range(SLOTS)]
        if worker_id not in self._busy:
            holding = set(await collection.distinct("slot", {"status": {"$in": _OPEN}}))
            rotation = [slot for slot in rotation if slot in holding]
        self._busy.discard(worker_id)
        for slot in dict.fromkeys([*preferred, *rotation]):
            found = collection.find({"slot": slot, "status": {"$in": _OPEN}})
            heads, queued = _heads([raw async for raw in found])
            # Among rows equally due, users with more rows first: theirs take longest to finish.
            heads.sort(
                key=lambda raw: (
                    raw["not_before"], raw["created_at"], raw.get("seq", 0),
                    raw["user_key"] not in queued,
                )
            )
            for raw in heads:
                if raw["status"] == OutboxStatus.PENDING:
                    due_at: datetime = raw["not_before"]
                elif raw.get("worker") == worker_id:
                    continue  # this worker is still on it
                elif raw.get("lease_until") is not None and raw["lease_until"] >= now:
                    # Another worker holds it; it comes back if that worker dies.
                    due_at = raw["lease_until"]
                    next_due = due_at if next_due is None else min(next_due, due_at)
                    continue
                else:
                    due_at = now
                if due_at > now:
                    next_due = due_at if next_due is None else min(next_due, due_at)
                elif len(pending) + len(expired) >= limit:
                    next_due = now  # more is due than this claim takes
                elif raw["status"] == OutboxStatus.PENDING:
                    pending.append(raw["_id"])
                else:
                    expired.append(raw)
                if raw["user_key"] in queued:
                    waiting.add(raw["user_key"])
            if len(pending) + len(expired) >= limit:
                if slot not in preferred:
                    self._cursors[worker_id] = slot  # it may hold more: start there next time
                self._busy.add(worker_id)
                next_due = now
                break
        claiming = {"status": str(OutboxStatus.SENDING), "worker": worker_id,
                    "lease_until": lease_until}
        if pending:
            await collection.update_many(
                {"_id": {"$in": pending}, "status": str(OutboxStatus.PENDING)},
                {"$set": claiming},
            )
        for raw in expired:
            # The lease it had is the version checked: whoever claims it first changes it.
            await collection.update_one(
                {"_id": raw["_id"], "status": str(OutboxStatus.SENDING),
                 "lease_until": raw["lease_until"]},
                {"$set": claiming},
            )
        ids = pending + [raw["_id"] for raw in expired]
        if not ids:
            return Claim(rows=[], next_due=next_due)
        won = collection.find(
            {"_id": {"$in": ids}, "status": str(OutboxStatus.SENDING), "worker": worker_id}
        )
        rows: list[OutboxRow] = []
        for raw in [raw async for raw in won]:
            row = _from_doc(raw)
            if row.not_before > now:
                # Rescheduled by another worker between our read and our claim: not due yet.
                await self.release([row.id], worker_id)
                next_due = row.not_before if next_due is None else min(next_due, row.not_before)
                continue
            rows.append(row)
        rows.sort(key=lambda row: (row.not_before, row.created_at, row.seq, row.id))
        users = {row.user_key for row in rows}
        return Claim(rows=rows, next_due=next_due, waiting=frozenset(waiting & users))

    async def progress(
        self, row_id: str, sent_replies: int, lease_until: datetime, *, worker: str
    ) -> bool:
        """Record that the first ``sent_replies`` replies are delivered, and renew the lease."""
        return await self._update(
            row_id, worker, {"$set": {"sent_replies": sent_replies, "lease_until": lease_until}}
        )

    async def mark_sent(
        self,
        row_id: str,
        now: datetime,
        *,
        worker: str | None = None,
        sent_replies: int | None = None,
    ) -> bool:
        done: dict[str, Any] = {"status": str(OutboxStatus.SENT), "sent_at": now,
                                "lease_until": None}
        if sent_replies is not None:
            done["sent_replies"] = sent_replies
        return await self._update(row_id, worker, {"$set": done})

    async def mark_sent_many(
        self, row_ids: Sequence[str], now: datetime, *, sent_replies: int
    ) -> int:
        """Record rows as delivered, in one write, whichever worker holds them now.

        No worker condition, unlike the other writes: the platform accepted them, so "sent" is
        true even of a row whose lease ran out and that another worker took over (that one's
        own writes then no longer apply, which keeps it from sending the row again). A row
        already finished is left as it is.
        """
        if not row_ids:
            return 0
        result = await OutboxDoc.collection().update_many(
            {"_id": {"$in": list(row_ids)}, "status": {"$in": _OPEN}},
            {
                "$set": {
                    "status": str(OutboxStatus.SENT),
                    "sent_at": now,
                    "lease_until": None,
                    "sent_replies": sent_replies,
                }
            },
        )
        return int(result.modified_count)

    async def reschedule(
        self,
        row_id: str,
        not_before: datetime,
        error: str | None,
        *,
        worker: str | None = None,
        count_attempt: bool = True,
    ) -> bool:
        """Back to ``pending`` until ``not_before``; a failed try counts toward the limit."""
        update: dict[str, Any] = {
            "$set": {
                "status": str(OutboxStatus.PENDING),
                "not_before": not_before,
                "lease_until": None,
                "worker": None,
                "last_error": _short(error),
            }
        }
        if count_attempt:
            update["$inc"] = {"attempts": 1}
        return await self._update(row_id, worker, update)

    async def release(self, row_ids: Sequence[str], worker: str) -> int:
        """Give claimed rows back untouched (a worker stopping before it sent them)."""
        if not row_ids:
            return 0
        result = await OutboxDoc.collection().update_many(
            {"_id": {"$in": list(row_ids)}, "status": str(OutboxStatus.SENDING), "worker": worker},
            {"$set": {"status": str(OutboxStatus.PENDING), "worker": None, "lease_until": None}},
        )
        return int(result.modified_count)

    async def skip(self, row_id: str, reason: str, *, worker: str | None = None) -> bool:
        return await self._finish(row_id, OutboxStatus.SKIPPED, reason, worker)

    async def dead(self, row_id: str, error: str, *, worker: str | None = None) -> bool:
        """Failed for good; counts the last try."""
        return await self._finish(row_id, OutboxStatus.DEAD, error, worker, count_attempt=True)

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
        return await self._update(
            row_id,
            worker,
            {
                "$set": {
                    "user_key": user_key,
                    "channel": str(channel),
                    "chat_id": chat_id,
                    "slot": slot_of(user_key),
                    "sent_replies": 0,
                }
            },
        )

    async def revive(self, row_id: str, now: datetime) -> bool:
        """A dead or skipped row back to ``pending`` with fresh tries (an admin's retry)."""
        result = await OutboxDoc.collection().update_one(
            {"_id": row_id, "status": {"$in": [str(OutboxStatus.DEAD), str(OutboxStatus.SKIPPED)]}},
            {
                "$set": {
                    "status": str(OutboxStatus.PENDING),
                    "not_before": now,
                    "attempts": 0,
                    "worker": None,
                    "lease_until": None,
                }
            },
        )
        return result.modified_count == 1

    async def hold(self, row_id: str, reason: str, *, worker: str | None = None) -> bool:
        """Park the row until the user reopens the window (``release_held``)."""
        return await self._finish(row_id, OutboxStatus.HELD, reason, worker)

    async def release_held(self, user_key: str, now: datetime) -> int:
        """The user wrote: their held rows are due now, in their order, from their start."""
        result = await OutboxDoc.collection().update_many(
            {"user_key": user_key, "status": str(OutboxStatus.HELD)},
            {"$set": {"status": str(OutboxStatus.PENDING), "not_before": now,
                      "sent_replies": 0, "worker": None, "lease_until": None}},
        )
        return int(result.modified_count)

    async def waiting_for(self, user_key: str) -> int:
        """Rows of a user not delivered yet (pending, sending or held)."""
        return int(
            await OutboxDoc.collection().count_documents(
                {"user_key": user_key, "status": {"$in": [*_OPEN, str(OutboxStatus.HELD)]}}
            )
        )

    async def add_platform_ids(self, row_id: str, ids: Sequence[str]) -> None:
        """Remember the platform's ids of what a row sent, for its status webhooks."""
        if ids:
            await OutboxDoc.collection().update_one(
                {"_id": row_id}, {"$addToSet": {"platform_ids": {"$each": list(ids)}}}
            )

    async def by_platform_id(self, platform_id: str) -> OutboxRow | None:
        raw = await OutboxDoc.collection().find_one({"platform_ids": platform_id})
        return None if raw is None else _from_doc(raw)

    async def set_platform_status(self, row_id: str, status: str) -> None:
        await OutboxDoc.collection().update_one(
            {"_id": row_id}, {"$set": {"platform_status": status}}
        )

    async def reopen(self, row_id: str, now: datetime, error: str, *, count_attempt: bool) -> bool:
        """A row the platform accepted but then could not deliver: send it again from its start
        (the next drain decides how: a template, another channel, a retry)."""
        update: dict[str, Any] = {
            "$set": {"status": str(OutboxStatus.PENDING), "not_before": now, "sent_replies": 0,
                     "worker": None, "lease_until": None, "last_error": _short(error)}
        }
        if count_attempt:
            update["$inc"] = {"attempts": 1}
        result = await OutboxDoc.collection().update_one(
            {"_id": row_id, "status": {"$in": [str(OutboxStatus.SENT), *_OPEN]}}, update
        )
        return result.modified_count == 1

    async def get(self, row_id: str) -> OutboxRow | None:
        raw = await OutboxDoc.collection().find_one({"_id": row_id})
        return None if raw is None else _from_doc(raw)

    async def rows_of(self, user_key: str) -> list[OutboxRow]:
        """Every row of one user, in their order."""
        cursor = OutboxDoc.collection().find({"user_key": user_key})
        rows = [_from_doc(raw) async for raw in cursor]
        return sorted(rows, key=lambda row: row.order)

    async def counts(self) -> dict[str, dict[str, int]]:
        """Rows by kind, then by status."""
        cursor = await OutboxDoc.collection().aggregate(
            [{"$group": {"_id": {"kind": "$kind", "status": "$status"}, "n": {"$sum": 1}}}]
        )
        counts: dict[str, dict[str, int]] = {}
        async for raw in cursor:
            key = raw["_id"]
            counts.setdefault(str(key["kind"]), {})[str(key["status"])] = int(raw["n"])
        return counts

    async def sent_since(self, kinds: str | Iterable[str], since: datetime) -> int:
        """How many rows of one kind (or of any of several) were sent at or after ``since``."""
        wanted = [kinds] if isinstance(kinds, str) else [str(kind) for kind in kinds]
        total = 0
        for kind in wanted:  # one query per kind: each is a range on the (kind, sent_at) index
            total += await OutboxDoc.collection().count_documents(
                {"kind": str(kind), "sent_at": {"$gte": since}}
            )
        return total

    async def _finish(
        self,
        row_id: str,
        status: OutboxStatus,
        reason: str,
        worker: str | None,
        *,
        count_attempt: bool = False,
    ) -> bool:
        update: dict[str, Any] = {
            "$set": {"status": str(status), "last_error": _short(reason), "lease_until": None}
        }
        if count_attempt:
            update["$inc"] = {"attempts": 1}
        return await self._update(row_id, worker, update)

    async def _update(self, row_id: str, worker: str | None, update: dict[str, Any]) -> bool:
        # With a worker: only while that worker holds the row. ``_id`` comes first: SecantusDB
        # then looks the row up by its key instead of scanning an index on ``status``.
        query: dict[str, Any] = {"_id": row_id}
        if worker is not None:
            query.update({"status": str(OutboxStatus.SENDING), "worker": worker})
        result = await OutboxDoc.collection().update_one(query, update)
        return result.matched_count == 1


class MongoRecipients:
    """Reads the users collection for delivery (the ``Recipients`` port): where to send, and
    whether we can."""

    async def many(self, user_keys: Iterable[str]) -> dict[str, Recipient]:
        keys = sorted(set(user_keys))
        if not keys:
            return {}
        cursor = UserDoc.collection().find({"_id": {"$in": keys}})
        return {
            raw["_id"]: Recipient(
                user_key=raw["_id"],
                chat=ChatRef(channel=Channel(raw["channel"]), chat_id=raw["chat_id"]),
                reachable=bool(raw.get("reachable", True)),
                linked=tuple(raw.get("linked", ())),
                lang=str(raw.get("language") or "en"),
                last_inbound_at=raw.get("last_inbound_at"),
                window_closed_at=raw.get("window_closed_at"),
                reengaged_at=raw.get("reengaged_at"),
            )
            async for raw in cursor
        }

    async def wrote(self, user_key: str, now: datetime) -> None:
        """The user wrote: a windowed channel's window is open again from ``now``."""
        await UserDoc.collection().update_one(
            {"_id": user_key}, {"$max": {"last_inbound_at": now}}
        )

    async def window_closed(self, user_key: str, now: datetime) -> None:
        await UserDoc.collection().update_one(
            {"_id": user_key}, {"$max": {"window_closed_at": now}}
        )

    async def reengaged(self, user_key: str, now: datetime) -> None:
        await UserDoc.collection().update_one(
            {"_id": user_key}, {"$set": {"reengaged_at": now}}
        )


def _heads(raws: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], set[str]]:
    """Each user's first unfinished row, and the users who have more than one."""
    first: dict[str, dict[str, Any]] = {}
    queued: set[str] = set()
    for raw in raws:
        user = raw["user_key"]
        if user in first:
            queued.add(user)
        if user not in first or _order(raw) < _order(first[user]):
            first[user] = raw
    return list(first.values()), queued


def _order(raw: dict[str, Any]) -> tuple[datetime, datetime, int, str]:
    return (
        raw.get("scheduled_at") or raw["not_before"],
        raw["created_at"],
        int(raw.get("seq", 0)),
        str(raw["_id"]),
    )


def _to_doc(row: OutboxRow) -> dict[str, Any]:
    return {
        "_id": row.id,
        "user_key": row.user_key,
        "person": row.person,
        "channel": str(row.channel),
        "chat_id": row.chat_id,
        "kind": str(row.kind),
        "job_id": row.job_id,
        # Python mode keeps a document's bytes as BSON binary.
        "replies": [reply.model_dump(mode="python") for reply in row.replies],
        "seq": row.seq,
        "status": str(row.status),
        "attempts": row.attempts,
        "not_before": row.not_before,
        "scheduled_at": row.scheduled_at,
        "lease_until": row.lease_until,
        "worker": row.worker,
        "last_error": row.last_error,
        "created_at": row.created_at,
        "sent_at": row.sent_at,
        "sent_replies": row.sent_replies,
        "slot": slot_of(row.user_key),
    }


def _from_doc(raw: dict[str, Any]) -> OutboxRow:
    return OutboxRow(
        id=raw["_id"],
        user_key=raw["user_key"],
        person=raw.get("person"),
        channel=Channel(raw["channel"]),
        chat_id=raw["chat_id"],
        kind=OutboxKind(raw["kind"]),
        job_id=raw.get("job_id"),
        replies=tuple(Reply.model_validate(reply) for reply in raw["replies"]),
        seq=int(raw.get("seq", 0)),
        not_before=raw["not_before"],
        scheduled_at=raw.get("scheduled_at") or raw["not_before"],
        created_at=raw["created_at"],
        status=OutboxStatus(raw["status"]),
        attempts=int(raw.get("attempts", 0)),
        sent_replies=int(raw.get("sent_replies", 0)),
        lease_until=raw.get("lease_until"),
        worker=raw.get("worker"),
        last_error=raw.get("last_error"),
        sent_at=raw.get("sent_at"),
    )


def _short(text: str | None) -> str | None:
    return None if text is None else text[:500]

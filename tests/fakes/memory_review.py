"""In-memory admins, reviews, sources, jobs and audit log (the ports of core.ports.review).

Plain dicts with the Mongo adapters' semantics (tests/contract/test_review_store.py holds both
to one contract). No method awaits between reading and writing, so each is atomic under asyncio,
as the adapters' single-document updates are. Reads return copies: callers can't change the
stored rows.
"""

from __future__ import annotations

import copy
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from core.errors import ConcurrentUpdate
from core.jobs import JobStatus, Source, StoredJob
from core.ports.review import NO_SOURCE, Admin, DuplicateSource, Review


@dataclass
class _AdminRow:
    on_duty: bool = True
    missed_reviews: int = 0
    editing_job: str | None = None
    editing_field: str | None = None
    last_assigned_at: datetime | None = None


class InMemoryAdmins:
    def __init__(self, settings_admins: list[str]) -> None:
        self._fixed = list(settings_admins)
        self._rows: dict[str, _AdminRow] = {}  # a row makes a granted admin (as in Mongo)

    async def get(self, user_key: str) -> Admin | None:
        if user_key not in self._fixed and user_key not in self._rows:
            return None
        row = self._rows.get(user_key, _AdminRow())
        return Admin(
            key=user_key,
            from_settings=user_key in self._fixed,
            on_duty=row.on_duty,
            missed_reviews=row.missed_reviews,
            editing_job=row.editing_job,
            editing_field=row.editing_field,
        )

    async def all(self) -> list[Admin]:
        keys = dict.fromkeys([*self._fixed, *self._rows])
        return [admin for key in keys if (admin := await self.get(key)) is not None]

    async def grant(self, user_key: str, by: str, now: datetime) -> bool:
        if user_key in self._rows:
            return False
        self._rows[user_key] = _AdminRow()
        return True

    async def revoke(self, user_key: str) -> bool:
        return self._rows.pop(user_key, None) is not None

    async def set_duty(self, user_key: str, on_duty: bool) -> None:
        self._rows.setdefault(user_key, _AdminRow()).on_duty = on_duty

    async def set_editing(self, user_key: str, job_id: str | None, field: str | None) -> None:
        row = self._rows.setdefault(user_key, _AdminRow())
        row.editing_job, row.editing_field = job_id, field

    async def missed(self, user_key: str) -> None:
        self._rows.setdefault(user_key, _AdminRow()).missed_reviews += 1

    async def next_on_duty(self, now: datetime, exclude: str | None = None) -> str | None:
        for key in self._fixed:
            self._rows.setdefault(key, _AdminRow())
        stamps = [row.last_assigned_at for row in self._rows.values() if row.last_assigned_at]
        stamp = now  # stamps grow even when a batch shares one ``now``
        if stamps:
            stamp = max(stamp, max(stamps) + timedelta(milliseconds=1))
        candidates = [
            (row.last_assigned_at is not None, row.last_assigned_at or stamp, key)
            for key, row in self._rows.items()
            if row.on_duty and key != exclude
        ]
        if not candidates:
            return None
        key = min(candidates)[2]
        self._rows[key].last_assigned_at = stamp
        return key


class InMemoryReviews:
    def __init__(self) -> None:
        self._reviews: dict[str, Review] = {}

    async def assign(self, job_id: str, assignee: str | None, now: datetime) -> None:
        self._reviews[job_id] = Review(job_id=job_id, assignee=assignee, assigned_at=now)

    async def get(self, job_id: str) -> Review | None:
        return self._reviews.get(job_id)  # frozen, nothing mutable inside

    async def done(self, job_id: str) -> None:
        self._reviews.pop(job_id, None)

    async def reminded(self, job_id: str) -> None:
        if (review := self._reviews.get(job_id)) is not None:
            self._reviews[job_id] = review.model_copy(update={"reminded": True})

    async def assigned_before(self, moment: datetime) -> list[Review]:
        due = [review for review in self._reviews.values() if review.assigned_at <= moment]
        return sorted(due, key=lambda review: review.assigned_at)

    async def waiting(self) -> int:
        return len(self._reviews)


class InMemorySources:
    def __init__(self) -> None:
        self._sources: dict[str, tuple[tuple[str, str], Source]] = {}  # id -> (kind, locator)

    async def add(self, source: Source) -> Source:
        key = (str(source.kind), source.locator)
        same = [sid for sid, (known, _) in self._sources.items() if known == key]
        if same or source.id in self._sources:
            raise DuplicateSource(same[0] if same else "?")
        self._sources[source.id] = (key, source.model_copy(deep=True))
        return source

    async def get(self, source_id: str) -> Source | None:
        found = self._sources.get(source_id)
        return None if found is None else found[1].model_copy(deep=True)

    async def all(self) -> list[Source]:
        return [self._sources[sid][1].model_copy(deep=True) for sid in sorted(self._sources)]

    async def due(self, now: datetime) -> list[Source]:
        return [
            source.model_copy(deep=True)
            for _, source in self._sources.values()
            if not source.paused
            and (source.next_crawl_at is None or source.next_crawl_at <= now)
            and (source.opened_until is None or source.opened_until <= now)
        ]

    async def save(self, source: Source) -> None:
        if (found := self._sources.get(source.id)) is not None:
            self._sources[source.id] = (found[0], source.model_copy(deep=True))

    async def remove(self, source_id: str) -> bool:
        return self._sources.pop(source_id, None) is not None


@dataclass
class _JobRow:
    job: StoredJob
    external_keys: list[str]
    company_key: str
    auto_approved: bool
    revisions: list[dict[str, Any]] = field(default_factory=list)


class InMemoryJobs:
    def __init__(self) -> None:
        self._rows: dict[str, _JobRow] = {}

    def _jobs(self) -> list[StoredJob]:
        """Every job, the first seen first (ties: inserted first)."""
        return sorted((row.job for row in self._rows.values()), key=lambda j: j.first_seen_at)

    async def get(self, job_id: str) -> StoredJob | None:
        row = self._rows.get(job_id)
        return None if row is None else row.job.model_copy(deep=True)

    async def get_many(self, job_ids: Sequence[str]) -> dict[str, StoredJob]:
        return {i: self._rows[i].job.model_copy(deep=True) for i in job_ids if i in self._rows}

    async def count_with_status(self, status: JobStatus) -> int:
        return sum(row.job.status is status for row in self._rows.values())

    async def each_with_status(self, status: JobStatus) -> AsyncIterator[StoredJob]:
        for job in self._jobs():
            if job.status is status:
                yield job.model_copy(deep=True)

    async def with_status(self, status: JobStatus, limit: int = 50) -> list[StoredJob]:
        return [job.model_copy(deep=True) for job in self._jobs() if job.status is status][:limit]

    async def find_by_keys(
        self, external_key: str | None, canonical_url: str | None, fingerprint: str
    ) -> StoredJob | None:
        tests: list[Callable[[_JobRow], bool]] = [lambda r: r.job.fingerprint == fingerprint]
        if canonical_url:
            tests.insert(0, lambda r: r.job.canonical_url == canonical_url)
        if external_key:
            tests.insert(0, lambda r: external_key in r.external_keys)
        rows = sorted(self._rows.values(), key=lambda row: row.job.first_seen_at)
        for test in tests:  # the first kind of key that matches wins; the oldest job of it
            for row in rows:
                if test(row):
                    return row.job.model_copy(deep=True)
        return None

    async def open_of_company(self, company_key: str) -> list[StoredJob]:
        return [
            row.job.model_copy(deep=True)
            for row in self._rows.values()
            if row.company_key == company_key and row.job.status is not JobStatus.CLOSED
        ]

    async def insert(self, job: StoredJob, external_key: str, company_key: str) -> None:
        if job.id in self._rows:
            raise ValueError(f"job {job.id} exists")
        self._rows[job.id] = _JobRow(
            job.model_copy(deep=True), [external_key], company_key, job.status is JobStatus.APPROVED
        )

    async def seen_again(
        self, job: StoredJob, source_id: str, external_key: str, now: datetime
    ) -> None:
        if (row := self._rows.get(job.id)) is None:
            return
        if external_key not in row.external_keys:
            row.external_keys.append(external_key)
        sources = row.job.source_ids
        update = {"source_ids": (*sources, source_id) if source_id not in sources else sources}
        row.job = row.job.model_copy(update={**update, "last_seen_at": now})

    async def revise(
        self, old: StoredJob, new: StoredJob, changed: tuple[str, ...], now: datetime
    ) -> StoredJob:
        row = self._rows.get(old.id)
        if row is None or row.job.revision != old.revision:
            raise ConcurrentUpdate(f"job {old.id} changed since revision {old.revision}")
        revised = new.model_copy(update={"revision": old.revision + 1})
        row.job = revised.model_copy(deep=True)
        row.revisions.append(
            {
                "job_id": old.id,
                "revision": revised.revision,
                "changed": list(changed),
                "before": old.posting.model_dump(mode="json"),
                "after": revised.posting.model_dump(mode="json"),
                "at": now,
            }
        )
        return revised

    async def revisions(self, job_id: str) -> list[dict[str, Any]]:
        row = self._rows.get(job_id)
        return [] if row is None else copy.deepcopy(row.revisions)

    async def open_ids_of_source(self, source_id: str) -> set[str]:
        return {
            job_id
            for job_id, row in self._rows.items()
            if source_id in row.job.source_ids and row.job.status is not JobStatus.CLOSED
        }

    async def vanished(self, source_id: str, job_ids: set[str], now: datetime) -> list[str]:
        closing = []
        for job_id in sorted(job_ids):
            if (row := self._rows.get(job_id)) is None:
                continue
            row.external_keys = [k for k in row.external_keys if not k.startswith(f"{source_id}:")]
            sources = tuple(s for s in row.job.source_ids if s != source_id)
            row.job = row.job.model_copy(update={"source_ids": sources})
            if not sources and row.job.status is not JobStatus.CLOSED:
                closing.append(job_id)
                row.job = row.job.model_copy(
                    update={
                        "status": JobStatus.CLOSED,
                        "closed_at": now,
                        "revision": row.job.revision + 1,
                    }
                )
        return closing

    async def set_status(
        self, job_id: str, status: JobStatus, reason: str | None = None
    ) -> StoredJob | None:
        if (row := self._rows.get(job_id)) is None:
            return None
        update = {"status": status, "review_reason": reason, "revision": row.job.revision + 1}
        row.job = row.job.model_copy(update=update)
        return row.job.model_copy(deep=True)

    async def count_by_status(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for row in self._rows.values():
            counts[str(row.job.status)] = counts.get(str(row.job.status), 0) + 1
        return counts

    async def auto_approval(self, since: datetime) -> tuple[int, int]:
        found = [row for row in self._rows.values() if row.job.first_seen_at >= since]
        return sum(row.auto_approved for row in found), len(found)

    async def found_per_day(self, since: datetime) -> list[tuple[str, str, int]]:
        counts: dict[tuple[str, str], int] = {}
        for job in self._jobs():
            if job.first_seen_at >= since:
                key = (
                    f"{job.first_seen_at.astimezone(UTC):%Y-%m-%d}",
                    (job.source_ids or (NO_SOURCE,))[0],
                )
                counts[key] = counts.get(key, 0) + 1
        return sorted((day, source, n) for (day, source), n in counts.items())


class InMemoryAuditLog:
    def __init__(self) -> None:
        self._entries: list[dict[str, Any]] = []

    async def record(
        self,
        actor: str,
        action: str,
        target: str,
        now: datetime,
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
    ) -> None:
        entry = {"actor": actor, "action": action, "target": target, "before": before}
        self._entries.append(copy.deepcopy({**entry, "after": after, "at": now}))

    async def entries(self, limit: int = 100) -> list[dict[str, Any]]:
        return copy.deepcopy(sorted(self._entries, key=lambda entry: entry["at"])[:limit])

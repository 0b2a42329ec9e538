"""Admins, reviews, sources, jobs and the audit log: what the admin service, the crawlers and the
match service need of them.

``Admins`` are the people who run the bot (some fixed by the ADMINS setting, others granted in
it) and their duty rota; ``Reviews`` says who must look at which pending job since when;
``Sources`` are the boards and pages we crawl; the jobs store is seen through three windows —
``JobCatalog`` (reading, for matching), ``JobIntake`` (what a crawl writes) and ``Jobs`` (both,
plus the review decisions and statistics, for admins); ``AuditLog`` keeps every admin action.
The rows those methods take and return live here too, so services depend on this module, not on
a store. Job and source rows themselves (``StoredJob``, ``Source``) live in ``core.jobs``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import datetime, timedelta
from typing import Any, Protocol

from core.domain import Frozen
from core.errors import AppError
from core.jobs import JobStatus, Source, StoredJob


class Admin(Frozen):
    key: str  # user key, e.g. "telegram:42"
    from_settings: bool = False
    on_duty: bool = True
    missed_reviews: int = 0
    editing_job: str | None = None
    editing_field: str | None = None


class Review(Frozen):
    job_id: str
    assignee: str | None
    assigned_at: datetime
    reminded: bool = False


def remind_at(assigned_at: datetime, timeout: timedelta) -> datetime:
    """Reminders go out five minutes before a review is reassigned."""
    return assigned_at + max(timeout - timedelta(minutes=5), timedelta(0))


# ``Jobs.found_per_day`` for jobs that no source lists any more (closed when it dropped them).
NO_SOURCE = "(no source)"


class DuplicateSource(AppError):
    """``Sources.add`` of a board or page that is already known (or of a taken id)."""

    def __init__(self, existing_id: str) -> None:
        super().__init__(f"this source is already known as {existing_id}")
        self.existing_id = existing_id


class Admins(Protocol):
    """The admins: those of the ADMINS setting always, and those granted in the bot.

    ``set_duty``, ``set_editing``, ``missed`` and ``next_on_duty`` are about admins only; the
    service calls them for no other user.
    """

    async def get(self, user_key: str) -> Admin | None:
        """The admin with this key (defaults for what was never set), or None for a non-admin."""
        ...

    async def all(self) -> list[Admin]:
        """Every admin, each once: those from the setting first, in its order."""
        ...

    async def grant(self, user_key: str, by: str, now: datetime) -> bool:
        """Make this user an admin (on duty, no misses); False when they already were granted."""
        ...

    async def revoke(self, user_key: str) -> bool:
        """Take a granted admin's rights (and duty state) away; False when there was none.

        An admin from the setting stays an admin.
        """
        ...

    async def set_duty(self, user_key: str, on_duty: bool) -> None:
        """On or off duty: only admins on duty get reviews (``next_on_duty``) and notices."""
        ...

    async def set_editing(self, user_key: str, job_id: str | None, field: str | None) -> None:
        """Remember (or, with None, forget) the edit or reject this admin is answering."""
        ...

    async def missed(self, user_key: str) -> None:
        """Count one review this admin let time out."""
        ...

    async def next_on_duty(self, now: datetime, exclude: str | None = None) -> str | None:
        """Round robin: the on-duty admin assigned longest ago (never assigned first, then by
        key), who counts as assigned from now on; None when no one (but ``exclude``) is on duty.

        A batch sharing one ``now`` still goes round the rota. Fair, not exclusive: callers
        racing each get an admin on duty, but may get the same one.
        """
        ...


class Reviews(Protocol):
    """One review per pending job: who must decide it, since when, whether they were reminded."""

    async def assign(self, job_id: str, assignee: str | None, now: datetime) -> None:
        """(Re)assign the job's review from now on, not yet reminded; creates it if new."""
        ...

    async def get(self, job_id: str) -> Review | None:
        """The job's review, or None when it has none (never assigned, or done)."""
        ...

    async def done(self, job_id: str) -> None:
        """The job was decided: its review is gone (a no-op when it had none)."""
        ...

    async def reminded(self, job_id: str) -> None:
        """Mark the review reminded (a no-op for a job without a review)."""
        ...

    async def assigned_before(self, moment: datetime) -> list[Review]:
        """Reviews assigned at or before ``moment``, the oldest first."""
        ...

    async def waiting(self) -> int:
        """How many reviews are open."""
        ...


class Sources(Protocol):
    """The job sources (ATS boards and career pages), one per kind and locator."""

    async def add(self, source: Source) -> Source:
        """Store a new source and return it.

        Raises ``DuplicateSource`` (with the id it has) when a source of the same kind and
        locator exists, or (with id "?") when the id is taken; two racing adds: one wins.
        """
        ...

    async def get(self, source_id: str) -> Source | None: ...

    async def all(self) -> list[Source]:
        """Every source, by id."""
        ...

    async def due(self, now: datetime) -> list[Source]:
        """Sources to crawl now: not paused, breaker closed, interval passed (any order)."""
        ...

    async def save(self, source: Source) -> None:
        """Replace a known source's state (its kind and locator stay); unknown ids: no-op."""
        ...

    async def remove(self, source_id: str) -> bool:
        """Forget the source; False when there was none."""
        ...


class JobCatalog(Protocol):
    """Reading jobs (the match service)."""

    async def get(self, job_id: str) -> StoredJob | None: ...

    async def get_many(self, job_ids: Sequence[str]) -> dict[str, StoredJob]:
        """The jobs of these ids that exist, by id."""
        ...

    async def count_with_status(self, status: JobStatus) -> int: ...

    def each_with_status(self, status: JobStatus) -> AsyncIterator[StoredJob]:
        """Every job with this status, the first seen first (index rebuilds)."""
        ...


class JobIntake(Protocol):
    """What a crawl writes: new jobs, jobs seen again or changed, jobs a source dropped.

    Besides the ``StoredJob`` a job keeps its identity keys: the "<source id>:<external id>"
    keys of the sources that list it and the key of its company.
    """

    async def find_by_keys(
        self, external_key: str | None, canonical_url: str | None, fingerprint: str
    ) -> StoredJob | None:
        """The same posting seen before: by external key, else by URL, else by fingerprint
        (each kind of key only when given); among several matches of a kind, the first seen."""
        ...

    async def open_of_company(self, company_key: str) -> list[StoredJob]:
        """The company's jobs that are not closed (any order)."""
        ...

    async def insert(self, job: StoredJob, external_key: str, company_key: str) -> None:
        """Store a new job (its id must be new); it counts as auto-approved when inserted
        approved (``auto_approval``)."""
        ...

    async def seen_again(
        self, job: StoredJob, source_id: str, external_key: str, now: datetime
    ) -> None:
        """Another crawl listed it: add the source and key (once each), set ``last_seen_at``.

        No new revision.
        """
        ...

    async def revise(
        self, old: StoredJob, new: StoredJob, changed: tuple[str, ...], now: datetime
    ) -> StoredJob:
        """Store ``new`` as revision ``old.revision + 1`` and keep a revision row (see
        ``Jobs.revisions``); returns what was stored.

        Raises ``ConcurrentUpdate`` when the stored job is no longer at ``old.revision`` (or is
        gone): of two revisions of one version, one wins.
        """
        ...

    async def open_ids_of_source(self, source_id: str) -> set[str]:
        """Ids of the jobs this source lists that are not closed."""
        ...

    async def vanished(self, source_id: str, job_ids: set[str], now: datetime) -> list[str]:
        """The source no longer lists these jobs: detach it (and its keys) from them, and close
        (closed at ``now``, one revision up) those that no source lists any more.

        Returns the ids of the jobs it closed (any order); a closed job is not closed again.
        """
        ...


class Jobs(JobCatalog, JobIntake, Protocol):
    """The whole jobs store (the admin service): reading, intake, review decisions, numbers."""

    async def with_status(self, status: JobStatus, limit: int = 50) -> list[StoredJob]:
        """Up to ``limit`` jobs with this status, the first seen first."""
        ...

    async def set_status(
        self, job_id: str, status: JobStatus, reason: str | None = None
    ) -> StoredJob | None:
        """Decide a job: status and review reason set, one revision up; None for no such job."""
        ...

    async def count_by_status(self) -> dict[str, int]:
        """Jobs per status, for the statuses that have any."""
        ...

    async def auto_approval(self, since: datetime) -> tuple[int, int]:
        """(inserted approved, all) among the jobs first seen at or after ``since``."""
        ...

    async def found_per_day(self, since: datetime) -> list[tuple[str, str, int]]:
        """(UTC day "YYYY-MM-DD", first source id or ``NO_SOURCE``, jobs first seen that day)
        since a moment, sorted."""
        ...

    async def revisions(self, job_id: str) -> list[dict[str, Any]]:
        """The job's revision rows, oldest first: ``revision`` (the new one), ``changed``
        (field names), ``before`` and ``after`` (the postings as JSON) and ``at``."""
        ...


class AuditLog(Protocol):
    """Every admin action: who, what, when, before and after. Append-only."""

    async def record(
        self,
        actor: str,
        action: str,
        target: str,
        now: datetime,
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
    ) -> None: ...

    async def entries(self, limit: int = 100) -> list[dict[str, Any]]:
        """The first ``limit`` entries by time (in recorded order at equal times), each with
        ``actor``, ``action``, ``target``, ``before``, ``after`` and ``at``."""
        ...

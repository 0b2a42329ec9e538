"""One contract for admins, reviews, sources, jobs and the audit log, run over the Mongo adapters
(embedded MongoDB) and the in-memory fakes: a test that passes on one only is a bug in the other.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from core.errors import ConcurrentUpdate
from core.jobs import Extraction, JobPosting, JobStatus, Source, SourceKind, StoredJob
from core.ports.review import (
    NO_SOURCE,
    Admin,
    Admins,
    AuditLog,
    DuplicateSource,
    JobCatalog,
    JobIntake,
    Jobs,
    Reviews,
    Sources,
)
from core.store.admins import MongoAdminRepository, MongoReviewRepository
from core.store.ingest import MongoAuditLog, MongoJobRepository, MongoSourceRepository
from tests.conftest import fresh_database
from tests.fakes.memory_review import (
    InMemoryAdmins,
    InMemoryAuditLog,
    InMemoryJobs,
    InMemoryReviews,
    InMemorySources,
)

T0 = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)
HOUR, DAY = timedelta(hours=1), timedelta(days=1)
FIXED, ANA, BEN = "telegram:1", "telegram:2", "telegram:3"


@dataclass
class Stores:
    admins: Admins
    reviews: Reviews
    sources: Sources
    jobs: Jobs
    audit: AuditLog


def test_every_adapter_and_fake_implements_its_port() -> None:
    """Checked by mypy on this module: each assignment must type-check."""
    mongo = Stores(
        MongoAdminRepository([]),
        MongoReviewRepository(),
        MongoSourceRepository(),
        MongoJobRepository(),
        MongoAuditLog(),
    )
    memory = Stores(
        InMemoryAdmins([]), InMemoryReviews(), InMemorySources(), InMemoryJobs(), InMemoryAuditLog()
    )
    windows: list[tuple[JobCatalog, JobIntake]] = [
        (mongo.jobs, mongo.jobs),  # the match service's and the crawlers' windows on the store
        (memory.jobs, memory.jobs),
        (MongoJobRepository(), InMemoryJobs()),
    ]
    assert len(windows) == 3
    assert mongo != memory


@pytest.fixture(params=[pytest.param("mongo", marks=pytest.mark.integration), "memory"])
async def stores(request: pytest.FixtureRequest) -> AsyncIterator[Stores]:
    if request.param == "memory":
        yield Stores(
            InMemoryAdmins([FIXED]),
            InMemoryReviews(),
            InMemorySources(),
            InMemoryJobs(),
            InMemoryAuditLog(),
        )
        return
    async with fresh_database(request.getfixturevalue("mongodb_url")):
        yield Stores(
            MongoAdminRepository([FIXED]),
            MongoReviewRepository(),
            MongoSourceRepository(),
            MongoJobRepository(),
            MongoAuditLog(),
        )


def source(source_id: str, locator: str, **changes: object) -> Source:
    fields: dict[str, object] = {
        "id": source_id,
        "kind": SourceKind.GREENHOUSE,
        "locator": locator,
        "name": locator,
        "created_at": T0,
        **changes,
    }
    return Source.model_validate(fields)


def job(job_id: str, *sources: str, **changes: object) -> StoredJob:
    posting = JobPosting(
        source_kind=SourceKind.GREENHOUSE,
        extraction=Extraction.ATS_API,
        title=f"Job {job_id}",
        provenance={"title": "api"},
    )
    fields: dict[str, object] = {
        "id": job_id,
        "source_ids": sources,
        "posting": posting,
        "status": JobStatus.APPROVED,
        "fingerprint": f"fp-{job_id}",
        "first_seen_at": T0,
        "last_seen_at": T0,
        **changes,
    }
    return StoredJob.model_validate(fields)


# --- Admins ------------------------------------------------------------------------------


async def test_admins_come_from_the_setting_or_a_grant(stores: Stores) -> None:
    admins = stores.admins
    assert await admins.get(FIXED) == Admin(key=FIXED, from_settings=True)
    assert await admins.get(ANA) is None
    assert await admins.grant(ANA, FIXED, T0) is True
    assert await admins.grant(ANA, FIXED, T0) is False  # already granted
    assert await admins.get(ANA) == Admin(key=ANA)
    await admins.grant(BEN, ANA, T0)
    keys = [admin.key for admin in await admins.all()]
    assert keys[0] == FIXED
    assert sorted(keys) == [FIXED, ANA, BEN]

    assert await admins.revoke(ANA) is True
    assert await admins.revoke(ANA) is False
    assert await admins.get(ANA) is None
    assert [admin.key for admin in await admins.all()] == [FIXED, BEN]
    await admins.set_duty(FIXED, False)
    await admins.revoke(FIXED)  # its duty row goes; an admin by setting stays one
    assert await admins.get(FIXED) == Admin(key=FIXED, from_settings=True)


async def test_duty_edits_and_misses_are_kept_per_admin(stores: Stores) -> None:
    admins = stores.admins
    await admins.grant(ANA, FIXED, T0)
    await admins.set_duty(ANA, False)
    await admins.set_editing(ANA, "j1", "reject_reason")
    await admins.missed(ANA)
    await admins.missed(ANA)
    await admins.set_editing(FIXED, "j2", "title")
    ana = await admins.get(ANA)
    assert ana is not None
    assert (ana.on_duty, ana.missed_reviews) == (False, 2)
    assert (ana.editing_job, ana.editing_field) == ("j1", "reject_reason")
    await admins.set_editing(ANA, None, None)
    await admins.set_duty(ANA, True)
    ana = await admins.get(ANA)
    assert ana is not None
    assert (ana.on_duty, ana.editing_job, ana.editing_field) == (True, None, None)
    fixed = await admins.get(FIXED)
    assert fixed is not None
    assert (fixed.from_settings, fixed.editing_job, fixed.editing_field) == (True, "j2", "title")


async def test_reviews_go_round_the_admins_on_duty(stores: Stores) -> None:
    admins = stores.admins
    assert await admins.next_on_duty(T0) == FIXED  # alone, and from the setting
    await admins.grant(BEN, FIXED, T0)
    await admins.grant(ANA, FIXED, T0)
    # One batch shares one moment: still round the rota (never assigned first, then by key).
    picks = [await admins.next_on_duty(T0) for _ in range(5)]
    assert picks == [ANA, BEN, FIXED, ANA, BEN]
    assert await admins.next_on_duty(T0, exclude=FIXED) == ANA
    await admins.set_duty(BEN, False)
    assert [await admins.next_on_duty(T0 + timedelta(minutes=1)) for _ in range(3)] == [
        FIXED,
        ANA,
        FIXED,
    ]
    await admins.set_duty(FIXED, False)
    assert await admins.next_on_duty(T0, exclude=ANA) is None
    await admins.set_duty(ANA, False)
    assert await admins.next_on_duty(T0) is None


async def test_admins_asking_at_once_each_get_one_on_duty(stores: Stores) -> None:
    """Callers racing for the rota each get a different admin while there are enough."""
    await stores.admins.grant(ANA, FIXED, T0)
    await stores.admins.grant(BEN, FIXED, T0)
    picks = await asyncio.gather(*[stores.admins.next_on_duty(T0) for _ in range(3)])
    assert sorted(str(pick) for pick in picks) == sorted([FIXED, ANA, BEN])
    await stores.admins.set_duty(BEN, False)
    picks = await asyncio.gather(*[stores.admins.next_on_duty(T0) for _ in range(4)])
    # Round the two on duty, twice.
    assert sorted(str(pick) for pick in picks) == sorted([FIXED, ANA, FIXED, ANA])


# --- Reviews -----------------------------------------------------------------------------


async def test_a_review_is_assigned_reminded_reassigned_and_done(stores: Stores) -> None:
    reviews = stores.reviews
    assert await reviews.get("j1") is None
    assert await reviews.waiting() == 0
    await reviews.assign("j2", ANA, T0 + timedelta(minutes=2))
    await reviews.assign("j1", None, T0)
    await reviews.assign("j3", BEN, T0 + timedelta(minutes=9))
    assert await reviews.waiting() == 3
    due = await reviews.assigned_before(T0 + timedelta(minutes=2))
    assert [(r.job_id, r.assignee, r.assigned_at) for r in due] == [
        ("j1", None, T0),
        ("j2", ANA, T0 + timedelta(minutes=2)),
    ]
    await reviews.reminded("j2")
    assert (await reviews.get("j2")) == due[1].model_copy(update={"reminded": True})
    await reviews.assign("j2", BEN, T0 + timedelta(minutes=5))  # reassigned: not reminded
    assert await reviews.get("j2") == due[1].model_copy(
        update={"assignee": BEN, "assigned_at": T0 + timedelta(minutes=5)}
    )
    await reviews.reminded("nope")  # no review: nothing happens
    await reviews.done("j1")
    await reviews.done("j1")
    assert await reviews.get("nope") is None
    assert await reviews.get("j1") is None
    assert [r.job_id for r in await reviews.assigned_before(T0 + timedelta(hours=1))] == [
        "j2",
        "j3",
    ]
    assert await reviews.waiting() == 2


# --- Sources -----------------------------------------------------------------------------


async def test_a_source_is_known_once_by_kind_and_locator(stores: Stores) -> None:
    sources = stores.sources
    b = await sources.add(source("b", "acme"))
    a = await sources.add(source("a", "globex"))
    await sources.add(source("c", "acme", kind=SourceKind.LEVER))  # another kind: another board
    assert await sources.get("b") == b
    assert await sources.get("zz") is None
    assert [s.id for s in await sources.all()] == ["a", "b", "c"]
    with pytest.raises(DuplicateSource) as same_board:
        await sources.add(source("d", "acme"))
    assert same_board.value.existing_id == "b"
    with pytest.raises(DuplicateSource) as same_id:
        await sources.add(source("a", "initech"))
    assert same_id.value.existing_id == "?"
    assert await sources.get("a") == a


async def test_two_adds_of_one_board_at_once_one_wins(stores: Stores) -> None:
    results = await asyncio.gather(
        stores.sources.add(source("x", "acme")),
        stores.sources.add(source("y", "acme")),
        return_exceptions=True,
    )
    won = [r for r in results if isinstance(r, Source)]
    lost = [r for r in results if isinstance(r, DuplicateSource)]
    assert len(won) == len(lost) == 1
    assert lost[0].existing_id == won[0].id
    assert [s.id for s in await stores.sources.all()] == [won[0].id]


async def test_due_sources_are_unpaused_with_interval_and_breaker_passed(stores: Stores) -> None:
    now = T0 + timedelta(hours=1)
    later = now + timedelta(minutes=1)
    rows = [
        source("new", "a"),
        source("due", "b", next_crawl_at=now),
        source("early", "c", next_crawl_at=later),
        source("paused", "d", paused=True),
        source("open", "e", opened_until=later),
        source("closed", "f", opened_until=now, next_crawl_at=T0),
    ]
    for row in rows:
        await stores.sources.add(row)
    assert sorted(s.id for s in await stores.sources.due(now)) == ["closed", "due", "new"]


async def test_a_source_is_saved_and_removed(stores: Stores) -> None:
    sources = stores.sources
    added = await sources.add(source("a", "acme"))
    crawled = added.model_copy(update={"last_crawl_at": T0, "jobs_count": 4, "paused": True})
    await sources.save(crawled)
    assert await sources.get("a") == crawled
    await sources.save(source("ghost", "nowhere"))  # unknown: not created
    assert await sources.get("ghost") is None
    assert await sources.remove("a") is True
    assert await sources.remove("a") is False
    assert await sources.all() == []
    await sources.add(source("b", "acme"))  # its board can be added again


# --- Jobs --------------------------------------------------------------------------------


async def test_jobs_are_read_by_id_and_by_status_first_seen_first(stores: Stores) -> None:
    jobs = stores.jobs
    rows = [
        job("j3", "s1", first_seen_at=T0 + timedelta(hours=3)),
        job("j1", "s1", first_seen_at=T0 + timedelta(hours=1)),
        job("j2", "s1", first_seen_at=T0 + timedelta(hours=2), status=JobStatus.PENDING_REVIEW),
        job("j0", "s1", first_seen_at=T0),
    ]
    for row in rows:
        await jobs.insert(row, f"s1:{row.id}", "acme")
    assert await jobs.get("j1") == rows[1]
    assert await jobs.get("nope") is None
    assert await jobs.get_many(["j1", "nope", "j2"]) == {"j1": rows[1], "j2": rows[2]}
    assert await jobs.get_many([]) == {}
    assert await jobs.count_with_status(JobStatus.APPROVED) == 3
    assert await jobs.count_with_status(JobStatus.CLOSED) == 0
    assert [j.id async for j in jobs.each_with_status(JobStatus.APPROVED)] == ["j0", "j1", "j3"]
    assert [j.id for j in await jobs.with_status(JobStatus.APPROVED, limit=2)] == ["j0", "j1"]
    assert [j.id for j in await jobs.with_status(JobStatus.PENDING_REVIEW)] == ["j2"]
    assert await jobs.count_by_status() == {"approved": 3, "pending_review": 1}


async def test_a_read_job_is_a_copy(stores: Stores) -> None:
    original = job("j1", "s1")
    await stores.jobs.insert(original, "s1:j1", "acme")
    read = await stores.jobs.get("j1")
    assert read is not None
    read.posting.provenance["title"] = "changed by a caller"
    assert await stores.jobs.get("j1") == original


async def test_a_posting_is_found_again_by_key_then_url_then_fingerprint(stores: Stores) -> None:
    jobs = stores.jobs
    one = job("j1", "s1", canonical_url="https://x/1", fingerprint="f")
    two = job("j2", "s1", canonical_url="https://x/2", fingerprint="f", first_seen_at=T0 + HOUR)
    three = job("j3", "s2", canonical_url="https://x/1", fingerprint="g", first_seen_at=T0 + DAY)
    for row, key in ((three, "s2:c"), (two, "s1:b"), (one, "s1:a")):
        await jobs.insert(row, key, "acme")
    assert await jobs.find_by_keys("s1:b", "https://x/1", "f") == two  # the source's own id
    assert await jobs.find_by_keys("s9:z", "https://x/1", "g") == one  # oldest with the URL
    assert await jobs.find_by_keys(None, None, "f") == one  # oldest with the fingerprint
    assert await jobs.find_by_keys("", "", "g") == three
    assert await jobs.find_by_keys("s9:z", "https://x/9", "h") is None
    await jobs.seen_again(three, "s1", "s1:c", T0 + 2 * DAY)
    assert await jobs.find_by_keys("s1:c", None, "h") == three.model_copy(
        update={"source_ids": ("s2", "s1"), "last_seen_at": T0 + 2 * DAY}
    )


async def test_a_job_seen_again_gains_its_source_once(stores: Stores) -> None:
    jobs = stores.jobs
    first = job("j1", "s1")
    await jobs.insert(first, "s1:a", "acme")
    await jobs.seen_again(first, "s2", "s2:a", T0 + HOUR)
    await jobs.seen_again(first, "s2", "s2:a", T0 + DAY)
    await jobs.seen_again(job("ghost", "s2"), "s2", "s2:x", T0)  # no such job: nothing happens
    assert await jobs.get("ghost") is None
    again = await jobs.get("j1")
    assert again == first.model_copy(update={"source_ids": ("s1", "s2"), "last_seen_at": T0 + DAY})
    assert await jobs.open_ids_of_source("s2") == {"j1"}
    assert await jobs.revisions("j1") == []


async def test_a_revision_is_checked_and_kept(stores: Stores) -> None:
    jobs = stores.jobs
    old = job("j1", "s1")
    await jobs.insert(old, "s1:a", "acme")
    new = old.model_copy(update={"posting": old.posting.model_copy(update={"title": "New"})})
    revised = await jobs.revise(old, new, ("title",), T0 + HOUR)
    assert revised == new.model_copy(update={"revision": 2})
    assert await jobs.get("j1") == revised
    with pytest.raises(ConcurrentUpdate):
        await jobs.revise(old, new, ("title",), T0 + DAY)  # stale: revision 1 is gone
    with pytest.raises(ConcurrentUpdate):
        await jobs.revise(job("ghost"), job("ghost"), ("title",), T0)
    (row,) = await jobs.revisions("j1")
    assert (row["job_id"], row["revision"], row["changed"], row["at"]) == (
        "j1",
        2,
        ["title"],
        T0 + HOUR,
    )
    assert (row["before"]["title"], row["after"]["title"]) == ("Job j1", "New")
    assert await jobs.revisions("nope") == []


async def test_two_revisions_of_one_version_one_wins(stores: Stores) -> None:
    old = job("j1", "s1")
    await stores.jobs.insert(old, "s1:a", "acme")
    edits = [old.model_copy(update={"fingerprint": f"fp-{n}"}) for n in range(2)]
    results = await asyncio.gather(
        *[stores.jobs.revise(old, edit, ("fingerprint",), T0) for edit in edits],
        return_exceptions=True,
    )
    won = [r for r in results if isinstance(r, StoredJob)]
    assert len(won) == 1
    assert sum(isinstance(r, ConcurrentUpdate) for r in results) == 1
    assert await stores.jobs.get("j1") == won[0]
    assert [r["revision"] for r in await stores.jobs.revisions("j1")] == [2]


async def test_open_jobs_of_a_company_and_of_a_source(stores: Stores) -> None:
    jobs = stores.jobs
    await jobs.insert(job("j1", "s1"), "s1:a", "acme")
    await jobs.insert(job("j2", "s1", status=JobStatus.CLOSED), "s1:b", "acme")
    await jobs.insert(job("j3", "s2"), "s2:c", "globex")
    assert sorted(j.id for j in await jobs.open_of_company("acme")) == ["j1"]
    assert await jobs.open_of_company("initech") == []
    assert await jobs.open_ids_of_source("s1") == {"j1"}
    assert await jobs.open_ids_of_source("s9") == set()


async def test_vanished_jobs_lose_the_source_and_close_when_no_source_lists_them(
    stores: Stores,
) -> None:
    jobs = stores.jobs
    shared, alone = job("j1", "s1", "s2"), job("j2", "s1")
    await jobs.insert(shared, "s1:a", "acme")
    await jobs.seen_again(shared, "s2", "s2:a", T0)
    await jobs.insert(alone, "s1:b", "acme")
    assert await jobs.vanished("s1", set(), T0) == []
    assert await jobs.vanished("s1", {"j1", "j2", "ghost"}, T0 + DAY) == ["j2"]
    assert await jobs.get("j1") == shared.model_copy(update={"source_ids": ("s2",)})
    assert await jobs.get("j2") == alone.model_copy(
        update={
            "source_ids": (),
            "status": JobStatus.CLOSED,
            "closed_at": T0 + DAY,
            "revision": 2,
        }
    )
    assert await jobs.find_by_keys("s1:a", None, "none") is None  # its keys left with it
    assert await jobs.find_by_keys("s2:a", None, "none") is not None
    assert await jobs.open_ids_of_source("s1") == set()
    assert await jobs.vanished("s1", {"j2"}, T0 + DAY + HOUR) == []  # closed once
    closed = await jobs.get("j2")
    assert closed is not None
    assert (closed.revision, closed.closed_at) == (2, T0 + DAY)


async def test_a_decision_sets_status_and_reason(stores: Stores) -> None:
    jobs = stores.jobs
    pending = job("j1", "s1", status=JobStatus.PENDING_REVIEW)
    await jobs.insert(pending, "s1:a", "acme")
    rejected = await jobs.set_status("j1", JobStatus.REJECTED, "spam")
    expected = pending.model_copy(
        update={"status": JobStatus.REJECTED, "review_reason": "spam", "revision": 2}
    )
    assert rejected == expected
    assert await jobs.get("j1") == expected
    approved = await jobs.set_status("j1", JobStatus.APPROVED)
    assert approved is not None
    assert (approved.status, approved.review_reason, approved.revision) == (
        JobStatus.APPROVED,
        None,
        3,
    )
    assert await jobs.set_status("nope", JobStatus.APPROVED) is None


async def test_numbers_for_stats(stores: Stores) -> None:
    jobs = stores.jobs
    day1, day2 = T0 + timedelta(hours=14), T0 + timedelta(hours=26)  # 23:00 and 11:00 UTC
    await jobs.insert(job("old", "s1", first_seen_at=T0 - DAY), "s1:o", "acme")
    await jobs.insert(job("a", "s1", first_seen_at=day1), "s1:a", "acme")
    await jobs.insert(job("b", "s2", "s1", first_seen_at=day1), "s2:b", "acme")
    pending = job("c", "s1", first_seen_at=day2, status=JobStatus.PENDING_REVIEW)
    await jobs.insert(pending, "s1:c", "acme")
    await jobs.set_status("c", JobStatus.APPROVED)  # approved by an admin: not auto-approved
    assert await jobs.auto_approval(T0) == (2, 3)
    assert await jobs.auto_approval(T0 + timedelta(days=9)) == (0, 0)
    assert await jobs.found_per_day(T0) == [
        ("2026-12-05", "s1", 1),
        ("2026-12-05", "s2", 1),
        ("2026-12-06", "s1", 1),
    ]
    assert await jobs.found_per_day(T0 + timedelta(days=9)) == []
    await jobs.vanished("s1", {"a", "c"}, day2)  # closed: no source lists them any more
    assert await jobs.found_per_day(T0) == [
        ("2026-12-05", NO_SOURCE, 1),
        ("2026-12-05", "s2", 1),
        ("2026-12-06", NO_SOURCE, 1),
    ]


# --- Audit log ---------------------------------------------------------------------------


async def test_the_audit_log_keeps_actions_in_time_order(stores: Stores) -> None:
    audit = stores.audit
    assert await audit.entries() == []
    await audit.record(ANA, "job.approved", "j2", T0 + HOUR, before={"status": "pending"})
    await audit.record(ANA, "source.add", "s1", T0, after={"id": "s1"})
    await audit.record(BEN, "duty.off", BEN, T0 + HOUR)
    entries = await audit.entries()
    fields = ("actor", "action", "target", "before", "after", "at")
    assert [{k: e[k] for k in fields} for e in entries] == [
        {"actor": ANA, "action": "source.add", "target": "s1", "before": None,
         "after": {"id": "s1"}, "at": T0},
        {"actor": ANA, "action": "job.approved", "target": "j2", "before": {"status": "pending"},
         "after": None, "at": T0 + HOUR},
        {"actor": BEN, "action": "duty.off", "target": BEN, "before": None, "after": None,
         "at": T0 + HOUR},
    ]  # fmt: skip
    assert [e["action"] for e in await audit.entries(limit=2)] == ["source.add", "job.approved"]
    entries[0]["after"]["id"] = "changed by a caller"
    assert (await audit.entries())[0]["after"] == {"id": "s1"}

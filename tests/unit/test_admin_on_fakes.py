"""The admin service on the in-memory stores: sources, the review rota with its reminders, and a
decision, with no database, no queue and no server (milliseconds). The same paths run on the real
stack in tests/e2e/test_admin.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from conversations.admin import AdminService
from core.channels import Channel, InboundMessage, MessageKind, Reply
from core.jobs import Extraction, JobPosting, JobStatus, Source, SourceKind, StoredJob
from tests.fakes.memory_people import InMemoryDeadLetters
from tests.fakes.memory_review import (
    InMemoryAdmins,
    InMemoryAuditLog,
    InMemoryJobs,
    InMemoryReviews,
    InMemorySources,
)

T0 = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)
BOSS, ANA = "telegram:1", "telegram:2"


@dataclass
class RecordingQueue:
    """The task queue: remembers what was enqueued (with its job id)."""

    jobs: list[tuple[str, tuple[Any, ...], str | None]] = field(default_factory=list)

    async def enqueue(
        self, task: str, *args: Any, job_id: str | None = None, defer_by: float | None = None
    ) -> None:
        self.jobs.append((task, args, job_id))

    async def forget(self, personal: set[str]) -> int:
        return 0


@dataclass
class RecordingSender:
    """A chat channel: remembers every reply per chat."""

    sent: list[tuple[str, str]] = field(default_factory=list)  # (chat id, text)

    async def send(self, chat_id: str, reply: Reply) -> Sequence[str] | None:
        self.sent.append((chat_id, reply.text))
        return None

    async def acknowledge(self, callback_id: str) -> None:
        return None


@dataclass
class Rig:
    service: AdminService
    admins: InMemoryAdmins
    reviews: InMemoryReviews
    sources: InMemorySources
    jobs: InMemoryJobs
    audit: InMemoryAuditLog
    queue: RecordingQueue
    sender: RecordingSender
    now: list[datetime]

    async def says(self, user_key: str, command: str, args: str = "") -> list[str] | None:
        _, _, user_id = user_key.partition(":")
        msg = InboundMessage(
            channel=Channel.TELEGRAM,
            chat_id=user_id,
            user_id=user_id,
            update_id="1",
            kind=MessageKind.COMMAND,
            text=f"/{command} {args}",
            command=command,
            args=args,
        )
        replies = await self.service.handle(msg)
        return None if replies is None else [reply.text for reply in replies]

    async def actions(self) -> list[tuple[str, str, str]]:
        return [(e["actor"], e["action"], e["target"]) for e in await self.audit.entries()]


@pytest.fixture
async def rig() -> Rig:
    admins, reviews, sources = InMemoryAdmins([BOSS]), InMemoryReviews(), InMemorySources()
    jobs, audit, queue, sender = (
        InMemoryJobs(),
        InMemoryAuditLog(),
        RecordingQueue(),
        RecordingSender(),
    )
    now = [T0]
    service = AdminService(
        admins=admins,
        reviews=reviews,
        sources=sources,
        jobs=jobs,
        audit=audit,
        # Never connected: no path here reads or writes dead letters (/deadletters would fail).
        dead_letters=InMemoryDeadLetters(),
        queue=queue,
        senders={Channel.TELEGRAM: sender},
        clock=lambda: now[0],
    )
    await admins.grant(ANA, BOSS, T0)
    await sources.add(
        Source(id="s1", kind=SourceKind.GREENHOUSE, locator="acme", name="acme", created_at=T0)
    )
    return Rig(service, admins, reviews, sources, jobs, audit, queue, sender, now)


def pending(job_id: str) -> StoredJob:
    posting = JobPosting(
        source_kind=SourceKind.GREENHOUSE, extraction=Extraction.ATS_API, title=f"Job {job_id}"
    )
    return StoredJob(
        id=job_id,
        source_ids=("s1",),
        posting=posting,
        status=JobStatus.PENDING_REVIEW,
        fingerprint=f"fp-{job_id}",
        first_seen_at=T0,
        last_seen_at=T0,
    )


async def test_someone_who_is_no_admin_gets_no_admin_output(rig: Rig) -> None:
    assert await rig.says("telegram:99", "sources") is None
    assert await rig.says(BOSS, "start") is None  # not an admin command: the conversation's
    assert await rig.actions() == []


async def test_a_board_is_added_once_and_crawled_at_once(rig: Rig) -> None:
    (added,) = await rig.says(ANA, "addsource", "https://boards.greenhouse.io/globex") or []
    (source,) = [s for s in await rig.sources.all() if s.locator == "globex"]
    assert added == f"Added source {source.id}: a greenhouse job board (globex). " + (
        "First crawl is on its way."
    )
    assert (source.added_by, source.created_at, source.interval_minutes) == (ANA, T0, 60)
    assert rig.queue.jobs == [("crawl_source", (source.id,), f"crawl:{source.id}:20261205T0900")]
    assert await rig.actions() == [(ANA, "source.add", source.id)]
    again = await rig.says(BOSS, "addsource", "https://boards.greenhouse.io/globex")
    assert again == [f"Already known as source {source.id}."]
    assert len(rig.queue.jobs) == 1


async def test_a_review_is_assigned_reminded_then_reassigned(rig: Rig) -> None:
    await rig.jobs.insert(pending("j1"), "s1:1", "acme")
    assert await rig.service.assign_reviews(["j1"]) == 1
    assert rig.sender.sent[0] == ("1", "New job to review:")
    assert {chat for chat, _ in rig.sender.sent} == {"1"}  # the intro, then the card
    rig.sender.sent.clear()

    rig.now[0] = T0 + timedelta(minutes=15)
    assert await rig.service.remind_and_reassign() == {"reminded": 1, "reassigned": 0}
    assert rig.sender.sent[0] == ("1", "Reminder: this review is reassigned in 5 minutes.")
    assert await rig.service.remind_and_reassign() == {"reminded": 0, "reassigned": 0}

    rig.now[0] = T0 + timedelta(minutes=20)
    assert await rig.service.remind_and_reassign() == {"reminded": 0, "reassigned": 1}
    review = await rig.reviews.get("j1")
    assert review is not None
    assert (review.assignee, review.assigned_at, review.reminded) == (ANA, rig.now[0], False)
    boss = await rig.admins.get(BOSS)
    assert boss is not None
    assert boss.missed_reviews == 1
    assert ("2", "Reassigned to you (it waited too long):") in rig.sender.sent


async def test_approving_a_job_closes_its_review_and_starts_matching(rig: Rig) -> None:
    await rig.jobs.insert(pending("j1"), "s1:1", "acme")
    await rig.service.assign_reviews(["j1"])
    assert await rig.says(ANA, "approve", "j1") == ["Approved: Job j1."]
    job = await rig.jobs.get("j1")
    assert job is not None
    assert (job.status, job.revision) == (JobStatus.APPROVED, 2)
    assert await rig.reviews.get("j1") is None
    assert rig.queue.jobs == [("match_job", ("j1",), "match:j1:2")]
    assert await rig.actions() == [(ANA, "job.approved", "j1")]
    assert await rig.says(ANA, "approve", "nope") == ["No job nope."]


async def test_removing_a_source_closes_the_jobs_only_it_listed(rig: Rig) -> None:
    await rig.jobs.insert(pending("j1"), "s1:1", "acme")
    shared = pending("j2")
    await rig.jobs.insert(shared, "s1:2", "acme")
    await rig.jobs.seen_again(shared, "s2", "s2:2", T0)
    assert await rig.says(BOSS, "removesource", "s1") == [
        "Removed source s1. Closed 1 of its jobs."
    ]
    assert await rig.sources.get("s1") is None
    assert rig.queue.jobs == [("unindex_job", ("j1",), "unindex:j1:removed")]
    assert await rig.jobs.open_ids_of_source("s2") == {"j2"}
    assert await rig.says(BOSS, "removesource", "s1") == ["No source s1. See /sources."]

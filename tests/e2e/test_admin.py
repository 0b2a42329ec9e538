"""Admins in the bot, end to end: HTTP webhook in → embedded MongoDB + Redis → fake Bot API out."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from core.channels import Channel
from core.domain import WorkMode
from core.jobs import (
    Extraction,
    JobPosting,
    JobStatus,
    Location,
    Salary,
    SalaryPeriod,
    Source,
    SourceKind,
    StoredJob,
)
from core.settings import CrawlSettings
from core.store.documents import AdminDoc, SourceDoc
from tests.conftest import WEBHOOK_SECRET, Stack, serve
from tests.e2e import updates
from tests.e2e.test_telegram_webhook import Person, settled
from tests.fakes.telegram_api import FakeTelegramAPI
from webhooks.app import create_app
from webhooks.runtime import Runtime

pytestmark = pytest.mark.e2e

ADMIN = 7001  # in the ADMINS setting
SECOND = 7002  # made an admin in the bot, where a test needs two
STRANGER = 7009  # a candidate, never an admin
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def key(user_id: int) -> str:
    return f"{Channel.TELEGRAM}:{user_id}"


class Clock:
    """The time the services see; a test moves it on by hand."""

    def __init__(self) -> None:
        # Near real time: the inbound collection's TTL index must not see old updates.
        self.now = datetime.now(UTC).replace(microsecond=0)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def admin_stack(
    settings_factory: Any, fake_telegram: FakeTelegramAPI, clock: Clock
) -> AsyncIterator[Stack]:
    """The stack with one admin from settings and the test's clock; no worker runs, so what the
    admin commands enqueue stays in the arq queue for the test to inspect."""
    settings = settings_factory(
        telegram=fake_telegram.telegram_settings(webhook_secret=SecretStr(WEBHOOK_SECRET)),
        admins=[ADMIN],
        crawl=CrawlSettings(allow_loopback=True, per_domain_delay_s=0),
    )
    runtime = await Runtime.start(settings, clock=clock)
    try:
        async with (
            serve(create_app(settings, runtime)) as base_url,
            httpx.AsyncClient(timeout=10) as http,
        ):
            yield Stack(settings, runtime, fake_telegram, http, base_url, itertools.count(1000))
    finally:
        await runtime.stop()


# --- helpers ----------------------------------------------------------------------------------


async def inbox(person: Person, expect: int) -> list[str]:
    """Messages the bot sent on its own (cards, reminders) since the person last looked."""
    messages = await person.stack.telegram.wait_for_messages(person.id, person.seen + expect)
    new = messages[person.seen :]
    person.seen = len(messages)
    return new


async def presses(person: Person, data: str, expect: int = 1) -> list[str]:
    """A button press whether or not the bot offered that button (a forged or stale one)."""
    update = updates.callback(person.stack.next_update_id(), person.id, data)
    assert (await person.stack.post_update(update)).status_code == 200
    return await inbox(person, expect)


def nothing_more(person: Person) -> None:
    assert person.stack.telegram.messages_to(person.id)[person.seen :] == []


async def seed_source(
    stack: Stack, source_id: str = "src001", name: str = "acme", *, paused: bool = False
) -> Source:
    source = Source(
        id=source_id,
        kind=SourceKind.GREENHOUSE,
        locator=name,
        name=name,
        paused=paused,
        created_at=datetime.now(UTC),
    )
    return await stack.runtime.admin.sources.add(source)


async def seed_job(
    stack: Stack,
    job_id: str,
    source: Source,
    *,
    title: str = "Backend Engineer",
    status: JobStatus = JobStatus.PENDING_REVIEW,
    first_seen_at: datetime | None = None,
) -> StoredJob:
    seen = first_seen_at or stack.runtime.admin.clock()
    posting = JobPosting(
        source_kind=source.kind,
        extraction=Extraction.ATS_API,
        external_id=job_id,
        title=title,
        company="Acme GmbH",
        url=f"https://boards.greenhouse.io/{source.locator}/jobs/{job_id}",
        locations=(Location(city="Berlin", country="DE", raw="Berlin, Germany"),),
        work_mode=WorkMode.HYBRID,
        salary=Salary(minimum=55000, maximum=65000, currency="EUR", period=SalaryPeriod.YEAR),
        confidence=0.62,
    )
    job = StoredJob(
        id=job_id,
        source_ids=(source.id,),
        posting=posting,
        status=status,
        fingerprint=f"fp-{job_id}",
        review_reason="source not trusted" if status is JobStatus.PENDING_REVIEW else None,
        first_seen_at=seen,
        last_seen_at=seen,
    )
    await stack.runtime.admin.jobs.insert(job, f"{source.id}:{job_id}", "acme")
    return job


async def status_of(stack: Stack, job_id: str) -> tuple[JobStatus, str | None]:
    job = await stack.runtime.admin.jobs.get(job_id)
    assert job is not None
    return job.status, job.review_reason


async def audit(stack: Stack) -> list[dict[str, Any]]:
    return await stack.runtime.admin.audit.entries()


async def queued(stack: Stack) -> list[tuple[str, tuple[Any, ...]]]:
    return sorted((job.function, job.args) for job in await stack.runtime.queue.pool.queued_jobs())


def assert_card(card: str, job: StoredJob, *, title: str | None = None) -> None:
    assert f"{title or job.posting.title} — Acme GmbH" in card
    assert "Where: Berlin, DE (hybrid)" in card
    assert "Salary: 55,000–65,000 EUR per year" in card
    assert "Source: acme (ats_api, confidence 0.62)" in card
    assert "Status: pending_review — source not trusted" in card
    assert f"Job {job.id} · https://boards.greenhouse.io/acme/jobs/{job.id}" in card


def assert_candidate_reply(replies: list[str]) -> None:
    """What the candidate conversation tells someone who has not consented yet."""
    assert replies[0] == "Before I can help you, please answer the privacy question below."
    assert "privacy notice" in replies[1].lower()
    assert len(replies) == 2


def card_buttons(job_id: str) -> list[str]:
    return [f"adm:approve:{job_id}", f"adm:reject:{job_id}", f"adm:edit:{job_id}"]


# --- 1. non-admins ------------------------------------------------------------------------------


async def test_non_admins_get_no_admin_output_and_change_nothing(admin_stack: Stack) -> None:
    stack = admin_stack
    source = await seed_source(stack)
    job = await seed_job(stack, "job00001", source)
    stranger = Person(stack, STRANGER)
    for text in (
        "/sources",
        f"/approve {job.id}",
        f"/reject {job.id} spam",
        "/stats",
        "/addsource https://boards.greenhouse.io/evil",
        f"/admin_add {STRANGER}",
        "/deadletters retry",
    ):
        assert_candidate_reply(await stranger.says(text, expect=2))
    for data in (f"adm:approve:{job.id}", f"adm:reject:{job.id}", f"adm:edit:{job.id}"):
        assert_candidate_reply(await presses(stranger, data, expect=2))
    await settled(stack)

    assert not any(call.document for call in stack.telegram.calls_to(STRANGER))
    assert stack.telegram.messages_to(ADMIN) == []
    assert await status_of(stack, job.id) == (JobStatus.PENDING_REVIEW, "source not trusted")
    assert [s.id for s in await stack.runtime.admin.sources.all()] == [source.id]
    assert await audit(stack) == []
    assert await stack.runtime.admin.admins.get(key(STRANGER)) is None
    assert await AdminDoc.collection().count_documents({}) == 0
    assert await queued(stack) == []


# --- 2. sources ---------------------------------------------------------------------------------


async def test_sources_are_added_listed_paused_resumed_and_removed_with_an_audit_trail(
    admin_stack: Stack, clock: Clock
) -> None:
    stack = admin_stack
    admin = Person(stack, ADMIN)
    (added,) = await admin.says("/addsource https://boards.greenhouse.io/acme")
    assert added.startswith("Added source ")
    assert "a greenhouse job board (acme)" in added
    (source,) = await stack.runtime.admin.sources.all()
    assert added.startswith(f"Added source {source.id}:")
    raw = await SourceDoc.collection().find_one({"_id": source.id})
    assert raw is not None
    assert (raw["kind"], raw["locator"]) == ("greenhouse", "acme")
    assert (source.kind, source.locator, source.added_by) == (
        SourceKind.GREENHOUSE,
        "acme",
        key(ADMIN),
    )
    # The first crawl is queued at once (no worker runs here to take it).
    assert await queued(stack) == [("crawl_source", (source.id,))]

    (again,) = await admin.says("/addsource https://job-boards.greenhouse.io/acme/jobs")
    assert again == f"Already known as source {source.id}."
    (invalid,) = await admin.says("/addsource ftp://example.com/jobs")
    assert invalid == "That URL does not work: only http and https links can be crawled, not ftp:"
    (no_board,) = await admin.says("/addsource https://boards.greenhouse.io/")
    assert "does not name a board" in no_board
    assert len(await stack.runtime.admin.sources.all()) == 1

    clock.advance(minutes=3)
    (listing,) = await admin.says("/sources")
    assert listing.startswith("Sources:\n")
    assert (
        f"{source.id} · acme [greenhouse] — active; last crawl never; 0 jobs; "
        "0 failures in a row (0 in all)"
    ) in listing

    assert await admin.says(f"/pausesource {source.id}") == [f"Source {source.id} paused."]
    paused = await stack.runtime.admin.sources.get(source.id)
    assert paused is not None
    assert paused.paused
    (listing,) = await admin.says("/sources")
    assert "— paused (paused by an admin);" in listing
    assert await admin.says(f"/resumesource {source.id}") == [f"Source {source.id} resumed."]
    resumed = await stack.runtime.admin.sources.get(source.id)
    assert resumed is not None
    assert not resumed.paused
    assert await admin.says("/pausesource nope") == ["No source nope. See /sources."]
    clock.advance(minutes=1)
    assert await admin.says(f"/removesource {source.id}") == [f"Removed source {source.id}."]
    assert await stack.runtime.admin.sources.all() == []
    assert await admin.says("/sources") == ["No sources yet. Add one with /addsource URL."]

    entries = await audit(stack)
    assert [(e["actor"], e["action"], e["target"]) for e in entries] == [
        (key(ADMIN), "source.add", source.id),
        (key(ADMIN), "source.pause", source.id),
        (key(ADMIN), "source.resume", source.id),
        (key(ADMIN), "source.remove", source.id),
    ]
    start = clock.now - timedelta(minutes=4)
    assert [e["at"] for e in entries] == [start, *[start + timedelta(minutes=3)] * 2, clock.now]
    add, pause, resume, remove = entries
    assert add["before"] is None
    assert add["after"]["locator"] == "acme"
    assert add["after"]["kind"] == "greenhouse"
    assert (pause["before"], pause["after"]) == ({"paused": False}, {"paused": True})
    assert (resume["before"], resume["after"]) == ({"paused": True}, {"paused": False})
    assert remove["before"]["id"] == source.id
    assert remove["after"] is None


# --- 3. review cards ----------------------------------------------------------------------------


async def test_review_cards_go_round_robin_to_admins_on_duty(admin_stack: Stack) -> None:
    stack = admin_stack
    source = await seed_source(stack)
    jobs = [await seed_job(stack, f"job0000{i}", source, title=f"Engineer {i}") for i in range(6)]
    admin, second = Person(stack, ADMIN), Person(stack, SECOND)
    assert await admin.says(f"/admin_add {SECOND}") == [f"{SECOND} is now an admin."]

    assert await stack.runtime.admin.assign_reviews([job.id for job in jobs[:4]]) == 4
    first_got, second_got = await inbox(admin, 4), await inbox(second, 4)
    assert first_got[0::2] == second_got[0::2] == ["New job to review:"] * 2
    assert_card(first_got[1], jobs[0])
    assert_card(second_got[1], jobs[1])
    assert_card(first_got[3], jobs[2])
    assert_card(second_got[3], jobs[3])
    assert stack.telegram.buttons_to(SECOND) == [
        [
            ("Approve", f"adm:approve:{jobs[3].id}"),
            ("Reject", f"adm:reject:{jobs[3].id}"),
            ("Edit", f"adm:edit:{jobs[3].id}"),
        ]
    ]
    reviews = stack.runtime.admin.reviews
    assignees = [(await reviews.get(job.id)) for job in jobs[:4]]
    assert [r.assignee if r else None for r in assignees] == [key(ADMIN), key(SECOND)] * 2
    assert await reviews.waiting() == 4

    # An admin off duty gets none; the one on duty gets them all.
    assert await second.says("/duty off") == ["You are off duty."]
    await stack.runtime.admin.assign_reviews([jobs[4].id, jobs[5].id])
    got = await inbox(admin, 4)
    assert_card(got[1], jobs[4])
    assert_card(got[3], jobs[5])
    nothing_more(second)
    assert await second.says("/duty on") == ["You are on duty."]
    assert [(e["action"], e["target"]) for e in await audit(stack)][-2:] == [
        ("duty.off", key(SECOND)),
        ("duty.on", key(SECOND)),
    ]


# --- 4. approve and reject ----------------------------------------------------------------------


async def test_approve_and_reject_by_button_and_by_command(admin_stack: Stack) -> None:
    stack = admin_stack
    source = await seed_source(stack)
    jobs = [await seed_job(stack, f"job0000{i}", source, title=f"Engineer {i}") for i in range(5)]
    admin = Person(stack, ADMIN)
    await stack.runtime.admin.assign_reviews([jobs[0].id])
    await inbox(admin, 2)
    assert admin.buttons() == card_buttons(jobs[0].id)

    # Approve by button.
    assert await admin.taps(f"adm:approve:{jobs[0].id}") == ["Approved: Engineer 0."]
    assert await status_of(stack, jobs[0].id) == (JobStatus.APPROVED, None)
    assert await stack.runtime.admin.reviews.get(jobs[0].id) is None
    # Approve by command.
    assert await admin.says(f"/approve {jobs[1].id}") == ["Approved: Engineer 1."]
    assert await status_of(stack, jobs[1].id) == (JobStatus.APPROVED, None)
    assert await admin.says("/approve nosuchjob") == ["No job nosuchjob."]

    # Reject by button: the admin's next text is the reason.
    (card,) = await admin.says(f"/job {jobs[2].id}")
    assert_card(card, jobs[2], title="Engineer 2")
    assert await admin.taps(f"adm:reject:{jobs[2].id}") == [
        "Send the reason for rejecting this job."
    ]
    assert await status_of(stack, jobs[2].id) == (JobStatus.PENDING_REVIEW, "source not trusted")
    assert await admin.says("Agency repost, no real employer") == [
        "Rejected (Agency repost, no real employer): Engineer 2."
    ]
    assert await status_of(stack, jobs[2].id) == (
        JobStatus.REJECTED,
        "Agency repost, no real employer",
    )
    # Reject by command, with and without the reason.
    assert await admin.says(f"/reject {jobs[3].id} Expired last week") == [
        "Rejected (Expired last week): Engineer 3."
    ]
    assert await status_of(stack, jobs[3].id) == (JobStatus.REJECTED, "Expired last week")
    assert await admin.says("/reject") == ["No job (no id). Use /reject ID reason."]
    assert await admin.says(f"/reject {jobs[4].id}") == ["Send the reason for rejecting this job."]
    assert await status_of(stack, jobs[4].id) == (JobStatus.PENDING_REVIEW, "source not trusted")
    assert await admin.says("Duplicate") == ["Rejected (Duplicate): Engineer 4."]
    assert await status_of(stack, jobs[4].id) == (JobStatus.REJECTED, "Duplicate")

    # The flow is over: plain text goes to the candidate conversation again.
    assert_candidate_reply(await admin.says("hello", expect=2))
    assert await status_of(stack, jobs[4].id) == (JobStatus.REJECTED, "Duplicate")

    entries = await audit(stack)
    assert [(e["actor"], e["action"], e["target"]) for e in entries] == [
        (key(ADMIN), "job.approved", jobs[0].id),
        (key(ADMIN), "job.approved", jobs[1].id),
        (key(ADMIN), "job.rejected", jobs[2].id),
        (key(ADMIN), "job.rejected", jobs[3].id),
        (key(ADMIN), "job.rejected", jobs[4].id),
    ]
    assert entries[0]["before"] == {"status": "pending_review"}
    assert entries[0]["after"] == {"status": "approved", "reason": None}
    assert entries[2]["after"] == {
        "status": "rejected",
        "reason": "Agency repost, no real employer",
    }
    # The worker matches approved jobs to candidates; rejected ones leave the index.
    assert await queued(stack) == sorted(
        [("match_job", (jobs[0].id,)), ("match_job", (jobs[1].id,))]
        + [("unindex_job", (job.id,)) for job in jobs[2:]]
    )


# --- 5. edits -----------------------------------------------------------------------------------


async def test_edit_title_location_salary_and_work_mode(admin_stack: Stack) -> None:
    stack = admin_stack
    source = await seed_source(stack)
    job = await seed_job(stack, "job00001", source)
    admin = Person(stack, ADMIN)
    (card,) = await admin.says(f"/job {job.id}")
    assert_card(card, job)

    assert await admin.taps(f"adm:edit:{job.id}") == [f"What should change in job {job.id}?"]
    assert admin.buttons() == [
        f"adm:field:{job.id}:{field}" for field in ("title", "location", "salary", "work_mode")
    ]
    assert await admin.taps(f"adm:field:{job.id}:title") == ["Send the corrected title."]
    saved, card = await admin.says("Senior Backend Engineer (Python)", expect=2)
    assert saved == "Saved."
    assert card.startswith("Senior Backend Engineer (Python) — Acme GmbH\n")
    assert admin.buttons() == card_buttons(job.id)
    edited = await stack.runtime.admin.jobs.get(job.id)
    assert edited is not None
    assert edited.revision == 2
    assert edited.posting.title == "Senior Backend Engineer (Python)"
    (revision,) = await stack.runtime.admin.jobs.revisions(job.id)
    assert (revision["revision"], revision["changed"]) == (2, ["title"])
    assert revision["before"]["title"] == "Backend Engineer"
    assert revision["after"]["title"] == "Senior Backend Engineer (Python)"

    async def edit(field: str, prompt: str) -> None:
        await admin.taps(f"adm:edit:{job.id}")
        assert (await admin.taps(f"adm:field:{job.id}:{field}"))[0].startswith(prompt)

    await edit("location", "Send the location")
    saved, card = await admin.says("Hamburg, Germany", expect=2)
    assert saved == "Saved."
    assert "Where: Hamburg, DE (hybrid)" in card

    await edit("salary", "Send the salary")
    assert await admin.says("lots of money") == [
        'I could not read that salary. Send the salary, e.g. "60000-75000 EUR per year".'
    ]
    saved, card = await admin.says("60000-75000 EUR per year", expect=2)
    assert saved == "Saved."
    assert "Salary: 60,000–75,000 EUR per year" in card

    await edit("work_mode", "Send remote, hybrid or onsite.")
    assert await admin.says("sometimes") == [
        "Please answer remote, hybrid or onsite. Send remote, hybrid or onsite."
    ]
    saved, card = await admin.says("remote", expect=2)
    assert "Where: Hamburg, DE (remote)" in card

    final = await stack.runtime.admin.jobs.get(job.id)
    assert final is not None
    assert final.revision == 5
    assert final.status is JobStatus.PENDING_REVIEW
    posting = final.posting
    assert [(loc.city, loc.country) for loc in posting.locations] == [("Hamburg", "DE")]
    assert posting.salary is not None
    assert (posting.salary.minimum, posting.salary.maximum) == (60000, 75000)
    assert (posting.salary.currency, posting.salary.period) == ("EUR", SalaryPeriod.YEAR)
    assert posting.work_mode is WorkMode.REMOTE
    revisions = await stack.runtime.admin.jobs.revisions(job.id)
    assert [(r["revision"], r["changed"]) for r in revisions] == [
        (2, ["title"]),
        (3, ["location"]),
        (4, ["salary"]),
        (5, ["work_mode"]),
    ]
    assert [e["action"] for e in await audit(stack)] == [
        "job.edit.title",
        "job.edit.location",
        "job.edit.salary",
        "job.edit.work_mode",
    ]
    current = await stack.runtime.admin.admins.get(key(ADMIN))
    assert current is not None
    assert (current.editing_job, current.editing_field) == (None, None)


# --- 6. reminders and reassignment --------------------------------------------------------------


async def test_overdue_reviews_are_reminded_once_then_reassigned(
    admin_stack: Stack, clock: Clock
) -> None:
    stack = admin_stack
    service = stack.runtime.admin
    assert service.review_timeout == timedelta(minutes=20)
    assert stack.settings.crawl.review_timeout_minutes == 20
    source = await seed_source(stack)
    job = await seed_job(stack, "job00001", source)
    admin, second = Person(stack, ADMIN), Person(stack, SECOND)
    await admin.says(f"/admin_add {SECOND}")

    await service.assign_reviews([job.id])
    intro, card = await inbox(admin, 2)
    assert intro == "New job to review:"
    nothing_more(second)

    clock.advance(minutes=14, seconds=59)
    assert await service.remind_and_reassign() == {"reminded": 0, "reassigned": 0}
    nothing_more(admin)
    clock.advance(seconds=1)  # T-5 min
    assert await service.remind_and_reassign() == {"reminded": 1, "reassigned": 0}
    reminder, card = await inbox(admin, 2)
    assert reminder == "Reminder: this review is reassigned in 5 minutes."
    assert_card(card, job)
    clock.advance(minutes=2)
    assert await service.remind_and_reassign() == {"reminded": 0, "reassigned": 0}
    nothing_more(admin)
    nothing_more(second)

    clock.advance(minutes=3)  # T
    assert await service.remind_and_reassign() == {"reminded": 0, "reassigned": 1}
    intro, card = await inbox(second, 2)
    assert intro == "Reassigned to you (it waited too long):"
    assert_card(card, job)
    nothing_more(admin)
    review = await service.reviews.get(job.id)
    assert review is not None
    assert (review.assignee, review.assigned_at, review.reminded) == (
        key(SECOND),
        clock.now,
        False,
    )
    first, other = await service.admins.get(key(ADMIN)), await service.admins.get(key(SECOND))
    assert first is not None
    assert other is not None
    assert (first.missed_reviews, other.missed_reviews) == (1, 0)

    # The new assignee decides it: nothing is left to remind anyone of.
    assert await second.taps(f"adm:approve:{job.id}") == ["Approved: Backend Engineer."]
    clock.advance(minutes=30)
    assert await service.remind_and_reassign() == {"reminded": 0, "reassigned": 0}
    assert await service.reviews.waiting() == 0


# --- 7. stats -----------------------------------------------------------------------------------


async def test_stats_gives_numbers_and_a_png_chart(admin_stack: Stack, clock: Clock) -> None:
    stack = admin_stack
    acme = await seed_source(stack)
    globex = await seed_source(stack, "src002", "globex", paused=True)
    now = clock.now
    day = timedelta(days=1)
    await seed_job(stack, "job00001", acme, status=JobStatus.APPROVED, first_seen_at=now - 2 * day)
    await seed_job(stack, "job00002", acme, first_seen_at=now - 2 * day)
    await seed_job(stack, "job00003", globex, first_seen_at=now - day)
    await seed_job(stack, "job00004", globex, status=JobStatus.APPROVED, first_seen_at=now)
    await seed_job(stack, "job00005", acme, status=JobStatus.CLOSED, first_seen_at=now - 30 * day)
    await stack.runtime.admin.assign_reviews(["job00002"])
    admin = Person(stack, ADMIN)
    await inbox(admin, 2)

    # The aggregation behind the chart runs on the embedded server.
    rows = await stack.runtime.admin.jobs.found_per_day(now - 14 * day)
    assert rows == [
        (f"{now - 2 * day:%Y-%m-%d}", acme.id, 2),
        (f"{now - day:%Y-%m-%d}", globex.id, 1),
        (f"{now:%Y-%m-%d}", globex.id, 1),
    ]

    (caption,) = await admin.says("/stats")
    assert caption.splitlines() == [
        "Jobs: 5",
        "  approved: 2",
        "  closed: 1",
        "  pending_review: 2",
        "Sources: 2 (1 paused)",
        "Reviews waiting: 1",
        "Last 14 days: 4 jobs found, auto-approved 2 (50%)",
        "Matches sent (14 days): 0",
        "Click-through: n/a (0 of 0 opened Apply, 0 clicks)",
        "Apply rate: n/a (0 marked applied)",
    ]
    (call,) = [c for c in stack.telegram.calls_to(ADMIN) if c.method == "sendDocument"]
    assert call.document_name == "stats.png"
    assert call.document is not None
    assert call.document.startswith(PNG_SIGNATURE)
    assert call.text == caption


# --- 8. granting and revoking admin rights ------------------------------------------------------


async def test_admins_are_added_and_removed_but_configured_ones_stay(admin_stack: Stack) -> None:
    stack = admin_stack
    admin, newcomer = Person(stack, ADMIN), Person(stack, SECOND)
    assert_candidate_reply(await newcomer.says("/sources", expect=2))

    assert await admin.says(f"/admin_add {SECOND}") == [f"{SECOND} is now an admin."]
    assert await newcomer.says("/sources") == ["No sources yet. Add one with /addsource URL."]
    assert await newcomer.says(f"/admin_remove {ADMIN}") == [
        f"{ADMIN} is an admin by configuration (ADMINS) and stays one."
    ]
    assert await admin.says(f"/admin_remove {ADMIN}") == [
        f"{ADMIN} is an admin by configuration (ADMINS) and stays one."
    ]
    assert await admin.says("/admin_add someone") == [
        "Use /admin_add followed by a Telegram user id."
    ]

    assert await admin.says(f"/admin_remove {SECOND}") == [f"{SECOND} is no longer an admin."]
    assert_candidate_reply(await newcomer.says("/sources", expect=2))
    assert await admin.says(f"/admin_remove {SECOND}") == [f"{SECOND} is not an admin."]
    assert await admin.says("/sources") == ["No sources yet. Add one with /addsource URL."]
    assert await stack.runtime.admin.admins.get(key(SECOND)) is None
    configured = await stack.runtime.admin.admins.get(key(ADMIN))
    assert configured is not None
    assert configured.from_settings

    assert [(e["actor"], e["action"], e["target"]) for e in await audit(stack)] == [
        (key(ADMIN), "admin.add", key(SECOND)),
        (key(ADMIN), "admin.remove", key(SECOND)),
    ]


# --- 9. dead letters ----------------------------------------------------------------------------


async def test_dead_letters_are_listed_and_retried(admin_stack: Stack, clock: Clock) -> None:
    stack = admin_stack
    admin = Person(stack, ADMIN)
    assert await admin.says("/deadletters") == ["No dead letters."]
    letters = stack.runtime.chat.dead_letters
    reply: list[dict[str, Any]] = [{"text": "Your jobs", "buttons": [], "document": None}]
    await letters.add(
        "send_replies",
        ["telegram", "555", "telegram:555", reply, 1],
        "Timed out",
        clock.now - timedelta(minutes=5),
    )
    await letters.add("crawl_source", ["src001"], "Connection reset", clock.now)
    (first, second) = await letters.recent()

    (listing,) = await admin.says("/deadletters")
    assert listing.splitlines() == [
        "Dead letters (retry all with /deadletters retry):",
        f"{first.id} · crawl_source · {clock.now:%Y-%m-%d %H:%M} · Connection reset",
        f"{second.id} · send_replies · {clock.now - timedelta(minutes=5):%Y-%m-%d %H:%M}"
        " · Timed out",
    ]

    assert await admin.says("/deadletters retry") == ["Retrying 2 task(s)."]
    assert await letters.count() == 0
    assert await queued(stack) == [
        ("crawl_source", ("src001",)),
        ("send_replies", ("telegram", "555", "telegram:555", reply, 1)),
    ]
    jobs = await stack.runtime.queue.pool.queued_jobs()
    assert sorted(job.job_id or "" for job in jobs) == sorted(
        [f"retry:{first.id}", f"retry:{second.id}"]
    )
    assert [(e["action"], e["target"]) for e in await audit(stack)] == [
        ("deadletters.retry", "2 tasks")
    ]
    assert await admin.says("/deadletters") == ["No dead letters."]

"""A new job's fan-out over pages: every fitting candidate found however many pages it takes,
each alert queued once, matches and links written in bulk (real MongoDB, the edge index, the
real embedder)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest

from core.channels import Channel
from core.domain import Frequency, Profile, ResumeSummary, Seniority, WorkMode
from core.jobs import (
    Extraction,
    JobPosting,
    JobStatus,
    Location,
    Salary,
    SalaryPeriod,
    SourceKind,
    StoredJob,
)
from core.settings import MatchingSettings
from core.store.documents import ConversationDoc, LinkDoc, MatchDoc, OutboxDoc, UserDoc
from matching.service import for_matching
from matching.text import job_text
from webhooks.runtime import Runtime

pytestmark = pytest.mark.integration

NOW = datetime(2026, 11, 16, 10, 0, tzinfo=UTC)
PAGE = 2
BACKEND = Profile(
    roles=("Backend Developer",),
    locations=("Berlin, Germany",),
    work_modes=(WorkMode.REMOTE,),
    seniority=Seniority.SENIOR,
    resume=ResumeSummary(skills=("Python", "Django", "PostgreSQL")),
    frequency=Frequency.INSTANT,
)
INSTANT = [f"telegram:{7000 + n}" for n in range(7)]  # more than three pages of PAGE
DAILY = ["telegram:7100", "telegram:7101"]  # matched, alerted in their digest instead
PAUSED = "telegram:7200"
ONSITE_ELSEWHERE = "telegram:7300"  # wants on-site work in Paris: the pre-filter keeps them out


@pytest.fixture
async def runtime(settings_factory: Any) -> AsyncIterator[Runtime]:
    settings = settings_factory(matching=MatchingSettings(fanout_page_size=PAGE))
    started = await Runtime.start(settings, clock=lambda: NOW)
    try:
        yield started
    finally:
        await started.stop()


async def seed_candidate(user_key: str, profile: Profile) -> None:
    chat_id = user_key.split(":")[1]
    await UserDoc.collection().insert_one(
        {"_id": user_key, "channel": str(Channel.TELEGRAM), "platform_user_id": chat_id,
         "chat_id": chat_id, "created_at": NOW}
    )  # fmt: skip
    consent = {"purpose": "job_messages", "granted": True, "version": "1", "at": NOW}
    await ConversationDoc.collection().insert_one(
        {"_id": user_key, "state": {"lang": "en", "onboarded": True, "consents": [consent],
                                    "profile": profile.model_dump(mode="json")}}
    )  # fmt: skip


async def approved_job(runtime: Runtime, job_id: str) -> StoredJob:
    posting = JobPosting(
        source_kind=SourceKind.GREENHOUSE,
        extraction=Extraction.ATS_API,
        external_id=job_id,
        title="Senior Backend Engineer (Python)",
        company="Acme GmbH",
        url=f"https://boards.example.org/acme/jobs/{job_id}",
        locations=(Location(country="DE", raw="Remote, Germany"),),
        work_mode=WorkMode.REMOTE,
        salary=Salary(minimum=70000, maximum=85000, currency="EUR", period=SalaryPeriod.YEAR,
                      annual_minimum=70000, annual_maximum=85000),
        skills=("Python", "Django", "PostgreSQL"),
        description_md="We build APIs in Python and Django on PostgreSQL.",
        posted_at=NOW.date(),
    )  # fmt: skip
    job = StoredJob(
        id=job_id,
        source_ids=("src001",),
        posting=posting,
        status=JobStatus.APPROVED,
        fingerprint=f"fp-{job_id}",
        first_seen_at=NOW,
        last_seen_at=NOW,
    )
    await runtime.admin.jobs.insert(job, f"src001:{job_id}", "acme")
    return job


async def test_every_fitting_candidate_is_alerted_once_across_pages(runtime: Runtime) -> None:
    for key in INSTANT:
        await seed_candidate(key, BACKEND)
    for key in DAILY:
        await seed_candidate(key, BACKEND.model_copy(update={"frequency": Frequency.DAILY}))
    await seed_candidate(PAUSED, BACKEND.model_copy(update={"paused": True}))
    await seed_candidate(
        ONSITE_ELSEWHERE,
        BACKEND.model_copy(update={"work_modes": (WorkMode.ONSITE,), "locations": ("Paris",)}),
    )
    report = await runtime.matches.rebuild_index()
    assert report.candidates == len(INSTANT) + len(DAILY) + 2
    job = await approved_job(runtime, "job-fan")
    # The candidates come in more than one page.
    vector = runtime.matches.embedder.embed([job_text(job.posting)])[0]
    floor = runtime.settings.matching.similarity_floor
    pages = [
        page
        async for page in runtime.index.candidates_above(for_matching(job), vector, floor, PAGE)
    ]
    assert len(pages) > 3
    assert all(len(page) <= PAGE for page in pages)

    found = await runtime.matches.job_approved(job.id)

    assert found == len(INSTANT) + len(DAILY)
    rows = [raw async for raw in OutboxDoc.collection().find({"job_id": job.id})]
    assert sorted(raw["user_key"] for raw in rows) == INSTANT  # each once, nobody else
    assert {raw["kind"] for raw in rows} == {"alert"}
    states = {
        raw["user_key"]: raw["state"]
        async for raw in MatchDoc.collection().find({"job_id": job.id})
    }
    assert states == {**dict.fromkeys(INSTANT, "alerted"), **dict.fromkeys(DAILY, "new")}
    links = [raw async for raw in LinkDoc.collection().find({"job_id": job.id})]
    assert sorted(raw["user_key"] for raw in links) == INSTANT
    tokens = {raw["_id"] for raw in links}
    assert len(tokens) == len(INSTANT)
    for raw in rows:  # each card carries its own user's tracked link
        token = next(link["_id"] for link in links if link["user_key"] == raw["user_key"])
        assert f"/r/{token}" in str(raw["replies"])

    # Approved again (a revision): no new match, no second alert.
    assert await runtime.matches.job_approved(job.id) == 0
    assert await OutboxDoc.collection().count_documents({"job_id": job.id}) == len(
        INSTANT
    )

"""MatchService on the in-memory stores: digests, follow-ups and match buttons, no servers.

The real-parts runs (embedded MongoDB, Qdrant, the fake Bot API) stay in tests/integration and
tests/e2e; these pin what the service decides and writes, in milliseconds. Rendering is the real
conversation views; the embedder and the vector index are never reached by these use cases.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from conversations.match_views import MatchViews
from core.channels import Channel, Reply
from core.domain import Profile
from core.jobs import Extraction, JobPosting, JobStatus, SourceKind, StoredJob
from core.matches import ApplicationStage, Feedback, Match, MatchAction, Verb
from core.ports.matches import CandidateRecord, MatchState
from core.ports.outbox import OutboxKind
from core.settings import MatchingSettings
from core.skills import SkillTaxonomy
from crawlers.normalize import parse_locations
from matching.embed import Vectors
from matching.index_edge import EdgeVectorIndex
from matching.service import MatchService
from tests.fakes.memory_matches import (
    InMemoryApplications,
    InMemoryApplyLinks,
    InMemoryCandidates,
    InMemoryMatches,
    InMemoryMatchFeedback,
)
from tests.fakes.memory_outbox import InMemoryOutbox
from tests.fakes.memory_review import InMemoryJobs

T0 = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)  # a Monday, past the digest hour (9 UTC)
ANN, BOB, CY = "telegram:1", "telegram:2", "telegram:3"
PUBLIC = "https://scout.example.org"


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


class NoEmbedder:
    """These use cases never embed: reaching it is a failure."""

    model_id = "none"
    dimension = 4

    def embed(self, texts: Sequence[str]) -> Vectors:
        raise AssertionError(f"embedded {list(texts)}")

    def close(self) -> None:
        return None


@dataclass
class World:
    service: MatchService
    clock: Clock
    jobs: InMemoryJobs
    candidates: InMemoryCandidates
    matches: InMemoryMatches
    applications: InMemoryApplications
    links: InMemoryApplyLinks
    feedback: InMemoryMatchFeedback
    outbox: InMemoryOutbox
    kicks: list[int] = field(default_factory=list)


@pytest.fixture
def world(tmp_path: Path) -> World:
    clock = Clock()
    stores = (
        InMemoryJobs(),
        InMemoryCandidates(),
        InMemoryMatches(),
        InMemoryApplications(),
        InMemoryApplyLinks(),
        InMemoryMatchFeedback(),
        InMemoryOutbox(),
    )
    jobs, candidates, matches, applications, links, feedback, outbox = stores
    kicks: list[int] = []

    async def kick() -> None:
        kicks.append(1)

    service = MatchService(
        settings=MatchingSettings(digest_size=2),
        public_url=PUBLIC,
        embedder=NoEmbedder(),
        index=EdgeVectorIndex(tmp_path, model_id="none", dimension=4),  # never opened
        jobs=jobs,
        candidates=candidates,
        matches=matches,
        applications=applications,
        links=links,
        feedback=feedback,
        outbox=outbox,
        taxonomy=SkillTaxonomy.load(),
        places=parse_locations,
        clock=clock,
        kick=kick,
        cards=MatchViews(),
    )
    return World(service, clock, *stores, kicks=kicks)


def record(user_key: str, **fields: object) -> CandidateRecord:
    values: dict[str, object] = {
        "user_key": user_key,
        "lang": "en",
        "profile": Profile(roles=("Nurse",)),
        "onboarded": True,
        "messages_allowed": True,
        "channel": Channel.TELEGRAM,
        "chat_id": user_key.partition(":")[2],
        "reachable": True,
    }
    values.update(fields)
    return CandidateRecord.model_validate(values)


async def add_job(
    world: World, job_id: str, status: JobStatus = JobStatus.APPROVED, company: str = "Acme"
) -> None:
    posting = JobPosting(
        source_kind=SourceKind.GREENHOUSE,
        extraction=Extraction.ATS_API,
        title=f"Nurse {job_id}",
        company=company,
        apply_url=f"https://jobs.example.org/{job_id}",
    )
    job = StoredJob(
        id=job_id,
        source_ids=("s1",),
        posting=posting,
        status=status,
        fingerprint=job_id,
        first_seen_at=T0 - timedelta(days=1),
        last_seen_at=T0,
    )
    await world.jobs.insert(job, f"ext-{job_id}", company.lower())


def match(user_key: str, job_id: str, score: float) -> Match:
    return Match(user_key=user_key, job_id=job_id, score=score, would_send=True)


def texts(replies: Sequence[Reply]) -> list[str]:
    return [reply.text for reply in replies]


async def test_a_due_digest_sends_the_best_live_matches_once(world: World) -> None:
    for job_id in ("j1", "j2", "j3"):
        await add_job(world, job_id)
    await add_job(world, "gone", JobStatus.CLOSED)
    world.candidates.put(record(ANN))
    world.candidates.put(record(BOB, messages_allowed=False))
    scores = [("j1", 0.6), ("j2", 0.9), ("j3", 0.7), ("gone", 0.95)]
    await world.matches.record_many([match(ANN, job, score) for job, score in scores], T0)
    await world.matches.record_many([match(BOB, "j1", 0.9)], T0)

    assert await world.service.send_digests() == 1

    rows = await world.outbox.rows_of(ANN)
    assert [(row.kind, row.job_id, row.seq) for row in rows] == [
        (OutboxKind.DIGEST, "j2", 0),
        (OutboxKind.DIGEST, "j3", 1),
    ]
    # Each card carries its tracked Apply link, which leads to the posting.
    token = (await world.links.links_for([(ANN, "j2", "https://jobs.example.org/j2")], T0))[
        (ANN, "j2")
    ]
    urls = [button.url for row in rows for line in row.replies[0].buttons for button in line]
    assert f"{PUBLIC}/r/{token}" in urls
    assert await world.links.click(token, T0) == "https://jobs.example.org/j2"
    # The two sent are digested; the one over the digest size and the closed one are dropped.
    assert await world.matches.delivered_job_ids(ANN) == {"j2", "j3"}
    assert await world.matches.new_for_user(ANN, 10) == []
    assert await world.matches.users_with_new() == [BOB]  # no consent: nothing was sent
    assert await world.outbox.rows_of(BOB) == []
    stored = await world.candidates.get(ANN)
    assert stored is not None
    assert stored.last_digest_at == T0
    assert world.kicks == [1]

    # A dropped match stays dropped; a new one later the same day waits for tomorrow's digest.
    await add_job(world, "j4")
    assert await world.matches.record_many([match(ANN, "j1", 0.8)], T0) == []
    await world.matches.record_many([match(ANN, "j4", 0.8)], T0)
    world.clock.now = T0 + timedelta(hours=3)
    assert await world.service.send_digests() == 0
    world.clock.now = T0 + timedelta(days=1)
    assert await world.service.send_digests() == 1
    assert [row.job_id for row in await world.outbox.rows_of(ANN)] == ["j2", "j3", "j4"]


async def test_followups_are_asked_once_and_only_of_those_who_allow_messages(
    world: World,
) -> None:
    await add_job(world, "j1")
    await add_job(world, "j2")
    world.candidates.put(record(ANN))
    world.candidates.put(record(BOB, messages_allowed=False))
    week_ago = T0 - timedelta(days=7)
    await world.applications.set_stage(ANN, "j1", ApplicationStage.APPLIED, week_ago)
    await world.applications.set_stage(BOB, "j2", ApplicationStage.APPLIED, week_ago)
    await world.applications.set_stage(CY, "j1", ApplicationStage.APPLIED, week_ago)  # erased
    await world.applications.set_stage(ANN, "j2", ApplicationStage.APPLIED, T0)  # not yet

    assert await world.service.queue_followups() == 1
    rows = await world.outbox.rows_of(ANN)
    assert [(row.kind, row.job_id) for row in rows] == [(OutboxKind.FOLLOWUP, "j1")]
    assert "Nurse j1" in rows[0].replies[0].text
    assert world.kicks == [1]
    # Each due one was settled, asked or not: none is asked again.
    assert await world.service.queue_followups() == 0
    world.clock.now = T0 + timedelta(days=7)
    assert await world.service.queue_followups() == 1
    assert [row.job_id for row in await world.outbox.rows_of(ANN)] == ["j1", "j2"]


async def test_buttons_act_only_on_a_job_the_user_was_matched_with(world: World) -> None:
    await add_job(world, "j1", company="Acme GmbH")
    await add_job(world, "other")
    await world.matches.record_many([match(ANN, "j1", 0.8)], T0)
    await world.matches.mark(ANN, ["j1"], MatchState.ALERTED, T0)
    service = world.service

    # A job id this user was never matched with learns nothing and changes nothing.
    forged = await service.act(ANN, "en", MatchAction(action=Verb.SAVE, job_id="other"))
    assert len(forged) == 1
    assert "Nurse other" not in forged[0].text
    assert await world.applications.list(ANN) == []

    saved = await service.act(ANN, "en", MatchAction(action=Verb.SAVE, job_id="j1"))
    assert "Nurse j1" in saved[0].text
    await service.act(ANN, "en", MatchAction(action=Verb.APPLIED, job_id="j1"))
    app = await world.applications.get(ANN, "j1")
    assert app is not None
    assert [step.stage for step in app.history] == ["saved", "applied"]
    assert app.applied_at == T0

    await service.act(ANN, "en", MatchAction(action=Verb.NOT_THIS_COMPANY, job_id="j1"))
    await service.act(ANN, "en", MatchAction(action=Verb.NOT_THIS_JOB, job_id="j1"))
    assert await world.feedback.get(ANN) == Feedback(not_interested=("j1",), companies=("acme",))

    tracker = texts(await service.act(ANN, "en", MatchAction(action=Verb.APPLICATIONS)))
    assert any("Nurse j1" in text for text in tracker)

    # Once closed, the tracker still follows the job: it can be moved, then removed.
    await world.jobs.set_status("j1", JobStatus.CLOSED)
    moved = MatchAction(action=Verb.STAGE, job_id="j1", stage=ApplicationStage.INTERVIEWING)
    await service.act(ANN, "en", moved)
    app = await world.applications.get(ANN, "j1")
    assert app is not None
    assert app.stage is ApplicationStage.INTERVIEWING
    await service.act(ANN, "en", MatchAction(action=Verb.STAGE, job_id="j1", stage="remove"))
    assert await world.applications.list(ANN) == []
    # Closed and no longer tracked: gone for good.
    again = await service.act(ANN, "en", MatchAction(action=Verb.SAVE, job_id="j1"))
    assert again == forged

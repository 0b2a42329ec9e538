"""The match ports' contract (core.ports.matches): every promise, run over both implementations.

- ``mongo``: the Mongo adapters on a fresh database of the embedded MongoDB;
- ``memory``: the in-memory fakes of tests/fakes/memory_matches.py.

A test that passes on one and fails on the other means the fake (or the adapter) is wrong.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from core.channels import Channel
from core.domain import ConsentPurpose, Profile
from core.matches import ApplicationStage, Feedback, Match, Reasons
from core.ports.matches import (
    Applications,
    ApplyLinks,
    CandidateRecord,
    Candidates,
    LinkStats,
    Matches,
    MatchFeedback,
    MatchState,
    StageChange,
)
from core.store.candidates import MongoCandidates
from core.store.documents import ConversationDoc, PersonDoc, UserDoc
from core.store.matches import MongoApplications, MongoFeedback, MongoLinks, MongoMatches
from tests.conftest import fresh_database
from tests.fakes.memory_matches import (
    InMemoryApplications,
    InMemoryApplyLinks,
    InMemoryCandidates,
    InMemoryMatches,
    InMemoryMatchFeedback,
)

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
ANN = "telegram:101"
BOB = "telegram:102"
URL = "https://jobs.example.org/apply/1"

# Both implementations satisfy the ports (checked by mypy on this module).
_MONGO: tuple[Candidates, Matches, Applications, ApplyLinks, MatchFeedback] = (
    MongoCandidates(),
    MongoMatches(),
    MongoApplications(),
    MongoLinks(),
    MongoFeedback(),
)
_MEMORY: tuple[Candidates, Matches, Applications, ApplyLinks, MatchFeedback] = (
    InMemoryCandidates(),
    InMemoryMatches(),
    InMemoryApplications(),
    InMemoryApplyLinks(),
    InMemoryMatchFeedback(),
)


@dataclass
class Stores:
    candidates: Candidates
    matches: Matches
    applications: Applications
    links: ApplyLinks
    feedback: MatchFeedback
    # How a candidate comes to exist and goes (onboarding, /delete): not part of the port.
    put: Callable[[CandidateRecord], Awaitable[None]]
    erase: Callable[[str], Awaitable[None]]


async def _mongo_put(record: CandidateRecord) -> None:
    """Write the rows MongoCandidates reads a record from: the chat, the person, the state."""
    target = record.deliver_to
    await UserDoc.collection().insert_one(
        {
            "_id": target,
            "channel": str(record.channel),
            "platform_user_id": record.chat_id,
            "chat_id": record.chat_id,
            "reachable": record.reachable,
            "linked": list(record.linked),
            "created_at": T0,
            "last_digest_at": None if record.target_key else record.last_digest_at,
        }
    )
    if record.target_key is not None:
        await PersonDoc.collection().insert_one(
            {
                "_id": record.user_key,
                "route": [target],
                "last_digest_at": record.last_digest_at,
                "updated_at": T0,
            }
        )
    purpose = str(ConsentPurpose.JOB_MESSAGES)
    consents = [{"purpose": purpose, "granted": not record.messages_allowed, "version": "v0"}]
    consents.append({"purpose": purpose, "granted": record.messages_allowed, "version": "v1"})
    await ConversationDoc.collection().insert_one(
        {
            "_id": record.user_key,
            "revision": 1,
            "updated_at": T0,
            "state": {
                "lang": record.lang,
                "onboarded": record.onboarded,
                "profile": record.profile.model_dump(mode="json"),
                "consents": consents,
            },
        }
    )


async def _mongo_erase(user_key: str) -> None:
    await ConversationDoc.collection().delete_one({"_id": user_key})


@pytest.fixture(params=[pytest.param("mongo", marks=pytest.mark.integration), "memory"])
async def stores(request: pytest.FixtureRequest) -> AsyncIterator[Stores]:
    if request.param == "memory":
        candidates = InMemoryCandidates()

        async def put(record: CandidateRecord) -> None:
            candidates.put(record)

        async def erase(user_key: str) -> None:
            candidates.erase(user_key)

        yield Stores(
            candidates,
            InMemoryMatches(),
            InMemoryApplications(),
            InMemoryApplyLinks(),
            InMemoryMatchFeedback(),
            put,
            erase,
        )
        return
    async with fresh_database(request.getfixturevalue("mongodb_url")):
        yield Stores(
            MongoCandidates(),
            MongoMatches(),
            MongoApplications(),
            MongoLinks(),
            MongoFeedback(),
            _mongo_put,
            _mongo_erase,
        )


def match(user_key: str, job_id: str, score: float, skill: str = "python") -> Match:
    return Match(
        user_key=user_key,
        job_id=job_id,
        score=score,
        skills=0.5,
        would_send=True,
        reasons=Reasons(matched_skills=(skill,), title_match=True),
    )


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def candidate(user_key: str, **fields: object) -> CandidateRecord:
    values: dict[str, object] = {
        "user_key": user_key,
        "lang": "de",
        "profile": Profile(roles=("Nurse",), licences=("RN",)),
        "onboarded": True,
        "messages_allowed": True,
        "channel": Channel.TELEGRAM,
        "chat_id": user_key.partition(":")[2],
        "reachable": True,
    }
    values.update(fields)
    return CandidateRecord.model_validate(values)


# --- Candidates ----------------------------------------------------------------------------------


async def test_candidates_read_back_as_they_were_put(stores: Stores) -> None:
    ann = candidate(ANN, linked=("whatsapp:49151",), last_digest_at=T0)
    # A linked person: reached on the first chat of their route, another channel.
    bob = candidate(
        BOB,
        target_key="whatsapp:49152",
        channel=Channel.WHATSAPP,
        chat_id="49152",
        reachable=False,
        messages_allowed=False,
        lang="en",
    )
    await stores.put(ann)
    await stores.put(bob)

    assert await stores.candidates.get_many([ANN, BOB, "telegram:999", ANN]) == {
        ANN: ann,
        BOB: bob,
    }
    assert await stores.candidates.get(BOB) == bob
    assert bob.deliver_to == "whatsapp:49152"
    assert (ann.wants_matches, bob.wants_matches) == (True, False)
    assert await stores.candidates.get("telegram:999") is None
    assert await stores.candidates.get_many([]) == {}


async def test_an_erased_candidate_is_gone_and_not_existing(stores: Stores) -> None:
    for key in (ANN, BOB):
        await stores.put(candidate(key))
    assert await stores.candidates.existing([ANN, BOB, "telegram:999"]) == {ANN, BOB}

    await stores.erase(ANN)

    assert await stores.candidates.existing([ANN, BOB, "telegram:999"]) == {BOB}
    assert await stores.candidates.existing([]) == set()
    assert await stores.candidates.get(ANN) is None
    assert await stores.candidates.get_many([ANN, BOB]) == {BOB: candidate(BOB)}


async def test_onboarded_keys_are_everyone_onboarded(stores: Stores) -> None:
    assert await stores.candidates.onboarded_keys() == []
    await stores.put(candidate(ANN))
    await stores.put(candidate(BOB, onboarded=False))
    await stores.put(candidate("telegram:103", messages_allowed=False))
    assert sorted(await stores.candidates.onboarded_keys()) == [ANN, "telegram:103"]


async def test_last_digest_is_noted_per_person(stores: Stores) -> None:
    await stores.put(candidate(ANN))
    await stores.put(candidate(BOB, target_key="whatsapp:49152", channel=Channel.WHATSAPP))

    await stores.candidates.set_last_digest(ANN, at(1))
    await stores.candidates.set_last_digest(BOB, at(2))
    await stores.candidates.set_last_digest(BOB, at(3))
    await stores.candidates.set_last_digest("telegram:999", at(4))  # unknown: nothing happens

    got = await stores.candidates.get_many([ANN, BOB, "telegram:999"])
    assert {key: record.last_digest_at for key, record in got.items()} == {ANN: at(1), BOB: at(3)}
    assert got[BOB] == candidate(
        BOB, target_key="whatsapp:49152", channel=Channel.WHATSAPP, last_digest_at=at(3)
    )


# --- Matches -------------------------------------------------------------------------------------


async def test_record_many_inserts_once_and_refreshes_only_a_waiting_match(
    stores: Stores,
) -> None:
    matches = stores.matches
    assert await matches.record_many([match(ANN, "j1", 0.7)], T0) == [match(ANN, "j1", 0.7)]
    assert await matches.record_many([match(ANN, "j1", 0.8, skill="go")], at(1)) == []
    assert await matches.new_for_user(ANN, 10) == [match(ANN, "j1", 0.8, skill="go")]

    assert await matches.mark(ANN, ["j1"], MatchState.ALERTED, at(2)) == 1
    assert await matches.record_many([match(ANN, "j1", 0.2, skill="rust")], at(3)) == []
    assert await matches.get(ANN, "j1") == match(ANN, "j1", 0.8, skill="go")
    assert await matches.record_many([], at(4)) == []


async def test_record_many_stores_a_page_and_returns_only_the_new(stores: Stores) -> None:
    matches = stores.matches
    await matches.record_many([match(ANN, "j1", 0.5), match(BOB, "j1", 0.5)], T0)
    await matches.mark(BOB, ["j1"], MatchState.DIGESTED, T0)  # delivered: stays as it was
    # More users than one $in chunk (core.store.mongo.IN_CHUNK).
    users = [f"telegram:{200 + n}" for n in range(120)]
    page = [match(ANN, "j1", 0.9), match(BOB, "j1", 0.9), *[match(u, "j1", 0.6) for u in users]]
    alerted = {(users[0], "j1"), (users[1], "j1")}

    fresh = await matches.record_many(page, at(1), alerted)

    assert fresh == page[2:]
    assert await matches.get(ANN, "j1") == match(ANN, "j1", 0.9)  # waiting: the fresh score
    assert await matches.get(BOB, "j1") == match(BOB, "j1", 0.5)
    # Those alerted while recorded are delivered already; the rest wait.
    assert await matches.delivered_to("j1") == {BOB, users[0], users[1]}
    assert await matches.new_for_user(users[2], 10) == [match(users[2], "j1", 0.6)]
    assert await matches.new_for_user(users[0], 10) == []
    assert await matches.recorded([(ANN, "j1"), (ANN, "j2"), *[(u, "j1") for u in users]]) == {
        (ANN, "j1"),
        *[(u, "j1") for u in users],
    }
    assert await matches.recorded([]) == set()
    assert await matches.mark_pairs([(u, "j1") for u in users], "alerted", at(2)) == 118
    assert await matches.mark_pairs([], "alerted", at(2)) == 0


async def test_record_many_with_one_pair_twice_keeps_the_first_and_the_last_score(
    stores: Stores,
) -> None:
    first, again = match(ANN, "j1", 0.5), match(ANN, "j1", 0.7, skill="go")
    assert await stores.matches.record_many([first, again], T0) == [first]
    assert await stores.matches.get(ANN, "j1") == again


async def test_record_the_same_match_concurrently_stores_it_once(stores: Stores) -> None:
    results = await asyncio.gather(
        *[stores.matches.record_many([match(ANN, "j1", 0.7)], T0) for _ in range(8)]
    )
    assert sorted(len(fresh) for fresh in results) == [0] * 7 + [1]
    assert await stores.matches.new_for_user(ANN, 10) == [match(ANN, "j1", 0.7)]


async def test_new_for_user_is_best_first_limited_and_per_user(stores: Stores) -> None:
    matches = stores.matches
    scores = [("j1", 0.61), ("j2", 0.93), ("j3", 0.72), ("j4", 0.88), ("j0", 0.72)]
    await matches.record_many([match(ANN, job_id, score) for job_id, score in scores], T0)
    await matches.record_many([match(BOB, "j9", 0.99)], T0)
    await matches.mark(ANN, ["j4"], MatchState.DIGESTED, at(1))

    best = await matches.new_for_user(ANN, 2)
    assert [(m.job_id, m.score) for m in best] == [("j2", 0.93), ("j0", 0.72)]
    assert [m.job_id for m in await matches.new_for_user(ANN, 10)] == ["j2", "j0", "j3", "j1"]
    assert await matches.new_for_user("telegram:999", 10) == []


async def test_mark_moves_only_new_matches(stores: Stores) -> None:
    matches = stores.matches
    await matches.record_many([match(ANN, job_id, 0.8) for job_id in ("j1", "j2", "j3")], T0)
    await matches.record_many([match(BOB, "j1", 0.8)], T0)

    assert await matches.mark(ANN, ["j1", "j2", "unknown"], MatchState.ALERTED, at(1)) == 2
    # Already delivered: neither a digest nor a drop rewrites them.
    assert await matches.mark(ANN, ["j1", "j2"], MatchState.DIGESTED, at(2)) == 0
    assert await matches.mark(ANN, ["j1", "j3", "j3"], MatchState.DROPPED, at(3)) == 1
    assert await matches.mark(ANN, [], MatchState.ALERTED, at(4)) == 0
    with pytest.raises(ValueError, match="new again"):
        await matches.mark(ANN, ["j1"], MatchState.NEW, at(5))
    with pytest.raises(ValueError, match="sent"):
        await matches.mark(ANN, ["j1"], "sent", at(5))

    assert await matches.delivered_job_ids(ANN) == {"j1", "j2"}
    assert await matches.new_for_user(ANN, 10) == []
    # The same job for someone else is theirs to send.
    assert await matches.new_for_user(BOB, 10) == [match(BOB, "j1", 0.8)]
    assert await matches.get(ANN, "j3") == match(ANN, "j3", 0.8)  # dropped, still readable


async def test_get_and_mark_by_plain_state_names(stores: Stores) -> None:
    matches = stores.matches
    await matches.record_many([match(ANN, "j1", 0.8), match(ANN, "j2", 0.7)], T0)
    assert await matches.get(ANN, "j1") == match(ANN, "j1", 0.8)
    assert await matches.get(BOB, "j1") is None

    assert await matches.mark(ANN, ["j1"], "digested", at(1)) == 1
    assert await matches.get(ANN, "j1") == match(ANN, "j1", 0.8)  # still readable once sent
    assert await matches.delivered_job_ids(ANN) == {"j1"}
    assert [m.job_id for m in await matches.new_for_user(ANN, 10)] == ["j2"]


async def test_delivered_are_what_was_alerted_or_digested(stores: Stores) -> None:
    matches = stores.matches
    await matches.record_many([match(ANN, job_id, 0.8) for job_id in ("j1", "j2", "j3", "j4")], T0)
    await matches.record_many([match(BOB, "j5", 0.8)], T0)
    await matches.mark(ANN, ["j1"], MatchState.ALERTED, at(1))
    await matches.mark(ANN, ["j2"], MatchState.DIGESTED, at(2))
    await matches.mark(ANN, ["j3"], MatchState.DROPPED, at(3))
    await matches.mark(BOB, ["j5"], MatchState.ALERTED, at(3))

    assert await matches.delivered_job_ids(ANN) == {"j1", "j2"}
    assert await matches.delivered_job_ids("telegram:999") == set()
    # The other way round: who a job went to (a dropped or new match did not go anywhere).
    await matches.record_many([match(BOB, "j1", 0.7)], T0)
    assert await matches.delivered_to("j1") == {ANN}
    await matches.mark(BOB, ["j1"], MatchState.DIGESTED, at(4))
    assert await matches.delivered_to("j1") == {ANN, BOB}
    assert await matches.delivered_to("j3") == set()


async def test_users_with_new_are_sorted_and_distinct(stores: Stores) -> None:
    matches = stores.matches
    assert await matches.users_with_new() == []
    await matches.record_many([match(BOB, "j1", 0.8), match(BOB, "j2", 0.8)], T0)
    await matches.record_many([match(ANN, "j1", 0.8), match("telegram:103", "j1", 0.8)], T0)
    await matches.mark("telegram:103", ["j1"], MatchState.DIGESTED, at(1))
    assert await matches.users_with_new() == [ANN, BOB]


async def test_drop_for_job_drops_only_matches_not_sent(stores: Stores) -> None:
    matches = stores.matches
    await matches.record_many(
        [match(ANN, "closed", 0.8), match(BOB, "closed", 0.8), match(ANN, "open", 0.8)], T0
    )
    await matches.mark(BOB, ["closed"], MatchState.ALERTED, at(1))

    assert await matches.drop_for_job("closed") == 1
    assert await matches.drop_for_job("closed") == 0
    assert await matches.drop_for_job("unknown") == 0
    assert [m.job_id for m in await matches.new_for_user(ANN, 10)] == ["open"]
    assert await matches.delivered_job_ids(BOB) == {"closed"}
    assert await matches.users_with_new() == [ANN]
    # Dropped is final: it is never sent.
    assert await matches.mark(ANN, ["closed"], MatchState.ALERTED, at(2)) == 0


# --- Applications --------------------------------------------------------------------------------


async def test_set_stage_creates_appends_history_and_ignores_a_repeat(stores: Stores) -> None:
    apps = stores.applications
    saved = await apps.set_stage(ANN, "j1", ApplicationStage.SAVED, T0)
    assert saved.stage is ApplicationStage.SAVED
    assert (saved.user_key, saved.job_id) == (ANN, "j1")
    assert saved.history == (StageChange(stage=ApplicationStage.SAVED, at=T0),)
    assert (saved.applied_at, saved.updated_at, saved.followup_queued) == (None, T0, False)

    again = await apps.set_stage(ANN, "j1", ApplicationStage.SAVED, at(1))
    assert again == saved

    applied = await apps.set_stage(ANN, "j1", ApplicationStage.APPLIED, at(2))
    assert applied.stage is ApplicationStage.APPLIED
    assert [(step.stage, step.at) for step in applied.history] == [
        (ApplicationStage.SAVED, T0),
        (ApplicationStage.APPLIED, at(2)),
    ]
    assert (applied.applied_at, applied.updated_at) == (at(2), at(2))
    assert await apps.get(ANN, "j1") == applied
    assert await apps.get(BOB, "j1") is None


async def test_applied_at_is_set_the_first_time_only(stores: Stores) -> None:
    apps = stores.applications
    first = await apps.set_stage(ANN, "j1", ApplicationStage.APPLIED, T0)
    assert first.applied_at == T0
    await apps.set_stage(ANN, "j1", ApplicationStage.INTERVIEWING, at(60))
    back = await apps.set_stage(ANN, "j1", ApplicationStage.APPLIED, at(120))
    assert back.applied_at == T0
    assert back.updated_at == at(120)
    assert [step.stage for step in back.history] == ["applied", "interviewing", "applied"]


async def test_concurrent_taps_on_one_stage_write_one_history_entry(stores: Stores) -> None:
    apps = stores.applications
    results = await asyncio.gather(
        *[apps.set_stage(ANN, "j1", ApplicationStage.APPLIED, at(i)) for i in range(20)]
    )
    stored = await apps.get(ANN, "j1")
    assert stored is not None
    assert len(stored.history) == 1
    assert stored.applied_at == stored.history[0].at
    assert all(result.stage is ApplicationStage.APPLIED for result in results)


async def test_set_stage_takes_plain_stage_names_and_refuses_others(stores: Stores) -> None:
    apps = stores.applications
    app = await apps.set_stage(ANN, "j1", "applied", T0)
    assert (app.stage, app.applied_at) == (ApplicationStage.APPLIED, T0)
    with pytest.raises(ValueError, match="hired"):
        await apps.set_stage(ANN, "j1", "hired", at(1))
    assert await apps.get(ANN, "j1") == app


async def test_list_is_per_user_most_recent_first_and_remove(stores: Stores) -> None:
    apps = stores.applications
    await apps.set_stage(ANN, "j1", ApplicationStage.SAVED, T0)
    await apps.set_stage(ANN, "j2", ApplicationStage.SAVED, at(1))
    await apps.set_stage(ANN, "j3", ApplicationStage.APPLIED, at(2))
    await apps.set_stage(ANN, "j0", ApplicationStage.SAVED, at(2))  # a tie: by job
    await apps.set_stage(ANN, "j1", ApplicationStage.APPLIED, at(3))
    await apps.set_stage(BOB, "j1", ApplicationStage.OFFER, at(4))

    listed = await apps.list(ANN)
    assert [(a.job_id, a.stage) for a in listed] == [
        ("j1", ApplicationStage.APPLIED),
        ("j0", ApplicationStage.SAVED),
        ("j3", ApplicationStage.APPLIED),
        ("j2", ApplicationStage.SAVED),
    ]
    assert {a.user_key for a in listed} == {ANN}

    assert await apps.remove(ANN, "j3") is True
    assert await apps.remove(ANN, "j3") is False
    assert [a.job_id for a in await apps.list(ANN)] == ["j1", "j0", "j2"]
    assert [a.job_id for a in await apps.list(BOB)] == ["j1"]
    assert await apps.list("telegram:999") == []
    assert await apps.get(ANN, "j3") is None


async def test_due_followups_are_asked_once(stores: Stores) -> None:
    apps = stores.applications
    week = timedelta(days=7)
    await apps.set_stage(BOB, "j2", ApplicationStage.APPLIED, at(30))
    await apps.set_stage(ANN, "j1", ApplicationStage.APPLIED, T0)
    await apps.set_stage(ANN, "moved_on", ApplicationStage.APPLIED, T0)
    await apps.set_stage(ANN, "moved_on", ApplicationStage.INTERVIEWING, at(5))
    await apps.set_stage(ANN, "only_saved", ApplicationStage.SAVED, T0)

    assert await apps.due_followups(T0 + week - timedelta(seconds=1), week) == []
    due = await apps.due_followups(T0 + week, week)
    assert [(a.user_key, a.job_id) for a in due] == [(ANN, "j1")]
    due = await apps.due_followups(at(30) + week, week)
    assert [(a.user_key, a.job_id) for a in due] == [(ANN, "j1"), (BOB, "j2")]

    # Two workers race for the same follow-up: exactly one of them asks.
    won = await asyncio.gather(*[apps.mark_followup_queued(ANN, "j1") for _ in range(5)])
    assert sorted(won) == [False] * 4 + [True]
    assert await apps.mark_followup_queued(ANN, "j1") is False
    due = await apps.due_followups(at(30) + week, week)
    assert [(a.user_key, a.job_id) for a in due] == [(BOB, "j2")]
    stored = await apps.get(ANN, "j1")
    assert stored is not None
    assert stored.followup_queued is True
    # Applying again later asks nothing new: applied_at and the flag stay.
    await apps.set_stage(ANN, "j1", ApplicationStage.SAVED, at(40) + week)
    again = await apps.set_stage(ANN, "j1", ApplicationStage.APPLIED, at(50) + week)
    assert (again.applied_at, again.followup_queued) == (T0, True)
    assert [a.job_id for a in await apps.due_followups(at(60) + 3 * week, week)] == ["j2"]
    assert await apps.mark_followup_queued(ANN, "unknown") is False


async def test_applied_since_counts_first_applications(stores: Stores) -> None:
    apps = stores.applications
    assert await apps.applied_since(T0) == 0
    await apps.set_stage(ANN, "old", ApplicationStage.APPLIED, T0)  # before the window
    await apps.set_stage(ANN, "j1", ApplicationStage.SAVED, at(70))
    await apps.set_stage(ANN, "j1", ApplicationStage.APPLIED, at(71))
    await apps.set_stage(ANN, "j1", ApplicationStage.SAVED, at(72))
    await apps.set_stage(ANN, "j1", ApplicationStage.APPLIED, at(73))  # the same one again
    await apps.set_stage(BOB, "j2", ApplicationStage.APPLIED, at(80))
    await apps.set_stage(BOB, "j3", ApplicationStage.SAVED, at(80))

    assert await apps.applied_since(at(60)) == 2
    assert await apps.applied_since(T0) == 3
    assert await apps.applied_since(at(75)) == 1
    assert await apps.applied_since(at(81)) == 0


# --- Apply links ---------------------------------------------------------------------------------


async def test_links_for_gives_one_token_per_user_and_job(stores: Stores) -> None:
    links = stores.links
    tokens = await links.links_for([(ANN, "j1", URL), (ANN, "j2", URL), (BOB, "j1", URL)], T0)
    assert sorted(tokens) == [(ANN, "j1"), (ANN, "j2"), (BOB, "j1")]
    assert len(set(tokens.values())) == 3
    assert all(len(token) == 16 for token in tokens.values())
    assert await links.links_for([(ANN, "j1", URL)], at(1)) == {(ANN, "j1"): tokens[(ANN, "j1")]}
    assert await links.links_for([], at(1)) == {}


async def test_links_for_a_changed_url_keeps_the_token_and_leads_there(stores: Stores) -> None:
    links = stores.links
    old = "https://jobs.example.org/old"
    before = (await links.links_for([(ANN, "j1", old)], T0))[(ANN, "j1")]
    users = [f"telegram:{200 + n}" for n in range(120)]  # more than one $in chunk

    tokens = await links.links_for([(ANN, "j1", URL), *[(u, "j1", URL) for u in users]], at(1))

    assert tokens[(ANN, "j1")] == before
    assert sorted(tokens) == sorted([(ANN, "j1"), *[(u, "j1") for u in users]])
    assert len(set(tokens.values())) == 121
    assert await links.click(before, at(2)) == URL
    assert await links.click(tokens[(users[-1], "j1")], at(2)) == URL
    assert await links.stats_since(T0) == LinkStats(links=121, clicked_links=2, clicks=2)


async def test_links_made_concurrently_for_one_pair_share_a_token(stores: Stores) -> None:
    raced = await asyncio.gather(
        *[stores.links.links_for([(BOB, "j7", URL)], T0) for _ in range(8)]
    )
    assert len({found[(BOB, "j7")] for found in raced}) == 1
    assert await stores.links.stats_since(T0) == LinkStats(1, 0, 0)


async def test_concurrent_clicks_are_all_counted(stores: Stores) -> None:
    links = stores.links
    token = (await links.links_for([(ANN, "j1", URL)], T0))[(ANN, "j1")]
    urls = await asyncio.gather(*[links.click(token, at(10)) for _ in range(40)])
    assert set(urls) == {URL}
    assert await links.click(token, at(20)) == URL
    assert await links.stats_since(T0) == LinkStats(links=1, clicked_links=1, clicks=41)


async def test_click_on_an_unknown_token_counts_nothing(stores: Stores) -> None:
    await stores.links.links_for([(ANN, "j1", URL)], T0)
    assert await stores.links.click("no-such-token-00", at(1)) is None
    assert await stores.links.stats_since(T0) == LinkStats(links=1, clicked_links=0, clicks=0)


async def test_link_stats_since_count_links_made_since(stores: Stores) -> None:
    links = stores.links
    assert await links.stats_since(T0) == (0, 0, 0)
    old = (await links.links_for([(ANN, "old", "https://jobs.example.org/0")], T0))[(ANN, "old")]
    a = (await links.links_for([(ANN, "j1", URL)], at(70)))[(ANN, "j1")]
    await links.links_for([(ANN, "j2", "https://jobs.example.org/2")], at(71))
    b = (await links.links_for([(BOB, "j1", URL)], at(72)))[(BOB, "j1")]
    await links.links_for([(ANN, "j1", URL)], at(90))  # asked again: not made again
    for token in (old, a, a, a, b):
        await links.click(token, at(80))

    assert await links.stats_since(at(60)) == LinkStats(links=3, clicked_links=2, clicks=4)
    assert await links.stats_since(T0) == LinkStats(links=4, clicked_links=3, clicks=5)
    assert await links.stats_since(at(100)) == (0, 0, 0)


# --- Feedback ------------------------------------------------------------------------------------


async def test_feedback_is_empty_for_someone_who_gave_none(stores: Stores) -> None:
    assert await stores.feedback.get(ANN) == Feedback()
    assert await stores.feedback.get_many([ANN]) == {}
    assert await stores.feedback.get_many([]) == {}


async def test_feedback_sets_are_idempotent_ordered_and_per_user(stores: Stores) -> None:
    feedback = stores.feedback
    await asyncio.gather(*[feedback.not_interested(ANN, "j1", T0) for _ in range(4)])
    await feedback.not_interested(ANN, "j2", at(1))
    await feedback.block_company(ANN, "acme", at(2))
    await feedback.block_company(ANN, "acme", at(3))
    await feedback.block_role_kind(ANN, "sales", at(4))
    await feedback.block_role_kind(ANN, "support", at(5))
    await feedback.block_role_kind(ANN, "sales", at(6))
    await feedback.block_company(BOB, "globex", at(7))

    assert await feedback.get(ANN) == Feedback(
        not_interested=("j1", "j2"), companies=("acme",), role_kinds=("sales", "support")
    )
    assert await feedback.get(BOB) == Feedback(companies=("globex",))
    # Many users at once: those who gave none are simply absent.
    assert await feedback.get_many([ANN, BOB, "telegram:nobody"]) == {
        ANN: await feedback.get(ANN),
        BOB: Feedback(companies=("globex",)),
    }

"""Matches, applications, tracked links and feedback on the embedded MongoDB."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from core.matches import ApplicationStage, Feedback, Match, Reasons
from core.store.documents import LinkDoc, MatchDoc
from core.store.matches import (
    LinkStats,
    MatchState,
    MongoApplications,
    MongoFeedback,
    MongoLinks,
    MongoMatches,
    StageChange,
)
from tests.conftest import fresh_database

pytestmark = pytest.mark.integration

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
ANN = "telegram:101"
BOB = "telegram:102"


@pytest.fixture
async def store(mongodb_url: str) -> AsyncIterator[None]:
    """A fresh database on the embedded MongoDB, with beanie bound to it."""
    async with fresh_database(mongodb_url):
        yield


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


# Matches


async def test_record_inserts_once_and_refreshes_only_a_waiting_match(store: None) -> None:
    matches = MongoMatches()
    assert await matches.record(match(ANN, "j1", 0.7), T0) is True
    assert await matches.record(match(ANN, "j1", 0.8, skill="go"), at(1)) is False
    assert await matches.new_for_user(ANN, 10) == [match(ANN, "j1", 0.8, skill="go")]

    assert await matches.mark(ANN, ["j1"], MatchState.ALERTED, at(2)) == 1
    assert await matches.record(match(ANN, "j1", 0.2, skill="rust"), at(3)) is False
    raw = await MatchDoc.get_pymongo_collection().find_one({"_id": f"{ANN}|j1"})
    assert raw is not None
    assert (raw["state"], raw["score"], raw["created_at"], raw["delivered_at"]) == (
        "alerted",
        0.8,
        T0,
        at(2),
    )
    assert Match.model_validate(raw["match"]) == match(ANN, "j1", 0.8, skill="go")
    assert await MatchDoc.get_pymongo_collection().count_documents({}) == 1


async def test_record_the_same_match_concurrently_inserts_one_row(store: None) -> None:
    matches = MongoMatches()
    results = await asyncio.gather(*[matches.record(match(ANN, "j1", 0.7), T0) for _ in range(8)])
    assert sorted(results) == [False] * 7 + [True]
    assert await MatchDoc.get_pymongo_collection().count_documents({}) == 1


async def test_record_many_stores_a_page_and_returns_only_the_new(store: None) -> None:
    matches = MongoMatches()
    await matches.record(match(ANN, "j1", 0.5), T0)  # waiting: takes the fresh score
    await matches.record(match(BOB, "j1", 0.5), T0)
    await matches.mark(BOB, ["j1"], MatchState.DIGESTED, T0)  # delivered: stays as it was
    # More users than one $in chunk (core.store.mongo.IN_CHUNK).
    users = [f"telegram:{200 + n}" for n in range(120)]
    page = [match(ANN, "j1", 0.9), match(BOB, "j1", 0.9), *[match(u, "j1", 0.6) for u in users]]
    alerted = {(users[0], "j1"), (users[1], "j1")}

    fresh = await matches.record_many(page, at(1), alerted)

    assert [m.user_key for m in fresh] == users
    assert await matches.record_many([], at(1)) == []
    states = {
        raw["user_key"]: (raw["state"], raw["score"], raw["delivered_at"])
        async for raw in MatchDoc.get_pymongo_collection().find({"job_id": "j1"})
    }
    assert states[ANN] == ("new", 0.9, None)
    assert states[BOB] == ("digested", 0.5, T0)
    assert states[users[0]] == ("alerted", 0.6, at(1))
    assert states[users[2]] == ("new", 0.6, None)
    assert len(states) == 122
    assert await matches.recorded([(ANN, "j1"), (ANN, "j2"), *[(u, "j1") for u in users]]) == {
        (ANN, "j1"),
        *[(u, "j1") for u in users],
    }
    assert await matches.mark_pairs([(u, "j1") for u in users], "alerted", at(2)) == 118


async def test_new_for_user_is_best_first_limited_and_per_user(store: None) -> None:
    matches = MongoMatches()
    for job_id, score in [("j1", 0.61), ("j2", 0.93), ("j3", 0.72), ("j4", 0.88)]:
        await matches.record(match(ANN, job_id, score), T0)
    await matches.record(match(BOB, "j9", 0.99), T0)
    await matches.mark(ANN, ["j4"], MatchState.DIGESTED, at(1))

    best = await matches.new_for_user(ANN, 2)
    assert [(m.job_id, m.score) for m in best] == [("j2", 0.93), ("j3", 0.72)]
    assert [m.job_id for m in await matches.new_for_user(ANN, 10)] == ["j2", "j3", "j1"]
    assert await matches.new_for_user("telegram:999", 10) == []


async def test_mark_moves_only_new_matches(store: None) -> None:
    matches = MongoMatches()
    for job_id in ("j1", "j2", "j3"):
        await matches.record(match(ANN, job_id, 0.8), T0)
    await matches.record(match(BOB, "j1", 0.8), T0)

    assert await matches.mark(ANN, ["j1", "j2", "unknown"], MatchState.ALERTED, at(1)) == 2
    # Already delivered: neither a digest nor a drop rewrites them.
    assert await matches.mark(ANN, ["j1", "j2"], MatchState.DIGESTED, at(2)) == 0
    assert await matches.mark(ANN, ["j1", "j3"], MatchState.DROPPED, at(3)) == 1
    assert await matches.mark(ANN, [], MatchState.ALERTED, at(4)) == 0
    with pytest.raises(ValueError, match="new again"):
        await matches.mark(ANN, ["j1"], MatchState.NEW, at(5))

    cursor = MatchDoc.get_pymongo_collection().find({}).sort("_id", 1)
    rows = {raw["_id"]: (raw["state"], raw["delivered_at"]) async for raw in cursor}
    assert rows == {
        f"{ANN}|j1": ("alerted", at(1)),
        f"{ANN}|j2": ("alerted", at(1)),
        f"{ANN}|j3": ("dropped", None),
        f"{BOB}|j1": ("new", None),  # the same job for someone else is theirs to send
    }


async def test_get_and_mark_by_plain_state_names(store: None) -> None:
    matches = MongoMatches()
    await matches.record(match(ANN, "j1", 0.8), T0)
    await matches.record(match(ANN, "j2", 0.7), T0)
    assert await matches.get(ANN, "j1") == match(ANN, "j1", 0.8)
    assert await matches.get(BOB, "j1") is None

    assert await matches.mark(ANN, ["j1"], "digested", at(1)) == 1
    assert await matches.get(ANN, "j1") == match(ANN, "j1", 0.8)  # still readable once sent
    with pytest.raises(ValueError, match="sent"):
        await matches.mark(ANN, ["j2"], "sent", at(2))
    assert await matches.delivered_job_ids(ANN) == {"j1"}
    assert [m.job_id for m in await matches.new_for_user(ANN, 10)] == ["j2"]


async def test_delivered_job_ids_are_what_was_alerted_or_digested(store: None) -> None:
    matches = MongoMatches()
    for job_id in ("j1", "j2", "j3", "j4"):
        await matches.record(match(ANN, job_id, 0.8), T0)
    await matches.record(match(BOB, "j5", 0.8), T0)
    await matches.mark(ANN, ["j1"], MatchState.ALERTED, at(1))
    await matches.mark(ANN, ["j2"], MatchState.DIGESTED, at(2))
    await matches.mark(ANN, ["j3"], MatchState.DROPPED, at(3))
    await matches.mark(BOB, ["j5"], MatchState.ALERTED, at(3))

    assert await matches.delivered_job_ids(ANN) == {"j1", "j2"}
    assert await matches.delivered_job_ids("telegram:999") == set()
    # The other way round: who a job went to (a dropped or new match did not go anywhere).
    await matches.record(match(BOB, "j1", 0.7), T0)
    assert await matches.delivered_to("j1") == {ANN}
    await matches.mark(BOB, ["j1"], MatchState.DIGESTED, at(4))
    assert await matches.delivered_to("j1") == {ANN, BOB}
    assert await matches.delivered_to("j3") == set()


async def test_users_with_new(store: None) -> None:
    matches = MongoMatches()
    assert await matches.users_with_new() == []
    await matches.record(match(BOB, "j1", 0.8), T0)
    await matches.record(match(BOB, "j2", 0.8), T0)
    await matches.record(match(ANN, "j1", 0.8), T0)
    await matches.record(match("telegram:103", "j1", 0.8), T0)
    await matches.mark("telegram:103", ["j1"], MatchState.DIGESTED, at(1))
    assert await matches.users_with_new() == [ANN, BOB]


async def test_drop_for_job_drops_only_matches_not_sent(store: None) -> None:
    matches = MongoMatches()
    await matches.record(match(ANN, "closed", 0.8), T0)
    await matches.record(match(BOB, "closed", 0.8), T0)
    await matches.record(match(ANN, "open", 0.8), T0)
    await matches.mark(BOB, ["closed"], MatchState.ALERTED, at(1))

    assert await matches.drop_for_job("closed") == 1
    assert await matches.drop_for_job("closed") == 0
    assert [m.job_id for m in await matches.new_for_user(ANN, 10)] == ["open"]
    assert await matches.delivered_job_ids(BOB) == {"closed"}


async def test_match_counts_since_are_deliveries_by_state(store: None) -> None:
    matches = MongoMatches()
    for job_id in ("j1", "j2", "j3", "j4", "j5"):
        await matches.record(match(ANN, job_id, 0.8), T0)
    await matches.mark(ANN, ["j1"], MatchState.ALERTED, at(10))  # before the window
    await matches.mark(ANN, ["j2", "j3"], MatchState.ALERTED, at(70))
    await matches.mark(ANN, ["j4"], MatchState.DIGESTED, at(80))
    await matches.mark(ANN, ["j5"], MatchState.DROPPED, at(90))

    assert await matches.counts_since(at(60)) == {"alerted": 2, "digested": 1}
    assert await matches.counts_since(at(100)) == {"alerted": 0, "digested": 0}


# Applications


async def test_set_stage_creates_appends_history_and_ignores_a_repeat(store: None) -> None:
    apps = MongoApplications()
    saved = await apps.set_stage(ANN, "j1", ApplicationStage.SAVED, T0)
    assert saved.stage is ApplicationStage.SAVED
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


async def test_applied_at_is_set_the_first_time_only(store: None) -> None:
    apps = MongoApplications()
    first = await apps.set_stage(ANN, "j1", ApplicationStage.APPLIED, T0)
    assert first.applied_at == T0
    await apps.set_stage(ANN, "j1", ApplicationStage.INTERVIEWING, at(60))
    back = await apps.set_stage(ANN, "j1", ApplicationStage.APPLIED, at(120))
    assert back.applied_at == T0
    assert back.updated_at == at(120)
    assert [step.stage for step in back.history] == ["applied", "interviewing", "applied"]


async def test_concurrent_taps_on_one_stage_write_one_history_entry(store: None) -> None:
    apps = MongoApplications()
    results = await asyncio.gather(
        *[apps.set_stage(ANN, "j1", ApplicationStage.APPLIED, at(i)) for i in range(6)]
    )
    stored = await apps.get(ANN, "j1")
    assert stored is not None
    assert len(stored.history) == 1
    assert stored.applied_at == stored.history[0].at
    assert all(result.stage is ApplicationStage.APPLIED for result in results)


async def test_set_stage_takes_plain_stage_names_and_refuses_others(store: None) -> None:
    apps = MongoApplications()
    app = await apps.set_stage(ANN, "j1", "applied", T0)
    assert (app.stage, app.applied_at) == (ApplicationStage.APPLIED, T0)
    with pytest.raises(ValueError, match="hired"):
        await apps.set_stage(ANN, "j1", "hired", at(1))
    assert await apps.get(ANN, "j1") == app


async def test_list_is_per_user_most_recent_first_and_remove(store: None) -> None:
    apps = MongoApplications()
    await apps.set_stage(ANN, "j1", ApplicationStage.SAVED, T0)
    await apps.set_stage(ANN, "j2", ApplicationStage.SAVED, at(1))
    await apps.set_stage(ANN, "j3", ApplicationStage.APPLIED, at(2))
    await apps.set_stage(ANN, "j1", ApplicationStage.APPLIED, at(3))
    await apps.set_stage(BOB, "j1", ApplicationStage.OFFER, at(4))

    listed = await apps.list(ANN)
    assert [(a.job_id, a.stage) for a in listed] == [
        ("j1", ApplicationStage.APPLIED),
        ("j3", ApplicationStage.APPLIED),
        ("j2", ApplicationStage.SAVED),
    ]
    assert {a.user_key for a in listed} == {ANN}

    assert await apps.remove(ANN, "j3") is True
    assert await apps.remove(ANN, "j3") is False
    assert [a.job_id for a in await apps.list(ANN)] == ["j1", "j2"]
    assert [a.job_id for a in await apps.list(BOB)] == ["j1"]
    assert await apps.get(ANN, "j3") is None


async def test_due_followups_are_asked_once(store: None) -> None:
    apps = MongoApplications()
    week = timedelta(days=7)
    await apps.set_stage(ANN, "j1", ApplicationStage.APPLIED, T0)
    await apps.set_stage(BOB, "j2", ApplicationStage.APPLIED, at(30))
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
    await apps.set_stage(ANN, "j1", ApplicationStage.APPLIED, at(50) + week)
    assert [a.job_id for a in await apps.due_followups(at(60) + 3 * week, week)] == ["j2"]
    assert await apps.mark_followup_queued(ANN, "unknown") is False


async def test_application_counts_since_count_each_stage_reached(store: None) -> None:
    apps = MongoApplications()
    await apps.set_stage(ANN, "old", ApplicationStage.APPLIED, T0)  # before the window
    await apps.set_stage(ANN, "j1", ApplicationStage.SAVED, at(70))
    await apps.set_stage(ANN, "j1", ApplicationStage.APPLIED, at(71))
    await apps.set_stage(ANN, "j1", ApplicationStage.SAVED, at(72))
    await apps.set_stage(ANN, "j1", ApplicationStage.APPLIED, at(73))  # the same one again
    await apps.set_stage(BOB, "j2", ApplicationStage.APPLIED, at(80))
    await apps.set_stage(BOB, "j2", ApplicationStage.INTERVIEWING, at(81))

    assert await apps.counts_since(at(60)) == {
        "saved": 1,
        "applied": 2,
        "interviewing": 1,
        "offer": 0,
        "rejected": 0,
    }
    assert set((await apps.counts_since(at(90))).values()) == {0}
    # The apply rate counts first applications only: "old" applied before the window.
    assert await apps.applied_since(at(60)) == 2
    assert await apps.applied_since(T0) == 3
    assert await apps.applied_since(at(75)) == 1


# Links


async def test_link_for_gives_one_token_per_user_and_job(store: None) -> None:
    links = MongoLinks()
    url = "https://jobs.example.org/apply/1"
    token = await links.link_for(ANN, "j1", url, T0)
    assert len(token) == 16
    assert await links.link_for(ANN, "j1", url, at(1)) == token
    others = {
        await links.link_for(ANN, "j2", url, T0),
        await links.link_for(BOB, "j1", url, T0),
    }
    assert token not in others
    assert len(others) == 2

    raced = await asyncio.gather(*[links.link_for(BOB, "j7", url, T0) for _ in range(8)])
    assert len(set(raced)) == 1
    assert await LinkDoc.get_pymongo_collection().count_documents({"user_key": BOB}) == 2


async def test_link_for_points_the_same_token_at_a_changed_url(store: None) -> None:
    links = MongoLinks()
    token = await links.link_for(ANN, "j1", "https://jobs.example.org/old", T0)
    assert await links.link_for(ANN, "j1", "https://jobs.example.org/new", at(1)) == token
    assert await links.click(token, at(2)) == "https://jobs.example.org/new"


async def test_links_for_makes_a_page_of_links_in_bulk_like_link_for(store: None) -> None:
    links = MongoLinks()
    url = "https://jobs.example.org/apply/1"
    before = await links.link_for(ANN, "j1", "https://jobs.example.org/old", T0)
    users = [f"telegram:{200 + n}" for n in range(120)]

    tokens = await links.links_for([(ANN, "j1", url), *[(u, "j1", url) for u in users]], at(1))

    assert tokens[(ANN, "j1")] == before
    assert sorted(tokens) == sorted([(ANN, "j1"), *[(u, "j1") for u in users]])
    assert len(set(tokens.values())) == 121
    for pair, token in tokens.items():  # each leads to the new URL, and link_for agrees
        assert await links.link_for(*pair, url, at(2)) == token
    assert await links.click(before, at(3)) == url
    assert await links.links_for([], at(4)) == {}
    assert await LinkDoc.get_pymongo_collection().count_documents({}) == 121


async def test_concurrent_clicks_are_all_counted(store: None) -> None:
    links = MongoLinks()
    token = await links.link_for(ANN, "j1", "https://jobs.example.org/apply/1", T0)
    raw = await LinkDoc.get_pymongo_collection().find_one({"_id": token})
    assert raw is not None
    assert (raw["clicks"], raw["first_click_at"]) == (0, None)

    urls = await asyncio.gather(*[links.click(token, at(10)) for _ in range(40)])
    assert set(urls) == {"https://jobs.example.org/apply/1"}
    assert await links.click(token, at(20)) == "https://jobs.example.org/apply/1"

    raw = await LinkDoc.get_pymongo_collection().find_one({"_id": token})
    assert raw is not None
    assert (raw["clicks"], raw["first_click_at"]) == (41, at(10))


async def test_click_on_an_unknown_token_counts_nothing(store: None) -> None:
    links = MongoLinks()
    await links.link_for(ANN, "j1", "https://jobs.example.org/apply/1", T0)
    assert await links.click("no-such-token-00", at(1)) is None
    assert await LinkDoc.get_pymongo_collection().count_documents({}) == 1
    assert await links.stats_since(T0) == LinkStats(links=1, clicked_links=0, clicks=0)


async def test_link_stats_since(store: None) -> None:
    links = MongoLinks()
    assert await links.stats_since(T0) == (0, 0, 0)
    old = await links.link_for(ANN, "old", "https://jobs.example.org/0", T0)
    a = await links.link_for(ANN, "j1", "https://jobs.example.org/1", at(70))
    await links.link_for(ANN, "j2", "https://jobs.example.org/2", at(71))
    b = await links.link_for(BOB, "j1", "https://jobs.example.org/1", at(72))
    for token in (old, a, a, a, b):
        await links.click(token, at(80))

    assert await links.stats_since(at(60)) == LinkStats(links=3, clicked_links=2, clicks=4)
    assert await links.stats_since(at(100)) == (0, 0, 0)


# Feedback


async def test_feedback_is_empty_for_someone_who_gave_none(store: None) -> None:
    assert await MongoFeedback().get(ANN) == Feedback()


async def test_feedback_sets_are_idempotent_and_per_user(store: None) -> None:
    feedback = MongoFeedback()
    await asyncio.gather(*[feedback.not_interested(ANN, "j1", T0) for _ in range(4)])
    await feedback.not_interested(ANN, "j2", at(1))
    await feedback.block_company(ANN, "acme", at(2))
    await feedback.block_company(ANN, "acme", at(3))
    await feedback.block_role_kind(ANN, "sales", at(4))
    await feedback.block_role_kind(ANN, "sales", at(5))
    await feedback.block_role_kind(ANN, "support", at(6))
    await feedback.block_company(BOB, "globex", at(7))

    assert await feedback.get(ANN) == Feedback(
        not_interested=("j1", "j2"), companies=("acme",), role_kinds=("sales", "support")
    )
    assert await feedback.get(BOB) == Feedback(companies=("globex",))
    # Many users at once: one query, and those who gave none are simply absent.
    assert await feedback.get_many([ANN, BOB, "telegram:nobody"]) == {
        ANN: await feedback.get(ANN),
        BOB: Feedback(companies=("globex",)),
    }

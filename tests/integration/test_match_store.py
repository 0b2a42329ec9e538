"""The Mongo match adapters beyond their ports (core.ports.matches), on the embedded MongoDB.

The ports' promises are tested over the adapters and the fakes in
tests/contract/test_match_ports.py; here: ``record``, ``link_for``, ``counts_since`` and the rows
as stored (delivery and first-click times).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from core.matches import ApplicationStage, Match, Reasons
from core.ports.matches import MatchState
from core.store.documents import LinkDoc, MatchDoc
from core.store.matches import MongoApplications, MongoLinks, MongoMatches
from tests.conftest import fresh_database

pytestmark = pytest.mark.integration

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
ANN = "telegram:101"
BOB = "telegram:102"


@pytest.fixture
async def store(mongodb_url: str) -> AsyncIterator[None]:
    """A fresh database on the embedded MongoDB, bound to the collection specs."""
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


async def test_record_inserts_once_and_refreshes_only_a_waiting_match(store: None) -> None:
    matches = MongoMatches()
    assert await matches.record(match(ANN, "j1", 0.7), T0) is True
    assert await matches.record(match(ANN, "j1", 0.8, skill="go"), at(1)) is False
    assert await matches.new_for_user(ANN, 10) == [match(ANN, "j1", 0.8, skill="go")]

    assert await matches.mark(ANN, ["j1"], MatchState.ALERTED, at(2)) == 1
    assert await matches.record(match(ANN, "j1", 0.2, skill="rust"), at(3)) is False
    raw = await MatchDoc.collection().find_one({"_id": f"{ANN}|j1"})
    assert raw is not None
    assert (raw["state"], raw["score"], raw["created_at"], raw["delivered_at"]) == (
        "alerted",
        0.8,
        T0,
        at(2),
    )
    assert Match.model_validate(raw["match"]) == match(ANN, "j1", 0.8, skill="go")
    assert await MatchDoc.collection().count_documents({}) == 1


async def test_record_the_same_match_concurrently_inserts_one_row(store: None) -> None:
    matches = MongoMatches()
    results = await asyncio.gather(*[matches.record(match(ANN, "j1", 0.7), T0) for _ in range(8)])
    assert sorted(results) == [False] * 7 + [True]
    assert await MatchDoc.collection().count_documents({}) == 1


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


async def test_record_many_notes_when_the_alerted_ones_went_out(store: None) -> None:
    matches = MongoMatches()
    page = [match(ANN, "j1", 0.8), match(BOB, "j1", 0.8), match("telegram:103", "j1", 0.8)]
    await matches.record_many(page, at(70), alerted={(ANN, "j1"), (BOB, "j1")})
    assert await matches.counts_since(at(70)) == {"alerted": 2, "digested": 0}
    raw = await MatchDoc.collection().find_one({"_id": "telegram:103|j1"})
    assert raw is not None
    assert (raw["state"], raw["created_at"], raw["delivered_at"]) == ("new", at(70), None)


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
    assert await LinkDoc.collection().count_documents({"user_key": BOB}) == 2


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
    assert await LinkDoc.collection().count_documents({}) == 121


async def test_concurrent_clicks_are_all_counted(store: None) -> None:
    links = MongoLinks()
    token = await links.link_for(ANN, "j1", "https://jobs.example.org/apply/1", T0)
    raw = await LinkDoc.collection().find_one({"_id": token})
    assert raw is not None
    assert (raw["clicks"], raw["first_click_at"]) == (0, None)

    urls = await asyncio.gather(*[links.click(token, at(10)) for _ in range(40)])
    assert set(urls) == {"https://jobs.example.org/apply/1"}
    assert await links.click(token, at(20)) == "https://jobs.example.org/apply/1"

    raw = await LinkDoc.collection().find_one({"_id": token})
    assert raw is not None
    assert (raw["clicks"], raw["first_click_at"]) == (41, at(10))

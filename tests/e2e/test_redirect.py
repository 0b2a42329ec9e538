"""The tracked Apply link over HTTP, and what /delete leaves of a user's matches and links."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from core.matches import ApplicationStage, Feedback, Match
from core.ports.matches import LinkStats, MatchState
from core.store.documents import LinkDoc
from core.store.matches import MongoApplications, MongoFeedback, MongoMatches
from tests.conftest import Stack

pytestmark = pytest.mark.e2e

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
ANN = "telegram:5101"
BOB = "telegram:5102"
APPLY_URL = "https://jobs.example.org/acme/apply?job=42&src=jobscout#form"
MATCH_COLLECTIONS = ("matches", "applications", "links", "feedback")


async def test_apply_link_redirects_and_counts_every_click(stack: Stack) -> None:
    links = stack.runtime.links
    token = await links.link_for(ANN, "j42", APPLY_URL, T0)

    for clicks in (1, 2, 3):
        response = await stack.http.get(f"{stack.base_url}/r/{token}")
        assert response.status_code == 307
        assert response.headers["location"] == APPLY_URL
        assert response.headers["referrer-policy"] == "no-referrer"
        assert response.headers["cache-control"] == "no-store"
        assert await links.stats_since(T0) == LinkStats(links=1, clicked_links=1, clicks=clicks)

    raw = await LinkDoc.collection().find_one({"_id": token})
    assert raw is not None
    assert raw["first_click_at"] is not None


@pytest.mark.parametrize(
    "path",
    [
        "/r/AAAAAAAAAAAAAAAA",  # well formed, never issued
        "/r/short",
        "/r/" + "a" * 65,
        "/r/..%2Fhealth",
        "/r/",
    ],
)
async def test_an_unknown_token_is_not_found(stack: Stack, path: str) -> None:
    await stack.runtime.links.link_for(ANN, "j42", APPLY_URL, T0)
    response = await stack.http.get(f"{stack.base_url}{path}")
    assert response.status_code == 404
    assert "location" not in response.headers
    assert await stack.runtime.links.stats_since(T0) == LinkStats(1, 0, 0)


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(document.cookie)",
        "data:text/html,<script>alert(1)</script>",
        "mailto:jobs@example.org",
        "ftp://files.example.org/apply.pdf",
        "//jobs.example.org/apply",
        "/apply",
        "https://",
        "https://jobs.example.org/apply\r\nSet-Cookie: stolen=1",
        "https://jobs.example.org/ap ply",
    ],
)
async def test_a_link_to_anything_but_a_web_page_is_never_followed(stack: Stack, url: str) -> None:
    token = await stack.runtime.links.link_for(ANN, "j42", url, T0)
    response = await stack.http.get(f"{stack.base_url}/r/{token}")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/plain")
    assert "location" not in response.headers
    assert "set-cookie" not in response.headers
    assert url not in response.text


async def test_erasure_removes_matches_applications_links_and_feedback(stack: Stack) -> None:
    matches, apps, feedback = MongoMatches(), MongoApplications(), MongoFeedback()
    personal = stack.runtime.chat.personal
    tokens = {}
    for user in (ANN, BOB):
        await matches.record(Match(user_key=user, job_id="j1", score=0.9, would_send=True), T0)
        await matches.record(Match(user_key=user, job_id="j2", score=0.8, would_send=True), T0)
        await matches.mark(user, ["j1"], MatchState.ALERTED, T0)
        await apps.set_stage(user, "j1", ApplicationStage.APPLIED, T0)
        await feedback.block_company(user, "acme", T0)
        tokens[user] = await stack.runtime.links.link_for(user, "j1", APPLY_URL, T0)

    exported = await personal.export(ANN)
    assert {name: len(exported[name]) for name in MATCH_COLLECTIONS} == {
        "matches": 2,
        "applications": 1,
        "links": 1,
        "feedback": 1,
    }
    assert exported["links"][0]["url"] == APPLY_URL
    assert exported["feedback"][0]["companies"] == ["acme"]

    removed = await personal.erase(ANN, T0)
    assert {name: removed[name] for name in MATCH_COLLECTIONS} == {
        "matches": 2,
        "applications": 1,
        "links": 1,
        "feedback": 1,
    }

    exported = await personal.export(ANN)
    assert all(exported[name] == [] for name in MATCH_COLLECTIONS), exported
    assert await matches.new_for_user(ANN, 10) == []
    assert await matches.delivered_job_ids(ANN) == set()
    assert await apps.list(ANN) == []
    assert await feedback.get(ANN) == Feedback()
    gone = await stack.http.get(f"{stack.base_url}/r/{tokens[ANN]}")
    assert gone.status_code == 404

    # Someone else's data is untouched.
    assert [m.job_id for m in await matches.new_for_user(BOB, 10)] == ["j2"]
    assert [a.job_id for a in await apps.list(BOB)] == ["j1"]
    assert await feedback.get(BOB) == Feedback(companies=("acme",))
    kept = await stack.http.get(f"{stack.base_url}/r/{tokens[BOB]}")
    assert kept.status_code == 307

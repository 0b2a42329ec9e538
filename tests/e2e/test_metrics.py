"""Webhook metrics and /metrics through the real HTTP stack: each outcome moves its own counter,
and /metrics answers only with its bearer token. Counts are compared before and after (the
registry is per process and shared by the tests)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from pydantic import SecretStr

from core import metrics
from core.settings import MetricsSettings
from tests.conftest import WEBHOOK_SECRET, Stack, running
from tests.e2e import updates
from tests.e2e.test_telegram_webhook import Person, onboard_until_resume
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.resume_files import SAMPLE_RESUME_EN, make_pdf, make_png

pytestmark = pytest.mark.e2e

TOKEN = "scrape-token-for-tests"
OUTCOMES = ("accepted", "duplicate", "malformed", "forged", "too_large")


def webhook_counts() -> dict[str, float]:
    return {
        outcome: metrics.sample(
            "jobscout_webhook_request_duration_seconds_count", channel="telegram", outcome=outcome
        )
        for outcome in OUTCOMES
    }


@pytest.fixture
async def scraped_stack(
    settings_factory: Any, fake_telegram: FakeTelegramAPI
) -> AsyncIterator[Stack]:
    settings = settings_factory(
        telegram=fake_telegram.telegram_settings(webhook_secret=SecretStr(WEBHOOK_SECRET)),
        metrics=MetricsSettings(token=SecretStr(TOKEN)),
    )
    async with running(settings, fake_telegram) as started:
        yield started


async def test_each_webhook_outcome_moves_its_counter(stack: Stack) -> None:
    before = webhook_counts()
    start = updates.message(stack.next_update_id(), 5151, "/start", "en")

    assert (await stack.post_update(start, secret="not-the-secret")).status_code == 403
    assert (await stack.post_update(start, secret=None)).status_code == 401
    assert (await stack.post_update(start)).status_code == 200
    await stack.telegram.wait_for_messages(5151, 1)
    assert (await stack.post_update(start)).status_code == 200  # the same update again
    assert (await stack.post_update({"no": "update"})).status_code == 200
    big = {"update_id": stack.next_update_id(), "pad": "x" * stack.settings.max_webhook_body_bytes}
    assert (await stack.post_update(big)).status_code == 413

    after = webhook_counts()
    moved = {outcome: after[outcome] - before[outcome] for outcome in OUTCOMES}
    assert moved == {"accepted": 1, "duplicate": 1, "malformed": 1, "forged": 2, "too_large": 1}


async def test_metrics_are_not_public_without_a_token(stack: Stack) -> None:
    answer = await stack.http.get(f"{stack.base_url}/metrics")
    assert answer.status_code == 404
    bearer = {"Authorization": f"Bearer {TOKEN}"}
    assert (await stack.http.get(f"{stack.base_url}/metrics", headers=bearer)).status_code == 404


async def test_metrics_answer_only_with_the_token(scraped_stack: Stack) -> None:
    stack = scraped_stack
    url = f"{stack.base_url}/metrics"
    start = updates.message(stack.next_update_id(), 6161, "/start", "en")
    assert (await stack.post_update(start, secret="forged")).status_code == 403

    assert (await stack.http.get(url)).status_code == 401
    assert (await stack.http.get(url, headers={"Authorization": TOKEN})).status_code == 401
    wrong = {"Authorization": "Bearer not-the-token"}
    assert (await stack.http.get(url, headers=wrong)).status_code == 403
    answer = await stack.http.get(url, headers={"Authorization": f"Bearer {TOKEN}"})

    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/plain")
    forged = 'jobscout_webhook_request_duration_seconds_count{channel="telegram",outcome="forged"}'
    assert forged in answer.text
    for family in (
        "jobscout_deliveries_total",
        "jobscout_tasks_total",
        "jobscout_crawls_total",
        "jobscout_matches_per_job",
        "jobscout_resume_parses_total",
        "jobscout_outbox_lag_seconds",
        "jobscout_queue_depth",
    ):
        assert f"# TYPE {family.removesuffix('_total')}" in answer.text, family


def resume_parses(outcome: str) -> float:
    return metrics.sample("jobscout_resume_parses_total", outcome=outcome)


async def test_resume_parses_count_by_outcome(stack: Stack) -> None:
    before = {outcome: resume_parses(outcome) for outcome in ("parsed", "unsupported_type")}
    good, bad = Person(stack, 8181), Person(stack, 8282)
    await onboard_until_resume(good)
    await onboard_until_resume(bad)

    _, summary = await good.uploads(make_pdf(SAMPLE_RESUME_EN), "cv.pdf", "application/pdf")
    await bad.uploads(make_png(), "cv.pdf", "application/pdf", expect=3)

    assert "Skills:" in summary
    moved = {outcome: resume_parses(outcome) - before[outcome] for outcome in before}
    assert moved == {"parsed": 1, "unsupported_type": 1}

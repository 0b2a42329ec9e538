"""The admin's review card: where each field was read (issue 14), and demo jobs marked."""

from __future__ import annotations

from datetime import UTC, datetime

from conversations.admin_views import job_card
from core.jobs import Extraction, JobPosting, JobStatus, SourceKind, StoredJob

NOW = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)


def stored(**fields: object) -> StoredJob:
    posting = JobPosting(
        source_kind=SourceKind.PAGE,
        extraction=Extraction.HEURISTIC,
        title="Pastry Baker",
        company="Example Bakery",
        confidence=0.76,
        **fields,
    )
    return StoredJob(
        id="j1",
        source_ids=("s1",),
        posting=posting,
        status=JobStatus.PENDING_REVIEW,
        fingerprint="f",
        first_seen_at=NOW,
        last_seen_at=NOW,
    )


def test_the_card_says_where_each_field_was_read_and_flags_unverified_llm_answers() -> None:
    job = stored(
        provenance={
            "salary": "text (detail page)",
            "company": "og:site_name (detail page)",
            "posted_at": "LLM, NOT in the page text: check",
            "title": "link text",
        }
    )

    lines = job_card(job, None).text.splitlines()

    assert lines[0] == "Pastry Baker — Example Bakery"
    assert lines[-5:] == [
        "Read from:",
        "  title: link text",
        "  company: og:site_name (detail page)",
        "  salary: text (detail page)",
        "  ⚠ posted at: LLM, NOT in the page text: check",
    ]


def test_a_card_without_provenance_has_no_read_from_lines() -> None:
    assert "Read from:" not in job_card(stored(), None).text


def test_a_demo_job_says_so_first() -> None:
    assert job_card(stored(demo=True), None).text.splitlines()[0] == "Demo job"
    assert "Demo job" not in job_card(stored(), None).text


def test_the_card_marks_llm_answers_that_failed_a_check_against_the_page() -> None:
    job = stored(
        provenance={
            "company": "LLM, NOT on the page: check",
            "url": "LLM, another site, not a known ATS: dropped",
            "posted_at": "LLM, 2099-01-01 is in the future: dropped",
            "description": "LLM, NOT in the page text (0% found): replaced",
            "employment_type": "LLM, found in the page text",
        }
    )

    lines = job_card(job, None).text.splitlines()

    assert lines[-6:] == [
        "Read from:",
        "  ⚠ company: LLM, NOT on the page: check",
        "  ⚠ url: LLM, another site, not a known ATS: dropped",
        "  employment type: LLM, found in the page text",
        "  ⚠ posted at: LLM, 2099-01-01 is in the future: dropped",
        "  ⚠ description: LLM, NOT in the page text (0% found): replaced",
    ]

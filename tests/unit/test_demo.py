"""The demo catalogue: generated deterministically, committed as generated, and varied enough to
try JobScout with (read and normalized the way a load reads them)."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from core.domain import WorkMode
from core.jobs import JobPosting, SalaryPeriod, SourceKind
from crawlers import demo
from crawlers.dedupe import fingerprint
from crawlers.files import read_saved
from crawlers.normalize import Dropped, normalize

TODAY = date(2026, 12, 1)


@pytest.fixture(scope="module")
def generated() -> dict[str, bytes]:
    return demo.generate()


@pytest.fixture(scope="module")
def normalized(generated: dict[str, bytes]) -> tuple[list[JobPosting], Counter[str]]:
    jobs: list[JobPosting] = []
    dropped: Counter[str] = Counter()
    for name, data in generated.items():
        folder, file_name = name.split("/")
        for raw in read_saved(data, file_name, SourceKind(folder)).postings:
            result = normalize(raw, today=TODAY)
            if isinstance(result, Dropped):
                dropped[result.reason] += 1
            else:
                jobs.append(result)
    return jobs, dropped


def test_generating_twice_gives_identical_bytes(generated: dict[str, bytes]) -> None:
    assert demo.generate() == generated


def test_the_committed_files_are_what_the_generator_writes(generated: dict[str, bytes]) -> None:
    committed = {
        str(path.relative_to(demo.OUT)): path.read_bytes()
        for path in sorted(demo.OUT.rglob("*"))
        if path.is_file()
    }

    assert committed.keys() == generated.keys(), "run: python -m crawlers.demo"
    assert committed == generated, "run: python -m crawlers.demo"


def test_the_loader_finds_every_committed_file(generated: dict[str, bytes]) -> None:
    assert {name: data for name, data, _ in demo.demo_files()} == generated


def test_the_catalogue_stays_small(generated: dict[str, bytes]) -> None:
    assert sum(map(len, generated.values())) < 2 * 1024 * 1024


def test_a_few_hundred_distinct_jobs_some_expired(
    normalized: tuple[list[JobPosting], Counter[str]],
) -> None:
    jobs, dropped = normalized

    assert 250 <= len(jobs) <= 400
    assert set(dropped) == {"expired"}
    assert dropped["expired"] >= 10
    # Dedupe would merge postings with one fingerprint: each is a job of its own.
    assert len({fingerprint(job) for job in jobs}) == len(jobs)


def test_every_source_format_is_there(
    generated: dict[str, bytes], normalized: tuple[list[JobPosting], Counter[str]]
) -> None:
    jobs, _ = normalized
    kinds = Counter(job.source_kind for job in jobs)

    assert set(kinds) == set(SourceKind)
    assert min(kinds.values()) >= 20
    assert {Path(name).suffix for name in generated} == {".json", ".html"}


def test_languages_countries_and_work_modes_vary(
    normalized: tuple[list[JobPosting], Counter[str]],
) -> None:
    jobs, _ = normalized
    languages = Counter(job.language for job in jobs)
    countries = {loc.country for job in jobs for loc in job.locations}
    modes = Counter(job.work_mode for job in jobs)

    assert {"en", "de", "es"} <= set(languages)
    assert min(languages[code] for code in ("en", "de", "es")) >= 40
    assert len(countries) >= 8
    assert set(modes) == set(WorkMode)
    assert min(modes.values()) >= 30


def test_salaries_come_in_several_currencies_and_periods(
    normalized: tuple[list[JobPosting], Counter[str]],
) -> None:
    jobs, _ = normalized
    salaries = [job.salary for job in jobs if job.salary is not None]

    assert len(salaries) >= len(jobs) * 2 // 3
    assert len(jobs) - len(salaries) >= 20  # and some say nothing about pay
    assert {s.currency for s in salaries} >= {"EUR", "USD", "GBP", "CHF", "MXN"}
    periods = Counter(s.period for s in salaries)
    assert {SalaryPeriod.YEAR, SalaryPeriod.MONTH, SalaryPeriod.HOUR} <= set(periods)
    assert min(periods[p] for p in (SalaryPeriod.MONTH, SalaryPeriod.HOUR)) >= 20


def test_tech_and_other_trades_alike(normalized: tuple[list[JobPosting], Counter[str]]) -> None:
    jobs, _ = normalized
    skills = Counter(skill for job in jobs for skill in job.skills)

    for skill in (
        "Python",
        "Nursing",
        "Forklift Operation",
        "Cooking",
        "Teaching",
        "Accounting",
        "B2B Sales",
        "Electrical Installation",
    ):
        assert skills[skill] >= 1, skill
    assert all(job.skills for job in jobs)


def test_demo_postings_say_they_are_made_up(
    normalized: tuple[list[JobPosting], Counter[str]],
) -> None:
    jobs, _ = normalized

    notes = tuple(demo.DEMO_NOTE.values())
    assert all(any(note in job.description_md for note in notes) for job in jobs)
    assert all(".example/" in (job.url or "") for job in jobs)

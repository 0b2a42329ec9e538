"""Offline ranking of candidate and job files, with a tiny deterministic embedder."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from core.domain import WorkMode
from core.jobs import Extraction, JobPosting, Location, SourceKind
from core.matches import Candidate, Exclusion, JobForMatching, Match
from core.skills import SkillTaxonomy
from matching.rank import dumps, load_candidates, load_jobs, rank_files, similarities
from matching.scoring import Weights
from matching.text import candidate_text, job_text

TAXONOMY = SkillTaxonomy.load()
NOW = datetime(2026, 11, 20, tzinfo=UTC)
VOCABULARY = ("python", "backend", "developer", "engineer", "nurse", "patient", "care", "sales")
WORD = re.compile(r"[a-z]+")


def bag_of_words(texts: Sequence[str]) -> npt.NDArray[np.float32]:
    """Counts of a few words, scaled to unit length: cosine = shared vocabulary."""
    rows = np.zeros((len(texts), len(VOCABULARY)), dtype=np.float32)
    for row, text in enumerate(texts):
        for word in WORD.findall(text.lower()):
            if word in VOCABULARY:
                rows[row, VOCABULARY.index(word)] += 1.0
    norms = np.maximum(np.linalg.norm(rows, axis=1, keepdims=True), 1e-12)
    scaled: npt.NDArray[np.float32] = rows / norms
    return scaled


def posting(title: str, description: str, **fields: object) -> JobPosting:
    return JobPosting.model_validate(
        {
            "source_kind": SourceKind.LEVER,
            "extraction": Extraction.ATS_API,
            "title": title,
            "description_md": description,
            "skills": TAXONOMY.find_in_text(f"{title}\n{description}"),
            "posted_at": NOW.date(),
        }
        | fields
    )


BERLIN = Location(city="Berlin", country="DE", raw="Berlin")
CANDIDATES = [
    Candidate(user_key="dev", roles=("Backend Developer",), skills=("Python",), places=(BERLIN,)),
    Candidate(user_key="nurse", roles=("Nurse",), skills=("Patient Care",)),
]
JOBS = [
    JobForMatching(
        id="py",
        posting=posting(
            "Python Backend Engineer",
            "Build backend services in Python.",
            company="Acme",
            locations=[BERLIN],
            work_mode=WorkMode.HYBRID,
        ),
    ),
    JobForMatching(
        id="py-copy",
        posting=posting(
            "Python Backend Engineer (m/w/d)",
            "Backend in Python.",
            company="ACME GmbH",
            locations=[BERLIN],
            work_mode=WorkMode.HYBRID,
        ),
    ),
    JobForMatching(
        id="icu",
        posting=posting("Registered Nurse", "Patient care on a ward.", company="Clinic"),
    ),
    JobForMatching(id="sales", posting=posting("Account Executive", "Sales.", company="Shop")),
    JobForMatching(
        id="madrid",
        posting=posting(
            "Backend Developer",
            "Python backend.",
            company="Far",
            locations=[Location(city="Madrid", country="ES", raw="Madrid")],
            work_mode=WorkMode.ONSITE,
        ),
    ),
]


def result() -> list[dict[str, object]]:
    return rank_files(CANDIDATES, JOBS, bag_of_words, Weights(), TAXONOMY, NOW)


def entries(user_key: str) -> list[dict[str, object]]:
    found = next(entry for entry in result() if entry["user_key"] == user_key)
    matches = found["matches"]
    assert isinstance(matches, list)
    return matches


def test_similarities_are_dot_products_of_the_embedded_texts() -> None:
    matrix = similarities(CANDIDATES, JOBS, bag_of_words)
    people = bag_of_words([candidate_text(c) for c in CANDIDATES])
    postings = bag_of_words([job_text(j.posting) for j in JOBS])
    assert matrix.shape == (2, 5)
    for row in range(2):
        for column in range(5):
            assert matrix[row, column] == pytest.approx(float(people[row] @ postings[column]))


def test_every_candidate_gets_every_job_once_in_rank_order() -> None:
    out = result()
    assert [entry["user_key"] for entry in out] == ["dev", "nurse"]
    for entry in out:
        matches = entry["matches"]
        assert isinstance(matches, list)
        assert sorted(m["job_id"] for m in matches) == sorted(j.id for j in JOBS)
        assert [m["rank"] for m in matches] == list(range(1, len(JOBS) + 1))
        assert entry["sendable"] == sum(1 for m in matches if m["would_send"])


@pytest.mark.parametrize(
    ("user_key", "best"),
    [("dev", {"py", "py-copy"}), ("nurse", {"icu"})],
    ids=["developer", "nurse"],
)
def test_the_fitting_job_comes_first(user_key: str, best: set[str]) -> None:
    first = entries(user_key)[0]
    assert first["job_id"] in best
    assert first["would_send"] is True


def test_duplicates_come_last_and_point_at_the_kept_copy() -> None:
    dev = entries("dev")
    by_id = {m["job_id"]: m for m in dev}
    kept, dropped = ("py", "py-copy") if by_id["py"]["duplicate_of"] is None else ("py-copy", "py")
    assert by_id[dropped]["duplicate_of"] == kept
    assert by_id[dropped]["would_send"] is False
    assert dev[-1]["job_id"] == dropped
    assert all(m["duplicate_of"] is None for m in dev if m["job_id"] != dropped)


def test_excluded_jobs_say_why() -> None:
    by_id = {m["job_id"]: m for m in entries("dev")}
    assert by_id["madrid"]["excluded"] == Exclusion.LOCATION.value
    assert by_id["madrid"]["would_send"] is False


def test_output_is_json_ready_and_holds_matches() -> None:
    text = dumps(result())
    for entry in json.loads(text):
        for item in entry["matches"]:
            fields = {k: v for k, v in item.items() if k not in ("rank", "duplicate_of")}
            assert Match.model_validate(fields).user_key == entry["user_key"]


def test_files_round_trip(tmp_path: Path) -> None:
    candidates_file = tmp_path / "candidates.json"
    jobs_file = tmp_path / "jobs.json"
    candidates_file.write_text(json.dumps([c.model_dump(mode="json") for c in CANDIDATES]))
    jobs_file.write_text(json.dumps([j.model_dump(mode="json") for j in JOBS]))
    assert load_candidates(candidates_file) == CANDIDATES
    assert load_jobs(jobs_file) == JOBS


def test_job_ids_must_be_unique() -> None:
    with pytest.raises(ValueError, match="unique"):
        rank_files(CANDIDATES, [JOBS[0], JOBS[0]], bag_of_words, Weights(), TAXONOMY, NOW)


def test_no_jobs() -> None:
    out = rank_files(CANDIDATES, [], bag_of_words, Weights(), TAXONOMY, NOW)
    assert out == [
        {"user_key": "dev", "sendable": 0, "matches": []},
        {"user_key": "nurse", "sendable": 0, "matches": []},
    ]

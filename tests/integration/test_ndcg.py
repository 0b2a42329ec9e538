"""Ranking quality on the labelled matching set: nDCG@10 of ``matching.scoring`` with the real
embedding model, against ranking by semantic similarity alone and against random order.

Run with ``-s`` to see the figures. The set and how it was graded: tests/fixtures/matching.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from core.matches import Candidate, Feedback, JobForMatching, Match
from core.skills import SkillTaxonomy
from matching.embed import OnnxEmbedder
from matching.rank import load_candidates, load_jobs, similarities
from matching.scoring import Weights, hard_filter, order_key, score

pytestmark = pytest.mark.integration

FIXTURES = Path(__file__).parents[1] / "fixtures" / "matching"
NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)  # the set's jobs are dated relative to this day
K = 10
RANDOM_ORDERS = 200
RANDOM_SEED = 20261120

# Measured when this test was written (default weights, int8 MiniLM): mean nDCG@10 0.979 for
# our ranking, 0.886 for semantic similarity alone, 0.061 for random order (mean of 200 seeded
# shuffles); semantic similarity after the hard filters alone gives 0.962, so most of the gain
# comes from the filters turning traps away. Semantic-only is strong on this set because its 15
# candidates work in clearly different fields; what it misses are the traps (right job, wrong
# country / level / mode / pay). The floor sits 0.05 under our figure, so a small cost from a
# model or table change does not fail the build, and 0.044 above semantic-only, so losing the
# filters does; the gain over semantic-only (measured 0.093) is asserted on its own.
# Since issue 12 (send gates, 20 candidates, 119 jobs, only showable jobs ranked): ours 0.940,
# semantic-only 0.807, hard filters + semantic 0.935, random 0.050; with skill coverage capped
# and no title part, ours 0.955.
NDCG_FLOOR = 0.93
MIN_GAIN_OVER_SEMANTIC = 0.05

# Soft parts (measured with 20 candidates and 119 jobs, ranking only the jobs that may be shown):
# with skill coverage counting the first three required skills (scoring.SKILLS_THAT_COUNT) and no
# title part, full 0.955, hard filters + semantic alone 0.931; zeroing semantic costs 0.018,
# skills 0.009, recency 0.006. (Uncapped coverage ranked worse than no skills part, 0.939 against
# 0.947; the title part, measured at 0.0003, weighs nothing by default.) The margins sit under
# the measured costs: thin, because most of this set's ranking is decided by the filters and
# gates, but any part zeroed fails the test.
MIN_GAIN_OVER_FILTERED = 0.003
MIN_ABLATION_COST = 0.001
# Send decision: a pair deserves sending at grade 2 or 3. Measured precision 0.955 (63/66),
# recall 0.984 (63/64). The floors are the targets (precision 0.92 at recall 0.90): two
# more wrong sends, or five more missed ones, fail the build.
SEND_GRADE = 2
DEFAULT_WEIGHTS = Weights()
PRECISION_FLOOR = 0.92
RECALL_FLOOR = 0.90

Grades = Mapping[str, Mapping[str, int]]


@dataclass(frozen=True)
class LabelledSet:
    candidates: list[Candidate]
    jobs: list[JobForMatching]
    grades: Grades
    cosine: npt.NDArray[np.float32]  # candidates × jobs


@pytest.fixture(scope="module")
def labelled() -> LabelledSet:
    candidates = load_candidates(FIXTURES / "candidates.json")
    jobs = load_jobs(FIXTURES / "jobs.json")
    grades: Grades = json.loads((FIXTURES / "relevance.json").read_text(encoding="utf-8"))
    embedder = OnnxEmbedder()
    try:
        cosine = similarities(candidates, jobs, embedder.embed)
    finally:
        embedder.close()
    return LabelledSet(candidates, jobs, grades, cosine)


def dcg(gains: Sequence[int]) -> float:
    return float(
        sum((2**grade - 1) / math.log2(position + 2) for position, grade in enumerate(gains))
    )


def ndcg_at_k(ranked_ids: Sequence[str], grades: Mapping[str, int], k: int = K) -> float:
    ideal = dcg(sorted(grades.values(), reverse=True)[:k])
    if ideal == 0:
        return 0.0
    return dcg([grades.get(job_id, 0) for job_id in ranked_ids[:k]]) / ideal


def scored(
    data: LabelledSet, row: int, weights: Weights = DEFAULT_WEIGHTS, now: datetime = NOW
) -> list[Match]:
    candidate = data.candidates[row]
    return [
        score(
            candidate,
            job,
            similarity=float(data.cosine[row, column]),
            now=now,
            weights=weights,
            taxonomy=SkillTaxonomy.load(),
        )
        for column, job in enumerate(data.jobs)
    ]


def ours(data: LabelledSet, row: int, weights: Weights = DEFAULT_WEIGHTS) -> list[str]:
    """The jobs the candidate can be shown, best first; excluded ones are never shown, so
    where they would sort among themselves does not count."""
    ranked = sorted(scored(data, row, weights), key=order_key)
    return [match.job_id for match in ranked if match.excluded is None]


def semantic_only(data: LabelledSet, row: int) -> list[str]:
    order = sorted(
        range(len(data.jobs)), key=lambda column: (-data.cosine[row, column], data.jobs[column].id)
    )
    return [data.jobs[column].id for column in order]


def filtered_semantic(data: LabelledSet, row: int) -> list[str]:
    """Semantic similarity after the hard filters: printed to show what the filters add."""
    candidate = data.candidates[row]
    allowed = {
        job.id
        for job in data.jobs
        if hard_filter(
            candidate, job, feedback=Feedback(), seen=frozenset(), taxonomy=SkillTaxonomy.load()
        )
        is None
    }
    return [job_id for job_id in semantic_only(data, row) if job_id in allowed]


def random_mean(data: LabelledSet, grades: Mapping[str, int]) -> float:
    rng = np.random.default_rng(RANDOM_SEED)
    ids = [job.id for job in data.jobs]
    return float(
        np.mean([ndcg_at_k(list(rng.permutation(ids)), grades) for _ in range(RANDOM_ORDERS)])
    )


@pytest.mark.parametrize(
    ("ranked", "grades", "expected"),
    [
        pytest.param(["a", "b", "c"], {"a": 3, "b": 1}, 1.0, id="ideal"),
        pytest.param(["x", "a"], {"a": 3}, 1 / math.log2(3), id="one-down"),
        pytest.param(["b", "a"], {"a": 3, "b": 1}, (1 + 7 / math.log2(3)) / (7 + 1 / math.log2(3)),
                     id="swapped"),
        pytest.param(["x"] * 10 + ["a"], {"a": 3}, 0.0, id="beyond-k"),
        pytest.param(["a"], {"a": 0}, 0.0, id="nothing-relevant"),
    ],
)  # fmt: skip
def test_ndcg_at_k(ranked: list[str], grades: dict[str, int], expected: float) -> None:
    assert ndcg_at_k(ranked, grades) == pytest.approx(expected)


def test_the_labelled_set_is_consistent(labelled: LabelledSet) -> None:
    job_ids = {job.id for job in labelled.jobs}
    assert len(job_ids) == len(labelled.jobs) >= 60
    assert len(labelled.candidates) >= 12
    assert set(labelled.grades) == {c.user_key for c in labelled.candidates}
    for user_key, grades in labelled.grades.items():
        assert set(grades) <= job_ids, user_key
        assert set(grades.values()) <= {0, 1, 2, 3}, user_key
        assert 3 in grades.values(), user_key  # nDCG needs something to find


def test_ndcg_at_10_beats_the_baselines(labelled: LabelledSet) -> None:
    rows: list[tuple[str, float, float, float, float]] = []
    for row, candidate in enumerate(labelled.candidates):
        grades = labelled.grades[candidate.user_key]
        rows.append(
            (
                candidate.user_key,
                ndcg_at_k(ours(labelled, row), grades),
                ndcg_at_k(semantic_only(labelled, row), grades),
                ndcg_at_k(filtered_semantic(labelled, row), grades),
                random_mean(labelled, grades),
            )
        )
    mean_ours, mean_semantic, mean_filtered, mean_random = (
        float(np.mean([row[index] for row in rows])) for index in (1, 2, 3, 4)
    )
    header = f"{'candidate':<28} {'ours':>6} {'semantic':>9} {'filtered':>9} {'random':>7}"
    report = "\n".join(
        [header]
        + [f"{key:<28} {a:6.3f} {b:9.3f} {c:9.3f} {d:7.3f}" for key, a, b, c, d in rows]
        + [
            f"{'mean nDCG@10':<28} {mean_ours:6.3f} {mean_semantic:9.3f} {mean_filtered:9.3f}"
            f" {mean_random:7.3f}"
        ]
    )
    print(f"\n{report}")  # noqa: T201 - the figures are the point of this test
    # The floor means something only if both baselines fall under it.
    assert mean_semantic < NDCG_FLOOR
    assert mean_random < NDCG_FLOOR
    assert mean_ours >= NDCG_FLOOR, report
    assert mean_ours >= mean_semantic + MIN_GAIN_OVER_SEMANTIC, report


# Each soft part zeroed in turn (its weight set to 0, the others renormalised).
ABLATIONS = ("semantic", "skills", "recency")


def mean_ndcg(data: LabelledSet, weights: Weights) -> float:
    return float(
        np.mean(
            [
                ndcg_at_k(ours(data, row, weights), data.grades[candidate.user_key])
                for row, candidate in enumerate(data.candidates)
            ]
        )
    )


def test_every_soft_part_earns_its_place(labelled: LabelledSet) -> None:
    full = mean_ndcg(labelled, Weights())
    filtered = float(
        np.mean(
            [
                ndcg_at_k(filtered_semantic(labelled, row), labelled.grades[c.user_key])
                for row, c in enumerate(labelled.candidates)
            ]
        )
    )
    zeroed = {part: mean_ndcg(labelled, replace(Weights(), **{part: 0.0})) for part in ABLATIONS}
    report = "\n".join(
        [f"full {full:.3f}, hard filters + semantic {filtered:.3f}"]
        + [f"without {part:<9} {value:.3f} ({value - full:+.3f})" for part, value in zeroed.items()]
    )
    print(f"\n{report}")  # noqa: T201 - the figures are the point of this test
    assert full >= filtered + MIN_GAIN_OVER_FILTERED, report
    for part, value in zeroed.items():
        assert value <= full - MIN_ABLATION_COST, f"{part}: {report}"


def test_the_title_part_weighs_nothing_because_it_adds_nothing(labelled: LabelledSet) -> None:
    """Keeps the default honest: if a change makes title similarity useful, this fails and the
    weight should come back."""
    assert Weights().title == 0.0
    with_title = mean_ndcg(labelled, replace(Weights(), title=0.15))
    assert with_title <= mean_ndcg(labelled, Weights()) + MIN_ABLATION_COST


def send_counts(data: LabelledSet, now: datetime = NOW) -> tuple[int, int, int]:
    """(sent and deserved, sent, deserved) over every candidate x job pair; a pair deserves to
    be sent at grade >= SEND_GRADE (ungraded pairs are 0)."""
    hits = sent = deserved = 0
    for row, candidate in enumerate(data.candidates):
        grades = data.grades[candidate.user_key]
        for match in scored(data, row, now=now):
            good = grades.get(match.job_id, 0) >= SEND_GRADE
            hits += good and match.would_send
            sent += match.would_send
            deserved += good
    return hits, sent, deserved


def test_send_precision_and_recall(labelled: LabelledSet) -> None:
    hits, sent, deserved = send_counts(labelled)
    precision, recall = hits / sent, hits / deserved
    report = (
        f"send precision {precision:.3f} ({hits}/{sent}), recall {recall:.3f} ({hits}/{deserved})"
    )
    print(f"\n{report}")  # noqa: T201 - the figures are the point of this test
    assert precision >= PRECISION_FLOOR, report
    assert recall >= RECALL_FLOOR, report


def test_the_send_decision_does_not_depend_on_the_date(labelled: LabelledSet) -> None:
    """Recency orders, never decides: months later the same jobs are sent."""
    later = NOW + timedelta(days=90)
    for row in range(len(labelled.candidates)):
        today = [m.would_send for m in scored(labelled, row)]
        assert today == [m.would_send for m in scored(labelled, row, now=later)]

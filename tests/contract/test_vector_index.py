"""The ``VectorIndex`` contract: every behaviour, run over both adapters.

- ``edge``: ``EdgeVectorIndex``, qdrant-edge shards in a temporary folder (the embedded default);
- ``qdrant``: ``QdrantVectorIndex`` on qdrant-client's local mode, standing in for a server.

Most tests use hand-made 4-dimensional vectors: with every point on the same vector, a search
returns exactly what the payload pre-filter lets through.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from qdrant_client import AsyncQdrantClient

from core.domain import EmploymentType, Frequency, SalaryFloor, Seniority, WorkMode
from core.jobs import Extraction, JobPosting, Location, Salary, SalaryPeriod, SourceKind
from core.matches import Candidate, JobForMatching
from matching.index import CANDIDATES, JOBS, NAMESPACE, CollectionName, Hit, VectorIndex, point_id
from matching.index_edge import EdgeVectorIndex
from matching.index_qdrant import QdrantVectorIndex

pytestmark = pytest.mark.integration

SAME = np.array([1.0, 0.0, 0.0, 0.0], dtype=np.float32)
BERLIN = Location(city="Berlin", country="DE", raw="Berlin, Germany")
MUNICH = Location(city="München", country="DE", raw="München")
PARIS = Location(city="Paris", country="FR", raw="Paris, France")
NEW_YORK = Location(city="New York", region="NY", country="US", raw="New York, NY")
REMOTE_EU = Location(region="EU", raw="Remote - EU")
BERLIN_NO_COUNTRY = Location(city="Berlin", raw="Berlin")


def posting(title: str = "Backend Engineer", **fields: Any) -> JobPosting:
    return JobPosting(
        source_kind=SourceKind.GREENHOUSE, extraction=Extraction.ATS_API, title=title, **fields
    )


def job(job_id: str = "job-1", **fields: Any) -> JobForMatching:
    return JobForMatching(id=job_id, posting=posting(**fields))


def salary(low: float, high: float, currency: str = "EUR") -> Salary:
    return Salary(
        minimum=low,
        maximum=high,
        currency=currency,
        period=SalaryPeriod.YEAR,
        annual_minimum=low,
        annual_maximum=high,
    )


def person(user_key: str, **fields: Any) -> Candidate:
    return Candidate(user_key=user_key, **fields)


def eur(amount: int, period: str = "year", currency: str = "EUR") -> SalaryFloor:
    return SalaryFloor(amount=amount, currency=currency, period=period)


def _our_id(collection: CollectionName, payload: dict[str, Any] | None) -> str:
    return str((payload or {})["job_id" if collection == JOBS else "user_key"])


# --- the two adapters ---------------------------------------------------------------------------

Payloads = Callable[[CollectionName, list[str]], Awaitable[dict[str, dict[str, Any]]]]


@dataclass
class Backend:
    """Opens indexes of one adapter on one store, and reads raw payloads back."""

    name: str
    open: Callable[[str, int], VectorIndex]  # (model id, dimension)
    payloads: Payloads
    opened: list[VectorIndex] = field(default_factory=list)

    def index(self, model_id: str = "test-model", dimension: int = 4) -> VectorIndex:
        made = self.open(model_id, dimension)
        self.opened.append(made)
        return made


def edge_backend(root: Path) -> Backend:
    def open_edge(model_id: str, dimension: int) -> VectorIndex:
        return EdgeVectorIndex(root, model_id=model_id, dimension=dimension)

    async def edge_payloads(
        collection: CollectionName, ids: list[str]
    ) -> dict[str, dict[str, Any]]:
        # A second handle on a shard is not allowed: read through the open one.
        index = made.opened[-1]
        assert isinstance(index, EdgeVectorIndex)
        records = await index._run(
            collection, lambda shard: shard.retrieve([point_id(i) for i in ids], True, False)
        )
        return {_our_id(collection, r.payload): dict(r.payload or {}) for r in records}

    made = Backend("edge", open_edge, edge_payloads)
    return made


def qdrant_backend(folder: Path) -> Backend:
    def open_qdrant(model_id: str, dimension: int) -> VectorIndex:
        # A new client each time, as a restart would: local mode allows one per folder.
        client = AsyncQdrantClient(path=str(folder))
        return QdrantVectorIndex(client, model_id=model_id, dimension=dimension)

    async def qdrant_payloads(
        collection: CollectionName, ids: list[str]
    ) -> dict[str, dict[str, Any]]:
        index = made.opened[-1]
        assert isinstance(index, QdrantVectorIndex)
        records = await index.client.retrieve(collection, [point_id(i) for i in ids])
        return {_our_id(collection, r.payload): dict(r.payload or {}) for r in records}

    made = Backend("qdrant", open_qdrant, qdrant_payloads)
    return made


@pytest.fixture(params=["edge", "qdrant"])
async def backend(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Backend]:
    made = (
        edge_backend(tmp_path / "vectors")
        if request.param == "edge"
        else qdrant_backend(tmp_path / "qdrant")
    )
    yield made
    for index in made.opened:
        await index.close()


@pytest.fixture
async def index(backend: Backend) -> VectorIndex:
    made = backend.index()
    await made.ensure()
    return made


async def gather(pages: AsyncIterator[list[Hit]]) -> list[list[Hit]]:
    return [page async for page in pages]


# --- the pre-filters, one rule per row ----------------------------------------------------------


@dataclass
class CandidatesCase:
    job: JobForMatching
    kept: list[Candidate]
    dropped: list[Candidate] = field(default_factory=list)


CANDIDATE_CASES = {
    "paused users are left out": CandidatesCase(
        job(), kept=[person("active")], dropped=[person("paused", paused=True)]
    ),
    "work mode: the job's mode or any": CandidatesCase(
        job(work_mode=WorkMode.REMOTE),
        kept=[person("remote", work_modes=(WorkMode.REMOTE, WorkMode.HYBRID)), person("any")],
        dropped=[person("onsite", work_modes=(WorkMode.ONSITE,))],
    ),
    "work mode: a job that does not say sets no condition": CandidatesCase(
        job(), kept=[person("onsite", work_modes=(WorkMode.ONSITE,)), person("any")]
    ),
    "location: remote, no country, sets no condition": CandidatesCase(
        job(work_mode=WorkMode.REMOTE),
        kept=[person("paris", places=(PARIS,)), person("anywhere")],
    ),
    "location: remote in a country": CandidatesCase(
        job(work_mode=WorkMode.REMOTE, locations=(BERLIN,)),
        kept=[
            person("munich", places=(MUNICH,)),
            person("anywhere"),
            person("paris-or-berlin", places=(PARIS, BERLIN)),
            person("city-without-country", places=(BERLIN_NO_COUNTRY,)),
        ],
        dropped=[person("paris", places=(PARIS,)), person("new-york", places=(NEW_YORK,))],
    ),
    "location: onsite in a country": CandidatesCase(
        job(work_mode=WorkMode.ONSITE, locations=(BERLIN,)),
        kept=[person("munich", places=(MUNICH,)), person("anywhere")],
        dropped=[person("paris", places=(PARIS,))],
    ),
    "location: hybrid in two countries": CandidatesCase(
        job(work_mode=WorkMode.HYBRID, locations=(BERLIN, PARIS)),
        kept=[person("munich", places=(MUNICH,)), person("paris", places=(PARIS,))],
        dropped=[person("new-york", places=(NEW_YORK,))],
    ),
    "location: a job with no location sets no condition": CandidatesCase(
        job(work_mode=WorkMode.ONSITE), kept=[person("new-york", places=(NEW_YORK,))]
    ),
    "location: a place without a country lifts the condition": CandidatesCase(
        job(work_mode=WorkMode.REMOTE, locations=(BERLIN, REMOTE_EU)),
        kept=[person("paris", places=(PARIS,))],
    ),
    "seniority: within one step, or unknown": CandidatesCase(
        job(seniority=Seniority.SENIOR),
        kept=[
            person("mid", seniority=Seniority.MID),
            person("senior", seniority=Seniority.SENIOR),
            person("lead", seniority=Seniority.LEAD),
            person("unknown"),
        ],
        dropped=[
            person("junior", seniority=Seniority.JUNIOR),
            person("principal", seniority=Seniority.PRINCIPAL),
        ],
    ),
    "seniority: a job that does not say sets no condition": CandidatesCase(
        job(), kept=[person("intern", seniority=Seniority.INTERN)]
    ),
    "employment type: the job's type or any": CandidatesCase(
        job(employment_type=EmploymentType.FULL_TIME),
        kept=[
            person(
                "full-or-contract",
                employment_types=(EmploymentType.FULL_TIME, EmploymentType.CONTRACT),
            ),
            person("any"),
        ],
        dropped=[person("part-time", employment_types=(EmploymentType.PART_TIME,))],
    ),
    "salary: the floor must not exceed the job's maximum": CandidatesCase(
        job(salary=salary(60_000, 80_000)),
        kept=[
            person("exactly-max", salary_floor=eur(80_000)),
            person("no-floor"),
            person("unknown-currency", salary_floor=eur(10_000_000, currency="XXX")),
        ],
        dropped=[
            person("above", salary_floor=eur(90_000)),
            person("monthly-above", salary_floor=eur(7_000, period="month")),  # 84k a year
        ],
    ),
    "salary: another currency is compared in EUR": CandidatesCase(
        job(salary=salary(80_000, 100_000, currency="USD")),  # at most 92k EUR
        kept=[person("90k", salary_floor=eur(90_000))],
        dropped=[person("95k", salary_floor=eur(95_000))],
    ),
    "salary: a job without salary sets no condition": CandidatesCase(
        job(), kept=[person("rich", salary_floor=eur(500_000))]
    ),
}


@pytest.mark.parametrize("case", CANDIDATE_CASES.values(), ids=CANDIDATE_CASES.keys())
async def test_candidates_for_job_prefilter(index: VectorIndex, case: CandidatesCase) -> None:
    everyone = [*case.kept, *case.dropped]
    await index.upsert_candidates([(candidate, SAME) for candidate in everyone])

    found = await index.candidates_for_job(case.job, SAME, limit=100)

    assert {key for key, _ in found} == {candidate.user_key for candidate in case.kept}


@dataclass
class JobsCase:
    candidate: Candidate
    kept: list[JobForMatching]
    dropped: list[JobForMatching] = field(default_factory=list)
    status: dict[str, str] = field(default_factory=dict)  # job id -> status; default approved
    exclude: tuple[str, ...] = ()


JOB_CASES = {
    "only approved jobs": JobsCase(
        person("u"),
        kept=[job("approved")],
        dropped=[job("pending"), job("closed"), job("rejected")],
        status={"pending": "pending_review", "closed": "closed", "rejected": "rejected"},
    ),
    "work mode: the candidate's modes, or a job that does not say": JobsCase(
        person("u", work_modes=(WorkMode.REMOTE,)),
        kept=[job("remote", work_mode=WorkMode.REMOTE), job("unknown")],
        dropped=[job("onsite", work_mode=WorkMode.ONSITE)],
    ),
    "location: the candidate's country, or a job open to any": JobsCase(
        person("u", places=(MUNICH,)),
        kept=[
            job("berlin", work_mode=WorkMode.ONSITE, locations=(BERLIN,)),
            job("remote-anywhere", work_mode=WorkMode.REMOTE),
            job("no-location"),
            job("remote-eu", work_mode=WorkMode.REMOTE, locations=(REMOTE_EU,)),
            job("de-or-fr", work_mode=WorkMode.REMOTE, locations=(PARIS, BERLIN)),
        ],
        dropped=[
            job("paris", work_mode=WorkMode.ONSITE, locations=(PARIS,)),
            job("remote-us", work_mode=WorkMode.REMOTE, locations=(NEW_YORK,)),
        ],
    ),
    "location: a candidate with no place takes any": JobsCase(
        person("u"), kept=[job("paris", work_mode=WorkMode.ONSITE, locations=(PARIS,))]
    ),
    "seniority: within one step, or a job that does not say": JobsCase(
        person("u", seniority=Seniority.SENIOR),
        kept=[
            job("mid", seniority=Seniority.MID),
            job("lead", seniority=Seniority.LEAD),
            job("unknown"),
        ],
        dropped=[
            job("junior", seniority=Seniority.JUNIOR),
            job("principal", seniority=Seniority.PRINCIPAL),
        ],
    ),
    "employment type: the candidate's types, or a job that does not say": JobsCase(
        person("u", employment_types=(EmploymentType.FULL_TIME,)),
        kept=[job("full", employment_type=EmploymentType.FULL_TIME), job("unknown")],
        dropped=[job("part", employment_type=EmploymentType.PART_TIME)],
    ),
    "salary: the job's maximum reaches the floor, or it gives none": JobsCase(
        person("u", salary_floor=eur(70_000)),
        kept=[
            job("80k", salary=salary(50_000, 80_000)),
            job("exactly", salary=salary(50_000, 70_000)),
            job("none"),
        ],
        dropped=[job("60k", salary=salary(40_000, 60_000))],
    ),
    "excluded ids are left out": JobsCase(
        person("u"), kept=[job("new")], dropped=[job("seen")], exclude=("seen",)
    ),
}


@pytest.mark.parametrize("case", JOB_CASES.values(), ids=JOB_CASES.keys())
async def test_jobs_for_candidate_prefilter(index: VectorIndex, case: JobsCase) -> None:
    everything = [*case.kept, *case.dropped]
    await index.upsert_jobs([(j, case.status.get(j.id, "approved"), SAME) for j in everything])

    found = await index.jobs_for_candidate(case.candidate, SAME, limit=100, exclude=case.exclude)

    assert {job_id for job_id, _ in found} == {j.id for j in case.kept}


# --- search, upsert, delete ---------------------------------------------------------------------


async def test_results_are_the_closest_by_cosine_best_first(index: VectorIndex) -> None:
    rng = np.random.default_rng(3)
    raw = rng.standard_normal((30, 4)).astype(np.float32)  # not unit length on purpose
    await index.upsert_candidates([(person(f"u{n}"), raw[n]) for n in range(30)])
    query = np.array([0.5, -1.0, 0.2, 0.1], dtype=np.float32)

    found = await index.candidates_for_job(job(), query, limit=5)

    cosine = raw @ query / (np.linalg.norm(raw, axis=1) * np.linalg.norm(query))
    best = np.argsort(-cosine)[:5]
    assert [key for key, _ in found] == [f"u{n}" for n in best]
    np.testing.assert_allclose([score for _, score in found], cosine[best], atol=1e-5)
    assert await index.candidates_for_job(job(), query, limit=0) == []


async def test_upserts_are_idempotent(index: VectorIndex) -> None:
    first = np.array([1.0, 0.0, 0.0, 0.0], dtype=np.float32)
    second = np.array([0.0, 1.0, 0.0, 0.0], dtype=np.float32)
    await index.upsert_candidates([(person("u1"), first), (person("u2"), first)])
    await index.upsert_jobs([(job("j1"), "approved", first)])

    await index.upsert_candidates([(person("u1", paused=True), second)])
    await index.upsert_jobs([(job("j1"), "closed", second), (job("j1"), "approved", second)])

    assert await index.count(CANDIDATES) == 2
    assert await index.count(JOBS) == 1
    stored = await index.vectors(CANDIDATES, ["u1", "u2", "nobody"])
    np.testing.assert_allclose(stored["u1"], second, atol=1e-6)
    np.testing.assert_allclose(stored["u2"], first, atol=1e-6)
    assert "nobody" not in stored
    assert [key for key, _ in await index.candidates_for_job(job(), first, 10)] == ["u2"]
    assert [j for j, _ in await index.jobs_for_candidate(person("u3"), first, 10)] == ["j1"]


async def test_a_status_change_needs_no_new_vector(index: VectorIndex) -> None:
    await index.upsert_jobs([(job("j1"), "pending_review", SAME), (job("j2"), "approved", SAME)])

    await index.set_job_status("j1", "approved")
    await index.set_job_status("j2", "closed")
    await index.set_job_status("never-stored", "closed")

    assert [j for j, _ in await index.jobs_for_candidate(person("u"), SAME, 10)] == ["j1"]
    np.testing.assert_allclose((await index.vectors(JOBS, ["j2"]))["j2"], SAME)
    assert await index.count(JOBS) == 2


async def test_deletes(index: VectorIndex) -> None:
    await index.upsert_jobs([(job(f"j{n}"), "approved", SAME) for n in range(4)])
    await index.upsert_candidates([(person("u1"), SAME), (person("u2"), SAME)])

    await index.delete_jobs(["j1", "j3", "never-stored"])
    await index.delete_candidate("u1")
    await index.delete_jobs([])

    assert sorted(await index.ids(JOBS)) == ["j0", "j2"]
    assert await index.ids(CANDIDATES) == ["u2"]
    assert [j for j, _ in await index.jobs_for_candidate(person("u"), SAME, 10)] in (
        ["j0", "j2"],
        ["j2", "j0"],
    )


async def test_points_carry_our_id_the_model_and_the_filter_fields(
    index: VectorIndex, backend: Backend
) -> None:
    full = job(
        "j-full",
        company="Initech GmbH",
        work_mode=WorkMode.HYBRID,
        locations=(BERLIN, MUNICH),
        employment_type=EmploymentType.CONTRACT,
        seniority=Seniority.LEAD,
        salary=salary(70_000, 90_000, currency="USD"),
        posted_at=date(2026, 11, 2),
        language="de",
    )
    someone = person(
        "tg:42",
        lang="es",
        places=(PARIS, BERLIN_NO_COUNTRY),
        work_modes=(WorkMode.REMOTE,),
        seniority=Seniority.JUNIOR,
        salary_floor=eur(4_000, period="month"),
        frequency=Frequency.WEEKLY,
    )
    await index.upsert_jobs([(full, "approved", SAME), (job("j-bare"), "draft", SAME)])
    await index.upsert_candidates([(someone, SAME), (person("tg:7"), SAME)])

    assert point_id("j-full") == str(uuid.uuid5(NAMESPACE, "j-full"))
    by_id = await backend.payloads(JOBS, ["j-full", "j-bare"])
    assert by_id["j-full"] == {
        "job_id": "j-full",
        "model": "test-model",
        "layout": 2,
        "status": "approved",
        "work_mode": "hybrid",
        "countries": ["DE"],
        "any_country": 0,  # flags are 0/1: qdrant-edge 0.9.0 cannot match a boolean
        "cities": ["berlin", "münchen"],
        "remote": 0,
        "salary_min_eur": pytest.approx(64_400.0),
        "salary_max_eur": pytest.approx(82_800.0),
        "seniority_rank": 4,
        "employment_type": "contract",
        "posted_at": 1_793_577_600,  # 2026-11-02T00:00:00Z
        "language": "de",
        "company_key": "initech",
    }
    assert by_id["j-bare"] == {
        "job_id": "j-bare",
        "model": "test-model",
        "layout": 2,
        "status": "draft",
        "work_mode": "unknown",
        "countries": [],
        "any_country": 1,
        "cities": [],
        "remote": 0,
        "seniority_rank": -1,
        "employment_type": "unknown",
        "language": "unknown",
        "company_key": "",
    }
    by_key = await backend.payloads(CANDIDATES, ["tg:42", "tg:7"])
    assert by_key["tg:42"] == {
        "user_key": "tg:42",
        "model": "test-model",
        "layout": 2,
        "paused": 0,
        "frequency": "weekly",
        "language": "es",
        "work_modes": ["remote"],
        "countries": ["*", "FR"],  # the Berlin without a country could match by city
        "cities": ["berlin", "paris"],
        "seniority_rank": 1,
        "salary_floor_eur": 48_000.0,
        "employment_types": ["any"],
    }
    assert by_key["tg:7"]["countries"] == ["*"]
    assert by_key["tg:7"]["work_modes"] == ["any"]
    assert by_key["tg:7"]["salary_floor_eur"] == 0.0
    assert by_key["tg:7"]["seniority_rank"] == -1


async def test_a_vector_of_the_wrong_size_is_refused(index: VectorIndex) -> None:
    with pytest.raises(ValueError, match="3 dimensions, expected 4"):
        await index.upsert_candidates([(person("u"), np.ones(3, dtype=np.float32))])
    assert await index.count(CANDIDATES) == 0


# --- the range query ----------------------------------------------------------------------------


def spread(count: int) -> np.ndarray:
    """Unit vectors whose cosine to ``SAME`` falls evenly from 1 to about -1."""
    angles = np.linspace(0.0, 0.99 * np.pi, count)
    return np.stack(
        [np.cos(angles), np.sin(angles), np.zeros(count), np.zeros(count)], axis=1
    ).astype(np.float32)


async def test_candidates_above_a_floor_come_in_pages_best_first_each_once(
    index: VectorIndex,
) -> None:
    vectors = spread(50)
    people = [person(f"u{n}", paused=n % 5 == 4) for n in range(50)]
    await index.upsert_candidates(list(zip(people, vectors, strict=True)))
    cosine = vectors @ SAME
    expected = {f"u{n}" for n in range(50) if cosine[n] >= 0.3 and n % 5 != 4}

    pages = await gather(index.candidates_above(job(), SAME, floor=0.3, page_size=4))

    found = [hit for page in pages for hit in page]
    assert {key for key, _ in found} == expected
    assert len(found) == len(expected)  # each once
    assert all(1 <= len(page) <= 4 for page in pages)
    scores = [score for _, score in found]
    assert scores == sorted(scores, reverse=True)
    assert min(scores) >= 0.3
    np.testing.assert_allclose(
        [score for _, score in found], [cosine[int(key[1:])] for key, _ in found], atol=1e-5
    )


async def test_candidates_above_applies_the_prefilter_and_a_floor_over_everyone(
    index: VectorIndex,
) -> None:
    await index.upsert_candidates(
        [
            (person("remote", work_modes=(WorkMode.REMOTE,)), SAME),
            (person("paused", paused=True), SAME),
        ]
    )
    far = np.array([-1.0, 0.0, 0.0, 0.0], dtype=np.float32)
    await index.upsert_candidates([(person("far"), far)])

    pages = await gather(index.candidates_above(job(work_mode=WorkMode.REMOTE), SAME, 0.5))
    assert [[key for key, _ in page] for page in pages] == [["remote"]]
    assert await gather(index.candidates_above(job(work_mode=WorkMode.ONSITE), SAME, 0.5)) == []
    with pytest.raises(ValueError, match="page_size"):
        await gather(index.candidates_above(job(), SAME, 0.5, page_size=0))


async def test_jobs_above_a_floor_for_a_candidate(index: VectorIndex) -> None:
    vectors = spread(12)
    jobs = [job(f"j{n}") for n in range(12)]
    await index.upsert_jobs(
        [
            (j, "closed" if n == 1 else "approved", v)
            for n, (j, v) in enumerate(zip(jobs, vectors, strict=True))
        ]
    )
    cosine = vectors @ SAME
    expected = [f"j{n}" for n in range(12) if cosine[n] >= 0.0 and n not in (1, 2)]

    pages = await gather(
        index.jobs_above(person("u"), SAME, floor=0.0, page_size=2, exclude=["j2"])
    )

    assert [key for page in pages for key, _ in page] == expected


# --- model changes, sizes, persistence ----------------------------------------------------------


async def test_stale_ids_after_a_model_change(backend: Backend) -> None:
    old = backend.index("model-a")
    await old.ensure()
    await old.upsert_jobs([(job(f"j{n}"), "approved", SAME) for n in range(3)])
    await old.upsert_candidates([(person("u1"), SAME)])
    assert await old.stale_ids(JOBS) == []
    await old.close()  # one handle on a store at a time (an edge shard allows no second)

    new = backend.index("model-b")
    assert (await new.ensure()).rebuild_needed is False  # same size: the points stay
    assert sorted(await new.stale_ids(JOBS)) == ["j0", "j1", "j2"]
    assert await new.stale_ids(CANDIDATES) == ["u1"]

    await new.upsert_jobs([(job("j1"), "approved", SAME)])

    assert sorted(await new.stale_ids(JOBS)) == ["j0", "j2"]


async def test_ensure_creates_then_keeps_then_recreates_on_a_size_change(backend: Backend) -> None:
    first_index = backend.index("m", 4)
    first = await first_index.ensure()
    assert first.created == ("jobs", "candidates")
    assert first.rebuild_needed
    await first_index.upsert_jobs([(job(), "approved", SAME)])
    await first_index.upsert_candidates([(person("u"), SAME)])
    await first_index.close()

    reopened = backend.index("m", 4)  # the shards and their points persisted
    again = await reopened.ensure()
    assert (again.created, again.recreated, again.rebuild_needed) == ((), (), False)
    assert await reopened.count(JOBS) == 1
    assert [key for key, _ in await reopened.candidates_for_job(job(), SAME, 5)] == ["u"]
    await reopened.close()

    bigger = backend.index("m2", 8)
    changed = await bigger.ensure()
    assert changed.recreated == ("jobs", "candidates")
    assert changed.rebuild_needed
    assert await bigger.count(JOBS) == 0
    eight = np.ones(8, dtype=np.float32)
    await bigger.upsert_jobs([(job(), "approved", eight)])
    assert [j for j, _ in await bigger.jobs_for_candidate(person("u"), eight, 5)] == ["job-1"]


async def test_the_index_answers_when_ready(index: VectorIndex) -> None:
    await index.ready()

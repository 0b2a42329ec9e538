"""VectorIndex on a real qdrant-client local-mode store in a temporary folder.

Most tests use hand-made 4-dimensional vectors: with every point on the same vector, a search
returns exactly what the payload pre-filter lets through. The rebuild tests use the real
OnnxEmbedder.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Sequence
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
from matching.embed import OnnxEmbedder
from matching.index import (
    CANDIDATES,
    JOBS,
    NAMESPACE,
    VectorIndex,
    point_id,
    rebuild,
)
from matching.text import candidate_text, job_text

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


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[AsyncQdrantClient]:
    client = AsyncQdrantClient(path=str(tmp_path / "qdrant"))
    yield client
    await client.close()


@pytest.fixture
async def index(client: AsyncQdrantClient) -> VectorIndex:
    index = VectorIndex(client, model_id="test-model", dimension=4)
    await index.ensure()
    return index


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
    index: VectorIndex, client: AsyncQdrantClient
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
    records = await client.retrieve(JOBS, [point_id("j-full"), point_id("j-bare")])
    by_id = {record.payload["job_id"]: record.payload for record in records if record.payload}
    assert by_id["j-full"] == {
        "job_id": "j-full",
        "model": "test-model",
        "status": "approved",
        "work_mode": "hybrid",
        "countries": ["DE"],
        "any_country": False,
        "cities": ["berlin", "münchen"],
        "remote": False,
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
        "status": "draft",
        "work_mode": "unknown",
        "countries": [],
        "any_country": True,
        "cities": [],
        "remote": False,
        "seniority_rank": -1,
        "employment_type": "unknown",
        "language": "unknown",
        "company_key": "",
    }
    records = await client.retrieve(CANDIDATES, [point_id("tg:42"), point_id("tg:7")])
    by_key = {record.payload["user_key"]: record.payload for record in records if record.payload}
    assert by_key["tg:42"] == {
        "user_key": "tg:42",
        "model": "test-model",
        "paused": False,
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


# --- model changes ------------------------------------------------------------------------------


async def test_stale_ids_after_a_model_change(client: AsyncQdrantClient) -> None:
    old = VectorIndex(client, model_id="model-a", dimension=4)
    await old.ensure()
    await old.upsert_jobs([(job(f"j{n}"), "approved", SAME) for n in range(3)])
    await old.upsert_candidates([(person("u1"), SAME)])
    assert await old.stale_ids(JOBS) == []

    new = VectorIndex(client, model_id="model-b", dimension=4)
    assert (await new.ensure()).rebuild_needed is False  # same size: the points stay
    assert sorted(await new.stale_ids(JOBS)) == ["j0", "j1", "j2"]
    assert await new.stale_ids(CANDIDATES) == ["u1"]

    await new.upsert_jobs([(job("j1"), "approved", SAME)])

    assert sorted(await new.stale_ids(JOBS)) == ["j0", "j2"]
    assert await old.stale_ids(JOBS) == ["j1"]


async def test_ensure_creates_then_keeps_then_recreates_on_a_size_change(tmp_path: Path) -> None:
    path = str(tmp_path / "qdrant")
    client = AsyncQdrantClient(path=path)
    first = await VectorIndex(client, model_id="m", dimension=4).ensure()
    assert first.created == ("jobs", "candidates")
    assert first.rebuild_needed
    await VectorIndex(client, model_id="m", dimension=4).upsert_jobs([(job(), "approved", SAME)])
    await client.close()

    client = AsyncQdrantClient(path=path)  # reopened: the collections and points persisted
    try:
        again = await VectorIndex(client, model_id="m", dimension=4).ensure()
        assert (again.created, again.recreated, again.rebuild_needed) == ((), (), False)
        assert await VectorIndex(client, model_id="m", dimension=4).count(JOBS) == 1

        bigger = VectorIndex(client, model_id="m2", dimension=8)
        changed = await bigger.ensure()
        assert changed.recreated == ("jobs", "candidates")
        assert changed.rebuild_needed
        assert await bigger.count(JOBS) == 0
        eight = np.ones(8, dtype=np.float32)
        await bigger.upsert_jobs([(job(), "approved", eight)])
        assert [j for j, _ in await bigger.jobs_for_candidate(person("u"), eight, 5)] == ["job-1"]
    finally:
        await client.close()


# --- rebuild ------------------------------------------------------------------------------------

REBUILD_JOBS = [
    job("py", title="Senior Python Backend Engineer", skills=("Python", "Django", "PostgreSQL")),
    job("chef", title="Pastry Chef", description_md="Cakes and desserts for a hotel kitchen."),
    job("nurse", title="Registered Nurse (ICU)", description_md="Intensive care, night shifts."),
    job("data", title="Data Engineer", skills=("Spark", "Airflow", "SQL")),
    job("old", title="Closed role", description_md="No longer open."),
]
REBUILD_STATUS = {"old": "closed"}
REBUILD_CANDIDATES = [
    person("dev", roles=("Backend developer",), skills=("Python", "Django")),
    person("baker", roles=("Pastry chef", "Baker")),
    person("carer", roles=("Nurse",), title="ICU nurse"),
]


@pytest.fixture(scope="module")
def onnx() -> OnnxEmbedder:
    return OnnxEmbedder(batch_size=4)


async def as_stream(items: Sequence[Candidate]) -> AsyncIterator[Candidate]:
    for item in items:
        yield item


async def test_rebuild_embeds_everything_reports_progress_and_prunes(
    client: AsyncQdrantClient, onnx: OnnxEmbedder
) -> None:
    index = VectorIndex.for_embedder(client, onnx)
    stale = VectorIndex(client, model_id="older-model", dimension=384)
    await stale.ensure()
    gone = np.ones(384, dtype=np.float32)
    await stale.upsert_jobs([(job("py"), "approved", gone), (job("deleted"), "approved", gone)])
    await stale.upsert_candidates([(person("left"), gone)])
    progress: list[tuple[int, int | None]] = []

    report = await rebuild(
        index,
        onnx,
        jobs=[(j, REBUILD_STATUS.get(j.id, "approved")) for j in REBUILD_JOBS],
        candidates=REBUILD_CANDIDATES,
        batch_size=2,
        progress=lambda done, total: progress.append((done, total)),
    )

    assert progress == [(2, 8), (4, 8), (5, 8), (7, 8), (8, 8)]
    assert (report.jobs, report.candidates, report.removed) == (5, 3, 2)
    assert sorted(await index.ids(JOBS)) == sorted(j.id for j in REBUILD_JOBS)
    assert sorted(await index.ids(CANDIDATES)) == ["baker", "carer", "dev"]
    assert await index.stale_ids(JOBS) == []
    stored = await index.vectors(JOBS, [j.id for j in REBUILD_JOBS])
    expected = onnx.embed([job_text(j.posting) for j in REBUILD_JOBS])
    for row, j in enumerate(REBUILD_JOBS):
        np.testing.assert_allclose(stored[j.id], expected[row], atol=1e-5)
    # The vectors are the real ones: each candidate's best job is theirs, and closed ones never.
    for candidate, best in [(REBUILD_CANDIDATES[0], "py"), (REBUILD_CANDIDATES[1], "chef")]:
        (vector,) = onnx.embed([candidate_text(candidate)])
        found = await index.jobs_for_candidate(candidate, vector, limit=10)
        assert found[0][0] == best
        assert "old" not in {job_id for job_id, _ in found}


async def test_rebuild_from_streams_reports_an_unknown_total(
    client: AsyncQdrantClient, onnx: OnnxEmbedder
) -> None:
    index = VectorIndex.for_embedder(client, onnx)
    progress: list[tuple[int, int | None]] = []

    async def jobs() -> AsyncIterator[tuple[JobForMatching, str]]:
        for j in REBUILD_JOBS[:3]:
            yield j, "approved"

    report = await rebuild(
        index,
        onnx,
        jobs=jobs(),
        candidates=as_stream(REBUILD_CANDIDATES),
        batch_size=2,
        progress=lambda done, total: progress.append((done, total)),
        prune=False,
    )

    assert progress == [(2, None), (3, None), (5, None), (6, None)]
    assert (report.jobs, report.candidates, report.removed) == (3, 3, 0)
    assert report.ensured.created == ("jobs", "candidates")
    assert await index.count(JOBS) == 3


async def test_rebuild_refuses_an_embedder_that_does_not_fit(
    client: AsyncQdrantClient, onnx: OnnxEmbedder
) -> None:
    index = VectorIndex(client, model_id="another-model", dimension=384)

    with pytest.raises(ValueError, match="does not fit"):
        await rebuild(index, onnx, jobs=[], candidates=[])

"""The edge index on disk: rebuilding it from the store with the real OnnxEmbedder, moving a
qdrant-client local-mode folder into it, and optimizing it out of process.

Every other behaviour of the port runs over both adapters in tests/contract/test_vector_index.py.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Sequence
from pathlib import Path

import numpy as np
import pytest
from qdrant_client import AsyncQdrantClient
from qdrant_client import models as qm

from core.matches import Candidate, JobForMatching
from matching.embed import OnnxEmbedder
from matching.index import CANDIDATES, JOBS, PAYLOAD_INDEXES, point_id, rebuild
from matching.index_edge import ERASING, MIGRATED, EdgeVectorIndex, migrate_local_mode
from matching.text import candidate_text, job_text
from tests.contract.test_vector_index import BERLIN, SAME, job, person

pytestmark = pytest.mark.integration

opened_later: list[EdgeVectorIndex] = []


@pytest.fixture(autouse=True)
async def _close_indexes() -> AsyncIterator[None]:
    yield
    while opened_later:
        await opened_later.pop().close()


async def opened(index: EdgeVectorIndex) -> EdgeVectorIndex:
    """The index, ensured, closed after the test."""
    await index.ensure()
    opened_later.append(index)
    return index


# --- moving a local-mode folder in --------------------------------------------------------------


async def old_local_mode(folder: Path, dimension: int = 4) -> None:
    """A local-mode folder as the index before this engine wrote it: flags as booleans."""
    client = AsyncQdrantClient(path=str(folder))
    try:
        for name in (JOBS, CANDIDATES):
            params = qm.VectorParams(size=dimension, distance=qm.Distance.COSINE)
            await client.create_collection(name, vectors_config=params)
        far = [0.0, 1.0, 0.0, 0.0][:dimension] + [0.0] * (dimension - 4)
        same = SAME.tolist() + [0.0] * (dimension - 4)
        jobs = [
            qm.PointStruct(
                id=point_id(f"j{n}"),
                vector=same if n % 2 else far,
                payload={"job_id": f"j{n}", "model": "m", "status": "approved",
                         "any_country": True, "remote": False, "seniority_rank": -1,
                         "work_mode": "unknown", "employment_type": "unknown"},
            )
            for n in range(25)
        ]  # fmt: skip
        people = [
            qm.PointStruct(
                id=point_id(f"u{n}"),
                vector=same,
                payload={"user_key": f"u{n}", "model": "m", "paused": n == 3,
                         "work_modes": ["any"], "countries": ["*"], "seniority_rank": -1,
                         "employment_types": ["any"], "salary_floor_eur": 0.0},
            )
            for n in range(6)
        ]  # fmt: skip
        await client.upsert(JOBS, points=jobs, wait=True)
        await client.upsert(CANDIDATES, points=people, wait=True)
    finally:
        await client.close()


async def test_a_local_mode_folder_is_moved_in_once_and_left_alone(tmp_path: Path) -> None:
    source = tmp_path / "qdrant"
    await old_local_mode(source)
    index = await opened(EdgeVectorIndex(tmp_path / "vectors", model_id="m", dimension=4))
    progress: list[tuple[int, int | None]] = []

    report = await migrate_local_mode(
        source, index, lambda done, total: progress.append((done, total)), batch_size=10
    )

    assert report.moved == {"jobs": 25, "candidates": 6}
    assert (report.skipped, report.already, report.rebuild_needed) == (0, False, False)
    assert progress == [(10, 31), (20, 31), (25, 31), (31, 31)]
    assert sorted(await index.ids(JOBS)) == sorted(f"j{n}" for n in range(25))
    assert await index.stale_ids(JOBS) == []  # same model, payloads upgraded to this layout
    assert await index.stale_ids(CANDIDATES) == []
    stored = await index.vectors(JOBS, ["j0", "j1"])
    np.testing.assert_allclose(stored["j1"], SAME, atol=1e-6)
    np.testing.assert_allclose(stored["j0"], [0.0, 1.0, 0.0, 0.0], atol=1e-6)
    # The paused flag was a boolean: it still keeps u3 out.
    found = await index.candidates_for_job(job(), SAME, 10)
    assert sorted(key for key, _ in found) == ["u0", "u1", "u2", "u4", "u5"]
    near = [
        key
        for page in [p async for p in index.jobs_above(person("x"), SAME, 0.9)]
        for key, _ in page
    ]
    assert sorted(near) == sorted(f"j{n}" for n in range(1, 25, 2))
    marker = json.loads((tmp_path / "vectors" / MIGRATED).read_text())
    assert marker["moved"] == {"jobs": 25, "candidates": 6}

    again = await migrate_local_mode(source, index)

    assert again.already
    assert not again.moved_any
    assert await index.count(JOBS) == 25
    client = AsyncQdrantClient(path=str(source))  # the source is as it was
    try:
        assert (await client.count(JOBS)).count == 25
    finally:
        await client.close()


async def test_points_of_another_size_are_skipped_for_a_rebuild(tmp_path: Path) -> None:
    source = tmp_path / "qdrant"
    await old_local_mode(source, dimension=8)
    index = await opened(EdgeVectorIndex(tmp_path / "vectors", model_id="m", dimension=4))

    report = await migrate_local_mode(source, index)

    assert report.skipped == 31
    assert report.rebuild_needed
    assert await index.count(JOBS) == 0


async def test_nothing_to_move_without_a_local_mode_folder(tmp_path: Path) -> None:
    index = await opened(EdgeVectorIndex(tmp_path / "vectors", model_id="m", dimension=4))

    report = await migrate_local_mode(tmp_path / "qdrant", index)

    assert (report.moved, report.already, report.moved_any) == ({}, False, False)
    assert not (tmp_path / "vectors" / MIGRATED).exists()


# --- erasure -----------------------------------------------------------------------------------


def files_holding(folder: Path, needle: bytes) -> list[str]:
    return sorted(
        str(path.relative_to(folder))
        for path in folder.rglob("*")
        if path.is_file() and needle in path.read_bytes()
    )


async def test_a_deleted_candidate_leaves_nothing_in_the_files(tmp_path: Path) -> None:
    root = tmp_path / "vectors"
    index = await opened(EdgeVectorIndex(root, model_id="m", dimension=4))
    far = np.array([0.0, 1.0, 0.0, 0.0], dtype=np.float32)
    gone = person("telegram:ERASEME", places=(BERLIN,))
    await index.upsert_candidates([(gone, SAME), *[(person(f"u{n}"), far) for n in range(30)]])
    assert files_holding(root, b"ERASEME") != []  # the probe sees what is stored

    await index.delete_candidate(gone.user_key)
    await index.erased()

    assert files_holding(root, b"ERASEME") == []
    assert not (root / ERASING).exists()
    assert sorted(await index.ids(CANDIDATES)) == sorted(f"u{n}" for n in range(30))
    np.testing.assert_allclose((await index.vectors(CANDIDATES, ["u7"]))["u7"], far, atol=1e-6)
    # The rewritten shard keeps its payload indexes and answers filtered queries.
    assert set((await asyncio.to_thread(index._shards[CANDIDATES].info)).payload_schema) == set(
        PAYLOAD_INDEXES[CANDIDATES]
    )
    assert len(await index.candidates_for_job(job(), far, 50)) == 30


async def test_deleting_a_candidate_never_indexed_rewrites_nothing(tmp_path: Path) -> None:
    # Onboarding asks to delete the not-yet-ready candidate at every step: a rewrite copies the
    # whole shard, so only a delete that removes a stored point may start one.
    root = tmp_path / "vectors"
    index = await opened(EdgeVectorIndex(root, model_id="m", dimension=4))
    await index.upsert_candidates([(person("u1"), SAME)])

    await index.delete_candidate("telegram:NEVER")
    assert not (root / ERASING).exists()

    await index.delete_candidate("u1")
    assert (root / ERASING).exists()  # the marker of a pending rewrite: this delete needs one
    await index.erased()
    assert await index.ids(CANDIDATES) == []
    await index.close()


async def test_an_erasure_left_pending_runs_on_the_next_start(tmp_path: Path) -> None:
    root = tmp_path / "vectors"
    index = EdgeVectorIndex(root, model_id="m", dimension=4)
    await index.ensure()
    await index.upsert_candidates([(person("telegram:ERASEME"), SAME), (person("u1"), SAME)])
    await index.delete(CANDIDATES, [])  # nothing deleted: nothing to rewrite
    assert not (root / ERASING).exists()
    await index.close()
    # A process deleted the candidate and stopped before rewriting: the marker says so.
    index = EdgeVectorIndex(root, model_id="m", dimension=4)
    await index.ensure()
    await index.delete(CANDIDATES, ["telegram:ERASEME"])
    index._shards.pop(CANDIDATES).close()  # as if the process stopped here
    await index.erased()
    await index.close()
    assert (root / ERASING).exists()
    assert files_holding(root, b"ERASEME") != []

    again = await opened(EdgeVectorIndex(root, model_id="m", dimension=4))
    await again.erased()

    assert files_holding(root, b"ERASEME") == []
    assert not (root / ERASING).exists()
    assert await again.ids(CANDIDATES) == ["u1"]


# --- optimizing -------------------------------------------------------------------------------


async def test_optimize_runs_out_of_process_and_keeps_every_point(tmp_path: Path) -> None:
    index = await opened(EdgeVectorIndex(tmp_path, model_id="m", dimension=4))
    rng = np.random.default_rng(5)
    vectors = rng.standard_normal((300, 4)).astype(np.float32)
    await index.upsert_candidates([(person(f"u{n}"), vectors[n]) for n in range(300)])
    before = await index.candidates_for_job(job(), SAME, 20)

    await index.optimize()

    assert await index.count(CANDIDATES) == 300
    after = await index.candidates_for_job(job(), SAME, 20)
    assert [key for key, _ in after] == [key for key, _ in before]
    np.testing.assert_allclose([s for _, s in after], [s for _, s in before], atol=1e-6)
    await index.upsert_candidates([(person("late"), SAME)])
    assert (await index.candidates_for_job(job(), SAME, 1))[0][0] == "late"


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
    tmp_path: Path, onnx: OnnxEmbedder
) -> None:
    stale = EdgeVectorIndex(tmp_path, model_id="older-model", dimension=384)
    await stale.ensure()
    gone = np.ones(384, dtype=np.float32)
    await stale.upsert_jobs([(job("py"), "approved", gone), (job("deleted"), "approved", gone)])
    await stale.upsert_candidates([(person("left"), gone)])
    await stale.close()
    index = await opened(EdgeVectorIndex.for_embedder(tmp_path, onnx))
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
    tmp_path: Path, onnx: OnnxEmbedder
) -> None:
    index = EdgeVectorIndex.for_embedder(tmp_path, onnx)
    opened_later.append(index)
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
    tmp_path: Path, onnx: OnnxEmbedder
) -> None:
    index = EdgeVectorIndex(tmp_path, model_id="another-model", dimension=384)

    with pytest.raises(ValueError, match="does not fit"):
        await rebuild(index, onnx, jobs=[], candidates=[])

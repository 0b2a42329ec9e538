"""The vector index: jobs and candidates in Qdrant, with payload pre-filters on the hard filters.

Two collections, ``jobs`` and ``candidates``, cosine distance. A point's id is a UUID derived
from our id (``point_id``); our id, the embedder's model id and the fields the filters use are
in its payload. The same code runs on qdrant-client's local mode (``AsyncQdrantClient(path=...)``,
which scans every point and ignores payload indexes) and on a Qdrant server.

The pre-filters only narrow the search: they keep every point the exact hard filters (pure
scoring code, later) could keep, and whatever they cannot decide they let through.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterable, Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time
from typing import Any, Final, Literal, TypeVar

import numpy as np
from qdrant_client import AsyncQdrantClient
from qdrant_client import models as qm

from core.domain import Seniority, WorkMode
from core.jobs import JobPosting, company_key
from core.matches import Candidate, JobForMatching
from matching.embed import Embedder, Vectors
from matching.money import floor_eur, range_eur
from matching.text import candidate_text, job_text

CollectionName = Literal["jobs", "candidates"]
JOBS: Final = "jobs"
CANDIDATES: Final = "candidates"
ID_KEYS: Final[dict[CollectionName, str]] = {"jobs": "job_id", "candidates": "user_key"}

NAMESPACE: Final = uuid.UUID("6f1c35d2-6a0e-5b8f-9c1e-4d2b7a3e9f10")
UNKNOWN: Final = "unknown"  # a job that does not say (work mode, employment type, language)
ANY: Final = "any"  # a candidate who accepts every work mode / employment type
ANYWHERE: Final = "*"  # a candidate with no place (or a place without a country)
APPROVED: Final = "approved"

SENIORITY_RANK: Final = {
    Seniority.INTERN: 0,
    Seniority.JUNIOR: 1,
    Seniority.MID: 2,
    Seniority.SENIOR: 3,
    Seniority.LEAD: 4,
    Seniority.PRINCIPAL: 5,
}
UNKNOWN_RANK: Final = -1

_K, _I, _F, _B = (
    qm.PayloadSchemaType.KEYWORD,
    qm.PayloadSchemaType.INTEGER,
    qm.PayloadSchemaType.FLOAT,
    qm.PayloadSchemaType.BOOL,
)
PAYLOAD_INDEXES: Final[dict[CollectionName, dict[str, qm.PayloadSchemaType]]] = {
    "jobs": {
        "job_id": _K,
        "model": _K,
        "status": _K,
        "work_mode": _K,
        "countries": _K,
        "any_country": _B,
        "cities": _K,
        "remote": _B,
        "salary_min_eur": _F,
        "salary_max_eur": _F,
        "seniority_rank": _I,
        "employment_type": _K,
        "posted_at": _I,
        "language": _K,
        "company_key": _K,
    },
    "candidates": {
        "user_key": _K,
        "model": _K,
        "paused": _B,
        "frequency": _K,
        "language": _K,
        "work_modes": _K,
        "countries": _K,
        "cities": _K,
        "seniority_rank": _I,
        "salary_floor_eur": _F,
        "employment_types": _K,
    },
}
UPSERT_CHUNK: Final = 256  # points per request: keeps server requests well under their size cap


def point_id(our_id: str) -> str:
    """The Qdrant point id of one of our ids: stable, so an upsert overwrites."""
    return str(uuid.uuid5(NAMESPACE, our_id))


def seniority_rank(seniority: Seniority | None) -> int:
    return UNKNOWN_RANK if seniority is None else SENIORITY_RANK[seniority]


def job_countries(posting: JobPosting) -> list[str] | None:
    """The countries a job takes candidates from; None when it sets no country condition.

    A place without a country ("Remote - EU", a bare city) might still fit a candidate by
    region or city, so one such place lifts the condition.
    """
    codes = [place.country for place in posting.locations]
    if not codes or any(code is None for code in codes):
        return None
    return sorted({code for code in codes if code is not None})


def candidate_countries(candidate: Candidate) -> list[str]:
    """ISO codes of the candidate's places, plus ``*`` when a place (or all) leaves it open."""
    codes = {place.country for place in candidate.places if place.country}
    if not candidate.places or any(place.country is None for place in candidate.places):
        codes.add(ANYWHERE)
    return sorted(codes)


def job_payload(job: JobForMatching, status: str, model_id: str) -> dict[str, Any]:
    posting = job.posting
    low, high = range_eur(posting.salary)
    payload: dict[str, Any] = {
        "job_id": job.id,
        "model": model_id,
        "status": str(status),
        "work_mode": str(posting.work_mode or UNKNOWN),
        "countries": sorted({p.country for p in posting.locations if p.country}),
        "any_country": job_countries(posting) is None,
        "cities": sorted({p.city.lower() for p in posting.locations if p.city}),
        "remote": posting.work_mode == WorkMode.REMOTE,
        "seniority_rank": seniority_rank(posting.seniority),
        "employment_type": str(posting.employment_type or UNKNOWN),
        "language": posting.language or UNKNOWN,
        "company_key": company_key(posting.company or ""),
    }
    if low is not None:
        payload["salary_min_eur"] = float(low)
    if high is not None:
        payload["salary_max_eur"] = float(high)
    if posting.posted_at is not None:
        midnight = datetime.combine(posting.posted_at, time(), tzinfo=UTC)
        payload["posted_at"] = int(midnight.timestamp())
    return payload


def candidate_payload(candidate: Candidate, model_id: str) -> dict[str, Any]:
    return {
        "user_key": candidate.user_key,
        "model": model_id,
        "paused": candidate.paused,
        "frequency": str(candidate.frequency),
        "language": candidate.lang,
        "work_modes": sorted(str(mode) for mode in candidate.work_modes) or [ANY],
        "countries": candidate_countries(candidate),
        "cities": sorted({p.city.lower() for p in candidate.places if p.city}),
        "seniority_rank": seniority_rank(candidate.seniority),
        "salary_floor_eur": float(floor_eur(candidate.salary_floor) or 0.0),
        "employment_types": sorted(str(kind) for kind in candidate.employment_types) or [ANY],
    }


def _any(key: str, values: Iterable[str] | Iterable[int]) -> qm.FieldCondition:
    return qm.FieldCondition(key=key, match=qm.MatchAny(any=list(values)))


def _either(*conditions: qm.Condition) -> qm.Filter:
    return qm.Filter(should=list(conditions))


def candidates_prefilter(posting: JobPosting) -> qm.Filter:
    """Candidates who might pass the hard filters for this job (a superset of them)."""
    must: list[qm.Condition] = [qm.FieldCondition(key="paused", match=qm.MatchValue(value=False))]
    if posting.work_mode is not None:
        must.append(_any("work_modes", [str(posting.work_mode), ANY]))
    countries = job_countries(posting)
    if countries is not None:
        must.append(_any("countries", [*countries, ANYWHERE]))
    rank = seniority_rank(posting.seniority)
    if rank != UNKNOWN_RANK:
        must.append(_any("seniority_rank", [rank - 1, rank, rank + 1, UNKNOWN_RANK]))
    if posting.employment_type is not None:
        must.append(_any("employment_types", [str(posting.employment_type), ANY]))
    _, high = range_eur(posting.salary)
    if high is not None:
        must.append(qm.FieldCondition(key="salary_floor_eur", range=qm.Range(lte=high)))
    return qm.Filter(must=must)


def jobs_prefilter(candidate: Candidate, exclude: Collection[str] = ()) -> qm.Filter:
    """Approved jobs this candidate might pass the hard filters for (a superset of them)."""
    must: list[qm.Condition] = [
        qm.FieldCondition(key="status", match=qm.MatchValue(value=APPROVED))
    ]
    if candidate.work_modes:
        must.append(_any("work_mode", [*(str(m) for m in candidate.work_modes), UNKNOWN]))
    countries = candidate_countries(candidate)
    if ANYWHERE not in countries:
        must.append(
            _either(
                qm.FieldCondition(key="any_country", match=qm.MatchValue(value=True)),
                _any("countries", countries),
            )
        )
    rank = seniority_rank(candidate.seniority)
    if rank != UNKNOWN_RANK:
        must.append(_any("seniority_rank", [rank - 1, rank, rank + 1, UNKNOWN_RANK]))
    if candidate.employment_types:
        kinds = [str(kind) for kind in candidate.employment_types]
        must.append(_any("employment_type", [*kinds, UNKNOWN]))
    floor = floor_eur(candidate.salary_floor) or 0.0
    if floor > 0:
        must.append(
            _either(
                qm.IsEmptyCondition(is_empty=qm.PayloadField(key="salary_max_eur")),
                qm.FieldCondition(key="salary_max_eur", range=qm.Range(gte=floor)),
            )
        )
    must_not: list[qm.Condition] = []
    if exclude:
        must_not.append(qm.HasIdCondition(has_id=[point_id(job_id) for job_id in exclude]))
    return qm.Filter(must=must, must_not=must_not or None)


@dataclass(frozen=True)
class EnsureReport:
    """What ``VectorIndex.ensure`` had to do."""

    created: tuple[str, ...] = ()  # collections that did not exist
    recreated: tuple[str, ...] = ()  # existed with another vector size: emptied

    @property
    def rebuild_needed(self) -> bool:
        """A collection starts empty while the store may hold its jobs or candidates."""
        return bool(self.created or self.recreated)


class VectorIndex:
    """Jobs and candidates as vectors in Qdrant, searched with payload pre-filters."""

    def __init__(self, client: AsyncQdrantClient, *, model_id: str, dimension: int) -> None:
        self.client = client
        self.model_id = model_id
        self.dimension = dimension
        options = client.init_options
        # Local mode ignores payload indexes and warns on each one, so it gets none.
        self.local = options.get("path") is not None or options.get("location") == ":memory:"

    @classmethod
    def for_embedder(cls, client: AsyncQdrantClient, embedder: Embedder) -> VectorIndex:
        return cls(client, model_id=embedder.model_id, dimension=embedder.dimension)

    async def ensure(self) -> EnsureReport:
        """Create missing collections and payload indexes; recreate on a vector size change."""
        created: list[str] = []
        recreated: list[str] = []
        for name in (JOBS, CANDIDATES):
            schema: dict[str, Any] = {}
            if not await self.client.collection_exists(name):
                await self._create(name)
                created.append(name)
            else:
                info = await self.client.get_collection(name)
                params = info.config.params.vectors
                if (
                    isinstance(params, qm.VectorParams)
                    and params.size == self.dimension
                    and params.distance == qm.Distance.COSINE
                ):
                    schema = info.payload_schema
                else:
                    await self.client.delete_collection(name)
                    await self._create(name)
                    recreated.append(name)
            if not self.local:
                for field, kind in PAYLOAD_INDEXES[name].items():
                    if field not in schema:
                        await self.client.create_payload_index(name, field, kind, wait=True)
        return EnsureReport(tuple(created), tuple(recreated))

    async def _create(self, name: str) -> None:
        await self.client.create_collection(
            name, vectors_config=qm.VectorParams(size=self.dimension, distance=qm.Distance.COSINE)
        )

    async def upsert_jobs(self, items: Sequence[tuple[JobForMatching, str, Vectors]]) -> None:
        """Store jobs with their status and vector; the same job id overwrites."""
        points = [
            self._point(job.id, vector, job_payload(job, status, self.model_id))
            for job, status, vector in items
        ]
        await self._upsert(JOBS, points)

    async def upsert_candidates(self, items: Sequence[tuple[Candidate, Vectors]]) -> None:
        """Store candidates with their vector; the same user key overwrites."""
        points = [
            self._point(candidate.user_key, vector, candidate_payload(candidate, self.model_id))
            for candidate, vector in items
        ]
        await self._upsert(CANDIDATES, points)

    def _point(self, our_id: str, vector: Vectors, payload: dict[str, Any]) -> qm.PointStruct:
        values = np.asarray(vector, dtype=np.float32).reshape(-1)
        if values.shape[0] != self.dimension:
            raise ValueError(f"{our_id}: {values.shape[0]} dimensions, expected {self.dimension}")
        return qm.PointStruct(id=point_id(our_id), vector=values.tolist(), payload=payload)

    async def _upsert(self, collection: str, points: list[qm.PointStruct]) -> None:
        for start in range(0, len(points), UPSERT_CHUNK):
            chunk = points[start : start + UPSERT_CHUNK]
            await self.client.upsert(collection, points=chunk, wait=True)

    async def set_job_status(self, job_id: str, status: str) -> None:
        """Change a stored job's status (approved, closed, ...) without embedding it again.

        A job that is not in the index is ignored (selected by filter: by id, a missing point
        is an error in both local mode and on a server).
        """
        this = qm.Filter(must=[qm.HasIdCondition(has_id=[point_id(job_id)])])
        await self.client.set_payload(JOBS, payload={"status": str(status)}, points=this, wait=True)

    async def delete_jobs(self, ids: Iterable[str]) -> None:
        await self.delete(JOBS, ids)

    async def delete_candidate(self, user_key: str) -> None:
        await self.delete(CANDIDATES, [user_key])

    async def delete(self, collection: CollectionName, ids: Iterable[str]) -> None:
        """Remove these ids' points; unknown ids are ignored."""
        points: list[qm.ExtendedPointId] = [point_id(our_id) for our_id in ids]
        if points:
            selector = qm.PointIdsList(points=points)
            await self.client.delete(collection, points_selector=selector, wait=True)

    async def candidates_for_job(
        self, job: JobForMatching, vector: Vectors, limit: int
    ) -> list[tuple[str, float]]:
        """(user_key, cosine) of the closest candidates who might pass the job's filters."""
        return await self._query(CANDIDATES, vector, candidates_prefilter(job.posting), limit)

    async def jobs_for_candidate(
        self, candidate: Candidate, vector: Vectors, limit: int, exclude: Collection[str] = ()
    ) -> list[tuple[str, float]]:
        """(job_id, cosine) of the closest approved jobs that might pass the candidate's filters."""
        return await self._query(JOBS, vector, jobs_prefilter(candidate, exclude), limit)

    async def _query(
        self, collection: CollectionName, vector: Vectors, query_filter: qm.Filter, limit: int
    ) -> list[tuple[str, float]]:
        if limit < 1:
            return []
        key = ID_KEYS[collection]
        response = await self.client.query_points(
            collection,
            query=np.asarray(vector, dtype=np.float32).reshape(-1).tolist(),
            query_filter=query_filter,
            limit=limit,
            with_payload=[key],
        )
        return [(str((hit.payload or {})[key]), float(hit.score)) for hit in response.points]

    async def vectors(self, collection: CollectionName, ids: Iterable[str]) -> dict[str, Vectors]:
        """The stored vectors of these ids (those found), by our id; unit length (cosine)."""
        points: list[qm.ExtendedPointId] = [point_id(our_id) for our_id in ids]
        if not points:
            return {}
        key = ID_KEYS[collection]
        records = await self.client.retrieve(
            collection, ids=points, with_payload=[key], with_vectors=True
        )
        return {
            str((record.payload or {})[key]): np.asarray(record.vector, dtype=np.float32)
            for record in records
        }

    async def count(self, collection: CollectionName) -> int:
        return (await self.client.count(collection, exact=True)).count

    async def stale_ids(self, collection: CollectionName) -> list[str]:
        """Our ids whose vector came from another model than this index's: to embed again."""
        current = qm.FieldCondition(key="model", match=qm.MatchValue(value=self.model_id))
        return await self.ids(collection, qm.Filter(must_not=[current]))

    async def ids(self, collection: CollectionName, where: qm.Filter | None = None) -> list[str]:
        """Our ids of every point (that matches ``where``)."""
        key = ID_KEYS[collection]
        found: list[str] = []
        offset: qm.ExtendedPointId | None = None
        while True:
            records, offset = await self.client.scroll(
                collection,
                scroll_filter=where,
                limit=1_000,
                offset=offset,
                with_payload=[key],
                with_vectors=False,
            )
            found.extend(str((record.payload or {})[key]) for record in records)
            if offset is None:
                return found


# --- rebuilding from the store ---------------------------------------------------------------

Progress = Callable[[int, int | None], None]  # (done, total); total None when not known
_T = TypeVar("_T")


@dataclass(frozen=True)
class RebuildReport:
    jobs: int
    candidates: int
    removed: int  # points whose ids were not among the inputs (pruned)
    ensured: EnsureReport


async def _batches(items: AsyncIterable[_T] | Iterable[_T], size: int) -> AsyncIterable[list[_T]]:
    batch: list[_T] = []
    if isinstance(items, AsyncIterable):
        async for item in items:
            batch.append(item)
            if len(batch) == size:
                yield batch
                batch = []
    else:
        for item in items:
            batch.append(item)
            if len(batch) == size:
                yield batch
                batch = []
    if batch:
        yield batch


def _sized_total(*inputs: object) -> int | None:
    sizes = [len(items) for items in inputs if isinstance(items, Collection)]
    return sum(sizes) if len(sizes) == len(inputs) else None


async def rebuild(
    index: VectorIndex,
    embedder: Embedder,
    *,
    jobs: AsyncIterable[tuple[JobForMatching, str]] | Iterable[tuple[JobForMatching, str]],
    candidates: AsyncIterable[Candidate] | Iterable[Candidate],
    total: int | None = None,
    progress: Progress | None = None,
    batch_size: int = 256,
    prune: bool = True,
) -> RebuildReport:
    """Embed every (job, status) and candidate again and store them in the index.

    ``jobs`` and ``candidates`` may be lists or async iterables (a database cursor); only one
    batch and the ids seen so far are held in memory. ``progress(done, total)`` is called after
    every batch; ``total`` is the number of jobs plus candidates when the caller knows it, else
    the inputs' length when both are sized, else None. With ``prune``, points whose ids were not
    among the inputs are deleted afterwards, so the index mirrors exactly what was given.
    """
    if embedder.model_id != index.model_id or embedder.dimension != index.dimension:
        raise ValueError(
            f"the embedder ({embedder.model_id}, {embedder.dimension}) does not fit the index"
            f" ({index.model_id}, {index.dimension})"
        )
    ensured = await index.ensure()
    total = total if total is not None else _sized_total(jobs, candidates)
    done = 0
    seen: dict[CollectionName, set[str]] = {JOBS: set(), CANDIDATES: set()}
    async for job_batch in _batches(jobs, batch_size):
        texts = [job_text(job.posting) for job, _ in job_batch]
        vectors = await asyncio.to_thread(embedder.embed, texts)
        await index.upsert_jobs(
            [
                (job, status, vector)
                for (job, status), vector in zip(job_batch, vectors, strict=True)
            ]
        )
        seen[JOBS].update(job.id for job, _ in job_batch)
        done += len(job_batch)
        if progress is not None:
            progress(done, total)
    async for candidate_batch in _batches(candidates, batch_size):
        texts = [candidate_text(candidate) for candidate in candidate_batch]
        vectors = await asyncio.to_thread(embedder.embed, texts)
        await index.upsert_candidates(list(zip(candidate_batch, vectors, strict=True)))
        seen[CANDIDATES].update(candidate.user_key for candidate in candidate_batch)
        done += len(candidate_batch)
        if progress is not None:
            progress(done, total)
    removed = 0
    if prune:
        for collection, kept in seen.items():
            gone = [our_id for our_id in await index.ids(collection) if our_id not in kept]
            await index.delete(collection, gone)
            removed += len(gone)
    return RebuildReport(
        jobs=len(seen[JOBS]), candidates=len(seen[CANDIDATES]), removed=removed, ensured=ensured
    )

"""The vector index port: jobs and candidates as vectors, searched with payload pre-filters.

Two collections, ``jobs`` and ``candidates``, cosine distance. A point's id is a UUID derived
from our id (``point_id``); our id, the embedder's model id, the payload layout and the fields
the filters use are in its payload. Two adapters implement the port:

- ``matching.index_edge.EdgeVectorIndex``: qdrant-edge-py in-process under the data folder
  (the embedded default: payload indexes, a query planner, HNSW once optimized);
- ``matching.index_qdrant.QdrantVectorIndex``: qdrant-client for a Qdrant server or cluster
  (``QDRANT_URL``); its local mode stands in for a server in tests.

Both build their filters from one description (``matching.filters``), write the same payloads
(below) and pass one contract suite (tests/contract/test_vector_index.py).
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import (
    AsyncIterable,
    AsyncIterator,
    Awaitable,
    Callable,
    Collection,
    Iterable,
    Sequence,
)
from dataclasses import dataclass
from datetime import UTC, datetime, time
from typing import Any, Final, Generic, Literal, Protocol, TypeVar

import numpy as np

from core.domain import WorkMode
from core.jobs import company_key
from core.matches import Candidate, JobForMatching
from matching.embed import Embedder, Vectors
from matching.filters import (
    ANY,
    ANYWHERE,
    APPROVED,
    NO,
    SENIORITY_RANK,
    UNKNOWN,
    UNKNOWN_RANK,
    YES,
    Where,
    candidate_countries,
    candidates_prefilter,
    job_countries,
    jobs_prefilter,
    seniority_rank,
)
from matching.money import floor_eur, range_eur
from matching.text import candidate_text, job_text

__all__ = [
    "ANY",
    "ANYWHERE",
    "APPROVED",
    "CANDIDATES",
    "JOBS",
    "SENIORITY_RANK",
    "UNKNOWN",
    "UNKNOWN_RANK",
    "EnsureReport",
    "Hit",
    "VectorIndex",
    "candidate_payload",
    "job_payload",
    "point_id",
    "rebuild",
    "seniority_rank",
]

CollectionName = Literal["jobs", "candidates"]
JOBS: Final = "jobs"
CANDIDATES: Final = "candidates"
COLLECTIONS: Final[tuple[CollectionName, ...]] = (JOBS, CANDIDATES)
ID_KEYS: Final[dict[CollectionName, str]] = {"jobs": "job_id", "candidates": "user_key"}

NAMESPACE: Final = uuid.UUID("6f1c35d2-6a0e-5b8f-9c1e-4d2b7a3e9f10")
# The payload layout: 2 stores flags as 0/1 integers (layout 1, unmarked, had booleans). A
# point of another layout is stale, like one of another model, and is written again.
LAYOUT: Final = 2

FieldKind = Literal["keyword", "integer", "float"]
PAYLOAD_INDEXES: Final[dict[CollectionName, dict[str, FieldKind]]] = {
    "jobs": {
        "job_id": "keyword",
        "model": "keyword",
        "layout": "integer",
        "status": "keyword",
        "work_mode": "keyword",
        "countries": "keyword",
        "any_country": "integer",
        "cities": "keyword",
        "remote": "integer",
        "salary_min_eur": "float",
        "salary_max_eur": "float",
        "seniority_rank": "integer",
        "employment_type": "keyword",
        "posted_at": "integer",
        "language": "keyword",
        "company_key": "keyword",
    },
    "candidates": {
        "user_key": "keyword",
        "model": "keyword",
        "layout": "integer",
        "paused": "integer",
        "frequency": "keyword",
        "language": "keyword",
        "work_modes": "keyword",
        "countries": "keyword",
        "cities": "keyword",
        "seniority_rank": "integer",
        "salary_floor_eur": "float",
        "employment_types": "keyword",
    },
}
FLAGS: Final = frozenset({"paused", "any_country", "remote"})
UPSERT_CHUNK: Final = 256  # points per request: keeps server requests well under their size cap
PAGE_SIZE: Final = 1_000
FIRST_WINDOW: Final = 8  # pages the first request of a range query asks for
WINDOW_GROWTH: Final = 8  # each further request asks for this many times more
MAX_WINDOWS: Final = 64  # pages one request asks for at most

Hit = tuple[str, float]  # (our id, cosine)


def point_id(our_id: str) -> str:
    """The Qdrant point id of one of our ids: stable, so an upsert overwrites."""
    return str(uuid.uuid5(NAMESPACE, our_id))


def flag(value: bool) -> int:
    return YES if value else NO


def job_payload(job: JobForMatching, status: str, model_id: str) -> dict[str, Any]:
    posting = job.posting
    low, high = range_eur(posting.salary)
    payload: dict[str, Any] = {
        "job_id": job.id,
        "model": model_id,
        "layout": LAYOUT,
        "status": str(status),
        "work_mode": str(posting.work_mode or UNKNOWN),
        "countries": sorted({p.country for p in posting.locations if p.country}),
        "any_country": flag(job_countries(posting) is None),
        "cities": sorted({p.city.lower() for p in posting.locations if p.city}),
        "remote": flag(posting.work_mode == WorkMode.REMOTE),
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
        "layout": LAYOUT,
        "paused": flag(candidate.paused),
        "frequency": str(candidate.frequency),
        "language": candidate.lang,
        "work_modes": sorted(str(mode) for mode in candidate.work_modes) or [ANY],
        "countries": candidate_countries(candidate),
        "cities": sorted({p.city.lower() for p in candidate.places if p.city}),
        "seniority_rank": seniority_rank(candidate.seniority),
        "salary_floor_eur": float(floor_eur(candidate.salary_floor) or 0.0),
        "employment_types": sorted(str(kind) for kind in candidate.employment_types) or [ANY],
    }


def upgrade_payload(payload: dict[str, Any]) -> dict[str, Any]:
    """A payload of an older layout in this one (booleans to 0/1), the model id kept."""
    upgraded = {key: flag(value) if key in FLAGS else value for key, value in payload.items()}
    upgraded["layout"] = LAYOUT
    return upgraded


def unit_vector(our_id: str, vector: Vectors, dimension: int) -> list[float]:
    """The vector as a list of floats, refused when its size is not the index's."""
    values = np.asarray(vector, dtype=np.float32).reshape(-1)
    if values.shape[0] != dimension:
        raise ValueError(f"{our_id}: {values.shape[0]} dimensions, expected {dimension}")
    return values.tolist()


@dataclass(frozen=True)
class EnsureReport:
    """What ``VectorIndex.ensure`` had to do."""

    created: tuple[str, ...] = ()  # collections that did not exist
    recreated: tuple[str, ...] = ()  # existed with another vector size: emptied

    @property
    def rebuild_needed(self) -> bool:
        """A collection starts empty while the store may hold its jobs or candidates."""
        return bool(self.created or self.recreated)


class VectorIndex(Protocol):
    """Jobs and candidates as vectors, searched with payload pre-filters."""

    model_id: str
    dimension: int

    async def ensure(self) -> EnsureReport:
        """Create missing collections and payload indexes; recreate on a vector size change."""
        ...

    async def upsert_jobs(self, items: Sequence[tuple[JobForMatching, str, Vectors]]) -> None:
        """Store jobs with their status and vector; the same job id overwrites."""
        ...

    async def upsert_candidates(self, items: Sequence[tuple[Candidate, Vectors]]) -> None:
        """Store candidates with their vector; the same user key overwrites."""
        ...

    async def set_job_status(self, job_id: str, status: str) -> None:
        """Change a stored job's status without embedding it again; unknown ids are ignored."""
        ...

    async def delete_jobs(self, ids: Iterable[str]) -> None:
        """Remove these jobs; unknown ids are ignored."""
        ...

    async def delete_candidate(self, user_key: str) -> None:
        """Remove this candidate; an unknown key is ignored."""
        ...

    async def delete(self, collection: CollectionName, ids: Iterable[str]) -> None:
        """Remove these ids' points; unknown ids are ignored."""
        ...

    async def candidates_for_job(
        self, job: JobForMatching, vector: Vectors, limit: int
    ) -> list[Hit]:
        """(user_key, cosine) of the closest candidates who might pass the job's filters."""
        ...

    async def jobs_for_candidate(
        self, candidate: Candidate, vector: Vectors, limit: int, exclude: Collection[str] = ()
    ) -> list[Hit]:
        """(job_id, cosine) of the closest approved jobs that might pass the candidate's filters."""
        ...

    def candidates_above(
        self, job: JobForMatching, vector: Vectors, floor: float, page_size: int = PAGE_SIZE
    ) -> AsyncIterator[list[Hit]]:
        """Every candidate whose cosine is at least ``floor`` and who might pass the job's
        filters, in pages of at most ``page_size``, best first; each candidate once."""
        ...

    def jobs_above(
        self,
        candidate: Candidate,
        vector: Vectors,
        floor: float,
        page_size: int = PAGE_SIZE,
        exclude: Collection[str] = (),
    ) -> AsyncIterator[list[Hit]]:
        """Every approved job whose cosine is at least ``floor`` and that might pass the
        candidate's filters, in pages of at most ``page_size``, best first; each job once."""
        ...

    async def vectors(self, collection: CollectionName, ids: Iterable[str]) -> dict[str, Vectors]:
        """The stored vectors of these ids (those found), by our id; unit length (cosine)."""
        ...

    async def count(self, collection: CollectionName) -> int:
        """How many points the collection holds."""
        ...

    async def stale_ids(self, collection: CollectionName) -> list[str]:
        """Our ids whose vector came from another model (or payload layout): to write again."""
        ...

    async def ids(self, collection: CollectionName) -> list[str]:
        """Our ids of every point."""
        ...

    async def ready(self) -> None:
        """Return when the index answers; raise when it does not (readiness probe)."""
        ...

    async def close(self) -> None:
        """Release the index (flush to disk, close connections)."""
        ...


async def pages_above(
    query: Callable[[int, int], Awaitable[list[Hit]]],
    floor: float,
    page_size: int,
    first: int = FIRST_WINDOW,
    growth: int = WINDOW_GROWTH,
) -> AsyncIterator[list[Hit]]:
    """Page through a backend's thresholded query: ``query(offset, limit)`` returns hits best
    first, all at least ``floor``.

    The first request asks for ``first`` pages, each next one for ``growth`` times more (up to
    ``MAX_WINDOWS`` pages): an exact scan costs about the same whatever the limit, so a range
    set takes one scan, or a few, not one per page. Should a backend answer approximately
    (HNSW), the search for ``offset + limit`` may order a few points differently from the one
    before, so a point may come back in a later window: each is yielded once.
    """
    if page_size < 1:
        raise ValueError("page_size must be at least 1")
    seen: set[str] = set()
    offset = 0
    window = page_size * first
    while True:
        hits = await query(offset, window)
        fresh = [(key, score) for key, score in hits if key not in seen and score >= floor]
        seen.update(key for key, _ in fresh)
        for start in range(0, len(fresh), page_size):
            yield fresh[start : start + page_size]
        if len(hits) < window:
            return
        offset += window
        window = min(window * growth, page_size * MAX_WINDOWS)


_F = TypeVar("_F")  # a backend's filter model


class FilteredSearch(Generic[_F]):
    """The searches both adapters share: the pre-filter is built once from the one filter
    description (``matching.filters``), then ``_filter`` translates it into the backend's
    model and ``_query`` runs it (top-k, or a thresholded exact window for range queries)."""

    def _filter(self, where: Where) -> _F:
        raise NotImplementedError

    async def _query(
        self,
        collection: CollectionName,
        vector: Vectors,
        where: _F,
        limit: int,
        *,
        offset: int = 0,
        floor: float | None = None,
        exact: bool = False,
    ) -> list[Hit]:
        raise NotImplementedError

    async def candidates_for_job(
        self, job: JobForMatching, vector: Vectors, limit: int
    ) -> list[Hit]:
        where = self._filter(candidates_prefilter(job.posting))
        return await self._query(CANDIDATES, vector, where, limit)

    async def jobs_for_candidate(
        self, candidate: Candidate, vector: Vectors, limit: int, exclude: Collection[str] = ()
    ) -> list[Hit]:
        where = self._filter(jobs_prefilter(candidate, exclude))
        return await self._query(JOBS, vector, where, limit)

    def candidates_above(
        self, job: JobForMatching, vector: Vectors, floor: float, page_size: int = PAGE_SIZE
    ) -> AsyncIterator[list[Hit]]:
        where = self._filter(candidates_prefilter(job.posting))
        return self._above(CANDIDATES, vector, where, floor, page_size)

    def jobs_above(
        self,
        candidate: Candidate,
        vector: Vectors,
        floor: float,
        page_size: int = PAGE_SIZE,
        exclude: Collection[str] = (),
    ) -> AsyncIterator[list[Hit]]:
        where = self._filter(jobs_prefilter(candidate, exclude))
        return self._above(JOBS, vector, where, floor, page_size)

    def _above(
        self,
        collection: CollectionName,
        vector: Vectors,
        where: _F,
        floor: float,
        page_size: int,
    ) -> AsyncIterator[list[Hit]]:
        async def page(offset: int, limit: int) -> list[Hit]:
            return await self._query(
                collection, vector, where, limit, offset=offset, floor=floor, exact=True
            )

        return pages_above(page, floor, page_size)


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

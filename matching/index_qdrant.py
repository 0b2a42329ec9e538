"""The vector index on a Qdrant server or cluster, through qdrant-client (``QDRANT_URL``).

qdrant-client's local mode (``AsyncQdrantClient(path=...)`` or ``":memory:"``) runs the same
code and stands in for a server in tests; it checks filters in Python point by point and
ignores payload indexes (it warns when asked for one), so it is never the embedded default.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Sequence
from typing import Any, Final

import numpy as np
from qdrant_client import AsyncQdrantClient
from qdrant_client import models as qm

from core.matches import Candidate, JobForMatching
from matching.embed import Embedder, Vectors
from matching.filters import (
    AnyOf,
    Between,
    Condition,
    Either,
    Missing,
    Where,
    current,
)
from matching.index import (
    CANDIDATES,
    COLLECTIONS,
    ID_KEYS,
    JOBS,
    LAYOUT,
    PAYLOAD_INDEXES,
    UPSERT_CHUNK,
    CollectionName,
    EnsureReport,
    FieldKind,
    FilteredSearch,
    Hit,
    candidate_payload,
    job_payload,
    point_id,
    unit_vector,
)

SCHEMA: Final[dict[FieldKind, qm.PayloadSchemaType]] = {
    "keyword": qm.PayloadSchemaType.KEYWORD,
    "integer": qm.PayloadSchemaType.INTEGER,
    "float": qm.PayloadSchemaType.FLOAT,
}
HNSW_EF: Final = 128  # top-k searches: a little wider than Qdrant's default


def to_condition(condition: Condition) -> qm.Condition:
    """One condition of the filter description in qdrant-client's models."""
    if isinstance(condition, AnyOf):
        return qm.FieldCondition(key=condition.key, match=qm.MatchAny(any=list(condition.values)))
    if isinstance(condition, Between):
        bounds = qm.Range(gte=condition.gte, lte=condition.lte)
        return qm.FieldCondition(key=condition.key, range=bounds)
    if isinstance(condition, Missing):
        return qm.IsEmptyCondition(is_empty=qm.PayloadField(key=condition.key))
    if isinstance(condition, Either):
        return qm.Filter(should=[to_condition(part) for part in condition.conditions])
    return to_filter(condition)


def to_filter(where: Where) -> qm.Filter:
    """The filter description in qdrant-client's models."""
    must_not = [to_condition(part) for part in where.must_not]
    if where.exclude_ids:
        ids: list[qm.ExtendedPointId] = [point_id(our_id) for our_id in where.exclude_ids]
        must_not.append(qm.HasIdCondition(has_id=ids))
    return qm.Filter(must=[to_condition(part) for part in where.must], must_not=must_not or None)


def search_params(wanted: int, *, exact: bool) -> qm.SearchParams:
    # A range query wants every point above the floor: an exact scan of what the payload
    # indexes let through finds them all, where filtered HNSW lost 4.5% (bench/matching.py).
    return qm.SearchParams(exact=True) if exact else qm.SearchParams(hnsw_ef=max(HNSW_EF, wanted))


class QdrantVectorIndex(FilteredSearch[qm.Filter]):
    """The ``VectorIndex`` port on qdrant-client (a server, or local mode in tests)."""

    def __init__(self, client: AsyncQdrantClient, *, model_id: str, dimension: int) -> None:
        self.client = client
        self.model_id = model_id
        self.dimension = dimension
        options = client.init_options
        self.local = options.get("path") is not None or options.get("location") == ":memory:"

    @classmethod
    def for_embedder(cls, client: AsyncQdrantClient, embedder: Embedder) -> QdrantVectorIndex:
        return cls(client, model_id=embedder.model_id, dimension=embedder.dimension)

    async def ensure(self) -> EnsureReport:
        created: list[str] = []
        recreated: list[str] = []
        for name in COLLECTIONS:
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
            for field, kind in PAYLOAD_INDEXES[name].items():
                if field not in schema:
                    await self._index_field(name, field, SCHEMA[kind])
        return EnsureReport(tuple(created), tuple(recreated))

    async def _index_field(self, name: str, field: str, kind: qm.PayloadSchemaType) -> None:
        # Local mode ignores payload indexes and warns on each; asking anyway keeps the path
        # a server takes exercised by the tests.
        with warnings.catch_warnings():
            if self.local:
                warnings.simplefilter("ignore", UserWarning)
            await self.client.create_payload_index(name, field, kind, wait=True)

    async def _create(self, name: str) -> None:
        await self.client.create_collection(
            name, vectors_config=qm.VectorParams(size=self.dimension, distance=qm.Distance.COSINE)
        )

    async def upsert_jobs(self, items: Sequence[tuple[JobForMatching, str, Vectors]]) -> None:
        points = [
            self._point(job.id, vector, job_payload(job, status, self.model_id))
            for job, status, vector in items
        ]
        await self.put(JOBS, points)

    async def upsert_candidates(self, items: Sequence[tuple[Candidate, Vectors]]) -> None:
        points = [
            self._point(candidate.user_key, vector, candidate_payload(candidate, self.model_id))
            for candidate, vector in items
        ]
        await self.put(CANDIDATES, points)

    def _point(self, our_id: str, vector: Vectors, payload: dict[str, Any]) -> qm.PointStruct:
        values = unit_vector(our_id, vector, self.dimension)
        return qm.PointStruct(id=point_id(our_id), vector=values, payload=payload)

    async def put(self, collection: CollectionName, points: list[qm.PointStruct]) -> None:
        for start in range(0, len(points), UPSERT_CHUNK):
            chunk = points[start : start + UPSERT_CHUNK]
            await self.client.upsert(collection, points=chunk, wait=True)

    async def set_job_status(self, job_id: str, status: str) -> None:
        # Selected by filter: by id, a missing point is an error (local mode and server).
        this = qm.Filter(must=[qm.HasIdCondition(has_id=[point_id(job_id)])])
        await self.client.set_payload(JOBS, payload={"status": str(status)}, points=this, wait=True)

    async def delete_jobs(self, ids: Iterable[str]) -> None:
        await self.delete(JOBS, ids)

    async def delete_candidate(self, user_key: str) -> None:
        await self.delete(CANDIDATES, [user_key])

    async def delete(self, collection: CollectionName, ids: Iterable[str]) -> None:
        points: list[qm.ExtendedPointId] = [point_id(our_id) for our_id in ids]
        if points:
            selector = qm.PointIdsList(points=points)
            await self.client.delete(collection, points_selector=selector, wait=True)

    def _filter(self, where: Where) -> qm.Filter:
        return to_filter(where)

    async def _query(
        self,
        collection: CollectionName,
        vector: Vectors,
        where: qm.Filter,
        limit: int,
        *,
        offset: int = 0,
        floor: float | None = None,
        exact: bool = False,
    ) -> list[Hit]:
        if limit < 1:
            return []
        key = ID_KEYS[collection]
        response = await self.client.query_points(
            collection,
            query=np.asarray(vector, dtype=np.float32).reshape(-1).tolist(),
            query_filter=where,
            limit=limit,
            offset=offset or None,
            score_threshold=floor,
            # Local mode searches exactly and warns about search parameters.
            search_params=None if self.local else search_params(offset + limit, exact=exact),
            with_payload=[key],
        )
        return [(str((hit.payload or {})[key]), float(hit.score)) for hit in response.points]

    async def vectors(self, collection: CollectionName, ids: Iterable[str]) -> dict[str, Vectors]:
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
        fresh = to_filter(current(self.model_id, LAYOUT))
        return await self._ids(collection, qm.Filter(must_not=[fresh]))

    async def ids(self, collection: CollectionName) -> list[str]:
        return await self._ids(collection, None)

    async def _ids(self, collection: CollectionName, where: qm.Filter | None) -> list[str]:
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

    async def ready(self) -> None:
        await self.client.get_collections()

    async def close(self) -> None:
        await self.client.close()

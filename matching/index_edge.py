"""The vector index in-process: qdrant-edge-py (Qdrant's own engine) under the data folder.

Each collection is one edge shard in a folder of its own (``<root>/jobs``, ``<root>/candidates``)
with payload indexes on the filtered fields, so the engine's query planner picks an exact search
over the points the payload indexes let through, or HNSW once a shard is optimized and the
filter lets many through.

qdrant-edge 0.9.0 holds Python's GIL inside its calls: ``optimize()`` (building HNSW, minutes
for a million points) would freeze the whole process, in a thread too. ``optimize`` therefore
closes the shards and runs it in a child process, then opens them again; calls made meanwhile
wait for it. The other calls hold the GIL too, for milliseconds (a range query at 100k points
is a few scans): they run one at a time, in a worker thread.

Erasure: deleting a point only marks it deleted; its payload (the user key, places, salary
floor) and vector stay in the segment files and the write-ahead log (checked on 0.9.0, and
``optimize`` does not drop them). When candidates are deleted, the candidates shard is
therefore rewritten in the background: the live points are copied into a fresh shard, which
replaces the old folder, and the old folder is removed. A marker file (``ERASING``) records the
pending rewrite, so a process that stops first finishes it on its next start; ``erased()``
waits for it. Other calls wait while it runs (seconds at 100k candidates).

``migrate_local_mode`` copies a qdrant-client local-mode folder (the embedded default before
this engine) into the shards once, vectors and payloads as they are, and leaves it alone.
"""

from __future__ import annotations

import asyncio
import functools
import json
import shutil
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, TypeVar

import numpy as np
import qdrant_edge as qe
import structlog

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
    CollectionName,
    EnsureReport,
    FieldKind,
    FilteredSearch,
    Hit,
    Progress,
    candidate_payload,
    job_payload,
    point_id,
    unit_vector,
    upgrade_payload,
)

log = structlog.get_logger(__name__)

SCHEMA: Final[dict[FieldKind, qe.PayloadSchemaType]] = {
    "keyword": qe.PayloadSchemaType.Keyword,
    "integer": qe.PayloadSchemaType.Integer,
    "float": qe.PayloadSchemaType.Float,
}
CONFIG_FILE: Final = "edge_config.json"  # where a shard keeps its configuration
MIGRATED: Final = "migrated-from-local-mode.json"
ERASING: Final = "erasing"  # candidates were deleted: their shard is to be rewritten
HNSW_EF: Final = 128  # top-k searches: a little wider than Qdrant's default
WRITE_CHUNK: Final = 1_000
OPTIMIZE = """
import sys
import qdrant_edge
shard = qdrant_edge.EdgeShard.load(sys.argv[1])
shard.optimize()
shard.close()
"""
_T = TypeVar("_T")


def to_condition(condition: Condition) -> Any:
    """One condition of the filter description in qdrant-edge's models."""
    if isinstance(condition, AnyOf):
        values: list[str] | list[int] = list(condition.values)  # type: ignore[assignment]
        return qe.FieldCondition(key=condition.key, match=qe.MatchAny(values))
    if isinstance(condition, Between):
        bounds = qe.RangeFloat(gte=condition.gte, lte=condition.lte)
        return qe.FieldCondition(key=condition.key, range=bounds)
    if isinstance(condition, Missing):
        return qe.IsEmptyCondition(condition.key)
    if isinstance(condition, Either):
        return qe.Filter(should=[to_condition(part) for part in condition.conditions])
    return to_filter(condition)


def to_filter(where: Where) -> qe.Filter:
    """The filter description in qdrant-edge's models."""
    must_not = [to_condition(part) for part in where.must_not]
    if where.exclude_ids:
        must_not.append(qe.HasIdCondition({point_id(our_id) for our_id in where.exclude_ids}))
    return qe.Filter(must=[to_condition(part) for part in where.must], must_not=must_not or None)


def _scroll(request: qe.ScrollRequest, shard: qe.EdgeShard) -> tuple[list[qe.Record], Any]:
    return shard.scroll(request)


def search_params(wanted: int, *, exact: bool) -> qe.SearchParams:
    # A range query wants every point above the floor: an exact scan of what the payload
    # indexes let through finds them all, where filtered HNSW lost 4.5% (bench/matching.py).
    return qe.SearchParams(exact=True) if exact else qe.SearchParams(hnsw_ef=max(HNSW_EF, wanted))


REWRITING: Final = ".rewriting"  # suffixes of the folders a rewrite uses next to the shard's
RETIRED: Final = ".retired"


def _recover_rewrite(folder: Path) -> None:
    """Undo a rewrite a stopped process left half done: the old shard comes back (its deleted
    points still in its files, so the ``ERASING`` marker is still there and it runs again)."""
    retired = folder.with_name(folder.name + RETIRED)
    if not (folder / CONFIG_FILE).exists() and (retired / CONFIG_FILE).exists():
        shutil.rmtree(folder, ignore_errors=True)
        retired.rename(folder)
    for leftover in (retired, folder.with_name(folder.name + REWRITING)):
        shutil.rmtree(leftover, ignore_errors=True)


def stored_size(folder: Path) -> int | None:
    """The vector size a shard folder was created with; None when there is no shard."""
    try:
        config = json.loads((folder / CONFIG_FILE).read_text())
    except FileNotFoundError:
        return None
    size: int = config["vectors"][""]["size"]
    return size


class EdgeVectorIndex(FilteredSearch[qe.Filter]):
    """The ``VectorIndex`` port on qdrant-edge shards under ``root``."""

    def __init__(self, root: Path, *, model_id: str, dimension: int) -> None:
        self.root = root
        self.model_id = model_id
        self.dimension = dimension
        self._shards: dict[CollectionName, qe.EdgeShard] = {}
        # One call at a time (they hold the GIL anyway); optimize holds it while shards are shut.
        self._gate = asyncio.Lock()
        self._eraser: asyncio.Task[None] | None = None
        self._erase_again = False

    @classmethod
    def for_embedder(cls, root: Path, embedder: Embedder) -> EdgeVectorIndex:
        return cls(root, model_id=embedder.model_id, dimension=embedder.dimension)

    def _config(self) -> qe.EdgeConfig:
        return qe.EdgeConfig(
            vectors=qe.EdgeVectorParams(size=self.dimension, distance=qe.Distance.Cosine),
            payload_memory=qe.Memory.Cached,  # filters read payloads: keep them in memory
        )

    async def ensure(self) -> EnsureReport:
        async with self._gate:
            report = await asyncio.to_thread(self._ensure)
        if (self.root / ERASING).exists():  # left by a process that stopped before rewriting
            self._erase_soon()
        return report

    def _ensure(self) -> EnsureReport:
        created: list[str] = []
        recreated: list[str] = []
        for name in COLLECTIONS:
            folder = self.root / name
            _recover_rewrite(folder)
            if name in self._shards:
                shard = self._shards[name]
            else:
                size = stored_size(folder)
                if size == self.dimension:
                    shard = qe.EdgeShard.load(str(folder), self._config())
                else:
                    if size is None:
                        created.append(name)
                    else:
                        recreated.append(name)
                    shutil.rmtree(folder, ignore_errors=True)
                    folder.mkdir(parents=True)
                    shard = qe.EdgeShard.create(str(folder), self._config())
                self._shards[name] = shard
            indexed = shard.info().payload_schema
            for key, kind in PAYLOAD_INDEXES[name].items():
                if key not in indexed:
                    shard.update(qe.UpdateOperation.create_field_index(key, SCHEMA[kind]))
        return EnsureReport(tuple(created), tuple(recreated))

    async def _run(self, collection: CollectionName, call: Callable[[qe.EdgeShard], _T]) -> _T:
        async with self._gate:
            shard = self._shards.get(collection)
            if shard is None:
                raise RuntimeError(f"the {collection} shard is not open: call ensure() first")
            return await asyncio.to_thread(call, shard)

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

    def _point(self, our_id: str, vector: Vectors, payload: dict[str, Any]) -> qe.Point:
        return qe.Point(point_id(our_id), unit_vector(our_id, vector, self.dimension), payload)

    async def put(self, collection: CollectionName, points: list[qe.Point]) -> None:
        for start in range(0, len(points), WRITE_CHUNK):
            operation = qe.UpdateOperation.upsert_points(points[start : start + WRITE_CHUNK])
            await self._update(collection, operation)

    async def _update(self, collection: CollectionName, operation: qe.UpdateOperation) -> None:
        await self._run(collection, lambda shard: shard.update(operation))

    async def set_job_status(self, job_id: str, status: str) -> None:
        # By filter: set_payload by id fails on a point that is not stored.
        this = qe.Filter(must=[qe.HasIdCondition({point_id(job_id)})])
        operation = qe.UpdateOperation.set_payload_by_filter(this, {"status": str(status)})
        await self._run(JOBS, lambda shard: shard.update(operation))

    async def delete_jobs(self, ids: Iterable[str]) -> None:
        await self.delete(JOBS, ids)

    async def delete_candidate(self, user_key: str) -> None:
        await self.delete(CANDIDATES, [user_key])

    async def delete(self, collection: CollectionName, ids: Iterable[str]) -> None:
        points: list[Any] = [point_id(our_id) for our_id in ids]
        if not points:
            return
        if collection == CANDIDATES:
            # Only what is stored: a rewrite copies the whole shard, and deleting a candidate
            # who was never indexed (every step of onboarding asks) must not cost one.
            stored = await self._run(collection, lambda shard: shard.retrieve(points, False, False))
            points = [record.id for record in stored]
            if not points:
                return
        operation = qe.UpdateOperation.delete_points(points)
        await self._run(collection, lambda shard: shard.update(operation))
        if collection == CANDIDATES:
            self._erase_soon()

    def _erase_soon(self) -> None:
        """Rewrite the candidates shard in the background (module docstring); deletes that come
        while a rewrite runs get one more after it."""
        (self.root / ERASING).touch()
        if self._eraser is None or self._eraser.done():
            self._eraser = asyncio.create_task(self._erase())
        else:
            self._erase_again = True

    async def _erase(self) -> None:
        while True:
            self._erase_again = False
            async with self._gate:
                if CANDIDATES not in self._shards:  # closed meanwhile: the next start does it
                    return
                await asyncio.to_thread(self._rewrite, CANDIDATES)
            if not self._erase_again:
                (self.root / ERASING).unlink(missing_ok=True)
                log.info("index.erased", collection=CANDIDATES)
                return

    async def erased(self) -> None:
        """Return once the deleted candidates are gone from the shard's files."""
        while self._eraser is not None and not self._eraser.done():
            await asyncio.shield(self._eraser)

    def _rewrite(self, name: CollectionName) -> None:
        """Copy the live points into a fresh shard that replaces this one (holding the gate)."""
        folder = self.root / name
        fresh_folder = folder.with_name(f"{name}{REWRITING}")
        shutil.rmtree(fresh_folder, ignore_errors=True)
        fresh_folder.mkdir(parents=True)
        fresh = qe.EdgeShard.create(str(fresh_folder), self._config())
        old = self._shards.pop(name)
        try:
            for key, kind in PAYLOAD_INDEXES[name].items():
                fresh.update(qe.UpdateOperation.create_field_index(key, SCHEMA[kind]))
            offset: Any = None
            while True:
                request = qe.ScrollRequest(
                    offset=offset, limit=WRITE_CHUNK, with_payload=True, with_vector=True
                )
                records, offset = old.scroll(request)
                if records:
                    points = [
                        qe.Point(record.id, record.vector, record.payload)  # type: ignore[arg-type]
                        for record in records
                    ]
                    fresh.update(qe.UpdateOperation.upsert_points(points))
                if offset is None:
                    break
            fresh.flush()
        finally:
            fresh.close()
            old.close()
        retired = folder.with_name(f"{name}{RETIRED}")
        shutil.rmtree(retired, ignore_errors=True)
        folder.rename(retired)
        fresh_folder.rename(folder)
        shutil.rmtree(retired)
        self._shards[name] = qe.EdgeShard.load(str(folder), self._config())

    def _filter(self, where: Where) -> qe.Filter:
        return to_filter(where)

    async def _query(
        self,
        collection: CollectionName,
        vector: Vectors,
        where: qe.Filter,
        limit: int,
        *,
        offset: int = 0,
        floor: float | None = None,
        exact: bool = False,
    ) -> list[Hit]:
        if limit < 1:
            return []
        key = ID_KEYS[collection]
        request = qe.QueryRequest(
            limit=limit,
            offset=offset,
            query=qe.Query.Nearest(np.asarray(vector, dtype=np.float32).reshape(-1).tolist()),
            filter=where,
            score_threshold=floor,
            params=search_params(offset + limit, exact=exact),
            with_payload=[key],
        )
        found = await self._run(collection, lambda shard: shard.query(request))
        return [(str((hit.payload or {})[key]), float(hit.score)) for hit in found]

    async def vectors(self, collection: CollectionName, ids: Iterable[str]) -> dict[str, Vectors]:
        points: list[Any] = [point_id(our_id) for our_id in ids]
        if not points:
            return {}
        key = ID_KEYS[collection]
        records = await self._run(collection, lambda shard: shard.retrieve(points, [key], True))
        return {
            str((record.payload or {})[key]): np.asarray(record.vector, dtype=np.float32)
            for record in records
        }

    async def count(self, collection: CollectionName) -> int:
        return await self._run(collection, lambda shard: shard.count(qe.CountRequest(exact=True)))

    async def stale_ids(self, collection: CollectionName) -> list[str]:
        fresh = to_filter(current(self.model_id, LAYOUT))
        return await self._ids(collection, qe.Filter(must_not=[fresh]))

    async def ids(self, collection: CollectionName) -> list[str]:
        return await self._ids(collection, None)

    async def _ids(self, collection: CollectionName, where: qe.Filter | None) -> list[str]:
        key = ID_KEYS[collection]
        found: list[str] = []
        offset: Any = None
        while True:
            request = qe.ScrollRequest(offset=offset, limit=1_000, filter=where, with_payload=[key])
            records, offset = await self._run(collection, functools.partial(_scroll, request))
            found.extend(str((record.payload or {})[key]) for record in records)
            if offset is None:
                return found

    async def optimize(self) -> None:
        """Merge segments and build HNSW, in a child process (see the module docstring)."""
        async with self._gate:
            for name in list(self._shards):
                shard = self._shards.pop(name)
                await asyncio.to_thread(shard.close)
                folder = str(self.root / name)
                child = await asyncio.create_subprocess_exec(sys.executable, "-c", OPTIMIZE, folder)
                code = await child.wait()
                self._shards[name] = await asyncio.to_thread(
                    qe.EdgeShard.load, folder, self._config()
                )
                if code != 0:
                    raise RuntimeError(f"optimizing the {name} shard failed (exit code {code})")
                log.info("index.optimized", collection=name)

    async def ready(self) -> None:
        for name in COLLECTIONS:
            await self._run(name, lambda shard: shard.info())

    async def close(self) -> None:
        await self.erased()
        async with self._gate:
            for name in list(self._shards):
                shard = self._shards.pop(name)
                await asyncio.to_thread(shard.close)


# --- moving a qdrant-client local-mode folder into the shards --------------------------------


@dataclass(frozen=True)
class MigrationReport:
    """What ``migrate_local_mode`` did."""

    moved: dict[str, int] = field(default_factory=dict)  # points copied, by collection
    skipped: int = 0  # points of another vector size: to embed again
    already: bool = False  # migrated before (the marker was there): nothing done

    @property
    def moved_any(self) -> bool:
        return any(self.moved.values())

    @property
    def rebuild_needed(self) -> bool:
        """Some points could not be copied: their jobs or candidates must be embedded again."""
        return self.skipped > 0


async def migrate_local_mode(
    source: Path,
    index: EdgeVectorIndex,
    progress: Progress | None = None,
    batch_size: int = 1_000,
) -> MigrationReport:
    """Copy every point of a qdrant-client local-mode folder into the (ensured) edge index.

    Vectors and payloads are copied as they are (payloads upgraded to this layout, the model id
    kept, so a point of an older model is still found stale), then checked back by id; a marker
    in the index's folder records the migration, so it runs once. The source is left as it was.
    ``progress(done, total)`` is called after every batch.
    """
    marker = index.root / MIGRATED
    if marker.exists():
        return MigrationReport(already=True)
    if not (source / "collection").is_dir():
        return MigrationReport()
    from qdrant_client import AsyncQdrantClient

    client = AsyncQdrantClient(path=str(source))
    try:
        names = [
            name for name in COLLECTIONS if await client.collection_exists(collection_name=name)
        ]
        totals = {name: (await client.count(name, exact=True)).count for name in names}
        total = sum(totals.values())
        done = 0
        skipped = 0
        moved: dict[str, int] = {}
        for name in names:
            moved[name] = 0
            offset: Any = None
            while True:
                records, offset = await client.scroll(
                    name, limit=batch_size, offset=offset, with_payload=True, with_vectors=True
                )
                points = []
                for record in records:
                    vector = np.asarray(record.vector, dtype=np.float32).reshape(-1)
                    if vector.shape[0] != index.dimension:
                        skipped += 1
                        continue
                    payload = upgrade_payload(dict(record.payload or {}))
                    points.append(qe.Point(str(record.id), vector.tolist(), payload))
                await index.put(name, points)
                await _check_copied(index, name, [point.id for point in points])
                moved[name] += len(points)
                done += len(records)
                if progress is not None:
                    progress(done, total)
                if offset is None:
                    break
    finally:
        await client.close()
    marker.write_text(json.dumps({"source": str(source), "moved": moved, "skipped": skipped}))
    log.info("index.migrated", source=str(source), moved=moved, skipped=skipped)
    return MigrationReport(moved=moved, skipped=skipped)


async def _check_copied(index: EdgeVectorIndex, collection: CollectionName, ids: list[Any]) -> None:
    if not ids:
        return
    stored = await index._run(collection, lambda shard: shard.retrieve(ids, False, False))
    if len(stored) != len(ids):
        raise RuntimeError(f"{collection}: {len(ids) - len(stored)} points were not copied")

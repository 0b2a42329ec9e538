"""Repositories for sources, jobs, their revisions and the admins' audit log."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import datetime
from typing import Any

from pymongo import ASCENDING, ReturnDocument
from pymongo.errors import DuplicateKeyError

from core.errors import ConcurrentUpdate
from core.jobs import JobStatus, Source, StoredJob
from core.ports.review import NO_SOURCE, DuplicateSource
from core.store.documents import AuditDoc, JobDoc, JobRevisionDoc, SourceDoc


class MongoSourceRepository:
    async def add(self, source: Source) -> Source:
        collection = SourceDoc.collection()
        try:
            await collection.insert_one(
                {
                    "_id": source.id,
                    "kind": str(source.kind),
                    "locator": source.locator,
                    "state": source.model_dump(mode="python"),
                }
            )
        except DuplicateKeyError as exc:
            raw = await collection.find_one({"kind": str(source.kind), "locator": source.locator})
            raise DuplicateSource(raw["_id"] if raw else "?") from exc
        return source

    async def get(self, source_id: str) -> Source | None:
        raw = await SourceDoc.collection().find_one({"_id": source_id})
        return None if raw is None else Source.model_validate(raw["state"])

    async def all(self) -> list[Source]:
        cursor = SourceDoc.collection().find({}).sort("_id", ASCENDING)
        return [Source.model_validate(raw["state"]) async for raw in cursor]

    async def due(self, now: datetime) -> list[Source]:
        """Sources to crawl now: not paused, breaker closed, interval passed."""
        query = {
            "state.paused": False,
            "$and": [
                {"$or": [{"state.next_crawl_at": None}, {"state.next_crawl_at": {"$lte": now}}]},
                {"$or": [{"state.opened_until": None}, {"state.opened_until": {"$lte": now}}]},
            ],
        }
        cursor = SourceDoc.collection().find(query)
        return [Source.model_validate(raw["state"]) async for raw in cursor]

    async def save(self, source: Source) -> None:
        await SourceDoc.collection().update_one(
            {"_id": source.id}, {"$set": {"state": source.model_dump(mode="python")}}
        )

    async def remove(self, source_id: str) -> bool:
        result = await SourceDoc.collection().delete_one({"_id": source_id})
        return result.deleted_count == 1


def _job_from(raw: dict[str, Any]) -> StoredJob:
    # The document also holds lookup keys (_id, external_keys, company_key, auto_approved)
    # that are no part of the domain object, which forbids unknown fields.
    fields = {name: raw[name] for name in StoredJob.model_fields if name in raw}
    return StoredJob.model_validate({**fields, "id": raw["_id"]})


class MongoJobRepository:
    """Jobs with their identity keys; every change bumps a revision (checked on write)."""

    async def get(self, job_id: str) -> StoredJob | None:
        raw = await JobDoc.collection().find_one({"_id": job_id})
        return None if raw is None else _job_from(raw)

    async def get_many(self, job_ids: Sequence[str]) -> dict[str, StoredJob]:
        cursor = JobDoc.collection().find({"_id": {"$in": list(job_ids)}})
        return {raw["_id"]: _job_from(raw) async for raw in cursor}

    async def count_with_status(self, status: JobStatus) -> int:
        return int(await JobDoc.collection().count_documents({"status": str(status)}))

    async def each_with_status(self, status: JobStatus) -> AsyncIterator[StoredJob]:
        """Every job with this status, oldest first (index rebuilds)."""
        cursor = (
            JobDoc.collection()
            .find({"status": str(status)})
            .sort("first_seen_at", ASCENDING)
        )
        async for raw in cursor:
            yield _job_from(raw)

    async def find_by_keys(
        self, external_key: str | None, canonical_url: str | None, fingerprint: str
    ) -> StoredJob | None:
        """The same posting seen before: by source id, then by URL, then by fingerprint.

        One query for all three (a crawl asks this for every posting), then the first kind of
        key that matched wins, the oldest job among its matches.
        """
        keys: list[tuple[str, str]] = [("fingerprint", fingerprint)]
        if canonical_url:
            keys.insert(0, ("canonical_url", canonical_url))
        if external_key:
            keys.insert(0, ("external_keys", external_key))
        cursor = JobDoc.collection().find(
            {"$or": [{field: value} for field, value in keys]}
        ).sort("first_seen_at", ASCENDING)
        found = [raw async for raw in cursor]
        for field, value in keys:
            for raw in found:  # oldest first
                stored = raw.get(field)
                if stored == value or (isinstance(stored, list) and value in stored):
                    return _job_from(raw)
        return None

    async def open_of_company(self, company_key: str) -> list[StoredJob]:
        cursor = JobDoc.collection().find(
            {"company_key": company_key, "status": {"$ne": str(JobStatus.CLOSED)}}
        )
        return [_job_from(raw) async for raw in cursor]

    async def insert(self, job: StoredJob, external_key: str, company_key: str) -> None:
        await JobDoc.collection().insert_one(
            {
                **self._fields(job),
                "_id": job.id,
                "external_keys": [external_key],
                "company_key": company_key,
                "auto_approved": job.status is JobStatus.APPROVED,
            }
        )

    async def found_per_day(self, since: datetime) -> list[tuple[str, str, int]]:
        """(day, first source, jobs first seen that day) since a moment, oldest first."""
        pipeline: list[dict[str, Any]] = [
            {"$match": {"first_seen_at": {"$gte": since}}},
            {
                "$project": {
                    "source": {"$arrayElemAt": ["$source_ids", 0]},
                    "day": {"$dateToString": {"format": "%Y-%m-%d", "date": "$first_seen_at"}},
                }
            },
            {"$group": {"_id": {"day": "$day", "source": "$source"}, "n": {"$sum": 1}}},
        ]
        cursor = await JobDoc.collection().aggregate(pipeline)
        rows = [
            (raw["_id"]["day"], str(raw["_id"].get("source", NO_SOURCE)), int(raw["n"]))
            async for raw in cursor
        ]
        return sorted(rows)

    async def auto_approval(self, since: datetime) -> tuple[int, int]:
        """(approved without review, all found) since a moment."""
        collection = JobDoc.collection()
        found = await collection.count_documents({"first_seen_at": {"$gte": since}})
        auto = await collection.count_documents(
            {"first_seen_at": {"$gte": since}, "auto_approved": True}
        )
        return int(auto), int(found)

    async def seen_again(
        self, job: StoredJob, source_id: str, external_key: str, now: datetime
    ) -> None:
        await JobDoc.collection().update_one(
            {"_id": job.id},
            {
                "$addToSet": {"source_ids": source_id, "external_keys": external_key},
                "$set": {"last_seen_at": now},
            },
        )

    async def revise(
        self, old: StoredJob, new: StoredJob, changed: tuple[str, ...], now: datetime
    ) -> StoredJob:
        """Store a changed posting and keep the previous version as a revision."""
        revised = new.model_copy(update={"revision": old.revision + 1})
        result = await JobDoc.collection().find_one_and_update(
            {"_id": old.id, "revision": old.revision},
            {"$set": self._fields(revised)},
            return_document=ReturnDocument.AFTER,
        )
        if result is None:
            raise ConcurrentUpdate(f"job {old.id} changed since revision {old.revision}")
        await JobRevisionDoc.collection().insert_one(
            {
                "job_id": old.id,
                "revision": revised.revision,
                "changed": list(changed),
                "before": old.posting.model_dump(mode="json"),
                "after": revised.posting.model_dump(mode="json"),
                "at": now,
            }
        )
        return revised

    async def revisions(self, job_id: str) -> list[dict[str, Any]]:
        cursor = JobRevisionDoc.collection().find({"job_id": job_id}).sort("revision")
        return [raw async for raw in cursor]

    async def open_ids_of_source(self, source_id: str) -> set[str]:
        cursor = JobDoc.collection().find(
            {"source_ids": source_id, "status": {"$ne": str(JobStatus.CLOSED)}}, {"_id": 1}
        )
        return {raw["_id"] async for raw in cursor}

    async def vanished(self, source_id: str, job_ids: set[str], now: datetime) -> list[str]:
        """A source no longer lists these jobs: detach it, and close jobs no source lists.

        Returns the ids of the jobs it closed.
        """
        if not job_ids:
            return []
        collection = JobDoc.collection()
        ids = sorted(job_ids)
        await collection.update_many(
            {"_id": {"$in": ids}},
            {"$pull": {"source_ids": source_id, "external_keys": {"$regex": f"^{source_id}:"}}},
        )
        orphaned = {
            "_id": {"$in": ids},
            "source_ids": {"$size": 0},
            "status": {"$ne": str(JobStatus.CLOSED)},
        }
        closing = [raw["_id"] async for raw in collection.find(orphaned, {"_id": 1})]
        if not closing:
            return []
        await collection.update_many(
            {**orphaned, "_id": {"$in": closing}},
            {"$set": {"status": str(JobStatus.CLOSED), "closed_at": now}, "$inc": {"revision": 1}},
        )
        return closing

    async def set_status(
        self, job_id: str, status: JobStatus, reason: str | None = None
    ) -> StoredJob | None:
        raw = await JobDoc.collection().find_one_and_update(
            {"_id": job_id},
            {"$set": {"status": str(status), "review_reason": reason}, "$inc": {"revision": 1}},
            return_document=ReturnDocument.AFTER,
        )
        return None if raw is None else _job_from(raw)

    async def with_status(self, status: JobStatus, limit: int = 50) -> list[StoredJob]:
        cursor = (
            JobDoc.collection()
            .find({"status": str(status)})
            .sort("first_seen_at", ASCENDING)
            .limit(limit)
        )
        return [_job_from(raw) async for raw in cursor]

    async def count_by_status(self) -> dict[str, int]:
        pipeline = [{"$group": {"_id": "$status", "n": {"$sum": 1}}}]
        cursor = await JobDoc.collection().aggregate(pipeline)
        return {raw["_id"]: raw["n"] async for raw in cursor}

    @staticmethod
    def _fields(job: StoredJob) -> dict[str, Any]:
        return {
            "source_ids": list(job.source_ids),
            "fingerprint": job.fingerprint,
            "canonical_url": job.canonical_url,
            "status": str(job.status),
            "posting": job.posting.model_dump(mode="json"),
            "signature": list(job.signature),
            "revision": job.revision,
            "review_reason": job.review_reason,
            "first_seen_at": job.first_seen_at,
            "last_seen_at": job.last_seen_at,
            "closed_at": job.closed_at,
        }


class MongoAuditLog:
    """Every admin action: who, what, when, before and after."""

    async def record(
        self,
        actor: str,
        action: str,
        target: str,
        now: datetime,
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
    ) -> None:
        await AuditDoc.collection().insert_one(
            {
                "actor": actor,
                "action": action,
                "target": target,
                "before": before,
                "after": after,
                "at": now,
            }
        )

    async def entries(self, limit: int = 100) -> list[dict[str, Any]]:
        cursor = AuditDoc.collection().find({}).sort("at", ASCENDING).limit(limit)
        return [raw async for raw in cursor]

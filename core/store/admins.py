"""Admins (from settings or granted in the bot), their duty rota, and pending reviews."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

from pymongo import ASCENDING, DESCENDING

from core.ports.review import Admin, Review
from core.store.documents import AdminDoc, ReviewDoc

PICK_TRIES = 10  # rounds of the compare-and-set in ``next_on_duty`` before it settles


class MongoAdminRepository:
    # Every message asks "is this an admin?"; granted admins are read at most this often.
    CACHE_SECONDS = 10.0

    def __init__(self, settings_admins: list[str]) -> None:
        self._fixed = settings_admins  # user keys of the ADMINS setting
        self._granted: frozenset[str] = frozenset()
        self._read_at = float("-inf")

    async def is_admin(self, user_key: str) -> bool:
        if user_key in self._fixed:
            return True
        if time.monotonic() - self._read_at > self.CACHE_SECONDS:
            cursor = AdminDoc.collection().find({}, {"_id": 1})
            self._granted = frozenset([str(raw["_id"]) async for raw in cursor])
            self._read_at = time.monotonic()
        return user_key in self._granted

    def _forget(self) -> None:
        self._read_at = float("-inf")

    async def get(self, user_key: str) -> Admin | None:
        if not await self.is_admin(user_key):
            return None
        raw = await AdminDoc.collection().find_one({"_id": user_key}) or {}
        return Admin(
            key=user_key,
            from_settings=user_key in self._fixed,
            on_duty=raw.get("on_duty", True),
            missed_reviews=raw.get("missed_reviews", 0),
            editing_job=raw.get("editing_job"),
            editing_field=raw.get("editing_field"),
        )

    async def all(self) -> list[Admin]:
        granted = [raw["_id"] async for raw in AdminDoc.collection().find({})]
        admins = [await self.get(key) for key in dict.fromkeys([*self._fixed, *granted])]
        return [admin for admin in admins if admin is not None]

    async def grant(self, user_key: str, by: str, now: datetime) -> bool:
        result = await AdminDoc.collection().update_one(
            {"_id": user_key},
            {
                "$setOnInsert": {
                    "granted_by": by,
                    "granted_at": now,
                    "on_duty": True,
                    "missed_reviews": 0,
                }
            },
            upsert=True,
        )
        self._forget()
        return result.upserted_id is not None

    async def revoke(self, user_key: str) -> bool:
        result = await AdminDoc.collection().delete_one({"_id": user_key})
        self._forget()
        return result.deleted_count == 1

    async def _update(self, user_key: str, changes: dict[str, object]) -> None:
        await AdminDoc.collection().update_one({"_id": user_key}, {"$set": changes}, upsert=True)

    async def set_duty(self, user_key: str, on_duty: bool) -> None:
        await self._update(user_key, {"on_duty": on_duty})

    async def set_editing(self, user_key: str, job_id: str | None, field: str | None) -> None:
        await self._update(user_key, {"editing_job": job_id, "editing_field": field})

    async def missed(self, user_key: str) -> None:
        await AdminDoc.collection().update_one(
            {"_id": user_key}, {"$inc": {"missed_reviews": 1}}, upsert=True
        )

    async def next_on_duty(self, now: datetime, exclude: str | None = None) -> str | None:
        """Round robin: the on-duty admin assigned longest ago; marks them assigned now."""
        collection = AdminDoc.collection()
        for key in self._fixed:  # admins from settings get a row the first time they count
            await collection.update_one(
                {"_id": key}, {"$setOnInsert": {"on_duty": True, "missed_reviews": 0}}, upsert=True
            )
        query: dict[str, object] = {"on_duty": True}
        if exclude is not None:
            query["_id"] = {"$ne": exclude}
        order = [("last_assigned_at", ASCENDING), ("_id", ASCENDING)]
        picked: str | None = None
        for _ in range(PICK_TRIES):
            pick = await collection.find_one(query, sort=order)
            if pick is None:
                return None
            picked = str(pick["_id"])
            # One batch of assignments shares `now` (and MongoDB keeps milliseconds): stamps
            # must still grow, or ties would send every later review to the same admin. Read
            # after the pick, the latest stamp is at least the pick's: the new one passes it.
            latest = await collection.find_one(
                {"last_assigned_at": {"$ne": None}}, sort=[("last_assigned_at", DESCENDING)]
            )
            stamp = now
            if latest is not None:
                stamp = max(now, latest["last_assigned_at"] + timedelta(milliseconds=1))
            # Compare-and-set on the stamp read: of callers racing for one admin, one wins and
            # the others go round again for the next.
            won = await collection.update_one(
                {
                    "_id": pick["_id"],
                    "on_duty": True,
                    "last_assigned_at": pick.get("last_assigned_at"),
                },
                {"$set": {"last_assigned_at": stamp}},
            )
            if won.modified_count:
                return picked
        return picked  # contended past reason: a repeat beats no assignee


class MongoReviewRepository:
    async def assign(self, job_id: str, assignee: str | None, now: datetime) -> None:
        await ReviewDoc.collection().update_one(
            {"_id": job_id},
            {"$set": {"assignee": assignee, "assigned_at": now, "reminded": False}},
            upsert=True,
        )

    async def get(self, job_id: str) -> Review | None:
        raw = await ReviewDoc.collection().find_one({"_id": job_id})
        return None if raw is None else _review(raw)

    async def done(self, job_id: str) -> None:
        await ReviewDoc.collection().delete_one({"_id": job_id})

    async def reminded(self, job_id: str) -> None:
        await ReviewDoc.collection().update_one({"_id": job_id}, {"$set": {"reminded": True}})

    async def assigned_before(self, moment: datetime) -> list[Review]:
        cursor = ReviewDoc.collection().find({"assigned_at": {"$lte": moment}})
        return [_review(raw) async for raw in cursor.sort("assigned_at", ASCENDING)]

    async def waiting(self) -> int:
        return int(await ReviewDoc.collection().count_documents({}))


def _review(raw: dict[str, object]) -> Review:
    fields = {name: value for name, value in raw.items() if name != "_id"}
    return Review.model_validate({**fields, "job_id": raw["_id"]})

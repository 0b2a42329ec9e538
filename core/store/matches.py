"""Repositories for matches, the application tracker, tracked Apply links and match feedback."""

from __future__ import annotations

import builtins
import secrets
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, NamedTuple

from pymongo import ASCENDING, DESCENDING, ReturnDocument
from pymongo.errors import DuplicateKeyError

from core.domain import Frozen
from core.matches import ApplicationStage, Feedback, Match
from core.store.documents import ApplicationDoc, FeedbackDoc, LinkDoc, MatchDoc


class MatchState(StrEnum):
    NEW = "new"  # found, not sent yet
    ALERTED = "alerted"  # sent on its own, as it appeared
    DIGESTED = "digested"  # sent in a digest
    DROPPED = "dropped"  # never to be sent (the job closed, or the user turned it down)


DELIVERED = (MatchState.ALERTED, MatchState.DIGESTED)


def _key(user_key: str, job_id: str) -> str:
    return f"{user_key}|{job_id}"


class MongoMatches:
    """One row per user × job; once a match is delivered it never changes again."""

    async def record(self, match: Match, now: datetime) -> bool:
        """Store a new match; False when this user × job was matched before."""
        collection = MatchDoc.get_pymongo_collection()
        key = _key(match.user_key, match.job_id)
        try:
            await collection.insert_one(
                {
                    "_id": key,
                    "user_key": match.user_key,
                    "job_id": match.job_id,
                    "score": match.score,
                    "match": match.model_dump(mode="json"),
                    "state": str(MatchState.NEW),
                    "created_at": now,
                    "delivered_at": None,
                }
            )
        except DuplicateKeyError:
            # A revised job is matched again: a match still waiting takes the fresh score and
            # reasons; a delivered or dropped one stays as it was.
            await collection.update_one(
                {"_id": key, "state": str(MatchState.NEW)},
                {"$set": {"score": match.score, "match": match.model_dump(mode="json")}},
            )
            return False
        return True

    async def new_for_user(self, user_key: str, limit: int) -> builtins.list[Match]:
        """Matches not sent yet, best score first."""
        cursor = (
            MatchDoc.get_pymongo_collection()
            .find({"user_key": user_key, "state": str(MatchState.NEW)})
            .sort([("score", DESCENDING), ("_id", ASCENDING)])
            .limit(limit)
        )
        return [Match.model_validate(raw["match"]) async for raw in cursor]

    async def get(self, user_key: str, job_id: str) -> Match | None:
        raw = await MatchDoc.get_pymongo_collection().find_one({"_id": _key(user_key, job_id)})
        return None if raw is None else Match.model_validate(raw["match"])

    async def mark(
        self, user_key: str, job_ids: Iterable[str], state: MatchState | str, now: datetime
    ) -> int:
        """Move still-new matches to ``state``; returns how many moved."""
        state = MatchState(state)
        if state is MatchState.NEW:
            raise ValueError("a match cannot become new again")
        keys = sorted({_key(user_key, job_id) for job_id in job_ids})
        if not keys:
            return 0
        update: dict[str, Any] = {"state": str(state)}
        if state in DELIVERED:
            update["delivered_at"] = now
        result = await MatchDoc.get_pymongo_collection().update_many(
            {"_id": {"$in": keys}, "state": str(MatchState.NEW)}, {"$set": update}
        )
        return int(result.modified_count)

    async def delivered_job_ids(self, user_key: str) -> set[str]:
        """Every job already sent to this user: it never reappears."""
        cursor = MatchDoc.get_pymongo_collection().find(
            {"user_key": user_key, "state": {"$in": [str(state) for state in DELIVERED]}},
            {"job_id": 1},
        )
        return {str(raw["job_id"]) async for raw in cursor}

    async def delivered_to(self, job_id: str) -> set[str]:
        """The users this job was already sent to (one query for a whole fan-out)."""
        cursor = MatchDoc.get_pymongo_collection().find(
            {"job_id": job_id, "state": {"$in": [str(state) for state in DELIVERED]}},
            {"user_key": 1},
        )
        return {str(raw["user_key"]) async for raw in cursor}

    async def users_with_new(self) -> builtins.list[str]:
        keys = await MatchDoc.get_pymongo_collection().distinct(
            "user_key", {"state": str(MatchState.NEW)}
        )
        return sorted(str(key) for key in keys)

    async def drop_for_job(self, job_id: str) -> int:
        """A closed job: its matches not sent yet are dropped; returns how many."""
        result = await MatchDoc.get_pymongo_collection().update_many(
            {"job_id": job_id, "state": str(MatchState.NEW)},
            {"$set": {"state": str(MatchState.DROPPED)}},
        )
        return int(result.modified_count)

    async def counts_since(self, since: datetime) -> dict[MatchState, int]:
        """Matches delivered since a moment, by how they were sent (alerted, digested)."""
        pipeline: builtins.list[dict[str, Any]] = [
            {
                "$match": {
                    "state": {"$in": [str(state) for state in DELIVERED]},
                    "delivered_at": {"$gte": since},
                }
            },
            {"$group": {"_id": "$state", "n": {"$sum": 1}}},
        ]
        cursor = await MatchDoc.get_pymongo_collection().aggregate(pipeline)
        counts = dict.fromkeys(DELIVERED, 0)
        async for raw in cursor:
            counts[MatchState(raw["_id"])] = int(raw["n"])
        return counts


class StageChange(Frozen):
    stage: ApplicationStage
    at: datetime


class Application(Frozen):
    """A job the user saved or applied to, as the tracker shows it."""

    user_key: str
    job_id: str
    stage: ApplicationStage
    applied_at: datetime | None = None  # the first time it became "applied"
    updated_at: datetime
    history: tuple[StageChange, ...] = ()
    followup_queued: bool = False


def _application_from(raw: dict[str, Any]) -> Application:
    return Application(
        user_key=raw["user_key"],
        job_id=raw["job_id"],
        stage=ApplicationStage(raw["stage"]),
        applied_at=raw.get("applied_at"),
        updated_at=raw["updated_at"],
        history=tuple(
            StageChange(stage=ApplicationStage(step["stage"]), at=step["at"])
            for step in raw.get("history", ())
        ),
        followup_queued=raw.get("followup_queued", False),
    )


class MongoApplications:
    """The application tracker: one row per user × job, its stage and how it got there."""

    async def set_stage(
        self, user_key: str, job_id: str, stage: ApplicationStage | str, now: datetime
    ) -> Application:
        """Move to ``stage`` (creating the row); the same stage again changes nothing."""
        stage = ApplicationStage(stage)
        collection = ApplicationDoc.get_pymongo_collection()
        key = _key(user_key, job_id)
        try:
            # The stage filter makes a repeated tap a no-op: no second history entry. When the
            # row exists with this stage, the upsert collides on _id instead.
            raw = await collection.find_one_and_update(
                {"_id": key, "stage": {"$ne": str(stage)}},
                {
                    "$set": {
                        "user_key": user_key,
                        "job_id": job_id,
                        "stage": str(stage),
                        "updated_at": now,
                    },
                    "$push": {"history": {"stage": str(stage), "at": now}},
                    "$setOnInsert": {"applied_at": None, "followup_queued": False},
                },
                upsert=True,
                return_document=ReturnDocument.AFTER,
            )
        except DuplicateKeyError:
            raw = await collection.find_one({"_id": key})
        if stage is ApplicationStage.APPLIED and raw is not None and raw.get("applied_at") is None:
            raw = await collection.find_one_and_update(
                {"_id": key, "applied_at": None},
                {"$set": {"applied_at": now}},
                return_document=ReturnDocument.AFTER,
            ) or await collection.find_one({"_id": key})
        if raw is None:  # removed (or erased) while we wrote
            raise LookupError(f"application {key} vanished")
        return _application_from(raw)

    async def remove(self, user_key: str, job_id: str) -> bool:
        result = await ApplicationDoc.get_pymongo_collection().delete_one(
            {"_id": _key(user_key, job_id)}
        )
        return result.deleted_count == 1

    async def get(self, user_key: str, job_id: str) -> Application | None:
        raw = await ApplicationDoc.get_pymongo_collection().find_one(
            {"_id": _key(user_key, job_id)}
        )
        return None if raw is None else _application_from(raw)

    async def list(self, user_key: str) -> builtins.list[Application]:
        """The user's tracker, most recently changed first."""
        cursor = (
            ApplicationDoc.get_pymongo_collection()
            .find({"user_key": user_key})
            .sort([("updated_at", DESCENDING), ("_id", ASCENDING)])
        )
        return [_application_from(raw) async for raw in cursor]

    async def due_followups(self, now: datetime, after: timedelta) -> builtins.list[Application]:
        """Applications still at "applied" ``after`` since, whose follow-up is not queued yet."""
        cursor = (
            ApplicationDoc.get_pymongo_collection()
            .find(
                {
                    "stage": str(ApplicationStage.APPLIED),
                    "applied_at": {"$lte": now - after},
                    "followup_queued": False,
                }
            )
            .sort([("applied_at", ASCENDING), ("_id", ASCENDING)])
        )
        return [_application_from(raw) async for raw in cursor]

    async def mark_followup_queued(self, user_key: str, job_id: str) -> bool:
        """True for the one caller that marks it first: only that one asks the question."""
        result = await ApplicationDoc.get_pymongo_collection().update_one(
            {"_id": _key(user_key, job_id), "followup_queued": False},
            {"$set": {"followup_queued": True}},
        )
        return result.modified_count == 1

    async def applied_since(self, since: datetime) -> int:
        """Applications first marked "applied" since a moment: the apply rate's numerator."""
        return int(
            await ApplicationDoc.get_pymongo_collection().count_documents(
                {"applied_at": {"$gte": since}}
            )
        )

    async def counts_since(self, since: datetime) -> dict[ApplicationStage, int]:
        """Applications that reached each stage since a moment (each counted once per stage)."""
        pipeline: builtins.list[dict[str, Any]] = [
            {"$match": {"history.at": {"$gte": since}}},
            {"$unwind": "$history"},
            {"$match": {"history.at": {"$gte": since}}},
            {"$group": {"_id": "$history.stage", "ids": {"$addToSet": "$_id"}}},
            {"$project": {"n": {"$size": "$ids"}}},
        ]
        cursor = await ApplicationDoc.get_pymongo_collection().aggregate(pipeline)
        counts = dict.fromkeys(ApplicationStage, 0)
        async for raw in cursor:
            counts[ApplicationStage(raw["_id"])] = int(raw["n"])
        return counts


class LinkStats(NamedTuple):
    links: int  # links made
    clicked_links: int  # of those, clicked at least once
    clicks: int  # all clicks on them


class MongoLinks:
    """Tracked Apply links: a random token per user × job that redirects and counts clicks."""

    async def link_for(self, user_key: str, job_id: str, url: str, now: datetime) -> str:
        """The token for this user × job (made once); it leads to ``url`` from now on."""
        collection = LinkDoc.get_pymongo_collection()
        for _ in range(3):
            raw = await collection.find_one_and_update(
                {"user_key": user_key, "job_id": job_id},
                {"$set": {"url": url}},
                projection={"_id": 1},
            )
            if raw is not None:
                return str(raw["_id"])
            token = secrets.token_urlsafe(12)
            try:
                await collection.insert_one(
                    {
                        "_id": token,
                        "user_key": user_key,
                        "job_id": job_id,
                        "url": url,
                        "clicks": 0,
                        "created_at": now,
                        "first_click_at": None,
                    }
                )
            except DuplicateKeyError:
                continue  # made at the same moment by another caller: read theirs
            return token
        raise RuntimeError(f"no link could be made for {user_key} × {job_id}")

    async def click(self, token: str, now: datetime) -> str | None:
        """Count a click; the URL to send the user to, or None for an unknown token."""
        collection = LinkDoc.get_pymongo_collection()
        raw = await collection.find_one_and_update(
            {"_id": token},
            {"$inc": {"clicks": 1}},
            projection={"url": 1, "first_click_at": 1},
            return_document=ReturnDocument.BEFORE,
        )
        if raw is None:
            return None
        if raw.get("first_click_at") is None:
            await collection.update_one(
                {"_id": token, "first_click_at": None}, {"$set": {"first_click_at": now}}
            )
        return str(raw["url"])

    async def stats_since(self, since: datetime) -> LinkStats:
        """Links made since a moment, how many of them were clicked, and their clicks."""
        pipeline: builtins.list[dict[str, Any]] = [
            {"$match": {"created_at": {"$gte": since}}},
            {
                "$group": {
                    "_id": None,
                    "links": {"$sum": 1},
                    "clicked": {"$sum": {"$cond": [{"$gt": ["$clicks", 0]}, 1, 0]}},
                    "clicks": {"$sum": "$clicks"},
                }
            },
        ]
        cursor = await LinkDoc.get_pymongo_collection().aggregate(pipeline)
        async for raw in cursor:
            return LinkStats(int(raw["links"]), int(raw["clicked"]), int(raw["clicks"]))
        return LinkStats(0, 0, 0)


class MongoFeedback:
    """What each user turned down; every write is idempotent."""

    async def get(self, user_key: str) -> Feedback:
        raw = await FeedbackDoc.get_pymongo_collection().find_one({"_id": user_key})
        return Feedback() if raw is None else _feedback(raw)

    async def get_many(self, user_keys: Sequence[str]) -> dict[str, Feedback]:
        """Feedback of many users in one query; users who gave none are left out."""
        cursor = FeedbackDoc.get_pymongo_collection().find({"_id": {"$in": list(user_keys)}})
        return {str(raw["_id"]): _feedback(raw) async for raw in cursor}

    async def not_interested(self, user_key: str, job_id: str, now: datetime) -> None:
        await self._add(user_key, "not_interested", job_id, now)

    async def block_company(self, user_key: str, company_key: str, now: datetime) -> None:
        await self._add(user_key, "companies", company_key, now)

    async def block_role_kind(self, user_key: str, family: str, now: datetime) -> None:
        await self._add(user_key, "role_kinds", family, now)

    async def _add(self, user_key: str, field: str, value: str, now: datetime) -> None:
        await FeedbackDoc.get_pymongo_collection().update_one(
            {"_id": user_key},
            {"$addToSet": {field: value}, "$set": {"updated_at": now}},
            upsert=True,
        )


def _feedback(raw: dict[str, Any]) -> Feedback:
    return Feedback(
        not_interested=tuple(raw.get("not_interested", ())),
        companies=tuple(raw.get("companies", ())),
        role_kinds=tuple(raw.get("role_kinds", ())),
    )

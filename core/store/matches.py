"""Repositories for matches, the application tracker, tracked Apply links and match feedback."""

from __future__ import annotations

import builtins
import secrets
from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from datetime import datetime, timedelta
from typing import Any

from pymongo import ASCENDING, DESCENDING, ReturnDocument, UpdateOne
from pymongo.errors import BulkWriteError, DuplicateKeyError

from core.matches import ApplicationStage, Feedback, Match
from core.ports.matches import DELIVERED, Application, LinkStats, MatchState, StageChange
from core.store.documents import ApplicationDoc, FeedbackDoc, LinkDoc, MatchDoc
from core.store.mongo import find_in, update_in

_DUPLICATE_KEY = 11000


def _key(user_key: str, job_id: str) -> str:
    return f"{user_key}|{job_id}"


def _duplicates(error: BulkWriteError) -> builtins.list[int]:
    """The positions of an unordered insert_many that collided on a unique key; any other
    write error is raised again."""
    errors = error.details.get("writeErrors", [])
    if any(entry.get("code") != _DUPLICATE_KEY for entry in errors):
        raise error
    return [int(entry["index"]) for entry in errors]


class MongoMatches:
    """One row per user × job; once a match is delivered it never changes again."""

    async def record(self, match: Match, now: datetime) -> bool:
        """Store a new match; False when this user × job was matched before."""
        collection = MatchDoc.collection()
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

    async def record_many(
        self,
        matches: Sequence[Match],
        now: datetime,
        alerted: AbstractSet[tuple[str, str]] = frozenset(),
    ) -> builtins.list[Match]:
        """``record`` for a whole page in two round trips at most; returns the new ones. Those
        in ``alerted`` (user_key, job_id) are stored as alerted already: their alert was queued
        (the outbox keeps one row per user × job, so queueing first and recording after is safe
        to repeat)."""
        if not matches:
            return []
        collection = MatchDoc.collection()
        docs = [
            {
                "_id": _key(match.user_key, match.job_id),
                "user_key": match.user_key,
                "job_id": match.job_id,
                "score": match.score,
                "match": match.model_dump(mode="json"),
                "state": str(MatchState.ALERTED if sent else MatchState.NEW),
                "created_at": now,
                "delivered_at": now if sent else None,
            }
            for match in matches
            for sent in [(match.user_key, match.job_id) in alerted]
        ]
        try:
            await collection.insert_many(docs, ordered=False)
        except BulkWriteError as exc:
            before = set(_duplicates(exc))
        else:
            return list(matches)
        # As in ``record``: a match still waiting takes the fresh score; the rest stay.
        await collection.bulk_write(
            [
                UpdateOne(
                    {"_id": docs[position]["_id"], "state": str(MatchState.NEW)},
                    {"$set": {"score": docs[position]["score"], "match": docs[position]["match"]}},
                )
                for position in sorted(before)
            ],
            ordered=False,
        )
        return [match for position, match in enumerate(matches) if position not in before]

    async def recorded(self, pairs: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
        """Which of these (user_key, job_id) were matched before."""
        keys = sorted({_key(user_key, job_id) for user_key, job_id in pairs})
        found = await find_in(
            MatchDoc.collection(), "_id", keys, projection={"user_key": 1, "job_id": 1}
        )
        return {(str(raw["user_key"]), str(raw["job_id"])) for raw in found}

    async def new_for_user(self, user_key: str, limit: int) -> builtins.list[Match]:
        """Matches not sent yet, best score first."""
        cursor = (
            MatchDoc.collection()
            .find({"user_key": user_key, "state": str(MatchState.NEW)})
            .sort([("score", DESCENDING), ("_id", ASCENDING)])
            .limit(limit)
        )
        return [Match.model_validate(raw["match"]) async for raw in cursor]

    async def get(self, user_key: str, job_id: str) -> Match | None:
        raw = await MatchDoc.collection().find_one({"_id": _key(user_key, job_id)})
        return None if raw is None else Match.model_validate(raw["match"])

    async def mark(
        self, user_key: str, job_ids: Iterable[str], state: MatchState | str, now: datetime
    ) -> int:
        """Move still-new matches to ``state``; returns how many moved."""
        return await self.mark_pairs([(user_key, job_id) for job_id in job_ids], state, now)

    async def mark_pairs(
        self, pairs: Iterable[tuple[str, str]], state: MatchState | str, now: datetime
    ) -> int:
        """``mark`` for many (user_key, job_id) at once (a fan-out page): one update."""
        state = MatchState(state)
        if state is MatchState.NEW:
            raise ValueError("a match cannot become new again")
        keys = sorted({_key(user_key, job_id) for user_key, job_id in pairs})
        if not keys:
            return 0
        update: dict[str, Any] = {"state": str(state)}
        if state in DELIVERED:
            update["delivered_at"] = now
        return await update_in(
            MatchDoc.collection(),
            "_id",
            keys,
            {"state": str(MatchState.NEW)},
            {"$set": update},
        )

    async def delivered_job_ids(self, user_key: str) -> set[str]:
        """Every job already sent to this user: it never reappears."""
        cursor = MatchDoc.collection().find(
            {"user_key": user_key, "state": {"$in": [str(state) for state in DELIVERED]}},
            {"job_id": 1},
        )
        return {str(raw["job_id"]) async for raw in cursor}

    async def delivered_to(self, job_id: str) -> set[str]:
        """The users this job was already sent to (one query for a whole fan-out)."""
        cursor = MatchDoc.collection().find(
            {"job_id": job_id, "state": {"$in": [str(state) for state in DELIVERED]}},
            {"user_key": 1},
        )
        return {str(raw["user_key"]) async for raw in cursor}

    async def users_with_new(self) -> builtins.list[str]:
        keys = await MatchDoc.collection().distinct(
            "user_key", {"state": str(MatchState.NEW)}
        )
        return sorted(str(key) for key in keys)

    async def drop_for_job(self, job_id: str) -> int:
        """A closed job: its matches not sent yet are dropped; returns how many."""
        result = await MatchDoc.collection().update_many(
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
        cursor = await MatchDoc.collection().aggregate(pipeline)
        counts = dict.fromkeys(DELIVERED, 0)
        async for raw in cursor:
            counts[MatchState(raw["_id"])] = int(raw["n"])
        return counts


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
        collection = ApplicationDoc.collection()
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
            # applied_at is the time of the first "applied" in the history, not this call's
            # clock: of two taps at once, the one that lost the write may get here first.
            first = next(
                (step["at"] for step in raw.get("history", ()) if step["stage"] == str(stage)),
                now,
            )
            raw = await collection.find_one_and_update(
                {"_id": key, "applied_at": None},
                {"$set": {"applied_at": first}},
                return_document=ReturnDocument.AFTER,
            ) or await collection.find_one({"_id": key})
        if raw is None:  # removed (or erased) while we wrote
            raise LookupError(f"application {key} vanished")
        return _application_from(raw)

    async def remove(self, user_key: str, job_id: str) -> bool:
        result = await ApplicationDoc.collection().delete_one(
            {"_id": _key(user_key, job_id)}
        )
        return result.deleted_count == 1

    async def get(self, user_key: str, job_id: str) -> Application | None:
        raw = await ApplicationDoc.collection().find_one(
            {"_id": _key(user_key, job_id)}
        )
        return None if raw is None else _application_from(raw)

    async def list(self, user_key: str) -> builtins.list[Application]:
        """The user's tracker, most recently changed first."""
        cursor = (
            ApplicationDoc.collection()
            .find({"user_key": user_key})
            .sort([("updated_at", DESCENDING), ("_id", ASCENDING)])
        )
        return [_application_from(raw) async for raw in cursor]

    async def due_followups(self, now: datetime, after: timedelta) -> builtins.list[Application]:
        """Applications still at "applied" ``after`` since, whose follow-up is not queued yet."""
        cursor = (
            ApplicationDoc.collection()
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
        result = await ApplicationDoc.collection().update_one(
            {"_id": _key(user_key, job_id), "followup_queued": False},
            {"$set": {"followup_queued": True}},
        )
        return result.modified_count == 1

    async def applied_since(self, since: datetime) -> int:
        """Applications first marked "applied" since a moment: the apply rate's numerator."""
        return int(
            await ApplicationDoc.collection().count_documents(
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
        cursor = await ApplicationDoc.collection().aggregate(pipeline)
        counts = dict.fromkeys(ApplicationStage, 0)
        async for raw in cursor:
            counts[ApplicationStage(raw["_id"])] = int(raw["n"])
        return counts


class MongoLinks:
    """Tracked Apply links: a random token per user × job that redirects and counts clicks."""

    async def link_for(self, user_key: str, job_id: str, url: str, now: datetime) -> str:
        """The token for this user × job (made once); it leads to ``url`` from now on."""
        collection = LinkDoc.collection()
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

    async def links_for(
        self, wanted: Sequence[tuple[str, str, str]], now: datetime
    ) -> dict[tuple[str, str], str]:
        """``link_for`` for many (user_key, job_id, url) at once, by (user_key, job_id): one
        read, one bulk update of changed URLs, one bulk insert; a collision with a caller
        making the same link at the same moment falls back to ``link_for`` for that one."""
        if not wanted:
            return {}
        collection = LinkDoc.collection()
        urls = {(user_key, job_id): url for user_key, job_id, url in wanted}
        found = await find_in(
            collection,
            "user_key",
            sorted({user_key for user_key, _ in urls}),
            {"job_id": {"$in": sorted({job_id for _, job_id in urls})}},
            {"user_key": 1, "job_id": 1, "url": 1},
        )
        tokens: dict[tuple[str, str], str] = {}
        moved: builtins.list[UpdateOne] = []
        for raw in found:
            pair = (str(raw["user_key"]), str(raw["job_id"]))
            if pair not in urls:
                continue
            tokens[pair] = str(raw["_id"])
            if raw.get("url") != urls[pair]:
                moved.append(UpdateOne({"_id": raw["_id"]}, {"$set": {"url": urls[pair]}}))
        if moved:
            await collection.bulk_write(moved, ordered=False)
        missing = [pair for pair in urls if pair not in tokens]
        docs: builtins.list[dict[str, Any]] = [
            {
                "_id": secrets.token_urlsafe(12),
                "user_key": user_key,
                "job_id": job_id,
                "url": urls[(user_key, job_id)],
                "clicks": 0,
                "created_at": now,
                "first_click_at": None,
            }
            for user_key, job_id in missing
        ]
        collided: set[int] = set()
        if docs:
            try:
                await collection.insert_many(docs, ordered=False)
            except BulkWriteError as exc:
                collided = set(_duplicates(exc))
        for position, doc in enumerate(docs):
            pair = (doc["user_key"], doc["job_id"])
            if position in collided:
                tokens[pair] = await self.link_for(*pair, doc["url"], now)
            else:
                tokens[pair] = doc["_id"]
        return tokens

    async def click(self, token: str, now: datetime) -> str | None:
        """Count a click; the URL to send the user to, or None for an unknown token."""
        collection = LinkDoc.collection()
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
        cursor = await LinkDoc.collection().aggregate(pipeline)
        async for raw in cursor:
            return LinkStats(int(raw["links"]), int(raw["clicked"]), int(raw["clicks"]))
        return LinkStats(0, 0, 0)


class MongoFeedback:
    """What each user turned down; every write is idempotent."""

    async def get(self, user_key: str) -> Feedback:
        raw = await FeedbackDoc.collection().find_one({"_id": user_key})
        return Feedback() if raw is None else _feedback(raw)

    async def get_many(self, user_keys: Sequence[str]) -> dict[str, Feedback]:
        """Feedback of many users in one query; users who gave none are left out."""
        found = await find_in(FeedbackDoc.collection(), "_id", list(user_keys))
        return {str(raw["_id"]): _feedback(raw) for raw in found}

    async def not_interested(self, user_key: str, job_id: str, now: datetime) -> None:
        await self._add(user_key, "not_interested", job_id, now)

    async def block_company(self, user_key: str, company_key: str, now: datetime) -> None:
        await self._add(user_key, "companies", company_key, now)

    async def block_role_kind(self, user_key: str, family: str, now: datetime) -> None:
        await self._add(user_key, "role_kinds", family, now)

    async def _add(self, user_key: str, field: str, value: str, now: datetime) -> None:
        await FeedbackDoc.collection().update_one(
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

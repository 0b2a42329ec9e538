"""Candidates as matching and delivery need them: profile, language, chat and digest state.

One user's conversation state holds their profile, language and consents; their user row holds
where to reach them. Loading both for thousands of users at once is two queries.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from core.channels import Channel
from core.domain import ConsentPurpose, Profile
from core.ports.matches import CandidateRecord
from core.store.documents import ConversationDoc, PersonDoc, UserDoc
from core.store.mongo import find_in


def _messages_allowed(state: dict[str, Any]) -> bool:
    latest = [
        record
        for record in state.get("consents", [])
        if record.get("purpose") == str(ConsentPurpose.JOB_MESSAGES)
    ]
    return bool(latest) and bool(latest[-1].get("granted"))


class MongoCandidates:
    async def get_many(self, user_keys: Sequence[str]) -> dict[str, CandidateRecord]:
        keys = list(dict.fromkeys(user_keys))
        if not keys:
            return {}
        linked = await find_in(PersonDoc.collection(), "_id", keys)
        people = {raw["_id"]: raw for raw in linked}
        # A linked person's messages go to the first chat of their route; anyone else's to
        # their own chat.
        targets = {key: (people[key]["route"] or [key])[0] if key in people else key
                   for key in keys}
        users = {
            raw["_id"]: raw
            for raw in await find_in(
                UserDoc.collection(), "_id", list(set(targets.values()))
            )
        }
        out: dict[str, CandidateRecord] = {}
        states = await find_in(
            ConversationDoc.collection(),
            "_id",
            [key for key in keys if targets[key] in users],
        )
        for raw in states:
            target = targets[raw["_id"]]
            user = users[target]
            state = raw["state"]
            person = people.get(raw["_id"])
            out[raw["_id"]] = CandidateRecord(
                user_key=raw["_id"],
                target_key=target if target != raw["_id"] else None,
                lang=str(state.get("lang", user.get("language", "en"))),
                profile=Profile.model_validate(state.get("profile", {})),
                onboarded=bool(state.get("onboarded")),
                messages_allowed=_messages_allowed(state),
                channel=Channel(user["channel"]),
                chat_id=str(user["chat_id"]),
                reachable=bool(user.get("reachable", True)),
                linked=tuple(user.get("linked", [])),
                last_digest_at=(person or user).get("last_digest_at"),
            )
        return out

    async def get(self, user_key: str) -> CandidateRecord | None:
        return (await self.get_many([user_key])).get(user_key)

    async def existing(self, user_keys: Iterable[str]) -> set[str]:
        """Which of these people still have a conversation (an erasure removes it first)."""
        cursor = ConversationDoc.collection().find(
            {"_id": {"$in": sorted(set(user_keys))}}, {"_id": 1}
        )
        return {raw["_id"] async for raw in cursor}

    async def onboarded_keys(self) -> list[str]:
        cursor = ConversationDoc.collection().find(
            {"state.onboarded": True}, {"_id": 1}
        )
        return [raw["_id"] async for raw in cursor]

    async def set_last_digest(self, user_key: str, at: datetime) -> None:
        """One digest per person per period: a linked person's is noted on their route."""
        linked = await PersonDoc.collection().update_one(
            {"_id": user_key}, {"$set": {"last_digest_at": at}}
        )
        if linked.matched_count == 0:
            await UserDoc.collection().update_one(
                {"_id": user_key}, {"$set": {"last_digest_at": at}}
            )

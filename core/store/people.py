"""People: the chats and e-mail addresses one person linked, and the order messages try them.

Every chat starts as a person of its own: its key (``telegram:123``) is where its conversation,
profile, consents, resume, matches and tracker are stored. Linking another chat (or adding an
address) makes it a *member* of that person: its user row names the person, and its own messages
read and write the person's data (``InboundMessage.owner``). A ``people`` row then holds the
route: the member keys in the order alerts and digests try them (the first is the preferred).

A member that leaves (``unlink``) becomes a fresh person under a new key, so the data it shared
stays with the person, whatever chat it was first created in.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from core.channels import Channel, ChatRef
from core.ports.people import Member
from core.store.documents import PersonDoc, UserDoc
from core.store.repositories import point_chat


class MongoPeople:
    """Reads and changes who belongs to whom (the ``users`` rows and the ``people`` routes)."""

    async def person_of(self, user_key: str) -> str:
        """The key a chat's personal data is under: its person's, or its own."""
        raw = await UserDoc.collection().find_one({"_id": user_key}, {"person": 1})
        return str(raw.get("person") or user_key) if raw else user_key

    async def route(self, person: str) -> list[str]:
        """Member keys in delivery order; a person who never linked is their one chat."""
        raw = await PersonDoc.collection().find_one({"_id": person})
        return list(raw["route"]) if raw else [person]

    async def members(self, person: str) -> list[Member]:
        """The person's chats and addresses, preferred first."""
        route = await self.route(person)
        cursor = UserDoc.collection().find({"_id": {"$in": route}})
        rows = {raw["_id"]: raw async for raw in cursor}
        return [_member(rows[key]) for key in route if key in rows]

    async def raw(self, user_key: str) -> dict[str, Any] | None:
        """A member's user row as stored (the e-mail channel reads its encrypted address)."""
        raw: dict[str, Any] | None = await UserDoc.collection().find_one(
            {"_id": user_key}
        )
        return raw

    async def member(self, user_key: str) -> Member | None:
        raw = await self.raw(user_key)
        return None if raw is None else _member(raw)

    async def join(self, person: str, user_key: str, now: datetime) -> list[str]:
        """Make ``user_key`` (whose user row exists) a member of ``person``, last in the route."""
        route = [key for key in await self.route(person) if key != user_key]
        route.append(user_key)
        await UserDoc.collection().update_one(
            {"_id": user_key}, {"$set": {"person": person}}
        )
        await point_chat(user_key, person)  # the chat service reads it with the conversation
        await self._save_route(person, route, now)
        return route

    async def add_member(
        self, person: str, user_key: str, chat: ChatRef, now: datetime, **fields: Any
    ) -> list[str]:
        """A new member row (an e-mail address) and its place at the end of the route."""
        await UserDoc.collection().update_one(
            {"_id": user_key},
            {
                "$setOnInsert": {"created_at": now, "role": "candidate"},
                "$set": {
                    "channel": str(chat.channel),
                    "chat_id": chat.chat_id,
                    "platform_user_id": chat.chat_id,
                    "reachable": True,
                    "person": person,
                    **fields,
                },
            },
            upsert=True,
        )
        return await self.join(person, user_key, now)

    async def prefer(self, person: str, user_key: str, now: datetime) -> list[str]:
        """Alerts go to ``user_key`` first; the others keep their order as fallbacks."""
        route = await self.route(person)
        if user_key not in route:
            return route
        route = [user_key, *(key for key in route if key != user_key)]
        await self._save_route(person, route, now)
        return route

    async def leave(self, person: str, user_key: str, now: datetime) -> str | None:
        """``user_key`` leaves the person and becomes a person of its own (a new, empty key).

        Returns that new key, or None when it was not a member or is the last one.
        """
        route = await self.route(person)
        if user_key not in route or len(route) < 2:
            return None
        rest = [key for key in route if key != user_key]
        fresh = f"{user_key}~{secrets.token_hex(4)}" if user_key == person else None
        await UserDoc.collection().update_one(
            {"_id": user_key}, {"$set": {"person": fresh, "linked": []}}
        )
        await point_chat(user_key, fresh)
        await self._save_route(person, rest, now)
        if fresh is not None:
            await self._save_route(fresh, [user_key], now)
        return fresh or user_key

    async def remove(self, person: str, user_key: str, now: datetime) -> bool:
        """Forget a member row for good (an e-mail address removed or unsubscribed)."""
        route = [key for key in await self.route(person) if key != user_key]
        result = await UserDoc.collection().delete_one(
            {"_id": user_key, "person": person}
        )
        if result.deleted_count:
            await point_chat(user_key, None)
        if route:
            await self._save_route(person, route, now)
        return result.deleted_count == 1

    async def _save_route(self, person: str, route: list[str], now: datetime) -> None:
        """The route, and each member's fallbacks in its order (delivery reads ``linked``)."""
        await PersonDoc.collection().update_one(
            {"_id": person}, {"$set": {"route": route, "updated_at": now}}, upsert=True
        )
        users = UserDoc.collection()
        for index, key in enumerate(route):
            # The ones after it, then the ones before it: a row moved on from the preferred
            # chat keeps going down the route, and comes back round only past the end.
            fallbacks = route[index + 1 :] + route[:index]
            await users.update_one({"_id": key}, {"$set": {"linked": fallbacks}})


def _member(raw: dict[str, Any]) -> Member:
    return Member(
        user_key=raw["_id"],
        channel=Channel(raw["channel"]),
        chat_id=str(raw["chat_id"]),
        reachable=bool(raw.get("reachable", True)),
    )

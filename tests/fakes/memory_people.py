"""In-memory fakes of the people ports (core/ports/people.py), for service tests without servers.

They keep the rows the Mongo adapters keep, in plain dicts, and hand out copies: a caller can't
change what is stored. Users and People share one table of user rows, as the adapters share the
``users`` collection; PersonalData erases and exports what the other three hold.
tests/contract/test_people_store.py holds them to the same promises as the adapters.
"""

from __future__ import annotations

import base64
import copy
import itertools
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from core.channels import Channel, ChatRef, InboundMessage
from core.domain import ConsentRecord, ParsedResume, Profile
from core.ports.people import DeadLetter, Member
from tests.fakes.memory_conversations import InMemoryConversations

Row = dict[str, Any]


@dataclass
class InMemoryUsers:
    """Users (keyed by user key), profiles and the consent history."""

    rows: dict[str, Row] = field(default_factory=dict)
    profiles: dict[str, Row] = field(default_factory=dict)
    consents: list[Row] = field(default_factory=list)

    async def ensure(self, msg: InboundMessage, language: str, now: datetime) -> None:
        row = self.rows.setdefault(
            msg.user_key,
            {
                "_id": msg.user_key,
                "channel": str(msg.channel),
                "platform_user_id": msg.user_id,
                "role": "candidate",
                "created_at": now,
            },
        )
        row.update(chat_id=msg.chat_id, language=language)

    async def remember_business_id(self, user_key: str, business_id: str) -> None:
        if user_key in self.rows:
            self.rows[user_key]["business_id"] = business_id

    async def set_reachable(self, user_key: str, reachable: bool) -> None:
        if user_key in self.rows:
            self.rows[user_key]["reachable"] = reachable

    async def save_profile(self, user_key: str, profile: Profile, now: datetime) -> None:
        self.profiles[user_key] = {
            "_id": user_key,
            "profile": profile.model_dump(mode="json"),
            "updated_at": now,
        }

    async def load_profile(self, user_key: str) -> Profile | None:
        row = self.profiles.get(user_key)
        return None if row is None else Profile.model_validate(row["profile"])

    async def record_consents(self, user_key: str, records: tuple[ConsentRecord, ...]) -> None:
        if not records:
            raise TypeError("documents must be a non-empty list")  # as the driver refuses it
        for record in records:
            row = record.model_dump(mode="python")
            self.consents.append({"user_key": user_key, **row, "purpose": str(record.purpose)})


@dataclass(frozen=True)
class _Resume:
    parsed: ParsedResume
    file: bytes | None
    file_type: str | None
    uploaded_at: datetime


@dataclass
class InMemoryResumes:
    """Per user: the confirmed resume and the one waiting for confirmation (either may be unset)."""

    kept: dict[str, _Resume] = field(default_factory=dict)
    waiting: dict[str, _Resume] = field(default_factory=dict)

    async def save(
        self,
        user_key: str,
        parsed: ParsedResume,
        file: bytes | None,
        file_type: str | None,
        now: datetime,
    ) -> None:
        # Only what the adapter stores of a parse (see the Resumes port).
        stored = ParsedResume(
            name=parsed.name,
            email=parsed.email,
            phone=parsed.phone,
            skills=parsed.skills,
            years_experience=parsed.years_experience,
            last_title=parsed.last_title,
            languages=parsed.languages,
        )
        self.waiting[user_key] = _Resume(stored, file, file_type, now)

    async def keep(self, user_key: str, *, keep: bool) -> bool:
        resume = self.waiting.pop(user_key, None)
        if resume is None:
            return False
        if keep:
            self.kept[user_key] = resume
        return True

    async def load(
        self, user_key: str, *, pending: bool = False
    ) -> tuple[ParsedResume, bytes | None] | None:
        resume = (self.waiting if pending else self.kept).get(user_key)
        return None if resume is None else (resume.parsed, resume.file)

    def holds(self, user_key: str) -> bool:
        return user_key in self.kept or user_key in self.waiting

    def drop(self, user_key: str) -> int:
        held = self.holds(user_key)
        self.kept.pop(user_key, None)
        self.waiting.pop(user_key, None)
        return int(held)


@dataclass
class InMemoryPeople:
    """Routes per person; membership and fallbacks live on the user rows ``users`` holds.

    ``moved(chat, person)`` hears every change of a chat's person (None: it is its own), as the
    adapter also writes it into the chat's conversation row (``point_chat``): a conversations
    fake keeps its owner pointer in step through it (``moved=conversations.point``).
    """

    users: InMemoryUsers
    routes: dict[str, Row] = field(default_factory=dict)
    moved: Callable[[str, str | None], Awaitable[None]] | None = None

    async def person_of(self, user_key: str) -> str:
        row = self.users.rows.get(user_key)
        return str(row.get("person") or user_key) if row else user_key

    async def route(self, person: str) -> list[str]:
        row = self.routes.get(person)
        return list(row["route"]) if row else [person]

    async def members(self, person: str) -> list[Member]:
        rows = self.users.rows
        return [_member(rows[key]) for key in await self.route(person) if key in rows]

    async def raw(self, user_key: str) -> Row | None:
        return copy.deepcopy(self.users.rows.get(user_key))

    async def member(self, user_key: str) -> Member | None:
        row = self.users.rows.get(user_key)
        return None if row is None else _member(row)

    async def join(self, person: str, user_key: str, now: datetime) -> list[str]:
        route = [key for key in await self.route(person) if key != user_key] + [user_key]
        if user_key in self.users.rows:
            self.users.rows[user_key]["person"] = person
        await self._moved(user_key, person)
        self._save_route(person, route, now)
        return route

    async def add_member(
        self, person: str, user_key: str, chat: ChatRef, now: datetime, **fields: Any
    ) -> list[str]:
        row = self.users.rows.setdefault(
            user_key, {"_id": user_key, "created_at": now, "role": "candidate"}
        )
        row.update(
            channel=str(chat.channel),
            chat_id=chat.chat_id,
            platform_user_id=chat.chat_id,
            reachable=True,
            person=person,
            **copy.deepcopy(fields),
        )
        return await self.join(person, user_key, now)

    async def prefer(self, person: str, user_key: str, now: datetime) -> list[str]:
        route = await self.route(person)
        if user_key not in route:
            return route
        route = [user_key, *(key for key in route if key != user_key)]
        self._save_route(person, route, now)
        return route

    async def leave(self, person: str, user_key: str, now: datetime) -> str | None:
        route = await self.route(person)
        if user_key not in route or len(route) < 2:
            return None
        fresh = f"{user_key}~{secrets.token_hex(4)}" if user_key == person else None
        if user_key in self.users.rows:
            self.users.rows[user_key].update(person=fresh, linked=[])
        await self._moved(user_key, fresh)
        self._save_route(person, [key for key in route if key != user_key], now)
        if fresh is not None:
            self._save_route(fresh, [user_key], now)
        return fresh or user_key

    async def remove(self, person: str, user_key: str, now: datetime) -> bool:
        route = [key for key in await self.route(person) if key != user_key]
        row = self.users.rows.get(user_key)
        removed = row is not None and row.get("person") == person
        if removed:
            del self.users.rows[user_key]
            await self._moved(user_key, None)
        if route:
            self._save_route(person, route, now)
        return removed

    async def _moved(self, user_key: str, person: str | None) -> None:
        if self.moved is not None:
            await self.moved(user_key, person)

    def _save_route(self, person: str, route: list[str], now: datetime) -> None:
        self.routes[person] = {"_id": person, "route": list(route), "updated_at": now}
        for index, key in enumerate(route):
            if key in self.users.rows:
                self.users.rows[key]["linked"] = route[index + 1 :] + route[:index]


@dataclass
class InMemoryPersonalData:
    """Export and erasure over the other fakes of this group (and the conversations, if given:
    the adapter erases those too)."""

    users: InMemoryUsers
    people: InMemoryPeople
    resumes: InMemoryResumes
    conversations: InMemoryConversations | None = None
    erasures: dict[str, datetime] = field(default_factory=dict)

    async def export(self, user_key: str) -> dict[str, Any]:
        users, routes = self.users.rows, self.people.routes
        data: dict[str, Any] = {
            "user_key": user_key,
            "users": [users[user_key]] if user_key in users else [],
            "people": [routes[user_key]] if user_key in routes else [],
            "profiles": [self.users.profiles[user_key]] if user_key in self.users.profiles else [],
            "consents": [row for row in self.users.consents if row["user_key"] == user_key],
        }
        if self.conversations is not None:
            row = self.conversations.rows.get(user_key)
            data["conversations"] = [row] if row is not None else []
        resumes = []
        for pending in (False, True):
            resume = await self.resumes.load(user_key, pending=pending)
            if resume is not None:
                parsed, file = resume
                resumes.append(
                    {
                        **parsed.model_dump(mode="json"),
                        "file_base64": base64.b64encode(file).decode() if file else None,
                        "awaiting_confirmation": pending,
                    }
                )
        if resumes:
            data["resumes"] = resumes
        return copy.deepcopy(data)

    async def erase(
        self, user_key: str, now: datetime, *, profile_only: bool = False
    ) -> dict[str, int]:
        removed: dict[str, int] = {}
        if not profile_only:
            removed["users"] = int(self.users.rows.pop(user_key, None) is not None)
        removed["people"] = int(self.people.routes.pop(user_key, None) is not None)
        removed["profiles"] = int(self.users.profiles.pop(user_key, None) is not None)
        kept = [row for row in self.users.consents if row["user_key"] != user_key]
        removed["consents"] = len(self.users.consents) - len(kept)
        self.users.consents[:] = kept
        removed["resumes"] = self.resumes.drop(user_key)
        if self.conversations is not None:
            gone = self.conversations.rows.pop(user_key, None)
            removed["conversations"] = int(gone is not None)
        self.erasures[user_key] = now
        return removed


@dataclass
class InMemoryDeadLetters:
    """Failed tasks by id; ids look like the adapter's (24 hex digits)."""

    letters: dict[str, DeadLetter] = field(default_factory=dict)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    async def add(self, task: str, args: list[Any], error: str, now: datetime) -> None:
        letter_id = f"{next(self._ids):024x}"
        self.letters[letter_id] = DeadLetter(
            id=letter_id,
            task=task,
            args=copy.deepcopy(list(args)),
            error=error[:500],
            failed_at=now,
        )

    async def recent(self, limit: int = 20) -> list[DeadLetter]:
        latest = sorted(self.letters.values(), key=lambda letter: letter.failed_at, reverse=True)
        return [
            letter.model_copy(update={"args": copy.deepcopy(letter.args)})
            for letter in latest[:limit]
        ]

    async def remove(self, letter_id: str) -> None:
        self.letters.pop(letter_id, None)

    async def count(self) -> int:
        return len(self.letters)


def people_fakes(
    conversations: InMemoryConversations | None = None,
) -> tuple[InMemoryUsers, InMemoryPeople, InMemoryPersonalData]:
    """Users, People and PersonalData over one set of tables, as the adapters share one store;
    with ``conversations``, linking points chats there and erasure removes their rows."""
    users = InMemoryUsers()
    people = InMemoryPeople(users, moved=conversations.point if conversations else None)
    return users, people, InMemoryPersonalData(users, people, InMemoryResumes(), conversations)


def _member(row: Row) -> Member:
    return Member(
        user_key=row["_id"],
        channel=Channel(row["channel"]),
        chat_id=str(row["chat_id"]),
        reachable=bool(row.get("reachable", True)),
    )

"""What the services need of the stores about people: chats, profiles, resumes, links, erasure.

Each port holds exactly what the services (and the worker, CLI and routes) call. The row types
they take and return live here too, so a service, an adapter and a fake share one vocabulary and
none of them names Mongo. The docstrings are the contract: tests/contract/test_people_store.py
holds the Mongo adapters and the in-memory fakes to it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from core.channels import Channel, ChatRef, InboundMessage
from core.domain import ConsentRecord, Frozen, ParsedResume, Profile

# --- rows --------------------------------------------------------------------------------------


class Member(Frozen):
    """One chat or address of a person, as /channels shows it and delivery reaches it."""

    user_key: str
    channel: Channel
    chat_id: str
    reachable: bool = True


class DeadLetter(Frozen):
    """A task that failed for good, with what a retry needs."""

    id: str
    task: str
    args: list[Any]
    error: str
    failed_at: datetime


# --- ports -------------------------------------------------------------------------------------


class Users(Protocol):
    """The chats that wrote to us, and each one's preferences and consent history."""

    async def ensure(self, msg: InboundMessage, language: str, now: datetime) -> None:
        """The chat ``msg`` came from has a user row: created on first sight (a candidate,
        reachable), its chat id and language refreshed every time; the rest is kept."""

    async def remember_business_id(self, user_key: str, business_id: str) -> None:
        """Note a WhatsApp business-scoped id beside an existing user; never creates a user."""

    async def set_reachable(self, user_key: str, reachable: bool) -> None:
        """Whether messages can reach the chat (it blocked us, or wrote again); no-op for an
        unknown chat."""

    async def save_profile(self, user_key: str, profile: Profile, now: datetime) -> None:
        """Store the profile under the key, replacing the one before."""

    async def load_profile(self, user_key: str) -> Profile | None:
        """The profile last saved under the key, equal to it; None when none was."""

    async def record_consents(self, user_key: str, records: tuple[ConsentRecord, ...]) -> None:
        """Append at least one consent record to the key's history; nothing is overwritten."""


class Resumes(Protocol):
    """A user's resume, and a newer one waiting for them to confirm its summary."""

    async def save(
        self,
        user_key: str,
        parsed: ParsedResume,
        file: bytes | None,
        file_type: str | None,
        now: datetime,
    ) -> None:
        """Put a parsed resume aside until it is confirmed, replacing any other one waiting;
        the user's confirmed resume is untouched."""

    async def keep(self, user_key: str, *, keep: bool) -> bool:
        """The waiting resume becomes the user's (``keep``) or is dropped; False when none
        waits. Dropping it leaves the confirmed resume as it was."""

    async def load(
        self, user_key: str, *, pending: bool = False
    ) -> tuple[ParsedResume, bytes | None] | None:
        """The confirmed resume (or with ``pending`` the waiting one) and its file, or None.

        Kept of the parse: the contact fields, skills, years, last title and language names;
        spoken languages with levels, certifications and the text length are not stored
        (what matching needs of them is in the profile's resume summary).
        """


class PersonalData(Protocol):
    """Everything stored under one key, for the user to take away or to have erased."""

    @property
    def resumes(self) -> Resumes:
        """The resumes this erases and exports (the chat service confirms them through it)."""

    async def export(self, user_key: str) -> dict[str, Any]:
        """``user_key``, one list per kind of personal data (named as the store names it:
        "users", "profiles", "consents", ...) with the rows kept under the key, and
        "resumes" (the confirmed one, then the waiting one, files in base64) when there is one."""

    async def erase(
        self, user_key: str, now: datetime, *, profile_only: bool = False
    ) -> dict[str, int]:
        """Delete everything under ``user_key``; how many rows went, per kind. ``profile_only``
        keeps the chat itself (its user row and inbox): a profile dropped when two chats are
        linked, not a chat erased. Erasing again removes nothing and does not fail."""


class People(Protocol):
    """Who belongs to whom: the chats and addresses of one person, in the order alerts try them.

    A chat that never linked is a person of its own, under its own key.
    """

    async def person_of(self, user_key: str) -> str:
        """The key a chat's personal data is under: its person's, or its own."""

    async def route(self, person: str) -> list[str]:
        """Member keys in delivery order (the first is preferred); ``[person]`` if never linked."""

    async def members(self, person: str) -> list[Member]:
        """The person's chats and addresses that still have a user row, in route order."""

    async def raw(self, user_key: str) -> dict[str, Any] | None:
        """A member's stored fields (a copy): channel, chat_id, person, linked (its fallbacks
        in order) and the extra fields ``add_member`` was given; None for an unknown key."""

    async def member(self, user_key: str) -> Member | None:
        """One member as ``members`` shows it; None for an unknown key."""

    async def join(self, person: str, user_key: str, now: datetime) -> list[str]:
        """``user_key`` (whose user row exists) joins ``person``, last in the route (moved
        there if it was in it already); the new route. Each member's fallbacks follow it."""

    async def add_member(
        self, person: str, user_key: str, chat: ChatRef, now: datetime, **fields: Any
    ) -> list[str]:
        """A new reachable member row (an e-mail address) with ``fields``, joined last."""

    async def prefer(self, person: str, user_key: str, now: datetime) -> list[str]:
        """``user_key`` goes first, the others keep their order; unchanged if not a member."""

    async def leave(self, person: str, user_key: str, now: datetime) -> str | None:
        """``user_key`` leaves ``person`` and becomes a person of its own; the key its data
        will be under (a new, empty one when it was the person's own chat: the data stays).
        None, and nothing changes, when it is not a member or is the last one."""

    async def remove(self, person: str, user_key: str, now: datetime) -> bool:
        """Forget a member row that names ``person`` for good and take it off the route;
        False when no such row was there (the route is cleaned either way)."""


class DeadLetters(Protocol):
    """Work that failed for good: kept for admins to see, retry or drop."""

    async def add(self, task: str, args: list[Any], error: str, now: datetime) -> None:
        """Keep a failed task with its arguments (they come back equal) and the error (the
        first 500 characters)."""

    async def recent(self, limit: int = 20) -> list[DeadLetter]:
        """At most ``limit`` letters, the latest failure first."""

    async def remove(self, letter_id: str) -> None:
        """Drop a letter by the id ``recent`` gave; no-op once it is gone."""

    async def count(self) -> int:
        """How many letters are kept."""

"""What the chat service needs of the stores about conversations and accepted updates.

Each port holds exactly what the services call; the row types they speak in live here, so the
service, the Mongo adapter and the fake share one vocabulary. The docstrings are the contract:
tests/contract/test_conversation_store.py holds the Mongo adapters and the in-memory fakes to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from core.channels import InboundMessage, MessageKind

_INTERNAL_KINDS = frozenset({MessageKind.RESUME_PARSED, MessageKind.RESUME_FAILED})


def inbound_key(msg: InboundMessage) -> str:
    """The idempotency key: "telegram:<update id>", "whatsapp:<wamid>", "internal:<...>"."""
    if msg.kind in _INTERNAL_KINDS:
        return f"internal:{msg.channel}:{msg.update_id}"
    return f"{msg.channel}:{msg.update_id}"


@dataclass(frozen=True)
class StoredState:
    """One person's conversation as stored, with the revision a save must name."""

    state: dict[str, Any]
    revision: int
    applied: str | None = None  # the inbound message that produced this state
    effects: dict[str, Any] | None = None  # what that message's step still had to do


@dataclass(frozen=True)
class ChatState:
    """What one read tells about a chat: whose data it speaks for (``owner``: its own key, or
    the person it is linked to) and, when that is its own, the conversation stored there."""

    owner: str
    stored: StoredState | None


class Conversations(Protocol):
    """Conversation state per person, guarded by a revision number."""

    async def load(self, user_key: str) -> StoredState | None:
        """The conversation stored under the key; None when there is none."""

    async def load_chat(self, chat_key: str) -> ChatState:
        """One read: the chat's owner and, when the chat is its own person, its conversation
        (a linked chat's caller loads the owner's with ``load``, under the owner's lock)."""

    async def save(
        self,
        user_key: str,
        state: dict[str, Any],
        revision: int | None,
        now: datetime,
        *,
        applied: str | None = None,
        effects: dict[str, Any] | None = None,
    ) -> int:
        """Store a new state if the stored revision is still ``revision`` (None: no
        conversation yet) and return the new revision; ``ConcurrentUpdate`` otherwise. The
        ``applied`` mark and the step's ``effects`` are written in the same atomic write."""

    async def adopt_links(self) -> int:
        """Once per store: make every chat linked before rows named their person name it (so
        ``load_chat`` is right for them too); returns how many rows changed. Safe to repeat."""


class Inbox(Protocol):
    """Accepted updates: the idempotency keys and each chat's queue of pending work."""

    async def accept(self, msg: InboundMessage, now: datetime) -> bool:
        """Store the update durably (on disk before it returns); False for a resend of one
        accepted before, pending or done."""

    async def pending(self, user_key: str) -> list[tuple[str, InboundMessage]]:
        """The chat's accepted, unfinished updates with their ids, oldest accepted first."""

    async def done(self, inbound_id: str) -> None:
        """Mark an update finished: it leaves ``pending`` and its key still stops resends."""

    async def stale_users(self, older_than: datetime) -> list[str]:
        """Chats with an update accepted before ``older_than`` and still pending."""

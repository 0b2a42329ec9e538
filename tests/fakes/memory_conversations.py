"""In-memory fakes of the conversation ports (core/ports/conversations.py), for service tests.

They keep what the Mongo adapters keep, in plain dicts, and hand out copies: a caller can't
change what is stored. tests/contract/test_conversation_store.py holds them to the same
promises as the adapters.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from core.channels import InboundMessage
from core.errors import ConcurrentUpdate
from core.ports.conversations import ChatState, StoredState, inbound_key

Row = dict[str, Any]


@dataclass
class InMemoryConversations:
    """Conversation rows by key; a row may hold only the chat's ``person`` (see ``point``)."""

    rows: dict[str, Row] = field(default_factory=dict)

    async def load(self, user_key: str) -> StoredState | None:
        return _stored(self.rows.get(user_key))

    async def load_chat(self, chat_key: str) -> ChatState:
        row = self.rows.get(chat_key)
        person = row.get("person") if row is not None else None
        if person and person != chat_key:
            return ChatState(owner=str(person), stored=None)
        return ChatState(owner=chat_key, stored=_stored(row))

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
        row = self.rows.get(user_key)
        stored = row.get("revision") if row is not None else None
        if stored != revision:
            raise ConcurrentUpdate(f"conversation {user_key} changed since revision {revision}")
        fields = {
            "state": copy.deepcopy(state),
            "updated_at": now,
            "applied": applied,
            "effects": copy.deepcopy(effects),
        }
        self.rows.setdefault(user_key, {"_id": user_key}).update(
            fields, revision=(revision or 0) + 1
        )
        return (revision or 0) + 1

    async def point(self, chat_key: str, person: str | None) -> None:
        pointer = person if person and person != chat_key else None
        if pointer is not None or chat_key in self.rows:
            self.rows.setdefault(chat_key, {"_id": chat_key})["person"] = pointer

    async def adopt_links(self) -> int:
        return 0  # the fake never held links written without their pointer


@dataclass
class InMemoryInbox:
    """Accepted updates by id, in acceptance order."""

    rows: dict[str, Row] = field(default_factory=dict)

    async def accept(self, msg: InboundMessage, now: datetime) -> bool:
        key = inbound_key(msg)
        if key in self.rows:
            return False
        self.rows[key] = {
            "user_key": msg.user_key,
            "message": msg.model_dump(mode="json"),
            "status": "pending",
            "received_at": now,
        }
        return True

    async def pending(self, user_key: str) -> list[tuple[str, InboundMessage]]:
        found = [
            (row["received_at"], key, row)
            for key, row in self.rows.items()
            if row["status"] == "pending" and row["user_key"] == user_key
        ]
        return [
            (key, InboundMessage.model_validate(row["message"]))
            for _, key, row in sorted(found, key=lambda item: (item[0], item[1]))
        ]

    async def done(self, inbound_id: str) -> None:
        row = self.rows.get(inbound_id)
        if row is not None:
            # As the adapter: only the key and the time stay.
            self.rows[inbound_id] = {
                "status": "done",
                "received_at": row["received_at"],
                "user_key": None,
            }

    async def stale_users(self, older_than: datetime) -> list[str]:
        users = {
            str(row["user_key"])
            for row in self.rows.values()
            if row["status"] == "pending" and row["received_at"] < older_than
        }
        return sorted(users)


def _stored(row: Row | None) -> StoredState | None:
    if row is None or "revision" not in row:
        return None
    return StoredState(
        state=copy.deepcopy(row["state"]),
        revision=row["revision"],
        applied=row.get("applied"),
        effects=copy.deepcopy(row.get("effects")),
    )

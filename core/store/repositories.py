"""Repositories: take and return domain types; atomic updates where writes can race."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import pickle
from contextlib import suppress
from datetime import datetime
from typing import Any

from bson import ObjectId
from pymongo import ASCENDING, ReturnDocument, WriteConcern
from pymongo.errors import DuplicateKeyError

from core.channels import Channel, ChatRef, InboundMessage
from core.crypto import Cipher
from core.domain import ConsentPurpose, ConsentRecord, ParsedResume, Profile
from core.errors import ConcurrentUpdate
from core.ports.conversations import ChatState, StoredState, inbound_key
from core.ports.people import DeadLetter
from core.store.documents import (
    PERSONAL,
    ConsentDoc,
    ConversationDoc,
    DeadLetterDoc,
    ErasureDoc,
    InboundDoc,
    ProfileDoc,
    ResumeDoc,
    UserDoc,
)

JOURNALED = WriteConcern(w=1, j=True)


class MongoConversationRepository:
    """Conversation state per person, guarded by a revision number.

    A save may name the inbound message it applies and carry that step's remaining effects in
    the same write, so a message is applied at most once whatever dies when (see ChatService).
    A chat's row also says whose data the chat speaks for (``person``, written by linking via
    ``point_chat``), so one read answers both questions for a chat that is its own person.
    """

    async def load(self, user_key: str) -> StoredState | None:
        raw = await ConversationDoc.collection().find_one({"_id": user_key})
        return _stored(raw)

    async def load_chat(self, chat_key: str) -> ChatState:
        raw = await ConversationDoc.collection().find_one({"_id": chat_key})
        person = raw.get("person") if raw is not None else None
        if person and person != chat_key:
            return ChatState(owner=str(person), stored=None)
        return ChatState(owner=chat_key, stored=_stored(raw))

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
        collection = ConversationDoc.collection()
        fields = {"state": state, "updated_at": now, "applied": applied, "effects": effects}
        if revision is None:
            try:
                # Upsert: a row holding only the chat's ``person`` may be there already.
                await collection.update_one(
                    {"_id": user_key, "revision": {"$exists": False}},
                    {"$set": {**fields, "revision": 1}},
                    upsert=True,
                )
            except DuplicateKeyError as exc:
                raise ConcurrentUpdate(f"conversation {user_key} already exists") from exc
            return 1
        result = await collection.update_one(
            {"_id": user_key, "revision": revision}, {"$set": fields, "$inc": {"revision": 1}}
        )
        if result.matched_count != 1:
            raise ConcurrentUpdate(f"conversation {user_key} changed since revision {revision}")
        return revision + 1

    async def point(self, chat_key: str, person: str | None) -> None:
        """The chat speaks for ``person`` from now on (None or its own key: for itself)."""
        await point_chat(chat_key, person)

    async def adopt_links(self) -> int:
        """Write ``person`` into the rows of chats linked before rows carried it (one pass over
        the users that name a person); returns how many rows it changed. Safe to repeat."""
        conversations = ConversationDoc.collection()
        if await conversations.find_one({"_id": _LINKS_ADOPTED}, {"_id": 1}) is not None:
            return 0  # done before, and every link since wrote its pointer
        users = UserDoc.collection().find({"person": {"$type": "string"}}, {"person": 1})
        changed = 0
        async for raw in users:
            if raw["person"] == raw["_id"]:
                continue
            try:
                result = await conversations.update_one(
                    {"_id": raw["_id"], "person": {"$exists": False}},
                    {"$set": {"person": raw["person"]}},
                    upsert=True,
                )
            except DuplicateKeyError:
                continue  # the row names its person already
            changed += 1 if result.modified_count or result.upserted_id is not None else 0
        with suppress(DuplicateKeyError):  # another process finished it too
            await conversations.insert_one({"_id": _LINKS_ADOPTED})
        return changed


# A marker row (no chat key looks like it): the one pass of ``adopt_links`` has been made.
_LINKS_ADOPTED = "migration:conversation-person"


def _pointer(chat_key: str, person: str | None) -> str | None:
    return person if person and person != chat_key else None


async def point_chat(chat_key: str, person: str | None) -> None:
    """Record in the chat's conversation row whose data it speaks for (see people.py: every
    change of ``users.person`` writes this too, so the chat service needs no second read)."""
    pointer = _pointer(chat_key, person)
    # No row is created to say "itself": that is what no row says.
    await ConversationDoc.collection().update_one(
        {"_id": chat_key}, {"$set": {"person": pointer}}, upsert=pointer is not None
    )


def _stored(raw: dict[str, Any] | None) -> StoredState | None:
    if raw is None or "revision" not in raw:
        return None  # no row, or one that only names the chat's person
    return StoredState(
        state=raw["state"],
        revision=raw["revision"],
        applied=raw.get("applied"),
        effects=raw.get("effects"),
    )


class MongoUserRepository:
    """Users, their profiles and their consents."""

    async def ensure(self, msg: InboundMessage, language: str, now: datetime) -> None:
        await UserDoc.collection().update_one(
            {"_id": msg.user_key},
            {
                "$setOnInsert": {
                    "channel": str(msg.channel),
                    "platform_user_id": msg.user_id,
                    "role": "candidate",
                    "created_at": now,
                },
                "$set": {"chat_id": msg.chat_id, "language": language},
            },
            upsert=True,
        )

    async def remember_business_id(self, user_key: str, business_id: str) -> None:
        """WhatsApp's business-scoped user id beside the wa_id we key the user by (users who
        adopt a username may later appear with it alone). Only for users who consented: no
        record is created here."""
        await UserDoc.collection().update_one(
            {"_id": user_key, "business_id": {"$ne": business_id}},
            {"$set": {"business_id": business_id}},
        )

    async def set_reachable(self, user_key: str, reachable: bool) -> None:
        await UserDoc.collection().update_one({"_id": user_key}, {"$set": {"reachable": reachable}})

    async def chat_of(self, user_key: str) -> ChatRef | None:
        raw = await UserDoc.collection().find_one({"_id": user_key})
        return (
            None
            if raw is None
            else ChatRef(channel=Channel(raw["channel"]), chat_id=raw["chat_id"])
        )

    async def save_profile(self, user_key: str, profile: Profile, now: datetime) -> None:
        await ProfileDoc.collection().update_one(
            {"_id": user_key},
            {"$set": {"profile": profile.model_dump(mode="json"), "updated_at": now}},
            upsert=True,
        )

    async def load_profile(self, user_key: str) -> Profile | None:
        raw = await ProfileDoc.collection().find_one({"_id": user_key})
        return None if raw is None else Profile.model_validate(raw["profile"])

    async def record_consents(self, user_key: str, records: tuple[ConsentRecord, ...]) -> None:
        await ConsentDoc.collection().insert_many(
            [{"user_key": user_key, **record.model_dump(mode="python")} for record in records]
        )

    async def consents(self, user_key: str) -> list[ConsentRecord]:
        cursor = ConsentDoc.collection().find({"user_key": user_key}).sort("at", ASCENDING)
        return [
            ConsentRecord(
                purpose=ConsentPurpose(raw["purpose"]),
                granted=raw["granted"],
                version=raw["version"],
                at=raw["at"],
            )
            async for raw in cursor
        ]


class MongoResumeRepository:
    """Resumes: the file and the contact fields are encrypted before they reach the store.

    A freshly parsed resume waits under ``pending`` in the user's document until they confirm
    its summary (``keep``): until then the resume they had (file, name, e-mail, phone) stays.
    """

    def __init__(self, cipher: Cipher) -> None:
        self._cipher = cipher

    async def save(
        self,
        user_key: str,
        parsed: ParsedResume,
        file: bytes | None,
        file_type: str | None,
        now: datetime,
    ) -> None:
        """Store a parsed resume aside, replacing any other one waiting for confirmation."""
        contact = json.dumps({"name": parsed.name, "email": parsed.email, "phone": parsed.phone})
        pending = {
            "file_enc": self._cipher.encrypt(file) if file is not None else None,
            "file_type": file_type,
            "file_size": len(file) if file is not None else None,
            "contact_enc": self._cipher.encrypt(contact.encode()),
            "skills": list(parsed.skills),
            "years_experience": parsed.years_experience,
            "last_title": parsed.last_title,
            "languages": list(parsed.languages),
            "uploaded_at": now,
        }
        await ResumeDoc.collection().update_one(
            {"_id": user_key}, {"$set": {"pending": pending}}, upsert=True
        )

    async def keep(self, user_key: str, *, keep: bool) -> bool:
        """Make the resume waiting for confirmation the user's (or drop it); False: none waits."""
        collection = ResumeDoc.collection()
        raw = await collection.find_one({"_id": user_key}, {"pending": 1})
        pending = raw.get("pending") if raw else None
        if pending is None:
            return False
        if keep:
            # Only the resume read here: a newer upload stored meanwhile is not lost. Of two
            # confirmations at once, the one whose write found the resume waiting kept it.
            kept = await collection.replace_one(
                {"_id": user_key, "pending.uploaded_at": pending["uploaded_at"]}, pending
            )
            return kept.matched_count == 1
        dropped = await collection.update_one(
            {"_id": user_key, "pending": {"$exists": True}}, {"$unset": {"pending": ""}}
        )
        await collection.delete_one({"_id": user_key, "uploaded_at": {"$exists": False}})
        return dropped.modified_count == 1

    async def load(
        self, user_key: str, *, pending: bool = False
    ) -> tuple[ParsedResume, bytes | None] | None:
        """The user's resume, or with ``pending`` the one waiting for confirmation."""
        raw = await ResumeDoc.collection().find_one({"_id": user_key})
        if raw is not None and pending:
            raw = raw.get("pending")
        if raw is None or "uploaded_at" not in raw:
            return None
        contact = (
            json.loads(self._cipher.decrypt(raw["contact_enc"])) if raw.get("contact_enc") else {}
        )
        parsed = ParsedResume(
            name=contact.get("name"),
            email=contact.get("email"),
            phone=contact.get("phone"),
            skills=tuple(raw.get("skills", ())),
            years_experience=raw.get("years_experience"),
            last_title=raw.get("last_title"),
            languages=tuple(raw.get("languages", ())),
        )
        file = self._cipher.decrypt(raw["file_enc"]) if raw.get("file_enc") else None
        return parsed, file


# Events we raise ourselves (a parse task finished): their keys live under "internal:", which no
# platform update can reach, since those keys always start with the channel's name.
class MongoInboundRepository:
    """Accepted updates: the idempotency keys and the per-user queue of pending work."""

    async def accept(self, msg: InboundMessage, now: datetime) -> bool:
        """Store the update durably; False when it was accepted before (a resend)."""
        try:
            # Journaled: on disk (the log fsynced) before the webhook answers 200.
            await (
                InboundDoc.collection()
                .with_options(write_concern=JOURNALED)
                .insert_one(
                    {
                        "_id": inbound_key(msg),
                        "user_key": msg.user_key,
                        "message": msg.model_dump(mode="json"),
                        "status": "pending",
                        "received_at": now,
                    }
                )
            )
        except DuplicateKeyError:
            return False
        return True

    async def pending(self, user_key: str) -> list[tuple[str, InboundMessage]]:
        cursor = (
            InboundDoc.collection()
            .find({"user_key": user_key, "status": "pending"})
            .sort([("received_at", ASCENDING), ("_id", ASCENDING)])
        )
        return [(raw["_id"], InboundMessage.model_validate(raw["message"])) async for raw in cursor]

    async def done(self, inbound_id: str) -> None:
        # Keep only the key (for dedupe) and the time (for the TTL): nothing personal.
        # Journaled: an update whose step stored nothing (/start) has no other mark, and a mark
        # lost with the database would send its reply again. It comes after the reply.
        await (
            InboundDoc.collection()
            .with_options(write_concern=JOURNALED)
            .update_one(
                {"_id": inbound_id},
                {"$set": {"status": "done"}, "$unset": {"user_key": "", "message": ""}},
            )
        )

    async def stale_users(self, older_than: datetime) -> list[str]:
        keys = await InboundDoc.collection().distinct(
            "user_key", {"status": "pending", "received_at": {"$lt": older_than}}
        )
        return [str(key) for key in keys]


class MongoPersonalData:
    """Everything about one user: export it all, or erase it all."""

    def __init__(self, resumes: MongoResumeRepository, erasure_key: bytes) -> None:
        self.resumes = resumes
        self._erasure_key = erasure_key

    async def export(self, user_key: str) -> dict[str, Any]:
        data: dict[str, Any] = {"user_key": user_key}
        seen: dict[str, set[Any]] = {}  # a collection named by two fields (the outbox) once
        for document, field in PERSONAL:
            name = str(document.name)
            if document is ResumeDoc:
                continue
            rows, ids = data.setdefault(name, []), seen.setdefault(name, set())
            async for raw in document.collection().find({field: user_key}):
                if raw["_id"] not in ids:
                    ids.add(raw["_id"])
                    rows.append(
                        {k: v for k, v in raw.items() if k != "_id" or document is not ConsentDoc}
                    )
        resumes = []
        # The user's resume first, then one still waiting for their confirmation, if any.
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
        return data

    async def erase(
        self, user_key: str, now: datetime, *, profile_only: bool = False
    ) -> dict[str, int]:
        """Everything under ``user_key``; ``profile_only`` keeps the chat itself (its user row
        and its inbox): a profile dropped when two chats are linked, not a chat erased."""
        removed: dict[str, int] = {}
        for document, field in PERSONAL:
            if profile_only and document in (UserDoc, InboundDoc):
                continue
            result = await document.collection().delete_many({field: user_key})
            name = str(document.name)
            removed[name] = removed.get(name, 0) + result.deleted_count
        await ErasureDoc.collection().find_one_and_update(
            {"_id": self.erasure_id(user_key)},
            {"$set": {"erased_at": now}},
            upsert=True,
            return_document=ReturnDocument.AFTER,
        )
        return removed

    def erasure_id(self, user_key: str) -> str:
        return hmac.new(self._erasure_key, user_key.encode(), hashlib.sha256).hexdigest()


class MongoDeadLetters:
    """Work that failed for good: kept for admins to see and retry.

    With a cipher, the task's arguments (a user key, a chat id, reply texts) are stored sealed:
    they come back for a retry, and no document holds them in the clear.
    """

    def __init__(self, cipher: Cipher | None = None) -> None:
        self._cipher = cipher

    async def add(self, task: str, args: list[Any], error: str, now: datetime) -> None:
        stored: Any = args
        if self._cipher is not None:
            stored = self._cipher.encrypt(pickle.dumps(list(args)))
        await DeadLetterDoc.collection().insert_one(
            {"task": task, "args": stored, "error": error[:500], "failed_at": now}
        )

    async def recent(self, limit: int = 20) -> list[DeadLetter]:
        cursor = DeadLetterDoc.collection().find({}).sort("failed_at", -1).limit(limit)
        return [
            DeadLetter(
                id=str(raw["_id"]),
                task=raw["task"],
                args=self._args(raw["args"]),
                error=raw["error"],
                failed_at=raw["failed_at"],
            )
            async for raw in cursor
        ]

    def _args(self, stored: Any) -> list[Any]:
        if isinstance(stored, bytes) and self._cipher is not None:
            # Authenticated by the cipher before it is unpickled: only what we sealed.
            value = pickle.loads(self._cipher.decrypt(stored))
            return list(value) if isinstance(value, list) else []
        return list(stored) if isinstance(stored, list) else []

    async def remove(self, letter_id: str) -> None:
        await DeadLetterDoc.collection().delete_one({"_id": ObjectId(letter_id)})

    async def count(self) -> int:
        return int(await DeadLetterDoc.collection().count_documents({}))

"""One beanie Document per collection. References between documents are plain ids."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from beanie import Document
from pydantic import Field
from pymongo import ASCENDING, IndexModel


class UserDoc(Document):
    id: str = Field(alias="_id")  # type: ignore[assignment]  # our own keys, not ObjectIds  # user key, e.g. "telegram:12345"
    channel: str
    platform_user_id: str
    chat_id: str
    language: str = "en"
    role: str = "candidate"
    reachable: bool = True
    created_at: datetime

    class Settings:
        name = "users"


class ProfileDoc(Document):
    id: str = Field(alias="_id")  # type: ignore[assignment]  # our own keys, not ObjectIds
    profile: dict[str, Any]
    updated_at: datetime

    class Settings:
        name = "profiles"


class ConsentDoc(Document):
    user_key: str
    purpose: str
    granted: bool
    version: str
    at: datetime

    class Settings:
        name = "consents"
        indexes: ClassVar = [IndexModel([("user_key", ASCENDING), ("at", ASCENDING)])]


class ConversationDoc(Document):
    id: str = Field(alias="_id")  # type: ignore[assignment]  # our own keys, not ObjectIds
    state: dict[str, Any]
    revision: int = 1
    updated_at: datetime

    class Settings:
        name = "conversations"


class ResumeDoc(Document):
    """The original file and the contact fields are Fernet ciphertext."""

    id: str = Field(alias="_id")  # type: ignore[assignment]  # our own keys, not ObjectIds
    file_enc: bytes | None = None
    file_type: str | None = None
    file_size: int | None = None
    contact_enc: bytes | None = None  # JSON of name, email, phone
    skills: list[str] = Field(default_factory=list)
    years_experience: float | None = None
    last_title: str | None = None
    languages: list[str] = Field(default_factory=list)
    uploaded_at: datetime

    class Settings:
        name = "resumes"


class InboundDoc(Document):
    """One accepted update: pending until processed, then only its key is kept (idempotency)."""

    id: str = Field(alias="_id")  # type: ignore[assignment]  # our own keys, not ObjectIds  # "<channel>:<update id>"
    user_key: str | None = None
    message: dict[str, Any] | None = None
    status: str = "pending"  # pending | done
    received_at: datetime

    class Settings:
        name = "inbound"
        indexes: ClassVar = [
            IndexModel([("user_key", ASCENDING), ("received_at", ASCENDING)]),
            IndexModel([("status", ASCENDING), ("received_at", ASCENDING)]),
            # Platforms resend for hours (Telegram) or days (Meta): keep keys two weeks.
            IndexModel([("received_at", ASCENDING)], expireAfterSeconds=14 * 24 * 3600, name="ttl"),
        ]


class ErasureDoc(Document):
    """The minimal record kept after /delete: a keyed hash of the user key and the time."""

    id: str = Field(alias="_id")  # type: ignore[assignment]  # our own keys, not ObjectIds
    erased_at: datetime

    class Settings:
        name = "erasures"


class DeadLetterDoc(Document):
    task: str
    args: dict[str, Any]
    error: str
    failed_at: datetime

    class Settings:
        name = "dead_letters"


DOCUMENTS: list[type[Document]] = [
    UserDoc,
    ProfileDoc,
    ConsentDoc,
    ConversationDoc,
    ResumeDoc,
    InboundDoc,
    ErasureDoc,
    DeadLetterDoc,
]

# Collections that hold something about a user, and the field that names them.
PERSONAL: list[tuple[type[Document], str]] = [
    (UserDoc, "_id"),
    (ProfileDoc, "_id"),
    (ConsentDoc, "user_key"),
    (ConversationDoc, "_id"),
    (ResumeDoc, "_id"),
    (InboundDoc, "user_key"),
]

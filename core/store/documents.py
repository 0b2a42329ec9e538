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
    # Other user keys of the same person (another channel): delivery falls back to them when
    # this one is unreachable.
    linked: list[str] = Field(default_factory=list)
    last_digest_at: datetime | None = None
    # Channels with a free-form window (WhatsApp: 24 hours after the user's last message): when
    # the user last wrote, when the platform said the window had closed, and when we last asked
    # them back with a template.
    last_inbound_at: datetime | None = None
    window_closed_at: datetime | None = None
    reengaged_at: datetime | None = None
    # The person this chat or address belongs to once it was linked to another (core.store.people);
    # unset, it is a person of its own.
    person: str | None = None
    # E-mail only: the verified address, encrypted (chat_id holds the key, not the address), and
    # the nonce its signed unsubscribe link carries (used once: unsubscribing removes the address).
    address: bytes | None = None
    unsubscribe_nonce: str | None = None

    class Settings:
        name = "users"
        indexes: ClassVar = [IndexModel([("person", ASCENDING)], sparse=True)]


class PersonDoc(Document):
    """A person with linked channels: the order their messages try the channels in.

    Only linked people have one; everyone else is the person of their one chat.
    """

    id: str = Field(alias="_id")  # type: ignore[assignment]  # the key the personal data is under
    route: list[str]  # member user keys: the first gets alerts and digests, the rest are fallbacks
    last_digest_at: datetime | None = None
    updated_at: datetime

    class Settings:
        name = "people"


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
    # The inbound message whose step this state is, and what that step still had to do (its
    # commands and replies), written with it: a replay after a crash runs those, not the step.
    applied: str | None = None
    effects: dict[str, Any] | None = None

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
    # Positional, as the task takes them (a retry enqueues them again); sealed bytes when the
    # service has its key (they name people).
    args: list[Any] | bytes
    error: str
    failed_at: datetime

    class Settings:
        name = "dead_letters"


class SourceDoc(Document):
    id: str = Field(alias="_id")  # type: ignore[assignment]  # our own keys, not ObjectIds
    kind: str
    locator: str
    state: dict[str, Any]  # the Source, as JSON

    class Settings:
        name = "sources"
        indexes: ClassVar = [
            IndexModel([("kind", ASCENDING), ("locator", ASCENDING)], unique=True),
            IndexModel([("state.next_crawl_at", ASCENDING)]),
        ]


class JobDoc(Document):
    id: str = Field(alias="_id")  # type: ignore[assignment]  # our own keys, not ObjectIds
    source_ids: list[str]
    external_keys: list[str]  # "<source id>:<external id>" for each source that lists it
    fingerprint: str
    canonical_url: str | None = None
    company_key: str
    status: str
    posting: dict[str, Any]
    signature: list[int]
    revision: int = 1
    review_reason: str | None = None
    first_seen_at: datetime
    last_seen_at: datetime
    closed_at: datetime | None = None

    class Settings:
        name = "jobs"
        indexes: ClassVar = [
            IndexModel([("external_keys", ASCENDING)]),
            IndexModel([("fingerprint", ASCENDING)]),
            IndexModel([("canonical_url", ASCENDING)]),
            IndexModel([("company_key", ASCENDING)]),
            IndexModel([("source_ids", ASCENDING), ("status", ASCENDING)]),
            IndexModel([("status", ASCENDING), ("first_seen_at", ASCENDING)]),
        ]


class JobRevisionDoc(Document):
    job_id: str
    revision: int
    changed: list[str]
    before: dict[str, Any]
    after: dict[str, Any]
    at: datetime

    class Settings:
        name = "job_revisions"
        indexes: ClassVar = [
            IndexModel([("job_id", ASCENDING), ("revision", ASCENDING)], unique=True)
        ]


class AdminDoc(Document):
    """Admins granted in the bot (those in the ADMINS setting need no row), and their duty."""

    id: str = Field(alias="_id")  # type: ignore[assignment]  # our own keys, not ObjectIds
    granted_by: str | None = None
    granted_at: datetime | None = None
    on_duty: bool = True
    missed_reviews: int = 0
    last_assigned_at: datetime | None = None
    editing_job: str | None = None  # an Edit or Reject flow in progress
    editing_field: str | None = None

    class Settings:
        name = "admins"


class ReviewDoc(Document):
    """Who must review a pending job, since when, and whether they were reminded."""

    id: str = Field(alias="_id")  # type: ignore[assignment]  # the job id
    assignee: str | None = None
    assigned_at: datetime
    reminded: bool = False

    class Settings:
        name = "reviews"
        indexes: ClassVar = [IndexModel([("assigned_at", ASCENDING)])]


class AuditDoc(Document):
    actor: str
    action: str
    target: str
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    at: datetime

    class Settings:
        name = "audit_log"
        indexes: ClassVar = [IndexModel([("at", ASCENDING)])]


class OutboxDoc(Document):
    """One message to deliver: user × job × kind, unique by its id, rendered when queued."""

    id: str = Field(alias="_id")  # type: ignore[assignment]  # "<kind>|<person>|<job id>"
    user_key: str
    person: str | None = None  # whose message, when user_key is one of several linked chats
    channel: str
    chat_id: str
    kind: str  # alert | digest | followup
    job_id: str | None = None
    replies: list[dict[str, Any]]  # core.channels.Reply as JSON, sent in order
    seq: int = 0  # order among rows queued together for one user (a digest's cards)
    status: str = "pending"  # pending | sending | sent | held | skipped | dead
    attempts: int = 0
    not_before: datetime
    lease_until: datetime | None = None  # a "sending" row past this is claimable again
    worker: str | None = None
    last_error: str | None = None
    created_at: datetime
    sent_at: datetime | None = None
    sent_replies: int = 0  # replies already delivered: a retry resumes after them
    # When it was meant to go out (not_before as queued; retries move only not_before): one
    # user's rows go out in (scheduled_at, created_at, seq) order.
    scheduled_at: datetime | None = None
    slot: int = 0  # hash of user_key: claims read the outbox one slot at a time
    # The platform's ids of the messages sent (WhatsApp wamids), which its status webhooks name,
    # and the last status it reported (delivered, read).
    platform_ids: list[str] = Field(default_factory=list)
    platform_status: str | None = None

    class Settings:
        name = "outbox"
        indexes: ClassVar = [
            IndexModel([("user_key", ASCENDING)]),
            IndexModel([("platform_ids", ASCENDING)], sparse=True),
            IndexModel([("kind", ASCENDING), ("sent_at", ASCENDING)]),
            IndexModel([("slot", ASCENDING), ("status", ASCENDING)]),
        ]


class MatchDoc(Document):
    """A job that fits a user (it passed the filters and the threshold), and what became of it."""

    id: str = Field(alias="_id")  # type: ignore[assignment]  # "<user key>|<job id>"
    user_key: str
    job_id: str
    score: float
    match: dict[str, Any]  # core.matches.Match as JSON
    state: str = "new"  # new | alerted | digested | dropped
    created_at: datetime
    delivered_at: datetime | None = None

    class Settings:
        name = "matches"
        indexes: ClassVar = [
            IndexModel([("user_key", ASCENDING), ("state", ASCENDING), ("score", ASCENDING)]),
            IndexModel([("job_id", ASCENDING)]),
            IndexModel([("created_at", ASCENDING)]),
        ]


class ApplicationDoc(Document):
    """The application tracker: a saved or applied job and its stage."""

    id: str = Field(alias="_id")  # type: ignore[assignment]  # "<user key>|<job id>"
    user_key: str
    job_id: str
    stage: str  # saved | applied | interviewing | offer | rejected
    history: list[dict[str, Any]] = Field(default_factory=list)  # {"stage", "at"}
    applied_at: datetime | None = None
    followup_queued: bool = False
    updated_at: datetime

    class Settings:
        name = "applications"
        indexes: ClassVar = [
            IndexModel([("user_key", ASCENDING), ("updated_at", ASCENDING)]),
            IndexModel([("stage", ASCENDING), ("applied_at", ASCENDING)]),
        ]


class LinkDoc(Document):
    """A tracked Apply link: /r/{token} redirects to the job's apply URL and counts clicks."""

    id: str = Field(alias="_id")  # type: ignore[assignment]  # the random token
    user_key: str
    job_id: str
    url: str
    clicks: int = 0
    created_at: datetime
    first_click_at: datetime | None = None

    class Settings:
        name = "links"
        indexes: ClassVar = [
            IndexModel([("user_key", ASCENDING), ("job_id", ASCENDING)], unique=True),
            IndexModel([("created_at", ASCENDING)]),
        ]


class FeedbackDoc(Document):
    """What a user is not interested in: jobs, companies, kinds of role."""

    id: str = Field(alias="_id")  # type: ignore[assignment]  # the user key
    not_interested: list[str] = Field(default_factory=list)
    companies: list[str] = Field(default_factory=list)
    role_kinds: list[str] = Field(default_factory=list)
    updated_at: datetime

    class Settings:
        name = "feedback"


DOCUMENTS: list[type[Document]] = [
    UserDoc,
    PersonDoc,
    ProfileDoc,
    ConsentDoc,
    ConversationDoc,
    ResumeDoc,
    InboundDoc,
    ErasureDoc,
    DeadLetterDoc,
    SourceDoc,
    JobDoc,
    JobRevisionDoc,
    AuditDoc,
    AdminDoc,
    ReviewDoc,
    OutboxDoc,
    MatchDoc,
    ApplicationDoc,
    LinkDoc,
    FeedbackDoc,
]

# Collections that hold something about a user, and the field that names them. /delete erases
# them in this order: the conversation before the resume, so resume intake finishing at the same
# time either has its resume erased or sees the conversation gone (conversations/resumes.py).
PERSONAL: list[tuple[type[Document], str]] = [
    (UserDoc, "_id"),
    (PersonDoc, "_id"),
    (ProfileDoc, "_id"),
    (ConsentDoc, "user_key"),
    (ConversationDoc, "_id"),
    (ResumeDoc, "_id"),
    (InboundDoc, "user_key"),
    (OutboxDoc, "user_key"),
    (OutboxDoc, "person"),
    (MatchDoc, "user_key"),
    (ApplicationDoc, "user_key"),
    (LinkDoc, "user_key"),
    (FeedbackDoc, "_id"),
]

"""The collections: each one's name, its indexes and, in comments, the shape of its documents.

Rows are plain dicts, written and read with pymongo by the repositories in ``core/store``; they
take and return domain types. ``_id`` is our own string key where a shape names one, and
pymongo's ObjectId where it does not; references between documents are plain ids. (These were
beanie Documents that nothing built or queried; the README's "The store" says why they went.)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pymongo import ASCENDING, IndexModel
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

# The database ``bind`` bound, by collection name: ``core.store.mongo.connect`` binds it.
_BOUND: dict[str, AsyncCollection[dict[str, Any]]] = {}


@dataclass(frozen=True, eq=False)  # one object per collection, compared by identity
class Collection:
    """One MongoDB collection: its name and the indexes ``connect`` creates for it."""

    name: str
    indexes: tuple[IndexModel, ...] = ()

    def collection(self) -> AsyncCollection[dict[str, Any]]:
        """This collection in the connected database."""
        try:
            return _BOUND[self.name]
        except KeyError:
            raise RuntimeError(
                f"no database bound for {self.name!r}: call core.store.mongo.connect first"
            ) from None


def bind(database: AsyncDatabase[dict[str, Any]]) -> None:
    """Point every collection at ``database`` (the last bound wins, as in one process)."""
    _BOUND.clear()
    _BOUND.update({spec.name: database[spec.name] for spec in DOCUMENTS})


# users: one chat or e-mail address.
#   _id: str                     the user key, e.g. "telegram:12345"
#   channel, platform_user_id, chat_id: str
#   language: str = "en"; role: str = "candidate"; reachable: bool = True
#   created_at: datetime
#   linked: list[str] = []       other user keys of the same person (another channel): delivery
#                                falls back to them when this one is unreachable
#   last_digest_at: datetime | None
#   Channels with a free-form window (WhatsApp: 24 hours after the user's last message): when
#   the user last wrote, when the platform said the window had closed, and when we last asked
#   them back with a template:
#   last_inbound_at, window_closed_at, reengaged_at: datetime | None
#   person: str | None           the person this chat or address belongs to once it was linked
#                                to another (core.store.people); unset, it is a person of its own
#   E-mail only: the verified address, encrypted (chat_id holds the key, not the address), and
#   the nonce its signed unsubscribe link carries (used once: unsubscribing removes the address):
#   address: bytes | None; unsubscribe_nonce: str | None
UserDoc = Collection("users", (IndexModel([("person", ASCENDING)], sparse=True),))

# people: a person with linked channels, the order their messages try the channels in. Only
# linked people have one; everyone else is the person of their one chat.
#   _id: str                     the key the personal data is under
#   route: list[str]             member user keys: the first gets alerts and digests, the rest
#                                are fallbacks
#   last_digest_at: datetime | None; updated_at: datetime
PersonDoc = Collection("people")

# profiles: _id (user or person key): str; profile: dict (core.domain.Profile as JSON);
# updated_at: datetime
ProfileDoc = Collection("profiles")

# consents: user_key: str; purpose: str; granted: bool; version: str; at: datetime
ConsentDoc = Collection("consents", (IndexModel([("user_key", ASCENDING), ("at", ASCENDING)]),))

# conversations: the engine's state per user.
#   _id: str; state: dict; revision: int = 1 (every save checks and bumps it); updated_at
#   The inbound message whose step this state is, and what that step still had to do (its
#   commands and replies), written with it: a replay after a crash runs those, not the step:
#   applied: str | None; effects: dict | None
ConversationDoc = Collection("conversations")

# resumes: the original file and the contact fields are Fernet ciphertext.
#   _id: str; file_enc: bytes | None; file_type: str | None; file_size: int | None
#   contact_enc: bytes | None    JSON of name, email, phone
#   skills: list[str]; years_experience: float | None; last_title: str | None
#   languages: list[str]; uploaded_at: datetime
ResumeDoc = Collection("resumes")

# inbound: one accepted update, pending until processed, then only its key is kept (idempotency).
#   _id: str                     "<channel>:<update id>"
#   user_key: str | None; message: dict | None (core.channels.InboundMessage as JSON)
#   status: str = "pending"      pending | done
#   received_at: datetime
InboundDoc = Collection(
    "inbound",
    (
        IndexModel([("user_key", ASCENDING), ("received_at", ASCENDING)]),
        IndexModel([("status", ASCENDING), ("received_at", ASCENDING)]),
        # Platforms resend for hours (Telegram) or days (Meta): keep keys two weeks.
        IndexModel([("received_at", ASCENDING)], expireAfterSeconds=14 * 24 * 3600, name="ttl"),
    ),
)

# erasures: the minimal record kept after /delete: _id (a keyed hash of the user key): str;
# erased_at: datetime
ErasureDoc = Collection("erasures")

# dead_letters: task: str; error: str; failed_at: datetime
#   args: list | bytes           positional, as the task takes them (a retry enqueues them
#                                again); sealed bytes when the service has its key (they name
#                                people)
DeadLetterDoc = Collection("dead_letters")

# sources: _id: str; kind: str; locator: str; state: dict (the Source, as JSON)
SourceDoc = Collection(
    "sources",
    (
        IndexModel([("kind", ASCENDING), ("locator", ASCENDING)], unique=True),
        IndexModel([("state.next_crawl_at", ASCENDING)]),
    ),
)

# jobs:
#   _id: str; source_ids: list[str]
#   external_keys: list[str]     "<source id>:<external id>" for each source that lists it
#   fingerprint: str; canonical_url: str | None; company_key: str
#   status: str                  draft | pending_review | approved | rejected | closed
#   posting: dict; signature: list[int]; revision: int = 1; review_reason: str | None
#   first_seen_at, last_seen_at: datetime; closed_at: datetime | None
JobDoc = Collection(
    "jobs",
    (
        IndexModel([("external_keys", ASCENDING)]),
        IndexModel([("fingerprint", ASCENDING)]),
        IndexModel([("canonical_url", ASCENDING)]),
        IndexModel([("company_key", ASCENDING)]),
        IndexModel([("source_ids", ASCENDING), ("status", ASCENDING)]),
        IndexModel([("status", ASCENDING), ("first_seen_at", ASCENDING)]),
    ),
)

# job_revisions: job_id: str; revision: int; changed: list[str]; before, after: dict;
# at: datetime
JobRevisionDoc = Collection(
    "job_revisions",
    (IndexModel([("job_id", ASCENDING), ("revision", ASCENDING)], unique=True),),
)

# admins: admins granted in the bot (those in the ADMINS setting need no row), and their duty.
#   _id: str; granted_by: str | None; granted_at: datetime | None; on_duty: bool = True
#   missed_reviews: int = 0; last_assigned_at: datetime | None
#   editing_job: str | None      an Edit or Reject flow in progress
#   editing_field: str | None
AdminDoc = Collection("admins")

# reviews: who must review a pending job, since when, and whether they were reminded.
#   _id: str (the job id); assignee: str | None; assigned_at: datetime; reminded: bool = False
ReviewDoc = Collection("reviews", (IndexModel([("assigned_at", ASCENDING)]),))

# audit_log: actor, action, target: str; before, after: dict | None; at: datetime
AuditDoc = Collection("audit_log", (IndexModel([("at", ASCENDING)]),))

# outbox: one message to deliver: user × job × kind, unique by its id, rendered when queued.
#   _id: str                     "<kind>|<person>|<job id>"
#   user_key: str
#   person: str | None           whose message, when user_key is one of several linked chats
#   channel, chat_id: str
#   kind: str                    alert | digest | followup
#   job_id: str | None
#   replies: list[dict]          core.channels.Reply as JSON, sent in order
#   seq: int = 0                 order among rows queued together for one user (a digest's cards)
#   status: str = "pending"      pending | sending | sent | held | skipped | dead
#   attempts: int = 0; not_before: datetime
#   lease_until: datetime | None a "sending" row past this is claimable again
#   worker: str | None; last_error: str | None; created_at: datetime; sent_at: datetime | None
#   sent_replies: int = 0        replies already delivered: a retry resumes after them
#   scheduled_at: datetime | None  when it was meant to go out (not_before as queued; retries
#                                move only not_before): one user's rows go out in
#                                (scheduled_at, created_at, seq) order
#   slot: int = 0                hash of user_key: claims read the outbox one slot at a time
#   The platform's ids of the messages sent (WhatsApp wamids), which its status webhooks name,
#   and the last status it reported (delivered, read):
#   platform_ids: list[str] = []; platform_status: str | None
OutboxDoc = Collection(
    "outbox",
    (
        IndexModel([("user_key", ASCENDING)]),
        IndexModel([("platform_ids", ASCENDING)], sparse=True),
        IndexModel([("kind", ASCENDING), ("sent_at", ASCENDING)]),
        # A claim reads one slot's unfinished rows: on SecantusDB (status, slot) alone makes
        # that walk ~65x slower in a busy outbox, and (slot, status) alone makes "which slots
        # hold unfinished rows" (the claim's first question when there are few) ~300x slower
        # in a quiet one; so both (python -m bench.outbox_indexes).
        IndexModel([("slot", ASCENDING), ("status", ASCENDING)]),
        IndexModel([("status", ASCENDING), ("slot", ASCENDING)]),
    ),
)

# matches: a job that fits a user (it passed the filters and the threshold), and what became
# of it.
#   _id: str                     "<user key>|<job id>"
#   user_key, job_id: str; score: float
#   match: dict                  core.matches.Match as JSON
#   state: str = "new"           new | alerted | digested | dropped
#   created_at: datetime; delivered_at: datetime | None
MatchDoc = Collection(
    "matches",
    (
        IndexModel([("user_key", ASCENDING), ("state", ASCENDING), ("score", ASCENDING)]),
        IndexModel([("job_id", ASCENDING)]),
        IndexModel([("created_at", ASCENDING)]),
    ),
)

# applications: the application tracker, a saved or applied job and its stage.
#   _id: str                     "<user key>|<job id>"
#   user_key, job_id: str
#   stage: str                   saved | applied | interviewing | offer | rejected
#   history: list[dict] = []     {"stage", "at"}
#   applied_at: datetime | None; followup_queued: bool = False; updated_at: datetime
ApplicationDoc = Collection(
    "applications",
    (
        IndexModel([("user_key", ASCENDING), ("updated_at", ASCENDING)]),
        IndexModel([("stage", ASCENDING), ("applied_at", ASCENDING)]),
    ),
)

# links: a tracked Apply link, /r/{token} redirects to the job's apply URL and counts clicks.
#   _id: str (the random token); user_key, job_id, url: str; clicks: int = 0
#   created_at: datetime; first_click_at: datetime | None
LinkDoc = Collection(
    "links",
    (
        IndexModel([("user_key", ASCENDING), ("job_id", ASCENDING)], unique=True),
        IndexModel([("created_at", ASCENDING)]),
    ),
)

# feedback: what a user is not interested in: _id (the user key): str;
# not_interested, companies, role_kinds: list[str] = []; updated_at: datetime
FeedbackDoc = Collection("feedback")


DOCUMENTS: list[Collection] = [
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
PERSONAL: list[tuple[Collection, str]] = [
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

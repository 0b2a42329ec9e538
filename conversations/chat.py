"""The chat service: accept an update durably, then load → advance → save → send → the rest.

One user's updates never run concurrently (a Redis lock per user) and run in the order they
were accepted; different users' run side by side.

Before the reply an update costs the read of the chat's pending updates, one read of the
conversation and one write of it (the write carries the update's idempotency mark and what its
step still has to do); marking it done, the user row of a first message, commands that answer
nothing and delivery's window note come after the reply.
"""

from __future__ import annotations

import asyncio
import base64
import functools
import json
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import structlog
from pydantic import TypeAdapter
from redis.asyncio import Redis

from conversations.admin import AdminService
from conversations.engine import advance
from conversations.linking import LinkService
from conversations.match_views import match_request
from conversations.models import (
    Command,
    Conversation,
    EraseUser,
    ExportData,
    KeepResume,
    LinkCommand,
    MatchNow,
    ParseResume,
    RecordConsent,
    SaveProfile,
    SetReachable,
)
from conversations.texts import t
from core.channels import (
    REENGAGE_PAYLOAD,
    Channel,
    InboundMessage,
    KeepsUserFiles,
    MessageKind,
    OutgoingDocument,
    Reply,
    ReplySender,
)
from core.errors import RecipientBlocked, TransientError
from core.logging import pseudonym
from core.ports.conversations import Conversations, Inbox, StoredState
from core.ports.people import DeadLetters, People, PersonalData, Users
from core.queue import TaskQueue, compact_redis_files
from matching.service import MatchService

log = structlog.get_logger(__name__)

# Internal events and platform notices: they say nothing about the user being there.
_NOT_FROM_THE_USER = frozenset(
    {MessageKind.RESUME_PARSED, MessageKind.RESUME_FAILED, MessageKind.BLOCKED, MessageKind.EDITED}
)
LOCK_TIMEOUT_S = 60
# Accepted updates still pending after this are processed by the recovery task (a crash, a
# restart). Safe however short: processing takes the user's lock and re-reads what is pending.
RECOVER_AFTER = timedelta(seconds=5)
MAX_SEND_ATTEMPTS = 5
# Work after a sent reply is tried this often, waiting 0.5, 1, 2, 4 s (a database restarting).
AFTER_REPLY_TRIES = 5
AFTER_REPLY_BACKOFF_S = 0.5
# How often a busy lock is tried again (redis-py's default, 0.1 s, is a whole reply's budget).
LOCK_POLL_S = 0.01
# Commands whose replies go with the step's, or that must be done before it says so: they run
# before the reply; the others run after it.
_BEFORE_THE_REPLY = (LinkCommand, ExportData, EraseUser)


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class ChatService:
    conversations: Conversations
    users: Users
    inbound: Inbox
    personal: PersonalData
    senders: Mapping[Channel, ReplySender]
    queue: TaskQueue
    redis: Redis
    dead_letters: DeadLetters
    # The services a message may be for: admin commands, match buttons, /link and /email.
    admin: AdminService
    matches: MatchService
    linking: LinkService
    # Whose data a chat reads and writes (linked chats share their person's).
    people: People
    # Tells delivery that a user wrote (a windowed channel's window opens again; what waited for
    # it goes out); returns how many held messages that released.
    user_wrote: Callable[[Channel, str, datetime], Awaitable[int]]
    clock: Callable[[], datetime] = utc_now
    async def accept(self, msg: InboundMessage) -> bool:
        """Durably accept an update; False for a resend of one accepted before."""
        return await self.inbound.accept(msg, self.clock())

    async def handle(self, msg: InboundMessage) -> bool:
        """Accept and process at once (the webhook path); a resend is acknowledged and ignored."""
        if not await self.accept(msg):
            log.info("inbound.duplicate", update_id=msg.update_id)
            return False
        await self.process_user(msg.user_key)
        return True

    async def process_user(self, user_key: str) -> int:
        """Run every pending update of one chat, oldest first, under the chat's lock."""
        processed = 0
        async with self._lock(user_key):
            for inbound_id, msg in await self.inbound.pending(user_key):
                with structlog.contextvars.bound_contextvars(
                    update_id=msg.update_id, user=user_key
                ):
                    await self._one(msg, inbound_id)
                await self._after_reply("done", functools.partial(self.inbound.done, inbound_id))
                processed += 1
        return processed

    async def _one(self, msg: InboundMessage, inbound_id: str) -> None:
        """One update: one read says whose conversation it is and, for a chat that is its own
        person, what it holds; a linked chat then takes its person's lock and reads theirs."""
        chat = await self.conversations.load_chat(msg.user_key)
        if chat.owner == msg.user_key:
            await self._process(msg, inbound_id, chat.stored)
            return
        msg = msg.model_copy(update={"person": chat.owner})
        # One lock per person too: two linked chats change one conversation, one at a time.
        async with self._lock(chat.owner):
            await self._process(msg, inbound_id, await self.conversations.load(chat.owner))

    @asynccontextmanager
    async def _lock(self, key: str) -> AsyncIterator[None]:
        async with self.redis.lock(
            _lock_key(key),
            timeout=LOCK_TIMEOUT_S,
            blocking_timeout=LOCK_TIMEOUT_S,
            sleep=LOCK_POLL_S,
        ):
            yield

    async def recover(self, older_than: timedelta = RECOVER_AFTER) -> int:
        """Process updates that were accepted but never finished (a crash, a restart)."""
        users = await self.inbound.stale_users(self.clock() - older_than)
        for user_key in users:
            await self.process_user(user_key)
        return len(users)

    async def _process(
        self, msg: InboundMessage, inbound_id: str, stored: StoredState | None
    ) -> None:
        """One update of the chat, with the conversation of its owner as just read."""
        wrote = msg.kind not in _NOT_FROM_THE_USER
        if wrote and msg.kind is MessageKind.CALLBACK and msg.text == REENGAGE_PAYLOAD:
            # The button under a template: the jobs that waited are the answer, if any.
            wrote = False
            if await self._user_wrote(msg):
                return
            msg = msg.model_copy(update={"kind": MessageKind.COMMAND, "command": "menu"})
        await self._step(msg, inbound_id, stored)
        if wrote:
            # After the reply: the window opens again and what waited for it goes out.
            await self._user_wrote(msg)

    async def _user_wrote(self, msg: InboundMessage) -> int:
        return await self.user_wrote(msg.channel, msg.user_key, self.clock())

    async def _step(self, msg: InboundMessage, inbound_id: str, stored: StoredState | None) -> None:
        sender = self.senders.get(msg.channel)
        if msg.callback_id and not msg.callback_answered and sender is not None:
            try:
                await sender.acknowledge(msg.callback_id)
            except (TransientError, RecipientBlocked):
                log.warning("callback.ack_failed")
        admin_replies = await self.admin.handle(msg)
        if admin_replies is not None:
            await self.send(msg.channel, msg.chat_id, admin_replies, user_key=msg.user_key)
            return
        now = self.clock()
        lang = str(stored.state.get("lang", "en")) if stored else "en"
        if (
            not self.linking.email_enabled
            and msg.kind is MessageKind.COMMAND
            and msg.command == "email"
        ):
            await self.send(
                msg.channel, msg.chat_id, [Reply(text=t(lang, "email_off"))], user_key=msg.user_key
            )
            return
        if stored is not None and stored.applied == inbound_id:
            # A crash came after this message's step was stored and before it was marked done:
            # the step is not taken again (it would answer the next question); what it still
            # had to do was stored with it and is done now (each effect is safe to repeat).
            log.warning("inbound.replayed_after_crash")
            replies, commands = _effects_from(stored.effects)
            first = bool(stored.effects and stored.effects.get("new_user"))
            await self._finish(msg, replies, commands, now, new_user=lang if first else None)
            return
        before = Conversation.model_validate(stored.state) if stored else None
        if before is not None:
            # Buttons under a job card and /applications: the match service, not the engine.
            action = match_request(msg)
            if action is not None:
                match_replies = await self.matches.act(msg.owner, before.lang, action)
                await self.send(msg.channel, msg.chat_id, match_replies, user_key=msg.user_key)
                return
        transition = advance(before, msg, now)
        after = transition.conversation
        new_user: str | None = None
        if after is not None and after != before:
            new_user = after.lang if stored is None else None
            effects = _effects_of(transition.replies, transition.commands)
            if new_user is not None:
                effects["new_user"] = True
            await self.conversations.save(
                msg.owner,
                after.model_dump(mode="json"),
                stored.revision if stored else None,
                now,
                applied=inbound_id,
                effects=effects,
            )
        await self._finish(
            msg, transition.replies, transition.commands, now, after, new_user=new_user
        )

    async def _finish(
        self,
        msg: InboundMessage,
        first: Sequence[Reply],
        commands: Sequence[Command],
        now: datetime,
        after: Conversation | None = None,
        *,
        new_user: str | None = None,
    ) -> None:
        """Send a step's replies and run its commands: before the reply when one answers or
        must be done first (its replies go with the step's), after it otherwise.

        ``new_user``: the language of a chat's first conversation, whose user row is written
        with the commands (a crash replay writes it again: it is an upsert).
        """
        replies = list(first)
        early = any(isinstance(command, _BEFORE_THE_REPLY) for command in commands)
        if early:
            await self._rest(msg, commands, now, after, new_user, replies)
        if msg.kind is MessageKind.GROUP and not await self._first_time(
            f"group:{msg.channel}:{msg.chat_id}"
        ):
            replies = []
        log.info(
            "conversation.step.completed",
            kind=str(msg.kind),
            step=str(after.step) if after else None,
            replies=len(replies),
        )
        await self.send(msg.channel, msg.chat_id, replies, user_key=msg.user_key)
        if not early:
            await self._after_reply(
                "commands", lambda: self._rest(msg, commands, now, after, new_user, [])
            )

    async def _after_reply(self, what: str, work: Callable[[], Awaitable[object]]) -> None:
        """Work that follows a sent reply, tried again when the store or the queue drops it
        mid-way (a server restarting): repeating it is safe, while leaving the update to a
        replay would send its reply a second time."""
        for attempt in range(AFTER_REPLY_TRIES):
            try:
                await work()
                return
            except Exception as exc:  # whatever the adapter raised: the work is safe to repeat
                if attempt + 1 == AFTER_REPLY_TRIES:
                    raise
                log.warning("chat.after_reply.retry", work=what, error=str(exc))
                await asyncio.sleep(AFTER_REPLY_BACKOFF_S * 2**attempt)

    async def _rest(
        self,
        msg: InboundMessage,
        commands: Sequence[Command],
        now: datetime,
        after: Conversation | None,
        new_user: str | None,
        replies: list[Reply],
    ) -> None:
        """The user row of a first message, then the commands in order (their replies added)."""
        if new_user is not None:
            await self.users.ensure(msg, new_user, now)
        for command in commands:
            replies.extend(await self._run(command, msg, now, after))

    async def _run(
        self, command: Command, msg: InboundMessage, now: datetime, after: Conversation | None
    ) -> list[Reply]:
        """Carry out one command; safe to repeat (a crash replay may run it again)."""
        key = msg.owner
        if isinstance(command, LinkCommand):
            lang = after.lang if after is not None else await self._lang_of(key)
            return await self.linking.run(command, msg, lang)
        if isinstance(command, RecordConsent):
            await self.users.record_consents(key, command.records)
        elif isinstance(command, SaveProfile):
            await self.users.save_profile(key, command.profile, now)
            if command.reindex:
                # Re-index once the burst of edits settles (one job per user and second).
                await self.queue.enqueue(
                    "index_candidate",
                    key,
                    job_id=f"candidate:{pseudonym(key)}:{int(now.timestamp())}",
                    defer_by=1.0,
                )
        elif isinstance(command, KeepResume):
            await self.personal.resumes.keep(key, keep=command.keep)
        elif isinstance(command, MatchNow):
            # After the conversation is saved, so the task sees the finished profile.
            # The update id names this first batch: a retried task never sends it twice.
            await self.queue.enqueue(
                "index_candidate",
                key,
                msg.update_id if command.first_batch else "",
                job_id=f"candidate:{pseudonym(key)}:now:{msg.update_id}",
            )
        elif isinstance(command, SetReachable):
            await self.users.set_reachable(msg.user_key, command.reachable)
        elif isinstance(command, ParseResume):
            await self.queue.enqueue(
                "parse_resume",
                key,
                str(msg.channel),
                msg.chat_id,
                msg.update_id,
                command.file.model_dump(mode="json") if command.file else None,
                command.text,
                msg.user_key,
                job_id=f"resume:{msg.channel}:{msg.update_id}",
            )
        elif isinstance(command, ExportData):
            return [await self._export(key, now)]
        elif isinstance(command, EraseUser):
            await self._erase_person(key, msg, now)
        return []

    async def _erase_person(self, person: str, msg: InboundMessage, now: datetime) -> None:
        """/delete from any chat: the person, every chat and address linked to them, everywhere."""
        chats = await self.people.route(person)
        members = await self.people.members(person)
        await self.linking.forget_person(person, chats)
        # Work queued for them would write about them again, and kept results repeat their ids.
        named = {person, msg.user_key, msg.chat_id, *chats, *(m.chat_id for m in members)}
        dropped = await self.queue.forget(named)
        removed: dict[str, int] = {}
        for key in dict.fromkeys([person, msg.user_key, *chats]):
            for name, count in (await self.personal.erase(key, now)).items():
                removed[name] = removed.get(name, 0) + count
        await self.matches.forget(person)
        sender = self.senders.get(msg.channel)
        if isinstance(sender, KeepsUserFiles):
            await sender.forget(msg.chat_id)
        # Redis's append-only file keeps every write until it is rewritten: rewrite it now.
        await compact_redis_files(self.redis)
        log.info("user.erased", removed=removed, chats=len(chats), jobs=dropped)

    async def _lang_of(self, key: str) -> str:
        stored = await self.conversations.load(key)
        return str(stored.state.get("lang", "en")) if stored else "en"

    async def _export(self, user_key: str, now: datetime) -> Reply:
        data = await self.personal.export(user_key)
        # Every chat and address linked to the person, in the order alerts try them.
        members = await self.people.members(user_key)
        data["channels"] = [
            {"channel": str(member.channel), "user_key": member.user_key} for member in members
        ]
        for entry in data["channels"]:
            mailbox = await self.linking.mailbox(entry["user_key"])
            if mailbox is not None:
                entry["address"] = mailbox.address
        data["exported_at"] = now.isoformat()
        content = json.dumps(data, default=_json_default, indent=2, ensure_ascii=False).encode()
        stored = await self.conversations.load(user_key)
        lang = str(stored.state.get("lang", "en")) if stored else "en"
        return Reply(
            text=t(lang, "export_caption"),
            document=OutgoingDocument(
                file_name=f"jobscout-export-{now:%Y%m%d}.json",
                content=content,
                mime_type="application/json",
            ),
        )

    async def send(
        self,
        channel: Channel,
        chat_id: str,
        replies: list[Reply],
        *,
        user_key: str,
        attempt: int = 0,
    ) -> None:
        """Send in order; a transient failure hands the rest to the queue, never drops it.

        After ``MAX_SEND_ATTEMPTS`` the rest goes to dead_letters, where admins can see it.
        """
        sender = self.senders.get(channel)
        if sender is None:
            log.error("send.no_sender", channel=str(channel))
            return
        for index, reply in enumerate(replies):
            try:
                await sender.send(chat_id, reply)
            except RecipientBlocked:
                log.info("send.recipient_blocked")
                await self.users.set_reachable(user_key, False)
                return
            except TransientError as exc:
                rest = [r.model_dump() for r in replies[index:]]
                if attempt >= MAX_SEND_ATTEMPTS:
                    log.error("send.dead_letter", error=str(exc), remaining=len(rest))
                    await self.dead_letters.add(
                        "send_replies",
                        [str(channel), chat_id, user_key, rest, 1],
                        str(exc),
                        self.clock(),
                    )
                    return
                log.warning("send.deferred", error=str(exc), remaining=len(rest))
                await self.queue.enqueue(
                    "send_replies",
                    str(channel),
                    chat_id,
                    user_key,
                    rest,
                    attempt + 1,
                    defer_by=getattr(exc, "retry_after", 2.0 * (attempt + 1)),
                )
                return

    async def _first_time(self, key: str) -> bool:
        return bool(await self.redis.set(f"once:{pseudonym(key)}", "1", nx=True))


_COMMANDS: TypeAdapter[list[Command]] = TypeAdapter(list[Command])
_REPLIES: TypeAdapter[list[Reply]] = TypeAdapter(list[Reply])


def _lock_key(key: str) -> str:
    """One lock per chat, and per person (their first chat's): a keyed hash, so Redis never
    holds a user key."""
    return f"lock:user:{pseudonym(key)}"


def _effects_of(replies: Sequence[Reply], commands: Sequence[Command]) -> dict[str, Any]:
    """A step's replies and commands as stored beside the state it produced."""
    return {
        "replies": _REPLIES.dump_python(list(replies), mode="json"),
        "commands": _COMMANDS.dump_python(list(commands), mode="json"),
    }


def _effects_from(stored: dict[str, Any] | None) -> tuple[list[Reply], list[Command]]:
    if not stored:
        return [], []
    return (
        _REPLIES.validate_python(stored.get("replies", [])),
        _COMMANDS.validate_python(stored.get("commands", [])),
    )


def _json_default(value: object) -> str:
    """Export: times as ISO 8601, bytes as base64, the rest as text."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    return str(value)

"""The chat service: accept an update durably, then load → advance → save → run commands → send.

One user's updates never run concurrently (a Redis lock per user) and run in the order they
were accepted; different users' run side by side.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import structlog
from pydantic import TypeAdapter
from redis.asyncio import Redis

from conversations.admin import AdminService
from conversations.engine import advance
from conversations.linking import LinkService
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
from core.queue import TaskQueue, compact_redis_files
from core.store.people import MongoPeople
from core.store.repositories import (
    MongoConversationRepository,
    MongoDeadLetters,
    MongoInboundRepository,
    MongoPersonalData,
    MongoUserRepository,
    json_default,
)
from webhooks.matches import MatchService

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


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class ChatService:
    conversations: MongoConversationRepository
    users: MongoUserRepository
    inbound: MongoInboundRepository
    personal: MongoPersonalData
    senders: Mapping[Channel, ReplySender]
    queue: TaskQueue
    redis: Redis
    dead_letters: MongoDeadLetters
    clock: Callable[[], datetime] = utc_now
    admin: AdminService | None = None
    matches: MatchService | None = None
    # Tells delivery that a user wrote (a windowed channel's window opens again; what waited for
    # it goes out); returns how many held messages that released.
    user_wrote: Callable[[Channel, str, datetime], Awaitable[int]] | None = None
    # Linked chats: whose data a chat reads and writes, and the service behind /link, /channels
    # and /email. Without them every chat is a person of its own.
    people: MongoPeople | None = None
    linking: LinkService | None = None

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
        """Run every pending update of one user, oldest first, under the user's lock."""
        processed = 0
        # One lock per person: two linked chats change one conversation, one at a time. Its
        # name is a keyed hash: Redis never holds a user key.
        person = await self.people.person_of(user_key) if self.people else user_key
        async with self.redis.lock(
            f"lock:user:{pseudonym(person)}", timeout=LOCK_TIMEOUT_S,
            blocking_timeout=LOCK_TIMEOUT_S,
        ):
            for inbound_id, msg in await self.inbound.pending(user_key):
                with structlog.contextvars.bound_contextvars(
                    update_id=msg.update_id, user=user_key
                ):
                    if self.people is not None:
                        # Again under the lock: a link or unlink may have just moved the chat.
                        owner = await self.people.person_of(user_key)
                        if owner != user_key:
                            msg = msg.model_copy(update={"person": owner})
                    await self._process(msg, inbound_id)
                await self.inbound.done(inbound_id)
                processed += 1
        return processed

    async def recover(self, older_than: timedelta = RECOVER_AFTER) -> int:
        """Process updates that were accepted but never finished (a crash, a restart)."""
        users = await self.inbound.stale_users(self.clock() - older_than)
        for user_key in users:
            await self.process_user(user_key)
        return len(users)

    async def _process(self, msg: InboundMessage, inbound_id: str) -> None:
        sender = self.senders.get(msg.channel)
        if msg.callback_id and not msg.callback_answered and sender is not None:
            try:
                await sender.acknowledge(msg.callback_id)
            except (TransientError, RecipientBlocked):
                log.warning("callback.ack_failed")
        if self.user_wrote is not None and msg.kind not in _NOT_FROM_THE_USER:
            released = await self.user_wrote(msg.channel, msg.user_key, self.clock())
            if msg.kind is MessageKind.CALLBACK and msg.text == REENGAGE_PAYLOAD:
                if released:
                    return  # the button under a template: the jobs that waited are the answer
                msg = msg.model_copy(update={"kind": MessageKind.COMMAND, "command": "menu"})
        if self.admin is not None:
            admin_replies = await self.admin.handle(msg)
            if admin_replies is not None:
                await self.send(msg.channel, msg.chat_id, admin_replies, user_key=msg.user_key)
                return
        now = self.clock()
        if (
            self.linking is not None
            and not self.linking.email_enabled
            and msg.kind is MessageKind.COMMAND
            and msg.command == "email"
        ):
            lang = await self._lang_of(msg.owner)
            await self.send(msg.channel, msg.chat_id, [Reply(text=t(lang, "email_off"))],
                            user_key=msg.user_key)
            return
        stored = await self.conversations.load(msg.owner)
        if stored is not None and stored.applied == inbound_id:
            # A crash came after this message's step was stored and before it was marked done:
            # the step is not taken again (it would answer the next question); what it still
            # had to do was stored with it and is done now (each effect is safe to repeat).
            log.warning("inbound.replayed_after_crash")
            await self._finish(msg, *_effects_from(stored.effects), now)
            return
        before = Conversation.model_validate(stored.state) if stored else None
        if self.matches is not None and before is not None:
            # Buttons under a job card and /applications: the match service, not the engine.
            match_replies = await self.matches.handle(msg, before.lang)
            if match_replies is not None:
                await self.send(msg.channel, msg.chat_id, match_replies, user_key=msg.user_key)
                return
        transition = advance(before, msg, now)
        after = transition.conversation
        if after is not None and after != before:
            if stored is None:
                await self.users.ensure(msg, after.lang, now)
            await self.conversations.save(
                msg.owner,
                after.model_dump(mode="json"),
                stored.revision if stored else None,
                now,
                applied=inbound_id,
                effects=_effects_of(transition.replies, transition.commands),
            )
        await self._finish(msg, transition.replies, transition.commands, now, after)

    async def _finish(
        self,
        msg: InboundMessage,
        first: Sequence[Reply],
        commands: Sequence[Command],
        now: datetime,
        after: Conversation | None = None,
    ) -> None:
        """Run a step's commands and send its replies with theirs."""
        replies = list(first)
        for command in commands:
            replies.extend(await self._run(command, msg, now, after))
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

    async def _run(
        self, command: Command, msg: InboundMessage, now: datetime, after: Conversation | None
    ) -> list[Reply]:
        """Carry out one command; safe to repeat (a crash replay may run it again)."""
        key = msg.owner
        if isinstance(command, LinkCommand):
            if self.linking is None:
                return []
            lang = after.lang if after is not None else await self._lang_of(key)
            return await self.linking.run(command, msg, lang)
        if isinstance(command, RecordConsent):
            await self.users.record_consents(key, command.records)
        elif isinstance(command, SaveProfile):
            await self.users.save_profile(key, command.profile, now)
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
        chats = await self.people.route(person) if self.people is not None else [person]
        members = await self.people.members(person) if self.people is not None else []
        if self.linking is not None:
            await self.linking.forget_person(person, chats)
        # Work queued for them would write about them again, and kept results repeat their ids.
        named = {person, msg.user_key, msg.chat_id, *chats, *(m.chat_id for m in members)}
        dropped = await self.queue.forget(named)
        removed: dict[str, int] = {}
        for key in dict.fromkeys([person, msg.user_key, *chats]):
            for name, count in (await self.personal.erase(key, now)).items():
                removed[name] = removed.get(name, 0) + count
        if self.matches is not None:
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
        if self.people is not None:
            # Every chat and address linked to the person, in the order alerts try them.
            members = await self.people.members(user_key)
            data["channels"] = [
                {"channel": str(member.channel), "user_key": member.user_key}
                for member in members
            ]
            if self.linking is not None:
                for entry in data["channels"]:
                    mailbox = await self.linking.mailbox(entry["user_key"])
                    if mailbox is not None:
                        entry["address"] = mailbox.address
        data["exported_at"] = now.isoformat()
        content = json.dumps(data, default=json_default, indent=2, ensure_ascii=False).encode()
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

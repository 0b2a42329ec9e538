"""Resume intake: download, parse, store encrypted, then tell the conversation how it went."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import structlog

from conversations.chat import ChatService
from conversations.resume_parser import parse_resume_isolated, parse_resume_text, sniff_type
from core import metrics
from core.channels import Channel, FileFetcher, FileRef, InboundMessage, MessageKind
from core.domain import ParsedResume
from core.errors import FileTooLarge, TransientError, UnreadableDocument
from core.ports.conversations import Conversations
from core.ports.people import Resumes

log = structlog.get_logger(__name__)


def without_contact(parsed: ParsedResume) -> ParsedResume:
    return parsed.model_copy(update={"name": None, "email": None, "phone": None})


@dataclass
class ResumeIntake:
    chat: ChatService
    conversations: Conversations
    resumes: Resumes
    files: Mapping[Channel, FileFetcher]
    max_bytes: int

    async def run(
        self,
        user_key: str,
        channel: str,
        chat_id: str,
        update_id: str,
        file: dict[str, Any] | None,
        text: str | None,
        *,
        last_try: bool = False,
        chat_user: str = "",
    ) -> str:
        """Parse one resume and feed the outcome back as an event; returns the outcome.

        The resume is stored aside: it becomes the user's only when they confirm its summary
        (the conversation's ``KeepResume``), so a /cancel keeps the one they had.
        Transient errors propagate (the task retries) unless this is the last try, when the
        user hears that the download failed.
        """
        if await self.conversations.load(user_key) is None:
            metrics.resume_parsed("dropped")
            return "dropped"  # erased meanwhile: keep nothing
        outcome: dict[str, Any]
        try:
            if file is not None:
                ref = FileRef.model_validate(file)
                data = await self.files[Channel(channel)].fetch(ref, self.max_bytes)
                # A confined child parses the file: what it inflates to never enters this process.
                parsed = await asyncio.to_thread(parse_resume_isolated, data, self.max_bytes)
                await self.resumes.save(
                    user_key, parsed, data, sniff_type(data), self.chat.clock()
                )
            else:
                parsed = await asyncio.to_thread(parse_resume_text, text or "")
                await self.resumes.save(user_key, parsed, None, None, self.chat.clock())
            if await self.conversations.load(user_key) is None:
                # Erased while the file was being read. /delete removes the conversation before
                # the resume, so either it removed what was just stored, or this sees it gone.
                await self.resumes.keep(user_key, keep=False)
                log.info("resume.dropped_after_erasure")
                metrics.resume_parsed("dropped")
                return "dropped"
            # The conversation needs the summary, never the contact details: those stay only in
            # the encrypted resume (the event is stored, and journaled, on its way).
            outcome = {"kind": MessageKind.RESUME_PARSED, "resume": without_contact(parsed)}
        except UnreadableDocument as exc:
            outcome = {"kind": MessageKind.RESUME_FAILED, "failure": exc.reason}
        except FileTooLarge:
            outcome = {"kind": MessageKind.RESUME_FAILED, "failure": "too_large"}
        except Exception as exc:
            # A transient failure is retried by the task, until its last try; anything else
            # (a parser bug) will not go away: the user hears that the file could not be read.
            transient = isinstance(exc, TransientError)
            if transient and not last_try:
                raise
            log.exception("resume.failed", transient=transient)
            outcome = {"kind": MessageKind.RESUME_FAILED,
                       "failure": "download" if transient else "corrupt"}
        metrics.resume_parsed(outcome.get("failure") or "parsed")
        # The event comes from the chat the file was sent in (``chat_user``); the resume is
        # stored under the person (``user_key``), who may have several linked chats.
        chat_key = chat_user or user_key
        user_id = chat_key.split(":", 1)[1]
        event = InboundMessage(
            channel=Channel(channel),
            chat_id=chat_id,
            user_id=user_id,
            update_id=f"resume:{update_id}",
            **outcome,
        )
        await self.chat.accept(event)
        await self.chat.process_user(chat_key)
        log.info("resume.processed", outcome=str(outcome["kind"]), failure=outcome.get("failure"))
        return str(outcome["kind"])

"""The channel boundary: what every adapter turns a platform update into, and back."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from enum import StrEnum
from typing import Protocol, runtime_checkable

from core.domain import Frozen, ParsedResume


class Channel(StrEnum):
    TELEGRAM = "telegram"
    WHATSAPP = "whatsapp"
    CONSOLE = "console"
    EMAIL = "email"  # outbound only: job mail to a verified address a chat user added (/email)


# The one person at the terminal (``jobscout chat``); in development they are an admin too.
CONSOLE_USER = "local"
CONSOLE_USER_KEY = f"{Channel.CONSOLE}:{CONSOLE_USER}"


class MessageKind(StrEnum):
    TEXT = "text"
    COMMAND = "command"
    CALLBACK = "callback"
    DOCUMENT = "document"
    PHOTO = "photo"
    UNSUPPORTED = "unsupported"  # stickers, voice, video, ...
    LOCATION = "location"  # a shared map location: ``latitude`` and ``longitude``
    EDITED = "edited"  # an edit of an earlier message: not taken as a new answer
    GROUP = "group"  # anything from a group or channel chat
    BLOCKED = "blocked"  # the user blocked the bot (my_chat_member "kicked")
    UNBLOCKED = "unblocked"
    RESUME_PARSED = "resume_parsed"  # internal: the parse task finished
    RESUME_FAILED = "resume_failed"  # internal: the parse task could not read the file


class FileRef(Frozen):
    file_id: str
    file_name: str | None = None
    mime_type: str | None = None
    size: int | None = None


class InboundMessage(Frozen):
    channel: Channel
    chat_id: str
    user_id: str
    update_id: str
    kind: MessageKind
    text: str = ""
    command: str | None = None  # without the leading slash, lower case
    args: str = ""
    callback_id: str | None = None
    callback_answered: bool = False  # the webhook response already answered the button press
    file: FileRef | None = None
    language_code: str | None = None
    resume: ParsedResume | None = None  # RESUME_PARSED only
    failure: str | None = None  # RESUME_FAILED only: a stable reason code
    latitude: float | None = None  # LOCATION only
    longitude: float | None = None
    # The person this chat belongs to (core.store.people), set by the chat service once it
    # looked it up: several linked chats share one person's profile, resume and tracker.
    person: str | None = None

    @property
    def user_key(self) -> str:
        """This chat's own key (channel and platform user): its window, reachability, inbox."""
        return f"{self.channel}:{self.user_id}"

    @property
    def owner(self) -> str:
        """The key the personal data is stored under: the person's, or this chat's own."""
        return self.person or self.user_key


class Button(Frozen):
    """A button under a message: pressing it sends ``data`` back, or opens ``url``."""

    label: str
    data: str = ""  # callback payload; Telegram allows 64 bytes
    url: str | None = None  # a link button (Apply) instead of a callback


class OutgoingDocument(Frozen):
    file_name: str
    content: bytes
    mime_type: str = "application/octet-stream"


class Reply(Frozen):
    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    document: OutgoingDocument | None = None


class ChatRef(Frozen):
    channel: Channel
    chat_id: str


class ReplySender(Protocol):
    """Delivers replies to one channel; raises RecipientBlocked, RateLimited, TransientError."""

    async def send(self, chat_id: str, reply: Reply) -> Sequence[str] | None:
        """Send one reply; the platform's ids of the messages sent, where it reports them
        (WhatsApp's wamids, which its status webhooks name), or None."""
        ...

    async def acknowledge(self, callback_id: str) -> None: ...


@runtime_checkable
class SendsWholeRows(Protocol):
    """A sender that sends all of an outbox row's replies as one message (e-mail: a digest's
    cards are one mail, not one each). Delivery calls ``send_row`` instead of ``send`` per reply."""

    async def send_row(
        self, chat_id: str, replies: Sequence[Reply], *, kind: str
    ) -> Sequence[str] | None: ...


@runtime_checkable
class KeepsUserFiles(Protocol):
    """A sender that leaves files for the user on our side (the terminal writes exports to
    disk): after /delete it removes them."""

    async def forget(self, chat_id: str) -> None: ...


# The payload of the button under a re-engagement template ("Show jobs"): pressing it, like any
# message from the user, reopens the window and releases what waited for it.
REENGAGE_PAYLOAD = "reengage:show"


class TemplateSender(Protocol):
    """Asks a user back with an approved template where free-form messages may not go (WhatsApp
    outside the 24-hour window); raises like ReplySender."""

    async def send_template(
        self, chat_id: str, *, kind: str, waiting: int, lang: str
    ) -> Sequence[str]:
        """``kind``: what waits (an alert, a digest...); ``waiting``: how many messages."""
        ...


class FileFetcher(Protocol):
    """Downloads a file a user sent; raises FileTooLarge or TransientError."""

    async def fetch(self, file: FileRef, max_bytes: int) -> bytes: ...


def email_key(address: str, secret: bytes) -> str:
    """The user key of an e-mail address: a keyed hash, so no key or log line holds it."""
    digest = hmac.new(secret, address.lower().encode(), hashlib.sha256).hexdigest()
    return f"{Channel.EMAIL}:{digest[:24]}"

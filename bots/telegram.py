"""Telegram adapter: raw update → InboundMessage, Reply → Bot API call, Bot API errors → ours."""

from __future__ import annotations

import asyncio
import datetime as dtm
import functools
import os
import re
import warnings
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, Final, TypeVar

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputFile
from telegram.error import (
    BadRequest,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.request import HTTPXRequest
from telegram.warnings import PTBDeprecationWarning

from bots.payload import clean_text, strip_surrogates
from core.channels import Button, Channel, FileRef, InboundMessage, MessageKind, Reply
from core.errors import AppError, FileTooLarge, RateLimited, RecipientBlocked, TransientError
from core.logging import get_logger
from core.settings import TelegramSettings

__all__ = [
    "ALLOWED_UPDATES",
    "MAX_CAPTION_LENGTH",
    "MAX_TEXT_LENGTH",
    "RequestRejected",
    "TelegramFiles",
    "TelegramSender",
    "build_bot",
    "delete_webhook",
    "set_webhook",
    "split_text",
    "to_inbound",
]

MAX_TEXT_LENGTH: Final = 4096
MAX_CAPTION_LENGTH: Final = 1024
ALLOWED_UPDATES: Final = (
    "message",
    "edited_message",
    "callback_query",
    "my_chat_member",
    "channel_post",
)

_log = get_logger(__name__)
_T = TypeVar("_T")
Sleep = Callable[[float], Awaitable[None]]

_COMMAND = re.compile(
    r"/(?P<name>[A-Za-z0-9_]{1,64})(?:@(?P<bot>[A-Za-z0-9_]{1,64}))?(?:\s+(?P<args>.*))?",
    re.DOTALL,
)
_NUMERIC_ID = re.compile(r"-?\d+")
# BSON integers are signed 64-bit: a larger one would fail the insert after the update was read.
_INT64: Final = range(-(2**63), 2**63)
_MAX_ID_LENGTH: Final = 256  # file ids are ~80 characters, callback ids ~20
_MAX_LABEL_LENGTH: Final = 256  # file names, MIME types, language codes


class RequestRejected(AppError):
    """Telegram refused a request for good (a 400 other than the ones we translate)."""

    def __init__(self, description: str) -> None:
        super().__init__(description)
        self.description = description


# --------------------------------------------------------------------------- inbound


def to_inbound(update: Mapping[str, Any]) -> InboundMessage | None:
    """Turn a raw Bot API update into an InboundMessage; None for anything we cannot use."""
    if not isinstance(update, Mapping):
        return None
    try:
        return _to_inbound(update)
    except (KeyError, TypeError, ValueError, AttributeError, IndexError):
        # The helpers below check types as they go; this is the last guard for shapes
        # nobody thought of, so a hostile update can never take the webhook down.
        return None


def _to_inbound(update: Mapping[str, Any]) -> InboundMessage | None:
    update_id = _update_id(update.get("update_id"))
    if update_id is None:
        return None
    if "message" in update:
        return _from_message(update_id, update["message"], edited=False)
    if "edited_message" in update:
        return _from_message(update_id, update["edited_message"], edited=True)
    if "channel_post" in update:
        return _from_message(update_id, update["channel_post"], edited=False)
    if "edited_channel_post" in update:
        return _from_message(update_id, update["edited_channel_post"], edited=True)
    if "callback_query" in update:
        return _from_callback(update_id, update["callback_query"])
    if "my_chat_member" in update:
        return _from_member_update(update_id, update["my_chat_member"])
    return None


def _from_message(update_id: str, raw: object, *, edited: bool) -> InboundMessage | None:
    message = _mapping(raw)
    if message is None:
        return None
    chat = _mapping(message.get("chat"))
    if chat is None:
        return None
    chat_id = _ident(chat.get("id"))
    chat_type = chat.get("type")
    if chat_id is None or not isinstance(chat_type, str):
        return None
    sender = _mapping(message.get("from"))
    text = _str(message.get("text")) or _str(message.get("caption"))

    if chat_type != "private":
        sender_chat = _mapping(message.get("sender_chat"))
        author_id = (
            (_ident(sender.get("id")) if sender else None)
            or (_ident(sender_chat.get("id")) if sender_chat else None)
            or chat_id
        )
        return _inbound(update_id, chat_id, author_id, MessageKind.GROUP, sender, text=text)

    if sender is None:
        return None
    user_id = _ident(sender.get("id"))
    if user_id is None:
        return None
    if edited:
        return _inbound(update_id, chat_id, user_id, MessageKind.EDITED, sender, text=text)

    if "animation" in message:  # Telegram also fills "document" for an animation
        return _inbound(update_id, chat_id, user_id, MessageKind.UNSUPPORTED, sender, text=text)
    if "document" in message:
        file = _document_ref(message["document"])
        if file is None:
            return None
        return _inbound(
            update_id, chat_id, user_id, MessageKind.DOCUMENT, sender, text=text, file=file
        )
    if "photo" in message:
        file = _largest_photo(message["photo"])
        if file is None:
            return None
        return _inbound(
            update_id, chat_id, user_id, MessageKind.PHOTO, sender, text=text, file=file
        )
    raw_text = _str(message.get("text")) if isinstance(message.get("text"), str) else None
    if raw_text is not None:
        command = _COMMAND.fullmatch(raw_text)
        if command is not None:
            return _inbound(
                update_id,
                chat_id,
                user_id,
                MessageKind.COMMAND,
                sender,
                text=raw_text,
                command=command["name"].lower(),
                args=(command["args"] or "").strip(),
            )
        return _inbound(update_id, chat_id, user_id, MessageKind.TEXT, sender, text=raw_text)
    # stickers, voice, locations, contacts, polls, service messages, ...
    return _inbound(update_id, chat_id, user_id, MessageKind.UNSUPPORTED, sender, text=text)


def _from_callback(update_id: str, raw: object) -> InboundMessage | None:
    query = _mapping(raw)
    if query is None:
        return None
    callback_id = _ident(query.get("id"))
    sender = _mapping(query.get("from"))
    if callback_id is None or sender is None:
        return None
    user_id = _ident(sender.get("id"))
    if user_id is None:
        return None
    kind = MessageKind.CALLBACK
    message = _mapping(query.get("message"))
    if message is None:
        # A button under an inline-mode message: no chat, answer in the private chat.
        chat_id: str | None = user_id
    else:
        chat = _mapping(message.get("chat"))
        if chat is None:
            return None
        chat_id = _ident(chat.get("id"))
        if chat.get("type") != "private":
            kind = MessageKind.GROUP
    if chat_id is None:
        return None
    return _inbound(
        update_id,
        chat_id,
        user_id,
        kind,
        sender,
        text=_str(query.get("data")),
        callback_id=callback_id,
    )


def _from_member_update(update_id: str, raw: object) -> InboundMessage | None:
    member_update = _mapping(raw)
    if member_update is None:
        return None
    chat = _mapping(member_update.get("chat"))
    sender = _mapping(member_update.get("from"))
    new_member = _mapping(member_update.get("new_chat_member"))
    if chat is None or sender is None or new_member is None:
        return None
    chat_id = _ident(chat.get("id"))
    user_id = _ident(sender.get("id"))
    if chat_id is None or user_id is None:
        return None
    if chat.get("type") != "private":
        return _inbound(update_id, chat_id, user_id, MessageKind.GROUP, sender)
    status = new_member.get("status")
    if status == "kicked":
        return _inbound(update_id, chat_id, user_id, MessageKind.BLOCKED, sender)
    if status == "member":
        return _inbound(update_id, chat_id, user_id, MessageKind.UNBLOCKED, sender)
    return None


def _inbound(
    update_id: str,
    chat_id: str,
    user_id: str,
    kind: MessageKind,
    sender: Mapping[str, Any] | None,
    *,
    text: str = "",
    command: str | None = None,
    args: str = "",
    callback_id: str | None = None,
    file: FileRef | None = None,
) -> InboundMessage:
    return InboundMessage(
        channel=Channel.TELEGRAM,
        chat_id=chat_id,
        user_id=user_id,
        update_id=update_id,
        kind=kind,
        text=text,
        command=command,
        args=args,
        callback_id=callback_id,
        file=file,
        language_code=(
            _optional_str(sender.get("language_code"), _MAX_LABEL_LENGTH) if sender else None
        ),
    )


def _document_ref(raw: object) -> FileRef | None:
    document = _mapping(raw)
    if document is None:
        return None
    file_id = _ident(document.get("file_id"))
    if file_id is None:
        return None
    return FileRef(
        file_id=file_id,
        file_name=_optional_str(document.get("file_name"), _MAX_LABEL_LENGTH),
        mime_type=_optional_str(document.get("mime_type"), _MAX_LABEL_LENGTH),
        size=_size(document.get("file_size")),
    )


def _largest_photo(raw: object) -> FileRef | None:
    if not isinstance(raw, Sequence) or isinstance(raw, str | bytes):
        return None
    sizes: list[tuple[int, int, FileRef]] = []
    for entry in raw:
        photo = _mapping(entry)
        file_id = _ident(photo.get("file_id")) if photo else None
        if photo is None or file_id is None:
            return None
        area = (_size(photo.get("width")) or 0) * (_size(photo.get("height")) or 0)
        size = _size(photo.get("file_size"))
        sizes.append((area, size or 0, FileRef(file_id=file_id, size=size)))
    if not sizes:
        return None
    return max(sizes, key=lambda ranked: ranked[:2])[2]


def _mapping(value: object) -> Mapping[str, Any] | None:
    return value if isinstance(value, Mapping) else None


def _update_id(value: object) -> str | None:
    """The update's number: only a non-negative integer, as Telegram sends it.

    A string is refused so that no update can name a key outside "telegram:<int>" (internal
    events are stored under keys of their own, see MongoInboundRepository).
    """
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return str(value) if 0 <= value < 2**63 else None


def _ident(value: object) -> str | None:
    """A Telegram id (integer, or a string for callback and file ids) as text."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value) if value in _INT64 else None
    if isinstance(value, str):
        value = strip_surrogates(value)
        return value if value and len(value) <= _MAX_ID_LENGTH else None
    return None


def _str(value: object, limit: int = MAX_TEXT_LENGTH) -> str:
    # Telegram's own limit (4096 for texts, 64 bytes for callback data): anything longer is
    # not from Telegram, and cutting it keeps stored messages and echoed replies bounded.
    return clean_text(value, limit)


def _optional_str(value: object, limit: int) -> str | None:
    return _str(value, limit) or None


def _size(value: object) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2**63:
        return value
    return None


# --------------------------------------------------------------------------- the Bot


def build_bot(settings: TelegramSettings) -> Bot:
    """A Bot for the configured API (or a fake one); the caller initializes and shuts it down."""
    if settings.bot_token is None:
        raise ValueError("TELEGRAM__BOT_TOKEN is not set")
    # Opt in to RetryAfter.retry_after as a timedelta (v22 warns on every 429 otherwise).
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    request = HTTPXRequest(
        connection_pool_size=64,
        connect_timeout=5.0,
        read_timeout=15.0,
        write_timeout=15.0,
        pool_timeout=30.0,  # under bursts, wait for a free connection rather than fail
        media_write_timeout=60.0,
    )
    return Bot(
        token=settings.bot_token.get_secret_value(),
        base_url=settings.api_base_url,
        base_file_url=settings.file_base_url,
        request=request,
    )


async def set_webhook(bot: Bot, url: str, secret: str | None) -> None:
    """Point Telegram at our webhook; only the update types to_inbound understands."""
    await _call_with_retries(
        functools.partial(
            bot.set_webhook, url=url, secret_token=secret, allowed_updates=list(ALLOWED_UPDATES)
        ),
        sleep=asyncio.sleep,
    )


async def delete_webhook(bot: Bot) -> None:
    """Stop webhook delivery (pending updates are kept)."""
    await _call_with_retries(bot.delete_webhook, sleep=asyncio.sleep)


# --------------------------------------------------------------------------- outbound


class _BotClient:
    """Calls the Bot API with retries on 429 (waiting ``retry_after``) and error translation."""

    def __init__(
        self,
        bot: Bot,
        *,
        sleep: Sleep = asyncio.sleep,
        max_retries: int = 3,
        max_wait: float = 30.0,
    ) -> None:
        self._bot = bot
        self._sleep = sleep
        self._max_retries = max_retries
        self._max_wait = max_wait

    async def _call(self, request: Callable[[], Awaitable[_T]]) -> _T:
        return await _call_with_retries(
            request, sleep=self._sleep, max_retries=self._max_retries, max_wait=self._max_wait
        )


class TelegramSender(_BotClient):
    """ReplySender over the Bot API: plain text, inline keyboards, documents."""

    async def send(self, chat_id: str, reply: Reply) -> None:
        target = _chat_target(chat_id)
        markup = _keyboard(reply.buttons)
        document = reply.document
        caption: str | None = None
        text = reply.text
        if document is not None and _utf16_len(text) <= MAX_CAPTION_LENGTH:
            caption, text = text or None, ""
        chunks = [chunk for chunk in split_text(text) if chunk.strip()]
        if not chunks and document is None:
            if markup is not None:
                raise ValueError("a reply with buttons needs text")
            return
        for index, chunk in enumerate(chunks):
            last = index == len(chunks) - 1 and document is None
            await self._call(
                functools.partial(
                    self._bot.send_message,
                    chat_id=target,
                    text=chunk,
                    reply_markup=markup if last else None,
                )
            )
        if document is not None:
            upload = InputFile(document.content, filename=document.file_name)
            upload.mimetype = document.mime_type
            await self._call(
                functools.partial(
                    self._bot.send_document,
                    chat_id=target,
                    document=upload,
                    caption=caption,
                    reply_markup=markup,
                )
            )

    async def acknowledge(self, callback_id: str) -> None:
        try:
            await self._call(functools.partial(self._bot.answer_callback_query, callback_id))
        except RequestRejected as exc:
            # After ~15 s Telegram forgets the query; the spinner is gone anyway.
            description = exc.description.lower()
            if "query is too old" not in description and "query id is invalid" not in description:
                raise
            _log.info("telegram.callback.expired", callback_id=callback_id)


class TelegramFiles(_BotClient):
    """FileFetcher over getFile and the file download URL."""

    async def fetch(self, file: FileRef, max_bytes: int) -> bytes:
        if file.size is not None and file.size > max_bytes:
            raise FileTooLarge(file.size, max_bytes)
        try:
            remote = await self._call(functools.partial(self._bot.get_file, file.file_id))
        except RequestRejected as exc:
            if "file is too big" in exc.description.lower():
                raise FileTooLarge(file.size, max_bytes) from exc
            raise
        if remote.file_size is not None and remote.file_size > max_bytes:
            raise FileTooLarge(remote.file_size, max_bytes)
        if not remote.file_path:
            raise RequestRejected("getFile returned no file_path")
        content = bytes(await self._call(remote.download_as_bytearray))
        if len(content) > max_bytes:
            raise FileTooLarge(len(content), max_bytes)
        return content


def split_text(text: str, limit: int = MAX_TEXT_LENGTH) -> list[str]:
    """Cut text into pieces of at most ``limit`` UTF-16 units; ``"".join(pieces) == text``.

    Cuts after a blank line if one lies in the second half of the window, else after a line
    break, else after a space, else hard at the limit.
    """
    if limit < 1:
        raise ValueError("limit must be positive")
    pieces: list[str] = []
    rest = text
    while _utf16_len(rest) > limit:
        cut = _cut_point(rest, limit)
        pieces.append(rest[:cut])
        rest = rest[cut:]
    if rest:
        pieces.append(rest)
    return pieces


def _cut_point(text: str, limit: int) -> int:
    end = _prefix_within(text, limit)
    window = text[:end]
    for separator in ("\n\n", "\n", " "):
        index = window.rfind(separator)
        if index >= 0 and index + len(separator) >= end // 2:
            return index + len(separator)
    return end


def _prefix_within(text: str, limit: int) -> int:
    """Number of leading code points that fit in ``limit`` UTF-16 units (at least one)."""
    units = 0
    for index, char in enumerate(text):
        units += 2 if ord(char) > 0xFFFF else 1
        if units > limit:
            return max(index, 1)
    return len(text)


def _utf16_len(text: str) -> int:
    # Telegram measures lengths in UTF-16 code units (an emoji outside the BMP counts twice).
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


def _keyboard(buttons: tuple[tuple[Button, ...], ...]) -> InlineKeyboardMarkup | None:
    rows = [
        [
            InlineKeyboardButton(button.label, url=button.url)
            if button.url
            else InlineKeyboardButton(button.label, callback_data=button.data)
            for button in row
        ]
        for row in buttons
        if row
    ]
    return InlineKeyboardMarkup(rows) if rows else None


def _chat_target(chat_id: str) -> int | str:
    return int(chat_id) if _NUMERIC_ID.fullmatch(chat_id) else chat_id


async def _call_with_retries(
    request: Callable[[], Awaitable[_T]],
    *,
    sleep: Sleep,
    max_retries: int = 3,
    max_wait: float = 30.0,
) -> _T:
    """Run one Bot API call, waiting out 429s a few times; translate errors into ours."""
    retries = 0
    while True:
        try:
            return await request()
        except RetryAfter as exc:
            wait = _retry_after_seconds(exc)
            if retries >= max_retries or wait > max_wait:
                raise RateLimited(wait) from exc
            retries += 1
            _log.info("telegram.rate_limited", retry_after=wait, attempt=retries)
            await sleep(wait)
        except Forbidden as exc:
            # "bot was blocked by the user", "user is deactivated", kicked from a chat, ...
            raise RecipientBlocked(exc.message) from exc
        except BadRequest as exc:  # before NetworkError: BadRequest subclasses it
            if _is_gone(exc.message):
                raise RecipientBlocked(exc.message) from exc
            raise RequestRejected(exc.message) from exc
        except NetworkError as exc:  # also TimedOut and HTTP 5xx
            raise TransientError(f"telegram: {exc.message}") from exc
        except TelegramError as exc:  # InvalidToken, ChatMigrated, Conflict, ...
            raise RequestRejected(exc.message) from exc


def _is_gone(description: str) -> bool:
    lowered = description.lower()
    return "chat not found" in lowered or "peer_id_invalid" in lowered


def _retry_after_seconds(exc: RetryAfter) -> float:
    # PTB 22 returns an int (with a deprecation warning) unless PTB_TIMEDELTA is set, in
    # which case it returns a timedelta; accept both and keep the warning out of our logs.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value: object = exc.retry_after
    if isinstance(value, dtm.timedelta):
        return value.total_seconds()
    if isinstance(value, int | float):
        return float(value)
    raise TypeError(f"unexpected retry_after {value!r}")

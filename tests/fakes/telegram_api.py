"""A fake Telegram Bot API: a real HTTP server on loopback that python-telegram-bot talks to.

Usage::

    async with FakeTelegramAPI() as fake:
        bot = build_bot(fake.telegram_settings())
        async with bot:
            ...
        assert fake.messages_to("42") == ["hello"]

Point a ``telegram.Bot`` at ``fake.base_url`` / ``fake.file_base_url`` (or use
``fake.telegram_settings()``). The fake answers the methods JobScout uses with valid Bot API
JSON, records what it received, and can be told to fail: ``block(chat_id)`` (403),
``fail_next(n, status)`` (a burst of 5xx, optionally ``after`` some requests),
``rate_limit_next(n, retry_after)`` (429), ``expire_callback(id)``. ``enforce_limits(...)``
makes it answer 429 to messages beyond Telegram's rates, as the real API does under bulk sends,
and ``hold_after(n)`` / ``release()`` park every message after the n-th accepted one, so a test
can stop a sender at a point where nothing it sent is in doubt.

Everything it records is guarded by a lock, and ``wait_for_messages`` may be awaited from any
event loop (waiters are woken with ``call_soon_threadsafe``).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import math
import re
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final
from urllib.parse import parse_qsl, unquote

from pydantic import SecretStr
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from core.settings import TelegramSettings
from tests.fakes.loopback import LoopbackFake

DEFAULT_TOKEN: Final = "123456:TEST-fake-token"
MAX_DOWNLOAD_BYTES: Final = 20 * 1024 * 1024  # what the real Bot API lets bots download
MAX_TEXT_LENGTH: Final = 4096
MAX_CAPTION_LENGTH: Final = 1024
MAX_CALLBACK_DATA_BYTES: Final = 64

# Methods that create a message in a chat (what messages_to / wait_for_messages count).
_MESSAGE_METHODS: Final = frozenset({"sendmessage", "senddocument"})
# Methods that count against the sending limits (enforce_limits) and that hold_after parks.
_LIMITED_METHODS: Final = frozenset({"sendmessage", "senddocument", "sendphoto"})
# Parameters PTB sends JSON-encoded inside form fields.
_JSON_PARAMS: Final = frozenset(
    {
        "reply_markup",
        "allowed_updates",
        "entities",
        "caption_entities",
        "link_preview_options",
        "reply_parameters",
    }
)
_CANONICAL_NAMES: Final = {
    name.lower(): name
    for name in (
        "getMe",
        "sendMessage",
        "sendDocument",
        "answerCallbackQuery",
        "getFile",
        "setWebhook",
        "deleteWebhook",
        "editMessageText",
    )
}

Rows = list[list[tuple[str, str]]]


@dataclass(frozen=True)
class RecordedCall:
    """A call the fake accepted: sendMessage, sendDocument or editMessageText."""

    method: str
    chat_id: str | None
    text: str | None  # message text, or the document's caption
    reply_markup: Rows | None  # rows of (label, callback_data)
    document_name: str | None
    document: bytes | None
    params: dict[str, Any]
    timestamp: float  # time.monotonic() when the fake received it
    message_id: int = 0


@dataclass(frozen=True)
class ApiRequest:
    """Every Bot API request the fake received, including the ones it rejected."""

    method: str
    status: int
    chat_id: str | None
    params: dict[str, Any]
    timestamp: float


@dataclass(frozen=True)
class StoredFile:
    file_id: str
    content: bytes
    file_path: str
    size: int


@dataclass
class _Fault:
    status: int
    description: str
    method: str | None  # lower case; None: any method but getMe
    retry_after: int | None = None
    passes: int = 0  # requests it lets through before it starts to apply


@dataclass
class _Limits:
    """Telegram's sending limits as token buckets, kept in GCRA form.

    Each bucket keeps the time its next message is due (``next_*``) and lets a message through
    when it arrives no more than ``tolerance`` seconds before that: a bucket of
    ``1 + tolerance * rate`` tokens refilled at ``rate``. The tolerance models network jitter:
    messages sent evenly at the limit do not arrive evenly.
    """

    per_second: float
    per_chat_per_second: float
    tolerance: float
    next_global: float = 0.0
    next_chat: dict[str, float] = field(default_factory=dict)

    def admit(self, chat: str, now: float) -> None:
        """Take a token from both buckets, or raise a 429 that says when to come back."""
        due_global = max(self.next_global, now)
        due_chat = max(self.next_chat.get(chat, now), now)
        early = max(due_global, due_chat) - self.tolerance - now
        if early > 0:
            retry_after = max(1, math.ceil(early))  # Telegram gives whole seconds, at least 1
            raise _ApiError(
                429, f"Too Many Requests: retry after {retry_after}", retry_after=retry_after
            )
        self.next_global = due_global + 1 / self.per_second
        self.next_chat[chat] = due_chat + 1 / self.per_chat_per_second


@dataclass
class _Hold:
    after: int  # accepted messages before holding starts
    loop: asyncio.AbstractEventLoop | None = None
    released: asyncio.Event | None = None
    held: int = 0


@dataclass
class _Waiter:
    chat_id: str
    count: int
    loop: asyncio.AbstractEventLoop
    future: asyncio.Future[None]


@dataclass
class _Parsed:
    params: dict[str, Any] = field(default_factory=dict)
    files: dict[str, tuple[str | None, bytes]] = field(default_factory=dict)


class _ApiError(Exception):
    def __init__(self, status: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after


class FakeTelegramAPI(LoopbackFake):
    """A fake Bot API server on 127.0.0.1 with a recording and fault-injection API."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        bot_username: str = "JobScoutBot",
        bot_name: str = "JobScout",
    ) -> None:
        super().__init__()
        self.token = token
        self.bot_username = bot_username
        self.bot_name = bot_name
        prefix = token.split(":", 1)[0]
        self.bot_id = int(prefix) if prefix.isdigit() else 1
        self._lock = threading.Lock()
        self._sent: list[RecordedCall] = []
        # Message-like calls per chat, so lookups stay cheap when a benchmark sends thousands.
        self._by_chat: dict[str, list[RecordedCall]] = {}
        self._requests: list[ApiRequest] = []
        self._answered: list[str] = []
        self._downloads: list[str] = []
        self._files: dict[str, StoredFile] = {}
        self._blocked: set[str] = set()
        self._expired_callbacks: set[str] = set()
        self._faults: list[_Fault] = []
        self._limits: _Limits | None = None
        self._hold: _Hold | None = None
        self._accepted_messages = 0
        self._waiters: list[_Waiter] = []
        self._webhook: dict[str, Any] | None = None
        self._message_ids = itertools.count(1)
        self.app = Starlette(
            routes=[
                Route("/bot{token}/{method}", self._handle_api, methods=["GET", "POST"]),
                Route("/file/bot{token}/{file_path:path}", self._handle_download, methods=["GET"]),
            ]
        )

    # ------------------------------------------------------------------ lifecycle

    label = "fake Telegram API"

    def _asgi_app(self) -> tuple[Any, dict[str, Any]]:
        return self.app, {}

    @property
    def base_url(self) -> str:
        """For ``Bot(base_url=...)``: the token is appended to it."""
        return f"{self.origin}/bot"

    @property
    def file_base_url(self) -> str:
        """For ``Bot(base_file_url=...)``: the token is appended to it."""
        return f"{self.origin}/file/bot"

    def telegram_settings(self, **overrides: Any) -> TelegramSettings:
        values: dict[str, Any] = {
            "bot_token": SecretStr(self.token),
            "api_base_url": self.base_url,
            "file_base_url": self.file_base_url,
        }
        values.update(overrides)
        return TelegramSettings(**values)

    # ------------------------------------------------------------------ control

    def add_file(
        self,
        file_id: str,
        content: bytes,
        file_path: str | None = None,
        size: int | None = None,
    ) -> StoredFile:
        """Make ``file_id`` known to getFile; ``size`` overrides the size getFile reports."""
        stored = StoredFile(
            file_id=file_id,
            content=content,
            file_path=file_path or f"documents/{file_id}",
            size=len(content) if size is None else size,
        )
        with self._lock:
            self._files[file_id] = stored
        return stored

    def block(self, chat_id: str | int) -> None:
        """Sends to this chat get 403 "Forbidden: bot was blocked by the user"."""
        with self._lock:
            self._blocked.add(str(chat_id))

    def unblock(self, chat_id: str | int) -> None:
        with self._lock:
            self._blocked.discard(str(chat_id))

    def expire_callback(self, callback_id: str) -> None:
        """answerCallbackQuery for this id gets Telegram's "query is too old" 400."""
        with self._lock:
            self._expired_callbacks.add(callback_id)

    def fail_next(
        self,
        n: int,
        status: int = 500,
        *,
        method: str | None = None,
        description: str | None = None,
        after: int = 0,
    ) -> None:
        """The next ``n`` requests (of ``method``, or any method but getMe) get ``status``.

        ``after``: let that many such requests through first (fail the second reply of three).
        """
        text = description or _default_description(status)
        faults = [_Fault(status, text, _lower(method)) for _ in range(n)]
        if faults:
            faults[0].passes = after
        with self._lock:
            self._faults.extend(faults)

    def rate_limit_next(self, n: int, retry_after: int = 1, *, method: str | None = None) -> None:
        """The next ``n`` requests get 429 with ``parameters.retry_after``.

        python-telegram-bot only raises RetryAfter for a non-zero retry_after; with 0 it
        raises a plain NetworkError.
        """
        text = f"Too Many Requests: retry after {retry_after}"
        with self._lock:
            self._faults.extend(
                _Fault(429, text, _lower(method), retry_after=retry_after) for _ in range(n)
            )

    def enforce_limits(
        self,
        per_second: float = 30.0,
        per_chat_per_second: float = 1.0,
        *,
        tolerance: float = 0.05,
    ) -> None:
        """From now on, messages beyond these rates get 429 with ``parameters.retry_after``.

        A rejected message is not delivered and takes no token. ``tolerance``: how many seconds
        early a message may arrive (network jitter; see ``_Limits``).
        """
        with self._lock:
            self._limits = _Limits(per_second, per_chat_per_second, tolerance)

    def lift_limits(self) -> None:
        with self._lock:
            self._limits = None

    def hold_after(self, messages: int) -> None:
        """Once ``messages`` messages are accepted, park every further message request.

        A parked request gets no answer until ``release()``, and then a 502: it is never
        delivered. Counting and parking happen in one step, so exactly ``messages`` get through.
        """
        with self._lock:
            self._hold = _Hold(after=messages)

    def release(self) -> None:
        """Answer every parked request with 502 and stop parking."""
        with self._lock:
            hold, self._hold = self._hold, None
        if hold is not None and hold.loop is not None and hold.released is not None:
            hold.loop.call_soon_threadsafe(hold.released.set)

    # ------------------------------------------------------------------ inspection

    @property
    def held(self) -> int:
        """Message requests parked by ``hold_after`` right now."""
        with self._lock:
            return self._hold.held if self._hold is not None else 0

    @property
    def accepted_messages(self) -> int:
        """sendMessage and sendDocument calls accepted so far."""
        with self._lock:
            return self._accepted_messages

    @property
    def rate_limited(self) -> int:
        """How many requests got a 429 (from enforce_limits or rate_limit_next)."""
        return sum(1 for request in self.requests if request.status == 429)

    @property
    def sent(self) -> list[RecordedCall]:
        """Accepted sendMessage, sendDocument and editMessageText calls, oldest first."""
        with self._lock:
            return list(self._sent)

    @property
    def requests(self) -> list[ApiRequest]:
        """Every Bot API request, with the HTTP status the fake answered."""
        with self._lock:
            return list(self._requests)

    @property
    def answered_callbacks(self) -> list[str]:
        with self._lock:
            return list(self._answered)

    @property
    def downloads(self) -> list[str]:
        """File paths served by the file endpoint."""
        with self._lock:
            return list(self._downloads)

    @property
    def webhook(self) -> dict[str, Any] | None:
        """Parameters of the last setWebhook, None after deleteWebhook or before any."""
        with self._lock:
            return None if self._webhook is None else dict(self._webhook)

    def messages_to(self, chat_id: str | int) -> list[str]:
        """Texts of messages sent to the chat; a document counts with its caption ('' if none)."""
        with self._lock:
            return self._messages_locked(str(chat_id))

    def buttons_to(self, chat_id: str | int, back: int = 0) -> Rows:
        """Inline keyboard of the last message sent to the chat, or of the one ``back`` places
        before it ([] when it had none or there is no such message)."""
        chat = str(chat_id)
        with self._lock:
            calls = self._by_chat.get(chat, [])
            if back >= len(calls):
                return []
            return [list(row) for row in calls[-1 - back].reply_markup or []]

    def requests_for(self, method: str) -> list[ApiRequest]:
        wanted = method.lower()
        return [request for request in self.requests if request.method.lower() == wanted]

    async def wait_for_messages(
        self,
        chat_id: str | int,
        count: int,
        timeout: float = 10.0,  # noqa: ASYNC109 - the deadline is this helper's whole point
    ) -> list[str]:
        """Return the chat's messages once there are at least ``count``; TimeoutError if not."""
        chat = str(chat_id)
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        waiter = _Waiter(chat, count, loop, future)
        with self._lock:
            if len(self._messages_locked(chat)) >= count:
                return self._messages_locked(chat)
            self._waiters.append(waiter)
        try:
            async with asyncio.timeout(timeout):
                await future
        except TimeoutError:
            got = self.messages_to(chat)
            raise TimeoutError(
                f"chat {chat} got {len(got)} of {count} messages within {timeout}s: {got!r}"
            ) from None
        finally:
            with self._lock:
                if waiter in self._waiters:
                    self._waiters.remove(waiter)
        return self.messages_to(chat)

    def calls_to(self, chat_id: str | int) -> list[RecordedCall]:
        """The message-like calls (sendMessage, sendDocument, editMessageText) to one chat."""
        with self._lock:
            return list(self._by_chat.get(str(chat_id), []))

    def _messages_locked(self, chat: str) -> list[str]:
        return [call.text or "" for call in self._by_chat.get(chat, [])]

    # ------------------------------------------------------------------ HTTP

    async def _handle_api(self, request: Request) -> Response:
        method = request.path_params["method"]
        now = time.monotonic()
        try:
            parsed = await _parse_request(request)
        except ValueError as exc:
            return _error(400, f"Bad Request: {exc}")
        params = parsed.params
        chat_id = _chat_id(params.get("chat_id"))
        status = 200
        try:
            if request.path_params["token"] != self.token:
                raise _ApiError(401, "Unauthorized")
            released = self._park(method.lower())
            if released is not None:
                await self._wait_parked(released)
                raise _ApiError(502, "Bad Gateway")
            result = self._dispatch(method, parsed, chat_id, now)
        except _ApiError as exc:
            status = exc.status
            response = _error(exc.status, exc.description, exc.retry_after)
        else:
            response = JSONResponse({"ok": True, "result": result})
        with self._lock:
            self._requests.append(ApiRequest(method, status, chat_id, params, now))
        return response

    async def _handle_download(self, request: Request) -> Response:
        if request.path_params["token"] != self.token:
            return _error(401, "Unauthorized")
        file_path = unquote(request.path_params["file_path"])
        with self._lock:
            stored = next(
                (item for item in self._files.values() if item.file_path == file_path), None
            )
            if stored is not None:
                self._downloads.append(file_path)
        if stored is None:
            return _error(404, "Not Found")
        return Response(stored.content, media_type="application/octet-stream")

    def _park(self, name: str) -> asyncio.Event | None:
        """The event a message request must wait for, when hold_after applies to it."""
        with self._lock:
            hold = self._hold
            if (
                hold is None
                or name not in _LIMITED_METHODS
                or self._accepted_messages < hold.after
            ):
                return None
            if hold.released is None:
                hold.loop = asyncio.get_running_loop()
                hold.released = asyncio.Event()
            hold.held += 1
            return hold.released

    async def _wait_parked(self, released: asyncio.Event) -> None:
        try:
            await released.wait()
        finally:
            with self._lock:
                if self._hold is not None and self._hold.released is released:
                    self._hold.held -= 1

    def _before_stop(self) -> None:
        self.release()

    def _dispatch(self, method: str, parsed: _Parsed, chat_id: str | None, now: float) -> Any:
        name = method.lower()
        with self._lock:
            self._raise_fault(name)
            if self._limits is not None and name in _LIMITED_METHODS and chat_id is not None:
                self._limits.admit(chat_id, now)
            if chat_id is not None and chat_id in self._blocked:
                raise _ApiError(403, "Forbidden: bot was blocked by the user")
        handler = {
            "getme": self._get_me,
            "sendmessage": self._send_message,
            "senddocument": self._send_document,
            "answercallbackquery": self._answer_callback_query,
            "getfile": self._get_file,
            "setwebhook": self._set_webhook,
            "deletewebhook": self._delete_webhook,
            "editmessagetext": self._edit_message_text,
        }.get(name)
        if handler is None:
            raise _ApiError(404, "Not Found")
        return handler(parsed, chat_id, now)

    def _raise_fault(self, name: str) -> None:
        for index, fault in enumerate(self._faults):
            if fault.method == name or (fault.method is None and name != "getme"):
                if fault.passes > 0:
                    fault.passes -= 1
                    return
                del self._faults[index]
                raise _ApiError(fault.status, fault.description, fault.retry_after)

    # ------------------------------------------------------------------ methods

    def _bot_user(self) -> dict[str, Any]:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.bot_name,
            "username": self.bot_username,
        }

    def _get_me(self, parsed: _Parsed, chat_id: str | None, now: float) -> Any:
        return {
            **self._bot_user(),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    def _send_message(self, parsed: _Parsed, chat_id: str | None, now: float) -> Any:
        params = parsed.params
        chat = _require_chat(chat_id)
        text = params.get("text")
        if not isinstance(text, str) or not text.strip():
            raise _ApiError(400, "Bad Request: message text is empty")
        if _utf16_len(text) > MAX_TEXT_LENGTH:
            raise _ApiError(400, "Bad Request: message is too long")
        markup = _keyboard_rows(params.get("reply_markup"))
        message = self._message(chat, text=text, reply_markup=params.get("reply_markup"))
        self._record(
            RecordedCall(
                method=_CANONICAL_NAMES["sendmessage"],
                chat_id=chat,
                text=text,
                reply_markup=markup,
                document_name=None,
                document=None,
                params=params,
                timestamp=now,
                message_id=message["message_id"],
            )
        )
        return message

    def _send_document(self, parsed: _Parsed, chat_id: str | None, now: float) -> Any:
        params = parsed.params
        chat = _require_chat(chat_id)
        caption = params.get("caption")
        if isinstance(caption, str) and _utf16_len(caption) > MAX_CAPTION_LENGTH:
            raise _ApiError(400, "Bad Request: message caption is too long")
        if "document" in parsed.files:
            name, content = parsed.files["document"]
        elif isinstance(params.get("document"), str):  # a file_id or a URL
            name, content = None, None
        else:
            raise _ApiError(400, "Bad Request: there is no document in the request")
        markup = _keyboard_rows(params.get("reply_markup"))
        message_id = next(self._message_ids)
        document = {
            "file_id": f"BQACAgIAAx-fake-{message_id}",
            "file_unique_id": f"AgAD-fake-{message_id}",
            "file_size": len(content or b""),
        }
        if name:
            document["file_name"] = name
        message = self._message(
            chat,
            message_id=message_id,
            caption=caption if isinstance(caption, str) else None,
            reply_markup=params.get("reply_markup"),
            document=document,
        )
        self._record(
            RecordedCall(
                method=_CANONICAL_NAMES["senddocument"],
                chat_id=chat,
                text=caption if isinstance(caption, str) else None,
                reply_markup=markup,
                document_name=name,
                document=content,
                params=params,
                timestamp=now,
                message_id=message_id,
            )
        )
        return message

    def _edit_message_text(self, parsed: _Parsed, chat_id: str | None, now: float) -> Any:
        params = parsed.params
        chat = _require_chat(chat_id)
        text = params.get("text")
        if not isinstance(text, str) or not text.strip():
            raise _ApiError(400, "Bad Request: message text is empty")
        message_id = _int(params.get("message_id"))
        if message_id is None:
            raise _ApiError(400, "Bad Request: message identifier is not specified")
        markup = _keyboard_rows(params.get("reply_markup"))
        self._record(
            RecordedCall(
                method=_CANONICAL_NAMES["editmessagetext"],
                chat_id=chat,
                text=text,
                reply_markup=markup,
                document_name=None,
                document=None,
                params=params,
                timestamp=now,
                message_id=message_id,
            )
        )
        return self._message(
            chat, message_id=message_id, text=text, reply_markup=params.get("reply_markup")
        )

    def _answer_callback_query(self, parsed: _Parsed, chat_id: str | None, now: float) -> Any:
        callback_id = parsed.params.get("callback_query_id")
        if not isinstance(callback_id, str) or not callback_id:
            raise _ApiError(400, "Bad Request: query_id is empty")
        with self._lock:
            if callback_id in self._expired_callbacks:
                raise _ApiError(
                    400,
                    "Bad Request: query is too old and response timeout expired "
                    "or query ID is invalid",
                )
            self._answered.append(callback_id)
        return True

    def _get_file(self, parsed: _Parsed, chat_id: str | None, now: float) -> Any:
        file_id = parsed.params.get("file_id")
        with self._lock:
            stored = self._files.get(file_id) if isinstance(file_id, str) else None
        if stored is None:
            raise _ApiError(400, "Bad Request: invalid file_id")
        if stored.size > MAX_DOWNLOAD_BYTES:
            raise _ApiError(400, "Bad Request: file is too big")
        return {
            "file_id": stored.file_id,
            "file_unique_id": f"unique-{stored.file_id}",
            "file_size": stored.size,
            "file_path": stored.file_path,
        }

    def _set_webhook(self, parsed: _Parsed, chat_id: str | None, now: float) -> Any:
        url = parsed.params.get("url")
        if not isinstance(url, str):
            raise _ApiError(400, "Bad Request: bad webhook: URL is empty")
        with self._lock:
            self._webhook = dict(parsed.params)
        return True

    def _delete_webhook(self, parsed: _Parsed, chat_id: str | None, now: float) -> Any:
        with self._lock:
            self._webhook = None
        return True

    # ------------------------------------------------------------------ helpers

    def _message(
        self,
        chat: str,
        *,
        message_id: int | None = None,
        text: str | None = None,
        caption: str | None = None,
        reply_markup: Any = None,
        document: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        message: dict[str, Any] = {
            "message_id": message_id if message_id is not None else next(self._message_ids),
            "date": int(time.time()),
            "chat": _chat_json(chat),
            "from": self._bot_user(),
        }
        if text is not None:
            message["text"] = text
        if caption is not None:
            message["caption"] = caption
        if document is not None:
            message["document"] = document
        if isinstance(reply_markup, Mapping) and reply_markup.get("inline_keyboard"):
            message["reply_markup"] = dict(reply_markup)
        return message

    def _record(self, call: RecordedCall) -> None:
        with self._lock:
            self._sent.append(call)
            if call.method.lower() in _MESSAGE_METHODS:
                self._accepted_messages += 1
            if call.chat_id is not None and call.method.lower() in _MESSAGE_METHODS:
                self._by_chat.setdefault(call.chat_id, []).append(call)
            ready = [
                waiter
                for waiter in self._waiters
                if waiter.chat_id == call.chat_id
                and len(self._by_chat.get(waiter.chat_id, [])) >= waiter.count
            ]
        for waiter in ready:
            waiter.loop.call_soon_threadsafe(_resolve, waiter.future)


def _resolve(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


# ---------------------------------------------------------------------- request parsing


async def _parse_request(request: Request) -> _Parsed:
    parsed = _Parsed()
    parsed.params.update(request.query_params)
    body = await request.body()
    content_type = request.headers.get("content-type", "")
    mime = content_type.split(";", 1)[0].strip().lower()
    if not body:
        pass
    elif mime == "application/json":
        data = json.loads(body)
        if not isinstance(data, dict):
            raise ValueError("the JSON body must be an object")
        parsed.params.update(data)
        return parsed
    elif mime == "application/x-www-form-urlencoded":
        parsed.params.update(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
    elif mime == "multipart/form-data":
        boundary = _boundary(content_type)
        for name, filename, content in _multipart_parts(body, boundary):
            if filename is None:
                parsed.params[name] = content.decode("utf-8")
            else:
                parsed.files[name] = (filename, content)
    else:
        raise ValueError(f"unsupported content type {content_type!r}")
    for key in _JSON_PARAMS & parsed.params.keys():
        value = parsed.params[key]
        if isinstance(value, str):
            parsed.params[key] = json.loads(value)
    return parsed


def _boundary(content_type: str) -> bytes:
    match = re.search(r'boundary="?([^";]+)"?', content_type)
    if match is None:
        raise ValueError("multipart body without a boundary")
    return match.group(1).encode("latin-1")


def _multipart_parts(body: bytes, boundary: bytes) -> list[tuple[str, str | None, bytes]]:
    parts: list[tuple[str, str | None, bytes]] = []
    for chunk in body.split(b"--" + boundary)[1:]:
        if chunk.startswith(b"--"):
            break
        head, separator, content = chunk.removeprefix(b"\r\n").partition(b"\r\n\r\n")
        if not separator:
            raise ValueError("a multipart part without headers")
        content = content.removesuffix(b"\r\n")
        disposition = ""
        for line in head.decode("utf-8").split("\r\n"):
            key, _, value = line.partition(":")
            if key.strip().lower() == "content-disposition":
                disposition = value
        name = _disposition_param(disposition, "name")
        if name is None:
            raise ValueError("a multipart part without a name")
        parts.append((name, _disposition_param(disposition, "filename"), content))
    return parts


def _disposition_param(disposition: str, key: str) -> str | None:
    match = re.search(rf'(?:^|;)\s*{key}="((?:[^"\\]|\\.)*)"', disposition)
    if match is None:
        return None
    # httpx escapes '"' as %22 and '\' as '\\' (the HTML form-data rules).
    return match.group(1).replace("%22", '"').replace("\\\\", "\\")


# ---------------------------------------------------------------------- small helpers


def _error(status: int, description: str, retry_after: int | None = None) -> JSONResponse:
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if retry_after is not None:
        body["parameters"] = {"retry_after": retry_after}
    return JSONResponse(body, status_code=status)


def _default_description(status: int) -> str:
    return {
        400: "Bad Request: request failed",
        403: "Forbidden: bot was blocked by the user",
        429: "Too Many Requests: retry after 1",
        500: "Internal Server Error",
        502: "Bad Gateway",
        503: "Service Unavailable",
        504: "Gateway Timeout",
    }.get(status, f"Error {status}")


def _require_chat(chat_id: str | None) -> str:
    if chat_id is None:
        raise _ApiError(400, "Bad Request: chat_id is empty")
    return chat_id


def _chat_id(value: object) -> str | None:
    if isinstance(value, bool) or value is None or value == "":
        return None
    return str(value)


def _chat_json(chat: str) -> dict[str, Any]:
    numeric = _int(chat)
    if numeric is None:  # "@channelusername"
        return {"id": -1001000000000, "type": "channel", "username": chat.lstrip("@")}
    if numeric > 0:
        return {"id": numeric, "type": "private", "first_name": "Test"}
    return {"id": numeric, "type": "supergroup", "title": "Test group"}


def _int(value: object) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and re.fullmatch(r"-?\d+", value):
        return int(value)
    return None


def _keyboard_rows(markup: object) -> Rows | None:
    if not isinstance(markup, Mapping):
        return None
    keyboard = markup.get("inline_keyboard")
    if not isinstance(keyboard, list):
        return None
    rows: Rows = []
    for row in keyboard:
        cells: list[tuple[str, str]] = []
        for button in row:
            data = button.get("callback_data")
            if isinstance(data, str) and not 1 <= len(data.encode()) <= MAX_CALLBACK_DATA_BYTES:
                raise _ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
            cells.append((button["text"], data if data is not None else button.get("url", "")))
        rows.append(cells)
    return rows


def _lower(method: str | None) -> str | None:
    return method.lower() if method is not None else None


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2

"""A fake WhatsApp Cloud API (Graph API): a real HTTP server on loopback.

Usage::

    async with FakeGraphAPI() as fake:
        async with WhatsAppSender(fake.settings()) as sender:
            await sender.send("4915112345678", Reply(text="hello"))
        assert fake.texts_to("4915112345678") == ["hello"]

It serves what JobScout uses, under ``/{api_version}/``:

- ``POST /{phone_number_id}/messages``: validates the payload against Meta's limits and answers
  error 131009 like the real API when one is broken; records accepted messages per recipient
  (``messages_to``, ``texts_to``, ``wait_for_messages``) and answers with a new wamid;
- ``POST /{phone_number_id}/media`` (multipart: ``messaging_product=whatsapp``, ``file``) →
  ``{"id": ...}``; ``GET /{media_id}`` → ``url``, ``mime_type``, ``sha256``, ``file_size``,
  ``id``; ``GET <url>`` → the bytes. ``add_media`` makes media known (as a user's upload would).

Every request needs ``Authorization: Bearer <token>`` (else 401, Graph error 190).

Faults: ``fail_next(code, n)`` (the next n message sends), ``fail_for(wa_id, code)`` (every
send to one user until ``clear_failures``), ``fail_status_for(wa_id, code)`` (accepted, then a
``failed`` status webhook, as Meta reports most delivery failures). Codes: 131047, 131026,
130429, 131056, 131048, 131009, and 500 (an HTTP 500). ``enforce_rates`` answers 130429 beyond
the number's messages per second and 131056 beyond one message per ``pair_interval`` to a
user, each a GCRA token bucket on the fake's own clock; both scale for benchmarks.

``post_statuses_to(url, app_secret)``: after each accepted message, POST a ``sent`` then a
``delivered`` status webhook (Meta's shape, signed ``X-Hub-Signature-256: sha256=...``) to the
app; ``statuses_settled()`` waits until every status is posted.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import itertools
import json
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final
from urllib.parse import urlencode

import httpx
from pydantic import SecretStr
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from core.settings import WhatsAppSettings
from tests.fakes.loopback import LoopbackFake
from tests.fakes.telegram_api import _boundary, _multipart_parts

DEFAULT_TOKEN: Final = "EAAG-fake-whatsapp-access-token"
DEFAULT_PHONE_NUMBER_ID: Final = "106540352242922"
DEFAULT_DISPLAY_NUMBER: Final = "15550783881"
DEFAULT_WABA_ID: Final = "102290129340398"
DEFAULT_VERSION: Final = "v23.0"
DOWNLOAD_PATH: Final = "/whatsapp_business/attachments/"

MAX_TEXT: Final = 4096
MAX_BODY_WITH_BUTTONS: Final = 1024
MAX_CAPTION: Final = 1024
MAX_BUTTON_TITLE: Final = 20
MAX_BUTTON_ID: Final = 256
MAX_LIST_ROWS: Final = 10
MAX_ROW_TITLE: Final = 24
MAX_ROW_ID: Final = 200
MAX_ROW_DESCRIPTION: Final = 72
MAX_LIST_BUTTON: Final = 20
MAX_SECTION_TITLE: Final = 24

# code → (HTTP status, title, details), as the Cloud API answers them.
ERRORS: Final[dict[int, tuple[int, str, str]]] = {
    131047: (
        400,
        "Re-engagement message",
        "Message failed to send because more than 24 hours have passed since the customer "
        "last replied to this number.",
    ),
    131026: (400, "Message undeliverable", "Message Undeliverable."),
    130429: (
        400,
        "Rate limit hit",
        "Cloud API message throughput has been reached.",
    ),
    131056: (
        400,
        "(Business Account, Consumer Account) pair rate limit hit",
        "Message failed to send because there were too many messages sent from this phone "
        "number to the same phone number in a short period of time.",
    ),
    131048: (
        400,
        "Spam rate limit hit",
        "Message failed to send because there are restrictions on how many messages can be "
        "sent from this phone number.",
    ),
    131009: (400, "Parameter value is not valid", "Parameter value is not valid"),
    131000: (500, "Something went wrong", "Message failed to send due to an unknown error."),
    100: (400, "Invalid parameter", "Invalid parameter"),
    190: (401, "Invalid OAuth access token - Cannot parse access token", ""),
}
# fail_next(500): an HTTP 500 with Meta's "something went wrong".
_ALIASES: Final = {500: 131000}


@dataclass(frozen=True)
class SentMessage:
    """A message the fake accepted."""

    to: str
    type: str
    payload: dict[str, Any]
    wamid: str
    timestamp: float  # the fake's clock when it was accepted

    @property
    def text(self) -> str:
        """The text a person reads first: body, caption ('' if none), or ``[template name]``."""
        kind = self.type
        content = self.payload.get(kind)
        if not isinstance(content, Mapping):
            return ""
        if kind == "text":
            return str(content.get("body", ""))
        if kind == "interactive":
            body = content.get("body")
            return str(body.get("text", "")) if isinstance(body, Mapping) else ""
        if kind == "template":
            return f"[template {content.get('name')}]"
        return str(content.get("caption", ""))

    @property
    def interactive_type(self) -> str | None:
        content = self.payload.get("interactive")
        return str(content.get("type")) if isinstance(content, Mapping) else None

    @property
    def buttons(self) -> list[tuple[str, str]]:
        """(id, title) of the reply buttons, or of the list rows; [] for other messages."""
        content = self.payload.get("interactive")
        if not isinstance(content, Mapping):
            return []
        action = content.get("action") or {}
        if content.get("type") == "button":
            return [(b["reply"]["id"], b["reply"]["title"]) for b in action.get("buttons", [])]
        if content.get("type") == "list":
            return [
                (row["id"], row["title"])
                for section in action.get("sections", [])
                for row in section.get("rows", [])
            ]
        return []


@dataclass(frozen=True)
class StoredMedia:
    media_id: str
    content: bytes
    mime_type: str
    file_size: int  # what GET /{media_id} declares (may differ from len(content))
    file_name: str | None = None


@dataclass(frozen=True)
class ApiRequest:
    """Every request the fake received, with the HTTP status and Graph error code it answered."""

    method: str
    path: str
    status: int
    code: int | None
    to: str | None
    timestamp: float


@dataclass(frozen=True)
class PostedStatus:
    wamid: str
    status: str
    http_status: int | None  # the app's answer; None when the POST itself failed


@dataclass
class _Rates:
    """GCRA buckets: one for the number (per second), one per user (one per pair_interval).

    A bucket keeps when its next message is due and lets one through when it arrives no more
    than ``tolerance`` seconds early: a bucket of ``1 + tolerance * rate`` tokens.
    """

    per_second: float | None
    pair_interval: float | None
    tolerance: float
    pair_tolerance: float
    next_number: float = 0.0
    next_pair: dict[str, float] = field(default_factory=dict)

    def admit(self, to: str, now: float) -> None:
        due_number = max(self.next_number, now)
        due_pair = max(self.next_pair.get(to, now), now)
        if self.per_second is not None and due_number - self.tolerance > now:
            raise _GraphError(130429)
        if self.pair_interval is not None and due_pair - self.pair_tolerance > now:
            raise _GraphError(131056)
        if self.per_second is not None:
            self.next_number = due_number + 1 / self.per_second
        if self.pair_interval is not None:
            self.next_pair[to] = due_pair + self.pair_interval


@dataclass
class _Waiter:
    to: str
    count: int
    loop: asyncio.AbstractEventLoop
    future: asyncio.Future[None]


@dataclass
class _StatusTarget:
    url: str
    app_secret: str


class _GraphError(Exception):
    def __init__(self, code: int, details: str | None = None) -> None:
        status, title, default = ERRORS[code]
        super().__init__(title)
        self.code = code
        self.status = status
        self.title = title
        self.details = details or default


class FakeGraphAPI(LoopbackFake):
    """A fake Graph API server on 127.0.0.1 with a recording and fault-injection API."""

    label = "fake Graph API"

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        phone_number_id: str = DEFAULT_PHONE_NUMBER_ID,
        api_version: str = DEFAULT_VERSION,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__()
        self.token = token
        self.phone_number_id = phone_number_id
        self.api_version = api_version
        self._clock = clock
        self._lock = threading.Lock()
        self._sent: list[SentMessage] = []
        self._by_user: dict[str, list[SentMessage]] = {}
        self._requests: list[ApiRequest] = []
        self._media: dict[str, StoredMedia] = {}
        self._uploads: list[StoredMedia] = []
        self._downloads: list[str] = []
        self._next_faults: list[int] = []
        self._user_faults: dict[str, int] = {}
        self._status_faults: dict[str, int] = {}
        self._rates: _Rates | None = None
        self._waiters: list[_Waiter] = []
        self._ids = itertools.count(1)
        self._status_target: _StatusTarget | None = None
        self._status_queue: asyncio.Queue[tuple[str, str, dict[str, Any]]] | None = None
        self._status_task: asyncio.Task[None] | None = None
        self._posted: list[PostedStatus] = []
        self.app = Starlette(
            routes=[
                Route(DOWNLOAD_PATH, self._handle_download, methods=["GET"]),
                Route("/{version}/{number}/messages", self._handle_messages, methods=["POST"]),
                Route("/{version}/{number}/media", self._handle_upload, methods=["POST"]),
                Route("/{version}/{media_id}", self._handle_media_info, methods=["GET"]),
            ]
        )

    # ------------------------------------------------------------------ lifecycle

    def _asgi_app(self) -> tuple[Any, dict[str, Any]]:
        return self.app, {}

    async def stop(self) -> None:
        try:
            await super().stop()
        finally:
            if self._status_task is not None:
                self._status_task.cancel()
                await asyncio.gather(self._status_task, return_exceptions=True)
                self._status_task = None

    def settings(self, **overrides: Any) -> WhatsAppSettings:
        """WhatsAppSettings pointing every Graph API request at this fake."""
        values: dict[str, Any] = {
            "access_token": SecretStr(self.token),
            "phone_number_id": self.phone_number_id,
            "api_base_url": self.origin,
            "api_version": self.api_version,
        }
        values.update(overrides)
        return WhatsAppSettings(**values)

    # ------------------------------------------------------------------ control

    def add_media(
        self,
        media_id: str,
        content: bytes,
        mime_type: str = "application/pdf",
        *,
        file_size: int | None = None,
        file_name: str | None = None,
    ) -> StoredMedia:
        """Make a media id known, as a user's upload would; ``file_size`` overrides what
        ``GET /{media_id}`` declares."""
        media = StoredMedia(
            media_id=media_id,
            content=content,
            mime_type=mime_type,
            file_size=len(content) if file_size is None else file_size,
            file_name=file_name,
        )
        with self._lock:
            self._media[media_id] = media
        return media

    def fail_next(self, code: int, n: int = 1) -> None:
        """The next ``n`` message sends (to anybody) get this Graph error (500: an HTTP 500)."""
        code = _ALIASES.get(code, code)
        _known(code)
        with self._lock:
            self._next_faults.extend([code] * n)

    def fail_for(self, wa_id: str, code: int) -> None:
        """Every message send to ``wa_id`` gets this Graph error until ``clear_failures``."""
        code = _ALIASES.get(code, code)
        _known(code)
        with self._lock:
            self._user_faults[wa_id] = code

    def fail_status_for(self, wa_id: str, code: int) -> None:
        """Messages to ``wa_id`` are accepted, then a ``failed`` status with ``code`` is posted
        (no ``sent``/``delivered``), until ``clear_failures``."""
        _known(code)
        with self._lock:
            self._status_faults[wa_id] = code

    def clear_failures(self, wa_id: str | None = None) -> None:
        with self._lock:
            if wa_id is None:
                self._next_faults.clear()
                self._user_faults.clear()
                self._status_faults.clear()
            else:
                self._user_faults.pop(wa_id, None)
                self._status_faults.pop(wa_id, None)

    def enforce_rates(
        self,
        messages_per_second: float | None = 80.0,
        pair_interval: float | None = 6.0,
        *,
        tolerance: float = 0.05,
        pair_tolerance: float = 0.05,
    ) -> None:
        """From now on, answer 130429 past the number's rate and 131056 past one message per
        ``pair_interval`` seconds to one user (None: that limit is off). A refused message takes
        no token. ``tolerance``: seconds early a message may arrive (network jitter)."""
        with self._lock:
            self._rates = _Rates(messages_per_second, pair_interval, tolerance, pair_tolerance)

    def lift_rates(self) -> None:
        with self._lock:
            self._rates = None

    def post_statuses_to(self, url: str, app_secret: str) -> None:
        """After each accepted message, POST signed ``sent`` and ``delivered`` statuses to
        ``url`` (in order, one at a time, from the fake's event loop)."""
        with self._lock:
            self._status_target = _StatusTarget(url, app_secret)

    async def statuses_settled(self, timeout: float = 10.0) -> list[PostedStatus]:  # noqa: ASYNC109
        """Wait until every queued status webhook has been posted; what was posted."""
        queue = self._status_queue
        if queue is not None:
            async with asyncio.timeout(timeout):
                await queue.join()
        return self.posted_statuses

    # ------------------------------------------------------------------ inspection

    @property
    def sent(self) -> list[SentMessage]:
        with self._lock:
            return list(self._sent)

    @property
    def requests(self) -> list[ApiRequest]:
        with self._lock:
            return list(self._requests)

    @property
    def uploads(self) -> list[StoredMedia]:
        with self._lock:
            return list(self._uploads)

    @property
    def downloads(self) -> list[str]:
        """Media ids whose bytes were downloaded."""
        with self._lock:
            return list(self._downloads)

    @property
    def posted_statuses(self) -> list[PostedStatus]:
        with self._lock:
            return list(self._posted)

    @property
    def accepted(self) -> int:
        with self._lock:
            return len(self._sent)

    def errors(self, code: int) -> int:
        """How many requests were answered with this Graph error code."""
        return sum(1 for request in self.requests if request.code == code)

    def messages_to(self, wa_id: str) -> list[SentMessage]:
        with self._lock:
            return list(self._by_user.get(wa_id, []))

    def texts_to(self, wa_id: str) -> list[str]:
        """What each message to the user reads (see ``SentMessage.text``)."""
        return [message.text for message in self.messages_to(wa_id)]

    async def wait_for_messages(
        self,
        wa_id: str,
        count: int,
        timeout: float = 10.0,  # noqa: ASYNC109 - the deadline is this helper's whole point
    ) -> list[SentMessage]:
        """The user's messages once there are at least ``count``; TimeoutError if not."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        waiter = _Waiter(wa_id, count, loop, future)
        with self._lock:
            if len(self._by_user.get(wa_id, [])) >= count:
                return list(self._by_user[wa_id])
            self._waiters.append(waiter)
        try:
            async with asyncio.timeout(timeout):
                await future
        except TimeoutError:
            got = self.texts_to(wa_id)
            raise TimeoutError(
                f"{wa_id} got {len(got)} of {count} messages within {timeout}s: {got!r}"
            ) from None
        finally:
            with self._lock:
                if waiter in self._waiters:
                    self._waiters.remove(waiter)
        return self.messages_to(wa_id)

    # ------------------------------------------------------------------ HTTP

    async def _handle_messages(self, request: Request) -> Response:
        now = self._clock()
        to: str | None = None
        try:
            self._check(request, number=True)
            try:
                payload = json.loads(await request.body())
            except ValueError:
                raise _GraphError(100, "the body is not JSON") from None
            if not isinstance(payload, dict):
                raise _GraphError(100, "the body is not a JSON object")
            raw_to = payload.get("to")
            to = raw_to if isinstance(raw_to, str) and raw_to else None
            validate_message(payload)
            self._check_media_id(payload)
            message = self._accept(payload, to or "", now)
        except _GraphError as exc:
            return self._error(request, exc, now, to)
        self._log(request, 200, None, to, now)
        return JSONResponse(
            {
                "messaging_product": "whatsapp",
                "contacts": [{"input": message.to, "wa_id": message.to}],
                "messages": [{"id": message.wamid}],
            }
        )

    async def _handle_upload(self, request: Request) -> Response:
        now = self._clock()
        try:
            self._check(request, number=True)
            content_type = request.headers.get("content-type", "")
            if not content_type.lower().startswith("multipart/form-data"):
                raise _GraphError(100, "an upload must be multipart/form-data")
            try:
                parts = _multipart_parts(await request.body(), _boundary(content_type))
            except ValueError as exc:
                raise _GraphError(100, str(exc)) from None
            fields = {name: content for name, filename, content in parts if filename is None}
            files = {name: (filename, content) for name, filename, content in parts if filename}
            if fields.get("messaging_product") != b"whatsapp":
                raise _GraphError(100, "messaging_product must be whatsapp")
            if "file" not in files:
                raise _GraphError(100, "no file part")
            file_name, content = files["file"]
            mime = fields.get("type", b"application/octet-stream").decode()
            media_id = str(4_000_000_000_000_000 + next(self._ids))
            media = StoredMedia(media_id, content, mime, len(content), file_name)
            with self._lock:
                self._media[media_id] = media
                self._uploads.append(media)
        except _GraphError as exc:
            return self._error(request, exc, now, None)
        self._log(request, 200, None, None, now)
        return JSONResponse({"id": media_id})

    async def _handle_media_info(self, request: Request) -> Response:
        now = self._clock()
        media_id = request.path_params["media_id"]
        try:
            self._check(request, number=False)
            with self._lock:
                media = self._media.get(media_id)
            if media is None:
                raise _GraphError(
                    100,
                    f"Unsupported get request. Object with ID '{media_id}' does not exist",
                )
        except _GraphError as exc:
            return self._error(request, exc, now, None)
        self._log(request, 200, None, None, now)
        query = urlencode({"mid": media_id, "ext": "1", "hash": "fake"})
        return JSONResponse(
            {
                "messaging_product": "whatsapp",
                "url": f"{self.origin}{DOWNLOAD_PATH}?{query}",
                "mime_type": media.mime_type,
                "sha256": hashlib.sha256(media.content).hexdigest(),
                "file_size": media.file_size,
                "id": media_id,
            }
        )

    async def _handle_download(self, request: Request) -> Response:
        now = self._clock()
        media_id = request.query_params.get("mid", "")
        try:
            self._check_token(request)
            with self._lock:
                media = self._media.get(media_id)
                if media is not None:
                    self._downloads.append(media_id)
        except _GraphError as exc:
            return self._error(request, exc, now, None)
        if media is None:
            self._log(request, 404, None, None, now)
            return Response(b"", status_code=404)
        self._log(request, 200, None, None, now)
        return Response(media.content, media_type=media.mime_type)

    def _check_token(self, request: Request) -> None:
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(
            token.encode(), self.token.encode()
        ):
            raise _GraphError(190)

    def _check(self, request: Request, *, number: bool) -> None:
        self._check_token(request)
        if request.path_params["version"] != self.api_version:
            raise _GraphError(100, f"unknown version {request.path_params['version']!r}")
        if number and request.path_params["number"] != self.phone_number_id:
            raise _GraphError(
                100,
                f"Unsupported post request. Object with ID "
                f"'{request.path_params['number']}' does not exist",
            )

    def _check_media_id(self, payload: Mapping[str, Any]) -> None:
        content = payload.get(str(payload.get("type")))
        media_id = content.get("id") if isinstance(content, Mapping) else None
        if isinstance(media_id, str):
            with self._lock:
                known = media_id in self._media
            if not known:
                raise _GraphError(131009, f"unknown media id {media_id!r}")

    def _accept(self, payload: dict[str, Any], to: str, now: float) -> SentMessage:
        with self._lock:
            if self._next_faults:
                raise _GraphError(self._next_faults.pop(0))
            if to in self._user_faults:
                raise _GraphError(self._user_faults[to])
            if self._rates is not None:
                self._rates.admit(to, now)
            message = SentMessage(
                to=to,
                type=payload["type"],
                payload=payload,
                wamid=_wamid(next(self._ids)),
                timestamp=now,
            )
            self._sent.append(message)
            self._by_user.setdefault(to, []).append(message)
            ready = [
                waiter
                for waiter in self._waiters
                if waiter.to == to and len(self._by_user[to]) >= waiter.count
            ]
            target = self._status_target
            status_fault = self._status_faults.get(to)
        for waiter in ready:
            waiter.loop.call_soon_threadsafe(_resolve, waiter.future)
        if target is not None:
            if status_fault is not None:
                self._queue_status(message, "failed", status_fault)
            else:
                self._queue_status(message, "sent")
                self._queue_status(message, "delivered")
        return message

    # ------------------------------------------------------------------ status webhooks

    def _queue_status(self, message: SentMessage, status: str, code: int | None = None) -> None:
        if self._status_queue is None:
            self._status_queue = asyncio.Queue()
            self._status_task = asyncio.create_task(self._post_statuses(), name="graph statuses")
        payload = status_payload(
            self.phone_number_id, message.wamid, message.to, status, error_code=code
        )
        self._status_queue.put_nowait((message.wamid, status, payload))

    async def _post_statuses(self) -> None:
        queue = self._status_queue
        assert queue is not None
        async with httpx.AsyncClient(timeout=10.0) as client:
            while True:
                wamid, status, payload = await queue.get()
                try:
                    with self._lock:
                        target = self._status_target
                    if target is None:
                        continue
                    body = json.dumps(payload).encode()
                    signature = hmac.new(target.app_secret.encode(), body, hashlib.sha256)
                    try:
                        response = await client.post(
                            target.url,
                            content=body,
                            headers={
                                "Content-Type": "application/json",
                                "X-Hub-Signature-256": f"sha256={signature.hexdigest()}",
                            },
                        )
                        http_status: int | None = response.status_code
                    except httpx.HTTPError:
                        http_status = None
                    with self._lock:
                        self._posted.append(PostedStatus(wamid, status, http_status))
                finally:
                    queue.task_done()

    # ------------------------------------------------------------------ helpers

    def _error(
        self, request: Request, exc: _GraphError, now: float, to: str | None
    ) -> JSONResponse:
        self._log(request, exc.status, exc.code, to, now)
        return JSONResponse(error_body(exc.code, exc.details), status_code=exc.status)

    def _log(
        self, request: Request, status: int, code: int | None, to: str | None, now: float
    ) -> None:
        with self._lock:
            self._requests.append(
                ApiRequest(request.method, request.url.path, status, code, to, now)
            )


# --------------------------------------------------------------------------- payloads


def error_body(code: int, details: str | None = None) -> dict[str, Any]:
    """A Graph API error answer as the Cloud API writes it."""
    _, title, default = ERRORS[code]
    error: dict[str, Any] = {
        "message": f"(#{code}) {title}",
        "type": "OAuthException",
        "code": code,
        "fbtrace_id": "AbCdEfGhIjKlMnOp",
    }
    if code != 190:
        error["error_data"] = {"messaging_product": "whatsapp", "details": details or default}
    return {"error": error}


def status_payload(
    phone_number_id: str,
    wamid: str,
    recipient: str,
    status: str,
    *,
    error_code: int | None = None,
    timestamp: int | None = None,
) -> dict[str, Any]:
    """A ``statuses`` webhook as Meta posts it (one entry, one change, one status)."""
    entry: dict[str, Any] = {
        "id": wamid,
        "status": status,
        "timestamp": str(timestamp if timestamp is not None else int(time.time())),
        "recipient_id": recipient,
    }
    if status in {"sent", "delivered"}:
        entry["conversation"] = {"id": f"CONVERSATION_{recipient}", "origin": {"type": "service"}}
        entry["pricing"] = {"billable": True, "pricing_model": "PMP", "category": "service"}
    if error_code is not None:
        _, title, details = ERRORS[error_code]
        entry["errors"] = [
            {
                "code": error_code,
                "title": title,
                "message": title,
                "error_data": {"details": details},
            }
        ]
    return {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": DEFAULT_WABA_ID,
                "changes": [
                    {
                        "value": {
                            "messaging_product": "whatsapp",
                            "metadata": {
                                "display_phone_number": DEFAULT_DISPLAY_NUMBER,
                                "phone_number_id": phone_number_id,
                            },
                            "statuses": [entry],
                        },
                        "field": "messages",
                    }
                ],
            }
        ],
    }


# --------------------------------------------------------------------------- validation


def validate_message(payload: Mapping[str, Any]) -> None:
    """Raise the Graph error the Cloud API would answer for this message, if any."""
    if payload.get("messaging_product") != "whatsapp":
        raise _GraphError(100, "messaging_product must be whatsapp")
    to = payload.get("to")
    if not isinstance(to, str) or not to:
        raise _GraphError(100, "to is required")
    kind = payload.get("type", "text")
    content = payload.get(kind)
    if not isinstance(content, Mapping):
        raise _GraphError(100, f"{kind} object is required")
    checks: dict[str, Callable[[Mapping[str, Any]], None]] = {
        "text": _check_text,
        "interactive": _check_interactive,
        "document": _check_media,
        "image": _check_media,
        "template": _check_template,
    }
    check = checks.get(kind)
    if check is None:
        raise _GraphError(100, f"unsupported message type {kind!r}")
    check(content)


def _invalid(details: str) -> _GraphError:
    return _GraphError(131009, details)


def _length(value: object, limit: int, what: str, *, minimum: int = 1) -> str:
    if not isinstance(value, str):
        raise _invalid(f"{what} must be a string")
    length = len(value.encode("utf-16-le")) // 2
    if not minimum <= length <= limit:
        raise _invalid(f"{what} must be {minimum} to {limit} characters, got {length}")
    return value


def _check_text(content: Mapping[str, Any]) -> None:
    body = _length(content.get("body"), MAX_TEXT, "text.body")
    if not body.strip():
        raise _invalid("text.body is empty")


def _check_interactive(content: Mapping[str, Any]) -> None:
    kind = content.get("type")
    body = content.get("body")
    body_text = body.get("text") if isinstance(body, Mapping) else None
    action = content.get("action")
    if not isinstance(action, Mapping):
        raise _invalid("interactive.action is required")
    if kind == "button":
        _length(body_text, MAX_BODY_WITH_BUTTONS, "interactive.body.text")
        buttons = action.get("buttons")
        if not isinstance(buttons, list) or not 1 <= len(buttons) <= 3:
            raise _invalid("a button message has 1 to 3 buttons")
        ids, titles = [], []
        for button in buttons:
            reply = button.get("reply") if isinstance(button, Mapping) else None
            if not isinstance(button, Mapping) or button.get("type") != "reply":
                raise _invalid("buttons must be of type reply")
            if not isinstance(reply, Mapping):
                raise _invalid("button.reply is required")
            ids.append(_length(reply.get("id"), MAX_BUTTON_ID, "button id"))
            titles.append(_length(reply.get("title"), MAX_BUTTON_TITLE, "button title"))
        if len(set(titles)) != len(titles) or len(set(ids)) != len(ids):
            raise _invalid("button titles and ids must be unique")
    elif kind == "list":
        _length(body_text, MAX_TEXT, "interactive.body.text")
        _length(action.get("button"), MAX_LIST_BUTTON, "list button text")
        sections = action.get("sections")
        if not isinstance(sections, list) or not 1 <= len(sections) <= 10:
            raise _invalid("a list has 1 to 10 sections")
        ids = []
        for section in sections:
            if not isinstance(section, Mapping):
                raise _invalid("a section must be an object")
            if len(sections) > 1 or "title" in section:
                _length(section.get("title"), MAX_SECTION_TITLE, "section title")
            rows = section.get("rows")
            if not isinstance(rows, list) or not rows:
                raise _invalid("a section needs rows")
            for row in rows:
                if not isinstance(row, Mapping):
                    raise _invalid("a row must be an object")
                ids.append(_length(row.get("id"), MAX_ROW_ID, "row id"))
                _length(row.get("title"), MAX_ROW_TITLE, "row title")
                if "description" in row:
                    _length(row.get("description"), MAX_ROW_DESCRIPTION, "row description")
        if len(ids) > MAX_LIST_ROWS:
            raise _invalid(f"a list has at most {MAX_LIST_ROWS} rows, got {len(ids)}")
        if len(set(ids)) != len(ids):
            raise _invalid("row ids must be unique")
    elif kind == "cta_url":
        _length(body_text, MAX_BODY_WITH_BUTTONS, "interactive.body.text")
        parameters = action.get("parameters")
        if action.get("name") != "cta_url" or not isinstance(parameters, Mapping):
            raise _invalid("a cta_url action needs name cta_url and parameters")
        _length(parameters.get("display_text"), 20, "cta display_text")
        url = parameters.get("url")
        if not isinstance(url, str) or not url.startswith(("https://", "http://")):
            raise _invalid("cta url must be a web link")
    else:
        raise _invalid(f"unsupported interactive type {kind!r}")


def _check_media(content: Mapping[str, Any]) -> None:
    if not isinstance(content.get("id"), str) and not isinstance(content.get("link"), str):
        raise _GraphError(100, "media needs an id or a link")
    if "caption" in content:
        _length(content.get("caption"), MAX_CAPTION, "caption")


def _check_template(content: Mapping[str, Any]) -> None:
    language = content.get("language")
    if not isinstance(content.get("name"), str) or not isinstance(language, Mapping):
        raise _GraphError(100, "a template needs a name and a language")
    if not isinstance(language.get("code"), str):
        raise _GraphError(100, "template language.code is required")
    components = content.get("components", [])
    if not isinstance(components, Sequence):
        raise _invalid("template components must be a list")


def _known(code: int) -> None:
    if code not in ERRORS:
        raise ValueError(f"the fake cannot answer Graph error {code}")


def _wamid(number: int) -> str:
    return f"wamid.HBgLMTU1NTA{number:012d}FQIAERgSRkFLRQ=="


def _resolve(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)

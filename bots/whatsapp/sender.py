"""WhatsApp Cloud API outbound: Reply → Graph API calls, media in and out, Graph errors → ours.

A thin httpx client rather than pywa's: pywa overwrites the session's base URL with Meta's host,
and every request here must go to ``{api_base_url}/{api_version}/...`` so tests reach a fake.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, Final, Self

import httpx

from bots.whatsapp.render import DEFAULT_LIST_BUTTON, OutgoingMessage, render, template_message
from core.channels import FileRef, OutgoingDocument, Reply
from core.errors import (
    AppError,
    FileTooLarge,
    NumberPaused,
    OutsideWindow,
    RateLimited,
    RecipientBlocked,
    RejectedByPlatform,
    TransientError,
)
from core.logging import get_logger
from core.settings import WhatsAppSettings

__all__ = [
    "NUMBER_PAUSE_S",
    "PAIR_RATE_BACKOFF_S",
    "THROUGHPUT_BACKOFF_S",
    "WhatsAppFiles",
    "WhatsAppSender",
    "build_client",
    "graph_error",
]

_log = get_logger(__name__)
Sleep = Callable[[float], Awaitable[None]]

# How long to back off, by the Cloud API error that asked us to.
THROUGHPUT_BACKOFF_S: Final = 2.0  # 130429: the number's messages per second are used up
PAIR_RATE_BACKOFF_S: Final = 6.0  # 131056: about one message per 6 s to one user
APP_RATE_BACKOFF_S: Final = 60.0  # 4, 80007: the app's or the account's call limits
NUMBER_PAUSE_S: Final = 3600.0  # 131048: spam limit on the number; its quality must recover
MARKETING_LIMIT_S: Final = 24 * 3600.0  # 131049: Meta holds back messages to this user today

_OUTSIDE_WINDOW: Final = frozenset({131047})
_UNDELIVERABLE: Final = frozenset({131026})
_RATE_LIMITS: Final = {
    130429: THROUGHPUT_BACKOFF_S,
    131056: PAIR_RATE_BACKOFF_S,
    4: APP_RATE_BACKOFF_S,
    80007: APP_RATE_BACKOFF_S,
    131049: MARKETING_LIMIT_S,
}
_SPAM_LIMIT: Final = frozenset({131048})
# "Unknown", "service unavailable", "something went wrong", "try again later".
_TRANSIENT: Final = frozenset({1, 2, 131000, 131016, 133004})

# Media ids are numeric on Meta; anything that could leave the path segment is refused.
_MEDIA_ID: Final = re.compile(r"[A-Za-z0-9_.\-]{1,256}")


def build_client(*, max_connections: int = 64) -> httpx.AsyncClient:
    """One connection pool for every Graph API call (sender and files may share it)."""
    return httpx.AsyncClient(
        timeout=httpx.Timeout(connect=5.0, read=20.0, write=60.0, pool=30.0),
        limits=httpx.Limits(
            max_connections=max_connections, max_keepalive_connections=max_connections
        ),
        # A redirect would carry the bearer token to a host nobody chose.
        follow_redirects=False,
    )


def graph_error(status: int, body: object) -> AppError:
    """Our error for a Graph API error answer (HTTP status and its JSON body)."""
    code, detail = _error_fields(body)
    if code in _OUTSIDE_WINDOW:
        return OutsideWindow(detail)
    if code in _UNDELIVERABLE:
        return RecipientBlocked(detail)
    if code in _SPAM_LIMIT:
        return NumberPaused(NUMBER_PAUSE_S)
    if code is not None and code in _RATE_LIMITS:
        return RateLimited(_RATE_LIMITS[code])
    if code in _TRANSIENT or status >= 500:
        return TransientError(f"whatsapp: {status} ({code}) {detail}")
    if status == 429:
        return RateLimited(THROUGHPUT_BACKOFF_S)
    return RejectedByPlatform(code, detail)


def _error_fields(body: object) -> tuple[int | None, str]:
    error = body.get("error") if isinstance(body, Mapping) else None
    if not isinstance(error, Mapping):
        return None, "no error object in the answer"
    raw_code = error.get("code")
    code = raw_code if isinstance(raw_code, int) and not isinstance(raw_code, bool) else None
    message = error.get("message")
    data = error.get("error_data")
    details = data.get("details") if isinstance(data, Mapping) else None
    parts = [part for part in (message, details) if isinstance(part, str) and part]
    return code, ": ".join(parts) or "no description"


class _GraphClient:
    """Authenticated calls to ``{api_base_url}/{api_version}``; errors translated into ours."""

    def __init__(
        self,
        settings: WhatsAppSettings,
        *,
        client: httpx.AsyncClient | None = None,
        sleep: Sleep = asyncio.sleep,
        max_retries: int = 2,
        max_wait: float = 10.0,
    ) -> None:
        if settings.access_token is None:
            raise ValueError("WHATSAPP__ACCESS_TOKEN is not set")
        self._settings = settings
        self._base = f"{settings.api_base_url.rstrip('/')}/{settings.api_version.strip('/')}"
        self._auth = {"Authorization": f"Bearer {settings.access_token.get_secret_value()}"}
        self._owns_client = client is None
        self._client = client if client is not None else build_client()
        self._sleep = sleep
        self._max_retries = max_retries
        self._max_wait = max_wait

    async def aclose(self) -> None:
        """Close the connection pool, unless it was handed in (its owner closes it)."""
        if self._owns_client:
            await self._client.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        """One Graph API call, waiting out short rate limits a few times; the JSON answer."""
        retries = 0
        while True:
            try:
                return await self._call_once(method, path, **kwargs)
            except RateLimited as exc:
                if (
                    isinstance(exc, NumberPaused)
                    or retries >= self._max_retries
                    or exc.retry_after > self._max_wait
                ):
                    raise
                retries += 1
                _log.info("whatsapp.rate_limited", retry_after=exc.retry_after, attempt=retries)
                await self._sleep(exc.retry_after)

    async def _call_once(self, method: str, path: str, **kwargs: Any) -> Any:
        try:
            response = await self._client.request(
                method, f"{self._base}/{path}", headers=self._auth, **kwargs
            )
        except httpx.TransportError as exc:  # timeouts, refused and dropped connections
            raise TransientError(f"whatsapp: {type(exc).__name__}: {exc}") from exc
        body = _json(response)
        if response.is_success:
            return body
        error = graph_error(response.status_code, body)
        if isinstance(error, RejectedByPlatform):
            _log.error("whatsapp.rejected", status=response.status_code, code=error.code, path=path)
        raise error


class WhatsAppSender(_GraphClient):
    """ReplySender over the Cloud API: text, reply buttons, lists, links, documents, templates."""

    def __init__(
        self,
        settings: WhatsAppSettings,
        *,
        client: httpx.AsyncClient | None = None,
        sleep: Sleep = asyncio.sleep,
        max_retries: int = 2,
        max_wait: float = 10.0,
        list_button: str = DEFAULT_LIST_BUTTON,
    ) -> None:
        if not settings.phone_number_id:
            raise ValueError("WHATSAPP__PHONE_NUMBER_ID is not set")
        super().__init__(
            settings, client=client, sleep=sleep, max_retries=max_retries, max_wait=max_wait
        )
        self._number = settings.phone_number_id
        self._list_button = list_button

    async def send(self, chat_id: str, reply: Reply) -> list[str]:
        """Send one reply as one or more messages; the wamids, in order."""
        wamids: list[str] = []
        messages = render(reply, list_button=self._list_button).messages
        try:
            for message in messages:
                wamids.append(await self._send_message(chat_id, await self._with_media(message)))
        except AppError:
            if wamids:
                # A retry of this reply sends these again: say so where it can be traced.
                _log.warning("whatsapp.reply.partial", sent=len(wamids), of=len(messages))
            raise
        return wamids

    async def acknowledge(self, callback_id: str) -> None:
        """WhatsApp has no button spinner to stop."""
        del callback_id

    async def send_template(
        self,
        chat_id: str,
        name: str,
        language: str,
        body_params: Sequence[str] = (),
        button_payload: str | None = None,
    ) -> list[str]:
        """An approved template (outside the 24-hour window); its wamid in a list."""
        payload = template_message(name, language, body_params, button_payload)
        return [await self._send_message(chat_id, payload)]

    async def upload(self, document: OutgoingDocument) -> str:
        """Upload a file for sending; its media id."""
        body = await self._call(
            "POST",
            f"{self._number}/media",
            data={"messaging_product": "whatsapp", "type": document.mime_type},
            files={"file": (document.file_name, document.content, document.mime_type)},
        )
        media_id = body.get("id") if isinstance(body, Mapping) else None
        if not isinstance(media_id, str) or not media_id:
            raise TransientError("whatsapp: the media upload returned no id")
        return media_id

    async def _with_media(self, message: OutgoingMessage) -> dict[str, Any]:
        payload = dict(message.payload)
        if message.upload is not None:
            kind = payload["type"]
            payload[kind] = {**payload[kind], "id": await self.upload(message.upload)}
        return payload

    async def _send_message(self, chat_id: str, message: Mapping[str, Any]) -> str:
        payload = {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": chat_id,
            **message,
        }
        body = await self._call("POST", f"{self._number}/messages", json=payload)
        messages = body.get("messages") if isinstance(body, Mapping) else None
        first = messages[0] if isinstance(messages, list) and messages else None
        wamid = first.get("id") if isinstance(first, Mapping) else None
        if not isinstance(wamid, str) or not wamid:
            # Accepted or not, we cannot tell: retrying could send it twice, so do not.
            raise RejectedByPlatform(None, "the messages endpoint returned no message id")
        return wamid


class WhatsAppFiles(_GraphClient):
    """FileFetcher over ``GET /{media_id}`` and the download URL it returns (bearer token)."""

    async def fetch(self, file: FileRef, max_bytes: int) -> bytes:
        if file.size is not None and file.size > max_bytes:
            raise FileTooLarge(file.size, max_bytes)
        if not _MEDIA_ID.fullmatch(file.file_id):
            raise RejectedByPlatform(None, "not a media id")
        info = await self._call("GET", file.file_id)
        url = info.get("url") if isinstance(info, Mapping) else None
        if not isinstance(url, str) or not url.startswith(("https://", "http://")):
            raise RejectedByPlatform(None, "the media lookup returned no download URL")
        declared = info.get("file_size")
        if isinstance(declared, int) and not isinstance(declared, bool) and declared > max_bytes:
            raise FileTooLarge(declared, max_bytes)
        return await self._download(url, max_bytes)

    async def _download(self, url: str, max_bytes: int) -> bytes:
        # Declared sizes can lie: count what actually arrives and stop past the cap.
        received = bytearray()
        try:
            async with self._client.stream("GET", url, headers=self._auth) as response:
                if not response.is_success:
                    await response.aread()
                    raise graph_error(response.status_code, _json(response))
                async for chunk in response.aiter_bytes():
                    received += chunk
                    if len(received) > max_bytes:
                        raise FileTooLarge(len(received), max_bytes)
        except httpx.TransportError as exc:
            raise TransientError(f"whatsapp: {type(exc).__name__}: {exc}") from exc
        return bytes(received)


def _json(response: httpx.Response) -> object:
    try:
        return response.json()
    except ValueError:
        return None

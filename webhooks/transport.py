"""The HTTP server's own limits, as a production server has them (uvicorn on h11).

uvicorn picks httptools when it is installed, and neither it nor uvicorn bounds how long a
client may take to send its headers or how large they grow: one connection trickling a header
for minutes, or an 8 MB header parsed before the route can answer 401, costs us and not them.
Here:

- h11 parses; a request line and headers past ``MAX_HEADER_BYTES`` are answered 431 and the
  connection closed, before any route runs;
- a request's headers must be complete within ``HEADER_TIMEOUT_S`` of the connection opening
  (or of the previous response on a kept-alive connection), or the connection is closed;
- the body's read deadline is the routes' (``webhooks.app.read_limited``, the setting
  ``WEBHOOK_BODY_TIMEOUT_S``), next to their size limit; keep-alive idles out after
  ``KEEP_ALIVE_S``.

Imported only by the commands that serve (uvicorn is slow to import).
"""

from __future__ import annotations

import asyncio
from typing import Any

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

MAX_HEADER_BYTES = 16 * 1024
HEADER_TIMEOUT_S = 10.0
KEEP_ALIVE_S = 5
HEADERS_TOO_LARGE = (
    b"HTTP/1.1 431 Request Header Fields Too Large\r\n"
    b"content-length: 0\r\nconnection: close\r\n\r\n"
)
MAX_CONNECTIONS = 1000  # beyond this uvicorn answers 503 instead of queueing without bound


class DeadlineH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with a deadline for each request's headers (against slowloris)."""

    header_timeout_s = HEADER_TIMEOUT_S
    _header_deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._head = bytearray()
        self._arm()

    def data_received(self, data: bytes) -> None:
        if self.conn.their_state is h11.IDLE and self._head_too_large(data):
            self._disarm()
            self.transport.write(HEADERS_TOO_LARGE)
            self.transport.close()
            return
        super().data_received(data)
        if self.conn.their_state is not h11.IDLE:  # the request line and headers are in
            self._disarm()
            self._head.clear()

    def _head_too_large(self, data: bytes) -> bool:
        """Whether the request line and headers received so far pass ``MAX_HEADER_BYTES``.

        h11's own cap applies only while an event is incomplete: a large header block that
        arrives in one read is parsed whole. Only the first bytes are kept to look at.
        """
        self._head += data[: MAX_HEADER_BYTES + 4 - len(self._head)]
        end = self._head.find(b"\r\n\r\n")
        size = len(self._head) if end < 0 else end + 4
        return size > MAX_HEADER_BYTES

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing() and self.conn.their_state is h11.IDLE:
            self._arm()  # the next request on this connection gets its own deadline

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        self._disarm()
        self._header_deadline = self.loop.call_later(self.header_timeout_s, self._too_slow)

    def _disarm(self) -> None:
        if self._header_deadline is not None:
            self._header_deadline.cancel()
            self._header_deadline = None

    def _too_slow(self) -> None:
        self._header_deadline = None
        if not self.transport.is_closing() and self.conn.their_state is h11.IDLE:
            self.transport.close()


def deadline_protocol(header_timeout_s: float) -> type[DeadlineH11Protocol]:
    """The protocol with another header deadline (tests use a short one)."""
    attributes = {"header_timeout_s": header_timeout_s}
    return type("DeadlineH11Protocol", (DeadlineH11Protocol,), attributes)


def server_config(app: Any, **options: Any) -> uvicorn.Config:
    """uvicorn's configuration for serving JobScout's app: the limits above, no access log
    (structlog logs what matters), no logging set-up of its own."""
    settings: dict[str, Any] = {
        "http": DeadlineH11Protocol,
        "h11_max_incomplete_event_size": MAX_HEADER_BYTES,
        "timeout_keep_alive": KEEP_ALIVE_S,
        "limit_concurrency": MAX_CONNECTIONS,
        "log_config": None,
        "access_log": False,
        "server_header": False,
    }
    settings.update(options)
    return uvicorn.Config(app, **settings)

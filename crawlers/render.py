"""Pages whose jobs appear only after JavaScript runs: rendered in Debian's Chromium.

One ``PageRenderer`` per worker: one Chromium, launched on first use (and again if it crashed),
a fresh browser context per page, at most ``max_pages`` pages at once.

Every request a page makes is checked by the URL guard twice over:

- a Playwright route aborts requests to refused addresses (and images, media and fonts, which
  extraction never needs) before they leave the browser;
- Chromium sends all its traffic, loopback included, through ``GuardProxy``, a small forward
  proxy on 127.0.0.1 that resolves each host itself and connects only to vetted addresses.
  Playwright's routes never see redirect hops, WebSockets or preconnects; the proxy does, and
  it also closes the DNS-rebinding gap between the check and Chromium's own lookup.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections import deque
from collections.abc import Callable, Coroutine
from types import TracebackType
from typing import Any, Final
from urllib.parse import urlsplit

from playwright.async_api import (
    Browser,
    BrowserContext,
    Playwright,
    Route,
    async_playwright,
)
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import TimeoutError as PlaywrightTimeoutError

from core.errors import TransientError
from core.logging import get_logger
from core.settings import CrawlSettings
from crawlers.fetch import FetchFailed
from crawlers.guard import Resolver, UrlRefused, check_target, check_url, system_resolver

BLOCKED_RESOURCES: Final = frozenset({"image", "media", "font"})
REFUSED_HEADER: Final = "x-jobscout-refused"  # set by GuardProxy on the answers it makes up
CONTENT_GRACE_S: Final = 2.0  # page.content() after the timeout, before giving up on the page
_LAUNCH_TIMEOUT_MS: Final = 30_000
_CHUNK: Final = 64 * 1024
_REFUSALS_KEPT: Final = 200

_log = get_logger(__name__)


def chromium_args() -> list[str]:
    """Flags for a headless crawler Chromium in a container (no sandbox as root: it cannot)."""
    args = [
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args.insert(0, "--no-sandbox")
    return args


class PageRenderer:
    """Renders pages in Chromium and returns their HTML after scripts ran."""

    def __init__(
        self,
        settings: CrawlSettings,
        *,
        max_pages: int = 2,
        resolver: Resolver = system_resolver,
    ) -> None:
        self._settings = settings
        self._resolver = resolver
        self._pages = asyncio.Semaphore(max_pages)
        self._lock = asyncio.Lock()
        self._playwright: Playwright | None = None
        self._browser: Browser | None = None
        self._proxy: GuardProxy | None = None
        self.launches = 0  # Chromium starts, restarts after a crash included

    async def __aenter__(self) -> PageRenderer:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    @property
    def browser(self) -> Browser | None:
        """The running Chromium, if one was launched."""
        return self._browser

    @property
    def refused_requests(self) -> list[tuple[str, str]]:
        """The latest requests the guard proxy refused: (target, reason), oldest first."""
        return [] if self._proxy is None else list(self._proxy.refused)

    @property
    def open_contexts(self) -> int:
        """Browser contexts (one per page being rendered) that are still open."""
        if self._browser is None or not self._browser.is_connected():
            return 0
        return len(self._browser.contexts)

    async def render(self, url: str) -> str:
        """The page's HTML once the network is idle, or when ``page_timeout_s`` ran out.

        Raises ``UrlRefused``, ``FetchFailed`` (a 4xx page) or ``TransientError`` (navigation
        failed, 5xx, Chromium crashed).
        """
        target = await self._check(url)
        async with self._pages:
            browser = await self._ensure_browser()
            try:
                context = await browser.new_context(
                    user_agent=self._settings.user_agent,
                    java_script_enabled=True,
                    service_workers="block",
                    accept_downloads=False,
                )
            except PlaywrightError as exc:
                raise TransientError(f"Chromium could not open a page: {exc.message}") from exc
            try:
                return await self._render(context, target)
            except PlaywrightError as exc:
                if not browser.is_connected():
                    raise TransientError(f"Chromium crashed rendering {target}") from exc
                raise TransientError(f"rendering {target} failed: {exc.message}") from exc
            finally:
                with contextlib.suppress(PlaywrightError):
                    await context.close()

    async def close(self) -> None:
        """Close Chromium, the Playwright driver and the guard proxy."""
        async with self._lock:
            browser, self._browser = self._browser, None
            driver, self._playwright = self._playwright, None
            proxy, self._proxy = self._proxy, None
            if browser is not None:
                with contextlib.suppress(PlaywrightError):
                    await browser.close()
            if driver is not None:
                with contextlib.suppress(PlaywrightError):
                    await driver.stop()
            if proxy is not None:
                await proxy.close()

    # ------------------------------------------------------------------ internals

    async def _check(self, url: str) -> str:
        return await check_url(
            url, allow_loopback=self._settings.allow_loopback, resolver=self._resolver
        )

    async def _ensure_browser(self) -> Browser:
        async with self._lock:
            if self._browser is not None and self._browser.is_connected():
                return self._browser
            if self._browser is not None:
                _log.warning("render.browser.restart", launches=self.launches)
                with contextlib.suppress(PlaywrightError):
                    await self._browser.close()
                self._browser = None
            if self._proxy is None:
                self._proxy = GuardProxy(
                    allow_loopback=self._settings.allow_loopback,
                    resolver=self._resolver,
                    connect_timeout_s=self._settings.request_timeout_s,
                )
                await self._proxy.start()
            if self._playwright is None:
                self._playwright = await async_playwright().start()
            try:
                self._browser = await self._playwright.chromium.launch(
                    executable_path=self._settings.chromium_path,
                    headless=True,
                    args=chromium_args(),
                    # "<-loopback>" sends loopback through the proxy too (Chromium skips
                    # proxies for loopback by default).
                    proxy={"server": self._proxy.url, "bypass": "<-loopback>"},
                    timeout=_LAUNCH_TIMEOUT_MS,
                )
            except PlaywrightError as exc:
                # Start the driver afresh next time too, in case it was the driver that died.
                driver, self._playwright = self._playwright, None
                with contextlib.suppress(PlaywrightError):
                    await driver.stop()
                raise TransientError(f"Chromium did not start: {exc.message}") from exc
            self.launches += 1
            return self._browser

    async def _render(self, context: BrowserContext, url: str) -> str:
        loop = asyncio.get_running_loop()
        timeout_s = self._settings.page_timeout_s
        deadline = loop.time() + timeout_s
        await context.route("**/*", self._route_handler())
        page = await context.new_page()
        page.set_default_timeout(timeout_s * 1000)
        try:
            response = await page.goto(url, wait_until="commit", timeout=timeout_s * 1000)
        except PlaywrightTimeoutError as exc:
            raise TransientError(f"{url} did not answer within {timeout_s}s") from exc
        if response is not None:
            refused = await response.header_value(REFUSED_HEADER)
            if refused is not None:
                raise UrlRefused(response.url, refused)
            if response.status == 429 or response.status >= 500:
                raise TransientError(f"{response.url} answered {response.status}")
            if response.status >= 400:
                raise FetchFailed(response.url, f"answered {response.status}", response.status)
        with contextlib.suppress(PlaywrightTimeoutError):
            remaining_ms = max(deadline - loop.time(), 0.0) * 1000
            await page.wait_for_load_state("networkidle", timeout=remaining_ms)
        # content() waits for a navigation in progress (a document that never finishes),
        # so it gets a deadline of its own.
        try:
            async with asyncio.timeout(max(deadline - loop.time(), 0.0) + CONTENT_GRACE_S):
                return await page.content()
        except TimeoutError as exc:
            raise TransientError(f"{url} never finished loading its document") from exc

    def _route_handler(self) -> Callable[[Route], Coroutine[Any, Any, None]]:
        refusals: dict[str, str | None] = {}  # origin → reason, per page: one lookup per host

        async def handle(route: Route) -> None:
            request = route.request
            try:
                if request.resource_type in BLOCKED_RESOURCES:
                    await route.abort("blockedbyclient")
                    return
                parts = urlsplit(request.url)
                if parts.scheme in ("data", "blob"):
                    await route.continue_()
                    return
                origin = f"{parts.scheme}://{parts.netloc}"
                if origin not in refusals:
                    try:
                        await self._check(origin)
                    except UrlRefused as exc:
                        refusals[origin] = exc.reason
                    except TransientError as exc:
                        refusals[origin] = str(exc)
                    else:
                        refusals[origin] = None
                reason = refusals[origin]
                if reason is not None:
                    _log.info("render.request.refused", url=request.url, reason=reason)
                    await route.abort("blockedbyclient")
                else:
                    await route.continue_()
            except PlaywrightError:
                pass  # the page or context closed while this request waited: nothing to do

        return handle


# ---------------------------------------------------------------------- the guard proxy


class GuardProxy:
    """An HTTP forward proxy on 127.0.0.1 that only connects to addresses the guard accepts.

    Plain HTTP requests come in absolute form and are sent upstream with ``Connection: close``
    (one request per connection keeps the proxy simple); HTTPS and WebSockets come as CONNECT
    tunnels. Refusals are answered with 403 and an ``x-jobscout-refused`` header.
    """

    def __init__(
        self,
        *,
        allow_loopback: bool,
        resolver: Resolver = system_resolver,
        connect_timeout_s: float = 10.0,
    ) -> None:
        self._allow_loopback = allow_loopback
        self._resolver = resolver
        self._connect_timeout = connect_timeout_s
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        # (target, reason), the latest few: a long-running worker must not grow this forever.
        self.refused: deque[tuple[str, str]] = deque(maxlen=_REFUSALS_KEPT)

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("start the proxy first")
        port = self._server.sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}"

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)

    async def close(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.close()
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        if server is not None:
            await server.wait_closed()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            await self._serve(reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            pass  # the browser hung up: nothing left to answer
        finally:
            self._tasks.discard(task)
            writer.close()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            async with asyncio.timeout(self._connect_timeout):
                head = await reader.readuntil(b"\r\n\r\n")
        except TimeoutError:
            return
        request_line, *header_lines = head.decode("latin-1").split("\r\n")
        method, _, rest = request_line.partition(" ")
        target, _, version = rest.partition(" ")
        tunnel = method.upper() == "CONNECT"
        if tunnel:
            url = f"https://{target}/"  # the scheme only matters to the guard's parser
        elif target.lower().startswith("http://"):
            url = target
        else:
            await _answer(writer, 400, "absolute http:// URL or CONNECT expected")
            return
        try:
            checked = await check_target(
                url, allow_loopback=self._allow_loopback, resolver=self._resolver
            )
        except UrlRefused as exc:
            self.refused.append((target, exc.reason))
            _log.info("render.proxy.refused", target=target, reason=exc.reason)
            await _answer(writer, 403, exc.reason, refused=True)
            return
        except TransientError as exc:
            await _answer(writer, 502, str(exc))
            return
        upstream = await self._connect(checked.addresses, checked.port)
        if upstream is None:
            await _answer(writer, 502, f"cannot connect to {target}")
            return
        up_reader, up_writer = upstream
        try:
            if tunnel:
                writer.write(b"HTTP/1.1 200 Connection Established\r\n\r\n")
            else:
                up_writer.write(_origin_form(method, target, version, header_lines))
            await _splice(reader, writer, up_reader, up_writer)
        finally:
            up_writer.close()

    async def _connect(
        self, addresses: tuple[str, ...], port: int
    ) -> tuple[asyncio.StreamReader, asyncio.StreamWriter] | None:
        for address in addresses:
            try:
                async with asyncio.timeout(self._connect_timeout):
                    return await asyncio.open_connection(address, port)
            except (OSError, TimeoutError):
                continue
        return None


def _origin_form(method: str, target: str, version: str, header_lines: list[str]) -> bytes:
    parts = urlsplit(target)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    hop_by_hop = {"connection", "proxy-connection", "keep-alive", "proxy-authorization"}
    kept = [
        line
        for line in header_lines
        if line and line.split(":", 1)[0].strip().lower() not in hop_by_hop
    ]
    lines = [f"{method} {path} {version}", *kept, "Connection: close", "", ""]
    return "\r\n".join(lines).encode("latin-1")


async def _answer(
    writer: asyncio.StreamWriter, status: int, reason: str, *, refused: bool = False
) -> None:
    body = f"{reason}\n".encode()
    safe_reason = reason.encode("ascii", "replace").decode().replace("\r", " ").replace("\n", " ")
    extra = f"{REFUSED_HEADER}: {safe_reason}\r\n" if refused else ""
    head = (
        f"HTTP/1.1 {status} {'Forbidden' if status == 403 else 'Proxy Error'}\r\n"
        f"Content-Type: text/plain; charset=utf-8\r\nContent-Length: {len(body)}\r\n"
        f"{extra}Connection: close\r\n\r\n"
    )
    writer.write(head.encode("latin-1") + body)
    with contextlib.suppress(ConnectionError):
        await writer.drain()


async def _splice(
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
    up_reader: asyncio.StreamReader,
    up_writer: asyncio.StreamWriter,
) -> None:
    """Copy both ways until either side is done, then stop both."""
    copies = {
        asyncio.create_task(_copy(reader, up_writer)),
        asyncio.create_task(_copy(up_reader, writer)),
    }
    try:
        await asyncio.wait(copies, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for copy in copies:
            copy.cancel()
        await asyncio.gather(*copies, return_exceptions=True)


async def _copy(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
    with contextlib.suppress(ConnectionError):
        while chunk := await source.read(_CHUNK):
            sink.write(chunk)
            await sink.drain()

"""The polite HTTP fetcher: guarded, robots-aware, conditional, rate-limited per host, retried.

One ``HttpFetcher`` per worker. Every URL (and every redirect hop, and robots.txt) passes the URL
guard first, and connections only go to the addresses the guard vetted, so a DNS answer that
changes between the check and the connection (DNS rebinding) cannot reach a private address.
An unchanged source costs one cheap request: validators from the last crawl become
If-None-Match / If-Modified-Since, and a 304 (or a body with the same SHA-256) comes back as
``not_modified``.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import math
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from types import TracebackType
from typing import Final

import httpcore
import httpx
from protego import Protego
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception_type, stop_after_attempt
from tenacity.wait import wait_exponential

from core.domain import Frozen
from core.errors import AppError, RateLimited, TransientError
from core.jobs import Validators
from core.logging import get_logger
from core.settings import CrawlSettings
from crawlers.guard import Resolver, UrlRefused, check_redirect, check_url, resolve_host
from crawlers.guard import system_resolver as _system_resolver

MAX_REDIRECTS: Final = 5
REDIRECT_STATUSES: Final = frozenset({301, 302, 303, 307, 308})
ROBOTS_MAX_BYTES: Final = 512 * 1024  # RFC 9309: parse at least 500 KiB, ignore the rest
ROBOTS_TTL_S: Final = 24 * 3600.0  # RFC 9309: do not use a cached robots.txt for longer
# RFC 9309 2.3.1.4: an unreachable robots.txt (5xx, network) disallows everything; asking again
# only after a while keeps a failing origin from getting a robots.txt request per page.
ROBOTS_RETRY_S: Final = 300.0
MAX_CRAWL_DELAY_S: Final = 60.0  # a larger Crawl-delay would stall a worker; the queue paces us

__all__ = [
    "DisallowedByRobots",
    "FetchFailed",
    "FetchResult",
    "GuardedNetworkBackend",
    "HttpFetcher",
    "ResponseTooLarge",
    "RobotsRules",
    "Validators",
]

_log = get_logger(__name__)

Sleep = Callable[[float], Awaitable[None]]


class FetchFailed(AppError):
    """A permanent failure for this URL (4xx, refused by robots.txt, too large, ...)."""

    def __init__(self, url: str, reason: str, status: int | None = None) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason
        self.status = status


class ResponseTooLarge(FetchFailed):
    def __init__(self, url: str, limit: int, size: int | None = None) -> None:
        shown = "more" if size is None else f"{size} bytes"
        super().__init__(url, f"response of {shown} exceeds the limit of {limit} bytes")
        self.limit = limit
        self.size = size


class DisallowedByRobots(FetchFailed):
    def __init__(self, url: str) -> None:
        super().__init__(url, "disallowed by robots.txt")


class FetchResult(Frozen):
    url: str  # after redirects
    status: int
    body: bytes = b""
    etag: str | None = None
    last_modified: str | None = None
    content_hash: str | None = None  # SHA-256 hex of body; on a 304, the stored one
    not_modified: bool = False
    content_type: str | None = None

    @property
    def validators(self) -> Validators:
        """What to store for the next conditional request."""
        return Validators(
            etag=self.etag, last_modified=self.last_modified, content_hash=self.content_hash
        )


class GuardedNetworkBackend(httpcore.AsyncNetworkBackend):
    """Connects only to addresses the URL guard accepts, resolving each host itself."""

    def __init__(self, *, allow_loopback: bool, resolver: Resolver) -> None:
        self._allow_loopback = allow_loopback
        self._resolver = resolver
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's signature
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        addresses = await resolve_host(
            host, allow_loopback=self._allow_loopback, resolver=self._resolver
        )
        error: httpcore.ConnectError | None = None
        for address in addresses:
            try:
                return await self._inner.connect_tcp(
                    address,
                    port,
                    timeout=timeout,
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except httpcore.ConnectError as exc:
                error = exc
        assert error is not None  # resolve_host never returns an empty tuple
        raise error

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's signature
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        del timeout, socket_options
        raise UrlRefused(path, "unix sockets are never crawled")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


def _guarded_transport(backend: httpcore.AsyncNetworkBackend) -> httpx.AsyncHTTPTransport:
    transport = httpx.AsyncHTTPTransport(trust_env=False)
    # httpx 0.28 takes no network backend, so its pool is swapped for one that uses ours.
    transport._pool = httpcore.AsyncConnectionPool(
        ssl_context=httpx.create_ssl_context(trust_env=False),
        max_connections=100,
        max_keepalive_connections=20,
        keepalive_expiry=5.0,
        network_backend=backend,
    )
    return transport


@dataclass
class _Host:
    semaphore: asyncio.Semaphore
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    last_started: float = -math.inf  # time.monotonic() when the last request started
    crawl_delay: float = 0.0


class RobotsRules:
    """One origin's robots.txt read per RFC 9309 (protego: ``*`` and ``$``, longest match wins,
    Allow wins a tie); no rules at all for a missing one."""

    def __init__(self, parser: Protego | None = None) -> None:
        self._parser = parser

    @classmethod
    def parse(cls, body: bytes, limit: int = ROBOTS_MAX_BYTES) -> RobotsRules:
        """Rules from the first ``limit`` bytes (RFC 9309: parse at least 500 KiB)."""
        if len(body) >= limit:
            # Cut at the last full line: half a rule ("Allow: /" of "Allow: /public") could
            # open more than the site meant.
            body = body[:limit]
            body = body[: body.rfind(b"\n") + 1]
        return cls(Protego.parse(body.decode("utf-8-sig", errors="replace")))

    def allows(self, url: str, user_agent: str) -> bool:
        if self._parser is None:
            return True
        return bool(self._parser.can_fetch(url, product_token(user_agent)))

    def crawl_delay(self, user_agent: str) -> float | None:
        if self._parser is None:
            return None
        delay = self._parser.crawl_delay(product_token(user_agent))
        return None if delay is None else float(delay)


def product_token(user_agent: str) -> str:
    """The product token of a User-Agent ("JobScoutBot" of "JobScoutBot/0.1 (+https://...)").

    robots.txt groups name that token (RFC 9309 2.2.1); matching the whole header would let a
    group for "crawler" or "github" apply to us.
    """
    token = user_agent.split("/", 1)[0].split()[0] if user_agent.strip() else ""
    return token or user_agent


@dataclass(frozen=True)
class _Robots:
    rules: RobotsRules | None  # None: robots.txt unreachable, nothing may be fetched yet
    expires: float
    error: str = ""


@dataclass(frozen=True)
class _Response:
    url: str
    status: int
    headers: httpx.Headers
    body: bytes


class _Retryable(Exception):
    def __init__(self, reason: str, status: int | None = None, retry_after: float | None = None):
        super().__init__(reason)
        self.reason = reason
        self.status = status
        self.retry_after = retry_after


class HttpFetcher:
    """GETs pages and APIs the polite way; one instance (one connection pool) per worker."""

    def __init__(
        self,
        settings: CrawlSettings,
        *,
        attempts: int = 3,
        backoff_s: float = 0.5,
        backoff_max_s: float = 10.0,
        retry_after_cap_s: float = 30.0,
        robots_ttl_s: float = ROBOTS_TTL_S,
        robots_retry_s: float = ROBOTS_RETRY_S,
        resolver: Resolver = _system_resolver,
        sleep: Sleep = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._settings = settings
        self._resolver = resolver
        self._attempts = attempts
        self._backoff = wait_exponential(multiplier=backoff_s, max=backoff_max_s)
        self._retry_after_cap = retry_after_cap_s
        self._robots_ttl = robots_ttl_s
        self._robots_retry = robots_retry_s
        self._clock = clock  # robots.txt expiry only: tests move it instead of waiting
        self._sleep = sleep
        self._hosts: dict[str, _Host] = {}
        self._robots: dict[str, _Robots] = {}
        self._robots_locks: dict[str, asyncio.Lock] = {}
        self._requests_made: Counter[str] = Counter()
        backend = GuardedNetworkBackend(allow_loopback=settings.allow_loopback, resolver=resolver)
        self._client = httpx.AsyncClient(
            transport=_guarded_transport(backend),
            headers={"User-Agent": settings.user_agent},
            timeout=httpx.Timeout(settings.request_timeout_s),
            follow_redirects=False,
            trust_env=False,
        )

    async def __aenter__(self) -> HttpFetcher:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        await self._client.aclose()

    @property
    def requests_made(self) -> Mapping[str, int]:
        """HTTP requests sent per host (robots.txt, retries and redirect hops included)."""
        return dict(self._requests_made)

    async def fetch(
        self,
        url: str,
        validators: Validators | None = None,
        *,
        check_robots: bool = True,
        headers: Mapping[str, str] | None = None,
    ) -> FetchResult:
        """GET ``url`` (following up to 5 redirects), conditionally when ``validators`` are given.

        Raises ``UrlRefused``, ``FetchFailed`` (permanent: 4xx, robots.txt, too large) or
        ``TransientError`` (worth retrying later: timeouts, 5xx, 429 as ``RateLimited``).
        """
        request_headers = {**(headers or {}), **_conditional_headers(validators)}
        current = await self._check(url)
        for hop in range(MAX_REDIRECTS + 1):
            if check_robots:
                await self._require_allowed(current)
            response = await self._get(current, request_headers, self._settings.max_response_bytes)
            if response.status not in REDIRECT_STATUSES:
                return _result(response, validators)
            if hop == MAX_REDIRECTS:
                break
            current = await self._next_hop(response)
        raise FetchFailed(url, f"more than {MAX_REDIRECTS} redirects")

    # ------------------------------------------------------------------ guard and robots

    async def _check(self, url: str) -> str:
        return await check_url(
            url, allow_loopback=self._settings.allow_loopback, resolver=self._resolver
        )

    async def _next_hop(self, response: _Response) -> str:
        location = response.headers.get("location")
        if not location:
            raise FetchFailed(response.url, "redirect without a Location", response.status)
        return await check_redirect(
            response.url,
            location,
            allow_loopback=self._settings.allow_loopback,
            resolver=self._resolver,
        )

    async def _require_allowed(self, url: str) -> None:
        rules = await self._robots_for(url)
        if not rules.allows(url, self._settings.user_agent):
            raise DisallowedByRobots(url)

    async def _robots_for(self, url: str) -> RobotsRules:
        robots_url = str(httpx.URL(url).copy_with(path="/robots.txt", query=None, fragment=None))
        cached = self._robots.get(robots_url)
        if cached is None or cached.expires <= self._clock():
            lock = self._robots_locks.setdefault(robots_url, asyncio.Lock())
            async with lock:  # concurrent fetches on one origin share one robots.txt request
                cached = self._robots.get(robots_url)
                if cached is None or cached.expires <= self._clock():
                    cached = await self._refresh_robots(robots_url, cached)
        if cached.rules is None:
            raise TransientError(f"robots.txt unavailable ({cached.error}); not crawling yet")
        return cached.rules

    async def _refresh_robots(self, robots_url: str, stale: _Robots | None) -> _Robots:
        now = self._clock()
        try:
            rules = await self._fetch_robots(robots_url)
        except RateLimited:
            raise
        except TransientError as exc:
            if stale is not None and stale.rules is not None:
                # RFC 9309 2.4: while unreachable, the copy we had may still be used.
                _log.warning("fetch.robots_unreachable", url=robots_url, error=str(exc))
                robots = _Robots(stale.rules, now + self._robots_retry)
            else:
                # RFC 9309 2.3.1.4: unreachable means "disallow everything" for now.
                robots = _Robots(None, now + self._robots_retry, str(exc))
            self._robots[robots_url] = robots
            return robots
        robots = _Robots(rules, now + self._robots_ttl)
        self._robots[robots_url] = robots
        delay = rules.crawl_delay(self._settings.user_agent)
        if delay is not None:
            host = self._host(httpx.URL(robots_url).host)
            host.crawl_delay = min(delay, MAX_CRAWL_DELAY_S)
        return robots

    async def _fetch_robots(self, robots_url: str) -> RobotsRules:
        current = robots_url
        for _hop in range(MAX_REDIRECTS + 1):
            # Transient errors propagate: _refresh_robots decides what an unreachable one means.
            response = await self._get(current, {}, ROBOTS_MAX_BYTES, truncate=True)
            if response.status in REDIRECT_STATUSES:
                current = await self._next_hop(response)
                continue
            if 200 <= response.status < 300:
                return RobotsRules.parse(response.body)
            return RobotsRules()  # 4xx: "unavailable", no rules, everything is allowed
        return RobotsRules()  # RFC 9309: too many redirects count as "unavailable"

    # ------------------------------------------------------------------ requests

    async def _get(
        self, url: str, headers: Mapping[str, str], limit: int, *, truncate: bool = False
    ) -> _Response:
        retrying = AsyncRetrying(
            stop=stop_after_attempt(self._attempts),
            wait=self._wait,
            retry=retry_if_exception_type(_Retryable),
            sleep=self._sleep,
            before_sleep=_log_retry,
            reraise=True,
        )
        try:
            async for attempt in retrying:
                with attempt:
                    return await self._attempt(url, headers, limit, truncate)
        except _Retryable as exc:
            tries = f"after {self._attempts} tries"
            if exc.status == 429:
                raise RateLimited(exc.retry_after or 0.0) from exc
            raise TransientError(f"{url}: {exc.reason} {tries}") from exc
        raise AssertionError("unreachable: tenacity re-raises the last error")

    async def _attempt(
        self, url: str, headers: Mapping[str, str], limit: int, truncate: bool
    ) -> _Response:
        host = httpx.URL(url).host
        async with self._slot(host):
            try:
                async with (
                    asyncio.timeout(self._settings.request_timeout_s),
                    self._client.stream("GET", url, headers=headers) as response,
                ):
                    return await self._response(url, response, limit, truncate)
            except (httpx.TimeoutException, TimeoutError) as exc:
                raise _Retryable("timed out") from exc
            except (httpx.NetworkError, httpx.RemoteProtocolError) as exc:
                raise _Retryable(f"connection failed ({type(exc).__name__})") from exc

    async def _response(
        self, url: str, response: httpx.Response, limit: int, truncate: bool
    ) -> _Response:
        status = response.status_code
        if status == 429 or status >= 500:
            retry_after = _retry_after(response.headers.get("retry-after"))
            if retry_after is not None and retry_after > self._retry_after_cap:
                # Coming back sooner than asked is rude: let the queue retry after that time.
                raise RateLimited(retry_after)
            raise _Retryable(f"answered {status}", status, retry_after)
        body = b""
        if 200 <= status < 300:
            body = await _read_body(url, response, limit, truncate)
        elif status == 304:
            # An empty body, but reading it to the end keeps the connection for the next
            # request (measured with bench/ingest.py: ~30% less CPU on an unchanged re-crawl).
            await _read_body(url, response, limit, truncate)
        return _Response(url, status, response.headers, body)

    def _wait(self, state: RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome is not None else None
        if isinstance(error, _Retryable) and error.retry_after is not None:
            return error.retry_after
        return float(self._backoff(state))

    @contextlib.asynccontextmanager
    async def _slot(self, host: str) -> AsyncIterator[None]:
        """At most per_domain_concurrency requests per host, started at least a delay apart."""
        state = self._host(host)
        async with state.semaphore:
            async with state.lock:
                # Read the delay now: robots.txt may have set a Crawl-delay since the last start.
                delay = max(self._settings.per_domain_delay_s, state.crawl_delay)
                wait = state.last_started + delay - time.monotonic()
                if wait > 0:
                    await self._sleep(wait)
                state.last_started = time.monotonic()
            self._requests_made[host] += 1
            yield

    def _host(self, host: str) -> _Host:
        state = self._hosts.get(host)
        if state is None:
            state = _Host(asyncio.Semaphore(self._settings.per_domain_concurrency))
            self._hosts[host] = state
        return state


# ---------------------------------------------------------------------- helpers


def _conditional_headers(validators: Validators | None) -> dict[str, str]:
    headers: dict[str, str] = {}
    if validators is not None:
        if validators.etag:
            headers["If-None-Match"] = validators.etag
        if validators.last_modified:
            headers["If-Modified-Since"] = validators.last_modified
    return headers


def _result(response: _Response, validators: Validators | None) -> FetchResult:
    headers = response.headers
    if response.status == 304 and validators is not None:
        return FetchResult(
            url=response.url,
            status=304,
            etag=headers.get("etag") or validators.etag,
            last_modified=headers.get("last-modified") or validators.last_modified,
            content_hash=validators.content_hash,
            not_modified=True,
            content_type=headers.get("content-type"),
        )
    if not 200 <= response.status < 300:
        raise FetchFailed(response.url, f"answered {response.status}", response.status)
    digest = hashlib.sha256(response.body).hexdigest()
    return FetchResult(
        url=response.url,
        status=response.status,
        body=response.body,
        etag=headers.get("etag"),
        last_modified=headers.get("last-modified"),
        content_hash=digest,
        not_modified=validators is not None and validators.content_hash == digest,
        content_type=headers.get("content-type"),
    )


async def _read_body(url: str, response: httpx.Response, limit: int, truncate: bool) -> bytes:
    declared = response.headers.get("content-length", "")
    if not truncate and declared.isdigit() and int(declared) > limit:
        raise ResponseTooLarge(url, limit, int(declared))
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():
        if size + len(chunk) > limit:
            if not truncate:
                raise ResponseTooLarge(url, limit)
            chunks.append(chunk[: limit - size])
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def _retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (delay-seconds or an HTTP date), None if unusable."""
    if value is None:
        return None
    text = value.strip()
    try:
        seconds = float(text)
    except ValueError:
        try:
            when = parsedate_to_datetime(text)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - datetime.now(UTC)).total_seconds()
    return max(0.0, seconds) if math.isfinite(seconds) else None


def _log_retry(state: RetryCallState) -> None:
    error = state.outcome.exception() if state.outcome is not None else None
    wait = state.next_action.sleep if state.next_action is not None else None
    _log.info("fetch.retry", attempt=state.attempt_number, error=str(error), wait_s=wait)

"""A fixture career site: a real HTTP server on 127.0.0.1 that the crawler fetches and renders.

Usage::

    async with CareerSite() as site:
        site.add_page("/careers", "<html>...</html>", etag='"v1"')
        result = await fetcher.fetch(site.url("/careers"))
        assert [r.path for r in site.requests] == ["/robots.txt", "/careers"]

Built in:

- ``/robots.txt``: ``site.robots`` (default ``Disallow: /private/``; ``None`` answers 404);
- ``/jobs-js``: a page whose job list exists only after its script fetched ``/api/jobs.json``
  (``site.jobs``) and wrote the ``<a>`` elements; ``/jobs-js-hanging`` does the same but also
  holds an iframe open forever, so the page never finishes loading;
- ``/hang``: never answers (until the site stops);
- pages registered with ``add_page`` (ETag / Last-Modified, so conditional requests get 304),
  ``add_redirect`` and ``add_stream`` (a chunked body without a Content-Length);
- faults: ``fail_next(path, n, status, retry_after=...)`` (500s, 429 with Retry-After, ...).

Every request is logged in ``site.requests`` (path, headers, status) and the site tracks how
many requests it served at once (``max_in_flight``). Everything runs on the test's event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections import deque
from collections.abc import AsyncIterator
from dataclasses import dataclass, field, replace
from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path
from typing import Any, Final

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route
from starlette.types import Message, Receive, Scope, Send

from tests.fakes.loopback import LoopbackFake

LABELLED: Final = Path(__file__).parents[1] / "fixtures" / "pages" / "labelled"
DEFAULT_ROBOTS: Final = "User-agent: *\nDisallow: /private/\n"
DEFAULT_JOBS: Final = (
    {"title": "Backend Engineer (Python)", "url": "/jobs/101-backend-engineer"},
    {"title": "Data Scientist", "url": "/jobs/102-data-scientist"},
    {"title": "Site Reliability Engineer", "url": "/jobs/103-sre"},
)

_JOBS_SCRIPT: Final = """
<script>
fetch('/api/jobs.json')
  .then((response) => response.json())
  .then((jobs) => {
    const list = document.getElementById('jobs');
    for (const job of jobs) {
      const item = document.createElement('li');
      const link = document.createElement('a');
      link.href = job.url;
      link.className = 'job';
      link.textContent = job.title;
      item.appendChild(link);
      list.appendChild(item);
    }
    document.body.setAttribute('data-jobs-loaded', String(jobs.length));
  });
</script>
"""
_JS_PAGE: Final = (
    "<!doctype html><html><head><meta charset='utf-8'><title>Careers</title></head><body>"
    "<h1>Open positions</h1><ul id='jobs'></ul><!--extra-->" + _JOBS_SCRIPT + "</body></html>"
)


@dataclass(frozen=True)
class SiteRequest:
    """One request the site received; ``headers`` have lower-case names."""

    method: str
    path: str
    query: str
    headers: dict[str, str]
    status: int  # 0 while not answered yet
    started: float  # time.monotonic()
    finished: float | None = None  # None while the site is still handling it


@dataclass
class _Page:
    body: bytes
    content_type: str
    etag: str | None
    last_modified: datetime | None
    delay: float
    status: int


@dataclass
class _Stream:
    chunk: bytes
    repeat: int
    content_type: str


@dataclass
class _Fault:
    status: int
    retry_after: str | None


@dataclass
class _Counters:
    in_flight: int = 0
    max_in_flight: int = 0
    log: list[SiteRequest] = field(default_factory=list)


class CareerSite(LoopbackFake):
    """A career site on loopback with a request log and fault injection."""

    def __init__(self, *, robots: str | None = DEFAULT_ROBOTS) -> None:
        super().__init__()
        self._initial_robots = robots
        self.robots = robots
        self.jobs: list[dict[str, str]] = [dict(job) for job in DEFAULT_JOBS]
        self._pages: dict[str, _Page] = {}
        self._redirects: dict[str, tuple[str, int]] = {}
        self._streams: dict[str, _Stream] = {}
        self._faults: dict[str, deque[_Fault]] = {}
        self._counters = _Counters()
        self._closing = asyncio.Event()  # set: slow and hanging handlers answer at once
        self._app = Starlette(routes=[Route("/{path:path}", self._handle, methods=["GET", "HEAD"])])

    # ------------------------------------------------------------------ lifecycle

    label = "career site"

    def _asgi_app(self) -> tuple[Any, dict[str, Any]]:
        # interface: a bound method fools uvicorn's ASGI2/3 detection
        return self._asgi, {"interface": "asgi3"}

    def _before_stop(self) -> None:
        self._closing.set()  # wakes /hang and slow pages so shutdown does not wait for them

    @property
    def base_url(self) -> str:
        return self.origin

    def url(self, path: str) -> str:
        return f"{self.base_url}{path}"

    # ------------------------------------------------------------------ control

    def reset(self) -> None:
        """Forget pages, faults and the request log, so one running site can serve many tests.

        Requests still being handled are answered at once and counted in the old log only.
        """
        self.robots = self._initial_robots
        self.jobs = [dict(job) for job in DEFAULT_JOBS]
        self._pages.clear()
        self._redirects.clear()
        self._streams.clear()
        self._faults.clear()
        self._counters = _Counters()
        self._closing.set()
        self._closing = asyncio.Event()

    def add_page(
        self,
        path: str,
        body: str | bytes,
        *,
        etag: str | None = None,
        last_modified: datetime | None = None,
        content_type: str = "text/html; charset=utf-8",
        delay: float = 0.0,
        status: int = 200,
    ) -> None:
        """Serve ``body`` at ``path``; ``etag`` is sent as given (include the quotes)."""
        data = body.encode() if isinstance(body, str) else body
        self._pages[path] = _Page(data, content_type, etag, last_modified, delay, status)

    def add_redirect(self, path: str, location: str, status: int = 302) -> None:
        self._redirects[path] = (location, status)

    def add_stream(
        self,
        path: str,
        chunk: bytes,
        repeat: int,
        *,
        content_type: str = "text/html; charset=utf-8",
    ) -> None:
        """Serve ``chunk`` ``repeat`` times, chunked: the client cannot know the size upfront."""
        self._streams[path] = _Stream(chunk, repeat, content_type)

    def fail_next(
        self, path: str, n: int, status: int = 500, *, retry_after: str | None = None
    ) -> None:
        """The next ``n`` requests for ``path`` get ``status`` (with Retry-After if given)."""
        queue = self._faults.setdefault(path, deque())
        queue.extend(_Fault(status, retry_after) for _ in range(n))

    # ------------------------------------------------------------------ inspection

    @property
    def requests(self) -> list[SiteRequest]:
        return list(self._counters.log)

    def requests_for(self, path: str) -> list[SiteRequest]:
        return [request for request in self._counters.log if request.path == path]

    @property
    def max_in_flight(self) -> int:
        """The most requests the site was handling at the same time."""
        return self._counters.max_in_flight

    # ------------------------------------------------------------------ HTTP

    async def _asgi(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        counters = self._counters
        counters.in_flight += 1
        counters.max_in_flight = max(counters.max_in_flight, counters.in_flight)
        headers = {
            name.decode("latin-1").lower(): value.decode("latin-1")
            for name, value in scope["headers"]
        }
        # Logged on arrival (status 0 until answered), so a request the client gave up on counts.
        index = len(counters.log)
        counters.log.append(
            SiteRequest(
                method=scope["method"],
                path=scope["path"],
                query=scope["query_string"].decode("latin-1"),
                headers=headers,
                status=0,
                started=time.monotonic(),
            )
        )

        async def recording_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                counters.log[index] = replace(counters.log[index], status=int(message["status"]))
            await send(message)

        try:
            await self._app(scope, receive, recording_send)
        finally:
            counters.in_flight -= 1
            counters.log[index] = replace(counters.log[index], finished=time.monotonic())

    async def _handle(self, request: Request) -> Response:
        path = request.url.path
        faults = self._faults.get(path)
        if faults:
            fault = faults.popleft()
            headers = {} if fault.retry_after is None else {"Retry-After": fault.retry_after}
            return PlainTextResponse(f"error {fault.status}", fault.status, headers=headers)
        if path == "/robots.txt":
            if self.robots is None:
                return PlainTextResponse("not found", 404)
            return PlainTextResponse(self.robots)
        if path == "/api/jobs.json":
            return JSONResponse(self.jobs)
        if path == "/jobs-js":
            return Response(_JS_PAGE, media_type="text/html")
        if path == "/jobs-js-hanging":
            extra = "<iframe src='/hang'></iframe>"
            return Response(_JS_PAGE.replace("<!--extra-->", extra), media_type="text/html")
        if path == "/hang":
            await self._closing.wait()
            return PlainTextResponse("the site is closing", 503)
        if path in self._redirects:
            location, status = self._redirects[path]
            return Response(status_code=status, headers={"Location": location})
        if path in self._streams:
            stream = self._streams[path]
            return StreamingResponse(_repeat(stream), media_type=stream.content_type)
        page = self._pages.get(path)
        if page is None:
            return PlainTextResponse("not found", 404)
        if page.delay:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(page.delay):
                    await self._closing.wait()
        return _conditional(request, page)


def _conditional(request: Request, page: _Page) -> Response:
    headers: dict[str, str] = {}
    if page.etag is not None:
        headers["ETag"] = page.etag
    if page.last_modified is not None:
        headers["Last-Modified"] = format_datetime(page.last_modified, usegmt=True)
    if page.status == 200 and _not_modified(request, page):
        return Response(status_code=304, headers=headers)
    return Response(page.body, page.status, headers=headers, media_type=page.content_type)


def _not_modified(request: Request, page: _Page) -> bool:
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:  # RFC 9110: If-None-Match wins over If-Modified-Since
        if page.etag is None:
            return False
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return "*" in tags or page.etag.removeprefix("W/") in tags
    if_modified_since = request.headers.get("if-modified-since")
    if if_modified_since is None or page.last_modified is None:
        return False
    try:
        since = parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError):
        return False
    return page.last_modified.replace(microsecond=0) <= since


async def _repeat(stream: _Stream) -> AsyncIterator[bytes]:
    for _ in range(stream.repeat):
        yield stream.chunk
        await asyncio.sleep(0)


def labelled_sites() -> dict[str, Any]:
    """The labelled career sites of issue 14 (``tests/fixtures/pages/labelled/expected.json``)."""
    data: dict[str, Any] = json.loads((LABELLED / "expected.json").read_text(encoding="utf-8"))
    return data


def serve_labelled(site: CareerSite, *, etags: bool = True) -> dict[str, Any]:
    """Serve every labelled site's pages (with ETags); returns the labels."""
    data = labelled_sites()
    for entry in data["sites"]:
        for path, name in entry["pages"].items():
            body = (LABELLED / name).read_text(encoding="utf-8")
            site.add_page(path, body, etag=f'"{name}"' if etags else None)
    return data

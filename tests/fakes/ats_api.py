"""A fake of the public job-board APIs: a real HTTP server on 127.0.0.1 serving recorded replies.

Every board is served under the path its real API uses, so the crawler's own request URLs
(``CrawlSettings.ats_base_urls`` = ``api.base_urls``) reach it unchanged::

    async with FakeAtsApi() as api:
        api.greenhouse("acme", load_fixture("greenhouse_board.json"))
        settings = CrawlSettings(allow_loopback=True, ats_base_urls=api.base_urls)
        ...
        assert [r.path for r in api.requests] == ["/v1/boards/acme/jobs"]

- ``greenhouse`` / ``lever`` / ``ashby`` / ``workable`` serve one JSON reply for a board;
- ``smartrecruiters`` serves a company's summaries in pages (``limit``/``offset`` as asked, at
  most ``page_size`` per page, as the real API caps ``limit``) and one detail per posting id;
- every reply carries a strong ``ETag`` derived from its body, and ``If-None-Match`` with that
  tag answers ``304 Not Modified``; replacing a reply changes the tag;
- ``fail_next(path, n, status, retry_after=...)`` injects faults (500s, 429 with Retry-After);
- every request is logged in ``api.requests`` (path, query, headers, status).
"""

from __future__ import annotations

import hashlib
import json
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final
from urllib.parse import parse_qs, quote

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from tests.fakes.loopback import LoopbackFake

FIXTURES: Final = Path(__file__).resolve().parent.parent / "fixtures" / "ats"
SMARTRECRUITERS_MAX_LIMIT: Final = 100

Json = Any  # parsed JSON: dict, list, str, number, bool or None


def load_fixture(name: str) -> Json:
    """A recorded reply from ``tests/fixtures/ats``, parsed."""
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


@dataclass(frozen=True)
class ApiRequest:
    """One request the fake received; ``headers`` have lower-case names."""

    method: str
    path: str
    query: str
    headers: dict[str, str]
    status: int


@dataclass
class _Fault:
    status: int
    retry_after: str | None


@dataclass
class _Company:
    """A SmartRecruiters company: summaries served page by page, details by posting id."""

    summaries: list[Json]
    details: dict[str, Json]
    page_size: int
    total: int | None


@dataclass
class _State:
    replies: dict[str, bytes] = field(default_factory=dict)
    companies: dict[str, _Company] = field(default_factory=dict)
    faults: dict[str, deque[_Fault]] = field(default_factory=dict)
    log: list[ApiRequest] = field(default_factory=list)


class FakeAtsApi(LoopbackFake):
    """Greenhouse, Lever, Ashby, Workable and SmartRecruiters job-board APIs on loopback."""

    def __init__(self) -> None:
        super().__init__()
        self._state = _State()
        self._app = Starlette(routes=[Route("/{path:path}", self._handle, methods=["GET"])])

    # ------------------------------------------------------------------ lifecycle

    label = "fake ATS API"

    def _asgi_app(self) -> tuple[Any, dict[str, Any]]:
        return self._app, {}

    @property
    def base_url(self) -> str:
        return self.origin

    @property
    def base_urls(self) -> dict[str, str]:
        """``CrawlSettings.ats_base_urls``: every ATS kind pointed at this server."""
        kinds = ("greenhouse", "lever", "ashby", "workable", "smartrecruiters")
        return dict.fromkeys(kinds, self.base_url)

    def reset(self) -> None:
        """Forget every reply, fault and logged request (one server for many tests)."""
        self._state = _State()

    # ------------------------------------------------------------------ boards

    def greenhouse(self, board: str, reply: Json) -> str:
        """Serve ``GET /v1/boards/{board}/jobs``; returns the path."""
        return self.reply(f"/v1/boards/{quote(board, safe='')}/jobs", reply)

    def lever(self, site: str, reply: Json) -> str:
        """Serve ``GET /v0/postings/{site}`` (a bare JSON array)."""
        return self.reply(f"/v0/postings/{quote(site, safe='')}", reply)

    def ashby(self, board: str, reply: Json) -> str:
        """Serve ``GET /posting-api/job-board/{board}``."""
        return self.reply(f"/posting-api/job-board/{quote(board, safe='')}", reply)

    def workable(self, account: str, reply: Json) -> str:
        """Serve ``GET /api/v1/widget/accounts/{account}``."""
        return self.reply(f"/api/v1/widget/accounts/{quote(account, safe='')}", reply)

    def smartrecruiters(
        self,
        company: str,
        summaries: list[Json],
        details: dict[str, Json],
        *,
        page_size: int = SMARTRECRUITERS_MAX_LIMIT,
        total: int | None = None,
    ) -> str:
        """Serve a company's postings list in pages and each posting's detail by id.

        ``total`` is the ``totalFound`` the list claims (default: ``len(summaries)``).
        Returns the list path; a detail's path is ``f"{path}/{posting_id}"``.
        """
        self._state.companies[company] = _Company(list(summaries), dict(details), page_size, total)
        return f"/v1/companies/{quote(company, safe='')}/postings"

    def reply(self, path: str, reply: Json) -> str:
        """Serve ``reply`` (JSON, or raw ``bytes``) at ``path``, whatever the query says."""
        body = reply if isinstance(reply, bytes) else json.dumps(reply).encode()
        self._state.replies[path] = body
        return path

    def fail_next(
        self, path: str, n: int, status: int = 500, *, retry_after: str | None = None
    ) -> None:
        """The next ``n`` requests for ``path`` get ``status`` (with Retry-After if given)."""
        queue = self._state.faults.setdefault(path, deque())
        queue.extend(_Fault(status, retry_after) for _ in range(n))

    # ------------------------------------------------------------------ inspection

    @property
    def requests(self) -> list[ApiRequest]:
        return list(self._state.log)

    def requests_for(self, path: str) -> list[ApiRequest]:
        return [request for request in self._state.log if request.path == path]

    # ------------------------------------------------------------------ HTTP

    async def _handle(self, request: Request) -> Response:
        state = self._state
        response = self._answer(request, state)
        state.log.append(
            ApiRequest(
                method=request.method,
                path=request.url.path,
                query=request.url.query,
                headers={name.lower(): value for name, value in request.headers.items()},
                status=response.status_code,
            )
        )
        return response

    def _answer(self, request: Request, state: _State) -> Response:
        path = request.url.path
        faults = state.faults.get(path)
        if faults:
            fault = faults.popleft()
            headers = {} if fault.retry_after is None else {"Retry-After": fault.retry_after}
            return PlainTextResponse(f"error {fault.status}", fault.status, headers=headers)
        body = state.replies.get(path)
        if body is None:
            body = self._smartrecruiters(path, request.url.query, state)
        if body is None:
            return Response(b'{"error": "not found"}', 404, media_type="application/json")
        etag = f'"{hashlib.sha256(body).hexdigest()[:20]}"'
        if etag in {tag.strip() for tag in request.headers.get("if-none-match", "").split(",")}:
            return Response(status_code=304, headers={"ETag": etag})
        return Response(body, 200, headers={"ETag": etag}, media_type="application/json")

    @staticmethod
    def _smartrecruiters(path: str, query: str, state: _State) -> bytes | None:
        parts = path.strip("/").split("/")
        if parts[:2] != ["v1", "companies"] or len(parts) not in (4, 5) or parts[3] != "postings":
            return None
        company = state.companies.get(parts[2])
        if company is None:
            return None
        if len(parts) == 5:
            detail = company.details.get(parts[4])
            return None if detail is None else json.dumps(detail).encode()
        asked = parse_qs(query)
        offset = int(asked.get("offset", ["0"])[0])
        limit = min(int(asked.get("limit", ["10"])[0]), company.page_size)
        page = {
            "offset": offset,
            "limit": limit,
            "totalFound": len(company.summaries) if company.total is None else company.total,
            "content": company.summaries[offset : offset + limit],
        }
        return json.dumps(page).encode()

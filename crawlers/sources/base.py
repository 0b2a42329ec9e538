"""The shape every ATS source module follows: requests to make, and a pure parser of replies."""

from __future__ import annotations

from typing import Protocol

from core.domain import Frozen
from core.jobs import RawPosting, SourceKind


class FetchRequest(Frozen):
    """One HTTP GET the crawler should make; ``purpose`` tells the parser what it answers."""

    url: str
    purpose: str = "list"  # "list" (a page of postings) or "detail" (one posting)
    headers: tuple[tuple[str, str], ...] = ()


class PageResult(Frozen):
    """What one response yielded: postings, and further requests (next page, details)."""

    postings: tuple[RawPosting, ...] = ()
    follow: tuple[FetchRequest, ...] = ()


class AtsSource(Protocol):
    """A public job-board API: where to start for a board, and how to read each reply."""

    kind: SourceKind

    def start(self, board: str, api_base: str | None = None) -> tuple[FetchRequest, ...]: ...

    def parse(self, request: FetchRequest, body: bytes) -> PageResult: ...

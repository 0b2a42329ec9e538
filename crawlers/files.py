"""Saved job-board replies and career pages: what a file yields, read the way the crawler reads it.

A file is an ATS API reply (``--kind`` names which) or an HTML page (``.html``/``.htm``, or
``kind=page``). Nothing is fetched: a SmartRecruiters list, whose postings are separate detail
requests, yields no postings here (``SavedFile.details_elsewhere`` counts them).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from core.errors import AppError
from core.jobs import RawPosting, SourceKind
from crawlers.sources import ats
from crawlers.sources.base import FetchRequest
from crawlers.sources.page import extract_heuristic, extract_structured
from crawlers.sources.replies import load_json

HTML_SUFFIXES = frozenset({".html", ".htm"})
# Where relative links on a saved page point when the page does not say where it came from:
# the reserved .invalid domain never resolves, so no one mistakes it for the real site.
SAVED_PAGE_BASE = "https://saved-page.invalid/"

# Where each API's own posting links live in a reply, and the host whose first path segment is
# the board token: the company a reply names when it states no company name.
_BOARD_LINKS: dict[SourceKind, tuple[str, str]] = {
    SourceKind.LEVER: ("hostedUrl", "lever.co"),
    SourceKind.ASHBY: ("jobUrl", "ashbyhq.com"),
    SourceKind.GREENHOUSE: ("absolute_url", "greenhouse.io"),
}


class UnreadableFile(AppError):
    """A saved reply or page we cannot read; the message is a one-line reason."""

    def __init__(self, reason: str) -> None:
        super().__init__(" ".join(reason.split()))
        self.reason = str(self)


@dataclass(frozen=True)
class SavedFile:
    """What one file yields: its postings, and how many postings it only links to."""

    kind: SourceKind
    postings: tuple[RawPosting, ...]
    details_elsewhere: int = 0


def kind_of(name: str, kind: SourceKind | None) -> SourceKind:
    """The kind given, or ``page`` for an HTML file; other files must say what they are."""
    if kind is not None:
        return kind
    if Path(name).suffix.lower() in HTML_SUFFIXES:
        return SourceKind.PAGE
    raise UnreadableFile(f"cannot tell what kind of source {Path(name).name} is: pass --kind")


def read_saved(data: bytes, name: str, kind: SourceKind | None) -> SavedFile:
    """Parse one saved file; ``name`` (a file name) tells an HTML page apart and names errors."""
    if not data.strip():
        raise UnreadableFile(f"{name} is empty")
    kind = kind_of(name, kind)
    if kind is SourceKind.PAGE:
        html = data.decode("utf-8", errors="replace")
        base = saved_page_base(html)
        postings = extract_structured(html, base) or extract_heuristic(html, base)
        return SavedFile(kind, tuple(postings))
    api = ats.SOURCES[kind]
    try:
        reply = load_json(data, str(kind))
        (request,) = api.start(_board(kind, reply, name))
        if kind is SourceKind.SMARTRECRUITERS and not (
            isinstance(reply, dict) and "content" in reply
        ):
            request = FetchRequest(url=request.url, purpose="detail")  # one posting's detail
        page = api.parse(request, data)
    except (AppError, ValueError) as exc:
        raise UnreadableFile(f"{name}: {exc}") from exc
    follow = 0 if page.postings else sum(r.purpose == "detail" for r in page.follow)
    return SavedFile(kind, page.postings, follow)


def postings_from_bytes(data: bytes, name: str, kind: SourceKind | None) -> list[RawPosting]:
    """What a saved ATS API reply or HTML page yields; ``UnreadableFile`` when it cannot be read."""
    return list(read_saved(data, name, kind).postings)


def read_file(path: Path, kind: SourceKind | None) -> SavedFile:
    """``read_saved`` on a file on disk; a missing or unreadable file is ``UnreadableFile``."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableFile(f"{path}: {exc.strerror or exc}") from exc
    return read_saved(data, str(path), kind)


def saved_page_base(html: str) -> str:
    """The page's own address if it states one (<base>, canonical link, og:url)."""
    import lxml.etree
    import lxml.html

    try:
        tree = lxml.html.fromstring(html.encode("utf-8"))
    except (lxml.etree.ParserError, ValueError):
        return SAVED_PAGE_BASE
    stated = tree.xpath(
        "//base/@href | //link[@rel='canonical']/@href | //meta[@property='og:url']/@content"
    )
    return next(
        (str(url) for url in stated if str(url).startswith(("http://", "https://"))),
        SAVED_PAGE_BASE,
    )


def _board(kind: SourceKind, reply: Any, name: str) -> str:
    """The board token the reply's own links name, else one made from the file name.

    The parsers fall back to the board token for the company when a reply names none (Lever and
    Ashby never do): a token from the file name would name the company after the file.
    """
    field, host = _BOARD_LINKS.get(kind, ("", ""))
    if field:
        items = reply if isinstance(reply, list) else (reply or {}).get("jobs", [])
        for item in items if isinstance(items, list) else []:
            link = item.get(field) if isinstance(item, dict) else None
            if isinstance(link, str) and (token := _token_after(link, host)):
                return token
    stem = Path(name).stem
    return re.sub(r"[^\w.-]", "-", stem, flags=re.ASCII) or "board"


def _token_after(link: str, host: str) -> str | None:
    parts = urlsplit(link)
    if not (parts.hostname or "").endswith(host):
        return None
    segments = [unquote(s) for s in parts.path.split("/") if s]
    if host == "greenhouse.io" and segments[:1] == ["embed"]:
        return None
    token = segments[0] if segments else ""
    return token if re.fullmatch(r"[\w.-]+", token) else None

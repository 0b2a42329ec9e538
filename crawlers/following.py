"""Following a listing's job links to each posting's own page, politely and cheaply.

Every detail page goes through the same ``HttpFetcher`` as the listing: URL guard, robots.txt,
per-domain concurrency and delay, retries. At most ``MAX_DETAIL_PAGES`` are fetched per crawl.
What a page said is remembered (bounded, per worker) with its validators, so the next crawl asks
conditionally and a 304 costs no parsing. A page that is gone, refused or failing leaves its
posting as the listing gave it: one bad page never fails the listing.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Final

from core.errors import AppError, RateLimited
from core.jobs import RawPosting, Validators
from core.logging import get_logger
from crawlers.fetch import FetchResult, HttpFetcher
from crawlers.sources.detail import DetailPage, merge_detail, read_detail
from crawlers.sources.page import Listing

MAX_DETAIL_PAGES: Final = 25  # per crawl of one listing; the rest keep the listing's fields
CACHE_ENTRIES: Final = 2_000  # detail pages remembered per worker

log = get_logger(__name__)


@dataclass(frozen=True, slots=True)
class _Remembered:
    validators: Validators
    page: DetailPage


@dataclass(slots=True)
class DetailsRead:
    postings: list[RawPosting]
    requests: int
    texts: dict[str, str] = field(default_factory=dict)  # posting URL -> its page's text


@dataclass
class DetailReader:
    """Completes a listing's postings from their own pages (see the module docstring)."""

    max_pages: int = MAX_DETAIL_PAGES
    cache_entries: int = CACHE_ENTRIES
    _cache: OrderedDict[str, _Remembered] = field(default_factory=OrderedDict)

    async def complete(self, fetcher: HttpFetcher, listing: Listing, source_id: str) -> DetailsRead:
        """The listing's postings, each completed from its page where one could be read."""
        urls = list(dict.fromkeys(p.url for p in listing.postings if p.url))[: self.max_pages]
        if len(urls) < len({p.url for p in listing.postings if p.url}):
            log.info("crawl.details_capped", source=source_id, limit=self.max_pages)
        titles = {p.url: p.title for p in listing.postings if p.url}
        results = await asyncio.gather(
            *(self._read(fetcher, url, titles[url], source_id) for url in urls)
        )
        pages = {url: page for url, page in zip(urls, results, strict=True) if page is not None}
        postings = [
            merge_detail(posting, pages[posting.url], listing.company)
            if posting.url in pages
            else posting
            for posting in listing.postings
        ]
        texts = {url: page.description for url, page in pages.items() if page.description}
        return DetailsRead(postings, len(urls), texts)

    async def _read(
        self, fetcher: HttpFetcher, url: str, title: str, source_id: str
    ) -> DetailPage | None:
        remembered = self._cache.get(url)
        try:
            result = await fetcher.fetch(url, remembered.validators if remembered else None)
        except RateLimited:
            log.info("crawl.detail_rate_limited", source=source_id, url=url)
            return remembered.page if remembered else None
        except AppError as exc:
            # Gone, refused by robots.txt or the guard, or failing for now: the listing's own
            # fields are still right, and the next crawl tries again.
            log.info("crawl.detail_failed", source=source_id, url=url, error=str(exc)[:200])
            return None
        if result.not_modified and remembered is not None:
            self._cache.move_to_end(url)
            return remembered.page
        page = read_detail(_text(result), result.url, title)
        self._remember(url, _Remembered(result.validators, page))
        return page

    def _remember(self, url: str, entry: _Remembered) -> None:
        self._cache[url] = entry
        self._cache.move_to_end(url)
        while len(self._cache) > self.cache_entries:
            self._cache.popitem(last=False)


def _text(result: FetchResult) -> str:
    content_type = result.content_type or ""
    charset = "utf-8"
    if "charset=" in content_type:
        charset = content_type.split("charset=")[-1].split(";")[0].strip() or "utf-8"
    try:
        return result.body.decode(charset, errors="replace")
    except LookupError:
        return result.body.decode("utf-8", errors="replace")

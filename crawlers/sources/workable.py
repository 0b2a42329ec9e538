"""Workable's public job widget API: one request returns the whole account.

``GET /api/v1/widget/accounts/{subdomain}?details=true`` (``details=true`` adds the HTML
description). Missing values come as empty strings, not nulls. A job open in several places can
come back as several rows with the same ``shortcode``, one per location: they are one posting.
The only work-mode field is the ``telecommuting`` flag; there is no salary.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from core.jobs import Extraction, RawPosting, SourceKind
from crawlers.sources.base import FetchRequest, PageResult
from crawlers.sources.replies import (
    api_root,
    board_name,
    flag,
    identifier,
    joined,
    load_json,
    obj,
    path_after,
    require_list,
    require_object,
    seq,
    text,
    unique,
)

PUBLIC_API = "https://apply.workable.com"
_ACCOUNTS = "/api/v1/widget/accounts/"


class WorkableSource:
    """A Workable account, by subdomain (``acme-labs``)."""

    kind: SourceKind = SourceKind.WORKABLE

    def start(self, board: str, api_base: str | None = None) -> tuple[FetchRequest, ...]:
        account = quote(board_name(board), safe="")
        base = api_root(api_base, PUBLIC_API)
        return (FetchRequest(url=f"{base}{_ACCOUNTS}{account}?details=true"),)

    def parse(self, request: FetchRequest, body: bytes) -> PageResult:
        _, account = path_after(request.url, _ACCOUNTS, "workable")
        page = require_object(load_json(body, "workable"), "workable account")
        jobs = require_list(page.get("jobs"), "workable account 'jobs'")
        company = text(page.get("name")) or account
        rows: dict[str, list[dict[str, Any]]] = {}
        for job in jobs:
            if isinstance(job, dict) and (shortcode := identifier(job.get("shortcode"))):
                rows.setdefault(shortcode, []).append(job)
        parsed = (_posting(shortcode, same, company) for shortcode, same in rows.items())
        return PageResult(postings=tuple(p for p in parsed if p is not None))


def _posting(shortcode: str, rows: list[dict[str, Any]], company: str) -> RawPosting | None:
    job = rows[0]
    title = text(job.get("title"))
    if title is None:
        return None
    places = [
        place
        for row in rows
        for place in map(obj, seq(row.get("locations")))
        if place.get("hidden") is not True
    ]
    locations = unique(
        joined([text(p.get("city")), text(p.get("region")), text(p.get("country"))]) for p in places
    ) or unique(
        joined([text(row.get("city")), text(row.get("state")), text(row.get("country"))])
        for row in rows
    )
    return RawPosting(
        source_kind=SourceKind.WORKABLE,
        extraction=Extraction.ATS_API,
        external_id=shortcode,
        title=title,
        company=company,
        url=text(job.get("url")) or text(job.get("shortlink")),
        apply_url=text(job.get("application_url")),
        locations=locations,
        country_codes=unique(text(p.get("countryCode")) for p in places),
        remote=flag(job.get("telecommuting")),
        employment_type=text(job.get("employment_type")),
        department=text(job.get("department")),
        # Some accounts still send requirements and benefits as fields of their own.
        description_html=joined(
            [text(job.get(key)) for key in ("description", "requirements", "benefits")], "\n"
        ),
        posted_at=text(job.get("published_on")) or text(job.get("created_at")),
        confidence=1.0,
    )

"""Greenhouse Job Board API: one request returns the whole board.

``GET /v1/boards/{token}/jobs?content=true&pay_transparency=true``. ``content=true`` adds the
description (HTML escaped once more as entities: ``&lt;p&gt;``), departments and offices;
``pay_transparency=true`` adds ``pay_input_ranges`` in cents. There is no employment type or
workplace field: some boards put them, or a salary, in custom ``metadata`` fields.
"""

from __future__ import annotations

import html
from typing import Any
from urllib.parse import quote

from core.jobs import Extraction, RawPosting, RawSalary, SourceKind
from crawlers.sources.base import FetchRequest, PageResult
from crawlers.sources.replies import (
    api_root,
    board_name,
    identifier,
    load_json,
    number,
    obj,
    path_after,
    require_list,
    require_object,
    seq,
    text,
    unique,
)

PUBLIC_API = "https://boards-api.greenhouse.io"
_BOARDS = "/v1/boards/"

# Custom metadata field names (lower case, matched as substrings) that carry a known meaning.
_EMPLOYMENT_FIELDS = ("employment type", "time type", "job type", "contract type", "employment")
_WORKPLACE_FIELDS = ("workplace", "work arrangement", "work model", "location type", "remote type")
_PAY_PERIOD_FIELDS = ("pay frequency", "pay period", "salary frequency", "salary period")


class GreenhouseSource:
    """A Greenhouse board, by board token (``acme``)."""

    kind: SourceKind = SourceKind.GREENHOUSE

    def start(self, board: str, api_base: str | None = None) -> tuple[FetchRequest, ...]:
        token = quote(board_name(board), safe="")
        base = api_root(api_base, PUBLIC_API)
        query = "content=true&pay_transparency=true"
        return (FetchRequest(url=f"{base}{_BOARDS}{token}/jobs?{query}"),)

    def parse(self, request: FetchRequest, body: bytes) -> PageResult:
        _, board = path_after(request.url, _BOARDS, "greenhouse")
        page = require_object(load_json(body, "greenhouse"), "greenhouse board")
        jobs = require_list(page.get("jobs"), "greenhouse board 'jobs'")
        postings = (_posting(job, board) for job in jobs)
        return PageResult(postings=tuple(p for p in postings if p is not None))


def _posting(job: Any, board: str) -> RawPosting | None:
    if not isinstance(job, dict):
        return None
    external_id, title = identifier(job.get("id")), text(job.get("title"))
    if external_id is None or title is None:
        return None
    metadata = _metadata(job.get("metadata"))
    url = text(job.get("absolute_url"))
    content = text(job.get("content"))
    offices = [obj(office) for office in seq(job.get("offices"))]
    return RawPosting(
        source_kind=SourceKind.GREENHOUSE,
        extraction=Extraction.ATS_API,
        external_id=external_id,
        title=title,
        company=text(job.get("company_name")) or board,
        url=url,
        apply_url=url,  # the application form is part of the posting page
        locations=unique(
            [text(obj(job.get("location")).get("name"))]
            + [text(office.get("location")) or text(office.get("name")) for office in offices]
        ),
        workplace=_field(metadata, _WORKPLACE_FIELDS),
        employment_type=_field(metadata, _EMPLOYMENT_FIELDS),
        department=next(
            (name for d in seq(job.get("departments")) if (name := text(obj(d).get("name")))),
            None,
        ),
        # Greenhouse escapes the HTML into entities once more; undo exactly that one layer.
        description_html=html.unescape(content) if content else None,
        salary=_salary(job.get("pay_input_ranges"), metadata),
        posted_at=text(job.get("first_published")) or text(job.get("updated_at")),
        language=text(job.get("language")),
        confidence=1.0,
    )


def _metadata(value: Any) -> list[tuple[str, dict[str, Any]]]:
    """Custom fields as (lower-case name, field) pairs; ``metadata`` is often null."""
    fields = [obj(field) for field in seq(value)]
    return [(name.lower(), field) for field in fields if (name := text(field.get("name")))]


def _field(metadata: list[tuple[str, dict[str, Any]]], names: tuple[str, ...]) -> str | None:
    for wanted in names:
        for name, field in metadata:
            if wanted in name:
                value = field.get("value")
                if isinstance(value, list):  # multi_select
                    return ", ".join(v for item in value if (v := text(item))) or None
                if found := text(value):
                    return found
    return None


def _salary(pay_ranges: Any, metadata: list[tuple[str, dict[str, Any]]]) -> RawSalary | None:
    period = _field(metadata, _PAY_PERIOD_FIELDS)
    for entry in map(obj, seq(pay_ranges)):
        low, high = number(entry.get("min_cents")), number(entry.get("max_cents"))
        if low is not None or high is not None:
            return RawSalary(
                minimum=low / 100 if low is not None else None,
                maximum=high / 100 if high is not None else None,
                currency=text(entry.get("currency_type")),
                period=period,
            )
    for _, field in metadata:
        value = obj(field.get("value"))
        if field.get("value_type") == "currency_range" and value:
            low, high = number(value.get("min_value")), number(value.get("max_value"))
            if low is not None or high is not None:
                return RawSalary(
                    minimum=low, maximum=high, currency=text(value.get("unit")), period=period
                )
    return None

"""Ashby public job posting API: one request returns the whole board.

``GET /posting-api/job-board/{name}?includeCompensation=true``. Jobs with ``isListed: false`` are
reachable by link only and are skipped. Compensation comes as a summary line and as structured
components; only a ``Salary`` component is a salary (others are equity, bonus, commission).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from core.jobs import Extraction, RawPosting, RawSalary, SourceKind
from crawlers.sources.base import FetchRequest, PageResult
from crawlers.sources.replies import (
    api_root,
    board_name,
    flag,
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

PUBLIC_API = "https://api.ashbyhq.com"
_JOB_BOARD = "/posting-api/job-board/"


class AshbySource:
    """An Ashby job board, by board name (``acme``)."""

    kind: SourceKind = SourceKind.ASHBY

    def start(self, board: str, api_base: str | None = None) -> tuple[FetchRequest, ...]:
        name = quote(board_name(board), safe="")
        base = api_root(api_base, PUBLIC_API)
        return (FetchRequest(url=f"{base}{_JOB_BOARD}{name}?includeCompensation=true"),)

    def parse(self, request: FetchRequest, body: bytes) -> PageResult:
        _, board = path_after(request.url, _JOB_BOARD, "ashby")
        page = require_object(load_json(body, "ashby"), "ashby job board")
        jobs = require_list(page.get("jobs"), "ashby job board 'jobs'")
        parsed = (_posting(job, board) for job in jobs)
        return PageResult(postings=tuple(p for p in parsed if p is not None))


def _posting(job: Any, board: str) -> RawPosting | None:
    if not isinstance(job, dict) or job.get("isListed") is False:
        return None
    external_id, title = identifier(job.get("id")), text(job.get("title"))
    if external_id is None or title is None:
        return None
    secondary = [obj(entry) for entry in seq(job.get("secondaryLocations"))]
    addresses = [obj(job.get("address"))] + [obj(entry.get("address")) for entry in secondary]
    compensation = obj(job.get("compensation"))
    description_html = text(job.get("descriptionHtml"))
    return RawPosting(
        source_kind=SourceKind.ASHBY,
        extraction=Extraction.ATS_API,
        external_id=external_id,
        title=title,
        company=board,  # the board reply does not name the organisation
        url=text(job.get("jobUrl")),
        apply_url=text(job.get("applyUrl")),
        locations=unique(
            [text(job.get("location"))] + [text(entry.get("location")) for entry in secondary]
        ),
        # As given: Ashby writes country names ("USA", "United Kingdom"), not ISO codes.
        country_codes=unique(text(_postal(address).get("addressCountry")) for address in addresses),
        remote=flag(job.get("isRemote")),
        workplace=text(job.get("workplaceType")),
        employment_type=text(job.get("employmentType")),
        department=text(job.get("department")) or text(job.get("team")),
        description_html=description_html,
        description_text=None if description_html else text(job.get("descriptionPlain")),
        salary=_salary(compensation),
        salary_text=text(compensation.get("compensationTierSummary"))
        or text(compensation.get("scrapeableCompensationSalarySummary")),
        posted_at=text(job.get("publishedAt")),
        confidence=1.0,
    )


def _postal(address: dict[str, Any]) -> dict[str, Any]:
    """The job's address nests a ``postalAddress``; a secondary location's address is one."""
    return obj(address.get("postalAddress")) or address


def _salary(compensation: dict[str, Any]) -> RawSalary | None:
    components = [obj(c) for c in seq(compensation.get("summaryComponents"))] + [
        obj(component)
        for tier in seq(compensation.get("compensationTiers"))
        for component in seq(obj(tier).get("components"))
    ]
    for component in components:
        if text(component.get("compensationType")) != "Salary":
            continue
        low, high = number(component.get("minValue")), number(component.get("maxValue"))
        if low is not None or high is not None:
            return RawSalary(
                minimum=low,
                maximum=high,
                currency=text(component.get("currencyCode")),
                period=text(component.get("interval")),
            )
    return None

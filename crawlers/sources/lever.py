"""Lever Postings API: one request returns the whole site as a bare JSON array.

``GET /v0/postings/{site}?mode=json`` on ``api.lever.co``, or on ``api.eu.lever.co`` for sites on
Lever's EU instance; our board token for those is ``eu:{site}``. The description comes in parts:
``description`` (opening and body), ``lists`` (requirements, benefits: ``<li>`` items without the
surrounding list) and ``additional`` (closing); they are put back together in page order.
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
    joined,
    load_json,
    number,
    obj,
    path_after,
    require_list,
    seq,
    text,
    unique,
)

PUBLIC_API = "https://api.lever.co"
PUBLIC_API_EU = "https://api.eu.lever.co"
EU_PREFIX = "eu:"
_POSTINGS = "/v0/postings/"


class LeverSource:
    """A Lever site, by site name (``acme``), or ``eu:acme`` on the EU instance."""

    kind: SourceKind = SourceKind.LEVER

    def start(self, board: str, api_base: str | None = None) -> tuple[FetchRequest, ...]:
        name = board_name(board)
        eu = name.lower().startswith(EU_PREFIX)
        site = board_name(name[len(EU_PREFIX) :]) if eu else name
        base = api_root(api_base, PUBLIC_API_EU if eu else PUBLIC_API)
        return (FetchRequest(url=f"{base}{_POSTINGS}{quote(site, safe='')}?mode=json"),)

    def parse(self, request: FetchRequest, body: bytes) -> PageResult:
        _, site = path_after(request.url, _POSTINGS, "lever")
        # An unknown site answers {"ok": false, "error": "Document not found"}: not a list.
        postings = require_list(load_json(body, "lever"), "lever postings")
        parsed = (_posting(posting, site) for posting in postings)
        return PageResult(postings=tuple(p for p in parsed if p is not None))


def _posting(posting: Any, site: str) -> RawPosting | None:
    if not isinstance(posting, dict):
        return None
    external_id, title = identifier(posting.get("id")), text(posting.get("text"))
    if external_id is None or title is None:
        return None
    categories = obj(posting.get("categories"))
    workplace = text(posting.get("workplaceType"))
    description_html = _description_html(posting)
    return RawPosting(
        source_kind=SourceKind.LEVER,
        extraction=Extraction.ATS_API,
        external_id=external_id,
        title=title,
        company=site,  # the postings API does not name the company
        url=text(posting.get("hostedUrl")),
        apply_url=text(posting.get("applyUrl")),
        locations=unique(
            [text(categories.get("location"))]
            + [text(location) for location in seq(categories.get("allLocations"))]
        ),
        country_codes=unique([text(posting.get("country"))]),
        workplace=None if workplace == "unspecified" else workplace,
        employment_type=text(categories.get("commitment")),
        department=text(categories.get("department")) or text(categories.get("team")),
        description_html=description_html,
        description_text=None
        if description_html
        else joined(
            [text(posting.get("descriptionPlain")), text(posting.get("additionalPlain"))], "\n\n"
        ),
        salary=_salary(posting.get("salaryRange")),
        salary_text=text(posting.get("salaryDescriptionPlain")),
        posted_at=identifier(posting.get("createdAt")),  # epoch milliseconds
        confidence=1.0,
    )


def _description_html(posting: dict[str, Any]) -> str | None:
    parts = [text(posting.get("description"))]
    for entry in map(obj, seq(posting.get("lists"))):
        items = text(entry.get("content"))
        if items is None:
            continue
        heading = text(entry.get("text"))
        title = f"<h3>{html.escape(heading, quote=False)}</h3>" if heading else ""
        parts.append(f"{title}<ul>{items}</ul>")
    parts.append(text(posting.get("additional")))
    return joined(parts, "\n")


def _salary(value: Any) -> RawSalary | None:
    salary = obj(value)
    low, high = number(salary.get("min")), number(salary.get("max"))
    if low is None and high is None:
        return None
    return RawSalary(
        minimum=low,
        maximum=high,
        currency=text(salary.get("currency")),
        period=text(salary.get("interval")),
    )

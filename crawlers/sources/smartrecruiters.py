"""SmartRecruiters Posting API: paginated summaries, then one detail request per posting.

``GET /v1/companies/{id}/postings?limit=100&offset=N`` lists summaries (no description, no
posting or apply URL); ``totalFound`` says how many there are in all. Each posting is then read
from ``GET /v1/companies/{id}/postings/{postingId}``, whose ``jobAd.sections`` hold the text as
HTML and whose ``location`` states ``remote`` and ``hybrid`` flags.
"""

from __future__ import annotations

import html
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

from core.jobs import Extraction, RawPosting, RawSalary, SourceKind
from crawlers.sources.base import FetchRequest, PageResult
from crawlers.sources.replies import (
    SourceFormatError,
    api_root,
    board_name,
    flag,
    identifier,
    joined,
    load_json,
    number,
    obj,
    path_after,
    require_list,
    require_object,
    text,
    unique,
)

PUBLIC_API = "https://api.smartrecruiters.com"
PAGE_SIZE = 100  # the API's maximum
_COMPANIES = "/v1/companies/"
_SECTIONS = ("companyDescription", "jobDescription", "qualifications", "additionalInformation")


class SmartRecruitersSource:
    """A SmartRecruiters company, by company identifier (``AcmeGroup``)."""

    kind: SourceKind = SourceKind.SMARTRECRUITERS

    def start(self, board: str, api_base: str | None = None) -> tuple[FetchRequest, ...]:
        return (_list_request(api_root(api_base, PUBLIC_API), board_name(board), 0, PAGE_SIZE),)

    def parse(self, request: FetchRequest, body: bytes) -> PageResult:
        base, company_id = path_after(request.url, _COMPANIES, "smartrecruiters")
        what = f"smartrecruiters {request.purpose}"
        reply = require_object(load_json(body, what), what)
        if request.purpose == "list":
            return _list_page(request, reply, base, company_id)
        if request.purpose == "detail":
            posting = _posting(reply, company_id)
            return PageResult(postings=(posting,) if posting is not None else ())
        raise ValueError(f"smartrecruiters: no parser for a {request.purpose!r} request")


def _list_request(base: str, company_id: str, offset: int, limit: int) -> FetchRequest:
    company = quote(company_id, safe="")
    return FetchRequest(url=f"{base}{_COMPANIES}{company}/postings?limit={limit}&offset={offset}")


def _detail_request(base: str, company_id: str, posting_id: str) -> FetchRequest:
    company, posting = quote(company_id, safe=""), quote(posting_id, safe="")
    return FetchRequest(url=f"{base}{_COMPANIES}{company}/postings/{posting}", purpose="detail")


def _list_page(
    request: FetchRequest, reply: dict[str, Any], base: str, company_id: str
) -> PageResult:
    summaries = require_list(reply.get("content"), "smartrecruiters list 'content'")
    total = _count(reply.get("totalFound"))
    if total is None:
        raise SourceFormatError("smartrecruiters list: no 'totalFound' count to page by")
    asked = parse_qs(urlsplit(request.url).query)
    offset = _first(_count(reply.get("offset")), _asked(asked, "offset"), 0)
    limit = _first(_count(reply.get("limit")), _asked(asked, "limit"), PAGE_SIZE)
    follow: list[FetchRequest] = []
    # An empty page ends the walk even if totalFound promises more, so a lying count cannot loop.
    if summaries and limit > 0 and offset + limit < total:
        follow.append(_list_request(base, company_id, offset + limit, limit))
    posting_ids = unique(identifier(obj(summary).get("id")) for summary in summaries)
    follow.extend(_detail_request(base, company_id, posting_id) for posting_id in posting_ids)
    return PageResult(follow=tuple(follow))


def _count(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


def _asked(query: dict[str, list[str]], name: str) -> int | None:
    return _count(query[name][0]) if query.get(name) else None


def _first(*values: int | None) -> int:
    return next(value for value in values if value is not None)


def _posting(detail: dict[str, Any], company_id: str) -> RawPosting | None:
    if detail.get("active") is False:  # unpublished between the list and the detail request
        return None
    external_id, title = identifier(detail.get("id")), text(detail.get("name"))
    if external_id is None or title is None:
        return None
    location = obj(detail.get("location"))
    sections = obj(obj(detail.get("jobAd")).get("sections"))
    return RawPosting(
        source_kind=SourceKind.SMARTRECRUITERS,
        extraction=Extraction.ATS_API,
        external_id=external_id,
        title=title,
        company=text(obj(detail.get("company")).get("name")) or company_id,
        url=text(detail.get("postingUrl")),
        apply_url=text(detail.get("applyUrl")),
        locations=unique(
            [
                text(location.get("fullLocation"))
                or joined([text(location.get(key)) for key in ("city", "region", "country")])
            ]
        ),
        country_codes=unique([text(location.get("country"))]),  # ISO alpha-2, lower case
        remote=flag(location.get("remote")),
        workplace="hybrid" if location.get("hybrid") is True else None,
        employment_type=text(obj(detail.get("typeOfEmployment")).get("label")),
        department=text(obj(detail.get("department")).get("label")),
        description_html=joined((_section(obj(sections.get(key))) for key in _SECTIONS), "\n"),
        salary=_salary(obj(detail.get("compensation"))),
        posted_at=text(detail.get("releasedDate")),
        language=text(obj(detail.get("language")).get("code")),
        confidence=1.0,
    )


def _section(section: dict[str, Any]) -> str | None:
    body = text(section.get("text"))
    if body is None:
        return None
    title = text(section.get("title"))
    return f"<h3>{html.escape(title, quote=False)}</h3>\n{body}" if title else body


def _salary(compensation: dict[str, Any]) -> RawSalary | None:
    low, high = number(compensation.get("min")), number(compensation.get("max"))
    if low is None and high is None:
        return None
    return RawSalary(
        minimum=low,
        maximum=high,
        currency=text(compensation.get("currency")),
        period=text(compensation.get("period")),
    )

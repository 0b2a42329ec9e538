"""ATS sources over recorded-style API replies: fetch plans, postings field by field, bad input.

The fixtures in ``tests/fixtures/ats`` follow each API's documented reply, quirks included:
Greenhouse's entity-escaped HTML and pay in cents, Lever's bare array and EU host, Ashby's
unlisted jobs and compensation components, Workable's empty strings and one row per location,
SmartRecruiters' pages of summaries followed by one detail request per posting.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from core.jobs import Extraction, RawPosting, RawSalary, SourceKind
from crawlers.sources.ashby import AshbySource
from crawlers.sources.base import AtsSource, FetchRequest, PageResult
from crawlers.sources.greenhouse import GreenhouseSource
from crawlers.sources.lever import LeverSource
from crawlers.sources.replies import SourceFormatError
from crawlers.sources.smartrecruiters import SmartRecruitersSource
from crawlers.sources.workable import WorkableSource

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ats"

GREENHOUSE = GreenhouseSource()
LEVER = LeverSource()
ASHBY = AshbySource()
WORKABLE = WorkableSource()
SMARTRECRUITERS = SmartRecruitersSource()
SOURCES: dict[SourceKind, AtsSource] = {
    SourceKind.GREENHOUSE: GREENHOUSE,
    SourceKind.LEVER: LEVER,
    SourceKind.ASHBY: ASHBY,
    SourceKind.WORKABLE: WORKABLE,
    SourceKind.SMARTRECRUITERS: SMARTRECRUITERS,
}

GH_LIST = FetchRequest(
    url="https://boards-api.greenhouse.io/v1/boards/acme/jobs?content=true&pay_transparency=true"
)
LEVER_LIST = FetchRequest(url="https://api.lever.co/v0/postings/acme?mode=json")
LEVER_EU_LIST = FetchRequest(url="https://api.eu.lever.co/v0/postings/kompass?mode=json")
ASHBY_LIST = FetchRequest(
    url="https://api.ashbyhq.com/posting-api/job-board/acme?includeCompensation=true"
)
WORKABLE_LIST = FetchRequest(
    url="https://apply.workable.com/api/v1/widget/accounts/acme-labs?details=true"
)
SR_API = "https://api.smartrecruiters.com/v1/companies/AcmeGroup/postings"
SR_FIRST = FetchRequest(url=f"{SR_API}?limit=100&offset=0")
SR_LAST = FetchRequest(url=f"{SR_API}?limit=100&offset=200")


def sr_detail(posting_id: str, api: str = SR_API) -> FetchRequest:
    return FetchRequest(url=f"{api}/{posting_id}", purpose="detail")


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def ats(kind: SourceKind, **fields: Any) -> RawPosting:
    return RawPosting(source_kind=kind, extraction=Extraction.ATS_API, confidence=1.0, **fields)


# -- where each source starts -------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "board", "api_base", "url"),
    [
        (SourceKind.GREENHOUSE, "acme", None, GH_LIST.url),
        (
            SourceKind.GREENHOUSE,
            " acme ",
            "http://127.0.0.1:8081/",
            "http://127.0.0.1:8081/v1/boards/acme/jobs?content=true&pay_transparency=true",
        ),
        (SourceKind.LEVER, "acme", None, LEVER_LIST.url),
        (SourceKind.LEVER, "eu:kompass", None, LEVER_EU_LIST.url),
        (
            SourceKind.LEVER,
            "eu:kompass",
            "http://127.0.0.1:8082",
            "http://127.0.0.1:8082/v0/postings/kompass?mode=json",
        ),
        (SourceKind.ASHBY, "acme", None, ASHBY_LIST.url),
        (SourceKind.WORKABLE, "acme-labs", None, WORKABLE_LIST.url),
        (SourceKind.SMARTRECRUITERS, "AcmeGroup", None, SR_FIRST.url),
        (
            SourceKind.SMARTRECRUITERS,
            "AcmeGroup",
            "http://127.0.0.1:8085/sr/",
            "http://127.0.0.1:8085/sr/v1/companies/AcmeGroup/postings?limit=100&offset=0",
        ),
        (
            SourceKind.ASHBY,
            "acme?preview=1",  # quoted into the path, never spliced raw
            "http://127.0.0.1:8084",
            "http://127.0.0.1:8084/posting-api/job-board/acme%3Fpreview%3D1?includeCompensation=true",
        ),
    ],
)
def test_start_requests_the_board_listing(
    kind: SourceKind, board: str, api_base: str | None, url: str
) -> None:
    source = SOURCES[kind]
    assert source.kind is kind
    assert source.start(board, api_base) == (FetchRequest(url=url, purpose="list"),)


@pytest.mark.parametrize("kind", list(SOURCES))
@pytest.mark.parametrize("board", ["", "   ", "acme/jobs"])
def test_start_rejects_a_blank_or_pathlike_board(kind: SourceKind, board: str) -> None:
    with pytest.raises(ValueError, match="not a job-board name"):
        SOURCES[kind].start(board)


def test_lever_eu_prefix_without_a_site_is_rejected() -> None:
    with pytest.raises(ValueError, match="not a job-board name"):
        LEVER.start("eu:")


# -- boards, field by field ---------------------------------------------------------------

GH = SourceKind.GREENHOUSE
GREENHOUSE_BOARD = (
    ats(
        GH,
        external_id="4812345002",
        title="Senior Backend Engineer, Payments",
        company="Acme Robotics",
        url="https://job-boards.greenhouse.io/acme/jobs/4812345002",
        apply_url="https://job-boards.greenhouse.io/acme/jobs/4812345002",
        locations=("Berlin, Germany", "Remote - EU"),
        workplace="Hybrid",
        employment_type="Full-time",
        department="Engineering",
        # Unescaped exactly once: the entities the HTML itself carries stay entities.
        description_html=(
            "<h2><strong>About the role</strong></h2>"
            "<p>Our Payments team moves &euro;2bn a year through R&amp;D-grade infrastructure."
            "&nbsp;You will own the ledger service.</p>"
            "<ul><li>Go and PostgreSQL</li><li>Kafka &amp; event sourcing</li></ul>"
        ),
        salary=RawSalary(minimum=85000.0, maximum=110000.0, currency="EUR"),  # cents / 100
        posted_at="2026-09-01T10:12:44-04:00",  # first_published, not updated_at
        language="en",
    ),
    ats(
        GH,
        external_id="4812346003",
        title="Customer Success Manager (m/w/d) DACH",
        company="Acme Robotics",
        url="https://job-boards.greenhouse.io/acme/jobs/4812346003",
        apply_url="https://job-boards.greenhouse.io/acme/jobs/4812346003",
        locations=("München",),
        employment_type="Vollzeit, Teilzeit",  # a multi_select custom field
        description_html=(
            "<p>Du betreust unsere Kunden in der DACH-Region.</p><p>Flexible Arbeitszeiten.</p>"
        ),
        # No pay_input_ranges: the salary comes from a currency_range custom field.
        salary=RawSalary(minimum=60000.0, maximum=75000.0, currency="EUR", period="Annual"),
        posted_at="2026-09-15T02:00:00-04:00",
        language="de",
    ),
    ats(  # every optional field missing: no company_name, content, departments, offices
        GH,
        external_id="4812347004",
        title="Office Manager",
        company="acme",
        url="https://job-boards.greenhouse.io/acme/jobs/4812347004",
        apply_url="https://job-boards.greenhouse.io/acme/jobs/4812347004",
        locations=("Remote",),
        posted_at="2026-10-05T11:00:02-04:00",
    ),
    # 4812348005 has a null title and the last job has no id: both skipped.
)

LV = SourceKind.LEVER
LEVER_BOARD = (
    ats(
        LV,
        external_id="5a1f3c2e-8d4b-4f7a-9e21-3c6b0d8f4a11",
        title="Senior Platform Engineer",
        company="acme",
        url="https://jobs.lever.co/acme/5a1f3c2e-8d4b-4f7a-9e21-3c6b0d8f4a11",
        apply_url="https://jobs.lever.co/acme/5a1f3c2e-8d4b-4f7a-9e21-3c6b0d8f4a11/apply",
        locations=("San Francisco, CA", "New York, NY"),
        country_codes=("US",),
        workplace="hybrid",
        employment_type="Full-time",
        department="Engineering",
        description_html=(
            "<div>We run the platform every Acme robot reports to.</div>"
            "<div>You will scale it.</div>\n"
            "<h3>What you'll do</h3><ul><li>Own the fleet telemetry pipeline</li>"
            "<li>Run Kubernetes at scale</li></ul>\n"
            "<h3>Requirements &amp; nice-to-haves</h3><ul><li>5+ years of Go or Rust</li>"
            "<li>Terraform</li></ul>\n"
            "<div>Acme is an <b>equal opportunity</b> employer.</div>"
        ),
        salary=RawSalary(
            minimum=180000.0, maximum=220000.0, currency="USD", period="per-year-salary"
        ),
        salary_text="Plus equity and benefits.",
        posted_at="1757412345678",
    ),
    ats(
        LV,
        external_id="9c0d2b7e-1f3a-4e55-8a6b-7d2e9f1c0b22",
        title="Analytics Engineer (Contract)",
        company="acme",
        url="https://jobs.lever.co/acme/9c0d2b7e-1f3a-4e55-8a6b-7d2e9f1c0b22",
        apply_url="https://jobs.lever.co/acme/9c0d2b7e-1f3a-4e55-8a6b-7d2e9f1c0b22/apply",
        locations=("Remote - US",),
        country_codes=("US",),
        workplace="remote",
        employment_type="Contract",
        department="Data",  # no department category: the team stands in
        description_html="<div>Six-month contract to migrate our warehouse to dbt.</div>",
        posted_at="1758021100000",
    ),
    ats(  # workplaceType "unspecified", empty HTML, no lists: plain text is all there is
        LV,
        external_id="e4b1a7c3-6d2f-4b89-9f10-2a3c4d5e6f33",
        title="Office Coordinator",
        company="acme",
        url="https://jobs.lever.co/acme/e4b1a7c3-6d2f-4b89-9f10-2a3c4d5e6f33",
        apply_url="https://jobs.lever.co/acme/e4b1a7c3-6d2f-4b89-9f10-2a3c4d5e6f33/apply",
        locations=("Toronto, ON",),
        description_text="Keep our Toronto office running.",
        posted_at="1758500000000",
    ),
    # An empty title and a posting without an id: both skipped.
)
LEVER_EU_BOARD = (
    ats(
        LV,
        external_id="3d4e5f60-7182-4a3b-9c4d-5e6f708192a5",
        title="Product Designer (m/w/d)",
        company="kompass",
        url="https://jobs.eu.lever.co/kompass/3d4e5f60-7182-4a3b-9c4d-5e6f708192a5",
        apply_url="https://jobs.eu.lever.co/kompass/3d4e5f60-7182-4a3b-9c4d-5e6f708192a5/apply",
        locations=("Berlin",),
        country_codes=("DE",),
        workplace="on-site",
        employment_type="Vollzeit",
        department="Produkt",
        description_html=(
            "<div>Gestalte die Kompass-App für Millionen Nutzer.</div>\n"
            "<h3>Das bringst du mit</h3><ul><li>3+ Jahre Produktdesign</li><li>Figma</li></ul>\n"
            "<div>Wir freuen uns auf deine Bewerbung!</div>"
        ),
        salary=RawSalary(
            minimum=62000.0, maximum=74000.0, currency="EUR", period="per-year-salary"
        ),
        posted_at="1759302000000",
    ),
)

AB = SourceKind.ASHBY
ASHBY_BOARD = (
    ats(
        AB,
        external_id="8b3f2c1a-5d6e-4f70-8a9b-0c1d2e3f4a55",
        title="Staff Infrastructure Engineer",
        company="acme",
        url="https://jobs.ashbyhq.com/acme/8b3f2c1a-5d6e-4f70-8a9b-0c1d2e3f4a55",
        apply_url="https://jobs.ashbyhq.com/acme/8b3f2c1a-5d6e-4f70-8a9b-0c1d2e3f4a55/application",
        locations=("New York, NY", "San Francisco, CA", "Toronto"),
        country_codes=("United States", "Canada"),  # as given: names, not codes
        remote=False,
        workplace="Hybrid",
        employment_type="FullTime",
        department="Engineering",
        description_html=(
            "<p>Build the compute platform.</p><ul><li>Kubernetes</li><li>Terraform</li></ul>"
        ),
        # The Salary component, not the equity percentage listed before it.
        salary=RawSalary(minimum=210000.0, maximum=260000.0, currency="USD", period="1 YEAR"),
        salary_text="$210K – $260K • 0.05% – 0.1% • Offers Bonus",
        posted_at="2026-09-18T14:03:27.412+00:00",
    ),
    ats(
        AB,
        external_id="4c5d6e7f-8091-4a2b-8c3d-4e5f60718293",
        title="Solutions Engineer, EMEA",
        company="acme",
        url="https://jobs.ashbyhq.com/acme/4c5d6e7f-8091-4a2b-8c3d-4e5f60718293",
        apply_url="https://jobs.ashbyhq.com/acme/4c5d6e7f-8091-4a2b-8c3d-4e5f60718293/application",
        locations=("Remote - Europe",),
        remote=True,
        workplace="Remote",
        employment_type="FullTime",
        department="Sales",
        description_html="<p>Help European customers adopt Acme.</p>",
        # summaryComponents is empty: the salary is read from the compensation tier.
        salary=RawSalary(minimum=90000.0, maximum=110000.0, currency="EUR", period="1 YEAR"),
        salary_text="€90K – €110K",
        posted_at="2026-10-01T07:30:00.000+00:00",
    ),
    # "Head of Corporate Development" is unlisted (isListed: false): skipped.
    ats(  # no compensation, no workplace type, no HTML, department null
        AB,
        external_id="91021324-3546-4e6f-8071-829304152637",
        title="Sales Development Representative",
        company="acme",
        url="https://jobs.ashbyhq.com/acme/91021324-3546-4e6f-8071-829304152637",
        apply_url="https://jobs.ashbyhq.com/acme/91021324-3546-4e6f-8071-829304152637/application",
        locations=("Chicago, IL",),
        employment_type="PartTime",
        department="Sales",
        description_text="Book meetings for our account executives.",
        posted_at="2026-10-03T16:45:10.000+00:00",
    ),
    # The last job has no title: skipped.
)

WK = SourceKind.WORKABLE
WORKABLE_BOARD = (
    ats(
        WK,
        external_id="8F2A1C9B3D",
        title="Senior Data Engineer",
        company="Acme Labs",
        url="https://apply.workable.com/j/8F2A1C9B3D",
        apply_url="https://apply.workable.com/j/8F2A1C9B3D/apply",
        locations=("Lisbon, Lisbon, Portugal", "Madrid, Community of Madrid, Spain"),
        country_codes=("PT", "ES"),
        remote=True,  # telecommuting
        employment_type="Full-time",
        department="Data",
        description_html=(
            "<p>Design our <strong>Spark</strong> pipelines.</p>\n"
            "<ul><li>Python</li><li>Airflow</li></ul>\n"
            "<p>Remote-first, learning budget.</p>"
        ),
        posted_at="2026-09-22",
    ),
    ats(  # two rows, one per location, are one posting
        WK,
        external_id="C7389E54B7",
        title="Account Executive",
        company="Acme Labs",
        url="https://apply.workable.com/j/C7389E54B7",
        apply_url="https://apply.workable.com/j/C7389E54B7/apply",
        locations=("London, England, United Kingdom", "Manchester, England, United Kingdom"),
        country_codes=("GB",),
        remote=False,
        employment_type="Full-time",
        department="Commercial",
        description_html="<p>Close deals across the UK.</p>",
        posted_at="2026-09-25",
    ),
    ats(  # empty strings everywhere; no locations list: the flat city/state/country
        WK,
        external_id="5EA5DDE797",
        title="Warehouse Operations Intern",
        company="Acme Labs",
        url="https://apply.workable.com/j/5EA5DDE797",
        apply_url="https://apply.workable.com/j/5EA5DDE797/apply",
        locations=("Athens, Attica, Greece",),
        remote=False,
        posted_at="2026-09-29",  # published_on is empty: created_at
    ),
    ats(  # a hidden location is not advertised
        WK,
        external_id="B41D07E2A6",
        title="Support Specialist",
        company="Acme Labs",
        url="https://apply.workable.com/j/B41D07E2A6",
        apply_url="https://apply.workable.com/j/B41D07E2A6/apply",
        locations=("Thessaloniki, Central Macedonia, Greece",),
        country_codes=("GR",),
        remote=False,
        employment_type="Part-time",
        department="Support",
        description_html="<p>Help our customers in Greek and English.</p>",
        posted_at="2026-09-22",
    ),
    # An empty title and a row without a shortcode: both skipped.
)


@pytest.mark.parametrize(
    ("source", "request_", "name", "expected"),
    [
        (GREENHOUSE, GH_LIST, "greenhouse_board.json", GREENHOUSE_BOARD),
        (LEVER, LEVER_LIST, "lever_postings.json", LEVER_BOARD),
        (LEVER, LEVER_EU_LIST, "lever_eu_postings.json", LEVER_EU_BOARD),
        (ASHBY, ASHBY_LIST, "ashby_job_board.json", ASHBY_BOARD),
        (WORKABLE, WORKABLE_LIST, "workable_account.json", WORKABLE_BOARD),
    ],
    ids=["greenhouse", "lever", "lever-eu", "ashby", "workable"],
)
def test_a_board_yields_its_postings(
    source: AtsSource,
    request_: FetchRequest,
    name: str,
    expected: tuple[RawPosting, ...],
) -> None:
    page = source.parse(request_, fixture(name))
    assert page.follow == ()
    assert [p.external_id for p in page.postings] == [p.external_id for p in expected]
    for got, want in zip(page.postings, expected, strict=True):
        assert got.model_dump() == want.model_dump()


def test_a_fake_host_changes_only_where_the_request_goes() -> None:
    (request,) = GREENHOUSE.start("acme", "http://127.0.0.1:8081")
    assert GREENHOUSE.parse(request, fixture("greenhouse_board.json")).postings == GREENHOUSE_BOARD


@pytest.mark.parametrize(
    ("source", "request_", "name"),
    [
        (GREENHOUSE, GH_LIST, "greenhouse_empty.json"),
        (ASHBY, ASHBY_LIST, "ashby_empty.json"),
        (WORKABLE, WORKABLE_LIST, "workable_empty.json"),
        (SMARTRECRUITERS, SR_FIRST, "smartrecruiters_list_empty.json"),
    ],
)
def test_an_empty_board_yields_nothing(
    source: AtsSource, request_: FetchRequest, name: str
) -> None:
    assert source.parse(request_, fixture(name)) == PageResult()


def test_an_empty_lever_site_is_an_empty_array() -> None:
    assert LEVER.parse(LEVER_LIST, b"[]") == PageResult()


@pytest.mark.parametrize(
    ("source", "request_", "body"),
    [
        (GREENHOUSE, GH_LIST, {"jobs": [None, "4812345002", 7, [], {"id": 1, "title": 9}]}),
        (LEVER, LEVER_LIST, [None, "posting", {"id": "x", "text": ["Engineer"]}]),
        (ASHBY, ASHBY_LIST, {"jobs": [None, {"id": "x", "title": "  "}]}),
        (WORKABLE, WORKABLE_LIST, {"name": "Acme Labs", "jobs": [None, {"title": "Driver"}]}),
        (SMARTRECRUITERS, SR_FIRST, {"totalFound": 2, "content": [None, {"name": "No id"}]}),
    ],
    ids=["greenhouse", "lever", "ashby", "workable", "smartrecruiters"],
)
def test_entries_of_the_wrong_shape_are_skipped_not_fatal(
    source: AtsSource, request_: FetchRequest, body: Any
) -> None:
    assert source.parse(request_, json.dumps(body).encode()) == PageResult()


# -- replies that are not the documented shape --------------------------------------------

NOT_JSON = [
    b"<!DOCTYPE html><html><body><h1>503 Service Unavailable</h1></body></html>",
    b"",
    b"\xff\xfe\x00\x00garbage",
    b'{"jobs": [',
]
WRONG_SHAPE: list[tuple[AtsSource, FetchRequest, bytes]] = [
    (GREENHOUSE, GH_LIST, b"[]"),
    (GREENHOUSE, GH_LIST, b'{"status": 404, "error": "Job board not found"}'),
    (GREENHOUSE, GH_LIST, b'{"jobs": {"id": 4812345002}}'),
    (LEVER, LEVER_LIST, b'{"ok": false, "error": "Document not found"}'),
    (LEVER, LEVER_LIST, b"null"),
    (ASHBY, ASHBY_LIST, b'{"apiVersion": "1"}'),
    (ASHBY, ASHBY_LIST, b'{"apiVersion": "1", "jobs": null}'),
    (WORKABLE, WORKABLE_LIST, b'{"name": "Acme Labs"}'),
    (WORKABLE, WORKABLE_LIST, b'"acme-labs"'),
    (SMARTRECRUITERS, SR_FIRST, b'{"offset": 0, "limit": 100, "content": []}'),
    (SMARTRECRUITERS, SR_FIRST, b'{"offset": 0, "limit": 100, "totalFound": 3, "content": {}}'),
    (SMARTRECRUITERS, SR_FIRST, b"[]"),
    (SMARTRECRUITERS, sr_detail("744000083921456"), b"[]"),
    (SMARTRECRUITERS, sr_detail("744000083921456"), b"42"),
]


LISTINGS: list[tuple[AtsSource, FetchRequest]] = [
    (GREENHOUSE, GH_LIST),
    (LEVER, LEVER_LIST),
    (ASHBY, ASHBY_LIST),
    (WORKABLE, WORKABLE_LIST),
    (SMARTRECRUITERS, SR_FIRST),
]
NOT_JSON_ROWS = [(source, request, body) for source, request in LISTINGS for body in NOT_JSON]


@pytest.mark.parametrize(("source", "request_", "body"), NOT_JSON_ROWS + WRONG_SHAPE)
def test_a_malformed_reply_is_a_source_format_error(
    source: AtsSource, request_: FetchRequest, body: bytes
) -> None:
    with pytest.raises(SourceFormatError):
        source.parse(request_, body)


@pytest.mark.parametrize(
    ("source", "url"),
    [
        (GREENHOUSE, "https://boards-api.greenhouse.io/v1/boards/"),
        (LEVER, "https://api.lever.co/v0/jobs/acme"),
        (ASHBY, "https://api.ashbyhq.com/posting-api/job-board/"),
        (WORKABLE, "https://apply.workable.com/acme-labs"),
        (SMARTRECRUITERS, "https://api.smartrecruiters.com/v1/postings"),
    ],
)
def test_a_request_that_names_no_board_is_refused(source: AtsSource, url: str) -> None:
    with pytest.raises(SourceFormatError, match="names no board"):
        source.parse(FetchRequest(url=url), b'{"jobs": [], "content": [], "totalFound": 0}')


# -- SmartRecruiters: pages, then details -------------------------------------------------


def test_a_full_list_page_follows_to_the_next_page_and_to_every_detail() -> None:
    ids = [
        summary["id"]
        for summary in json.loads(fixture("smartrecruiters_list_first.json"))["content"]
    ]
    page = SMARTRECRUITERS.parse(SR_FIRST, fixture("smartrecruiters_list_first.json"))
    assert page.postings == ()
    assert page.follow[:2] == (
        FetchRequest(url=f"{SR_API}?limit=100&offset=100"),
        FetchRequest(url=f"{SR_API}/744000083921456", purpose="detail"),
    )
    assert page.follow[-1] == FetchRequest(url=f"{SR_API}/744000083784935", purpose="detail")
    assert page.follow == (
        FetchRequest(url=f"{SR_API}?limit=100&offset=100"),
        *(sr_detail(posting_id) for posting_id in ids),
    )
    assert len(page.follow) == 101


def test_the_last_page_follows_only_to_its_details() -> None:
    page = SMARTRECRUITERS.parse(SR_LAST, fixture("smartrecruiters_list_last.json"))
    # offset 200 + limit 100 >= totalFound 203: no next page; the summary without an id is skipped
    assert page == PageResult(
        follow=(
            sr_detail("744000071200318"),
            sr_detail("744000071188870"),
            sr_detail("744000071100021"),
        )
    )


def test_pages_and_details_stay_on_the_host_the_walk_started_on() -> None:
    (start,) = SMARTRECRUITERS.start("AcmeGroup", "http://127.0.0.1:8085/sr")
    page = SMARTRECRUITERS.parse(start, fixture("smartrecruiters_list_first.json"))
    fake = "http://127.0.0.1:8085/sr/v1/companies/AcmeGroup/postings"
    assert page.follow[0] == FetchRequest(url=f"{fake}?limit=100&offset=100")
    assert page.follow[1] == sr_detail("744000083921456", api=fake)
    assert all(request.url.startswith(fake) for request in page.follow)


@pytest.mark.parametrize(
    ("request_", "reply", "follow"),
    [
        (  # offset + limit == totalFound: this was the last page
            FetchRequest(url=f"{SR_API}?limit=100&offset=100"),
            {"offset": 100, "limit": 100, "totalFound": 200, "content": [{"id": "9"}]},
            (sr_detail("9"),),
        ),
        (  # a reply without offset and limit: the request's own are used
            FetchRequest(url=f"{SR_API}?limit=100&offset=100"),
            {"totalFound": 250, "content": [{"id": "9"}]},
            (FetchRequest(url=f"{SR_API}?limit=100&offset=200"), sr_detail("9")),
        ),
        (  # the server capped a larger limit: the next page follows its limit
            FetchRequest(url=f"{SR_API}?limit=500&offset=0"),
            {"offset": 0, "limit": 100, "totalFound": 150, "content": [{"id": "9"}]},
            (FetchRequest(url=f"{SR_API}?limit=100&offset=100"), sr_detail("9")),
        ),
        (  # an empty page ends the walk even when totalFound promises more
            FetchRequest(url=f"{SR_API}?limit=100&offset=300"),
            {"offset": 300, "limit": 100, "totalFound": 900, "content": []},
            (),
        ),
        (  # a summary listed twice is read once
            SR_FIRST,
            {"offset": 0, "limit": 100, "totalFound": 2, "content": [{"id": "9"}, {"id": "9"}]},
            (sr_detail("9"),),
        ),
    ],
    ids=["exact-end", "offset-from-request", "capped-limit", "empty-page", "duplicate"],
)
def test_paging_arithmetic(
    request_: FetchRequest, reply: dict[str, Any], follow: tuple[FetchRequest, ...]
) -> None:
    assert SMARTRECRUITERS.parse(request_, json.dumps(reply).encode()) == PageResult(follow=follow)


SR = SourceKind.SMARTRECRUITERS


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "smartrecruiters_detail_full.json",
            ats(
                SR,
                external_id="744000083921456",
                title="Senior Mechanical Engineer (m/f/d)",
                company="Acme Group",
                url="https://jobs.smartrecruiters.com/AcmeGroup/744000083921456-senior-mechanical-engineer-m-f-d-",
                apply_url="https://jobs.smartrecruiters.com/AcmeGroup/744000083921456-senior-mechanical-engineer-m-f-d-?oga=true",
                locations=("Stuttgart, BW, Germany",),
                country_codes=("de",),
                remote=False,
                workplace="hybrid",
                employment_type="Full-time",
                department="Engineering",
                description_html=(
                    "<h3>Company Description</h3>\n"
                    "<p>Acme Group engineers drivetrains for 40 carmakers.</p>\n"
                    "<h3>Job Description</h3>\n"
                    "<ul><li>Design gearbox housings in CATIA V5</li>"
                    "<li>Run FEM analyses</li></ul>\n"
                    "<h3>Qualifications</h3>\n"
                    "<p>Degree in mechanical engineering; German &amp; English.</p>\n"
                    "<h3>Additional Information</h3>\n"
                    "<p>Hybrid: three office days a week.</p>"
                ),
                salary=RawSalary(minimum=72000.0, maximum=85000.0, currency="EUR", period="YEARLY"),
                posted_at="2026-09-29T08:14:11.803Z",
                language="en",
            ),
        ),
        (
            "smartrecruiters_detail_remote.json",
            ats(
                SR,
                external_id="744000071188870",
                title="Welding Robot Programmer",
                company="Acme Group",
                url="https://jobs.smartrecruiters.com/AcmeGroup/744000071188870-welding-robot-programmer",
                apply_url="https://jobs.smartrecruiters.com/AcmeGroup/744000071188870-welding-robot-programmer?oga=true",
                locations=("Austin, TX, United States",),
                country_codes=("us",),
                remote=True,
                employment_type="Contract",
                # the empty company description section is left out
                description_html=(
                    "<h3>Job Description</h3>\n"
                    "<p>Program FANUC welding cells for our US plants.</p>\n"
                    "<h3>Qualifications</h3>\n"
                    "<p>3+ years of robot programming.</p>"
                ),
                posted_at="2026-06-01T13:42:51.090Z",
            ),
        ),
        (
            "smartrecruiters_detail_minimal.json",
            ats(
                SR,
                external_id="744000071100021",
                title="Apprentice Mechatronics Technician",
                company="AcmeGroup",  # no company name: the identifier from the request
                url="https://jobs.smartrecruiters.com/AcmeGroup/744000071100021-apprentice-mechatronics-technician",
                locations=("Hamburg, de",),  # no fullLocation: the parts as given
                country_codes=("de",),
                posted_at="2026-05-30T09:05:00.000Z",
            ),
        ),
        ("smartrecruiters_detail_inactive.json", None),
        ("smartrecruiters_detail_untitled.json", None),
    ],
    ids=["full", "remote", "minimal", "inactive", "untitled"],
)
def test_a_detail_reply_yields_the_posting(name: str, expected: RawPosting | None) -> None:
    page = SMARTRECRUITERS.parse(sr_detail("744000083921456"), fixture(name))
    assert page.follow == ()
    assert [p.model_dump() for p in page.postings] == (
        [expected.model_dump()] if expected is not None else []
    )


def test_a_request_of_unknown_purpose_is_a_bug() -> None:
    request = FetchRequest(url=f"{SR_API}/744000083921456", purpose="sitemap")
    with pytest.raises(ValueError, match="no parser"):
        SMARTRECRUITERS.parse(request, fixture("smartrecruiters_detail_full.json"))

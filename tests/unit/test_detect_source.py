"""detect_source over what admins actually paste: one row per link, with the source it names."""

from __future__ import annotations

import re

import pytest

from core.jobs import SourceKind
from crawlers.sources.detect import detect_source

GH = SourceKind.GREENHOUSE
LV = SourceKind.LEVER
AB = SourceKind.ASHBY
WK = SourceKind.WORKABLE
SR = SourceKind.SMARTRECRUITERS
PAGE = SourceKind.PAGE

DETECTED: list[tuple[str, tuple[SourceKind, str]]] = [
    # Greenhouse: both board hosts, their EU twins, job pages, the embed iframe, the API
    ("https://boards.greenhouse.io/acme", (GH, "acme")),
    ("https://job-boards.greenhouse.io/acme/jobs/4812345002?gh_src=linkedin", (GH, "acme")),
    ("https://job-boards.eu.greenhouse.io/kompass", (GH, "kompass")),
    ("boards.eu.greenhouse.io/kompass/", (GH, "kompass")),
    (
        "https://boards.greenhouse.io/embed/job_board?for=acme&b=https%3A%2F%2Facme.com%2Fcareers",
        (GH, "acme"),
    ),
    ("https://boards-api.greenhouse.io/v1/boards/acme/jobs?content=true", (GH, "acme")),
    # Lever: global and EU instance (eu: prefix), job and apply pages, the API
    ("https://jobs.lever.co/acme", (LV, "acme")),
    ("jobs.lever.co/acme", (LV, "acme")),
    ("HTTPS://JOBS.LEVER.CO/acme/5a1f3c2e-8d4b-4f7a-9e21-3c6b0d8f4a11/apply", (LV, "acme")),
    ("https://jobs.eu.lever.co/kompass", (LV, "eu:kompass")),
    (
        "  https://jobs.eu.lever.co/kompass/3d4e5f60-7182-4a3b-9c4d-5e6f708192a5/  ",
        (LV, "eu:kompass"),
    ),
    ("https://api.eu.lever.co/v0/postings/kompass?mode=json", (LV, "eu:kompass")),
    # Ashby: the board token keeps the case it was typed in
    ("https://jobs.ashbyhq.com/acme", (AB, "acme")),
    ("http://www.jobs.ashbyhq.com/Acme-Labs/8b3f2c1a?utm_source=x#apply", (AB, "Acme-Labs")),
    # Workable: the careers page, a job under it, the legacy subdomain, the widget API
    ("https://apply.workable.com/acme-labs/", (WK, "acme-labs")),
    ("https://apply.workable.com/acme-labs/j/8F2A1C9B3D/", (WK, "acme-labs")),
    ("https://acme-labs.workable.com/jobs/123456", (WK, "acme-labs")),
    ("https://apply.workable.com/api/v1/widget/accounts/acme-labs?details=true", (WK, "acme-labs")),
    # SmartRecruiters: career site, job page, the one-click apply page, the API
    ("https://careers.smartrecruiters.com/AcmeGroup", (SR, "AcmeGroup")),
    (
        "https://jobs.smartrecruiters.com/AcmeGroup/744000083921456-senior-mechanical-engineer-m-f-d-",
        (SR, "AcmeGroup"),
    ),
    (
        "https://jobs.smartrecruiters.com/oneclick-ui/company/AcmeGroup/publication/"
        "0b6f3a52-91d4-4c1e-8f7a-2d3e4f5a6b70?dcr_ci=AcmeGroup",
        (SR, "AcmeGroup"),
    ),
    (
        "https://api.smartrecruiters.com/v1/companies/AcmeGroup/postings?limit=100",
        (SR, "AcmeGroup"),
    ),
    # Everything else is a page: scheme and host lower-cased, fragment and default port dropped,
    # path and query kept as typed
    ("https://www.acme.com/careers", (PAGE, "https://www.acme.com/careers")),
    ("acme.com/careers?team=eng#open-roles", (PAGE, "https://acme.com/careers?team=eng")),
    ("HTTP://Careers.Acme.COM:80/Jobs", (PAGE, "http://careers.acme.com/Jobs")),
    ("https://acme.com", (PAGE, "https://acme.com/")),
    ("https://acme.com:8443/jobs", (PAGE, "https://acme.com:8443/jobs")),
    ("www.Acme.com./jobs/", (PAGE, "https://www.acme.com/jobs/")),
    ("//acme.com/jobs", (PAGE, "https://acme.com/jobs")),
    ("https://bücher.de/karriere", (PAGE, "https://xn--bcher-kva.de/karriere")),
    ("http://127.0.0.1:8090/careers.html", (PAGE, "http://127.0.0.1:8090/careers.html")),
    ("http://[::1]:8000/jobs", (PAGE, "http://[::1]:8000/jobs")),
    ("localhost:8000/careers", (PAGE, "https://localhost:8000/careers")),
    # The ATS vendors' own sites are pages, not boards
    ("https://www.workable.com/careers", (PAGE, "https://www.workable.com/careers")),
    ("https://www.greenhouse.io/careers", (PAGE, "https://www.greenhouse.io/careers")),
]


@pytest.mark.parametrize(("url", "expected"), DETECTED, ids=[row[0].strip() for row in DETECTED])
def test_detects_the_source_a_link_names(url: str, expected: tuple[SourceKind, str]) -> None:
    assert detect_source(url) == expected


INVALID: list[tuple[str, str]] = [
    ("", "the link is empty"),
    ("   ", "the link is empty"),
    ("ftp://acme.com/jobs", "only http and https links can be crawled, not ftp:"),
    ("javascript:alert(1)", "only http and https links can be crawled, not javascript:"),
    ("mailto:jobs@acme.com", "only http and https links can be crawled, not mailto:"),
    ("file:///etc/passwd", "only http and https links can be crawled, not file:"),
    ("https://", "the link has no host name"),
    ("http:///careers", "the link has no host name"),
    ("http:acme.com", "malformed: it should start with https://"),
    ("https://acme .com/jobs", "cannot contain spaces"),
    ("https://acme.com/open jobs", "cannot contain spaces"),
    ("https://acme.com/\tjobs", "cannot contain spaces"),
    ("acme", "'acme' is not a full domain name"),
    ("https://-acme.com/", "'-acme.com' is not a valid host name"),
    ("https://acme..com/", "'acme..com' is not a valid host name"),
    ("https://exa_mple.com/", "'exa_mple.com' is not a valid host name"),
    ("https://acme.com:99999/jobs", "has an invalid port"),
    ("https://user:secret@acme.com/jobs", "user name or password"),
    ("https://jobs.lever.co/", "the jobs.lever.co link does not name a board"),
    ("https://boards.greenhouse.io", "the boards.greenhouse.io link does not name a board"),
    ("https://boards.greenhouse.io/embed/job_board", "does not name a board"),
    ("https://apply.workable.com/j/8F2A1C9B3D", "does not name the company"),
    ("https://jobs.lever.co/acme%20inc", "'acme inc' in the jobs.lever.co link is not a board"),
]


@pytest.mark.parametrize(("url", "message"), INVALID, ids=[row[0] or "<empty>" for row in INVALID])
def test_an_unusable_link_is_explained(url: str, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        detect_source(url)

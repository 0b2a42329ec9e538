"""Jobs: what sources yield (RawPosting) and what normalization makes of it (JobPosting).

Shared by crawlers (which produce them) and matching (which reads them). A source turns a
fetched response into ``RawPosting``s: the fields as the source gave them,
nothing interpreted beyond what the format itself states. ``crawlers.normalize`` turns one
``RawPosting`` into a ``JobPosting``: the same job in our vocabulary.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from enum import StrEnum

from pydantic import Field

# EmploymentType lives in core.domain (profiles filter on it) and is re-exported here.
from core.domain import EmploymentType as EmploymentType
from core.domain import Frozen, Seniority, WorkMode


class SourceKind(StrEnum):
    GREENHOUSE = "greenhouse"
    LEVER = "lever"
    ASHBY = "ashby"
    WORKABLE = "workable"
    SMARTRECRUITERS = "smartrecruiters"
    PAGE = "page"  # a career page: JSON-LD / microdata first, then rendering, then an LLM


class Extraction(StrEnum):
    """How a posting was read, from most to least trustworthy."""

    ATS_API = "ats_api"
    STRUCTURED_DATA = "structured_data"  # schema.org JobPosting in JSON-LD or microdata
    LLM = "llm"
    HEURISTIC = "heuristic"


class SalaryPeriod(StrEnum):
    HOUR = "hour"
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"


# How many of each period make a year (40-hour weeks, 52 weeks): normalization annualizes with
# these, and matching compares salaries per year with them.
ANNUAL_FACTORS: dict[SalaryPeriod, int] = {
    SalaryPeriod.HOUR: 2080,  # 40 hours x 52 weeks
    SalaryPeriod.DAY: 260,  # 5 days x 52 weeks
    SalaryPeriod.WEEK: 52,
    SalaryPeriod.MONTH: 12,
    SalaryPeriod.YEAR: 1,
}


class RawSalary(Frozen):
    """A structured compensation block, as given (MonetaryAmount, ATS compensation fields)."""

    minimum: float | None = None
    maximum: float | None = None
    currency: str | None = None  # as given: "EUR", "€", "usd"
    period: str | None = None  # as given: "YEAR", "per hour", "MONTHLY", "annual"


class RawPosting(Frozen):
    """One posting as a source gave it; strings are untrusted text from the outside world."""

    source_kind: SourceKind
    extraction: Extraction
    external_id: str | None = None  # the source's own id, stable across crawls
    title: str
    company: str | None = None
    url: str | None = None  # the posting's own page
    apply_url: str | None = None
    locations: tuple[str, ...] = ()  # "Berlin, Germany", "Remote - EU", "München"
    country_codes: tuple[str, ...] = ()  # when the source states them (addressCountry, ...)
    remote: bool | None = None  # an explicit remote flag (TELECOMMUTE, isRemote, ...)
    workplace: str | None = None  # an explicit workplace type as given: "hybrid", "on-site"
    employment_type: str | None = None  # as given: "FULL_TIME", "Full-time", "Vollzeit"
    department: str | None = None
    description_html: str | None = None  # HTML, already unescaped once if the API escapes it
    description_text: str | None = None  # plain text, where there is no HTML
    salary: RawSalary | None = None
    salary_text: str | None = None  # a salary written in prose: "€60k–75k", "bis 70.000 €"
    posted_at: str | None = None  # as given: ISO date/datetime, epoch millis as a string, ...
    valid_through: str | None = None
    language: str | None = None  # ISO 639-1 when the source says so
    confidence: float = 1.0  # 0..1: how sure the extraction is that this is a real posting
    # Where each field was read, for the admin: {"company": "© line", "salary": "dd 'Pay'"}.
    provenance: dict[str, str] = Field(default_factory=dict)


class Location(Frozen):
    city: str | None = None
    region: str | None = None
    country: str | None = None  # ISO 3166-1 alpha-2, upper case
    raw: str = ""


class Salary(Frozen):
    minimum: float | None = None
    maximum: float | None = None
    currency: str  # ISO 4217
    period: SalaryPeriod
    annual_minimum: float | None = None  # the same amounts per year (40 h weeks, 52 weeks)
    annual_maximum: float | None = None


class JobPosting(Frozen):
    """A posting in our vocabulary: what dedupe, review and matching work with."""

    source_kind: SourceKind
    extraction: Extraction
    external_id: str | None = None
    title: str
    company: str | None = None
    url: str | None = None
    apply_url: str | None = None
    locations: tuple[Location, ...] = ()
    work_mode: WorkMode | None = None
    employment_type: EmploymentType | None = None
    seniority: Seniority | None = None
    salary: Salary | None = None
    skills: tuple[str, ...] = ()  # canonical names from core.skills
    description_md: str = ""
    department: str | None = None
    posted_at: date | None = None
    valid_through: date | None = None
    language: str | None = None
    confidence: float = 1.0
    provenance: dict[str, str] = Field(default_factory=dict)  # field -> where it was read
    demo: bool = False  # from the bundled demo catalogue: cards say "Demo job"


class JobStatus(StrEnum):
    DRAFT = "draft"
    PENDING_REVIEW = "pending_review"
    APPROVED = "approved"
    REJECTED = "rejected"
    CLOSED = "closed"


class Validators(Frozen):
    """What the last crawl saw, so an unchanged source costs one cheap request."""

    etag: str | None = None
    last_modified: str | None = None
    content_hash: str | None = None


# Locators of sources that read files, never the web (webhooks/imports.py makes them).
BUNDLED_LOCATORS = ("demo:", "import:")


class Source(Frozen):
    """A career page or ATS board that admins added, with its crawl health."""

    id: str
    kind: SourceKind
    locator: str  # the board token for an ATS, the page URL for a page
    name: str
    trusted: bool = False
    interval_minutes: int = 60
    paused: bool = False
    pause_reason: str | None = None
    added_by: str | None = None
    created_at: datetime
    last_crawl_at: datetime | None = None
    next_crawl_at: datetime | None = None
    validators: Validators = Validators()
    consecutive_failures: int = 0
    opened_until: datetime | None = None  # circuit breaker: no crawl before this
    failures_total: int = 0
    last_error: str | None = None
    jobs_count: int = 0

    @property
    def fetchable(self) -> bool:
        """False for sources whose postings come from files (the demo catalogue, imports):
        there is nothing to crawl."""
        return not self.locator.startswith(BUNDLED_LOCATORS)


class StoredJob(Frozen):
    """A job as the store keeps it: the posting plus identity, status and history."""

    id: str
    source_ids: tuple[str, ...]
    posting: JobPosting
    status: JobStatus
    fingerprint: str
    canonical_url: str | None = None
    signature: tuple[int, ...] = ()
    revision: int = 1
    review_reason: str | None = None
    first_seen_at: datetime
    last_seen_at: datetime
    closed_at: datetime | None = None


def company_key(name: str) -> str:
    """A company name folded for comparison: "ACME GmbH" and "Acme" give "acme"."""
    folded = unicodedata.normalize("NFKD", name.lower())
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    folded = re.sub(
        r"\b(gmbh|ag|inc|ltd|llc|s\.?a\.?|s\.?l\.?|se|co|corp|plc|bv|kg)\b\.?", "", folded
    )
    return re.sub(r"[^a-z0-9]+", "", folded)

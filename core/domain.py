"""Domain types shared by the engine, the store and the workers (frozen, no I/O)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class Frozen(BaseModel):
    """Base of every value object: immutable, and no unknown fields."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class WorkMode(StrEnum):
    REMOTE = "remote"
    HYBRID = "hybrid"
    ONSITE = "onsite"


class Seniority(StrEnum):
    INTERN = "intern"
    JUNIOR = "junior"
    MID = "mid"
    SENIOR = "senior"
    LEAD = "lead"
    PRINCIPAL = "principal"


class EmploymentType(StrEnum):
    FULL_TIME = "full_time"
    PART_TIME = "part_time"
    CONTRACT = "contract"
    TEMPORARY = "temporary"
    INTERNSHIP = "internship"
    APPRENTICESHIP = "apprenticeship"
    VOLUNTEER = "volunteer"
    OTHER = "other"


class Frequency(StrEnum):
    INSTANT = "instant"
    DAILY = "daily"
    WEEKLY = "weekly"


class ConsentPurpose(StrEnum):
    PROFILE = "profile_processing"
    JOB_MESSAGES = "job_messages"


class SalaryFloor(Frozen):
    amount: int
    currency: str  # ISO 4217
    period: str = "year"


class QuietHours(Frozen):
    start: int = Field(ge=0, le=23)  # local hour, inclusive
    end: int = Field(ge=0, le=23)  # local hour, exclusive


class ParsedResume(Frozen):
    """What the resume parser read; contact fields are PII and stored encrypted."""

    name: str | None = None
    email: str | None = None
    phone: str | None = None
    skills: tuple[str, ...] = ()
    years_experience: float | None = None
    last_title: str | None = None
    languages: tuple[str, ...] = ()
    text_chars: int = 0


class ResumeSummary(Frozen):
    """The part of a resume the candidate confirms and matching uses."""

    skills: tuple[str, ...] = ()
    years_experience: float | None = None
    last_title: str | None = None


class Profile(Frozen):
    """A candidate's preferences; built up by the conversation."""

    roles: tuple[str, ...] = ()
    locations: tuple[str, ...] = ()
    work_modes: tuple[WorkMode, ...] = ()
    seniority: Seniority | None = None
    salary_floor: SalaryFloor | None = None
    employment_types: tuple[EmploymentType, ...] = ()  # empty: any
    resume: ResumeSummary | None = None
    frequency: Frequency = Frequency.DAILY
    timezone: str = "UTC"
    quiet_hours: QuietHours | None = None
    paused: bool = False


class ConsentRecord(Frozen):
    purpose: ConsentPurpose
    granted: bool
    version: str
    at: datetime

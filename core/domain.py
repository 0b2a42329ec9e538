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


class LanguageLevel(StrEnum):
    """How well someone speaks a language, in four steps (CEFR A, B, C, and native)."""

    BASIC = "basic"  # A1-A2
    WORKING = "working"  # B1-B2
    FLUENT = "fluent"  # C1-C2
    NATIVE = "native"


class SpokenLanguage(Frozen):
    code: str  # ISO 639-1, lower case ("de")
    level: LanguageLevel = LanguageLevel.WORKING


class Commute(Frozen):
    """"Within 30 km of Cambridge": a place as the person named it and a radius."""

    place: str
    radius_km: float = Field(gt=0, le=500)


class ParsedResume(Frozen):
    """What the resume parser read; contact fields are PII and stored encrypted."""

    name: str | None = None
    email: str | None = None
    phone: str | None = None
    skills: tuple[str, ...] = ()
    years_experience: float | None = None
    last_title: str | None = None
    languages: tuple[str, ...] = ()  # language names found anywhere (kept for the summary)
    spoken_languages: tuple[SpokenLanguage, ...] = ()  # with level, from the languages section
    certifications: tuple[str, ...] = ()  # licences and certificates, as listed
    text_chars: int = 0


class ResumeSummary(Frozen):
    """The part of a resume the candidate confirms and matching uses."""

    skills: tuple[str, ...] = ()
    years_experience: float | None = None
    last_title: str | None = None
    spoken_languages: tuple[SpokenLanguage, ...] = ()
    certifications: tuple[str, ...] = ()


class Profile(Frozen):
    """A candidate's preferences; built up by the conversation."""

    roles: tuple[str, ...] = ()
    locations: tuple[str, ...] = ()
    work_modes: tuple[WorkMode, ...] = ()
    seniority: Seniority | None = None
    salary_floor: SalaryFloor | None = None
    employment_types: tuple[EmploymentType, ...] = ()  # empty: any
    languages: tuple[SpokenLanguage, ...] = ()  # spoken languages with level; empty: not said
    licences: tuple[str, ...] = ()  # licences and certifications they hold, as typed
    commute: Commute | None = None  # "within 30 km of Cambridge"
    stretch: bool = False  # also send jobs whose core stack they lack, marked as a stretch
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

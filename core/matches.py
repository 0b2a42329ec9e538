"""Matching vocabulary shared by matching/ (which computes it), conversations/ (which renders it)
and the service layer (which stores and delivers it). Frozen values, no I/O.

A ``Candidate`` is a consented user's profile in the shape matching needs: locations resolved to
places, skills canonical. A ``Match`` is one candidate × one job: whether the hard filters pass,
the score and its parts, and the reasons a person reads. A ``MatchAction`` is what a candidate
asked to do with a match (a button under a card, /applications): the conversation decides it, the
match service carries it out.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Final, Literal

from pydantic import StringConstraints, model_validator

from core.domain import (
    Commute,
    EmploymentType,
    Frequency,
    Frozen,
    QuietHours,
    SalaryFloor,
    Seniority,
    SpokenLanguage,
    WorkMode,
)
from core.jobs import JobPosting, Location


class Candidate(Frozen):
    user_key: str
    lang: str = "en"
    roles: tuple[str, ...] = ()  # the titles they asked for, as typed
    title: str | None = None  # their last title, from the resume
    skills: tuple[str, ...] = ()  # canonical names from core.skills
    years_experience: float | None = None
    work_modes: tuple[WorkMode, ...] = ()  # empty: any
    places: tuple[Location, ...] = ()  # resolved from the profile's locations; empty: anywhere
    seniority: Seniority | None = None
    salary_floor: SalaryFloor | None = None
    employment_types: tuple[EmploymentType, ...] = ()  # empty: any
    languages: tuple[SpokenLanguage, ...] = ()  # empty: not said (no language gate)
    licences: tuple[str, ...] = ()  # licences/certifications held (profile and resume)
    commute: Commute | None = None  # also open to places within this radius
    stretch: bool = False  # opted in to jobs whose core stack they lack
    paused: bool = False
    frequency: Frequency = Frequency.DAILY
    timezone: str = "UTC"
    quiet_hours: QuietHours | None = None


class JobForMatching(Frozen):
    """A job as matching sees it: our id and the normalized posting."""

    id: str
    posting: JobPosting


class Feedback(Frozen):
    """What a candidate told us about earlier matches; lowers similar jobs."""

    not_interested: tuple[str, ...] = ()  # job ids
    companies: tuple[str, ...] = ()  # company keys (core.jobs.company_key)
    role_kinds: tuple[str, ...] = ()  # title families (matching.titles.role_family)


class ApplicationStage(StrEnum):
    """The application tracker's stages, in the order a job moves through them."""

    SAVED = "saved"
    APPLIED = "applied"
    INTERVIEWING = "interviewing"
    OFFER = "offer"
    REJECTED = "rejected"


class Exclusion(StrEnum):
    """The first hard filter a job failed for a candidate."""

    PAUSED = "paused"
    WORK_MODE = "work_mode"
    LOCATION = "location"
    SALARY = "salary"
    SENIORITY = "seniority"
    EMPLOYMENT_TYPE = "employment_type"
    COMPANY = "company"  # "not interested in this company"
    SEEN = "seen"  # already sent, or marked not interested
    ROLE = "role"  # another role family, not next to theirs (or next to it without the skills)
    CORE_STACK = "core_stack"  # requires a core language/framework/licence they lack entirely
    LANGUAGE = "language"  # written in or requiring a language they do not speak well enough
    LICENCE = "licence"  # requires a licence or certification they do not hold


class SalaryFit(StrEnum):
    MEETS = "meets"  # the job's minimum reaches the floor
    OVERLAPS = "overlaps"  # the range reaches the floor only at its top
    BELOW = "below"  # the whole range is under the floor (excluded)
    UNKNOWN = "unknown"  # no salary given, or no floor set, or no rate for the currency


class LocationFit(StrEnum):
    REMOTE = "remote"  # remote, open to the candidate's country (or anywhere)
    CITY = "city"  # in one of the candidate's cities
    COUNTRY = "country"  # in one of the candidate's countries
    NEARBY = "nearby"  # a town in their city's metro area, or within their commute radius
    ANYWHERE = "anywhere"  # the candidate gave no location
    NONE = "none"  # excluded


class Reasons(Frozen):
    matched_skills: tuple[str, ...] = ()  # required or nice-to-have skills the candidate has
    missing_skills: tuple[str, ...] = ()  # required skills the candidate lacks: the skill gap
    missing_nice: tuple[str, ...] = ()  # nice-to-have skills the candidate lacks
    title_match: bool = False
    salary: SalaryFit = SalaryFit.UNKNOWN
    location: LocationFit = LocationFit.ANYWHERE
    seniority_exact: bool | None = None  # None: either side did not say
    # The role gate: the job's family when it is not one they asked for but next to it, with how
    # many of its required skills they have ("SRE is next to what you asked for, 5 of 6").
    adjacent_family: str | None = None
    adjacent_have: int = 0
    adjacent_of: int = 0
    # The core-stack gate: core skills the job requires that they lack (sent only as a stretch).
    missing_core: tuple[str, ...] = ()
    stretch: bool = False
    near_place: str | None = None  # NEARBY: the job's town, next to ``near_of``
    near_of: str | None = None  # their city, or the commute place
    near_km: float | None = None  # how far apart, rounded
    required_languages: tuple[str, ...] = ()  # ISO 639-1 codes the job needs (they speak them)
    required_licences: tuple[str, ...] = ()  # licences the job asks for (they hold them)


class Match(Frozen):
    user_key: str
    job_id: str
    score: float  # 0..1 after penalties; meaningful only when passes
    semantic: float = 0.0  # cosine of profile text vs job text
    skills: float = 0.0  # skill coverage 0..1
    title: float = 0.0  # title match 0..1
    recency: float = 0.0  # 1 when posted today, decaying
    penalty: float = 0.0  # total subtracted (no salary, disliked kinds, similar to disliked)
    excluded: Exclusion | None = None
    send_score: float = 0.0  # the score without recency: what the threshold compares
    would_send: bool = False  # passes the filters and the threshold
    reasons: Reasons = Reasons()


# --- what candidates do with matches ---------------------------------------------------------


class Verb(StrEnum):
    """What a candidate asks of a match: the verbs of the match buttons' grammar."""

    SAVE = "save"
    APPLIED = "applied"
    WHY = "why"
    NOT_INTERESTED = "ni"  # show the three choices below
    NOT_THIS_JOB = "nij"
    NOT_THIS_COMPANY = "nic"
    NOT_THIS_KIND = "nik"  # this kind of role
    STAGE = "stage"  # move a tracked job to ``stage``, or remove it
    HEARD = "heard"  # an answer to the follow-up
    APPLICATIONS = "apps"  # show the tracker


REMOVE: Final = "remove"
# Where a tracker button moves a job: a stage, or out of the tracker.
Move = ApplicationStage | Literal["remove"]


class Heard(StrEnum):
    """Answers to "did you hear back?"."""

    INTERVIEW = "interview"
    OFFER = "offer"
    REJECTED = "rejected"
    WAITING = "waiting"


# The stage an answer to the follow-up moves the job to; WAITING leaves it where it is.
HEARD_STAGE: Final[dict[Heard, ApplicationStage | None]] = {
    Heard.INTERVIEW: ApplicationStage.INTERVIEWING,
    Heard.OFFER: ApplicationStage.OFFER,
    Heard.REJECTED: ApplicationStage.REJECTED,
    Heard.WAITING: None,
}

# A job id must fit in a button: Telegram's 64 bytes of callback data less the longest payload
# prefix, "m:stage:interviewing:" (conversations.match_views writes it; its tests check the sum).
MAX_JOB_ID: Final = 43
JobId = Annotated[str, StringConstraints(pattern=rf"^[A-Za-z0-9_.\-]{{1,{MAX_JOB_ID}}}$")]


class MatchAction(Frozen):
    """One thing a candidate asked to do with a match; complete or not built at all."""

    action: Verb
    job_id: JobId | None = None  # every verb but APPLICATIONS
    stage: Move | None = None  # STAGE only
    answer: Heard | None = None  # HEARD only

    @model_validator(mode="after")
    def _complete(self) -> MatchAction:
        if (self.action is Verb.APPLICATIONS) == (self.job_id is not None):
            raise ValueError("a job id belongs to every action but the tracker")
        if (self.action is Verb.STAGE) != (self.stage is not None):
            raise ValueError("a stage belongs to STAGE actions only")
        if (self.action is Verb.HEARD) != (self.answer is not None):
            raise ValueError("an answer belongs to HEARD actions only")
        return self


class TrackedJob(Frozen):
    """One job in a candidate's tracker, as the tracker view needs it."""

    job_id: JobId
    title: str
    company: str | None = None
    stage: ApplicationStage
    updated_at: datetime
    demo: bool = False  # from the bundled demo catalogue

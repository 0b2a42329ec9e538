"""The payload pre-filters, described once and translated by each vector index backend.

A description is plain frozen data (no Qdrant types), so the rules are written and tested once
and ``matching.index_edge`` / ``matching.index_qdrant`` each turn it into their own models.

The pre-filters only narrow the search: they keep every point the exact hard filters (pure
scoring code, later) could keep, and whatever they cannot decide they let through.

Flags are stored as the integers 0 and 1, never as booleans: qdrant-edge 0.9.0 turns a boolean
match value into the integer 1, so a filter on a bool field would match nothing there.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Final

from core.domain import Seniority
from core.geo import find_city
from core.jobs import JobPosting
from core.matches import Candidate
from matching.money import floor_eur, range_eur

UNKNOWN: Final = "unknown"  # a job that does not say (work mode, employment type, language)
ANY: Final = "any"  # a candidate who accepts every work mode / employment type
ANYWHERE: Final = "*"  # a candidate with no place (or a place without a country)
APPROVED: Final = "approved"
NO, YES = 0, 1  # flags (see the module docstring)
UNKNOWN_RANK: Final = -1
SENIORITY_RANK: Final = {
    Seniority.INTERN: 0,
    Seniority.JUNIOR: 1,
    Seniority.MID: 2,
    Seniority.SENIOR: 3,
    Seniority.LEAD: 4,
    Seniority.PRINCIPAL: 5,
}


@dataclass(frozen=True)
class AnyOf:
    """The field (or one of its values, for a list) is one of ``values``."""

    key: str
    values: tuple[str, ...] | tuple[int, ...]


@dataclass(frozen=True)
class Between:
    """A number field within [gte, lte]; a point without the field does not match."""

    key: str
    gte: float | None = None
    lte: float | None = None


@dataclass(frozen=True)
class Missing:
    """The field is absent (or empty)."""

    key: str


@dataclass(frozen=True)
class Either:
    """At least one of the conditions holds."""

    conditions: tuple[Condition, ...]


@dataclass(frozen=True)
class Where:
    """Every ``must`` holds, no ``must_not`` holds, and the point is none of ``exclude_ids``.

    ``exclude_ids`` are our ids (job ids, user keys): each backend maps them to point ids.
    """

    must: tuple[Condition, ...] = ()
    must_not: tuple[Condition, ...] = ()
    exclude_ids: tuple[str, ...] = ()


Condition = AnyOf | Between | Missing | Either | Where


def any_of(key: str, values: Iterable[str]) -> AnyOf:
    return AnyOf(key, tuple(values))


def ranks_of(key: str, values: Iterable[int]) -> AnyOf:
    return AnyOf(key, tuple(values))


def job_countries(posting: JobPosting) -> list[str] | None:
    """The countries a job takes candidates from; None when it sets no country condition.

    A place without a country ("Remote - EU", a bare city) might still fit a candidate by
    region or city, so one such place lifts the condition.
    """
    codes = [place.country for place in posting.locations]
    if not codes or any(code is None for code in codes):
        return None
    return sorted({code for code in codes if code is not None})


def candidate_countries(candidate: Candidate) -> list[str]:
    """ISO codes of the candidate's places, plus ``*`` when a place (or all) leaves it open,
    plus the country of their commute place when it is across a border (Basel -> Lörrach)."""
    codes = {place.country for place in candidate.places if place.country}
    if not candidate.places or any(place.country is None for place in candidate.places):
        codes.add(ANYWHERE)
    if candidate.commute is not None:
        # someone in Lörrach (DE) commuting to Basel (CH) takes jobs in Basel too
        hub = find_city(candidate.commute.place)
        if hub is not None and not any(find_city(candidate.commute.place, c) for c in codes):
            codes.add(hub.country_code)
    return sorted(codes)


def seniority_rank(seniority: Seniority | None) -> int:
    return UNKNOWN_RANK if seniority is None else SENIORITY_RANK[seniority]


def _near(rank: int) -> tuple[int, ...]:
    return (rank - 1, rank, rank + 1, UNKNOWN_RANK)


def candidates_prefilter(posting: JobPosting) -> Where:
    """Candidates who might pass the hard filters for this job (a superset of them)."""
    rank = seniority_rank(posting.seniority)
    must: list[Condition] = [ranks_of("paused", [NO])]
    if posting.work_mode is not None:
        must.append(any_of("work_modes", [str(posting.work_mode), ANY]))
    countries = job_countries(posting)
    if countries is not None:
        must.append(any_of("countries", [*countries, ANYWHERE]))
    if rank != UNKNOWN_RANK:
        must.append(ranks_of("seniority_rank", _near(rank)))
    if posting.employment_type is not None:
        must.append(any_of("employment_types", [str(posting.employment_type), ANY]))
    _, high = range_eur(posting.salary)
    if high is not None:
        must.append(Between("salary_floor_eur", lte=high))
    return Where(must=tuple(must))


def jobs_prefilter(candidate: Candidate, exclude: Collection[str] = ()) -> Where:
    """Approved jobs this candidate might pass the hard filters for (a superset of them)."""
    rank = seniority_rank(candidate.seniority)
    must: list[Condition] = [any_of("status", [APPROVED])]
    if candidate.work_modes:
        must.append(any_of("work_mode", [*(str(m) for m in candidate.work_modes), UNKNOWN]))
    countries = candidate_countries(candidate)
    if ANYWHERE not in countries:
        must.append(Either((ranks_of("any_country", [YES]), any_of("countries", countries))))
    if rank != UNKNOWN_RANK:
        must.append(ranks_of("seniority_rank", _near(rank)))
    if candidate.employment_types:
        kinds = [str(kind) for kind in candidate.employment_types]
        must.append(any_of("employment_type", [*kinds, UNKNOWN]))
    floor = floor_eur(candidate.salary_floor) or 0.0
    if floor > 0:
        must.append(Either((Missing("salary_max_eur"), Between("salary_max_eur", gte=floor))))
    return Where(must=tuple(must), exclude_ids=tuple(sorted(exclude)))


def current(model_id: str, layout: int) -> Where:
    """Points written by this model with this payload layout (anything else is stale)."""
    return Where(must=(any_of("model", [model_id]), ranks_of("layout", [layout])))

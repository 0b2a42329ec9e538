"""Candidate × job: hard filters, a score with its parts, and the reasons a person reads (pure).

``hard_filter`` answers "may this job be shown at all", ``score`` "how good a fit and why",
``rank`` orders a candidate's jobs, dropping repeats of the same posting.

The score is a weighted mean of four parts, each 0..1, minus penalties:

- semantic: cosine of the profile text and the job text (from the embedder), clamped to 0..1;
- skills: how much of the job's skills the candidate has; required skills count 1, nice-to-have
  ones ``NICE_WEIGHT``. A job that lists no skills, or a candidate who gave none, scores
  ``NEUTRAL`` (we cannot tell, so neither helps nor hurts);
- title: the best ``title_similarity`` between the job title and the roles the candidate asked
  for or their last title; ``NEUTRAL`` when they gave neither;
- recency: 1 when posted today, halving every ``recency_half_life_days``; ``NEUTRAL`` when the
  posting has no date.

Penalties: no usable salary (none, or a currency without a rate) costs ``no_salary_penalty``;
a job in a role family the candidate said they do not want costs ``disliked_kind_penalty``; a
job whose embedding is at least ``similar_to_disliked_at`` close to a job they marked not
interested costs ``similar_to_disliked_penalty``.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import datetime

from core.domain import Seniority, WorkMode
from core.jobs import JobPosting, Location, company_key
from core.matches import (
    Candidate,
    Exclusion,
    Feedback,
    JobForMatching,
    LocationFit,
    Match,
    Reasons,
    SalaryFit,
)
from core.settings import MatchingSettings
from core.skills import SkillTaxonomy
from matching.money import floor_eur, range_eur
from matching.requirements import split_skills
from matching.titles import clean_title, role_family, title_similarity

NEUTRAL = 0.5  # a part we cannot judge: no skills listed, no titles given, no posting date
NICE_WEIGHT = 0.5  # a nice-to-have skill counts half a required one
TITLE_MATCH_AT = 0.75  # title part from which the reasons say "title matches"

_SENIORITY_ORDER = (
    Seniority.INTERN,
    Seniority.JUNIOR,
    Seniority.MID,
    Seniority.SENIOR,
    Seniority.LEAD,
    Seniority.PRINCIPAL,
)
SENIORITY_TOLERANCE = 1  # levels either way: a mid candidate still sees junior and senior jobs


def _codes(codes: str) -> frozenset[str]:
    return frozenset(codes.split())


# Countries in the areas normalization names ("Remote - EU", "Remote (DACH)"); an area not
# listed here (EMEA, APAC, Worldwide) is open to everyone.
_EU = _codes("AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE")
AREA_COUNTRIES: Mapping[str, frozenset[str]] = {
    "EU": _EU,
    "Europe": _EU | _codes("GB CH NO IS LI UA RS BA ME MK AL MD"),
    "DACH": frozenset({"DE", "AT", "CH"}),
    "Nordics": frozenset({"DK", "FI", "IS", "NO", "SE"}),
    "Benelux": frozenset({"BE", "NL", "LU"}),
    "CEE": _codes("PL CZ SK HU RO BG HR SI EE LV LT UA RS BA ME MK AL MD"),
    "North America": frozenset({"US", "CA", "MX"}),
    "LATAM": _codes("MX GT HN SV NI CR PA CU DO CO VE EC PE BO CL AR UY PY BR"),
    "Americas": _codes("US CA MX GT HN SV NI CR PA CU DO CO VE EC PE BO CL AR UY PY BR"),
}


@dataclass(frozen=True, slots=True)
class Weights:
    """How the parts add up and what the penalties cost; see ``MatchingSettings``."""

    semantic: float = 0.45
    skills: float = 0.30
    title: float = 0.15
    recency: float = 0.10
    threshold: float = 0.45
    no_salary_penalty: float = 0.05
    disliked_kind_penalty: float = 0.25
    similar_to_disliked_penalty: float = 0.15
    similar_to_disliked_at: float = 0.85
    recency_half_life_days: float = 14.0

    @classmethod
    def from_settings(cls, settings: MatchingSettings) -> Weights:
        return cls(
            semantic=settings.weight_semantic,
            skills=settings.weight_skills,
            title=settings.weight_title,
            recency=settings.weight_recency,
            threshold=settings.threshold,
            no_salary_penalty=settings.no_salary_penalty,
            disliked_kind_penalty=settings.disliked_kind_penalty,
            similar_to_disliked_penalty=settings.similar_to_disliked_penalty,
            recency_half_life_days=settings.recency_half_life_days,
        )


# --- small readings ----------------------------------------------------------------------------


def _fold(text: str | None) -> str:
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(ch for ch in decomposed if not unicodedata.combining(ch)).split())


def salary_fit(candidate: Candidate, posting: JobPosting) -> SalaryFit:
    floor = floor_eur(candidate.salary_floor)
    low, high = range_eur(posting.salary)
    if floor is None or low is None or high is None:
        return SalaryFit.UNKNOWN
    if high < floor:
        return SalaryFit.BELOW
    return SalaryFit.MEETS if low >= floor else SalaryFit.OVERLAPS


def _has_usable_salary(posting: JobPosting) -> bool:
    return range_eur(posting.salary)[1] is not None


def _countries_open(location: Location) -> frozenset[str] | None:
    """The countries a job location admits; None when it names no checkable place."""
    if location.country:
        return frozenset({location.country.upper()})
    if location.region and location.region in AREA_COUNTRIES:
        return AREA_COUNTRIES[location.region]
    return None


def _place_fit(place: Location, job_location: Location) -> LocationFit:
    """CITY, COUNTRY or NONE for one candidate place against one job location."""
    place_country = (place.country or "").upper()
    job_country = (job_location.country or "").upper()
    if place_country and job_country and place_country != job_country:
        return LocationFit.NONE
    if place.city and job_location.city:
        same_city = _fold(place.city) == _fold(job_location.city)
        return LocationFit.CITY if same_city else LocationFit.NONE
    if place.region and job_location.region and _fold(place.region) != _fold(job_location.region):
        return LocationFit.NONE
    if job_country and place_country:
        return LocationFit.COUNTRY  # one side named only a country (or a region in it)
    admitted = _countries_open(job_location)
    if admitted is not None and place_country in admitted:
        return LocationFit.COUNTRY
    return LocationFit.NONE


def location_fit(candidate: Candidate, posting: JobPosting) -> LocationFit:
    """How the job's place meets the candidate's places; NONE means excluded.

    A candidate without places takes anything (ANYWHERE). A remote job is open to the
    candidate unless its locations name countries (or areas) and none is theirs. An on-site,
    hybrid or unknown-mode job needs a city match, or a country match where one side named
    only a country. A job with no checkable location passes (ANYWHERE: nothing to hold
    against the candidate's places).
    """
    places = [p for p in candidate.places if p.city or p.country or p.region]
    if not places:
        return LocationFit.ANYWHERE
    if posting.work_mode is WorkMode.REMOTE:
        admitted = [_countries_open(location) for location in posting.locations]
        if not admitted or any(countries is None for countries in admitted):
            return LocationFit.REMOTE
        candidate_countries = {p.country.upper() for p in places if p.country}
        if not candidate_countries:
            return LocationFit.REMOTE
        open_to = frozenset().union(*(c for c in admitted if c is not None))
        return LocationFit.REMOTE if candidate_countries & open_to else LocationFit.NONE
    checkable = [loc for loc in posting.locations if loc.city or loc.country or loc.region]
    if not checkable:
        return LocationFit.ANYWHERE
    fits = {_place_fit(place, loc) for place in places for loc in checkable}
    if LocationFit.CITY in fits:
        return LocationFit.CITY
    if LocationFit.COUNTRY in fits:
        return LocationFit.COUNTRY
    only_unknown_areas = all(not loc.city and _countries_open(loc) is None for loc in checkable)
    return LocationFit.ANYWHERE if only_unknown_areas else LocationFit.NONE


def _seniority_gap(candidate: Seniority | None, job: Seniority | None) -> int | None:
    if candidate is None or job is None:
        return None
    return abs(_SENIORITY_ORDER.index(candidate) - _SENIORITY_ORDER.index(job))


# --- filters -----------------------------------------------------------------------------------


def hard_filter(
    candidate: Candidate,
    job: JobForMatching,
    *,
    feedback: Feedback,
    seen: AbstractSet[str],
) -> Exclusion | None:
    """The first hard filter the job fails for the candidate, or None when it may be shown.

    Unknowns pass: a job that does not state a work mode, place, salary, level or contract
    type is never excluded for it.
    """
    posting = job.posting
    if candidate.paused:
        return Exclusion.PAUSED
    if job.id in seen or job.id in feedback.not_interested:
        return Exclusion.SEEN
    if posting.company and company_key(posting.company) in _disliked_companies(feedback):
        return Exclusion.COMPANY
    if (
        candidate.work_modes
        and posting.work_mode is not None
        and posting.work_mode not in candidate.work_modes
    ):
        return Exclusion.WORK_MODE
    if location_fit(candidate, posting) is LocationFit.NONE:
        return Exclusion.LOCATION
    if salary_fit(candidate, posting) is SalaryFit.BELOW:
        return Exclusion.SALARY
    gap = _seniority_gap(candidate.seniority, posting.seniority)
    if gap is not None and gap > SENIORITY_TOLERANCE:
        return Exclusion.SENIORITY
    if (
        candidate.employment_types
        and posting.employment_type is not None
        and posting.employment_type not in candidate.employment_types
    ):
        return Exclusion.EMPLOYMENT_TYPE
    return None


def _disliked_companies(feedback: Feedback) -> set[str]:
    return {company_key(name) for name in feedback.companies} | set(feedback.companies)


# --- parts -------------------------------------------------------------------------------------


def skills_part(
    candidate: Candidate, posting: JobPosting, taxonomy: SkillTaxonomy
) -> tuple[float, tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """(coverage, matched, missing required, missing nice-to-have)."""
    required, nice = split_skills(posting, taxonomy)
    known = {_skill_key(skill, taxonomy) for skill in candidate.skills}
    matched = tuple(s for s in (*required, *nice) if _skill_key(s, taxonomy) in known)
    missing = tuple(s for s in required if _skill_key(s, taxonomy) not in known)
    missing_nice = tuple(s for s in nice if _skill_key(s, taxonomy) not in known)
    total = len(required) + NICE_WEIGHT * len(nice)
    if total == 0 or not candidate.skills:
        return NEUTRAL, matched, missing, missing_nice
    have = (len(required) - len(missing)) + NICE_WEIGHT * (len(nice) - len(missing_nice))
    return have / total, matched, missing, missing_nice


def _skill_key(skill: str, taxonomy: SkillTaxonomy) -> str:
    return (taxonomy.canonical(skill) or skill).casefold()


def title_part(candidate: Candidate, posting: JobPosting) -> float:
    wanted = [title for title in (*candidate.roles, candidate.title) if title]
    if not wanted:
        return NEUTRAL
    return max(title_similarity(title, posting.title) for title in wanted)


def recency_part(posting: JobPosting, now: datetime, half_life_days: float) -> float:
    if posting.posted_at is None:
        return NEUTRAL
    age = max(0, (now.date() - posting.posted_at).days)
    return math.pow(0.5, age / half_life_days) if half_life_days > 0 else 1.0


# --- score and rank ----------------------------------------------------------------------------


def score(
    candidate: Candidate,
    job: JobForMatching,
    *,
    similarity: float,
    now: datetime,
    weights: Weights,
    taxonomy: SkillTaxonomy,
    feedback: Feedback = Feedback(),  # noqa: B008 - a frozen value, safe as a default
    seen: AbstractSet[str] = frozenset(),
    disliked_similarity: float = 0.0,
) -> Match:
    """One candidate × one job: filters, parts, penalties, reasons. ``similarity`` is the cosine
    of their embeddings; ``disliked_similarity`` the highest cosine of this job to a job the
    candidate marked not interested."""
    posting = job.posting
    excluded = hard_filter(candidate, job, feedback=feedback, seen=seen)
    semantic = min(1.0, max(0.0, similarity))
    skills, matched, missing, missing_nice = skills_part(candidate, posting, taxonomy)
    title = title_part(candidate, posting)
    recency = recency_part(posting, now, weights.recency_half_life_days)
    parts = (
        (weights.semantic, semantic),
        (weights.skills, skills),
        (weights.title, title),
        (weights.recency, recency),
    )
    total_weight = sum(weight for weight, _ in parts)
    base = sum(weight * part for weight, part in parts) / total_weight if total_weight else 0.0
    penalty = 0.0
    if not _has_usable_salary(posting):
        penalty += weights.no_salary_penalty
    family = role_family(posting.title)
    if family is not None and family in feedback.role_kinds:
        penalty += weights.disliked_kind_penalty
    if disliked_similarity >= weights.similar_to_disliked_at:
        penalty += weights.similar_to_disliked_penalty
    final = round(min(1.0, max(0.0, base - penalty)), 6)
    gap = _seniority_gap(candidate.seniority, posting.seniority)
    reasons = Reasons(
        matched_skills=matched,
        missing_skills=missing,
        missing_nice=missing_nice,
        title_match=bool(candidate.roles or candidate.title) and title >= TITLE_MATCH_AT,
        salary=salary_fit(candidate, posting),
        location=location_fit(candidate, posting),
        seniority_exact=None if gap is None else gap == 0,
    )
    return Match(
        user_key=candidate.user_key,
        job_id=job.id,
        score=final,
        semantic=round(semantic, 6),
        skills=round(skills, 6),
        title=round(title, 6),
        recency=round(recency, 6),
        penalty=round(penalty, 6),
        excluded=excluded,
        would_send=excluded is None and final >= weights.threshold,
        reasons=reasons,
    )


def dedupe_key(posting: JobPosting) -> tuple[str, str, tuple[str, ...]]:
    """Postings with the same key are the same job: company, cleaned title, cities."""
    cities = tuple(sorted({_fold(loc.city) for loc in posting.locations if loc.city}))
    return company_key(posting.company or ""), clean_title(posting.title), cities


def order_key(match: Match) -> tuple[bool, float, str]:
    """Sort key, ascending: allowed jobs first, then by score, ties by job id. Sendable jobs come
    first with it: they are the allowed ones at or above the threshold."""
    return (match.excluded is not None, -match.score, match.job_id)


def rank(
    candidate: Candidate,
    jobs_with_similarity: Iterable[tuple[JobForMatching, float]],
    *,
    now: datetime,
    weights: Weights,
    taxonomy: SkillTaxonomy,
    feedback: Feedback = Feedback(),  # noqa: B008 - a frozen value, safe as a default
    seen: AbstractSet[str] = frozenset(),
    disliked_similarity: Mapping[str, float] | None = None,
) -> list[Match]:
    """A candidate's jobs, best first: would-send before the rest, then by score. Of the jobs
    that are the same posting (``dedupe_key``) only the best is kept; seen jobs are never
    would-send (they are excluded as SEEN)."""
    disliked = disliked_similarity or {}
    scored = [
        (
            score(
                candidate,
                job,
                similarity=similarity,
                now=now,
                weights=weights,
                taxonomy=taxonomy,
                feedback=feedback,
                seen=seen,
                disliked_similarity=disliked.get(job.id, 0.0),
            ),
            dedupe_key(job.posting),
        )
        for job, similarity in jobs_with_similarity
    ]
    scored.sort(key=lambda pair: order_key(pair[0]))
    kept: list[Match] = []
    keys: set[tuple[str, str, tuple[str, ...]]] = set()
    for match, key in scored:
        if key in keys:
            continue
        keys.add(key)
        kept.append(match)
    return kept

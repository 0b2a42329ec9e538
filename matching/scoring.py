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

The send decision (``would_send``) compares ``send_score`` (the same mean without recency,
minus the same penalties) with the threshold: recency orders, never decides, so a job is sent or
not the same way on any day while it is open. Before the threshold come the hard filters and the
send gates (``send_gates``): role family, core stack, spoken languages and licences.

Penalties: no usable salary (none, or a currency without a rate) costs ``no_salary_penalty``;
a job in a role family the candidate said they do not want costs ``disliked_kind_penalty``; a
job whose embedding is at least ``similar_to_disliked_at`` close to a job they marked not
interested costs ``similar_to_disliked_penalty``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import datetime

from core.domain import LanguageLevel, Seniority, SpokenLanguage, WorkMode
from core.geo import City, city_km, find_city, same_metro
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
from core.text import fold
from matching.money import floor_eur, range_eur
from matching.requirements import (
    held_licences,
    required_languages,
    required_licences,
    speaks,
    split_skills,
)
from matching.titles import clean_title, role_family, title_similarity

NEUTRAL = 0.5  # a part we cannot judge: no skills listed, no titles given, no posting date
NICE_WEIGHT = 0.5  # a nice-to-have skill counts half a required one
# Skill coverage counts at most this many required (and nice-to-have) skills: a recruiter asks
# whether someone has the key skills, and a wish list of twelve must not make a candidate with
# the four that matter look like a quarter of a fit. Measured on the labelled set (nDCG@10):
# uncapped coverage ranked worse than no skills part at all (0.939 against 0.947); capped at 3
# it ranks best (0.955) and zeroing it costs 0.009; caps of 4 and 6 gave 0.953 and 0.931.
SKILLS_THAT_COUNT = 3
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


# --- the send gates: data ---------------------------------------------------------------------

# Role families next to each other: a job of one is sent to someone who asked for the other only
# when they have at least ADJACENT_COVERAGE of its required skills. Narrower than
# ``matching.titles.RELATED`` (which only scores): a nurse is not next to a nurse practitioner
# (another licence), nor a sales rep to retail.
ADJACENT_FAMILIES: frozenset[frozenset[str]] = frozenset(
    frozenset(pair)
    for pair in (
        ("software_engineer", "devops_engineer"),
        ("software_engineer", "frontend_engineer"),
        ("software_engineer", "mobile_engineer"),
        ("software_engineer", "data_engineer"),
        ("software_engineer", "ml_engineer"),
        ("software_engineer", "software_architect"),
        ("software_engineer", "qa_engineer"),
        ("frontend_engineer", "mobile_engineer"),
        ("devops_engineer", "sysadmin"),
        ("devops_engineer", "security_engineer"),
        ("sysadmin", "it_support"),
        ("data_scientist", "ml_engineer"),
        ("data_scientist", "data_analyst"),
        ("data_scientist", "data_engineer"),
        ("data_engineer", "ml_engineer"),
        ("nurse", "care_assistant"),
        ("nurse", "medical_assistant"),
        ("sales", "presales"),
        ("sales", "customer_success"),
        ("customer_support", "customer_success"),
        ("it_support", "customer_support"),
        ("accountant", "finance"),
        ("teacher", "early_childhood"),
        ("warehouse", "logistics"),
        ("cook", "food_service"),
        ("product_manager", "project_manager"),
        ("lawyer", "paralegal"),
    )
)
ADJACENT_COVERAGE = 0.8  # share of an adjacent job's required skills they must have

# Core skills: a programming language, or a framework standing for its language. A job whose
# required skills name core groups none of which the candidate has is not theirs ("a Java job
# for a Python developer"). Single letters (C, R) are left out: running text finds them too
# easily. Licences have their own gate (``matching.requirements.required_licences``).
CORE_SKILLS: Mapping[str, str] = {
    "Python": "python", "Django": "python", "Flask": "python", "FastAPI": "python",
    "Java": "java", "Spring Boot": "java", "Kotlin": "kotlin", "Scala": "scala",
    "Groovy": "java", "JavaScript": "javascript", "TypeScript": "javascript",
    "React": "javascript", "Angular": "javascript", "Vue.js": "javascript",
    "Node.js": "javascript", "Next.js": "javascript", "Svelte": "javascript",
    "Go": "go", "Rust": "rust", "C#": "csharp", ".NET": "csharp", "C++": "cpp",
    "Ruby": "ruby", "Ruby on Rails": "ruby", "PHP": "php", "Laravel": "php",
    "Swift": "swift", "Objective-C": "swift", "Dart": "dart", "Flutter": "dart",
    "Elixir": "elixir", "Perl": "perl", "Haskell": "haskell", "Clojure": "clojure",
    "Solidity": "solidity",
}  # fmt: skip

# With no languages given, we assume the chat's language natively and fluent English, and only
# explicit requirements gate (a job merely written in German is still shown): an ad's language
# is often the local habit, and we do not know what they speak.
ASSUMED_ENGLISH = SpokenLanguage(code="en", level=LanguageLevel.FLUENT)

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
    # Title similarity adds nothing the embedding and the role gates don't already say: on the
    # labelled set, with skills capped, zeroing it cost 0.0003 nDCG@10. It stays a reason ("the
    # title matches") and a setting, weighing nothing by default.
    title: float = 0.0
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
        same_city = fold(place.city) == fold(job_location.city)
        return LocationFit.CITY if same_city else LocationFit.NONE
    if place.region and job_location.region and fold(place.region) != fold(job_location.region):
        return LocationFit.NONE
    if job_country and place_country:
        return LocationFit.COUNTRY  # one side named only a country (or a region in it)
    admitted = _countries_open(job_location)
    if admitted is not None and place_country in admitted:
        return LocationFit.COUNTRY
    return LocationFit.NONE


def _home_cities(candidate: Candidate) -> list[City]:
    return [
        city
        for place in candidate.places
        if place.city and (city := find_city(place.city, place.country)) is not None
    ]


def _commute_hub(candidate: Candidate) -> City | None:
    """The commute place, looked up in the candidate's own countries first."""
    if candidate.commute is None:
        return None
    for country in sorted({p.country for p in candidate.places if p.country}):
        hub = find_city(candidate.commute.place, country)
        if hub is not None:
            return hub
    return find_city(candidate.commute.place)


def nearby(candidate: Candidate, posting: JobPosting) -> tuple[str, str, float] | None:
    """(the job's town, the candidate's city or commute place, km) for the closest job town in
    one of their cities' metro areas (``core.geo.same_metro``) or within their commute radius;
    None when there is none."""
    homes = _home_cities(candidate)
    hub = _commute_hub(candidate)
    best: tuple[str, str, float] | None = None
    for location in posting.locations:
        if not location.city:
            continue
        town = find_city(location.city, location.country)
        if town is None:
            continue
        near = [(home.name, city_km(home, town)) for home in homes if same_metro(home, town)]
        if hub is not None and candidate.commute is not None:
            km = city_km(hub, town)
            if km <= candidate.commute.radius_km:
                near.append((candidate.commute.place, km))
        for name, km in near:
            if best is None or km < best[2]:
                best = (location.city, name, round(km, 1))
    return best


def location_fit(candidate: Candidate, posting: JobPosting) -> LocationFit:
    """How the job's place meets the candidate's places; NONE means excluded.

    A candidate without places takes anything (ANYWHERE). A remote job is open to the
    candidate unless its locations name countries (or areas) and none is theirs. An on-site,
    hybrid or unknown-mode job needs a city match, a town in their city's metro area or within
    their commute radius (NEARBY), or a country match where one side named only a country. A job
    with no checkable location passes (ANYWHERE: nothing to hold against the candidate's places).
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
    if nearby(candidate, posting) is not None:
        return LocationFit.NEARBY
    if LocationFit.COUNTRY in fits:
        return LocationFit.COUNTRY
    only_unknown_areas = all(not loc.city and _countries_open(loc) is None for loc in checkable)
    return LocationFit.ANYWHERE if only_unknown_areas else LocationFit.NONE


def _seniority_gap(candidate: Seniority | None, job: Seniority | None) -> int | None:
    if candidate is None or job is None:
        return None
    return abs(_SENIORITY_ORDER.index(candidate) - _SENIORITY_ORDER.index(job))


# --- filters -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Gates:
    """The send gates' verdict and what the reasons say about it."""

    excluded: Exclusion | None = None
    adjacent_family: str | None = None  # sent as next to a family they asked for
    adjacent_have: int = 0
    adjacent_of: int = 0
    missing_core: tuple[str, ...] = ()
    stretch: bool = False  # missing core stack, sent because they opted in
    languages: tuple[str, ...] = ()  # codes the job requires (and they speak)
    licences: tuple[str, ...] = ()  # licences the job requires (and they hold)


def wanted_families(candidate: Candidate) -> frozenset[str]:
    """The role families of the roles they asked for and of their last title."""
    titles = (*candidate.roles, *((candidate.title,) if candidate.title else ()))
    return frozenset(f for f in map(role_family, titles) if f is not None)


def missing_languages(candidate: Candidate, posting: JobPosting) -> tuple[str, ...]:
    """Codes of the languages the job requires that the candidate does not speak well enough.

    With languages given, the job's own language counts (at WORKING level) as well as the
    phrases; without, only the phrases, against the chat's language and English (see
    ``ASSUMED_ENGLISH``)."""
    needed = required_languages(posting, written=bool(candidate.languages))
    spoken = candidate.languages or (
        SpokenLanguage(code=candidate.lang, level=LanguageLevel.NATIVE),
        ASSUMED_ENGLISH,
    )
    return tuple(need.code for need in needed if not speaks(spoken, need))


def missing_licences(candidate: Candidate, posting: JobPosting) -> tuple[str, ...]:
    """Licences the job requires that the candidate does not hold; none when they listed no
    licences (we cannot tell, and unknowns pass)."""
    if not candidate.licences:
        return ()
    held = held_licences(candidate.licences)
    return tuple(name for name in required_licences(posting) if name not in held)


def send_gates(
    candidate: Candidate,
    posting: JobPosting,
    required: tuple[str, ...],
    missing: tuple[str, ...],
    taxonomy: SkillTaxonomy,
) -> Gates:
    """Language, licence, role-family and core-stack gates for one job; ``required`` and
    ``missing`` are the job's required skills and those the candidate lacks (``skills_part``).

    Role: the job's family must be one they want, or ``ADJACENT_FAMILIES`` next to one with at
    least ``ADJACENT_COVERAGE`` of its required skills (a job that lists none cannot show that).
    An unknown family on either side passes. Core stack: when the job's required skills name
    ``CORE_SKILLS`` groups and the candidate has none of them, ROLE-like exclusion as
    CORE_STACK, or a stretch when they opted in; a candidate who named no core skill passes.
    """
    gone_languages = missing_languages(candidate, posting)
    if gone_languages:
        return Gates(excluded=Exclusion.LANGUAGE)
    gone_licences = missing_licences(candidate, posting)
    if gone_licences:
        return Gates(excluded=Exclusion.LICENCE)
    languages = tuple(need.code for need in required_languages(posting, written=True))
    licences = required_licences(posting)
    family = role_family(posting.title)
    wanted = wanted_families(candidate)
    adjacent: str | None = None
    have, of = len(required) - len(missing), len(required)
    if family is not None and wanted and family not in wanted:
        next_to = any(frozenset({family, mine}) in ADJACENT_FAMILIES for mine in wanted)
        if not next_to or not candidate.skills or of == 0 or have / of < ADJACENT_COVERAGE:
            return Gates(excluded=Exclusion.ROLE)
        adjacent = family
    missing_core: tuple[str, ...] = ()
    # Only a known stack can miss: someone who named no core language or framework at all (no
    # resume, only "Backend Developer") is not told a Python job is outside theirs.
    mine = {_core_group(skill, taxonomy) for skill in candidate.skills} - {None}
    if mine:
        groups = {_core_group(skill, taxonomy) for skill in required} - {None}
        if groups and not groups & mine:
            missing_core = tuple(s for s in required if _core_group(s, taxonomy) is not None)
    if missing_core and not candidate.stretch:
        return Gates(excluded=Exclusion.CORE_STACK, missing_core=missing_core)
    return Gates(
        adjacent_family=adjacent,
        adjacent_have=have if adjacent else 0,
        adjacent_of=of if adjacent else 0,
        missing_core=missing_core,
        stretch=bool(missing_core),
        languages=languages,
        licences=licences,
    )


def _core_group(skill: str, taxonomy: SkillTaxonomy) -> str | None:
    return CORE_SKILLS.get(taxonomy.canonical(skill) or skill)


def hard_filter(
    candidate: Candidate,
    job: JobForMatching,
    *,
    feedback: Feedback,
    seen: AbstractSet[str],
    taxonomy: SkillTaxonomy | None = None,
) -> Exclusion | None:
    """The first hard filter the job fails for the candidate, or None when it may be shown.

    Unknowns pass: a job that does not state a work mode, place, salary, level or contract
    type is never excluded for it. With a ``taxonomy`` the send gates (``send_gates``: language,
    licence, role family, core stack) run too; ``score`` always runs them.
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
    if taxonomy is not None:
        _, _, missing, _ = skills_part(candidate, posting, taxonomy)
        required, _ = split_skills(posting, taxonomy)
        return send_gates(candidate, posting, required, missing, taxonomy).excluded
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
    total = min(len(required), SKILLS_THAT_COUNT) + NICE_WEIGHT * min(len(nice), SKILLS_THAT_COUNT)
    if total == 0 or not candidate.skills:
        return NEUTRAL, matched, missing, missing_nice
    have = (len(required) - len(missing)) + NICE_WEIGHT * (len(nice) - len(missing_nice))
    return min(1.0, have / total), matched, missing, missing_nice


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
    semantic = min(1.0, max(0.0, similarity))
    skills, matched, missing, missing_nice = skills_part(candidate, posting, taxonomy)
    gates = send_gates(candidate, posting, split_skills(posting, taxonomy)[0], missing, taxonomy)
    excluded = hard_filter(candidate, job, feedback=feedback, seen=seen) or gates.excluded
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
    timeless = parts[:3]  # without recency: what the send decision compares
    timeless_weight = sum(weight for weight, _ in timeless)
    send_sum = sum(weight * part for weight, part in timeless)
    send_base = send_sum / timeless_weight if timeless_weight else 0.0
    penalty = 0.0
    if not _has_usable_salary(posting):
        penalty += weights.no_salary_penalty
    family = role_family(posting.title)
    if family is not None and family in feedback.role_kinds:
        penalty += weights.disliked_kind_penalty
    if disliked_similarity >= weights.similar_to_disliked_at:
        penalty += weights.similar_to_disliked_penalty
    final = round(min(1.0, max(0.0, base - penalty)), 6)
    send_score = round(min(1.0, max(0.0, send_base - penalty)), 6)
    gap = _seniority_gap(candidate.seniority, posting.seniority)
    location = location_fit(candidate, posting)
    near = nearby(candidate, posting) if location is LocationFit.NEARBY else None
    reasons = Reasons(
        matched_skills=matched,
        missing_skills=missing,
        missing_nice=missing_nice,
        title_match=bool(candidate.roles or candidate.title) and title >= TITLE_MATCH_AT,
        salary=salary_fit(candidate, posting),
        location=location,
        seniority_exact=None if gap is None else gap == 0,
        adjacent_family=gates.adjacent_family,
        adjacent_have=gates.adjacent_have,
        adjacent_of=gates.adjacent_of,
        missing_core=gates.missing_core,
        stretch=gates.stretch,
        near_place=near[0] if near else None,
        near_of=near[1] if near else None,
        near_km=near[2] if near else None,
        required_languages=gates.languages,
        required_licences=gates.licences,
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
        send_score=send_score,
        would_send=excluded is None and send_score >= weights.threshold,
        reasons=reasons,
    )


def dedupe_key(posting: JobPosting) -> tuple[str, str, tuple[str, ...]]:
    """Postings with the same key are the same job: company, cleaned title, cities."""
    cities = tuple(sorted({fold(loc.city) for loc in posting.locations if loc.city}))
    return company_key(posting.company or ""), clean_title(posting.title), cities


def order_key(match: Match) -> tuple[bool, bool, float, str]:
    """Sort key, ascending: allowed jobs first, sendable ones before the rest of them, then by
    score (recency included: it orders), ties by job id."""
    return (match.excluded is not None, not match.would_send, -match.score, match.job_id)


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

"""Scoring: hard filters, parts, penalties, reasons and ranking, as tables."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from core.domain import EmploymentType, SalaryFloor, Seniority, WorkMode
from core.jobs import Extraction, JobPosting, Location, Salary, SalaryPeriod, SourceKind
from core.matches import (
    Candidate,
    Exclusion,
    Feedback,
    JobForMatching,
    LocationFit,
    Match,
    SalaryFit,
)
from core.settings import MatchingSettings
from core.skills import SkillTaxonomy
from matching.scoring import (
    NEUTRAL,
    NICE_WEIGHT,
    Weights,
    dedupe_key,
    hard_filter,
    rank,
    score,
)

TAXONOMY = SkillTaxonomy.load()
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
WEIGHTS = Weights()

BERLIN = Location(city="Berlin", country="DE", raw="Berlin, Germany")
MUNICH = Location(city="München", country="DE", raw="München")
MADRID = Location(city="Madrid", country="ES", raw="Madrid")
GERMANY = Location(country="DE", raw="Germany")
SPAIN = Location(country="ES", raw="Spain")
USA = Location(country="US", raw="United States")
REMOTE_GERMANY = Location(country="DE", raw="Remote (Germany only)")
REMOTE_EU = Location(region="EU", raw="Remote - EU")
REMOTE_ANYWHERE = Location(raw="Remote")
EMEA = Location(region="EMEA", raw="EMEA")


def eur(low: float, high: float, currency: str = "EUR", period: str = "year") -> Salary:
    per_year = {"year": 1.0, "month": 12.0, "hour": 2080.0}[period]
    return Salary(
        minimum=low,
        maximum=high,
        currency=currency,
        period=SalaryPeriod(period),
        annual_minimum=low * per_year,
        annual_maximum=high * per_year,
    )


SALARY = eur(60_000, 75_000)


def candidate(**fields: Any) -> Candidate:
    base: dict[str, Any] = {
        "user_key": "tg:1",
        "roles": ("Backend Developer",),
        "skills": ("Python", "PostgreSQL", "Docker"),
    }
    return Candidate(**(base | fields))


def job(job_id: str = "j1", **fields: Any) -> JobForMatching:
    base: dict[str, Any] = {
        "source_kind": SourceKind.GREENHOUSE,
        "extraction": Extraction.ATS_API,
        "title": "Backend Engineer",
        "company": "Acme GmbH",
        "locations": (BERLIN,),
        "work_mode": WorkMode.HYBRID,
        "salary": SALARY,
        "description_md": "## Requirements\n- Python\n- PostgreSQL\n\n## Nice to have\n- Kafka",
        "posted_at": NOW.date(),
    }
    posting = JobPosting(**(base | fields))
    if "skills" not in fields:
        posting = posting.model_copy(
            update={"skills": TAXONOMY.find_in_text(f"{posting.title}\n{posting.description_md}")}
        )
    return JobForMatching(id=job_id, posting=posting)


def match(c: Candidate, j: JobForMatching, similarity: float = 0.6, **kwargs: Any) -> Match:
    options: dict[str, Any] = {"now": NOW, "weights": WEIGHTS, "taxonomy": TAXONOMY}
    return score(c, j, similarity=similarity, **(options | kwargs))


# --- hard filters ------------------------------------------------------------------------------

FLOOR_60K = SalaryFloor(amount=60_000, currency="EUR")


@pytest.mark.parametrize(
    ("cand", "the_job", "feedback", "seen", "expected"),
    [
        # paused and seen
        pytest.param(candidate(paused=True), job(), Feedback(), set(), Exclusion.PAUSED,
                     id="paused"),
        pytest.param(candidate(), job("j9"), Feedback(), {"j9"}, Exclusion.SEEN, id="seen-sent"),
        pytest.param(
            candidate(), job("j9"), Feedback(not_interested=("j9",)), set(), Exclusion.SEEN,
            id="seen-not-interested",
        ),
        pytest.param(candidate(), job("j8"), Feedback(not_interested=("j9",)), {"j7"}, None,
                     id="other-ids-pass"),
        # company
        pytest.param(candidate(), job(company="ACME GmbH"), Feedback(companies=("acme",)), set(),
                     Exclusion.COMPANY, id="company-disliked-by-key"),
        pytest.param(candidate(), job(company="Acme"), Feedback(companies=("Acme Inc.",)), set(),
                     Exclusion.COMPANY, id="company-disliked-by-name"),
        pytest.param(candidate(), job(company="Acmeville"), Feedback(companies=("acme",)), set(),
                     None, id="company-other"),
        pytest.param(candidate(), job(company=None), Feedback(companies=("acme",)), set(), None,
                     id="company-unknown"),
        # work mode
        pytest.param(candidate(work_modes=(WorkMode.REMOTE,)), job(work_mode=WorkMode.HYBRID),
                     Feedback(), set(), Exclusion.WORK_MODE, id="mode-remote-only-vs-hybrid"),
        pytest.param(candidate(work_modes=(WorkMode.REMOTE, WorkMode.HYBRID)),
                     job(work_mode=WorkMode.HYBRID), Feedback(), set(), None, id="mode-listed"),
        pytest.param(candidate(work_modes=()), job(work_mode=WorkMode.ONSITE), Feedback(), set(),
                     None, id="mode-any"),
        pytest.param(candidate(work_modes=(WorkMode.REMOTE,)), job(work_mode=None), Feedback(),
                     set(), None, id="mode-unknown-job-passes"),
    ],
)  # fmt: skip
def test_hard_filter_basics(
    cand: Candidate,
    the_job: JobForMatching,
    feedback: Feedback,
    seen: set[str],
    expected: Exclusion | None,
) -> None:
    assert hard_filter(cand, the_job, feedback=feedback, seen=seen) == expected


@pytest.mark.parametrize(
    ("places", "work_mode", "locations", "excluded", "fit"),
    [
        pytest.param((), WorkMode.ONSITE, (MADRID,), False, LocationFit.ANYWHERE, id="no-places"),
        pytest.param((MADRID,), WorkMode.REMOTE, (REMOTE_ANYWHERE,), False, LocationFit.REMOTE,
                     id="remote-open"),
        pytest.param((MADRID,), WorkMode.REMOTE, (), False, LocationFit.REMOTE,
                     id="remote-no-location"),
        pytest.param((MADRID,), WorkMode.REMOTE, (REMOTE_GERMANY,), True, LocationFit.NONE,
                     id="remote-germany-only-vs-spain"),
        pytest.param((BERLIN,), WorkMode.REMOTE, (REMOTE_GERMANY,), False, LocationFit.REMOTE,
                     id="remote-germany-only-vs-berlin"),
        pytest.param((SPAIN,), WorkMode.REMOTE, (USA, REMOTE_GERMANY), True, LocationFit.NONE,
                     id="remote-us-or-germany-vs-spain"),
        pytest.param((SPAIN,), WorkMode.REMOTE, (USA, SPAIN), False, LocationFit.REMOTE,
                     id="remote-us-or-spain-vs-spain"),
        pytest.param((MADRID,), WorkMode.REMOTE, (REMOTE_EU,), False, LocationFit.REMOTE,
                     id="remote-eu-vs-spain"),
        pytest.param((USA,), WorkMode.REMOTE, (REMOTE_EU,), True, LocationFit.NONE,
                     id="remote-eu-vs-usa"),
        pytest.param((USA,), WorkMode.REMOTE, (EMEA,), False, LocationFit.REMOTE,
                     id="remote-unknown-area-passes"),
        pytest.param((BERLIN,), WorkMode.ONSITE, (BERLIN,), False, LocationFit.CITY,
                     id="onsite-same-city"),
        pytest.param((BERLIN, MADRID), WorkMode.HYBRID, (MUNICH, MADRID), False, LocationFit.CITY,
                     id="hybrid-one-of-the-cities"),
        pytest.param((BERLIN,), WorkMode.ONSITE, (MUNICH,), True, LocationFit.NONE,
                     id="onsite-other-city-same-country"),
        pytest.param((BERLIN,), WorkMode.HYBRID, (MADRID,), True, LocationFit.NONE,
                     id="hybrid-other-country"),
        pytest.param((GERMANY,), WorkMode.ONSITE, (MUNICH,), False, LocationFit.COUNTRY,
                     id="candidate-named-only-a-country"),
        pytest.param((BERLIN,), WorkMode.ONSITE, (GERMANY,), False, LocationFit.COUNTRY,
                     id="job-names-only-a-country"),
        pytest.param((SPAIN,), WorkMode.ONSITE, (MUNICH,), True, LocationFit.NONE,
                     id="country-only-other-country"),
        pytest.param((BERLIN,), WorkMode.ONSITE, (), False, LocationFit.ANYWHERE,
                     id="job-location-unknown"),
        pytest.param((BERLIN,), None, (MUNICH,), True, LocationFit.NONE,
                     id="unknown-mode-needs-a-place"),
        pytest.param((BERLIN,), WorkMode.ONSITE, (EMEA,), False, LocationFit.ANYWHERE,
                     id="onsite-unknown-area-passes"),
        pytest.param((BERLIN,), WorkMode.ONSITE, (EMEA, MUNICH), True, LocationFit.NONE,
                     id="onsite-unknown-area-and-other-city"),
        pytest.param((SPAIN,), WorkMode.HYBRID, (REMOTE_EU,), False, LocationFit.COUNTRY,
                     id="hybrid-in-an-area-that-holds-the-country"),
        pytest.param((Location(city="München", region="Bayern", country="DE", raw="München"),),
                     WorkMode.ONSITE, (Location(region="Hessen", country="DE", raw="Hessen"),),
                     True, LocationFit.NONE, id="other-region-same-country"),
        pytest.param((Location(city="Berlin", raw="Berlin"),), WorkMode.ONSITE, (BERLIN,), False,
                     LocationFit.CITY, id="candidate-city-without-country"),
    ],
)  # fmt: skip
def test_location(
    places: tuple[Location, ...],
    work_mode: WorkMode | None,
    locations: tuple[Location, ...],
    excluded: bool,
    fit: LocationFit,
) -> None:
    cand = candidate(places=places)
    the_job = job(work_mode=work_mode, locations=locations)
    expected = Exclusion.LOCATION if excluded else None
    assert hard_filter(cand, the_job, feedback=Feedback(), seen=set()) == expected
    assert match(cand, the_job).reasons.location == fit


def hourly(rate: float, *, annual: bool = True) -> Salary:
    return Salary(
        minimum=rate,
        maximum=rate,
        currency="EUR",
        period=SalaryPeriod.HOUR,
        annual_minimum=rate * 2080 if annual else None,
        annual_maximum=rate * 2080 if annual else None,
    )


@pytest.mark.parametrize(
    ("floor", "salary", "excluded", "fit"),
    [
        pytest.param(FLOOR_60K, eur(40_000, 50_000), True, SalaryFit.BELOW, id="whole-range-below"),
        pytest.param(FLOOR_60K, eur(50_000, 60_000), False, SalaryFit.OVERLAPS,
                     id="floor-equals-max"),
        pytest.param(FLOOR_60K, eur(50_000, 59_999), True, SalaryFit.BELOW, id="max-just-below"),
        pytest.param(FLOOR_60K, eur(55_000, 70_000), False, SalaryFit.OVERLAPS, id="overlapping"),
        pytest.param(FLOOR_60K, eur(60_000, 70_000), False, SalaryFit.MEETS, id="min-meets"),
        pytest.param(FLOOR_60K, None, False, SalaryFit.UNKNOWN, id="no-salary-passes"),
        pytest.param(FLOOR_60K, eur(70_000, 80_000, "USD"), False, SalaryFit.MEETS,
                     id="usd-above"),
        pytest.param(FLOOR_60K, eur(55_000, 64_000, "USD"), True, SalaryFit.BELOW,
                     id="usd-below-once-converted"),
        pytest.param(FLOOR_60K, eur(10, 20, "XYZ"), False, SalaryFit.UNKNOWN,
                     id="unknown-currency-passes"),
        pytest.param(FLOOR_60K, hourly(25.0), True, SalaryFit.BELOW, id="hourly-annualized-below"),
        pytest.param(FLOOR_60K, hourly(35.0), False, SalaryFit.MEETS, id="hourly-annualized-meets"),
        pytest.param(FLOOR_60K, hourly(35.0, annual=False), False, SalaryFit.MEETS,
                     id="hourly-without-annual-figures"),
        pytest.param(SalaryFloor(amount=5_000, currency="EUR", period="month"), eur(50_000, 55_000),
                     True, SalaryFit.BELOW, id="monthly-floor"),
        pytest.param(SalaryFloor(amount=55_000, currency="GBP"), eur(55_000, 60_000), True,
                     SalaryFit.BELOW, id="floor-in-gbp"),
        pytest.param(None, eur(10_000, 12_000), False, SalaryFit.UNKNOWN, id="no-floor"),
        pytest.param(FLOOR_60K, Salary(minimum=65_000, currency="EUR", period=SalaryPeriod.YEAR,
                                       annual_minimum=65_000), False, SalaryFit.MEETS,
                     id="minimum-only"),
    ],
)  # fmt: skip
def test_salary(
    floor: SalaryFloor | None, salary: Salary | None, excluded: bool, fit: SalaryFit
) -> None:
    cand = candidate(salary_floor=floor)
    the_job = job(salary=salary)
    expected = Exclusion.SALARY if excluded else None
    assert hard_filter(cand, the_job, feedback=Feedback(), seen=set()) == expected
    assert match(cand, the_job).reasons.salary == fit


@pytest.mark.parametrize(
    ("wanted", "offered", "excluded", "exact"),
    [
        pytest.param(Seniority.MID, Seniority.MID, False, True, id="same"),
        pytest.param(Seniority.MID, Seniority.SENIOR, False, False, id="one-up"),
        pytest.param(Seniority.MID, Seniority.JUNIOR, False, False, id="one-down"),
        pytest.param(Seniority.MID, Seniority.LEAD, True, False, id="two-up"),
        pytest.param(Seniority.MID, Seniority.INTERN, True, False, id="two-down"),
        pytest.param(Seniority.JUNIOR, Seniority.PRINCIPAL, True, False, id="four-up"),
        pytest.param(Seniority.SENIOR, None, False, None, id="job-unknown"),
        pytest.param(None, Seniority.PRINCIPAL, False, None, id="candidate-unknown"),
    ],
)
def test_seniority(
    wanted: Seniority | None, offered: Seniority | None, excluded: bool, exact: bool | None
) -> None:
    cand = candidate(seniority=wanted)
    the_job = job(seniority=offered)
    expected = Exclusion.SENIORITY if excluded else None
    assert hard_filter(cand, the_job, feedback=Feedback(), seen=set()) == expected
    assert match(cand, the_job).reasons.seniority_exact is exact


@pytest.mark.parametrize(
    ("wanted", "offered", "excluded"),
    [
        pytest.param((EmploymentType.FULL_TIME,), EmploymentType.PART_TIME, True, id="other"),
        pytest.param(
            (EmploymentType.FULL_TIME, EmploymentType.CONTRACT),
            EmploymentType.CONTRACT,
            False,
            id="listed",
        ),
        pytest.param((), EmploymentType.INTERNSHIP, False, id="any"),
        pytest.param((EmploymentType.FULL_TIME,), None, False, id="job-unknown"),
    ],
)
def test_employment_type(
    wanted: tuple[EmploymentType, ...], offered: EmploymentType | None, excluded: bool
) -> None:
    cand = candidate(employment_types=wanted)
    expected = Exclusion.EMPLOYMENT_TYPE if excluded else None
    the_job = job(employment_type=offered)
    assert hard_filter(cand, the_job, feedback=Feedback(), seen=set()) == expected


def test_filters_apply_in_order() -> None:
    """A job failing every filter reports them one by one as each is fixed, in this order."""
    cand = candidate(
        paused=True,
        work_modes=(WorkMode.REMOTE,),
        places=(MADRID,),
        salary_floor=FLOOR_60K,
        seniority=Seniority.JUNIOR,
        employment_types=(EmploymentType.FULL_TIME,),
    )
    posting: dict[str, Any] = {
        "company": "Acme",
        "work_mode": WorkMode.ONSITE,
        "locations": (BERLIN,),
        "salary": eur(30_000, 40_000),
        "seniority": Seniority.PRINCIPAL,
        "employment_type": EmploymentType.PART_TIME,
    }
    feedback = Feedback(companies=("acme",))
    seen: set[str] = {"j1"}
    fixes: list[tuple[Exclusion, dict[str, Any]]] = [
        (Exclusion.PAUSED, {}),
        (Exclusion.SEEN, {}),
        (Exclusion.COMPANY, {"company": "Other"}),
        (Exclusion.WORK_MODE, {"work_mode": WorkMode.REMOTE}),
        (Exclusion.LOCATION, {"locations": (SPAIN,)}),
        (Exclusion.SALARY, {"salary": None}),
        (Exclusion.SENIORITY, {"seniority": None}),
        (Exclusion.EMPLOYMENT_TYPE, {"employment_type": None}),
    ]
    for expected, job_fix in fixes:
        assert hard_filter(cand, job(**posting), feedback=feedback, seen=seen) == expected
        if expected is Exclusion.PAUSED:
            cand = cand.model_copy(update={"paused": False})
        if expected is Exclusion.SEEN:
            seen = set()
        posting |= job_fix
    assert hard_filter(cand, job(**posting), feedback=feedback, seen=seen) is None


# --- parts, penalties, threshold ---------------------------------------------------------------


def test_score_is_the_weighted_mean_of_its_parts_minus_penalties() -> None:
    weights = Weights(semantic=2.0, skills=1.0, title=1.0, recency=0.0, no_salary_penalty=0.07)
    result = match(candidate(), job(salary=None), similarity=0.4, weights=weights)
    mean = (2.0 * result.semantic + result.skills + result.title) / 4.0
    assert result.penalty == pytest.approx(0.07)
    assert result.score == pytest.approx(mean - 0.07, abs=1e-6)


@pytest.mark.parametrize(
    ("similarity", "expected"),
    [(-0.3, 0.0), (0.0, 0.0), (0.42, 0.42), (1.2, 1.0)],
    ids=["negative", "zero", "as-is", "above-one"],
)
def test_semantic_is_clamped(similarity: float, expected: float) -> None:
    assert match(candidate(), job(), similarity=similarity).semantic == pytest.approx(expected)


@pytest.mark.parametrize(
    ("skills", "description", "matched", "missing", "missing_nice"),
    [
        pytest.param(
            ("Python", "PostgreSQL", "Kafka"),
            "## Requirements\n- Python\n- PostgreSQL\n\n## Nice to have\n- Kafka",
            ("Python", "PostgreSQL", "Kafka"), (), (), id="all",
        ),
        pytest.param(
            ("Python",),
            "## Requirements\n- Python\n- PostgreSQL\n\n## Nice to have\n- Kafka\n- Redis",
            ("Python",), ("PostgreSQL",), ("Kafka", "Redis"), id="gap",
        ),
        pytest.param(
            ("python", "k8s"),  # typed, not canonical: still recognised
            "Requirements: Python, Kubernetes, Terraform",
            ("Python", "Kubernetes"), ("Terraform",), (), id="aliases",
        ),
        pytest.param(
            ("Kafka",),
            "## Requirements\n- Python\n\n## Nice to have\n- Kafka",
            ("Kafka",), ("Python",), (), id="only-nice",
        ),
    ],
)  # fmt: skip
def test_skills_part_and_reasons(
    skills: tuple[str, ...],
    description: str,
    matched: tuple[str, ...],
    missing: tuple[str, ...],
    missing_nice: tuple[str, ...],
) -> None:
    result = match(candidate(skills=skills), job(title="Engineer", description_md=description))
    assert result.reasons.matched_skills == matched
    assert result.reasons.missing_skills == missing
    assert result.reasons.missing_nice == missing_nice
    nice_total = len([s for s in matched if s in ("Kafka", "Redis")]) + len(missing_nice)
    nice_have = nice_total - len(missing_nice)
    required_total = len(matched) - nice_have + len(missing)
    expected = (required_total - len(missing) + NICE_WEIGHT * nice_have) / (
        required_total + NICE_WEIGHT * nice_total
    )
    assert result.skills == pytest.approx(expected, abs=1e-6)


@pytest.mark.parametrize(
    ("skills", "description"),
    [
        pytest.param(("Python",), "We are a friendly team.", id="job-lists-none"),
        pytest.param((), "## Requirements\n- Python", id="candidate-gave-none"),
    ],
)
def test_skills_part_neutral(skills: tuple[str, ...], description: str) -> None:
    result = match(candidate(skills=skills), job(title="Engineer", description_md=description))
    assert result.skills == NEUTRAL


@pytest.mark.parametrize(
    ("roles", "title", "job_title", "expected_match"),
    [
        pytest.param(("Backend Developer",), None, "Senior Softwareentwickler (m/w/d)", True,
                     id="role-synonym"),
        pytest.param(("Nurse",), "Software Engineer", "Backend Engineer", True,
                     id="last-title-counts"),
        pytest.param(("Data Scientist",), None, "ML Engineer", False, id="related-not-a-match"),
        pytest.param(("Accountant",), None, "Backend Engineer", False, id="unrelated"),
    ],
)  # fmt: skip
def test_title_part(
    roles: tuple[str, ...], title: str | None, job_title: str, expected_match: bool
) -> None:
    result = match(candidate(roles=roles, title=title), job(title=job_title))
    assert result.reasons.title_match is expected_match
    assert (result.title >= 0.75) is expected_match


def test_title_part_neutral_without_titles() -> None:
    assert match(candidate(roles=(), title=None), job()).title == NEUTRAL


@pytest.mark.parametrize(
    ("posted", "expected"),
    [
        pytest.param(NOW.date(), 1.0, id="today"),
        pytest.param(NOW.date() - timedelta(days=14), 0.5, id="one-half-life"),
        pytest.param(NOW.date() - timedelta(days=28), 0.25, id="two-half-lives"),
        pytest.param(NOW.date() + timedelta(days=3), 1.0, id="future-date"),
        pytest.param(None, NEUTRAL, id="unknown"),
    ],
)
def test_recency(posted: date | None, expected: float) -> None:
    assert match(candidate(), job(posted_at=posted)).recency == pytest.approx(expected)


def test_no_salary_ranks_lower_but_is_not_excluded() -> None:
    paid, unpaid = match(candidate(), job(salary=SALARY)), match(candidate(), job(salary=None))
    assert unpaid.excluded is None
    assert unpaid.penalty - paid.penalty == pytest.approx(WEIGHTS.no_salary_penalty)
    assert unpaid.score < paid.score
    unknown_currency = match(candidate(), job(salary=eur(1, 2, "XYZ")))
    assert unknown_currency.score == unpaid.score


def test_disliked_kind_of_role() -> None:
    sales = job(title="Account Executive (m/w/d)", description_md="Sell our SaaS.")
    liked = match(candidate(roles=("Sales",)), sales)
    disliked = match(candidate(roles=("Sales",)), sales, feedback=Feedback(role_kinds=("sales",)))
    assert disliked.excluded is None
    assert disliked.penalty - liked.penalty == pytest.approx(WEIGHTS.disliked_kind_penalty)
    other = match(candidate(), job(), feedback=Feedback(role_kinds=("sales",)))
    assert other.penalty == match(candidate(), job()).penalty


@pytest.mark.parametrize(
    ("disliked_similarity", "penalized"),
    [(0.95, True), (0.85, True), (0.8499, False), (0.0, False)],
    ids=["close", "at-the-line", "just-under", "none"],
)
def test_similar_to_disliked(disliked_similarity: float, penalized: bool) -> None:
    plain = match(candidate(), job())
    result = match(candidate(), job(), disliked_similarity=disliked_similarity)
    expected = WEIGHTS.similar_to_disliked_penalty if penalized else 0.0
    assert result.penalty - plain.penalty == pytest.approx(expected)


def test_penalties_never_push_the_score_below_zero() -> None:
    weights = Weights(no_salary_penalty=0.9, disliked_kind_penalty=0.9)
    result = match(
        candidate(),
        job(salary=None),
        similarity=0.0,
        weights=weights,
        feedback=Feedback(role_kinds=("software_engineer",)),
    )
    assert result.score == 0.0


@pytest.mark.parametrize("offset", [-0.01, 0.0, 0.01], ids=["under", "equal", "over"])
def test_threshold(offset: float) -> None:
    plain = match(candidate(), job())
    weights = Weights(threshold=plain.send_score + offset)
    assert match(candidate(), job(), weights=weights).would_send is (offset <= 0)


def test_excluded_jobs_are_never_sent_whatever_the_score() -> None:
    result = match(candidate(), job(), similarity=1.0, seen=frozenset({"j1"}))
    assert result.excluded is Exclusion.SEEN
    assert result.score > WEIGHTS.threshold
    assert not result.would_send


def test_weights_from_settings() -> None:
    settings = MatchingSettings(
        weight_semantic=0.1,
        weight_skills=0.2,
        weight_title=0.3,
        weight_recency=0.4,
        threshold=0.5,
        no_salary_penalty=0.06,
        disliked_kind_penalty=0.07,
        similar_to_disliked_penalty=0.08,
        recency_half_life_days=9.0,
    )
    weights = Weights.from_settings(settings)
    assert (weights.semantic, weights.skills, weights.title, weights.recency) == (
        0.1, 0.2, 0.3, 0.4,
    )  # fmt: skip
    assert weights.threshold == 0.5
    assert (
        weights.no_salary_penalty,
        weights.disliked_kind_penalty,
        weights.similar_to_disliked_penalty,
    ) == (0.06, 0.07, 0.08)
    assert weights.recency_half_life_days == 9.0


def test_reasons_of_a_good_match() -> None:
    cand = candidate(
        places=(BERLIN,),
        seniority=Seniority.SENIOR,
        salary_floor=FLOOR_60K,
        skills=("Python", "PostgreSQL"),
    )
    the_job = job(title="Software Engineer", seniority=Seniority.SENIOR)
    result = match(cand, the_job, similarity=0.7)
    reasons = result.reasons
    assert reasons.matched_skills == ("Python", "PostgreSQL")
    assert reasons.missing_skills == ()
    assert reasons.missing_nice == ("Kafka",)
    assert reasons.title_match
    assert reasons.salary is SalaryFit.MEETS
    assert reasons.location is LocationFit.CITY
    assert reasons.seniority_exact is True
    assert result.would_send


# --- ranking -----------------------------------------------------------------------------------


def test_dedupe_key_ignores_gender_tags_company_suffixes_and_case() -> None:
    first = job("a", company="Acme GmbH", title="Backend Engineer (m/w/d)").posting
    second = job("b", company="ACME", title="backend engineer").posting
    elsewhere = job("c", company="Acme", title="Backend Engineer", locations=(MUNICH,)).posting
    senior = job("d", company="Acme", title="Senior Backend Engineer").posting
    assert dedupe_key(first) == dedupe_key(second)
    assert dedupe_key(first) != dedupe_key(elsewhere)
    assert dedupe_key(first) != dedupe_key(senior)


def _rank(jobs: list[tuple[JobForMatching, float]], **kwargs: Any) -> list[Match]:
    options: dict[str, Any] = {"now": NOW, "weights": WEIGHTS, "taxonomy": TAXONOMY}
    return rank(candidate(), jobs, **(options | kwargs))


def test_rank_orders_sendable_first_then_by_score() -> None:
    jobs = [
        (job("low", title="Backend Engineer", company="A"), 0.30),
        (job("high", title="Backend Engineer", company="B"), 0.80),
        (job("mid", title="Backend Engineer", company="C"), 0.55),
        (job("nurse", title="Registered Nurse", company="D", description_md="Patient care"), 0.1),
        (job("excluded", title="Backend Engineer", company="E", work_mode=None,
             locations=(MADRID,)), 0.95),
    ]  # fmt: skip
    ranked = rank(candidate(places=(BERLIN,)), jobs, now=NOW, weights=WEIGHTS, taxonomy=TAXONOMY)
    sendable = [m for m in ranked if m.would_send]
    rest = [m for m in ranked if not m.would_send]
    assert ranked == sendable + rest
    assert [m.score for m in sendable] == sorted((m.score for m in sendable), reverse=True)
    assert ranked[0].job_id == "high"
    # allowed jobs come before excluded ones; the nurse job is another role family
    assert {m.job_id: m.excluded for m in ranked[-2:]} == {
        "excluded": Exclusion.LOCATION,
        "nurse": Exclusion.ROLE,
    }
    assert {m.job_id for m in ranked} == {j.id for j, _ in jobs}


def test_rank_keeps_the_best_of_the_same_posting() -> None:
    jobs = [
        (job("copy-1", company="Acme GmbH", title="Backend Engineer (m/w/d)"), 0.50),
        (job("copy-2", company="ACME", title="Backend Engineer"), 0.70),
        (job("munich", company="Acme", title="Backend Engineer", locations=(MUNICH,)), 0.40),
    ]
    ranked = _rank(jobs)
    assert [m.job_id for m in ranked] == ["copy-2", "munich"]


def test_rank_never_sends_seen_jobs() -> None:
    jobs = [(job("seen", company="A"), 0.95), (job("fresh", company="B"), 0.40)]
    ranked = _rank(jobs, seen=frozenset({"seen"}))
    assert [m.job_id for m in ranked] == ["fresh", "seen"]
    assert ranked[1].excluded is Exclusion.SEEN
    assert not ranked[1].would_send


def test_rank_passes_disliked_similarity_per_job() -> None:
    jobs = [(job("close", company="A"), 0.6), (job("far", company="B"), 0.6)]
    ranked = {m.job_id: m for m in _rank(jobs, disliked_similarity={"close": 0.9})}
    assert ranked["close"].penalty - ranked["far"].penalty == pytest.approx(
        WEIGHTS.similar_to_disliked_penalty
    )

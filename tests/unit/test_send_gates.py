"""The send decision a recruiter would make: role, core stack, languages, licences, places and
contract type as gates; recency orders but never decides. Tables, no I/O."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from core.domain import Commute, EmploymentType, LanguageLevel, SpokenLanguage, WorkMode
from core.jobs import Extraction, JobPosting, Location, SourceKind
from core.matches import Candidate, Exclusion, JobForMatching, LocationFit, Match
from core.skills import SkillTaxonomy
from matching.scoring import ADJACENT_COVERAGE, Weights, score

TAXONOMY = SkillTaxonomy.load()
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
HAMBURG = Location(city="Hamburg", country="DE", raw="Hamburg")
NORDERSTEDT = Location(city="Norderstedt", country="DE", raw="Norderstedt")
LUBECK = Location(city="Lübeck", country="DE", raw="Lübeck")
CAMBRIDGE = Location(city="Cambridge", country="GB", raw="Cambridge")
HUNTINGDON = Location(city="Huntingdon", country="GB", raw="Huntingdon")
PETERBOROUGH = Location(city="Peterborough", country="GB", raw="Peterborough")
BOSTON = Location(city="Boston", country="US", raw="Boston, MA")

BACKEND = ("Python", "Kubernetes", "Terraform", "AWS", "Docker", "Linux")
SRE_TEXT = "## You bring\n- Kubernetes\n- Terraform\n- AWS\n- Docker\n- Linux\n- Ansible"


def person(**fields: Any) -> Candidate:
    base: dict[str, Any] = {
        "user_key": "tg:1",
        "roles": ("Backend Developer",),
        "skills": BACKEND,
        "places": (HAMBURG,),
    }
    return Candidate(**(base | fields))


def posting(job_id: str = "j1", **fields: Any) -> JobForMatching:
    base: dict[str, Any] = {
        "source_kind": SourceKind.GREENHOUSE,
        "extraction": Extraction.ATS_API,
        "title": "Backend Engineer",
        "company": "Acme GmbH",
        "locations": (HAMBURG,),
        "work_mode": WorkMode.HYBRID,
        "description_md": "## You bring\n- Python\n- Docker",
        "posted_at": NOW.date(),
    }
    return JobForMatching(id=job_id, posting=JobPosting(**(base | fields)))


def run(candidate: Candidate, job: JobForMatching, now: datetime = NOW) -> Match:
    return score(
        candidate, job, similarity=0.7, now=now, weights=Weights(threshold=0.3), taxonomy=TAXONOMY
    )


# --- role family -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("candidate", "job", "excluded", "adjacent"),
    [
        pytest.param(person(), posting(), None, None, id="same-family"),
        pytest.param(person(), posting(title="Site Reliability Engineer",
                                       description_md=SRE_TEXT.replace("\n- Ansible", "")),
                     None, "devops_engineer", id="adjacent-5-of-5"),
        pytest.param(person(), posting(title="Site Reliability Engineer", description_md=SRE_TEXT),
                     None, "devops_engineer", id="adjacent-5-of-6-is-0.83"),
        pytest.param(person(skills=("Python", "Docker", "Linux")),
                     posting(title="Site Reliability Engineer", description_md=SRE_TEXT),
                     Exclusion.ROLE, None, id="adjacent-without-coverage"),
        pytest.param(person(skills=()), posting(title="Site Reliability Engineer",
                                                description_md=SRE_TEXT),
                     Exclusion.ROLE, None, id="adjacent-no-skills-given"),
        pytest.param(person(), posting(title="Site Reliability Engineer",
                                       description_md="Join our on-call rota."),
                     Exclusion.ROLE, None, id="adjacent-job-lists-no-skills"),
        pytest.param(person(), posting(title="Registered Nurse", description_md="Patient care"),
                     Exclusion.ROLE, None, id="unrelated-family"),
        pytest.param(person(roles=(), title="Software Engineer"),
                     posting(title="Softwareentwickler (m/w/d)"), None, None,
                     id="family-from-last-title"),
        pytest.param(person(roles=()), posting(title="Registered Nurse"), None, None,
                     id="no-roles-no-title-passes"),
        pytest.param(person(), posting(title="Wizard of Light"), None, None,
                     id="unknown-job-family-passes"),
        pytest.param(person(roles=("Registered Nurse",), skills=("Nursing", "Patient Care")),
                     posting(title="Nurse Practitioner", description_md="- Nursing"),
                     Exclusion.ROLE, None, id="nurse-is-not-next-to-np"),
    ],
)  # fmt: skip
def test_role_gate(
    candidate: Candidate, job: JobForMatching, excluded: Exclusion | None, adjacent: str | None
) -> None:
    found = run(candidate, job)
    assert found.excluded is excluded
    assert found.reasons.adjacent_family == adjacent


def test_adjacent_reasons_count_the_skills() -> None:
    found = run(person(), posting(title="Site Reliability Engineer", description_md=SRE_TEXT))
    reasons = found.reasons
    assert (reasons.adjacent_have, reasons.adjacent_of) == (5, 6)
    assert reasons.adjacent_have / reasons.adjacent_of >= ADJACENT_COVERAGE
    assert found.would_send


# --- core stack --------------------------------------------------------------------------------

JAVA_JOB = posting(title="Backend Engineer (Java)",
                   description_md="## You bring\n- Java\n- Spring Boot\n- Docker")  # fmt: skip


@pytest.mark.parametrize(
    ("candidate", "job", "excluded", "stretch"),
    [
        pytest.param(person(), JAVA_JOB, Exclusion.CORE_STACK, False, id="java-job-python-dev"),
        pytest.param(person(stretch=True), JAVA_JOB, None, True, id="stretch-opt-in"),
        pytest.param(person(skills=(*BACKEND, "Kotlin", "Java")), JAVA_JOB, None, False,
                     id="has-java"),
        pytest.param(person(skills=()), JAVA_JOB, None, False, id="no-skills-given"),
        # Only what the role brings ("Backend Development"): their stack is unknown, not missing.
        pytest.param(person(skills=("Backend Development", "Docker")), JAVA_JOB, None, False,
                     id="no-core-skill-named"),
        pytest.param(person(skills=("TypeScript", "CSS")),
                     posting(description_md="## You bring\n- React\n- CSS"), None, False,
                     id="framework-counts-as-its-language"),
        pytest.param(person(), posting(description_md="## You bring\n- Java or Python\n- Docker"),
                     None, False, id="one-of-the-core-languages-is-enough"),
        pytest.param(person(), posting(description_md="## You bring\n- Python\n\n"
                                                      "## Nice to have\n- Go"),
                     None, False, id="nice-to-have-core-is-no-gate"),
    ],
)  # fmt: skip
def test_core_stack_gate(
    candidate: Candidate, job: JobForMatching, excluded: Exclusion | None, stretch: bool
) -> None:
    found = run(candidate, job)
    assert found.excluded is excluded
    assert found.reasons.stretch is stretch
    if stretch:
        assert found.reasons.missing_core == ("Java", "Spring Boot")


# --- languages ---------------------------------------------------------------------------------

EN = SpokenLanguage(code="en", level=LanguageLevel.NATIVE)
DE_WORKING = SpokenLanguage(code="de", level=LanguageLevel.WORKING)
DE_BASIC = SpokenLanguage(code="de", level=LanguageLevel.BASIC)
GERMAN_AD = posting(title="Backend-Entwickler (m/w/d)", language="de",
                    description_md="**Dein Profil**\n- Python\n- Docker")  # fmt: skip
FLUENT_GERMAN = posting(description_md="## You bring\n- Python\n- Fluent German")


@pytest.mark.parametrize(
    ("candidate", "job", "excluded"),
    [
        pytest.param(person(languages=(EN,)), GERMAN_AD, Exclusion.LANGUAGE, id="german-ad"),
        pytest.param(person(languages=(EN, DE_BASIC)), GERMAN_AD, Exclusion.LANGUAGE,
                     id="german-ad-basic-german"),
        pytest.param(person(languages=(EN, DE_WORKING)), GERMAN_AD, None,
                     id="german-ad-working-german"),
        pytest.param(person(languages=(EN, DE_WORKING)), FLUENT_GERMAN, Exclusion.LANGUAGE,
                     id="fluent-asked-working-given"),
        pytest.param(person(), GERMAN_AD, None, id="no-languages-ad-language-is-no-gate"),
        pytest.param(person(), FLUENT_GERMAN, Exclusion.LANGUAGE,
                     id="no-languages-english-chat-fluent-german-asked"),
        pytest.param(person(lang="de"), FLUENT_GERMAN, None, id="no-languages-german-chat"),
        pytest.param(person(lang="es"),
                     posting(description_md="- Python\n- Fluent English"), None,
                     id="english-assumed"),
        pytest.param(person(languages=(DE_WORKING,)), posting(language="en"), Exclusion.LANGUAGE,
                     id="english-ad-no-english"),
    ],
)  # fmt: skip
def test_language_gate(candidate: Candidate, job: JobForMatching, excluded: Exclusion) -> None:
    assert run(candidate, job).excluded is excluded


# --- licences ----------------------------------------------------------------------------------

NURSE = person(roles=("Registered Nurse", "Nurse Practitioner"), skills=("Nursing",),
               places=(BOSTON,))  # fmt: skip
NP_JOB = posting(title="Nurse Practitioner", locations=(BOSTON,),
                 description_md="## Requirements\n- Active NP license\n- Nursing")  # fmt: skip
RN_JOB = posting(title="Registered Nurse", locations=(BOSTON,),
                 description_md="## Requirements\n- Active RN license\n- Nursing")  # fmt: skip


@pytest.mark.parametrize(
    ("licences", "job", "excluded"),
    [
        pytest.param(("Registered Nurse",), NP_JOB, Exclusion.LICENCE, id="rn-for-np-job"),
        pytest.param(("Registered Nurse",), RN_JOB, None, id="rn-for-rn-job"),
        pytest.param(("RN",), RN_JOB, None, id="rn-abbreviation"),
        pytest.param(("Nurse Practitioner",), RN_JOB, None, id="np-includes-rn"),
        pytest.param(("FNP",), NP_JOB, None, id="fnp-is-np"),
        pytest.param((), NP_JOB, None, id="none-listed-passes"),
        pytest.param(("BLS",), RN_JOB, Exclusion.LICENCE, id="other-licence-only"),
    ],
)  # fmt: skip
def test_licence_gate(
    licences: tuple[str, ...], job: JobForMatching, excluded: Exclusion | None
) -> None:
    found = run(NURSE.model_copy(update={"licences": licences}), job)
    assert found.excluded is excluded


def test_required_licences_are_in_the_reasons() -> None:
    assert run(
        NURSE.model_copy(update={"licences": ("RN",)}), RN_JOB
    ).reasons.required_licences == ("RN",)


# --- places ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("candidate", "where", "fit", "near"),
    [
        pytest.param(person(), HAMBURG, LocationFit.CITY, None, id="same-city"),
        pytest.param(person(), NORDERSTEDT, LocationFit.NEARBY, ("Norderstedt", "Hamburg"),
                     id="town-in-metro"),
        pytest.param(person(), LUBECK, LocationFit.NONE, None, id="town-outside-metro"),
        pytest.param(person(places=(CAMBRIDGE,)), HUNTINGDON, LocationFit.NONE, None,
                     id="small-city-has-no-metro"),
        pytest.param(person(places=(CAMBRIDGE,), commute=Commute(place="Cambridge", radius_km=30)),
                     HUNTINGDON, LocationFit.NEARBY, ("Huntingdon", "Cambridge"),
                     id="commute-in"),
        pytest.param(person(places=(CAMBRIDGE,), commute=Commute(place="Cambridge", radius_km=30)),
                     PETERBOROUGH, LocationFit.NONE, None, id="commute-out"),
    ],
)  # fmt: skip
def test_places(
    candidate: Candidate, where: Location, fit: LocationFit, near: tuple[str, str] | None
) -> None:
    found = run(candidate, posting(locations=(where,)))
    assert found.reasons.location is fit
    assert (found.excluded is Exclusion.LOCATION) is (fit is LocationFit.NONE)
    if near is None:
        assert found.reasons.near_place is None
    else:
        assert (found.reasons.near_place, found.reasons.near_of) == near
        assert found.reasons.near_km is not None
        assert 0 < found.reasons.near_km <= 30


def test_contract_type_is_a_gate() -> None:
    found = run(
        person(employment_types=(EmploymentType.FULL_TIME,)),
        posting(employment_type=EmploymentType.CONTRACT),
    )
    assert found.excluded is Exclusion.EMPLOYMENT_TYPE


# --- recency orders, never decides -------------------------------------------------------------


@pytest.mark.parametrize("age_days", [0, 7, 30, 90, 365])
@pytest.mark.parametrize("similarity", [0.3, 0.45, 0.6])
def test_the_send_decision_does_not_depend_on_the_date(age_days: int, similarity: float) -> None:
    job = posting(posted_at=(NOW - timedelta(days=age_days)).date())
    decisions = set()
    for later in (0, 10, 100):
        found = score(
            person(),
            job,
            similarity=similarity,
            now=NOW + timedelta(days=later),
            weights=Weights(),
            taxonomy=TAXONOMY,
        )
        decisions.add(found.would_send)
    assert len(decisions) == 1


def test_recency_still_orders() -> None:
    fresh = run(person(), posting(posted_at=NOW.date()))
    stale = run(person(), posting(posted_at=(NOW - timedelta(days=60)).date()))
    assert fresh.send_score == stale.send_score
    assert fresh.score > stale.score

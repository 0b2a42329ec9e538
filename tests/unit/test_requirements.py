"""Required versus nice-to-have skills, read from realistic posting Markdown."""

from __future__ import annotations

import pytest

from core.domain import LanguageLevel
from core.jobs import Extraction, JobPosting, SourceKind
from core.skills import SkillTaxonomy
from matching.requirements import (
    held_licences,
    licence_name,
    nice_to_have_text,
    required_languages,
    required_licences,
    split_skills,
)

TAXONOMY = SkillTaxonomy.load()

EN_HEADINGS = """\
## About the role
You will build our payments platform together with a team of six.

## What you bring
- 4+ years of Python in production
- Solid PostgreSQL and REST APIs
- Experience with Docker

## Nice to have
- Kubernetes or Terraform
- Some Go

## What we offer
- 30 days of holidays and a learning budget
"""

BOLD_HEADINGS = """\
**Your profile**

* You write clean TypeScript and React
* You test with Jest

**Bonus points**

* GraphQL
* Next.js

**Benefits**

* Hybrid work in Lisbon
"""

DE_COLON_LIST = """\
Deine Aufgaben:
- Weiterentwicklung unserer Java-Services mit Spring Boot
- Betrieb auf AWS

Wünschenswert:
- Erfahrung mit Kafka
- Kenntnisse in Kubernetes

Wir freuen uns auf deine Bewerbung! Du arbeitest mit Jira.
"""

DE_INLINE = """\
### Dein Profil
- Abgeschlossene Ausbildung als Fachinformatiker
- Sehr gute Linux-Kenntnisse
- Erfahrung mit Ansible ist von Vorteil
- Idealerweise kennst du Terraform
"""

ES_MIXED = """\
**Requisitos**

- Experiencia con Python y Django
- Conocimientos de SQL

Se valorará experiencia con AWS y Docker.

**Requisitos deseables:**

- RabbitMQ
- Redis
"""

LEAD_IN_LINES = """\
Must have: Python, pandas and SQL.
Nice to have: Airflow, dbt.
Preferred: Snowflake
Plus: Tableau
"""

TRAILING_MARKERS = """\
We need a nurse with Patient Care experience; Intensive Care experience is a plus.
Wound Care knowledge would be an advantage. Phlebotomy is not required.
"""

BOTH_PLACES = """\
## Requirements
- Kubernetes in production

## Nice to have
- Kubernetes certification (CKA)
- Helm
"""

NO_MARKERS = """\
We are looking for a Warehouse Associate.

- Order Picking and Packing
- Forklift Operation (license required)
"""

HEADING_LOOKS_LIKE_BONUS = """\
## Responsibilities
- Build dashboards in Power BI

## Bonus
- Python

## Compensation
- Annual bonus of 10% and Excel training
"""


def _posting(
    description: str, *, title: str = "Engineer", skills: tuple[str, ...] = ()
) -> JobPosting:
    return JobPosting(
        source_kind=SourceKind.GREENHOUSE,
        extraction=Extraction.ATS_API,
        title=title,
        description_md=description,
        skills=skills or TAXONOMY.find_in_text(f"{title}\n{description}"),
    )


@pytest.mark.parametrize(
    ("description", "required", "nice"),
    [
        pytest.param(
            EN_HEADINGS,
            ("Python", "PostgreSQL", "REST APIs", "Docker"),
            ("Kubernetes", "Terraform", "Go"),
            id="en-markdown-headings",
        ),
        pytest.param(
            BOLD_HEADINGS,
            ("TypeScript", "React", "Jest"),
            ("GraphQL", "Next.js"),
            id="bold-headings",
        ),
        pytest.param(
            DE_COLON_LIST,
            ("Java", "Spring Boot", "AWS", "Jira"),
            ("Kafka", "Kubernetes"),
            id="de-colon-list-ends-with-the-list",
        ),
        pytest.param(
            DE_INLINE,
            ("Linux",),
            ("Ansible", "Terraform"),
            id="de-inline-von-vorteil-idealerweise",
        ),
        pytest.param(
            ES_MIXED,
            ("Python", "Django", "SQL"),
            ("AWS", "Docker", "RabbitMQ", "Redis"),
            id="es-se-valorara-and-deseables",
        ),
        pytest.param(
            LEAD_IN_LINES,
            ("Python", "pandas", "SQL"),
            ("Apache Airflow", "dbt", "Snowflake", "Tableau"),
            id="lead-in-lines",
        ),
        pytest.param(
            TRAILING_MARKERS,
            ("Patient Care",),
            ("Intensive Care", "Wound Care", "Phlebotomy"),
            id="trailing-markers-in-clauses",
        ),
        pytest.param(
            BOTH_PLACES,
            ("Kubernetes",),
            ("Helm",),
            id="required-elsewhere-wins",
        ),
        pytest.param(
            NO_MARKERS,
            ("Order Picking", "Packing", "Forklift Operation"),
            (),
            id="no-markers-all-required",
        ),
        pytest.param(
            HEADING_LOOKS_LIKE_BONUS,
            ("Power BI", "Data Visualization", "Microsoft Excel"),  # "dashboards"
            ("Python",),
            id="bonus-heading-ends-at-next-heading",
        ),
    ],
)
def test_split_skills(description: str, required: tuple[str, ...], nice: tuple[str, ...]) -> None:
    got_required, got_nice = split_skills(_posting(description), TAXONOMY)
    assert set(got_required) == set(required)
    assert set(got_nice) == set(nice)


def test_posting_skills_not_in_the_text_are_required() -> None:
    posting = _posting("Nice to have: Go", skills=("Python", "Go"))  # Python from ATS tags
    assert split_skills(posting, TAXONOMY) == (("Python",), ("Go",))


def test_title_skills_are_required_even_when_listed_as_nice() -> None:
    posting = _posting("## Nice to have\n- Python, Django", title="Python Developer")
    assert split_skills(posting, TAXONOMY) == (("Python",), ("Django",))


def test_order_of_appearance() -> None:
    posting = _posting("Go, Rust and C are required.\nBonus points: Haskell and OCaml, Elixir.")
    assert split_skills(posting, TAXONOMY) == (("Go", "Rust", "C"), ("Haskell", "Elixir"))


def test_markdown_escapes_and_links_do_not_hide_skills() -> None:
    other, nice = nice_to_have_text(
        "- C\\+\\+ and [Node.js](https://nodejs.org)\n\n**Nice to have:** C\\#"
    )
    assert TAXONOMY.find_in_text(other) == ("C++", "Node.js")
    assert TAXONOMY.find_in_text(nice) == ("C#",)


def test_empty_description() -> None:
    assert split_skills(_posting("", skills=("SQL",)), TAXONOMY) == (("SQL",), ())


# --- spoken languages and licences ----------------------------------------------------------------


def _ad(description: str, language: str | None = None, title: str = "Engineer") -> JobPosting:
    return JobPosting(
        source_kind=SourceKind.GREENHOUSE,
        extraction=Extraction.ATS_API,
        title=title,
        description_md=description,
        language=language,
    )


FLUENT, WORKING = LanguageLevel.FLUENT, LanguageLevel.WORKING


@pytest.mark.parametrize(
    ("description", "language", "expected"),
    [
        ("Fluent German is required.", None, {"de": FLUENT}),
        ("- Deutsch C1", None, {"de": FLUENT}),
        ("- Verhandlungssicheres Englisch", None, {"en": FLUENT}),
        ("- Español nativo", None, {"es": FLUENT}),
        ("- Sehr gute Deutschkenntnisse in Wort und Schrift", None, {"de": FLUENT}),
        ("- Deutschkenntnisse", None, {"de": WORKING}),
        ("- Good English (B2)", None, {"en": WORKING}),
        ("- English (fluent), Spanish (native)", None, {"en": FLUENT, "es": FLUENT}),
        ("- Basic German", None, {}),
        ("German is a plus.", None, {}),
        ("## Nice to have\n- Fluent French", None, {}),
        ("We ship data between systems.", None, {}),
        ("Python und Docker.", "de", {"de": WORKING}),
        ("- Fluent German", "de", {"de": FLUENT}),
        ("- Fluent English", "de", {"de": WORKING, "en": FLUENT}),
    ],
)
def test_required_languages(
    description: str, language: str | None, expected: dict[str, LanguageLevel]
) -> None:
    found = required_languages(_ad(description, language))
    assert {spoken.code: spoken.level for spoken in found} == expected


def test_the_written_language_can_be_left_out() -> None:
    found = required_languages(_ad("Python.", "de"), written=False)
    assert found == ()


@pytest.mark.parametrize(
    ("description", "title", "expected"),
    [
        ("Active RN license in Massachusetts", "Nurse", ("RN",)),
        ("Current registered nurse licensure", "Nurse", ("RN",)),
        ("Licensed Registered Nurse", "Nurse", ("RN",)),
        ("NP license required", "Clinician", ("NP",)),
        ("Active NP license and an active RN license", "NP", ("NP",)),
        ("Board-certified family nurse practitioner", "Clinician", ("NP",)),
        ("Examinierte Pflegefachkraft", "Pflege", ("RN",)),
        ("CDL Class A with a clean record", "Driver", ("CDL-A",)),
        ("Class B CDL", "Driver", ("CDL-B",)),
        ("Führerschein Klasse B", "Fahrer", ("DL-B",)),
        ("Führerschein Klasse CE", "Fahrer", ("DL-CE",)),
        ("Carnet de conducir B", "Repartidor", ("DL-B",)),
        ("## Nice to have\n- CDL Class A", "Driver", ()),
        ("We care for our RN team.", "Nurse", ()),
    ],
)
def test_required_licences(description: str, title: str, expected: tuple[str, ...]) -> None:
    assert required_licences(_ad(description, title=title)) == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Registered Nurse", "RN"),
        ("rn", "RN"),
        ("Nurse Practitioner", "NP"),
        ("APRN", "NP"),
        ("CDL-A", "CDL-A"),
        ("Class A CDL", "CDL-A"),
        ("Führerschein Klasse B", "DL-B"),
        ("carnet de conducir", "DL-B"),
        ("PMP", None),
    ],
)
def test_licence_names(typed: str, expected: str | None) -> None:
    assert licence_name(typed) == expected


def test_held_licences_include_the_ones_theirs_cover() -> None:
    assert held_licences(["Nurse Practitioner"]) == {"NP", "RN"}
    assert held_licences(["CDL Class A", "PMP"]) == {"CDL-A", "CDL-B", "DL-B"}
    assert held_licences([]) == frozenset()

"""Section-aware resume reading: list items, the evidence rule for running text, spoken
languages with levels, and certifications."""

from __future__ import annotations

from datetime import date

import pytest

from conversations.resume_parser import language_level, parse_resume_text
from core.domain import LanguageLevel, SpokenLanguage
from core.skills import SkillEntry, SkillTaxonomy, expand_item, section_item, split_items

TODAY = date(2024, 6, 30)
TAXONOMY = SkillTaxonomy.load()
B, W, F, N = LanguageLevel.BASIC, LanguageLevel.WORKING, LanguageLevel.FLUENT, LanguageLevel.NATIVE


# --- the item splitter -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Python, SQL; Tableau | Excel", ["Python", " SQL", " Tableau ", " Excel"]),
        ("Wound care · IV therapy • Triage", ["Wound care ", " IV therapy ", " Triage"]),
        ("Python (pandas, NumPy), SQL", ["Python (pandas, NumPy)", " SQL"]),
        ("CI/CD, TCP/IP", ["CI/CD", " TCP/IP"]),  # a slash is part of a name
        ("Docker\tKubernetes", ["Docker", "Kubernetes"]),  # a table's tab
        (" , ;", []),
    ],
)
def test_split_items(line: str, expected: list[str]) -> None:
    assert split_items(line) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  Motivational   interviewing ", "Motivational interviewing"),
        ("• Phlebotomy", "Phlebotomy"),
        ("Python (advanced)", "Python"),
        ("Terraform - 5 years", "Terraform"),
        ("Excel: sehr gut", "Excel"),
        ("SQL (3+ yrs)", "SQL"),
        ("Figma 4/5", "Figma"),
        ("React – expert", "React"),
        ("Análisis de datos (avanzado)", "Análisis de datos"),
        (".NET", ".NET"),  # a leading dot is part of the name
        ("Node.js.", "Node.js"),
        ("Front-end", "Front-end"),  # a hyphen inside is no level
        ("Registered Nurse (RN)", "Registered Nurse (RN)"),
        ("Infection prevention and control", "Infection prevention and control"),
        ("Experienced in leading teams of nurses", None),  # a sentence
        ("jane.doe@example.com", None),
        ("www.example.com", None),
        ("2019 - 2021", None),
        ("01.03.2020", None),
        ("(advanced)", None),
        ("42", None),
        ("", None),
    ],
)
def test_section_item(raw: str, expected: str | None) -> None:
    assert section_item(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Python (pandas, NumPy)", ["Python", "pandas", "NumPy"]),
        ("Basic Life Support (BLS)", ["Basic Life Support"]),  # an acronym of the head
        ("Key Performance Indicators (KPIs)", ["Key Performance Indicators"]),
        ("Epic (EHR)", ["Epic", "EHR"]),
        ("Excel (advanced)", ["Excel"]),
        ("Sentence that is far too long to be one item", []),
    ],
)
def test_expand_item(raw: str, expected: list[str]) -> None:
    assert expand_item(raw) == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        # known items map to canonical names, unknown ones stay as typed
        ("k8s, Motivational interviewing", ("Kubernetes", "Motivational interviewing")),
        ("Agile/Scrum, SQL and Tableau", ("Agile", "Scrum", "SQL", "Tableau")),
        ("Python, python, PYTHON", ("Python",)),  # deduplicated ignoring case
        ("Python scripting", ("Python",)),  # mostly a known term: the term
        ("SQL query tuning", ("SQL query tuning", "SQL")),  # its own skill, naming SQL
        ("Time series forecasting", ("Time Series Analysis",)),
        # in a Skills section an everyday word is a skill: it is listed as one
        ("Contracts, Budgeting", ("Contract Law", "Budgeting")),
        # a sentence there is read as running text
        ("Strong communicator who negotiated contracts and budgets.", ()),
    ],
)
def test_section_skills(line: str, expected: tuple[str, ...]) -> None:
    assert TAXONOMY.section_skills(line) == expected


# --- the evidence rule for running text ------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # specific terms count wherever they are
        ("Deployed services on Kubernetes with Terraform.", ("Kubernetes", "Terraform")),
        # everyday words in a sentence do not, however often
        ("Negotiated contracts with clients and renewed contracts.", ()),
        ("Managed the budget and the quarterly forecasting.", ()),
        ("Led the unit's hand hygiene audit.", ()),
        # as a whole list item they do
        ("• Budgeting\n• Forecasting", ("Budgeting",)),
        ("Audit, Payroll, Contracts", ("Auditing", "Payroll", "Contract Law")),
        ("- Contracts", ("Contract Law",)),
        # an item longer than the word is not the word listed
        ("• Contracts with suppliers", ()),
    ],
)
def test_evidence_rule(text: str, expected: tuple[str, ...]) -> None:
    assert TAXONOMY.find_with_evidence(text) == expected


def test_every_evidence_alias_belongs_to_a_skill() -> None:
    with pytest.raises(ValueError, match="evidence aliases of no skill"):
        SkillTaxonomy([SkillEntry("Baking", "hospitality")], evidence_aliases=["bread"])
    taxonomy = SkillTaxonomy([SkillEntry("Baking", "hospitality")], evidence_aliases=["baking"])
    assert taxonomy.needs_evidence("Baking")
    assert not TAXONOMY.needs_evidence("Kubernetes")


SALES_MANAGER = """Daniel Brooks
Summary
Sales manager who negotiated contracts and managed a budget; forecasting every quarter.
Experience
Regional Sales Manager, Northwind
2018 - present
Negotiated contracts with enterprise clients in Salesforce.
Skills
Consultative selling, SPIN Selling, Cold calling
Interests
Cooking, Photography
"""


def test_running_text_words_are_not_skills_but_listed_items_are() -> None:
    skills = parse_resume_text(SALES_MANAGER, today=TODAY).skills
    assert skills == ("Salesforce", "Consultative Selling", "SPIN Selling", "Cold Calling")


def test_interests_give_no_skills() -> None:
    assert parse_resume_text("Interests\nPhotography, Python", today=TODAY).skills == ()


def test_a_programming_languages_label_inside_skills_gives_skills() -> None:
    text = "Technical Skills\nLanguages: Python, SQL\nFrameworks: Django, Pydantic\n"
    parsed = parse_resume_text(text, today=TODAY)
    assert parsed.skills == ("Python", "SQL", "Django", "Pydantic")
    assert parsed.spoken_languages == ()


def test_a_wrapped_skills_line_is_joined() -> None:
    text = "Skills\nPython, SQL, Machine\nLearning, Docker\n"
    assert parse_resume_text(text, today=TODAY).skills == (
        "Python", "SQL", "Machine Learning", "Docker",
    )


def test_skills_from_a_table_row_and_a_spanish_section() -> None:
    assert parse_resume_text("Skills | Phlebotomy, Triage", today=TODAY).skills == (
        "Phlebotomy", "Emergency Care",
    )
    spanish = "Competencias\nCura de heridas; Gestión de proyectos"
    assert parse_resume_text(spanish, today=TODAY).skills == ("Wound Care", "Project Management")


# --- spoken languages ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("native", N), ("Muttersprache", N), ("nativo", N), ("mother tongue", N),
        ("C1", F), ("C2", F), ("fluent", F), ("fließend", F), ("verhandlungssicher", F),
        ("B1", W), ("B2", W), ("good", W), ("gute Kenntnisse", W), ("conversational", W),
        ("A1", B), ("A2", B), ("basic", B), ("Grundkenntnisse", B), ("básico", B),
        ("", None), ("Spanish", None),
    ],
)
def test_language_level(text: str, expected: LanguageLevel | None) -> None:
    assert language_level(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Languages\nEnglish (native), German (C1), Spanish (basic)",
         (("en", N), ("de", F), ("es", B))),
        ("Sprachen: Deutsch (Muttersprache), Englisch fließend", (("de", N), ("en", F))),
        ("Idiomas\nEspañol: nativo\nInglés: B2\nFrancés", (("es", N), ("en", W), ("fr", W))),
        # a table row: the level in its own cell belongs to the language before it
        ("Sprachen\nEnglisch | verhandlungssicher\nTürkisch | Grundkenntnisse",
         (("en", F), ("tr", B))),
        ("Languages\nPortuguese", (("pt", W),)),  # no level said: working
        ("Languages\nEnglish (native), English (B2)", (("en", N),)),  # the first one wins
        ("Languages\nCantonese (native)", ()),  # no ISO 639-1 code
        # outside the languages section, no levels are read
        ("Summary\nFluent in Spanish and Portuguese", ()),
    ],
)
def test_spoken_languages(text: str, expected: tuple[tuple[str, LanguageLevel], ...]) -> None:
    parsed = parse_resume_text(text, today=TODAY)
    assert parsed.spoken_languages == tuple(
        SpokenLanguage(code=code, level=level) for code, level in expected
    )


# --- certifications --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Certifications\nRegistered Nurse (RN), State of California, 2015\nBLS, ACLS, PALS",
         ("Registered Nurse (RN)", "BLS", "ACLS", "PALS")),
        ("Licenses & Certifications\n• AWS Certified Solutions Architect – Associate (2021)\n"
         "• CDL Class A — 2019",
         ("AWS Certified Solutions Architect – Associate", "CDL Class A")),
        ("Zertifikate: Staplerschein, Gefahrgutschein (seit 2018)",
         ("Staplerschein", "Gefahrgutschein")),
        ("Certificaciones\nSoporte Vital Avanzado (SVA) - 2022", ("Soporte Vital Avanzado (SVA)",)),
        ("Certifications\nCertified Kubernetes Administrator (CKA), CNCF, 2021",
         ("Certified Kubernetes Administrator (CKA)",)),
        ("Certifications\nRegistered Nurse (RN), State of\nOhio, 2016",  # a narrow column
         ("Registered Nurse (RN)",)),
        ("Skills\nPython, AWS", ()),  # no certifications section
    ],
)
def test_certifications(text: str, expected: tuple[str, ...]) -> None:
    assert parse_resume_text(text, today=TODAY).certifications == expected


def test_certifications_give_the_skills_they_name() -> None:
    text = "Certifications\nAWS Certified Solutions Architect\nBLS"
    assert parse_resume_text(text, today=TODAY).skills == ("AWS", "Basic Life Support")

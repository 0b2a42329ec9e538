"""The skills taxonomy: canonical names, matching in free text, user-typed lists."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.skills import ContextRule, SkillEntry, SkillTaxonomy

TAXONOMY = SkillTaxonomy.load()
DATA_FILE = Path(__file__).parents[2] / "core" / "data" / "skills.json"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("k8s", "Kubernetes"),
        ("K8S", "Kubernetes"),
        ("Kubernetes", "Kubernetes"),
        ("JS", "JavaScript"),
        ("js", "JavaScript"),
        ("TS", "TypeScript"),
        ("RN", "Registered Nurse"),
        ("Postgres", "PostgreSQL"),
        ("GCP", "Google Cloud"),
        ("Buchhaltung", "Bookkeeping"),
        ("Pflege", "Nursing"),
        ("Krankenpflege", "Nursing"),
        ("golang", "Go"),
        ("go", "Go"),  # a single typed name has no sentence around it: any case will do
        ("r", "R"),
        ("C++", "C++"),
        ("c#", "C#"),
        (".net", ".NET"),
        ("node.js", "Node.js"),
        ("NodeJS", "Node.js"),
        ("CI / CD", "CI/CD"),
        ("full-stack", "Full-Stack Development"),
        ("E-Mail-Marketing", "Email Marketing"),
        ("Staplerschein", "Forklift Operation"),
        ("Kommissionierung", "Order Picking"),
        ("HACCP", "Food Safety"),
        ("Unterrichtsplanung", "Lesson Planning"),
        ("Schweißen", "Welding"),
        ("Arbeitsrecht", "Labor Law"),
        ("DSGVO", "GDPR"),
        ("Kundenservice", "Customer Service"),
        ("Kaltakquise", "Cold Calling"),
        ("Product Owner", "Product Ownership"),
        ("Lohn- und Gehaltsabrechnung", "Payroll"),
        ("  python , ", "Python"),
        ("basket weaving", None),
        ("", None),
    ],
)
def test_canonical(typed: str, expected: str | None) -> None:
    assert TAXONOMY.canonical(typed) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Kubernetes", "cloud_devops"),
        ("Registered Nurse", "healthcare"),
        ("Bookkeeping", "finance_accounting"),
        ("Forklift Operation", "logistics"),
        ("k8s", "cloud_devops"),
        ("Basket Weaving", None),
    ],
)
def test_category(name: str, expected: str | None) -> None:
    assert TAXONOMY.category(name) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("We run k8s on GCP with Postgres.", ("Kubernetes", "Google Cloud", "PostgreSQL")),
        ("Python, Go, C/C++, C# and .NET", ("Python", "Go", "C", "C++", "C#", ".NET")),
        ("Node.js and JS", ("Node.js", "JavaScript")),
        ("JavaScript and Java", ("JavaScript", "Java")),
        ("CI/CD with GitHub Actions", ("CI/CD", "GitHub Actions")),
        ("migrated services from Python to Go.", ("Python", "Go")),
        ("Python python PYTHON", ("Python",)),
        ("machine\nlearning", ("Machine Learning",)),
        ("Full-Stack", ("Full-Stack Development",)),
        ("Objective-C and C", ("Objective-C", "C")),
        ("ASP.NET Core", ("ASP.NET",)),
        ("T-SQL", ("SQL",)),
        ("A/B-Tests", ("A/B Testing",)),
        ("React Native and React", ("React Native", "React")),
        ("SAFe, not safe", ("SAFe",)),
        ("RN, BLS certified", ("Registered Nurse", "Basic Life Support")),
        ("Statistical analysis in R and SQL", ("Statistics", "R", "SQL")),
        ("I excel at Excel", ("Microsoft Excel",)),
        ("Python-Entwickler mit Java-Kenntnissen", ("Python", "Java")),
        ("Erfahrung in der Pflege und Betreuung", ("Nursing",)),
        ("Gesundheits- und Krankenpflegerin", ("Registered Nurse",)),
        ("Buchhaltung und Lohnabrechnung mit DATEV", ("Bookkeeping", "Payroll", "DATEV")),
        ("Staplerschein, Kommissionierung, SAP EWM", ("Forklift Operation", "Order Picking",
                                                    "Warehouse Management Systems")),
        # no false positives from ordinary words and short letters
        ("Let's go to the store", ()),
        ("Go to the store", ()),
        ("Go live was in May, Go-Live in June", ()),
        ("Our R&D team reported to the C-level", ()),
        ("C-Suite and R-Value", ()),
        ("John R. Smith", ()),
        ("Microsoft Word(R) (C) 2020", ("Microsoft Word",)),
        ("Führerschein Klasse C", ("Driver's License",)),
        ("Vitamin C deficiency", ()),
        ("3 rn shifts", ()),
        ("I can react quickly, and React to feedback", ()),
        ("Pflege von Kundendaten", ()),
        ("reactive programming in javascripting", ()),
        ("anna.java@python.org", ()),
        ("", ()),
    ],
)
def test_find_in_text(text: str, expected: tuple[str, ...]) -> None:
    assert TAXONOMY.find_in_text(text) == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        (["python, k8s, js"], ("Python", "Kubernetes", "JavaScript")),
        (["Python", "python", "PYTHON"], ("Python",)),
        (["go; rust\nRN"], ("Go", "Rust", "Registered Nurse")),
        (["HTML/CSS"], ("HTML", "CSS")),
        (["Python and Go"], ("Python", "Go")),
        (["CI/CD"], ("CI/CD",)),
        (["basket weaving"], ("Basket Weaving",)),
        (["iPhone repair"], ("iPhone Repair",)),
        (["research and development"], ("Research and Development",)),
        (["• Kubernetes", "- Docker"], ("Kubernetes", "Docker")),
        (["", " , "], ()),
    ],
)
def test_normalize_list(typed: list[str], expected: tuple[str, ...]) -> None:
    assert TAXONOMY.normalize_list(typed) == expected


def test_load_is_cached() -> None:
    assert SkillTaxonomy.load() is TAXONOMY


def test_packaged_taxonomy_covers_many_professions() -> None:
    categories = {TAXONOMY.category(name) for name in TAXONOMY.names}
    assert len(TAXONOMY.names) >= 300
    assert {
        "programming_language", "data", "cloud_devops", "design", "product_project",
        "marketing", "sales", "finance_accounting", "healthcare", "logistics", "hospitality",
        "teaching", "trades_construction", "hr", "legal", "customer_support",
    } <= categories


def test_packaged_taxonomy_documents_its_case_sensitive_aliases() -> None:
    matching = json.loads(DATA_FILE.read_text(encoding="utf-8"))["matching"]
    assert {"Go", "R", "C", "RN"} <= set(matching["case_sensitive_aliases"])
    assert matching["rules"]


@pytest.mark.parametrize(
    ("skills", "case_sensitive", "rules", "message"),
    [
        pytest.param(
            [SkillEntry("A", "x"), SkillEntry("A", "y")], [], {}, "listed twice", id="name twice"
        ),
        pytest.param(
            [SkillEntry("A", "x", ("foo",)), SkillEntry("B", "x", ("FOO",))], [], {},
            "belongs to 'A' and 'B'", id="alias of two skills",
        ),
        pytest.param(
            [SkillEntry("A", "x")], ["B"], {}, "aliases of no skill", id="case-sensitive orphan"
        ),
        pytest.param(
            [SkillEntry("Go", "x")], [], {"Go": ContextRule()}, "context rules",
            id="rule for a plain alias",
        ),
    ],
)
def test_inconsistent_taxonomy_is_refused(
    skills: list[SkillEntry],
    case_sensitive: list[str],
    rules: dict[str, ContextRule],
    message: str,
) -> None:
    with pytest.raises(ValueError, match=message):
        SkillTaxonomy(skills, case_sensitive, rules)


def test_a_custom_taxonomy_applies_its_context_rules() -> None:
    taxonomy = SkillTaxonomy(
        [SkillEntry("Go", "lang", ("Golang",)), SkillEntry("Rust", "lang")],
        case_sensitive_aliases=["Go", "Rust"],
        context_rules={"Go": ContextRule(not_followed_by=frozenset({"home"}))},
    )
    assert taxonomy.find_in_text("Go home, Rust and Golang; rust") == ("Rust", "Go")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        # long-tail terms written by us (origin "jobscout" in the data file)
        ("MEDDPICC", "MEDDIC"),
        ("Challenger selling", "Challenger Sale"),
        ("Sturzprophylaxe", "Fall Prevention"),
        ("Foley catheter insertion", "Catheterization"),
        ("React Query", "TanStack Query"),
        ("Core Web Vitals", "Web Performance"),
        ("HAProxy", "Load Balancing"),
        ("Time series forecasting", "Time Series Analysis"),
        ("LightGBM", "LightGBM"),
        # Spanish synonyms of existing skills
        ("Gestión de proyectos", "Project Management"),
        ("Soporte vital básico", "Basic Life Support"),
    ],
)
def test_long_tail_terms(typed: str, expected: str) -> None:
    assert TAXONOMY.canonical(typed) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # "Loki" only as a name; everyday words left out of the data on purpose
        ("Logs in Loki; loki", ("Grafana Loki",)),
        ("Closing date: 1 May; regression tests; bank vault; vitamin D3", ()),
    ],
)
def test_ambiguous_long_tail_aliases(text: str, expected: tuple[str, ...]) -> None:
    assert TAXONOMY.find_in_text(text) == expected


def test_mentions_keep_the_alias_as_matched() -> None:
    mentions = TAXONOMY.mentions("Ran k8s on AWS")
    assert [(m.name, m.alias, "Ran k8s on AWS"[m.start : m.end]) for m in mentions] == [
        ("Kubernetes", "k8s", "k8s"),
        ("AWS", "AWS", "AWS"),
    ]


def test_every_evidence_alias_of_the_data_file_is_an_everyday_word_of_some_skill() -> None:
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    aliases = data["matching"]["needs_evidence"]
    assert aliases, "the evidence rule has words to apply to"
    assert all(TAXONOMY.needs_evidence(alias) for alias in aliases)
    assert all(TAXONOMY.canonical(alias) is not None for alias in aliases)

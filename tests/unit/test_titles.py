"""Job titles: cleaning, role families and title similarity."""

from __future__ import annotations

import pytest

from matching.titles import (
    FAMILIES,
    RELATED,
    UNRELATED_CAP,
    clean_title,
    core_title,
    family_relatedness,
    role_family,
    title_similarity,
    word_overlap,
)


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        pytest.param("Senior Backend-Entwickler (m/w/d)", "senior backend entwickler", id="mwd"),
        pytest.param("Software Engineer (f/m/x)", "software engineer", id="fmx"),
        pytest.param("Data Analyst (all genders)", "data analyst", id="all-genders"),
        pytest.param("Pflegefachkraft m/w/d", "pflegefachkraft", id="bare-mwd"),
        pytest.param("Entwickler:in Java", "entwickler java", id="colon-in"),
        pytest.param("Lehrer*innen Mathematik", "lehrer mathematik", id="star-innen"),
        pytest.param("EntwicklerIn Frontend", "entwickler frontend", id="binnen-i"),
        pytest.param("Kaufmann/-frau für Büromanagement", "kaufmann fur buromanagement", id="frau"),
        pytest.param("Desarrollador/a Java", "desarrollador java", id="es-slash-a"),
        pytest.param("Enfermero(a) UCI", "enfermero uci", id="es-paren-a"),
        pytest.param("Camarero/a (h/m)", "camarero", id="es-hm"),
        pytest.param("Ingeniera de Software", "ingeniero de software", id="es-feminine"),
        pytest.param("Buchhalterin", "buchhalter", id="de-feminine"),
        pytest.param("LinkedIn Manager", "linkedin manager", id="not-a-binnen-i"),
        pytest.param("  C++   Developer  ", "c++ developer", id="symbols-kept"),
    ],
)
def test_clean_title(title: str, expected: str) -> None:
    assert clean_title(title) == expected


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        pytest.param("Sr. Software Engineer III (Remote)", "software engineer", id="sr-iii"),
        pytest.param("Junior Data Analyst", "data analyst", id="junior"),
        pytest.param("Lead Product Designer", "product designer", id="lead"),
        pytest.param("Mid-Level QA Engineer", "qa engineer", id="mid-level"),
        pytest.param("Werkstudent Marketing (w/m/d) Teilzeit", "marketing", id="werkstudent"),
        pytest.param("Staff Engineer, Full-Time", "engineer", id="staff-full-time"),
        pytest.param("Team Lead Customer Support", "customer support", id="team-lead"),
        pytest.param("Head of Sales", "head of sales", id="head-of-kept"),
    ],
)
def test_core_title(title: str, expected: str) -> None:
    assert core_title(title) == expected


@pytest.mark.parametrize(
    ("title", "family"),
    [
        ("SWE", "software_engineer"),
        ("Software Engineer", "software_engineer"),
        ("Senior Software Developer", "software_engineer"),
        ("Backend Developer", "software_engineer"),
        ("Back-end Engineer (Go)", "software_engineer"),
        ("Programmer", "software_engineer"),
        ("Full-Stack Developer", "software_engineer"),
        ("Softwareentwickler (m/w/d)", "software_engineer"),
        ("Java-Entwickler", "software_engineer"),
        ("Backendentwickler", "software_engineer"),  # a compound, by its tail
        ("Desarrollador Backend", "software_engineer"),
        ("Programadora Python", "software_engineer"),
        ("Tech Lead", "software_engineer"),
        ("Frontend Engineer", "frontend_engineer"),
        ("Front-end Developer", "frontend_engineer"),
        ("UI Engineer", "frontend_engineer"),
        ("Webentwickler", "frontend_engineer"),
        ("iOS Developer", "mobile_engineer"),
        ("Data Scientist", "data_scientist"),
        ("Científica de Datos", "data_scientist"),
        ("ML Engineer", "ml_engineer"),
        ("Machine Learning Engineer", "ml_engineer"),
        ("Data Engineer", "data_engineer"),
        ("Data Warehouse Engineer", "data_engineer"),
        ("Marketing Data Analyst", "data_analyst"),
        ("DevOps Engineer", "devops_engineer"),
        ("SRE", "devops_engineer"),
        ("Site Reliability Engineer", "devops_engineer"),
        ("Platform Engineer", "devops_engineer"),
        ("Windows Server Administrator", "sysadmin"),
        ("PM", "product_manager"),
        ("Product Owner", "product_manager"),
        ("Head of Product", "product_manager"),
        ("Project Manager (PM)", "project_manager"),
        ("QA", "qa_engineer"),
        ("Test Engineer", "qa_engineer"),
        ("Software Engineer in Test", "qa_engineer"),
        ("Registered Nurse", "nurse"),
        ("Gesundheits- und Krankenpfleger (m/w/d)", "nurse"),
        ("Pflegefachfrau", "nurse"),
        ("Enfermera UCI", "nurse"),
        ("Pflegehelfer", "care_assistant"),
        ("Nurse Practitioner - Urgent Care", "nurse_practitioner"),
        ("Account Executive", "sales"),
        ("Business Developer", "sales"),
        ("Vertriebsmitarbeiter Innendienst", "sales"),
        ("Ejecutiva Comercial", "sales"),
        ("Retail Sales Associate", "retail"),
        ("Verkäuferin", "retail"),
        ("Sales Engineer", "presales"),
        ("Accountant", "accountant"),
        ("Finanzbuchhalter:in", "accountant"),
        ("Contable", "accountant"),
        ("Controller", "finance"),
        ("Teacher", "teacher"),
        ("Lehrkraft Mathematik", "teacher"),
        ("Profesora de Inglés", "teacher"),
        ("Erzieherin", "early_childhood"),
        ("Warehouse Associate", "warehouse"),
        ("Lagermitarbeiter", "warehouse"),
        ("Fachkraft für Lagerlogistik", "warehouse"),
        ("Mozo de Almacén", "warehouse"),
        ("LKW-Fahrer", "driver"),
        ("Customer Support Agent", "customer_support"),
        ("Kundenservice Mitarbeiter:in", "customer_support"),
        ("Agente de Atención al Cliente", "customer_support"),
        ("Customer Success Manager", "customer_success"),
        ("UX/UI Designer", "designer"),
        ("Mediengestalter", "designer"),
        ("Diseñadora Gráfica", "designer"),
        ("Online Marketing Manager", "marketing"),
        ("Product Marketing Manager", "marketing"),
        ("Personalentwickler", "hr"),  # a whole word beats a compound's tail
        ("Recruiter", "hr"),
        ("Koch/Köchin", "cook"),
        ("Server", "food_service"),
        ("Rechtsanwalt", "lawyer"),
        ("Elektriker", "electrician"),
        ("Engineer", None),
        ("Chief Happiness Officer", None),
        ("", None),
    ],
)
def test_role_family(title: str, family: str | None) -> None:
    assert role_family(title) == family


@pytest.mark.parametrize(
    ("wanted", "job_title", "low", "high"),
    [
        pytest.param("SWE", "Software Engineer", 1.0, 1.0, id="abbreviation"),
        pytest.param("Software Developer", "Senior Backend-Entwickler (m/w/d)", 1.0, 1.0, id="de"),
        pytest.param("Backend Developer", "Back-end Engineer", 1.0, 1.0, id="hyphen"),
        pytest.param("Programmer", "Desarrollador/a", 1.0, 1.0, id="es"),
        pytest.param("Frontend", "UI Engineer", 1.0, 1.0, id="frontend"),
        pytest.param("DevOps", "SRE", 1.0, 1.0, id="devops-sre"),
        pytest.param("PM", "Product Manager", 1.0, 1.0, id="pm"),
        pytest.param("QA", "Test Engineer", 1.0, 1.0, id="qa"),
        pytest.param("Nurse", "Krankenschwester", 1.0, 1.0, id="nurse-de"),
        pytest.param("Sales", "Account Executive", 1.0, 1.0, id="sales"),
        pytest.param("Teacher", "Lehrerin (m/w/d)", 1.0, 1.0, id="teacher-de"),
        pytest.param("Warehouse worker", "Operario de Almacén", 1.0, 1.0, id="warehouse-es"),
        pytest.param("Data Scientist", "ML Engineer", 0.6, 0.8, id="related-data"),
        pytest.param("Software Engineer", "Frontend Developer", 0.6, 0.8, id="related-front"),
        pytest.param("Nurse", "Pflegehelfer", 0.5, 0.7, id="related-care"),
        pytest.param("Registered Nurse", "Nurse Practitioner", 0.5, 0.7, id="related-np"),
        pytest.param("Accountant", "Financial Controller", 0.5, 0.7, id="related-finance"),
        pytest.param("Software Engineer", "Sales Engineer", 0.0, UNRELATED_CAP, id="shared-word"),
        pytest.param("Marketing Manager", "Product Manager", 0.0, UNRELATED_CAP, id="manager"),
        pytest.param(
            "Data Warehouse Engineer",
            "Warehouse Worker",
            0.0,
            UNRELATED_CAP,
            id="shared-key-word-capped",
        ),
        pytest.param("Software Engineer", "Registered Nurse", 0.0, 0.0, id="unrelated"),
        pytest.param("Engineer", "Mechanical Engineer", 0.1, 0.5, id="overlap-generic"),
        pytest.param("Beekeeper", "Senior Beekeeper", 1.0, 1.0, id="unknown-same-words"),
        pytest.param("Beekeeper", "Beekeeper Assistant", 0.6, 0.9, id="unknown-overlap"),
        pytest.param("", "Software Engineer", 0.0, 0.0, id="empty"),
    ],
)
def test_title_similarity(wanted: str, job_title: str, low: float, high: float) -> None:
    similarity = title_similarity(wanted, job_title)
    assert low <= similarity <= high
    assert title_similarity(job_title, wanted) == pytest.approx(similarity)  # symmetric


def test_related_families_are_in_the_table_and_partial() -> None:
    for (first, second), value in RELATED.items():
        assert first in FAMILIES, first
        assert second in FAMILIES, second
        assert 0.0 < value < 1.0
        assert family_relatedness(second, first) == value


def test_every_alias_maps_back_to_its_family() -> None:
    for family, aliases in FAMILIES.items():
        for alias in aliases:
            assert role_family(alias) == family, alias


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        pytest.param("python developer", "python developer", 1.0, id="same"),
        pytest.param("python developer", "java developer", 2 * 0.3 / 2.6, id="generic-only"),
        pytest.param("beekeeper", "gardener", 0.0, id="none"),
        pytest.param("of", "and", 0.0, id="stop-words"),
    ],
)
def test_word_overlap(first: str, second: str, expected: float) -> None:
    assert word_overlap(first, second) == pytest.approx(expected)

"""Normalization as tables: what a source gave, what a JobPosting must say."""

from __future__ import annotations

import json
import unicodedata
from datetime import date
from pathlib import Path
from typing import Any

import pycountry
import pytest

from core.domain import Seniority, WorkMode
from core.jobs import (
    EmploymentType,
    Extraction,
    JobPosting,
    RawPosting,
    RawSalary,
    SalaryPeriod,
    SourceKind,
)
from core.skills import SkillTaxonomy
from crawlers.normalize import (
    DESCRIPTION_LIMIT,
    Dropped,
    clean_title,
    country_code,
    description_markdown,
    detect_seniority,
    detect_work_mode,
    guess_language,
    html_to_markdown,
    normalize,
    normalize_language,
    parse_date,
    parse_employment_type,
    parse_locations,
    parse_salary,
    resolve_date,
    strip_gender_tags,
)

TODAY = date(2026, 11, 1)
TAXONOMY = SkillTaxonomy.load()
CITIES_FILE = Path(__file__).parents[2] / "core" / "data" / "cities.json"

Y, M, W, D, H = (
    SalaryPeriod.YEAR,
    SalaryPeriod.MONTH,
    SalaryPeriod.WEEK,
    SalaryPeriod.DAY,
    SalaryPeriod.HOUR,
)


def _accentless(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def raw(**fields: Any) -> RawPosting:
    values: dict[str, Any] = {
        "source_kind": SourceKind.GREENHOUSE,
        "extraction": Extraction.ATS_API,
        "title": "Backend Engineer",
    }
    return RawPosting(**(values | fields))


def posting(**fields: Any) -> JobPosting:
    result = normalize(raw(**fields), today=TODAY, taxonomy=TAXONOMY)
    assert isinstance(result, JobPosting), result
    return result


# --- titles ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Senior Backend Engineer (m/w/d)", "Senior Backend Engineer"),
        ("Softwareentwickler (w/m/d)", "Softwareentwickler"),
        ("Software Engineer (f/m/x)", "Software Engineer"),
        ("Data Analyst (all genders)", "Data Analyst"),
        ("Datenanalyst (alle Geschlechter)", "Datenanalyst"),
        ("Projektmanager (m/w/div)", "Projektmanager"),
        ("Ingeniero de Software (H/M)", "Ingeniero de Software"),
        ("Verkäufer (d/m/w) Teilzeit", "Verkäufer Teilzeit"),
        ("Pflegefachkraft (gn*)", "Pflegefachkraft"),
        ("Entwickler m/w/d", "Entwickler"),
        ("Designer [m/f/d]", "Designer"),
        ("Controller (m|w|d)", "Controller"),
        ("Backend Engineer", "Backend Engineer"),
        ("Developer (Dev)", "Developer (Dev)"),
    ],
)
def test_strip_gender_tags(title: str, expected: str) -> None:
    assert strip_gender_tags(title) == expected


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        # gender tags and whitespace
        ("  Senior   Backend\u00a0Engineer\u200b (m/w/d) ", "Senior Backend Engineer"),
        ("Softwareentwickler (w/m/d) in Vollzeit", "Softwareentwickler"),
        ("Werkstudent (m/w/d) Marketing - Hamburg", "Werkstudent Marketing"),
        ("R&amp;D Engineer", "R&D Engineer"),
        # trailing places
        ("Senior Backend Engineer (m/w/d) - Berlin", "Senior Backend Engineer"),
        ("Software Engineer (f/m/x) | Remote", "Software Engineer"),
        ("Data Analyst (all genders) – München, Bayern", "Data Analyst"),
        ("Senior Engineer, Berlin, Germany", "Senior Engineer"),
        ("Ingeniero de Software (H/M) - Madrid o Barcelona", "Ingeniero de Software"),
        ("Software Engineer II - Remote (US)", "Software Engineer II"),
        ("Product Designer (Remote)", "Product Designer"),
        ("Backend Engineer - Berlin (Hybrid)", "Backend Engineer"),
        ("[Remote] Python Developer", "Python Developer"),
        ("Teamleiter Logistik (m/w/d) – Standort Köln", "Teamleiter Logistik"),
        ("Account Executive / London, UK", "Account Executive"),
        ("Desarrollador Java - Teletrabajo", "Desarrollador Java"),
        # trailing ids
        ("Backend Engineer [REQ-1234]", "Backend Engineer"),
        ("Software Engineer - R0123456", "Software Engineer"),
        ("Engineer - Berlin #12345", "Engineer"),
        ("Data Scientist (Job ID: 4567)", "Data Scientist"),
        ("Buchhalter (m/w/d) Ref. 2024/118", "Buchhalter"),
        ("Nurse - 123456", "Nurse"),
        # what is part of the job stays
        ("Product Manager, Frontend", "Product Manager, Frontend"),
        ("Engineer - Backend", "Engineer - Backend"),
        ("Software Engineer (Python)", "Software Engineer (Python)"),
        ("Sales Manager - DACH", "Sales Manager - DACH"),  # a territory, not where you sit
        ("Summer Internship (2026)", "Summer Internship (2026)"),
        ("C++ Developer", "C++ Developer"),
        ("Office Manager", "Office Manager"),
        ("Remote Sensing Analyst", "Remote Sensing Analyst"),
        # a title that is only a place keeps the place rather than vanish
        ("Berlin", "Berlin"),
        ("Remote", "Remote"),
        ("Köln 🚀 Barista", "Köln 🚀 Barista"),
        ("", ""),
    ],
)
def test_clean_title(title: str, expected: str) -> None:
    assert clean_title(title) == expected


def test_clean_title_strips_a_trailing_location_the_source_listed() -> None:
    assert clean_title("Lagerhelfer - Unterschleißheim", ["Unterschleißheim"]) == "Lagerhelfer"
    assert clean_title("Lagerhelfer - Unterschleißheim") == "Lagerhelfer - Unterschleißheim"


def test_clean_title_caps_length() -> None:
    assert len(clean_title("Engineer " * 100)) <= 200


# --- locations ---------------------------------------------------------------------------------

Place = tuple[str | None, str | None, str | None]


@pytest.mark.parametrize(
    ("entries", "expected"),
    [
        (["Berlin, Germany"], [("Berlin", None, "DE")]),
        (["Berlin, Deutschland"], [("Berlin", None, "DE")]),
        (["München, Bayern, Deutschland"], [("Munich", "Bayern", "DE")]),
        (["Munich, Bavaria, Germany"], [("Munich", "Bayern", "DE")]),
        (["Muenchen"], [("Munich", None, "DE")]),
        (["Köln"], [("Cologne", None, "DE")]),
        (["Wien, Österreich"], [("Vienna", None, "AT")]),
        (["Zürich, Schweiz"], [("Zurich", None, "CH")]),
        (["Genf"], [("Geneva", None, "CH")]),
        (["Sevilla, España"], [("Seville", None, "ES")]),
        (["Barcelona, Cataluña, España"], [("Barcelona", "Cataluña", "ES")]),
        (["Madrid, Spanien"], [("Madrid", None, "ES")]),
        (["London, UK"], [("London", None, "GB")]),
        (["Edinburgh, Scotland"], [("Edinburgh", "Scotland", "GB")]),
        (["New York, NY"], [("New York", "New York", "US")]),
        (["Austin, TX"], [("Austin", "Texas", "US")]),
        (["San Francisco, CA"], [("San Francisco", "California", "US")]),
        (["Mountain View, CA, USA"], [("Mountain View", "California", "US")]),
        (["Toronto, ON, Canada"], [("Toronto", "Ontario", "CA")]),
        (["Seattle, Washington"], [("Seattle", "Washington", "US")]),
        (["Washington, D.C."], [("Washington", None, "US")]),
        # a state code after a city beats the city table's guess, a country code that fits not
        (["Cambridge, MA"], [("Cambridge", "Massachusetts", "US")]),
        (["London, ON"], [("London", "Ontario", "CA")]),
        (["Berlin, DE"], [("Berlin", None, "DE")]),
        (["Dover, DE"], [("Dover", "Delaware", "US")]),
        (["Atlanta, Georgia"], [("Atlanta", "Georgia", "US")]),
        (["Tbilisi, Georgia"], [("Tbilisi", None, "GE")]),
        # countries alone, in several languages and as codes
        (["DE"], [(None, None, "DE")]),
        (["USA"], [(None, None, "US")]),
        (["Vereinigte Staaten"], [(None, None, "US")]),
        (["Estados Unidos"], [(None, None, "US")]),
        (["EE.UU."], [(None, None, "US")]),
        (["Trinidad and Tobago"], [(None, None, "TT")]),
        (["California"], [(None, "California", "US")]),
        # remote and work words
        (["Remote - EU"], [(None, "EU", None)]),
        (["Remote (US)"], [(None, None, "US")]),
        (["Remote, Germany"], [(None, None, "DE")]),
        (["Remote in Spain"], [(None, None, "ES")]),
        (["Remoto en España"], [(None, None, "ES")]),
        (["Germany (Remote)"], [(None, None, "DE")]),
        (["Berlin (Hybrid)"], [("Berlin", None, "DE")]),
        (["Hybrid - Munich"], [("Munich", None, "DE")]),
        (["Anywhere"], [(None, "Worldwide", None)]),
        (["Remote"], [(None, None, None)]),
        # several per string and per list
        (["Madrid o Barcelona"], [("Madrid", None, "ES"), ("Barcelona", None, "ES")]),
        (["Berlin; Hamburg"], [("Berlin", None, "DE"), ("Hamburg", None, "DE")]),
        (["Berlin / Hamburg"], [("Berlin", None, "DE"), ("Hamburg", None, "DE")]),
        (["Berlin oder Remote"], [("Berlin", None, "DE"), (None, None, None)]),
        (
            ["Berlin, Hamburg, München"],
            [("Berlin", None, "DE"), ("Hamburg", None, "DE"), ("Munich", None, "DE")],
        ),
        (["Berlin", "Vienna"], [("Berlin", None, "DE"), ("Vienna", None, "AT")]),
        (["Berlin, Berlin, Germany"], [("Berlin", None, "DE")]),  # duplicates collapse
        (["Berlin", "Berlin, Germany"], [("Berlin", None, "DE")]),
        # names with a separator inside are not split
        (["Frankfurt/Main"], [("Frankfurt", None, "DE")]),
        (["Castilla y León"], [(None, "Castilla y León", "ES")]),
        # addresses, unknown places, junk
        (["Friedrichstraße 12, 10117 Berlin"], [("Berlin", None, "DE")]),
        (["10115 Berlin"], [("Berlin", None, "DE")]),
        (["Unterschleißheim"], [("Unterschleißheim", None, None)]),
        (["Unterschleißheim, Deutschland"], [("Unterschleißheim", None, "DE")]),
        (["Multiple Locations"], []),
        (["N/A"], []),
        ([""], []),
        (["   "], []),
        ([], []),
    ],
)
def test_parse_locations(entries: list[str], expected: list[Place]) -> None:
    found = parse_locations(entries)
    assert [(loc.city, loc.region, loc.country) for loc in found] == expected


def test_locations_are_capped() -> None:
    towns = [f"Neu{chr(97 + n // 26)}{chr(97 + n % 26)}dorf, Germany" for n in range(500)]
    assert len(parse_locations(towns)) == 50


def test_locations_keep_what_the_source_wrote() -> None:
    first, second = parse_locations(["München, Bayern", "Madrid o Barcelona"])[:2]
    assert first.raw == "München, Bayern"
    assert second.raw == "Madrid"


@pytest.mark.parametrize(
    ("entries", "codes", "expected"),
    [
        # stated country codes win: one location, one code
        (["Berlin"], ["AT"], [("Berlin", None, "AT")]),
        (["Valencia"], ["VE"], [("Valencia", None, "VE")]),
        (["Remote"], ["DE"], [(None, None, "DE")]),
        # as many codes as locations: paired in order
        (
            ["Paris", "Springfield"],
            ["US", "US"],
            [("Paris", None, "US"), ("Springfield", None, "US")],
        ),
        # otherwise only places without a country take one, and unused codes are added
        (["Berlin; Vienna"], ["DE"], [("Berlin", None, "DE"), ("Vienna", None, "AT")]),
        (["Remote"], ["DE", "AT"], [(None, None, "DE"), (None, None, "AT")]),
        (
            [],
            ["Germany", "ESP", "uk"],
            [(None, None, "DE"), (None, None, "ES"), (None, None, "GB")],
        ),
        ([], ["xx", ""], []),
    ],
)
def test_country_codes_given_by_the_source_win(
    entries: list[str], codes: list[str], expected: list[Place]
) -> None:
    found = parse_locations(entries, codes)
    assert [(loc.city, loc.region, loc.country) for loc in found] == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("DE", "DE"),
        ("DEU", "DE"),
        ("Germany", "DE"),
        ("Deutschland", "DE"),
        ("Alemania", "DE"),
        ("España", "ES"),
        ("Espana", "ES"),
        ("Spanien", "ES"),
        ("Österreich", "AT"),
        ("Oesterreich", "AT"),
        ("Schweiz", "CH"),
        ("Suiza", "CH"),
        ("Niederlande", "NL"),
        ("The Netherlands", "NL"),
        ("UK", "GB"),
        ("Great Britain", "GB"),
        ("Reino Unido", "GB"),
        ("United States of America", "US"),
        ("south korea", "KR"),
        ("Türkiye", "TR"),
        ("Narnia", None),
        ("", None),
        (None, None),
    ],
)
def test_country_code(value: str | None, expected: str | None) -> None:
    assert country_code(value) == expected


def test_city_table_is_sound() -> None:
    data = json.loads(CITIES_FILE.read_text(encoding="utf-8"))
    assert len(data["cities"]) >= 200
    for entry in (*data["cities"], *data["regions"]):
        assert pycountry.countries.get(alpha_2=entry["country"]) is not None, entry
    owners: dict[str, str] = {}
    for entry in data["cities"]:
        for alias in (entry["name"], *entry["aliases"]):
            key = _accentless(alias)
            assert owners.setdefault(key, entry["name"]) == entry["name"], f"{alias} is two cities"
    for code in data["country_aliases"].values():
        assert pycountry.countries.get(alpha_2=code) is not None or code == "XK"


# --- work mode ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("signals", "expected"),
    [
        # an explicit workplace decides
        ({"workplace": "hybrid"}, WorkMode.HYBRID),
        ({"workplace": "Hybrid", "remote": True}, WorkMode.HYBRID),
        ({"workplace": "On-site"}, WorkMode.ONSITE),
        ({"workplace": "onsite"}, WorkMode.ONSITE),
        ({"workplace": "ONSITE"}, WorkMode.ONSITE),
        ({"workplace": "remote", "remote": False}, WorkMode.REMOTE),
        ({"workplace": "TELECOMMUTE"}, WorkMode.REMOTE),
        ({"workplace": "presencial"}, WorkMode.ONSITE),
        ({"workplace": "unspecified"}, None),
        # the remote flag, turned hybrid by a hybrid title or location
        ({"remote": True}, WorkMode.REMOTE),
        ({"remote": True, "title": "Engineer (Hybrid)"}, WorkMode.HYBRID),
        ({"remote": True, "description": "Hybrid: 2 days in the office"}, WorkMode.REMOTE),
        ({"remote": False}, WorkMode.ONSITE),
        ({"remote": False, "title": "Engineer (Remote)"}, WorkMode.REMOTE),
        # title and locations
        ({"title": "Software Engineer (Remote)"}, WorkMode.REMOTE),
        ({"title": "Sachbearbeiter - Home Office"}, WorkMode.REMOTE),
        ({"title": "Desarrollador - Teletrabajo"}, WorkMode.REMOTE),
        ({"title": "Engineer (100% remote)"}, WorkMode.REMOTE),
        ({"title": "Engineer (teilweise remote)"}, WorkMode.HYBRID),
        ({"title": "Ingeniero (híbrido)"}, WorkMode.HYBRID),
        ({"title": "Lagerist (vor Ort)"}, WorkMode.ONSITE),
        ({"title": "Camarero - presencial"}, WorkMode.ONSITE),
        ({"locations": ["Remote - EU"]}, WorkMode.REMOTE),
        ({"locations": ["Berlin (Hybrid)"]}, WorkMode.HYBRID),
        ({"locations": ["Remoto"]}, WorkMode.REMOTE),
        ({"locations": ["Berlin", "Remote"]}, WorkMode.REMOTE),
        ({"locations": ["On-site - Munich"]}, WorkMode.ONSITE),
        # description cues, weakest
        ({"description": "This is a fully remote role."}, WorkMode.REMOTE),
        ({"description": "Work from anywhere in Europe."}, WorkMode.REMOTE),
        ({"description": "Die Stelle ist komplett remote."}, WorkMode.REMOTE),
        ({"description": "100% teletrabajo"}, WorkMode.REMOTE),
        ({"description": "Wir bieten 2 Tage Home Office pro Woche."}, WorkMode.HYBRID),
        ({"description": "Teilweise remote möglich"}, WorkMode.HYBRID),
        ({"description": "Mobiles Arbeiten ist möglich"}, WorkMode.HYBRID),
        ({"description": "Modelo híbrido: 3 días en la oficina"}, WorkMode.HYBRID),
        ({"description": "Posibilidad de teletrabajo"}, WorkMode.HYBRID),
        ({"description": "Trabajo 100% presencial en Madrid"}, WorkMode.ONSITE),
        ({"description": "Du arbeitest vor Ort in unserem Lager"}, WorkMode.ONSITE),
        ({"description": "No remote work possible; hybrid is not an option."}, WorkMode.ONSITE),
        ({"description": "Leider kein Home Office möglich."}, WorkMode.ONSITE),
        ({"description": "We offer hybrid or fully remote work."}, WorkMode.REMOTE),
        ({"description": "You will work with remote teams across time zones."}, None),
        ({"title": "Remote Sensing Analyst"}, WorkMode.REMOTE),  # a known false positive
        ({}, None),
        ({"title": "", "locations": [""], "description": ""}, None),
    ],
)
def test_detect_work_mode(signals: dict[str, Any], expected: WorkMode | None) -> None:
    assert detect_work_mode(**signals) is expected


# --- employment type ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("FULL_TIME", EmploymentType.FULL_TIME),
        ("Full-time", EmploymentType.FULL_TIME),
        ("full time", EmploymentType.FULL_TIME),
        ("FullTime", EmploymentType.FULL_TIME),
        ("Vollzeit", EmploymentType.FULL_TIME),
        ("jornada completa", EmploymentType.FULL_TIME),
        ("Tiempo completo", EmploymentType.FULL_TIME),
        ("permanent", EmploymentType.FULL_TIME),
        ("Festanstellung", EmploymentType.FULL_TIME),
        ("unbefristet", EmploymentType.FULL_TIME),
        ("Contrato indefinido", EmploymentType.FULL_TIME),
        ("PART_TIME", EmploymentType.PART_TIME),
        ("PartTime", EmploymentType.PART_TIME),
        ("Teilzeit", EmploymentType.PART_TIME),
        ("media jornada", EmploymentType.PART_TIME),
        ("Minijob", EmploymentType.PART_TIME),
        ("Teilzeit, unbefristet", EmploymentType.PART_TIME),
        ("CONTRACTOR", EmploymentType.CONTRACT),
        ("contract", EmploymentType.CONTRACT),
        ("Freelance", EmploymentType.CONTRACT),
        ("Freiberuflich", EmploymentType.CONTRACT),
        ("Autónomo", EmploymentType.CONTRACT),
        ("TEMPORARY", EmploymentType.TEMPORARY),
        ("befristet", EmploymentType.TEMPORARY),
        ("Vollzeit, befristet", EmploymentType.TEMPORARY),
        ("Fixed-term", EmploymentType.TEMPORARY),
        ("temporal", EmploymentType.TEMPORARY),
        ("PER_DIEM", EmploymentType.TEMPORARY),
        ("INTERN", EmploymentType.INTERNSHIP),
        ("Internship", EmploymentType.INTERNSHIP),
        ("Praktikum", EmploymentType.INTERNSHIP),
        ("Werkstudent", EmploymentType.INTERNSHIP),
        ("prácticas", EmploymentType.INTERNSHIP),
        ("Full-time internship", EmploymentType.INTERNSHIP),
        ("Ausbildung", EmploymentType.APPRENTICESHIP),
        ("apprenticeship", EmploymentType.APPRENTICESHIP),
        ("Duales Studium", EmploymentType.APPRENTICESHIP),
        ("VOLUNTEER", EmploymentType.VOLUNTEER),
        ("Ehrenamtlich", EmploymentType.VOLUNTEER),
        ("OTHER", EmploymentType.OTHER),
        ("FULL_TIME, PART_TIME", EmploymentType.FULL_TIME),
        ("Vollzeit / Teilzeit", EmploymentType.FULL_TIME),
        ("Regular employee", EmploymentType.FULL_TIME),
        ("weird", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_employment_type(value: str | None, expected: EmploymentType | None) -> None:
    assert parse_employment_type(value) is expected


@pytest.mark.parametrize(
    ("value", "title", "expected"),
    [
        (None, "Werkstudent Marketing (m/w/d)", EmploymentType.INTERNSHIP),
        (None, "Praktikum Vertrieb", EmploymentType.INTERNSHIP),
        (None, "Ausbildung zum Kaufmann (m/w/d)", EmploymentType.APPRENTICESHIP),
        (None, "Kassierer (Teilzeit)", EmploymentType.PART_TIME),
        (None, "Freelance Designer", EmploymentType.CONTRACT),
        (None, "Contract Manager", None),  # the subject, not the contract
        (None, "Engineer", None),
        ("FULL_TIME", "Werkstudent Marketing", EmploymentType.FULL_TIME),  # the field decides
        ("whatever", "Praktikum Vertrieb", EmploymentType.INTERNSHIP),
    ],
)
def test_employment_type_falls_back_to_the_title(
    value: str | None, title: str, expected: EmploymentType | None
) -> None:
    assert parse_employment_type(value, title=title) is expected


# --- seniority ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Software Engineering Intern", Seniority.INTERN),
        ("Trainee Controlling", Seniority.INTERN),
        ("Praktikant Marketing", Seniority.INTERN),
        ("Werkstudent IT", Seniority.INTERN),
        ("Becario de Marketing", Seniority.INTERN),
        ("Junior Developer", Seniority.JUNIOR),
        ("Jr. Data Analyst", Seniority.JUNIOR),
        ("Entry-Level Sales Representative", Seniority.JUNIOR),
        ("Graduate Engineer", Seniority.JUNIOR),
        ("Berufseinsteiger Vertrieb", Seniority.JUNIOR),
        ("Junior Product Manager", Seniority.JUNIOR),
        ("Engineer I", Seniority.JUNIOR),
        ("Senior Engineer", Seniority.SENIOR),
        ("Sr. Engineer", Seniority.SENIOR),
        ("Desarrollador Sénior", Seniority.SENIOR),
        ("Software Engineer III", Seniority.SENIOR),
        ("Lead Engineer", Seniority.LEAD),
        ("Staff Engineer", Seniority.LEAD),
        ("Senior Staff Engineer", Seniority.LEAD),
        ("Team Lead Backend", Seniority.LEAD),
        ("Engineering Manager", Seniority.LEAD),
        ("Senior Manager", Seniority.LEAD),
        ("Teamleiter Logistik", Seniority.LEAD),
        ("Projektleiter Bau", Seniority.LEAD),
        ("Jefe de Proyecto", Seniority.LEAD),
        ("Principal Engineer", Seniority.PRINCIPAL),
        ("Director of Engineering", Seniority.PRINCIPAL),
        ("Senior Director, Sales", Seniority.PRINCIPAL),
        ("Head of Data", Seniority.PRINCIPAL),
        ("VP Engineering", Seniority.PRINCIPAL),
        ("Distinguished Engineer", Seniority.PRINCIPAL),
        ("Abteilungsleiter Einkauf", Seniority.PRINCIPAL),
        ("Leiter Vertrieb", Seniority.PRINCIPAL),
        ("Software Engineer II", Seniority.MID),
        ("Mid-Level Developer", Seniority.MID),
        ("Professional Services Consultant", Seniority.MID),
        ("Software Engineer", None),
        ("Lead Generation Specialist", None),
        ("Staff Accountant", None),
        ("Internal Auditor", None),
        ("International Sales Representative", None),
        ("", None),
    ],
)
def test_seniority_from_title(title: str, expected: Seniority | None) -> None:
    assert detect_seniority(title) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("We require at least 5 years of experience with Python.", Seniority.SENIOR),
        ("3+ years of professional experience", Seniority.MID),
        ("Mindestens 3 Jahre Berufserfahrung", Seniority.MID),
        ("1 Jahr Erfahrung in der Pflege", Seniority.JUNIOR),
        ("Experiencia de al menos 1 año", Seniority.JUNIOR),
        ("Experiencia mínima de 6 años en puestos similares", Seniority.SENIOR),
        ("Ideal für Berufseinsteiger", Seniority.JUNIOR),
        ("This is an entry-level role.", Seniority.JUNIOR),
        ("No experience required.", Seniority.JUNIOR),
        ("You will report to our senior engineers.", None),
        ("Founded 25 years ago, we are a family business.", None),
        ("", None),
    ],
)
def test_seniority_from_description(text: str, expected: Seniority | None) -> None:
    assert detect_seniority("Backend Developer", text) is expected


def test_seniority_title_beats_description_and_internship_implies_intern() -> None:
    assert detect_seniority("Junior Developer", "10+ years of experience") is Seniority.JUNIOR
    assert (
        detect_seniority("Marketing", employment_type=EmploymentType.INTERNSHIP) is Seniority.INTERN
    )


# --- salary ------------------------------------------------------------------------------------

Pay = tuple[float | None, float | None, str, SalaryPeriod] | None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("€60k–75k", (60_000, 75_000, "EUR", Y)),
        ("60.000 - 75.000 € p.a.", (60_000, 75_000, "EUR", Y)),
        ("$120,000 - $150,000 a year", (120_000, 150_000, "USD", Y)),
        ("£45k", (45_000, 45_000, "GBP", Y)),
        ("bis zu 70.000 EUR", (None, 70_000, "EUR", Y)),
        ("25-30 €/Stunde", (25, 30, "EUR", H)),
        ("4.500 € brutto monatlich", (4_500, 4_500, "EUR", M)),
        ("EUR 60,000 to 80,000", (60_000, 80_000, "EUR", Y)),
        ("ab 50.000 €", (50_000, None, "EUR", Y)),
        ("up to $100k", (None, 100_000, "USD", Y)),
        ("desde 30.000€", (30_000, None, "EUR", Y)),
        ("30.000-35.000€ brutos/año", (30_000, 35_000, "EUR", Y)),
        ("entre 30.000 y 40.000 euros brutos anuales", (30_000, 40_000, "EUR", Y)),
        ("30 mil euros al año", (30_000, 30_000, "EUR", Y)),
        ("$50/hr", (50, 50, "USD", H)),
        ("$120K+", (120_000, None, "USD", Y)),
        ("USD 100,000 – 120,000", (100_000, 120_000, "USD", Y)),
        ("60-75k EUR", (60_000, 75_000, "EUR", Y)),
        ("€ 3.000 - 3.500 monatlich", (3_000, 3_500, "EUR", M)),
        ("Gehalt: 1.234,56 € pro Monat", (1_234.56, 1_234.56, "EUR", M)),
        ("CHF 100'000 - 120'000", (100_000, 120_000, "CHF", Y)),
        ("CA$90,000", (90_000, 90_000, "CAD", Y)),
        ("500 € per day", (500, 500, "EUR", D)),
        ("£600 a week", (600, 600, "GBP", W)),
        ("Tagessatz 800 €", (800, 800, "EUR", D)),
        ("Stundenlohn: 15 €", (15, 15, "EUR", H)),
        # no period stated: read from the size
        ("€ 3.200", (3_200, 3_200, "EUR", M)),
        ("€15", (15, 15, "EUR", H)),
        # no currency in a salary field: the country's
        ("60.000 - 75.000", (60_000, 75_000, "EUR", Y)),
        # min above max: swapped
        ("75.000 - 60.000 €", (60_000, 75_000, "EUR", Y)),
        # absurd: no salary
        ("€60k–750k", None),
        ("€5", None),
        ("€ 10 Mio", None),
        ("$5,000,000 per year", None),
        ("€2,000 per hour", None),
        ("competitive", None),
        ("50% remote", None),
        ("", None),
    ],
)
def test_salary_from_text(text: str, expected: Pay) -> None:
    salary = parse_salary(None, text, country="DE")
    found = (salary.minimum, salary.maximum, salary.currency, salary.period) if salary else None
    assert found == expected


@pytest.mark.parametrize(
    ("given", "country", "expected"),
    [
        (
            RawSalary(minimum=60_000, maximum=80_000, currency="EUR", period="YEAR"),
            None,
            (60_000, 80_000, "EUR", Y),
        ),
        (
            RawSalary(minimum=25, maximum=30, currency="usd", period="per hour"),
            None,
            (25, 30, "USD", H),
        ),
        (RawSalary(minimum=5_000, currency="€", period="MONTHLY"), None, (5_000, None, "EUR", M)),
        (
            RawSalary(minimum=90_000, maximum=120_000, period="1 YEAR"),
            "US",
            (90_000, 120_000, "USD", Y),
        ),
        (
            RawSalary(minimum=90_000, maximum=120_000, currency="USD", period="per-year-salary"),
            None,
            (90_000, 120_000, "USD", Y),
        ),
        (RawSalary(minimum=700, currency="GBP", period="WEEK"), None, (700, None, "GBP", W)),
        (
            RawSalary(minimum=450, maximum=550, currency="EUR", period="DAY"),
            None,
            (450, 550, "EUR", D),
        ),
        (
            RawSalary(minimum=3_000, maximum=3_500, currency="EUR", period="Monat"),
            None,
            (3_000, 3_500, "EUR", M),
        ),
        (
            RawSalary(minimum=28_000, maximum=32_000, currency="EUR", period="anual"),
            None,
            (28_000, 32_000, "EUR", Y),
        ),
        (
            RawSalary(minimum=70_000, maximum=90_000, currency="$", period="annual"),
            "CA",
            (70_000, 90_000, "CAD", Y),
        ),
        (
            RawSalary(minimum=6_000_000, maximum=8_000_000, currency="JPY", period="YEAR"),
            None,
            (6_000_000, 8_000_000, "JPY", Y),
        ),
        (
            RawSalary(minimum=80_000, maximum=60_000, currency="EUR", period="YEAR"),
            None,
            (60_000, 80_000, "EUR", Y),
        ),
        (RawSalary(minimum=0, maximum=0, currency="USD", period="YEAR"), None, None),
        (
            RawSalary(minimum=-5, maximum=10, currency="USD", period="HOUR"),
            None,
            (None, 10, "USD", H),
        ),
        (RawSalary(minimum=60_000, maximum=80_000, period="YEAR"), None, None),  # no currency
        (RawSalary(minimum=1, maximum=2, currency="EUR", period="YEAR"), None, None),
        (RawSalary(minimum=1e12, currency="EUR", period="YEAR"), None, None),
        (RawSalary(), None, None),
    ],
)
def test_structured_salary(given: RawSalary, country: str | None, expected: Pay) -> None:
    salary = parse_salary(given, None, country=country)
    found = (salary.minimum, salary.maximum, salary.currency, salary.period) if salary else None
    assert found == expected


@pytest.mark.parametrize(
    ("period", "amount", "annual"),
    [
        ("HOUR", 20, 41_600),
        ("DAY", 400, 104_000),
        ("WEEK", 1_000, 52_000),
        ("MONTH", 4_000, 48_000),
        ("YEAR", 50_000, 50_000),
    ],
)
def test_salary_is_annualised(period: str, amount: float, annual: float) -> None:
    salary = parse_salary(RawSalary(minimum=amount, maximum=amount, currency="EUR", period=period))
    assert salary is not None
    assert (salary.annual_minimum, salary.annual_maximum) == (annual, annual)


def test_structured_salary_takes_period_and_currency_from_the_text() -> None:
    salary = parse_salary(RawSalary(minimum=20, maximum=25), "20-25 £ per hour")
    assert salary is not None
    assert (salary.currency, salary.period) == ("GBP", H)


@pytest.mark.parametrize(
    ("description", "expected"),
    [
        (
            "Benefits galore. Salary range: $140,000 - $180,000 per year plus equity and 401(k).",
            (140_000, 180_000, "USD", Y),
        ),
        (
            "Wir bieten ein Bruttojahresgehalt von 55.000 € bis 65.000 €.",
            (55_000, 65_000, "EUR", Y),
        ),
        ("Salario: 28.000 - 32.000 € brutos anuales", (28_000, 32_000, "EUR", Y)),
        ("We raised €5M. Python 3.11. 401k plan. 30 days of holiday.", None),
        ("Weiterbildungsbudget von 1.500 € pro Jahr", None),  # no salary word: not the pay
        ("Salary: competitive", None),
    ],
)
def test_salary_from_the_description(description: str, expected: Pay) -> None:
    salary = parse_salary(None, None, description=description)
    found = (salary.minimum, salary.maximum, salary.currency, salary.period) if salary else None
    assert found == expected


# --- description -------------------------------------------------------------------------------


def test_html_becomes_markdown_without_dangerous_parts() -> None:
    markdown = html_to_markdown(
        '<?xml version="1.0"?><div onclick="steal()"><h2>About   us</h2>'
        "<script>alert(1)</script><style>p { color: red }</style>"
        '<p onmouseover="x()">We build <b>things</b>&nbsp;with Python.</p>'
        '<iframe src="https://evil.example"></iframe><noscript>enable js</noscript>'
        '<p><a href="javascript:alert(1)">click</a> and '
        '<a href="https://example.com/apply">apply here</a> or <a href="/jobs">see all</a></p>'
        '<img src="https://tracker.example/pixel.gif" onerror="x()"><form><input></form>'
        "<ul><li>One</li><li>Two</li></ul><p></p><p></p><br><br><br><p>End</p></div>"
    )
    assert markdown == (
        "## About us\n\nWe build **things** with Python.\n\n"
        "click and [apply here](https://example.com/apply) or see all\n\n- One\n- Two\n\nEnd"
    )


@pytest.mark.parametrize(
    ("html", "text", "expected"),
    [
        ("<p>Hallo <em>Welt</em></p>", None, "Hallo *Welt*"),
        ("<ul><li>a<li>b</ul>", None, "- a\n- b"),  # unclosed items mended
        ("&lt;p&gt;escaped once too often&lt;/p&gt;", None, "escaped once too often"),
        ("plain text, no tags", None, "plain text, no tags"),
        (
            None,
            "Line one\n\n\n\n  Line   two\t\twith tabs\r\nthree",
            "Line one\n\nLine two with tabs\nthree",
        ),
        ("", "fallback text", "fallback text"),
        (
            "<div><img src='x.png'></div>",
            "text when the HTML says nothing",
            "text when the HTML says nothing",
        ),
        ("   ", "   ", ""),
        (None, None, ""),
        ("<p>Ünïcödé — 日本語 ✓</p>", None, "Ünïcödé — 日本語 ✓"),
    ],
)
def test_description_markdown(html: str | None, text: str | None, expected: str) -> None:
    assert description_markdown(html, text) == expected


def test_description_is_capped() -> None:
    markdown = description_markdown("<p>" + "word " * 10_000 + "</p>", None)
    assert len(markdown) <= DESCRIPTION_LIMIT
    assert markdown.endswith("…")
    assert len(description_markdown(None, "x" * 50_000)) <= DESCRIPTION_LIMIT


# --- dates -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-11-01", date(2026, 11, 1)),
        ("2026-11-01T10:00:00Z", date(2026, 11, 1)),
        ("2026-11-01T23:30:00-05:00", date(2026, 11, 1)),  # the date as written
        ("2026-11-01 10:00:00 UTC", date(2026, 11, 1)),
        ("2026/11/01", date(2026, 11, 1)),
        ("20261101", date(2026, 11, 1)),
        ("1793491200000", date(2026, 11, 1)),  # epoch milliseconds
        ("1793491200", date(2026, 11, 1)),  # epoch seconds
        ("1793491200000.0", date(2026, 11, 1)),
        (1793491200000, date(2026, 11, 1)),
        (1793491200, date(2026, 11, 1)),
        ("Sun, 01 Nov 2026 10:00:00 GMT", date(2026, 11, 1)),
        ("Sun, 1 Nov 2026 10:00:00 +0100", date(2026, 11, 1)),
        ("01.11.2026", date(2026, 11, 1)),
        ("1 November 2026", date(2026, 11, 1)),
        ("November 1, 2026", date(2026, 11, 1)),
        ("Nov 1st, 2026", date(2026, 11, 1)),
        ("1. Oktober 2026", date(2026, 10, 1)),
        ("3. März 2026", date(2026, 3, 3)),
        ("1 de noviembre de 2026", date(2026, 11, 1)),
        ("2026-13-01", None),
        ("2026-02-30", None),
        ("0", None),
        ("99999999999999", None),
        ("1850-01-01", None),
        ("11/01/2026", None),  # month or day first? not guessed
        ("garbage", None),
        ("", None),
        ("   ", None),
        (None, None),
    ],
)
def test_parse_date(value: str | int | None, expected: date | None) -> None:
    assert parse_date(value) == expected


# --- language ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("We are looking for a developer who will join our team and work with the data.", "en"),
        ("Wir suchen eine engagierte Entwicklerin für unser Team und die Arbeit mit Daten.", "de"),
        (
            "Buscamos un desarrollador para nuestro equipo en Madrid, con experiencia en la nube.",
            "es",
        ),
        ("Python Django Kubernetes", None),
        ("", None),
    ],
)
def test_guess_language(text: str, expected: str | None) -> None:
    assert guess_language(text) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("de", "de"),
        ("DE", "de"),
        ("de-DE", "de"),
        ("es_ES", "es"),
        ("deu", "de"),
        ("spa", "es"),
        ("German", "de"),
        ("Español", "es"),
        ("xx", None),
        ("??", None),
        ("", None),
        (None, None),
    ],
)
def test_normalize_language(value: str | None, expected: str | None) -> None:
    assert normalize_language(value) == expected


# --- the whole posting -------------------------------------------------------------------------


def test_an_english_posting() -> None:
    job = posting(
        source_kind=SourceKind.LEVER,
        external_id=" abc-123 ",
        title="Senior Backend Engineer (f/m/x) - Berlin",
        company="  Acme   GmbH ",
        url="https://jobs.lever.co/acme/abc-123",
        locations=("Berlin, Germany", "Remote - EU"),
        workplace="hybrid",
        employment_type="Full-time",
        department="Engineering",
        description_html=(
            "<h2>About the role</h2><p>We build our platform with <b>Python</b>, Django and "
            "PostgreSQL on Kubernetes. We are looking for someone who will own our APIs.</p>"
            "<p>Salary: €70,000 – €85,000 per year.</p>"
        ),
        posted_at="2026-10-20T09:00:00Z",
        valid_through="2026-12-31",
        confidence=0.95,
    )
    # Shown as written minus the gender tag (issue 14); the place is still read from it.
    assert job.title == "Senior Backend Engineer - Berlin"
    assert job.company == "Acme GmbH"
    assert job.external_id == "abc-123"
    assert [(loc.city, loc.region, loc.country) for loc in job.locations] == [
        ("Berlin", None, "DE"),
        (None, "EU", None),
    ]
    assert job.work_mode is WorkMode.HYBRID
    assert job.employment_type is EmploymentType.FULL_TIME
    assert job.seniority is Seniority.SENIOR
    assert job.salary is not None
    assert (job.salary.minimum, job.salary.maximum, job.salary.currency) == (
        70_000,
        85_000,
        "EUR",
    )
    assert {"Python", "Django", "PostgreSQL", "Kubernetes"} <= set(job.skills)
    assert job.description_md.startswith("## About the role\n\nWe build our platform")
    assert (job.posted_at, job.valid_through) == (date(2026, 10, 20), date(2026, 12, 31))
    assert job.language == "en"
    assert job.confidence == 0.95
    assert job.department == "Engineering"


def test_a_german_posting() -> None:
    job = posting(
        title="Sachbearbeiter Buchhaltung (m/w/d) in Teilzeit",
        company="Müller & Söhne KG",
        locations=("München, Bayern",),
        employment_type="Teilzeit, unbefristet",
        description_text=(
            "Wir suchen Verstärkung für unser Team. Du übernimmst die Buchhaltung und "
            "arbeitest mit DATEV. Mindestens 2 Jahre Berufserfahrung sind erwünscht. "
            "Wir bieten 2 Tage Home Office pro Woche und ein Gehalt von 2.800 - 3.200 € "
            "brutto monatlich."
        ),
        salary_text="2.800 - 3.200 € brutto monatlich",
    )
    assert job.title == "Sachbearbeiter Buchhaltung in Teilzeit"  # as written, minus (m/w/d)
    assert job.locations[0].city == "Munich"
    assert job.locations[0].country == "DE"
    assert job.employment_type is EmploymentType.PART_TIME
    assert job.work_mode is WorkMode.HYBRID
    assert job.seniority is Seniority.MID
    assert job.salary is not None
    assert (job.salary.period, job.salary.annual_minimum, job.salary.annual_maximum) == (
        M,
        33_600,
        38_400,
    )
    assert "Bookkeeping" in job.skills
    assert job.language == "de"


def test_a_spanish_posting() -> None:
    job = posting(
        source_kind=SourceKind.PAGE,
        extraction=Extraction.STRUCTURED_DATA,
        title="Desarrollador/a Java Junior (H/M) - Madrid o Barcelona",
        locations=(),
        country_codes=("ES",),
        remote=True,
        employment_type="jornada completa",
        description_html=(
            "<p>Buscamos un desarrollador para nuestro equipo. Trabajarás con Java y Spring "
            "en un proyecto de la banca. Ofrecemos teletrabajo y un salario de 28.000 - "
            "32.000 € brutos anuales.</p>"
        ),
        language="es-ES",
    )
    assert job.title == "Desarrollador/a Java Junior - Madrid o Barcelona"  # as written
    assert [(loc.city, loc.country) for loc in job.locations] == [
        ("Madrid", "ES"),
        ("Barcelona", "ES"),
    ]
    assert job.work_mode is WorkMode.REMOTE
    assert job.employment_type is EmploymentType.FULL_TIME
    assert job.seniority is Seniority.JUNIOR
    assert job.salary is not None
    assert job.salary.annual_maximum == 32_000
    assert "Java" in job.skills
    assert job.language == "es"


def test_a_posting_with_nothing_but_a_title() -> None:
    job = posting(title="Dog Walker")
    assert job.model_dump(exclude={"source_kind", "extraction"}) == {
        "external_id": None,
        "title": "Dog Walker",
        "company": None,
        "url": None,
        "apply_url": None,
        "locations": (),
        "work_mode": None,
        "employment_type": None,
        "seniority": None,
        "salary": None,
        "skills": (),
        "description_md": "",
        "department": None,
        "posted_at": None,
        "valid_through": None,
        "language": None,
        "confidence": 1.0,
        "provenance": {},
        "demo": False,
    }


def test_empty_strings_everywhere() -> None:
    job = posting(
        title="Barista",
        external_id="",
        company="",
        url="  ",
        locations=("", " "),
        country_codes=("",),
        workplace="",
        employment_type="",
        department="",
        description_html="",
        description_text="",
        salary=RawSalary(),
        salary_text="",
        posted_at="",
        valid_through="",
        language="",
    )
    assert (job.company, job.url, job.locations, job.salary, job.valid_through) == (
        None,
        None,
        (),
        None,
        None,
    )


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"title": ""}, "no_title"),
        ({"title": "   \u200b "}, "no_title"),
        ({"title": "(m/w/d)"}, "no_title"),
        ({"title": "???"}, "no_title"),
        ({"title": "Initiativbewerbung (m/w/d)"}, "not_a_job"),
        ({"title": "Open Application - Berlin"}, "not_a_job"),
        ({"title": "Join our Talent Pool"}, "not_a_job"),
        ({"title": "Candidatura espontánea"}, "not_a_job"),
        ({"title": "TEST"}, "not_a_job"),
        ({"valid_through": "2026-10-31"}, "expired"),
        ({"valid_through": "1790000000000"}, "expired"),
        ({"valid_through": "Fri, 30 Oct 2026 00:00:00 GMT"}, "expired"),
    ],
)
def test_dropped(fields: dict[str, Any], reason: str) -> None:
    assert normalize(raw(**fields), today=TODAY, taxonomy=TAXONOMY) == Dropped(reason=reason)


@pytest.mark.parametrize(
    "valid_through", ["2026-11-01", "2026-11-02", "2027-01-01", "not a date", None]
)
def test_not_expired(valid_through: str | None) -> None:
    assert isinstance(normalize(raw(valid_through=valid_through), today=TODAY), JobPosting)


@pytest.mark.parametrize(
    ("title", "kept"),
    [
        ("Test Engineer", "Test Engineer"),
        ("QA Tester (m/w/d)", "QA Tester"),
        ("Talent Acquisition Partner", "Talent Acquisition Partner"),
    ],
)
def test_real_jobs_that_look_like_non_jobs_are_kept(title: str, kept: str) -> None:
    assert posting(title=title).title == kept


def test_places_cut_from_the_title_become_locations_when_the_source_gave_none() -> None:
    job = posting(title="Data Engineer (m/w/d) – Hamburg")
    assert [(loc.city, loc.country) for loc in job.locations] == [("Hamburg", "DE")]
    job = posting(title="Data Engineer - Hamburg", locations=("Berlin",))
    assert [loc.city for loc in job.locations] == ["Berlin"]


def test_skills_come_from_title_and_text_not_from_link_targets() -> None:
    job = posting(
        title="Go Developer",
        description_html=(
            '<p>Apply <a href="https://example.com/jobs/python-kubernetes">here</a>. '
            "You will use Terraform.</p>"
        ),
    )
    assert job.skills == ("Go", "Terraform")


def test_confidence_is_carried_and_kept_in_range() -> None:
    assert posting(confidence=0.42).confidence == 0.42
    assert posting(confidence=7).confidence == 1.0
    assert posting(confidence=-1).confidence == 0.0


def test_given_language_beats_the_guess() -> None:
    text = "Wir suchen eine engagierte Entwicklerin für unser Team und die Arbeit mit Daten."
    assert posting(description_text=text).language == "de"
    assert posting(description_text=text, language="en").language == "en"


def test_taxonomy_defaults_to_the_packaged_one() -> None:
    result = normalize(raw(title="Python Developer"), today=TODAY)
    assert isinstance(result, JobPosting)
    assert result.skills == ("Python",)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Stuttgart, BW, Germany", [("Stuttgart", "DE")]),  # BW: a region, not Botswana
        ("Brno, JM, Czech Republic", [("Brno", "CZ")]),  # JM: a region, not Jamaica
        ("Berlin, DE, Germany", [("Berlin", "DE")]),  # a code repeating the country
        ("London, UK", [("London", "GB")]),
    ],
)
def test_a_short_code_beside_a_named_country_is_a_region(
    raw: str, expected: list[tuple[str, str]]
) -> None:
    assert [(loc.city, loc.country) for loc in parse_locations([raw])] == expected


# --- issue 14: titles as written, on-site by default, dates relative to today ---------------


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Data Engineer (Remote – EU or UK)", "Data Engineer (Remote – EU or UK)"),
        ("Senior Backend Engineer (m/w/d) - Berlin", "Senior Backend Engineer - Berlin"),
        ("Softwareentwickler (w/m/d) in Vollzeit", "Softwareentwickler in Vollzeit"),
        ("Backend Engineer [REQ-1234]", "Backend Engineer"),  # a reference, not words
        ("Pastry Baker", "Pastry Baker"),
        ("  Camarera de pisos (H/M) ", "Camarera de pisos"),
    ],
)
def test_the_title_is_shown_as_written_minus_gender_tags(title: str, expected: str) -> None:
    assert posting(title=title).title == expected


def test_remote_scope_and_seniority_are_read_from_a_title_kept_whole() -> None:
    job = posting(
        source_kind=SourceKind.PAGE,
        extraction=Extraction.STRUCTURED_DATA,
        title="Senior Data Engineer (Remote – EU or UK)",
    )
    assert job.title == "Senior Data Engineer (Remote – EU or UK)"
    assert job.work_mode is WorkMode.REMOTE
    assert [(loc.region, loc.country) for loc in job.locations] == [("EU", None), (None, "GB")]
    assert job.seniority is Seniority.SENIOR
    assert job.provenance == {"locations": "title"}


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"locations": ("Leeds, GB",)}, WorkMode.ONSITE),  # a city, nothing else said
        ({"locations": ("Hauptstraße 12, 04109 Leipzig",)}, WorkMode.ONSITE),
        ({"locations": ("Germany",)}, None),  # a country is no place to go to
        ({"locations": ("Berlin",), "remote": True}, WorkMode.REMOTE),
        ({"locations": ("Berlin",), "workplace": "hybrid"}, WorkMode.HYBRID),
        ({"locations": ("Berlin",), "description_text": "Fully remote team."}, WorkMode.REMOTE),
        ({"locations": ("Remote (UK)",)}, WorkMode.REMOTE),
        ({}, None),
    ],
)
def test_a_physical_place_without_remote_signals_means_on_site(
    fields: dict[str, Any], expected: WorkMode | None
) -> None:
    job = posting(**fields)
    assert job.work_mode is expected
    if expected is WorkMode.ONSITE:
        assert job.provenance["work_mode"] == "a physical location, no remote or hybrid signal"


@pytest.mark.parametrize(
    ("value", "future", "expected"),
    [
        ("3 days ago", False, date(2026, 10, 29)),
        ("Posted 3 days ago", False, date(2026, 10, 29)),
        ("a week ago", False, date(2026, 10, 25)),
        ("2 weeks ago", False, date(2026, 10, 18)),
        ("vor 3 Tagen", False, date(2026, 10, 29)),
        ("vor einer Woche", False, date(2026, 10, 25)),
        ("hace 2 días", False, date(2026, 10, 30)),
        ("hace un mes", False, date(2026, 10, 2)),
        ("today", False, TODAY),
        ("Gestern", False, date(2026, 10, 31)),
        ("hoy", False, TODAY),
        ("November 1", False, date(2026, 11, 1)),
        ("November 3", False, date(2025, 11, 3)),  # posted: the last November 3
        ("3 de noviembre", True, date(2026, 11, 3)),  # closing: the next one
        ("15. Januar", True, date(2027, 1, 15)),
        ("2026-10-20", False, date(2026, 10, 20)),
        ("in 3 days", False, None),
        ("3 fortnights ago", False, None),
        ("garbage", False, None),
        (None, False, None),
    ],
)
def test_resolve_date(value: str | None, future: bool, expected: date | None) -> None:
    assert resolve_date(value, TODAY, future=future) == expected


def test_relative_and_yearless_dates_in_a_posting() -> None:
    job = posting(posted_at="Posted 3 days ago", valid_through="December 15")
    assert (job.posted_at, job.valid_through) == (date(2026, 10, 29), date(2026, 12, 15))


def test_provenance_is_carried_and_completed() -> None:
    job = posting(
        locations=("Leipzig",),
        description_text="Wir zahlen ein Gehalt von 3.000 € brutto im Monat.",
        provenance={"locations": "label 'Standort' (listing)"},
    )
    assert job.provenance == {
        "locations": "label 'Standort' (listing)",
        "work_mode": "a physical location, no remote or hybrid signal",
        "salary": "description",
    }

"""Answer parsers: English, German and Spanish phrasings in, a value or an ``Invalid`` out."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from conversations import answers
from conversations.answers import Invalid
from conversations.flow import parse_frequency
from core.domain import EmploymentType, Frequency, QuietHours, SalaryFloor, Seniority, WorkMode

REMOTE, HYBRID, ONSITE = WorkMode.REMOTE, WorkMode.HYBRID, WorkMode.ONSITE
FULL, PART, CONTRACT = EmploymentType.FULL_TIME, EmploymentType.PART_TIME, EmploymentType.CONTRACT
INTERNSHIP, TEMPORARY = EmploymentType.INTERNSHIP, EmploymentType.TEMPORARY


@pytest.mark.parametrize(
    ("text", "yes", "no"),
    [
        ("yes", True, False),
        ("  Yes ", True, False),
        ("ja", True, False),
        ("Sí", True, False),
        ("SI", True, False),
        ("einverstanden", True, False),
        ("acepto", True, False),
        ("no", False, True),
        ("Nein", False, True),
        ("nein danke", False, True),
        ("no gracias", False, True),
        ("maybe", False, False),
        ("", False, False),
    ],
)
def test_yes_and_no(text: str, yes: bool, no: bool) -> None:
    assert (answers.is_yes(text), answers.is_no(text)) == (yes, no)


@pytest.mark.parametrize(
    ("text", "skip"),
    [
        ("skip", True),
        ("Skip", True),
        ("Überspringen", True),
        ("ueberspringen", True),
        ("omitir", True),
        ("saltar", True),
        ("-", True),
        ("none", True),
        ("skipping", False),
        ("60k EUR", False),
    ],
)
def test_skip(text: str, skip: bool) -> None:
    assert answers.is_skip(text) is skip


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("Python, SQL; Go", ["Python", "SQL", "Go"]),
        ("Python and SQL", ["Python", "SQL"]),
        ("Python und SQL oder Go", ["Python", "SQL", "Go"]),
        ("Python y SQL o Go", ["Python", "SQL", "Go"]),
        ("• Python\n• SQL\n", ["Python", "SQL"]),
        ("DevOps/SRE", ["DevOps", "SRE"]),
        (" , ; ", []),
    ],
)
def test_split_list(text: str, parts: list[str]) -> None:
    assert answers.split_list(text) == parts


# --- roles ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Backend Developer", ("Backend Developer",)),
        ("Backend Developer, Data Engineer", ("Backend Developer", "Data Engineer")),
        ("  backend   developer ;data engineer.", ("backend developer", "data engineer")),
        ("Krankenpfleger; Altenpfleger", ("Krankenpfleger", "Altenpfleger")),
        ("Enfermera\nCuidadora", ("Enfermera", "Cuidadora")),
        # "and" and "/" belong to a title; only commas, semicolons and new lines separate.
        ("Research and Development Engineer", ("Research and Development Engineer",)),
        ("UI/UX Designer, Fotógrafo y Editor", ("UI/UX Designer", "Fotógrafo y Editor")),
        ("Nurse, Nurse, Care Assistant", ("Nurse", "Care Assistant")),
        ("C++ Developer", ("C++ Developer",)),
        ("QA", ("QA",)),
        (", ".join(f"Role {n}" for n in range(10)), tuple(f"Role {n}" for n in range(10))),
        ("x" * 80, ("x" * 80,)),
    ],
)
def test_roles(text: str, expected: tuple[str, ...]) -> None:
    assert answers.parse_roles(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",  # no role at all
        " , ; ",
        ", ".join(f"Role {n}" for n in range(11)),  # more than 10
        "x" * 81,  # too long
        "Developer, " + "y" * 81,
        "A",  # too short
        "1234",  # no letters
        "Developer, 42",
    ],
)
def test_roles_invalid(text: str) -> None:
    assert answers.parse_roles(text) == Invalid("invalid_roles")


# --- work modes -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("remote", (REMOTE,)),
        ("Remote only", (REMOTE,)),
        ("Home Office", (REMOTE,)),
        ("Homeoffice", (REMOTE,)),
        ("remoto", (REMOTE,)),
        ("teletrabajo", (REMOTE,)),
        ("hybrid", (HYBRID,)),
        ("Híbrido", (HYBRID,)),
        ("on-site", (ONSITE,)),
        ("On site", (ONSITE,)),
        ("vor Ort", (ONSITE,)),
        ("Büro", (ONSITE,)),
        ("presencial", (ONSITE,)),
        ("hybrid, remote", (REMOTE, HYBRID)),
        ("onsite and remote", (REMOTE, ONSITE)),
        ("Homeoffice oder hybrid", (REMOTE, HYBRID)),
        ("remoto o híbrido", (REMOTE, HYBRID)),
        ("remote/hybrid/remote", (REMOTE, HYBRID)),
        ("any", (REMOTE, HYBRID, ONSITE)),
        ("egal", (REMOTE, HYBRID, ONSITE)),
        ("cualquiera", (REMOTE, HYBRID, ONSITE)),
        ("any, remote", (REMOTE, HYBRID, ONSITE)),
    ],
)
def test_work_modes(text: str, expected: tuple[WorkMode, ...]) -> None:
    assert answers.parse_work_modes(text) == expected


@pytest.mark.parametrize("text", ["", "sometimes", "remote, sometimes", "4 days a week", "-"])
def test_work_modes_invalid(text: str) -> None:
    assert answers.parse_work_modes(text) == Invalid("invalid_work_mode")


# --- locations --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("anywhere", ()),
        ("Anywhere", ()),
        ("worldwide", ()),
        ("überall", ()),
        ("Weltweit", ()),
        ("egal", ()),
        ("en cualquier lugar", ()),
        ("Todo el mundo", ()),
        ("Berlin", ("Berlin",)),
        ("Berlin, Munich", ("Berlin", "Munich")),
        ("Berlin,München; Wien\nZürich", ("Berlin", "München", "Wien", "Zürich")),
        ("Berlin, Berlin,", ("Berlin",)),
        ("São Paulo", ("São Paulo",)),
        ("Bosnia and Herzegovina", ("Bosnia and Herzegovina",)),
    ],
)
def test_locations(text: str, expected: tuple[str, ...]) -> None:
    assert answers.parse_locations(text) == expected


@pytest.mark.parametrize(
    "text",
    ["", " , ", "B", "12345", ", ".join(f"City {n}" for n in range(11)), "z" * 81],
)
def test_locations_invalid(text: str) -> None:
    assert answers.parse_locations(text) == Invalid("invalid_locations")


# --- seniority --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("intern", Seniority.INTERN),
        ("Trainee", Seniority.INTERN),
        ("Werkstudent", Seniority.INTERN),
        ("Praktikum", Seniority.INTERN),
        ("Prácticas", Seniority.INTERN),
        ("becario", Seniority.INTERN),
        ("student", Seniority.INTERN),
        ("estudiante", Seniority.INTERN),
        ("junior", Seniority.JUNIOR),
        ("Entry level", Seniority.JUNIOR),
        ("Berufseinsteiger", Seniority.JUNIOR),
        ("Mid-level", Seniority.MID),
        ("mid", Seniority.MID),
        ("Berufserfahren", Seniority.MID),
        ("Semi Senior", Seniority.MID),
        ("medio", Seniority.MID),
        ("Senior", Seniority.SENIOR),
        ("Sr.", Seniority.SENIOR),
        ("team lead", Seniority.LEAD),
        ("Staff", Seniority.LEAD),
        ("Teamleitung", Seniority.LEAD),
        ("Líder", Seniority.LEAD),
        ("jefe", Seniority.LEAD),
        ("principal", Seniority.PRINCIPAL),
        ("Director", Seniority.PRINCIPAL),
        ("Bereichsleitung", Seniority.PRINCIPAL),
    ],
)
def test_seniority(text: str, expected: Seniority) -> None:
    assert answers.parse_seniority(text) is expected


@pytest.mark.parametrize("text", ["", "very good", "10 years", "senior-ish"])
def test_seniority_invalid(text: str) -> None:
    assert answers.parse_seniority(text) == Invalid("invalid_seniority")


# --- salary -----------------------------------------------------------------------------------


def _salary(amount: int, currency: str, period: str = "year") -> SalaryFloor:
    return SalaryFloor(amount=amount, currency=currency, period=period)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # English
        ("60000 EUR", _salary(60_000, "EUR")),
        ("€60k", _salary(60_000, "EUR")),
        ("60k€", _salary(60_000, "EUR")),
        ("$120,000", _salary(120_000, "USD")),
        ("120k USD/yr", _salary(120_000, "USD")),
        ("62.5k GBP", _salary(62_500, "GBP")),
        ("£45,000 a year", _salary(45_000, "GBP")),
        ("4500 EUR per month", _salary(4_500, "EUR", "month")),
        ("€4,500 per month", _salary(4_500, "EUR", "month")),
        ("4500 EUR monthly", _salary(4_500, "EUR", "month")),
        ("$55/hour", _salary(55, "USD", "hour")),
        ("55 dollars per hour", _salary(55, "USD", "hour")),
        ("between 50k and 60k EUR", _salary(50_000, "EUR")),
        ("90000 chf", _salary(90_000, "CHF")),
        # German
        ("60.000 €", _salary(60_000, "EUR")),
        ("60 000 €", _salary(60_000, "EUR")),
        ("60.000 Euro pro Jahr", _salary(60_000, "EUR")),
        ("62,5k €", _salary(62_500, "EUR")),
        ("60 Tsd. €", _salary(60_000, "EUR")),
        ("4.500 € pro Monat", _salary(4_500, "EUR", "month")),
        ("4.500 € brutto im Monat", _salary(4_500, "EUR", "month")),
        ("4.500 € monatlich", _salary(4_500, "EUR", "month")),
        ("120.000 Franken", _salary(120_000, "CHF")),
        ("35 €/Stunde", _salary(35, "EUR", "hour")),
        # Spanish
        ("40.000 euros al año", _salary(40_000, "EUR")),
        ("3.000 € al mes", _salary(3_000, "EUR", "month")),
        ("3000 euros mensuales", _salary(3_000, "EUR", "month")),
        ("25 dólares por hora", _salary(25, "USD", "hour")),
        ("2.500.000 CLP al mes", _salary(2_500_000, "CLP", "month")),
        ("60.000.000 COP al año", _salary(60_000_000, "COP")),
        # currencies whose unit is small have higher amounts
        ("15,000,000 JPY", _salary(15_000_000, "JPY")),
        ("12.000.000 HUF", _salary(12_000_000, "HUF")),
        ("1,000,000 EUR", _salary(1_000_000, "EUR")),
    ],
)
def test_salary(text: str, expected: SalaryFloor) -> None:
    assert answers.parse_salary(text) == expected


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("60k", "invalid_salary_currency"),
        ("60000", "invalid_salary_currency"),
        ("60.000 pro Jahr", "invalid_salary_currency"),
        ("lots", "invalid_salary"),
        ("", "invalid_salary"),
        ("viel Geld", "invalid_salary"),
        ("EUR", "invalid_salary"),
        ("0 EUR", "invalid_salary"),
        ("500 EUR", "invalid_salary"),  # a year's floor below 1,000
        ("50 € al mes", "invalid_salary"),
        ("999999999 EUR", "invalid_salary"),
        ("100.000.000 €", "invalid_salary"),
        ("5.000.000 € pro Monat", "invalid_salary"),
        ("20000 USD per hour", "invalid_salary"),
    ],
)
def test_salary_invalid(text: str, key: str) -> None:
    assert answers.parse_salary(text) == Invalid(key)


# --- time zones -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # cities, in any language the aliases cover
        ("Berlin", "Europe/Berlin"),
        ("berlin", "Europe/Berlin"),
        ("München", "Europe/Berlin"),
        ("Munich", "Europe/Berlin"),
        ("Köln", "Europe/Berlin"),
        ("Wien", "Europe/Vienna"),
        ("Zürich", "Europe/Zurich"),
        ("Madrid", "Europe/Madrid"),
        ("Barcelona", "Europe/Madrid"),
        ("New York", "America/New_York"),
        ("San Francisco", "America/Los_Angeles"),
        ("Buenos Aires", "America/Argentina/Buenos_Aires"),
        ("CDMX", "America/Mexico_City"),
        ("Mexico City", "America/Mexico_City"),
        ("Deutschland", "Europe/Berlin"),
        ("España", "Europe/Madrid"),
        ("Kolkata", "Asia/Kolkata"),
        # IANA names
        ("Europe/Berlin", "Europe/Berlin"),
        (" America/New_York ", "America/New_York"),
        ("America/New York", "America/New_York"),
        ("europe/berlin", "Europe/Berlin"),
        ("AMERICA/NEW_YORK", "America/New_York"),
        # UTC and offsets: Etc/GMT signs are inverted
        ("UTC", "UTC"),
        ("gmt", "UTC"),
        ("Z", "UTC"),
        ("UTC+0", "UTC"),
        ("UTC+2", "Etc/GMT-2"),
        ("utc + 2", "Etc/GMT-2"),
        ("GMT-5", "Etc/GMT+5"),
        ("+02:00", "Etc/GMT-2"),
        ("-0300", "Etc/GMT+3"),
        ("UTC+14", "Etc/GMT-14"),
        ("UTC-12", "Etc/GMT+12"),
    ],
)
def test_timezone(text: str, expected: str) -> None:
    assert answers.parse_timezone(text) == expected
    ZoneInfo(expected)  # every answer is a zone the scheduler can load


@pytest.mark.parametrize(
    "text",
    ["", "Atlantis", "Europe/Atlantis", "UTC+15", "UTC-13", "UTC-14", "UTC+5:30", "tomorrow"],
)
def test_timezone_invalid(text: str) -> None:
    assert answers.parse_timezone(text) == Invalid("invalid_timezone")


# --- quiet hours ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("22-7", QuietHours(start=22, end=7)),
        ("22 - 7", QuietHours(start=22, end=7)),
        ("22–7", QuietHours(start=22, end=7)),
        ("22:00-07:00", QuietHours(start=22, end=7)),
        ("22 to 7", QuietHours(start=22, end=7)),
        ("from 22:00 to 07:00", QuietHours(start=22, end=7)),
        ("22:00 bis 07:00 Uhr", QuietHours(start=22, end=7)),
        ("22.00 bis 7.00 Uhr", QuietHours(start=22, end=7)),
        ("von 22 bis 7 Uhr", QuietHours(start=22, end=7)),
        ("22 a 7", QuietHours(start=22, end=7)),
        ("de 22 a 7", QuietHours(start=22, end=7)),
        ("0-6", QuietHours(start=0, end=6)),
        ("13-14", QuietHours(start=13, end=14)),
        ("none", None),
        ("None", None),
        ("no", None),
        ("skip", None),
        ("keine", None),
        ("nein", None),
        ("ninguna", None),
        ("no quiet hours", None),
    ],
)
def test_quiet_hours(text: str, expected: QuietHours | None) -> None:
    assert answers.parse_quiet_hours(text) == expected


@pytest.mark.parametrize(
    "text", ["25-3", "22-24", "7-7", "0-0", "22", "night", "22-7-9", "", "-7"]
)
def test_quiet_hours_invalid(text: str) -> None:
    assert answers.parse_quiet_hours(text) == Invalid("invalid_quiet_hours")


# --- frequency --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("instant", Frequency.INSTANT),
        ("Instantly", Frequency.INSTANT),
        ("sofort", Frequency.INSTANT),
        ("inmediato", Frequency.INSTANT),
        ("al instante", Frequency.INSTANT),
        ("daily", Frequency.DAILY),
        ("Täglich", Frequency.DAILY),
        ("diario", Frequency.DAILY),
        ("weekly", Frequency.WEEKLY),
        ("wöchentlich", Frequency.WEEKLY),
        ("Semanal", Frequency.WEEKLY),
    ],
)
def test_frequency(text: str, expected: Frequency) -> None:
    assert parse_frequency(text) is expected


@pytest.mark.parametrize("text", ["", "hourly", "sometimes", "monthly"])
def test_frequency_invalid(text: str) -> None:
    assert parse_frequency(text) == Invalid("invalid_frequency")


# --- employment types -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("full-time", (FULL,)),
        ("Full time", (FULL,)),
        ("full_time", (FULL,)),  # a button's value
        ("FULLTIME", (FULL,)),
        ("Vollzeit", (FULL,)),
        ("tiempo completo", (FULL,)),
        ("Jornada completa", (FULL,)),
        ("part-time", (PART,)),
        ("part_time", (PART,)),
        ("Teilzeit", (PART,)),
        ("medio tiempo", (PART,)),
        ("media jornada", (PART,)),
        ("contract", (CONTRACT,)),
        ("Freelance", (CONTRACT,)),
        ("freiberuflich", (CONTRACT,)),
        ("Selbständig", (CONTRACT,)),
        ("autónomo", (CONTRACT,)),
        ("Contract / freelance", (CONTRACT,)),  # the English button label, typed
        ("internship", (INTERNSHIP,)),
        ("Praktikum", (INTERNSHIP,)),
        ("prácticas", (INTERNSHIP,)),
        ("befristet", (TEMPORARY,)),
        ("Ausbildung", (EmploymentType.APPRENTICESHIP,)),
        ("voluntariado", (EmploymentType.VOLUNTEER,)),
        ("contract, full-time", (FULL, CONTRACT)),
        ("Vollzeit oder Teilzeit", (FULL, PART)),
        ("Voll- und Teilzeit", (FULL, PART)),
        ("tiempo completo o medio tiempo", (FULL, PART)),
        ("full-time; full time", (FULL,)),
        ("any", ()),
        ("Egal", ()),
        ("cualquiera", ()),
        ("full-time, any", ()),
    ],
)
def test_employment_types(text: str, expected: tuple[EmploymentType, ...]) -> None:
    assert answers.parse_employment_types(text) == expected


@pytest.mark.parametrize("text", ["", "-", "sometimes", "full-time, sometimes", "40 hours"])
def test_employment_types_invalid(text: str) -> None:
    assert answers.parse_employment_types(text) == Invalid("invalid_employment_type")


# --- resume corrections -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("6", 6.0),
        ("0", 0.0),
        ("6 years", 6.0),
        ("1 year", 1.0),
        ("6.5", 6.5),
        ("6,5 Jahre", 6.5),
        ("10 años", 10.0),
        ("60", 60.0),
    ],
)
def test_years(text: str, expected: float) -> None:
    assert answers.parse_years(text) == expected


@pytest.mark.parametrize("text", ["", "many", "61", "100", "-3", "six"])
def test_years_invalid(text: str) -> None:
    assert answers.parse_years(text) == Invalid("invalid_years")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Staff Engineer", "Staff Engineer"),
        ("  Senior   Data  Engineer ", "Senior Data Engineer"),
        ("Pflegefachkraft", "Pflegefachkraft"),
        ("Jefa de Enfermería", "Jefa de Enfermería"),
    ],
)
def test_title(text: str, expected: str) -> None:
    assert answers.parse_title(text) == expected


@pytest.mark.parametrize("text", ["", "A", "2024", "t" * 81])
def test_title_invalid(text: str) -> None:
    assert answers.parse_title(text) == Invalid("invalid_title")


# --- language ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("de", "de"),
        ("de-AT", "de"),
        ("es_MX", "es"),
        ("ES", "es"),
        ("en-GB", "en"),
        ("fr", "en"),
        ("", "en"),
        (None, "en"),
    ],
)
def test_language_of(code: str | None, expected: str) -> None:
    assert answers.language_of(code, ("en", "de", "es")) == expected


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Español", "es"), ("espanol", "es"), ("Spanish", "es"), ("castellano", "es"),
        ("Deutsch", "de"), ("german", "de"), ("Alemán", "de"), ("DE", "de"),
        ("English", "en"), ("Englisch", "en"), ("inglés", "en"),
        ("Français", None), ("Nurse", None), ("", None),
    ],
)
def test_parse_language(text: str, code: str | None) -> None:
    assert answers.parse_language(text, ("en", "de", "es")) == code


def test_parse_language_only_names_languages_the_bot_speaks() -> None:
    assert answers.parse_language("Deutsch", ("en",)) is None


@pytest.mark.parametrize(
    ("word", "code"),
    [("ja", "de"), ("Nein", "de"), ("einverstanden", "de"), ("sí", "es"), ("acepto", "es"),
     ("no gracias", "es"), ("yes", "en"), ("no", None), ("ok", None), ("hallo", None)],
)
def test_language_of_word(word: str, code: str | None) -> None:
    assert answers.language_of_word(word, ("en", "de", "es")) == code


@pytest.mark.parametrize(
    "text", ["No quiet hours", "Keine Ruhezeiten", "Sin horas de silencio", "keine", "nie"]
)
def test_every_no_quiet_hours_label_means_none(text: str) -> None:
    assert answers.parse_quiet_hours(text) is None

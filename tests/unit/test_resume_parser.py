"""The resume parser: type detection, failure reasons, and each extracted field."""

from __future__ import annotations

import io
import random
from collections.abc import Callable
from datetime import date

import docx
import pytest
from docx.oxml import parse_xml

from conversations.resume_parser import (
    DEFAULT_MAX_BYTES,
    REASONS,
    detect_type,
    experience_years,
    extract_text,
    parse_resume,
    parse_resume_isolated,
    parse_resume_text,
    sniff_type,
)
from core.domain import ParsedResume
from core.errors import UnreadableDocument
from core.skills import SkillEntry, SkillTaxonomy
from tests.resume_files import (
    MIB,
    SAMPLE_RESUME_DE,
    SAMPLE_RESUME_EN,
    make_docx,
    make_empty_pdf,
    make_encrypted_pdf,
    make_image_only_pdf,
    make_lying_docx,
    make_paragraph_flood_docx,
    make_pdf,
    make_pdf_bomb,
    make_png,
    make_zip,
    replace_in_zip,
)

TODAY = date(2024, 6, 30)
PDF_EN = make_pdf(SAMPLE_RESUME_EN)
DOCX_EN = make_docx(SAMPLE_RESUME_EN)
_DE_EXPERIENCE = SAMPLE_RESUME_DE.index("Berufserfahrung") + 1
# The German DOCX keeps its positions in a table, as many German CV templates do.
DOCX_DE_TABLE = make_docx(
    SAMPLE_RESUME_DE[:_DE_EXPERIENCE] + SAMPLE_RESUME_DE[_DE_EXPERIENCE + 5 :],
    table_rows=[
        ["seit 04/2019", "Stationsleitung Intensivstation, Uniklinik Köln"],
        ["09/2014 – 03/2019", "Gesundheits- und Krankenpflegerin, St. Elisabeth Krankenhaus"],
    ],
    table_index=_DE_EXPERIENCE,
)
OLE_ENCRYPTED = (
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100) + "EncryptedPackage".encode("utf-16-le")
)


# --- type detection and failures -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param(PDF_EN, "pdf", id="pdf"),
        pytest.param(b"\n\n" + PDF_EN, "pdf", id="pdf after junk bytes"),
        pytest.param(DOCX_EN, "docx", id="docx"),
        pytest.param(DOCX_EN[: len(DOCX_EN) // 2], "docx", id="truncated docx"),
        pytest.param(make_zip({"hello.txt": b"hi"}), None, id="zip without word part"),
        pytest.param(make_png(), None, id="png"),
        pytest.param(b"Jane Doe\nPython developer", None, id="plain text"),
        pytest.param(OLE_ENCRYPTED, None, id="legacy office"),
        pytest.param(b"", None, id="nothing"),
    ],
)
def test_detect_type_by_content(data: bytes, expected: str | None) -> None:
    assert detect_type(data) == expected


UNREADABLE = pytest.mark.parametrize(
    ("data", "max_bytes", "reason"),
    [
        pytest.param(b"x" * 101, 100, "too_large", id="too large"),
        pytest.param(PDF_EN, len(PDF_EN) - 1, "too_large", id="too large before anything"),
        pytest.param(b"", 100, "empty", id="zero bytes"),
        pytest.param(make_png(), None, "unsupported_type", id="png"),
        pytest.param(b"Jane Doe, Python developer", None, "unsupported_type", id="plain text"),
        pytest.param(make_zip({"a.txt": b"a"}), None, "unsupported_type", id="random zip"),
        pytest.param(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), None, "unsupported_type",
                     id="legacy doc"),
        pytest.param(b"%PDF-1.7\n" + random.Random(7).randbytes(3000), None, "corrupt",
                     id="corrupt pdf bytes"),
        pytest.param(PDF_EN[: len(PDF_EN) // 2], None, "corrupt", id="truncated pdf"),
        pytest.param(DOCX_EN[: len(DOCX_EN) - 200], None, "corrupt", id="truncated docx"),
        pytest.param(make_zip({"word/document.xml": b"<w:document"}), None, "corrupt",
                     id="docx without package parts"),
        pytest.param(replace_in_zip(DOCX_EN, "word/document.xml", b"<broken"), None, "corrupt",
                     id="docx with broken xml"),
        pytest.param(make_encrypted_pdf(SAMPLE_RESUME_EN, "secret"), None, "encrypted",
                     id="password pdf"),
        pytest.param(OLE_ENCRYPTED, None, "encrypted", id="password docx"),
        pytest.param(make_image_only_pdf(), None, "scanned", id="image-only pdf"),
        pytest.param(make_empty_pdf(), None, "empty", id="blank pdf"),
        pytest.param(make_docx([]), None, "empty", id="blank docx"),
        pytest.param(make_docx(["", "  "]), None, "empty", id="docx of blank paragraphs"),
        # hostile files: refused before they inflate (the sandbox bounds what slips through)
        pytest.param(make_lying_docx(64), None, "corrupt",
                     id="docx inflating 64 MiB while declaring a few KB"),
        pytest.param(make_lying_docx(64, declared=64 * MIB), None, "too_complex",
                     id="docx declaring 64 MiB"),
        pytest.param(make_paragraph_flood_docx(20_001), None, "too_complex",
                     id="docx of 20,001 paragraphs"),
        pytest.param(make_pdf_bomb(64), None, "too_complex", id="pdf stream of 64 MiB"),
    ],
)


@UNREADABLE
def test_unreadable_documents_have_a_reason(
    data: bytes, max_bytes: int | None, reason: str
) -> None:
    with pytest.raises(UnreadableDocument) as caught:
        extract_text(data, max_bytes=max_bytes or DEFAULT_MAX_BYTES)
    assert caught.value.reason == reason
    assert reason in REASONS


@UNREADABLE
def test_unreadable_documents_have_the_same_reason_in_the_sandbox(
    data: bytes, max_bytes: int | None, reason: str
) -> None:
    with pytest.raises(UnreadableDocument) as caught:
        parse_resume_isolated(data, max_bytes=max_bytes or DEFAULT_MAX_BYTES)
    assert caught.value.reason == reason


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param(PDF_EN, "pdf", id="pdf"),
        pytest.param(DOCX_EN, "docx", id="docx"),
        pytest.param(make_png(), None, id="png"),
    ],
)
def test_sniff_type_agrees_with_detect_type_on_accepted_files(
    data: bytes, expected: str | None
) -> None:
    assert sniff_type(data) == detect_type(data) == expected


def _damage(data: bytes, rng: random.Random) -> bytes:
    damaged = bytearray(data)
    match rng.randrange(4):
        case 0:
            for _ in range(rng.randint(1, 20)):
                damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        case 1:
            del damaged[rng.randrange(len(damaged)) :]
        case 2:
            start = rng.randrange(len(damaged))
            del damaged[start : start + rng.randint(1, 200)]
        case _:
            start = rng.randrange(len(damaged))
            damaged[start:start] = rng.randbytes(rng.randint(1, 50))
    return bytes(damaged)


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize(
    "original",
    [
        pytest.param(PDF_EN, id="pdf"),
        pytest.param(DOCX_EN, id="docx"),
        pytest.param(make_encrypted_pdf(SAMPLE_RESUME_DE, ""), id="encrypted pdf"),
    ],
)
def test_damaged_files_fail_only_as_unreadable(original: bytes, seed: int) -> None:
    rng = random.Random(seed)
    outcomes = set()
    for _ in range(25):
        try:
            outcomes.add("read" if extract_text(_damage(original, rng)).strip() else "blank")
        except UnreadableDocument as exc:
            outcomes.add(exc.reason)
    assert outcomes <= REASONS | {"read"}


def test_pdf_with_an_owner_password_only_is_read() -> None:
    text = extract_text(make_encrypted_pdf(SAMPLE_RESUME_EN, ""))
    assert text.startswith("Jane Doe\nSenior Backend Engineer")


def test_docx_reads_paragraphs_and_tables_in_document_order() -> None:
    text = extract_text(
        make_docx(["Anna Berg", "Experience", "Languages: German"], [["2019", "Baker"]], 2)
    )
    assert text == "Anna Berg\nExperience\n2019 | Baker\nLanguages: German"


_W = (
    'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:v="urn:schemas-microsoft-com:vml"'
)
# A text box as Word writes it: a modern copy and a VML fallback of the same content.
_TEXT_BOX_RUN = (
    f"<w:r {_W}><mc:AlternateContent><mc:Choice Requires=\"wps\"><wps:txbx><w:txbxContent>"
    "<w:p><w:r><w:t>Skills: Python</w:t></w:r></w:p></w:txbxContent></wps:txbx></mc:Choice>"
    "<mc:Fallback><v:textbox><w:txbxContent><w:p><w:r><w:t>Skills: Python</w:t></w:r></w:p>"
    "</w:txbxContent></v:textbox></mc:Fallback></mc:AlternateContent></w:r>"
)


def test_docx_reads_headers_text_boxes_and_merged_cells_once() -> None:
    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = "Jane Doe | jane@example.com"
    document.add_paragraph("Profile")._p.append(parse_xml(_TEXT_BOX_RUN))
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).merge(table.cell(1, 0)).text = "2019 - 2021"
    table.cell(0, 1).text = "Cook"
    table.cell(1, 1).text = "Zur Post"
    buffer = io.BytesIO()
    document.save(buffer)
    assert extract_text(buffer.getvalue()) == (
        "Jane Doe | jane@example.com\nProfile\nSkills: Python\n2019 - 2021 | Cook\nZur Post"
    )


# --- whole resumes -------------------------------------------------------------------------------

EXPECTED_EN = {
    "name": "Jane Doe",
    "email": "jane.doe@example.com",
    "phone": "+1 (555) 123-4567",
    "years_experience": 8.5,  # 2016 - 2018, 03/2017 - 12/2019, Jan 2020 - present, merged
    "last_title": "Senior Backend Engineer",
    "languages": ("English", "German", "Spanish"),
}
SKILLS_EN = {
    "Python", "Go", "Distributed Systems", "Microservices", "Kubernetes", "AWS", "MySQL",
    "PostgreSQL", "CI/CD", "GitHub Actions", "Terraform", "REST APIs", "Django", "Node.js",
    "Redis", "JavaScript", "TypeScript", "C++", "C#", ".NET", "Docker", "Kafka",
    "Google Cloud", "SQL",
}
EXPECTED_DE = {
    "name": "Katrin Müller",
    "email": "katrin.mueller@example.de",
    "phone": "+49 221 4567 890",
    "years_experience": 9.8,  # 09/2014 - 03/2019 and seit 04/2019, to June 2024
    "last_title": "Stationsleitung Intensivstation",
    "languages": ("German", "English"),
}
SKILLS_DE = {
    "Registered Nurse", "Intensive Care", "Infection Control", "Microsoft Office", "First Aid",
}


@pytest.mark.parametrize(
    "parse",
    [pytest.param(parse_resume, id="in process"),
     pytest.param(parse_resume_isolated, id="sandboxed")],
)
@pytest.mark.parametrize(
    ("data", "expected", "skills"),
    [
        pytest.param(PDF_EN, EXPECTED_EN, SKILLS_EN, id="english pdf"),
        pytest.param(DOCX_EN, EXPECTED_EN, SKILLS_EN, id="english docx"),
        pytest.param(
            make_pdf(SAMPLE_RESUME_DE),
            EXPECTED_DE,
            SKILLS_DE | {"Wound Care", "Patient Care", "Medication Administration"},
            id="german pdf",
        ),
        pytest.param(make_docx(SAMPLE_RESUME_DE), EXPECTED_DE, SKILLS_DE, id="german docx"),
        pytest.param(DOCX_DE_TABLE, EXPECTED_DE, SKILLS_DE, id="german docx with a table"),
    ],
)
def test_parse_resume_field_by_field(
    data: bytes,
    expected: dict[str, object],
    skills: set[str],
    parse: Callable[..., ParsedResume],
) -> None:
    parsed = parse(data, today=TODAY)
    assert parsed.name == expected["name"]
    assert parsed.email == expected["email"]
    assert parsed.phone == expected["phone"]
    assert parsed.years_experience == expected["years_experience"]
    assert parsed.last_title == expected["last_title"]
    assert parsed.languages == expected["languages"]
    assert skills <= set(parsed.skills)
    assert parsed.text_chars == len(extract_text(data))


def test_english_resume_skills_have_no_false_positives() -> None:
    skills = parse_resume(PDF_EN, today=TODAY).skills
    assert set(skills) - SKILLS_EN <= {"Backend Development"}
    assert skills[:2] == ("Backend Development", "Distributed Systems")


def test_pasted_text_is_parsed_like_a_file() -> None:
    pasted = (
        "hi! here is my cv\n"
        "Tom Becker - warehouse worker, 6 years of experience.\n"
        "Staplerschein, Kommissionierung, SAP EWM\n"
        "tom.becker@example.com / 0170 1234567\n"
        "Languages: German (native), fluent Polish"
    )
    parsed = parse_resume_text(pasted, today=TODAY)
    assert parsed.name == "Tom Becker"
    assert parsed.email == "tom.becker@example.com"
    assert parsed.phone == "0170 1234567"
    assert parsed.skills == ("Forklift Operation", "Order Picking", "Warehouse Management Systems")
    assert parsed.years_experience == 6.0
    assert parsed.last_title is None
    assert parsed.languages == ("German", "Polish")
    assert parsed.text_chars == len(pasted)


def test_nothing_is_invented_from_an_empty_text() -> None:
    parsed = parse_resume_text("", today=TODAY)
    assert parsed.model_dump() == {
        "name": None, "email": None, "phone": None, "skills": (), "years_experience": None,
        "last_title": None, "languages": (), "spoken_languages": (), "certifications": (),
        "text_chars": 0,
    }


# --- single fields ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2018 – present", 6.5),
        ("01/2019 - 06/2022", 3.5),
        ("Jan 2019 – Dec 2021", 3.0),
        ("Sep. 2020 - Current", 3.8),
        ("seit 2020", 4.5),
        ("since March 2020", 4.3),
        ("2015 - heute", 9.5),
        ("2015 bis heute", 9.5),
        ("März 2019 – Juni 2021", 2.3),
        ("01.03.2020 - 29.02.2024", 4.0),
        ("von 2010 bis 2012", 2.0),
        ("2016 – 2018\n03/2017 – 12/2019", 4.0),  # overlapping
        ("2015 - 2018\n2018 - 2020", 5.0),  # adjacent years are not counted twice
        ("2012 - 2014\n2018 - 2020", 4.0),  # a gap is not counted
        ("seit 04/2019 – heute\n2015 - 03/2019", 9.5),
        ("2023 – 2030", 1.5),  # the future is cut at today
        ("2019 – 2019", 0.1),  # a listed job lasted at least a month
        ("2030 - 2031", None),
        ("2020 - 2018", None),
        ("Born 1990 in Hamburg", None),
        ("no dates here", None),
    ],
)
def test_experience_years(text: str, expected: float | None) -> None:
    assert experience_years(text, today=TODAY) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Nurse with 5 years of experience", 5.0),
        ("10+ years of professional experience in sales", 10.0),
        ("über 10 Jahre Berufserfahrung", 10.0),
        ("8-jährige Berufserfahrung als Koch", 8.0),
        ("Experience: 4 years", 4.0),
        ("Berufserfahrung: mehr als 12 Jahre", 12.0),
        ("3 years of experience in Go, 7 years experience overall", 7.0),
        ("Experience\nCook\n2019 - 2021\n\nSummary\n15 years of experience", 2.0),
        ("Experience\nCook, Zur Post\n\nSkills\nHACCP", None),
    ],
)
def test_years_from_statements_when_no_ranges(text: str, expected: float | None) -> None:
    assert parse_resume_text(text, today=TODAY).years_experience == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "Experience\nSenior Backend Engineer – Acme Corp\nJan 2020 – Present\n• Python\n"
            "Backend Engineer – Globex\n2017 – 2019",
            "Senior Backend Engineer", id="title above the dates",
        ),
        pytest.param(
            "Work Experience\n2017 – 2019 Junior Developer, Globex\n"
            "2019 – present Data Analyst, Initech",
            "Data Analyst", id="dates and title on one line, oldest first",
        ),
        pytest.param(
            "Berufserfahrung\n04/2019 – heute\nFinanzbuchhalterin (m/w/d)\nMusterfirma GmbH\n"
            "01/2015 – 03/2019\nBuchhalterin",
            "Finanzbuchhalterin", id="title below the dates, gender marker dropped",
        ),
        pytest.param(
            "Beruflicher Werdegang\nMusterfirma GmbH\nSachbearbeiterin Kreditoren\n2021 - heute",
            "Sachbearbeiterin Kreditoren", id="company, title, dates",
        ),
        pytest.param(
            "Professional Experience\nAcme Inc. | Head of Sales | 2020 – present",
            "Head of Sales", id="one line with separators",
        ),
        pytest.param(
            "Experience\nBarista | Café Central | 2022 - present",
            "Barista", id="title word from a trade",
        ),
        pytest.param(
            "Berufserfahrung\nseit 04/2019 | Stationsleitung, Uniklinik Köln",
            "Stationsleitung", id="table row",
        ),
        pytest.param(
            "Experience\nLine Cook at Zur Post\nServer at Blue Bar",
            "Line Cook", id="undated entries, newest first",
        ),
        pytest.param(
            "Senior Nurse\n2019 - present\n\nEducation\nNursing school 2015 - 2018",
            "Senior Nurse", id="no heading: the lines outside sections",
        ),
        pytest.param("Jane Doe\nLooking for work in Berlin.", None, id="no entries"),
        pytest.param("Education\nB.Sc. Biology, 2015 - 2018", None, id="education only"),
    ],
)
def test_last_title(text: str, expected: str | None) -> None:
    assert parse_resume_text(text, today=TODAY).last_title == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Jane Doe\nBackend Engineer", "Jane Doe"),
        ("JANE DOE\nBackend Engineer", "Jane Doe"),
        ("Lebenslauf\nMax Mustermann", "Max Mustermann"),
        ("Curriculum Vitae\n\nAnna-Lena Koch | Erzieherin", "Anna-Lena Koch"),
        ("Dr. Anna von Berg, Ärztin", "Dr. Anna von Berg"),
        ("Persönliche Daten\nName: Jürgen Weiß\nGeburtsdatum: 01.01.1980", "Jürgen Weiß"),
        ("Senior Backend Engineer\njane@example.com", None),
        ("jane.doe@example.com\n+49 170 1234567", None),
        ("Curriculum Vitae", None),
        ("Experience\nJane Doe", None),
        ("Python Go\nSkills", None),
    ],
)
def test_name(text: str, expected: str | None) -> None:
    assert parse_resume_text(text, today=TODAY).name == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Jane Doe\n+49 170 1234567", "+49 170 1234567"),
        ("Tel.: 030 / 1234567", "030 / 1234567"),
        ("Mobil: 0170-1234567", "0170-1234567"),
        ("Jane Doe\n(555) 123-4567", "(555) 123-4567"),
        ("Jane Doe\n555-123-4567", "555-123-4567"),
        ("Jane Doe\n0170 1234567", "0170 1234567"),
        ("Phone: +44 20 7946 0958 | London", "+44 20 7946 0958"),
        ("Experience\n01/2019 - 03/2022\n2018 - 2020\n01.03.2020", None),
        ("Zip 50667, born 1985", None),
    ],
)
def test_phone(text: str, expected: str | None) -> None:
    assert parse_resume_text(text, today=TODAY).phone == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Languages\nEnglish (native), German (C1)", ("English", "German")),
        ("Sprachen: Deutsch, Englisch, Französisch", ("German", "English", "French")),
        ("SPRACHKENNTNISSE\nTürkisch – Muttersprache\nArabisch – Grundkenntnisse",
         ("Turkish", "Arabic")),
        ("Fluent in Spanish and Portuguese", ("Spanish", "Portuguese")),
        ("Englisch verhandlungssicher", ("English",)),
        ("Chinese (Mandarin) fluent, Japanese N2", ("Chinese", "Japanese")),
        ("Chinese (Mandarin), Japanese N2", ()),  # no languages heading, no proficiency
        ("Languages\nChinese (Mandarin), Japanese, Dutch, Ukrainian, Hindi",
         ("Chinese", "Japanese", "Dutch", "Ukrainian", "Hindi")),
        ("Volunteer at the German Red Cross", ()),
        ("B.A. English Literature, University of Leeds", ()),
        ("Deutsch als Fremdsprache unterrichtet", ()),
    ],
)
def test_languages(text: str, expected: tuple[str, ...]) -> None:
    assert parse_resume_text(text, today=TODAY).languages == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Jane Doe\njane.doe@example.com", "jane.doe@example.com"),
        ("E-Mail: katrin.mueller@example.de.", "katrin.mueller@example.de"),
        ("mailto:info+jobs@sub.example.co.uk", "info+jobs@sub.example.co.uk"),
        ("follow me @janedoe", None),
    ],
)
def test_email(text: str, expected: str | None) -> None:
    assert parse_resume_text(text, today=TODAY).email == expected


def test_a_given_taxonomy_is_used() -> None:
    taxonomy = SkillTaxonomy([SkillEntry("Sourdough Baking", "hospitality", ("Sauerteig",))])
    parsed = parse_resume_text("Skills\nSauerteig, k8s\n\nExperience\nk8s", taxonomy, today=TODAY)
    # a Skills item the taxonomy lacks stays as typed; in running text only taxonomy terms
    assert parsed.skills == ("Sourdough Baking", "k8s")
    assert parse_resume_text("Summary\nSauerteig, k8s", taxonomy, today=TODAY).skills == (
        "Sourdough Baking",
    )

"""Generators of resume files (PDF, DOCX) and sample resumes, shared by the test suites."""

from __future__ import annotations

import io
import zipfile

import docx
from fpdf import FPDF
from fpdf.enums import EncryptionMethod
from PIL import Image, ImageDraw

# The PDF core fonts are latin-1 only; typographic characters outside it get a latin-1 stand-in
# so the samples can use real dashes and bullets.
_LATIN1_STANDINS = str.maketrans(
    {"–": "-", "—": "-", "−": "-", "•": "·", "’": "'", "‘": "'", "“": '"', "”": '"', "…": "..."}
)

SAMPLE_RESUME_EN: list[str] = [
    "Jane Doe",
    "Senior Backend Engineer",
    "jane.doe@example.com | +1 (555) 123-4567 | Berlin, Germany",
    "",
    "Summary",
    "Backend engineer with 8 years of experience building distributed systems in Python and Go.",
    "",
    "Work Experience",
    "Senior Backend Engineer – Acme Corp",
    "Jan 2020 – Present",
    "• Designed microservices on Kubernetes (k8s) and AWS; migrated MySQL to Postgres.",
    "• Built CI/CD pipelines with GitHub Actions and Terraform.",
    "Backend Engineer – Globex GmbH",
    "03/2017 – 12/2019",
    "• Developed REST APIs with Django and Node.js; introduced Redis caching.",
    "Software Developer (part-time) – Initech",
    "2016 – 2018",
    "• Maintained internal tools written in JS and TypeScript.",
    "",
    "Education",
    "B.Sc. Computer Science, TU Berlin, 2012 – 2016",
    "",
    "Skills",
    "Python, Go, C++, C#, .NET, Docker, Kafka, GCP, SQL",
    "",
    "Languages",
    "English (native), German (C1), Spanish (basic)",
]

SAMPLE_RESUME_DE: list[str] = [
    "Lebenslauf",
    "Katrin Müller",
    "Lindenstraße 12, 50667 Köln",
    "Telefon: +49 221 4567 890",
    "E-Mail: katrin.mueller@example.de",
    "",
    "Kurzprofil",
    "Examinierte Gesundheits- und Krankenpflegerin mit Schwerpunkt Intensivpflege.",
    "",
    "Berufserfahrung",
    "seit 04/2019 Stationsleitung Intensivstation, Uniklinik Köln",
    "• Führung eines Teams von 14 Pflegekräften, Dienstplanung",
    "• Pflegedokumentation im KIS, Einarbeitung neuer Mitarbeiter",
    "09/2014 – 03/2019 Gesundheits- und Krankenpflegerin, St. Elisabeth Krankenhaus, Köln",
    "• Patientenbetreuung, Medikamentengabe, Wundversorgung",
    "",
    "Ausbildung",
    "10/2011 – 08/2014 Ausbildung zur Gesundheits- und Krankenpflegerin, Pflegeschule Köln",
    "",
    "Kenntnisse",
    "Beatmungspflege, Hygienemanagement, MS Office, Erste Hilfe",
    "",
    "Sprachen",
    "Deutsch (Muttersprache), Englisch (B2)",
]


def _pdf_with_lines(lines: list[str]) -> FPDF:
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    for line in lines:
        pdf.multi_cell(0, 6, line.translate(_LATIN1_STANDINS) or " ", new_x="LMARGIN", new_y="NEXT")
    return pdf


def make_pdf(lines: list[str]) -> bytes:
    """A text PDF with one line (wrapped if long) per entry, in Helvetica."""
    return bytes(_pdf_with_lines(lines).output())


def make_encrypted_pdf(lines: list[str], password: str) -> bytes:
    """An AES-encrypted PDF; an empty ``password`` gives one that opens without asking."""
    pdf = _pdf_with_lines(lines)
    pdf.set_encryption(
        owner_password="owner-secret",
        user_password=password,
        encryption_method=EncryptionMethod.AES_128,
    )
    return bytes(pdf.output())


def make_png(width: int = 600, height: int = 800) -> bytes:
    """A PNG that looks like a scanned page: grey bars where the text lines would be."""
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    for top in range(60, height - 60, 28):
        draw.rectangle((50, top, width - 50 - (top * 7) % 200, top + 10), fill=(90, 90, 90))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def make_image_only_pdf() -> bytes:
    """A one-page PDF holding just an image, like a scan without OCR."""
    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.image(io.BytesIO(make_png()), x=10, y=10, w=190)
    return bytes(pdf.output())


def make_empty_pdf() -> bytes:
    """A PDF with one blank page."""
    pdf = FPDF(format="A4")
    pdf.add_page()
    return bytes(pdf.output())


def make_docx(
    paragraphs: list[str],
    table_rows: list[list[str]] | None = None,
    table_index: int | None = None,
) -> bytes:
    """A DOCX with the paragraphs, and the table (if any) after ``paragraphs[:table_index]``
    (at the end by default)."""
    document = docx.Document()
    split = len(paragraphs) if table_index is None else table_index
    for paragraph in paragraphs[:split]:
        document.add_paragraph(paragraph)
    if table_rows:
        table = document.add_table(rows=len(table_rows), cols=max(map(len, table_rows)))
        for row, cells in zip(table.rows, table_rows, strict=True):
            for cell, text in zip(row.cells, cells, strict=False):
                cell.text = text
    for paragraph in paragraphs[split:]:
        document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def make_zip(files: dict[str, bytes]) -> bytes:
    """A zip archive with the given members."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def replace_in_zip(data: bytes, name: str, content: bytes) -> bytes:
    """A copy of the zip ``data`` with member ``name`` replaced (e.g. a broken document.xml)."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        members = {info.filename: source.read(info) for info in source.infolist()}
    members[name] = content
    return make_zip(members)

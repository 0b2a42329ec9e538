"""Generators of resume files (PDF, DOCX) and sample resumes, shared by the test suites."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

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


# --- hostile files ----------------------------------------------------------------------------

MIB = 1024 * 1024


def _repeated_deflate(prefix: bytes, filler: bytes, megabytes: int) -> tuple[bytes, int]:
    """A raw deflate stream of ``prefix`` then ``megabytes`` MiB of ``filler``, and its CRC-32,
    built without ever holding the inflated data: after a sync flush the window is all filler,
    so the compressed form of one MiB can be repeated."""
    chunk = filler * (MIB // len(filler))
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = compressor.compress(prefix) + compressor.flush(zlib.Z_SYNC_FLUSH)
    first = compressor.compress(chunk) + compressor.flush(zlib.Z_SYNC_FLUSH)
    again = compressor.compress(chunk) + compressor.flush(zlib.Z_SYNC_FLUSH)
    tail = compressor.flush(zlib.Z_FINISH)
    crc = zlib.crc32(prefix)
    for _ in range(megabytes):
        crc = zlib.crc32(chunk, crc)
    return head + first + again * (megabytes - 1) + tail, crc


def _raw_zip(entries: list[tuple[str, int, bytes, int, int]]) -> bytes:
    """A zip written by hand from (name, method, compressed data, crc, declared size), so the
    declared size can be anything."""
    body = bytearray()
    directory = bytearray()
    for name, method, data, crc, declared in entries:
        encoded = name.encode()
        offset = len(body)
        body += struct.pack(
            "<IHHHHHIIIHH", 0x04034B50, 20, 0, method, 0, 0x21, crc, len(data), declared,
            len(encoded), 0,
        ) + encoded + data
        directory += struct.pack(
            "<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, method, 0, 0x21, crc, len(data),
            declared, len(encoded), 0, 0, 0, 0, 0, offset,
        ) + encoded
    end = struct.pack(
        "<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(directory), len(body), 0
    )
    return bytes(body + directory + end)


def make_lying_docx(megabytes: int = 600, declared: int | None = None) -> bytes:
    """A DOCX whose ``word/document.xml`` inflates to ``megabytes`` MiB of blanks after a real
    document, while declaring ``declared`` bytes (by default the real document's size)."""
    entries: list[tuple[str, int, bytes, int, int]] = []
    with zipfile.ZipFile(io.BytesIO(make_docx(SAMPLE_RESUME_EN))) as source:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "word/document.xml":
                deflated, crc = _repeated_deflate(content, b" ", megabytes)
                size = len(content) if declared is None else declared
                entries.append((info.filename, zipfile.ZIP_DEFLATED, deflated, crc, size))
            else:
                entries.append((info.filename, 0, content, zlib.crc32(content), len(content)))
    return _raw_zip(entries)


def make_paragraph_flood_docx(paragraphs: int = 300_000) -> bytes:
    """A DOCX of ``paragraphs`` one-letter paragraphs (a few hundred KB compressed)."""
    base = make_docx(["Jane Doe"])
    with zipfile.ZipFile(io.BytesIO(base)) as source:
        document = source.read("word/document.xml")
    cut = document.index(b"<w:sectPr")
    flood = b"<w:p><w:r><w:t>x</w:t></w:r></w:p>" * paragraphs
    return replace_in_zip(base, "word/document.xml", document[:cut] + flood + document[cut:])


def make_pdf_bomb(megabytes: int = 600) -> bytes:
    """A one-page PDF whose content stream (FlateDecode) inflates to ``megabytes`` MiB."""
    deflated, _ = _repeated_deflate(b"BT /F1 12 Tf 72 720 Td (Jane Doe) Tj ET\n", b" ", megabytes)
    adler = 1  # zlib's trailer: the Adler-32 of the inflated data, computed chunk by chunk
    adler = zlib.adler32(b"BT /F1 12 Tf 72 720 Td (Jane Doe) Tj ET\n", adler)
    chunk = b" " * MIB
    for _ in range(megabytes):
        adler = zlib.adler32(chunk, adler)
    stream = b"\x78\xda" + deflated + struct.pack(">I", adler)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream
        + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref,
    )
    return bytes(out)

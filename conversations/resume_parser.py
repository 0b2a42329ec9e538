"""Resume reading: recognise a PDF or DOCX by content, extract its text, pull out profile fields.

Pure apart from parsing the bytes it is given. Fields it cannot find stay None or empty: the
parser never guesses. Failures raise ``UnreadableDocument`` with one of the ``REASON_*`` codes.
Files from users are hostile until read: ``parse_resume_isolated`` parses them in a confined child
process (core.sandbox), and the readers themselves cap what a file may inflate to.
"""

from __future__ import annotations

import io
import re
import struct
import unicodedata
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, date, datetime
from itertools import islice
from typing import Any, Final, Literal

import docx
import structlog
from docx.document import Document as DocxDocument
from docx.opc.exceptions import OpcError
from docx.section import Section, _Footer, _Header
from docx.table import Table
from docx.text.paragraph import Paragraph
from pypdf import PageObject, PasswordType, PdfReader, apply_configuration
from pypdf.errors import DependencyError, LimitReachedError, PyPdfError
from pypdf.generic import DictionaryObject, IndirectObject

from core import sandbox
from core.domain import LanguageLevel, ParsedResume, SpokenLanguage
from core.errors import UnreadableDocument
from core.skills import SkillTaxonomy, split_items
from core.text import strip_gender_tag

log = structlog.get_logger(__name__)

DEFAULT_MAX_BYTES: Final = 10 * 1024 * 1024

REASON_TOO_LARGE: Final = "too_large"
REASON_UNSUPPORTED_TYPE: Final = "unsupported_type"
REASON_CORRUPT: Final = "corrupt"
REASON_ENCRYPTED: Final = "encrypted"
REASON_EMPTY: Final = "empty"
REASON_SCANNED: Final = "scanned"
# Inflates or computes beyond what any resume needs (a zip or PDF bomb, a flood of paragraphs),
# or runs out of the sandbox's memory, CPU or time.
REASON_TOO_COMPLEX: Final = "too_complex"
REASONS: Final = frozenset(
    {
        REASON_TOO_LARGE,
        REASON_TOO_COMPLEX,
        REASON_UNSUPPORTED_TYPE,
        REASON_CORRUPT,
        REASON_ENCRYPTED,
        REASON_EMPTY,
        REASON_SCANNED,
    }
)

_DOCX_MAIN_PART: Final = "word/document.xml"
_OLE_MAGIC: Final = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .doc, and encrypted Office files
_OLE_ENCRYPTED_STREAM: Final = "EncryptedPackage".encode("utf-16-le")
_MAX_PDF_PAGES: Final = 50  # a resume is a few pages; beyond this we stop reading
# A resume's XML parts are well under a megabyte each. The cap counts bytes actually inflated,
# chunk by chunk: a zip's declared sizes are the attacker's word.
_MAX_DOCX_INFLATED: Final = 16 * 1024 * 1024
_MAX_DOCX_ENTRIES: Final = 1000  # Word writes a few dozen
_MAX_DOCX_PARAGRAPHS: Final = 20_000  # a ten-page resume has well under a thousand
_INFLATE_CHUNK: Final = 64 * 1024
# Only these parts are inflated; images, fonts and embedded objects keep their names (images
# tell a scan) but not their content, which the text never needs.
_DOCX_TEXT_PARTS: Final = (".xml", ".rels")
_MAX_TEXT_CHARS: Final = 500_000  # some 150 pages of text: beyond it, nothing reads as a resume
# pypdf's own limits, tightened to what a resume's pages need (its defaults allow 75 MB per
# stream); an external JBIG2 decoder is never called on a user's file.
_PDF_LIMITS: Final[dict[str, Any]] = {
    "zlib_maximum_output_length": 16 * 1024 * 1024,
    "lzw_maximum_output_length": 16 * 1024 * 1024,
    "run_length_maximum_output_length": 16 * 1024 * 1024,
    "brotli_maximum_output_length": 16 * 1024 * 1024,
    "array_based_stream_maximum_output_length": 16 * 1024 * 1024,
    "jbig2_maximum_output_length": 16 * 1024 * 1024,
    "image_maximum_buffer_size": 16 * 1024 * 1024,
    "stream_decoding_work_maximum_length": 64 * 1024 * 1024,
    "page_tree_maximum_entries": 10_000,
    "page_tree_maximum_page_entries": 100_000,
    "xform_maximum_invocations_per_extraction": 1_000,
    "jbig2dec_binary": None,
}
# Scanners stamp a little text onto image pages ("Scanned by ..."); below this many letters and
# digits a page set with images counts as a scan.
_MIN_SCANNED_TEXT: Final = 40

# What pypdf and python-docx (with zipfile and lxml below it) raise on malformed input, found by
# feeding them thousands of damaged files; base classes cover their relatives (LookupError for
# unknown codecs, RuntimeError for recursion limits and unsupported features).
_ZIP_ERRORS: Final = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    NotImplementedError,  # an unsupported zip version or compression method
    EOFError,
    ValueError,
    OSError,
    zlib.error,
)
_PDF_ERRORS: Final = (
    PyPdfError,
    ValueError,  # with UnicodeError and binascii.Error
    TypeError,
    LookupError,
    AttributeError,
    AssertionError,
    RuntimeError,
    ArithmeticError,
    zlib.error,
    struct.error,
)
_DOCX_ERRORS: Final = (
    OpcError,
    *_ZIP_ERRORS,
    LookupError,
    TypeError,
    AttributeError,
    RuntimeError,
    SyntaxError,  # lxml.etree.XMLSyntaxError
)


# --- file type and text extraction -------------------------------------------------------------


def detect_type(data: bytes) -> Literal["pdf", "docx"] | None:
    """The document type by content (never by file name): PDF magic, or a zip holding a Word
    main part; a damaged zip that names the Word part still counts as DOCX."""
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if data[:4] not in (b"PK\x03\x04", b"PK\x05\x06"):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except _ZIP_ERRORS:
        return "docx" if _DOCX_MAIN_PART.encode() in data else None
    return "docx" if _DOCX_MAIN_PART in names else None


def extract_text(data: bytes, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """The document's text, normalised; raises ``UnreadableDocument`` with a reason code."""
    if len(data) > max_bytes:
        raise UnreadableDocument(REASON_TOO_LARGE, f"{len(data)} bytes, limit {max_bytes}")
    if not data:
        raise UnreadableDocument(REASON_EMPTY, "the file has no content")
    kind = detect_type(data)
    try:
        if kind == "pdf":
            raw, has_images = _pdf_text(data)
        elif kind == "docx":
            raw, has_images = _docx_text(data)
        elif data.startswith(_OLE_MAGIC) and _OLE_ENCRYPTED_STREAM in data:
            raise UnreadableDocument(REASON_ENCRYPTED, "password-protected Office document")
        else:
            raise UnreadableDocument(REASON_UNSUPPORTED_TYPE, "neither PDF nor DOCX")
    except MemoryError as exc:
        raise UnreadableDocument(REASON_TOO_COMPLEX, "out of memory while reading") from exc
    if len(raw) > _MAX_TEXT_CHARS:
        raise UnreadableDocument(REASON_TOO_COMPLEX, f"more than {_MAX_TEXT_CHARS} characters")
    text = normalize_text(raw)
    letters = sum(char.isalnum() for char in text)
    if has_images and letters < _MIN_SCANNED_TEXT:
        raise UnreadableDocument(REASON_SCANNED, "pages hold images but no text layer")
    if not letters:
        raise UnreadableDocument(REASON_EMPTY, "the document holds no text")
    return text


def normalize_text(text: str) -> str:
    """Unicode-normalised text with plain spaces, one line per line, no runs of blank lines."""
    text = unicodedata.normalize("NFKC", text)
    text = text.translate({0x00AD: None, 0x200B: None, 0xFEFF: None, 0x00A0: 0x20})
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _pdf_text(data: bytes) -> tuple[str, bool]:
    try:
        with apply_configuration(**_PDF_LIMITS):
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted and not _opens_with_empty_password(reader):
                raise UnreadableDocument(REASON_ENCRYPTED, "the PDF needs a password")
            pages = list(islice(reader.pages, _MAX_PDF_PAGES))
            texts = _page_texts(pages)
            has_images = any(_page_has_images(page) for page in pages)
    except LimitReachedError as exc:
        raise UnreadableDocument(REASON_TOO_COMPLEX, f"PDF limit: {exc}") from exc
    except _PDF_ERRORS as exc:
        raise UnreadableDocument(REASON_CORRUPT, f"{type(exc).__name__}: {exc}") from exc
    if not pages:
        raise UnreadableDocument(REASON_CORRUPT, "the PDF has no pages")
    return "\n".join(texts), has_images


def _page_texts(pages: Sequence[PageObject]) -> list[str]:
    """Each page's text, stopping once the text is longer than any resume."""
    texts: list[str] = []
    total = 0
    for page in pages:
        texts.append(page.extract_text())
        total += len(texts[-1])
        if total > _MAX_TEXT_CHARS:
            break
    return texts


def _opens_with_empty_password(reader: PdfReader) -> bool:
    try:
        return reader.decrypt("") != PasswordType.NOT_DECRYPTED
    except (DependencyError, NotImplementedError):
        return False  # an encryption we cannot undo is, for the user, a password problem


def _page_has_images(page: PageObject) -> bool:
    return _resources_have_images(page.get("/Resources"), depth=0)


def _resources_have_images(resources: Any, depth: int) -> bool:
    resources = _resolve(resources)
    if depth > 4 or not isinstance(resources, DictionaryObject):
        return False
    xobjects = _resolve(resources.get("/XObject"))
    if not isinstance(xobjects, DictionaryObject):
        return False
    for reference in xobjects.values():
        xobject = _resolve(reference)
        if not isinstance(xobject, DictionaryObject):
            continue
        subtype = xobject.get("/Subtype")
        if subtype == "/Image":
            return True
        if subtype == "/Form" and _resources_have_images(xobject.get("/Resources"), depth + 1):
            return True
    return False


def _resolve(obj: Any) -> Any:
    return obj.get_object() if isinstance(obj, IndirectObject) else obj


def _docx_text(data: bytes) -> tuple[str, bool]:
    try:
        package, names = _inflate_docx(data)
        document = docx.Document(io.BytesIO(package))
        del package
        paragraphs = len(document.element.xpath("//w:p"))
        if paragraphs > _MAX_DOCX_PARAGRAPHS:
            raise UnreadableDocument(REASON_TOO_COMPLEX, f"{paragraphs} paragraphs")
        lines = list(_docx_lines(document))
    except _DOCX_ERRORS as exc:
        raise UnreadableDocument(REASON_CORRUPT, f"{type(exc).__name__}: {exc}") from exc
    has_images = any(name.startswith("word/media/") for name in names)
    return "\n".join(lines), has_images


def _inflate_docx(data: bytes) -> tuple[bytes, list[str]]:
    """The package re-written uncompressed with its text parts inflated under the caps (and the
    other parts empty), and the names of all its parts.

    python-docx reads parts with ``ZipFile.read``, which inflates a whole entry before cutting it
    to its declared size (a 600 MB bomb declaring 1 KB is inflated in full): it only ever sees
    this copy.
    """
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = {member.filename: member for member in archive.infolist()}  # last one wins
        if len(members) > _MAX_DOCX_ENTRIES:
            raise UnreadableDocument(REASON_TOO_COMPLEX, f"{len(members)} parts")
        text_parts = [
            member
            for name, member in members.items()
            if name.lower().endswith(_DOCX_TEXT_PARTS) and not member.is_dir()
        ]
        if sum(member.file_size for member in text_parts) > _MAX_DOCX_INFLATED:
            raise UnreadableDocument(REASON_TOO_COMPLEX, "the DOCX declares too much data")
        budget = _MAX_DOCX_INFLATED
        contents = dict.fromkeys(members, b"")
        for member in text_parts:
            contents[member.filename] = _inflate_member(archive, member, budget)
            budget -= len(contents[member.filename])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as clean:
        for name, content in contents.items():
            clean.writestr(name, content)
    return buffer.getvalue(), list(members)


def _inflate_member(archive: zipfile.ZipFile, member: zipfile.ZipInfo, budget: int) -> bytes:
    """One entry, inflated a chunk at a time (zlib's output bounded per call) under ``budget``."""
    if member.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        # bzip2 and lzma inflate a whole read at once; Word never writes them
        raise UnreadableDocument(REASON_CORRUPT, f"compression method {member.compress_type}")
    chunks: list[bytes] = []
    inflated = 0
    with archive.open(member) as stream:
        while chunk := stream.read(_INFLATE_CHUNK):
            inflated += len(chunk)
            if inflated > budget:
                raise UnreadableDocument(
                    REASON_TOO_COMPLEX, f"the DOCX inflates to more than {_MAX_DOCX_INFLATED} bytes"
                )
            chunks.append(chunk)
    return b"".join(chunks)


def _docx_lines(document: DocxDocument) -> Iterator[str]:
    """Headers, then the body in document order (paragraphs, tables, text boxes), then footers."""
    seen: list[Any] = []  # header/footer elements already read (linked sections share them)
    for section in document.sections:
        for header in _headers_or_footers(section, footer=False):
            if not header.is_linked_to_previous and header._element not in seen:
                seen.append(header._element)
                for block in header.iter_inner_content():
                    yield from _block_lines(block)
    for block in document.iter_inner_content():
        yield from _block_lines(block)
    for section in document.sections:
        for footer in _headers_or_footers(section, footer=True):
            if not footer.is_linked_to_previous and footer._element not in seen:
                seen.append(footer._element)
                for block in footer.iter_inner_content():
                    yield from _block_lines(block)


def _headers_or_footers(section: Section, *, footer: bool) -> list[_Header | _Footer]:
    first: _Header | _Footer
    if footer:
        parts: list[_Header | _Footer] = [section.footer]
        first = section.first_page_footer
    else:
        parts = [section.header]
        first = section.first_page_header
    if section.different_first_page_header_footer:
        parts.insert(0, first)
    return parts


def _block_lines(block: Paragraph | Table) -> Iterator[str]:
    if isinstance(block, Paragraph):
        yield block.text
        # Text boxes (common in resume templates) are invisible to Paragraph.text; the
        # mc:Fallback copy of each box is skipped so it is read once.
        boxes = block._p.xpath(
            ".//w:txbxContent[not(ancestor::*[local-name()='Fallback'])]//w:p"
        )
        for paragraph in boxes:
            yield Paragraph(paragraph, block._parent).text
        return
    # Merged cells repeat in every row and column they span; read each once. The elements are
    # kept (not their ids): lxml proxies are recreated, and ids reused, once released.
    seen_cells: set[Any] = set()
    for row in block.rows:
        cells: list[list[str]] = []
        for cell in row.cells:
            if cell._tc in seen_cells:
                continue
            seen_cells.add(cell._tc)
            lines = [line for inner in cell.iter_inner_content() for line in _block_lines(inner)]
            cells.append([line for line in lines if line.strip()])
        if all(len(lines) <= 1 for lines in cells):
            # a row of one-liners ("2019 - today | Nurse | Hospital") reads as one line
            yield " | ".join(lines[0] for lines in cells if lines)
        else:
            for lines in cells:
                yield from lines


# --- field extraction ---------------------------------------------------------------------------


def parse_resume(
    data: bytes,
    max_bytes: int = DEFAULT_MAX_BYTES,
    taxonomy: SkillTaxonomy | None = None,
    *,
    today: date | None = None,
) -> ParsedResume:
    """Read a PDF or DOCX resume; raises ``UnreadableDocument``."""
    return parse_resume_text(extract_text(data, max_bytes), taxonomy, today=today)


def parse_resume_isolated(
    data: bytes,
    max_bytes: int = DEFAULT_MAX_BYTES,
    *,
    today: date | None = None,
    limits: sandbox.Limits | None = None,
) -> ParsedResume:
    """``parse_resume`` in a confined child process (memory, CPU and time limits, no network),
    with the packaged taxonomy; raises ``UnreadableDocument``, or ``SandboxUnavailable`` (a
    ``TransientError``) when no child could be run."""
    if len(data) > max_bytes:  # before copying it anywhere
        raise UnreadableDocument(REASON_TOO_LARGE, f"{len(data)} bytes, limit {max_bytes}")
    kwargs = {"max_bytes": max_bytes, "today": today.isoformat() if today else None}
    limits = limits or sandbox.Limits(input_bytes=max(max_bytes, 1))
    try:
        finished = sandbox.run(_CONFINED_TARGET, data, kwargs=kwargs, limits=limits)
    except sandbox.LimitExceeded as exc:
        raise UnreadableDocument(REASON_TOO_COMPLEX, f"{exc.limit} limit: {exc}") from exc
    except sandbox.ChildFailed as exc:
        if exc.reason in REASONS:
            raise UnreadableDocument(exc.reason, str(exc)) from exc
        log.warning("resume.parser_failed", error=exc.error_type, detail=str(exc))
        raise UnreadableDocument(REASON_CORRUPT, str(exc)) from exc
    return ParsedResume.model_validate_json(finished.output)


def sniff_type(data: bytes) -> Literal["pdf", "docx"] | None:
    """The type of a file the parser accepted, from its first bytes only (``detect_type`` opens
    the zip, which a hostile one makes costly)."""
    if b"%PDF-" in data[:1024]:
        return "pdf"
    return "docx" if data[:4] in (b"PK\x03\x04", b"PK\x05\x06") else None


def warm_up() -> None:
    """What the sandbox's zygote does once, so each forked child starts ready: the taxonomy
    compiled, and one small DOCX and PDF read (lazy imports, caches)."""
    SkillTaxonomy.load()
    document = docx.Document()
    for line in ("Jane Doe", "Experience", "2019 - 2021 | Cook", "Skills: Python"):
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    parse_resume(buffer.getvalue())
    parse_resume(_tiny_pdf("Jane Doe, Python developer"))


def _tiny_pdf(text: str) -> bytes:
    """A one-page PDF with one line of Helvetica, its cross-reference table exact."""
    content = b"BT /F1 12 Tf 72 720 Td (%s) Tj ET" % text.encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref
    )
    return bytes(out)


_CONFINED_TARGET: Final = "conversations.resume_parser:_parse_confined"


def _parse_confined(data: bytes, *, max_bytes: int, today: str | None) -> bytes:
    """The sandboxed child's side: parse and answer in JSON (the parent never unpickles)."""
    parsed = parse_resume(data, max_bytes, today=date.fromisoformat(today) if today else None)
    return parsed.model_dump_json().encode()


def parse_resume_text(
    text: str, taxonomy: SkillTaxonomy | None = None, *, today: date | None = None
) -> ParsedResume:
    """Profile fields from resume text (extracted or pasted into the chat)."""
    taxonomy = taxonomy or SkillTaxonomy.load()
    today = today or _today()
    text = normalize_text(text)
    tagged = _tag_sections(text.split("\n"))
    has_section = any(section == "experience" for section, _ in tagged)
    # Without an experience heading (pasted text), read the lines outside any known section.
    wanted = "experience" if has_section else None
    experience = [line for section, line in tagged if section == wanted]
    return ParsedResume(
        name=_find_name(tagged, taxonomy),
        email=_find_email(text),
        phone=_find_phone([line for _, line in tagged]),
        skills=_find_skills(tagged, taxonomy),
        years_experience=experience_years("\n".join(experience), today) or _stated_years(text),
        last_title=_last_title(experience, today, has_section),
        languages=_find_languages(tagged),
        spoken_languages=_find_spoken_languages(tagged),
        certifications=_find_certifications(tagged),
        text_chars=len(text),
    )


def _today() -> date:
    return datetime.now(UTC).date()


# Section headings, compared in lower case without decoration. Experience, skills, languages,
# certifications and interests (never read for skills) matter; the rest are boundaries.
_SECTION_HEADINGS: Final[dict[str, tuple[str, ...]]] = {
    "experience": (
        "experience", "work experience", "professional experience", "employment",
        "employment history", "work history", "career history", "professional history",
        "relevant experience", "professional background", "career", "berufserfahrung",
        "experiencia", "experiencia laboral", "experiencia profesional", "trayectoria profesional",
        "beruflicher werdegang", "berufliche erfahrung", "berufliche stationen", "berufspraxis",
        "praxiserfahrung", "werdegang", "berufliche laufbahn", "erfahrung", "arbeitserfahrung",
        "berufliche tätigkeiten", "beruflicher hintergrund",
    ),
    "education": (
        "education", "education and training", "academic background", "qualifications",
        "courses", "training", "ausbildung", "schulbildung", "educación", "formación",
        "formación académica", "estudios",
        "schulische ausbildung", "bildungsweg", "studium", "akademische ausbildung",
        "aus- und weiterbildung", "ausbildung und studium", "bildung", "berufsausbildung",
        "schul- und berufsausbildung", "weiterbildung", "weiterbildungen",
        "fort- und weiterbildungen", "fortbildungen", "kurse",
    ),
    "certifications": (
        "certifications", "certificates", "certification", "licenses", "licences", "license",
        "licenses and certifications", "licenses & certifications", "certifications & licenses",
        "certifications and licenses", "licences & certifications", "zertifikate",
        "zertifizierungen", "lizenzen", "zertifikate und lizenzen", "führerscheine",
        "certificaciones", "licencias", "certificados",
    ),
    "skills": (
        "skills", "technical skills", "core skills", "key skills", "core competencies",
        "competencies", "skills & tools", "skills and tools", "tools", "technologies",
        "tech stack", "expertise", "skills & expertise", "soft skills", "hard skills",
        "kenntnisse", "fähigkeiten", "kompetenzen", "fachkenntnisse", "it-kenntnisse",
        "edv-kenntnisse", "edv kenntnisse", "fachliche kompetenzen", "besondere kenntnisse",
        "fähigkeiten und kenntnisse", "kenntnisse und fähigkeiten", "qualifikationen",
        "competencias", "habilidades", "aptitudes", "conocimientos", "competencias técnicas",
        "habilidades técnicas", "conocimientos técnicos", "clinical skills", "sales skills",
    ),
    "languages": (
        "languages", "language skills", "language", "spoken languages", "sprachen",
        "sprachkenntnisse", "fremdsprachen", "fremdsprachenkenntnisse", "sprache", "idiomas",
    ),
    "summary": (
        "summary", "profile", "professional summary", "about me", "about", "objective",
        "career objective", "personal profile", "profil", "kurzprofil", "über mich",
        "zusammenfassung", "persönliches profil", "perfil", "perfil profesional", "resumen",
        "sobre mí",
    ),
    "personal": (
        "personal details", "personal information", "persönliche daten",
        "persönliche angaben", "contact", "contact details", "kontakt", "kontaktdaten",
    ),
    "other": (
        "projects", "selected projects", "side projects", "projekte", "ausgewählte projekte",
        "references", "referenzen", "awards", "proyectos",
        "auszeichnungen", "publications", "publikationen", "volunteering",
        "volunteer experience", "ehrenamt", "ehrenamtliches engagement", "engagement",
        "achievements", "erfolge", "sonstiges", "additional information",
        "weitere informationen",
    ),
    "interests": (
        "interests", "hobbies", "hobbies & interests", "interessen", "hobbys", "freizeit",
        "hobbys und interessen", "interessen und hobbys", "intereses", "aficiones",
    ),
}
_HEADING_TO_SECTION: Final = {
    heading: section for section, headings in _SECTION_HEADINGS.items() for heading in headings
}
_LETTER_SPACED = re.compile(r"(?:\w ){2,}\w")


def _heading(line: str) -> tuple[str, str] | None:
    """(section, inline content) if the line is a section heading, alone or as "Label: ..."
    or "Label | ..." (a table row of a heading cell and a one-line content cell)."""
    for mark in (":", "|"):
        label, found, rest = line.partition(mark)
        if found and rest.strip():
            section = _HEADING_TO_SECTION.get(_heading_key(label))
            if section:
                return section, rest.strip()
    if ":" in line.strip(" :"):
        return None
    section = _HEADING_TO_SECTION.get(_heading_key(line))
    return (section, "") if section else None


def _heading_key(text: str) -> str:
    text = text.strip().strip("#*=_•|:-–— ").strip()
    if _LETTER_SPACED.fullmatch(text):
        text = text.replace(" ", "")  # "E X P E R I E N C E"
    return " ".join(text.lower().split())


def _tag_sections(lines: Sequence[str]) -> list[tuple[str | None, str]]:
    """Each line with the section it sits in (None before the first heading); a heading line
    becomes its inline content ("Sprachen: Deutsch") or a blank. Inside a section, an inline
    heading tags its own line only: "Sprachen: Englisch" in the middle of a Kenntnisse list
    does not turn the lines after it into languages."""
    tagged: list[tuple[str | None, str]] = []
    section: str | None = None
    for line in lines:
        heading = _heading(line)
        if heading is None:
            tagged.append((section, line))
            continue
        found, inline = heading
        if inline and section is not None:
            tagged.append((found, inline))
            continue
        section = found
        tagged.append((section, inline))  # a heading alone leaves a blank, a boundary
    return tagged


# --- contact fields ------------------------------------------------------------------------------

_EMAIL = re.compile(
    r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)*"
    r"\.[A-Za-z]{2,}"
)


def _find_email(text: str) -> str | None:
    match = _EMAIL.search(text)
    return match.group().strip(".") if match else None


_PHONE = re.compile(r"(?<![\w/.+-])(?:\+|00)?[\d(][\d ()./-]{5,24}\d(?![\w/])")
_PHONE_LABEL = re.compile(
    r"\b(?:tel|telefon|telephone|phone|mobile?|mobil|handy|cell|cellphone|fon|mob)\b",
    re.IGNORECASE,
)
_CALENDAR_DATE = re.compile(r"\b\d{1,2}[./]\d{1,2}[./]\d{2,4}\b|\b\d{1,2}[./](?:19|20)\d{2}\b")
_US_PHONE = re.compile(r"\d{3}[-. ]\d{3}[-. ]\d{4}")
_NATIONAL_PHONE = re.compile(r"0\d{2,5}\s*[ /-]\s*\d[\d -]{4,}")
_PHONE_TOP_LINES: Final = 25


def _find_phone(lines: Sequence[str]) -> str | None:
    """The best-evidenced phone number: labelled, then international, then national formats
    near the top; date ranges and dates are never numbers."""
    best: tuple[int, int, str] | None = None
    for index, line in enumerate(lines):
        for match in _PHONE.finditer(line):
            candidate = match.group().strip()
            rank = _phone_rank(candidate, line, near_top=index < _PHONE_TOP_LINES)
            if rank is not None and (best is None or (rank, index) < best[:2]):
                best = (rank, index, " ".join(candidate.split()))
    return best[2] if best else None


def _phone_rank(candidate: str, line: str, *, near_top: bool) -> int | None:
    digits = sum(char.isdigit() for char in candidate)
    if not 7 <= digits <= 15 or _RANGE.search(candidate) or _CALENDAR_DATE.search(candidate):
        return None
    if _PHONE_LABEL.search(line):
        return 0
    if candidate.startswith(("+", "00")):
        return 1
    if re.match(r"\(\d{2,5}\)", candidate):
        return 2
    if near_top and (_US_PHONE.fullmatch(candidate) or _NATIONAL_PHONE.fullmatch(candidate)):
        return 3
    return None


_NAME_PARTICLES: Final = frozenset(
    {"von", "van", "de", "der", "den", "da", "di", "del", "della", "du", "la", "le", "zu",
     "zum", "ten", "ter", "bin", "al", "el", "y", "dos"}
)
_HONORIFICS: Final = frozenset({"dr.", "prof.", "dipl.-ing.", "mr.", "mrs.", "ms.", "mag."})
_NOT_NAME_WORDS: Final = frozenset(
    {
        "curriculum", "vitae", "cv", "resume", "résumé", "lebenslauf", "bewerbung",
        "bewerbungsunterlagen", "profile", "profil", "contact", "kontakt", "address", "adresse",
        "street", "straße", "strasse", "road", "avenue", "germany", "deutschland", "email",
        "phone", "telefon", "engineer", "developer", "manager", "nurse", "accountant",
        "analyst", "consultant", "designer", "specialist", "assistant", "intern", "director",
        "officer", "technician", "administrator", "architect", "scientist", "teacher",
        "coordinator", "representative", "associate", "clerk", "lead", "senior", "junior",
        "head", "entwickler", "entwicklerin", "ingenieur", "ingenieurin", "berater", "beraterin",
        "buchhalter", "buchhalterin", "pflegefachkraft", "krankenpfleger", "krankenpflegerin",
        "krankenschwester", "sachbearbeiter", "sachbearbeiterin", "leiter", "leiterin",
        "mitarbeiter", "mitarbeiterin", "kauffrau", "kaufmann", "lehrer", "lehrerin",
        "erzieher", "erzieherin", "and", "und", "the", "of", "for", "mit", "with",
    }
)
_NAME_LABEL = re.compile(r"^(?:name|vor- und nachname|full name)\s*:\s*(.+)$", re.IGNORECASE)
_NAME_SEGMENT_SPLIT = re.compile(r"\s+[|–—·•-]\s+|\s*\|\s*|,\s*")
_NAME_SCAN_LINES: Final = 12
_BODY_SECTIONS: Final = frozenset({"experience", "education", "skills", "languages", "other"})


def _find_name(tagged: Sequence[tuple[str | None, str]], taxonomy: SkillTaxonomy) -> str | None:
    """A "Name: ..." label near the top, else the first early line that reads as a name."""
    for _, line in tagged[:40]:
        labelled = _NAME_LABEL.match(line.strip())
        if labelled and (name := _as_name(labelled.group(1), taxonomy)):
            return name
    scanned = 0
    for section, line in tagged:
        if section in _BODY_SECTIONS or scanned >= _NAME_SCAN_LINES:
            break
        if not line.strip():
            continue
        scanned += 1
        first_segment = _NAME_SEGMENT_SPLIT.split(line.strip(), maxsplit=1)[0]
        if name := _as_name(first_segment, taxonomy):
            return name
    return None


def _as_name(text: str, taxonomy: SkillTaxonomy) -> str | None:
    words = text.split()
    if not 2 <= len(words) <= 5 or any(char.isdigit() or char in "@/:" for char in text):
        return None
    capitalised = 0
    for word in words:
        lowered = word.lower()
        if lowered in _NOT_NAME_WORDS:
            return None
        if lowered in _NAME_PARTICLES or lowered in _HONORIFICS:
            continue
        if not _is_name_word(word):
            return None
        capitalised += 1
    if capitalised < 2 or taxonomy.find_in_text(text):
        return None
    if text.isupper():
        return " ".join("-".join(p.capitalize() for p in w.split("-")) for w in words)
    return " ".join(words)


def _is_name_word(word: str) -> bool:
    if len(word) == 2 and word[0].isupper() and word[1] == ".":
        return True  # an initial
    core = word.replace("-", "").replace("'", "").replace("’", "")
    return bool(core) and word[0].isupper() and core.isalpha()


# --- experience ----------------------------------------------------------------------------------

_MONTHS: Final = {
    "jan": 1, "january": 1, "januar": 1, "jän": 1, "jänner": 1, "feb": 2, "february": 2,
    "februar": 2, "mar": 3, "march": 3, "märz": 3, "maerz": 3, "mrz": 3, "apr": 4, "april": 4,
    "may": 5, "mai": 5, "jun": 6, "june": 6, "juni": 6, "jul": 7, "july": 7, "juli": 7,
    "aug": 8, "august": 8, "sep": 9, "sept": 9, "september": 9, "oct": 10, "october": 10,
    "okt": 10, "oktober": 10, "nov": 11, "november": 11, "dec": 12, "december": 12, "dez": 12,
    "dezember": 12,
}
_MONTH_NAME = "|".join(sorted(_MONTHS, key=len, reverse=True))
_YEAR = r"(?:19|20)\d{2}"
_DATE = (
    rf"(?:\d{{1,2}}\.\d{{1,2}}\.{_YEAR}|\d{{1,2}}\s*[/.-]\s*{_YEAR}"
    rf"|(?:{_MONTH_NAME})\.?,?\s*{_YEAR}|{_YEAR})"
)
_PRESENT = (
    r"(?:present|current(?:ly)?|now|today|ongoing|to\s+date|heute|jetzt|aktuell|dato"
    r"|laufend|gegenwärtig|derzeit)"
)
_RANGE = re.compile(
    rf"(?<![\w./])(?P<start>{_DATE})\s*(?:-|–|—|−|to|until|till|bis(?:\s+zum)?)\s*"
    rf"(?P<end>{_DATE}|{_PRESENT})(?![\w/])",
    re.IGNORECASE,
)
_SINCE = re.compile(rf"\b(?:since|seit|ab)\s+(?P<start>{_DATE})(?![\w/])", re.IGNORECASE)
_PRESENT_RE = re.compile(_PRESENT, re.IGNORECASE)
_DAY_MONTH_YEAR = re.compile(r"\d{1,2}\.(\d{1,2})\.(\d{4})")
_MONTH_YEAR = re.compile(r"(\d{1,2})\s*[/.-]\s*(\d{4})")
_NAMED_MONTH_YEAR = re.compile(r"([^\W\d]+)\.?,?\s*(\d{4})")
_MAX_RANGE_MONTHS: Final = 60 * 12


def experience_years(text: str, today: date | None = None) -> float | None:
    """Years covered by the date ranges in ``text`` ("2018 - present", "01/2019 - 03/2022",
    "seit 2020", "März 2019 - Juni 2021"), overlaps merged, one decimal; None without ranges.

    Months count inclusively ("01/2019 - 03/2022" is 39 months); a bare end year counts up to
    its January ("2015 - 2018" is 3 years) so adjacent year ranges do not double count;
    "present" runs through the current month; a listed job lasts at least a month.
    """
    today = today or _today()
    intervals = sorted(
        interval
        for _, _, start, end in _range_matches(text)
        if (interval := _interval(start, end, today)) is not None
    )
    months = 0
    covered_to = 0
    for start, end in intervals:
        if end > covered_to:
            months += end - max(start, covered_to)
            covered_to = end
    return round(months / 12, 1) if months else None


def _range_matches(text: str) -> list[tuple[int, int, str, str | None]]:
    """(span start, span end, start date, end date or None when open) of each range."""
    found: list[tuple[int, int, str, str | None]] = [
        (match.start(), match.end(), match["start"], match["end"])
        for match in _RANGE.finditer(text)
    ]
    for match in _SINCE.finditer(text):
        if not any(start < match.end() and match.start() < end for start, end, _, _ in found):
            found.append((match.start(), match.end(), match["start"], None))
    return found


def _interval(start_text: str, end_text: str | None, today: date) -> tuple[int, int] | None:
    """Month indices [start, end) of one range, clipped to today; None if implausible."""
    now = today.year * 12 + today.month  # the end of the current month
    start = _month_index(start_text, end=False)
    if end_text is None or _PRESENT_RE.fullmatch(end_text):
        end: int | None = now
    else:
        end = _month_index(end_text, end=True)
    if start is None or end is None or start >= now or end < start:
        return None
    end = max(min(end, now), start + 1)
    return (start, end) if end - start <= _MAX_RANGE_MONTHS else None


def _month_index(token: str, *, end: bool) -> int | None:
    token = token.strip().lower()
    month: int | None
    if (found := _DAY_MONTH_YEAR.fullmatch(token)) or (found := _MONTH_YEAR.fullmatch(token)):
        month, year = int(found[1]), int(found[2])
    elif found := _NAMED_MONTH_YEAR.fullmatch(token):
        month, year = _MONTHS.get(found[1]), int(found[2])
    else:
        return int(token) * 12 if token.isdigit() else None  # a bare year: its January
    if month is None or not 1 <= month <= 12:
        return None
    return year * 12 + month - 1 + (1 if end else 0)


_STATED_YEARS = (
    re.compile(
        r"(\d{1,2}(?:[.,]5)?)\s*\+?\s*(?:years?|yrs?)['’]?\s+(?:of\s+)?"
        r"(?:[\w-]+\s+){0,3}?experience",
        re.IGNORECASE,
    ),
    re.compile(
        r"(\d{1,2}(?:[.,]5)?)\s*\+?\s*jahren?\s+(?:[\w-]+\s+){0,2}?"
        r"(?:berufserfahrung|erfahrung|berufspraxis|praxiserfahrung)",
        re.IGNORECASE,
    ),
    re.compile(
        r"(\d{1,2})\s*-?\s*jährige[nrsm]?\s+(?:[\w-]+\s+)?"
        r"(?:berufserfahrung|erfahrung|berufspraxis|praxiserfahrung)",
        re.IGNORECASE,
    ),
    re.compile(
        r"(?:experience|berufserfahrung|erfahrung)\s*[:–-]\s*(?:over\s+|more\s+than\s+|über\s+"
        r"|mehr\s+als\s+)?(\d{1,2}(?:[.,]5)?)\s*\+?\s*(?:years?|yrs?|jahren?)\b",
        re.IGNORECASE,
    ),
)


def _stated_years(text: str) -> float | None:
    """The largest "X years of experience" / "X Jahre Berufserfahrung" claim in the text."""
    claims = [
        float(match.group(1).replace(",", "."))
        for pattern in _STATED_YEARS
        for match in pattern.finditer(text)
    ]
    return max(claims) if claims else None


# --- last job title ------------------------------------------------------------------------------

# English title words match whole words; German ones also inside compounds
# ("Softwareentwickler", "Finanzbuchhalterin", "Stationsleitung").
_TITLE_WORDS = re.compile(
    r"\b(?:engineer|developer|programmer|manager|nurse|accountant|analyst|consultant|designer"
    r"|specialist|assistant|intern|lead|head|director|officer|technician|administrator"
    r"|architect|scientist|teacher|tutor|instructor|lecturer|professor|educator|coordinator"
    r"|representative|associate|clerk|cashier|chef|cook|waiter|waitress|bartender|barista"
    r"|driver|operator|worker|supervisor|executive|agent|advisor|adviser|recruiter|paralegal"
    r"|lawyer|attorney|counsel|bookkeeper|auditor|controller|therapist|physician|pharmacist"
    r"|caregiver|paramedic|midwife|electrician|plumber|carpenter|welder|mechanic|foreman"
    r"|founder|owner|partner|president|cto|ceo|cfo|coo|vp|editor|writer|journalist"
    r"|translator|marketer|strategist|researcher|student|trainee|apprentice|master"
    r"|receptionist|housekeeper|secretary|dispatcher|planner|buyer|teller|picker|packer"
    r"|janitor|cleaner|stylist|hairdresser|photographer|koch|maler)s?\b"
    r"|entwickler|ingenieur|berater|leiter|leitung|pfleger|pflegefach|krankenschwester"
    r"|fachkraft|buchhalter|sachbearbeiter|referent|assisten|techniker|meister|mitarbeiter"
    r"|kauffrau|kaufmann|praktikant|praktikum|werkstudent|auszubildende|azubi|lehrer"
    r"|erzieher|köchin|verkäufer|fahrer|helfer|arzt|ärztin|steuerfach|geschäftsführer"
    r"|inhaber|therapeut|hebamme|sekretär|disponent|lagerist|monteur|elektriker|schreiner"
    r"|tischler|friseur|servicekraft|kellner|rezeption|betreuer|beauftragte|manager",
    re.IGNORECASE,
)
_COMPANY_MARKERS = re.compile(
    r"\b(?:gmbh|ag|se|kg|ohg|ug|e\.\s?v\.|inc\.?|ltd\.?|llc|llp|corp\.?|corporation|plc"
    r"|s\.a\.|b\.v\.|n\.v\.|co\.)(?!\w)"
    r"|klinik|krankenhaus|hospital|universit|hochschule|sparkasse|kanzlei|stadtwerke",
    re.IGNORECASE,
)
_TITLE_SPLIT = re.compile(r"\s+[|–—-]\s+|\s*\|\s*|,\s+|\s+(?:at|bei|@|im|am)\s+|\t")
_BULLET = re.compile(r"^\s*[•●▪◦*·>\-–—]\s*")
_RANGE_LEADERS = re.compile(
    r"^(?:von|vom|from|since|seit|ab|zeitraum|period)\b[\s:]*", re.IGNORECASE
)
_NOT_A_TITLE = re.compile(r"\d{4}|@")


def _last_title(lines: Sequence[str], today: date, has_section: bool) -> str | None:
    """The title of the most recent position: the entry whose date range ends last (then
    starts last), its title from the same line, else the line above, else the line below;
    undated sections list the newest entry first."""
    best: tuple[tuple[int, int, int], int, str] | None = None
    for index, line in enumerate(lines):
        for span_start, span_end, start_text, end_text in _range_matches(line):
            interval = _interval(start_text, end_text, today)
            if interval is None:
                continue
            rank = (interval[1], interval[0], -index)
            if best is None or rank > best[0]:
                best = (rank, index, _remainder(line, span_start, span_end))
    if best is None:
        if not has_section:
            return None
        return next((title for line in lines if (title := _title_in(line, strict=True))), None)
    _, index, remainder = best
    candidates = (remainder, _neighbour(lines, index, -1), _neighbour(lines, index, 1))
    for strict in (True, False):
        for candidate in candidates:
            if candidate and (title := _title_in(candidate, strict=strict)):
                return title
    return None


def _remainder(line: str, span_start: int, span_end: int) -> str:
    """The line without its date range and the words that introduce it."""
    rest = f"{line[:span_start].strip()} | {line[span_end:].strip()}".strip(" |:–—-")
    return _RANGE_LEADERS.sub("", rest).strip(" |:–—-")


def _neighbour(lines: Sequence[str], index: int, step: int) -> str | None:
    """The adjacent line if it can be the same entry's title (not blank, a bullet or a date)."""
    position = index + step
    if not 0 <= position < len(lines):
        return None
    line = lines[position].strip()
    if not line or _BULLET.match(line) or _range_matches(line):
        return None
    return line


def _title_in(text: str, *, strict: bool) -> str | None:
    """The segment of a line that names a job; strict wants a title word, otherwise a short
    phrase that is not a company, a date or a sentence will do."""
    if _BULLET.match(text):
        return None
    segments = [s.strip(" .:;") for s in _TITLE_SPLIT.split(text)]
    segments = [s for s in segments if s and not _NOT_A_TITLE.search(s)]
    for segment in segments:
        if _TITLE_WORDS.search(segment) and len(segment.split()) <= 8:
            return strip_gender_tag(segment)
    if strict:
        return None
    for segment in segments:
        if _COMPANY_MARKERS.search(segment):
            continue
        if len(segment.split()) <= 6 and not text.rstrip().endswith("."):
            return strip_gender_tag(segment) or None
        return None
    return None


# --- spoken languages ----------------------------------------------------------------------------

_LANGUAGE_NAMES: Final = {
    "English": ("english", "englisch"),
    "German": ("german", "deutsch"),
    "Spanish": ("spanish", "spanisch", "español", "espanol"),
    "French": ("french", "französisch", "franzoesisch", "français", "francais"),
    "Italian": ("italian", "italienisch", "italiano"),
    "Portuguese": ("portuguese", "portugiesisch", "português", "portugues"),
    "Polish": ("polish", "polnisch", "polski"),
    "Russian": ("russian", "russisch"),
    "Turkish": ("turkish", "türkisch", "tuerkisch", "türkçe"),
    "Arabic": ("arabic", "arabisch"),
    "Chinese": ("chinese", "chinesisch", "mandarin"),
    "Cantonese": ("cantonese", "kantonesisch"),
    "Japanese": ("japanese", "japanisch"),
    "Korean": ("korean", "koreanisch"),
    "Dutch": ("dutch", "niederländisch", "holländisch", "nederlands"),
    "Ukrainian": ("ukrainian", "ukrainisch"),
    "Hindi": ("hindi",),
    "Urdu": ("urdu",),
    "Bengali": ("bengali", "bengalisch"),
    "Punjabi": ("punjabi",),
    "Tamil": ("tamil",),
    "Greek": ("greek", "griechisch"),
    "Swedish": ("swedish", "schwedisch"),
    "Danish": ("danish", "dänisch"),
    "Norwegian": ("norwegian", "norwegisch"),
    "Finnish": ("finnish", "finnisch"),
    "Czech": ("czech", "tschechisch"),
    "Slovak": ("slovak", "slowakisch"),
    "Hungarian": ("hungarian", "ungarisch"),
    "Romanian": ("romanian", "rumänisch"),
    "Bulgarian": ("bulgarian", "bulgarisch"),
    "Croatian": ("croatian", "kroatisch"),
    "Serbian": ("serbian", "serbisch"),
    "Bosnian": ("bosnian", "bosnisch"),
    "Albanian": ("albanian", "albanisch"),
    "Persian": ("persian", "persisch", "farsi"),
    "Kurdish": ("kurdish", "kurdisch"),
    "Hebrew": ("hebrew", "hebräisch"),
    "Vietnamese": ("vietnamese", "vietnamesisch"),
    "Thai": ("thai",),
    "Indonesian": ("indonesian", "indonesisch"),
    "Tagalog": ("tagalog", "filipino"),
    "Swahili": ("swahili",),
    "Latin": ("latin", "latein", "latín"),
    "Catalan": ("catalan", "katalanisch", "catalán", "català"),
}
# Spanish names of the languages above ("inglés", "alemán"), kept apart to stay readable.
_SPANISH_LANGUAGE_NAMES: Final = {
    "English": ("inglés", "ingles"),
    "German": ("alemán", "aleman"),
    "Spanish": ("castellano",),
    "French": ("francés", "frances"),
    "Portuguese": ("portugués",),
    "Russian": ("ruso",),
    "Arabic": ("árabe", "arabe"),
    "Chinese": ("chino",),
    "Japanese": ("japonés", "japones"),
    "Dutch": ("neerlandés", "holandés"),
    "Polish": ("polaco",),
    "Romanian": ("rumano",),
    "Turkish": ("turco",),
}
# ISO 639-1; Cantonese has no two-letter code, so it stays a name in ``languages`` only.
_ISO_639_1: Final = {
    "English": "en", "German": "de", "Spanish": "es", "French": "fr", "Italian": "it",
    "Portuguese": "pt", "Polish": "pl", "Russian": "ru", "Turkish": "tr", "Arabic": "ar",
    "Chinese": "zh", "Japanese": "ja", "Korean": "ko", "Dutch": "nl", "Ukrainian": "uk",
    "Hindi": "hi", "Urdu": "ur", "Bengali": "bn", "Punjabi": "pa", "Tamil": "ta", "Greek": "el",
    "Swedish": "sv", "Danish": "da", "Norwegian": "no", "Finnish": "fi", "Czech": "cs",
    "Slovak": "sk", "Hungarian": "hu", "Romanian": "ro", "Bulgarian": "bg", "Croatian": "hr",
    "Serbian": "sr", "Bosnian": "bs", "Albanian": "sq", "Persian": "fa", "Kurdish": "ku",
    "Hebrew": "he", "Vietnamese": "vi", "Thai": "th", "Indonesian": "id", "Tagalog": "tl",
    "Swahili": "sw", "Latin": "la", "Catalan": "ca",
}
_LANGUAGE_BY_WORD: Final = {
    word: name
    for names in (_LANGUAGE_NAMES, _SPANISH_LANGUAGE_NAMES)
    for name, words in names.items()
    for word in words
}
_WORD = re.compile(r"[^\W\d_]+")
# Outside a languages section a language name counts only beside a proficiency ("fluent
# German", "Englisch C1"), so "German Red Cross" or "English Literature" are not languages.
_PROFICIENCY = re.compile(
    r"\b(?:native|mother\s+tongue|first\s+language|fluent(?:ly)?|fluency|proficient|"
    r"proficiency|bilingual|business|conversational|basic|intermediate|advanced|"
    r"working\s+knowledge|muttersprache|muttersprachlich|fließend|fliessend|"
    r"verhandlungssicher|grundkenntnisse|sehr\s+gut|gute?|kenntnisse|niveau|[abc][12])\b",
    re.IGNORECASE,
)


def _find_languages(tagged: Iterable[tuple[str | None, str]]) -> tuple[str, ...]:
    found: dict[str, None] = {}
    for section, line in tagged:
        in_section = section == "languages"
        if not in_section and not _PROFICIENCY.search(line):
            continue
        for word in _WORD.findall(line):
            if not in_section and not word[0].isupper():
                continue
            name = _LANGUAGE_BY_WORD.get(word.lower())
            if name is not None:
                found.setdefault(name)
    return tuple(found)


# Levels in the order they are tried: the first that matches an item wins, so "C1 (fluent)"
# and "Muttersprache" are read once. A language listed without a level is WORKING.
_LEVELS: Final = (
    (LanguageLevel.NATIVE, re.compile(
        r"\b(?:native|mother\s+tongue|first\s+language|bilingual|muttersprache|"
        r"muttersprachlich|nativo|nativa|lengua\s+materna)\b", re.IGNORECASE)),
    (LanguageLevel.FLUENT, re.compile(
        r"\b(?:c1|c2|fluent(?:ly)?|fluency|full\s+professional|advanced|proficient|"
        r"fließend|fliessend|verhandlungssicher|sehr\s+gut(?:e)?|fluido|fluida|avanzado|"
        r"avanzada|excellent)\b", re.IGNORECASE)),
    (LanguageLevel.WORKING, re.compile(
        r"\b(?:b1|b2|good|gut(?:e)?|conversational|intermediate|professional\s+working|"
        r"working|business|intermedio|intermedia|medio|alto)\b", re.IGNORECASE)),
    (LanguageLevel.BASIC, re.compile(
        r"\b(?:a1|a2|basic|basics|elementary|beginner|limited|grundkenntnisse|"
        r"básico|basico|básica|basica|principiante)\b", re.IGNORECASE)),
)


def language_level(text: str) -> LanguageLevel | None:
    """The level a languages-section item states ("C1", "fließend", "nativo"), if any."""
    for level, pattern in _LEVELS:
        if pattern.search(text):
            return level
    return None


def _find_spoken_languages(
    tagged: Iterable[tuple[str | None, str]],
) -> tuple[SpokenLanguage, ...]:
    """Languages with levels, read from the languages section only. A level standing alone
    in the next item ("Englisch | verhandlungssicher", a table row) belongs to the languages
    just before it; the first mention of a language wins."""
    found: dict[str, SpokenLanguage] = {}
    for section, line in tagged:
        if section != "languages":
            continue
        waiting: list[str] = []  # codes listed without a level yet
        for item in split_items(line):
            codes = [
                code
                for word in _WORD.findall(item)
                if (name := _LANGUAGE_BY_WORD.get(word.lower())) is not None
                and (code := _ISO_639_1.get(name)) is not None
            ]
            level = language_level(item)
            if not codes:
                if level is not None:
                    for code in waiting:
                        found[code] = SpokenLanguage(code=code, level=level)
                waiting = []
                continue
            waiting = []
            for code in dict.fromkeys(codes):
                if code in found:
                    continue
                found[code] = SpokenLanguage(code=code, level=level or LanguageLevel.WORKING)
                if level is None:
                    waiting.append(code)
    return tuple(found.values())


# --- skills and certifications ---------------------------------------------------------------

# Sections whose lines are running text for skills; interests and hobbies are never read.
_RUNNING_TEXT_SECTIONS: Final = frozenset(
    {None, "experience", "summary", "education", "personal", "other"}
)
_SUBHEADING = re.compile(
    r"^[^,;|•·]{1,40}:$|^[^,;|•·]{0,30}\b(?:skills|tools|kenntnisse|competencias|habilidades)$",
    re.IGNORECASE,
)
_LABEL = re.compile(r"^\s*(?P<label>[^\W\d][^,;|:]{0,30}):\s+(?P<rest>\S.*)$")


def _find_skills(
    tagged: Sequence[tuple[str | None, str]], taxonomy: SkillTaxonomy
) -> tuple[str, ...]:
    """Skills in order of first appearance, deduplicated ignoring case.

    The Skills section's items count as listed, known to the taxonomy or not (normalised and
    mapped to canonical names, see ``SkillTaxonomy.section_skills``); certification lines give
    the taxonomy skills they name ("AWS Certified ..." is AWS); running text (experience,
    summary, education) gives taxonomy skills under the evidence rule of
    ``SkillTaxonomy.find_with_evidence``. Interests and hobbies give none.
    """
    found: dict[str, str] = {}

    def add(names: Iterable[str]) -> None:
        for name in names:
            found.setdefault(name.casefold(), name)

    for section, block in _blocks(tagged):
        if section == "skills":
            for line in _skill_lines(block, taxonomy):
                add(taxonomy.section_skills(line))
        elif section == "certifications":
            add(taxonomy.find_in_text("\n".join(block)))
        elif section == "languages":
            # "Languages: Python, SQL" under Technical Skills: known skills, not languages
            for line in block:
                for item in split_items(line):
                    if not any(w.lower() in _LANGUAGE_BY_WORD for w in _WORD.findall(item)):
                        add(taxonomy.resolve_item(item.strip()) or ())
        elif section in _RUNNING_TEXT_SECTIONS:
            add(taxonomy.find_with_evidence("\n".join(block)))
    return tuple(found.values())


def _blocks(
    tagged: Sequence[tuple[str | None, str]],
) -> Iterator[tuple[str | None, list[str]]]:
    """Runs of consecutive lines in one section, so a term wrapped over two lines is whole."""
    current: list[str] = []
    section: str | None = None
    for index, (line_section, line) in enumerate(tagged):
        if index and line_section != section:
            yield section, current
            current = []
        section = line_section
        current.append(line)
    if current:
        yield section, current


def _skill_lines(block: Sequence[str], taxonomy: SkillTaxonomy) -> list[str]:
    """A Skills section's list lines: sub-headings ("Clinical:", "Technical skills") and
    labels ("Tools: ...") dropped, and a list wrapped mid-item ("Python, Machine" /
    "Learning, SQL") joined again."""
    lines: list[str] = []
    for raw in block:
        line = raw.strip()
        if not line or _SUBHEADING.match(line):
            continue
        if label := _LABEL.match(line):
            line = label["rest"]
        if lines and _continues(lines[-1], line, taxonomy):
            lines[-1] = f"{lines[-1]} {line}"
        else:
            lines.append(line)
    return lines


def _continues(previous: str, line: str, taxonomy: SkillTaxonomy) -> bool:
    if previous.rstrip()[-1:] in ",;|•·" or line[:1] in "•·-–*●▪":
        return False
    before, after = split_items(previous), split_items(line)
    if not before or not after or len(before) == 1:
        return False  # one item per line is a list written down, not a wrapped line
    if after[0][:1].islower():
        return True
    joined = f"{before[-1].strip()} {after[0].strip()}"
    return taxonomy.canonical(joined) is not None and not (
        taxonomy.canonical(before[-1]) and taxonomy.canonical(after[0])
    )


_WRAPPED_END = re.compile(
    r"(?:[,/&+-]|\b(?:of|and|for|in|at|de|del|y|und|für|der))$", re.IGNORECASE
)


def _unwrapped(lines: Iterable[str]) -> list[str]:
    """Lines with a narrow column's wraps undone: a line ending in a comma or a joining word
    ("State of") goes on, and so does one that starts in lower case."""
    out: list[str] = []
    for raw in lines:
        line = raw.strip()
        if not line:
            out.append(line)
            continue
        if out and out[-1] and (_WRAPPED_END.search(out[-1]) or line[0].islower()):
            out[-1] = f"{out[-1]} {line}"
        else:
            out.append(line)
    return out


_CERT_CUT = re.compile(
    r"\s*(?:[,(–—-]|\b(?:since|seit|desde|valid|expires?|exp\.|issued|until|bis))?\s*"
    r"(?:\d{1,2}[./])?(?:\d{1,2}[./])?(?:19|20)\d{2}\b.*$",
    re.IGNORECASE,
)
_CERT_WORDS = re.compile(
    r"certifi|certificate|licen[cs]e|zertifi|lizenz|schein|certificado|certificación|licencia|"
    r"\bCDL\b|\bclass\b|\bklasse\b",
    re.IGNORECASE,
)


def _find_certifications(tagged: Iterable[tuple[str | None, str]]) -> tuple[str, ...]:
    """Certifications and licences as listed, one per line or per list item, with dates
    ("- 2019", "(exp. 2026)") and issuers after a comma ("..., State of California") cut."""
    found: dict[str, str] = {}
    for line in _unwrapped(line for section, line in tagged if section == "certifications"):
        text = _CERT_CUT.sub("", line.strip()).strip(" ,;|•·*-–—(")
        pieces = [piece.strip(" •·*-–—") for piece in split_items(text)]
        pieces = [piece for piece in pieces if piece]
        if not pieces:
            continue
        short_list = len(pieces[0].split()) <= 2  # "BLS, ACLS, PALS"
        for index, piece in enumerate(pieces):
            if _NOT_A_TITLE.search(piece) or len(piece) > 80:
                continue
            listed = short_list and len(piece.split()) <= 3
            if index and not (_CERT_WORDS.search(piece) or listed):
                continue  # an issuer or a place after the certificate
            found.setdefault(piece.casefold(), piece)
    return tuple(found.values())


"""Skills precision and recall of the resume parser over resumes in several professions and
layouts (one column PDF, two columns PDF, a table DOCX, a DOCX with headings and a page
header), against expectations written with the resumes (tests/fixtures/resumes/).

Run with ``-s`` to see the figures.
"""

from __future__ import annotations

import io
import json
from functools import cache
from pathlib import Path
from typing import Any

import docx
import pytest
from fpdf import FPDF

from conversations.resume_parser import parse_resume
from core.domain import LanguageLevel, ParsedResume, SpokenLanguage
from core.skills import SkillTaxonomy
from tests.resume_files import make_pdf

FIXTURE = Path(__file__).parents[1] / "fixtures" / "resumes" / "skills_quality.json"
RESUMES: list[dict[str, Any]] = json.loads(FIXTURE.read_text(encoding="utf-8"))["resumes"]

# Floors a little under what the parser reached when this test was written (see the report
# printed with -s), so a regression of one or two skills over the set fails it. The misses
# left are skills a reader infers from prose ("Tableau dashboards" is data visualisation)
# that the evidence rule refuses on purpose.
MIN_PRECISION = 0.9
MIN_RECALL = 0.85

_LATIN1 = str.maketrans({"–": "-", "—": "-", "•": "·", "’": "'"})


# --- layouts ---------------------------------------------------------------------------------


def _two_column_pdf(sidebar: list[str], main: list[str]) -> bytes:
    """A sidebar column on the left, the main column on the right, written in that order
    (as most CV templates write them)."""
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=False)
    pdf.add_page()
    pdf.set_font("Helvetica", size=9)
    for x, width, lines in ((10, 55, sidebar), (72, 128, main)):
        pdf.set_xy(x, 15)
        for line in lines:
            pdf.set_x(x)
            pdf.multi_cell(width, 5, line.translate(_LATIN1) or " ", new_x="LEFT", new_y="NEXT")
    return bytes(pdf.output())


def _docx_with_headers(header: list[str], lines: list[str]) -> bytes:
    """Name and contact in the page header, "# " lines as Heading 1, "* " lines as bullets."""
    document = docx.Document()
    for index, text in enumerate(header):
        paragraph = (
            document.sections[0].header.paragraphs[0]
            if index == 0
            else document.sections[0].header.add_paragraph()
        )
        paragraph.text = text
    for line in lines:
        if line.startswith("# "):
            document.add_heading(line[2:], level=1)
        elif line.startswith("* "):
            document.add_paragraph(line[2:], style="List Bullet")
        else:
            document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _table_docx(lines: list[str], rows: list[list[Any]]) -> bytes:
    """Paragraphs on top, then one table row per section: heading cell, content cell."""
    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    table = document.add_table(rows=len(rows), cols=2)
    for row, (heading, content) in zip(table.rows, rows, strict=True):
        row.cells[0].text = heading
        cell = row.cells[1]
        cell.text = content[0]
        for text in content[1:]:
            cell.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _render(resume: dict[str, Any]) -> bytes:
    layout = resume["layout"]
    if layout == "plain_pdf":
        return make_pdf(resume["lines"])
    if layout == "two_column_pdf":
        return _two_column_pdf(resume["sidebar"], resume["main"])
    if layout == "docx_headers":
        return _docx_with_headers(resume["header"], resume["lines"])
    if layout == "table_docx":
        return _table_docx(resume["lines"], resume["rows"])
    raise AssertionError(f"unknown layout {layout}")


@cache
def _parsed(resume_id: str) -> ParsedResume:
    resume = next(r for r in RESUMES if r["id"] == resume_id)
    return parse_resume(_render(resume))


# --- scoring ---------------------------------------------------------------------------------


def _skill_key(name: str, taxonomy: SkillTaxonomy) -> str:
    """A synonym counts as its canonical name; unknown names compare ignoring case."""
    return (taxonomy.canonical(name) or " ".join(name.split())).casefold()


def _counts(resume: dict[str, Any], taxonomy: SkillTaxonomy) -> tuple[int, int, int]:
    found = {_skill_key(s, taxonomy) for s in _parsed(resume["id"]).skills}
    expected = {_skill_key(s, taxonomy) for s in resume["skills"]}
    return len(found & expected), len(found - expected), len(expected - found)


def test_skills_precision_and_recall_over_the_set() -> None:
    taxonomy = SkillTaxonomy.load()
    hits = extra = missed = 0
    lines = []
    for resume in RESUMES:
        tp, fp, fn = _counts(resume, taxonomy)
        hits, extra, missed = hits + tp, extra + fp, missed + fn
        found = {_skill_key(s, taxonomy): s for s in _parsed(resume["id"]).skills}
        expected = {_skill_key(s, taxonomy) for s in resume["skills"]}
        lines.append(
            f"{resume['id']:<22} {resume['layout']:<15} tp={tp:<3} fp={fp:<3} fn={fn:<3}"
            f" extra={sorted(v for k, v in found.items() if k not in expected)}"
            f" missed={sorted(expected - found.keys())}"
        )
    precision = hits / (hits + extra)
    recall = hits / (hits + missed)
    f1 = 2 * precision * recall / (precision + recall)
    lines.append(
        f"skills over {len(RESUMES)} resumes: precision={precision:.3f} recall={recall:.3f} "
        f"f1={f1:.3f}"
    )
    print("\n" + "\n".join(lines))  # noqa: T201 - the figures are the point of this test
    assert precision >= MIN_PRECISION
    assert recall >= MIN_RECALL


@pytest.mark.parametrize("resume", RESUMES, ids=[r["id"] for r in RESUMES])
def test_languages_with_levels(resume: dict[str, Any]) -> None:
    expected = tuple(
        SpokenLanguage(code=code, level=LanguageLevel(level)) for code, level in resume["languages"]
    )
    assert _parsed(resume["id"]).spoken_languages == expected


@pytest.mark.parametrize("resume", RESUMES, ids=[r["id"] for r in RESUMES])
def test_certifications_as_listed(resume: dict[str, Any]) -> None:
    assert _parsed(resume["id"]).certifications == tuple(resume["certifications"])

"""``jobscout resume parse FILE --json``: the parsed resume, or exit code 2 with a reason."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.resume_files import SAMPLE_RESUME_EN, make_docx, make_encrypted_pdf, make_pdf
from webhooks.cli import EXIT_UNREADABLE, app

runner = CliRunner()


def test_prints_the_parsed_resume_as_json(tmp_path: Path) -> None:
    cv = tmp_path / "cv.pdf"
    cv.write_bytes(make_pdf(SAMPLE_RESUME_EN))
    result = runner.invoke(app, ["resume", "parse", str(cv), "--json"])
    assert result.exit_code == 0, result.output
    parsed = json.loads(result.stdout)
    assert "Python" in parsed["skills"]
    assert parsed["email"] is not None
    assert parsed["text_chars"] > 0


def test_docx_with_a_misleading_extension_is_read_by_content(tmp_path: Path) -> None:
    cv = tmp_path / "cv.pdf"  # really a DOCX
    cv.write_bytes(make_docx(SAMPLE_RESUME_EN))
    result = runner.invoke(app, ["resume", "parse", str(cv), "--json"])
    assert result.exit_code == 0, result.output
    assert "Python" in json.loads(result.stdout)["skills"]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"not a resume at all", "unsupported_type"),
        (b"%PDF-1.7\n garbage", "corrupt"),
        (make_encrypted_pdf(SAMPLE_RESUME_EN, "secret"), "encrypted"),
    ],
)
def test_unreadable_files_exit_2_with_a_one_line_reason(
    tmp_path: Path, content: bytes, reason: str
) -> None:
    cv = tmp_path / "cv.bin"
    cv.write_bytes(content)
    result = runner.invoke(app, ["resume", "parse", str(cv), "--json"])
    assert result.exit_code == EXIT_UNREADABLE
    assert result.stderr.strip() == f"unreadable: {reason}"


def test_a_missing_file_exits_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["resume", "parse", str(tmp_path / "nope.pdf")])
    assert result.exit_code == EXIT_UNREADABLE
    assert result.stderr.startswith("unreadable:")


def test_prints_lists_as_lists_for_a_person(tmp_path: Path) -> None:
    cv = tmp_path / "cv.pdf"
    cv.write_bytes(make_pdf(SAMPLE_RESUME_EN))
    result = runner.invoke(app, ["resume", "parse", str(cv)])
    assert result.exit_code == 0, result.output
    fields = dict(line.split(": ", 1) for line in result.stdout.splitlines())
    skills = fields["skills"].split(", ")
    assert "Python" in skills
    assert "Kafka" in skills
    assert not any(mark in fields["skills"] for mark in "()[]'\"")
    assert fields["languages"].startswith(("English", "German", "Spanish"))
    assert fields["text_chars"].isdigit()

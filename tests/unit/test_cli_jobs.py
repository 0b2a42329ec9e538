"""``jobscout jobs extract FILE [--kind KIND] [--json]``: the jobs a saved reply or page yields."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from webhooks.cli import EXIT_UNREADABLE, app

runner = CliRunner()
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def extract(*args: str) -> Result:
    return runner.invoke(app, ["jobs", "extract", *args])


def extract_json(*args: str) -> list[dict[str, Any]]:
    result = extract(*args, "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert isinstance(rows, list)
    return rows


def test_a_saved_greenhouse_reply_prints_its_normalized_jobs() -> None:
    rows = extract_json(str(FIXTURES / "ats" / "greenhouse_board.json"), "--kind", "greenhouse")

    assert [row["title"] for row in rows] == [
        "Senior Backend Engineer, Payments",
        "Customer Success Manager DACH",
        "Office Manager",
    ]
    backend = rows[0]
    assert backend["company"] == "Acme Robotics"
    assert backend["extraction"] == "ats_api"
    assert backend["salary"]["minimum"] == 85_000
    assert backend["salary"]["currency"] == "EUR"
    assert backend["locations"][0]["city"] == "Berlin"
    assert "Kafka" in backend["skills"]
    assert rows[1]["locations"][0]["city"] == "Munich"


def test_an_html_page_defaults_to_the_page_kind() -> None:
    rows = extract_json(str(FIXTURES / "pages" / "jsonld_graph.html"))

    assert sorted(row["title"] for row in rows) == ["Product Manager", "Site Reliability Engineer"]
    assert {row["company"] for row in rows} == {"Initech GmbH"}
    assert {row["extraction"] for row in rows} == {"structured_data"}


def test_a_page_prints_readable_text_by_default() -> None:
    result = extract(str(FIXTURES / "pages" / "jsonld_german.html"))

    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "Pflegefachkraft Intensivstation & Anästhesie — Klinikum Schwabing"
    assert any(line.startswith("  where: Munich, Bayern, DE") for line in lines)
    assert "  type: full_time" in lines
    assert "  salary: 3,800–4,600 EUR per month" in lines
    assert "  read by: structured_data (confidence 0.95)" in lines
    assert lines[-1] == "1 job(s)"


def test_a_page_without_structured_data_is_read_by_heuristics(tmp_path: Path) -> None:
    page = tmp_path / "careers.htm"
    shutil.copy(FIXTURES / "pages" / "heuristic_list.html", page)

    rows = extract_json(str(page))

    urls = {row["title"]: row["url"] for row in rows}
    # The page does not say where it came from: relative links get a host that never resolves.
    assert urls["Senior Python Developer"] == (
        "https://saved-page.invalid/jobs/4711-senior-python-developer"
    )
    assert urls["Sales Manager DACH"] == "https://vandelay.example/jobs/4712"
    assert {row["extraction"] for row in rows} == {"heuristic"}
    assert all(row["confidence"] < 0.9 for row in rows)


def test_relative_links_on_a_saved_page_resolve_against_its_canonical_address(
    tmp_path: Path,
) -> None:
    page = tmp_path / "careers.html"
    html = (FIXTURES / "pages" / "jsonld_graph.html").read_text(encoding="utf-8")
    canonical = '<link rel="canonical" href="https://initech.example/careers/">'
    page.write_text(html.replace("<head>", f"<head>{canonical}"), encoding="utf-8")

    rows = extract_json(str(page))

    urls = {row["title"]: row["url"] for row in rows}
    assert urls["Product Manager"] == "https://initech.example/careers/8"


def test_an_expired_posting_is_dropped_with_the_reason_on_stderr() -> None:
    result = extract(str(FIXTURES / "pages" / "jsonld_expired.html"))

    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "no jobs found"
    assert result.stderr.strip() == "dropped 1 (expired: 1)"


def test_a_saved_smartrecruiters_detail_is_one_job() -> None:
    rows = extract_json(
        str(FIXTURES / "ats" / "smartrecruiters_detail_remote.json"), "--kind", "smartrecruiters"
    )

    assert [(row["title"], row["work_mode"]) for row in rows] == [
        ("Welding Robot Programmer", "remote")
    ]


def test_a_saved_smartrecruiters_list_says_where_the_details_are() -> None:
    result = extract(
        str(FIXTURES / "ats" / "smartrecruiters_list_last.json"), "--kind", "smartrecruiters"
    )

    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "no jobs found"
    assert "lists 3 postings whose details are separate requests" in result.stderr


@pytest.mark.parametrize(
    ("name", "content", "kind", "reason"),
    [
        ("board.json", b'{"jobs": []}', None, "cannot tell what kind of source board.json is"),
        ("board.json", b"<html>an error page</html>", "greenhouse", "the reply is not JSON"),
        ("postings.json", b'{"ok": false, "error": "Document not found"}', "lever", "expected"),
        ("page.html", b"   \n", None, "is empty"),
    ],
    ids=["no_kind", "not_json", "wrong_shape", "empty"],
)
def test_unreadable_files_exit_2_with_a_one_line_reason(
    tmp_path: Path, name: str, content: bytes, kind: str | None, reason: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)

    result = extract(str(path), *(["--kind", kind] if kind else []))

    assert result.exit_code == EXIT_UNREADABLE
    assert result.stdout == ""
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("unreadable: ")
    assert reason in line


def test_a_missing_file_exits_2(tmp_path: Path) -> None:
    result = extract(str(tmp_path / "nope.html"))

    assert result.exit_code == EXIT_UNREADABLE
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("unreadable: ")
    assert "No such file" in line


def test_an_unknown_kind_is_a_usage_error() -> None:
    result = extract(str(FIXTURES / "ats" / "greenhouse_board.json"), "--kind", "monster")

    assert result.exit_code == 2
    assert "monster" in result.stderr


@pytest.mark.parametrize(
    ("fixture", "kind", "company"),
    [
        # Lever replies name no company: the board their own links point to does.
        ("ats/lever_postings.json", "lever", "acme"),
        ("ats/greenhouse_board.json", "greenhouse", "Acme Robotics"),
        ("pages/heuristic_list.html", None, "Vandelay Industries"),
    ],
)
def test_the_company_comes_from_the_file_not_its_name(
    tmp_path: Path, fixture: str, kind: str | None, company: str
) -> None:
    saved = tmp_path / f"download (3){Path(fixture).suffix}"
    shutil.copy(FIXTURES / fixture, saved)

    rows = extract_json(str(saved), *(["--kind", kind] if kind else []))

    assert rows
    assert rows[0]["company"] == company
    assert not any("download" in (row["company"] or "") for row in rows)

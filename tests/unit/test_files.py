"""``crawlers.files``: what a saved API reply or HTML page yields, read the way the crawler reads
it, on the recorded fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.jobs import Extraction, SourceKind
from crawlers.files import (
    SAVED_PAGE_BASE,
    UnreadableFile,
    postings_from_bytes,
    read_file,
    read_saved,
)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


@pytest.mark.parametrize(
    ("name", "kind", "titles", "companies"),
    [
        (
            "ats/greenhouse_board.json",
            SourceKind.GREENHOUSE,
            [
                "Senior Backend Engineer, Payments",
                "Customer Success Manager (m/w/d) DACH",
                "Office Manager",
            ],
            # The reply names the company of the first two; the third is the board's.
            {"Acme Robotics", "acme"},
        ),
        ("ats/lever_postings.json", SourceKind.LEVER, None, {"acme"}),
        ("ats/lever_eu_postings.json", SourceKind.LEVER, None, {"kompass"}),
        ("ats/ashby_job_board.json", SourceKind.ASHBY, None, {"acme"}),
        ("ats/workable_account.json", SourceKind.WORKABLE, None, {"Acme Labs"}),
        (
            "ats/smartrecruiters_detail_remote.json",
            SourceKind.SMARTRECRUITERS,
            ["Welding Robot Programmer"],
            None,
        ),
        (
            "pages/jsonld_graph.html",
            None,
            ["Product Manager", "Site Reliability Engineer"],
            {"Initech GmbH"},
        ),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_a_saved_reply_yields_what_the_crawler_would_read(
    name: str, kind: SourceKind | None, titles: list[str] | None, companies: set[str] | None
) -> None:
    saved = read_saved(fixture(name), f"/somewhere/renamed-{Path(name).name}", kind)

    assert saved.postings
    assert saved.kind is (kind or SourceKind.PAGE)
    assert saved.details_elsewhere == 0
    if titles is not None:
        assert sorted(p.title for p in saved.postings) == sorted(titles)
    if companies is not None:
        # From the reply (its name, or its own links' board token), never from the file name.
        assert {p.company for p in saved.postings} == companies
    assert {p.source_kind for p in saved.postings} == {saved.kind}


def test_postings_from_bytes_is_the_list_of_postings() -> None:
    data = fixture("ats/workable_account.json")

    postings = postings_from_bytes(data, "account.json", SourceKind.WORKABLE)

    assert postings == list(read_saved(data, "account.json", SourceKind.WORKABLE).postings)
    assert {p.extraction for p in postings} == {Extraction.ATS_API}


def test_a_reply_without_links_names_the_board_after_the_file() -> None:
    data = b'[{"id": "1", "text": "Barista", "categories": {"location": "Wien"}}]'

    (posting,) = postings_from_bytes(data, "cafe-central.json", SourceKind.LEVER)

    assert posting.company == "cafe-central"


def test_a_smartrecruiters_list_counts_the_postings_it_only_links_to() -> None:
    saved = read_saved(
        fixture("ats/smartrecruiters_list_last.json"), "list.json", SourceKind.SMARTRECRUITERS
    )

    assert saved.postings == ()
    assert saved.details_elsewhere == 3


@pytest.mark.parametrize(
    ("page", "base"),
    [
        ('<link rel="canonical" href="https://jobs.example/list">', "https://jobs.example/"),
        ("<p>no address stated</p>", SAVED_PAGE_BASE),
    ],
)
def test_relative_links_on_a_saved_page_resolve_against_its_own_address(
    page: str, base: str
) -> None:
    html = (
        f"<html><head>{page}"
        '<script type="application/ld+json">{"@context": "https://schema.org", '
        '"@type": "JobPosting", "title": "Cook", "hiringOrganization": "Bistro", '
        '"url": "/jobs/7"}</script></head></html>'
    )

    (posting,) = postings_from_bytes(html.encode(), "saved.html", None)

    assert posting.url == f"{base}jobs/7"


@pytest.mark.parametrize(
    ("name", "content", "kind", "reason"),
    [
        ("board.json", b'{"jobs": []}', None, "cannot tell what kind of source board.json is"),
        ("board.json", b"<html>an error page</html>", SourceKind.GREENHOUSE, "not JSON"),
        (
            "postings.json",
            b'{"ok": false, "error": "Document not found"}',
            SourceKind.LEVER,
            "expected a JSON array",
        ),
        ("page.html", b"   \n", None, "is empty"),
    ],
    ids=["no_kind", "not_json", "wrong_shape", "empty"],
)
def test_unreadable_files_raise_one_line_reasons(
    name: str, content: bytes, kind: SourceKind | None, reason: str
) -> None:
    with pytest.raises(UnreadableFile) as caught:
        postings_from_bytes(content, name, kind)

    assert reason in caught.value.reason
    assert "\n" not in str(caught.value)


def test_a_missing_file_is_unreadable(tmp_path: Path) -> None:
    with pytest.raises(UnreadableFile, match="No such file"):
        read_file(tmp_path / "gone.html", None)

"""``jobscout jobs import``: the one-line summary of what an import stored, left or dropped."""

from __future__ import annotations

import pytest

from webhooks.cli import import_summary
from webhooks.imports import ImportReport


def report(**counts: int) -> ImportReport:
    fields = dict.fromkeys(
        ("files", "postings", "created", "revised", "unchanged", "approved", "pending"), 0
    )
    dropped = {key: counts.pop(key) for key in list(counts) if key not in fields}
    return ImportReport(**{**fields, **counts}, dropped=dropped)


@pytest.mark.parametrize(
    ("reports", "line"),
    [
        (
            [report(files=1, postings=1, created=1, approved=1)],
            "1 posting(s) from 1 file(s): 1 created, 0 revised, 0 unchanged; 1 approved, "
            "0 pending review",
        ),
        (
            # Files and a link, added up; the reasons for dropping listed in order.
            [
                report(files=3, postings=12, created=8, unchanged=2, approved=5, pending=3,
                       expired=1, no_title=1),
                report(postings=4, created=2, revised=1, approved=3, expired=1),
            ],
            "16 posting(s) from 3 file(s): 10 created, 1 revised, 2 unchanged; 8 approved, "
            "3 pending review; dropped 3 (expired: 2, no_title: 1)",
        ),
        ([], "0 posting(s) from 0 file(s): 0 created, 0 revised, 0 unchanged; 0 approved, "
             "0 pending review"),
    ],
)
def test_the_summary_adds_up_every_report(reports: list[ImportReport], line: str) -> None:
    assert import_summary(reports) == line

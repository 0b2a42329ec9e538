"""Hostile resumes through the sandbox: refused, and the calling process's memory stays flat.

Memory is read from /proc/self/status: the peak (VmHWM) is reset to the current RSS before the
parse (clear_refs 5), so the growth measured is this parse's, not an earlier test's.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path

import pytest

from conversations.resume_parser import parse_resume, parse_resume_isolated
from core import sandbox
from core.errors import UnreadableDocument
from core.sandbox import MIB, ChildFailed
from tests.resume_files import (
    SAMPLE_RESUME_DE,
    SAMPLE_RESUME_EN,
    make_docx,
    make_lying_docx,
    make_paragraph_flood_docx,
    make_pdf,
    make_pdf_bomb,
)

pytestmark = pytest.mark.integration

# Measured growth of the calling process for each bomb below: under 1 MiB (the input and the
# answer); 50 MiB leaves room for the interpreter's own churn and still catches any inflation.
MAX_PARENT_GROWTH = 50 * MIB
# Measured peaks of the child: 63 MiB (lying DOCX), 96 MiB (PDF bomb), 246 MiB (300k paragraphs).
MAX_CHILD_RSS = 384 * MIB


def _status_bytes(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) * 1024
    raise LookupError(field)


def _peak_growth(action: Callable[[], object]) -> int:
    """How far above its current RSS this process peaked while ``action`` ran."""
    Path("/proc/self/clear_refs").write_text("5")  # VmHWM := VmRSS
    before = _status_bytes("VmRSS")
    with contextlib.suppress(UnreadableDocument):
        action()
    return _status_bytes("VmHWM") - before


def test_the_meter_sees_a_spike() -> None:
    """The control: 80 MiB held in this process shows up as growth."""
    assert _peak_growth(lambda: len(b"x" * (80 * MIB))) >= 64 * MIB


HOSTILE = [
    # declares its real size (a few KB), inflates 600 MiB: zipfile would inflate it all
    pytest.param(make_lying_docx(600), "corrupt", id="docx lying about its size, 600 MiB"),
    pytest.param(make_lying_docx(600, declared=600 * MIB), "too_complex",
                 id="docx declaring 600 MiB"),
    pytest.param(make_lying_docx(100, declared=15 * MIB), "corrupt",
                 id="docx under-declaring 100 MiB as 15 MiB"),
    pytest.param(make_paragraph_flood_docx(300_000), "too_complex", id="300k paragraphs"),
    pytest.param(make_pdf_bomb(600), "too_complex", id="pdf stream of 600 MiB"),
]


@pytest.mark.parametrize(("data", "reason"), HOSTILE)
def test_bombs_are_refused_and_the_caller_stays_flat(data: bytes, reason: str) -> None:
    sandbox.warm_up()  # the zygote's start-up is not the parse's growth
    caught: list[UnreadableDocument] = []

    def parse() -> None:
        try:
            parse_resume_isolated(data)
        except UnreadableDocument as exc:
            caught.append(exc)

    growth = _peak_growth(parse)
    assert [exc.reason for exc in caught] == [reason]
    assert growth < MAX_PARENT_GROWTH


@pytest.mark.parametrize(("data", "reason"), HOSTILE)
def test_bombs_stay_small_in_the_child(data: bytes, reason: str) -> None:
    with pytest.raises(ChildFailed) as caught:
        sandbox.run(
            "conversations.resume_parser:_parse_confined",
            data,
            kwargs={"max_bytes": 10 * MIB, "today": None},
        )
    assert caught.value.reason == reason
    assert caught.value.usage is not None
    assert caught.value.usage.max_rss_bytes < MAX_CHILD_RSS


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(make_pdf(SAMPLE_RESUME_EN), id="english pdf"),
        pytest.param(make_docx(SAMPLE_RESUME_EN), id="english docx"),
        pytest.param(make_pdf(SAMPLE_RESUME_DE), id="german pdf"),
        pytest.param(make_docx(SAMPLE_RESUME_DE), id="german docx"),
    ],
)
def test_a_normal_resume_reads_the_same_in_the_sandbox(data: bytes) -> None:
    assert parse_resume_isolated(data) == parse_resume(data)

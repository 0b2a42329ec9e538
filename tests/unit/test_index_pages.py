"""Pure parts of the vector index: paging a thresholded query, and upgrading old payloads."""

from __future__ import annotations

from typing import Any

import pytest

from matching.index import LAYOUT, Hit, pages_above, upgrade_payload

# What a backend answers for (offset, limit): an approximate search for more results may order
# a few points differently, so "b" comes back on the second page and "d" is new.
ANSWERS: dict[tuple[int, int], list[Hit]] = {
    (0, 3): [("a", 0.9), ("b", 0.8), ("c", 0.7)],
    (3, 3): [("b", 0.8), ("d", 0.6), ("e", 0.5)],
    (6, 3): [("f", 0.45)],
}


async def answer(offset: int, limit: int) -> list[Hit]:
    return ANSWERS[(offset, limit)]


async def test_pages_until_a_short_one_each_point_once() -> None:
    pages = [page async for page in pages_above(answer, 0.4, 3, first=1, growth=1)]

    assert pages == [[("a", 0.9), ("b", 0.8), ("c", 0.7)], [("d", 0.6), ("e", 0.5)], [("f", 0.45)]]


async def test_a_point_under_the_floor_is_never_yielded() -> None:
    pages = [page async for page in pages_above(answer, 0.55, 3, first=1, growth=1)]

    assert [key for page in pages for key, _ in page] == ["a", "b", "c", "d"]


async def test_an_empty_answer_yields_no_page() -> None:
    async def nothing(offset: int, limit: int) -> list[Hit]:
        return []

    assert [page async for page in pages_above(nothing, 0.0, 10)] == []


async def test_a_page_size_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="page_size"):
        [page async for page in pages_above(answer, 0.0, 0)]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (
            {"user_key": "u", "model": "m", "paused": True, "countries": ["*"]},
            {"user_key": "u", "model": "m", "paused": 1, "countries": ["*"], "layout": LAYOUT},
        ),
        (
            {"job_id": "j", "model": "m", "any_country": False, "remote": True},
            {"job_id": "j", "model": "m", "any_country": 0, "remote": 1, "layout": LAYOUT},
        ),
    ],
)
def test_old_payloads_get_integer_flags_and_keep_their_model(
    old: dict[str, Any], new: dict[str, Any]
) -> None:
    assert upgrade_payload(old) == new


async def test_each_request_asks_for_more_and_pages_stay_small() -> None:
    asked: list[tuple[int, int]] = []
    ranked: list[Hit] = [(f"p{n}", 1.0 - n / 100) for n in range(50)]

    async def scan(offset: int, limit: int) -> list[Hit]:
        asked.append((offset, limit))
        return ranked[offset : offset + limit]

    pages = [page async for page in pages_above(scan, 0.0, 2, first=2, growth=4)]

    assert asked == [(0, 4), (4, 16), (20, 64)]
    assert [len(page) for page in pages] == [2] * 25
    assert [key for page in pages for key, _ in page] == [key for key, _ in ranked]

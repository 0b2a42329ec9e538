"""The circuit breaker is a table: state, event, time → new state and whether it just opened."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from crawlers.breaker import CircuitBreaker, is_open, record_failure, record_success

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
PAUSE = 3600
THRESHOLD = 3


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


CLOSED = CircuitBreaker()
TWO_FAILURES = CircuitBreaker(consecutive_failures=2)
OPEN = CircuitBreaker(consecutive_failures=3, opened_until=at(PAUSE))


@pytest.mark.parametrize(
    ("state", "now", "expected", "just_opened"),
    [
        (CLOSED, at(0), CircuitBreaker(consecutive_failures=1), False),
        (CircuitBreaker(consecutive_failures=1), at(0), TWO_FAILURES, False),
        (TWO_FAILURES, at(0), OPEN, True),  # the threshold-th failure opens it
        # A late failure while open counts but neither extends the pause nor "opens" again.
        (OPEN, at(10), CircuitBreaker(consecutive_failures=4, opened_until=at(PAUSE)), False),
        # Half-open: the first try after the pause fails, so the breaker opens again at once.
        (
            OPEN,
            at(PAUSE),
            CircuitBreaker(consecutive_failures=4, opened_until=at(2 * PAUSE)),
            True,
        ),
        (
            OPEN,
            at(PAUSE + 60),
            CircuitBreaker(consecutive_failures=4, opened_until=at(2 * PAUSE + 60)),
            True,
        ),
    ],
)
def test_record_failure(
    state: CircuitBreaker, now: datetime, expected: CircuitBreaker, just_opened: bool
) -> None:
    assert record_failure(state, now, THRESHOLD, PAUSE) == (expected, just_opened)


@pytest.mark.parametrize(
    ("state", "expected"),
    [(CLOSED, CLOSED), (TWO_FAILURES, CLOSED), (OPEN, CLOSED)],
)
def test_record_success_closes(state: CircuitBreaker, expected: CircuitBreaker) -> None:
    assert record_success(state) == expected


@pytest.mark.parametrize(
    ("state", "now", "expected"),
    [
        (CLOSED, at(0), False),
        (TWO_FAILURES, at(0), False),
        (OPEN, at(0), True),
        (OPEN, at(PAUSE - 1), True),
        (OPEN, at(PAUSE), False),  # the pause is over: let one attempt through
        (OPEN, at(PAUSE + 1), False),
    ],
)
def test_is_open(state: CircuitBreaker, now: datetime, expected: bool) -> None:
    assert is_open(state, now) is expected


def test_threshold_of_one_opens_on_the_first_failure_and_pause_may_be_a_timedelta() -> None:
    state, just_opened = record_failure(CLOSED, at(0), 1, timedelta(minutes=5))
    assert just_opened
    assert state.opened_until == at(300)


def test_threshold_must_be_positive() -> None:
    with pytest.raises(ValueError, match="threshold"):
        record_failure(CLOSED, at(0), 0, PAUSE)


def test_the_state_is_immutable() -> None:
    with pytest.raises(ValueError, match="frozen"):
        CLOSED.consecutive_failures = 5  # type: ignore[misc]

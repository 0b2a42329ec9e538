"""A circuit breaker per source, as pure state: a source that keeps failing is paused a while.

The caller stores ``CircuitBreaker`` with the source and passes ``now`` in; nothing here reads
a clock or does I/O. After ``threshold`` consecutive failures the breaker opens for ``pause``;
once the pause is over the next attempt goes through (half-open): a success closes the breaker,
a failure opens it again at once.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from core.domain import Frozen


class CircuitBreaker(Frozen):
    consecutive_failures: int = 0
    opened_until: datetime | None = None


BreakerState = CircuitBreaker  # the name crawlers.crawl imports


def is_open(state: CircuitBreaker, now: datetime) -> bool:
    """True while the source is paused."""
    return state.opened_until is not None and now < state.opened_until


def record_success(state: CircuitBreaker) -> CircuitBreaker:
    """A success closes the breaker and forgets past failures."""
    if state.consecutive_failures == 0 and state.opened_until is None:
        return state
    return CircuitBreaker()


def record_failure(
    state: CircuitBreaker, now: datetime, threshold: int, pause: timedelta | float
) -> tuple[CircuitBreaker, bool]:
    """The state after one more failure, and whether this failure opened the breaker.

    ``pause`` is a ``timedelta`` or seconds (``CrawlSettings.breaker_pause_s``).
    """
    if threshold < 1:
        raise ValueError("threshold must be at least 1")
    span = pause if isinstance(pause, timedelta) else timedelta(seconds=pause)
    failures = state.consecutive_failures + 1
    if is_open(state, now):
        # A failure reported while paused (a request already in flight) does not extend the pause.
        return state.model_copy(update={"consecutive_failures": failures}), False
    if failures >= threshold:
        return CircuitBreaker(consecutive_failures=failures, opened_until=now + span), True
    return CircuitBreaker(consecutive_failures=failures), False

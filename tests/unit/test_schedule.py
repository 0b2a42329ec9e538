"""Quiet hours and digest times, in the user's timezone."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from core.domain import Frequency, QuietHours
from matching.schedule import digest_due, in_quiet_hours, next_allowed

NIGHT = QuietHours(start=22, end=7)
LUNCH = QuietHours(start=12, end=14)


@pytest.mark.parametrize(
    ("hour", "quiet", "expected"),
    [
        (23, NIGHT, True),
        (3, NIGHT, True),
        (7, NIGHT, False),  # the end hour is not quiet any more
        (21, NIGHT, False),
        (22, NIGHT, True),  # the start hour is
        (12, LUNCH, True),
        (14, LUNCH, False),
        (11, LUNCH, False),
        (3, None, False),
        (3, QuietHours(start=5, end=5), False),  # an empty window
    ],
)
def test_quiet_hours(hour: int, quiet: QuietHours | None, expected: bool) -> None:
    assert in_quiet_hours(datetime(2026, 11, 23, hour, 30, tzinfo=UTC), quiet) is expected


@pytest.mark.parametrize(
    ("now", "timezone", "quiet", "expected"),
    [
        # 23:30 in Berlin (UTC+1 in November) is quiet: wait until 07:00 Berlin = 06:00 UTC.
        (datetime(2026, 11, 23, 22, 30, tzinfo=UTC), "Europe/Berlin", NIGHT,
         datetime(2026, 11, 24, 6, 0, tzinfo=UTC)),
        # 03:00 Berlin: the same night's end, not the next day's.
        (datetime(2026, 11, 24, 2, 0, tzinfo=UTC), "Europe/Berlin", NIGHT,
         datetime(2026, 11, 24, 6, 0, tzinfo=UTC)),
        # 10:00 Berlin is not quiet: now.
        (datetime(2026, 11, 24, 9, 0, tzinfo=UTC), "Europe/Berlin", NIGHT,
         datetime(2026, 11, 24, 9, 0, tzinfo=UTC)),
        # 20:00 in New York is 01:00 UTC: in UTC quiet hours but not in theirs.
        (datetime(2026, 11, 24, 1, 0, tzinfo=UTC), "America/New_York", NIGHT,
         datetime(2026, 11, 24, 1, 0, tzinfo=UTC)),
        # An unknown zone falls back to UTC.
        (datetime(2026, 11, 24, 23, 0, tzinfo=UTC), "Mars/Olympus", NIGHT,
         datetime(2026, 11, 25, 7, 0, tzinfo=UTC)),
    ],
)
def test_next_allowed(
    now: datetime, timezone: str, quiet: QuietHours, expected: datetime
) -> None:
    assert next_allowed(now, timezone, quiet) == expected


MONDAY_0830_UTC = datetime(2026, 11, 23, 8, 30, tzinfo=UTC)  # 09:30 in Berlin


@pytest.mark.parametrize(
    ("case", "now", "frequency", "timezone", "quiet", "last", "expected"),
    [
        ("daily, past the hour, never sent", MONDAY_0830_UTC, Frequency.DAILY,
         "Europe/Berlin", None, None, True),
        ("daily, before the hour in their zone", MONDAY_0830_UTC, Frequency.DAILY,
         "America/New_York", None, None, False),  # 03:30 in New York
        ("daily, sent today already", MONDAY_0830_UTC, Frequency.DAILY, "Europe/Berlin", None,
         datetime(2026, 11, 23, 8, 1, tzinfo=UTC), False),
        ("daily, sent yesterday", MONDAY_0830_UTC, Frequency.DAILY, "Europe/Berlin", None,
         datetime(2026, 11, 22, 8, 1, tzinfo=UTC), True),
        ("daily, the digest hour is inside quiet hours", MONDAY_0830_UTC, Frequency.DAILY,
         "Europe/Berlin", QuietHours(start=8, end=11), None, False),
        ("daily, after those quiet hours", datetime(2026, 11, 23, 10, 0, tzinfo=UTC),
         Frequency.DAILY, "Europe/Berlin", QuietHours(start=8, end=11), None, True),
        ("weekly on Monday", MONDAY_0830_UTC, Frequency.WEEKLY, "Europe/Berlin", None,
         datetime(2026, 11, 16, 8, 1, tzinfo=UTC), True),
        ("weekly, already sent this week", MONDAY_0830_UTC, Frequency.WEEKLY, "Europe/Berlin",
         None, datetime(2026, 11, 23, 8, 1, tzinfo=UTC), False),
        ("weekly on a Tuesday", datetime(2026, 11, 24, 8, 30, tzinfo=UTC), Frequency.WEEKLY,
         "Europe/Berlin", None, None, False),
        ("instant users get no digest", MONDAY_0830_UTC, Frequency.INSTANT, "Europe/Berlin",
         None, None, False),
        # 00:30 Tuesday in Tokyo is still Monday in UTC: their Monday 09:00 has passed long ago,
        # and it is now their Tuesday, so a weekly digest is not due.
        ("weekly, their day not UTC's", datetime(2026, 11, 23, 15, 30, tzinfo=UTC),
         Frequency.WEEKLY, "Asia/Tokyo", None, None, False),
    ],
)
def test_digest_due(
    case: str,
    now: datetime,
    frequency: Frequency,
    timezone: str,
    quiet: QuietHours | None,
    last: datetime | None,
    expected: bool,
) -> None:
    due = digest_due(
        now, frequency=frequency, timezone=timezone, quiet=quiet, last_digest_at=last,
        hour=9, weekday=0,
    )
    assert due is expected, case

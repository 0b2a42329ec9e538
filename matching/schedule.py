"""When a message may go out: quiet hours and digest times in the user's own timezone (pure)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core.domain import Frequency, QuietHours


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def in_quiet_hours(local: datetime, quiet: QuietHours | None) -> bool:
    """Quiet hours run from ``start`` (inclusive) to ``end`` (exclusive) and may wrap midnight."""
    if quiet is None or quiet.start == quiet.end:
        return False
    if quiet.start < quiet.end:
        return quiet.start <= local.hour < quiet.end
    return local.hour >= quiet.start or local.hour < quiet.end


def next_allowed(now: datetime, timezone: str, quiet: QuietHours | None) -> datetime:
    """``now`` when it is outside quiet hours, else the end of the quiet hours (in UTC)."""
    local = now.astimezone(zone(timezone))
    if not in_quiet_hours(local, quiet):
        return now
    assert quiet is not None
    end = local.replace(hour=quiet.end, minute=0, second=0, microsecond=0)
    if end <= local:
        end += timedelta(days=1)
    return end.astimezone(UTC)


def digest_due(
    now: datetime,
    *,
    frequency: Frequency,
    timezone: str,
    quiet: QuietHours | None,
    last_digest_at: datetime | None,
    hour: int,
    weekday: int,
) -> bool:
    """Whether a digest is due now: past the digest hour of today (daily) or of the digest
    weekday (weekly) in the user's timezone, not yet sent for that day or week, and not in
    quiet hours (a digest hour inside quiet hours waits for them to end)."""
    if frequency is Frequency.INSTANT:
        return False
    tz = zone(timezone)
    local = now.astimezone(tz)
    if in_quiet_hours(local, quiet) or local.hour < hour:
        return False
    if frequency is Frequency.WEEKLY and local.weekday() != weekday:
        return False
    if last_digest_at is None:
        return True
    last = last_digest_at.astimezone(tz)
    if frequency is Frequency.DAILY:
        return last.date() < local.date()
    return last.isocalendar()[:2] != local.isocalendar()[:2]

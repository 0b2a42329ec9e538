"""Domain errors: one root, adapters translate vendor exceptions into these."""

from __future__ import annotations


class AppError(Exception):
    """Root of every error JobScout raises on purpose."""


class TransientError(AppError):
    """Worth retrying later: a timeout, a 5xx, a dropped connection."""


class RateLimited(TransientError):
    def __init__(self, retry_after: float) -> None:
        super().__init__(f"rate limited, retry after {retry_after}s")
        self.retry_after = retry_after


class RecipientBlocked(AppError):
    """The user blocked the bot or deleted their account: stop sending."""


class FileTooLarge(AppError):
    def __init__(self, size: int | None, limit: int) -> None:
        super().__init__(f"file of {size} bytes exceeds the limit of {limit}")
        self.size = size
        self.limit = limit


class ConcurrentUpdate(AppError):
    """A revision check failed: someone else wrote first."""


class UnreadableDocument(AppError):
    """A resume we cannot read; ``reason`` is a stable code the engine turns into text."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(detail or reason)
        self.reason = reason

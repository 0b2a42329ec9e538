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


class OutsideWindow(AppError):
    """The platform only takes a template now (WhatsApp 131047: 24 hours since the user wrote)."""


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


class NumberPaused(RateLimited):
    """WhatsApp 131048 (spam rate limit): stop sending from this number for ``retry_after``."""


class RejectedByPlatform(AppError):
    """The platform refused a request for good (WhatsApp 131009 and the like): our bug or our
    configuration, never worth a retry; log it and dead-letter the message."""

    def __init__(self, code: int | None, detail: str) -> None:
        super().__init__(f"rejected ({code}): {detail}")
        self.code = code
        self.detail = detail

"""Text helpers every normalization step uses: whitespace, invisible characters, cue windows."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

# Cue scans (work mode, seniority) read the start of a description, where postings say it.
CUE_SCAN_LIMIT = 12_000

INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_WHITESPACE = re.compile(r"\s+")


def collapse_whitespace(text: str | None) -> str:
    """Entities decoded, invisible characters dropped, whitespace runs made one space."""
    if not text:
        return ""
    if "&" in text:
        text = html.unescape(text)
    return _WHITESPACE.sub(" ", INVISIBLE.sub("", text)).strip()


def stripped(value: str | None) -> str | None:
    """The value without surrounding whitespace; None when nothing is left."""
    return value.strip() or None if value else None


def near(
    text: str, triggers: tuple[str, ...], pattern: re.Pattern[str], reach: int = 80
) -> Iterator[re.Match[str]]:
    """``pattern``'s matches in ``text``, in order, looked for only around ``triggers``.

    Every match of ``pattern`` must contain one of the triggers (lower-case substrings) and be
    shorter than ``reach``. A many-branched regex run over a whole description costs a
    millisecond; ``str.find`` for a dozen words and the regex on a few windows costs little.
    """
    windows: list[tuple[int, int]] = []
    for trigger in triggers:
        found = text.find(trigger)
        while found >= 0:
            windows.append((max(0, found - reach), found + len(trigger) + reach))
            found = text.find(trigger, found + len(trigger))
    windows.sort()
    start = end = -1
    for left, right in windows:
        if left > end:
            if end >= 0:
                yield from pattern.finditer(text, start, end)
            start = left
        end = max(end, right)
    if end >= 0:
        yield from pattern.finditer(text, start, end)

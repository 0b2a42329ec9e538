"""Webhook bodies as JSON values, refusing what would take the parser down before it runs."""

from __future__ import annotations

import json
import re
from itertools import accumulate
from typing import Any, Final

__all__ = ["MAX_JSON_DEPTH", "load_json", "nesting_depth"]

# Real updates nest about 6 deep (Telegram) or 8 (WhatsApp); json.loads raises RecursionError
# near 1,000, and anything deep enough to matter is an attack, not an update.
MAX_JSON_DEPTH: Final = 64

# A string runs to its closing quote or, unterminated, to the end of the body: a pattern that
# could fail after scanning would be retried at every later quote (quadratic on '"\"\"\"...').
_STRING: Final = re.compile(rb'"(?:[^"\\]++|\\.)*+(?:"|\\?\Z)', re.DOTALL)
_NOT_BRACKETS: Final = bytes(b for b in range(256) if b not in b"[]{}")
# Opening brackets become +1 and closing ones -1 once read as signed bytes.
_LEVELS: Final = bytes.maketrans(b"[{]}", b"\x01\x01\xff\xff")


def nesting_depth(body: bytes) -> int:
    """How deep arrays and objects nest in ``body`` (brackets inside strings do not count)."""
    if body.count(b"[") + body.count(b"{") == 0:
        return 0
    steps = _STRING.sub(b"", body).translate(_LEVELS, _NOT_BRACKETS)
    return max(accumulate(memoryview(steps).cast("b")), default=0)


def load_json(body: bytes, max_depth: int = MAX_JSON_DEPTH) -> Any | None:
    """The JSON value of ``body``; None when it is not JSON or nests deeper than ``max_depth``."""
    # Counting brackets is only needed when there are more of them than the cap allows.
    if body.count(b"[") + body.count(b"{") > max_depth and nesting_depth(body) > max_depth:
        return None
    try:
        return json.loads(body)
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        return None

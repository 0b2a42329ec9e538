"""Webhook bodies as JSON values, refusing what would take the parser down before it runs."""

from __future__ import annotations

import json
import re
from itertools import accumulate
from typing import Any, Final

__all__ = ["MAX_JSON_DEPTH", "clean_text", "load_json", "nesting_depth", "strip_surrogates"]

# Real updates nest about 6 deep (Telegram) or 8 (WhatsApp); json.loads raises RecursionError
# near 1,000, and anything deep enough to matter is an attack, not an update.
MAX_JSON_DEPTH: Final = 64

# Lone UTF-16 surrogates survive json.loads ("\ud800") but cannot be encoded as UTF-8: BSON,
# logs and the platforms' APIs would all fail on them later, so they never pass the boundary.
_SURROGATES: Final = re.compile("[\ud800-\udfff]")

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


def strip_surrogates(value: str) -> str:
    return _SURROGATES.sub("", value)


def clean_text(value: object, limit: int) -> str:
    """A string from a webhook body, lone surrogates removed and cut at ``limit``; '' for any
    other value."""
    return strip_surrogates(value)[:limit] if isinstance(value, str) else ""

"""Reading untrusted job-board replies: ``SourceFormatError`` and the checked readers that raise it.

Job-board replies are untrusted JSON. The page as a whole must have the documented shape (or the
parser raises ``SourceFormatError``); inside it, each optional field is read leniently: a value of
the wrong type counts as absent, so one odd field never costs a whole posting.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

from core.errors import AppError


class SourceFormatError(AppError):
    """A job-board reply that is not the shape its API documents: not JSON, or wrong structure."""


def load_json(body: bytes, what: str) -> Any:
    """The parsed body, or ``SourceFormatError`` when it is not JSON (an HTML error page, ...)."""
    try:
        return json.loads(body)
    except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError are both ValueErrors
        raise SourceFormatError(f"{what}: the reply is not JSON ({exc})") from exc


def require_object(value: Any, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise SourceFormatError(f"{what}: expected a JSON object, got {_json_type(value)}")
    return value


def require_list(value: Any, what: str) -> list[Any]:
    if not isinstance(value, list):
        raise SourceFormatError(f"{what}: expected a JSON array, got {_json_type(value)}")
    return value


def path_after(url: str, marker: str, what: str) -> tuple[str, str]:
    """The URL's base up to ``marker`` (the API host) and the path segment after it (the board)."""
    parts = urlsplit(url)
    head, found, tail = parts.path.partition(marker)
    segment = unquote(tail.split("/", 1)[0]) if found else ""
    if not segment:
        raise SourceFormatError(f"{what}: request URL {url!r} names no board after {marker!r}")
    return urlunsplit((parts.scheme, parts.netloc, head, "", "")), segment


def board_name(board: str) -> str:
    """A board token as configured, stripped; a blank one is a configuration mistake."""
    name = board.strip()
    if not name or "/" in name or any(ch.isspace() for ch in name):
        raise ValueError(f"not a job-board name: {board!r}")
    return name


def api_root(api_base: str | None, default: str) -> str:
    return (api_base or default).rstrip("/")


def obj(value: Any) -> dict[str, Any]:
    """An optional nested object: the object, or an empty one."""
    return value if isinstance(value, dict) else {}


def seq(value: Any) -> list[Any]:
    """An optional array: the array, or an empty one."""
    return value if isinstance(value, list) else []


def text(value: Any) -> str | None:
    """A non-blank string, stripped; anything else is absent."""
    if isinstance(value, str):
        return value.strip() or None
    return None


def identifier(value: Any) -> str | None:
    """An id, which some APIs send as a number and others as a string."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return text(value)


def flag(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def number(value: Any) -> float | None:
    """A finite amount, from a JSON number or a numeric string ("172800.0")."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        amount = float(value)
    elif isinstance(value, str):
        try:
            amount = float(value.replace(",", "").strip())
        except ValueError:
            return None
    else:
        return None
    return amount if math.isfinite(amount) else None


def unique(values: Iterable[str | None]) -> tuple[str, ...]:
    """The present values, first occurrence kept, in order."""
    return tuple(dict.fromkeys(value for value in values if value))


def joined(parts: Iterable[str | None], sep: str = ", ") -> str | None:
    """Present parts joined, or absent when there are none."""
    return sep.join(part for part in parts if part) or None


def _json_type(value: Any) -> str:
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}
    if value is None:
        return "null"
    return names.get(type(value), "a number" if isinstance(value, int | float) else "a value")

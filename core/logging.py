"""structlog set-up: JSON lines, context (update id, user key) bound through contextvars.

No log line names a person: the values of ``PERSONAL_FIELDS`` ("telegram:123", a phone number as
a WhatsApp id, a chat id) are replaced by a keyed pseudonym ("u_3f9a…"). The runtime sets the key
from the deployment's secret (``set_pseudonym_key``), so one person's lines still correlate
across processes and restarts; until then a random per-process key is used. A pseudonym can't be
turned back into the id, and after /delete nothing maps one to the other.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import sys
from collections.abc import MutableMapping
from typing import Any

import structlog

PERSONAL_FIELDS = frozenset({"user", "user_key", "chat_id", "chat", "user_id"})
_key: list[bytes] = [os.urandom(32)]


def set_pseudonym_key(key: bytes) -> None:
    _key[0] = key


def pseudonym(value: object) -> str:
    digest = hmac.new(_key[0], str(value).encode(), hashlib.sha256).hexdigest()
    return f"u_{digest[:16]}"


def pseudonymize(
    _logger: Any, _method: str, event: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """A structlog processor: personal ids in an event become pseudonyms."""
    for field in PERSONAL_FIELDS & event.keys():
        if event[field] is not None:
            event[field] = pseudonym(event[field])
    return event


def configure_logging(level: str = "INFO", fmt: str = "json") -> None:
    renderer: structlog.typing.Processor = (
        structlog.processors.JSONRenderer()
        if fmt == "json"
        else structlog.dev.ConsoleRenderer(colors=False)
    )
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            pseudonymize,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level.upper())),
        # Looked up on each use, so a replaced sys.stderr (tests, daemons) is honoured.
        logger_factory=lambda *_: structlog.PrintLogger(sys.stderr),
        cache_logger_on_first_use=False,
    )


def get_logger(name: str) -> structlog.stdlib.BoundLogger:
    return structlog.get_logger(name)  # type: ignore[no-any-return]

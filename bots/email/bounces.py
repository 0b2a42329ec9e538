"""Bounces: mail that the receiving server accepted and then could not deliver.

A server that refuses an address at once answers 5xx during the send (bots/email/sender.py).
Many accept first and mail a delivery status notification (RFC 3464) back to the envelope
sender later. To know which address bounced, each job mail goes out with a VERP envelope sender,
``bounces+<address key>.<mac>@<domain>`` (the key is the member's ``email:…`` key, never the
address; the MAC makes a forged bounce useless), and a small SMTP listener (aiosmtpd) takes
the notifications: a permanent failure (``Action: failed`` or a ``5.x.x`` status) names the
member and the ``Message-ID`` that bounced; a delay (``4.x.x``) is ignored.

Point the bounce domain's MX (or a forward of ``bounces+*@``) at ``SMTP__BOUNCE_PORT``.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from email.message import Message
from email.parser import BytesParser
from email.policy import default
from typing import Any, Final

from core.logging import get_logger

__all__ = [
    "Bounce",
    "BounceListener",
    "member_of_verp",
    "read_bounce",
    "verp_address",
]

_log = get_logger(__name__)
_PREFIX: Final = "bounces+"
_PURPOSE: Final = b"jobscout/bounce\x00"
_MAC_HEX: Final = 16  # 64 bits: a bounce forged by guessing is as likely as a lottery win
_LOCAL: Final = re.compile(rf"{re.escape(_PREFIX)}([0-9a-f]{{8,40}})\.([0-9a-f]{{{_MAC_HEX}}})")
_KEY_PREFIX: Final = "email:"
MAX_BOUNCE_BYTES: Final = 512 * 1024  # a notification is small; anything bigger is refused


def _mac(digest: str, secret: bytes) -> str:
    return hmac.new(secret, _PURPOSE + digest.encode(), hashlib.sha256).hexdigest()[:_MAC_HEX]


def verp_address(member_key: str, secret: bytes, domain: str) -> str | None:
    """The envelope sender that makes a bounce name ``member_key`` (``email:<hex>``); None for
    a key of another shape. The local part stays under RFC 5321's 64 characters."""
    digest = member_key.removeprefix(_KEY_PREFIX)
    if not member_key.startswith(_KEY_PREFIX) or not re.fullmatch(r"[0-9a-f]{8,40}", digest):
        return None
    return f"{_PREFIX}{digest}.{_mac(digest, secret)}@{domain}"


def member_of_verp(address: str, secret: bytes) -> str | None:
    """The member key a VERP address was made for, or None for anything we did not make."""
    local = address.strip().strip("<>").rpartition("@")[0]
    found = _LOCAL.fullmatch(local.lower())
    if found is None:
        return None
    digest, mac = found.groups()
    if not hmac.compare_digest(mac, _mac(digest, secret)):
        return None
    return f"{_KEY_PREFIX}{digest}"


@dataclass(frozen=True)
class Bounce:
    """A permanent delivery failure: the member it names and the message that bounced."""

    member_key: str
    message_id: str | None


def read_bounce(raw: bytes) -> tuple[bool, str | None]:
    """(permanent failure?, Message-ID of the bounced mail) of a notification; never raises.

    Reads an RFC 3464 report: any recipient block with ``Action: failed`` or a ``5.x.x``
    ``Status`` is permanent; ``delayed`` and ``4.x.x`` are not. A mail that is not a report is
    not a bounce (an auto-reply, a "vacation" message).
    """
    try:
        message = BytesParser(policy=default).parsebytes(raw[:MAX_BOUNCE_BYTES])
    except Exception:  # a hostile byte stream: the parser's errors are not ours to list
        return False, None
    permanent = False
    message_id: str | None = None
    for part in message.walk():
        content_type = part.get_content_type()
        if content_type == "message/delivery-status":
            permanent = permanent or _failed(part)
        elif content_type in ("message/rfc822", "text/rfc822-headers", "message/rfc822-headers"):
            message_id = message_id or _original_id(part)
    return permanent, message_id


def _failed(part: Message) -> bool:
    payload: Any = part.get_payload()
    blocks = payload if isinstance(payload, list) else []
    for block in blocks:
        if not isinstance(block, Message):
            continue
        action = str(block.get("Action", "")).strip().lower()
        status = str(block.get("Status", "")).strip()
        if action == "failed" or status.startswith("5."):
            return True
    return False


def _original_id(part: Message) -> str | None:
    payload: Any = part.get_payload()
    if isinstance(payload, list) and payload and isinstance(payload[0], Message):
        found = payload[0].get("Message-ID")
    else:
        text = payload if isinstance(payload, str) else ""
        headers = BytesParser(policy=default).parsebytes(text.encode(errors="replace"), True)
        found = headers.get("Message-ID")
    return str(found).strip() if found else None


OnBounce = Callable[[Bounce], Awaitable[None]]


class _Handler:
    """aiosmtpd's hooks: only our VERP addresses are accepted; reports are read on DATA."""

    def __init__(self, secret: bytes, on_bounce: OnBounce) -> None:
        self._secret = secret
        self._on_bounce = on_bounce

    async def handle_RCPT(  # aiosmtpd passes these positionally
        self, _server: Any, _session: Any, envelope: Any, address: str, _options: list[str]
    ) -> str:
        if member_of_verp(address, self._secret) is None:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
        raw = envelope.original_content or envelope.content or b""
        if len(raw) > MAX_BOUNCE_BYTES:
            return "552 5.3.4 Message too big"
        permanent, message_id = read_bounce(raw if isinstance(raw, bytes) else raw.encode())
        for rcpt in envelope.rcpt_tos:
            member = member_of_verp(rcpt, self._secret)
            if member is None:
                continue
            _log.info("email.bounce", user=member, permanent=permanent)
            if permanent:
                await self._on_bounce(Bounce(member_key=member, message_id=message_id))
        return "250 2.0.0 OK"


class BounceListener:
    """An SMTP server in the running event loop that takes delivery status notifications."""

    def __init__(self, host: str, port: int, secret: bytes, on_bounce: OnBounce) -> None:
        self.host, self.port = host, port
        self._handler = _Handler(secret, on_bounce)
        self._server: Any = None

    async def start(self) -> None:
        import asyncio

        from aiosmtpd.smtp import SMTP

        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(
            lambda: SMTP(self._handler, data_size_limit=MAX_BOUNCE_BYTES, hostname="jobscout"),
            self.host,
            self.port,
        )
        sockets = self._server.sockets or []
        if sockets:
            self.port = int(sockets[0].getsockname()[1])
        _log.info("email.bounces.listening", host=self.host, port=self.port)

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None

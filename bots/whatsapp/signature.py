"""The WhatsApp webhook's two security checks: the POST signature and the GET handshake.

pywa accepts a bare hex digest without ``sha256=`` and ignores ``hub.mode``; we do neither.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from enum import StrEnum
from typing import Final

__all__ = ["SIGNATURE_HEADER", "SignatureCheck", "verify_handshake", "verify_signature"]

SIGNATURE_HEADER: Final = "X-Hub-Signature-256"
_SIGNATURE: Final = re.compile(r"sha256=(?P<digest>[0-9a-fA-F]{64})", re.ASCII)


class SignatureCheck(StrEnum):
    OK = "ok"
    MISSING = "missing"  # no header, or an empty one: the route answers 401
    INVALID = "invalid"  # malformed or wrong: the route answers 403


def verify_signature(body: bytes, header: str | None, app_secret: str) -> SignatureCheck:
    """Check ``X-Hub-Signature-256`` (``sha256=<hex HMAC-SHA256 of the raw body>``).

    The prefix must be exactly ``sha256=``; the 64 hex digits may be upper or lower case
    (Meta sends lower case; the digest is the same number either way). A bare digest without
    the prefix, surrounding whitespace or anything else is INVALID. With no app secret
    configured nothing can be OK: an HMAC under an empty key is one anybody can compute.
    """
    if not header:
        return SignatureCheck.MISSING
    match = _SIGNATURE.fullmatch(header)
    if match is None or not app_secret:
        return SignatureCheck.INVALID
    expected = hmac.new(app_secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
    given = match["digest"].lower()
    if hmac.compare_digest(expected.encode("ascii"), given.encode("ascii")):
        return SignatureCheck.OK
    return SignatureCheck.INVALID


def verify_handshake(
    mode: str | None, token: str | None, challenge: str | None, verify_token: str
) -> str | None:
    """The ``hub.challenge`` to echo when ``hub.mode`` is subscribe and the token matches.

    None means refuse (the route answers 403): another mode, a wrong or missing token, no
    challenge, or no verify token configured.
    """
    if mode != "subscribe" or token is None or not challenge or not verify_token:
        return None
    # Bytes, so a non-ASCII token is compared (and refused) instead of raising TypeError.
    if not hmac.compare_digest(token.encode("utf-8"), verify_token.encode("utf-8")):
        return None
    return challenge

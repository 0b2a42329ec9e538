"""Signed one-click unsubscribe tokens (pure).

An unsubscribe link must work without logging in (RFC 8058: a mail client POSTs it with no
cookies), so the link itself proves which user it is for: ``u1.<key>.<nonce>.<mac>``, each part
unpadded base64url, the MAC an HMAC-SHA256 of the exact text before it. The nonce is the
server's to rotate: a token whose nonce is no longer the user's current one is spent (the link
works once). The token carries the user key, never an address.

``read_unsubscribe`` answers None for anything it did not sign, byte for byte, and never raises:
its input comes from anyone on the internet.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
from typing import Final

__all__ = ["MAX_TOKEN", "MIN_SECRET", "VERSION", "read_unsubscribe", "sign_unsubscribe"]

VERSION: Final = "u1"
MAX_TOKEN: Final = 512  # characters; URLs stay short, and a reader never works on a huge input
MIN_SECRET: Final = 16  # bytes; a shorter key makes the MAC guessable
# Binds the MAC to this use: the same secret signing something else never yields a valid token.
_PURPOSE: Final = b"jobscout/unsubscribe\x00"
_SEGMENT: Final = r"[A-Za-z0-9_-]+"
_SHAPE: Final = re.compile(rf"{VERSION}\.({_SEGMENT})\.({_SEGMENT})\.({_SEGMENT})")


def _encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _decode(text: str) -> str:
    raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    return raw.decode("utf-8")


def _mac(signed: str, secret: bytes) -> str:
    return _encode(hmac.digest(secret, _PURPOSE + signed.encode("ascii"), hashlib.sha256))


def sign_unsubscribe(user_key: str, nonce: str, secret: bytes) -> str:
    """The token for ``user_key`` with the user's current ``nonce``; ValueError for an empty key
    or nonce, text that is not UTF-8-encodable, a short secret, or a token over MAX_TOKEN."""
    if len(secret) < MIN_SECRET:
        raise ValueError(f"the unsubscribe secret needs at least {MIN_SECRET} bytes")
    if not user_key or not nonce:
        raise ValueError("a token needs a user key and a nonce")
    signed = f"{VERSION}.{_encode(user_key.encode())}.{_encode(nonce.encode())}"
    token = f"{signed}.{_mac(signed, secret)}"
    if len(token) > MAX_TOKEN:
        raise ValueError(f"the token would be longer than {MAX_TOKEN} characters")
    return token


def read_unsubscribe(token: str, secret: bytes) -> tuple[str, str] | None:
    """(user key, nonce) from a token we signed with ``secret``, else None; never raises."""
    if not isinstance(token, str) or not isinstance(secret, bytes | bytearray):
        return None
    if len(secret) < MIN_SECRET or len(token) > MAX_TOKEN or not token.isascii():
        return None
    shape = _SHAPE.fullmatch(token)
    if shape is None:
        return None
    key_part, nonce_part, mac_part = shape.groups()
    expected = _mac(token[: shape.start(3) - 1], bytes(secret))
    # Constant time: the comparison must not tell a forger how many characters were right.
    if not hmac.compare_digest(expected, mac_part):
        return None
    try:
        user_key, nonce = _decode(key_part), _decode(nonce_part)
    except (binascii.Error, UnicodeDecodeError):  # only reachable if we ever signed such a part
        return None
    return (user_key, nonce) if user_key and nonce else None

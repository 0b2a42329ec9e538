"""The webhook's security checks: X-Hub-Signature-256 over the raw body, and the GET handshake."""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path

import pytest

from bots.whatsapp import SignatureCheck, verify_handshake, verify_signature

SECRET = "app-secret-0f3c9a"
# The raw bytes as Meta sends them: signatures cover these, never a re-serialised JSON.
BODY = (Path(__file__).resolve().parents[1] / "fixtures" / "whatsapp" / "batched.json").read_bytes()
DIGEST = hmac.new(SECRET.encode(), BODY, hashlib.sha256).hexdigest()
# Computed independently of the module under test, for one known input.
KNOWN_BODY = b'{"object":"whatsapp_business_account","entry":[]}'
KNOWN_HEADER = "sha256=" + hmac.new(b"s3cret", KNOWN_BODY, "sha256").hexdigest()


@pytest.mark.parametrize(
    ("body", "header", "secret", "expected"),
    [
        (BODY, f"sha256={DIGEST}", SECRET, SignatureCheck.OK),
        (KNOWN_BODY, KNOWN_HEADER, "s3cret", SignatureCheck.OK),
        # upper-case hex is the same digest: accepted (the prefix stays exact)
        (BODY, f"sha256={DIGEST.upper()}", SECRET, SignatureCheck.OK),
        (BODY, None, SECRET, SignatureCheck.MISSING),
        (BODY, "", SECRET, SignatureCheck.MISSING),
        # pywa accepts a bare hex digest; we do not
        (BODY, DIGEST, SECRET, SignatureCheck.INVALID),
        (BODY, f"SHA256={DIGEST}", SECRET, SignatureCheck.INVALID),
        (BODY, f"sha1={DIGEST}", SECRET, SignatureCheck.INVALID),
        (BODY, f"sha256= {DIGEST}", SECRET, SignatureCheck.INVALID),
        (BODY, f"sha256={DIGEST} ", SECRET, SignatureCheck.INVALID),
        (BODY, f"sha256={DIGEST},sha256={DIGEST}", SECRET, SignatureCheck.INVALID),
        (BODY, f"sha256={DIGEST[:-1]}", SECRET, SignatureCheck.INVALID),
        (BODY, f"sha256={DIGEST}0", SECRET, SignatureCheck.INVALID),
        (BODY, "sha256=" + "g" * 64, SECRET, SignatureCheck.INVALID),
        (BODY, "sha256=" + "é" * 64, SECRET, SignatureCheck.INVALID),
        (BODY, "sha256=" + "0" * 64, SECRET, SignatureCheck.INVALID),
        (BODY, "sha256=", SECRET, SignatureCheck.INVALID),
        # wrong secret, or a body changed by one byte
        (BODY, f"sha256={DIGEST}", SECRET + "x", SignatureCheck.INVALID),
        (BODY + b" ", f"sha256={DIGEST}", SECRET, SignatureCheck.INVALID),
        (BODY.replace(b"Hallo", b"Hallo!"), f"sha256={DIGEST}", SECRET, SignatureCheck.INVALID),
        # no secret configured: fail closed, even for an HMAC under the empty key
        (
            BODY,
            "sha256=" + hmac.new(b"", BODY, hashlib.sha256).hexdigest(),
            "",
            SignatureCheck.INVALID,
        ),
    ],
    ids=[
        "right",
        "right_known_vector",
        "uppercase_hex",
        "missing",
        "empty",
        "bare_hex",
        "uppercase_prefix",
        "other_algorithm",
        "space_after_prefix",
        "trailing_space",
        "two_signatures",
        "too_short",
        "too_long",
        "not_hex",
        "non_ascii",
        "wrong_digest",
        "prefix_only",
        "wrong_secret",
        "body_appended",
        "body_changed",
        "no_secret_configured",
    ],
)
def test_verify_signature(
    body: bytes, header: str | None, secret: str, expected: SignatureCheck
) -> None:
    assert verify_signature(body, header, secret) is expected


def test_empty_body_can_be_signed() -> None:
    header = "sha256=" + hmac.new(SECRET.encode(), b"", hashlib.sha256).hexdigest()
    assert verify_signature(b"", header, SECRET) is SignatureCheck.OK


def test_non_ascii_secret() -> None:
    secret = "geheimnis-ü"
    header = "sha256=" + hmac.new(secret.encode(), BODY, hashlib.sha256).hexdigest()
    assert verify_signature(BODY, header, secret) is SignatureCheck.OK


VERIFY_TOKEN = "verify-token-7c1e"


@pytest.mark.parametrize(
    ("mode", "token", "challenge", "verify_token", "expected"),
    [
        ("subscribe", VERIFY_TOKEN, "1158201444", VERIFY_TOKEN, "1158201444"),
        ("subscribe", "wrong-token", "1158201444", VERIFY_TOKEN, None),
        ("subscribe", VERIFY_TOKEN[:-1], "1158201444", VERIFY_TOKEN, None),
        ("subscribe", VERIFY_TOKEN.upper(), "1158201444", VERIFY_TOKEN, None),
        ("subscribe", "tökén", "1158201444", VERIFY_TOKEN, None),
        ("subscribe", None, "1158201444", VERIFY_TOKEN, None),
        ("subscribe", "", "1158201444", VERIFY_TOKEN, None),
        # pywa ignores hub.mode; we do not
        ("unsubscribe", VERIFY_TOKEN, "1158201444", VERIFY_TOKEN, None),
        ("Subscribe", VERIFY_TOKEN, "1158201444", VERIFY_TOKEN, None),
        (None, VERIFY_TOKEN, "1158201444", VERIFY_TOKEN, None),
        ("subscribe", VERIFY_TOKEN, None, VERIFY_TOKEN, None),
        ("subscribe", VERIFY_TOKEN, "", VERIFY_TOKEN, None),
        # no verify token configured: nothing matches, not even an empty token
        ("subscribe", "", "1158201444", "", None),
    ],
    ids=[
        "right",
        "wrong_token",
        "token_prefix",
        "token_case",
        "non_ascii_token",
        "no_token",
        "empty_token",
        "unsubscribe",
        "mode_case",
        "no_mode",
        "no_challenge",
        "empty_challenge",
        "no_verify_token_configured",
    ],
)
def test_verify_handshake(
    mode: str | None,
    token: str | None,
    challenge: str | None,
    verify_token: str,
    expected: str | None,
) -> None:
    assert verify_handshake(mode, token, challenge, verify_token) == expected

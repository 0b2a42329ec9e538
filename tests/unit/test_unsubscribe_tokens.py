"""Signed unsubscribe tokens: what reads back, and how forged or damaged tokens are refused."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bots.email.tokens import MAX_TOKEN, read_unsubscribe, sign_unsubscribe

SECRET = b"s" * 32
OTHER = b"o" * 32
KEY = "email:0123456789abcdef01234567"
NONCE = "n0nce-7f3a"
TOKEN = sign_unsubscribe(KEY, NONCE, SECRET)
_URL_SAFE = re.compile(r"[A-Za-z0-9._-]+")


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def forged(signed: str, secret: bytes = SECRET) -> str:
    """``signed`` with a plain HMAC under ``secret``: our MAC without its purpose label."""
    return f"{signed}.{b64(hmac.digest(secret, signed.encode(), hashlib.sha256))}"


def test_a_token_reads_back_and_is_url_safe_and_versioned() -> None:
    assert read_unsubscribe(TOKEN, SECRET) == (KEY, NONCE)
    assert TOKEN.startswith("u1.")
    assert _URL_SAFE.fullmatch(TOKEN)
    assert "=" not in TOKEN
    assert KEY not in TOKEN  # opaque in the URL, not readable at a glance


def test_signing_is_deterministic_and_depends_on_every_input() -> None:
    assert sign_unsubscribe(KEY, NONCE, SECRET) == TOKEN
    assert sign_unsubscribe(KEY, "other", SECRET) != TOKEN
    assert sign_unsubscribe(KEY + "0", NONCE, SECRET) != TOKEN
    assert sign_unsubscribe(KEY, NONCE, OTHER) != TOKEN


_KEY_PART, _NONCE_PART, _MAC_PART = TOKEN.split(".")[1:]


@pytest.mark.parametrize(
    ("token", "why"),
    [
        ("", "empty"),
        ("u1", "version only"),
        ("u1...", "empty parts"),
        (TOKEN[:-1], "mac truncated"),
        (TOKEN[:-10], "mac truncated more"),
        (TOKEN.rsplit(".", 1)[0], "no mac"),
        (TOKEN + "A", "mac lengthened"),
        (TOKEN + ".", "extra separator"),
        (TOKEN + "\n", "trailing newline"),
        (" " + TOKEN, "leading space"),
        (TOKEN.upper(), "case changed"),
        ("u2" + TOKEN[2:], "unknown version"),
        ("U1" + TOKEN[2:], "version case"),
        (TOKEN[3:], "no version"),
        (f"u1.{_KEY_PART}=.{_NONCE_PART}.{_MAC_PART}", "padding added"),
        (f"u1.{_NONCE_PART}.{_KEY_PART}.{_MAC_PART}", "parts swapped"),
        (f"u1.{b64(b'email:attacker')}.{_NONCE_PART}.{_MAC_PART}", "key replaced"),
        (f"u1.{_KEY_PART}.{b64(b'old')}.{_MAC_PART}", "nonce replaced"),
        (sign_unsubscribe(KEY, NONCE, OTHER), "signed with another secret"),
        (forged(f"u1.{_KEY_PART}.{_NONCE_PART}"), "plain HMAC without the purpose label"),
        (TOKEN.replace("u1.", "u1.é", 1), "non-ascii"),
        (TOKEN[:-1] + "é", "non-ascii in the mac"),
        (TOKEN + "A" * (MAX_TOKEN - len(TOKEN) + 1), "over the length limit"),
        (TOKEN.replace(".", "%2E"), "url-encoded separators"),
    ],
)
def test_anything_we_did_not_sign_is_refused(token: str, why: str) -> None:
    assert read_unsubscribe(token, SECRET) is None, why


def test_a_long_key_still_round_trips_within_the_limit() -> None:
    key = "email:" + "f" * 200
    token = sign_unsubscribe(key, NONCE, SECRET)

    assert len(token) <= MAX_TOKEN
    assert read_unsubscribe(token, SECRET) == (key, NONCE)


@pytest.mark.parametrize(
    ("key", "nonce", "secret", "match"),
    [
        ("", NONCE, SECRET, "user key"),
        (KEY, "", SECRET, "nonce"),
        (KEY, NONCE, b"", "secret"),
        (KEY, NONCE, b"k" * 15, "secret"),
        ("k" * 400, NONCE, SECRET, "longer"),
        ("\ud800", NONCE, SECRET, "surrogate"),
    ],
)
def test_what_could_not_be_read_back_is_not_signed(
    key: str, nonce: str, secret: bytes, match: str
) -> None:
    with pytest.raises(ValueError, match=match):
        sign_unsubscribe(key, nonce, secret)


@pytest.mark.parametrize("secret", [b"", b"short"])
def test_a_short_secret_reads_nothing(secret: bytes) -> None:
    assert read_unsubscribe(TOKEN, secret) is None


# ------------------------------------------------------------------------------ properties

keys = st.text(min_size=1, max_size=40)
nonces = st.text(min_size=1, max_size=24)
secret_keys = st.binary(min_size=16, max_size=64)


@settings(max_examples=300, deadline=None)
@given(key=keys, nonce=nonces, secret=secret_keys)
def test_any_key_and_nonce_round_trip(key: str, nonce: str, secret: bytes) -> None:
    token = sign_unsubscribe(key, nonce, secret)

    assert len(token) <= MAX_TOKEN
    assert _URL_SAFE.fullmatch(token)
    assert read_unsubscribe(token, secret) == (key, nonce)


@settings(max_examples=300, deadline=None)
@given(
    key=keys,
    nonce=nonces,
    data=st.data(),
    replacement=st.characters(codec="utf-8"),
)
def test_any_single_character_change_is_refused(
    key: str, nonce: str, data: st.DataObject, replacement: str
) -> None:
    token = sign_unsubscribe(key, nonce, SECRET)
    at = data.draw(st.integers(min_value=0, max_value=len(token) - 1), label="at")
    changed = token[:at] + replacement + token[at + 1 :]

    if changed != token:
        assert read_unsubscribe(changed, SECRET) is None


@settings(max_examples=300, deadline=None)
@given(key=keys, nonce=nonces, data=st.data())
def test_any_deletion_or_insertion_is_refused(key: str, nonce: str, data: st.DataObject) -> None:
    token = sign_unsubscribe(key, nonce, SECRET)
    at = data.draw(st.integers(min_value=0, max_value=len(token) - 1), label="at")
    extra = data.draw(st.characters(codec="utf-8"), label="extra")

    assert read_unsubscribe(token[:at] + token[at + 1 :], SECRET) is None
    assert read_unsubscribe(token[:at] + extra + token[at:], SECRET) is None


@settings(max_examples=500, deadline=None)
@given(text=st.one_of(st.text(max_size=600), st.from_regex(r"u1\.[A-Za-z0-9_.=-]{0,80}")))
def test_arbitrary_text_never_raises(text: str) -> None:
    assert read_unsubscribe(text, SECRET) is None

"""Log lines name people only by a keyed pseudonym."""

from __future__ import annotations

import json

import pytest
import structlog

from core.logging import configure_logging, pseudonym, set_pseudonym_key


def logged(capsys: pytest.CaptureFixture[str], **fields: object) -> dict[str, object]:
    configure_logging("INFO", "json")
    structlog.get_logger("t").info("delivery.sent", **fields)
    line = capsys.readouterr().err.strip().splitlines()[-1]
    parsed: dict[str, object] = json.loads(line)
    return parsed


def test_personal_ids_become_pseudonyms_and_the_rest_stays(
    capsys: pytest.CaptureFixture[str],
) -> None:
    set_pseudonym_key(b"k" * 32)
    event = logged(capsys, user="telegram:918273645", chat_id="918273645", channel="telegram")
    text = json.dumps(event)
    assert "918273645" not in text
    assert event["user"] == pseudonym("telegram:918273645")
    assert str(event["user"]).startswith("u_")
    assert event["channel"] == "telegram"  # not personal: kept


def test_bound_context_is_pseudonymized_too(capsys: pytest.CaptureFixture[str]) -> None:
    set_pseudonym_key(b"k" * 32)
    with structlog.contextvars.bound_contextvars(user="whatsapp:4915112345678"):
        event = logged(capsys)
    assert "4915112345678" not in json.dumps(event)


def test_one_person_keeps_one_pseudonym_under_one_key_and_not_across_keys() -> None:
    set_pseudonym_key(b"a" * 32)
    first = pseudonym("telegram:1")
    assert pseudonym("telegram:1") == first
    assert pseudonym("telegram:2") != first
    set_pseudonym_key(b"b" * 32)
    assert pseudonym("telegram:1") != first



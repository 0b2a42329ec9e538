"""Export and erasure of a person's outbox rows, which name them by two fields: ``user_key`` (the
chat a row goes to) and ``person`` (whose it is, when the chat is one of several linked)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from cryptography.fernet import Fernet

from core.channels import Channel, ChatRef, Reply
from core.crypto import Cipher
from core.ports.outbox import OutboxKind, OutboxRow
from core.store.outbox import MongoOutbox
from core.store.repositories import MongoPersonalData, MongoResumeRepository
from tests.conftest import fresh_database

pytestmark = pytest.mark.integration

NOW = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)
ANN, ANN_WA, BOB = "telegram:101", "whatsapp:4915100000001", "telegram:102"


@pytest.fixture
async def personal(mongodb_url: str) -> AsyncIterator[MongoPersonalData]:
    async with fresh_database(mongodb_url):
        cipher = Cipher([Fernet.generate_key().decode()])
        yield MongoPersonalData(MongoResumeRepository(cipher), cipher.derive_key("e"))


def row(user_key: str, job_id: str, person: str | None = None) -> OutboxRow:
    channel, _, chat_id = user_key.partition(":")
    return OutboxRow.new(
        OutboxKind.ALERT,
        user_key,
        ChatRef(channel=Channel(channel), chat_id=chat_id),
        job_id,
        [Reply(text=f"job {job_id}")],
        now=NOW,
        person=person,
    )


async def test_export_and_erase_take_the_rows_by_chat_and_by_person_each_once(
    personal: MongoPersonalData,
) -> None:
    await MongoOutbox().enqueue(
        [
            row(ANN, "j1"),  # to Ann's own chat
            row(ANN_WA, "j2", person=ANN),  # Ann's, to her linked WhatsApp
            row(ANN, "j3", person=ANN),  # named by both fields
            row(BOB, "j4"),
        ]
    )

    exported = await personal.export(ANN)
    texts = sorted(r["replies"][0]["text"] for r in exported["outbox"])
    assert texts == ["job j1", "job j2", "job j3"]

    removed = await personal.erase(ANN, NOW)
    assert removed["outbox"] == 3
    assert (await personal.export(ANN))["outbox"] == []
    assert [r["replies"][0]["text"] for r in (await personal.export(BOB))["outbox"]] == ["job j4"]

"""MongoPeople and the candidate records built on it, against the embedded MongoDB."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from core.channels import Channel, ChatRef, email_key
from core.ports.outbox import OutboxKind, OutboxRow, outbox_id
from core.store.candidates import MongoCandidates
from core.store.documents import ConversationDoc, PersonDoc, UserDoc
from core.store.people import MongoPeople
from tests.conftest import fresh_database

pytestmark = pytest.mark.integration

T0 = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)
TG, WA = "telegram:100", "whatsapp:4915100000001"


@pytest.fixture
async def people(mongodb_url: str) -> AsyncIterator[MongoPeople]:
    async with fresh_database(mongodb_url):
        for key in (TG, WA):
            channel, _, user = key.partition(":")
            await UserDoc.collection().insert_one(
                {"_id": key, "channel": channel, "platform_user_id": user, "chat_id": user,
                 "created_at": T0}
            )
        await ConversationDoc.collection().insert_one(
            {"_id": TG, "revision": 1, "updated_at": T0,
             "state": {"lang": "de", "onboarded": True, "profile": {"roles": ["Nurse"]},
                       "consents": [{"purpose": "job_messages", "granted": True,
                                     "version": "v", "at": T0.isoformat()}]}}
        )
        yield MongoPeople()


async def linked_of(key: str) -> list[str]:
    raw = await UserDoc.collection().find_one({"_id": key})
    assert raw is not None
    return list(raw.get("linked", []))


async def test_a_chat_alone_is_its_own_person(people: MongoPeople) -> None:
    assert await people.person_of(TG) == TG
    assert await people.route(TG) == [TG]
    assert await people.person_of("telegram:unknown") == "telegram:unknown"
    assert [m.user_key for m in await people.members(TG)] == [TG]


async def test_join_prefer_and_fallbacks(people: MongoPeople) -> None:
    assert await people.join(TG, WA, T0) == [TG, WA]
    assert await people.person_of(WA) == TG
    mail = email_key("ana@example.org", b"k" * 32)
    await people.add_member(TG, mail, ChatRef(channel=Channel.EMAIL, chat_id=mail), T0)
    assert await people.route(TG) == [TG, WA, mail]
    # Each member falls back to the ones after it, then the ones before it.
    assert await linked_of(TG) == [WA, mail]
    assert await linked_of(WA) == [mail, TG]
    assert await linked_of(mail) == [TG, WA]

    assert await people.prefer(TG, WA, T0) == [WA, TG, mail]
    assert await linked_of(WA) == [TG, mail]
    assert [m.channel for m in await people.members(TG)] == [
        Channel.WHATSAPP, Channel.TELEGRAM, Channel.EMAIL
    ]


async def test_the_first_chat_leaving_starts_fresh_and_the_data_stays(people: MongoPeople) -> None:
    await people.join(TG, WA, T0)
    fresh = await people.leave(TG, TG, T0)
    assert fresh is not None
    assert fresh.startswith(f"{TG}~")
    # The person keeps their key (and so their data) with the chat that stayed.
    assert await people.route(TG) == [WA]
    assert await people.person_of(WA) == TG
    # The chat that left is a new, empty person.
    assert await people.person_of(TG) == fresh
    assert await people.route(fresh) == [TG]
    assert await ConversationDoc.collection().find_one({"_id": fresh}) is None
    # The last chat cannot leave.
    assert await people.leave(TG, WA, T0) is None


async def test_remove_forgets_the_member(people: MongoPeople) -> None:
    mail = email_key("ana@example.org", b"k" * 32)
    await people.add_member(TG, mail, ChatRef(channel=Channel.EMAIL, chat_id=mail), T0)
    assert await people.remove(TG, mail, T0)
    assert not await people.remove(TG, mail, T0)
    assert await people.route(TG) == [TG]
    assert await UserDoc.collection().find_one({"_id": mail}) is None


async def test_candidates_of_a_linked_person_are_reached_on_their_preferred_chat(
    people: MongoPeople,
) -> None:
    candidates = MongoCandidates()
    alone = await candidates.get(TG)
    assert alone is not None
    assert alone.deliver_to == TG

    await people.join(TG, WA, T0)
    await people.prefer(TG, WA, T0)
    record = await candidates.get(TG)
    assert record is not None
    assert record.user_key == TG
    assert record.deliver_to == WA
    assert record.channel is Channel.WHATSAPP
    # The row is the person's: one per person and job, whichever chat it goes to.
    row = OutboxRow.new(OutboxKind.ALERT, record.deliver_to,
                        ChatRef(channel=record.channel, chat_id=record.chat_id), "job1",
                        [], now=T0, person=record.user_key)
    assert row.id == outbox_id(OutboxKind.ALERT, TG, "job1")
    assert row.user_key == WA

    # One digest per person: noted on the route, read back from there.
    await candidates.set_last_digest(TG, T0)
    assert (await PersonDoc.collection().find_one({"_id": TG}) or {}).get(
        "last_digest_at"
    ) is not None
    again = await candidates.get(TG)
    assert again is not None
    assert again.last_digest_at is not None

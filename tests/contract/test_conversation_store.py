"""The ``Conversations`` and ``Inbox`` contracts (core.ports.conversations), over both sides:

- ``mongo``: ``MongoConversationRepository`` / ``MongoInboundRepository`` on a fresh database of
  the embedded MongoDB (and ``MongoPeople``, which writes the chats' pointers when it links);
- ``memory``: ``InMemoryConversations`` / ``InMemoryInbox`` (tests/fakes/memory_conversations.py).

A test that passes on one and fails on the other means the fake (or the adapter) is wrong.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from bots.telegram import to_inbound
from core.channels import InboundMessage
from core.errors import ConcurrentUpdate
from core.ports.conversations import ChatState, Conversations, Inbox, inbound_key
from core.store.documents import UserDoc
from core.store.people import MongoPeople
from core.store.repositories import (
    MongoConversationRepository,
    MongoInboundRepository,
)
from tests.conftest import fresh_database
from tests.e2e import updates
from tests.fakes.memory_conversations import InMemoryConversations, InMemoryInbox

T0 = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)
TG, WA = "telegram:100", "whatsapp:4915100000001"


def _implementations_satisfy_the_ports() -> tuple[list[Conversations], list[Inbox]]:
    """Checked by mypy, not at run time: each adapter and fake is assignable to its port."""
    return (
        [MongoConversationRepository(), InMemoryConversations()],
        [MongoInboundRepository(), InMemoryInbox()],
    )


@dataclass
class Store:
    conversations: Conversations
    inbox: Inbox
    # Make a chat a member of a person, or its own again (None): what linking does.
    link: Callable[[str, str | None], Awaitable[None]]


@pytest.fixture(params=[pytest.param("mongo", marks=pytest.mark.integration), "memory"])
async def store(request: pytest.FixtureRequest) -> AsyncIterator[Store]:
    if request.param == "memory":
        conversations = InMemoryConversations()
        yield Store(conversations, InMemoryInbox(), conversations.point)
        return
    async with fresh_database(request.getfixturevalue("mongodb_url")):
        people = MongoPeople()
        for key in (TG, WA):
            channel, _, user = key.partition(":")
            await UserDoc.collection().insert_one(
                {
                    "_id": key,
                    "channel": channel,
                    "platform_user_id": user,
                    "chat_id": user,
                    "created_at": T0,
                }
            )

        async def link(chat: str, person: str | None) -> None:
            if person is None:
                await people.leave(await people.person_of(chat), chat, T0)
            else:
                await people.join(person, chat, T0)

        yield Store(MongoConversationRepository(), MongoInboundRepository(), link)


def text(update_id: int, user: int = 100, body: str = "hi") -> InboundMessage:
    msg = to_inbound(updates.message(update_id, user, body))
    assert msg is not None
    return msg


# --- conversations -------------------------------------------------------------------------


async def test_save_then_load_round_trips_with_the_mark_and_effects(store: Store) -> None:
    conversations = store.conversations
    assert await conversations.load(TG) is None
    effects = {"replies": [{"text": "hello"}], "commands": []}
    assert await conversations.save(TG, {"step": "a"}, None, T0, applied="u1", effects=effects) == 1
    stored = await conversations.load(TG)
    assert stored is not None
    assert (stored.state, stored.revision, stored.applied, stored.effects) == (
        {"step": "a"},
        1,
        "u1",
        effects,
    )
    assert await conversations.save(TG, {"step": "b"}, 1, T0, applied="u2") == 2
    stored = await conversations.load(TG)
    assert stored is not None
    # The mark and the effects are replaced with the state, in the same write.
    assert (stored.state, stored.revision, stored.applied, stored.effects) == (
        {"step": "b"},
        2,
        "u2",
        None,
    )


@pytest.mark.parametrize(
    ("first", "then"),
    [
        pytest.param(None, None, id="two-creates"),
        pytest.param(None, 2, id="a-revision-never-stored"),
        pytest.param(None, 0, id="revision-zero"),
    ],
)
async def test_a_save_on_a_stale_revision_is_refused(
    store: Store, first: int | None, then: int | None
) -> None:
    await store.conversations.save(TG, {"n": 1}, first, T0)
    with pytest.raises(ConcurrentUpdate):
        await store.conversations.save(TG, {"n": 2}, then, T0)
    stored = await store.conversations.load(TG)
    assert stored is not None
    assert (stored.state, stored.revision) == ({"n": 1}, 1)


async def test_a_chat_alone_speaks_for_itself_in_one_read(store: Store) -> None:
    assert await store.conversations.load_chat(TG) == ChatState(owner=TG, stored=None)
    await store.conversations.save(TG, {"lang": "de"}, None, T0, applied="u1")
    chat = await store.conversations.load_chat(TG)
    assert chat.owner == TG
    assert chat.stored == await store.conversations.load(TG)


async def test_a_linked_chat_names_its_person_and_a_chat_that_left_itself(store: Store) -> None:
    await store.conversations.save(TG, {"lang": "de"}, None, T0)
    await store.link(WA, TG)
    assert await store.conversations.load_chat(WA) == ChatState(owner=TG, stored=None)
    assert await store.conversations.load(WA) is None  # the pointer is not a conversation
    # A first save for the chat's own key still works where a pointer row is (after leaving).
    await store.link(WA, None)
    assert await store.conversations.load_chat(WA) == ChatState(owner=WA, stored=None)
    assert await store.conversations.save(WA, {"lang": "en"}, None, T0) == 1
    chat = await store.conversations.load_chat(WA)
    assert chat.owner == WA
    assert chat.stored is not None
    assert chat.stored.state == {"lang": "en"}
    # The person's own conversation was never touched.
    person = await store.conversations.load(TG)
    assert person is not None
    assert person.state == {"lang": "de"}


async def test_adopting_links_again_changes_nothing(store: Store) -> None:
    await store.link(WA, TG)
    await store.conversations.adopt_links()
    assert await store.conversations.adopt_links() == 0
    assert await store.conversations.load_chat(WA) == ChatState(owner=TG, stored=None)
    assert (await store.conversations.load_chat(TG)).owner == TG


async def test_loaded_state_is_a_copy(store: Store) -> None:
    await store.conversations.save(TG, {"profile": {"roles": ["Nurse"]}}, None, T0)
    stored = await store.conversations.load(TG)
    assert stored is not None
    stored.state["profile"]["roles"].append("Cook")
    again = await store.conversations.load(TG)
    assert again is not None
    assert again.state == {"profile": {"roles": ["Nurse"]}}


# --- inbox ---------------------------------------------------------------------------------


async def test_accept_is_idempotent_per_update(store: Store) -> None:
    msg = text(1)
    assert await store.inbox.accept(msg, T0)
    assert not await store.inbox.accept(msg, T0 + timedelta(seconds=1))
    assert [key for key, _ in await store.inbox.pending(TG)] == [inbound_key(msg)]
    await store.inbox.done(inbound_key(msg))
    # A resend after it is done is still a resend.
    assert not await store.inbox.accept(msg, T0 + timedelta(seconds=2))
    assert await store.inbox.pending(TG) == []


async def test_pending_is_per_chat_and_in_acceptance_order(store: Store) -> None:
    late, early, other = text(3, body="late"), text(7, body="early"), text(5, user=200)
    await store.inbox.accept(late, T0 + timedelta(seconds=2))
    await store.inbox.accept(early, T0 + timedelta(seconds=1))
    await store.inbox.accept(other, T0)
    pending = await store.inbox.pending(TG)
    assert [(key, msg.text) for key, msg in pending] == [
        (inbound_key(early), "early"),
        (inbound_key(late), "late"),
    ]
    assert pending[0][1] == early
    assert [key for key, _ in await store.inbox.pending("telegram:200")] == [inbound_key(other)]


async def test_done_takes_an_update_out_of_pending_and_stale(store: Store) -> None:
    first, second = text(1), text(2)
    await store.inbox.accept(first, T0)
    await store.inbox.accept(second, T0 + timedelta(seconds=1))
    await store.inbox.done(inbound_key(first))
    assert [key for key, _ in await store.inbox.pending(TG)] == [inbound_key(second)]
    await store.inbox.done(inbound_key(second))
    assert await store.inbox.stale_users(T0 + timedelta(hours=1)) == []
    await store.inbox.done("telegram:never-accepted")  # nothing to finish: no error


@pytest.mark.parametrize(
    ("older_than", "expected"),
    [
        pytest.param(T0, [], id="nothing-older"),
        pytest.param(T0 + timedelta(seconds=1), ["telegram:100"], id="one-chat"),
        pytest.param(T0 + timedelta(seconds=10), ["telegram:100", "telegram:200"], id="both"),
    ],
)
async def test_stale_users_are_the_chats_with_old_pending_updates(
    store: Store, older_than: datetime, expected: list[str]
) -> None:
    await store.inbox.accept(text(1), T0)
    await store.inbox.accept(text(2), T0 + timedelta(seconds=2))  # same chat: counted once
    await store.inbox.accept(text(3, user=200), T0 + timedelta(seconds=5))
    assert sorted(await store.inbox.stale_users(older_than)) == expected

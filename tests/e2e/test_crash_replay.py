"""A crash between storing a step and marking its message done: the message is replayed on the
next start, and must not be applied again to the step after it."""

from __future__ import annotations

import pytest

from bots.telegram import to_inbound
from core.ports.conversations import inbound_key
from core.store.documents import InboundDoc
from tests.conftest import Stack
from tests.e2e import updates
from tests.e2e.test_telegram_webhook import Person, settled

pytestmark = pytest.mark.e2e


async def test_a_message_stored_but_not_marked_done_is_not_applied_twice(stack: Stack) -> None:
    person = Person(stack, 9191)
    await person.says("/start")
    await person.taps("consent:yes:en", expect=2)
    update = updates.message(stack.next_update_id(), person.id, "Backend Developer")
    (asked,) = await person._send(update, 1)
    assert "How do you want to work" in asked
    await settled(stack)
    conversations = stack.runtime.chat.conversations
    stored = await conversations.load("telegram:9191")
    assert stored is not None
    msg = to_inbound(update)
    assert msg is not None
    assert stored.applied == inbound_key(msg)

    # What a crash after the step was stored, before the message was marked done, leaves.
    await InboundDoc.collection().update_one(
        {"_id": inbound_key(msg)},
        {
            "$set": {
                "status": "pending",
                "user_key": msg.user_key,
                "message": msg.model_dump(mode="json"),
            }
        },
    )
    assert await stack.runtime.chat.process_user("telegram:9191") == 1

    again = await conversations.load("telegram:9191")
    assert again is not None
    assert again.revision == stored.revision  # the step was not taken a second time
    assert again.state == stored.state
    # Its reply goes out again (at least once); "Backend Developer" was not read as the answer
    # to the work-mode question, which would have asked to pick a work mode.
    messages = await stack.telegram.wait_for_messages(person.id, person.seen + 1)
    assert messages[person.seen :] == [asked]
    assert (await stack.runtime.chat.inbound.pending("telegram:9191")) == []

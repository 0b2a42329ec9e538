"""The linking service's /channels, prefer, unlink and e-mail removal, on the in-memory people
fakes: no database, no server, milliseconds. (Link and e-mail codes live in Redis, which is not
behind a port yet: those paths stay in tests/e2e/test_linking.py; the ones here never reach it.)
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from cryptography.fernet import Fernet
from redis.asyncio import Redis

from bots.email.tokens import sign_unsubscribe
from conversations.linking import LinkService
from conversations.models import PreferChannel, RemoveEmail, ShowChannels, UnlinkChannel
from conversations.texts import t
from core.channels import Channel, ChatRef, InboundMessage, MessageKind, email_key
from core.crypto import Cipher
from tests.fakes.memory_conversations import InMemoryConversations
from tests.fakes.memory_people import InMemoryPeople, people_fakes

T0 = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)
TG, WA = "telegram:101", "whatsapp:4915100000001"
ADDRESS = "ann@example.org"


@dataclass
class Linked:
    service: LinkService
    people: InMemoryPeople
    mail: str  # the e-mail member's key
    nonce: str


def message(user_key: str) -> InboundMessage:
    channel, _, user_id = user_key.partition(":")
    return InboundMessage(
        channel=Channel(channel),
        chat_id=user_id,
        user_id=user_id,
        update_id="1",
        kind=MessageKind.TEXT,
    )


@pytest.fixture
async def linked() -> AsyncIterator[Linked]:
    """Ann: a Telegram chat (her person's key), her WhatsApp chat and a verified address."""
    conversations = InMemoryConversations()
    users, people, personal = people_fakes(conversations)
    cipher = Cipher([Fernet.generate_key().decode()])
    # Never connected: the paths under test keep no codes, so they never reach Redis (a test
    # that did would fail to connect, loudly).
    redis = Redis(host="127.0.0.1", port=1)
    service = LinkService(
        people=people,
        users=users,
        conversations=conversations,
        personal=personal,
        redis=redis,
        cipher=cipher,
        public_url="https://jobs.example/",
        clock=lambda: T0,
    )
    for key in (TG, WA):
        await users.ensure(message(key), "en", T0)
    await people.join(TG, WA, T0)
    mail = email_key(ADDRESS, cipher.derive_key("linking"))
    await people.add_member(
        TG,
        mail,
        ChatRef(channel=Channel.EMAIL, chat_id=mail),
        T0,
        address=cipher.encrypt(ADDRESS.encode()),
        language="de",
        unsubscribe_nonce="n1",
    )
    yield Linked(service, people, mail, "n1")
    await redis.aclose()


def buttons(reply_buttons: tuple[tuple[object, ...], ...]) -> list[str]:
    return [getattr(button, "data", "") for row in reply_buttons for button in row]


async def test_channels_lists_the_route_with_prefer_unlink_and_remove(linked: Linked) -> None:
    (reply,) = await linked.service.run(ShowChannels(), message(TG), "en")
    assert buttons(reply.buttons) == [
        "ch:prefer:whatsapp",
        "ch:prefer:email",
        "ch:unlink:telegram",
        "ch:unlink:whatsapp",
        "ch:email:remove",
        "link:new",
    ]
    assert reply.text.startswith(t("en", "channels_header"))


async def test_a_chat_alone_has_only_the_link_button(linked: Linked) -> None:
    reply = await linked.service.channels_view("telegram:999", "en")
    assert (reply.text, buttons(reply.buttons)) == (t("en", "channels_only_one"), ["link:new"])


@pytest.mark.parametrize(
    ("command", "route", "text_key"),
    [
        (PreferChannel(channel=Channel.WHATSAPP), [WA, TG, "mail"], "channel_preferred"),
        (PreferChannel(channel=Channel.CONSOLE), [TG, WA, "mail"], "channel_not_linked"),
        (UnlinkChannel(channel=Channel.WHATSAPP), [TG, "mail"], "channel_unlinked"),
        (UnlinkChannel(channel=Channel.CONSOLE), [TG, WA, "mail"], "channel_not_linked"),
        (RemoveEmail(), [TG, WA], "email_removed"),
    ],
)
async def test_route_changes(
    linked: Linked,
    command: PreferChannel | UnlinkChannel | RemoveEmail,
    route: list[str],
    text_key: str,
) -> None:
    (reply,) = await linked.service.run(command, message(TG), "en")
    channel = getattr(command, "channel", None)
    name = t("en", f"channel_name_{channel}") if channel else ""
    assert reply.text == t("en", text_key, channel=name)
    expected = [linked.mail if key == "mail" else key for key in route]
    assert await linked.people.route(TG) == expected


async def test_the_last_chat_cannot_be_unlinked_and_the_unlinked_one_stands_alone(
    linked: Linked,
) -> None:
    await linked.service.run(UnlinkChannel(channel=Channel.WHATSAPP), message(TG), "en")
    assert await linked.people.person_of(WA) == WA
    (reply,) = await linked.service.run(UnlinkChannel(channel=Channel.TELEGRAM), message(TG), "en")
    assert reply.text == t("en", "channel_unlink_last")
    assert await linked.people.route(TG) == [TG, linked.mail]


async def test_removing_the_address_twice_says_there_is_none(linked: Linked) -> None:
    await linked.service.run(RemoveEmail(), message(TG), "en")
    assert await linked.service.mailbox(linked.mail) is None
    (reply,) = await linked.service.run(RemoveEmail(), message(TG), "en")
    assert reply.text == t("en", "email_none")


async def test_the_mailbox_and_a_one_click_unsubscribe(linked: Linked) -> None:
    mailbox = await linked.service.mailbox(linked.mail)
    assert mailbox is not None
    assert (mailbox.address, mailbox.lang, mailbox.return_path) == (ADDRESS, "de", None)
    token = sign_unsubscribe(linked.mail, linked.nonce, linked.service.cipher.derive_key("linking"))
    assert mailbox.unsubscribe_url == f"https://jobs.example/email/unsubscribe/{token}"
    assert await linked.service.mailbox(TG) is None  # a chat, not an address

    assert await linked.service.unsubscribe_lang(token) == "de"
    assert await linked.service.unsubscribe(token) is True
    assert await linked.service.unsubscribe(token) is False
    assert await linked.people.route(TG) == [TG, WA]
    assert await linked.service.mailbox(linked.mail) is None
    assert await linked.service.unsubscribe_lang(token) == "en"
    assert await linked.service.unsubscribe(token + "x") is False

"""The fan-out bench's mixed run, small, on the real stack: people linked across Telegram,
WhatsApp and e-mail get their alert once, on their first reachable channel, when Telegram
chats have blocked the bot and WhatsApp numbers answer 131026 (fake Bot API, fake Graph API,
a real SMTP server on loopback)."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from bench.fanout import (
    UNDELIVERABLE,
    Faults,
    Member,
    MixedRun,
    Person,
    deliver_mixed,
    expected_channel,
    mail_text,
    mixed_member,
    mixed_people,
    seen_per_person,
    tally,
)
from bots.email.sender import EmailSender
from core.channels import Channel
from core.settings import MatchingSettings, Settings
from tests.fakes.graph_api import FakeGraphAPI
from tests.fakes.smtp_server import FakeSmtpServer
from tests.fakes.telegram_api import FakeTelegramAPI
from webhooks.runtime import Runtime

pytestmark = pytest.mark.integration

PEOPLE = 60  # ten of each route in MIXED_ROUTES
# By person number: the routes repeat every six (0, 1 Telegram only; 2, 3 Telegram → WhatsApp;
# 4 WhatsApp → e-mail; 5 Telegram → WhatsApp → e-mail). Five of the 50 Telegram chats (10 %)
# blocked; four WhatsApp numbers failing, two of them behind a blocked chat.
BLOCKED = (1, 2, 5, 8, 11)
FAILING = (4, 5, 8, 9)

T, W, E = Channel.TELEGRAM, Channel.WHATSAPP, Channel.EMAIL


def faults_for(blocked: tuple[int, ...], failing: tuple[int, ...]) -> Faults:
    return Faults(
        blocked=frozenset(mixed_member(T, n).chat_id for n in blocked),
        failing=frozenset(mixed_member(W, n).chat_id for n in failing),
    )


def person(number: int, *route: Channel) -> Person:
    return Person(number, tuple(mixed_member(channel, number) for channel in route))


@pytest.mark.parametrize(
    ("route", "blocked", "failing", "expected"),
    [
        ((T,), False, False, T),
        ((T,), True, False, None),
        ((T, W), True, False, W),
        ((T, W), True, True, None),
        ((T, W), False, True, T),
        ((W, E), False, True, E),
        ((W, E), False, False, W),
        ((T, W, E), True, True, E),
        ((T, W, E), True, False, W),
    ],
)
def test_expected_channel_is_the_first_reachable_member(
    route: tuple[Channel, ...], blocked: bool, failing: bool, expected: Channel | None
) -> None:
    faults = faults_for((7,) if blocked else (), (7,) if failing else ())
    assert expected_channel(person(7, *route), faults) == expected


async def test_mixed_fanout_delivers_each_row_once_on_the_first_reachable_channel(
    settings_factory: Any,
) -> None:
    people = mixed_people(PEOPLE)
    faults = faults_for(BLOCKED, FAILING)
    telegram_chats = [m.chat_id for p in people for m in p.members if m.channel is T]
    assert len(faults.blocked) * 10 == len(telegram_chats)  # 10 % of the Telegram chats

    async with FakeTelegramAPI() as telegram, FakeGraphAPI() as graph, FakeSmtpServer() as smtp:
        for chat in faults.blocked:
            telegram.block(chat)
        for number in faults.failing:
            graph.fail_for(number, UNDELIVERABLE)
        settings = settings_factory(
            telegram=telegram.telegram_settings(),
            whatsapp=graph.settings(per_user_interval_s=0.05),
            matching=MatchingSettings(telegram_per_second=300.0),
        )
        email = EmailSender(smtp.settings(security="none"))
        run = await _run(settings, email, people)
        seen = seen_per_person(
            (call.text for call in telegram.sent),
            (message.text for message in graph.sent),
            (mail_text(mail.message) for mail in smtp.mails),
        )
        blocked_attempts = sum(1 for r in telegram.requests if r.status == 403)
        failed_numbers = graph.errors(UNDELIVERABLE)

    result = tally(people, faults, seen, run.recorded)
    expected = Counter(expected_channel(p, faults) for p in people)
    # The setup reaches every path: each channel delivers, and some people are unreachable.
    assert all(expected[channel] > 0 for channel in (T, W, E))
    assert expected[None] > 0

    assert run.queued == PEOPLE
    assert result.duplicates == 0
    assert result.lost == 0
    assert result.misrouted == 0
    assert result.disagreeing == 0  # the outbox names the channel that delivered each row
    assert result.skipped_expected == expected[None]
    assert sum(report["skipped"] for report in run.reports) == expected[None]
    assert result.delivered == Counter({c: n for c, n in expected.items() if c is not None})
    # Every blocked Telegram user whose person has another reachable chat got it there.
    for p in people:
        first = p.members[0]
        if first.channel is T and first.chat_id in faults.blocked:
            want = expected_channel(p, faults)
            got = seen.get(p.number, Counter())
            assert got == (Counter() if want is None else Counter({want: 1})), p
    # Each blocked chat and each failing number tried first was refused once, not retried.
    assert blocked_attempts == len(faults.blocked)
    assert failed_numbers == sum(
        1
        for p in people
        for m in p.members
        if m.channel is W and m.chat_id in faults.failing and _tried(p, m, faults)
    )


def _tried(p: Person, member: Member, faults: Faults) -> bool:
    """Delivery reaches a member only when every member before it is unreachable."""
    before = p.members[: p.members.index(member)]
    return all(not faults.reachable(m) for m in before)


async def _run(settings: Settings, email: EmailSender, people: list[Person]) -> MixedRun:
    runtime = await Runtime.start(settings, senders={Channel.EMAIL: email})
    try:
        return await deliver_mixed(runtime, people, drains=2)
    finally:
        await runtime.stop()

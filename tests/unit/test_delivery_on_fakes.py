"""DeliveryService on in-memory stores and recording senders: no servers, milliseconds a test.

The real-parts runs (embedded MongoDB, Redis, the fake Bot API) stay in
tests/integration/test_delivery.py; these pin the service's decisions: order, fallback down a
person's route exactly once, retries into a dead letter, rows held for a closed window.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest

from core.channels import Channel, ChatRef, Reply
from core.errors import RecipientBlocked, TransientError
from core.ports.outbox import OutboxKind, OutboxRow, Recipient
from core.ratelimit import Permit
from matching.delivery import RETRY_TASK, DeliveryService
from tests.fakes.memory_outbox import InMemoryOutbox, InMemoryRecipients
from tests.fakes.memory_people import InMemoryDeadLetters, InMemoryUsers

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


class OpenLimiter:
    """Grants every message at once: the limits themselves are tested against Redis."""

    async def acquire(self, channel: str, chat_id: str, *, rebook: bool = False) -> Permit:
        return Permit(granted=True)

    async def pause(self, channel: str, seconds: float) -> None:
        return None


class RecordingSender:
    """Records what each chat got; refuses the chats it is told to."""

    def __init__(self, *, blocked: Sequence[str] = (), failing: Sequence[str] = ()) -> None:
        self.sent: dict[str, list[str]] = {}
        self.blocked = set(blocked)
        self.failing = set(failing)

    async def send(self, chat_id: str, reply: Reply) -> Sequence[str] | None:
        if chat_id in self.blocked:
            raise RecipientBlocked(chat_id)
        if chat_id in self.failing:
            raise TransientError("502 Bad Gateway")
        self.sent.setdefault(chat_id, []).append(reply.text)
        return None

    async def acknowledge(self, callback_id: str) -> None:
        return None


class RecordingTemplates:
    def __init__(self) -> None:
        self.asked: list[tuple[str, int]] = []

    async def send_template(
        self, chat_id: str, *, kind: str, waiting: int, lang: str
    ) -> Sequence[str]:
        self.asked.append((chat_id, waiting))
        return [f"wamid.{len(self.asked)}"]


def chat(channel: Channel, chat_id: str) -> ChatRef:
    return ChatRef(channel=channel, chat_id=chat_id)


def alert(key: str, job: str, *texts: str, seq: int = 0, person: str | None = None) -> OutboxRow:
    channel, chat_id = key.split(":")
    return OutboxRow.new(
        OutboxKind.ALERT,
        key,
        chat(Channel(channel), chat_id),
        job,
        [Reply(text=text) for text in texts or (f"{job} for {key}",)],
        now=T0,
        seq=seq,
        person=person,
    )


def users_of(*recipients: Recipient) -> InMemoryUsers:
    """User rows as the chat and linking leave them, shared by Users and Recipients."""
    users = InMemoryUsers()
    InMemoryRecipients(users.rows).add(*recipients)
    return users


def service(
    outbox: InMemoryOutbox,
    users: InMemoryUsers,
    senders: dict[Channel, RecordingSender],
    *,
    clock: Clock | None = None,
    dead_letters: InMemoryDeadLetters | None = None,
    max_tries: int = 6,
    linger: float = 10.0,
    windows: dict[Channel, timedelta] | None = None,
    templates: dict[Channel, RecordingTemplates] | None = None,
) -> DeliveryService:
    return DeliveryService(
        outbox=outbox,
        recipients=InMemoryRecipients(users.rows),
        users=users,
        limiter=OpenLimiter(),
        senders=senders,
        dead_letters=dead_letters or InMemoryDeadLetters(),
        clock=clock or Clock(),
        max_tries=max_tries,
        linger=linger,
        worker_id="w",
        windows=windows or {},
        templates=templates or {},
    )


async def statuses(outbox: InMemoryOutbox) -> dict[str, str]:
    return {row.id: str(row.status) for row in outbox.rows.values()}


async def test_each_users_rows_go_once_and_in_order() -> None:
    outbox = InMemoryOutbox()
    users = users_of(
        *(Recipient(user_key=f"telegram:{u}", chat=chat(Channel.TELEGRAM, u)) for u in "123")
    )
    telegram = RecordingSender()
    await outbox.enqueue(
        [alert("telegram:1", f"job{n}", f"card {n}a", f"card {n}b", seq=n) for n in (2, 0, 1)]
        + [alert("telegram:2", "job0"), alert("telegram:3", "job0")]
    )

    report = await service(outbox, users, {Channel.TELEGRAM: telegram}).drain()

    assert telegram.sent == {
        "1": ["card 0a", "card 0b", "card 1a", "card 1b", "card 2a", "card 2b"],
        "2": ["job0 for telegram:2"],
        "3": ["job0 for telegram:3"],
    }
    assert (report["sent"], report["messages"]) == (5, 8)
    assert await outbox.counts() == {"alert": {"sent": 5}}
    assert await service(outbox, users, {Channel.TELEGRAM: telegram}).drain() == {}


async def test_a_blocked_chat_hands_the_row_to_the_persons_next_chat_once() -> None:
    outbox = InMemoryOutbox()
    # The route telegram:1 → email:1 → email:2: each chat links the others in route order.
    users = users_of(
        Recipient(
            user_key="telegram:1", chat=chat(Channel.TELEGRAM, "1"), linked=("email:1", "email:2")
        ),
        Recipient(
            user_key="email:1",
            chat=chat(Channel.EMAIL, "ann@example.test"),
            linked=("email:2", "telegram:1"),
        ),
        Recipient(
            user_key="email:2",
            chat=chat(Channel.EMAIL, "ann@work.test"),
            linked=("telegram:1", "email:1"),
        ),
    )
    telegram = RecordingSender(blocked=["1"])
    email = RecordingSender(blocked=["ann@example.test"])
    await outbox.enqueue([alert("telegram:1", "job", person="p1")])

    report = await service(
        outbox, users, {Channel.TELEGRAM: telegram, Channel.EMAIL: email}
    ).drain()

    assert email.sent == {"ann@work.test": ["job for telegram:1"]}
    assert [users.rows[key]["reachable"] for key in ("telegram:1", "email:1", "email:2")] == [
        False,
        False,
        True,
    ]
    assert telegram.sent == {}
    [row] = outbox.rows.values()
    assert (row.user_key, str(row.status), row.sent_replies) == ("email:2", "sent", 1)
    assert (report["sent"], report["retargeted"]) == (1, 2)


async def test_a_person_with_no_reachable_chat_left_is_skipped() -> None:
    outbox = InMemoryOutbox()
    users = users_of(
        Recipient(user_key="telegram:1", chat=chat(Channel.TELEGRAM, "1"), linked=("telegram:2",)),
        Recipient(user_key="telegram:2", chat=chat(Channel.TELEGRAM, "2"), reachable=False),
    )
    await outbox.enqueue([alert("telegram:1", "job"), alert("telegram:9", "job")])

    report = await service(
        outbox, users, {Channel.TELEGRAM: RecordingSender(blocked=["1"])}
    ).drain()

    assert report["skipped"] == 2  # blocked with nowhere to go, and a user nobody knows
    assert set((await statuses(outbox)).values()) == {"skipped"}


async def test_a_failing_platform_is_retried_then_dead_lettered() -> None:
    outbox = InMemoryOutbox()
    users = users_of(Recipient(user_key="telegram:1", chat=chat(Channel.TELEGRAM, "1")))
    clock, dead_letters = Clock(), InMemoryDeadLetters()
    delivery = service(
        outbox,
        users,
        {Channel.TELEGRAM: RecordingSender(failing=["1"])},
        clock=clock,
        dead_letters=dead_letters,
        max_tries=2,
        linger=0.0,
    )
    await outbox.enqueue([alert("telegram:1", "job")])

    first = await delivery.drain()
    assert first["retried"] == 1
    assert await statuses(outbox) == {"alert|telegram:1|job": "pending"}

    clock.now = T0 + timedelta(seconds=delivery.backoff_cap)
    second = await delivery.drain()

    assert second["dead"] == 1
    assert await statuses(outbox) == {"alert|telegram:1|job": "dead"}
    [letter] = dead_letters.letters.values()
    assert (letter.task, letter.args, letter.error) == (
        RETRY_TASK,
        ["alert|telegram:1|job"],
        "502 Bad Gateway",
    )


@pytest.mark.parametrize("wrote_hours_ago", [None, 25])
async def test_rows_outside_the_window_wait_for_the_user_to_write(
    wrote_hours_ago: int | None,
) -> None:
    outbox = InMemoryOutbox()
    wrote = None if wrote_hours_ago is None else T0 - timedelta(hours=wrote_hours_ago)
    users = users_of(
        Recipient(user_key="whatsapp:49", chat=chat(Channel.WHATSAPP, "49"), last_inbound_at=wrote)
    )
    whatsapp = RecordingSender()
    templates = RecordingTemplates()
    delivery = service(
        outbox,
        users,
        {Channel.WHATSAPP: whatsapp},
        windows={Channel.WHATSAPP: timedelta(hours=24)},
        templates={Channel.WHATSAPP: templates},
    )
    await outbox.enqueue([alert("whatsapp:49", f"job{n}", seq=n) for n in range(2)])

    held = await delivery.drain()

    assert whatsapp.sent == {}
    assert templates.asked == [("49", 2)]  # asked back once, naming what waits
    assert held["held"] == 2
    assert await outbox.waiting_for("whatsapp:49") == 2

    assert await delivery.user_wrote(Channel.WHATSAPP, "whatsapp:49", T0) == 2
    released = await delivery.drain()

    assert whatsapp.sent == {"49": ["job0 for whatsapp:49", "job1 for whatsapp:49"]}
    assert released["sent"] == 2
    assert templates.asked == [("49", 2)]

"""Fan-out delivery: thousands of alerts through the outbox, within Telegram's rate limits.

The stack starts on its embedded default (SecantusDB and redis-server as child processes) in a
temporary folder; the fake Bot API runs in this process and enforces Telegram's limits (429 with
``retry_after`` beyond them). Its limits and ours are scaled by the same factor (``--scale``,
10 by default: 300 messages/s for the bot, 10/s per chat) so a run takes seconds, not minutes.

5,000 alerts go to 5,000 chats, and a few users get several rows each (a digest's cards: the
per-chat limit and the per-user order apply). Two drains run side by side, as two workers would
(in this process, sharing its event loop with the fake). Printed: the rate achieved as a share of
the bot-wide limit (goal >= 0.95; the limiter's 2 % margin caps it at 0.98), the 429s the fake
sent (goal 0), duplicates and lost messages (goal 0 each), and wall time.

The mixed run (``--channel mixed``) sends one alert to each of ``--people`` people whose
chats are linked (Telegram, WhatsApp, e-mail, in their fallback order); 10 % of the Telegram chats
have blocked the bot and a few WhatsApp numbers answer 131026, so their rows fall back to the
person's next channel. Printed: rows delivered by each channel against what the setup implies,
duplicates and lost rows (goal 0 each), rows skipped as expected (nobody reachable), wall time.

    .venv/bin/python -m bench.fanout
    .venv/bin/python -m bench.fanout --scale 1 --alerts 1000   # Telegram's real limits
    .venv/bin/python -m bench.fanout --channel mixed           # three channels, with fallback
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Final

from pydantic import SecretStr

from bots.email.sender import EmailSender
from core.channels import Channel, ChatRef, Reply
from core.logging import configure_logging
from core.ports.outbox import OutboxKind, OutboxRow, OutboxStatus, outbox_id
from core.ratelimit import RateLimits, delivery_limits
from core.settings import MatchingSettings, Settings
from core.store.documents import OutboxDoc, UserDoc
from tests.fakes.graph_api import FakeGraphAPI
from tests.fakes.smtp_server import FakeSmtpServer
from tests.fakes.telegram_api import FakeTelegramAPI
from webhooks.runtime import Runtime, settle_memory

TELEGRAM_PER_SECOND = 30.0
TELEGRAM_PER_CHAT = 1.0
WHATSAPP_PER_SECOND = 80.0  # per number
WHATSAPP_PAIR_INTERVAL = 6.0  # seconds between two messages to one user
FIRST_CHAT = 500_000
FIRST_NUMBER = 4915100000000


def plan(
    alerts: int, multi: int, rows_each: int, channel: Channel = Channel.TELEGRAM
) -> tuple[list[OutboxRow], dict[str, list[str]]]:
    """The rows to queue and, per chat, the texts that must arrive (in this order)."""
    first = FIRST_NUMBER if channel is Channel.WHATSAPP else FIRST_CHAT
    now = datetime.now(UTC)
    rows: list[OutboxRow] = []
    expected: dict[str, list[str]] = {}
    for n in range(alerts):
        chat = str(first + n)
        count = rows_each if n < multi else 1
        texts = [f"job {seq} for {chat}: Backend Developer at Acme, Berlin" for seq in range(count)]
        expected[chat] = texts
        for seq, text in enumerate(texts):
            rows.append(
                OutboxRow.new(
                    OutboxKind.DIGEST if count > 1 else OutboxKind.ALERT,
                    f"{channel}:{chat}",
                    ChatRef(channel=channel, chat_id=chat),
                    f"job-{seq}",
                    [Reply(text=text)],
                    now=now,
                    seq=seq,
                )
            )
    return rows, expected


async def main(arguments: argparse.Namespace) -> None:
    configure_logging("ERROR", "console")
    if arguments.channel == "whatsapp":
        await whatsapp_run(arguments)
    elif arguments.channel == "mixed":
        await mixed_run(arguments)
    else:
        await telegram_run(arguments)


async def telegram_run(arguments: argparse.Namespace) -> None:
    scale = arguments.scale
    per_second = TELEGRAM_PER_SECOND * scale
    per_chat = TELEGRAM_PER_CHAT * scale
    rows, expected = plan(arguments.alerts, arguments.multi, arguments.rows_each)
    async with FakeTelegramAPI() as fake:
        fake.enforce_limits(per_second, per_chat, tolerance=arguments.tolerance)
        settings = _settings(
            telegram=fake.telegram_settings(),
            matching=MatchingSettings(
                telegram_per_second=per_second, telegram_per_chat_per_second=per_chat
            ),
        )
        run = await _drain_all(settings, rows, expected, Channel.TELEGRAM, arguments.drains)
    got: dict[str, list[str]] = {}
    stamps: dict[str, list[float]] = {}
    for call in fake.sent:
        if call.chat_id in expected:
            got.setdefault(call.chat_id or "", []).append(call.text or "")
            stamps.setdefault(call.chat_id or "", []).append(call.timestamp)
    times = [call.timestamp for call in fake.sent if call.chat_id in expected]
    limits = delivery_limits(settings.matching)[Channel.TELEGRAM]
    print(
        f"fan-out of {run.messages} messages to {len(expected)} Telegram chats "
        f"({arguments.multi} of them get {arguments.rows_each}), {arguments.drains} drains, "
        f"limits x{scale:g}: {per_second:g}/s for the bot, {per_chat:g}/s per chat "
        f"(fake's tolerance {arguments.tolerance:g} s)"
    )
    _report(run, expected, got, times, per_second, limits, stamps)
    print(f"  429s from the fake      {fake.rate_limited:>8}  (goal 0)")


async def whatsapp_run(arguments: argparse.Namespace) -> None:
    """The same fan-out to WhatsApp users (their 24-hour windows open) through the real sender
    and a fake Graph API that enforces the number's rate and the per-user pair rate."""
    scale = arguments.scale
    per_second = WHATSAPP_PER_SECOND * scale
    pair_interval = WHATSAPP_PAIR_INTERVAL / scale
    rows, expected = plan(arguments.alerts, arguments.multi, arguments.rows_each, Channel.WHATSAPP)
    async with FakeGraphAPI() as fake:
        fake.enforce_rates(
            per_second,
            pair_interval,
            tolerance=arguments.tolerance,
            pair_tolerance=arguments.tolerance,
        )
        whatsapp = fake.settings(messages_per_second=per_second, per_user_interval_s=pair_interval)
        settings = _settings(whatsapp=whatsapp)
        run = await _drain_all(settings, rows, expected, Channel.WHATSAPP, arguments.drains)
    got: dict[str, list[str]] = {}
    stamps: dict[str, list[float]] = {}
    for message in fake.sent:
        if message.to in expected:
            got.setdefault(message.to, []).append(message.text)
            stamps.setdefault(message.to, []).append(message.timestamp)
    times = [message.timestamp for message in fake.sent if message.to in expected]
    limits = delivery_limits(settings.matching, whatsapp)[Channel.WHATSAPP]
    print(
        f"fan-out of {run.messages} messages to {len(expected)} WhatsApp users "
        f"({arguments.multi} of them get {arguments.rows_each}), {arguments.drains} drains, "
        f"limits x{scale:g}: {per_second:g}/s for the number, one message per "
        f"{pair_interval:g} s per user (fake's tolerance {arguments.tolerance:g} s)"
    )
    _report(run, expected, got, times, per_second, limits, stamps)
    print(f"  throughput errors       {fake.errors(130429):>8}  (130429; goal 0)")
    print(f"  pair-rate errors        {fake.errors(131056):>8}  (131056; goal 0)")
    print(f"  templates sent          {sum(m.type == 'template' for m in fake.sent):>8}  (goal 0)")


# ---------------------------------------------------------------------------- the mixed run

# A person's chats in their fallback order, by person number modulo 6: a third Telegram only,
# a third Telegram then WhatsApp, a sixth WhatsApp then e-mail, a sixth all three.
MIXED_ROUTES: Final[tuple[tuple[Channel, ...], ...]] = (
    (Channel.TELEGRAM,),
    (Channel.TELEGRAM,),
    (Channel.TELEGRAM, Channel.WHATSAPP),
    (Channel.TELEGRAM, Channel.WHATSAPP),
    (Channel.WHATSAPP, Channel.EMAIL),
    (Channel.TELEGRAM, Channel.WHATSAPP, Channel.EMAIL),
)
MIXED_JOB: Final = "job-mixed"
UNDELIVERABLE: Final = 131026  # WhatsApp: the number cannot receive messages
# Each alert names its person, so a message on any channel can be traced to its row.
_MARKER: Final = re.compile(r"\[alert (\d+)\]")


@dataclass(frozen=True)
class Member:
    """One chat (or address) of a person: its users document's id, channel and chat id."""

    key: str
    channel: Channel
    chat_id: str


@dataclass(frozen=True)
class Person:
    """Linked chats in fallback order; the first member's key is the person's key."""

    number: int
    members: tuple[Member, ...]

    @property
    def key(self) -> str:
        return self.members[0].key

    @property
    def marker(self) -> str:
        return f"[alert {self.number}]"

    @property
    def row_id(self) -> str:
        return outbox_id(OutboxKind.ALERT, self.key, MIXED_JOB)


@dataclass(frozen=True)
class Faults:
    """What the fakes refuse: Telegram chats that blocked the bot, WhatsApp numbers that
    answer 131026. E-mail accepts every address."""

    blocked: frozenset[str] = frozenset()
    failing: frozenset[str] = frozenset()

    def reachable(self, member: Member) -> bool:
        if member.channel is Channel.TELEGRAM:
            return member.chat_id not in self.blocked
        if member.channel is Channel.WHATSAPP:
            return member.chat_id not in self.failing
        return True


def mixed_member(channel: Channel, number: int) -> Member:
    """Person ``number``'s chat on ``channel``; e-mail members are ``email:<n>`` at an address."""
    if channel is Channel.EMAIL:
        return Member(f"email:{number}", channel, f"person{number}@mail.test")
    chat = str((FIRST_NUMBER if channel is Channel.WHATSAPP else FIRST_CHAT) + number)
    return Member(f"{channel}:{chat}", channel, chat)


def mixed_people(count: int) -> list[Person]:
    """``count`` people, their routes taken from ``MIXED_ROUTES`` in turn."""
    routes = [MIXED_ROUTES[n % len(MIXED_ROUTES)] for n in range(count)]
    return [
        Person(n, tuple(mixed_member(channel, n) for channel in route))
        for n, route in enumerate(routes)
    ]


def pick_faults(
    people: Sequence[Person], blocked_share: float, failing_share: float, seed: int
) -> Faults:
    """A seeded choice of ``blocked_share`` of the Telegram chats and ``failing_share`` of the
    WhatsApp numbers."""
    rng = random.Random(seed)
    chats = [m.chat_id for p in people for m in p.members if m.channel is Channel.TELEGRAM]
    numbers = [m.chat_id for p in people for m in p.members if m.channel is Channel.WHATSAPP]
    return Faults(
        blocked=frozenset(rng.sample(chats, round(len(chats) * blocked_share))),
        failing=frozenset(rng.sample(numbers, round(len(numbers) * failing_share))),
    )


def expected_channel(person: Person, faults: Faults) -> Channel | None:
    """Where the person's alert must arrive: their first reachable chat; None if none is."""
    return next((m.channel for m in person.members if faults.reachable(m)), None)


def mixed_row(person: Person, now: datetime) -> OutboxRow:
    """The person's one alert, queued to their first chat; the row id is the person's."""
    first = person.members[0]
    return OutboxRow.new(
        OutboxKind.ALERT,
        first.key,
        ChatRef(channel=first.channel, chat_id=first.chat_id),
        MIXED_JOB,
        [Reply(text=f"{person.marker} Backend Developer at Acme, Berlin")],
        now=now,
        person=person.key,
    )


def mixed_users(people: Iterable[Person], now: datetime) -> list[dict[str, object]]:
    """A users document per member, ``linked`` to the person's other members in order."""
    docs: list[dict[str, object]] = []
    for person in people:
        for member in person.members:
            doc = _user(member.chat_id, member.channel)
            doc["_id"] = member.key
            doc["created_at"] = doc["last_inbound_at"] = now
            doc["linked"] = [other.key for other in person.members if other is not member]
            docs.append(doc)
    return docs


def mail_text(message: EmailMessage) -> str:
    """What a reader sees of a mail: subject and plain-text body."""
    body = message.get_body(preferencelist=("plain",))
    plain = body.get_content() if isinstance(body, EmailMessage) else ""
    return f"{message['Subject'] or ''}\n{plain}"


def seen_per_person(
    telegram: Iterable[str | None], whatsapp: Iterable[str], email: Iterable[str]
) -> dict[int, Counter[Channel]]:
    """Per person number, the messages carrying their marker that each fake accepted."""
    seen: dict[int, Counter[Channel]] = {}
    for channel, texts in (
        (Channel.TELEGRAM, telegram),
        (Channel.WHATSAPP, whatsapp),
        (Channel.EMAIL, email),
    ):
        for text in texts:
            for number in {int(found) for found in _MARKER.findall(text or "")}:
                seen.setdefault(number, Counter())[channel] += 1
    return seen


@dataclass(frozen=True)
class MixedTally:
    """The mixed run's outcome against what its setup implies."""

    rows: int
    delivered: Counter[Channel]  # messages the fakes accepted, by channel
    expected: Counter[Channel]  # rows that must arrive, by the channel they must arrive on
    duplicates: int  # messages beyond the first for a row
    lost: int  # rows with a reachable member that arrived nowhere
    skipped_expected: int  # rows of people with no reachable member
    misrouted: int  # rows that arrived on another channel than their first reachable one
    disagreeing: int  # rows whose outbox record (status, channel) contradicts what arrived


def tally(
    people: Sequence[Person],
    faults: Faults,
    seen: Mapping[int, Counter[Channel]],
    recorded: Mapping[str, tuple[str, str]],
) -> MixedTally:
    """Compare what the fakes saw (``seen``) and what the outbox recorded (row id → status,
    channel) with each person's expected channel."""
    delivered: Counter[Channel] = Counter()
    expected: Counter[Channel] = Counter()
    duplicates = lost = skipped = misrouted = disagreeing = 0
    for person in people:
        want = expected_channel(person, faults)
        got = seen.get(person.number, Counter())
        delivered.update(got)
        total = sum(got.values())
        duplicates += max(0, total - 1)
        if want is None:
            skipped += 1
        else:
            expected[want] += 1
            lost += total == 0
        misrouted += total > 0 and set(got) != {want}
        status, channel = recorded.get(person.row_id, ("missing", ""))
        if want is None:
            disagreeing += status != str(OutboxStatus.SKIPPED)
        else:
            disagreeing += status != str(OutboxStatus.SENT) or channel != str(want)
    return MixedTally(
        len(people), delivered, expected, duplicates, lost, skipped, misrouted, disagreeing
    )


@dataclass
class MixedRun:
    """What one mixed drain did: rows queued, wall time, drains' reports, the outbox after."""

    queued: int
    wall: float
    cpu: float
    load_before: float
    reports: list[Counter[str]]
    recorded: dict[str, tuple[str, str]]  # row id → (status, channel)


async def deliver_mixed(runtime: Runtime, people: Sequence[Person], drains: int) -> MixedRun:
    """Store the people's users documents, queue one alert each, drain with ``drains`` drains
    side by side, and read back each row's status and delivering channel."""
    now = datetime.now(UTC)
    await UserDoc.collection().insert_many(mixed_users(people, now), ordered=False)
    queued = await runtime.delivery.outbox.enqueue([mixed_row(person, now) for person in people])
    load_before = os.getloadavg()[0]
    cpu_before = _cpu_seconds()
    started = time.monotonic()
    reports = await asyncio.gather(*(runtime.delivery.drain(f"bench-{n}") for n in range(drains)))
    wall = time.monotonic() - started
    cpu = _cpu_seconds() - cpu_before
    recorded = {
        raw["_id"]: (str(raw["status"]), str(raw["channel"]))
        async for raw in OutboxDoc.collection().find({}, {"status": 1, "channel": 1})
    }
    return MixedRun(queued, wall, cpu, load_before, list(reports), recorded)


async def mixed_run(arguments: argparse.Namespace) -> None:
    """One alert per person across Telegram, WhatsApp and e-mail, with fallback: the fake Bot
    API and Graph API enforce their limits (x ``--scale``), a real SMTP server on loopback
    takes the mail."""
    scale = arguments.scale
    per_second = TELEGRAM_PER_SECOND * scale
    per_chat = TELEGRAM_PER_CHAT * scale
    wa_per_second = WHATSAPP_PER_SECOND * scale
    pair_interval = WHATSAPP_PAIR_INTERVAL / scale
    people = mixed_people(arguments.people)
    faults = pick_faults(people, arguments.blocked, arguments.failing, arguments.seed)
    async with FakeTelegramAPI() as telegram, FakeGraphAPI() as graph, FakeSmtpServer() as smtp:
        telegram.enforce_limits(per_second, per_chat, tolerance=arguments.tolerance)
        graph.enforce_rates(
            wa_per_second,
            pair_interval,
            tolerance=arguments.tolerance,
            pair_tolerance=arguments.tolerance,
        )
        for chat in faults.blocked:
            telegram.block(chat)
        for number in faults.failing:
            graph.fail_for(number, UNDELIVERABLE)
        settings = _settings(
            telegram=telegram.telegram_settings(),
            whatsapp=graph.settings(
                messages_per_second=wa_per_second, per_user_interval_s=pair_interval
            ),
            matching=MatchingSettings(
                telegram_per_second=per_second, telegram_per_chat_per_second=per_chat
            ),
        )
        email = EmailSender(smtp.settings(security="none"))
        runtime = await Runtime.start(settings, senders={Channel.EMAIL: email})
        try:
            settle_memory()
            run = await deliver_mixed(runtime, people, arguments.drains)
        finally:
            await runtime.stop()
            shutil.rmtree(settings.data_dir, ignore_errors=True)
        seen = seen_per_person(
            (call.text for call in telegram.sent),
            (message.text for message in graph.sent),
            (mail_text(mail.message) for mail in smtp.mails),
        )
        result = tally(people, faults, seen, run.recorded)
        rate_limited = telegram.rate_limited
        wa_errors = graph.errors(130429) + graph.errors(131056)
    routes = Counter(tuple(member.channel for member in person.members) for person in people)
    telegram_chats = sum(
        1 for person in people for m in person.members if m.channel is Channel.TELEGRAM
    )
    numbers = sum(1 for person in people for m in person.members if m.channel is Channel.WHATSAPP)
    print(
        f"mixed fan-out: {result.rows} people, one alert each; "
        + ", ".join(f"{count} {_route_name(route)}" for route, count in routes.items())
    )
    print(
        f"  {len(faults.blocked)} of {telegram_chats} Telegram chats blocked, "
        f"{len(faults.failing)} of {numbers} WhatsApp numbers failing ({UNDELIVERABLE}); "
        f"{arguments.drains} drains, limits x{scale:g}"
    )
    total: Counter[str] = Counter()
    for report in run.reports:
        total.update(report)
    print(f"  rows                    {run.queued:>8}")
    for channel in (Channel.TELEGRAM, Channel.WHATSAPP, Channel.EMAIL):
        print(
            f"  delivered by {_CHANNEL_NAMES[channel]:<10} {result.delivered[channel]:>8}"
            f"  (expected {result.expected[channel]})"
        )
    print(f"  duplicates              {result.duplicates:>8}  (goal 0)")
    print(f"  lost                    {result.lost:>8}  (goal 0)")
    print(
        f"  skipped as expected     {result.skipped_expected:>8}  (nobody reachable; "
        f"the outbox skipped {total['skipped']})"
    )
    print(f"  on the wrong channel    {result.misrouted:>8}  (goal 0)")
    print(f"  outbox disagrees        {result.disagreeing:>8}  (status or channel; goal 0)")
    print(f"  429s, 130429/131056     {rate_limited:>8}, {wa_errors}  (goal 0)")
    print(f"  wall time               {run.wall:>8.2f} s  (first claim to last drain stopping)")
    print(
        f"  CPU while draining      {run.cpu / run.wall:>8.2f} cores  ({os.cpu_count()} CPUs, "
        f"load average {run.load_before:.2f} before)"
    )
    print(
        "  drains' report          "
        + ", ".join(f"{key} {value}" for key, value in sorted(total.items()))
    )


_CHANNEL_NAMES: Final = {
    Channel.TELEGRAM: "Telegram",
    Channel.WHATSAPP: "WhatsApp",
    Channel.EMAIL: "e-mail",
}


def _route_name(route: tuple[Channel, ...]) -> str:
    name = " → ".join(_CHANNEL_NAMES[channel] for channel in route)
    return f"{name} only" if len(route) == 1 else name


@dataclass
class _Run:
    messages: int
    queued: int
    enqueue_s: float
    started: float
    wall: float
    cpu: float
    load_before: float
    reports: list[Counter[str]]


def _settings(**groups: object) -> Settings:
    return Settings(
        _env_file=None,
        data_dir=Path(tempfile.mkdtemp(prefix="jobscout-fanout-")),
        encryption_keys=SecretStr(_fernet_key()),
        environment="test",
        **groups,  # type: ignore[arg-type]
    )


async def _drain_all(
    settings: Settings,
    rows: list[OutboxRow],
    expected: dict[str, list[str]],
    channel: Channel,
    drains: int,
) -> _Run:
    """Start the stack, queue every row, drain with ``drains`` drains side by side, stop."""
    runtime = await Runtime.start(settings)
    try:
        settle_memory()
        await UserDoc.collection().insert_many(
            [_user(chat, channel) for chat in expected], ordered=False
        )
        started = time.monotonic()
        queued = await runtime.delivery.outbox.enqueue(rows)
        enqueue_s = time.monotonic() - started
        load_before = os.getloadavg()[0]
        cpu_before = _cpu_seconds()
        started = time.monotonic()
        reports = await asyncio.gather(
            *(runtime.delivery.drain(f"bench-{n}") for n in range(drains))
        )
        wall = time.monotonic() - started
        cpu = _cpu_seconds() - cpu_before
    finally:
        await runtime.stop()
        shutil.rmtree(settings.data_dir, ignore_errors=True)
    messages = sum(len(texts) for texts in expected.values())
    return _Run(messages, queued, enqueue_s, started, wall, cpu, load_before, list(reports))


def _report(
    run: _Run,
    expected: dict[str, list[str]],
    got: dict[str, list[str]],
    times: list[float],
    per_second: float,
    limits: RateLimits,
    stamps: dict[str, list[float]],
) -> None:
    duplicates = sum(max(0, len(got.get(c, [])) - len(t)) for c, t in expected.items())
    lost = sum(max(0, len(t) - len(got.get(c, []))) for c, t in expected.items())
    out_of_order = sum(
        1
        for chat, texts in expected.items()
        if len(got.get(chat, [])) == len(texts) and got[chat] != texts
    )
    # The fakes stamp messages on time.monotonic(), like run.started.
    sending_s = max(times) - run.started if times else run.wall
    rate = len(times) / sending_s
    # Users with several rows get them paced per chat (WhatsApp: one per 6 s), so the last of
    # theirs can come long after the bulk: the rate until the last one-row user was served.
    single = [chat for chat, texts in expected.items() if len(texts) == 1]
    last_single = max((stamps[chat][-1] for chat in single if stamps.get(chat)), default=None)
    bulk = sum(1 for stamp in times if last_single is not None and stamp <= last_single)
    total: Counter[str] = Counter()
    for report in run.reports:
        total.update(report)
    print(f"  queued                  {run.queued:>8} rows in {run.enqueue_s:.2f} s")
    print(
        f"  achieved                {rate:>8.1f} messages/s = {rate / per_second:.3f} of the limit"
        f"  (goal >= 0.95; ceiling with our margin {1 / limits.interval / per_second:.3f})"
    )
    if last_single is not None:
        bulk_rate = bulk / (last_single - run.started)
        print(
            f"  achieved until the last one-row user  {bulk_rate:.1f} messages/s = "
            f"{bulk_rate / per_second:.3f} of the limit  ({bulk} messages in "
            f"{last_single - run.started:.1f} s; the rest is multi-row users' pacing)"
        )
    print(f"  duplicates              {duplicates:>8}  (goal 0)")
    print(f"  lost                    {lost:>8}  (goal 0)")
    print(f"  out of order (chats)    {out_of_order:>8}  (goal 0)")
    print(f"  wall time               {run.wall:>8.2f} s  (first claim to last drain stopping)")
    print(
        f"  CPU while draining      {run.cpu / run.wall:>8.2f} cores  (this process, SecantusDB, "
        f"redis; {os.cpu_count()} CPUs, load average {run.load_before:.2f} before: run on a "
        "quiet machine)"
    )
    print(f"  rows per drain          {', '.join(str(r['sent']) for r in run.reports)}")
    print(
        "  drains' report          "
        + ", ".join(f"{key} {value}" for key, value in sorted(total.items()))
    )


def _cpu_seconds() -> float:
    """CPU time of this process and of its children still running (SecantusDB, redis)."""
    total = time.process_time()
    ticks = os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == os.getpid():
            total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def _user(chat: str, channel: Channel) -> dict[str, object]:
    now = datetime.now(UTC)
    return {
        "_id": f"{channel}:{chat}",
        "channel": str(channel),
        "platform_user_id": chat,
        "chat_id": chat,
        "created_at": now,
        "reachable": True,
        "linked": [],
        "last_inbound_at": now,  # WhatsApp: they wrote a moment ago, the window is open
    }


def _fernet_key() -> str:
    from cryptography.fernet import Fernet

    return Fernet.generate_key().decode()


if __name__ == "__main__":
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--channel", choices=["telegram", "whatsapp", "mixed"], default="telegram")
    parser.add_argument("--people", type=int, default=3_000, help="mixed: people, one alert each")
    parser.add_argument(
        "--blocked", type=float, default=0.10, help="mixed: share of Telegram chats blocked"
    )
    parser.add_argument(
        "--failing",
        type=float,
        default=0.05,
        help="mixed: share of WhatsApp numbers answering 131026",
    )
    parser.add_argument("--seed", type=int, default=13, help="mixed: which chats fail")
    parser.add_argument("--alerts", type=int, default=5_000, help="chats, one alert each")
    parser.add_argument("--multi", type=int, default=10, help="users who get several rows")
    parser.add_argument("--rows-each", type=int, default=5, help="rows each of those gets")
    parser.add_argument(
        "--scale",
        type=float,
        default=None,
        help="x the platform's limits, both sides (default: 10 for Telegram, 1 for WhatsApp)",
    )
    parser.add_argument("--drains", type=int, default=2, help="drains side by side")
    parser.add_argument(
        "--tolerance", type=float, default=0.05, help="seconds early the fake lets a message be"
    )
    parsed = parser.parse_args()
    if parsed.scale is None:
        parsed.scale = 1.0 if parsed.channel == "whatsapp" else 10.0
    asyncio.run(main(parsed))

"""MongoOutbox against the embedded MongoDB (SecantusDB): enqueue, claims, leases, order."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from bench.webhook_server import CommandCounter
from core.channels import Button, Channel, ChatRef, OutgoingDocument, Reply
from core.ports.outbox import SLOTS, OutboxKind, OutboxRow, OutboxStatus, slot_of
from core.store.outbox import MongoOutbox
from tests.commands import counter
from tests.conftest import fresh_database

pytestmark = pytest.mark.integration

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
LEASE = timedelta(seconds=60)


@pytest.fixture
async def outbox(mongodb_url: str) -> AsyncIterator[MongoOutbox]:
    async with fresh_database(mongodb_url):
        yield MongoOutbox()


def row(
    user: str,
    job: str,
    *,
    now: datetime = T0,
    seq: int = 0,
    not_before: datetime | None = None,
    kind: OutboxKind = OutboxKind.ALERT,
    text: str | None = None,
) -> OutboxRow:
    return OutboxRow.new(
        kind,
        f"telegram:{user}",
        ChatRef(channel=Channel.TELEGRAM, chat_id=user),
        job,
        [Reply(text=text or f"{job} for {user}")],
        now=now,
        not_before=not_before,
        seq=seq,
    )


async def claim_all(outbox: MongoOutbox, worker: str, now: datetime) -> list[OutboxRow]:
    return (await outbox.claim(worker, now, LEASE, limit=10_000)).rows


async def test_enqueue_is_idempotent(outbox: MongoOutbox) -> None:
    first = [row("1", "a"), row("2", "a")]
    assert await outbox.enqueue(first) == 2

    again = [row("1", "a", text="changed"), row("3", "a")]
    assert await outbox.enqueue(again) == 1  # the duplicate is ignored, the new one stored
    assert await outbox.enqueue(first) == 0
    assert await outbox.enqueue([]) == 0

    stored = await outbox.get("alert|telegram:1|a")
    assert stored is not None
    assert stored.replies[0].text == "a for 1"  # the first version stays
    assert len(await outbox.rows_of("telegram:1")) == 1
    assert sum((await outbox.counts())["alert"].values()) == 3


async def test_replies_round_trip_with_buttons_and_documents(outbox: MongoOutbox) -> None:
    reply = Reply(
        text="Backend Developer at Acme",
        buttons=((Button(label="Apply", url="https://example.test/r/x"),),
                 (Button(label="Save", data="m:save:a"), Button(label="Why", data="m:why:a"))),
        document=OutgoingDocument(file_name="x.bin", content=b"\x00\xff\x10", mime_type="x/y"),
    )
    queued = OutboxRow.new(
        OutboxKind.DIGEST, "telegram:1", ChatRef(channel=Channel.TELEGRAM, chat_id="1"), "a",
        [reply, Reply(text="second")], now=T0,
    )
    await outbox.enqueue([queued])

    [claimed] = await claim_all(outbox, "w", T0)

    assert claimed.replies == (reply, Reply(text="second"))
    assert claimed.model_dump(exclude={"status", "worker", "lease_until"}) == queued.model_dump(
        exclude={"status", "worker", "lease_until"}
    )


async def test_two_claimers_never_claim_the_same_row(outbox: MongoOutbox) -> None:
    await outbox.enqueue([row(str(user), "a") for user in range(300)])
    claimers = {"w1": MongoOutbox(), "w2": MongoOutbox()}
    got: dict[str, list[str]] = {"w1": [], "w2": []}

    async def claim_until_empty(worker: str) -> None:
        while rows := (await claimers[worker].claim(worker, T0, LEASE, limit=16)).rows:
            got[worker].extend(r.id for r in rows)

    await asyncio.gather(claim_until_empty("w1"), claim_until_empty("w2"))

    assert set(got["w1"]).isdisjoint(got["w2"])
    assert len(got["w1"]) + len(got["w2"]) == 300
    assert len(set(got["w1"]) | set(got["w2"])) == 300
    assert (await outbox.counts())["alert"] == {"sending": 300}


async def test_a_row_whose_lease_ran_out_is_claimed_again(outbox: MongoOutbox) -> None:
    await outbox.enqueue([row("1", "a")])
    [held] = await claim_all(outbox, "crashed", T0)
    assert held.worker == "crashed"
    assert held.lease_until == T0 + LEASE

    during = await outbox.claim("other", T0 + LEASE / 2, LEASE, limit=10)
    assert during.rows == []
    assert during.next_due == T0 + LEASE  # when it comes back if its worker is gone

    [again] = await claim_all(outbox, "other", T0 + LEASE + timedelta(seconds=1))
    assert again.id == held.id
    assert again.worker == "other"
    # The worker that lost it can no longer change it.
    assert not await outbox.mark_sent(held.id, T0, worker="crashed")
    assert await outbox.mark_sent(held.id, T0, worker="other")


async def test_a_worker_does_not_reclaim_the_rows_it_is_still_sending(
    outbox: MongoOutbox,
) -> None:
    await outbox.enqueue([row("1", "a")])
    await claim_all(outbox, "slow", T0)

    late = await outbox.claim("slow", T0 + 2 * LEASE, LEASE, limit=10)

    assert late.rows == []


async def test_claims_come_in_order_one_row_per_user_at_a_time(outbox: MongoOutbox) -> None:
    later = T0 + timedelta(minutes=1)
    await outbox.enqueue(
        [
            row("1", "c", seq=2),
            row("1", "b", seq=1),
            row("1", "a", seq=0),
            row("2", "x", now=later),
            row("3", "y", now=T0 - timedelta(minutes=5), not_before=T0 - timedelta(minutes=5)),
        ]
    )
    now = later + timedelta(seconds=1)

    first = await claim_all(outbox, "w", now)
    # Ordered by not_before, created_at, seq; only each user's first row.
    assert [r.id for r in first] == [
        "alert|telegram:3|y", "alert|telegram:1|a", "alert|telegram:2|x",
    ]
    assert await claim_all(outbox, "w", now) == []  # user 1's next row waits for the first

    for claimed in first:
        await outbox.mark_sent(claimed.id, now, worker="w")
    assert [r.id for r in await claim_all(outbox, "w", now)] == ["alert|telegram:1|b"]
    await outbox.dead("alert|telegram:1|b", "gone", worker="w")  # finished, if badly
    assert [r.id for r in await claim_all(outbox, "w", now)] == ["alert|telegram:1|c"]


async def test_a_row_put_back_still_goes_before_the_users_later_rows(
    outbox: MongoOutbox,
) -> None:
    await outbox.enqueue([row("1", "a", seq=0), row("1", "b", seq=1)])
    [first] = await claim_all(outbox, "w", T0)
    await outbox.reschedule(first.id, T0 + timedelta(seconds=1), "chat busy", worker="w",
                            count_attempt=False)

    waiting = await outbox.claim("w", T0 + timedelta(milliseconds=500), LEASE, limit=10)

    assert waiting.rows == []  # b is due, but a is the user's first row
    assert waiting.next_due == T0 + timedelta(seconds=1)
    assert [r.id for r in await claim_all(outbox, "w", T0 + timedelta(seconds=1))] == [first.id]


async def test_a_row_scheduled_later_does_not_hold_back_rows_due_now(
    outbox: MongoOutbox,
) -> None:
    next_week = T0 + timedelta(days=7)
    await outbox.enqueue(
        [
            row("1", "a", kind=OutboxKind.FOLLOWUP, not_before=next_week),
            row("1", "b", now=T0 + timedelta(minutes=1)),
        ]
    )

    claim = await outbox.claim("w", T0 + timedelta(minutes=2), LEASE, limit=10)

    assert [r.id for r in claim.rows] == ["alert|telegram:1|b"]
    assert claim.next_due is None or claim.next_due > T0 + timedelta(minutes=2)


async def test_rows_not_due_are_left_and_next_due_says_when(outbox: MongoOutbox) -> None:
    await outbox.enqueue(
        [row("1", "a", not_before=T0 + timedelta(seconds=30)),
         row("2", "a", not_before=T0 + timedelta(seconds=10))]
    )

    early = await outbox.claim("w", T0, LEASE, limit=10)
    assert early.rows == []
    assert early.next_due == T0 + timedelta(seconds=10)

    partial = await outbox.claim("w", T0 + timedelta(seconds=10), LEASE, limit=10)
    assert [r.id for r in partial.rows] == ["alert|telegram:2|a"]
    assert partial.next_due == T0 + timedelta(seconds=30)



async def test_a_full_claim_says_to_look_again_now(outbox: MongoOutbox) -> None:
    await outbox.enqueue([row(str(user), "a") for user in range(5)])

    full = await outbox.claim("w", T0, LEASE, limit=2)

    assert len(full.rows) == 2
    assert full.next_due == T0
    with pytest.raises(ValueError, match="at least one"):
        await outbox.claim("w", T0, LEASE, limit=0)


async def test_reschedule_counts_tries_unless_told_not_to(outbox: MongoOutbox) -> None:
    await outbox.enqueue([row("1", "a")])
    [held] = await claim_all(outbox, "w", T0)

    assert await outbox.reschedule(held.id, T0, "chat busy", worker="w", count_attempt=False)
    [held] = await claim_all(outbox, "w", T0)
    assert held.attempts == 0
    assert held.last_error == "chat busy"

    assert await outbox.reschedule(held.id, T0, "502 Bad Gateway", worker="w")
    [held] = await claim_all(outbox, "w", T0)
    assert held.attempts == 1
    assert await outbox.progress(held.id, 1, T0 + 2 * LEASE, worker="w")
    assert not await outbox.progress(held.id, 1, T0, worker="someone else")

    assert await outbox.dead(held.id, "gave up", worker="w")
    dead = await outbox.get(held.id)
    assert dead is not None
    assert (dead.status, dead.attempts, dead.sent_replies) == (OutboxStatus.DEAD, 2, 1)

    assert await outbox.revive(held.id, T0)
    revived = await outbox.get(held.id)
    assert revived is not None
    assert (revived.status, revived.attempts) == (OutboxStatus.PENDING, 0)
    assert not await outbox.revive(held.id, T0)  # only dead or skipped rows


async def test_released_rows_are_claimable_at_once(outbox: MongoOutbox) -> None:
    await outbox.enqueue([row("1", "a"), row("2", "a")])
    held = await claim_all(outbox, "w", T0)

    assert await outbox.release([r.id for r in held], "other") == 0
    assert await outbox.release([r.id for r in held], "w") == 2

    assert len(await claim_all(outbox, "v", T0)) == 2


async def test_retarget_moves_the_row_into_the_other_users_order(outbox: MongoOutbox) -> None:
    assert slot_of("whatsapp:49") != slot_of("telegram:1")
    other = OutboxRow.new(
        OutboxKind.ALERT, "whatsapp:49", ChatRef(channel=Channel.WHATSAPP, chat_id="49"), "b",
        [Reply(text="b")], now=T0 + timedelta(minutes=1),
    )
    await outbox.enqueue([row("1", "a")])
    [held] = await claim_all(outbox, "w", T0)
    await outbox.enqueue([other])
    await outbox.progress(held.id, 1, T0 + LEASE, worker="w")

    assert await outbox.retarget(held.id, "whatsapp:49", Channel.WHATSAPP, "49", worker="w")
    assert await outbox.reschedule(held.id, T0, "moved", worker="w", count_attempt=False)

    now = T0 + timedelta(minutes=2)
    [moved] = await claim_all(outbox, "w", now)  # not "b": the moved row is earlier
    assert (moved.id, moved.user_key, moved.channel, moved.chat_id, moved.sent_replies) == (
        held.id, "whatsapp:49", Channel.WHATSAPP, "49", 0,
    )
    assert [r.id for r in await outbox.rows_of("whatsapp:49")] == [held.id, other.id]


async def test_counts_and_sent_since(outbox: MongoOutbox) -> None:
    await outbox.enqueue(
        [row("1", "a"), row("2", "a"), row("3", "a", kind=OutboxKind.DIGEST),
         row("4", "a", kind=OutboxKind.FOLLOWUP)]
    )
    held = {r.user_key: r for r in await claim_all(outbox, "w", T0)}
    await outbox.mark_sent(held["telegram:1"].id, T0, worker="w")
    await outbox.mark_sent(held["telegram:3"].id, T0 + timedelta(hours=1), worker="w")
    await outbox.skip(held["telegram:2"].id, "unreachable", worker="w")

    assert await outbox.counts() == {
        "alert": {"sent": 1, "skipped": 1},
        "digest": {"sent": 1},
        "followup": {"sending": 1},
    }
    assert await outbox.sent_since(OutboxKind.ALERT, T0) == 1
    assert await outbox.sent_since(OutboxKind.ALERT, T0 + timedelta(seconds=1)) == 0
    assert await outbox.sent_since([OutboxKind.ALERT, OutboxKind.DIGEST], T0) == 2


async def test_a_claim_reads_the_slots_it_is_told_first(outbox: MongoOutbox) -> None:
    slot = slot_of("telegram:7")
    others = [str(user) for user in range(100, 160) if slot_of(f"telegram:{user}") != slot]
    await outbox.enqueue([row(user, "a") for user in others])
    await outbox.enqueue([row("7", "a", seq=0), row("7", "b", seq=1)])

    claim = await MongoOutbox().claim("w", T0, LEASE, limit=1, first=[slot])

    assert [r.id for r in claim.rows] == ["alert|telegram:7|a"]
    assert claim.waiting == {"telegram:7"}  # their second row waits behind this one
    rest = await outbox.claim("w", T0, LEASE, limit=100)
    assert len(rest.rows) == len(others)
    assert rest.waiting == frozenset()


def outbox_reads(commands: CommandCounter) -> int:
    return len(commands.durations.get("find outbox", []))


async def test_a_claim_over_few_rows_reads_only_the_slots_holding_them(mongodb_url: str) -> None:
    commands = counter()  # listening before this test's client is made
    users = ["1", "2", "3", "4"]
    slots = {slot_of(f"telegram:{user}") for user in users}
    async with fresh_database(mongodb_url):
        outbox = MongoOutbox()
        await outbox.enqueue([row(user, "a") for user in users])

        before = outbox_reads(commands)
        claim = await outbox.claim("w", T0, LEASE, limit=10)
        assert len(claim.rows) == len(users)
        # One read per slot that holds a row, and one of the claimed rows: not 128 slots.
        assert outbox_reads(commands) - before == len(slots) + 1

        # A claim that fills up means a backlog: the next one reads every slot again.
        await outbox.enqueue([row(user, "b", seq=1) for user in users])
        await outbox.release([r.id for r in claim.rows], "w")
        assert len((await outbox.claim("w", T0, LEASE, limit=1)).rows) == 1
        before = outbox_reads(commands)
        assert len((await outbox.claim("w", T0, LEASE, limit=10)).rows) == len(users) - 1
        assert outbox_reads(commands) - before == SLOTS + 1

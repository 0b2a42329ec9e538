"""The ``Outbox`` and ``Recipients`` contracts (core.ports.outbox), run over both implementations.

- ``mongo``: ``MongoOutbox`` / ``MongoRecipients`` on a fresh database of the embedded MongoDB;
- ``memory``: ``InMemoryOutbox`` / ``InMemoryRecipients`` (tests/fakes/memory_outbox.py).

A test that passes on one and fails on the other means the fake (or the adapter) is wrong.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from core.channels import Button, Channel, ChatRef, OutgoingDocument, Reply
from core.ports.outbox import (
    Outbox,
    OutboxKind,
    OutboxRow,
    OutboxStatus,
    Recipient,
    Recipients,
    slot_of,
)
from core.store.documents import UserDoc
from core.store.outbox import MongoOutbox, MongoRecipients
from tests.conftest import fresh_database
from tests.fakes.memory_outbox import InMemoryOutbox, InMemoryRecipients

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
LEASE = timedelta(seconds=60)


def _implementations_satisfy_the_ports() -> tuple[list[Outbox], list[Recipients]]:
    """Checked by mypy, not at run time: each adapter and fake is assignable to its port."""
    return [MongoOutbox(), InMemoryOutbox()], [MongoRecipients(), InMemoryRecipients()]


@dataclass
class Store:
    outbox: Outbox
    recipients: Recipients
    add_user: Callable[[Recipient], Awaitable[None]]
    # Another worker process's handle on the same outbox (its own claim cursors, if any).
    another: Callable[[], Outbox]


async def _insert_user(recipient: Recipient) -> None:
    await UserDoc.collection().insert_one(
        {
            "_id": recipient.user_key,
            "channel": str(recipient.chat.channel),
            "chat_id": recipient.chat.chat_id,
            "platform_user_id": recipient.chat.chat_id,
            "created_at": T0,
            "reachable": recipient.reachable,
            "linked": list(recipient.linked),
            "language": recipient.lang,
            **{
                name: value
                for name, value in (
                    ("last_inbound_at", recipient.last_inbound_at),
                    ("window_closed_at", recipient.window_closed_at),
                    ("reengaged_at", recipient.reengaged_at),
                )
                if value is not None
            },
        }
    )


@pytest.fixture(params=[pytest.param("mongo", marks=pytest.mark.integration), "memory"])
async def store(request: pytest.FixtureRequest) -> AsyncIterator[Store]:
    if request.param == "memory":
        outbox = InMemoryOutbox()
        recipients = InMemoryRecipients()

        async def add(recipient: Recipient) -> None:
            recipients.add(recipient)

        yield Store(outbox, recipients, add, lambda: outbox)
        return
    async with fresh_database(request.getfixturevalue("mongodb_url")):
        yield Store(MongoOutbox(), MongoRecipients(), _insert_user, MongoOutbox)


def row(
    user: str,
    job: str | None,
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


async def claim_all(outbox: Outbox, worker: str, now: datetime) -> list[OutboxRow]:
    return (await outbox.claim(worker, now, LEASE, limit=10_000)).rows


async def status_of(outbox: Outbox, row_id: str) -> OutboxStatus:
    stored = await outbox.get(row_id)
    assert stored is not None
    return stored.status


# enqueue, get, rows_of, counts


async def test_enqueue_keeps_one_row_per_id_and_the_first_version(store: Store) -> None:
    outbox = store.outbox
    assert await outbox.enqueue([row("1", "a"), row("2", "a")]) == 2
    assert await outbox.enqueue([row("1", "a", text="changed"), row("3", "a")]) == 1
    assert await outbox.enqueue([row("4", "a"), row("4", "a", text="twin")]) == 1
    assert await outbox.enqueue([]) == 0

    stored = await outbox.get("alert|telegram:1|a")
    assert stored is not None
    assert stored.replies == (Reply(text="a for 1"),)
    twin = await outbox.get("alert|telegram:4|a")
    assert twin is not None
    assert twin.replies == (Reply(text="a for 4"),)
    assert await outbox.get("alert|telegram:9|a") is None
    assert await outbox.counts() == {"alert": {"pending": 4}}


async def test_a_row_round_trips_with_buttons_documents_and_person(store: Store) -> None:
    reply = Reply(
        text="Backend Developer at Acme",
        buttons=(
            (Button(label="Apply", url="https://example.test/r/x"),),
            (Button(label="Save", data="m:save:a"), Button(label="Why", data="m:why:a")),
        ),
        document=OutgoingDocument(file_name="x.bin", content=b"\x00\xff\x10", mime_type="x/y"),
    )
    queued = OutboxRow.new(
        OutboxKind.DIGEST,
        "whatsapp:49",
        ChatRef(channel=Channel.WHATSAPP, chat_id="49"),
        None,
        [reply, Reply(text="second")],
        now=T0,
        not_before=T0 + LEASE,
        seq=3,
        person="p-1",
    )
    assert queued.id == "digest|p-1|"
    await store.outbox.enqueue([queued])

    assert await store.outbox.get(queued.id) == queued
    assert await store.outbox.rows_of("whatsapp:49") == [queued]


async def test_rows_of_is_in_the_users_order_and_counts_group_by_kind_and_status(
    store: Store,
) -> None:
    outbox = store.outbox
    later = row("1", "c", now=T0 + timedelta(seconds=1))
    await outbox.enqueue(
        [later, row("1", "b", seq=1), row("1", "a", seq=0), row("2", None, kind=OutboxKind.NOTICE)]
    )

    assert [r.job_id for r in await outbox.rows_of("telegram:1")] == ["a", "b", "c"]
    assert await outbox.rows_of("telegram:7") == []
    await outbox.skip(later.id, "gone")
    assert await outbox.counts() == {
        "alert": {"pending": 2, "skipped": 1},
        "notice": {"pending": 1},
    }


# claim


async def test_a_claim_takes_at_least_one_row(store: Store) -> None:
    with pytest.raises(ValueError, match="at least one"):
        await store.outbox.claim("w", T0, LEASE, 0)


async def test_an_empty_outbox_claims_nothing_and_has_nothing_due(store: Store) -> None:
    claim = await store.outbox.claim("w", T0, LEASE, 10)
    assert claim.rows == []
    assert claim.next_due is None


async def test_a_claim_takes_due_rows_in_order_under_a_lease(store: Store) -> None:
    outbox = store.outbox
    await outbox.enqueue(
        [
            row("1", "late", not_before=T0 + timedelta(minutes=5)),
            row("2", "b", now=T0 - timedelta(seconds=1)),
            row("3", "c", now=T0 - timedelta(seconds=2)),
        ]
    )

    claim = await outbox.claim("w", T0, LEASE, 10)

    assert [r.job_id for r in claim.rows] == ["c", "b"]
    assert {r.status for r in claim.rows} == {OutboxStatus.SENDING}
    assert {r.worker for r in claim.rows} == {"w"}
    assert {r.lease_until for r in claim.rows} == {T0 + LEASE}
    assert claim.next_due == T0 + timedelta(minutes=5)
    assert claim.waiting == frozenset()
    assert await status_of(outbox, "alert|telegram:2|b") == OutboxStatus.SENDING


async def test_a_claim_takes_each_users_first_unfinished_row_only(store: Store) -> None:
    outbox = store.outbox
    await outbox.enqueue([row("1", "b", seq=1), row("1", "a", seq=0), row("2", "a")])

    claim = await outbox.claim("w", T0, LEASE, 10)

    assert sorted(r.id for r in claim.rows) == ["alert|telegram:1|a", "alert|telegram:2|a"]
    assert claim.waiting == frozenset({"telegram:1"})
    # The user's next row waits until the first is finished, whoever asks.
    assert (await store.another().claim("w2", T0, LEASE, 10)).rows == []
    await outbox.mark_sent_many(["alert|telegram:1|a"], T0, sent_replies=1)
    [following] = await claim_all(store.another(), "w2", T0)
    assert following.id == "alert|telegram:1|b"


async def test_a_full_claim_says_more_may_be_due_now(store: Store) -> None:
    outbox = store.outbox
    await outbox.enqueue([row(str(user), "a") for user in range(5)])

    first = await outbox.claim("w", T0, LEASE, 3)
    assert len(first.rows) == 3
    assert first.next_due == T0

    rest = await outbox.claim("w", T0, LEASE, 3)
    assert len(rest.rows) == 2
    assert {r.id for r in first.rows}.isdisjoint(r.id for r in rest.rows)
    assert rest.next_due is None  # the rows left are this worker's own


async def test_slots_named_first_are_a_hint_not_a_filter(store: Store) -> None:
    await store.outbox.enqueue([row("1", "a"), row("2", "a")])
    elsewhere = (slot_of("telegram:1") + 1) % 128
    claim = await store.outbox.claim("w", T0, LEASE, 10, first=[elsewhere, -1, 999])
    assert len(claim.rows) == 2


async def test_two_claimers_never_claim_the_same_row(store: Store) -> None:
    await store.outbox.enqueue([row(str(user), "a") for user in range(60)])
    claimers = {"w1": store.another(), "w2": store.another()}
    got: dict[str, list[str]] = {"w1": [], "w2": []}

    async def claim_until_empty(worker: str) -> None:
        while rows := (await claimers[worker].claim(worker, T0, LEASE, limit=8)).rows:
            got[worker].extend(r.id for r in rows)
            await asyncio.sleep(0)

    await asyncio.gather(claim_until_empty("w1"), claim_until_empty("w2"))

    assert set(got["w1"]).isdisjoint(got["w2"])
    assert len(got["w1"]) + len(got["w2"]) == 60
    assert await store.outbox.counts() == {"alert": {"sending": 60}}


async def test_a_row_is_claimed_again_only_once_its_lease_ran_out(store: Store) -> None:
    outbox = store.outbox
    await outbox.enqueue([row("1", "a")])
    [held] = await claim_all(outbox, "crashed", T0)

    during = await outbox.claim("other", T0 + LEASE / 2, LEASE, 10)
    assert during.rows == []
    assert during.next_due == T0 + LEASE
    assert (await outbox.claim("crashed", T0 + 2 * LEASE, LEASE, 10)).rows == []  # its own

    later = T0 + LEASE + timedelta(seconds=1)
    [taken] = await claim_all(outbox, "other", later)
    assert taken.id == held.id
    assert taken.worker == "other"
    assert taken.lease_until == later + LEASE
    assert (await outbox.claim("third", later, LEASE, 10)).rows == []


# writes under a lease


async def test_a_worker_that_lost_its_row_cannot_write_to_it(store: Store) -> None:
    outbox = store.outbox
    await outbox.enqueue([row("1", "a")])
    [held] = await claim_all(outbox, "crashed", T0)
    later = T0 + LEASE + timedelta(seconds=1)
    await claim_all(outbox, "other", later)

    assert not await outbox.progress(held.id, 1, later + LEASE, worker="crashed")
    assert not await outbox.reschedule(held.id, later, "boom", worker="crashed")
    assert not await outbox.skip(held.id, "x", worker="crashed")
    assert not await outbox.dead(held.id, "x", worker="crashed")
    assert not await outbox.hold(held.id, "x", worker="crashed")
    assert not await outbox.retarget(held.id, "telegram:2", Channel.TELEGRAM, "2", worker="crashed")
    assert await outbox.release([held.id], "crashed") == 0

    assert await outbox.progress(held.id, 1, later + 2 * LEASE, worker="other")
    stored = await outbox.get(held.id)
    assert stored is not None
    assert (stored.status, stored.worker, stored.sent_replies, stored.lease_until) == (
        OutboxStatus.SENDING,
        "other",
        1,
        later + 2 * LEASE,
    )


async def test_writes_to_a_missing_row_change_nothing(store: Store) -> None:
    outbox = store.outbox
    assert not await outbox.progress("nope", 1, T0, worker="w")
    assert not await outbox.reschedule("nope", T0, None)
    assert not await outbox.skip("nope", "x")
    assert not await outbox.dead("nope", "x")
    assert not await outbox.hold("nope", "x")
    assert not await outbox.retarget("nope", "telegram:2", Channel.TELEGRAM, "2")
    assert not await outbox.revive("nope", T0)
    assert not await outbox.reopen("nope", T0, "x", count_attempt=True)
    assert await outbox.release(["nope"], "w") == 0
    assert await outbox.mark_sent_many(["nope"], T0, sent_replies=1) == 0
    await outbox.add_platform_ids("nope", ["wamid.1"])
    await outbox.set_platform_status("nope", "read")
    assert await outbox.by_platform_id("wamid.1") is None
    assert await outbox.counts() == {}


async def test_reschedule_puts_a_row_back_for_later_and_counts_the_try(store: Store) -> None:
    outbox = store.outbox
    await outbox.enqueue([row("1", "a")])
    [held] = await claim_all(outbox, "w", T0)
    retry_at = T0 + timedelta(minutes=1)

    assert await outbox.reschedule(held.id, retry_at, "x" * 600, worker="w")

    stored = await outbox.get(held.id)
    assert stored is not None
    assert (stored.status, stored.attempts, stored.worker, stored.lease_until) == (
        OutboxStatus.PENDING,
        1,
        None,
        None,
    )
    assert stored.not_before == retry_at
    assert stored.scheduled_at == T0  # the row keeps its place among the user's rows
    assert stored.last_error == "x" * 500
    assert (await outbox.claim("w", T0, LEASE, 10)).next_due == retry_at

    [again] = await claim_all(outbox, "w", retry_at)
    assert await outbox.reschedule(again.id, retry_at, None, worker="w", count_attempt=False)
    stored = await outbox.get(held.id)
    assert stored is not None
    assert (stored.attempts, stored.last_error) == (1, None)


async def test_release_gives_back_only_the_workers_own_rows(store: Store) -> None:
    outbox = store.outbox
    await outbox.enqueue([row("1", "a"), row("2", "a")])
    held = await claim_all(outbox, "w", T0)

    assert await outbox.release([r.id for r in held], "other") == 0
    assert await outbox.release([r.id for r in held] + [held[0].id], "w") == 2

    for stored in await claim_all(outbox, "other", T0):
        assert stored.attempts == 0
        assert stored.worker == "other"


async def test_finished_rows_are_not_claimed(store: Store) -> None:
    outbox = store.outbox
    await outbox.enqueue([row("1", "a"), row("2", "a"), row("3", "a"), row("4", "a")])
    held = {r.user_key: r for r in await claim_all(outbox, "w", T0)}

    assert await outbox.skip(held["telegram:1"].id, "unreachable", worker="w")
    assert await outbox.dead(held["telegram:2"].id, "refused", worker="w")
    assert await outbox.hold(held["telegram:3"].id, "window closed", worker="w")
    assert await outbox.mark_sent_many([held["telegram:4"].id], T0, sent_replies=1) == 1

    later = T0 + 10 * LEASE
    assert (await outbox.claim("other", later, LEASE, 10)).rows == []
    dead = await outbox.get(held["telegram:2"].id)
    assert dead is not None
    assert (dead.status, dead.attempts, dead.last_error, dead.lease_until) == (
        OutboxStatus.DEAD,
        1,
        "refused",
        None,
    )
    skipped = await outbox.get(held["telegram:1"].id)
    assert skipped is not None
    assert (skipped.status, skipped.attempts, skipped.last_error) == (
        OutboxStatus.SKIPPED,
        0,
        "unreachable",
    )


async def test_mark_sent_many_records_unfinished_rows_whoever_holds_them(store: Store) -> None:
    outbox = store.outbox
    await outbox.enqueue([row("1", "a"), row("2", "a"), row("3", "a")])
    [first, *_] = await claim_all(outbox, "crashed", T0)
    later = T0 + 2 * LEASE
    assert await outbox.skip("alert|telegram:3|a", "gone")

    marked = await outbox.mark_sent_many(
        [first.id, "alert|telegram:2|a", "alert|telegram:3|a", first.id], later, sent_replies=1
    )

    assert marked == 2  # a held row and a pending one; the skipped row stays skipped
    stored = await outbox.get(first.id)
    assert stored is not None
    assert (stored.status, stored.sent_at, stored.sent_replies, stored.lease_until) == (
        OutboxStatus.SENT,
        later,
        1,
        None,
    )
    assert await status_of(outbox, "alert|telegram:3|a") == OutboxStatus.SKIPPED
    assert await outbox.mark_sent_many([first.id], later, sent_replies=1) == 0
    assert await outbox.mark_sent_many([], later, sent_replies=1) == 0


async def test_retarget_moves_a_row_down_the_route_from_its_first_reply(store: Store) -> None:
    outbox = store.outbox
    await outbox.enqueue([row("1", "a")])
    [held] = await claim_all(outbox, "w", T0)
    assert await outbox.progress(held.id, 1, T0 + LEASE, worker="w")

    assert await outbox.retarget(held.id, "whatsapp:49", Channel.WHATSAPP, "49", worker="w")

    [moved] = await outbox.rows_of("whatsapp:49")
    assert (moved.id, moved.channel, moved.chat_id, moved.sent_replies, moved.status) == (
        held.id,
        Channel.WHATSAPP,
        "49",
        0,
        OutboxStatus.SENDING,
    )
    assert await outbox.rows_of("telegram:1") == []
    assert await outbox.reschedule(held.id, T0, "moved", worker="w", count_attempt=False)
    [claimed] = await claim_all(outbox, "w", T0)
    assert claimed.user_key == "whatsapp:49"


async def test_revive_gives_a_dead_or_skipped_row_fresh_tries(store: Store) -> None:
    outbox = store.outbox
    await outbox.enqueue([row("1", "a"), row("2", "a")])
    for held in await claim_all(outbox, "w", T0):
        await outbox.reschedule(held.id, T0, "try", worker="w")
    for held in await claim_all(outbox, "w", T0):
        if held.user_key == "telegram:1":
            await outbox.dead(held.id, "gave up", worker="w")
        else:
            await outbox.skip(held.id, "nobody", worker="w")
    later = T0 + timedelta(hours=1)

    assert await outbox.revive("alert|telegram:1|a", later)
    assert await outbox.revive("alert|telegram:2|a", later)
    assert not await outbox.revive("alert|telegram:1|a", later)  # only dead or skipped rows

    revived = await outbox.get("alert|telegram:1|a")
    assert revived is not None
    assert (revived.status, revived.attempts, revived.not_before, revived.worker) == (
        OutboxStatus.PENDING,
        0,
        later,
        None,
    )
    assert len(await claim_all(outbox, "w2", later)) == 2


# the WhatsApp window: held rows


async def test_held_rows_wait_for_the_user_and_then_go_in_order(store: Store) -> None:
    outbox = store.outbox
    await outbox.enqueue([row("49", "a", seq=0), row("49", "b", seq=1), row("50", "a")])
    [first] = [r for r in await claim_all(outbox, "w", T0) if r.user_key == "telegram:49"]
    await outbox.progress(first.id, 1, T0 + LEASE, worker="w")
    assert await outbox.hold(first.id, "window closed", worker="w")
    [second] = [r for r in await claim_all(outbox, "w", T0) if r.user_key == "telegram:49"]
    assert await outbox.hold(second.id, "window closed", worker="w")
    assert await outbox.waiting_for("telegram:49") == 2
    assert await outbox.waiting_for("telegram:50") == 1  # sending counts too
    assert await outbox.waiting_for("telegram:51") == 0

    later = T0 + timedelta(hours=2)
    assert await outbox.release_held("telegram:49", later) == 2
    assert await outbox.release_held("telegram:49", later) == 0

    [again] = [r for r in await claim_all(outbox, "w2", later) if r.user_key == "telegram:49"]
    assert (again.id, again.sent_replies, again.not_before) == (first.id, 0, later)


# platform ids, statuses and reopening


async def test_platform_ids_find_their_row(store: Store) -> None:
    outbox = store.outbox
    await outbox.enqueue([row("1", "a"), row("2", "a")])
    await outbox.add_platform_ids("alert|telegram:1|a", ["wamid.1", "wamid.2"])
    await outbox.add_platform_ids("alert|telegram:1|a", ["wamid.2", "wamid.3"])
    await outbox.add_platform_ids("alert|telegram:2|a", [])
    await outbox.set_platform_status("alert|telegram:1|a", "delivered")

    for platform_id in ("wamid.1", "wamid.2", "wamid.3"):
        found = await outbox.by_platform_id(platform_id)
        assert found is not None
        assert found.id == "alert|telegram:1|a"
    assert await outbox.by_platform_id("wamid.9") is None


async def test_reopen_sends_a_sent_row_again_from_its_start(store: Store) -> None:
    outbox = store.outbox
    await outbox.enqueue([row("1", "a"), row("2", "a")])
    rows = await claim_all(outbox, "w", T0)
    await outbox.mark_sent_many([r.id for r in rows], T0, sent_replies=1)
    later = T0 + timedelta(minutes=3)

    assert await outbox.reopen("alert|telegram:1|a", later, "undeliverable", count_attempt=True)

    stored = await outbox.get("alert|telegram:1|a")
    assert stored is not None
    assert (
        stored.status,
        stored.not_before,
        stored.sent_replies,
        stored.attempts,
        stored.last_error,
    ) == (OutboxStatus.PENDING, later, 0, 1, "undeliverable")
    assert await outbox.reopen("alert|telegram:1|a", later, "again", count_attempt=False)
    assert (await outbox.get("alert|telegram:1|a") or stored).attempts == 1
    [again] = await claim_all(outbox, "w", later)
    assert again.id == "alert|telegram:1|a"


async def test_reopen_leaves_held_skipped_and_dead_rows(store: Store) -> None:
    outbox = store.outbox
    await outbox.enqueue([row("1", "a"), row("2", "a"), row("3", "a")])
    await outbox.hold("alert|telegram:1|a", "window")
    await outbox.skip("alert|telegram:2|a", "nobody")
    await outbox.dead("alert|telegram:3|a", "refused")

    for user, status in (
        ("1", OutboxStatus.HELD),
        ("2", OutboxStatus.SKIPPED),
        ("3", OutboxStatus.DEAD),
    ):
        assert not await outbox.reopen(f"alert|telegram:{user}|a", T0, "x", count_attempt=True)
        assert await status_of(outbox, f"alert|telegram:{user}|a") == status


async def test_sent_since_counts_sent_rows_by_kind_from_a_time_on(store: Store) -> None:
    outbox = store.outbox
    await outbox.enqueue(
        [
            row("1", "a"),
            row("2", "a"),
            row("3", "a", kind=OutboxKind.DIGEST),
            row("4", None, kind=OutboxKind.NOTICE),
            row("5", "a"),
        ]
    )
    rows = {r.user_key: r for r in await claim_all(outbox, "w", T0)}
    hour = timedelta(hours=1)
    await outbox.mark_sent_many([rows["telegram:1"].id], T0, sent_replies=1)
    await outbox.mark_sent_many(
        [rows[f"telegram:{user}"].id for user in "234"], T0 + hour, sent_replies=1
    )

    assert await outbox.sent_since("alert", T0) == 2
    assert await outbox.sent_since("alert", T0 + hour) == 1  # at ``since`` counts
    assert await outbox.sent_since(("alert", "digest"), T0 + hour) == 2
    assert await outbox.sent_since([OutboxKind.NOTICE], T0) == 1
    assert await outbox.sent_since("followup", T0) == 0
    assert await outbox.sent_since("alert", T0 + 2 * hour) == 0
    # A reopened row was still sent then.
    await outbox.reopen(rows["telegram:1"].id, T0 + hour, "undeliverable", count_attempt=False)
    assert await outbox.sent_since("alert", T0) == 2


# Recipients


def recipient(user: str, **fields: object) -> Recipient:
    return Recipient.model_validate(
        {
            "user_key": f"telegram:{user}",
            "chat": ChatRef(channel=Channel.TELEGRAM, chat_id=user),
            **fields,
        }
    )


async def test_many_returns_the_known_users_only(store: Store) -> None:
    await store.add_user(recipient("1"))
    full = recipient(
        "2",
        reachable=False,
        linked=("whatsapp:2",),
        lang="de",
        last_inbound_at=T0,
        window_closed_at=T0 - LEASE,
        reengaged_at=T0 - 2 * LEASE,
    )
    await store.add_user(full)

    found = await store.recipients.many(
        iter(["telegram:1", "telegram:2", "telegram:9", "telegram:1"])
    )

    assert found == {"telegram:1": recipient("1"), "telegram:2": full}
    assert await store.recipients.many([]) == {}


async def test_the_window_times_keep_the_latest(store: Store) -> None:
    await store.add_user(recipient("1"))
    recipients = store.recipients
    await recipients.wrote("telegram:1", T0 + LEASE)
    await recipients.wrote("telegram:1", T0)  # older news: the later time stays
    await recipients.window_closed("telegram:1", T0 + 2 * LEASE)
    await recipients.window_closed("telegram:1", T0)
    await recipients.reengaged("telegram:1", T0 + 3 * LEASE)
    await recipients.reengaged("telegram:1", T0 + 2 * LEASE)  # a plain record: the last one

    found = (await recipients.many(["telegram:1"]))["telegram:1"]

    assert (found.last_inbound_at, found.window_closed_at, found.reengaged_at) == (
        T0 + LEASE,
        T0 + 2 * LEASE,
        T0 + 2 * LEASE,
    )
    assert not found.window_open(T0 + 3 * LEASE, timedelta(hours=24))
    await recipients.wrote("telegram:1", T0 + 4 * LEASE)
    found = (await recipients.many(["telegram:1"]))["telegram:1"]
    assert found.window_open(T0 + 5 * LEASE, timedelta(hours=24))
    assert not found.reengaged_since_last_message()


async def test_window_writes_about_unknown_users_create_nobody(store: Store) -> None:
    await store.recipients.wrote("telegram:9", T0)
    await store.recipients.window_closed("telegram:9", T0)
    await store.recipients.reengaged("telegram:9", T0)
    assert await store.recipients.many(["telegram:9"]) == {}


async def test_a_reopen_that_changes_nothing_says_so(store: Store) -> None:
    outbox = store.outbox
    await outbox.enqueue([row("1", "a")])
    assert await outbox.reopen("alert|telegram:1|a", T0, "x", count_attempt=False)
    assert not await outbox.reopen("alert|telegram:1|a", T0, "x", count_attempt=False)
    assert await outbox.reopen("alert|telegram:1|a", T0, "x", count_attempt=True)

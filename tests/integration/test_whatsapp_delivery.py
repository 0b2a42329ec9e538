"""Delivery to WhatsApp: the outbox in the embedded MongoDB, the limiter in a real Redis, the real
WhatsApp sender against the fake Graph API (Meta's errors on demand, status webhooks by hand)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from core.channels import Channel, ChatRef, Reply
from core.ports.outbox import OutboxKind, OutboxRow, OutboxStatus
from core.store.documents import UserDoc
from tests.fakes.graph_api import FakeGraphAPI
from tests.fakes.smtp_server import FakeSmtpServer
from webhooks.runtime import Runtime

pytestmark = pytest.mark.integration

USER = "4915112345678"
KEY = f"whatsapp:{USER}"


@pytest.fixture
async def graph() -> AsyncIterator[FakeGraphAPI]:
    async with FakeGraphAPI() as fake:
        yield fake


@pytest.fixture
async def runtime(settings_factory: Any, graph: FakeGraphAPI) -> AsyncIterator[Runtime]:
    settings = settings_factory(whatsapp=graph.settings(per_user_interval_s=0.05))
    started = await Runtime.start(settings)
    started.delivery.backoff_base = 0.05
    yield started
    await started.stop()


async def add_user(*, wrote_ago: timedelta | None) -> None:
    now = datetime.now(UTC)
    await UserDoc.collection().insert_one(
        {
            "_id": KEY,
            "channel": "whatsapp",
            "platform_user_id": USER,
            "chat_id": USER,
            "created_at": now,
            "reachable": True,
            "linked": [],
            "language": "de",
            "last_inbound_at": None if wrote_ago is None else now - wrote_ago,
        }
    )


def alert(job: str, kind: OutboxKind = OutboxKind.ALERT) -> OutboxRow:
    return OutboxRow.new(
        kind,
        KEY,
        ChatRef(channel=Channel.WHATSAPP, chat_id=USER),
        job,
        [Reply(text=f"{job}: Backend Developer at Acme")],
        now=datetime.now(UTC),
    )


async def statuses(runtime: Runtime) -> dict[str, OutboxStatus]:
    return {row.job_id or "": row.status for row in await runtime.delivery.outbox.rows_of(KEY)}


async def test_inside_the_window_alerts_go_as_free_text_with_their_wamids_kept(
    runtime: Runtime, graph: FakeGraphAPI
) -> None:
    await add_user(wrote_ago=timedelta(hours=2))
    await runtime.delivery.outbox.enqueue([alert("job1")])
    await runtime.delivery.drain()
    (sent,) = graph.messages_to(USER)
    assert sent.text == "job1: Backend Developer at Acme"
    row = await runtime.delivery.outbox.by_platform_id(sent.wamid)
    assert row is not None
    assert row.job_id == "job1"
    assert await runtime.delivery.on_status(sent.wamid, "delivered") == "delivered"


async def test_outside_the_window_one_template_asks_them_back_and_every_row_waits(
    runtime: Runtime, graph: FakeGraphAPI
) -> None:
    await add_user(wrote_ago=timedelta(hours=25))
    await runtime.delivery.outbox.enqueue(
        [alert("job1"), alert("job2"), alert("d1", OutboxKind.DIGEST)]
    )
    report = await runtime.delivery.drain()
    (template,) = graph.messages_to(USER)
    assert template.type == "template"
    content = template.payload["template"]
    assert content["name"] == "jobscout_new_jobs"
    assert content["language"]["code"] == "de"
    assert report["held"] == 3
    assert report["reengaged"] == 1
    assert set((await statuses(runtime)).values()) == {OutboxStatus.HELD}

    # Another drain sends nothing more: one template until the user writes.
    await runtime.delivery.drain()
    assert len(graph.messages_to(USER)) == 1

    # They write: every held row goes out, free-form, once.
    assert await runtime.delivery.user_wrote(Channel.WHATSAPP, KEY, datetime.now(UTC)) == 3
    await runtime.delivery.drain()
    texts = graph.texts_to(USER)[1:]
    assert sorted(texts) == sorted(
        f"{job}: Backend Developer at Acme" for job in ("job1", "job2", "d1")
    )
    assert set((await statuses(runtime)).values()) == {OutboxStatus.SENT}


async def test_a_131047_status_turns_a_sent_alert_into_a_template(
    runtime: Runtime, graph: FakeGraphAPI
) -> None:
    await add_user(wrote_ago=timedelta(hours=23, minutes=59))  # our clock says open
    await runtime.delivery.outbox.enqueue([alert("job1")])
    await runtime.delivery.drain()
    (first,) = graph.messages_to(USER)

    # Meta disagrees: the message failed, outside the window.
    assert await runtime.delivery.on_status(first.wamid, "failed", "window") == "failed:window"
    await runtime.delivery.drain()
    assert [message.type for message in graph.messages_to(USER)] == ["text", "template"]
    assert await statuses(runtime) == {"job1": OutboxStatus.HELD}


async def test_an_undeliverable_number_is_skipped_and_marked_unreachable(
    runtime: Runtime, graph: FakeGraphAPI
) -> None:
    await add_user(wrote_ago=timedelta(hours=1))
    graph.fail_for(USER, 131026)
    await runtime.delivery.outbox.enqueue([alert("job1")])
    await runtime.delivery.drain()
    raw = await UserDoc.collection().find_one({"_id": KEY})
    assert raw is not None
    assert raw["reachable"] is False
    assert await statuses(runtime) == {"job1": OutboxStatus.SKIPPED}


async def test_the_spam_limit_pauses_the_whole_number(
    runtime: Runtime, graph: FakeGraphAPI
) -> None:
    await add_user(wrote_ago=timedelta(hours=1))
    graph.fail_next(131048)
    await runtime.delivery.outbox.enqueue([alert("job1")])
    report = await runtime.delivery.drain()
    assert report["rate_limited"] == 1
    assert graph.messages_to(USER) == []
    # The channel's schedule is pushed back for every worker, not only this row.
    permit = await runtime.delivery.limiter.acquire("whatsapp", "someone-else")
    assert not permit.granted
    assert permit.wait > 3000


async def test_our_own_bug_is_dead_lettered_not_retried(
    runtime: Runtime, graph: FakeGraphAPI
) -> None:
    await add_user(wrote_ago=timedelta(hours=1))
    graph.fail_next(131009)
    await runtime.delivery.outbox.enqueue([alert("job1")])
    await runtime.delivery.drain()
    assert await statuses(runtime) == {"job1": OutboxStatus.DEAD}
    assert graph.errors(131009) == 1


async def test_outside_the_window_with_the_template_refused_a_linked_address_gets_it_once(
    settings_factory: Any, graph: FakeGraphAPI
) -> None:
    async with FakeSmtpServer() as smtp:
        settings = settings_factory(
            whatsapp=graph.settings(per_user_interval_s=0.05), smtp=smtp.settings()
        )
        runtime = await Runtime.start(settings)
        try:
            await add_user(wrote_ago=timedelta(hours=25))
            mail_key = "email:0123456789abcdef01234567"
            await runtime.linking.people.add_member(
                KEY, mail_key, ChatRef(channel=Channel.EMAIL, chat_id=mail_key),
                datetime.now(UTC), address=runtime.linking.cipher.encrypt(b"ana@example.org"),
                language="de", unsubscribe_nonce="nonce-1",
            )
            graph.fail_next(131009)  # the template is refused (not approved, say)
            await runtime.delivery.outbox.enqueue([alert("job1")])
            report = await runtime.delivery.drain()
            (mail,) = await smtp.wait_for("ana@example.org", 1)
            body = mail.get_body(("plain",))
            assert body is not None
            assert "job1: Backend Developer at Acme" in body.get_content()
            assert report["retargeted"] == 1
            assert report["held"] == 0
            (row,) = await runtime.delivery.outbox.rows_of(mail_key)
            assert row.status is OutboxStatus.SENT
            assert row.channel is Channel.EMAIL
            # Nothing went out on WhatsApp but the refused template; another drain sends nothing.
            await runtime.delivery.drain()
            assert [m.type for m in graph.messages_to(USER)] == []
            assert len(smtp.inbox("ana@example.org")) == 1
        finally:
            await runtime.stop()

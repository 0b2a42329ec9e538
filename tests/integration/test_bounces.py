"""Late bounces: VERP envelope senders, reading delivery status notifications, and a bounce that
arrives after the mail was accepted moving the alert down the person's route (the runtime with
the fake Graph API, aiosmtpd as the mail server, and the bounce listener on loopback)."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import aiosmtplib
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bots.email.bounces import member_of_verp, read_bounce, verp_address
from core.channels import Channel, ChatRef, Reply, email_key
from core.ports.outbox import OutboxKind, OutboxRow, OutboxStatus
from core.store.documents import UserDoc
from tests.fakes.graph_api import FakeGraphAPI
from tests.fakes.smtp_server import FakeSmtpServer
from webhooks.runtime import Runtime

pytestmark = pytest.mark.integration

SECRET = b"s" * 32
MEMBER = "email:0123456789abcdef01234567"


def test_verp_round_trip_and_forgeries() -> None:
    address = verp_address(MEMBER, SECRET, "example.org")
    assert address is not None
    local = address.partition("@")[0]
    assert len(local) <= 64  # RFC 5321
    assert member_of_verp(address, SECRET) == MEMBER
    assert member_of_verp(f"<{address.upper()}>", SECRET) == MEMBER  # case and brackets
    assert member_of_verp(address, b"t" * 32) is None  # another secret
    forged = local[:-1] + ("0" if local[-1] != "0" else "1") + "@example.org"
    assert member_of_verp(forged, SECRET) is None
    assert member_of_verp("jobs@example.org", SECRET) is None
    assert verp_address("telegram:123", SECRET, "example.org") is None
    assert verp_address("email:../../etc", SECRET, "example.org") is None


def dsn(to: str, message_id: str | None, *, action: str = "failed", status: str = "5.1.1") -> bytes:
    headers = f"Message-ID: {message_id}\r\n" if message_id else ""
    return (
        "From: MAILER-DAEMON@mx.example.org\r\n"
        f"To: {to}\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="b"\r\n\r\n'
        "--b\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n"
        "--b\r\nContent-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; mx.example.org\r\n\r\n"
        "Final-Recipient: rfc822; ana@example.org\r\n"
        f"Action: {action}\r\nStatus: {status}\r\n"
        "Diagnostic-Code: smtp; 550 5.1.1 User unknown\r\n\r\n"
        "--b\r\nContent-Type: text/rfc822-headers\r\n\r\n"
        f"{headers}From: JobScout <jobs@localhost>\r\nTo: ana@example.org\r\nSubject: x\r\n\r\n"
        "--b--\r\n"
    ).encode()


AUTO_REPLY = b"From: ana@example.org\r\nSubject: Out of office\r\n\r\nBack on Monday.\r\n"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (dsn("x@y", "<m1@localhost>"), (True, "<m1@localhost>")),
        (dsn("x@y", "<m1@localhost>", action="failed", status="5.2.2"), (True, "<m1@localhost>")),
        (dsn("x@y", "<m1@localhost>", action="delayed", status="4.4.7"), (False, "<m1@localhost>")),
        (dsn("x@y", None), (True, None)),
        (AUTO_REPLY, (False, None)),
        (b"\xff\xfe not mail at all", (False, None)),
        (b"", (False, None)),
    ],
)
def test_read_bounce(raw: bytes, expected: tuple[bool, str | None]) -> None:
    assert read_bounce(raw) == expected


@given(st.binary(max_size=2_000))
def test_read_bounce_never_raises(raw: bytes) -> None:
    read_bounce(raw)


# --- a late bounce on the real stack ----------------------------------------------------------

WA_USER = "4915112345678"
WA_KEY = f"whatsapp:{WA_USER}"
ADDRESS = "ana@example.org"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
async def stack(
    settings_factory: Any,
) -> AsyncIterator[tuple[Runtime, FakeGraphAPI, FakeSmtpServer]]:
    async with FakeGraphAPI() as graph, FakeSmtpServer() as smtp:
        settings = settings_factory(
            whatsapp=graph.settings(per_user_interval_s=0.05),
            smtp=smtp.settings(bounce_port=free_port(), bounce_domain="bounces.example.org"),
        )
        runtime = await Runtime.start(settings)
        listener = await runtime.listen_for_bounces()
        assert listener is not None
        try:
            yield runtime, graph, smtp
        finally:
            await listener.stop()
            await runtime.stop()


async def person_with_an_address(runtime: Runtime) -> str:
    now = datetime.now(UTC)
    await UserDoc.collection().insert_one(
        {"_id": WA_KEY, "channel": "whatsapp", "platform_user_id": WA_USER, "chat_id": WA_USER,
         "created_at": now, "reachable": True, "language": "en",
         "last_inbound_at": now - timedelta(hours=1)}
    )
    member = email_key(ADDRESS, runtime.linking.cipher.derive_key("linking"))
    people = runtime.linking.people
    await people.add_member(
        WA_KEY, member, ChatRef(channel=Channel.EMAIL, chat_id=member), now,
        address=runtime.linking.cipher.encrypt(ADDRESS.encode()), language="en",
        unsubscribe_nonce="n1",
    )
    await people.prefer(WA_KEY, member, now)
    return member


async def send_bounce(runtime: Runtime, rcpt: str, raw: bytes) -> None:
    port = runtime.settings.smtp.bounce_port
    assert port is not None
    await aiosmtplib.send(
        raw, sender="MAILER-DAEMON@mx.example.org", recipients=[rcpt], hostname="127.0.0.1",
        port=port,
    )


async def test_a_late_bounce_moves_the_alert_to_the_next_channel_once(
    stack: tuple[Runtime, FakeGraphAPI, FakeSmtpServer],
) -> None:
    runtime, graph, smtp = stack
    member = await person_with_an_address(runtime)
    row = OutboxRow.new(
        OutboxKind.ALERT, member, ChatRef(channel=Channel.EMAIL, chat_id=member), "job1",
        [Reply(text="job1: Backend Developer at Acme")], now=datetime.now(UTC), person=WA_KEY,
    )
    await runtime.delivery.outbox.enqueue([row])
    await runtime.delivery.drain()
    (mail,) = await smtp.wait_for(ADDRESS, 1)
    verp = next(m.mail_from for m in smtp.mails if ADDRESS in m.rcpt_tos)  # the envelope
    assert verp.startswith("bounces+")
    assert verp.endswith("@bounces.example.org")
    assert ADDRESS not in verp  # the envelope names the key, not the address
    assert graph.messages_to(WA_USER) == []

    await send_bounce(runtime, verp, dsn(verp, str(mail["Message-ID"])))

    async def moved() -> OutboxRow | None:
        for _ in range(100):
            rows = await runtime.delivery.outbox.rows_of(WA_KEY)
            if rows and rows[0].status is OutboxStatus.SENT:
                return rows[0]
            await runtime.delivery.drain()
            await asyncio.sleep(0.05)
        return None

    sent = await moved()
    assert sent is not None
    assert sent.channel is Channel.WHATSAPP
    assert graph.texts_to(WA_USER) == ["job1: Backend Developer at Acme"]
    assert len(smtp.inbox(ADDRESS)) == 1  # never mailed again
    stored = await UserDoc.collection().find_one({"_id": member})
    assert stored is not None
    assert stored["reachable"] is False


async def test_forged_and_temporary_bounces_change_nothing(
    stack: tuple[Runtime, FakeGraphAPI, FakeSmtpServer],
) -> None:
    runtime, _, _ = stack
    member = await person_with_an_address(runtime)
    verp = verp_address(member, runtime.linking.bounce_secret, "bounces.example.org")
    assert verp is not None
    forged = verp.replace(verp.partition("@")[0][-4:], "0000")
    with pytest.raises(aiosmtplib.SMTPRecipientsRefused):
        await send_bounce(runtime, forged, dsn(forged, None))
    await send_bounce(runtime, verp, dsn(verp, None, action="delayed", status="4.4.7"))
    stored = await UserDoc.collection().find_one({"_id": member})
    assert stored is not None
    assert stored["reachable"] is True

    await send_bounce(runtime, verp, dsn(verp, None))  # permanent, names no known mail
    stored = await UserDoc.collection().find_one({"_id": member})
    assert stored is not None
    assert stored["reachable"] is False


async def test_a_second_web_process_on_the_host_leaves_the_bounce_port_to_the_first(
    stack: tuple[Runtime, FakeGraphAPI, FakeSmtpServer],
) -> None:
    runtime, _, _ = stack
    assert await runtime.listen_for_bounces() is None  # the fixture's listener holds the port

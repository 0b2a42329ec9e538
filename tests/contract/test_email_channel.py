"""EmailChannel against a real SMTP server on loopback (aiosmtpd): user keys in, mail out."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from email.message import EmailMessage

import pytest
from structlog.testing import capture_logs

from bots.email.channel import EmailChannel, Mailbox
from bots.email.sender import EmailSender
from core.channels import Button, Reply, ReplySender, SendsWholeRows
from core.errors import RecipientBlocked, TransientError
from tests.fakes.smtp_server import FakeSmtpServer

ANA_KEY = "email:0123456789abcdef01234567"
BEN_KEY = "email:fedcba9876543210fedcba98"
CAROL_KEY = "email:00000000000000000000cafe"
GONE_KEY = "email:aaaaaaaaaaaaaaaaaaaaaaaa"
ANA = "ana@example.com"
BEN = "ben@example.org"
CAROL = "carol@example.net"
NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
UNSUBSCRIBE = "https://jobscout.test/u/u1.token"


def card(title: str, job: str) -> Reply:
    return Reply(
        text=f"💼 {title}\n🏢 Acme GmbH\n📍 Remote (DE)",
        buttons=(
            (Button(label="Apply", url=f"https://jobscout.test/r/{job}"),),
            (Button(label="Save", data=f"m:save:{job}"),),
        ),
    )


BACKEND = card("Senior Backend Engineer", "job1")
DATA = card("Data Engineer", "job2")
SRE = card("Site Reliability Engineer", "job3")

MAILBOXES = {
    ANA_KEY: Mailbox(address=ANA, lang="de", unsubscribe_url=UNSUBSCRIBE),
    BEN_KEY: Mailbox(address=BEN, lang="es", unsubscribe_url="http://localhost:8000/u/x"),
    CAROL_KEY: Mailbox(address=CAROL),
}


class InMemoryMailboxes:
    """The MailboxOf port over a dict; records which keys were asked for."""

    def __init__(self, mailboxes: dict[str, Mailbox]) -> None:
        self.mailboxes = mailboxes
        self.asked: list[str] = []

    async def __call__(self, user_key: str) -> Mailbox | None:
        self.asked.append(user_key)
        return self.mailboxes.get(user_key)


@pytest.fixture
async def smtp() -> AsyncIterator[FakeSmtpServer]:
    async with FakeSmtpServer() as server:
        yield server


@pytest.fixture
def mailboxes() -> InMemoryMailboxes:
    return InMemoryMailboxes(dict(MAILBOXES))


@pytest.fixture
def channel(smtp: FakeSmtpServer, mailboxes: InMemoryMailboxes) -> EmailChannel:
    return EmailChannel(EmailSender(smtp.settings(), clock=lambda: NOW), mailboxes)


def parts(message: EmailMessage) -> tuple[str, str]:
    plain = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert plain is not None
    assert html is not None
    return plain.get_content(), html.get_content()


# ------------------------------------------------------------------------------ alerts


def test_the_channel_is_both_ports(channel: EmailChannel) -> None:
    port: ReplySender = channel
    assert isinstance(port, SendsWholeRows)


async def test_an_alert_is_one_mail_in_the_users_language_with_one_click_unsubscribe(
    channel: EmailChannel, smtp: FakeSmtpServer
) -> None:
    ids = await channel.send(ANA_KEY, BACKEND)

    [message] = await smtp.wait_for(ANA)
    assert ids == [message["Message-ID"]]
    assert message["Message-ID"].endswith("@jobscout.test>")
    assert message["Date"] == "Sun, 22 Nov 2026 10:00:00 +0000"
    assert message["To"] == ANA
    assert message["Subject"] == "💼 Senior Backend Engineer"
    assert message["Content-Language"] == "de"
    assert message["List-Unsubscribe"] == f"<{UNSUBSCRIBE}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.get_content_type() == "multipart/alternative"
    plain, html = parts(message)
    assert "Apply: https://jobscout.test/r/job1" in plain
    assert 'href="https://jobscout.test/r/job1"' in html
    assert UNSUBSCRIBE in plain
    assert "Mit einem Klick abmelden" in plain  # the footer in German
    assert "<img" not in html.lower()
    assert "Save" not in plain  # a callback button means nothing in mail
    assert [mail.rcpt_tos for mail in smtp.mails] == [(ANA,)]


@pytest.mark.parametrize(
    ("key", "address", "list_unsubscribe", "one_click"),
    [
        (ANA_KEY, ANA, f"<{UNSUBSCRIBE}>", "List-Unsubscribe=One-Click"),
        (BEN_KEY, BEN, "<http://localhost:8000/u/x>", None),  # RFC 8058: one-click needs https
        (CAROL_KEY, CAROL, None, None),
    ],
)
async def test_unsubscribe_headers_follow_the_mailbox(
    channel: EmailChannel,
    smtp: FakeSmtpServer,
    key: str,
    address: str,
    list_unsubscribe: str | None,
    one_click: str | None,
) -> None:
    await channel.send(key, DATA)

    [message] = await smtp.wait_for(address)
    assert message["List-Unsubscribe"] == list_unsubscribe
    assert message["List-Unsubscribe-Post"] == one_click


async def test_a_row_that_is_not_a_digest_is_one_mail_per_reply(
    channel: EmailChannel, smtp: FakeSmtpServer
) -> None:
    ids = await channel.send_row(BEN_KEY, [BACKEND, DATA], kind="alert")

    messages = await smtp.wait_for(BEN, 2)
    assert ids == [message["Message-ID"] for message in messages]
    assert len(set(ids)) == 2
    assert [message["Subject"] for message in messages] == [
        "💼 Senior Backend Engineer",
        "💼 Data Engineer",
    ]
    assert {message["Content-Language"] for message in messages} == {"es"}
    assert len(smtp.mails) == 2


# ------------------------------------------------------------------------------ digests


async def test_a_digest_row_is_exactly_one_mail_with_every_card(
    channel: EmailChannel, smtp: FakeSmtpServer, mailboxes: InMemoryMailboxes
) -> None:
    ids = await channel.send_row(ANA_KEY, [BACKEND, DATA, SRE], kind="digest")

    [message] = await smtp.wait_for(ANA)
    assert len(smtp.mails) == 1
    assert ids == [message["Message-ID"]]
    assert message["Subject"] == "3 neue Jobs für dich"
    assert message["List-Unsubscribe"] == f"<{UNSUBSCRIBE}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    plain, html = parts(message)
    for title, job in [
        ("Senior Backend Engineer", "job1"),
        ("Data Engineer", "job2"),
        ("Site Reliability Engineer", "job3"),
    ]:
        assert title in plain
        assert title in html
        assert f'href="https://jobscout.test/r/{job}"' in html
    assert "<img" not in html.lower()
    assert mailboxes.asked == [ANA_KEY]  # one look-up for the whole row


async def test_an_empty_row_sends_nothing(
    channel: EmailChannel, smtp: FakeSmtpServer, mailboxes: InMemoryMailboxes
) -> None:
    assert await channel.send_row(ANA_KEY, [], kind="digest") == []
    assert smtp.mails == []
    assert mailboxes.asked == []


# ------------------------------------------------------------------------------ failures


async def test_no_mailbox_is_recipient_blocked_and_nothing_is_sent(
    channel: EmailChannel, smtp: FakeSmtpServer
) -> None:
    with capture_logs() as logs:
        for attempt in (
            channel.send(GONE_KEY, BACKEND),
            channel.send_row(GONE_KEY, [BACKEND, DATA], kind="digest"),
            channel.send_row(GONE_KEY, [BACKEND], kind="alert"),
        ):
            with pytest.raises(RecipientBlocked, match="no verified address"):
                await attempt

    assert smtp.mails == []
    assert [entry["event"] for entry in logs] == ["email.mailbox.missing"] * 3


@pytest.mark.parametrize("kind", ["alert", "digest"])
async def test_550_on_rcpt_is_recipient_blocked(
    channel: EmailChannel, smtp: FakeSmtpServer, kind: str
) -> None:
    smtp.fail_next(550, stage="rcpt")

    with pytest.raises(RecipientBlocked, match="550"):
        await channel.send_row(ANA_KEY, [BACKEND, DATA], kind=kind)
    assert smtp.mails == []


@pytest.mark.parametrize("kind", ["alert", "digest"])
async def test_451_is_transient_and_the_retry_gets_through(
    channel: EmailChannel, smtp: FakeSmtpServer, kind: str
) -> None:
    smtp.fail_next(451, stage="rcpt")

    with pytest.raises(TransientError, match="451"):
        await channel.send_row(ANA_KEY, [BACKEND], kind=kind)
    assert smtp.mails == []

    await channel.send_row(ANA_KEY, [BACKEND], kind=kind)
    assert len(await smtp.wait_for(ANA)) == 1


async def test_a_mailbox_address_that_is_not_plain_is_blocked_before_sending(
    smtp: FakeSmtpServer,
) -> None:
    mailboxes = InMemoryMailboxes({ANA_KEY: Mailbox(address="ana@example.com\r\nBcc: e@evil.test")})
    channel = EmailChannel(EmailSender(smtp.settings(), clock=lambda: NOW), mailboxes)

    with pytest.raises(RecipientBlocked, match="not a deliverable"):
        await channel.send(ANA_KEY, BACKEND)
    assert smtp.mails == []


# ------------------------------------------------------------------------------ privacy


async def test_no_address_in_logs_or_reprs(channel: EmailChannel, smtp: FakeSmtpServer) -> None:
    smtp.fail_next(451, stage="rcpt")

    with capture_logs() as logs:
        with pytest.raises(TransientError):
            await channel.send(ANA_KEY, BACKEND)
        await channel.send_row(ANA_KEY, [BACKEND, DATA], kind="digest")
        with pytest.raises(RecipientBlocked):
            await channel.send(GONE_KEY, BACKEND)

    assert {entry["event"] for entry in logs} == {
        "email.send.deferred",
        "email.sent",
        "email.mailbox.missing",
    }
    assert all("ana@" not in str(entry) for entry in logs)
    assert "ana@" not in repr(MAILBOXES[ANA_KEY])
    assert "ana@" not in str(MAILBOXES[ANA_KEY])

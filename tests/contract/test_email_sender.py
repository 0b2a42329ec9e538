"""EmailSender against a real SMTP server on loopback (aiosmtpd): what arrives and what fails."""

from __future__ import annotations

import asyncio
import ipaddress
import ssl
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from structlog.testing import capture_logs

from bots.email.render import render_email
from bots.email.sender import EmailSender
from core.channels import Button, Reply, ReplySender
from core.errors import RecipientBlocked, RejectedByPlatform, TransientError
from core.settings import Settings, SmtpSettings
from tests.fakes.smtp_server import FakeSmtpServer, Stage

ANA = "ana@example.com"
BEN = "ben@example.org"
NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
APPLY = "https://jobscout.test/r/abc"
CARD = Reply(
    text="💼 Senior Backend Engineer\n🏢 Acme GmbH\n📍 Remote (DE)",
    buttons=(
        (Button(label="Apply", url=APPLY),),
        (Button(label="Save", data="m:save:job1"), Button(label="Why?", data="m:why:job1")),
    ),
)


def unsubscribe(address: str) -> str:
    return f"https://jobscout.test/u/{address.split('@')[0]}"


def sender(settings: SmtpSettings, tls_context: ssl.SSLContext | None = None) -> EmailSender:
    return EmailSender(
        settings, unsubscribe_url=unsubscribe, tls_context=tls_context, clock=lambda: NOW
    )


@pytest.fixture
async def smtp() -> AsyncIterator[FakeSmtpServer]:
    async with FakeSmtpServer() as server:
        yield server


# ------------------------------------------------------------------------------ delivery


async def test_a_reply_arrives_with_its_headers_and_both_parts(smtp: FakeSmtpServer) -> None:
    port: ReplySender = sender(smtp.settings())

    ids = await port.send(ANA, CARD)

    [message] = await smtp.wait_for(ANA)
    assert ids == [message["Message-ID"]]
    assert message["Message-ID"].endswith("@jobscout.test>")
    assert message["From"] == "JobScout <jobs@jobscout.test>"
    assert message["To"] == ANA
    assert message["Subject"] == "💼 Senior Backend Engineer"
    assert message["Date"] == "Sun, 22 Nov 2026 10:00:00 +0000"
    assert message["List-Unsubscribe"] == "<https://jobscout.test/u/ana>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.get_content_type() == "multipart/alternative"
    plain = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert plain is not None
    assert html is not None
    assert f"Apply: {APPLY}" in plain.get_content()
    assert f'href="{APPLY}"' in html.get_content()
    assert "Save" not in plain.get_content()
    [mail] = smtp.mails
    assert mail.mail_from == "jobs@jobscout.test"
    assert mail.rcpt_tos == (ANA,)
    assert mail.login is None


async def test_acknowledge_does_nothing(smtp: FakeSmtpServer) -> None:
    await sender(smtp.settings()).acknowledge("any")

    assert smtp.mails == []


async def test_a_digest_and_a_code_arrive_in_the_users_language(smtp: FakeSmtpServer) -> None:
    mailer = sender(smtp.settings())

    digest_id = await mailer.send_digest(ANA, [CARD, CARD], lang="de")
    code_id = await mailer.send_code(BEN, "483920", lang="es")

    [digest] = await smtp.wait_for(ANA)
    [code] = await smtp.wait_for(BEN)
    assert digest["Message-ID"] == digest_id
    assert digest["Subject"] == "2 neue Jobs für dich"
    assert digest["Content-Language"] == "de"
    assert digest["List-Unsubscribe"] == "<https://jobscout.test/u/ana>"
    assert code["Message-ID"] == code_id
    assert code["Subject"] == "Tu código de verificación de JobScout"
    assert code["List-Unsubscribe"] is None
    code_text = code.get_body(preferencelist=("plain",))
    assert code_text is not None
    assert "483920" in code_text.get_content()


async def test_non_ascii_names_subjects_and_domains_travel_encoded(smtp: FakeSmtpServer) -> None:
    mailer = sender(smtp.settings(from_address="JobScout Büro <jobs@jobscout.test>"))
    reply = Reply(text="Überraschung: 3 Jobs für Sie – ¡olé! 🚀\nMehr…")

    await mailer.send("zoe@bücher.de", reply)

    [message] = await smtp.wait_for("zoe@xn--bcher-kva.de")
    [mail] = smtp.mails
    headers = mail.raw.split(b"\r\n\r\n", 1)[0]
    assert headers.isascii()
    assert b"=?utf-8?" in headers
    assert message["Subject"] == "Überraschung: 3 Jobs für Sie – ¡olé! 🚀"
    assert message["From"].addresses[0].display_name == "JobScout Büro"
    assert mail.rcpt_tos == ("zoe@xn--bcher-kva.de",)


async def test_concurrent_sends_each_arrive_once(smtp: FakeSmtpServer) -> None:
    mailer = sender(smtp.settings())
    addresses = [f"user{index}@example.com" for index in range(20)]

    ids = await asyncio.gather(*(mailer.send(address, CARD) for address in addresses))

    assert len({message_id for [message_id] in ids}) == 20
    for address in addresses:
        assert len(await smtp.wait_for(address)) == 1
    assert len(smtp.mails) == 20


async def test_a_pre_rendered_message_is_sent_as_it_is(smtp: FakeSmtpServer) -> None:
    message = render_email(
        CARD,
        to=BEN,
        lang="en",
        subject="Hand made",
        unsubscribe_url=None,
        from_address="JobScout <jobs@jobscout.test>",
        message_id_domain="jobscout.test",
        now=NOW,
    )

    message_id = await sender(smtp.settings()).send_message(message)

    [arrived] = await smtp.wait_for(BEN)
    assert arrived["Message-ID"] == message_id == message["Message-ID"]
    assert arrived["Subject"] == "Hand made"


# ------------------------------------------------------------------------------ failures


@pytest.mark.parametrize(
    ("stage", "code"),
    [("rcpt", 450), ("rcpt", 451), ("rcpt", 452), ("rcpt", 421), ("data", 451), ("mail", 451)],
)
async def test_4xx_is_transient_and_the_retry_gets_through(
    smtp: FakeSmtpServer, stage: Stage, code: int
) -> None:
    mailer = sender(smtp.settings())
    smtp.fail_next(code, stage=stage)

    with pytest.raises(TransientError, match=str(code)):
        await mailer.send(ANA, CARD)
    assert smtp.mails == []

    await mailer.send(ANA, CARD)
    assert len(await smtp.wait_for(ANA)) == 1


@pytest.mark.parametrize(
    ("stage", "code"), [("rcpt", 550), ("rcpt", 551), ("rcpt", 553), ("data", 554), ("data", 552)]
)
async def test_5xx_on_rcpt_or_data_marks_the_address_undeliverable(
    smtp: FakeSmtpServer, stage: Stage, code: int
) -> None:
    smtp.fail_next(code, stage=stage)

    with pytest.raises(RecipientBlocked, match=str(code)):
        await sender(smtp.settings()).send(ANA, CARD)
    assert smtp.mails == []


async def test_one_refused_mailbox_does_not_stop_the_others(smtp: FakeSmtpServer) -> None:
    smtp.reject(ANA)
    mailer = sender(smtp.settings())

    with pytest.raises(RecipientBlocked):
        await mailer.send(ANA, CARD)
    with pytest.raises(RecipientBlocked):
        await mailer.send_digest(ANA, [CARD], lang="en")
    await mailer.send(BEN, CARD)

    assert len(await smtp.wait_for(BEN)) == 1
    assert smtp.inbox(ANA) == []


async def test_our_sender_refused_is_a_configuration_error(smtp: FakeSmtpServer) -> None:
    smtp.fail_next(553, stage="mail")

    with capture_logs() as logs, pytest.raises(RejectedByPlatform) as refused:
        await sender(smtp.settings()).send(ANA, CARD)

    assert refused.value.code == 553
    assert [entry["event"] for entry in logs if entry["log_level"] == "error"] == ["email.rejected"]


async def test_a_login_is_made_when_a_username_is_set() -> None:
    async with FakeSmtpServer(username="mailer", password="s3cret") as smtp:
        await sender(smtp.settings()).send(ANA, CARD)

        await smtp.wait_for(ANA)
        assert smtp.mails[0].login == "mailer"
        assert smtp.auth_failures == 0


async def test_a_refused_login_is_a_logged_configuration_error() -> None:
    async with FakeSmtpServer(username="mailer", password="s3cret") as smtp:
        mailer = sender(smtp.settings(password="wrong"))

        with capture_logs() as logs, pytest.raises(RejectedByPlatform) as refused:
            await mailer.send(ANA, CARD)

        assert refused.value.code == 535
        assert "login" in refused.value.detail
        assert smtp.auth_failures >= 1
        assert smtp.mails == []
        assert any(
            entry["event"] == "email.rejected" and entry["log_level"] == "error" for entry in logs
        )


async def test_no_login_where_the_server_requires_one_is_a_configuration_error() -> None:
    async with FakeSmtpServer(username="mailer", password="s3cret") as smtp:
        with pytest.raises(RejectedByPlatform) as refused:
            await sender(smtp.settings(username=None, password=None)).send(ANA, CARD)

        assert refused.value.code == 530


async def test_starttls_required_but_not_offered_is_a_configuration_error(
    smtp: FakeSmtpServer,
) -> None:
    with pytest.raises(RejectedByPlatform, match="STARTTLS"):
        await sender(smtp.settings(security="starttls")).send(ANA, CARD)


async def test_nobody_listening_is_transient(smtp: FakeSmtpServer) -> None:
    settings = smtp.settings()
    await smtp.stop()

    with pytest.raises(TransientError):
        await sender(settings).send(ANA, CARD)


async def _serve(
    handle: Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]],
) -> asyncio.Server:
    return await asyncio.start_server(handle, "127.0.0.1", 0)


async def test_a_server_that_never_greets_times_out_as_transient() -> None:
    release = asyncio.Event()

    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await release.wait()
        writer.close()

    server = await _serve(silent)
    port = server.sockets[0].getsockname()[1]
    try:
        settings = SmtpSettings(host="127.0.0.1", port=port, security="none", timeout_s=0.2)
        with pytest.raises(TransientError):
            await sender(settings).send(ANA, CARD)
    finally:
        release.set()
        server.close()
        await server.wait_closed()


async def test_a_dropped_connection_is_transient() -> None:
    async def hang_up(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(b"220 flaky.test ESMTP\r\n")
        await writer.drain()
        await reader.readline()  # EHLO
        writer.close()

    server = await _serve(hang_up)
    port = server.sockets[0].getsockname()[1]
    try:
        settings = SmtpSettings(host="127.0.0.1", port=port, security="none", timeout_s=2.0)
        with pytest.raises(TransientError):
            await sender(settings).send(ANA, CARD)
    finally:
        server.close()
        await server.wait_closed()


# ------------------------------------------------------------------------------ addresses


@pytest.mark.parametrize(
    "address",
    [
        "a@b.c\r\nBcc: x@y.z",
        "ana@example.com\nBcc: eve@evil.test",
        "ana@example.com\r\n",
        "ana@example.com, eve@evil.test",
        "Ana <ana@example.com>",
        "ana@example",
        "",
    ],
)
async def test_an_address_that_is_not_one_plain_address_is_refused_before_sending(
    smtp: FakeSmtpServer, address: str
) -> None:
    mailer = sender(smtp.settings())

    with capture_logs() as logs:
        for attempt in (
            mailer.send(address, CARD),
            mailer.send_digest(address, [CARD], lang="en"),
            mailer.send_code(address, "123456", lang="en"),
        ):
            with pytest.raises(RecipientBlocked, match="not a deliverable"):
                await attempt

    assert smtp.mails == []
    assert all("evil" not in str(entry) for entry in logs)


async def test_a_message_with_more_than_one_recipient_is_not_sent(smtp: FakeSmtpServer) -> None:
    message = EmailMessage()
    message["From"] = "jobs@jobscout.test"
    message["To"] = ANA
    message["Bcc"] = "eve@evil.test"
    message["Message-ID"] = "<x@jobscout.test>"
    message.set_content("hi")

    with pytest.raises(ValueError, match="exactly one"):
        await sender(smtp.settings()).send_message(message)
    assert smtp.mails == []


async def test_logs_name_the_domain_never_the_address(smtp: FakeSmtpServer) -> None:
    mailer = sender(smtp.settings())
    smtp.fail_next(451)

    with capture_logs() as logs:
        with pytest.raises(TransientError):
            await mailer.send(ANA, CARD)
        await mailer.send(ANA, CARD)

    assert {entry["event"] for entry in logs} >= {"email.send.deferred", "email.sent"}
    assert all(entry.get("domain") == "example.com" for entry in logs)
    assert all("ana@" not in str(entry) for entry in logs)


def test_settings_without_a_host_are_refused() -> None:
    with pytest.raises(ValueError, match="SMTP__HOST"):
        EmailSender(SmtpSettings())


def test_a_from_address_that_is_not_one_address_is_refused() -> None:
    with pytest.raises(ValueError, match="address"):
        EmailSender(SmtpSettings(host="127.0.0.1", from_address="JobScout"))


# ------------------------------------------------------------------------------ TLS


def self_signed() -> tuple[bytes, bytes]:
    """A certificate for 127.0.0.1 and its key (PEM), valid for a day."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "smtp.fake.test")])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return certificate.public_bytes(serialization.Encoding.PEM), key_pem


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    """(server context, client context that trusts only this certificate)."""
    cert_pem, key_pem = self_signed()
    folder = tmp_path_factory.mktemp("tls")
    (folder / "cert.pem").write_bytes(cert_pem)
    (folder / "key.pem").write_bytes(key_pem)
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(folder / "cert.pem", folder / "key.pem")
    client = ssl.create_default_context(cadata=cert_pem.decode())
    return server, client


@pytest.mark.parametrize("implicit", [False, True], ids=["starttls", "tls"])
async def test_mail_goes_over_tls_with_a_login(
    certificate: tuple[ssl.SSLContext, ssl.SSLContext], implicit: bool
) -> None:
    server_context, client_context = certificate
    async with FakeSmtpServer(
        username="mailer", password="s3cret", tls_context=server_context, implicit_tls=implicit
    ) as smtp:
        settings = smtp.settings()
        assert settings.security == ("tls" if implicit else "starttls")

        await sender(settings, tls_context=client_context).send(ANA, CARD)

        await smtp.wait_for(ANA)
        assert smtp.mails[0].tls
        assert smtp.mails[0].login == "mailer"


@pytest.mark.parametrize("implicit", [False, True], ids=["starttls", "tls"])
async def test_an_untrusted_certificate_is_not_sent_to(
    certificate: tuple[ssl.SSLContext, ssl.SSLContext], implicit: bool
) -> None:
    server_context, _ = certificate
    async with FakeSmtpServer(tls_context=server_context, implicit_tls=implicit) as smtp:
        with capture_logs() as logs, pytest.raises(TransientError, match="CERTIFICATE"):
            await sender(smtp.settings()).send(ANA, CARD)

        assert smtp.mails == []
        assert [entry["event"] for entry in logs] == ["email.tls.failed"]
        assert logs[0]["log_level"] == "error"


# ------------------------------------------------------------------------------ settings


def test_the_channel_is_on_once_a_host_is_set_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("SMTP__HOST", raising=False)
    assert not Settings(_env_file=None).email_enabled

    monkeypatch.setenv("SMTP__HOST", "smtp.example.org")
    monkeypatch.setenv("SMTP__SECURITY", "tls")
    monkeypatch.setenv("SMTP__PASSWORD", "s3cret")
    settings = Settings(_env_file=None)

    assert settings.email_enabled
    assert settings.smtp.security == "tls"
    assert settings.smtp.port == 587
    assert settings.smtp.password is not None
    assert settings.smtp.password.get_secret_value() == "s3cret"
    assert "s3cret" not in repr(settings.smtp)

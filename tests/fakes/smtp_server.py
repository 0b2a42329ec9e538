"""A real SMTP server on loopback (aiosmtpd) in the test's own event loop.

It records every accepted message, parsed, per recipient (``wait_for``), and answers on demand:
``fail_next(code, n, stage=...)`` for the next MAIL, RCPT or DATA commands, ``reject(address)``
for one recipient for good, AUTH PLAIN/LOGIN checked against a username and password, STARTTLS
or implicit TLS with a context the test makes. ``settings()`` points ``SmtpSettings`` at it.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
from collections import deque
from dataclasses import dataclass
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import default
from typing import Any, Literal, Self

from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session
from pydantic import SecretStr

from core.settings import SmtpSettings

Stage = Literal["mail", "rcpt", "data"]

# What a real server says with each code (RFC 3463 enhanced status codes).
_TEXTS = {
    421: "4.3.2 Service not available, closing transmission channel",
    450: "4.2.1 Mailbox temporarily unavailable",
    451: "4.3.0 Local error in processing, try again later",
    452: "4.2.2 Mailbox full",
    530: "5.7.0 Authentication required",
    550: "5.1.1 Mailbox unavailable",
    552: "5.3.4 Message size exceeds fixed limit",
    553: "5.1.3 Mailbox name not allowed",
    554: "5.7.1 Message rejected",
}


@dataclass(frozen=True)
class ReceivedMail:
    """One accepted message: its envelope, what the client logged in as, and the parsed mail."""

    mail_from: str
    rcpt_tos: tuple[str, ...]
    message: EmailMessage
    raw: bytes
    login: str | None
    tls: bool


class _QuietLoginData(logging.Filter):
    """aiosmtpd 1.4 sets its own deprecated ``Session.login_data`` on every AUTH and warns about
    it in its log; nothing a test can change, so that one line is dropped."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Session.login_data is deprecated")


_MAIL_LOG = logging.getLogger("mail.log")
if not any(isinstance(existing, _QuietLoginData) for existing in _MAIL_LOG.filters):
    _MAIL_LOG.addFilter(_QuietLoginData())


def _answer(code: int, text: str | None) -> str:
    return f"{code} {text or _TEXTS.get(code, 'Error')}"


class _Handler:
    """aiosmtpd's hooks, answering from the server's scripted failures."""

    def __init__(self, fake: FakeSmtpServer) -> None:
        self._fake = fake

    async def handle_MAIL(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        mail_options: list[str],
    ) -> str:
        if self._fake.username is not None and not session.authenticated:
            return _answer(530, None)
        failure = self._fake._take_failure("mail")
        if failure is not None:
            return failure
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 2.1.0 OK"

    async def handle_RCPT(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        rejected = self._fake._rejected.get(address.lower())
        if rejected is not None:
            return rejected
        failure = self._fake._take_failure("rcpt")
        if failure is not None:
            return failure
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        failure = self._fake._take_failure("data")
        if failure is not None:
            return failure
        raw = envelope.original_content or b""
        message = BytesParser(policy=default).parsebytes(raw)
        assert isinstance(message, EmailMessage)
        auth = session.auth_data
        login = auth.login.decode() if isinstance(auth, LoginPassword) else None
        self._fake._record(
            ReceivedMail(
                mail_from=envelope.mail_from or "",
                rcpt_tos=tuple(envelope.rcpt_tos),
                message=message,
                raw=raw,
                login=login,
                # STARTTLS or implicit TLS: either way the transport is encrypted now.
                tls=server.transport is not None
                and server.transport.get_extra_info("sslcontext") is not None,
            )
        )
        return "250 2.0.0 Message accepted for delivery"


class FakeSmtpServer:
    """SMTP on 127.0.0.1:<free port>; ``async with FakeSmtpServer() as smtp: ...``."""

    def __init__(
        self,
        *,
        username: str | None = None,
        password: str | None = None,
        tls_context: ssl.SSLContext | None = None,
        implicit_tls: bool = False,
        hostname: str = "smtp.fake.test",
    ) -> None:
        """With ``username``, MAIL needs a successful AUTH first; with ``tls_context``, the server
        offers STARTTLS, or speaks TLS from the first byte when ``implicit_tls``."""
        if implicit_tls and tls_context is None:
            raise ValueError("implicit TLS needs a tls_context")
        self.username = username
        self.password = password or ""
        self.hostname = hostname
        self.mails: list[ReceivedMail] = []
        self.auth_failures = 0
        self._tls_context = tls_context
        self._implicit_tls = implicit_tls
        self._failures: dict[Stage, deque[str]] = {
            "mail": deque(),
            "rcpt": deque(),
            "data": deque(),
        }
        self._rejected: dict[str, str] = {}
        self._arrived = asyncio.Condition()
        self._server: asyncio.Server | None = None
        self._protocols: list[SMTP] = []
        self._port: int | None = None

    # --- scripting ------------------------------------------------------------------------------

    def fail_next(
        self, code: int, n: int = 1, *, stage: Stage = "rcpt", text: str | None = None
    ) -> None:
        """Answer the next ``n`` commands of ``stage`` with ``code`` (4xx or 5xx)."""
        if not 400 <= code < 600:
            raise ValueError("a failure is a 4xx or 5xx code")
        self._failures[stage].extend([_answer(code, text)] * n)

    def reject(self, address: str, code: int = 550, text: str | None = None) -> None:
        """Refuse RCPT TO this address from now on."""
        self._rejected[address.lower()] = _answer(code, text)

    def _take_failure(self, stage: Stage) -> str | None:
        queue = self._failures[stage]
        return queue.popleft() if queue else None

    # --- what arrived ---------------------------------------------------------------------------

    def _record(self, mail: ReceivedMail) -> None:
        self.mails.append(mail)
        # The handler runs in the server's task; wake the waiters without blocking it.
        asyncio.get_running_loop().create_task(self._notify())

    async def _notify(self) -> None:
        async with self._arrived:
            self._arrived.notify_all()

    def inbox(self, address: str) -> list[EmailMessage]:
        """The messages accepted for ``address`` (envelope recipient), oldest first."""
        wanted = address.lower()
        return [
            mail.message
            for mail in self.mails
            if wanted in (rcpt.lower() for rcpt in mail.rcpt_tos)
        ]

    async def wait_for(
        self,
        address: str,
        n: int = 1,
        timeout: float = 5.0,  # noqa: ASYNC109 - the deadline is this helper's whole point
    ) -> list[EmailMessage]:
        """The first ``n`` messages for ``address`` once they have arrived (TimeoutError if not)."""
        try:
            async with asyncio.timeout(timeout), self._arrived:
                await self._arrived.wait_for(lambda: len(self.inbox(address)) >= n)
        except TimeoutError:
            got = len(self.inbox(address))
            raise TimeoutError(f"{got} of {n} messages for {address} arrived") from None
        return self.inbox(address)[:n]

    # --- running ----------------------------------------------------------------------------------

    def _authenticate(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, auth_data: Any
    ) -> AuthResult:
        ok = (
            isinstance(auth_data, LoginPassword)
            and self.username is not None
            and auth_data.login == self.username.encode()
            and auth_data.password == self.password.encode()
        )
        if not ok:
            self.auth_failures += 1
        return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)

    def _protocol(self) -> SMTP:
        protocol = SMTP(
            _Handler(self),
            hostname=self.hostname,
            ident="FakeSMTP",
            enable_SMTPUTF8=True,
            # STARTTLS is offered only on a plain connection: implicit TLS is TLS already.
            tls_context=None if self._implicit_tls else self._tls_context,
            # The tests log in over plain loopback too; production servers insist on TLS.
            auth_require_tls=False,
            authenticator=self._authenticate,
            timeout=30,
            loop=asyncio.get_running_loop(),
        )
        self._protocols.append(protocol)
        return protocol

    async def start(self) -> None:
        if self._server is not None:
            raise RuntimeError("the fake SMTP server is already running")
        self._server = await asyncio.get_running_loop().create_server(
            self._protocol,
            host="127.0.0.1",
            port=0,
            ssl=self._tls_context if self._implicit_tls else None,
        )
        self._port = int(self._server.sockets[0].getsockname()[1])

    async def stop(self) -> None:
        if self._server is None:
            return
        self._server.close()
        for protocol in self._protocols:
            if protocol.transport is not None:
                protocol.transport.close()
        await self._server.wait_closed()
        # Let each connection's handler task see its connection closed.
        await asyncio.sleep(0)
        self._server = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("start the fake SMTP server first")
        return self._port

    def settings(self, **overrides: Any) -> SmtpSettings:
        """SmtpSettings for this server: plain SMTP (or TLS as it was started), its login."""
        security = "tls" if self._implicit_tls else "starttls" if self._tls_context else "none"
        values: dict[str, Any] = {
            "host": "127.0.0.1",
            "port": self.port,
            "security": security,
            "username": self.username,
            "password": SecretStr(self.password) if self.username is not None else None,
            "from_address": "JobScout <jobs@jobscout.test>",
            "timeout_s": 5.0,
            **overrides,
        }
        return SmtpSettings(**values)

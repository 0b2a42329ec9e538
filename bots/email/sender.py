"""E-mail outbound over SMTP (aiosmtplib): replies, digests and codes; SMTP errors → ours.

One connection per message: mail goes out a few times a day per person (digests, codes), so a
pooled connection would buy little and add idle-timeout and reconnect handling; every send opens,
upgrades (STARTTLS or TLS), logs in when a username is set, sends and quits.

Errors:
- 5xx on RCPT or DATA → ``RecipientBlocked`` (the address is undeliverable; stop sending there);
- 4xx anywhere, timeouts, refused or dropped connections → ``TransientError`` (retry later);
- a refused login, our sender refused, a server without STARTTLS or AUTH when the settings ask
  for them → ``RejectedByPlatform`` (our configuration: retrying cannot help), logged;
- an address that is not one plain ``local@domain`` (e.g. a header smuggled in with CR/LF) →
  ``RecipientBlocked`` before anything is sent: no retry will ever make it deliverable.

Logs name the recipient's domain only, never the address.
"""

from __future__ import annotations

import ssl
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from typing import Final

import aiosmtplib

from bots.email.render import (
    normalize_address,
    parse_from_address,
    render_code,
    render_digest,
    render_email,
    subject_from,
)
from core.channels import Reply
from core.errors import AppError, RecipientBlocked, RejectedByPlatform, TransientError
from core.logging import get_logger
from core.settings import SmtpSettings

__all__ = ["EmailSender", "smtp_error"]

_log = get_logger(__name__)
Clock = Callable[[], datetime]
UnsubscribeUrl = Callable[[str], str | None]

_SUBJECT_CHARS: Final = 78  # what most mail clients show in a list


def _utc_now() -> datetime:
    return datetime.now(UTC)


def smtp_error(exc: aiosmtplib.SMTPException) -> AppError:
    """Our error for an aiosmtplib exception (see the module docstring for the mapping)."""
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        codes = [refused.code for refused in exc.recipients]
        if codes and all(code >= 500 for code in codes):
            return RecipientBlocked(f"smtp: recipient refused ({codes[0]})")
        return TransientError(f"smtp: recipient deferred ({codes[0] if codes else '?'})")
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        if 400 <= exc.code < 500:
            return TransientError(f"smtp: {exc.code} {exc.message}")
        if isinstance(exc, aiosmtplib.SMTPRecipientRefused | aiosmtplib.SMTPDataError):
            return RecipientBlocked(f"smtp: {exc.code} {exc.message}")
        if isinstance(exc, aiosmtplib.SMTPAuthenticationError):
            return RejectedByPlatform(exc.code, f"smtp login refused: {exc.message}")
        if isinstance(exc, aiosmtplib.SMTPSenderRefused):
            return RejectedByPlatform(exc.code, f"smtp sender refused: {exc.message}")
        if exc.code >= 500:
            return RejectedByPlatform(exc.code, f"smtp: {exc.message}")
        return TransientError(f"smtp: {exc.code} {exc.message}")
    if isinstance(exc, aiosmtplib.SMTPNotSupported) or type(exc) is aiosmtplib.SMTPException:
        # aiosmtplib raises the bare class for "no STARTTLS" or "no AUTH" on this server.
        return RejectedByPlatform(None, f"smtp: {exc}")
    # Timeouts, refused connections, dropped connections.
    return TransientError(f"smtp: {type(exc).__name__}: {exc}")


def _tls_failure(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    for _ in range(3):  # aiosmtplib wraps the ssl error once at most
        if seen is None:
            return False
        if isinstance(seen, ssl.SSLError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _domain(address: str) -> str:
    return address.rpartition("@")[2]


class EmailSender:
    """ReplySender over SMTP: ``send(chat_id=address, reply)`` mails the reply and returns its
    Message-ID; also sends digests, verification codes and any pre-rendered message."""

    def __init__(
        self,
        settings: SmtpSettings,
        *,
        lang: str = "en",
        unsubscribe_url: UnsubscribeUrl | None = None,
        message_id_domain: str | None = None,
        tls_context: ssl.SSLContext | None = None,
        clock: Clock = _utc_now,
    ) -> None:
        """``lang``: the language of replies sent through ``send`` (the port carries none);
        ``unsubscribe_url``: the one-click link for an address, or None for none;
        ``tls_context``: for a private CA (tests); by default the system's trust store."""
        if not settings.host:
            raise ValueError("SMTP__HOST is not set")
        self._settings = settings
        self._from = str(parse_from_address(settings.from_address))
        self._domain = message_id_domain or parse_from_address(settings.from_address).domain
        self._lang = lang
        self._unsubscribe_url = unsubscribe_url
        self._tls_context = tls_context
        self._clock = clock

    async def send(
        self,
        chat_id: str,
        reply: Reply,
        *,
        lang: str | None = None,
        unsubscribe_url: str | None = None,
        envelope_from: str | None = None,
    ) -> list[str]:
        """Mail one reply to the address ``chat_id``; its subject is the reply's first line.
        ``lang`` / ``unsubscribe_url``: this recipient's, over the sender's defaults."""
        address = self._checked(chat_id)
        first_line = next((line for line in reply.text.splitlines() if line.strip()), "JobScout")
        message = render_email(
            reply,
            to=address,
            lang=lang or self._lang,
            subject=subject_from(first_line, _SUBJECT_CHARS),
            unsubscribe_url=unsubscribe_url or self._unsubscribe_for(address),
            from_address=self._from,
            message_id_domain=self._domain,
            now=self._clock(),
        )
        return [await self.send_message(message, envelope_from=envelope_from)]

    async def acknowledge(self, callback_id: str) -> None:
        """Mail has no buttons to answer."""
        del callback_id

    async def send_digest(
        self,
        address: str,
        cards: Sequence[Reply],
        *,
        lang: str,
        subject: str | None = None,
        unsubscribe_url: str | None = None,
        envelope_from: str | None = None,
    ) -> str:
        """Several job cards in one mail; its Message-ID. ``unsubscribe_url``: this recipient's,
        over the sender's default."""
        address = self._checked(address)
        message = render_digest(
            cards,
            to=address,
            lang=lang,
            unsubscribe_url=unsubscribe_url or self._unsubscribe_for(address),
            from_address=self._from,
            message_id_domain=self._domain,
            now=self._clock(),
            subject=subject,
        )
        return await self.send_message(message, envelope_from=envelope_from)

    async def send_code(self, address: str, code: str, *, lang: str) -> str:
        """The verification code for a new address; its Message-ID."""
        address = self._checked(address)
        message = render_code(
            code,
            lang,
            to=address,
            from_address=self._from,
            message_id_domain=self._domain,
            now=self._clock(),
        )
        return await self.send_message(message)

    async def send_message(self, message: EmailMessage, *, envelope_from: str | None = None) -> str:
        """Send a rendered message to its one ``To`` address; its Message-ID. ``envelope_from``:
        the envelope sender bounces go to (a VERP address, bots/email/bounces.py), over ours."""
        recipients: Sequence[Address] = getattr(message["To"], "addresses", ())
        if len(recipients) != 1 or message.get_all("Cc") or message.get_all("Bcc"):
            raise ValueError("a message goes to exactly one To address")
        address = self._checked(recipients[0].addr_spec)
        message_id = str(message["Message-ID"] or "")
        if not message_id:
            raise ValueError("a message needs a Message-ID")
        client = aiosmtplib.SMTP(
            hostname=self._settings.host,
            port=self._settings.port,
            username=self._settings.username or None,
            password=(
                self._settings.password.get_secret_value()
                if self._settings.password is not None
                else None
            ),
            timeout=self._settings.timeout_s,
            use_tls=self._settings.security == "tls",
            start_tls=self._settings.security == "starttls",
            tls_context=self._tls_context,
        )
        try:
            async with client:
                await client.send_message(
                    message, sender=envelope_from or self._envelope_from, recipients=address
                )
        except (aiosmtplib.SMTPException, OSError) as exc:
            # OSError: a TLS failure or a socket error aiosmtplib did not wrap.
            error = smtp_error(exc) if isinstance(exc, aiosmtplib.SMTPException) else None
            error = error or TransientError(f"smtp: {type(exc).__name__}: {exc}")
            self._log_failure(error, address, exc)
            raise error from exc
        _log.info("email.sent", domain=_domain(address), message_id=message_id)
        return message_id

    @property
    def _envelope_from(self) -> str:
        return parse_from_address(self._from).addr_spec

    def _checked(self, address: str) -> str:
        normalized = normalize_address(address)
        if normalized is None or address != address.strip():
            # Never echo the value: it may be a header-injection attempt or someone's address.
            _log.warning("email.address.invalid")
            raise RecipientBlocked("not a deliverable e-mail address")
        return normalized

    def _unsubscribe_for(self, address: str) -> str | None:
        return self._unsubscribe_url(address) if self._unsubscribe_url is not None else None

    def _log_failure(self, error: AppError, address: str, exc: Exception) -> None:
        if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
            code = exc.recipients[0].code if exc.recipients else None
        else:
            code = getattr(exc, "code", None)
        if _tls_failure(exc):
            # Retried like any network error (the server's certificate may be fixed), but a
            # certificate we cannot verify is a misconfiguration or an attack: say so loudly.
            _log.error("email.tls.failed", domain=_domain(address), error=str(exc))
        elif isinstance(error, RejectedByPlatform):
            # A refused login or sender is ours to fix: say so loudly, once per message.
            _log.error("email.rejected", code=code, error=type(exc).__name__)
        elif isinstance(error, RecipientBlocked):
            _log.info("email.recipient.undeliverable", domain=_domain(address), code=code)
        else:
            _log.warning("email.send.deferred", domain=_domain(address), code=code)

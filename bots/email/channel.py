"""The e-mail channel: outbox rows addressed to a user key become mail to that user's address.

An e-mail "chat" is a user key (``email:<24 hex>``), never an address: addresses are encrypted at
rest, and ``MailboxOf`` (the composition root's) decrypts one only at the moment of sending. It
answers None once the address is gone, unverified or unsubscribed, which is ``RecipientBlocked``
here, so delivery moves the row to the person's next channel instead of retrying.

A digest row is one mail holding every card (``SendsWholeRows``); any other row is one mail per
reply, in the mailbox's language with its unsubscribe link. Logs carry the user key (pseudonymised
by our logging) and the domain at most, never an address.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from pydantic import Field

from bots.email.sender import EmailSender
from core.channels import Reply
from core.domain import Frozen
from core.errors import RecipientBlocked
from core.logging import get_logger

__all__ = ["EmailChannel", "Mailbox", "MailboxOf"]

_log = get_logger(__name__)

DIGEST = "digest"  # the outbox kind whose replies are one mail (core.store.outbox.OutboxKind)


class Mailbox(Frozen):
    """Where and how to mail one user; the address stays out of reprs (and so out of logs)."""

    address: str = Field(repr=False)
    lang: str = "en"
    unsubscribe_url: str | None = None
    # The envelope sender: a VERP address naming this mailbox, so a late bounce finds it
    # (bots/email/bounces.py); None uses the sender's own.
    return_path: str | None = Field(default=None, repr=False)


# user key → their mailbox, or None when there is no verified, subscribed address any more.
MailboxOf = Callable[[str], Awaitable[Mailbox | None]]


class EmailChannel:
    """ReplySender and SendsWholeRows for e-mail: looks the user's mailbox up, then mails."""

    def __init__(self, sender: EmailSender, mailbox_of: MailboxOf) -> None:
        self._sender = sender
        self._mailbox_of = mailbox_of

    async def send(self, chat_id: str, reply: Reply) -> list[str]:
        """One reply as one mail to the user ``chat_id``; its Message-ID."""
        mailbox = await self._mailbox(chat_id)
        return await self._send_each(mailbox, [reply])

    async def send_row(self, chat_id: str, replies: Sequence[Reply], *, kind: str) -> list[str]:
        """A digest's cards as one mail; any other row's replies one mail each. Message-IDs."""
        if not replies:
            return []
        mailbox = await self._mailbox(chat_id)
        if kind == DIGEST:
            message_id = await self._sender.send_digest(
                mailbox.address,
                replies,
                lang=mailbox.lang,
                unsubscribe_url=mailbox.unsubscribe_url,
                envelope_from=mailbox.return_path,
            )
            return [message_id]
        return await self._send_each(mailbox, replies)

    async def acknowledge(self, callback_id: str) -> None:
        """Mail has no buttons to answer."""
        del callback_id

    async def _mailbox(self, user_key: str) -> Mailbox:
        mailbox = await self._mailbox_of(user_key)
        if mailbox is None:
            _log.info("email.mailbox.missing", user=user_key)
            raise RecipientBlocked("no verified address")
        return mailbox

    async def _send_each(self, mailbox: Mailbox, replies: Sequence[Reply]) -> list[str]:
        ids: list[str] = []
        for reply in replies:
            ids += await self._sender.send(
                mailbox.address,
                reply,
                lang=mailbox.lang,
                unsubscribe_url=mailbox.unsubscribe_url,
                envelope_from=mailbox.return_path,
            )
        return ids

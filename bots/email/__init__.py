"""E-mail adapter: Reply → multipart e-mail (render, pure), SMTP delivery (sender), the channel
over user keys (channel) and signed unsubscribe tokens (tokens, pure)."""

from bots.email.channel import EmailChannel, Mailbox, MailboxOf
from bots.email.render import (
    normalize_address,
    parse_from_address,
    render_code,
    render_digest,
    render_email,
)
from bots.email.sender import EmailSender, smtp_error
from bots.email.tokens import read_unsubscribe, sign_unsubscribe

__all__ = [
    "EmailChannel",
    "EmailSender",
    "Mailbox",
    "MailboxOf",
    "normalize_address",
    "parse_from_address",
    "read_unsubscribe",
    "render_code",
    "render_digest",
    "render_email",
    "sign_unsubscribe",
    "smtp_error",
]

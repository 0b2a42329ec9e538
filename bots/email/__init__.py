"""E-mail adapter: Reply → multipart e-mail (render, pure), and SMTP delivery (sender)."""

from bots.email.render import (
    normalize_address,
    parse_from_address,
    render_code,
    render_digest,
    render_email,
)
from bots.email.sender import EmailSender, smtp_error

__all__ = [
    "EmailSender",
    "normalize_address",
    "parse_from_address",
    "render_code",
    "render_digest",
    "render_email",
    "smtp_error",
]

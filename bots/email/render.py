"""Our ``Reply`` → a multipart e-mail (plain text + HTML), digests and code mails (pure).

- ``text/plain`` and ``text/html`` alternatives, UTF-8; the HTML comes from
  ``templates/layout.html`` with every value escaped, so a job title holding markup arrives inert;
- link buttons (Apply) become links; callback buttons are dropped: mail has no buttons, and a job
  card already says why it matches in its text;
- ``Message-ID`` on our domain, ``Date``, ``Content-Language``, ``Auto-Submitted`` and, with an
  unsubscribe URL, ``List-Unsubscribe`` plus ``List-Unsubscribe-Post`` (RFC 8058 one-click, only
  for an ``https`` URL as the RFC requires) and the same link in the footer;
- no images, no remote resources, no tracking pixels.

Addresses are checked here (``normalize_address``): one plain ``local@domain.tld``, nothing a
header could be smuggled in with.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from functools import cache
from html import escape
from importlib.resources import files
from string import Template
from typing import Final

from core.channels import Button, Reply

__all__ = [
    "EMAIL_TEXTS",
    "LANGUAGES",
    "MAX_SUBJECT",
    "email_text",
    "normalize_address",
    "parse_from_address",
    "render_code",
    "render_digest",
    "render_email",
    "subject_from",
]

LANGUAGES: Final = ("en", "de", "es")
MAX_SUBJECT: Final = 120  # characters; longer subjects are cut on a word boundary
CODE_MINUTES: Final = 10

# The few texts only mail needs. The conversation's texts live in conversations/texts.
EMAIL_TEXTS: Final[dict[str, dict[str, str]]] = {
    "en": {
        "footer": "You get this e-mail because you asked JobScout to send you jobs.",
        "unsubscribe": "Unsubscribe",
        "unsubscribe_line": "No more of these e-mails? Unsubscribe with one click:",
        "digest_subject_one": "1 new job for you",
        "digest_subject_many": "{count} new jobs for you",
        "digest_intro": "These jobs match your profile.",
        "code_subject": "Your JobScout verification code",
        "code_intro": "Your verification code is:",
        "code_expiry": (
            "It expires in {minutes} minutes. If you did not ask for it, ignore this e-mail: "
            "nothing more will be sent to this address."
        ),
        "code_footer": "This code was requested in a chat with JobScout.",
        "page_confirm": "Stop JobScout e-mails to this address?",
        "page_done": "Unsubscribed: JobScout sends nothing more to this address.",
        "page_used": "This link was used already: the address receives nothing from us.",
    },
    "de": {
        "footer": "Du erhältst diese E-Mail, weil du JobScout gebeten hast, dir Jobs zu schicken.",
        "unsubscribe": "Abmelden",
        "unsubscribe_line": "Keine solchen E-Mails mehr? Mit einem Klick abmelden:",
        "digest_subject_one": "1 neuer Job für dich",
        "digest_subject_many": "{count} neue Jobs für dich",
        "digest_intro": "Diese Jobs passen zu deinem Profil.",
        "code_subject": "Dein JobScout-Bestätigungscode",
        "code_intro": "Dein Bestätigungscode lautet:",
        "code_expiry": (
            "Er läuft in {minutes} Minuten ab. Wenn du ihn nicht angefordert hast, ignoriere "
            "diese E-Mail: An diese Adresse wird nichts mehr gesendet."
        ),
        "code_footer": "Dieser Code wurde in einem Chat mit JobScout angefordert.",
        "page_confirm": "Keine E-Mails von JobScout mehr an diese Adresse?",
        "page_done": "Abgemeldet: JobScout sendet nichts mehr an diese Adresse.",
        "page_used": "Dieser Link wurde schon benutzt: Die Adresse bekommt nichts mehr von uns.",
    },
    "es": {
        "footer": "Recibes este correo porque pediste a JobScout que te enviara empleos.",
        "unsubscribe": "Darse de baja",
        "unsubscribe_line": "¿No quieres más correos como este? Date de baja con un clic:",
        "digest_subject_one": "1 empleo nuevo para ti",
        "digest_subject_many": "{count} empleos nuevos para ti",
        "digest_intro": "Estos empleos encajan con tu perfil.",
        "code_subject": "Tu código de verificación de JobScout",
        "code_intro": "Tu código de verificación es:",
        "code_expiry": (
            "Caduca en {minutes} minutos. Si no lo has pedido, ignora este correo: no se enviará "
            "nada más a esta dirección."
        ),
        "code_footer": "Este código se pidió en un chat con JobScout.",
        "page_confirm": "¿Dejar de recibir correos de JobScout en esta dirección?",
        "page_done": "Baja hecha: JobScout no envía nada más a esta dirección.",
        "page_used": "Este enlace ya se usó: la dirección no recibe nada nuestro.",
    },
}

# A dot-atom local part (RFC 5322 without quoted strings or comments, which nobody types).
_LOCAL: Final = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")
_LABEL: Final = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
_TLD: Final = re.compile(r"[a-z]{2,63}|xn--[a-z0-9-]{1,59}")
_CODE: Final = re.compile(r"[A-Za-z0-9-]{1,16}")
_URL_IN_TEXT: Final = re.compile(r"https?://[^\s<>\"]+")
_PARAGRAPH_BREAK: Final = re.compile(r"\n[ \t]*\n")
_WHITESPACE: Final = re.compile(r"\s+")
_CARD_STYLE: Final = (
    "margin:0 0 16px;padding:16px;border:1px solid #d0d7de;border-radius:8px;background:#ffffff;"
)
_P_STYLE: Final = "margin:0 0 12px;"
_BUTTON_STYLE: Final = (
    "display:inline-block;padding:10px 18px;border-radius:6px;background:#1f6feb;"
    "color:#ffffff;text-decoration:none;font-weight:bold;"
)
_RULE: Final = "-" * 40


# --- texts and addresses ------------------------------------------------------------------------


def _lang(lang: str) -> str:
    base = lang.strip().lower().replace("_", "-").split("-")[0]
    return base if base in EMAIL_TEXTS else "en"


def email_text(lang: str, key: str, /, **values: object) -> str:
    """One of the mail texts in ``lang`` (``de-AT`` → ``de``; unknown → English)."""
    template = EMAIL_TEXTS[_lang(lang)].get(key) or EMAIL_TEXTS["en"][key]
    return template.format(**values) if values else template


def normalize_address(text: str) -> str | None:
    """``local@domain.tld`` with the domain lower-cased (IDN → punycode), or None when it is not
    one plain address: no display name, no spaces or control characters, no second header."""
    candidate = text.strip()
    if not candidate or len(candidate) > 254 or not candidate.isprintable():
        return None
    if any(char.isspace() for char in candidate) or candidate.count("@") != 1:
        return None
    local, domain = candidate.split("@")
    if len(local) > 64 or not local.isascii() or not _LOCAL.fullmatch(local):
        return None
    ascii_domain = _ascii_domain(domain.rstrip("."))
    return None if ascii_domain is None else f"{local}@{ascii_domain}"


def _ascii_domain(domain: str) -> str | None:
    try:
        ascii_domain = domain.encode("idna").decode("ascii").lower()
    except UnicodeError:
        return None
    labels = ascii_domain.split(".")
    if len(ascii_domain) > 253 or len(labels) < 2:
        return None
    if not all(_LABEL.fullmatch(label) for label in labels):
        return None
    return ascii_domain if _TLD.fullmatch(labels[-1]) else None


def parse_from_address(value: str) -> Address:
    """The sender, ``Name <addr>`` or a bare address; ValueError when it is not one address."""
    if "\r" in value or "\n" in value:
        raise ValueError("the from address spans lines")
    holder = EmailMessage()
    holder["From"] = value
    addresses = holder["From"].addresses
    if len(addresses) != 1 or not addresses[0].username or not addresses[0].domain:
        raise ValueError(f"not one sender address: {value!r}")
    return Address(
        display_name=addresses[0].display_name,
        username=addresses[0].username,
        domain=addresses[0].domain,
    )


def _checked_domain(domain: str) -> str:
    labels = domain.lower().split(".")
    if not domain or len(domain) > 253 or not all(_LABEL.fullmatch(label) for label in labels):
        raise ValueError(f"not a domain for Message-IDs: {domain!r}")
    return domain.lower()


def _safe_url(url: str | None) -> str | None:
    # Only web links: a "javascript:" href or a header-breaking character never gets through.
    if not url or not url.startswith(("https://", "http://")) or not url.isprintable():
        return None
    if any(char.isspace() or char in '<>"' for char in url):
        return None
    return url


def subject_from(text: str, limit: int = MAX_SUBJECT) -> str:
    """A one-line subject: whitespace folded to single spaces, cut on a word under ``limit``."""
    line = _WHITESPACE.sub(" ", text).strip()
    if len(line) <= limit:
        return line
    cut = line[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.-–—·") + "…"


# --- bodies ---------------------------------------------------------------------------------------


@cache
def _layout(name: str) -> Template:
    return Template(files("bots.email.templates").joinpath(name).read_text(encoding="utf-8"))


def _links(reply: Reply) -> list[Button]:
    return [button for row in reply.buttons for button in row if _safe_url(button.url)]


def _html_line(line: str) -> str:
    parts: list[str] = []
    last = 0
    for found in _URL_IN_TEXT.finditer(line):
        url = found.group().rstrip(".,;:!?)")
        parts.append(escape(line[last : found.start()]))
        parts.append(f'<a href="{escape(url, quote=True)}">{escape(url)}</a>')
        last = found.start() + len(url)
    parts.append(escape(line[last:]))
    return "".join(parts)


def _html_text(text: str) -> str:
    paragraphs = [part.strip("\n") for part in _PARAGRAPH_BREAK.split(text.strip())]
    return "\n".join(
        f'<p style="{_P_STYLE}">' + "<br>\n".join(map(_html_line, part.split("\n"))) + "</p>"
        for part in paragraphs
        if part.strip()
    )


def _html_buttons(links: Sequence[Button]) -> str:
    if not links:
        return ""
    anchors = "\n".join(
        f'<a href="{escape(str(button.url), quote=True)}" style="{_BUTTON_STYLE}">'
        f"{escape(button.label)}</a>"
        for button in links
    )
    return f'<p style="{_P_STYLE}">{anchors}</p>'


def _plain_reply(reply: Reply) -> str:
    lines = [reply.text.strip()]
    lines += [f"{button.label}: {button.url}" for button in _links(reply)]
    return "\n\n".join(line for line in lines if line)


def _html_reply(reply: Reply) -> str:
    parts = (_html_text(reply.text), _html_buttons(_links(reply)))
    return "\n".join(part for part in parts if part)


def _footers(lang: str, unsubscribe_url: str | None, footer: str) -> tuple[str, str]:
    plain = [footer]
    html = [f'<p style="{_P_STYLE}">{escape(footer)}</p>']
    if unsubscribe_url is not None:
        plain.append(f"{email_text(lang, 'unsubscribe_line')} {unsubscribe_url}")
        html.append(
            f'<p style="{_P_STYLE}">{escape(email_text(lang, "unsubscribe_line"))} '
            f'<a href="{escape(unsubscribe_url, quote=True)}">'
            f"{escape(email_text(lang, 'unsubscribe'))}</a></p>"
        )
    return "\n".join(plain), "\n".join(html)


def _message(
    *,
    to: str,
    lang: str,
    subject: str,
    plain_body: str,
    html_body: str,
    footer: str,
    unsubscribe_url: str | None,
    from_address: str,
    message_id_domain: str,
    now: datetime,
) -> EmailMessage:
    address = normalize_address(to)
    if address is None or address != to:
        raise ValueError("not a plain e-mail address")
    if now.tzinfo is None:
        raise ValueError("now must carry a time zone")
    unsubscribe = _safe_url(unsubscribe_url) if unsubscribe_url is not None else None
    if unsubscribe_url is not None and unsubscribe is None:
        raise ValueError("the unsubscribe URL is not a plain web link")
    lang = _lang(lang)
    title = subject_from(subject)
    plain_footer, html_footer = _footers(lang, unsubscribe, footer)

    message = EmailMessage()
    message["From"] = parse_from_address(from_address)
    message["To"] = address
    message["Subject"] = title
    message["Date"] = format_datetime(now)
    message["Message-ID"] = f"<{secrets.token_hex(16)}@{_checked_domain(message_id_domain)}>"
    # RFC 3834: out-of-office robots must not answer these.
    message["Auto-Submitted"] = "auto-generated"
    if unsubscribe is not None:
        message["List-Unsubscribe"] = f"<{unsubscribe}>"
        if unsubscribe.startswith("https://"):
            message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(_layout("layout.txt").substitute(body=plain_body, footer=plain_footer))
    message.add_alternative(
        _layout("layout.html").substitute(
            lang=escape(lang, quote=True), title=escape(title), body=html_body, footer=html_footer
        ),
        subtype="html",
    )
    # After the body: set_content drops every Content-* header already set.
    message["Content-Language"] = lang
    return message


# --- the three kinds of mail ----------------------------------------------------------------------


def render_email(
    reply: Reply,
    *,
    to: str,
    lang: str,
    subject: str,
    unsubscribe_url: str | None,
    from_address: str,
    message_id_domain: str,
    now: datetime,
) -> EmailMessage:
    """One reply as one e-mail: its text as paragraphs, its link buttons as links."""
    return _message(
        to=to,
        lang=lang,
        subject=subject,
        plain_body=_plain_reply(reply),
        html_body=_html_reply(reply),
        footer=email_text(lang, "footer"),
        unsubscribe_url=unsubscribe_url,
        from_address=from_address,
        message_id_domain=message_id_domain,
        now=now,
    )


def render_digest(
    cards: Sequence[Reply],
    *,
    to: str,
    lang: str,
    unsubscribe_url: str | None,
    from_address: str,
    message_id_domain: str,
    now: datetime,
    subject: str | None = None,
) -> EmailMessage:
    """Several job cards as one e-mail: a header, the cards, a footer with the unsubscribe link;
    the subject says how many unless one is given."""
    if not cards:
        raise ValueError("a digest needs at least one card")
    count = len(cards)
    if subject is None:
        key = "digest_subject_one" if count == 1 else "digest_subject_many"
        subject = email_text(lang, key, count=count)
    intro = email_text(lang, "digest_intro")
    plain = "\n\n".join([intro, *(f"{_RULE}\n{_plain_reply(card)}" for card in cards)])
    html = "\n".join(
        [
            f'<h1 style="margin:0 0 8px;font-size:20px;">{escape(subject_from(subject))}</h1>',
            f'<p style="{_P_STYLE}">{escape(intro)}</p>',
            *(f'<div style="{_CARD_STYLE}">\n{_html_reply(card)}\n</div>' for card in cards),
        ]
    )
    return _message(
        to=to,
        lang=lang,
        subject=subject,
        plain_body=plain,
        html_body=html,
        footer=email_text(lang, "footer"),
        unsubscribe_url=unsubscribe_url,
        from_address=from_address,
        message_id_domain=message_id_domain,
        now=now,
    )


def render_code(
    code: str,
    lang: str,
    *,
    to: str,
    from_address: str,
    message_id_domain: str,
    now: datetime,
    minutes: int = CODE_MINUTES,
) -> EmailMessage:
    """The verification code for a new address: no job content, no unsubscribe (nothing to
    leave yet; ignoring it is enough)."""
    if not _CODE.fullmatch(code):
        raise ValueError("a code is 1-16 letters, digits or dashes")
    intro = email_text(lang, "code_intro")
    expiry = email_text(lang, "code_expiry", minutes=minutes)
    html = "\n".join(
        [
            f'<p style="{_P_STYLE}">{escape(intro)}</p>',
            '<p style="margin:0 0 16px;font-size:28px;font-weight:bold;letter-spacing:4px;'
            f'font-family:Menlo,Consolas,monospace;">{escape(code)}</p>',
            f'<p style="{_P_STYLE}">{escape(expiry)}</p>',
        ]
    )
    return _message(
        to=to,
        lang=lang,
        # Not in the subject: servers log subjects, and lock screens show them.
        subject=email_text(lang, "code_subject"),
        plain_body=f"{intro}\n\n    {code}\n\n{expiry}",
        html_body=html,
        footer=email_text(lang, "code_footer"),
        unsubscribe_url=None,
        from_address=from_address,
        message_id_domain=message_id_domain,
        now=now,
    )

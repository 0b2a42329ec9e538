"""The grammar of linking chats and adding an e-mail address (pure).

What a user may say, in every language the bot speaks, and the command each means:

- ``/link`` or "link": a one-time code to type in another chat (``IssueLinkCode``);
- ``/link K7QX2M`` or "verknüpfen K7QX2M": join the person who asked for that code;
- ``/channels``: the linked chats, which one gets alerts and the fallback order;
- ``/email``: asks for an address; ``/email ana@example.org`` mails it a code; ``/email 123456``
  (or the code typed when asked) verifies it; ``/email remove`` removes it;
- the buttons under those answers (``link:keep:here``, ``ch:prefer:whatsapp``, ...).

The linking service (conversations/linking.py) carries the commands out and says how it went.
"""

from __future__ import annotations

import re
from typing import Final

from conversations.models import (
    AddEmail,
    IssueLinkCode,
    LinkCommand,
    PreferChannel,
    RedeemLinkCode,
    RemoveEmail,
    ResolveLink,
    ShowChannels,
    UnlinkChannel,
    VerifyEmail,
)
from core.channels import Channel
from core.text import fold_words

# Link codes: 6 characters from an alphabet without look-alikes (no 0/O, 1/I/L, 5/S, 8/B).
CODE_ALPHABET: Final = "ACDEFGHJKMNPQRTUVWXY234679"
CODE_LENGTH: Final = 6
EMAIL_CODE_LENGTH: Final = 6  # digits

# Command words, folded, in every language: the word alone is the command, the word and an
# argument a command with that argument.
LINK_WORDS: Final = frozenset({"link", "verknupfen", "verknuepfen", "verbinden", "vincular",
                               "enlazar"})
CHANNELS_WORDS: Final = frozenset({"channels", "kanale", "kanaele", "canales"})
EMAIL_WORDS: Final = frozenset({"email", "e mail", "mail", "correo"})
REMOVE_WORDS: Final = frozenset({"remove", "delete", "off", "entfernen", "loschen", "loeschen",
                                 "aus", "quitar", "eliminar", "borrar"})

_CODE = re.compile(rf"[{CODE_ALPHABET}]{{{CODE_LENGTH}}}")
_DIGITS = re.compile(rf"\d{{{EMAIL_CODE_LENGTH}}}")
# Enough to tell an address from a code or a word; the service checks it properly.
_ADDRESS = re.compile(r"[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"']+")

# The chat channels a user can prefer or unlink by button (e-mail is removed, not unlinked).
_CHANNEL_NAMES: Final = {str(channel): channel for channel in Channel}


def link_code(text: str) -> str | None:
    """A link code as typed ("k7q x2m", "K7QX2M") in its canonical form, or None."""
    compact = re.sub(r"[\s-]", "", text).upper()
    return compact if _CODE.fullmatch(compact) else None


def email_code(text: str) -> str | None:
    """A six-digit verification code ("123 456" too), or None."""
    compact = re.sub(r"[\s-]", "", text)
    return compact if _DIGITS.fullmatch(compact) else None


def looks_like_address(text: str) -> bool:
    return bool(_ADDRESS.fullmatch(text.strip()))


def word_command(text: str) -> tuple[str, str] | None:
    """("link" | "channels" | "email", argument) for a typed command word with or without an
    argument ("verknüpfen K7QX2M", "Kanäle", "correo ana@example.org"); None for anything else."""
    stripped = text.strip()
    head, _, rest = stripped.partition(" ")
    for words, command in ((LINK_WORDS, "link"), (CHANNELS_WORDS, "channels"),
                           (EMAIL_WORDS, "email")):
        if fold_words(stripped) in words:
            return command, ""
        # With an argument only when it is one the command takes: "Email marketing" is a skill.
        if fold_words(head) in words and rest.strip():
            takes = link_code if command == "link" else email_command
            if command != "channels" and takes(rest) is not None:
                return command, rest.strip()
    return None


def link_command(args: str) -> LinkCommand | None:
    """``/link`` with ``args``: a code to redeem, nothing (issue one), or None (not a code)."""
    if not args.strip():
        return IssueLinkCode()
    code = link_code(args)
    return RedeemLinkCode(code=code) if code else None


def email_command(args: str) -> LinkCommand | None:
    """``/email`` with an argument: an address to verify, a code, or "remove"; None for
    anything else (no argument: the engine asks for the address)."""
    value = args.strip()
    if looks_like_address(value):
        return AddEmail(address=value)
    code = email_code(value)
    if code is not None:
        return VerifyEmail(code=code)
    if fold_words(value) in REMOVE_WORDS:
        return RemoveEmail()
    return None


def callback_command(data: str) -> LinkCommand | None:
    """The command a linking button stands for, or None when ``data`` is not one."""
    parts = data.split(":")
    if parts == ["link", "new"]:
        return IssueLinkCode()
    if len(parts) == 3 and parts[:2] == ["link", "keep"] and parts[2] in {"here", "other"}:
        return ResolveLink(keep="here" if parts[2] == "here" else "other")
    if parts == ["ch", "show"]:
        return ShowChannels()
    if parts == ["ch", "email", "remove"]:
        return RemoveEmail()
    if len(parts) == 3 and parts[0] == "ch" and parts[2] in _CHANNEL_NAMES:
        channel = _CHANNEL_NAMES[parts[2]]
        if parts[1] == "prefer":
            return PreferChannel(channel=channel)
        if parts[1] == "unlink" and channel is not Channel.EMAIL:
            return UnlinkChannel(channel=channel)
    return None


def is_linking_callback(data: str) -> bool:
    return data.startswith(("link:", "ch:"))

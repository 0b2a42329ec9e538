"""Our ``Reply`` → WhatsApp Cloud API message payloads, within Meta's limits (pure).

Meta rejects a message that breaks a limit with error 131009 and pywa does not check them, so
every limit is enforced here, before sending:

- text: 1–4,096 characters, split on paragraph, line or word boundaries;
- up to 3 callback buttons → one ``interactive`` ``button`` message (body ≤ 1,024, titles
  ≤ 20 and unique, ids ≤ 256);
- 4–10 → one ``interactive`` ``list`` message (one section, rows ≤ 10, row titles ≤ 24, ids ≤ 200,
  descriptions ≤ 72, list button ≤ 20, body ≤ 4,096);
- more than 10 (or ids the platform would refuse) → numbered text: ``Rendered.numbered`` holds the
  data of option n at index n-1, so an answer "3" can be mapped back;
- a link button (Apply): alone, an ``interactive`` ``cta_url`` message; next to callback buttons,
  a line in the body (reply buttons and URL buttons cannot share a message);
- a job card (a link and more than 3 callback buttons) keeps Save / Why / Not interested as reply
  buttons and drops "I applied": a saved job is marked applied from the tracker;
- a body over its limit moves its beginning into preceding text messages; captions ≤ 1,024;
- a document is uploaded first (``OutgoingMessage.upload``) and sent by media id.

Lengths are counted in UTF-16 code units: never less than what Meta counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from bots.telegram import split_text
from conversations.match_views import Verb, parse_match_callback
from core.channels import Button, OutgoingDocument, Reply
from core.domain import Frozen

__all__ = [
    "DEFAULT_LIST_BUTTON",
    "MAX_BODY_WITH_BUTTONS",
    "MAX_BUTTONS",
    "MAX_BUTTON_ID",
    "MAX_BUTTON_TITLE",
    "MAX_CAPTION",
    "MAX_LIST_BUTTON",
    "MAX_LIST_ROWS",
    "MAX_ROW_DESCRIPTION",
    "MAX_ROW_ID",
    "MAX_ROW_TITLE",
    "MAX_TEXT",
    "OutgoingMessage",
    "Rendered",
    "render",
    "shorten",
    "template_message",
    "unique_titles",
    "units",
]

MAX_TEXT: Final = 4096  # a text message, and the body of a list message
MAX_BODY_WITH_BUTTONS: Final = 1024  # the body of a reply-button or cta_url message
MAX_CAPTION: Final = 1024
MAX_BUTTONS: Final = 3
MAX_BUTTON_TITLE: Final = 20
MAX_BUTTON_ID: Final = 256
MAX_LIST_ROWS: Final = 10
MAX_ROW_TITLE: Final = 24
MAX_ROW_ID: Final = 200
MAX_ROW_DESCRIPTION: Final = 72
MAX_LIST_BUTTON: Final = 20
MAX_CTA_TEXT: Final = 20
DEFAULT_LIST_BUTTON: Final = "Choose"

# Images WhatsApp shows inline; anything else goes as a document with its file name.
_IMAGE_TYPES: Final = frozenset({"image/jpeg", "image/png"})
_ELLIPSIS: Final = "…"
_TRIM: Final = " \t,;:.-–—·/|("


class OutgoingMessage(Frozen):
    """One Cloud API message without its recipient (``to`` and ``messaging_product``).

    With ``upload``, the file is uploaded first and its media id goes into
    ``payload[payload["type"]]["id"]``.
    """

    payload: dict[str, Any]
    upload: OutgoingDocument | None = None


class Rendered(Frozen):
    """The messages one Reply becomes, in order; ``numbered`` is set when the choices went out
    as numbered text: the button data of option n is ``numbered[n - 1]``."""

    messages: tuple[OutgoingMessage, ...]
    numbered: tuple[str, ...] = ()


def render(reply: Reply, *, list_button: str = DEFAULT_LIST_BUTTON) -> Rendered:
    """The Cloud API messages for one reply, each within Meta's limits."""
    links = [button for row in reply.buttons for button in row if button.url]
    choices = _card_choices(
        [button for row in reply.buttons for button in row if not button.url], links
    )
    document = reply.document

    if len(links) == 1 and not choices and document is None:
        return Rendered(messages=_cta(reply.text, links[0]))
    text = _with_links(reply.text, links)
    if document is not None and not choices:
        if units(text.strip()) <= MAX_CAPTION:
            return Rendered(messages=(_document(document, text.strip()),))
        return Rendered(messages=(*_texts(text), _document(document, "")))
    before = (_document(document, ""),) if document is not None else ()
    if not choices:
        return Rendered(messages=(*before, *_texts(text)))
    if not text.strip():
        raise ValueError("a reply with buttons needs text")
    if len(choices) <= MAX_BUTTONS and _ids_fit(choices, MAX_BUTTON_ID):
        return Rendered(messages=(*before, *_buttons(text, choices)))
    if len(choices) <= MAX_LIST_ROWS and _ids_fit(choices, MAX_ROW_ID):
        return Rendered(messages=(*before, *_list(text, choices, list_button)))
    return Rendered(
        messages=(*before, *_texts(_numbered_text(text, choices))),
        numbered=tuple(button.data for button in choices),
    )


def template_message(
    name: str,
    language: str,
    body_params: Sequence[str] = (),
    button_payload: str | None = None,
) -> dict[str, Any]:
    """An approved template: body parameters in order, and the payload of its first quick-reply
    button (what comes back when the user presses it)."""
    components: list[dict[str, Any]] = []
    if body_params:
        components.append(
            {
                "type": "body",
                "parameters": [{"type": "text", "text": str(value)} for value in body_params],
            }
        )
    if button_payload is not None:
        components.append(
            {
                "type": "button",
                "sub_type": "quick_reply",
                "index": "0",
                "parameters": [{"type": "payload", "payload": button_payload}],
            }
        )
    template: dict[str, Any] = {"name": name, "language": {"code": language}}
    if components:
        template["components"] = components
    return {"type": "template", "template": template}


# --------------------------------------------------------------------------- limits


def units(text: str) -> int:
    """Length in UTF-16 code units (an emoji outside the BMP counts twice)."""
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


def shorten(label: str, limit: int) -> str:
    """One line of at most ``limit`` units: cut at a word boundary when one lies in the second
    half, else hard, and end with an ellipsis. Deterministic."""
    text = " ".join(label.split())
    if units(text) <= limit:
        return text
    window = text[: _prefix_within(text, limit - 1)]
    space = window.rfind(" ")
    if space >= len(window) // 2:
        window = window[:space]
    return (window.rstrip(_TRIM) or window) + _ELLIPSIS


def unique_titles(labels: Sequence[str], limit: int) -> list[str]:
    """Shortened titles that differ from one another (case-insensitively), in order."""
    titles: list[str] = []
    seen: set[str] = set()
    for index, label in enumerate(labels):
        title = shorten(label, limit) or str(index + 1)
        number = 2
        while title.casefold() in seen:
            suffix = f" ({number})"
            title = shorten(label, limit - len(suffix)) + suffix
            number += 1
        seen.add(title.casefold())
        titles.append(title)
    return titles


def _prefix_within(text: str, limit: int) -> int:
    """How many leading code points fit in ``limit`` units."""
    used = 0
    for index, char in enumerate(text):
        used += 2 if ord(char) > 0xFFFF else 1
        if used > limit:
            return index
    return len(text)


def _ids_fit(choices: Sequence[Button], limit: int) -> bool:
    ids = [button.data for button in choices]
    return len(set(ids)) == len(ids) and all(0 < units(data) <= limit for data in ids)


def _card_choices(choices: list[Button], links: list[Button]) -> list[Button]:
    if not links or len(choices) <= MAX_BUTTONS:
        return choices
    kept = [button for button in choices if not _is_applied(button.data)]
    return kept if len(kept) <= MAX_BUTTONS else choices


def _is_applied(data: str) -> bool:
    action = parse_match_callback(data)
    return action is not None and action.action is Verb.APPLIED


# --------------------------------------------------------------------------- messages


def _text(body: str) -> OutgoingMessage:
    return OutgoingMessage(payload={"type": "text", "text": {"body": body, "preview_url": False}})


def _texts(text: str) -> tuple[OutgoingMessage, ...]:
    return tuple(_text(chunk) for chunk in split_text(text, MAX_TEXT) if chunk.strip())


def _with_body(text: str, limit: int) -> tuple[tuple[OutgoingMessage, ...], str]:
    """Text messages for what does not fit, and a body of at most ``limit`` units."""
    start = _tail_start(text, limit)
    return _texts(text[:start]), text[start:].strip()


def _tail_start(text: str, limit: int) -> int:
    """Where the last piece of at most ``limit`` units begins: after a blank line, a line break
    or a space in the first half of that piece, else hard at the limit."""
    if units(text) <= limit:
        return 0
    start = len(text) - _prefix_within(text[::-1], limit)
    window = text[start:]
    for separator in ("\n\n", "\n", " "):
        index = window.find(separator)
        if index >= 0 and index + len(separator) <= len(window) // 2:
            return start + index + len(separator)
    return start


def _interactive(kind: str, body: str, action: dict[str, Any]) -> OutgoingMessage:
    return OutgoingMessage(
        payload={
            "type": "interactive",
            "interactive": {"type": kind, "body": {"text": body}, "action": action},
        }
    )


def _buttons(text: str, choices: Sequence[Button]) -> tuple[OutgoingMessage, ...]:
    before, body = _with_body(text, MAX_BODY_WITH_BUTTONS)
    titles = unique_titles([button.label for button in choices], MAX_BUTTON_TITLE)
    action = {
        "buttons": [
            {"type": "reply", "reply": {"id": button.data, "title": title}}
            for button, title in zip(choices, titles, strict=True)
        ]
    }
    return (*before, _interactive("button", body, action))


def _list(text: str, choices: Sequence[Button], list_button: str) -> tuple[OutgoingMessage, ...]:
    before, body = _with_body(text, MAX_TEXT)
    titles = unique_titles([button.label for button in choices], MAX_ROW_TITLE)
    rows: list[dict[str, str]] = []
    for button, title in zip(choices, titles, strict=True):
        row = {"id": button.data, "title": title}
        full = " ".join(button.label.split())
        if title != full and full:
            # The whole label where the title had to be cut.
            row["description"] = shorten(full, MAX_ROW_DESCRIPTION)
        rows.append(row)
    action = {
        "button": shorten(list_button, MAX_LIST_BUTTON) or DEFAULT_LIST_BUTTON,
        "sections": [{"rows": rows}],
    }
    return (*before, _interactive("list", body, action))


def _numbered_text(text: str, choices: Sequence[Button]) -> str:
    options = "\n".join(
        f"{index}. {' '.join(button.label.split())}" for index, button in enumerate(choices, 1)
    )
    return f"{text.rstrip()}\n\n{options}"


def _cta(text: str, link: Button) -> tuple[OutgoingMessage, ...]:
    label = " ".join(link.label.split())
    before, body = _with_body(text, MAX_BODY_WITH_BUTTONS)
    action = {
        "name": "cta_url",
        "parameters": {"display_text": shorten(label, MAX_CTA_TEXT) or "Link", "url": link.url},
    }
    return (*before, _interactive("cta_url", body or label or str(link.url), action))


def _with_links(text: str, links: Sequence[Button]) -> str:
    if not links:
        return text
    lines = "\n".join(f"👉 {' '.join(link.label.split())}: {link.url}" for link in links)
    return f"{text.rstrip()}\n\n{lines}" if text.strip() else lines


def _document(document: OutgoingDocument, caption: str) -> OutgoingMessage:
    kind = "image" if document.mime_type in _IMAGE_TYPES else "document"
    media: dict[str, Any] = {}
    if kind == "document":
        media["filename"] = document.file_name
    if caption:
        media["caption"] = caption
    return OutgoingMessage(payload={"type": kind, kind: media}, upload=document)

"""WhatsApp Cloud API webhook payload → InboundMessages and delivery statuses (pure, no I/O).

We parse the raw JSON ourselves: pywa 4.5.0 raises on the classic ``contacts[]`` shape without
``user_id`` and on statuses without ``contacts``, reads only the first change of a batched POST,
and its handler swallows the error, so messages vanish silently (see ARCHITECTURE.md).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Final

from pydantic import Field

from bots.payload import clean_text, strip_surrogates
from core.channels import Channel, FileRef, InboundMessage, MessageKind
from core.domain import Frozen

__all__ = [
    "MAX_TEXT_LENGTH",
    "WhatsAppBatch",
    "WhatsAppStatus",
    "WhatsAppStatusKind",
    "language_for",
    "to_inbound",
]

MAX_TEXT_LENGTH: Final = 4096  # WhatsApp's own limit for a text body
_MAX_ID_LENGTH: Final = 256  # wamids are ~60 characters; reply ids ≤ 256 by Meta's limits
_MAX_LABEL_LENGTH: Final = 256  # file names, mime types, error titles

# Every exception a hostile shape could still raise past the type checks below; one bad
# message or status is counted as ignored and never takes the rest of the batch down.
_PARSE_ERRORS: Final = (
    KeyError,
    TypeError,
    ValueError,
    AttributeError,
    IndexError,
    OverflowError,
    RecursionError,
)

_COMMAND: Final = re.compile(r"/(?P<name>[A-Za-z0-9_]{1,64})(?:\s+(?P<args>.*))?", re.DOTALL)
_PHONE: Final = re.compile(r"[0-9]{5,20}")  # a wa_id: the number in E.164, digits only
_TIMESTAMP: Final = re.compile(r"[0-9]{1,12}")
_BSUID_COUNTRY: Final = re.compile(r"([A-Z]{2})\.")  # "DE.1349120865530274" → DE


class WhatsAppStatusKind(StrEnum):
    SENT = "sent"
    DELIVERED = "delivered"
    READ = "read"
    FAILED = "failed"
    OTHER = "other"  # "played", "deleted", "warning", and whatever Meta adds next


class WhatsAppStatus(Frozen):
    """What happened to a message we sent; it never reaches the conversation engine."""

    message_id: str  # the wamid the Graph API answered when we sent it
    recipient: str  # whom we sent it to: the wa_id, or the BSUID for users without one
    status: WhatsAppStatusKind
    timestamp: datetime | None = None
    error_code: int | None = None  # failed only: 131047 outside the window, 131026, ...
    error_title: str | None = None


class WhatsAppBatch(Frozen):
    """Everything one webhook POST carried, in the order Meta sent it."""

    messages: tuple[InboundMessage, ...] = ()
    statuses: tuple[WhatsAppStatus, ...] = ()
    # wa_id → business-scoped user id (BSUID), wherever a payload named both, so the service can
    # keep both ids of a user; users known only by their BSUID are keyed by it and absent here.
    bsuids: dict[str, str] = Field(default_factory=dict)
    ignored: int = 0  # entries, changes, messages or statuses unparseable or not for us


# --------------------------------------------------------------------------- language

_LANGUAGE_BY_CALLING_CODE: Final[Mapping[str, str]] = {
    "49": "de",  # Germany
    "43": "de",  # Austria
    "41": "de",  # Switzerland (mostly German-speaking; users can switch)
    "423": "de",  # Liechtenstein
    "34": "es",  # Spain
    "52": "es",  # Mexico
    "54": "es",  # Argentina
    "56": "es",  # Chile
    "57": "es",  # Colombia
    "58": "es",  # Venezuela
    "51": "es",  # Peru
    "53": "es",  # Cuba
    "591": "es",  # Bolivia
    "593": "es",  # Ecuador
    "595": "es",  # Paraguay
    "598": "es",  # Uruguay
    "502": "es",  # Guatemala
    "503": "es",  # El Salvador
    "504": "es",  # Honduras
    "505": "es",  # Nicaragua
    "506": "es",  # Costa Rica
    "507": "es",  # Panama
    "240": "es",  # Equatorial Guinea
    # North American numbering plan: country code 1 plus the area code
    "1809": "es",  # Dominican Republic
    "1829": "es",
    "1849": "es",
    "1787": "es",  # Puerto Rico
    "1939": "es",
}
_SPANISH_SPEAKING: Final = (
    *("ES", "MX", "AR", "CL", "CO", "VE", "PE", "CU", "BO", "EC", "PY"),
    *("UY", "GT", "SV", "HN", "NI", "CR", "PA", "DO", "PR", "GQ"),
)
_LANGUAGE_BY_COUNTRY: Final[Mapping[str, str]] = {
    **dict.fromkeys(("DE", "AT", "CH", "LI"), "de"),
    **dict.fromkeys(_SPANISH_SPEAKING, "es"),
}
_LONGEST_CALLING_CODE: Final = max(map(len, _LANGUAGE_BY_CALLING_CODE))
_DEFAULT_LANGUAGE: Final = "en"


def language_for(wa_id: str | None, country_code: str | None = None) -> str:
    """The language to start in: from the number's calling code, else an ISO country, else en.

    ``country_code`` is ISO 3166 alpha-2, as in ``contacts[].country_code`` or a BSUID's prefix.
    """
    if wa_id is not None and _PHONE.fullmatch(wa_id):
        # Calling codes are a prefix code, so the longest listed prefix is the only match.
        for length in range(_LONGEST_CALLING_CODE, 0, -1):
            language = _LANGUAGE_BY_CALLING_CODE.get(wa_id[:length])
            if language is not None:
                return language
        return _DEFAULT_LANGUAGE
    if country_code is not None:
        return _LANGUAGE_BY_COUNTRY.get(country_code.upper(), _DEFAULT_LANGUAGE)
    return _DEFAULT_LANGUAGE


# --------------------------------------------------------------------------- the payload


def to_inbound(payload: Mapping[str, Any]) -> WhatsAppBatch:
    """Every message and status of a webhook POST, in order; never raises on any JSON value."""
    batch = _Batch()
    if not isinstance(payload, Mapping):
        batch.ignored += 1
        return batch.freeze()
    subject = _get(payload, "object")
    if subject is not None and subject != "whatsapp_business_account":
        batch.ignored += 1
        return batch.freeze()
    for entry in _items(_get(payload, "entry")):
        changes = _get(entry, "changes") if isinstance(entry, Mapping) else None
        if not isinstance(entry, Mapping) or not _is_list(changes):
            batch.ignored += 1
            continue
        for change in _items(changes):
            batch.add_change(change)
    return batch.freeze()


class _Contact(Frozen):
    wa_id: str | None
    user_id: str | None
    country_code: str | None


class _Batch:
    """The mutable accumulator behind one to_inbound call."""

    def __init__(self) -> None:
        self.messages: list[InboundMessage] = []
        self.statuses: list[WhatsAppStatus] = []
        self.bsuids: dict[str, str] = {}
        self.ignored = 0

    def freeze(self) -> WhatsAppBatch:
        return WhatsAppBatch(
            messages=tuple(self.messages),
            statuses=tuple(self.statuses),
            bsuids=self.bsuids,
            ignored=self.ignored,
        )

    def add_change(self, change: object) -> None:
        value = _get(change, "value") if isinstance(change, Mapping) else None
        if (
            not isinstance(change, Mapping)
            or _get(change, "field") != "messages"
            or not isinstance(value, Mapping)
            or _get(value, "messaging_product") != "whatsapp"
        ):
            # Template reviews, account updates, echoes, calls, ...: not conversation.
            self.ignored += 1
            return
        try:
            contacts = self._contacts(_get(value, "contacts"))
        except _PARSE_ERRORS:
            contacts = ()
        for raw in _items(_get(value, "messages")):
            try:
                message = self._message(raw, contacts)
            except _PARSE_ERRORS:
                message = None
            if message is None:
                self.ignored += 1
            else:
                self.messages.append(message)
        for raw in _items(_get(value, "statuses")):
            try:
                status = self._status(raw)
            except _PARSE_ERRORS:
                status = None
            if status is None:
                self.ignored += 1
            else:
                self.statuses.append(status)

    def _contacts(self, raw: object) -> tuple[_Contact, ...]:
        contacts: list[_Contact] = []
        for item in _items(raw):
            if not isinstance(item, Mapping):
                continue
            wa_id = _phone(_get(item, "wa_id"))
            user_id = _ident(_get(item, "user_id"))
            country = _optional_text(_get(item, "country_code"), 8)
            self._pair(wa_id, user_id)
            contacts.append(_Contact(wa_id=wa_id, user_id=user_id, country_code=country))
        return tuple(contacts)

    def _pair(self, wa_id: str | None, user_id: str | None) -> None:
        if wa_id is not None and user_id is not None:
            self.bsuids[wa_id] = user_id

    def _message(self, raw: object, contacts: Sequence[_Contact]) -> InboundMessage | None:
        if not isinstance(raw, Mapping):
            return None
        wamid = _ident(_get(raw, "id"))
        if wamid is None:
            return None
        sender_from = _ident(_get(raw, "from"))
        wa_id = _phone(sender_from)
        user_id = _ident(_get(raw, "from_user_id"))
        if user_id is None and wa_id is None:
            user_id = sender_from  # a business-scoped id in "from": keep it as the key
        contact = _match(contacts, wa_id, user_id)
        if contact is not None:
            wa_id = wa_id or contact.wa_id
            user_id = user_id or contact.user_id
        self._pair(wa_id, user_id)
        key = wa_id or user_id
        if key is None:
            return None
        country = (contact.country_code if contact else None) or _bsuid_country(user_id)
        language = language_for(wa_id, country)
        return _classify(raw, wamid, key, language)

    def _status(self, raw: object) -> WhatsAppStatus | None:
        if not isinstance(raw, Mapping):
            return None
        wamid = _ident(_get(raw, "id"))
        state = _get(raw, "status")
        recipient_id = _ident(_get(raw, "recipient_id"))
        recipient_user_id = _ident(_get(raw, "recipient_user_id"))
        recipient = recipient_id or recipient_user_id
        if wamid is None or not isinstance(state, str) or recipient is None:
            return None
        self._pair(_phone(recipient_id), recipient_user_id)
        try:
            kind = WhatsAppStatusKind(state)
        except ValueError:
            kind = WhatsAppStatusKind.OTHER
        error = next((e for e in _items(_get(raw, "errors")) if isinstance(e, Mapping)), None)
        return WhatsAppStatus(
            message_id=wamid,
            recipient=recipient,
            status=kind,
            timestamp=_timestamp(_get(raw, "timestamp")),
            error_code=_code(_get(error, "code")) if error else None,
            error_title=(
                _optional_text(_get(error, "title"), _MAX_LABEL_LENGTH)
                or _optional_text(_get(error, "message"), _MAX_LABEL_LENGTH)
                if error
                else None
            ),
        )


def _match(contacts: Sequence[_Contact], wa_id: str | None, user_id: str | None) -> _Contact | None:
    for contact in contacts:
        if (wa_id is not None and contact.wa_id == wa_id) or (
            user_id is not None and contact.user_id == user_id
        ):
            return contact
    return None


# --------------------------------------------------------------------------- message kinds


def _classify(raw: Mapping[str, Any], wamid: str, key: str, language: str) -> InboundMessage | None:
    kind = _get(raw, "type")
    if kind == "reaction":
        return None  # an emoji on an earlier message: nothing to answer
    body = _get(raw, kind) if isinstance(kind, str) else None
    content = body if isinstance(body, Mapping) else {}

    def inbound(message_kind: MessageKind, **fields: Any) -> InboundMessage:
        return InboundMessage(
            channel=Channel.WHATSAPP,
            chat_id=fields.pop("chat_id", key),
            user_id=key,
            update_id=wamid,
            kind=message_kind,
            language_code=language,
            **fields,
        )

    group_id = _ident(_get(raw, "group_id"))
    if group_id is not None:
        return inbound(MessageKind.GROUP, chat_id=group_id, text=_text(_get(content, "body")))

    if kind == "text":
        text = _text(_get(content, "body"))
        if not text:
            return inbound(MessageKind.UNSUPPORTED)
        command = _COMMAND.fullmatch(text.strip())
        if command is not None:
            return inbound(
                MessageKind.COMMAND,
                text=text,
                command=command["name"].lower(),
                args=(command["args"] or "").strip(),
            )
        return inbound(MessageKind.TEXT, text=text)
    if kind == "interactive":
        reply_type = _get(content, "type")
        reply = _get(content, reply_type) if reply_type in ("button_reply", "list_reply") else None
        reply_id = _ident(_get(reply, "id")) if isinstance(reply, Mapping) else None
        if reply_id is None:
            return inbound(MessageKind.UNSUPPORTED)  # flows (nfm_reply) and the like
        # The id is ours; the title is a translated label the user saw. WhatsApp has no
        # callback query to acknowledge, hence answered.
        return inbound(
            MessageKind.CALLBACK,
            text=reply_id,
            callback_id=wamid,
            callback_answered=True,
        )
    if kind == "button":  # a template's quick-reply button
        data = _ident(_get(content, "payload")) or _ident(_get(content, "text"))
        if data is None:
            return inbound(MessageKind.UNSUPPORTED)
        return inbound(MessageKind.CALLBACK, text=data, callback_id=wamid, callback_answered=True)
    if kind in ("document", "image"):
        caption = _text(_get(content, "caption"))
        file = _file_ref(content)
        if file is None:
            return inbound(MessageKind.UNSUPPORTED, text=caption)
        message_kind = MessageKind.DOCUMENT if kind == "document" else MessageKind.PHOTO
        return inbound(message_kind, text=caption, file=file)
    if kind == "location":
        latitude = _coordinate(_get(content, "latitude"), 90.0)
        longitude = _coordinate(_get(content, "longitude"), 180.0)
        if latitude is None or longitude is None:
            return inbound(MessageKind.UNSUPPORTED)
        return inbound(MessageKind.LOCATION, latitude=latitude, longitude=longitude)
    # audio, video, sticker, "unsupported" (131051), system, order, contacts, unknown, ...:
    # the engine answers with short help. A video may carry a caption worth showing in logs.
    return inbound(MessageKind.UNSUPPORTED, text=_text(_get(content, "caption")))


def _file_ref(content: Mapping[str, Any]) -> FileRef | None:
    media_id = _ident(_get(content, "id"))
    if media_id is None:
        return None
    # The webhook's "url" (Meta's host) is deliberately not kept: media is always resolved
    # through GET /{media_id} with our configured API base URL.
    return FileRef(
        file_id=media_id,
        file_name=_optional_text(_get(content, "filename"), _MAX_LABEL_LENGTH),
        mime_type=_optional_text(_get(content, "mime_type"), _MAX_LABEL_LENGTH),
        size=None,  # the webhook does not say; GET /{media_id} does
    )


# --------------------------------------------------------------------------- safe readers


def _get(container: object, key: str) -> Any:
    if not isinstance(container, Mapping):
        return None
    try:
        return container.get(key)
    except _PARSE_ERRORS:
        return None


def _is_list(value: object) -> bool:
    return isinstance(value, Sequence) and not isinstance(value, str | bytes | bytearray)


def _items(value: object) -> Iterator[object]:
    if _is_list(value):
        assert isinstance(value, Sequence)  # narrowed by _is_list
        yield from value


def _text(value: object, limit: int = MAX_TEXT_LENGTH) -> str:
    return clean_text(value, limit)


def _optional_text(value: object, limit: int) -> str | None:
    return _text(value, limit) or None


def _ident(value: object) -> str | None:
    """An id (wamid, media id, wa_id, BSUID, reply id); too long or empty is no id at all."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        # str() of a huge int raises (and no id has more than 20 digits)
        value = str(value) if abs(value) < 10**20 else None
    if not isinstance(value, str):
        return None
    value = strip_surrogates(value).strip()
    if not value or len(value) > _MAX_ID_LENGTH:
        return None
    return value


def _phone(value: object) -> str | None:
    ident = _ident(value)
    return ident if ident is not None and _PHONE.fullmatch(ident) else None


def _bsuid_country(user_id: str | None) -> str | None:
    match = _BSUID_COUNTRY.match(user_id) if user_id else None
    return match[1] if match else None


def _timestamp(value: object) -> datetime | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and _TIMESTAMP.fullmatch(value):
        value = int(value)
    if not isinstance(value, int) or value < 0:
        return None
    try:
        return datetime.fromtimestamp(value, tz=UTC)
    except (OverflowError, ValueError, OSError):
        return None


def _code(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 9:
        return int(value)
    if isinstance(value, int) and 0 <= value < 10**9:
        return value
    return None


def _coordinate(value: object, bound: float) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        number = float(value)
    except OverflowError:  # an integer too large for a float
        return None
    if not math.isfinite(number) or abs(number) > bound:
        return None
    return number

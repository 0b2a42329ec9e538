"""to_inbound over recorded-style Cloud API webhook payloads: one row per fixture file."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bots.whatsapp import WhatsAppBatch, WhatsAppStatus, to_inbound
from bots.whatsapp.inbound import MAX_TEXT_LENGTH, WhatsAppStatusKind, language_for
from core.channels import Channel, FileRef, InboundMessage, MessageKind

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "whatsapp"

JANE = "447700900123"
LUKAS = "4917612345678"
LUCIA = "34612345678"
LUCIA_BSUID = "ES.1348823910056728812"
ALEX_BSUID = "DE.1349120865530274191"
WAMID = "wamid.HBgMNDQ3NzAwOTAwMTIzFQIAEhgUM0E"  # + a per-message suffix, as in the fixtures
OURS = "wamid.HBgMNDQ3NzAwOTAwMTIzFQIAERgSQzFFNjM3RjA1QkJBN0UxRkE0AA=="
GROUP = "Y2FwaV9ncm91cDoxNTU1MDc4Mzg4MToxMjAzNjMxMjM0NTY3ODkwMTIZD"
PROFILE_NAMES = ("Jane Doe", "Lukas Müller", "Lucía García", "@alex.k", "Maria Schmidt")


def message(suffix: str, kind: MessageKind, key: str = JANE, **fields: Any) -> InboundMessage:
    fields.setdefault("language_code", {JANE: "en", LUKAS: "de", LUCIA: "es"}.get(key, "de"))
    fields.setdefault("chat_id", key)
    return InboundMessage(
        channel=Channel.WHATSAPP, user_id=key, update_id=WAMID + suffix, kind=kind, **fields
    )


def batch(*messages: InboundMessage, **fields: Any) -> WhatsAppBatch:
    return WhatsAppBatch(messages=messages, **fields)


def status(
    kind: WhatsAppStatusKind, recipient: str, at: int, code: int | None = None, title: str = ""
) -> WhatsAppStatus:
    return WhatsAppStatus(
        message_id=OURS,
        recipient=recipient,
        status=kind,
        timestamp=datetime.fromtimestamp(at, tz=UTC),
        error_code=code,
        error_title=title or None,
    )


def callback(suffix: str, data: str) -> InboundMessage:
    return message(
        suffix,
        MessageKind.CALLBACK,
        text=data,
        callback_id=WAMID + suffix,
        callback_answered=True,
    )


EXPECTED: dict[str, WhatsAppBatch] = {
    # The classic shape: contacts[].wa_id and no user_id (pywa 4.5.0 raises KeyError here).
    "text_classic": batch(
        message("AA01", MessageKind.TEXT, text="Hi, I'm looking for a job as a data analyst")
    ),
    # A user with a username: only the business-scoped id, the language from its country prefix.
    "text_bsuid_only": batch(message("AA02", MessageKind.TEXT, ALEX_BSUID, text="Hallo")),
    "text_both_ids": batch(
        message("AA03", MessageKind.TEXT, LUCIA, text="Hola, busco trabajo de enfermera en Madrid"),
        bsuids={LUCIA: LUCIA_BSUID},
    ),
    "text_german_escapes": batch(
        message(
            "AA04",
            MessageKind.TEXT,
            LUKAS,
            text="Hallo, ich suche eine Stelle als Pflegefachkraft in Hamburg, gern Teilzeit "
            "– München wäre auch großartig",
        )
    ),
    "command": batch(
        message(
            "AA05",
            MessageKind.COMMAND,
            text="/Jobs remote  python ",
            command="jobs",
            args="remote  python",
        )
    ),
    "interactive_button_reply": batch(callback("AA06", "consent:yes")),
    "interactive_list_reply": batch(callback("AA07", "freq:weekly")),
    "template_button": batch(callback("AA08", "digest:show")),
    "document_pdf": batch(
        message(
            "AA09",
            MessageKind.DOCUMENT,
            text="my CV",
            file=FileRef(
                file_id="1228449538497283",
                file_name="Jane_Doe_CV.pdf",
                mime_type="application/pdf",
            ),
        )
    ),
    "document_docx": batch(
        message(
            "AA10",
            MessageKind.DOCUMENT,
            LUKAS,
            file=FileRef(
                file_id="987654321012345",
                file_name="Lebenslauf Lukas.docx",
                mime_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ),
        )
    ),
    "image": batch(
        message(
            "AA11",
            MessageKind.PHOTO,
            text="screenshot of my CV",
            file=FileRef(file_id="1583922482301137", mime_type="image/jpeg"),
        )
    ),
    "audio": batch(message("AA12", MessageKind.UNSUPPORTED)),
    "video": batch(message("AA13", MessageKind.UNSUPPORTED, text="me at work")),
    "sticker": batch(message("AA14", MessageKind.UNSUPPORTED)),
    "location": batch(
        message("AA15", MessageKind.LOCATION, LUKAS, latitude=53.5511, longitude=9.9937)
    ),
    "reaction": batch(ignored=1),
    "unsupported": batch(message("AA17", MessageKind.UNSUPPORTED)),
    "system": batch(message("AA18", MessageKind.UNSUPPORTED)),
    "order": batch(message("AA19", MessageKind.UNSUPPORTED)),
    "contacts": batch(message("AA20", MessageKind.UNSUPPORTED)),
    "unknown_type": batch(message("AA21", MessageKind.UNSUPPORTED)),
    "group_text": batch(
        message("AA22", MessageKind.GROUP, chat_id=GROUP, text="anyone hiring in Berlin?")
    ),
    # Two entries, one of them with two changes: every message and the status, in order.
    "batched": batch(
        message("AB01", MessageKind.TEXT, LUKAS, text="Hallo"),
        message("AB02", MessageKind.TEXT, LUKAS, text="Pflegefachkraft"),
        statuses=(status(WhatsAppStatusKind.SENT, JANE, 1767225700),),
    ),
    "statuses_sent_delivered_read": WhatsAppBatch(
        statuses=(
            status(WhatsAppStatusKind.SENT, LUCIA, 1767225700),
            status(WhatsAppStatusKind.DELIVERED, LUCIA, 1767225701),
            status(WhatsAppStatusKind.READ, LUCIA, 1767225760),
        ),
        bsuids={LUCIA: LUCIA_BSUID},
    ),
    # Failed statuses come without contacts (pywa 4.5.0 raises there).
    "status_failed_131047": WhatsAppBatch(
        statuses=(
            status(WhatsAppStatusKind.FAILED, JANE, 1767312200, 131047, "Re-engagement message"),
        )
    ),
    "status_failed_131026": WhatsAppBatch(
        statuses=(
            status(
                WhatsAppStatusKind.FAILED, ALEX_BSUID, 1767312300, 131026, "Message undeliverable"
            ),
        )
    ),
    "not_for_us_field": batch(ignored=1),
    "not_for_us_product": batch(ignored=1),
}


def load(name: str) -> Any:
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


def test_every_fixture_has_an_expectation() -> None:
    on_disk = {path.stem for path in FIXTURES.glob("*.json")}
    assert on_disk == set(EXPECTED)


@pytest.mark.parametrize(("name", "expected"), EXPECTED.items(), ids=list(EXPECTED))
def test_to_inbound(name: str, expected: WhatsAppBatch) -> None:
    assert to_inbound(load(name)) == expected


@pytest.mark.parametrize("name", list(EXPECTED))
def test_profile_names_are_not_kept(name: str) -> None:
    dumped = to_inbound(load(name)).model_dump_json()
    assert not [found for found in PROFILE_NAMES if found in dumped]


def test_the_german_fixture_really_is_escaped() -> None:
    raw = (FIXTURES / "text_german_escapes.json").read_text(encoding="utf-8")
    assert "\\u00fc" in raw
    assert raw.isascii()


def test_webhook_media_urls_are_not_kept() -> None:
    # Media is resolved through GET /{media_id} on our API base URL, never Meta's host.
    assert "lookaside" not in to_inbound(load("document_pdf")).model_dump_json()


def test_batched_post_of_the_same_payload_twice_keeps_every_message() -> None:
    payload = load("batched")
    payload["entry"] = payload["entry"] * 2
    result = to_inbound(payload)
    assert [m.update_id for m in result.messages] == [WAMID + s for s in ("AB01", "AB02") * 2]
    assert len(result.statuses) == 2


# --------------------------------------------------------------------------- users and ids


def test_bsuid_in_from_without_from_user_id_is_the_key() -> None:
    payload = load("text_bsuid_only")
    msg = payload["entry"][0]["changes"][0]["value"]["messages"][0]
    msg["from"] = msg.pop("from_user_id")
    result = to_inbound(payload)
    assert [(m.user_id, m.chat_id) for m in result.messages] == [(ALEX_BSUID, ALEX_BSUID)]
    assert result.bsuids == {}


def test_contact_matched_by_user_id_supplies_the_wa_id() -> None:
    payload = load("text_both_ids")
    del payload["entry"][0]["changes"][0]["value"]["messages"][0]["from"]
    result = to_inbound(payload)
    assert [m.user_id for m in result.messages] == [LUCIA]
    assert result.bsuids == {LUCIA: LUCIA_BSUID}


def test_message_without_any_sender_is_ignored() -> None:
    payload = load("text_classic")
    del payload["entry"][0]["changes"][0]["value"]["messages"][0]["from"]
    assert to_inbound(payload) == WhatsAppBatch(ignored=1)


def test_status_to_a_bsuid_records_the_pair_when_both_are_named() -> None:
    payload = load("status_failed_131047")
    payload["entry"][0]["changes"][0]["value"]["statuses"][0]["recipient_user_id"] = "GB.77"
    assert to_inbound(payload).bsuids == {JANE: "GB.77"}


@pytest.mark.parametrize(
    ("wa_id", "country", "language"),
    [
        ("4917612345678", None, "de"),
        ("436641234567", None, "de"),
        ("41791234567", None, "de"),
        ("4237912345", None, "de"),
        ("34612345678", None, "es"),
        ("5215512345678", None, "es"),
        ("5491123456789", None, "es"),
        ("573001234567", None, "es"),
        ("59171234567", None, "es"),  # Bolivia: a three-digit code
        ("18095551234", None, "es"),  # Dominican Republic: NANP area code
        ("14155551234", None, "en"),  # United States
        ("447700900123", None, "en"),
        ("420601123456", None, "en"),  # Czechia: 420 is not 42x German
        ("33612345678", None, "en"),  # France: no French texts yet
        ("4917612345678", "ES", "de"),  # the number wins over the country
        (None, "DE", "de"),
        (None, "at", "de"),
        (None, "MX", "es"),
        (None, "US", "en"),
        (None, None, "en"),
        ("not-a-number", None, "en"),
    ],
)
def test_language_for(wa_id: str | None, country: str | None, language: str) -> None:
    assert language_for(wa_id, country) == language


# --------------------------------------------------------------------------- kinds


@pytest.mark.parametrize(
    ("text", "kind", "command", "args"),
    [
        ("/start", MessageKind.COMMAND, "start", ""),
        ("/start   ", MessageKind.COMMAND, "start", ""),
        ("/DELETE", MessageKind.COMMAND, "delete", ""),
        ("/language_de", MessageKind.COMMAND, "language_de", ""),
        ("/jobs\nremote", MessageKind.COMMAND, "jobs", "remote"),
        (" /help", MessageKind.COMMAND, "help", ""),  # phone keyboards add spaces
        ("/", MessageKind.TEXT, None, ""),
        ("/ start", MessageKind.TEXT, None, ""),
        ("//start", MessageKind.TEXT, None, ""),
        ("/путь", MessageKind.TEXT, None, ""),
        ("menu", MessageKind.TEXT, None, ""),
    ],
)
def test_command_parsing(text: str, kind: MessageKind, command: str | None, args: str) -> None:
    payload = load("text_classic")
    payload["entry"][0]["changes"][0]["value"]["messages"][0]["text"]["body"] = text
    msg = one_message_of(payload)
    assert (msg.kind, msg.command, msg.args, msg.text) == (kind, command, args, text)


def one_message_of(payload: Any) -> InboundMessage:
    result = to_inbound(payload)
    assert len(result.messages) == 1, result
    return result.messages[0]


def _first_message(payload: Any) -> dict[str, Any]:
    found: dict[str, Any] = payload["entry"][0]["changes"][0]["value"]["messages"][0]
    return found


@pytest.mark.parametrize("reply_type", ["button_reply", "list_reply"])
def test_interactive_reply_without_id_never_falls_back_to_the_title(reply_type: str) -> None:
    payload = load("interactive_button_reply")
    _first_message(payload)["interactive"] = {
        "type": reply_type,
        reply_type: {"title": "Yes, delete everything"},
    }
    msg = one_message_of(payload)
    assert (msg.kind, msg.text) == (MessageKind.UNSUPPORTED, "")


def test_flow_reply_is_unsupported() -> None:
    payload = load("interactive_button_reply")
    _first_message(payload)["interactive"] = {
        "type": "nfm_reply",
        "nfm_reply": {"name": "flow", "body": "Sent", "response_json": "{}"},
    }
    assert one_message_of(payload).kind == MessageKind.UNSUPPORTED


def test_template_button_without_payload_uses_its_text() -> None:
    payload = load("template_button")
    del _first_message(payload)["button"]["payload"]
    assert one_message_of(payload) == callback("AA08", "Show jobs")


def test_document_without_media_id_asks_again() -> None:
    payload = load("document_pdf")
    del _first_message(payload)["document"]["id"]
    msg = one_message_of(payload)
    assert (msg.kind, msg.file) == (MessageKind.UNSUPPORTED, None)


@pytest.mark.parametrize(
    ("latitude", "longitude"),
    [(None, 9.99), (53.55, None), ("53.55", 9.99), (91.0, 9.99), (53.55, -180.5), (True, 1.0)],
)
def test_location_without_usable_coordinates_is_unsupported(latitude: Any, longitude: Any) -> None:
    payload = load("location")
    _first_message(payload)["location"] = {"latitude": latitude, "longitude": longitude}
    msg = one_message_of(payload)
    assert (msg.kind, msg.latitude, msg.longitude) == (MessageKind.UNSUPPORTED, None, None)


def test_integer_coordinates_are_floats() -> None:
    payload = load("location")
    _first_message(payload)["location"] = {"latitude": -33, "longitude": 151}
    msg = one_message_of(payload)
    assert (msg.kind, msg.latitude, msg.longitude) == (MessageKind.LOCATION, -33.0, 151.0)


def test_reaction_in_a_group_is_still_ignored() -> None:
    payload = load("reaction")
    _first_message(payload)["group_id"] = GROUP
    assert to_inbound(payload) == WhatsAppBatch(ignored=1)


def test_empty_text_body_is_unsupported() -> None:
    payload = load("text_classic")
    _first_message(payload)["text"] = {"body": ""}
    assert one_message_of(payload).kind == MessageKind.UNSUPPORTED


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("played", WhatsAppStatusKind.OTHER),
        ("deleted", WhatsAppStatusKind.OTHER),
        ("READ", WhatsAppStatusKind.OTHER),
        ("read", WhatsAppStatusKind.READ),
    ],
)
def test_status_kinds(raw: str, expected: WhatsAppStatusKind) -> None:
    payload = load("status_failed_131047")
    payload["entry"][0]["changes"][0]["value"]["statuses"][0]["status"] = raw
    assert [s.status for s in to_inbound(payload).statuses] == [expected]


@pytest.mark.parametrize(
    ("code", "timestamp", "expected_code", "expected_time"),
    [
        ("131047", 1767312200, 131047, datetime(2026, 1, 2, 0, 3, 20, tzinfo=UTC)),
        (True, "yesterday", None, None),
        (-5, "-1", None, None),
        (10**30, "99999999999999999999", None, None),
        (None, 10**30, None, None),
    ],
)
def test_status_error_codes_and_timestamps(
    code: Any, timestamp: Any, expected_code: int | None, expected_time: datetime | None
) -> None:
    payload = load("status_failed_131047")
    raw = payload["entry"][0]["changes"][0]["value"]["statuses"][0]
    raw["errors"][0]["code"] = code
    raw["timestamp"] = timestamp
    (parsed,) = to_inbound(payload).statuses
    assert (parsed.error_code, parsed.timestamp) == (expected_code, expected_time)


def test_status_error_title_falls_back_to_the_message() -> None:
    payload = load("status_failed_131026")
    error = payload["entry"][0]["changes"][0]["value"]["statuses"][0]["errors"][0]
    del error["title"]
    error["message"] = "Undeliverable"
    (parsed,) = to_inbound(payload).statuses
    assert parsed.error_title == "Undeliverable"


# --------------------------------------------------------------------------- sanitising


def test_lone_surrogates_are_stripped_everywhere() -> None:
    raw = (FIXTURES / "document_pdf.json").read_text(encoding="utf-8")
    raw = raw.replace("my CV", "my \\ud800CV").replace("Jane_Doe_CV", "Jane\\udfff_Doe_CV")
    raw = raw.replace('"1228449538497283"', '"12284495\\udc0038497283"')
    payload = json.loads(raw)
    assert "\ud800" in _first_message(payload)["document"]["caption"]
    msg = one_message_of(payload)
    assert msg.text == "my CV"
    assert msg.file == EXPECTED["document_pdf"].messages[0].file
    msg.model_dump_json().encode("utf-8")  # would raise on a surrogate


def test_a_text_of_only_surrogates_is_empty_and_unsupported() -> None:
    payload = json.loads(
        (FIXTURES / "text_classic.json")
        .read_text(encoding="utf-8")
        .replace("Hi, I'm looking for a job as a data analyst", "\\ud83d\\ud83d")
    )
    assert one_message_of(payload).kind == MessageKind.UNSUPPORTED


def test_text_is_capped() -> None:
    payload = load("text_classic")
    _first_message(payload)["text"]["body"] = "ü" * (MAX_TEXT_LENGTH * 3)
    assert one_message_of(payload).text == "ü" * MAX_TEXT_LENGTH


@pytest.mark.parametrize("field", ["id", "from"])
def test_absurdly_long_ids_are_no_ids(field: str) -> None:
    payload = load("text_classic")
    _first_message(payload)[field] = "4" * 10_000
    del payload["entry"][0]["changes"][0]["value"]["contacts"]
    assert to_inbound(payload) == WhatsAppBatch(ignored=1)


# --------------------------------------------------------------------------- malformed


def _with_value(value: Any) -> dict[str, Any]:
    return {
        "object": "whatsapp_business_account",
        "entry": [{"id": "1", "changes": [{"field": "messages", "value": value}]}],
    }


def _with_message(raw: Any) -> dict[str, Any]:
    return _with_value({"messaging_product": "whatsapp", "messages": [raw]})


class _Hostile(dict[str, Any]):
    """A mapping whose reads blow up: no JSON value is this bad, the guard must hold anyway."""

    def get(self, key: str, default: Any = None) -> Any:
        raise TypeError(key)


DEEP: Any = "x"
for _ in range(5_000):
    DEEP = {"a": [DEEP]}

MALFORMED: dict[str, tuple[Any, WhatsAppBatch]] = {
    "none": (None, WhatsAppBatch(ignored=1)),
    "string": ("payload", WhatsAppBatch(ignored=1)),
    "number": (42, WhatsAppBatch(ignored=1)),
    "list": ([{"entry": []}], WhatsAppBatch(ignored=1)),
    "bytes": (b"{}", WhatsAppBatch(ignored=1)),
    "empty": ({}, WhatsAppBatch()),
    "other_object": ({"object": "page", "entry": []}, WhatsAppBatch(ignored=1)),
    "entry_null": ({"object": "whatsapp_business_account", "entry": None}, WhatsAppBatch()),
    "entry_string": ({"entry": "entries"}, WhatsAppBatch()),
    "entry_items_wrong": ({"entry": [None, 1, "x", [], {}]}, WhatsAppBatch(ignored=5)),
    "changes_wrong": ({"entry": [{"changes": {"0": {}}}]}, WhatsAppBatch(ignored=1)),
    "change_items_wrong": ({"entry": [{"changes": [None, 7, []]}]}, WhatsAppBatch(ignored=3)),
    "field_missing": ({"entry": [{"changes": [{"value": {}}]}]}, WhatsAppBatch(ignored=1)),
    "value_null": (_with_value(None), WhatsAppBatch(ignored=1)),
    "value_list": (_with_value([]), WhatsAppBatch(ignored=1)),
    "messages_null": (_with_value({"messaging_product": "whatsapp", "messages": None}), batch()),
    "messages_object": (
        _with_value({"messaging_product": "whatsapp", "messages": {"id": "x"}}),
        batch(),
    ),
    "statuses_wrong": (
        _with_value({"messaging_product": "whatsapp", "statuses": [None, {}, {"id": 1}]}),
        batch(ignored=3),
    ),
    "contacts_wrong": (
        _with_value(
            {
                "messaging_product": "whatsapp",
                "contacts": [None, {"wa_id": ["1"]}, {"user_id": {"x": 1}}, 5],
                "messages": [
                    {"from": JANE, "id": "wamid.1", "type": "text", "text": {"body": "hi"}}
                ],
            }
        ),
        WhatsAppBatch(
            messages=(
                InboundMessage(
                    channel=Channel.WHATSAPP,
                    chat_id=JANE,
                    user_id=JANE,
                    update_id="wamid.1",
                    kind=MessageKind.TEXT,
                    text="hi",
                    language_code="en",
                ),
            )
        ),
    ),
    "message_null": (_with_message(None), batch(ignored=1)),
    "message_empty": (_with_message({}), batch(ignored=1)),
    "message_id_wrong": (_with_message({"id": True, "from": JANE}), batch(ignored=1)),
    "message_id_huge_int": (_with_message({"id": 10**5000, "from": JANE}), batch(ignored=1)),
    "message_from_wrong": (_with_message({"id": "w", "from": [JANE]}), batch(ignored=1)),
    "message_type_wrong": (
        _with_message({"id": "w", "from": JANE, "type": ["text"], "text": {"body": 1}}),
        batch(message("", MessageKind.UNSUPPORTED).model_copy(update={"update_id": "w"})),
    ),
    "message_body_wrong": (
        _with_message({"id": "w", "from": JANE, "type": "text", "text": ["hi"]}),
        batch(message("", MessageKind.UNSUPPORTED).model_copy(update={"update_id": "w"})),
    ),
    "hostile_mapping": (_Hostile(), WhatsAppBatch()),
    "hostile_message": (_with_message(_Hostile()), batch(ignored=1)),
    "hostile_value": (_with_value(_Hostile()), batch(ignored=1)),
    "deeply_nested": (
        _with_message({"id": "w", "from": JANE, "type": "text", "text": DEEP, "contacts": DEEP}),
        batch(message("", MessageKind.UNSUPPORTED).model_copy(update={"update_id": "w"})),
    ),
    "many_garbage_messages": (
        _with_value({"messaging_product": "whatsapp", "messages": [[]] * 10_000}),
        batch(ignored=10_000),
    ),
}


@pytest.mark.parametrize(("raw", "expected"), MALFORMED.values(), ids=list(MALFORMED))
def test_malformed_payloads(raw: Any, expected: WhatsAppBatch) -> None:
    assert to_inbound(raw) == expected


def _mutations(value: Any) -> Iterator[Any]:
    """Copies of ``value`` with one key deleted or one value swapped for a wrong type."""
    wrong: list[Any] = [None, True, -1, 1.5, "", "x", "\udcff", [], {}, [None], {"id": None}]
    if isinstance(value, dict):
        for key in value:
            dropped = copy.deepcopy(value)
            del dropped[key]
            yield dropped
            for replacement in wrong:
                swapped = copy.deepcopy(value)
                swapped[key] = replacement
                yield swapped
            for nested in _mutations(value[key]):
                changed = copy.deepcopy(value)
                changed[key] = nested
                yield changed
    elif isinstance(value, list):
        for index, item in enumerate(value):
            for nested in _mutations(item):
                items = copy.deepcopy(value)
                items[index] = nested
                yield items


@pytest.mark.parametrize("name", list(EXPECTED))
def test_damaged_payloads_never_raise(name: str) -> None:
    checked = 0
    for damaged in _mutations(load(name)):
        result = to_inbound(damaged)
        assert isinstance(result, WhatsAppBatch)
        # Whatever survives is safe to store and log.
        result.model_dump_json().encode("utf-8")
        checked += 1
    assert checked > 50

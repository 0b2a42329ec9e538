"""to_inbound over recorded-style Bot API updates: one row per fixture file."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from telegram import Update

from bots.telegram import to_inbound
from core.channels import Channel, FileRef, InboundMessage, MessageKind

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "telegram"

JANE = "111222333"
LUKAS = "555666777"
SUPERGROUP = "-1001234567890"


def inbound(update_id: int, chat_id: str, kind: MessageKind, **fields: Any) -> InboundMessage:
    fields.setdefault("user_id", chat_id)
    fields.setdefault("language_code", "en")
    return InboundMessage(
        channel=Channel.TELEGRAM, chat_id=chat_id, update_id=str(update_id), kind=kind, **fields
    )


EXPECTED: dict[str, InboundMessage | None] = {
    "private_text": inbound(731200001, JANE, MessageKind.TEXT, text="Berlin, remote is fine too"),
    "command_start_payload": inbound(
        731200002,
        LUKAS,
        MessageKind.COMMAND,
        text="/start ref-campaign_42",
        command="start",
        args="ref-campaign_42",
        language_code="de",
    ),
    "command_with_botname": inbound(
        731200003,
        JANE,
        MessageKind.COMMAND,
        text="/START@JobScoutBot payload",
        command="start",
        args="payload",
    ),
    "command_plain": inbound(
        731200004, JANE, MessageKind.COMMAND, text="/help", command="help", args=""
    ),
    "text_with_slash_path": inbound(
        731200005, JANE, MessageKind.TEXT, text="/home/jane is where I keep my CV"
    ),
    "callback_query": inbound(
        731200006,
        JANE,
        MessageKind.CALLBACK,
        text="job:save:65f1c0ffee",
        callback_id="4382bfdwdsb323b2d9",
    ),
    "callback_query_group": inbound(
        731200007,
        SUPERGROUP,
        MessageKind.GROUP,
        user_id=JANE,
        text="pick:1",
        callback_id="4382bfdwdsb323b2da",
    ),
    "document_pdf": inbound(
        731200008,
        JANE,
        MessageKind.DOCUMENT,
        text="my resume",
        file=FileRef(
            file_id="BQACAgIAAxkBAAIBR2dPdfPdfPdf-jane-cv",
            file_name="Jane_Doe_CV.pdf",
            mime_type="application/pdf",
            size=184320,
        ),
    ),
    "document_docx": inbound(
        731200009,
        LUKAS,
        MessageKind.DOCUMENT,
        language_code="de",
        file=FileRef(
            file_id="BQACAgIAAxkBAAIBSGdDocxDocx-lukas",
            file_name="Lebenslauf Lukas.docx",
            mime_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            size=48211,
        ),
    ),
    "photo": inbound(
        731200010,
        JANE,
        MessageKind.PHOTO,
        text="screenshot of my CV",
        file=FileRef(file_id="AgACAgIAAxkBAAIBSWdPhotoX", size=143887),
    ),
    "edited_message": inbound(
        731200011, JANE, MessageKind.EDITED, text="Munich, remote is fine too"
    ),
    "group_text": inbound(
        731200012, "-4012345678", MessageKind.GROUP, user_id=JANE, text="anyone hiring in Berlin?"
    ),
    "supergroup_command": inbound(
        731200013,
        SUPERGROUP,
        MessageKind.GROUP,
        user_id=LUKAS,
        text="/start@JobScoutBot",
        language_code="de",
    ),
    "channel_post": inbound(
        731200014,
        "-1009876543210",
        MessageKind.GROUP,
        text="We are hiring: Data Engineer (Lisbon)",
        language_code=None,
    ),
    "my_chat_member_kicked": inbound(731200015, JANE, MessageKind.BLOCKED),
    "my_chat_member_member": inbound(731200016, JANE, MessageKind.UNBLOCKED),
    "my_chat_member_group_added": inbound(
        731200017, "-4012345678", MessageKind.GROUP, user_id=LUKAS, language_code="de"
    ),
    "sticker": inbound(731200018, JANE, MessageKind.UNSUPPORTED),
    "voice": inbound(731200019, JANE, MessageKind.UNSUPPORTED),
    "location": inbound(731200020, JANE, MessageKind.UNSUPPORTED),
    "contact": inbound(731200021, JANE, MessageKind.UNSUPPORTED),
    "video": inbound(731200022, JANE, MessageKind.UNSUPPORTED),
    "audio": inbound(731200023, JANE, MessageKind.UNSUPPORTED),
    # Telegram fills "document" next to "animation"; a GIF is not a resume.
    "animation": inbound(731200024, JANE, MessageKind.UNSUPPORTED),
    "poll": inbound(731200025, JANE, MessageKind.UNSUPPORTED),
    "malformed_missing_message": None,
    "malformed_missing_chat": None,
    "malformed_not_a_dict": None,
    "malformed_message_not_object": None,
    "malformed_chat_id_wrong_type": None,
    "malformed_missing_update_id": None,
    "malformed_callback_without_from": None,
    "malformed_document_without_file_id": None,
    "unknown_update_type": None,
}


def load(name: str) -> Any:
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


def test_every_fixture_has_an_expectation() -> None:
    on_disk = {path.stem for path in FIXTURES.glob("*.json")}
    assert on_disk == set(EXPECTED)


@pytest.mark.parametrize(("name", "expected"), EXPECTED.items(), ids=list(EXPECTED))
def test_to_inbound(name: str, expected: InboundMessage | None) -> None:
    assert to_inbound(load(name)) == expected


@pytest.mark.parametrize(
    "name", [name for name, expected in EXPECTED.items() if expected is not None]
)
def test_fixtures_are_valid_bot_api_updates(name: str) -> None:
    # The fixtures are hand-written from the Bot API docs; PTB's parser keeps them honest.
    update = Update.de_json(load(name), bot=None)
    assert update.update_id == int(load(name)["update_id"])


@pytest.mark.parametrize("raw", [None, "update", 42, 4.2, b"{}", [], ["message"], object()])
def test_non_mapping_updates_are_dropped(raw: Any) -> None:
    assert to_inbound(raw) is None


@pytest.mark.parametrize(
    ("text", "command", "args"),
    [
        ("/start", "start", ""),
        ("/start   ", "start", ""),
        ("/start@JobScoutBot", "start", ""),
        ("/Jobs@JobScoutBot remote  python ", "jobs", "remote  python"),
        ("/start\npayload", "start", "payload"),
        ("/language_de", "language_de", ""),
    ],
)
def test_command_parsing(text: str, command: str, args: str) -> None:
    update = load("private_text")
    update["message"]["text"] = text
    message = to_inbound(update)
    assert message is not None
    assert (message.kind, message.command, message.args, message.text) == (
        MessageKind.COMMAND,
        command,
        args,
        text,
    )


@pytest.mark.parametrize("text", ["/", "/ start", "/start@", "//start", "/путь"])
def test_slash_texts_that_are_not_commands(text: str) -> None:
    update = load("private_text")
    update["message"]["text"] = text
    message = to_inbound(update)
    assert message is not None
    assert (message.kind, message.command, message.text) == (MessageKind.TEXT, None, text)


def test_photo_takes_the_largest_size_whatever_the_order() -> None:
    update = load("photo")
    update["message"]["photo"].reverse()
    message = to_inbound(update)
    assert message is not None
    assert message.file == FileRef(file_id="AgACAgIAAxkBAAIBSWdPhotoX", size=143887)


def test_callback_without_message_answers_in_the_private_chat() -> None:
    update = load("callback_query")
    del update["callback_query"]["message"]
    update["callback_query"]["inline_message_id"] = "AAAAAIbx"
    assert to_inbound(update) == EXPECTED["callback_query"]


def test_missing_language_code_is_none() -> None:
    update = load("private_text")
    del update["message"]["from"]["language_code"]
    message = to_inbound(update)
    assert message is not None
    assert message.language_code is None


def test_other_member_statuses_are_ignored() -> None:
    update = load("my_chat_member_member")
    update["my_chat_member"]["new_chat_member"]["status"] = "restricted"
    assert to_inbound(update) is None


def _mutations(value: Any) -> Iterator[Any]:
    """Copies of ``value`` with one key deleted or one value swapped for a wrong type."""
    wrong: list[Any] = [None, True, -1, 1.5, "", "x", [], {}, [None], {"id": None}]
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


@pytest.mark.parametrize(
    "name", [name for name, expected in EXPECTED.items() if expected is not None]
)
def test_damaged_updates_never_raise(name: str) -> None:
    checked = 0
    for damaged in _mutations(load(name)):
        result = to_inbound(damaged)
        assert result is None or isinstance(result, InboundMessage)
        checked += 1
    assert checked > 10


# ---------------------------------------------------------------------- hostile values (issue 11)


@pytest.mark.parametrize(
    "update_id",
    ["resume:7", "7", "internal:telegram:resume:7", -1, 2**63, 2**64, 1.5, True, None],
)
def test_only_integer_update_ids_in_range_are_accepted(update_id: Any) -> None:
    update = load("private_text")
    update["update_id"] = update_id
    assert to_inbound(update) is None


def test_the_largest_int64_update_id_is_kept() -> None:
    update = load("private_text")
    update["update_id"] = 2**63 - 1
    message = to_inbound(update)
    assert message is not None
    assert message.update_id == str(2**63 - 1)


@pytest.mark.parametrize(
    ("path", "value", "field", "expected"),
    [
        (("message", "text"), "Ber\ud800lin", "text", "Berlin"),
        (("message", "text"), "/st\udfffart now", "command", "start"),
        (("message", "text"), "x" * 10_000, "text", "x" * 4096),
        (("message", "from", "language_code"), "d\udc00e", "language_code", "de"),
        (("message", "from", "language_code"), "\ud800", "language_code", None),
    ],
)
def test_strings_are_cleaned_of_lone_surrogates_and_bounded(
    path: tuple[str, ...], value: str, field: str, expected: Any
) -> None:
    update = load("private_text")
    target = update
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    message = to_inbound(update)
    assert message is not None
    assert getattr(message, field) == expected


@pytest.mark.parametrize(("size", "expected"), [(2**63 - 1, 2**63 - 1), (2**63, None), (-5, None)])
def test_file_sizes_past_int64_are_dropped(size: int, expected: int | None) -> None:
    update = load("document_pdf")
    update["message"]["document"]["file_size"] = size
    update["message"]["document"]["file_name"] = "cv\ud800.pdf"
    message = to_inbound(update)
    assert message is not None
    assert message.file is not None
    assert (message.file.size, message.file.file_name) == (expected, "cv.pdf")


@pytest.mark.parametrize("user_id", [2**63, -(2**63) - 1, 10**30, "\ud800", "x" * 300])
def test_ids_out_of_range_drop_the_update(user_id: Any) -> None:
    update = load("private_text")
    update["message"]["from"]["id"] = user_id
    update["message"]["chat"]["id"] = user_id
    assert to_inbound(update) is None

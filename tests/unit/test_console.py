"""The terminal channel: typed lines become inbound messages; replies print with numbers."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console

from bots.console import ConsoleFiles, ConsoleSender, ConsoleSession, local_file, to_inbound
from core.channels import Button, FileRef, MessageKind, OutgoingDocument, Reply
from core.errors import FileTooLarge

BUTTONS = [Button(label="Yes", data="consent:yes:en"), Button(label="No", data="consent:no:en")]


@pytest.mark.parametrize(
    ("line", "kind", "text", "command"),
    [
        ("/start", MessageKind.COMMAND, "/start", "start"),
        ("/Prefs now", MessageKind.COMMAND, "/Prefs now", "prefs"),
        ("1", MessageKind.CALLBACK, "consent:yes:en", None),
        ("2", MessageKind.CALLBACK, "consent:no:en", None),
        ("3", MessageKind.TEXT, "3", None),  # no third option: plain text
        ("0", MessageKind.TEXT, "0", None),
        ("  Backend Developer  ", MessageKind.TEXT, "Backend Developer", None),
    ],
)
def test_lines_become_messages(
    line: str, kind: MessageKind, text: str, command: str | None
) -> None:
    msg = to_inbound(line, buttons=BUTTONS, update_id="u1", language_code="de")
    assert msg is not None
    assert (msg.kind, msg.text, msg.command) == (kind, text, command)
    assert msg.language_code == "de"
    assert msg.user_key == "console:local"


def test_blank_lines_are_ignored() -> None:
    assert to_inbound("   ", buttons=BUTTONS, update_id="u1") is None


def test_a_file_path_becomes_a_document(tmp_path: Path) -> None:
    cv = tmp_path / "cv.pdf"
    cv.write_bytes(b"%PDF-1.4 test")
    ref = local_file(f"  '{cv}' ")
    assert ref == FileRef(file_id=str(cv), file_name="cv.pdf", mime_type="application/pdf", size=13)
    msg = to_inbound(str(cv), buttons=[], update_id="u2", file=ref)
    assert msg is not None
    assert msg.kind is MessageKind.DOCUMENT
    assert local_file(str(tmp_path / "missing.pdf")) is None
    assert local_file(str(tmp_path)) is None  # a folder is not a file


async def test_replies_print_with_numbered_options_and_documents_are_saved(tmp_path: Path) -> None:
    out = io.StringIO()
    session = ConsoleSession(console=Console(file=out, width=100), export_dir=tmp_path)
    sender = ConsoleSender(session)
    await sender.send("local", Reply(text="Agree?", buttons=((BUTTONS[0],), (BUTTONS[1],))))
    await sender.send(
        "local",
        Reply(text="Here", document=OutgoingDocument(file_name="export.json", content=b'{"a": 1}')),
    )
    printed = out.getvalue()
    assert "Agree?" in printed
    assert "[1] Yes" in printed
    assert "[2] No" in printed
    assert session.buttons == BUTTONS
    assert (tmp_path / "export.json").read_bytes() == b'{"a": 1}'


async def test_local_files_respect_the_size_limit(tmp_path: Path) -> None:
    cv = tmp_path / "cv.docx"
    cv.write_bytes(b"x" * 100)
    ref = FileRef(file_id=str(cv), size=100)
    assert await ConsoleFiles().fetch(ref, max_bytes=100) == b"x" * 100
    with pytest.raises(FileTooLarge):
        await ConsoleFiles().fetch(ref, max_bytes=99)

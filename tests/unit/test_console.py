"""The terminal channel: typed lines become inbound messages; replies print with numbers."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from rich.cells import cell_len
from rich.console import Console

from bots.console import (
    ConsoleFiles,
    ConsoleSender,
    ConsoleSession,
    LineReader,
    join_lines,
    local_file,
    looks_like_path,
    paste_open,
    path_problem,
    to_inbound,
)
from core.channels import (
    Button,
    FileRef,
    KeepsUserFiles,
    MessageKind,
    OutgoingDocument,
    Reply,
)
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
    (saved,) = tmp_path.iterdir()  # noqa: ASYNC240 - a test's temporary folder
    assert saved.read_bytes() == b'{"a": 1}'
    assert str(saved) in printed.replace("\n", "")  # the path is shown to the user


async def test_exports_are_private_unguessable_and_gone_after_forget(tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    session = ConsoleSession(console=Console(file=io.StringIO(), width=100), export_dir=folder)
    sender = ConsoleSender(session)
    document = OutgoingDocument(file_name="jobscout-export.json", content=b"{}")
    for _ in range(2):
        await sender.send("local", Reply(text="Here", document=document))
    first, second = sorted(folder.iterdir())
    assert first.name != second.name  # a second export on the same day is not overwritten
    assert first.name.startswith("jobscout-export-")
    assert first.suffix == ".json"
    assert first.stat().st_mode & 0o777 == 0o600
    assert folder.stat().st_mode & 0o777 == 0o700
    assert isinstance(sender, KeepsUserFiles)
    await sender.forget("local")
    assert list(folder.iterdir()) == []


async def test_local_files_respect_the_size_limit(tmp_path: Path) -> None:
    cv = tmp_path / "cv.docx"
    cv.write_bytes(b"x" * 100)
    ref = FileRef(file_id=str(cv), size=100)
    assert await ConsoleFiles().fetch(ref, max_bytes=100) == b"x" * 100
    with pytest.raises(FileTooLarge):
        await ConsoleFiles().fetch(ref, max_bytes=99)


# --- a paste is one message --------------------------------------------------------------------

START, END = "\x1b[200~", "\x1b[201~"


@pytest.mark.parametrize(
    ("lines", "is_open"),
    [
        (["hello\n"], False),
        ([f"{START}Jane Doe\n"], True),
        ([f"{START}Jane Doe\n", "Nurse\n"], True),
        ([f"{START}Jane Doe\n", f"Nurse{END}\n"], False),
        ([f"{START}one{END}\n"], False),
        ([f"{START}a{END}\n", f"{START}b\n"], True),  # a second paste began
    ],
)
def test_a_bracketed_paste_stays_open_until_its_end_marker(lines: list[str], is_open: bool) -> None:
    assert paste_open(lines) is is_open


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (["Backend Developer\n"], "Backend Developer"),
        ([f"{START}Jane Doe\n", "\n", "Skills: Python  \n", f"Go{END}\n"],
         "Jane Doe\n\nSkills: Python\nGo"),
        ([f"{START}\n", "Jane Doe\n", f"{END}\n"], "Jane Doe"),
        (["a\r\n", "b\r\n"], "a\nb"),
        (["   \n"], ""),
    ],
)
def test_lines_read_together_join_into_one_message(lines: list[str], message: str) -> None:
    assert join_lines(lines) == message


def test_a_pasted_resume_is_one_text_message_not_a_command() -> None:
    text = "/home is where I live\nSenior Nurse\nSkills: ICU"
    msg = to_inbound(text, buttons=BUTTONS, update_id="u3")
    assert msg is not None
    assert (msg.kind, msg.text) == (MessageKind.TEXT, text)
    assert local_file(text) is None


def _reader(gap: float | None) -> tuple[LineReader, int]:
    read_end, write_end = os.pipe()
    return LineReader(read_end, gap=gap), write_end


def test_from_a_pipe_every_line_is_a_message_but_a_bracketed_paste_is_one() -> None:
    reader, pipe = _reader(gap=None)
    os.write(pipe, f"/start\n1\n{START}Jane Doe\nNurse\n{END}\nBerlin\n".encode())
    os.close(pipe)
    assert [reader.read() for _ in range(5)] == ["/start", "1", "Jane Doe\nNurse", "Berlin", None]


def test_on_a_terminal_lines_that_arrive_together_are_one_message() -> None:
    reader, pipe = _reader(gap=0.05)
    os.write(pipe, b"Jane Doe\nSenior Nurse\nSkills: ICU\n")
    assert reader.read() == "Jane Doe\nSenior Nurse\nSkills: ICU"
    os.write(pipe, b"2\n")  # typed later: a message of its own
    assert reader.read() == "2"
    os.write(pipe, "ünïcode ok".encode())
    os.close(pipe)
    assert reader.read() == "ünïcode ok"  # the last line needs no newline
    assert reader.read() is None


# --- a path that names no file -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "is_path"),
    [
        ("/start", False),
        ("/prefs now", False),
        ("/tmp/cv.pdf", True),
        ("/home/me/resume", True),
        ("~/cv.docx", True),
        ("~", True),
        ("./cv", True),
        ("../resumes/cv", True),
        ("Lebenslauf.PDF", True),
        ("'/tmp/my cv.doc'", True),
        ("cv.txt", False),
        ("Backend Developer", False),
        ("Berlin", False),
        ("Jane Doe\n/home/me/cv.pdf", False),  # a paste, not a path
    ],
)
def test_what_looks_like_a_path(text: str, is_path: bool) -> None:
    assert looks_like_path(text) is is_path


def test_a_path_that_names_no_file_gets_a_reply(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / "cv.pdf").write_bytes(b"%PDF-1.4 test")
    assert path_problem("~/missing.pdf") == f"no such file: {tmp_path / 'missing.pdf'}"
    assert path_problem(f"{tmp_path}/nope/cv.docx") == f"no such file: {tmp_path}/nope/cv.docx"
    assert path_problem(str(tmp_path)) == f"not a file: {tmp_path}"
    assert path_problem("~/cv.pdf") is None  # there: the engine gets it as a document
    assert path_problem("/start") is None
    assert path_problem("Backend Developer") is None
    ref = local_file("~/cv.pdf")
    assert ref is not None
    assert ref.file_id == str(tmp_path / "cv.pdf")


def test_a_dragged_file_with_escaped_spaces_is_found(tmp_path: Path) -> None:
    (tmp_path / "my cv.pdf").write_bytes(b"%PDF-1.4 test")
    escaped = f"{tmp_path}/my\\ cv.pdf"
    assert path_problem(escaped) is None
    ref = local_file(escaped)
    assert ref is not None
    assert ref.file_name == "my cv.pdf"


# --- the prompt comes after the reply; boxes fit ----------------------------------------------


async def test_a_reply_that_arrives_at_the_prompt_prints_above_a_new_prompt(
    tmp_path: Path,
) -> None:
    out = io.StringIO()
    session = ConsoleSession(console=Console(file=out, width=60), export_dir=tmp_path)
    session.show_prompt()
    await ConsoleSender(session).send("local", Reply(text="A job for you"))
    lines = out.getvalue().split("\n")
    assert lines[0] == "> "  # the prompt's line ends before the box begins
    assert lines[1].startswith("╭─ JobScout")
    assert lines[-1] == "> "  # and the prompt is back below it
    assert session.prompting


async def test_on_a_terminal_the_waiting_prompt_is_erased_then_drawn_again(tmp_path: Path) -> None:
    out = io.StringIO()
    console = Console(file=out, width=60, force_terminal=True, color_system=None)
    session = ConsoleSession(console=console, export_dir=tmp_path)
    session.show_prompt()
    await ConsoleSender(session).send("local", Reply(text="A job for you"))
    printed = out.getvalue()
    erase = "\x1b[1G\x1b[2K"
    assert printed.startswith("> " + erase + "╭─ JobScout")
    assert printed.endswith("╯\n> ")


async def test_what_was_read_from_a_pipe_is_echoed_after_the_prompt(tmp_path: Path) -> None:
    out = io.StringIO()
    session = ConsoleSession(console=Console(file=out, width=60), export_dir=tmp_path)
    session.show_prompt()
    session.answered("/start")
    session.show_prompt()
    session.answered("Jane Doe\nNurse\nICU")
    await ConsoleSender(session).send("local", Reply(text="Thanks"))
    lines = out.getvalue().split("\n")
    assert lines[:2] == ["> /start", "> (pasted 3 lines)"]
    assert lines[2].startswith("╭─ JobScout")


async def test_boxes_fit_the_terminal_and_show_text_as_written(tmp_path: Path) -> None:
    out = io.StringIO()
    session = ConsoleSession(console=Console(file=out, width=40), export_dir=tmp_path)
    text = "💼 [Remote] Senior Engineer [/b] " + "very long words " * 10
    await ConsoleSender(session).send("local", Reply(text=text, buttons=((BUTTONS[0],),)))
    lines = out.getvalue().rstrip("\n").split("\n")
    assert all(cell_len(line) == 40 for line in lines)
    assert "[Remote] Senior Engineer [/b]" in out.getvalue()  # not read as markup


async def test_options_of_several_replies_stay_numbered_until_the_person_types(
    tmp_path: Path,
) -> None:
    """Review cards each with Approve / Reject: every card's buttons can be picked by number."""
    out = io.StringIO()
    session = ConsoleSession(console=Console(file=out, width=100), export_dir=tmp_path)
    sender = ConsoleSender(session)
    cards = [
        Reply(text=f"Job {n}", buttons=((Button(label="Approve", data=f"adm:ok:{n}"),
                                          Button(label="Reject", data=f"adm:no:{n}")),))
        for n in (1, 2)
    ]
    for card in cards:
        await sender.send("local", card)
    assert "[3] Approve" in out.getvalue()
    assert [b.data for b in session.buttons] == ["adm:ok:1", "adm:no:1", "adm:ok:2", "adm:no:2"]
    picked = to_inbound("3", buttons=session.buttons, update_id="u1")
    assert picked is not None
    assert picked.text == "adm:ok:2"

    session.answered("3")  # the person typed: the next reply numbers from 1 again
    await sender.send("local", Reply(text="Next?", buttons=((Button(label="Yes", data="y"),),)))
    assert [b.data for b in session.buttons] == ["y"]

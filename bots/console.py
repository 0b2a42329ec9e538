"""The terminal channel: the same engine, buttons as numbered options, a resume by file path."""

from __future__ import annotations

import asyncio
import mimetypes
import os
import secrets
import select
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console, RenderableType
from rich.control import Control
from rich.panel import Panel
from rich.segment import ControlType
from rich.text import Text

from core.channels import (
    CONSOLE_USER,
    Button,
    Channel,
    FileRef,
    InboundMessage,
    MessageKind,
    Reply,
)
from core.errors import FileTooLarge, TransientError

__all__ = ["CONSOLE_USER"]

# Terminals in bracketed-paste mode wrap a paste in these, so its lines stay one message.
PASTE_START = "\x1b[200~"
PASTE_END = "\x1b[201~"
# Lines that reach a terminal this close together were pasted, not typed: nobody types a line
# and presses Enter within a tenth of a second.
PASTE_GAP_S = 0.1
MAX_PATH_CHARS = 4096
_DOCUMENT_SUFFIXES = (".pdf", ".docx", ".doc")


def to_inbound(
    line: str,
    *,
    buttons: list[Button],
    update_id: str,
    language_code: str | None = None,
    file: FileRef | None = None,
) -> InboundMessage | None:
    """What the person typed or pasted -> an inbound message (pure; ``file`` when it names one)."""
    text = line.strip()
    if not text:
        return None
    base = {
        "channel": Channel.CONSOLE,
        "chat_id": CONSOLE_USER,
        "user_id": CONSOLE_USER,
        "update_id": update_id,
        "language_code": language_code,
    }
    if file is not None:
        return InboundMessage(kind=MessageKind.DOCUMENT, file=file, **base)
    if text.startswith("/") and "\n" not in text:
        command, _, args = text[1:].partition(" ")
        return InboundMessage(
            kind=MessageKind.COMMAND, text=text, command=command.lower(), args=args.strip(), **base
        )
    if text.isdigit() and 1 <= int(text) <= len(buttons):
        return InboundMessage(
            kind=MessageKind.CALLBACK,
            text=buttons[int(text) - 1].data,
            callback_id=update_id,
            **base,
        )
    return InboundMessage(kind=MessageKind.TEXT, text=text, **base)


def paste_open(lines: Sequence[str]) -> bool:
    """True while a bracketed paste has begun in ``lines`` and not yet ended."""
    text = "".join(lines)
    return text.rfind(PASTE_START) > text.rfind(PASTE_END)


def join_lines(lines: Sequence[str]) -> str:
    """Lines read together (a paste) -> one message: paste markers and outer blank lines go."""
    text = "".join(lines).replace(PASTE_START, "").replace(PASTE_END, "")
    return "\n".join(line.rstrip() for line in text.splitlines()).strip("\n")


def looks_like_path(text: str) -> bool:
    """Whether the person meant a file: ``/…/…``, ``~…``, ``./…``, ``../…`` or a document name.

    ``/start`` is a command, not a path: a leading slash counts only with a second one.
    """
    text = _unquote(text)
    if not text or "\n" in text or len(text) > MAX_PATH_CHARS:
        return False
    if text.lower().endswith(_DOCUMENT_SUFFIXES) or text.startswith(("~", "./", "../")):
        return True
    return text.startswith("/") and "/" in text[1:]


def path_problem(text: str) -> str | None:
    """The reply for a typed path that names no readable file, else None."""
    if not looks_like_path(text):
        return None
    path = _local_path(text)
    if not path.exists():
        return f"no such file: {path}"
    if not path.is_file():
        return f"not a file: {path}"
    return None


def local_file(text: str) -> FileRef | None:
    """A FileRef when the typed text is the path of a readable file (``~`` expands)."""
    if "\n" in text or len(text) > MAX_PATH_CHARS:
        return None
    candidate = _local_path(text)
    if not candidate.is_file():
        return None
    mime, _ = mimetypes.guess_type(candidate.name)
    return FileRef(
        file_id=str(candidate.resolve()),
        file_name=candidate.name,
        mime_type=mime or "application/octet-stream",
        size=candidate.stat().st_size,
    )


def _unquote(text: str) -> str:
    return text.strip().strip("'\"")


def _local_path(text: str) -> Path:
    path = Path(_unquote(text)).expanduser()
    # A file dragged into a terminal arrives with its spaces escaped ("My\ CV.pdf").
    if not path.exists() and "\\ " in str(path):
        path = Path(str(path).replace("\\ ", " "))
    return path


class LineReader:
    """Reads the terminal (or a pipe) message by message: a paste is one message.

    A bracketed paste is always one message; on a terminal (``gap`` set) so are lines that
    arrive within ``gap`` seconds of each other. From a pipe, every other line is its own
    message. Reads the file descriptor itself: a buffered reader would hide pending lines
    from ``select``.
    """

    def __init__(self, fd: int, *, gap: float | None) -> None:
        self._fd = fd
        self._gap = gap
        self._buffer = b""
        self._eof = False

    def read(self) -> str | None:
        """The next message (blocking); None at the end of the input."""
        first = self._line(None)
        if first is None:
            return None
        lines = [first]
        while paste_open(lines) or self._gap is not None:
            more = self._line(None if paste_open(lines) else self._gap)
            if more is None:
                break
            lines.append(more)
        return join_lines(lines)

    def _line(self, timeout: float | None) -> str | None:
        """The next line; None at the end, or when nothing arrives within ``timeout``."""
        while b"\n" not in self._buffer and not self._eof:
            if timeout is not None and not select.select([self._fd], [], [], timeout)[0]:
                return None
            chunk = os.read(self._fd, 65536)
            if chunk:
                self._buffer += chunk
            else:
                self._eof = True
        if not self._buffer:
            return None
        line, newline, self._buffer = self._buffer.partition(b"\n")
        return (line + newline).decode("utf-8", errors="replace")


@dataclass
class ConsoleSession:
    """What the terminal shows and remembers: the buttons of the last reply, the prompt."""

    console: Console
    export_dir: Path
    buttons: list[Button] = field(default_factory=list)
    prompt: str = "> "
    prompting: bool = False
    # Until the person types, every reply's options stay addressable: numbering goes on across
    # replies (a list of review cards: [1]-[3] on the first, [4]-[6] on the next, ...).
    numbering_open: bool = False
    exports: list[Path] = field(default_factory=list)  # files written for the user, until /delete

    def next_update_id(self) -> str:
        return f"console-{time.time_ns()}"

    def show_prompt(self) -> None:
        if not self.prompting:
            self.console.print(Text(self.prompt, style="cyan"), end="")
            self.prompting = True

    def answered(self, text: str) -> None:
        """The person sent ``text``. On a terminal their Enter ended the prompt's line; from a
        pipe nothing was echoed, so show what was read and the transcript reads as a chat."""
        self.numbering_open = False
        if self.prompting and not self.console.is_terminal:
            lines = text.count("\n") + 1
            shown = text if lines == 1 else f"(pasted {lines} lines)"
            self.console.print(Text(shown), highlight=False)
        self.prompting = False

    def show(self, renderable: RenderableType) -> None:
        """Print below the conversation: a prompt waiting for input moves below it."""
        was_prompting = self.prompting
        if was_prompting:
            if self.console.is_terminal:
                # Drawn from the prompt's column, a full-width box would wrap: clear the line.
                self.console.control(
                    Control.move_to_column(0), Control((ControlType.ERASE_IN_LINE, 2))
                )
            else:
                self.console.print()
            self.prompting = False
        self.console.print(renderable)
        if was_prompting:
            self.show_prompt()


class ConsoleSender:
    """Prints replies; numbered options stand in for buttons."""

    def __init__(self, session: ConsoleSession) -> None:
        self._session = session

    async def send(self, chat_id: str, reply: Reply) -> None:
        del chat_id
        session = self._session
        body = reply.text
        links = [button for row in reply.buttons for button in row if button.url]
        flat = [button for row in reply.buttons for button in row if not button.url]
        if flat:
            earlier = session.buttons if session.numbering_open else []
            session.buttons = [*earlier, *flat]
            session.numbering_open = True
            options = "\n".join(
                f"  [{i}] {button.label}" for i, button in enumerate(flat, len(earlier) + 1)
            )
            body = f"{body}\n\n{options}"
        if links:
            body += "\n" + "\n".join(f"  🔗 {button.label}: {button.url}" for button in links)
        if reply.document is not None:
            path = _write_private(
                session.export_dir, reply.document.file_name, reply.document.content
            )
            session.exports.append(path)
            body = f"{body}\n\n📎 {path}"
        # Text, not markup: a job title such as "[Remote] Engineer" must print as written.
        session.show(Panel(Text(body), title="JobScout", title_align="left", border_style="cyan"))

    async def acknowledge(self, callback_id: str) -> None:
        del callback_id

    async def forget(self, chat_id: str) -> None:
        """After /delete: every export in the folder goes too (a DATA_DIR has one terminal user,
        and an export from an earlier run is theirs as much as one from this run)."""
        del chat_id
        if self._session.export_dir.is_dir():
            for path in self._session.export_dir.iterdir():
                if path.is_file():
                    path.unlink(missing_ok=True)
        self._session.exports.clear()


def _write_private(folder: Path, name: str, content: bytes) -> Path:
    """A file only its owner can read, under a name no one else can guess, in a folder only its
    owner can list: an export holds everything we know about the person."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder.chmod(0o700)
    stem, dot, suffix = name.rpartition(".")
    path = folder / (
        f"{stem}-{secrets.token_hex(4)}.{suffix}" if dot else f"{name}-{secrets.token_hex(4)}"
    )
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as file:
        file.write(content)
    return path


class ConsoleFiles:
    """Reads the local file the user named."""

    async def fetch(self, file: FileRef, max_bytes: int) -> bytes:
        return await asyncio.to_thread(_read_local, Path(file.file_id), max_bytes)


def _read_local(path: Path, max_bytes: int) -> bytes:
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise FileTooLarge(size, max_bytes)
        return path.read_bytes()
    except OSError as exc:
        raise TransientError(f"cannot read {path.name}: {exc.strerror}") from exc

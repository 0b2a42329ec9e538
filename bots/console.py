"""The terminal channel: the same engine, buttons as numbered options, a resume by file path."""

from __future__ import annotations

import asyncio
import mimetypes
import time
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console
from rich.panel import Panel

from core.channels import Button, Channel, FileRef, InboundMessage, MessageKind, Reply
from core.errors import FileTooLarge, TransientError

CONSOLE_USER = "local"


def to_inbound(
    line: str,
    *,
    buttons: list[Button],
    update_id: str,
    language_code: str | None = None,
    file: FileRef | None = None,
) -> InboundMessage | None:
    """One line typed in the terminal -> an inbound message (pure; ``file`` when it names one)."""
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
    if text.startswith("/"):
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


def local_file(text: str) -> FileRef | None:
    """A FileRef when the typed text is the path of a readable file."""
    candidate = Path(text.strip().strip("'\"")).expanduser()
    if len(text) > 4096 or not candidate.is_file():
        return None
    mime, _ = mimetypes.guess_type(candidate.name)
    return FileRef(
        file_id=str(candidate.resolve()),
        file_name=candidate.name,
        mime_type=mime or "application/octet-stream",
        size=candidate.stat().st_size,
    )


@dataclass
class ConsoleSession:
    """What the terminal shows and remembers: the buttons of the last reply."""

    console: Console
    export_dir: Path
    buttons: list[Button] = field(default_factory=list)

    def next_update_id(self) -> str:
        return f"console-{time.time_ns()}"


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
            session.buttons = flat
            options = "\n".join(f"  [{i}] {button.label}" for i, button in enumerate(flat, 1))
            body = f"{body}\n\n{options}"
        if links:
            body += "\n" + "\n".join(f"  🔗 {button.label}: {button.url}" for button in links)
        if reply.document is not None:
            session.export_dir.mkdir(parents=True, exist_ok=True)
            path = session.export_dir / reply.document.file_name
            path.write_bytes(reply.document.content)
            body = f"{body}\n\n📎 {path}"
        session.console.print(
            Panel(body, title="JobScout", title_align="left", border_style="cyan")
        )

    async def acknowledge(self, callback_id: str) -> None:
        del callback_id


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

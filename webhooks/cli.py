"""The ``jobscout`` command: run the service, chat in the terminal, run a worker, parse a resume."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sys
from pathlib import Path
from typing import Annotated

import structlog
import typer
import uvicorn
from rich.console import Console

from bots.console import ConsoleFiles, ConsoleSender, ConsoleSession, local_file, to_inbound
from core.channels import Channel
from core.errors import UnreadableDocument
from core.logging import configure_logging
from core.settings import Settings, load_settings
from webhooks.app import create_app
from webhooks.runtime import Runtime
from webhooks.worker import build_worker

app = typer.Typer(help="JobScout: job alerts through chat.", no_args_is_help=True)
resume_app = typer.Typer(help="Resume tools.", no_args_is_help=True)
app.add_typer(resume_app, name="resume")
log = structlog.get_logger(__name__)

EXIT_UNREADABLE = 2


def _settings(quiet: bool) -> Settings:
    settings = load_settings()
    # In the terminal, logs would drown the chat: keep only warnings unless asked.
    level = "WARNING" if quiet and "LOG_LEVEL" not in os.environ else settings.log_level
    configure_logging(level, settings.log_format)
    return settings


async def _console_chat(runtime: Runtime, session: ConsoleSession) -> None:
    language = (os.environ.get("LANG") or "en").split(".")[0]
    session.console.print(
        "[bold]JobScout[/] in your terminal. Type /start to begin, Ctrl+D to quit."
    )
    while True:
        try:
            line = await asyncio.to_thread(session.console.input, "[cyan]> [/]")
        except EOFError:
            return
        msg = to_inbound(
            line,
            buttons=session.buttons,
            update_id=session.next_update_id(),
            language_code=language,
            file=local_file(line),
        )
        if msg is not None:
            await runtime.chat.handle(msg)


async def _serve(settings: Settings, *, web: bool, chat: bool, work: bool = True) -> None:
    session = ConsoleSession(console=Console(), export_dir=settings.data_dir / "exports")
    runtime = await Runtime.start(
        settings,
        senders={Channel.CONSOLE: ConsoleSender(session)},
        files={Channel.CONSOLE: ConsoleFiles()},
    )
    worker = build_worker(runtime)
    # A web-only replica leaves the queue to the workers; it still answers webhooks at once.
    worker_task = asyncio.create_task(worker.async_run() if work else asyncio.Event().wait())
    server: uvicorn.Server | None = None
    server_task: asyncio.Task[None] | None = None
    try:
        if runtime.telegram_bot is not None and settings.telegram.webhook_url:
            from bots.telegram import set_webhook

            secret = settings.telegram.webhook_secret
            await set_webhook(
                runtime.telegram_bot,
                settings.telegram.webhook_url,
                secret.get_secret_value() if secret else None,
            )
            log.info("telegram.webhook_set", url=settings.telegram.webhook_url)
        if web:
            config = uvicorn.Config(
                create_app(settings, runtime),
                host=settings.host,
                port=settings.port,
                log_config=None,
                access_log=False,
            )
            server = uvicorn.Server(config)
            server_task = asyncio.create_task(server.serve())
            log.info("web.started", url=f"http://{settings.host}:{settings.port}")
        if chat:
            await _console_chat(runtime, session)
        elif server_task is not None:
            await server_task
        else:
            await worker_task
    finally:
        if server is not None and server_task is not None:
            server.should_exit = True
            await server_task
        worker_task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await worker_task
        await runtime.stop()


@app.command()
def run(
    chat: Annotated[
        bool | None,
        typer.Option(
            help="Chat in the terminal (default: when no "
            "Telegram token is set and this is a terminal)."
        ),
    ] = None,
) -> None:
    """Run JobScout: web app, worker and, for unset URLs, embedded MongoDB, Redis and Qdrant."""
    settings = _settings(quiet=True)
    if chat is None:
        chat = not settings.telegram_enabled and sys.stdin.isatty()
    asyncio.run(_serve(settings, web=True, chat=chat))


@app.command("chat")
def chat_command() -> None:
    """Talk to JobScout in this terminal (embedded stores when no URLs are set)."""
    settings = _settings(quiet=True)
    asyncio.run(_serve(settings, web=False, chat=True))


@app.command()
def web() -> None:
    """Run only the web app (a replica behind a load balancer); workers run elsewhere."""
    settings = _settings(quiet=False)
    asyncio.run(_serve(settings, web=True, chat=False, work=False))


@app.command()
def worker() -> None:
    """Run one more worker; point MONGODB_URL and REDIS_URL at the shared servers."""
    settings = _settings(quiet=False)
    asyncio.run(_serve(settings, web=False, chat=False))


@resume_app.command("parse")
def resume_parse(
    file: Annotated[Path, typer.Argument(help="A PDF or DOCX resume.")],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the parsed resume as JSON.")
    ] = False,
) -> None:
    """Parse a resume and print what was read; exit code 2 with a reason when it is unreadable."""
    from core.resume import parse_resume

    settings = load_settings()
    try:
        data = file.read_bytes()
    except OSError as exc:
        typer.echo(f"unreadable: {exc.strerror}", err=True)
        raise typer.Exit(EXIT_UNREADABLE) from exc
    try:
        parsed = parse_resume(data, settings.resume_max_bytes)
    except UnreadableDocument as exc:
        typer.echo(f"unreadable: {exc.reason}", err=True)
        raise typer.Exit(EXIT_UNREADABLE) from exc
    if as_json:
        typer.echo(json.dumps(parsed.model_dump(mode="json"), indent=2, ensure_ascii=False))
    else:
        for key, value in parsed.model_dump().items():
            typer.echo(f"{key}: {value}")


def main() -> None:
    app()

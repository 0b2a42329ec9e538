"""The ``jobscout`` command: run the service, chat in the terminal, run a worker, parse a resume.

Every command must answer at once, ``--help`` included: the heavy libraries (the runtime with
LangChain, qdrant-client and ONNX Runtime; uvicorn; the crawlers; matching) are imported inside
the commands that use them, never at the top of this module (bench/startup.py measures it).
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import sys
from collections import Counter
from collections.abc import Coroutine, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    import asyncio
    import socket

    import uvicorn

    from bots.console import ConsoleSession, LineReader
    from core.jobs import RawPosting, Salary, SourceKind
    from core.settings import Settings
    from webhooks.imports import ImportReport
    from webhooks.runtime import Runtime


def _typer(help_text: str) -> typer.Typer:
    # Plain click help: rich-formatted help costs as much start-up again as all of typer.
    return typer.Typer(
        help=help_text,
        no_args_is_help=True,
        rich_markup_mode=None,
        pretty_exceptions_show_locals=False,  # locals can hold settings and personal data
    )


app = _typer("JobScout: job alerts through chat.")
resume_app = _typer("Resume tools.")
app.add_typer(resume_app, name="resume")
jobs_app = _typer("Job source tools.")
app.add_typer(jobs_app, name="jobs")
index_app = _typer("The vector index (Qdrant).")
app.add_typer(index_app, name="index")
match_app = _typer("Matching tools.")
app.add_typer(match_app, name="match")

EXIT_FAILED = 1  # a busy port, a DATA_DIR in use, an embedded server that cannot start
EXIT_UNREADABLE = 2


def _log() -> Any:
    from core.logging import get_logger

    return get_logger(__name__)


def _fail(message: str, code: int = EXIT_FAILED) -> typer.Exit:
    """Print the one-line message on stderr; raise the returned ``Exit``."""
    typer.echo(" ".join(message.split()), err=True)
    return typer.Exit(code)


def _unreadable(reason: str) -> typer.Exit:
    """Print the one-line reason; raise the returned ``Exit`` (code 2)."""
    return _fail(f"unreadable: {reason}", EXIT_UNREADABLE)


def _run(main: Coroutine[Any, Any, None]) -> None:
    import asyncio

    import uvloop

    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        runner.run(main)


def _settings(quiet: bool) -> Settings:
    from pydantic import ValidationError

    from core.logging import configure_logging
    from core.settings import load_settings

    try:
        settings = load_settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "settings"
        raise _fail(f"invalid settings: {where}: {first['msg']}") from None
    # In the terminal, logs would drown the chat: keep only warnings unless asked.
    level = "WARNING" if quiet and "LOG_LEVEL" not in os.environ else settings.log_level
    configure_logging(level, settings.log_format)
    return settings


def _logs_to_file(path: Path) -> None:
    """In the terminal chat, our logs and library noise (pypdf's "EOF marker not found",
    asyncio's "Future exception was never retrieved", warnings) go to a file, not the chat."""
    import logging

    import structlog

    path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(logging.WARNING)
    logging.captureWarnings(True)
    structlog.configure(logger_factory=lambda *_: structlog.PrintLogger(handler.stream))


@contextlib.contextmanager
def _libraries_quiet() -> Iterator[None]:
    """Library warnings (pypdf's "EOF marker not found", ...) stay off a command's output."""
    import logging
    import warnings

    handler = logging.NullHandler()  # with any handler, logging's last-resort printer is off
    logging.getLogger().addHandler(handler)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logging.getLogger().removeHandler(handler)


@contextlib.contextmanager
def _data_dir_held(settings: Settings) -> Iterator[None]:
    """Hold DATA_DIR while embedded servers use it: a second instance there would corrupt them.

    With every store on a server (the scaled shape) nothing under DATA_DIR is shared.
    """
    from core.embedded import DataDirInUse, DataDirLock

    if settings.mongodb_url and settings.redis_url and settings.qdrant_url:
        yield
        return
    lock = DataDirLock(settings.data_dir)
    try:
        lock.acquire()
    except DataDirInUse as exc:
        raise _fail(str(exc)) from None
    try:
        yield
    finally:
        lock.release()


async def _start_runtime(settings: Settings, **services: Any) -> Runtime:
    from core.embedded import EmbeddedServiceError
    from webhooks.runtime import Runtime

    try:
        with _ProgressBar("Moving vectors into the new index") as bar:
            return await Runtime.start(settings, progress=bar, **services)
    except EmbeddedServiceError as exc:
        raise _fail(str(exc)) from None


def _listen(host: str, port: int) -> socket.socket:
    """Bind the web port before anything starts: a busy port is one line, not a traceback."""
    import errno
    import socket

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise _fail(f"port {port} is in use; set PORT") from None
        raise _fail(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    return sock


@functools.cache
def _server_class() -> type[uvicorn.Server]:
    import uvicorn

    class Server(uvicorn.Server):
        """uvicorn without its own signal handling: ``_serve`` owns SIGINT/SIGTERM and cleans up."""

        @contextlib.contextmanager
        def capture_signals(self) -> Iterator[None]:
            yield

    return Server


def __getattr__(name: str) -> Any:
    # ``_Server`` (bench/webhook_server.py imports it) is made on first use: uvicorn is slow
    # to import and most commands never serve.
    if name == "_Server":
        return _server_class()
    raise AttributeError(name)


class _ProgressBar:
    """A rich progress bar on stderr, drawn from the first report of progress: a step that
    has nothing to do draws nothing."""

    def __init__(self, label: str) -> None:
        self._label = label
        self._progress: Any = None
        self._task: Any = None

    def __enter__(self) -> _ProgressBar:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.stop()

    def __call__(self, done: int, total: int | None) -> None:
        if self._progress is None:
            from rich.console import Console
            from rich.progress import Progress

            self._progress = Progress(console=Console(stderr=True))
            self._task = self._progress.add_task(self._label, total=total)
            self._progress.start()
        self._progress.update(self._task, completed=done, total=total)


# --- the terminal chat -----------------------------------------------------------------------


def _read_messages(
    reader: LineReader, messages: asyncio.Queue[str | None], loop: asyncio.AbstractEventLoop
) -> None:
    """Runs in a daemon thread, so a pending read never holds up shutdown."""
    while True:
        try:
            text = reader.read()
        except OSError:
            text = None
        try:
            loop.call_soon_threadsafe(messages.put_nowait, text)
        except RuntimeError:  # the loop closed: the chat is over
            return
        if text is None:
            return


async def _wait_while_reading_resume(runtime: Runtime, user_key: str) -> None:
    """In the terminal the next prompt waits for the resume summary (at most a minute)."""
    import asyncio

    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(60):
            while True:
                stored = await runtime.chat.conversations.load(user_key)
                if stored is None or stored.state.get("step") != "resume_wait":
                    return
                await asyncio.sleep(0.1)


async def _console_chat(
    runtime: Runtime, session: ConsoleSession, demo: asyncio.Task[None] | None = None
) -> None:
    import asyncio
    import threading

    from bots.console import (
        CONSOLE_USER,
        PASTE_GAP_S,
        LineReader,
        local_file,
        path_problem,
        to_inbound,
    )
    from core.channels import Channel, Reply

    if demo is not None:
        await asyncio.shield(demo)  # the prompt comes once the demo jobs are in
    language = (os.environ.get("LANG") or "en").split(".")[0]
    session.console.print(
        "[bold]JobScout[/] in your terminal. Type /start to begin, Ctrl+D to quit. "
        "A resume can be pasted or given by its path."
    )
    messages: asyncio.Queue[str | None] = asyncio.Queue()
    reader = LineReader(sys.stdin.fileno(), gap=PASTE_GAP_S if sys.stdin.isatty() else None)
    threading.Thread(
        target=_read_messages, args=(reader, messages, asyncio.get_running_loop()), daemon=True
    ).start()
    sender = runtime.senders[Channel.CONSOLE]
    while True:
        session.show_prompt()
        text = await messages.get()
        if text is None:
            break
        session.answered(text)
        if problem := path_problem(text):
            await sender.send(CONSOLE_USER, Reply(text=problem))
            continue
        msg = to_inbound(
            text,
            buttons=session.buttons,
            update_id=session.next_update_id(),
            language_code=language,
            file=local_file(text),
        )
        if msg is not None:
            await runtime.chat.handle(msg)
            await _wait_while_reading_resume(runtime, msg.user_key)
    if session.prompting:
        session.console.print()  # end of input: the shell's prompt starts on a line of its own
        session.prompting = False


async def _load_demo(runtime: Runtime, session: ConsoleSession) -> None:
    """The bundled demo catalogue on a first start (``webhooks.imports.load_demo`` decides)."""
    from rich.text import Text

    from core.errors import AppError
    from webhooks.imports import load_demo

    try:
        with _ProgressBar("Loading demo jobs") as bar:
            report = await load_demo(runtime, bar)
    except AppError as exc:
        # The service runs on without demo jobs; the reason is in the log and on screen.
        _log().exception("demo.load_failed")
        session.show(Text(f"The demo jobs could not be loaded: {exc}"))
        return
    if report is not None:
        session.show(
            Text(
                f"{report.approved} demo jobs are live (/removesource demo or DEMO_JOBS=false "
                "removes them)."
            )
        )


async def _serve(
    settings: Settings, *, web: bool, chat: bool, work: bool = True, demo: bool = False
) -> None:
    listener = _listen(settings.host, settings.port) if web else None
    try:
        with _data_dir_held(settings):
            if chat:
                _logs_to_file(settings.data_dir / "logs" / "jobscout.log")
            await _serve_held(settings, chat=chat, work=work, demo=demo, listener=listener)
    finally:
        if listener is not None:
            listener.close()


async def _serve_held(
    settings: Settings,
    *,
    chat: bool,
    work: bool,
    demo: bool,
    listener: socket.socket | None,
) -> None:
    import asyncio
    import signal

    from rich.console import Console

    from bots.console import ConsoleFiles, ConsoleSender, ConsoleSession
    from core.channels import Channel
    from webhooks.runtime import settle_memory
    from webhooks.worker import WorkerSupervisor

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    session = ConsoleSession(console=Console(), export_dir=settings.data_dir / "exports")
    runtime = await _start_runtime(
        settings,
        senders={Channel.CONSOLE: ConsoleSender(session)},
        files={Channel.CONSOLE: ConsoleFiles()},
    )
    settle_memory()
    stop_metrics: Any = None
    # The worker outlives a Redis restart: its supervisor starts a fresh one (see there).
    worker = WorkerSupervisor(runtime) if work else None
    worker_task = asyncio.create_task(worker.run()) if worker else None
    server: uvicorn.Server | None = None
    server_task: asyncio.Task[None] | None = None
    demo_task: asyncio.Task[None] | None = None
    log = _log()
    try:
        if settings.metrics.port is not None:  # /metrics on its own port (a daemon thread)
            from core.metrics import serve as serve_metrics

            stop_metrics = serve_metrics(settings.metrics.port, settings.host)
        if runtime.telegram_bot is not None and settings.telegram.webhook_url:
            from bots.telegram import set_webhook

            secret = settings.telegram.webhook_secret
            await set_webhook(
                runtime.telegram_bot,
                settings.telegram.webhook_url,
                secret.get_secret_value() if secret else None,
            )
            log.info("telegram.webhook_set", url=settings.telegram.webhook_url)
        if listener is not None:
            from webhooks.app import create_app
            from webhooks.transport import server_config

            config = server_config(create_app(settings, runtime))
            server = _server_class()(config)
            server_task = asyncio.create_task(server.serve(sockets=[listener]))
            log.info("web.started", url=f"http://{settings.host}:{settings.port}")
        # The web app answers while the demo loads; the terminal chat starts once it is in.
        if demo:
            demo_task = asyncio.create_task(_load_demo(runtime, session))
        # Run until a signal, the end of the terminal chat, or a server or worker stopping.
        # Where the web app serves a chat platform, quitting the terminal chat (Ctrl+D) never
        # stops it serving: only a signal does.
        waits: list[asyncio.Future[Any]] = [asyncio.create_task(stop.wait())]
        console: asyncio.Task[None] | None = None
        if chat:
            console = asyncio.create_task(_console_chat(runtime, session, demo_task))
            serving_platforms = server_task is not None and (
                settings.telegram_enabled or settings.whatsapp_enabled
            )
            if not serving_platforms:
                waits.append(console)
        waits.extend(task for task in (worker_task, server_task) if task is not None)
        done, _ = await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        waits[0].cancel()
        if console is not None:
            console.cancel()
        for task in done:
            if not task.cancelled() and (error := task.exception()) is not None:
                raise error  # a bug: shown, not swallowed
    finally:
        if demo_task is not None:
            demo_task.cancel()  # a signal during the first start stops the loading too
            await asyncio.gather(demo_task, return_exceptions=True)
        if server is not None and server_task is not None:
            server.should_exit = True  # finish the requests in flight
            await asyncio.gather(server_task, return_exceptions=True)
        if worker is not None and worker_task is not None:
            await worker.stop()
            await asyncio.gather(worker_task, return_exceptions=True)
        await runtime.stop()
        if stop_metrics is not None:
            stop_metrics()
        log.info("jobscout.stopped")


@app.command()
def run(
    chat: Annotated[
        bool | None,
        typer.Option(
            help="Chat in the terminal (default: when neither Telegram nor WhatsApp is "
            "configured and this is a terminal)."
        ),
    ] = None,
) -> None:
    """Run JobScout: web app, worker and, for unset URLs, embedded MongoDB, Redis and Qdrant."""
    settings = _settings(quiet=True)
    if chat is None:
        chat = (
            not settings.telegram_enabled
            and not settings.whatsapp_enabled
            and sys.stdin.isatty()
        )
    _run(_serve(settings, web=True, chat=chat, demo=True))


@app.command("chat")
def chat_command() -> None:
    """Talk to JobScout in this terminal (embedded stores when no URLs are set)."""
    settings = _settings(quiet=True)
    _run(_serve(settings, web=False, chat=True, demo=True))


@app.command()
def web() -> None:
    """Run only the web app (a replica behind a load balancer); workers run elsewhere."""
    settings = _settings(quiet=False)
    _run(_serve(settings, web=True, chat=False, work=False))


@app.command()
def worker() -> None:
    """Run one more worker; point MONGODB_URL and REDIS_URL at the shared servers."""
    settings = _settings(quiet=False)
    _run(_serve(settings, web=False, chat=False))


# --- resumes ---------------------------------------------------------------------------------


@resume_app.command("parse")
def resume_parse(
    file: Annotated[Path, typer.Argument(help="A PDF or DOCX resume.")],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the parsed resume as JSON.")
    ] = False,
) -> None:
    """Parse a resume and print what was read; exit code 2 with a reason when it is unreadable."""
    from conversations.resume_parser import parse_resume
    from core.errors import UnreadableDocument
    from core.settings import load_settings

    settings = load_settings()
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise _unreadable(f"{file}: {exc.strerror}") from exc
    try:
        with _libraries_quiet():
            parsed = parse_resume(data, settings.resume_max_bytes)
    except UnreadableDocument as exc:
        raise _unreadable(exc.reason) from exc
    if as_json:
        typer.echo(json.dumps(parsed.model_dump(mode="json"), indent=2, ensure_ascii=False))
        return
    for key, value in parsed.model_dump().items():
        typer.echo(f"{key}: {_field_text(value)}")


def _field_text(value: object) -> str:
    """A parsed field as a person reads it: lists comma-separated, a missing value as "-"."""
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value) or "-"
    if isinstance(value, float):
        return f"{value:g}"
    return "-" if value is None else str(value)


# --- jobs ------------------------------------------------------------------------------------

_URL_PREFIXES = ("http://", "https://")


def _check_kind(value: str | None) -> str | None:
    """``--kind`` names a SourceKind (read here, not at import: see the module docstring)."""
    from core.jobs import SourceKind

    if value is None or value.lower() in set(SourceKind):
        return value and value.lower()
    names = ", ".join(SourceKind)
    raise typer.BadParameter(f"{value!r} is not one of: {names}")


def _source_kind(value: str | None) -> SourceKind | None:
    from core.jobs import SourceKind

    return SourceKind(value) if value else None


_KindOption = Annotated[
    str | None,
    typer.Option(
        "--kind",
        metavar="KIND",
        callback=_check_kind,
        help="What the file is: its job board's API (greenhouse, lever, ...) or page "
        "(default: page for .html/.htm, required otherwise).",
    ),
]


def _raw_postings_from_file(path: Path, kind: SourceKind | None) -> list[RawPosting]:
    """What a saved API reply or HTML page yields, read the way the crawler reads it."""
    from crawlers.files import UnreadableFile, read_file

    try:
        saved = read_file(path, kind)
    except UnreadableFile as exc:
        raise _unreadable(exc.reason) from exc
    if saved.details_elsewhere:
        typer.echo(
            f"{path.name} lists {saved.details_elsewhere} postings whose details are separate "
            "requests: pass the board's URL to read them",
            err=True,
        )
    return list(saved.postings)


def _raw_postings_from_url(
    url: str, kind: SourceKind | None, settings: Settings
) -> list[RawPosting]:
    """Fetch one source the way the crawler does (politely, guarded), storing nothing."""
    import asyncio
    from datetime import UTC, datetime

    from core.errors import AppError
    from core.jobs import Source
    from crawlers.crawl import Collected, Collector
    from crawlers.fetch import HttpFetcher
    from crawlers.llm import LlmExtractor, build_chat_model
    from crawlers.render import PageRenderer
    from crawlers.sources.detect import detect_source

    try:
        detected, locator = detect_source(url)
    except ValueError as exc:
        raise _unreadable(str(exc)) from exc
    if kind is SourceKind.PAGE and detected is not SourceKind.PAGE:
        detected, locator = SourceKind.PAGE, url.strip()  # the board's own HTML page
    elif kind is not None and kind is not detected:
        raise _unreadable(f"{url} is a {detected} source, not {kind}")
    now = datetime.now(UTC)
    source = Source(id="cli", kind=detected, locator=locator, name=locator, created_at=now)

    async def collect() -> Collected:
        model = build_chat_model(settings.llm)
        async with (
            HttpFetcher(settings.crawl) as fetcher,
            PageRenderer(settings.crawl) as renderer,
        ):
            collector = Collector(
                fetcher=fetcher,
                settings=settings.crawl,
                renderer=renderer,
                llm=LlmExtractor(model) if model is not None else None,
            )
            return await collector.collect(source)

    import uvloop

    try:
        with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
            return list(runner.run(collect()).postings)
    except AppError as exc:
        raise _unreadable(str(exc)) from exc


@jobs_app.command("extract")
def jobs_extract(
    file_or_url: Annotated[
        str,
        typer.Argument(
            metavar="FILE_OR_URL",
            help="A saved job-board API reply or HTML page, or an http(s) link to a job board "
            "or career page.",
        ),
    ],
    kind: _KindOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the jobs as JSON.")] = False,
) -> None:
    """Print the normalized jobs one source yields (nothing is stored); exit 2 if unreadable."""
    from datetime import UTC, datetime

    from core.skills import SkillTaxonomy
    from crawlers.normalize import Dropped, normalize

    settings = _settings(quiet=True)
    source_kind = _source_kind(kind)
    if file_or_url.lower().startswith(_URL_PREFIXES):
        raws = _raw_postings_from_url(file_or_url, source_kind, settings)
    else:
        raws = _raw_postings_from_file(Path(file_or_url), source_kind)
    taxonomy, today = SkillTaxonomy.load(), datetime.now(UTC).date()
    jobs, dropped = [], Counter[str]()
    for raw in raws:
        result = normalize(raw, today=today, taxonomy=taxonomy)
        if isinstance(result, Dropped):
            dropped[result.reason] += 1
        else:
            jobs.append(result)
    if dropped:
        typer.echo(f"dropped {dropped.total()} ({_reasons(dropped)})", err=True)
    if as_json:
        rows = [job.model_dump(mode="json") for job in jobs]
        typer.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    for job in jobs:
        typer.echo(f"{job.title}" + (f" — {job.company}" if job.company else ""))
        places = "; ".join(
            ", ".join(part for part in (loc.city, loc.region, loc.country) if part) or loc.raw
            for loc in job.locations
        )
        facts = [
            ("where", " · ".join(x for x in (places, job.work_mode) if x)),
            ("type", " · ".join(x for x in (job.employment_type, job.seniority) if x)),
            ("salary", _salary_text(job.salary)),
            ("skills", ", ".join(job.skills)),
            ("url", job.url or ""),
            ("read by", f"{job.extraction} (confidence {job.confidence:.2f})"),
        ]
        for label, value in facts:
            if value:
                typer.echo(f"  {label}: {value}")
    typer.echo(f"{len(jobs)} job(s)" if jobs else "no jobs found")


def _reasons(counts: Counter[str] | dict[str, int]) -> str:
    return ", ".join(f"{reason}: {n}" for reason, n in sorted(counts.items()))


def _salary_text(salary: Salary | None) -> str:
    low, high = (salary.minimum, salary.maximum) if salary else (None, None)
    if salary is None or (low is None and high is None):
        return ""
    if low is not None and high is not None and low != high:
        amount = f"{low:,.0f}–{high:,.0f}"
    elif low is not None:
        amount = f"{low:,.0f}" if high == low else f"from {low:,.0f}"
    else:
        amount = f"up to {high:,.0f}"
    return f"{amount} {salary.currency} per {salary.period}"


@jobs_app.command("import")
def jobs_import(
    files_or_urls: Annotated[
        list[str],
        typer.Argument(
            metavar="FILE_OR_URL",
            help="Saved job-board API replies or HTML pages, or http(s) links to job boards or "
            "career pages.",
        ),
    ],
    kind: _KindOption = None,
    approve: Annotated[
        bool,
        typer.Option(
            "--approve", help="Approve what would otherwise wait for review, so matching runs."
        ),
    ] = False,
) -> None:
    """Store the jobs that 'jobs extract' shows, through the crawler's ingest path."""
    settings = _settings(quiet=True)
    source_kind = _source_kind(kind)
    urls = [item for item in files_or_urls if item.lower().startswith(_URL_PREFIXES)]
    paths = [Path(item) for item in files_or_urls if item not in urls]
    # Before the stores start (seconds): a mistyped name is answered at once.
    for path in paths:
        if not path.is_file():
            raise _unreadable(f"{path}: {'not a file' if path.exists() else 'no such file'}")

    async def main() -> list[ImportReport]:
        from core.errors import AppError
        from webhooks.imports import import_files, import_url

        reports: list[ImportReport] = []
        with _data_dir_held(settings), _libraries_quiet():
            runtime = await _start_runtime(settings)
            try:
                if paths:
                    with _ProgressBar("Importing") as bar:
                        reports.append(
                            await import_files(
                                runtime, paths, kind=source_kind, approve=approve, progress=bar
                            )
                        )
                for url in urls:
                    report = await import_url(runtime, url, kind=source_kind, approve=approve)
                    reports.append(report)
            except AppError as exc:
                raise _unreadable(str(exc)) from exc
            finally:
                await runtime.stop()
        return reports

    import asyncio

    import uvloop

    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        reports = runner.run(main())
    typer.echo(import_summary(reports))


def import_summary(reports: Sequence[ImportReport]) -> str:
    """One line: what the import stored and what it left for review or dropped, and why."""
    total = Counter[str]()
    dropped = Counter[str]()
    for report in reports:
        total.update(
            {
                "files": report.files,
                "postings": report.postings,
                "created": report.created,
                "revised": report.revised,
                "unchanged": report.unchanged,
                "approved": report.approved,
                "pending": report.pending,
            }
        )
        dropped.update(report.dropped)
    line = (
        f"{total['postings']} posting(s) from {total['files']} file(s): "
        f"{total['created']} created, {total['revised']} revised, "
        f"{total['unchanged']} unchanged; {total['approved']} approved, "
        f"{total['pending']} pending review"
    )
    if dropped:
        line += f"; dropped {dropped.total()} ({_reasons(dropped)})"
    return line


# --- the index and matching ------------------------------------------------------------------


@index_app.command("rebuild")
def index_rebuild() -> None:
    """Re-embed every approved job and every onboarded candidate from MongoDB into Qdrant."""
    settings = _settings(quiet=True)

    async def rebuild_all() -> None:
        with _data_dir_held(settings):
            runtime = await _start_runtime(settings)
            try:
                with _ProgressBar("embedding") as bar:
                    report = await runtime.matches.rebuild_index(bar)
                typer.echo(f"indexed {report.jobs} job(s) and {report.candidates} candidate(s)")
            finally:
                await runtime.stop()

    _run(rebuild_all())


@match_app.command("rank")
def match_rank(
    candidates: Annotated[
        Path, typer.Option("--candidates", help="JSON list of candidates (see matching/rank.py).")
    ],
    jobs: Annotated[Path, typer.Option("--jobs", help="JSON list of {id, posting} jobs.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the ranking as JSON.")] = False,
) -> None:
    """Rank every job for every candidate, offline: score, would it be sent, and why."""
    from datetime import UTC, datetime

    from pydantic import ValidationError

    from core.skills import SkillTaxonomy
    from matching.embed import load_embedder
    from matching.rank import dumps, load_candidates, load_jobs, rank_files
    from matching.scoring import Weights

    settings = _settings(quiet=True)
    try:
        people, postings = load_candidates(candidates), load_jobs(jobs)
    except (OSError, ValidationError) as exc:
        raise _unreadable(str(exc).splitlines()[0]) from exc
    embedder = load_embedder(settings.matching)
    result = rank_files(
        people,
        postings,
        embedder.embed,
        Weights.from_settings(settings.matching),
        SkillTaxonomy.load(),
        datetime.now(UTC),
    )
    if as_json:
        typer.echo(dumps(result))
        return
    titles = {
        job.id: job.posting.title + (f" — {job.posting.company}" if job.posting.company else "")
        for job in postings
    }
    for entry in result:
        typer.echo(f"{entry['user_key']}: {entry['sendable']} to send")
        for row in entry["matches"]:
            mark = "send" if row["would_send"] else (row["excluded"] or "below threshold")
            typer.echo(f"  {row['score']:.3f}  {titles[row['job_id']]} [{row['job_id']}]  {mark}")


def main() -> None:
    app()

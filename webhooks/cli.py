"""The ``jobscout`` command: run the service, chat in the terminal, run a worker, parse a resume."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import sys
import threading
from collections.abc import Coroutine, Iterator
from pathlib import Path
from typing import Annotated, Any

import structlog
import typer
import uvicorn
import uvloop
from rich.console import Console

from bots.console import ConsoleFiles, ConsoleSender, ConsoleSession, local_file, to_inbound
from core.channels import Channel
from core.errors import UnreadableDocument
from core.jobs import RawPosting, Salary, SourceKind
from core.logging import configure_logging
from core.settings import Settings, load_settings
from webhooks.app import create_app
from webhooks.runtime import Runtime, settle_memory
from webhooks.worker import build_worker, stop_worker

app = typer.Typer(help="JobScout: job alerts through chat.", no_args_is_help=True)
resume_app = typer.Typer(help="Resume tools.", no_args_is_help=True)
app.add_typer(resume_app, name="resume")
log = structlog.get_logger(__name__)

EXIT_UNREADABLE = 2


def _run(main: Coroutine[Any, Any, None]) -> None:
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        runner.run(main)


def _settings(quiet: bool) -> Settings:
    settings = load_settings()
    # In the terminal, logs would drown the chat: keep only warnings unless asked.
    level = "WARNING" if quiet and "LOG_LEVEL" not in os.environ else settings.log_level
    configure_logging(level, settings.log_format)
    return settings


class _Server(uvicorn.Server):
    """uvicorn without its own signal handling: ``_serve`` owns SIGINT/SIGTERM and cleans up."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def _read_lines(session: ConsoleSession, lines: asyncio.Queue[str | None],
                loop: asyncio.AbstractEventLoop) -> None:
    """Runs in a daemon thread, so a pending read never holds up shutdown."""
    while True:
        try:
            line: str | None = session.console.input("[cyan]> [/]")
        except (EOFError, KeyboardInterrupt):
            line = None
        loop.call_soon_threadsafe(lines.put_nowait, line)
        if line is None:
            return


async def _wait_while_reading_resume(runtime: Runtime, user_key: str) -> None:
    """In the terminal the next prompt waits for the resume summary (at most a minute)."""
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(60):
            while True:
                stored = await runtime.chat.conversations.load(user_key)
                if stored is None or stored.state.get("step") != "resume_wait":
                    return
                await asyncio.sleep(0.1)


async def _console_chat(runtime: Runtime, session: ConsoleSession) -> None:
    language = (os.environ.get("LANG") or "en").split(".")[0]
    session.console.print(
        "[bold]JobScout[/] in your terminal. Type /start to begin, Ctrl+D to quit."
    )
    lines: asyncio.Queue[str | None] = asyncio.Queue()
    reader = threading.Thread(
        target=_read_lines, args=(session, lines, asyncio.get_running_loop()), daemon=True
    )
    reader.start()
    while (line := await lines.get()) is not None:
        msg = to_inbound(
            line,
            buttons=session.buttons,
            update_id=session.next_update_id(),
            language_code=language,
            file=local_file(line),
        )
        if msg is not None:
            await runtime.chat.handle(msg)
            await _wait_while_reading_resume(runtime, msg.user_key)


async def _serve(settings: Settings, *, web: bool, chat: bool, work: bool = True) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    session = ConsoleSession(console=Console(), export_dir=settings.data_dir / "exports")
    runtime = await Runtime.start(
        settings,
        senders={Channel.CONSOLE: ConsoleSender(session)},
        files={Channel.CONSOLE: ConsoleFiles()},
    )
    settle_memory()
    worker = build_worker(runtime) if work else None
    worker_task = asyncio.create_task(worker.async_run()) if worker else None
    server: _Server | None = None
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
            server = _Server(config)
            server_task = asyncio.create_task(server.serve())
            log.info("web.started", url=f"http://{settings.host}:{settings.port}")
        # Run until a signal, the end of the terminal chat, or a server or worker stopping.
        waits: list[asyncio.Future[Any]] = [asyncio.create_task(stop.wait())]
        if chat:
            waits.append(asyncio.create_task(_console_chat(runtime, session)))
        waits.extend(task for task in (worker_task, server_task) if task is not None)
        await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        for task in waits[: 2 if chat else 1]:
            task.cancel()
    finally:
        if server is not None and server_task is not None:
            server.should_exit = True  # finish the requests in flight
            await asyncio.gather(server_task, return_exceptions=True)
        if worker is not None and worker_task is not None:
            await stop_worker(worker, worker_task)
        await runtime.stop()
        log.info("jobscout.stopped")


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
    _run(_serve(settings, web=True, chat=chat))


@app.command("chat")
def chat_command() -> None:
    """Talk to JobScout in this terminal (embedded stores when no URLs are set)."""
    settings = _settings(quiet=True)
    _run(_serve(settings, web=False, chat=True))


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


jobs_app = typer.Typer(help="Job source tools.", no_args_is_help=True)
app.add_typer(jobs_app, name="jobs")

_HTML_SUFFIXES = frozenset({".html", ".htm"})
# Where relative links on a saved page point when the page does not say where it came from:
# the reserved .invalid domain never resolves, so no one mistakes it for the real site.
SAVED_PAGE_BASE = "https://saved-page.invalid/"


def _unreadable(reason: str) -> typer.Exit:
    """Print the one-line reason; raise the returned ``Exit`` (code 2)."""
    typer.echo(f"unreadable: {' '.join(reason.split())}", err=True)
    return typer.Exit(EXIT_UNREADABLE)


def _raw_postings_from_file(path: Path, kind: SourceKind | None) -> list[RawPosting]:
    """What a saved API reply or HTML page yields, read the way the crawler reads it."""
    from core.errors import AppError
    from crawlers.sources import ats
    from crawlers.sources.base import FetchRequest
    from crawlers.sources.errors import load_json
    from crawlers.sources.page import extract_heuristic, extract_structured

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise _unreadable(f"{path}: {exc.strerror or exc}") from exc
    if not data.strip():
        raise _unreadable(f"{path} is empty")
    if kind is None:
        if path.suffix.lower() not in _HTML_SUFFIXES:
            raise _unreadable(f"cannot tell what kind of source {path.name} is: pass --kind")
        kind = SourceKind.PAGE
    if kind is SourceKind.PAGE:
        html = data.decode("utf-8", errors="replace")
        base = _saved_page_base(html)
        return list(extract_structured(html, base) or extract_heuristic(html, base))
    api = ats.SOURCES[kind]
    board = "".join(ch if ch.isalnum() or ch in "._-" else "-" for ch in path.stem) or "board"
    (request,) = api.start(board)
    try:
        reply = load_json(data, str(kind))
        if kind is SourceKind.SMARTRECRUITERS and not (
            isinstance(reply, dict) and "content" in reply
        ):
            request = FetchRequest(url=request.url, purpose="detail")  # one posting's detail
        page = api.parse(request, data)
    except AppError as exc:
        raise _unreadable(f"{path}: {exc}") from exc
    if page.follow and not page.postings:
        typer.echo(
            f"{path.name} lists {len(page.follow)} postings whose details are separate "
            "requests: pass the board's URL to read them",
            err=True,
        )
    return list(page.postings)


def _saved_page_base(html: str) -> str:
    """The page's own address if it states one (<base>, canonical link, og:url)."""
    import lxml.etree
    import lxml.html

    try:
        tree = lxml.html.fromstring(html.encode("utf-8"))
    except (lxml.etree.ParserError, ValueError):
        return SAVED_PAGE_BASE
    stated = tree.xpath(
        "//base/@href | //link[@rel='canonical']/@href | //meta[@property='og:url']/@content"
    )
    return next(
        (str(url) for url in stated if str(url).startswith(("http://", "https://"))),
        SAVED_PAGE_BASE,
    )


def _raw_postings_from_url(
    url: str, kind: SourceKind | None, settings: Settings
) -> list[RawPosting]:
    """Fetch one source the way the crawler does (politely, guarded), storing nothing."""
    from datetime import UTC, datetime

    from core.errors import AppError
    from core.jobs import Source
    from core.skills import SkillTaxonomy
    from core.store.ingest import MongoJobRepository, MongoSourceRepository
    from crawlers.crawl import Collected, Crawler
    from crawlers.fetch import HttpFetcher
    from crawlers.ingest import Ingestor
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
            crawler = Crawler(
                fetcher=fetcher,
                # Never touched by collect(): nothing is stored.
                sources=MongoSourceRepository(),
                ingestor=Ingestor(MongoJobRepository(), SkillTaxonomy.load()),
                settings=settings.crawl,
                clock=lambda: now,
                renderer=renderer,
                llm=LlmExtractor(model) if model is not None else None,
            )
            return await crawler.collect(source)

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
    kind: Annotated[
        SourceKind | None,
        typer.Option(
            "--kind",
            help="What the file is (default: page for .html/.htm, required otherwise).",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the jobs as JSON.")] = False,
) -> None:
    """Print the normalized jobs one source yields (nothing is stored); exit 2 if unreadable."""
    from collections import Counter
    from datetime import UTC, datetime

    from core.skills import SkillTaxonomy
    from crawlers.normalize import Dropped, normalize

    settings = _settings(quiet=True)
    if file_or_url.lower().startswith(("http://", "https://")):
        raws = _raw_postings_from_url(file_or_url, kind, settings)
    else:
        raws = _raw_postings_from_file(Path(file_or_url), kind)
    taxonomy, today = SkillTaxonomy.load(), datetime.now(UTC).date()
    jobs, dropped = [], Counter[str]()
    for raw in raws:
        result = normalize(raw, today=today, taxonomy=taxonomy)
        if isinstance(result, Dropped):
            dropped[result.reason] += 1
        else:
            jobs.append(result)
    if dropped:
        reasons = ", ".join(f"{reason}: {n}" for reason, n in sorted(dropped.items()))
        typer.echo(f"dropped {dropped.total()} ({reasons})", err=True)
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


index_app = typer.Typer(help="The vector index (Qdrant).", no_args_is_help=True)
app.add_typer(index_app, name="index")
match_app = typer.Typer(help="Matching tools.", no_args_is_help=True)
app.add_typer(match_app, name="match")


@index_app.command("rebuild")
def index_rebuild() -> None:
    """Re-embed every approved job and every onboarded candidate from MongoDB into Qdrant."""
    from rich.progress import Progress

    settings = _settings(quiet=True)

    async def rebuild_all() -> None:
        runtime = await Runtime.start(settings)
        try:
            with Progress(console=Console(stderr=True)) as bar:
                task = bar.add_task("embedding", total=None)

                def progress(done: int, total: int | None) -> None:
                    bar.update(task, completed=done, total=total)

                report = await runtime.matches.rebuild_index(progress)
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
    for entry in result:
        typer.echo(f"{entry['user_key']}: {entry['sendable']} to send")
        for row in entry["matches"]:
            mark = "send" if row["would_send"] else (row["excluded"] or "below threshold")
            typer.echo(f"  {row['score']:.3f}  {row['job_id']:<12} {mark}")


def main() -> None:
    app()

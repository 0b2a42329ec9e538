"""Importing jobs without a crawl: saved files, one URL, and the bundled demo catalogue.

Everything takes the path a crawl takes: parse (the ATS parsers, page extraction) →
``Ingestor.ingest`` (normalize, dedupe, revisions, review decision) → approval (audited like an
admin's) → matching (``MatchService.job_approved``; the demo's few hundred jobs are embedded in
batches instead, into an index no job is in yet) → pending jobs assigned to reviewers.

Sources: files and URLs are recorded under one source per kind, ``import-<kind>`` (untrusted, so
their jobs wait for review unless ``approve``; paused, because there is nothing to crawl). The
postings' ids are qualified by their company, so two boards' "42" stay two jobs. The demo
catalogue lives under the source ``demo`` (trusted, paused likewise), and every job it yields is
marked ``posting.demo``.

``after_ingest`` is the follow-up shared with the crawl task (webhooks/worker.py).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import structlog

from core.jobs import JobStatus, RawPosting, Source, SourceKind, company_key
from core.logging import pseudonym
from core.ports.review import DuplicateSource
from crawlers.demo import demo_files
from crawlers.files import UnreadableFile, read_file, read_saved
from crawlers.ingest import IngestReport
from crawlers.sources.detect import detect_source
from matching.index import rebuild
from matching.service import for_matching
from webhooks.runtime import Runtime

log = structlog.get_logger(__name__)

Progress = Callable[[int, int], None]  # (done, total)

DEMO_SOURCE_ID = "demo"
DEMO_ACTOR = "system:demo"
IMPORT_ACTOR = "cli:import"
DEMO_BATCH = 32  # jobs embedded per step: a smooth progress bar, still batched
IMPORT_PAUSE_REASON = "imported jobs: nothing to crawl"
DEMO_PAUSE_REASON = "the bundled demo catalogue: nothing to crawl"


@dataclass(frozen=True)
class ImportReport:
    files: int
    postings: int
    created: int
    revised: int
    unchanged: int
    approved: int
    pending: int
    dropped: dict[str, int]


# --- the follow-up of every ingest ----------------------------------------------------------------


async def after_ingest(runtime: Runtime, report: IngestReport, *, match_now: bool) -> None:
    """What follows storing postings: reviews assigned, live jobs (re)matched, closed ones
    unindexed. A crawl task stays short and queues the matching for the worker
    (``match_now=False``); an import waits for it, and may run where no worker does."""
    if report.pending:
        await runtime.admin.assign_reviews(report.pending)
    live = list(dict.fromkeys([*report.approved, *report.revised]))
    if match_now:
        for job_id in live:
            await runtime.matches.job_approved(job_id)
        for job_id in report.closed_ids:
            await runtime.matches.job_closed(job_id)
        return
    slot = f"{runtime.chat.clock():%Y%m%dT%H%M%S}"
    for job_id in live:
        await runtime.queue.enqueue("match_job", job_id, job_id=f"match:{job_id}:{slot}")
    for job_id in report.closed_ids:
        await runtime.queue.enqueue("unindex_job", job_id, job_id=f"unindex:{job_id}:{slot}")


# --- files and URLs ---------------------------------------------------------------------------


async def import_files(
    runtime: Runtime,
    paths: Sequence[Path],
    *,
    kind: SourceKind | None,
    approve: bool,
    progress: Progress | None = None,
) -> ImportReport:
    """Store the jobs saved replies and pages yield; ``approve`` approves those left pending.

    Every file is read before anything is stored: an unreadable one (``UnreadableFile``) stops
    the import with nothing half done.
    """
    read = [read_file(path, kind) for path in paths]
    total = len(read)
    reports: list[tuple[IngestReport, list[str]]] = []
    counted = 0
    for done, saved in enumerate(read, start=1):
        raws = _qualified(saved.postings)
        counted += len(raws)
        reports.append(await _ingest_import(runtime, saved.kind, raws))
        if progress is not None:
            progress(done, total)
    return await _finish(runtime, reports, files=total, postings=counted, approve=approve)


async def import_url(
    runtime: Runtime, url: str, *, kind: SourceKind | None, approve: bool
) -> ImportReport:
    """Crawl one job board or career page once (the real crawler) and store what it lists."""
    try:
        detected, locator = detect_source(url)
    except ValueError as exc:
        raise UnreadableFile(str(exc)) from exc
    if kind is SourceKind.PAGE and detected is not SourceKind.PAGE:
        detected, locator = SourceKind.PAGE, url.strip()  # the board's own HTML page
    elif kind is not None and kind is not detected:
        raise UnreadableFile(f"{url} is a {detected} source, not {kind}")
    source = await _import_source(runtime, detected)
    # Fetched as a one-off source of its own (nothing about it is saved), stored under the
    # import source of its kind.
    one_off = source.model_copy(update={"locator": locator})
    collected = await runtime.crawler.collect(one_off)
    raws = _qualified(tuple(collected.postings))
    report = await _ingest_import(runtime, detected, raws)
    return await _finish(runtime, [report], files=0, postings=len(raws), approve=approve)


def _qualified(postings: Iterable[RawPosting]) -> list[RawPosting]:
    """Ids made unique across the boards one import source collects from."""
    return [
        raw.model_copy(
            update={"external_id": f"{company_key(raw.company or '')}/{raw.external_id}"}
        )
        if raw.external_id
        else raw
        for raw in postings
    ]


async def _ingest_import(
    runtime: Runtime, kind: SourceKind, raws: list[RawPosting]
) -> tuple[IngestReport, list[str]]:
    source = await _import_source(runtime, kind)
    report = await runtime.crawler.ingestor.ingest(
        source, raws, runtime.chat.clock(), complete=False
    )
    await _count_jobs(runtime, source)
    return report, report.seen


async def _import_source(runtime: Runtime, kind: SourceKind) -> Source:
    source_id = f"import-{kind}"
    existing = await runtime.admin.sources.get(source_id)
    if existing is not None:
        return existing
    source = Source(
        id=source_id,
        kind=kind,
        locator=f"import:{kind}",
        name=f"imported {kind}",
        trusted=False,
        paused=True,
        pause_reason=IMPORT_PAUSE_REASON,
        added_by=IMPORT_ACTOR,
        created_at=runtime.chat.clock(),
    )
    with contextlib.suppress(DuplicateSource):  # a concurrent import made it first
        await runtime.admin.sources.add(source)
    return await runtime.admin.sources.get(source_id) or source


async def _count_jobs(runtime: Runtime, source: Source) -> None:
    fresh = await runtime.admin.sources.get(source.id) or source
    count = len(await runtime.admin.jobs.open_ids_of_source(source.id))
    await runtime.admin.sources.save(fresh.model_copy(update={"jobs_count": count}))


async def _finish(
    runtime: Runtime,
    reports: list[tuple[IngestReport, list[str]]],
    *,
    files: int,
    postings: int,
    approve: bool,
    actor: str = IMPORT_ACTOR,
) -> ImportReport:
    merged = IngestReport()
    seen: list[str] = []
    for report, ids in reports:
        merged.created += report.created
        merged.revised += report.revised
        merged.unchanged += report.unchanged
        merged.approved += report.approved
        merged.pending += report.pending
        merged.dropped.update(report.dropped)
        merged.closed_ids += report.closed_ids
        seen += ids
    if approve:
        # Also what an earlier import left waiting: the same file again with --approve.
        waiting = await runtime.admin.jobs.get_many(list(dict.fromkeys(seen)))
        to_approve = [j.id for j in waiting.values() if j.status is JobStatus.PENDING_REVIEW]
        approved = await _approve(runtime, to_approve, actor)
        merged.approved += [job_id for job_id in approved if job_id not in merged.approved]
        merged.pending = [job_id for job_id in merged.pending if job_id not in approved]
    await after_ingest(runtime, merged, match_now=True)
    pending = await runtime.admin.jobs.get_many(list(dict.fromkeys(seen)))
    result = ImportReport(
        files=files,
        postings=postings,
        created=len(merged.created),
        revised=len(merged.revised),
        unchanged=merged.unchanged,
        approved=len(set(merged.approved)),
        pending=sum(job.status is JobStatus.PENDING_REVIEW for job in pending.values()),
        dropped=dict(merged.dropped),
    )
    log.info("import.done", **{k: v for k, v in vars(result).items() if k != "dropped"})
    return result


async def _approve(runtime: Runtime, job_ids: Sequence[str], actor: str) -> list[str]:
    """Approve jobs waiting for review as an admin would: status, review closed, audit log."""
    admin = runtime.admin
    approved: list[str] = []
    for job_id in job_ids:
        after = await admin.jobs.set_status(job_id, JobStatus.APPROVED, None)
        if after is None:
            continue
        await admin.reviews.done(job_id)
        await admin.audit.record(
            actor,
            f"job.{JobStatus.APPROVED}",
            job_id,
            admin.clock(),
            before={"status": str(JobStatus.PENDING_REVIEW)},
            after={"status": str(JobStatus.APPROVED), "reason": None},
        )
        approved.append(job_id)
    return approved


# --- the demo catalogue -----------------------------------------------------------------------


async def load_demo(runtime: Runtime, progress: Progress | None = None) -> ImportReport | None:
    """Load the demo catalogue into an empty database outside production (``DEMO_JOBS``); with
    ``DEMO_JOBS=false``, remove a demo loaded before. None when nothing was loaded."""
    settings = runtime.settings
    if settings.environment == "production":
        return None
    sources = runtime.admin.sources
    if not settings.demo_jobs:
        if await sources.get(DEMO_SOURCE_ID) is not None:
            await remove_demo(runtime)
        return None
    if await sources.all() or await runtime.admin.jobs.count_by_status():
        return None
    now = runtime.chat.clock()
    source = Source(
        id=DEMO_SOURCE_ID,
        kind=SourceKind.PAGE,
        locator="demo:catalogue",
        name="Demo catalogue",
        trusted=True,
        paused=True,
        pause_reason=DEMO_PAUSE_REASON,
        added_by=DEMO_ACTOR,
        created_at=now,
    )
    try:
        await sources.add(source)
    except DuplicateSource:
        return None  # another process is loading it
    files = demo_files()
    raws: list[RawPosting] = []
    for name, data, kind in files:
        raws += read_saved(data, name, kind).postings
    report = await runtime.crawler.ingestor.ingest(source, raws, now, complete=False, demo=True)
    await _count_jobs(runtime, source)
    # Trusted, so confident postings went live; the rest is demo data too, made to be seen.
    approved = await _approve(runtime, report.pending, DEMO_ACTOR)
    report.approved += approved
    report.pending = [job_id for job_id in report.pending if job_id not in approved]
    await _index_demo(runtime, report.approved, progress)
    result = ImportReport(
        files=len(files),
        postings=len(raws),
        created=len(report.created),
        revised=len(report.revised),
        unchanged=report.unchanged,
        approved=len(report.approved),
        pending=len(report.pending),
        dropped=dict(report.dropped),
    )
    log.info("demo.loaded", jobs=result.approved, dropped=sum(result.dropped.values()))
    return result


async def _index_demo(runtime: Runtime, job_ids: list[str], progress: Progress | None) -> None:
    """Embed the demo jobs in batches (one at a time takes several times longer), then match
    whoever is already onboarded against them in the worker."""
    matches = runtime.matches
    live = await runtime.admin.jobs.get_many(job_ids)
    total = len(live)
    await rebuild(
        matches.index,
        matches.embedder,
        jobs=[(for_matching(job), str(job.status)) for job in live.values()],
        candidates=[],
        total=total,
        progress=None if progress is None else lambda done, _: progress(done, total),
        batch_size=DEMO_BATCH,
        prune=False,  # the index keeps the candidates (and anything else) it holds
    )
    slot = f"{runtime.chat.clock():%Y%m%dT%H%M%S}"
    for key in await matches.candidates.onboarded_keys():
        await runtime.queue.enqueue(
            "index_candidate", key, job_id=f"candidate:{pseudonym(key)}:demo:{slot}"
        )


async def remove_demo(runtime: Runtime) -> int:
    """Close and unindex the demo jobs and remove the demo source; returns the jobs closed."""
    jobs = runtime.admin.jobs
    now = runtime.chat.clock()
    closed = await jobs.vanished(DEMO_SOURCE_ID, await jobs.open_ids_of_source(DEMO_SOURCE_ID), now)
    for job_id in closed:
        await runtime.matches.job_closed(job_id)
    await runtime.admin.sources.remove(DEMO_SOURCE_ID)
    await runtime.admin.audit.record(DEMO_ACTOR, "source.remove", DEMO_SOURCE_ID, now)
    log.info("demo.removed", closed=len(closed))
    return len(closed)

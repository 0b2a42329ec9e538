"""Admins in the bot: sources, review of crawled jobs, duty rota, audit log.

Non-admins get no admin output at all: their messages go on to the candidate conversation.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import assert_never

import structlog

from conversations.admin_commands import ADMIN_COMMANDS as ADMIN_COMMANDS
from conversations.admin_commands import (
    AddSource,
    AdminAction,
    AskRejectReason,
    DeadLetters,
    Decide,
    Duty,
    EditChoice,
    EditField,
    Grant,
    Help,
    Invalid,
    ListSources,
    SaveEdit,
    ShowJob,
    ShowPending,
    SourceAction,
    SourceVerb,
    Stats,
    parse_admin_button,
    parse_admin_command,
    parse_admin_reply,
)
from conversations.admin_views import ADMIN_HELP, EDIT_PROMPTS, edit_choice, job_card, sources_list
from core.channels import (
    Channel,
    InboundMessage,
    MessageKind,
    OutgoingDocument,
    Reply,
    ReplySender,
)
from core.errors import RecipientBlocked, TransientError
from core.jobs import JobStatus, Source, SourceKind
from core.ports.people import DeadLetters as DeadLetterStore
from core.ports.review import (
    Admins,
    AuditLog,
    DuplicateSource,
    Jobs,
    Reviews,
    Sources,
    remind_at,
)
from core.queue import TaskQueue
from crawlers.edits import apply_edit
from crawlers.sources.detect import detect_source

log = structlog.get_logger(__name__)


def crawl_job_id(source_id: str, slot: datetime) -> str:
    """One crawl per source and due slot: enqueueing twice is a no-op."""
    return f"crawl:{source_id}:{slot:%Y%m%dT%H%M}"


@dataclass
class AdminService:
    admins: Admins
    reviews: Reviews
    sources: Sources
    jobs: Jobs
    audit: AuditLog
    dead_letters: DeadLetterStore
    queue: TaskQueue
    senders: dict[Channel, ReplySender]
    clock: Callable[[], datetime]
    review_timeout: timedelta = timedelta(minutes=20)
    default_interval_minutes: int = 60
    # Lines about matches for /stats (sent, click-through, apply rate), from the match service.
    match_stats: Callable[[datetime], Awaitable[list[str]]] | None = None

    async def handle(self, msg: InboundMessage) -> list[Reply] | None:
        """Replies for an admin matter; None when this message is not one (or not an admin's).

        What the message means is decided by conversations.admin_commands; this only runs it.
        """
        action: AdminAction | None = None
        if msg.kind is MessageKind.COMMAND:
            action = parse_admin_command(msg.command or "", msg.args)
        elif msg.kind is MessageKind.CALLBACK:
            action = parse_admin_button(msg.text)
        if action is None and msg.kind is not MessageKind.TEXT:
            return None
        admin = await self.admins.get(msg.user_key)
        if admin is None:
            return None
        if action is None:  # plain text: an answer only while a job is rejected or edited
            action = parse_admin_reply(admin.editing_job, admin.editing_field, msg.text)
            if action is None:
                return None
        return await self._execute(msg.user_key, action)

    # --- actions -------------------------------------------------------------------------

    async def _execute(self, actor: str, action: AdminAction) -> list[Reply]:
        now = self.clock()
        match action:
            case Invalid():
                return [Reply(text=action.text)]
            case Help():
                return [Reply(text=ADMIN_HELP)]
            case ListSources():
                return [sources_list(await self.sources.all(), now)]
            case AddSource():
                return [await self._add_source(actor, action.url, now)]
            case SourceAction():
                return [await self._source_action(actor, action.verb, action.source_id, now)]
            case ShowPending():
                return await self._pending()
            case ShowJob():
                job = await self.jobs.get(action.job_id)
                if job is None:
                    return [Reply(text=f"No job {action.job_id}.")]
                return [job_card(job, await self.sources.get(job.source_ids[0]))]
            case Decide():
                return [await self._decide(actor, action.job_id, action.status, action.reason)]
            case AskRejectReason():
                if action.must_exist and await self.jobs.get(action.job_id) is None:
                    return [Reply(text=f"No job {action.job_id}. Use /reject ID reason.")]
                await self.admins.set_editing(actor, action.job_id, "reject_reason")
                return [Reply(text=EDIT_PROMPTS["reject_reason"])]
            case Duty():
                await self.admins.set_duty(actor, action.on)
                state = "on" if action.on else "off"
                await self.audit.record(actor, f"duty.{state}", actor, now)
                return [Reply(text=f"You are {state} duty.")]
            case Grant():
                return [await self._grant(actor, action.add, action.user_id, now)]
            case DeadLetters():
                return [await self._dead_letters(actor, action.retry, now)]
            case Stats():
                return [await self.stats_reply(now)]
            case EditChoice():
                return [edit_choice(action.job_id)]
            case EditField():
                await self.admins.set_editing(actor, action.job_id, action.field)
                return [Reply(text=EDIT_PROMPTS[action.field])]
            case SaveEdit():
                return await self._finish_edit(actor, action.job_id, action.field, action.text)
            case _:
                assert_never(action)

    async def _pending(self) -> list[Reply]:
        pending = await self.jobs.with_status(JobStatus.PENDING_REVIEW, limit=10)
        if not pending:
            return [Reply(text="Nothing waits for review.")]
        return [Reply(text=f"{len(pending)} job(s) wait for review:")] + [
            job_card(job, await self.sources.get(job.source_ids[0])) for job in pending
        ]

    async def _add_source(self, actor: str, url: str, now: datetime) -> Reply:
        try:
            kind, locator = detect_source(url)
        except ValueError as exc:
            return Reply(text=f"That URL does not work: {exc}")
        name = locator.split(":")[-1] if kind is not SourceKind.PAGE else locator.split("/")[2]
        source = Source(
            id=secrets.token_hex(3),
            kind=kind,
            locator=locator,
            name=name,
            added_by=actor,
            created_at=now,
            interval_minutes=self.default_interval_minutes,
        )
        try:
            await self.sources.add(source)
        except DuplicateSource as exc:
            return Reply(text=f"Already known as source {exc.existing_id}.")
        await self.audit.record(
            actor, "source.add", source.id, now, after=source.model_dump(mode="json")
        )
        await self.queue.enqueue("crawl_source", source.id, job_id=crawl_job_id(source.id, now))
        what = f"a {kind} job board ({locator})" if kind is not SourceKind.PAGE else "a career page"
        return Reply(text=f"Added source {source.id}: {what}. First crawl is on its way.")

    async def _source_action(
        self, actor: str, verb: SourceVerb, source_id: str, now: datetime
    ) -> Reply:
        source = await self.sources.get(source_id)
        if source is None:
            return Reply(text=f"No source {source_id}. See /sources.")
        if verb is SourceVerb.REMOVE:
            # Its jobs that no other source lists close and leave the index: nothing would
            # ever crawl (and close) them again.
            gone = await self.jobs.open_ids_of_source(source_id)
            closed = await self.jobs.vanished(source_id, gone, now)
            for job_id in closed:
                await self.queue.enqueue("unindex_job", job_id, job_id=f"unindex:{job_id}:removed")
            await self.sources.remove(source_id)
            await self.audit.record(
                actor, "source.remove", source_id, now, before=source.model_dump(mode="json")
            )
            jobs = f" Closed {len(closed)} of its jobs." if closed else ""
            return Reply(text=f"Removed source {source_id}.{jobs}")
        if verb is SourceVerb.CRAWL:
            await self.queue.enqueue("crawl_source", source_id, job_id=crawl_job_id(source_id, now))
            await self.audit.record(actor, "source.crawl", source_id, now)
            return Reply(text=f"Crawling {source.name} now.")
        paused = verb is SourceVerb.PAUSE
        updated = source.model_copy(
            update={
                "paused": paused,
                "pause_reason": "paused by an admin" if paused else None,
                "consecutive_failures": 0 if not paused else source.consecutive_failures,
                "opened_until": None if not paused else source.opened_until,
            }
        )
        await self.sources.save(updated)
        await self.audit.record(
            actor,
            f"source.{'pause' if paused else 'resume'}",
            source_id,
            now,
            before={"paused": source.paused},
            after={"paused": paused},
        )
        return Reply(text=f"Source {source_id} {'paused' if paused else 'resumed'}.")

    async def _decide(
        self, actor: str, job_id: str, status: JobStatus, reason: str | None
    ) -> Reply:
        before = await self.jobs.get(job_id)
        if before is None:
            return Reply(text=f"No job {job_id or '(no id)'}.")
        after = await self.jobs.set_status(job_id, status, reason)
        await self.reviews.done(job_id)
        await self.admins.set_editing(actor, None, None)
        now = self.clock()
        await self.audit.record(
            actor,
            f"job.{status}",
            job_id,
            now,
            before={"status": str(before.status)},
            after={"status": str(status), "reason": reason},
        )
        # Matching runs in the worker: alerts for an approved job, out of the index otherwise.
        revision = after.revision if after else 0
        if status is JobStatus.APPROVED:
            await self.queue.enqueue("match_job", job_id, job_id=f"match:{job_id}:{revision}")
        else:
            await self.queue.enqueue("unindex_job", job_id, job_id=f"unindex:{job_id}:{revision}")
        verb = "Approved" if status is JobStatus.APPROVED else f"Rejected ({reason})"
        return Reply(text=f"{verb}: {after.posting.title if after else job_id}.")

    async def _grant(self, actor: str, add: bool, user_id: str, now: datetime) -> Reply:
        key = f"{Channel.TELEGRAM}:{user_id}"
        if add:
            await self.admins.grant(key, actor, now)
            await self.audit.record(actor, "admin.add", key, now)
            return Reply(text=f"{user_id} is now an admin.")
        admin = await self.admins.get(key)
        if admin is not None and admin.from_settings:
            return Reply(text=f"{user_id} is an admin by configuration (ADMINS) and stays one.")
        removed = await self.admins.revoke(key)
        if removed:
            await self.audit.record(actor, "admin.remove", key, now)
        return Reply(text=f"{user_id} is {'no longer' if removed else 'not'} an admin.")

    async def _dead_letters(self, actor: str, retry: bool, now: datetime) -> Reply:
        letters = await self.dead_letters.recent(limit=20)
        if not letters:
            return Reply(text="No dead letters.")
        if retry:
            for letter in letters:
                await self.queue.enqueue(letter.task, *letter.args, job_id=f"retry:{letter.id}")
                await self.dead_letters.remove(letter.id)
            await self.audit.record(actor, "deadletters.retry", f"{len(letters)} tasks", now)
            return Reply(text=f"Retrying {len(letters)} task(s).")
        lines = [
            f"{letter.id} · {letter.task} · {letter.failed_at:%Y-%m-%d %H:%M} · {letter.error}"
            for letter in letters
        ]
        return Reply(text="Dead letters (retry all with /deadletters retry):\n" + "\n".join(lines))

    async def stats_reply(self, now: datetime) -> Reply:
        """Numbers and a chart of the last two weeks."""
        since = now - timedelta(days=14)
        counts = await self.jobs.count_by_status()
        sources = await self.sources.all()
        auto, found = await self.jobs.auto_approval(since)
        rows = await self.jobs.found_per_day(since)
        lines = [f"Jobs: {sum(counts.values())}"]
        lines += [f"  {status}: {n}" for status, n in sorted(counts.items())]
        lines.append(f"Sources: {len(sources)} ({sum(s.paused for s in sources)} paused)")
        lines.append(f"Reviews waiting: {await self.reviews.waiting()}")
        rate = f"{auto / found:.0%}" if found else "n/a"
        lines.append(f"Last 14 days: {found} jobs found, auto-approved {auto} ({rate})")
        if self.match_stats is not None:
            lines += await self.match_stats(since)
        from webhooks.charts import jobs_per_day_png  # matplotlib: only when a chart is drawn

        chart = await asyncio.to_thread(jobs_per_day_png, rows, {s.id: s.name for s in sources})
        return Reply(
            text="\n".join(lines),
            document=OutgoingDocument(file_name="stats.png", content=chart, mime_type="image/png"),
        )

    # --- buttons and the edit flow --------------------------------------------------------

    async def _finish_edit(self, actor: str, job_id: str, field: str, text: str) -> list[Reply]:
        job = await self.jobs.get(job_id)
        if job is None:
            await self.admins.set_editing(actor, None, None)
            return [Reply(text=f"Job {job_id} is gone.")]
        result = apply_edit(job.posting, field, text)
        if isinstance(result, str):
            return [Reply(text=f"{result} {EDIT_PROMPTS[field]}")]
        now = self.clock()
        revised = await self.jobs.revise(
            job, job.model_copy(update={"posting": result}), (field,), now
        )
        await self.admins.set_editing(actor, None, None)
        await self.audit.record(
            actor,
            f"job.edit.{field}",
            job_id,
            now,
            before=job.posting.model_dump(mode="json"),
            after=result.model_dump(mode="json"),
        )
        return [Reply(text="Saved."), job_card(revised, await self.sources.get(job.source_ids[0]))]

    # --- assignment and reminders ---------------------------------------------------------

    async def assign_reviews(self, job_ids: list[str]) -> int:
        """Send each new pending job to the next admin on duty (round robin)."""
        now = self.clock()
        for job_id in job_ids:
            assignee = await self.admins.next_on_duty(now)
            await self.reviews.assign(job_id, assignee, now)
            if assignee is not None:
                await self._send_card(assignee, job_id, "New job to review:")
        return len(job_ids)

    async def remind_and_reassign(self) -> dict[str, int]:
        """Remind at T-5 min; at T the review moves to the next admin and a miss is counted."""
        now = self.clock()
        counts = {"reminded": 0, "reassigned": 0}
        for review in await self.reviews.assigned_before(now):
            overdue = now >= review.assigned_at + self.review_timeout
            if overdue:
                if review.assignee is not None:
                    await self.admins.missed(review.assignee)
                nxt = await self.admins.next_on_duty(now, exclude=review.assignee)
                await self.reviews.assign(review.job_id, nxt or review.assignee, now)
                if nxt is not None:
                    await self._send_card(
                        nxt, review.job_id, "Reassigned to you (it waited too long):"
                    )
                counts["reassigned"] += 1
            elif not review.reminded and now >= remind_at(review.assigned_at, self.review_timeout):
                await self.reviews.reminded(review.job_id)
                if review.assignee is not None:
                    await self._send_card(
                        review.assignee,
                        review.job_id,
                        "Reminder: this review is reassigned in 5 minutes.",
                    )
                counts["reminded"] += 1
        return counts

    async def notify(self, text: str) -> None:
        """Tell every admin on duty (a source paused by its circuit breaker, ...)."""
        for admin in await self.admins.all():
            if admin.on_duty:
                await self._send(admin.key, [Reply(text=text)])

    async def _send_card(self, admin_key: str, job_id: str, intro: str) -> None:
        job = await self.jobs.get(job_id)
        if job is None:
            return
        card = job_card(job, await self.sources.get(job.source_ids[0]))
        await self._send(admin_key, [Reply(text=intro), card])

    async def _send(self, admin_key: str, replies: list[Reply]) -> None:
        channel, _, chat_id = admin_key.partition(":")
        sender = self.senders.get(Channel(channel))
        if sender is None:
            return
        try:
            for reply in replies:
                await sender.send(chat_id, reply)
        except (TransientError, RecipientBlocked) as exc:
            log.warning("admin.notify_failed", admin=admin_key, error=str(exc))

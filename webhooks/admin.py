"""Admins in the bot: sources, review of crawled jobs, duty rota, audit log.

Non-admins get no admin output at all: their messages go on to the candidate conversation.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import structlog

from conversations.admin_views import (
    ADMIN_HELP,
    EDIT_PROMPTS,
    EDITABLE_FIELDS,
    edit_choice,
    job_card,
    sources_list,
)
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
from core.queue import TaskQueue
from core.store.admins import MongoAdminRepository, MongoReviewRepository, remind_at
from core.store.ingest import (
    DuplicateSource,
    MongoAuditLog,
    MongoJobRepository,
    MongoSourceRepository,
)
from core.store.repositories import MongoDeadLetters
from crawlers.edits import apply_edit
from crawlers.sources.detect import detect_source

log = structlog.get_logger(__name__)

ADMIN_COMMANDS = frozenset(
    {
        "sources",
        "addsource",
        "pausesource",
        "resumesource",
        "removesource",
        "crawl",
        "pending",
        "job",
        "approve",
        "reject",
        "deadletters",
        "stats",
        "duty",
        "admin_add",
        "admin_remove",
        "admin",
    }
)


def crawl_job_id(source_id: str, slot: datetime) -> str:
    """One crawl per source and due slot: enqueueing twice is a no-op."""
    return f"crawl:{source_id}:{slot:%Y%m%dT%H%M}"


@dataclass
class AdminService:
    admins: MongoAdminRepository
    reviews: MongoReviewRepository
    sources: MongoSourceRepository
    jobs: MongoJobRepository
    audit: MongoAuditLog
    dead_letters: MongoDeadLetters
    queue: TaskQueue
    senders: dict[Channel, ReplySender]
    clock: Callable[[], datetime]
    review_timeout: timedelta = timedelta(minutes=20)
    default_interval_minutes: int = 60
    # Lines about matches for /stats (sent, click-through, apply rate), from the match service.
    match_stats: Callable[[datetime], Awaitable[list[str]]] | None = None

    async def handle(self, msg: InboundMessage) -> list[Reply] | None:
        """Replies for an admin matter; None when this message is not one (or not an admin's)."""
        is_command = msg.kind is MessageKind.COMMAND and msg.command in ADMIN_COMMANDS
        is_button = msg.kind is MessageKind.CALLBACK and msg.text.startswith("adm:")
        if not (is_command or is_button or msg.kind is MessageKind.TEXT):
            return None
        admin = await self.admins.get(msg.user_key)
        if admin is None:
            return None
        actor = msg.user_key
        if is_command:
            return await self._command(actor, msg.command or "", msg.args.split())
        if is_button:
            return await self._button(actor, msg.text.split(":")[1:])
        if admin.editing_job and admin.editing_field:
            return await self._finish_edit(actor, admin.editing_job, admin.editing_field, msg.text)
        return None

    # --- commands ------------------------------------------------------------------------

    async def _command(self, actor: str, command: str, args: list[str]) -> list[Reply]:
        now = self.clock()
        first = args[0] if args else ""
        if command == "admin":
            return [Reply(text=ADMIN_HELP)]
        if command == "sources":
            return [sources_list(await self.sources.all(), now)]
        if command == "addsource":
            return [await self._add_source(actor, first, now)]
        if command in {"pausesource", "resumesource", "removesource", "crawl"}:
            return [await self._source_action(actor, command, first, now)]
        if command == "pending":
            pending = await self.jobs.with_status(JobStatus.PENDING_REVIEW, limit=10)
            if not pending:
                return [Reply(text="Nothing waits for review.")]
            return [Reply(text=f"{len(pending)} job(s) wait for review:")] + [
                job_card(job, await self.sources.get(job.source_ids[0])) for job in pending
            ]
        if command == "job":
            job = await self.jobs.get(first)
            if job is None:
                return [Reply(text=f"No job {first or '(no id)'}.")]
            return [job_card(job, await self.sources.get(job.source_ids[0]))]
        if command == "approve":
            return [await self._decide(actor, first, JobStatus.APPROVED, None)]
        if command == "reject":
            reason = " ".join(args[1:]).strip()
            if reason:
                return [await self._decide(actor, first, JobStatus.REJECTED, reason)]
            if await self.jobs.get(first) is None:
                return [Reply(text=f"No job {first or '(no id)'}. Use /reject ID reason.")]
            # Like the Reject button: the admin's next message is the reason.
            await self.admins.set_editing(actor, first, "reject_reason")
            return [Reply(text=EDIT_PROMPTS["reject_reason"])]
        if command == "duty":
            if first not in {"on", "off"}:
                return [Reply(text="Use /duty on or /duty off.")]
            await self.admins.set_duty(actor, first == "on")
            await self.audit.record(actor, f"duty.{first}", actor, now)
            return [Reply(text=f"You are {'on' if first == 'on' else 'off'} duty.")]
        if command in {"admin_add", "admin_remove"}:
            return [await self._grant(actor, command, first, now)]
        if command == "deadletters":
            return [await self._dead_letters(actor, first == "retry", now)]
        return [await self.stats_reply(now)]

    async def _add_source(self, actor: str, url: str, now: datetime) -> Reply:
        if not url:
            return Reply(text="Send the URL: /addsource https://boards.greenhouse.io/acme")
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
        self, actor: str, command: str, source_id: str, now: datetime
    ) -> Reply:
        source = await self.sources.get(source_id)
        if source is None:
            return Reply(text=f"No source {source_id or '(no id)'}. See /sources.")
        if command == "removesource":
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
        if command == "crawl":
            await self.queue.enqueue("crawl_source", source_id, job_id=crawl_job_id(source_id, now))
            await self.audit.record(actor, "source.crawl", source_id, now)
            return Reply(text=f"Crawling {source.name} now.")
        paused = command == "pausesource"
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

    async def _grant(self, actor: str, command: str, user_id: str, now: datetime) -> Reply:
        if not user_id.isdigit():
            return Reply(text=f"Use /{command} followed by a Telegram user id.")
        key = f"{Channel.TELEGRAM}:{user_id}"
        if command == "admin_add":
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

    async def _button(self, actor: str, parts: list[str]) -> list[Reply]:
        action, job_id = ([*parts, "", ""])[:2]
        if action == "approve":
            return [await self._decide(actor, job_id, JobStatus.APPROVED, None)]
        if action == "reject":
            await self.admins.set_editing(actor, job_id, "reject_reason")
            return [Reply(text=EDIT_PROMPTS["reject_reason"])]
        if action == "edit":
            return [edit_choice(job_id)]
        if action == "field" and len(parts) == 3 and parts[2] in EDITABLE_FIELDS:
            await self.admins.set_editing(actor, job_id, parts[2])
            return [Reply(text=EDIT_PROMPTS[parts[2]])]
        return [Reply(text="That button is out of date.")]

    async def _finish_edit(self, actor: str, job_id: str, field: str, text: str) -> list[Reply]:
        if field == "reject_reason":
            return [await self._decide(actor, job_id, JobStatus.REJECTED, text.strip()[:300])]
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

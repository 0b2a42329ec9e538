"""Matches: from an approved job to the candidates it fits, and what candidates do with them.

- ``job_approved``: embed the job, index it, and page through every candidate it may fit (a
  range query: the payload pre-filter and a similarity floor, not a top-k); each page is scored,
  its matches recorded and the alerts of candidates on "instant" queued (after their quiet
  hours) with a few bulk writes: the round trips grow with the pages, not the candidates.
- ``index_candidate``: a profile changed: re-embed and re-index the candidate and match them
  against every approved job above the floor, the same way.
- ``send_digests``: every few minutes; users whose local digest time has come get their best new
  matches since the last digest (nothing new: nothing sent).
- ``act``: carry out what a candidate asked of a match (save, applied, not interested, why, the
  tracker), as the conversation read it (``conversations.match_views.match_request``).

What goes to a user is rendered through the ``JobCards`` port (matching/cards.py), which the
conversation implements: matching never imports it.

Everything that goes to a user goes through the outbox, keyed user × job × kind, so a retry or
a second worker never sends it twice.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
import structlog

from core import metrics
from core.channels import Channel, ChatRef, Reply
from core.domain import Frequency, Profile, SpokenLanguage
from core.jobs import JobStatus, Location, StoredJob, company_key
from core.matches import (
    HEARD_STAGE,
    REMOVE,
    ApplicationStage,
    Candidate,
    Feedback,
    JobForMatching,
    Match,
    MatchAction,
    TrackedJob,
    Verb,
)
from core.ports.matches import (
    Applications,
    ApplyLinks,
    CandidateRecord,
    Candidates,
    Matches,
    MatchFeedback,
)
from core.ports.outbox import Outbox, OutboxKind, OutboxRow
from core.ports.review import JobCatalog
from core.settings import MatchingSettings
from core.skills import SkillTaxonomy
from matching.cards import JobCards
from matching.embed import Embedder
from matching.index import Hit, Progress, RebuildReport, VectorIndex, rebuild
from matching.schedule import digest_due, next_allowed
from matching.scoring import Weights, dedupe_key, order_key, rank, score
from matching.text import candidate_text, job_text
from matching.titles import role_family

log = structlog.get_logger(__name__)

# Channels where a digest is one message, not one per job: WhatsApp paces each user to about
# one message every few seconds, so five cards would trickle in over half a minute.
ONE_MESSAGE_DIGESTS = frozenset({Channel.WHATSAPP})
INSTANT_ON_SIGNUP = 3  # alerts a new "instant" user gets at once from the jobs already live
DISLIKED_SIMILAR = 0.85

Places = Callable[[Sequence[str]], tuple[Location, ...]]


def candidate_of(record: CandidateRecord, places: Places, taxonomy: SkillTaxonomy) -> Candidate:
    """A stored profile as matching sees it; the roles they want count as skills they have
    ("Backend Developer" brings "Backend Development")."""
    profile = record.profile
    resume = profile.resume
    title = resume.last_title if resume else None
    named = taxonomy.find_in_text(", ".join([*profile.roles, title or ""]))
    return Candidate(
        user_key=record.user_key,
        lang=record.lang,
        roles=profile.roles,
        title=title,
        skills=tuple(dict.fromkeys([*(resume.skills if resume else ()), *named])),
        years_experience=resume.years_experience if resume else None,
        work_modes=profile.work_modes,
        places=places(profile.locations) if profile.locations else (),
        seniority=profile.seniority,
        salary_floor=profile.salary_floor,
        employment_types=profile.employment_types,
        languages=_languages(profile),
        licences=tuple(
            dict.fromkeys([*profile.licences, *(resume.certifications if resume else ())])
        ),
        commute=profile.commute,
        stretch=profile.stretch,
        paused=profile.paused or not record.messages_allowed,
        frequency=profile.frequency,
        timezone=profile.timezone,
        quiet_hours=profile.quiet_hours,
    )


def _languages(profile: Profile) -> tuple[SpokenLanguage, ...]:
    """What they said in /prefs, else what their resume lists; one entry per language, the
    stated level winning over the resume's."""
    said = {spoken.code: spoken for spoken in profile.languages}
    read = profile.resume.spoken_languages if profile.resume else ()
    merged = dict(said)
    for spoken in read:
        merged.setdefault(spoken.code, spoken)
    return tuple(merged.values())


def for_matching(job: StoredJob) -> JobForMatching:
    return JobForMatching(id=job.id, posting=job.posting)


@dataclass
class MatchService:
    settings: MatchingSettings
    public_url: str
    embedder: Embedder
    index: VectorIndex
    jobs: JobCatalog
    candidates: Candidates
    matches: Matches
    applications: Applications
    links: ApplyLinks
    feedback: MatchFeedback
    outbox: Outbox
    taxonomy: SkillTaxonomy
    places: Places
    clock: Callable[[], datetime]
    kick: Callable[[], Awaitable[None]]  # start a delivery drain now
    cards: JobCards  # renders what is sent (conversations.match_views.MatchViews)
    # The fence against /delete: whatever a fan-out wrote for someone erased meanwhile is
    # erased again (the chat service's erasure; None: no fence, for tools that only read).
    erase: Callable[[str], Awaitable[object]] | None = None

    @functools.cached_property
    def weights(self) -> Weights:
        return Weights.from_settings(self.settings)

    async def _embed(self, texts: Sequence[str]) -> np.ndarray:
        return await asyncio.to_thread(self.embedder.embed, list(texts))

    # --- jobs -------------------------------------------------------------------------------

    async def job_approved(self, job_id: str) -> int:
        """Index an approved job and alert the instant candidates it fits; returns matches."""
        job = await self.jobs.get(job_id)
        if job is None or job.status is not JobStatus.APPROVED:
            await self.job_closed(job_id)
            return 0
        target = for_matching(job)
        vector = (await self._embed([job_text(job.posting)]))[0]
        await self.index.upsert_jobs([(target, str(job.status), vector)])
        sent_before = await self.matches.delivered_to(job_id)
        now = self.clock()
        found = looked_at = 0
        pages = self.index.candidates_above(
            target, vector, self.settings.similarity_floor, self.settings.fanout_page_size
        )
        async for page in pages:
            looked_at += len(page)
            found += await self._fan_out(target, vector, page, sent_before, now)
        if found:
            await self.kick()
        log.info("match.job", job_id=job_id, looked_at=looked_at, matched=found)
        metrics.MATCHES_PER_JOB.observe(found)
        return found

    async def _fan_out(
        self,
        target: JobForMatching,
        vector: np.ndarray,
        page: Sequence[Hit],
        sent_before: set[str],
        now: datetime,
    ) -> int:
        """One page of a job's candidates: score them, record the matches and queue the instant
        alerts, each write for the whole page at once; returns the new matches."""
        keys = [key for key, _ in page]
        records = await self.candidates.get_many(keys)
        feedback = await self.feedback.get_many(keys)
        disliked = await self._closeness_to_disliked(vector, feedback)
        seen = frozenset({target.id})
        sendable: list[Match] = []
        instant: set[str] = set()
        for user_key, similarity in page:
            record = records.get(user_key)
            if record is None or not record.wants_matches:
                continue
            candidate = candidate_of(record, self.places, self.taxonomy)
            match = score(
                candidate,
                target,
                similarity=similarity,
                now=now,
                weights=self.weights,
                taxonomy=self.taxonomy,
                feedback=feedback.get(user_key, Feedback()),
                seen=seen if user_key in sent_before else frozenset(),
                disliked_similarity=disliked.get(user_key, 0.0),
            )
            if match.would_send:
                sendable.append(match)
                if candidate.frequency is Frequency.INSTANT:
                    instant.add(user_key)
        # The alerts first, then the matches, recorded as alerted: a retry after a crash between
        # the two queues nothing twice (one outbox row per user × job) and loses no alert.
        known = await self.matches.recorded((match.user_key, target.id) for match in sendable)
        alerts = [
            (records[match.user_key], target, match)
            for match in sendable
            if match.user_key in instant and (match.user_key, target.id) not in known
        ]
        await self._queue_alerts(alerts, now, mark=False)
        alerted = {(record.user_key, target.id) for record, _, _ in alerts}
        recorded = await self.matches.record_many(sendable, now, alerted)
        await self.fence(match.user_key for match in sendable)
        return len(recorded)

    async def fence(self, written: Iterable[str]) -> None:
        """After the page's writes: anyone among them erased since their profile was read has
        their conversation gone (the erasure removes it first); erase what was just written for
        them too. Checked after writing, so an erasure either saw the rows or leaves this check
        to see it."""
        keys = set(written)
        if self.erase is None or not keys:
            return
        for gone in sorted(keys - await self.candidates.existing(keys)):
            log.info("match.fenced", user=gone)
            await self.erase(gone)

    async def job_closed(self, job_id: str) -> None:
        """A job closed or was rejected: out of the index; its undelivered matches are dropped."""
        await self.index.delete_jobs([job_id])
        await self.matches.drop_for_job(job_id)

    # --- candidates -------------------------------------------------------------------------

    async def index_candidate(self, user_key: str, first_batch: str = "") -> str:
        """Re-embed a candidate whose profile changed and match them against live jobs.

        ``first_batch`` names a batch (the update that finished onboarding or changed /prefs): the
        best few go out now, whatever the user's frequency, under an honest count; or a word on
        why nothing came. Empty: the usual matching.
        """
        record = await self.candidates.get(user_key)
        if record is None or not record.onboarded:
            await self.index.delete_candidate(user_key)
            return "not_ready"
        candidate = candidate_of(record, self.places, self.taxonomy)
        vector = (await self._embed([candidate_text(candidate)]))[0]
        await self.index.upsert_candidates([(candidate, vector)])
        if not record.wants_matches:
            return "indexed"
        matched = await self._match_candidate(record, candidate, vector, first_batch=first_batch)
        return f"indexed, {matched} matches"

    async def rebuild_index(self, progress: Progress | None = None) -> RebuildReport:
        """Embed every approved job and onboarded candidate again (``jobscout index rebuild``)."""
        records = await self.candidates.get_many(await self.candidates.onboarded_keys())
        people = [candidate_of(record, self.places, self.taxonomy) for record in records.values()]
        return await rebuild(
            self.index,
            self.embedder,
            jobs=self._approved_jobs(),
            candidates=people,
            total=await self.jobs.count_with_status(JobStatus.APPROVED) + len(people),
            progress=progress,
        )

    async def has_anything_to_index(self) -> bool:
        approved = await self.jobs.count_with_status(JobStatus.APPROVED)
        return approved > 0 or bool(await self.candidates.onboarded_keys())

    async def _approved_jobs(self) -> AsyncIterator[tuple[JobForMatching, str]]:
        async for job in self.jobs.each_with_status(JobStatus.APPROVED):
            yield for_matching(job), str(job.status)

    async def forget(self, user_key: str) -> None:
        """/delete: the user's vector goes with everything else about them."""
        await self.index.delete_candidate(user_key)

    async def _match_candidate(
        self,
        record: CandidateRecord,
        candidate: Candidate,
        vector: np.ndarray,
        *,
        first_batch: str = "",
    ) -> int:
        seen = await self.matches.delivered_job_ids(candidate.user_key)
        feedback = await self.feedback.get(candidate.user_key)
        now = self.clock()
        # The best match of each posting (``dedupe_key``) over every page, with its job.
        best: dict[tuple[str, str, tuple[str, ...]], tuple[JobForMatching, Match]] = {}
        pages = self.index.jobs_above(
            candidate,
            vector,
            self.settings.similarity_floor,
            self.settings.fanout_page_size,
            exclude=seen,
        )
        closed: list[str] = []
        async for page in pages:
            scored = await self._score_jobs(candidate, page, feedback, seen, now, closed)
            for job, match in scored:
                key = dedupe_key(job.posting)
                kept = best.get(key)
                if kept is None or order_key(match) < order_key(kept[1]):
                    best[key] = (job, match)
        if closed:  # closed or rejected since they were indexed: tidy the index up (after the
            # pages: a point deleted while paging would shift the offsets of the next request)
            await self.index.delete_jobs(closed)
        sendable = sorted(best.values(), key=lambda pair: order_key(pair[1]))
        fresh_ids: set[str] = set()
        size = self.settings.fanout_page_size
        for start in range(0, len(sendable), size):
            chunk = [match for _, match in sendable[start : start + size]]
            fresh_ids.update(match.job_id for match in await self.matches.record_many(chunk, now))
        fresh = [(job, match) for job, match in sendable if job.id in fresh_ids]
        if first_batch:
            await self._first_batch(record, sendable, first_batch, now)
        elif candidate.frequency is Frequency.INSTANT and fresh:
            await self._queue_alerts(
                [(record, job, match) for job, match in fresh[:INSTANT_ON_SIGNUP]], now
            )
            await self.kick()
        return len(fresh)

    async def _score_jobs(
        self,
        candidate: Candidate,
        page: Sequence[Hit],
        feedback: Feedback,
        seen: set[str],
        now: datetime,
        closed: list[str],
    ) -> list[tuple[JobForMatching, Match]]:
        """One page of a candidate's jobs: the live ones scored, would-send only, best first;
        the ids of those no longer approved are added to ``closed``."""
        approved = await self._approved([job_id for job_id, _ in page])
        closed += [job_id for job_id, _ in page if job_id not in approved]
        live = [(for_matching(approved[job_id]), sim) for job_id, sim in page if job_id in approved]
        disliked = await self._disliked_similarity(
            feedback.not_interested, [job.id for job, _ in live]
        )
        ranked = rank(
            candidate,
            live,
            now=now,
            weights=self.weights,
            taxonomy=self.taxonomy,
            feedback=feedback,
            seen=frozenset(seen),
            disliked_similarity=disliked,
        )
        by_id = {job.id: job for job, _ in live}
        return [(by_id[match.job_id], match) for match in ranked if match.would_send]

    async def _first_batch(
        self,
        record: CandidateRecord,
        sendable: Sequence[tuple[JobForMatching, Match]],
        batch: str,
        now: datetime,
    ) -> None:
        """The best few of every live job that fits (not only the newly matched: a /prefs change
        may make earlier matches the best), now; quiet hours don't apply to someone chatting."""
        lang = record.lang
        if not sendable:
            live = await self.jobs.count_with_status(JobStatus.APPROVED)
            reply = self.cards.first_batch_empty(live, lang)
            await self.outbox.enqueue(
                [self._row(OutboxKind.NOTICE, record, f"first:{batch}", [reply], 0, now, now)]
            )
            await self.kick()
            return
        shown = sendable[:INSTANT_ON_SIGNUP]
        header = self.cards.first_batch_header(len(sendable), len(shown), lang)
        cards = await self._cards([(record, job, match) for job, match in shown], now, header)
        rows = [
            self._row(OutboxKind.ALERT, record, job.id, [card], seq, now, now)
            for seq, ((job, _), card) in enumerate(zip(shown, cards, strict=True))
        ]
        await self.outbox.enqueue(rows)
        await self.matches.mark(record.user_key, [job.id for job, _ in shown], "alerted", now)
        await self.kick()

    async def _approved(self, job_ids: Sequence[str]) -> dict[str, StoredJob]:
        """Those of the jobs that are still approved (live), by id."""
        stored = await self.jobs.get_many(job_ids)
        return {job_id: job for job_id, job in stored.items() if job.status is JobStatus.APPROVED}

    async def _closeness_to_disliked(
        self, vector: np.ndarray, feedback: Mapping[str, Feedback]
    ) -> dict[str, float]:
        """For each user, the highest cosine of this job to a job they marked not interested."""
        disliked = {job_id for fb in feedback.values() for job_id in fb.not_interested}
        if not disliked:
            return {}
        vectors = await self.index.vectors("jobs", sorted(disliked))
        closeness = {job_id: float(vectors[job_id] @ vector) for job_id in vectors}
        return {
            user_key: max((closeness.get(job_id, 0.0) for job_id in fb.not_interested), default=0.0)
            for user_key, fb in feedback.items()
        }

    async def _disliked_similarity(
        self, disliked: Sequence[str], job_ids: Sequence[str]
    ) -> dict[str, float]:
        """For each job, its highest cosine to a job the user marked "not interested"."""
        if not disliked or not job_ids:
            return {}
        vectors = await self.index.vectors("jobs", [*disliked, *job_ids])
        bad = [vectors[job_id] for job_id in disliked if job_id in vectors]
        if not bad:
            return {}
        bad_matrix = np.stack(bad)
        return {
            job_id: float(np.max(bad_matrix @ vectors[job_id]))
            for job_id in job_ids
            if job_id in vectors
        }

    # --- delivery ---------------------------------------------------------------------------

    async def _cards(
        self,
        items: Sequence[tuple[CandidateRecord, JobForMatching, Match]],
        now: datetime,
        header: str | None = None,
    ) -> list[Reply]:
        """A job card for each (record, job, match), in order, their tracked Apply links made
        in one go; ``header`` tops the first card."""
        wanted = [
            (record.user_key, job.id, target)
            for record, job, _ in items
            if (target := job.posting.apply_url or job.posting.url)
        ]
        tokens = await self.links.links_for(wanted, now)
        base = self.public_url.rstrip("/")
        cards = []
        for position, (record, job, match) in enumerate(items):
            token = tokens.get((record.user_key, job.id))
            apply_url = f"{base}/r/{token}" if token else None
            cards.append(
                self.cards.job_card(
                    job, match, record.lang, apply_url, header=header if position == 0 else None
                )
            )
        return cards

    async def _queue_alerts(
        self,
        items: Sequence[tuple[CandidateRecord, JobForMatching, Match]],
        now: datetime,
        *,
        mark: bool = True,
    ) -> None:
        """Alerts for (record, job, match), after each user's quiet hours: one outbox write and
        (with ``mark``) one match update for them all; a user's cards keep their order."""
        if not items:
            return
        cards = await self._cards(items, now)
        seqs: dict[str, int] = {}
        rows = []
        for (record, job, _), card in zip(items, cards, strict=True):
            profile = record.profile
            not_before = next_allowed(now, profile.timezone, profile.quiet_hours)
            seq = seqs[record.user_key] = seqs.get(record.user_key, -1) + 1
            rows.append(self._row(OutboxKind.ALERT, record, job.id, [card], seq, not_before, now))
        await self.outbox.enqueue(rows)
        if mark:
            await self.matches.mark_pairs(
                [(record.user_key, job.id) for record, job, _ in items], "alerted", now
            )

    def _row(
        self,
        kind: OutboxKind,
        record: CandidateRecord,
        job_id: str,
        replies: list[Reply],
        seq: int,
        not_before: datetime,
        now: datetime,
    ) -> OutboxRow:
        return OutboxRow.new(
            kind,
            record.deliver_to,
            ChatRef(channel=record.channel, chat_id=record.chat_id),
            job_id,
            replies,
            now=now,
            not_before=not_before,
            seq=seq,
            person=record.user_key if record.target_key else None,
        )

    async def send_digests(self) -> int:
        """Queue the digests that are due now; returns how many users get one."""
        now = self.clock()
        users = await self.matches.users_with_new()
        records = await self.candidates.get_many(users)
        sent = 0
        for user_key in users:
            record = records.get(user_key)
            if record is None or not record.wants_matches:
                continue
            profile = record.profile
            if not digest_due(
                now,
                frequency=profile.frequency,
                timezone=profile.timezone,
                quiet=profile.quiet_hours,
                last_digest_at=record.last_digest_at,
                hour=self.settings.digest_hour,
                weekday=self.settings.weekly_digest_weekday,
            ):
                continue
            if await self._queue_digest(record, now):
                sent += 1
        if sent:
            await self.kick()
        return sent

    async def _queue_digest(self, record: CandidateRecord, now: datetime) -> bool:
        new = await self.matches.new_for_user(record.user_key, limit=100)
        stored = await self._approved([match.job_id for match in new])
        live = [m for m in new if m.job_id in stored]
        top = live[: self.settings.digest_size]
        rest = [m.job_id for m in new if m not in top]
        if rest:
            await self.matches.mark(record.user_key, rest, "dropped", now)
        if not top:
            return False
        header = self.cards.digest_header(len(top), str(record.profile.frequency), record.lang)
        jobs = [for_matching(stored[match.job_id]) for match in top]
        cards = await self._cards(
            [(record, job, match) for job, match in zip(jobs, top, strict=True)], now, header
        )
        rows = [
            self._row(OutboxKind.DIGEST, record, job.id, [card], seq, now, now)
            for seq, (job, card) in enumerate(zip(jobs, cards, strict=True))
        ]
        if record.channel is Channel.EMAIL:
            # One row holding every card: the e-mail channel sends a row as one digest mail.
            rows = [
                self._row(
                    OutboxKind.DIGEST, record, f"digest:{now:%Y%m%dT%H%M}", cards, 0, now, now
                )
            ]
        elif record.channel in ONE_MESSAGE_DIGESTS:
            cards = [row.replies[0] for row in rows]
            digest = self.cards.one_message(cards, record.lang)
            rows = [
                self._row(
                    OutboxKind.DIGEST, record, f"digest:{now:%Y%m%dT%H%M}", [digest], 0, now, now
                )
            ]
        await self.outbox.enqueue(rows)
        await self.matches.mark(record.user_key, [m.job_id for m in top], "digested", now)
        await self.candidates.set_last_digest(record.user_key, now)
        log.info("digest.queued", user=record.user_key, jobs=len(top))
        return True

    async def queue_followups(self) -> int:
        """Seven days after "applied": ask "heard back?" once."""
        now = self.clock()
        due = await self.applications.due_followups(
            now, timedelta(days=self.settings.followup_after_days)
        )
        records = await self.candidates.get_many([app.user_key for app in due])
        stored = await self.jobs.get_many([app.job_id for app in due])
        queued = 0
        for app in due:
            record = records.get(app.user_key)
            job = stored.get(app.job_id)
            await self.applications.mark_followup_queued(app.user_key, app.job_id)
            if record is None or job is None or not record.messages_allowed:
                continue
            prompt = self.cards.followup_prompt(
                job.id, job.posting.title, job.posting.company, record.lang
            )
            not_before = next_allowed(now, record.profile.timezone, record.profile.quiet_hours)
            await self.outbox.enqueue(
                [self._row(OutboxKind.FOLLOWUP, record, job.id, [prompt], 0, not_before, now)]
            )
            queued += 1
        if queued:
            await self.kick()
        return queued

    # --- what candidates do with matches ----------------------------------------------------

    async def act(self, user_key: str, lang: str, action: MatchAction) -> list[Reply]:
        """Carry out what the candidate asked (the conversation decided it) and say so."""
        now = self.clock()
        if action.action is Verb.APPLICATIONS:
            return await self._tracker(user_key, lang)
        job_id = action.job_id or ""
        job = await self.jobs.get(job_id)
        # A button names a job: it must be one this user was matched with and that is still
        # live, or one already in their tracker (which follows it after it closes). A forged
        # or stale id learns nothing, not even a title.
        match = await self.matches.get(user_key, job_id) if job is not None else None
        live = job is not None and job.status is JobStatus.APPROVED and match is not None
        if job is None or not (live or await self.applications.get(user_key, job_id)):
            return [self.cards.job_gone(lang)]
        posting = job.posting
        if action.action is Verb.WHY:
            if match is None:
                return [self.cards.job_gone(lang)]
            return [self.cards.why_text(for_matching(job), match, lang)]
        if action.action is Verb.NOT_INTERESTED:
            return [self.cards.not_interested_menu(for_matching(job), lang)]
        # "This job" lowers jobs much like it; "this company" and "this kind of role" act on
        # exactly that (the job itself was sent, so it never comes back anyway).
        if action.action is Verb.NOT_THIS_JOB:
            await self.feedback.not_interested(user_key, job_id, now)
        elif action.action is Verb.NOT_THIS_COMPANY and posting.company:
            await self.feedback.block_company(user_key, company_key(posting.company), now)
        elif action.action is Verb.NOT_THIS_KIND:
            family = role_family(posting.title)
            if family:
                await self.feedback.block_role_kind(user_key, family, now)
        elif action.action in {Verb.SAVE, Verb.APPLIED}:
            saved = action.action is Verb.SAVE
            stage = ApplicationStage.SAVED if saved else ApplicationStage.APPLIED
            await self.applications.set_stage(user_key, job_id, stage, now)
        elif action.action is Verb.STAGE and action.stage == REMOVE:
            await self.applications.remove(user_key, job_id)
        elif action.action is Verb.STAGE and action.stage:
            await self.applications.set_stage(user_key, job_id, ApplicationStage(action.stage), now)
        elif action.action is Verb.HEARD and action.answer:
            moved = HEARD_STAGE.get(action.answer)
            if moved is not None:
                await self.applications.set_stage(user_key, job_id, moved, now)
        return [self.cards.acknowledge(action, posting.title, lang, company=posting.company)]

    async def _tracker(self, user_key: str, lang: str) -> list[Reply]:
        apps = await self.applications.list(user_key)
        stored = await self.jobs.get_many([app.job_id for app in apps])
        entries = [
            TrackedJob(
                job_id=app.job_id,
                title=stored[app.job_id].posting.title if app.job_id in stored else app.job_id,
                company=stored[app.job_id].posting.company if app.job_id in stored else None,
                stage=app.stage,
                updated_at=app.updated_at,
                demo=app.job_id in stored and stored[app.job_id].posting.demo,
            )
            for app in apps
        ]
        return self.cards.applications_view(entries, lang)

    # --- numbers for /stats -----------------------------------------------------------------

    async def stats_lines(self, since: datetime) -> list[str]:
        sent = await self.outbox.sent_since(("alert", "digest"), since)
        stats = await self.links.stats_since(since)
        clicked, clicks = stats.clicked_links, stats.clicks
        applied = await self.applications.applied_since(since)
        ctr = f"{clicked / sent:.0%}" if sent else "n/a"
        apply_rate = f"{applied / sent:.0%}" if sent else "n/a"
        return [
            f"Matches sent (14 days): {sent}",
            f"Click-through: {ctr} ({clicked} of {sent} opened Apply, {clicks} clicks)",
            f"Apply rate: {apply_rate} ({applied} marked applied)",
        ]

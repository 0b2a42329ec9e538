"""From raw postings to stored jobs: normalize, drop, dedupe, revise, approve or queue them."""

from __future__ import annotations

import secrets
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from core.jobs import (
    Extraction,
    JobPosting,
    JobStatus,
    RawPosting,
    Source,
    StoredJob,
    company_key,
)
from core.ports.review import JobIntake
from core.skills import SkillTaxonomy
from crawlers.dedupe import canonical_url, changed_fields, fingerprint, similarity, text_signature
from crawlers.normalize import Dropped, normalize

NEAR_DUPLICATE = 0.85


@dataclass
class IngestReport:
    created: list[str] = field(default_factory=list)
    revised: list[str] = field(default_factory=list)
    unchanged: int = 0
    closed: int = 0
    closed_ids: list[str] = field(default_factory=list)
    approved: list[str] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)
    dropped: Counter[str] = field(default_factory=Counter)
    seen: list[str] = field(default_factory=list)  # every job a posting landed on, in order


def review_decision(
    source: Source, posting: JobPosting, threshold: float
) -> tuple[JobStatus, str | None]:
    """Trusted sources with confident parses go live; everything else waits for an admin."""
    if source.trusted and posting.confidence >= threshold:
        return JobStatus.APPROVED, None
    if not source.trusted:
        return JobStatus.PENDING_REVIEW, "source not trusted"
    return JobStatus.PENDING_REVIEW, f"parse confidence {posting.confidence:.2f} < {threshold:.2f}"


def _may_revise(job: StoredJob, source: Source, posting: JobPosting) -> bool:
    """The job's posting is the version of its first source, unless a more trustworthy
    extraction (``Extraction`` is ordered from most to least) of it comes along."""
    if job.source_ids[:1] == (source.id,):
        return True
    order = list(Extraction)
    return order.index(posting.extraction) < order.index(job.posting.extraction)


@dataclass
class Ingestor:
    jobs: JobIntake
    taxonomy: SkillTaxonomy
    auto_approve_confidence: float = 0.9

    async def ingest(
        self,
        source: Source,
        raws: Iterable[RawPosting],
        now: datetime,
        *,
        complete: bool,
        demo: bool = False,
    ) -> IngestReport:
        """Store what one crawl found; ``complete``: the crawl saw the whole listing; ``demo``:
        the postings are the bundled demo catalogue (cards say so)."""
        report = IngestReport()
        # Open jobs per company, read once per ingest and kept current with what it inserts:
        # near-duplicates are looked for among them for every new posting. (Per call: one
        # Ingestor serves concurrent crawls.)
        open_jobs: dict[str, list[StoredJob]] = {}
        for raw in raws:
            result = normalize(raw, today=now.date(), taxonomy=self.taxonomy)
            if isinstance(result, Dropped):
                report.dropped[result.reason] += 1
                continue
            if demo:
                result = result.model_copy(update={"demo": True})
            report.seen.append(await self._one(source, result, now, report, open_jobs))
        if complete:
            gone = await self.jobs.open_ids_of_source(source.id) - set(report.seen)
            report.closed_ids = await self.jobs.vanished(source.id, gone, now)
            report.closed = len(report.closed_ids)
        return report

    async def _open_of_company(
        self, company: str, open_jobs: dict[str, list[StoredJob]]
    ) -> list[StoredJob]:
        if company not in open_jobs:
            open_jobs[company] = await self.jobs.open_of_company(company)
        return open_jobs[company]

    async def _one(
        self,
        source: Source,
        posting: JobPosting,
        now: datetime,
        report: IngestReport,
        open_jobs: dict[str, list[StoredJob]],
    ) -> str:
        fp = fingerprint(posting)
        url = canonical_url(posting.url) if posting.url else None
        external_key = f"{source.id}:{posting.external_id or url or fp}"
        signature = text_signature(posting.description_md)
        company = company_key(posting.company or source.name)
        existing = await self.jobs.find_by_keys(external_key, url, fp)
        if existing is None and signature:
            existing = next(
                (
                    job
                    for job in await self._open_of_company(company, open_jobs)
                    if job.signature and similarity(job.signature, signature) >= NEAR_DUPLICATE
                ),
                None,
            )
        if existing is not None:
            await self.jobs.seen_again(existing, source.id, external_key, now)
            closed = existing.status is JobStatus.CLOSED
            changed = changed_fields(existing.posting, posting)
            if not closed and not (changed and _may_revise(existing, source, posting)):
                # Unchanged, or another source's copy of a job this source does not own: that
                # only joins the job, or two versions would overwrite each other every crawl.
                report.unchanged += 1
                return existing.id
            status, reason = existing.status, existing.review_reason
            if closed:  # back on the board: decide again, and a review is needed again
                status, reason = review_decision(source, posting, self.auto_approve_confidence)
                (report.approved if status is JobStatus.APPROVED else report.pending).append(
                    existing.id
                )
            others = (source_id for source_id in existing.source_ids if source_id != source.id)
            updated = existing.model_copy(
                update={
                    "posting": posting,
                    "signature": signature,
                    # Found again under what it is now, by any source.
                    "fingerprint": fp,
                    "canonical_url": url or existing.canonical_url,
                    "status": status,
                    "review_reason": reason,
                    "last_seen_at": now,
                    "closed_at": None,
                    "source_ids": (source.id, *others),  # the first source owns the posting
                }
            )
            await self.jobs.revise(existing, updated, changed or ("status",), now)
            if any(existing.id == job.id for jobs in open_jobs.values() for job in jobs):
                open_jobs.clear()  # its text or company may have changed: read them again
            report.revised.append(existing.id)
            return existing.id
        status, reason = review_decision(source, posting, self.auto_approve_confidence)
        job = StoredJob(
            id=secrets.token_hex(4),
            source_ids=(source.id,),
            posting=posting,
            status=status,
            fingerprint=fp,
            canonical_url=url,
            signature=signature,
            review_reason=reason,
            first_seen_at=now,
            last_seen_at=now,
        )
        await self.jobs.insert(job, external_key, company)
        if company in open_jobs:
            open_jobs[company].append(job)
        report.created.append(job.id)
        (report.approved if status is JobStatus.APPROVED else report.pending).append(job.id)
        return job.id

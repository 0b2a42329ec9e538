"""What admins see: review cards, source health, edit prompts (pure; admin texts are English)."""

from __future__ import annotations

import re
from datetime import datetime

from core.channels import Button, Reply
from core.jobs import JobPosting, Source, StoredJob

EDITABLE_FIELDS = ("title", "location", "salary", "work_mode")

ADMIN_HELP = (
    "Admin commands:\n"
    "/sources – sources and their health\n/addsource URL – add a career page or ATS board\n"
    "/pausesource ID, /resumesource ID, /removesource ID, /crawl ID\n"
    "/pending – jobs waiting for review\n/job ID – one job\n"
    "/approve ID, /reject ID reason\n/deadletters [retry]\n/stats\n"
    "/duty on|off – receive reviews or not\n/admin_add USER_ID, /admin_remove USER_ID"
)


def _salary(posting: JobPosting) -> str:
    salary = posting.salary
    if salary is None:
        return "not stated"
    low = f"{salary.minimum:,.0f}" if salary.minimum is not None else "?"
    high = f"{salary.maximum:,.0f}" if salary.maximum is not None else low
    amount = low if low == high else f"{low}–{high}"
    return f"{amount} {salary.currency} per {salary.period}"


def _where(posting: JobPosting) -> str:
    places = [
        ", ".join(part for part in (loc.city, loc.country) if part) or loc.raw
        for loc in posting.locations
    ]
    where = "; ".join(place for place in places if place) or "no location"
    return f"{where} ({posting.work_mode})" if posting.work_mode else where


# The order fields are listed in on a review card's "Read from" lines.
_PROVENANCE_ORDER = (
    "title", "company", "url", "locations", "work_mode", "employment_type", "salary",
    "posted_at", "valid_through", "description",
)  # fmt: skip
_MAX_PROVENANCE_CHARS = 90
# A field whose reading failed a check against the page (crawlers/llm_checks.py): marked ⚠.
_UNVERIFIED = re.compile(r"\bNOT (?:in|on) the page|: (?:dropped|replaced)$")


def _provenance(posting: JobPosting) -> list[str]:
    """One line per field a heuristic or the LLM read, saying where: the admin checks those."""
    found = posting.provenance
    if not found:
        return []
    names = [name for name in _PROVENANCE_ORDER if name in found]
    names += sorted(name for name in found if name not in _PROVENANCE_ORDER)
    lines = ["Read from:"]
    for name in names:
        where = found[name][:_MAX_PROVENANCE_CHARS]
        flag = "⚠ " if _UNVERIFIED.search(where) else ""
        lines.append(f"  {flag}{name.replace('_', ' ')}: {where}")
    return lines


def job_card(job: StoredJob, source: Source | None, *, buttons: bool = True) -> Reply:
    posting = job.posting
    lines = [
        *(["Demo job"] if posting.demo else []),
        f"{posting.title} — {posting.company or 'unknown company'}",
        f"Where: {_where(posting)}",
        f"Salary: {_salary(posting)}",
        f"Source: {source.name if source else ', '.join(job.source_ids)}"
        f" ({posting.extraction}, confidence {posting.confidence:.2f})",
        f"Status: {job.status}" + (f" — {job.review_reason}" if job.review_reason else ""),
        f"Job {job.id}"
        + (f" · {posting.apply_url or posting.url}" if posting.apply_url or posting.url else ""),
        *_provenance(posting),
    ]
    rows: tuple[tuple[Button, ...], ...] = ()
    if buttons:
        rows = (
            (
                Button(label="Approve", data=f"adm:approve:{job.id}"),
                Button(label="Reject", data=f"adm:reject:{job.id}"),
                Button(label="Edit", data=f"adm:edit:{job.id}"),
            ),
        )
    return Reply(text="\n".join(lines), buttons=rows)


def edit_choice(job_id: str) -> Reply:
    return Reply(
        text=f"What should change in job {job_id}?",
        buttons=(
            tuple(
                Button(
                    label=field.replace("_", " ").capitalize(), data=f"adm:field:{job_id}:{field}"
                )
                for field in EDITABLE_FIELDS
            ),
        ),
    )


EDIT_PROMPTS = {
    "title": "Send the corrected title.",
    "location": "Send the location, e.g. \"Berlin, Germany\" (several separated by ';').",
    "salary": 'Send the salary, e.g. "60000-75000 EUR per year".',
    "work_mode": "Send remote, hybrid or onsite.",
    "reject_reason": "Send the reason for rejecting this job.",
}


def _ago(moment: datetime | None, now: datetime) -> str:
    if moment is None:
        return "never"
    minutes = int((now - moment).total_seconds() // 60)
    if minutes < 60:
        return f"{minutes} min ago"
    if minutes < 48 * 60:
        return f"{minutes // 60} h ago"
    return f"{minutes // (24 * 60)} d ago"


def source_line(source: Source, now: datetime) -> str:
    state = "paused" if source.paused else "active"
    if source.paused and source.pause_reason:
        state = f"paused ({source.pause_reason})"
    trust = ", trusted" if source.trusted else ""
    return (
        f"{source.id} · {source.name} [{source.kind}{trust}] — {state}; last crawl "
        f"{_ago(source.last_crawl_at, now)}; {source.jobs_count} jobs; "
        f"{source.consecutive_failures} failures in a row ({source.failures_total} in all)"
    )


def sources_list(sources: list[Source], now: datetime) -> Reply:
    if not sources:
        return Reply(text="No sources yet. Add one with /addsource URL.")
    return Reply(text="Sources:\n" + "\n".join(source_line(s, now) for s in sources))

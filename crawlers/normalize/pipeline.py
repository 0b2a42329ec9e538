"""``normalize``: one ``RawPosting`` in, the same job in our vocabulary or ``Dropped`` out.

Each step lives in the module of its concern and is tabled there on its own; this only
strings them together.
"""

from __future__ import annotations

from datetime import date

from core.domain import Frozen, WorkMode
from core.jobs import JobPosting, RawPosting
from core.skills import SkillTaxonomy
from crawlers.normalize.dates import resolve_date
from crawlers.normalize.description import description_markdown, plain_text
from crawlers.normalize.employment import parse_employment_type
from crawlers.normalize.language import guess_language, normalize_language
from crawlers.normalize.places import parse_locations
from crawlers.normalize.salary import parse_salary
from crawlers.normalize.seniority import detect_seniority
from crawlers.normalize.text import collapse_whitespace, stripped
from crawlers.normalize.titles import display_title, is_not_a_job, split_title
from crawlers.normalize.work_mode import detect_work_mode


class Dropped(Frozen):
    """A posting normalization refused: "no_title", "not_a_job" or "expired"."""

    reason: str


def normalize(
    raw: RawPosting, *, today: date, taxonomy: SkillTaxonomy | None = None
) -> JobPosting | Dropped:
    """The posting in our vocabulary, or why it was dropped."""
    title_text = collapse_whitespace(raw.title)
    if not title_text:
        return Dropped(reason="no_title")
    if is_not_a_job(title_text):
        return Dropped(reason="not_a_job")
    # The title is shown as the employer wrote it; the job's bare name (places, work mode and
    # contract cut off) is what seniority and contract are read from.
    name, title_places = split_title(title_text, raw.locations)
    if not any(char.isalnum() for char in name):
        return Dropped(reason="no_title")
    title = display_title(title_text)
    valid_through = resolve_date(raw.valid_through, today, future=True)
    if valid_through is not None and valid_through < today:
        return Dropped(reason="expired")

    provenance = dict(raw.provenance)
    description = description_markdown(raw.description_html, raw.description_text)
    plain = plain_text(description)
    locations = parse_locations(raw.locations or title_places, raw.country_codes)
    if not raw.locations and title_places and locations:
        provenance["locations"] = "title"
    employment_type = parse_employment_type(raw.employment_type, title=title_text)
    if raw.employment_type is None and employment_type is not None:
        provenance["employment_type"] = "title"
    countries = {location.country for location in locations if location.country}
    skills = (taxonomy or SkillTaxonomy.load()).find_in_text(f"{name}\n{plain}")
    work_mode = detect_work_mode(
        remote=raw.remote,
        workplace=raw.workplace,
        title=title_text,
        locations=raw.locations,
        description=description,
    )
    if work_mode is None and any(location.city for location in locations):
        # A place to go to and nothing saying otherwise: the job is done there.
        work_mode = WorkMode.ONSITE
        provenance.setdefault("work_mode", "a physical location, no remote or hybrid signal")
    salary = parse_salary(
        raw.salary,
        raw.salary_text,
        description=description,
        country=next(iter(countries)) if len(countries) == 1 else None,
    )
    if salary is not None and raw.salary is None and not raw.salary_text:
        provenance.setdefault("salary", "description")
    return JobPosting(
        source_kind=raw.source_kind,
        extraction=raw.extraction,
        external_id=stripped(raw.external_id),
        title=title,
        company=collapse_whitespace(raw.company) or None,
        url=stripped(raw.url),
        apply_url=stripped(raw.apply_url),
        locations=locations,
        work_mode=work_mode,
        employment_type=employment_type,
        seniority=detect_seniority(name, description, employment_type=employment_type),
        salary=salary,
        skills=skills,
        description_md=description,
        department=collapse_whitespace(raw.department) or None,
        posted_at=resolve_date(raw.posted_at, today),
        valid_through=valid_through,
        language=normalize_language(raw.language) or guess_language(plain or title),
        confidence=min(1.0, max(0.0, raw.confidence)),
        provenance=provenance,
    )

"""Field accuracy of extracted postings against labelled ones (pure; tests and bench use it).

A labelled posting lists, for each field in ``FIELDS``, what its pages state (``None``: they
state nothing). Extracted postings are matched to labelled ones by title, then URL. A field
counts when the page states it (a labelled value that is not ``None``); it is right when the
extracted value equals the label after the comparisons below. A labelled posting nobody found
gets all its stated fields wrong; an extracted posting with no label counts as one wrong field
per field in ``FIELDS`` (it should not be there at all).

Comparisons: company names by ``company_key`` ("Example Bakery Ltd." is "Example Bakery");
locations pair by pair, city and country each checked only where the label gives one; salary
as (minimum, maximum, currency, period); dates as ISO strings.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from core.jobs import JobPosting, RawPosting, company_key
from core.skills import SkillTaxonomy
from crawlers.normalize import normalize

FIELDS = (
    "title",
    "company",
    "url",
    "locations",
    "work_mode",
    "employment_type",
    "salary",
    "posted_at",
    "valid_through",
)


@dataclass
class Score:
    right: int = 0
    stated: int = 0
    wrong: list[str] = field(default_factory=list)  # "<title>.<field>: got X, want Y"

    @property
    def accuracy(self) -> float:
        return self.right / self.stated if self.stated else 1.0

    def add(self, other: Score) -> None:
        self.right += other.right
        self.stated += other.stated
        self.wrong.extend(other.wrong)


def extracted_value(posting: JobPosting, name: str) -> Any:
    """A JobPosting's field in the labels' vocabulary."""
    if name == "locations":
        return [[loc.city, loc.country] for loc in posting.locations]
    if name == "salary":
        salary = posting.salary
        if salary is None:
            return None
        return [salary.minimum, salary.maximum, salary.currency, str(salary.period)]
    if name in ("posted_at", "valid_through"):
        value = getattr(posting, name)
        return value.isoformat() if value is not None else None
    value = getattr(posting, name)
    return str(value) if value is not None else None


def field_matches(name: str, got: Any, want: Any) -> bool:
    if name == "company":
        return got is not None and company_key(got) == company_key(want)
    if name == "locations":
        return (
            isinstance(got, list)
            and len(got) == len(want)
            and all(
                all(w is None or g == w for g, w in zip(pair, expected, strict=True))
                for pair, expected in zip(got, want, strict=True)
            )
        )
    if name == "salary":
        return (
            got is not None
            and [None if v is None else float(v) for v in got[:2]]
            == [None if v is None else float(v) for v in want[:2]]
            and got[2:] == want[2:]
        )
    return bool(got == want)


def score(
    postings: Sequence[JobPosting],
    labels: Sequence[Mapping[str, Any]],
    *,
    base_url: str = "",
    fields: Sequence[str] = FIELDS,
) -> Score:
    """How many stated fields the extracted postings got right (see the module docstring).

    Labelled URLs are paths, made absolute with ``base_url``.
    """
    result = Score()
    remaining = list(postings)
    for label in labels:
        want_url = base_url + label["url"] if label.get("url") else None
        found = next((p for p in remaining if p.title == label["title"]), None)
        if found is None and want_url is not None:
            found = next((p for p in remaining if p.url == want_url), None)
        if found is not None:
            remaining.remove(found)
        for name in fields:
            want = want_url if name == "url" else label.get(name)
            if want is None:
                continue
            result.stated += 1
            got = extracted_value(found, name) if found is not None else "<not found>"
            if found is not None and field_matches(name, got, want):
                result.right += 1
            else:
                result.wrong.append(f"{label['title']}.{name}: got {got!r}, want {want!r}")
    for extra in remaining:
        result.stated += len(fields)
        result.wrong.append(f"{extra.title}: not a labelled posting")
    return result


Collect = Callable[[str], Awaitable[Sequence[RawPosting]]]


async def score_sites(
    collect: Collect,
    sites: Sequence[Mapping[str, Any]],
    *,
    base_url: str,
    today: date,
    taxonomy: SkillTaxonomy | None = None,
) -> dict[str, Score]:
    """Each labelled site crawled through ``collect`` (list page URL -> raw postings),
    normalized as the ingestor would, and scored; keyed by site name."""
    scores: dict[str, Score] = {}
    for site in sites:
        raws = await collect(base_url + site["list"])
        postings = [
            result
            for raw in raws
            if isinstance(result := normalize(raw, today=today, taxonomy=taxonomy), JobPosting)
        ]
        scores[site["name"]] = score(postings, site["postings"], base_url=base_url)
    return scores


def total(scores: Mapping[str, Score]) -> Score:
    overall = Score()
    for part in scores.values():
        overall.add(part)
    return overall

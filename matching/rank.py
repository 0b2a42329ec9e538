"""Offline ranking: every candidate in a file against every job in another (pure but for reading).

Used by ``jobscout match rank --candidates FILE --jobs FILE --json`` and by the matching
evaluation. Both files are JSON lists:

- candidates: ``core.matches.Candidate`` objects, locations already resolved, e.g.
  ``{"user_key": "tg:1", "roles": ["Backend Developer"], "skills": ["Python"],
  "places": [{"city": "Berlin", "country": "DE", "raw": "Berlin"}], "work_modes": ["hybrid"]}``;
- jobs: ``core.matches.JobForMatching`` objects, ``{"id": "j1", "posting": {...}}`` where the
  posting is a ``core.jobs.JobPosting`` (``source_kind``, ``extraction`` and ``title`` are
  required; ``skills`` are canonical names; ``salary`` with ``annual_minimum`` /
  ``annual_maximum``).

Texts are embedded with ``matching.text.candidate_text`` / ``job_text`` through the given
``embed`` callable, which returns unit-length rows, so a dot product is the cosine.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from pydantic import TypeAdapter

from core.matches import Candidate, JobForMatching, Match
from core.skills import SkillTaxonomy
from matching.scoring import Weights, dedupe_key, order_key, rank, score
from matching.text import candidate_text, job_text

Embed = Callable[[Sequence[str]], npt.NDArray[np.float32]]

_CANDIDATES = TypeAdapter(list[Candidate])
_JOBS = TypeAdapter(list[JobForMatching])


def load_candidates(path: Path) -> list[Candidate]:
    """A candidates file (a JSON list of ``Candidate``); raises pydantic's ValidationError."""
    return _CANDIDATES.validate_json(path.read_bytes())


def load_jobs(path: Path) -> list[JobForMatching]:
    """A jobs file (a JSON list of ``JobForMatching``); raises pydantic's ValidationError."""
    return _JOBS.validate_json(path.read_bytes())


def similarities(
    candidates: Sequence[Candidate], jobs: Sequence[JobForMatching], embed: Embed
) -> npt.NDArray[np.float32]:
    """The (candidates × jobs) cosine matrix of their embedded texts."""
    if not candidates or not jobs:
        return np.zeros((len(candidates), len(jobs)), dtype=np.float32)
    people = np.asarray(embed([candidate_text(c) for c in candidates]), dtype=np.float32)
    postings = np.asarray(embed([job_text(j.posting) for j in jobs]), dtype=np.float32)
    product: npt.NDArray[np.float32] = people @ postings.T
    return product


def rank_files(
    candidates: Sequence[Candidate],
    jobs: Sequence[JobForMatching],
    embed: Embed,
    weights: Weights,
    taxonomy: SkillTaxonomy,
    now: datetime,
) -> list[dict[str, Any]]:
    """Per candidate, every job, best first, JSON-ready.

    Each entry is ``{"user_key", "sendable": n, "matches": [...]}``; a match is
    ``core.matches.Match`` as JSON plus ``rank`` (1-based) and ``duplicate_of``: the id of the
    better copy of the same posting, for jobs ``rank`` drops as duplicates (they come last,
    never sendable).
    """
    postings = {job.id: job.posting for job in jobs}
    if len(postings) != len(jobs):
        raise ValueError("job ids must be unique")
    matrix = similarities(candidates, jobs, embed)
    out: list[dict[str, Any]] = []
    for row, candidate in enumerate(candidates):
        pairs = [(job, float(matrix[row, column])) for column, job in enumerate(jobs)]
        kept = rank(candidate, pairs, now=now, weights=weights, taxonomy=taxonomy)
        kept_ids = {match.job_id for match in kept}
        best_of = {dedupe_key(postings[match.job_id]): match.job_id for match in kept}
        duplicates: list[tuple[Match, str]] = []
        for job, similarity in pairs:
            if job.id in kept_ids:
                continue
            match = score(
                candidate, job, similarity=similarity, now=now, weights=weights, taxonomy=taxonomy
            )
            duplicates.append((match, best_of[dedupe_key(job.posting)]))
        duplicates.sort(key=lambda pair: order_key(pair[0]))
        entries = [_entry(match, position, None) for position, match in enumerate(kept, 1)]
        entries += [
            _entry(match.model_copy(update={"would_send": False}), position, original)
            for position, (match, original) in enumerate(duplicates, len(kept) + 1)
        ]
        out.append(
            {
                "user_key": candidate.user_key,
                "sendable": sum(1 for match in kept if match.would_send),
                "matches": entries,
            }
        )
    return out


def _entry(match: Match, position: int, duplicate_of: str | None) -> dict[str, Any]:
    return {"rank": position, **match.model_dump(mode="json"), "duplicate_of": duplicate_of}


def dumps(result: list[dict[str, Any]]) -> str:
    """The result as the CLI prints it with ``--json``."""
    return json.dumps(result, ensure_ascii=False, indent=2)

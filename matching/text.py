"""What gets embedded: a candidate's profile and a job as one short text each (pure).

all-MiniLM-L6-v2 reads at most 256 word pieces, so each text leads with what matters most for
"is this the kind of job they want": titles, then seniority and skills, then (jobs only) the
start of the description.
"""

from __future__ import annotations

import re

from core.jobs import JobPosting
from core.matches import Candidate

_MARKDOWN = re.compile(r"[#*_`>\[\]()|~-]+")
DESCRIPTION_CHARS = 700


def candidate_text(candidate: Candidate) -> str:
    parts = [", ".join(candidate.roles)]
    if candidate.title:
        parts.append(candidate.title)
    if candidate.seniority:
        parts.append(str(candidate.seniority))
    if candidate.skills:
        parts.append("Skills: " + ", ".join(candidate.skills))
    return ". ".join(part for part in parts if part)


def job_text(posting: JobPosting) -> str:
    parts = [posting.title]
    if posting.seniority:
        parts.append(str(posting.seniority))
    if posting.skills:
        parts.append("Skills: " + ", ".join(posting.skills))
    description = " ".join(_MARKDOWN.sub(" ", posting.description_md).split())
    if description:
        parts.append(description[:DESCRIPTION_CHARS])
    return ". ".join(parts)

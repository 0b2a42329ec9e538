"""Required versus nice-to-have skills of a posting, read from its Markdown (pure).

A skill is *nice to have* when the description mentions it only in nice-to-have text:

- a section under a heading that says so ("## Nice to have", "**Bonus points**",
  "Wünschenswert:", "Se valorará:"), up to the next heading; a section opened by a plain
  "...:" line ends with its list (the first paragraph after the bullets is outside it);
- a line that opens with such a lead-in ("Nice to have: Go, Rust", "Deseable: AWS"): the rest
  of that line;
- a sentence or clause (split at ";" and sentence ends) that says so anywhere ("Kafka is a
  plus", "Docker-Kenntnisse sind von Vorteil", "Se valorará experiencia con AWS").

Every other skill is required: the posting's own skill list (minus the nice-only ones), the
skills in the title, and the skills found anywhere else in the text.
"""

from __future__ import annotations

import re

from core.jobs import JobPosting
from core.skills import SkillTaxonomy

# What marks nice-to-have text, in English, German and Spanish (matched on lower-case text).
NICE_MARKERS = re.compile(
    r"nice[\s-]+to[\s-]+haves?|good[\s-]+to[\s-]+have|bonus(?:[\s-]+points?)?\s*(?::|if\b)"
    r"|\bbonus[\s-]+points?\b|\b(?:is|are|would\s+be|as|a)\s+(?:an?\s+)?bonus\b"
    r"|\b(?:is|are|would\s+be|as)\s+(?:an?\s+)?(?:big\s+|huge\s+|strong\s+|definite\s+|real\s+)?"
    r"(?:plus|advantage)\b|\ba\s+(?:big\s+|huge\s+|strong\s+|definite\s+|real\s+)?plus\b"
    r"|^\W*plus\s*:|\bpreferred\b|\bpreferably\b|\bideally\b|\bdesirable\b|\bdesired\b"
    r"|\boptional\b|\bnot\s+required\b|\beven\s+better\b|\bstand\s+out\b|\bwould\s+be\s+nice\b"
    r"|\bextra\s+credit\b"
    r"|w[üu]nschenswert|von\s+vorteil|\bidealerweise\b|\bpluspunkt|\bein\s+plus\b"
    r"|\bw[äa]re\s+(?:sch[öo]n|toll|super|ideal)\b|\bgerne\s+auch\b|\bkein\s+muss\b"
    r"|\bdeseables?\b|\bse\s+valorar[áa]\b|\bse\s+valora\b|\bvalorables?\b|\bvaloraremos\b"
    r"|\b(?:es|ser[áa]|sería)\s+un\s+plus\b|\bun\s+plus\b|\bpreferiblemente\b"
    r"|\bser[íi]a\s+ideal\b|\bno\s+imprescindible\b",
    re.IGNORECASE | re.MULTILINE,
)
# A lead-in: a marker at the start of a line followed by a colon or a dash.
_LEAD_IN = re.compile(
    r"^\W*(?:" + NICE_MARKERS.pattern + r")[^:\n]{0,40}?\s*(?::|[-–—]\s)",
    re.IGNORECASE,
)
# A heading that is only "Bonus", "Plus" or "Extras" also opens a nice-to-have section.
_NICE_HEADING = re.compile(r"^\W*(?:bonus|plus|extras?|pluspunkte?)\W*$", re.IGNORECASE)
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(?P<text>.+?)\s*#*\s*$")
_BOLD_LINE = re.compile(r"^\s*(?:\*\*|__)(?P<text>[^*_\n]+?)(?:\*\*|__)\s*:?\s*$")
_COLON_LINE = re.compile(r"^\s*(?P<text>[^\s\-*+•\d][^\n]{0,78}?):\s*$")
_BULLET = re.compile(r"^\s*(?:[-*+•]|\d{1,2}[.)])\s+")
_CLAUSES = re.compile(r";|(?<=[.!?])\s+(?=[A-ZÄÖÜÁÉÍÓÚÑ¿¡])")
# Markdown that hides words from the skill matcher: escapes and link targets.
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])")
_LINK_TARGET = re.compile(r"\]\([^)\s]*\)")


def _plain(markdown: str) -> str:
    return _ESCAPE.sub(r"\1", _LINK_TARGET.sub("]", markdown))


def _heading(line: str) -> tuple[str, bool] | None:
    """The text of a heading line, and whether it is a colon line (its section is a list)."""
    for pattern, is_colon in ((_MD_HEADING, False), (_BOLD_LINE, False), (_COLON_LINE, True)):
        found = pattern.match(line)
        if found is not None:
            return found.group("text"), is_colon
    return None


def nice_to_have_text(markdown: str) -> tuple[str, str]:
    """The description split into (text that is not nice-to-have, nice-to-have text)."""
    other: list[str] = []
    nice: list[str] = []
    in_section = False
    list_section = False  # opened by a colon line: ends after its list
    seen_bullet = False
    for line in _plain(markdown).splitlines():
        heading = _heading(line)
        if heading is not None:
            text, is_colon = heading
            in_section = bool(NICE_MARKERS.search(text) or _NICE_HEADING.match(text))
            list_section, seen_bullet = is_colon, False
            (nice if in_section else other).append(line)
            continue
        if in_section and list_section and line.strip():
            if _BULLET.match(line):
                seen_bullet = True
            elif seen_bullet:
                in_section = False
        if in_section:
            nice.append(line)
            continue
        lead_in = _LEAD_IN.match(line)
        if lead_in is not None:
            other.append(line[: lead_in.start()])
            nice.append(line[lead_in.start() :])
            continue
        for clause in _CLAUSES.split(line):
            (nice if NICE_MARKERS.search(clause) else other).append(clause)
    return "\n".join(other), "\n".join(nice)


def split_skills(
    posting: JobPosting, taxonomy: SkillTaxonomy
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(required, nice_to_have) canonical skills of a posting, each in order of appearance."""
    other_text, nice_text = nice_to_have_text(posting.description_md)
    elsewhere = set(taxonomy.find_in_text(f"{posting.title}\n{other_text}"))
    nice_found = taxonomy.find_in_text(nice_text)
    nice = tuple(skill for skill in nice_found if skill not in elsewhere)
    only_nice = set(nice)
    required: dict[str, None] = {}
    for skill in (*posting.skills, *taxonomy.find_in_text(f"{posting.title}\n{other_text}")):
        if skill not in only_nice:
            required.setdefault(skill)
    return tuple(required), nice

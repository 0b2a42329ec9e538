"""Titles: the employer's title for display, and the job's bare name to read levels from.

Gender tags go with ``core.text.strip_gender_tag``, the one pattern every module uses.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from core.text import fold, strip_gender_tag
from crawlers.normalize.places import place_like
from crawlers.normalize.text import collapse_whitespace

TITLE_LIMIT = 200

# Kept under the name callers and tests know.
strip_gender_tags = strip_gender_tag

_TRAILING_ID = re.compile(
    r"\s*(?:[-–—|,:]\s*)?[(\[]?\s*(?:(?:job\s*)?(?:id|ref|req|requisition|jr|nr|no|kennziffer)"
    r"\b\.?\s*[:#\-]?\s*|#\s*)[A-Z]{0,5}[-_]?\d{3,}[\w\-/]*\s*[)\]]?\s*$",
    re.IGNORECASE,
)
_ID_LIKE = re.compile(
    r"^(?:(?:job\s*)?(?:id|ref|req|requisition|reference|referenz|kennziffer|nr|no|code|"
    r"c[oó]digo)\b\.?\s*[:#.\-]?\s*)?#?\s*[A-Z]{0,5}[-_ ]?\d[\d\-_/.]{2,}[A-Z]?$",
    re.IGNORECASE,
)
_YEAR = re.compile(r"^(?:19|20)\d\d$")
_CONTRACT_ONLY = re.compile(
    r"^(?:(?:in\s+)?(?:(?:full|part)[\s-]?time|vollzeit|teilzeit|voll-|teil-|befristet"
    r"|unbefristet|festanstellung|permanent|jornada\s+completa|media\s+jornada"
    r"|tiempo\s+(?:completo|parcial)|indefinido)(?:\s*(?:/|,|oder|or|und|and|o|y|&)\s*)?)+$",
    re.IGNORECASE,
)
_TRAILING_CONTRACT = re.compile(
    r"\s+in\s+(?:voll|teil)(?:zeit|-)(?:\s*(?:/|oder|und|or)\s*(?:voll|teil)zeit)?\s*$",
    re.IGNORECASE,
)
_TRAILING_BRACKET = re.compile(r"\s*[(\[]([^()\[\]]*)[)\]]\s*$")
_LEADING_BRACKET = re.compile(r"^\s*[(\[]([^()\[\]]*)[)\]]\s*")
_TRAILING_SEGMENT = re.compile(
    r"(?:\s+[-–—/]\s+|\s*[|·•]\s*|\s*,\s*|\s+[-–—]{2}\s*)([^|·•,]+?)\s*$"
)
_EDGE_PUNCTUATION = re.compile(r"^[\s\-–—|:,;/·•]+|[\s\-–—|:,;/·•]+$")
_EMPTY_BRACKETS = re.compile(r"\s*(?:\(\s*\)|\[\s*\])")
_NOT_A_JOB = re.compile(
    r"\b(?:initiativbewerbung|open\s+application|unsolicited\s+application|spontaneous\s+application"
    r"|general\s+application|speculative\s+application|talent\s+(?:pool|community|network)"
    r"|candidatura\s+espontanea|autocandidatura|solicitud\s+espontanea|future\s+opportunities"
    r"|do\s+not\s+apply|don'?t\s+see\s+(?:a|the|your)\s+(?:role|job|position))\b"
    r"|^(?:test|test\s+job|test\s+posting|testing|job\s+template|template)$"
)


def is_not_a_job(title: str) -> bool:
    """Whether the title names an open application, a talent pool or a test posting."""
    return _NOT_A_JOB.search(fold(title)) is not None


def display_title(title: str) -> str:
    """The title as the employer wrote it, without gender tags or a trailing requisition id.

    "Data Engineer (Remote – EU or UK)" stays whole: where and how the job is done are read
    from it, not cut off it.
    """
    text = collapse_whitespace(title)
    shown = _EDGE_PUNCTUATION.sub(
        "", _EMPTY_BRACKETS.sub("", _TRAILING_ID.sub("", strip_gender_tag(text)))
    )
    if not _has_words(shown):
        shown = _EDGE_PUNCTUATION.sub("", strip_gender_tag(text)) or text
    if len(shown) > TITLE_LIMIT:
        shown = shown[:TITLE_LIMIT].rsplit(" ", 1)[0]
    return shown


def clean_title(title: str, locations: Sequence[str] = ()) -> str:
    """The job's name: whitespace collapsed, gender tags and trailing places or ids removed."""
    return split_title(collapse_whitespace(title), locations)[0]


def split_title(title: str, locations: Sequence[str]) -> tuple[str, tuple[str, ...]]:
    """The cleaned title and the place segments cut from it ("Engineer - Berlin": "Berlin")."""
    known = frozenset(fold(collapse_whitespace(location)) for location in locations)
    text = _EMPTY_BRACKETS.sub("", strip_gender_tag(title))
    places: list[str] = []
    for _ in range(6):
        before = text
        text = _TRAILING_CONTRACT.sub("", _TRAILING_ID.sub("", text)).strip()
        match = _TRAILING_BRACKET.search(text) or _TRAILING_SEGMENT.search(text)
        if match is not None:
            text = _cut(text, match, places, known)
        if (match := _LEADING_BRACKET.match(text)) is not None:
            text = _cut(text, match, places, known)
        text = _EDGE_PUNCTUATION.sub("", _EMPTY_BRACKETS.sub("", text))
        if text == before:
            break
    if not _has_words(text):
        text = _EDGE_PUNCTUATION.sub("", strip_gender_tag(title))
    if len(text) > TITLE_LIMIT:
        text = text[:TITLE_LIMIT].rsplit(" ", 1)[0]
    return text, tuple(reversed(places))


def _cut(text: str, match: re.Match[str], places: list[str], known: frozenset[str]) -> str:
    segment = match.group(1).strip()
    rest = (text[: match.start()] + text[match.end() :]).strip()
    if not _has_words(rest):
        return text
    if not segment or _CONTRACT_ONLY.match(segment):
        return rest
    if _ID_LIKE.match(segment) and not _YEAR.match(segment):
        return rest
    if place_like(segment, known):
        places.append(segment)
        return rest
    return text


def _has_words(text: str) -> bool:
    return sum(char.isalnum() for char in text) >= 2

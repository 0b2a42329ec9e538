"""Seniority: the level a title states, else what the contract or description imply."""

from __future__ import annotations

import re

from core.domain import Seniority
from core.jobs import EmploymentType
from core.text import fold
from crawlers.normalize.text import CUE_SCAN_LIMIT, near

# Checked in order on the folded title: an explicit "Junior" beats the "Manager" in
# "Junior Product Manager", and "Manager" beats the "Senior" in "Senior Manager".
_SENIORITY_RULES: tuple[tuple[Seniority, re.Pattern[str]], ...] = (
    (
        Seniority.INTERN,
        re.compile(
            r"\b(?:intern|internship|trainee|praktikant(?:in)?|praktikum|werkstudent(?:in)?"
            r"|working student|becari[oa]|practicas|apprentice|azubi|auszubildende[rn]?"
            r"|ausbildung)\b"
        ),
    ),
    (
        Seniority.PRINCIPAL,
        re.compile(
            r"\b(?:principal|director|directora|direktor(?:in)?|head of|vp|svp|evp"
            r"|vice president|distinguished|chief|cto|ceo|cfo|coo|cio|ciso|cpo|cmo"
            r"|abteilungsleit(?:er|erin|ung)|bereichsleit(?:er|erin|ung)|leiter(?:in)?|leitung"
            r"|geschaftsfuhrer(?:in)?)\b"
        ),
    ),
    (
        Seniority.JUNIOR,
        re.compile(
            r"\b(?:junior|jr|entry[ -]level|graduate|new grad|berufseinsteiger(?:in)?"
            r"|einsteiger(?:in)?|absolvent(?:in)?|young professional|recien titulado"
            r"|recien graduado|sin experiencia)\b"
        ),
    ),
    (
        Seniority.LEAD,
        re.compile(
            r"\blead(?!\s+gen)\b|\b(?:team lead|tech lead|manager(?:in)?|teamleit\w*|\w+leit(?:er"
            r"|erin|ung)|jefe|jefa|gerente|responsable|supervisor|vorarbeiter(?:in)?"
            r"|staff (?:software|data|machine|ml|backend|frontend|full ?stack|platform"
            r"|infrastructure|site reliability|security|product|research|engineer|developer"
            r"|scientist|designer|architect))\b"
        ),
    ),
    (Seniority.SENIOR, re.compile(r"\b(?:senior|sr|snr|iii)\b")),
    (Seniority.JUNIOR, re.compile(r"\bi$")),
    (
        Seniority.MID,
        re.compile(r"\b(?:mid[ -]?level|mid[ -]senior|medior|intermediate|professional|ii)\b"),
    ),
)
_ENTRY_LEVEL_TEXT = re.compile(
    r"\b(?:entry[ -]level|berufseinsteiger|no (?:prior )?experience (?:required|needed)"
    r"|keine berufserfahrung|sin experiencia|graduates? welcome)"
)
_YEARS = r"(\d{1,2})\s*\+?\s*(?:[-–]\s*\d{1,2}\s*)?(?:years?|yrs?|jahre?n?|a[ñn]os?)"
_ENTRY_LEVEL_TRIGGERS = ("entry", "einsteiger", "experien", "erfahrung", "graduate")
_EXPERIENCE_TRIGGERS = ("experien", "erfahrung")
_EXPERIENCE_YEARS = re.compile(
    rf"{_YEARS}[^.\n]{{0,40}}?(?:experience|erfahrung|experiencia)"
    rf"|(?:experience|erfahrung|experiencia)[^.\n\d]{{0,40}}?{_YEARS}"
)


def detect_seniority(
    title: str, text: str = "", *, employment_type: EmploymentType | None = None
) -> Seniority | None:
    """The level the title states; else, weaker, what the contract or the description imply.

    Description cues are only "entry level" phrases and the years of experience asked for
    (0-1 junior, 2-4 mid, 5+ senior); a description's "senior" names other people too often.
    """
    folded = fold(title)
    for seniority, pattern in _SENIORITY_RULES:
        if pattern.search(folded):
            return seniority
    if employment_type in (EmploymentType.INTERNSHIP, EmploymentType.APPRENTICESHIP):
        return Seniority.INTERN
    if not text:
        return None
    sample = text[:CUE_SCAN_LIMIT].casefold()
    if next(near(sample, _ENTRY_LEVEL_TRIGGERS, _ENTRY_LEVEL_TEXT), None) is not None:
        return Seniority.JUNIOR
    if (match := next(near(sample, _EXPERIENCE_TRIGGERS, _EXPERIENCE_YEARS), None)) is not None:
        years = int(match.group(1) or match.group(2))
        if years <= 1:
            return Seniority.JUNIOR
        if years <= 4:
            return Seniority.MID
        if years <= 30:
            return Seniority.SENIOR
    return None

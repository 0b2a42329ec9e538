"""Employment type: the contract in our vocabulary, from the source's field or the title."""

from __future__ import annotations

import re

from core.jobs import EmploymentType
from core.text import fold

_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_EMPLOYMENT_SEPARATORS = re.compile(r"[\s_\-/]+")
# Most specific first: "Full-time internship" is an internship, "Vollzeit, befristet" temporary.
_EMPLOYMENT_RULES: tuple[tuple[EmploymentType, re.Pattern[str]], ...] = (
    (
        EmploymentType.INTERNSHIP,
        re.compile(
            r"\b(?:intern|interns|internship|praktikum|praktikant(?:in)?|pflichtpraktikum"
            r"|werkstudent(?:in)?|working student|practicas|becari[oa]|beca|abschlussarbeit"
            r"|thesis|masterarbeit|bachelorarbeit)\b"
        ),
    ),
    (
        EmploymentType.APPRENTICESHIP,
        re.compile(
            r"\b(?:apprentice|apprenticeship|ausbildung|azubi|auszubildende[rn]?|lehrstelle"
            r"|lehrling|duales studium|dual student|formacion dual|fp dual)\b"
        ),
    ),
    (
        EmploymentType.VOLUNTEER,
        re.compile(r"\b(?:volunteer|voluntary|ehrenamt(?:lich)?|voluntariado|voluntari[oa])\b"),
    ),
    (
        EmploymentType.CONTRACT,
        re.compile(
            r"\b(?:contract|contractor|contractors|freelance|freelancer|freiberuflich"
            r"|freie[rn]? mitarbeit(?:er)?|selbststandig|autonomo|c2c|1099|interim)\b"
        ),
    ),
    (
        EmploymentType.TEMPORARY,
        re.compile(
            r"\b(?:temporary|temp|fixed term|seasonal|(?<!un)befristet|saisonal|saisonkraft"
            r"|aushilfe|temporal|por obra|interinidad|eventual|per diem"
            r"|(?:elternzeit|mutterschutz)vertretung)\b"
        ),
    ),
    (
        EmploymentType.FULL_TIME,
        re.compile(r"\b(?:full ?time|vollzeit|jornada completa|tiempo completo)\b"),
    ),
    (
        EmploymentType.PART_TIME,
        re.compile(
            r"\b(?:part ?time|teilzeit|media jornada|jornada parcial|tiempo parcial|minijob"
            r"|mini job|geringfugig)\b"
        ),
    ),
    (
        EmploymentType.FULL_TIME,
        re.compile(r"\b(?:permanent|festanstellung|unbefristet|indefinido|regular|cdi)\b"),
    ),
    (EmploymentType.OTHER, re.compile(r"^other$")),
)
# A title names the subject as often as the contract ("Contract Manager"): fewer cues count.
_TITLE_EMPLOYMENT_RULES: tuple[tuple[EmploymentType, re.Pattern[str]], ...] = (
    *(
        rule
        for rule in _EMPLOYMENT_RULES
        if rule[0]
        in {
            EmploymentType.INTERNSHIP,
            EmploymentType.APPRENTICESHIP,
            EmploymentType.PART_TIME,
        }
    ),
    (EmploymentType.CONTRACT, re.compile(r"\b(?:freelance|freelancer|freiberuflich)\b")),
    (EmploymentType.TEMPORARY, re.compile(r"\b(?:temporary|(?<!un)befristet|aushilfe)\b")),
    (EmploymentType.FULL_TIME, re.compile(r"\b(?:full ?time|vollzeit|jornada completa)\b")),
)


def parse_employment_type(value: str | None, *, title: str = "") -> EmploymentType | None:
    """The contract as one of ours ("FULL_TIME", "Vollzeit", "media jornada"); None if unknown.

    The source's field decides; only when it is missing or unrecognised does the title speak.
    """
    for text, rules in ((value, _EMPLOYMENT_RULES), (title, _TITLE_EMPLOYMENT_RULES)):
        if text:
            key = _EMPLOYMENT_SEPARATORS.sub(" ", fold(_CAMEL.sub(" ", text))).strip()
            for employment_type, pattern in rules:
                if pattern.search(key):
                    return employment_type
    return None

"""The onboarding questions as data: prompt, buttons, how to read an answer, where it goes."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from conversations import answers
from conversations.answers import Invalid
from conversations.models import Step
from conversations.texts import number, on_channel, t
from core import places
from core.channels import Button
from core.domain import (
    Commute,
    EmploymentType,
    Frequency,
    Profile,
    Seniority,
    SpokenLanguage,
    WorkMode,
)
from core.text import fold

Rows = tuple[tuple[Button, ...], ...]
# Rows of (text key, value) pairs: a question's buttons as data; a payload is ``step:value``.
Choices = tuple[tuple[tuple[str, str], ...], ...]


def _skippable(parse: Callable[[str], Any]) -> Callable[[str], Any]:
    def parse_or_skip(text: str) -> Any:
        return None if answers.is_skip(text) else parse(text)

    return parse_or_skip


_FREQUENCIES = {
    "instant": Frequency.INSTANT, "instantly": Frequency.INSTANT, "sofort": Frequency.INSTANT,
    "inmediato": Frequency.INSTANT, "al instante": Frequency.INSTANT,
    "daily": Frequency.DAILY, "taglich": Frequency.DAILY, "diario": Frequency.DAILY,
    "weekly": Frequency.WEEKLY, "wochentlich": Frequency.WEEKLY, "semanal": Frequency.WEEKLY,
}


def parse_frequency(text: str) -> Frequency | Invalid:
    return _FREQUENCIES.get(fold(text), Invalid("invalid_frequency"))


def parse_commute(text: str) -> Commute | Invalid | None:
    """The radius answer, with a place the city tables know: a radius around a place no job
    names would never match anything."""
    value = answers.parse_commute(text)
    if isinstance(value, Commute):
        head = value.place.split(",")[0]
        if not (places.is_known(value.place) or places.is_known(head)):
            return Invalid("invalid_commute_place")
    return value


def _employment(*kinds: EmploymentType) -> tuple[tuple[str, str], ...]:
    return tuple((f"btn_employment_{kind}", str(kind)) for kind in kinds)


@dataclass(frozen=True)
class Question:
    step: Step
    prompt: str
    choices: Choices
    parse: Callable[[str], Any]  # answer text -> value | Invalid
    field: str  # the Profile field the value goes into
    numbered: bool = False  # a typed number picks that button ("2" is the second one)
    several: bool = False  # several numbers pick several buttons ("1, 3")


QUESTIONS: dict[Step, Question] = {
    q.step: q
    for q in (
        Question(Step.ROLES, "ask_roles", (), answers.parse_roles, "roles"),
        Question(
            Step.WORK_MODE,
            "ask_work_mode",
            (
                (("btn_remote", "remote"), ("btn_hybrid", "hybrid"), ("btn_onsite", "onsite")),
                (("btn_any", "any"),),
            ),
            answers.parse_work_modes,
            "work_modes",
            numbered=True,
            several=True,
        ),
        Question(
            Step.LOCATIONS,
            "ask_locations",
            ((("btn_anywhere", "anywhere"),),),
            answers.parse_locations,
            "locations",
        ),
        Question(
            Step.SENIORITY,
            "ask_seniority",
            (
                (("btn_intern", "intern"), ("btn_junior", "junior"), ("btn_mid", "mid")),
                (("btn_senior", "senior"), ("btn_lead", "lead"), ("btn_principal", "principal")),
            ),
            answers.parse_seniority,
            "seniority",
            numbered=True,
        ),
        Question(
            Step.SALARY,
            "ask_salary",
            ((("btn_skip", "skip"),),),
            _skippable(answers.parse_salary),
            "salary_floor",
        ),
        Question(
            Step.EMPLOYMENT_TYPE,
            "ask_employment_type",
            (
                _employment(EmploymentType.FULL_TIME, EmploymentType.PART_TIME),
                _employment(EmploymentType.CONTRACT, EmploymentType.INTERNSHIP),
                (("btn_any", "any"),),
            ),
            answers.parse_employment_types,
            "employment_types",
            numbered=True,
            several=True,
        ),
        Question(
            Step.FREQUENCY,
            "ask_frequency",
            (
                (("btn_instant", "instant"),),
                (("btn_daily", "daily"), ("btn_weekly", "weekly")),
            ),
            parse_frequency,
            "frequency",
            numbered=True,
        ),
        Question(Step.TIMEZONE, "ask_timezone", (), answers.parse_timezone, "timezone"),
        # Offered in /prefs only: onboarding stays as short as it is.
        Question(
            Step.LANGUAGES,
            "ask_languages",
            ((("btn_languages_none", "none"),),),
            answers.parse_spoken_languages,
            "languages",
        ),
        Question(
            Step.LICENCES,
            "ask_licences",
            ((("btn_licences_none", "none"),),),
            answers.parse_licences,
            "licences",
        ),
        Question(
            Step.COMMUTE,
            "ask_commute",
            ((("btn_commute_none", "none"),),),
            parse_commute,
            "commute",
        ),
        Question(
            Step.STRETCH,
            "ask_stretch",
            ((("btn_stretch_yes", "yes"), ("btn_stretch_no", "no")),),
            answers.parse_stretch,
            "stretch",
            numbered=True,
        ),
        Question(
            Step.QUIET_HOURS,
            "ask_quiet_hours",
            ((("btn_quiet_default", "22-7"), ("btn_no_quiet", "none")),),
            answers.parse_quiet_hours,
            "quiet_hours",
        ),
    )
}

# The order onboarding walks through; RESUME has its own sub-flow in the engine.
ONBOARDING: tuple[Step, ...] = (
    Step.ROLES,
    Step.WORK_MODE,
    Step.LOCATIONS,
    Step.SENIORITY,
    Step.SALARY,
    Step.RESUME,
    Step.FREQUENCY,
    Step.TIMEZONE,
    Step.QUIET_HOURS,
)

# What /prefs offers to change, in menu order: onboarding's questions and a few more.
EDITABLE: tuple[Step, ...] = (
    Step.ROLES,
    Step.WORK_MODE,
    Step.LOCATIONS,
    Step.SENIORITY,
    Step.SALARY,
    Step.EMPLOYMENT_TYPE,
    Step.RESUME,
    Step.SKILLS,
    Step.LANGUAGES,
    Step.LICENCES,
    Step.COMMUTE,
    Step.STRETCH,
    Step.FREQUENCY,
    Step.TIMEZONE,
    Step.QUIET_HOURS,
)
# The buttons /prefs shows, on two pages: a WhatsApp list holds 10 rows, so the first page is
# what the jobs must be and a "More…" button (``prefs:more``), the second how they are sent
# and a way back. The resume has its own entry in the main menu (and a file sent at any time
# replaces it); "prefs:resume" still works.
PREFS_MORE = "more"
PREFS_BUTTONS: tuple[Step, ...] = (
    Step.ROLES,
    Step.WORK_MODE,
    Step.LOCATIONS,
    Step.SENIORITY,
    Step.SALARY,
    Step.EMPLOYMENT_TYPE,
    Step.SKILLS,
    Step.LANGUAGES,
    Step.LICENCES,
)
PREFS_MORE_BUTTONS: tuple[Step, ...] = tuple(
    step for step in EDITABLE if step not in PREFS_BUTTONS and step is not Step.RESUME
)


def buttons(question: Question, lang: str, channel: str | None = None) -> Rows:
    """The question's buttons, labelled in ``lang`` as ``channel`` writes them."""
    return tuple(
        tuple(
            Button(label=on_channel(lang, key, channel), data=f"{question.step}:{value}")
            for key, value in row
        )
        for row in question.choices
    )


def button_values(question: Question) -> tuple[str, ...]:
    """The values of the question's buttons in the order they are shown (and numbered)."""
    return tuple(value for row in question.choices for _, value in row)


_NUMBER_LIST = re.compile(r"\d{1,2}(?:\s*(?:[,;&+/]|\s|\band\b|\bund\b|\by\b|\be\b)\s*\d{1,2})*")


def picked_by_number(question: Question, text: str) -> str | None:
    """ "1, 3", "1 3" or "1 and 3" -> the values of those buttons, as the answer text; else None.

    Only where the question offers numbered choices; several numbers only where it takes
    several answers; any number that is not an option leaves the text as it is.
    """
    folded = text.strip().lower()
    if not question.numbered or not _NUMBER_LIST.fullmatch(folded):
        return None
    picks = [int(n) for n in re.findall(r"\d+", folded)]
    values = button_values(question)
    if len(picks) > 1 and not question.several:
        return None
    if not all(1 <= pick <= len(values) for pick in picks):
        return None
    return ", ".join(values[pick - 1] for pick in dict.fromkeys(picks))


def next_step(step: Step) -> Step | None:
    """The onboarding question after ``step``; None after the last, or off the onboarding path."""
    if step not in ONBOARDING:
        return None
    index = ONBOARDING.index(step)
    return ONBOARDING[index + 1] if index + 1 < len(ONBOARDING) else None


# How much of a list of skills a message shows; the rest is counted ("+12 more"). A resume can
# name dozens, and a body that carries WhatsApp buttons holds 1,024 characters.
MAX_LISTED_CHARS = 400


def listed(items: tuple[str, ...], lang: str, limit: int = MAX_LISTED_CHARS) -> str:
    """Items joined by commas, as many as fit ``limit`` characters, then "+N more"."""
    shown: list[str] = []
    used = 0
    for item in items:
        used += len(item) + (2 if shown else 0)
        if used > limit and shown:
            break
        shown.append(item)
    text = ", ".join(shown)
    rest = len(items) - len(shown)
    return f"{text} {t(lang, 'more', count=rest)}" if rest else text


def profile_summary(profile: Profile, lang: str) -> str:
    none = t(lang, "none")
    salary = (
        t(
            lang,
            "salary_value",
            amount=number(lang, profile.salary_floor.amount, decimals=0),
            currency=profile.salary_floor.currency,
            period=t(lang, f"period_{profile.salary_floor.period}"),
        )
        if profile.salary_floor
        else none
    )
    quiet = none
    if profile.quiet_hours:
        quiet = quiet_label(profile.quiet_hours.start, profile.quiet_hours.end, lang)
    mode_keys = {
        WorkMode.REMOTE: "btn_remote",
        WorkMode.HYBRID: "btn_hybrid",
        WorkMode.ONSITE: "btn_onsite",
    }
    return t(
        lang,
        "profile_summary",
        roles=", ".join(profile.roles) or none,
        modes=", ".join(t(lang, mode_keys[mode]) for mode in profile.work_modes) or none,
        locations=", ".join(profile.locations) or t(lang, "anywhere"),
        seniority=t(lang, f"btn_{profile.seniority}") if profile.seniority else none,
        salary=salary,
        employment=", ".join(t(lang, f"btn_employment_{kind}") for kind in profile.employment_types)
        or t(lang, "employment_any"),
        skills=listed(profile.resume.skills if profile.resume else (), lang) or none,
        more="".join(f"{line}\n" for line in preference_lines(profile, lang)),
        frequency=t(lang, f"btn_{profile.frequency}"),
        timezone=profile.timezone,
        quiet=quiet,
        status=t(lang, "status_paused" if profile.paused else "status_active"),
    )


def spoken_label(languages: tuple[SpokenLanguage, ...], lang: str) -> str:
    """Each language and its level in ``lang``: "German (fluent), English (native)"."""
    return ", ".join(
        f"{answers.language_label(spoken.code, lang)} ({t(lang, f'level_{spoken.level}')})"
        for spoken in languages
    )


# The Profile fields only /prefs asks; the summary lists them when they are set.
PREFS_ONLY_FIELDS = frozenset({"languages", "licences", "commute", "stretch"})


def preference_lines(
    profile: Profile, lang: str, fields: frozenset[str] = PREFS_ONLY_FIELDS
) -> tuple[str, ...]:
    """The summary's lines for the answers only /prefs asks, those of ``fields`` that are set:
    a profile that never set them reads as it always did."""
    lines: list[str] = []

    def line(label: str, value: str) -> None:
        lines.append(f"• {t(lang, label)}: {value}")  # the summary's bullets, in every language

    if "languages" in fields and profile.languages:
        line("label_languages", spoken_label(profile.languages, lang))
    if "licences" in fields and profile.licences:
        line("label_licences", listed(profile.licences, lang))
    if "commute" in fields and profile.commute:
        radius = number(lang, profile.commute.radius_km)
        line("label_commute", t(lang, "commute_value", radius=radius, place=profile.commute.place))
    if "stretch" in fields and profile.stretch:
        line("label_stretch", t(lang, "stretch_on"))
    return tuple(lines)


def quiet_label(start: int, end: int, lang: str) -> str:
    """Quiet hours written as the button writes them: "22:00–07:00"."""
    return t(lang, "quiet_value", start=f"{start:02d}", end=f"{end:02d}")


def seniority_label(seniority: Seniority, lang: str) -> str:
    return t(lang, f"btn_{seniority}")

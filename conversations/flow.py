"""The onboarding questions as data: prompt, buttons, how to read an answer, where it goes."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from conversations import answers
from conversations.answers import Invalid
from conversations.models import Step
from conversations.texts import number, t
from core.channels import Button
from core.domain import EmploymentType, Frequency, Profile, Seniority, WorkMode

Rows = tuple[tuple[Button, ...], ...]


def _buttons(step: Step, lang: str, *rows: tuple[tuple[str, str], ...]) -> Rows:
    """Rows of (text key, value) pairs; a button's payload is ``step:value``."""
    return tuple(
        tuple(Button(label=t(lang, key), data=f"{step}:{value}") for key, value in row)
        for row in rows
    )


def _no_buttons(lang: str) -> Rows:
    del lang
    return ()


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
    return _FREQUENCIES.get(answers._fold(text), Invalid("invalid_frequency"))


def _employment(*kinds: EmploymentType) -> tuple[tuple[str, str], ...]:
    return tuple((f"btn_employment_{kind}", str(kind)) for kind in kinds)


@dataclass(frozen=True)
class Question:
    step: Step
    prompt: str
    buttons: Callable[[str], Rows]
    parse: Callable[[str], Any]  # answer text -> value | Invalid
    field: str  # the Profile field the value goes into
    numbered: bool = False  # a typed number picks that button ("2" is the second one)
    several: bool = False  # several numbers pick several buttons ("1, 3")


QUESTIONS: dict[Step, Question] = {
    q.step: q
    for q in (
        Question(Step.ROLES, "ask_roles", _no_buttons, answers.parse_roles, "roles"),
        Question(
            Step.WORK_MODE,
            "ask_work_mode",
            lambda lang: _buttons(
                Step.WORK_MODE,
                lang,
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
            lambda lang: _buttons(Step.LOCATIONS, lang, (("btn_anywhere", "anywhere"),)),
            answers.parse_locations,
            "locations",
        ),
        Question(
            Step.SENIORITY,
            "ask_seniority",
            lambda lang: _buttons(
                Step.SENIORITY,
                lang,
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
            lambda lang: _buttons(Step.SALARY, lang, (("btn_skip", "skip"),)),
            _skippable(answers.parse_salary),
            "salary_floor",
        ),
        Question(
            Step.EMPLOYMENT_TYPE,
            "ask_employment_type",
            lambda lang: _buttons(
                Step.EMPLOYMENT_TYPE,
                lang,
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
            lambda lang: _buttons(
                Step.FREQUENCY,
                lang,
                (("btn_instant", "instant"),),
                (("btn_daily", "daily"), ("btn_weekly", "weekly")),
            ),
            parse_frequency,
            "frequency",
            numbered=True,
        ),
        Question(Step.TIMEZONE, "ask_timezone", _no_buttons, answers.parse_timezone, "timezone"),
        Question(
            Step.QUIET_HOURS,
            "ask_quiet_hours",
            lambda lang: _buttons(
                Step.QUIET_HOURS,
                lang,
                (("btn_quiet_default", "22-7"), ("btn_no_quiet", "none")),
            ),
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
    Step.FREQUENCY,
    Step.TIMEZONE,
    Step.QUIET_HOURS,
)


def button_values(question: Question, lang: str) -> tuple[str, ...]:
    """The values of the question's buttons in the order they are shown (and numbered)."""
    return tuple(
        button.data.partition(":")[2] for row in question.buttons(lang) for button in row
    )


_NUMBER_LIST = re.compile(r"\d{1,2}(?:\s*(?:[,;&+/]|\s|\band\b|\bund\b|\by\b|\be\b)\s*\d{1,2})*")


def picked_by_number(question: Question, text: str, lang: str) -> str | None:
    """ "1, 3", "1 3" or "1 and 3" -> the values of those buttons, as the answer text; else None.

    Only where the question offers numbered choices; several numbers only where it takes
    several answers; any number that is not an option leaves the text as it is.
    """
    folded = text.strip().lower()
    if not question.numbered or not _NUMBER_LIST.fullmatch(folded):
        return None
    picks = [int(n) for n in re.findall(r"\d+", folded)]
    values = button_values(question, lang)
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
        skills=", ".join(profile.resume.skills if profile.resume else ()) or none,
        frequency=t(lang, f"btn_{profile.frequency}"),
        timezone=profile.timezone,
        quiet=quiet,
        status=t(lang, "status_paused" if profile.paused else "status_active"),
    )


def quiet_label(start: int, end: int, lang: str) -> str:
    """Quiet hours written as the button writes them: "22:00–07:00"."""
    return t(lang, "quiet_value", start=f"{start:02d}", end=f"{end:02d}")


def seniority_label(seniority: Seniority, lang: str) -> str:
    return t(lang, f"btn_{seniority}")

"""What a candidate sees of matches: job cards, explanations, the tracker, follow-ups (pure).

Every button these views make carries a payload of the ``m:`` grammar below (``GRAMMAR``: each
verb and the fields that follow it); ``match_request`` reads a pressed button or /applications
back into a ``MatchAction`` for the match service to carry out, and ``MatchViews`` hands these
views to that service through its ``JobCards`` port.

    m:save:<job>  m:applied:<job>  m:why:<job>
    m:ni:<job> (opens the not-interested choices)  m:nij:<job>  m:nic:<job>  m:nik:<job>
    m:stage:<saved|applied|interviewing|offer|rejected|remove>:<job>
    m:heard:<interview|offer|rejected|waiting>:<job>
    m:apps
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Final, Literal

from pydantic import ValidationError

from conversations.texts import t
from core.channels import Button, InboundMessage, MessageKind, Reply
from core.domain import Frequency, WorkMode
from core.jobs import JobPosting, Location, Salary
from core.matches import (
    HEARD_STAGE,
    MAX_JOB_ID,
    REMOVE,
    ApplicationStage,
    Heard,
    JobForMatching,
    JobId,
    LocationFit,
    Match,
    MatchAction,
    Move,
    SalaryFit,
    TrackedJob,
    Verb,
)

__all__ = [  # the vocabulary lives in core.matches; the grammar speaks it, so re-exports it
    "HEARD_STAGE",
    "MAX_JOB_ID",
    "REMOVE",
    "Heard",
    "JobId",
    "MatchAction",
    "Move",
    "Stage",
    "TrackedJob",
    "Verb",
]

MAX_CALLBACK_BYTES = 64  # Telegram's limit for callback_data
MAX_TEXT = 4096  # Telegram's limit for a message, in UTF-16 code units
PREFIX = "m"

# The tracker's stages are shared with the store.
Stage = ApplicationStage

Field = Literal["job_id", "stage", "answer"]

# The callback grammar as data: each verb and the fields its payload carries after it, in order
# ("m:<verb>:<field>:<field>"). Reading and writing a payload both follow this table; the
# values of each field are checked by ``MatchAction`` itself.
GRAMMAR: Final[Mapping[Verb, tuple[Field, ...]]] = {
    Verb.SAVE: ("job_id",),
    Verb.APPLIED: ("job_id",),
    Verb.WHY: ("job_id",),
    Verb.NOT_INTERESTED: ("job_id",),
    Verb.NOT_THIS_JOB: ("job_id",),
    Verb.NOT_THIS_COMPANY: ("job_id",),
    Verb.NOT_THIS_KIND: ("job_id",),
    Verb.STAGE: ("stage", "job_id"),
    Verb.HEARD: ("answer", "job_id"),
    Verb.APPLICATIONS: (),
}
_BY_NAME: Final = {str(verb): fields for verb, fields in GRAMMAR.items()}

# Commands (without the slash) that stand for a match action.
COMMANDS: Final[Mapping[str, MatchAction]] = {
    "applications": MatchAction(action=Verb.APPLICATIONS),
}


def callback_data(action: MatchAction) -> str:
    """The callback payload a button for ``action`` carries."""
    values = (getattr(action, field) for field in GRAMMAR[action.action])
    return ":".join([PREFIX, str(action.action), *(str(value) for value in values)])


def parse_match_callback(data: str) -> MatchAction | None:
    """The action a match button's payload stands for; None for anything else, never raises."""
    if not isinstance(data, str) or len(data) > MAX_CALLBACK_BYTES or not data.isascii():
        return None
    prefix, _, rest = data.partition(":")
    verb, *args = rest.split(":")
    fields = _BY_NAME.get(verb)
    if prefix != PREFIX or fields is None or len(args) != len(fields):
        return None
    try:
        return MatchAction.model_validate({"action": verb, **dict(zip(fields, args, strict=True))})
    except ValidationError:
        return None


def match_request(msg: InboundMessage) -> MatchAction | None:
    """What a message asks of the match service (/applications, a match button); None when it
    is not about matches and the conversation goes on as usual."""
    if msg.kind is MessageKind.COMMAND:
        return COMMANDS.get(msg.command or "")
    if msg.kind is MessageKind.CALLBACK:
        return parse_match_callback(msg.text)
    return None


def _button(lang: str, key: str, action: MatchAction, **values: object) -> Button:
    return Button(label=t(lang, key, **values), data=callback_data(action))


def _apps_button(lang: str) -> Button:
    return _button(lang, "btn_apps", MatchAction(action=Verb.APPLICATIONS))


# --- formatting -------------------------------------------------------------------------------

# (thousands, decimal) separators; German and Spanish write 60.000,50.
_SEPARATORS: dict[str, tuple[str, str]] = {"en": (",", "."), "de": (".", ","), "es": (".", ",")}
_PER: dict[str, str] = {
    "hour": "per_hour",
    "day": "per_day",
    "week": "per_week",
    "month": "per_month",
    "year": "per_year",
}
_MAX_PLACES = 3
_MAX_COUNTRIES = 5
_CARD_SKILLS = 4
_CARD_MISSING = 3
_CARD_TAGS = 3  # salary, title, location, level: the first three that apply
_WHY_SKILLS = 20
_SHORT = 80  # a title or company quoted inside a sentence or a button


def _utf16_len(text: str) -> int:
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


def _clamp(text: str, limit: int) -> str:
    """At most ``limit`` UTF-16 units (Telegram counts so), cut with an ellipsis."""
    if _utf16_len(text) <= limit:
        return text
    units = 0
    for index, char in enumerate(text):
        units += 2 if ord(char) > 0xFFFF else 1
        if units > limit - 1:
            return text[:index].rstrip() + "…"
    return text


def _short(text: str, limit: int = _SHORT) -> str:
    return _clamp(" ".join(text.split()), limit)


def number(value: float, lang: str) -> str:
    """60000 → "60,000" in English, "60.000" in German and Spanish; cents only when present."""
    thousands, decimal = _SEPARATORS.get(lang, _SEPARATORS["en"])
    whole = round(value, 2) == round(value)
    text = f"{value:,.0f}" if whole else f"{value:,.2f}"
    return text.replace(",", "\0").replace(".", decimal).replace("\0", thousands)


def salary_text(salary: Salary, lang: str) -> str | None:
    """A salary as people read it (60,000–75,000 EUR per year); None without an amount."""
    low, high = salary.minimum, salary.maximum
    if low is not None and high is not None:
        same = number(low, lang) == number(high, lang)
        amount = number(low, lang) if same else f"{number(low, lang)}–{number(high, lang)}"
    elif low is not None:
        amount = t(lang, "salary_from", amount=number(low, lang))
    elif high is not None:
        amount = t(lang, "salary_up_to", amount=number(high, lang))
    else:
        return None
    return f"{amount} {salary.currency} {t(lang, _PER[salary.period])}"


def _place(location: Location) -> str:
    named = ", ".join(part for part in (location.city, location.country) if part)
    return _short(named or location.raw, 40)


def _listed(items: Sequence[str], limit: int, lang: str) -> str:
    shown = ", ".join(items[:limit])
    rest = len(items) - limit
    return f"{shown} {t(lang, 'more', count=rest)}" if rest > 0 else shown


def _remote_scope(locations: Sequence[Location]) -> list[str]:
    """Where a remote job may be done from: its countries, else the raw text past "Remote"."""
    countries = list(dict.fromkeys(loc.country for loc in locations if loc.country))
    if countries:
        return countries
    scopes = []
    for loc in locations:
        words = loc.raw.replace("–", "-").split()
        while words and words[0].strip("-:,/()").lower() in {"remote", "-", ""}:
            words = words[1:]
        scope = " ".join(words).strip(" -:,/()")
        if scope:
            scopes.append(_short(scope, 40))
    return list(dict.fromkeys(scopes))


def where_text(posting: JobPosting, lang: str) -> str:
    """Where the job is: Remote (DE, AT), Hybrid · Berlin, DE, or Munich, DE; Berlin, DE."""
    places = [place for place in dict.fromkeys(map(_place, posting.locations)) if place]
    if posting.work_mode is WorkMode.REMOTE:
        scope = _remote_scope(posting.locations)
        remote = t(lang, "btn_remote")
        return f"{remote} ({_listed(scope, _MAX_COUNTRIES, lang)})" if scope else remote
    listed = "; ".join(places[:_MAX_PLACES])
    if len(places) > _MAX_PLACES:
        listed = f"{listed} {t(lang, 'more', count=len(places) - _MAX_PLACES)}"
    if posting.work_mode is WorkMode.HYBRID:
        hybrid = t(lang, "btn_hybrid")
        return f"{hybrid} · {listed}" if listed else hybrid
    return listed or t(lang, "job_location_unknown")


def _company(posting: JobPosting, lang: str) -> str:
    return _short(posting.company, 60) if posting.company else t(lang, "unknown_company")


def _percent(score: float) -> int:
    return max(0, min(100, round(score * 100)))


# --- the job card -----------------------------------------------------------------------------

_CARD_LOCATION_REASONS = {
    LocationFit.REMOTE: "reason_remote",
    LocationFit.CITY: "reason_city",
    LocationFit.NEARBY: "reason_nearby",
    LocationFit.COUNTRY: "reason_country",
}
_CARD_SALARY_REASONS = {
    SalaryFit.MEETS: "reason_salary_meets",
    SalaryFit.OVERLAPS: "reason_salary_overlaps",
}


def _reason_lines(match: Match, lang: str) -> list[str]:
    reasons = match.reasons
    skills = []
    if reasons.matched_skills:
        skills.append(f"✓ {_listed(reasons.matched_skills, _CARD_SKILLS, lang)}")
    if reasons.missing_skills:
        missing = _listed(reasons.missing_skills, _CARD_MISSING, lang)
        skills.append(t(lang, "job_missing", skills=missing))
    tags = [t(lang, "reason_stretch")] if reasons.stretch else []
    if reasons.salary in _CARD_SALARY_REASONS:
        tags.append(t(lang, _CARD_SALARY_REASONS[reasons.salary]))
    if reasons.title_match:
        tags.append(t(lang, "reason_title"))
    if reasons.location in _CARD_LOCATION_REASONS:
        tags.append(t(lang, _CARD_LOCATION_REASONS[reasons.location]))
    if reasons.seniority_exact:
        tags.append(t(lang, "reason_level"))
    return [" · ".join(line) for line in (skills, tags[:_CARD_TAGS]) if line]


def _safe_url(url: str | None) -> str | None:
    # Telegram refuses the whole message when one button's URL is not a web link.
    if url and url.startswith(("https://", "http://")) and not any(c.isspace() for c in url):
        return url
    return None


def job_card(
    job: JobForMatching,
    match: Match,
    lang: str,
    apply_url: str | None,
    *,
    header: str | None = None,
) -> Reply:
    """One matching job: what, where, how much, why in a line or two, and what to do about it."""
    posting = job.posting
    lines = [f"{header.strip()}\n"] if header and header.strip() else []
    if posting.demo:
        lines.append(f"🧪 {t(lang, 'demo_job')}")
    lines += [
        f"💼 {_short(posting.title, 200)}",
        f"🏢 {_company(posting, lang)}",
        f"📍 {where_text(posting, lang)}",
    ]
    pay = salary_text(posting.salary, lang) if posting.salary else None
    if pay:
        lines.append(f"💰 {pay}")
    lines += _reason_lines(match, lang)
    rows: list[tuple[Button, ...]] = []
    url = _safe_url(apply_url)
    if url:
        rows.append((Button(label=t(lang, "btn_job_apply"), url=url),))
    rows += [
        (
            _button(lang, "btn_job_save", MatchAction(action=Verb.SAVE, job_id=job.id)),
            _button(lang, "btn_job_applied", MatchAction(action=Verb.APPLIED, job_id=job.id)),
        ),
        (
            _button(lang, "btn_job_why", MatchAction(action=Verb.WHY, job_id=job.id)),
            _button(
                lang,
                "btn_job_not_interested",
                MatchAction(action=Verb.NOT_INTERESTED, job_id=job.id),
            ),
        ),
    ]
    return Reply(text=_clamp("\n".join(lines), MAX_TEXT), buttons=tuple(rows))


# --- why this match ---------------------------------------------------------------------------

_WHY_SALARY = {
    SalaryFit.MEETS: "why_salary_meets",
    SalaryFit.OVERLAPS: "why_salary_overlaps",
    SalaryFit.BELOW: "why_salary_below",
    SalaryFit.UNKNOWN: "why_salary_unknown",
}
_WHY_LOCATION = {
    LocationFit.REMOTE: "why_location_remote",
    LocationFit.CITY: "why_location_city",
    LocationFit.COUNTRY: "why_location_country",
    LocationFit.NEARBY: "why_location_nearby",
    LocationFit.ANYWHERE: "why_location_anywhere",
    LocationFit.NONE: "why_location_other",
}


def _why_skills(match: Match, lang: str) -> list[str]:
    reasons = match.reasons
    if not (reasons.matched_skills or reasons.missing_skills or reasons.missing_nice):
        return [t(lang, "why_no_skills")]
    lines = []
    if reasons.matched_skills:
        have = _listed(reasons.matched_skills, _WHY_SKILLS, lang)
        lines.append(t(lang, "why_skills_have", skills=have))
    if reasons.missing_skills:
        gap = _listed(reasons.missing_skills, _WHY_SKILLS, lang)
        lines.append(t(lang, "why_skills_missing", skills=gap))
    else:
        lines.append(t(lang, "why_no_gap"))
    if reasons.missing_nice:
        nice = _listed(reasons.missing_nice, _WHY_SKILLS, lang)
        lines.append(t(lang, "why_nice_missing", skills=nice))
    return lines


def _why_gates(posting: JobPosting, match: Match, lang: str) -> list[str]:
    """The send gates a job passed in a way worth saying: next to their role, a stretch, the
    languages and licences it asks for."""
    reasons = match.reasons
    lines = []
    if reasons.adjacent_family:
        lines.append(
            t(
                lang,
                "why_adjacent",
                title=_short(posting.title),
                have=reasons.adjacent_have,
                of=reasons.adjacent_of,
            )
        )
    if reasons.stretch:
        core = _listed(reasons.missing_core, _WHY_SKILLS, lang)
        lines.append(t(lang, "why_stretch", skills=core))
    if reasons.required_languages:
        codes = ", ".join(code.upper() for code in reasons.required_languages)
        lines.append(t(lang, "why_languages", languages=codes))
    if reasons.required_licences:
        lines.append(t(lang, "why_licences", licences=", ".join(reasons.required_licences)))
    return lines


def _why_location(posting: JobPosting, match: Match, lang: str) -> str:
    reasons = match.reasons
    where = where_text(posting, lang)
    if reasons.location is LocationFit.NEARBY and reasons.near_of and reasons.near_km is not None:
        km = number(round(reasons.near_km), lang)
        return t(lang, "why_location_nearby", where=where, km=km, near=reasons.near_of)
    if reasons.location is LocationFit.NEARBY:  # no town or distance recorded: say no more
        return t(lang, "why_location_other", where=where)
    return t(lang, _WHY_LOCATION[reasons.location], where=where)


def why_text(job: JobForMatching, match: Match, lang: str) -> Reply:
    """The full explanation: skills and the gap, title, salary, location, level and the score."""
    posting, reasons = job.posting, match.reasons
    pay = salary_text(posting.salary, lang) if posting.salary else None
    salary = t(lang, _WHY_SALARY[reasons.salary], salary=pay) if pay else t(lang, "why_salary_none")
    if posting.seniority is None:
        level = t(lang, "why_level_unknown")
    else:
        key = {True: "why_level_exact", False: "why_level_near", None: "why_level_plain"}
        level = t(lang, key[reasons.seniority_exact], level=t(lang, f"btn_{posting.seniority}"))
    header = t(
        lang,
        "why_header",
        title=_short(posting.title),
        company=_company(posting, lang),
        score=_percent(match.score),
    )
    lines = [
        header,
        "",
        *_why_skills(match, lang),
        "",
        t(lang, "why_title_yes" if reasons.title_match else "why_title_no"),
        *_why_gates(posting, match, lang),
        salary,
        _why_location(posting, match, lang),
        level,
    ]
    if posting.demo:
        lines += ["", f"🧪 {t(lang, 'demo_note')}"]
    buttons = (
        (
            _button(lang, "btn_job_save", MatchAction(action=Verb.SAVE, job_id=job.id)),
            _button(
                lang,
                "btn_job_not_interested",
                MatchAction(action=Verb.NOT_INTERESTED, job_id=job.id),
            ),
        ),
    )
    return Reply(text=_clamp("\n".join(lines), MAX_TEXT), buttons=buttons)


# --- not interested, save, applied ------------------------------------------------------------


def not_interested_menu(job: JobForMatching, lang: str) -> Reply:
    """What to hide: this job, the company's jobs (when it is named) or this kind of role."""
    rows = [(_button(lang, "btn_ni_job", MatchAction(action=Verb.NOT_THIS_JOB, job_id=job.id)),)]
    if job.posting.company:
        rows.append(
            (
                _button(
                    lang,
                    "btn_ni_company",
                    MatchAction(action=Verb.NOT_THIS_COMPANY, job_id=job.id),
                    company=_short(job.posting.company, 24),
                ),
            )
        )
    rows.append(
        (_button(lang, "btn_ni_kind", MatchAction(action=Verb.NOT_THIS_KIND, job_id=job.id)),)
    )
    return Reply(text=t(lang, "ni_question"), buttons=tuple(rows))


_HIDDEN = {
    Verb.NOT_THIS_JOB: "ni_job_done",
    Verb.NOT_THIS_COMPANY: "ni_company_done",
    Verb.NOT_THIS_KIND: "ni_kind_done",
}


def not_interested_ack(verb: Verb, title: str, company: str | None, lang: str) -> Reply:
    """Confirms a NOT_THIS_JOB, NOT_THIS_COMPANY or NOT_THIS_KIND choice."""
    if verb not in _HIDDEN:
        raise ValueError(f"not a not-interested choice: {verb}")
    named = _short(company, 60) if company else t(lang, "this_company")
    return Reply(text=t(lang, _HIDDEN[verb], title=_short(title), company=named))


def saved_ack(title: str, lang: str) -> Reply:
    return Reply(text=t(lang, "saved_job", title=_short(title)), buttons=((_apps_button(lang),),))


def applied_ack(title: str, lang: str) -> Reply:
    return Reply(text=t(lang, "applied_job", title=_short(title)), buttons=((_apps_button(lang),),))


def job_gone(lang: str) -> Reply:
    """For a button pressed on a job that was closed or no longer exists."""
    return Reply(text=t(lang, "job_gone"))


# --- digests ----------------------------------------------------------------------------------


_DIGEST_KINDS: dict[str, str] = {Frequency.DAILY: "daily_", Frequency.WEEKLY: "weekly_"}


def digest_header(count: int, frequency: Frequency | str, lang: str) -> str:
    """The line above a digest's cards: daily or weekly wording, one or many jobs."""
    if count <= 0:
        return t(lang, "digest_none")
    kind = _DIGEST_KINDS.get(str(frequency), "")
    return t(lang, f"digest_{kind}{'one' if count == 1 else 'many'}", count=count)


def one_message(cards: Sequence[Reply], lang: str) -> Reply:
    """Several job cards as one message (a WhatsApp digest: one message, not a burst): the
    cards' texts with their links written out, and a "why" choice per job."""
    parts, choices = [], []
    for card in cards:
        buttons = [button for row in card.buttons for button in row]
        links = [f"🔗 {button.label}: {button.url}" for button in buttons if button.url]
        parts.append("\n".join([card.text, *links]))
        why = t(lang, "btn_job_why")
        title = card.text.split("💼 ", 1)[-1].split("\n", 1)[0]
        choices += [
            Button(label=f"{why} {title}", data=button.data)
            for button in buttons
            if button.data.startswith(f"{PREFIX}:{Verb.WHY}:")
        ]
    text = _clamp("\n\n".join(parts), MAX_TEXT)
    return Reply(text=text, buttons=tuple((choice,) for choice in choices))


def first_batch_header(found: int, shown: int, lang: str) -> str:
    """Above the first cards after onboarding or a /prefs change: how many live jobs fit."""
    return t(lang, "first_batch_found", count=found, shown=shown)


def first_batch_empty(live_jobs: int, lang: str) -> Reply:
    """Nothing fits right now: say honestly whether there are jobs at all."""
    if live_jobs <= 0:
        return Reply(text=t(lang, "first_batch_no_jobs"))
    return Reply(text=t(lang, "first_batch_none_fit", total=live_jobs))


# --- the application tracker ------------------------------------------------------------------


# Where a job can go from each stage, besides being removed.
NEXT_STAGES: dict[Stage, tuple[Stage, ...]] = {
    Stage.SAVED: (Stage.APPLIED,),
    Stage.APPLIED: (Stage.INTERVIEWING, Stage.OFFER, Stage.REJECTED),
    Stage.INTERVIEWING: (Stage.OFFER, Stage.REJECTED),
    Stage.OFFER: (),
    Stage.REJECTED: (),
}
_STAGE_ICONS = {
    Stage.SAVED: "📌",
    Stage.APPLIED: "📨",
    Stage.INTERVIEWING: "🗣",
    Stage.OFFER: "🎉",
    Stage.REJECTED: "✖",
}
_MOVE_BUTTONS = {
    Stage.SAVED: "btn_job_save",
    Stage.APPLIED: "btn_job_applied",
    Stage.INTERVIEWING: "btn_move_interviewing",
    Stage.OFFER: "btn_move_offer",
    Stage.REJECTED: "btn_move_rejected",
}
# The most advanced first: those are the ones a candidate acts on.
_SHOW_ORDER = (Stage.OFFER, Stage.INTERVIEWING, Stage.APPLIED, Stage.SAVED, Stage.REJECTED)
MAX_TRACKED_SHOWN = 20  # one message each; more would flood the chat


def _date(moment: datetime, lang: str) -> str:
    return t(
        lang,
        "date_format",
        year=f"{moment.year:04}",
        month=f"{moment.month:02}",
        day=f"{moment.day:02}",
    )


def _tracked(entry: TrackedJob, lang: str) -> Reply:
    title = _short(entry.title, 200)
    heading = f"💼 {title} · {_short(entry.company, 60)}" if entry.company else f"💼 {title}"
    if entry.demo:
        heading = f"🧪 {t(lang, 'demo_job')}\n{heading}"
    status = t(
        lang,
        "apps_entry_since",
        stage=t(lang, f"stage_{entry.stage}"),
        date=_date(entry.updated_at, lang),
    )
    moves = [
        _button(
            lang,
            _MOVE_BUTTONS[stage],
            MatchAction(action=Verb.STAGE, stage=stage, job_id=entry.job_id),
        )
        for stage in NEXT_STAGES[entry.stage]
    ]
    remove = _button(
        lang, "btn_move_remove", MatchAction(action=Verb.STAGE, stage=REMOVE, job_id=entry.job_id)
    )
    rows = (tuple(moves), (remove,)) if moves else ((remove,),)
    return Reply(text=f"{heading}\n{_STAGE_ICONS[entry.stage]} {status}", buttons=rows)


def applications_view(
    entries: Sequence[TrackedJob], lang: str, *, limit: int = MAX_TRACKED_SHOWN
) -> list[Reply]:
    """The tracker: counts per stage, then one message per job with buttons to move it on."""
    if not entries:
        text = t(
            lang, "apps_empty", save=t(lang, "btn_job_save"), applied=t(lang, "btn_job_applied")
        )
        return [Reply(text=text)]
    counts = {stage: sum(1 for entry in entries if entry.stage is stage) for stage in Stage}
    lines = [t(lang, "apps_summary", total=len(entries))]
    lines += [
        f"{_STAGE_ICONS[stage]} {t(lang, f'stage_{stage}')}: {counts[stage]}" for stage in Stage
    ]
    ordered = sorted(entries, key=lambda entry: entry.updated_at, reverse=True)
    ordered.sort(key=lambda entry: _SHOW_ORDER.index(entry.stage))
    shown = ordered[: max(limit, 0)]
    if len(shown) < len(ordered):
        lines.append(t(lang, "apps_showing", shown=len(shown)))
    return [Reply(text="\n".join(lines)), *(_tracked(entry, lang) for entry in shown)]


def stage_moved(title: str, stage: Move, lang: str) -> Reply:
    """Confirms a tracker move, or that the job left the tracker (``"remove"``)."""
    key = "moved_removed" if stage == REMOVE else f"moved_{stage}"
    return Reply(text=t(lang, key, title=_short(title)))


# --- "did you hear back?" ---------------------------------------------------------------------


def followup_prompt(job_id: str, title: str, company: str | None, lang: str) -> Reply:
    """Asks whether an application got an answer, with a button per possible answer."""

    def heard(answer: Heard, key: str) -> Button:
        return _button(lang, key, MatchAction(action=Verb.HEARD, answer=answer, job_id=job_id))

    text = (
        t(lang, "followup_question", title=_short(title), company=_short(company, 60))
        if company
        else t(lang, "followup_question_plain", title=_short(title))
    )
    return Reply(
        text=text,
        buttons=(
            (heard(Heard.INTERVIEW, "btn_move_interviewing"), heard(Heard.OFFER, "btn_move_offer")),
            (heard(Heard.REJECTED, "btn_move_rejected"), heard(Heard.WAITING, "btn_heard_waiting")),
        ),
    )


def followup_ack(heard: Heard, title: str, lang: str) -> Reply:
    """Answers the follow-up: the stage's acknowledgement, or encouragement while waiting."""
    stage = HEARD_STAGE[heard]
    text = stage_moved(title, stage, lang).text if stage else t(lang, "heard_waiting")
    return Reply(text=text, buttons=((_apps_button(lang),),))


def acknowledge(action: MatchAction, title: str, lang: str, *, company: str | None = None) -> Reply:
    """The reply to a button that changed something; WHY, NI and APPLICATIONS have views."""
    verb = action.action
    if verb is Verb.SAVE:
        return saved_ack(title, lang)
    if verb is Verb.APPLIED:
        return applied_ack(title, lang)
    if verb in _HIDDEN:
        return not_interested_ack(verb, title, company, lang)
    if verb is Verb.STAGE and action.stage is not None:
        return stage_moved(title, action.stage, lang)
    if verb is Verb.HEARD and action.answer is not None:
        return followup_ack(action.answer, title, lang)
    raise ValueError(f"{verb} is answered with its own view, not an acknowledgement")


# --- the views as the match service sees them -------------------------------------------------


class MatchViews:
    """The views above behind matching's ``JobCards`` port: the match service renders what it
    sends with them without importing the conversation."""

    def job_card(
        self,
        job: JobForMatching,
        match: Match,
        lang: str,
        apply_url: str | None,
        *,
        header: str | None = None,
    ) -> Reply:
        return job_card(job, match, lang, apply_url, header=header)

    def first_batch_header(self, found: int, shown: int, lang: str) -> str:
        return first_batch_header(found, shown, lang)

    def first_batch_empty(self, live_jobs: int, lang: str) -> Reply:
        return first_batch_empty(live_jobs, lang)

    def digest_header(self, count: int, frequency: Frequency | str, lang: str) -> str:
        return digest_header(count, frequency, lang)

    def one_message(self, cards: Sequence[Reply], lang: str) -> Reply:
        return one_message(cards, lang)

    def followup_prompt(self, job_id: str, title: str, company: str | None, lang: str) -> Reply:
        return followup_prompt(job_id, title, company, lang)

    def why_text(self, job: JobForMatching, match: Match, lang: str) -> Reply:
        return why_text(job, match, lang)

    def not_interested_menu(self, job: JobForMatching, lang: str) -> Reply:
        return not_interested_menu(job, lang)

    def acknowledge(
        self, action: MatchAction, title: str, lang: str, *, company: str | None = None
    ) -> Reply:
        return acknowledge(action, title, lang, company=company)

    def job_gone(self, lang: str) -> Reply:
        return job_gone(lang)

    def applications_view(self, entries: Sequence[TrackedJob], lang: str) -> list[Reply]:
        return applications_view(entries, lang)

"""Conversation state, the commands the engine emits and the transition it returns."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field

from core.channels import FileRef, Reply
from core.domain import ConsentRecord, Frozen, Profile, ResumeSummary


class Step(StrEnum):
    ROLES = "roles"
    WORK_MODE = "work_mode"
    LOCATIONS = "locations"
    SENIORITY = "seniority"
    SALARY = "salary"
    EMPLOYMENT_TYPE = "employment_type"  # offered in /prefs, not asked during onboarding
    RESUME = "resume"
    RESUME_WAIT = "resume_wait"
    RESUME_CONFIRM = "resume_confirm"
    RESUME_SKILLS = "resume_skills"
    RESUME_TITLE = "resume_title"
    RESUME_YEARS = "resume_years"
    FREQUENCY = "frequency"
    TIMEZONE = "timezone"
    QUIET_HOURS = "quiet_hours"
    DONE = "done"
    CONFIRM_DELETE = "confirm_delete"


class Conversation(Frozen):
    """Everything the engine knows about one consented user; stored after every step."""

    lang: str = "en"
    step: Step = Step.ROLES
    profile: Profile = Field(default_factory=Profile)
    consents: tuple[ConsentRecord, ...] = ()
    onboarded: bool = False
    editing: bool = False  # answering one question from /prefs, then back to the menu
    return_step: Step | None = None  # where /delete or /cancel goes back to
    pending_resume: ResumeSummary | None = None
    reachable: bool = True


class RecordConsent(Frozen):
    kind: Literal["record_consent"] = "record_consent"
    records: tuple[ConsentRecord, ...]


class SaveProfile(Frozen):
    kind: Literal["save_profile"] = "save_profile"
    profile: Profile


class ParseResume(Frozen):
    """Read a resume: an uploaded file or pasted text (exactly one of them)."""

    kind: Literal["parse_resume"] = "parse_resume"
    file: FileRef | None = None
    text: str | None = None


class ExportData(Frozen):
    kind: Literal["export_data"] = "export_data"


class EraseUser(Frozen):
    kind: Literal["erase_user"] = "erase_user"


class SetReachable(Frozen):
    kind: Literal["set_reachable"] = "set_reachable"
    reachable: bool


Command = Annotated[
    RecordConsent | SaveProfile | ParseResume | ExportData | EraseUser | SetReachable,
    Field(discriminator="kind"),
]


class Transition(Frozen):
    """The engine's answer: the state to store (None: store nothing), replies, commands."""

    conversation: Conversation | None
    replies: tuple[Reply, ...] = ()
    commands: tuple[Command, ...] = ()

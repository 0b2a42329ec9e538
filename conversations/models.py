"""Conversation state, the commands the engine emits and the transition it returns."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field

from core.channels import Channel, FileRef, Reply
from core.domain import ConsentRecord, Frozen, Profile, ResumeSummary


class Step(StrEnum):
    ROLES = "roles"
    WORK_MODE = "work_mode"
    LOCATIONS = "locations"
    LOCATION_CHECK = "location_check"  # a typed place the tables do not know: did you mean ...?
    SENIORITY = "seniority"
    SALARY = "salary"
    EMPLOYMENT_TYPE = "employment_type"  # offered in /prefs, not asked during onboarding
    SKILLS = "skills"  # offered in /prefs: add or remove one skill at a time
    LANGUAGES = "languages"  # offered in /prefs: spoken languages with their level
    LICENCES = "licences"  # offered in /prefs: licences and certifications held
    COMMUTE = "commute"  # offered in /prefs: "within 30 km of Cambridge"
    STRETCH = "stretch"  # offered in /prefs: also send jobs whose core skill they lack
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
    LANGUAGE = "language"  # /language asked; a typed language name answers it
    EMAIL = "email"  # /email asked for an address
    EMAIL_CODE = "email_code"  # a code was mailed to the address: type it here


class Conversation(Frozen):
    """Everything the engine knows about one consented user; stored after every step."""

    lang: str = "en"
    step: Step = Step.ROLES
    profile: Profile = Field(default_factory=Profile)
    consents: tuple[ConsentRecord, ...] = ()
    onboarded: bool = False
    editing: bool = False  # answering one question from /prefs, then back to the menu
    return_step: Step | None = None  # where /delete, /language or /cancel goes back to
    pending_resume: ResumeSummary | None = None
    # The locations answer being checked place by place, and the index of the next to check.
    pending_locations: tuple[str, ...] | None = None
    location_index: int = 0
    reachable: bool = True
    channel: Channel = Channel.TELEGRAM  # the channel of the last message: picks text variants


class RecordConsent(Frozen):
    kind: Literal["record_consent"] = "record_consent"
    records: tuple[ConsentRecord, ...]


class SaveProfile(Frozen):
    kind: Literal["save_profile"] = "save_profile"
    profile: Profile
    # Whether matching looks at the candidate again soon. Not while they onboard (nobody is
    # indexed before onboarding ends) nor when the step matches them at once (MatchNow).
    reindex: bool = True


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


class KeepResume(Frozen):
    """Settle the resume the intake stored on approval: make it the user's (``keep``), or drop it.

    The intake stores a parsed resume (file, name, e-mail, phone) aside; only the user's
    "Looks right" makes it replace the one they had, and leaving the review any other way
    (/cancel, /menu, another file) drops it.
    """

    kind: Literal["keep_resume"] = "keep_resume"
    keep: bool


class MatchNow(Frozen):
    """Index the candidate and match them against the live jobs now.

    ``first_batch``: send the best few at once, whatever the user's frequency, with an honest count.
    """

    kind: Literal["match_now"] = "match_now"
    first_batch: bool = True


class IssueLinkCode(Frozen):
    """/link: a one-time code to type in another chat, which then joins this person."""

    kind: Literal["issue_link_code"] = "issue_link_code"


class RedeemLinkCode(Frozen):
    """``/link CODE`` from another chat: join the person who asked for the code."""

    kind: Literal["redeem_link_code"] = "redeem_link_code"
    code: str


class ResolveLink(Frozen):
    """Both chats had a profile: the user chose which to keep (``here`` or ``other``)."""

    kind: Literal["resolve_link"] = "resolve_link"
    keep: Literal["here", "other"]


class ShowChannels(Frozen):
    """/channels: the linked chats and addresses, which gets alerts, and the fallback order."""

    kind: Literal["show_channels"] = "show_channels"


class PreferChannel(Frozen):
    kind: Literal["prefer_channel"] = "prefer_channel"
    channel: Channel


class UnlinkChannel(Frozen):
    kind: Literal["unlink_channel"] = "unlink_channel"
    channel: Channel


class AddEmail(Frozen):
    """Mail a verification code to this address; it receives nothing else until verified."""

    kind: Literal["add_email"] = "add_email"
    address: str


class VerifyEmail(Frozen):
    kind: Literal["verify_email"] = "verify_email"
    code: str


class RemoveEmail(Frozen):
    kind: Literal["remove_email"] = "remove_email"


# The commands the linking service carries out (conversations/linking.py).
LinkCommand = (
    IssueLinkCode
    | RedeemLinkCode
    | ResolveLink
    | ShowChannels
    | PreferChannel
    | UnlinkChannel
    | AddEmail
    | VerifyEmail
    | RemoveEmail
)

Command = Annotated[
    RecordConsent
    | SaveProfile
    | ParseResume
    | ExportData
    | EraseUser
    | SetReachable
    | KeepResume
    | MatchNow
    | IssueLinkCode
    | RedeemLinkCode
    | ResolveLink
    | ShowChannels
    | PreferChannel
    | UnlinkChannel
    | AddEmail
    | VerifyEmail
    | RemoveEmail,
    Field(discriminator="kind"),
]


class Transition(Frozen):
    """The engine's answer: the state to store (None: store nothing), replies, commands."""

    conversation: Conversation | None
    replies: tuple[Reply, ...] = ()
    commands: tuple[Command, ...] = ()

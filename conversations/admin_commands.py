"""The admin grammar: bot commands, review-card buttons and edit answers as actions (pure).

What an admin may send and the action each means:

- commands (``/addsource URL``, ``/approve ID``, ``/reject ID reason``, ``/duty on|off``, ...):
  ``COMMAND_GRAMMAR`` maps each name to the shape its arguments must have, the action it builds
  and the reply when the arguments don't fit;
- review-card buttons (``adm:approve:ID``, ``adm:reject:ID``, ``adm:edit:ID``,
  ``adm:field:ID:FIELD``): ``BUTTON_GRAMMAR`` maps each verb to its action;
- the message after a Reject or Edit-field button: the reason or the new value.

The admin service (conversations/admin.py) only carries the actions out: every decision about what
an input means is made here, so it is table-tested like the rest of the conversation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from conversations.admin_views import EDITABLE_FIELDS
from core.domain import Frozen
from core.jobs import JobStatus

BUTTON_PREFIX: Final = "adm:"
# The longest rejection reason kept from a free-text answer.
MAX_REASON_CHARS: Final = 300
OUT_OF_DATE: Final = "That button is out of date."

# --- actions -----------------------------------------------------------------------------


class Help(Frozen):
    """/admin: the list of admin commands."""


class ListSources(Frozen):
    """/sources: every source and its health."""


class AddSource(Frozen):
    url: str


class SourceVerb(StrEnum):
    """What can be done to a known source; the value is the command's name."""

    PAUSE = "pausesource"
    RESUME = "resumesource"
    REMOVE = "removesource"
    CRAWL = "crawl"


class SourceAction(Frozen):
    verb: SourceVerb
    source_id: str


class ShowPending(Frozen):
    """/pending: the jobs waiting for review, as cards."""


class ShowJob(Frozen):
    job_id: str


class Decide(Frozen):
    """Approve or reject a job (a rejection carries its reason)."""

    job_id: str
    status: JobStatus
    reason: str | None = None


class AskRejectReason(Frozen):
    """The admin's next message is the reason. ``/reject ID`` checks the job exists first;
    the card's button was made for a job that did."""

    job_id: str
    must_exist: bool


class Duty(Frozen):
    on: bool


class DeadLetters(Frozen):
    retry: bool


class Grant(Frozen):
    """Make a Telegram user an admin (``add``) or stop them being one."""

    add: bool
    user_id: str


class Stats(Frozen):
    """/stats: numbers and a chart."""


class EditChoice(Frozen):
    """The card's Edit button: which field should change."""

    job_id: str


class EditField(Frozen):
    """A field was picked: the admin's next message is its new value."""

    job_id: str
    field: str


class SaveEdit(Frozen):
    """The new value of the field being edited, as typed (the service checks and applies it)."""

    job_id: str
    field: str
    text: str


class Invalid(Frozen):
    """Malformed input (a missing id, an unknown button): the service only answers it."""

    text: str


AdminAction = (
    Help
    | ListSources
    | AddSource
    | SourceAction
    | ShowPending
    | ShowJob
    | Decide
    | AskRejectReason
    | Duty
    | DeadLetters
    | Grant
    | Stats
    | EditChoice
    | EditField
    | SaveEdit
    | Invalid
)

# --- the command grammar -----------------------------------------------------------------


class ArgShape(StrEnum):
    """What a command's first argument must look like."""

    NONE = "none"  # arguments are ignored
    WORD = "word"  # an optional word
    REQUIRED = "required"  # some word (an id, a URL)
    ON_OFF = "on|off"
    DIGITS = "digits"  # a Telegram user id


def _always(_: str) -> bool:
    return True


_FITS: Final[dict[ArgShape, Callable[[str], bool]]] = {
    ArgShape.NONE: _always,
    ArgShape.WORD: _always,
    ArgShape.REQUIRED: bool,
    ArgShape.ON_OFF: lambda word: word in {"on", "off"},
    ArgShape.DIGITS: str.isdigit,
}


@dataclass(frozen=True)
class CommandRule:
    """One command: its argument shape, the action built from (first word, the rest) and the
    reply when the first word doesn't fit (``{command}`` is the command's name)."""

    shape: ArgShape
    build: Callable[[str, str], AdminAction]
    usage: str = ""


def _reject(job_id: str, reason: str) -> AdminAction:
    # With a reason the job is rejected at once; without, like the button, the next message is it.
    if reason:
        return Decide(job_id=job_id, status=JobStatus.REJECTED, reason=reason)
    return AskRejectReason(job_id=job_id, must_exist=True)


def _source_rule(verb: SourceVerb) -> CommandRule:
    return CommandRule(
        ArgShape.REQUIRED,
        lambda source_id, _: SourceAction(verb=verb, source_id=source_id),
        "No source (no id). See /sources.",
    )


_GRANT_USAGE: Final = "Use /{command} followed by a Telegram user id."

COMMAND_GRAMMAR: Final[dict[str, CommandRule]] = {
    "admin": CommandRule(ArgShape.NONE, lambda _, __: Help()),
    "sources": CommandRule(ArgShape.NONE, lambda _, __: ListSources()),
    "addsource": CommandRule(
        ArgShape.REQUIRED,
        lambda url, _: AddSource(url=url),
        "Send the URL: /addsource https://boards.greenhouse.io/acme",
    ),
    **{str(verb): _source_rule(verb) for verb in SourceVerb},
    "pending": CommandRule(ArgShape.NONE, lambda _, __: ShowPending()),
    "job": CommandRule(
        ArgShape.REQUIRED, lambda job_id, _: ShowJob(job_id=job_id), "No job (no id)."
    ),
    "approve": CommandRule(
        ArgShape.REQUIRED,
        lambda job_id, _: Decide(job_id=job_id, status=JobStatus.APPROVED),
        "No job (no id).",
    ),
    "reject": CommandRule(ArgShape.REQUIRED, _reject, "No job (no id). Use /reject ID reason."),
    "deadletters": CommandRule(ArgShape.WORD, lambda word, _: DeadLetters(retry=word == "retry")),
    "stats": CommandRule(ArgShape.NONE, lambda _, __: Stats()),
    "duty": CommandRule(
        ArgShape.ON_OFF, lambda word, _: Duty(on=word == "on"), "Use /duty on or /duty off."
    ),
    "admin_add": CommandRule(
        ArgShape.DIGITS, lambda user_id, _: Grant(add=True, user_id=user_id), _GRANT_USAGE
    ),
    "admin_remove": CommandRule(
        ArgShape.DIGITS, lambda user_id, _: Grant(add=False, user_id=user_id), _GRANT_USAGE
    ),
}

ADMIN_COMMANDS: Final = frozenset(COMMAND_GRAMMAR)


def parse_admin_command(command: str, args: str) -> AdminAction | None:
    """The action a command means (Invalid when its arguments don't fit); None when it is not
    an admin command. ``command`` comes without its slash, lower case."""
    rule = COMMAND_GRAMMAR.get(command)
    if rule is None:
        return None
    words = args.split()
    first = words[0] if words else ""
    if not _FITS[rule.shape](first):
        return Invalid(text=rule.usage.format(command=command))
    return rule.build(first, " ".join(words[1:]).strip())


# --- the button grammar ------------------------------------------------------------------


@dataclass(frozen=True)
class ButtonRule:
    """One button verb: the action built from (job id, field). ``with_field`` buttons carry
    exactly one more part, an editable field; the others get "" and ignore extra parts."""

    build: Callable[[str, str], AdminAction]
    with_field: bool = False


BUTTON_GRAMMAR: Final[dict[str, ButtonRule]] = {
    "approve": ButtonRule(lambda job_id, _: Decide(job_id=job_id, status=JobStatus.APPROVED)),
    "reject": ButtonRule(lambda job_id, _: AskRejectReason(job_id=job_id, must_exist=False)),
    "edit": ButtonRule(lambda job_id, _: EditChoice(job_id=job_id)),
    "field": ButtonRule(
        lambda job_id, field: EditField(job_id=job_id, field=field), with_field=True
    ),
}


def parse_admin_button(data: str) -> AdminAction | None:
    """The action a review-card button (``adm:VERB:JOB[:FIELD]``) means; Invalid for one this
    version of the bot would not have sent; None when it is not an admin button."""
    if not data.startswith(BUTTON_PREFIX):
        return None
    parts = data.split(":")[1:]
    verb, job_id = [*parts, "", ""][:2]
    rule = BUTTON_GRAMMAR.get(verb)
    if rule is None:
        return Invalid(text=OUT_OF_DATE)
    if not rule.with_field:
        return rule.build(job_id, "")
    if len(parts) == 3 and parts[2] in EDITABLE_FIELDS:
        return rule.build(job_id, parts[2])
    return Invalid(text=OUT_OF_DATE)


# --- the answer after a Reject or Edit-field button --------------------------------------


def parse_admin_reply(
    editing_job: str | None, editing_field: str | None, text: str
) -> AdminAction | None:
    """What an admin's plain message means while a job is being rejected or edited; None when
    nothing is (the message belongs to the admin's own candidate conversation)."""
    if not (editing_job and editing_field):
        return None
    if editing_field == "reject_reason":
        reason = text.strip()[:MAX_REASON_CHARS]
        return Decide(job_id=editing_job, status=JobStatus.REJECTED, reason=reason)
    return SaveEdit(job_id=editing_job, field=editing_field, text=text)

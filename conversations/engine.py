"""The conversation engine: a pure function of (state, message, now).

``advance`` never does I/O. It returns the state to store (``None`` before consent and after
erasure: nothing is kept), the replies to send and the commands the service must run.
"""

from __future__ import annotations

from datetime import datetime

from conversations import answers
from conversations.answers import Invalid
from conversations.flow import EDITABLE, QUESTIONS, next_step, profile_summary
from conversations.models import (
    Command,
    Conversation,
    EraseUser,
    ExportData,
    ParseResume,
    RecordConsent,
    SaveProfile,
    SetReachable,
    Step,
    Transition,
)
from conversations.texts import LANGUAGE_NAMES, POLICY_VERSION, SUPPORTED, t
from core.channels import Button, InboundMessage, MessageKind, Reply
from core.domain import ConsentPurpose, ConsentRecord, ResumeSummary

MAX_RESUME_BYTES = 10 * 1024 * 1024
MIN_PASTED_RESUME_CHARS = 200
# Reasons the parse task may report; each has a ``resume_failed_<reason>`` text.
RESUME_FAILURES = frozenset(
    {"too_large", "unsupported_type", "corrupt", "encrypted", "empty", "scanned", "download"}
)
_DOCUMENT_TYPES = ("application/pdf", "application/vnd.openxmlformats", "application/msword",
                   "application/octet-stream", "application/zip")


def advance(conv: Conversation | None, msg: InboundMessage, now: datetime) -> Transition:
    """Next state, replies to send and commands to run; no I/O."""
    if msg.kind is MessageKind.GROUP:
        lang = conv.lang if conv else answers.language_of(msg.language_code, SUPPORTED)
        return Transition(conversation=conv, replies=(Reply(text=t(lang, "group_only_private")),))
    if conv is None:
        return _before_consent(msg, now)
    transition = _after_consent(conv, msg, now)
    new = transition.conversation
    extra: list[Command] = []
    if new is not None and not new.reachable and msg.kind not in _SILENT_KINDS:
        # Any message from the user proves they can be reached again.
        new = new.model_copy(update={"reachable": True})
        extra.append(SetReachable(reachable=True))
    if new is not None and new.profile != conv.profile:
        extra.append(SaveProfile(profile=new.profile))
    if extra or new is not transition.conversation:
        return transition.model_copy(
            update={"conversation": new, "commands": (*transition.commands, *extra)}
        )
    return transition


_SILENT_KINDS = (MessageKind.BLOCKED, MessageKind.RESUME_PARSED, MessageKind.RESUME_FAILED)


# --- before consent: nothing is stored, so the state lives in the buttons -------------------


def _consent_notice(lang: str) -> Reply:
    return Reply(
        text=t(lang, "welcome_consent", version=POLICY_VERSION),
        buttons=(
            (Button(label=t(lang, "btn_consent_yes"), data=f"consent:yes:{lang}"),),
            (Button(label=t(lang, "btn_consent_no"), data=f"consent:no:{lang}"),),
            _language_buttons(),
        ),
    )


def _language_buttons() -> tuple[Button, ...]:
    return tuple(Button(label=name, data=f"lang:{code}") for code, name in LANGUAGE_NAMES.items())


def _before_consent(msg: InboundMessage, now: datetime) -> Transition:
    lang = answers.language_of(msg.language_code, SUPPORTED)
    data = msg.text if msg.kind is MessageKind.CALLBACK else ""
    parts = data.split(":")
    if parts[0] in {"lang", "consent"} and parts[-1] in SUPPORTED:
        lang = parts[-1]
    if msg.kind in (MessageKind.BLOCKED, MessageKind.UNBLOCKED, MessageKind.RESUME_PARSED,
                    MessageKind.RESUME_FAILED):
        return Transition(conversation=None)
    typed = msg.text if msg.kind is MessageKind.TEXT else ""
    agreed = data.startswith("consent:yes") or answers.is_yes(typed)
    declined = data.startswith("consent:no") or answers.is_no(typed)
    if agreed:
        records = tuple(
            ConsentRecord(purpose=purpose, granted=True, version=POLICY_VERSION, at=now)
            for purpose in ConsentPurpose
        )
        conv = Conversation(lang=lang, step=Step.ROLES, consents=records)
        return Transition(
            conversation=conv,
            replies=(Reply(text=t(lang, "consent_thanks", version=POLICY_VERSION)), _prompt(conv)),
            commands=(RecordConsent(records=records),),
        )
    if declined:
        return Transition(conversation=None, replies=(Reply(text=t(lang, "consent_declined")),))
    if msg.kind is MessageKind.COMMAND and msg.command in {"export", "delete", "privacy"}:
        return Transition(
            conversation=None,
            replies=(Reply(text=t(lang, "nothing_stored")), _consent_notice(lang)),
        )
    if msg.kind is MessageKind.COMMAND and msg.command == "cancel":
        return Transition(conversation=None, replies=(Reply(text=t(lang, "consent_declined")),))
    first = msg.kind is MessageKind.COMMAND and msg.command in {"start", "help"}
    first = first or data.startswith("lang:")
    replies = (_consent_notice(lang),) if first else (
        Reply(text=t(lang, "consent_needed")),
        _consent_notice(lang),
    )
    return Transition(conversation=None, replies=replies)


# --- after consent ----------------------------------------------------------------------------


def _after_consent(conv: Conversation, msg: InboundMessage, now: datetime) -> Transition:
    kind = msg.kind
    if kind is MessageKind.BLOCKED:
        return Transition(
            conversation=conv.model_copy(update={"reachable": False}),
            commands=(SetReachable(reachable=False),),
        )
    if kind is MessageKind.UNBLOCKED:
        return _say(conv, "reachable_again", reprompt=False)
    if kind is MessageKind.EDITED:
        return _say(conv, "edited")
    if kind is MessageKind.COMMAND:
        return _command(conv, msg.command or "", now)
    if kind is MessageKind.CALLBACK:
        return _callback(conv, msg, now)
    if kind in (MessageKind.RESUME_PARSED, MessageKind.RESUME_FAILED):
        return _resume_event(conv, msg)
    if kind is MessageKind.PHOTO:
        return _say(conv, "resume_photo", reprompt=conv.step is not Step.RESUME)
    if kind is MessageKind.DOCUMENT:
        return _document(conv, msg)
    if kind is MessageKind.UNSUPPORTED:
        return _say(conv, "unsupported")
    return _answer(conv, msg.text)


def _say(conv: Conversation, key: str, *, reprompt: bool = True, **values: object) -> Transition:
    replies = [Reply(text=t(conv.lang, key, **values))]
    if reprompt:
        replies.append(_prompt(conv))
    return Transition(conversation=conv, replies=tuple(replies))


def _prompt(conv: Conversation) -> Reply:
    """The question for the current step, with its buttons."""
    lang, step = conv.lang, conv.step
    if step in QUESTIONS:
        question = QUESTIONS[step]
        return Reply(text=t(lang, question.prompt), buttons=question.buttons(lang))
    if step is Step.RESUME:
        return Reply(
            text=t(lang, "ask_resume"),
            buttons=((Button(label=t(lang, "btn_skip"), data="resume:skip"),),),
        )
    if step is Step.RESUME_WAIT:
        return Reply(text=t(lang, "resume_wait"))
    if step is Step.RESUME_CONFIRM:
        return _resume_summary(conv)
    if step in _RESUME_FIXES:
        return Reply(text=t(lang, _RESUME_FIXES[step][0]))
    if step is Step.CONFIRM_DELETE:
        return Reply(
            text=t(lang, "confirm_delete"),
            buttons=(
                (Button(label=t(lang, "btn_delete_yes"), data="delete:yes"),),
                (Button(label=t(lang, "btn_delete_no"), data="delete:no"),),
            ),
        )
    return _menu(conv)


def _menu(conv: Conversation) -> Reply:
    lang = conv.lang

    def button(key: str, command: str) -> Button:
        return Button(label=t(lang, key), data=f"cmd:{command}")

    pause = (
        button("btn_menu_unpause", "unpause")
        if conv.profile.paused
        else button("btn_menu_pause", "pause")
    )
    return Reply(
        text=t(lang, "menu"),
        buttons=(
            (button("btn_menu_prefs", "prefs"), button("btn_menu_resume", "resume")),
            (button("btn_menu_frequency", "frequency"), pause),
            (button("btn_menu_language", "language"), button("btn_menu_privacy", "privacy")),
            (button("btn_menu_export", "export"), button("btn_menu_delete", "delete")),
        ),
    )


def _goto(conv: Conversation, step: Step, *, editing: bool | None = None) -> Conversation:
    update: dict[str, object] = {"step": step}
    if editing is not None:
        update["editing"] = editing
    if step not in _RESUME_REVIEW:
        update["pending_resume"] = None  # leaving the resume review drops what was not confirmed
    return conv.model_copy(update=update)


def _finish_step(conv: Conversation, step: Step) -> Transition:
    """After a valid answer: the next question, or back to the menu when editing one answer."""
    if conv.editing or conv.onboarded:
        done = _goto(conv, Step.DONE, editing=False)
        return Transition(
            conversation=done, replies=(Reply(text=t(conv.lang, "saved")), _menu(done))
        )
    following = next_step(step)
    if following is None:
        done = _goto(conv, Step.DONE, editing=False).model_copy(update={"onboarded": True})
        summary = profile_summary(done.profile, done.lang)
        return Transition(
            conversation=done,
            replies=(Reply(text=t(done.lang, "done", summary=summary)), _menu(done)),
        )
    moved = _goto(conv, following)
    return Transition(conversation=moved, replies=(_prompt(moved),))


# --- commands ---------------------------------------------------------------------------------


def _command(conv: Conversation, command: str, now: datetime) -> Transition:
    lang = conv.lang
    if command == "start":
        if conv.onboarded:
            home = _goto(conv, Step.DONE, editing=False)
            return Transition(
                conversation=home, replies=(Reply(text=t(lang, "welcome_back")), _menu(home))
            )
        return Transition(conversation=conv, replies=(_prompt(conv),))
    if command == "help":
        return Transition(conversation=conv, replies=(Reply(text=t(lang, "help")),))
    if command == "language":
        return Transition(conversation=conv, replies=(_language_choice(lang),))
    if command == "pause":
        paused = _with_paused(conv, paused=True)
        return Transition(conversation=paused, replies=(Reply(text=t(lang, "paused")),))
    if command == "unpause":
        return _unpause(conv, now)
    if command == "privacy":
        return Transition(conversation=conv, replies=(_privacy(conv),))
    if command == "export":
        return Transition(
            conversation=conv,
            replies=(Reply(text=t(lang, "export_preparing")),),
            commands=(ExportData(),),
        )
    if command == "delete":
        back = conv.return_step if conv.step is Step.CONFIRM_DELETE else conv.step
        confirm = conv.model_copy(update={"step": Step.CONFIRM_DELETE, "return_step": back})
        return Transition(conversation=confirm, replies=(_prompt(confirm),))
    if command == "cancel":
        return _cancel(conv)
    if command in {"menu", "prefs", "resume", "frequency"} and not conv.onboarded:
        return _say(conv, "finish_onboarding_first")
    if command == "menu":
        home = _goto(conv, Step.DONE, editing=False)
        return Transition(conversation=home, replies=(_menu(home),))
    if command == "prefs":
        return _prefs_choice(conv)
    if command == "resume":
        editing = _goto(conv, Step.RESUME, editing=True)
        return Transition(conversation=editing, replies=(_prompt(editing),))
    if command == "frequency":
        editing = _goto(conv, Step.FREQUENCY, editing=True)
        return Transition(conversation=editing, replies=(_prompt(editing),))
    return Transition(conversation=conv, replies=(Reply(text=t(lang, "help")),))


def _cancel(conv: Conversation) -> Transition:
    if conv.step is Step.CONFIRM_DELETE:
        back = _goto(conv, conv.return_step or Step.DONE).model_copy(update={"return_step": None})
        return Transition(
            conversation=back,
            replies=(Reply(text=t(conv.lang, "delete_cancelled")), _prompt(back)),
        )
    if conv.onboarded:
        home = _goto(conv, Step.DONE, editing=False).model_copy(update={"pending_resume": None})
        return Transition(
            conversation=home, replies=(Reply(text=t(conv.lang, "cancelled")), _menu(home))
        )
    return Transition(conversation=conv, replies=(Reply(text=t(conv.lang, "onboarding_paused")),))


def _unpause(conv: Conversation, now: datetime) -> Transition:
    unpaused = _with_paused(conv, paused=False)
    commands: tuple[Command, ...] = ()
    if not _granted(conv, ConsentPurpose.JOB_MESSAGES):
        record = ConsentRecord(
            purpose=ConsentPurpose.JOB_MESSAGES, granted=True, version=POLICY_VERSION, at=now
        )
        unpaused = unpaused.model_copy(update={"consents": (*conv.consents, record)})
        commands = (RecordConsent(records=(record,)),)
    return Transition(
        conversation=unpaused, replies=(Reply(text=t(conv.lang, "unpaused")),), commands=commands
    )


def _with_paused(conv: Conversation, *, paused: bool) -> Conversation:
    return conv.model_copy(update={"profile": conv.profile.model_copy(update={"paused": paused})})


def _granted(conv: Conversation, purpose: ConsentPurpose) -> bool:
    latest = [record for record in conv.consents if record.purpose is purpose]
    return bool(latest) and latest[-1].granted


def _privacy(conv: Conversation) -> Reply:
    lang = conv.lang
    latest = {record.purpose: record for record in conv.consents}
    lines = [
        t(
            lang,
            "consent_line",
            purpose=t(lang, f"purpose_{record.purpose}"),
            state=t(lang, "consent_granted" if record.granted else "consent_withdrawn"),
            at=record.at.strftime("%Y-%m-%d %H:%M UTC"),
            version=record.version,
        )
        for record in latest.values()
    ]
    return Reply(
        text=t(lang, "privacy_status", version=POLICY_VERSION, records="\n".join(lines)),
        buttons=(
            (Button(label=t(lang, "btn_withdraw_messages"), data="privacy:messages"),),
            (Button(label=t(lang, "btn_withdraw_all"), data="privacy:all"),),
        ),
    )


def _language_choice(lang: str) -> Reply:
    return Reply(
        text=t(lang, "choose_language"),
        buttons=(_language_buttons(),),
    )


def _prefs_choice(conv: Conversation) -> Transition:
    lang = conv.lang
    buttons = [Button(label=t(lang, f"btn_pref_{step}"), data=f"prefs:{step}") for step in EDITABLE]
    rows = tuple(tuple(buttons[i : i + 3]) for i in range(0, len(buttons), 3))
    home = _goto(conv, Step.DONE, editing=False)
    text = t(lang, "prefs_choose", summary=profile_summary(conv.profile, lang))
    return Transition(conversation=home, replies=(Reply(text=text, buttons=rows),))


# --- buttons ----------------------------------------------------------------------------------


def _callback(conv: Conversation, msg: InboundMessage, now: datetime) -> Transition:
    prefix, _, value = msg.text.partition(":")
    if prefix == "cmd":
        return _command(conv, value, now)
    if prefix == "lang" and value in SUPPORTED:
        switched = conv.model_copy(update={"lang": value})
        return _say(switched, "language_set")
    if prefix == "consent":
        return Transition(conversation=conv, replies=(_prompt(conv),))
    if prefix == "prefs" and conv.onboarded and value in {str(step) for step in EDITABLE}:
        editing = _goto(conv, Step(value), editing=True)
        return Transition(conversation=editing, replies=(_prompt(editing),))
    if prefix == "privacy" and value == "messages":
        record = ConsentRecord(
            purpose=ConsentPurpose.JOB_MESSAGES, granted=False, version=POLICY_VERSION, at=now
        )
        withdrawn = conv.model_copy(
            update={
                "consents": (*conv.consents, record),
                "profile": conv.profile.model_copy(update={"paused": True}),
            }
        )
        return Transition(
            conversation=withdrawn,
            replies=(Reply(text=t(conv.lang, "messages_withdrawn")),),
            commands=(RecordConsent(records=(record,)),),
        )
    if prefix == "privacy" and value == "all":
        return _command(conv, "delete", now)
    if prefix == "delete" and conv.step is Step.CONFIRM_DELETE:
        if value == "yes":
            return Transition(
                conversation=None,
                replies=(Reply(text=t(conv.lang, "deleted")),),
                commands=(EraseUser(),),
            )
        return _cancel(conv)
    if prefix == "resume":
        # One prefix for two questions: the skip button and the summary's buttons.
        if value in _RESUME_BUTTONS.get(conv.step, ()):
            return _answer(conv, value)
    elif prefix == str(conv.step):
        return _answer(conv, value)
    return _say(conv, "stale_button")


_RESUME_BUTTONS = {
    Step.RESUME: frozenset({"skip"}),
    Step.RESUME_CONFIRM: frozenset({"ok", "skills", "title", "years"}),
}


# --- answers ----------------------------------------------------------------------------------


def _answer(conv: Conversation, text: str) -> Transition:
    step = conv.step
    if step in QUESTIONS:
        question = QUESTIONS[step]
        value = question.parse(text)
        if isinstance(value, Invalid):
            return Transition(
                conversation=conv,
                replies=(Reply(text=t(conv.lang, value.key), buttons=question.buttons(conv.lang)),),
            )
        profile = conv.profile.model_copy(update={question.field: value})
        return _finish_step(conv.model_copy(update={"profile": profile}), step)
    if step is Step.RESUME:
        return _resume_text(conv, text)
    if step is Step.RESUME_WAIT:
        return Transition(conversation=conv, replies=(_prompt(conv),))
    if step is Step.RESUME_CONFIRM:
        return _resume_confirm(conv, text)
    if step in _RESUME_FIXES:
        return _resume_fix(conv, text)
    if step is Step.CONFIRM_DELETE:
        if answers.is_yes(text):
            return Transition(
                conversation=None,
                replies=(Reply(text=t(conv.lang, "deleted")),),
                commands=(EraseUser(),),
            )
        return _cancel(conv)
    return Transition(conversation=conv, replies=(_menu(conv),))


# --- the resume sub-flow ----------------------------------------------------------------------


def _document(conv: Conversation, msg: InboundMessage) -> Transition:
    if conv.step is Step.RESUME_WAIT:
        # One resume at a time: a second parse would race the first to the summary.
        return Transition(conversation=conv, replies=(_prompt(conv),))
    if conv.step is not Step.RESUME and not conv.onboarded:
        return _say(conv, "resume_not_document")
    file = msg.file
    if file is None:
        return _say(conv, "resume_not_document")
    if file.size is not None and file.size > MAX_RESUME_BYTES:
        return _say(conv, "resume_too_large", limit=MAX_RESUME_BYTES // (1024 * 1024))
    mime = file.mime_type or "application/octet-stream"
    if not mime.startswith(_DOCUMENT_TYPES):
        return _say(conv, "resume_failed_unsupported_type")
    # A file sent after onboarding replaces the resume, as /resume would.
    waiting = _goto(conv, Step.RESUME_WAIT, editing=conv.editing or conv.onboarded)
    return Transition(
        conversation=waiting,
        replies=(Reply(text=t(conv.lang, "resume_reading")),),
        commands=(ParseResume(file=file),),
    )


def _resume_text(conv: Conversation, text: str) -> Transition:
    if answers.is_skip(text):
        return _finish_step(conv, Step.RESUME)
    if len(text.strip()) < MIN_PASTED_RESUME_CHARS:
        return _say(conv, "resume_text_too_short", reprompt=False)
    waiting = _goto(conv, Step.RESUME_WAIT)
    return Transition(
        conversation=waiting,
        replies=(Reply(text=t(conv.lang, "resume_reading")),),
        commands=(ParseResume(text=text),),
    )


def _resume_event(conv: Conversation, msg: InboundMessage) -> Transition:
    if conv.step is not Step.RESUME_WAIT:
        return Transition(conversation=conv)  # the user moved on meanwhile
    if msg.kind is MessageKind.RESUME_FAILED or msg.resume is None:
        back = _goto(conv, Step.RESUME)
        reason = msg.failure if msg.failure in RESUME_FAILURES else "corrupt"
        return _say(back, f"resume_failed_{reason}", limit=MAX_RESUME_BYTES // (1024 * 1024))
    parsed = msg.resume
    summary = ResumeSummary(
        skills=parsed.skills, years_experience=parsed.years_experience, last_title=parsed.last_title
    )
    confirm = _goto(conv, Step.RESUME_CONFIRM).model_copy(update={"pending_resume": summary})
    return Transition(conversation=confirm, replies=(_prompt(confirm),))


def _resume_summary(conv: Conversation) -> Reply:
    lang = conv.lang
    pending = conv.pending_resume or ResumeSummary()
    missing = t(lang, "not_found")
    years = pending.years_experience
    return Reply(
        text=t(
            lang,
            "resume_summary",
            skills=", ".join(pending.skills) or missing,
            years=(f"{years:g}" if years is not None else missing),
            title=pending.last_title or missing,
        ),
        buttons=(
            (Button(label=t(lang, "btn_resume_ok"), data="resume:ok"),),
            (
                Button(label=t(lang, "btn_fix_skills"), data="resume:skills"),
                Button(label=t(lang, "btn_fix_title"), data="resume:title"),
                Button(label=t(lang, "btn_fix_years"), data="resume:years"),
            ),
        ),
    )


_RESUME_REVIEW = frozenset(
    {Step.RESUME_CONFIRM, Step.RESUME_SKILLS, Step.RESUME_TITLE, Step.RESUME_YEARS}
)

# step -> (prompt key, ResumeSummary field)
_RESUME_FIXES: dict[Step, tuple[str, str]] = {
    Step.RESUME_SKILLS: ("ask_skills", "skills"),
    Step.RESUME_TITLE: ("ask_title", "last_title"),
    Step.RESUME_YEARS: ("ask_years", "years_experience"),
}
_FIX_CHOICES = {
    "skills": Step.RESUME_SKILLS,
    "title": Step.RESUME_TITLE,
    "years": Step.RESUME_YEARS,
}


def _resume_confirm(conv: Conversation, text: str) -> Transition:
    if text == "ok" or answers.is_yes(text):
        profile = conv.profile.model_copy(update={"resume": conv.pending_resume})
        confirmed = conv.model_copy(update={"profile": profile, "pending_resume": None})
        return _finish_step(confirmed, Step.RESUME)
    if text in _FIX_CHOICES:
        fixing = _goto(conv, _FIX_CHOICES[text])
        return Transition(conversation=fixing, replies=(_prompt(fixing),))
    return _say(conv, "invalid_resume_confirm")


def _parse_skills(text: str) -> tuple[str, ...] | Invalid:
    parts = answers.split_list(text)
    skills = tuple(dict.fromkeys(" ".join(s.split()) for s in parts if len(s) <= 60))
    return skills if skills else Invalid("invalid_skills")


_FIX_PARSERS = {
    Step.RESUME_SKILLS: _parse_skills,
    Step.RESUME_TITLE: answers.parse_title,
    Step.RESUME_YEARS: answers.parse_years,
}


def _resume_fix(conv: Conversation, text: str) -> Transition:
    value = _FIX_PARSERS[conv.step](text)
    if isinstance(value, Invalid):
        return _say(conv, value.key, reprompt=False)
    field = _RESUME_FIXES[conv.step][1]
    pending = (conv.pending_resume or ResumeSummary()).model_copy(update={field: value})
    confirm = _goto(conv, Step.RESUME_CONFIRM).model_copy(update={"pending_resume": pending})
    return Transition(conversation=confirm, replies=(_prompt(confirm),))

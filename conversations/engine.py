"""The conversation engine: a pure function of (state, message, now).

``advance`` never does I/O. It returns the state to store (``None`` before consent and after
erasure: nothing is kept), the replies to send and the commands the service must run.
"""

from __future__ import annotations

import re
from datetime import datetime

from conversations import answers, link_commands
from conversations.answers import Invalid
from conversations.flow import (
    EDITABLE,
    PREFS_BUTTONS,
    PREFS_MORE,
    PREFS_MORE_BUTTONS,
    QUESTIONS,
    buttons,
    listed,
    next_step,
    picked_by_number,
    preference_lines,
    profile_summary,
)
from conversations.match_views import MatchAction, Verb, callback_data
from conversations.models import (
    AddEmail,
    Command,
    Conversation,
    EraseUser,
    ExportData,
    KeepResume,
    MatchNow,
    ParseResume,
    RecordConsent,
    RedeemLinkCode,
    SaveProfile,
    SetReachable,
    ShowChannels,
    Step,
    Transition,
    VerifyEmail,
)
from conversations.texts import (
    LANGUAGE_NAMES,
    POLICY_VERSION,
    SUPPORTED,
    number,
    on_channel,
    t,
)
from core import geo, places
from core.channels import Button, Channel, InboundMessage, MessageKind, Reply
from core.domain import ConsentPurpose, ConsentRecord, Profile, ResumeSummary
from core.text import fold

MAX_RESUME_BYTES = 10 * 1024 * 1024
MIN_PASTED_RESUME_CHARS = 200
# Reasons the parse task may report; each has a ``resume_failed_<reason>`` text.
RESUME_FAILURES = frozenset(
    {"too_large", "too_complex", "unsupported_type", "corrupt", "encrypted", "empty", "scanned",
     "download"}
)
_DOCUMENT_TYPES = ("application/pdf", "application/vnd.openxmlformats", "application/msword",
                   "application/octet-stream", "application/zip")


def advance(conv: Conversation | None, msg: InboundMessage, now: datetime) -> Transition:
    """Next state, replies to send and commands to run; no I/O."""
    if msg.kind is MessageKind.GROUP:
        if msg.channel is Channel.WHATSAPP:
            # The business number was added to a group: answering there would write to everyone.
            return Transition(conversation=conv)
        lang = conv.lang if conv else answers.language_of(msg.language_code, SUPPORTED)
        text = on_channel(lang, "group_only_private", msg.channel)
        return Transition(conversation=conv, replies=(Reply(text=text),))
    msg = _as_command(conv, msg)
    if conv is None:
        return _before_consent(msg, now)
    if conv.channel is not msg.channel:
        conv = conv.model_copy(update={"channel": msg.channel})
    transition = _after_consent(conv, msg, now)
    new = transition.conversation
    # Matching reads the stored profile, so MatchNow runs after the SaveProfile.
    first = tuple(c for c in transition.commands if not isinstance(c, MatchNow))
    last = tuple(c for c in transition.commands if isinstance(c, MatchNow))
    extra: list[Command] = []
    if new is not None and not new.reachable and msg.kind not in _SILENT_KINDS:
        # Any message from the user proves they can be reached again.
        new = new.model_copy(update={"reachable": True})
        extra.append(SetReachable(reachable=True))
    if new is not None and new.profile != conv.profile:
        # Matching looks again at an onboarded candidate, unless this step matches them now
        # (MatchNow: a second job would race it for the same jobs and send them unframed).
        reindex = (conv.onboarded or new.onboarded) and not last
        extra.append(SaveProfile(profile=new.profile, reindex=reindex))
    if new is not None and _drops_stored_resume(conv, msg, new, transition.commands):
        extra.append(KeepResume(keep=False))
    if extra or new is not transition.conversation:
        return transition.model_copy(
            update={"conversation": new, "commands": (*first, *extra, *last)}
        )
    return transition


_SILENT_KINDS = (MessageKind.BLOCKED, MessageKind.RESUME_PARSED, MessageKind.RESUME_FAILED)

# Commands whose words could be a real answer at a step: there the word is the answer. An
# "Export" manager or a "Datenschutz" role is a job title, "Privacy" a skill; "Delete" or "Help"
# are not (and /delete only asks, it never erases without a second yes).
_TITLE_OR_SKILL = frozenset({"export", "privacy"})
_WORDS_THAT_ANSWER: dict[Step, frozenset[str]] = {
    Step.ROLES: _TITLE_OR_SKILL,
    Step.RESUME_TITLE: _TITLE_OR_SKILL,
    Step.SKILLS: _TITLE_OR_SKILL,
    Step.RESUME_SKILLS: _TITLE_OR_SKILL,
}


def command_of(conv: Conversation | None, text: str) -> str | None:
    """The command a typed message stands for at the user's step ("Hilfe": help), or None.

    "stop" before onboarding is done stops the questions (/cancel): there are no alerts yet to
    pause. "continue" / "weiter" are /unpause only for a paused user; for anyone else they
    mean "go on", which the engine answers with the current question.
    """
    command = answers.command_word(text)
    if command is None or conv is None:
        return command
    if command in _WORDS_THAT_ANSWER.get(conv.step, frozenset()):
        return None
    if command == "pause" and not conv.onboarded:
        return "cancel"
    if command == "unpause" and not conv.profile.paused:
        return _GO_ON
    return command


_GO_ON = "go_on"  # internal: a "continue" word from a user who is not paused


def _as_command(conv: Conversation | None, msg: InboundMessage) -> InboundMessage:
    """A typed command word as the command it names; any other message as it is."""
    if msg.kind is not MessageKind.TEXT:
        return msg
    command = command_of(conv, msg.text)
    if command is not None:
        return msg.model_copy(update={"kind": MessageKind.COMMAND, "command": command})
    worded = link_commands.word_command(msg.text)
    if worded is None or (conv is not None and conv.step in _EMAIL_STEPS):
        return msg
    word, args = worded
    if not args and conv is not None and conv.step in _WORDS_THAT_ANSWER:
        return msg  # "Email" alone is a skill there, "Link" could be part of a title
    return msg.model_copy(update={"kind": MessageKind.COMMAND, "command": word, "args": args})


def _drops_stored_resume(
    conv: Conversation, msg: InboundMessage, new: Conversation, commands: tuple[Command, ...]
) -> bool:
    """Whether a resume the intake stored aside is no longer under review, and was not kept.

    One is stored aside while ``pending_resume`` is set, and also when a parse result arrives
    that the engine ignores because the user moved on meanwhile.
    """
    stored_aside = conv.pending_resume is not None or msg.kind is MessageKind.RESUME_PARSED
    settled = any(isinstance(command, KeepResume) for command in commands)
    return stored_aside and new.pending_resume is None and not settled


# --- before consent: nothing is stored, so the state lives in the buttons -------------------


def _consent_notice(lang: str, channel: Channel) -> Reply:
    def say(key: str) -> str:
        return on_channel(lang, key, channel, version=POLICY_VERSION)

    return Reply(
        text=say("welcome_consent"),
        buttons=(
            (Button(label=say("btn_consent_yes"), data=f"consent:yes:{lang}"),),
            (Button(label=say("btn_consent_no"), data=f"consent:no:{lang}"),),
            _language_buttons(),
        ),
    )


# Channels where a new user's first message can be any text (WhatsApp has no /start button):
# a text before consent starts onboarding there instead of being "an answer to the notice".
_FIRST_MESSAGE_IS_TEXT = frozenset({Channel.WHATSAPP})


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
    # "ja" to the German notice is German, whatever language the phone is set to; so is a
    # first "Hallo, ich suche eine Stelle", whatever country the number is from.
    lang = (
        answers.language_of_word(typed, SUPPORTED)
        or answers.language_of_text(typed, SUPPORTED)
        or lang
    )
    agreed = data.startswith("consent:yes") or answers.is_yes(typed)
    declined = data.startswith("consent:no") or answers.is_no(typed)

    def say(key: str, **values: object) -> Reply:
        return Reply(text=on_channel(lang, key, msg.channel, **values))

    if agreed:
        records = tuple(
            ConsentRecord(purpose=purpose, granted=True, version=POLICY_VERSION, at=now)
            for purpose in ConsentPurpose
        )
        conv = Conversation(lang=lang, step=Step.ROLES, consents=records, channel=msg.channel)
        return Transition(
            conversation=conv,
            replies=(say("consent_thanks", version=POLICY_VERSION), _prompt(conv)),
            commands=(RecordConsent(records=records),),
        )
    stop = msg.kind is MessageKind.COMMAND and msg.command in {"cancel", "pause"}
    if declined or stop:
        # Nothing is stored, so the language travels in the button: starting again from it
        # stays in the language the user chose.
        restart = Button(label=t(lang, "btn_restart"), data=f"lang:{lang}")
        goodbye = say("consent_declined").model_copy(update={"buttons": ((restart,),)})
        return Transition(conversation=None, replies=(goodbye,))
    if msg.kind is MessageKind.COMMAND and msg.command in {"export", "delete", "privacy"}:
        return Transition(
            conversation=None,
            replies=(say("nothing_stored"), _consent_notice(lang, msg.channel)),
        )
    if msg.kind is MessageKind.COMMAND and msg.command == "link" and msg.args:
        # A code from a chat that already consented: this chat joins that person (nothing is
        # stored for a wrong code). The linking service answers.
        redeem = link_commands.link_command(msg.args)
        if isinstance(redeem, RedeemLinkCode):
            return Transition(conversation=None, commands=(redeem,))
        return Transition(conversation=None, replies=(say("link_code_invalid"),))
    first = msg.kind is MessageKind.COMMAND and msg.command in {"start", "help"}
    first = first or data.startswith("lang:")
    first = first or (msg.kind is MessageKind.TEXT and msg.channel in _FIRST_MESSAGE_IS_TEXT)
    notice = _consent_notice(lang, msg.channel)
    replies = (notice,) if first else (say("consent_needed"), notice)
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
        return _command(conv, msg.command or "", now, msg.args)
    if kind is MessageKind.CALLBACK:
        return _callback(conv, msg, now)
    if kind in (MessageKind.RESUME_PARSED, MessageKind.RESUME_FAILED):
        return _resume_event(conv, msg)
    if kind is MessageKind.PHOTO:
        if conv.step is Step.RESUME:
            return _say(conv, "resume_photo", reprompt=False)
        return _say(conv, "photo_not_text")
    if kind is MessageKind.DOCUMENT:
        return _document(conv, msg)
    if kind is MessageKind.UNSUPPORTED:
        if conv.step is Step.RESUME:
            return _say(conv, "unsupported_resume", reprompt=False)
        return _say(conv, "unsupported")
    if kind is MessageKind.LOCATION:
        return _shared_location(conv, msg)
    return _answer(conv, msg.text)


def _t(conv: Conversation, key: str, **values: object) -> str:
    """The text in the user's language, in its variant for the user's channel if it has one."""
    return on_channel(conv.lang, key, conv.channel, **values)


def _say(conv: Conversation, key: str, *, reprompt: bool = True, **values: object) -> Transition:
    replies = [Reply(text=_t(conv, key, **values))]
    if reprompt:
        replies.append(_prompt(conv))
    return Transition(conversation=conv, replies=tuple(replies))


def _prompt(conv: Conversation) -> Reply:
    """The question for the current step, with its buttons."""
    lang, step = conv.lang, conv.step
    if step in QUESTIONS:
        question = QUESTIONS[step]
        return Reply(text=_t(conv, question.prompt), buttons=buttons(question, lang, conv.channel))
    if step is Step.RESUME:
        return Reply(
            text=_t(conv, "ask_resume"),
            buttons=((Button(label=_t(conv, "btn_skip"), data="resume:skip"),),),
        )
    if step is Step.RESUME_WAIT:
        return Reply(text=_t(conv, "resume_wait"))
    if step is Step.RESUME_CONFIRM:
        return _resume_summary(conv)
    if step in _RESUME_FIXES:
        return Reply(text=_t(conv, _RESUME_FIXES[step][0]))
    if step is Step.LOCATION_CHECK:
        return _location_question(conv)
    if step is Step.SKILLS:
        return _skills_question(conv)
    if step is Step.LANGUAGE:
        return _language_choice(lang)
    if step is Step.EMAIL:
        return Reply(text=_t(conv, "email_ask"))
    if step is Step.EMAIL_CODE:
        return Reply(text=_t(conv, "email_code_ask"))
    if step is Step.CONFIRM_DELETE:
        return Reply(
            text=_t(conv, "confirm_delete"),
            buttons=(
                (Button(label=_t(conv, "btn_delete_yes"), data="delete:yes"),),
                (Button(label=_t(conv, "btn_delete_no"), data="delete:no"),),
            ),
        )
    return _menu(conv)


def _menu(conv: Conversation) -> Reply:
    def button(key: str, command: str) -> Button:
        return Button(label=_t(conv, key), data=f"cmd:{command}")

    pause = (
        button("btn_menu_unpause", "unpause")
        if conv.profile.paused
        else button("btn_menu_pause", "pause")
    )
    # Every command, within the 10 rows of a WhatsApp list. The tracker belongs to the match
    # service, which answers its button before the engine sees it.
    applications = Button(
        label=_t(conv, "btn_apps"), data=callback_data(MatchAction(action=Verb.APPLICATIONS))
    )
    return Reply(
        text=_t(conv, "menu"),
        buttons=(
            (button("btn_menu_prefs", "prefs"), button("btn_menu_resume", "resume")),
            (button("btn_menu_frequency", "frequency"), pause),
            (applications, button("btn_menu_help", "help")),
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
    if step is not Step.LOCATION_CHECK:
        update["pending_locations"] = None
        update["location_index"] = 0
    return conv.model_copy(update=update)


def _finish_step(conv: Conversation, step: Step, *, committed: bool = True) -> Transition:
    """After a valid answer: the next question, or back to the menu when editing one answer.

    ``committed``: False when an edit was skipped, so nothing was changed and nothing is matched.
    """
    # Both ends match at once, even when the answer changed nothing ("No quiet hours"): the
    # candidate may never have been indexed, and the user expects jobs now.
    if conv.editing or conv.onboarded:
        done = _goto(conv, Step.DONE, editing=False)
        return Transition(
            conversation=done,
            replies=(Reply(text=_t(conv, "saved")), _menu(done)),
            commands=(MatchNow(first_batch=True),) if committed else (),
        )
    following = next_step(step)
    if following is None:
        done = _goto(conv, Step.DONE, editing=False).model_copy(update={"onboarded": True})
        summary = profile_summary(done.profile, done.lang)
        return Transition(
            conversation=done,
            replies=(Reply(text=_t(done, "done", summary=summary)), _menu(done)),
            commands=(MatchNow(first_batch=True),),
        )
    moved = _goto(conv, following)
    return Transition(conversation=moved, replies=(_prompt(moved),))


# --- commands ---------------------------------------------------------------------------------


def _command(conv: Conversation, command: str, now: datetime, args: str = "") -> Transition:
    lang = conv.lang
    if command in {"link", "channels", "email"}:
        return _linking(conv, command, args)
    if command == "start":
        if conv.onboarded:
            home = _goto(conv, Step.DONE, editing=False)
            return Transition(
                conversation=home, replies=(Reply(text=_t(conv, "welcome_back")), _menu(home))
            )
        return Transition(conversation=conv, replies=(_prompt(conv),))
    if command == "help":
        return Transition(conversation=conv, replies=(Reply(text=_t(conv, "help")),))
    if command == _GO_ON:
        return Transition(conversation=conv, replies=(_prompt(conv),))
    if command == "language":
        asking = _aside(conv, Step.LANGUAGE)
        return Transition(conversation=asking, replies=(_language_choice(lang),))
    if command == "pause":
        paused = _with_paused(conv, paused=True)
        return Transition(conversation=paused, replies=(Reply(text=_t(conv, "paused")),))
    if command == "unpause":
        return _unpause(conv, now)
    if command == "privacy":
        return Transition(conversation=conv, replies=(_privacy(conv),))
    if command == "export":
        return Transition(
            conversation=conv,
            replies=(Reply(text=_t(conv, "export_preparing")),),
            commands=(ExportData(),),
        )
    if command == "delete":
        confirm = _aside(conv, Step.CONFIRM_DELETE)
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
    return Transition(conversation=conv, replies=(Reply(text=_t(conv, "help")),))


def _linking(conv: Conversation, command: str, args: str) -> Transition:
    """/link, /channels and /email: commands for the linking service, or a question."""
    if command == "channels":
        return Transition(conversation=conv, commands=(ShowChannels(),))
    if command == "link":
        link = link_commands.link_command(args)
        if link is None:
            return _say(conv, "link_code_invalid", reprompt=False)
        return Transition(conversation=conv, commands=(link,))
    if not args:
        asking = _aside(conv, Step.EMAIL)
        return Transition(conversation=asking, replies=(_prompt(asking),))
    mail = link_commands.email_command(args)
    if mail is None:
        return _say(conv, "email_not_understood", reprompt=False)
    if isinstance(mail, AddEmail):
        waiting = _aside(conv, Step.EMAIL_CODE)
        return Transition(conversation=waiting, commands=(mail,))
    back = _back(conv) if conv.step in _EMAIL_STEPS else conv
    return Transition(conversation=back, commands=(mail,))


def _email_answer(conv: Conversation, text: str) -> Transition:
    """The address asked for by /email, or the code mailed to it."""
    if conv.step is Step.EMAIL and link_commands.looks_like_address(text):
        waiting = conv.model_copy(update={"step": Step.EMAIL_CODE})
        return Transition(conversation=waiting, commands=(AddEmail(address=text.strip()),))
    code = link_commands.email_code(text)
    if conv.step is Step.EMAIL_CODE and code is not None:
        return Transition(conversation=_back(conv), commands=(VerifyEmail(code=code),))
    key = "email_ask_again" if conv.step is Step.EMAIL else "email_code_ask_again"
    return Transition(conversation=conv, replies=(Reply(text=_t(conv, key)),))


def _aside(conv: Conversation, step: Step) -> Conversation:
    """Ask a question on the side (/delete, /language), remembering the step to go back to."""
    back = conv.return_step if conv.step in _ASIDE else conv.step
    return conv.model_copy(update={"step": step, "return_step": back})


def _back(conv: Conversation) -> Conversation:
    """From a side question back to the step it interrupted."""
    return _goto(conv, conv.return_step or Step.DONE).model_copy(update={"return_step": None})


_EMAIL_STEPS = frozenset({Step.EMAIL, Step.EMAIL_CODE})
_ASIDE = frozenset({Step.CONFIRM_DELETE, Step.LANGUAGE, *_EMAIL_STEPS})


def _cancel(conv: Conversation) -> Transition:
    if conv.step is Step.LANGUAGE or conv.step in _EMAIL_STEPS:
        back = _back(conv)
        return Transition(conversation=back, replies=(_prompt(back),))
    if conv.step is Step.CONFIRM_DELETE:
        back = _back(conv)
        return Transition(
            conversation=back,
            replies=(Reply(text=_t(conv, "delete_cancelled")), _prompt(back)),
        )
    if conv.onboarded:
        home = _goto(conv, Step.DONE, editing=False).model_copy(update={"pending_resume": None})
        return Transition(
            conversation=home, replies=(Reply(text=_t(conv, "cancelled")), _menu(home))
        )
    return Transition(conversation=conv, replies=(Reply(text=_t(conv, "onboarding_paused")),))


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
        conversation=unpaused, replies=(Reply(text=_t(conv, "unpaused")),), commands=commands
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
            purpose=_t(conv, f"purpose_{record.purpose}"),
            state=_t(conv, "consent_granted" if record.granted else "consent_withdrawn"),
            at=record.at.strftime("%Y-%m-%d %H:%M UTC"),
            version=record.version,
        )
        for record in latest.values()
    ]
    return Reply(
        text=_t(conv, "privacy_status", version=POLICY_VERSION, records="\n".join(lines)),
        buttons=(
            (Button(label=_t(conv, "btn_withdraw_messages"), data="privacy:messages"),),
            (Button(label=_t(conv, "btn_withdraw_all"), data="privacy:all"),),
        ),
    )


def _switch_language(conv: Conversation, lang: str) -> Transition:
    switched = conv.model_copy(update={"lang": lang})
    if switched.step is Step.LANGUAGE:
        switched = _back(switched)
    return _say(switched, "language_set")


def _language_choice(lang: str) -> Reply:
    return Reply(
        text=t(lang, "choose_language"),
        buttons=(_language_buttons(),),
    )


def _prefs_choice(conv: Conversation, *, more: bool = False) -> Transition:
    """The /prefs menu: the profile and what the jobs must be, then "More…" for the rest; each
    page within the 10 rows of a WhatsApp list."""
    lang = conv.lang
    steps = PREFS_MORE_BUTTONS if more else PREFS_BUTTONS
    choices = [Button(label=_t(conv, f"btn_pref_{step}"), data=f"prefs:{step}") for step in steps]
    rows = tuple(tuple(choices[i : i + 3]) for i in range(0, len(choices), 3))
    home = _goto(conv, Step.DONE, editing=False)
    if more:
        back = Button(label=_t(conv, "btn_prefs_back"), data="cmd:prefs")
        reply = Reply(text=_t(conv, "prefs_choose_more"), buttons=(*rows, (back,)))
    else:
        page = Button(label=_t(conv, "btn_prefs_more"), data=f"prefs:{PREFS_MORE}")
        text = _t(conv, "prefs_choose", summary=profile_summary(conv.profile, lang))
        reply = Reply(text=text, buttons=(*rows, (page,)))
    return Transition(conversation=home, replies=(reply,))


# --- buttons ----------------------------------------------------------------------------------


def _callback(conv: Conversation, msg: InboundMessage, now: datetime) -> Transition:
    prefix, _, value = msg.text.partition(":")
    if prefix == "cmd":
        return _command(conv, value, now)
    if link_commands.is_linking_callback(msg.text):
        link = link_commands.callback_command(msg.text)
        if link is not None:
            return Transition(conversation=conv, commands=(link,))
    if prefix == "lang" and value in SUPPORTED:
        return _switch_language(conv, value)
    if prefix == "consent":
        return Transition(conversation=conv, replies=(_prompt(conv),))
    if prefix == "prefs" and conv.onboarded and value == PREFS_MORE:
        return _prefs_choice(conv, more=True)
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
            replies=(Reply(text=_t(conv, "messages_withdrawn")),),
            commands=(RecordConsent(records=(record,)),),
        )
    if prefix == "privacy" and value == "all":
        return _command(conv, "delete", now)
    if prefix == "delete" and conv.step is Step.CONFIRM_DELETE:
        if value == "yes":
            return Transition(
                conversation=None,
                replies=(Reply(text=_t(conv, "deleted")),),
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
    if step is Step.LANGUAGE:
        lang = answers.parse_language(text, SUPPORTED)
        if lang is not None:
            return _switch_language(conv, lang)
        # Not a language: the user went on with the question /language interrupted.
        return _answer(_back(conv), text)
    if step in QUESTIONS:
        question = QUESTIONS[step]
        value = question.parse(picked_by_number(question, text) or text)
        if isinstance(value, Invalid):
            return Transition(
                conversation=conv,
                replies=(
                    Reply(
                        text=_t(conv, value.key),
                        buttons=buttons(question, conv.lang, conv.channel),
                    ),
                ),
            )
        if step is Step.LOCATIONS and value:
            return _check_locations(conv, tuple(value), 0)
        profile = conv.profile.model_copy(update={question.field: value})
        return _finish_step(conv.model_copy(update={"profile": profile}), step)
    if step is Step.LOCATION_CHECK:
        return _location_answer(conv, text)
    if step is Step.SKILLS:
        return _skills_answer(conv, text)
    if step is Step.RESUME:
        return _resume_text(conv, text)
    if step is Step.RESUME_WAIT:
        return Transition(conversation=conv, replies=(_prompt(conv),))
    if step is Step.RESUME_CONFIRM:
        return _resume_confirm(conv, text)
    if step in _RESUME_FIXES:
        return _resume_fix(conv, text)
    if step in _EMAIL_STEPS:
        return _email_answer(conv, text)
    if step is Step.CONFIRM_DELETE:
        if answers.is_yes(text):
            return Transition(
                conversation=None,
                replies=(Reply(text=_t(conv, "deleted")),),
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
        replies=(Reply(text=_t(conv, "resume_reading")),),
        commands=(ParseResume(file=file),),
    )


def _resume_text(conv: Conversation, text: str) -> Transition:
    if answers.is_skip(text):
        return _finish_step(conv, Step.RESUME, committed=False)
    if len(text.strip()) < MIN_PASTED_RESUME_CHARS:
        return _say(conv, "resume_text_too_short", reprompt=False)
    waiting = _goto(conv, Step.RESUME_WAIT)
    return Transition(
        conversation=waiting,
        replies=(Reply(text=_t(conv, "resume_reading")),),
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
        skills=parsed.skills,
        years_experience=parsed.years_experience,
        last_title=parsed.last_title,
        spoken_languages=parsed.spoken_languages,
        certifications=parsed.certifications,
    )
    confirm = _goto(conv, Step.RESUME_CONFIRM).model_copy(update={"pending_resume": summary})
    return Transition(conversation=confirm, replies=(_prompt(confirm),))


def _resume_summary(conv: Conversation) -> Reply:
    lang = conv.lang
    pending = conv.pending_resume or ResumeSummary()
    missing = _t(conv, "not_found")
    years = pending.years_experience
    return Reply(
        text=t(
            lang,
            "resume_summary",
            skills=listed(pending.skills, lang) or missing,
            years=(number(lang, years) if years is not None else missing),
            title=pending.last_title or missing,
        ),
        buttons=(
            (Button(label=_t(conv, "btn_resume_ok"), data="resume:ok"),),
            (
                Button(label=_t(conv, "btn_fix_skills"), data="resume:skills"),
                Button(label=_t(conv, "btn_fix_title"), data="resume:title"),
                Button(label=_t(conv, "btn_fix_years"), data="resume:years"),
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
        profile, taken = _with_resume(conv.profile, conv.pending_resume)
        confirmed = conv.model_copy(update={"profile": profile, "pending_resume": None})
        finished = _finish_step(confirmed, Step.RESUME)
        replies = finished.replies
        if taken:
            # Said in the same message as the next question: one message more would be noise.
            lines = "\n".join(preference_lines(profile, conv.lang, taken))
            note = _t(conv, "resume_prefilled", fields=lines)
            if replies:
                first = replies[0].model_copy(update={"text": f"{note}\n\n{replies[0].text}"})
                replies = (first, *replies[1:])
            else:
                replies = (Reply(text=note),)
        return finished.model_copy(
            update={"commands": (KeepResume(keep=True), *finished.commands), "replies": replies}
        )
    if text in _FIX_CHOICES:
        fixing = _goto(conv, _FIX_CHOICES[text])
        return Transition(conversation=fixing, replies=(_prompt(fixing),))
    return _say(conv, "invalid_resume_confirm")


def _with_resume(profile: Profile, resume: ResumeSummary | None) -> tuple[Profile, frozenset[str]]:
    """The profile with the confirmed resume, and the names of the answers it filled in.

    The resume's languages and licences fill only answers the user never gave: what they
    typed in /prefs is never overwritten by a file, and saying so (with the values) right after
    "Looks right" leaves no surprise about where they came from.
    """
    update: dict[str, object] = {"resume": resume}
    if resume is not None and resume.spoken_languages and not profile.languages:
        update["languages"] = resume.spoken_languages[: answers.MAX_SPOKEN_LANGUAGES]
    if resume is not None and resume.certifications and not profile.licences:
        update["licences"] = resume.certifications[: answers.MAX_LICENCES]
    return profile.model_copy(update=update), frozenset(update) - {"resume"}


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


# --- a shared location -----------------------------------------------------------------------


def _shared_location(conv: Conversation, msg: InboundMessage) -> Transition:
    """At the locations question, the nearest known city answers it as if typed "City,
    Country"; anywhere else a location cannot answer anything."""
    lat, lon = msg.latitude, msg.longitude
    if conv.step not in _PLACE_STEPS or lat is None or lon is None:
        return _say(conv, "location_help")
    if not geo.is_coordinate(lat, lon):
        return _say(conv, "location_help")
    place = geo.nearest_city(lat, lon).label
    answered = _answer(conv, place)
    shared = Reply(text=_t(conv, "location_shared", place=place))
    return answered.model_copy(update={"replies": (shared, *answered.replies)})


_PLACE_STEPS = frozenset({Step.LOCATIONS, Step.LOCATION_CHECK})


# --- locations the tables do not know ---------------------------------------------------------

MAX_PLACE_SUGGESTIONS = 3
MAX_LOCATIONS = 10
_PLACE_CHOICE = re.compile(r"(\d+)\.(\d+|keep)")


def _check_locations(conv: Conversation, locations: tuple[str, ...], start: int) -> Transition:
    """Take the places from ``start`` on that the tables know; ask about the first that is not.

    Places before ``start`` were known, corrected or kept as typed by the user already.
    """
    for index in range(start, len(locations)):
        if not places.is_known(locations[index]):
            checking = _goto(conv, Step.LOCATION_CHECK).model_copy(
                update={"pending_locations": locations, "location_index": index}
            )
            return Transition(conversation=checking, replies=(_prompt(checking),))
    profile = conv.profile.model_copy(update={"locations": tuple(dict.fromkeys(locations))})
    return _finish_step(conv.model_copy(update={"profile": profile}), Step.LOCATIONS)


def _location_question(conv: Conversation) -> Reply:
    index = conv.location_index
    place = (conv.pending_locations or ("",))[index]
    close = places.suggestions(place, MAX_PLACE_SUGGESTIONS)
    rows = [
        (Button(label=name, data=f"{Step.LOCATION_CHECK}:{index}.{number}"),)
        for number, name in enumerate(close)
    ]
    keep = Button(label=_t(conv, "btn_keep_place"), data=f"{Step.LOCATION_CHECK}:{index}.keep")
    key = "location_unknown" if close else "location_unknown_no_match"
    return Reply(text=_t(conv, key, place=place), buttons=(*rows, (keep,)))


def _location_answer(conv: Conversation, text: str) -> Transition:
    pending, index = conv.pending_locations or (), conv.location_index
    if index >= len(pending):
        return _say(_goto(conv, Step.LOCATIONS), "invalid_locations", reprompt=False)
    choice = _PLACE_CHOICE.fullmatch(text)
    if choice:
        close = places.suggestions(pending[index], MAX_PLACE_SUGGESTIONS)
        if int(choice.group(1)) != index:
            return _say(conv, "stale_button")
        if choice.group(2) == "keep":
            return _check_locations(conv, pending, index + 1)
        picked = int(choice.group(2))
        if picked >= len(close):
            return _say(conv, "stale_button")
        corrected = (*pending[:index], close[picked], *pending[index + 1 :])
        return _check_locations(conv, corrected, index + 1)
    if answers.is_yes(text):
        return _check_locations(conv, pending, index + 1)
    value = answers.parse_locations(text)
    if isinstance(value, Invalid) or len(pending) - 1 + len(value) > MAX_LOCATIONS:
        return _say(conv, "invalid_locations")
    if not value:  # "anywhere" instead of the place in question: no place at all
        profile = conv.profile.model_copy(update={"locations": ()})
        return _finish_step(conv.model_copy(update={"profile": profile}), Step.LOCATIONS)
    # The typed places replace the one in question, and are checked in turn.
    return _check_locations(conv, (*pending[:index], *value, *pending[index + 1 :]), index)


# --- skills, one at a time (/prefs) -----------------------------------------------------------

MAX_SKILL_BUTTONS = 9  # three rows of three; a WhatsApp list holds 10
_REMOVE_BUTTON = re.compile(r"x(\d+)")
# Between edits: commas, new lines, or a space before the next sign ("+ Go - Java").
_SKILL_EDITS = re.compile(r"[,;\n]+|\s+(?=[+\-−–]\s*\w)")


def _skills_of(conv: Conversation) -> tuple[str, ...]:
    return conv.profile.resume.skills if conv.profile.resume else ()


def _skills_question(conv: Conversation) -> Reply:
    skills = _skills_of(conv)
    buttons = [
        Button(label=_t(conv, "btn_remove_skill", skill=skill), data=f"{Step.SKILLS}:x{i}")
        for i, skill in enumerate(skills[:MAX_SKILL_BUTTONS])
    ]
    rows = tuple(tuple(buttons[i : i + 3]) for i in range(0, len(buttons), 3))
    shown = listed(skills, conv.lang) or _t(conv, "none")
    return Reply(text=_t(conv, "ask_skill_edit", skills=shown), buttons=rows)


def edit_skills(skills: tuple[str, ...], text: str) -> tuple[str, ...] | Invalid:
    """"+ Kubernetes, - Java" applied to ``skills``; a plain name adds; removing one that is
    not there, or nothing readable at all, is Invalid."""
    result = list(skills)
    edits = [part.strip() for part in _SKILL_EDITS.split(text) if part.strip()]
    for edit in edits:
        sign = edit[0] if edit[0] in "+-−–" else "+"
        name = " ".join(edit.lstrip("+-−–").split())
        if not name or len(name) > 60 or not re.search(r"\w", name):
            return Invalid("invalid_skill_edit")
        same = [skill for skill in result if fold(skill) == fold(name)]
        if sign == "+" and not same:
            result.append(name)
        elif sign != "+":
            if not same:
                return Invalid("invalid_skill_edit")
            result.remove(same[0])
    return tuple(result) if edits else Invalid("invalid_skill_edit")


def _skills_answer(conv: Conversation, text: str) -> Transition:
    skills = _skills_of(conv)
    button = _REMOVE_BUTTON.fullmatch(text)
    if button:
        index = int(button.group(1))
        if index >= len(skills):
            return _say(conv, "stale_button")
        edited: tuple[str, ...] | Invalid = (*skills[:index], *skills[index + 1 :])
    else:
        edited = edit_skills(skills, text)
    if isinstance(edited, Invalid):
        return Transition(
            conversation=conv,
            replies=(
                Reply(text=_t(conv, edited.key), buttons=_skills_question(conv).buttons),
            ),
        )
    resume = (conv.profile.resume or ResumeSummary()).model_copy(update={"skills": edited})
    profile = conv.profile.model_copy(update={"resume": resume})
    return _finish_step(conv.model_copy(update={"profile": profile}), Step.SKILLS)

"""The engine on WhatsApp: plain words as commands, first messages, locations, photos, groups,
and what WhatsApp allows in a reply (10 choices, titles of 20, bodies of 1,024)."""

from __future__ import annotations

from datetime import UTC, datetime
from itertools import count
from typing import Any

import pytest

from conversations.answers import command_word, language_of_text
from conversations.engine import advance, command_of
from conversations.models import Conversation, EraseUser, ExportData, Step, Transition
from conversations.texts import POLICY_VERSION, SUPPORTED, on_channel
from core.channels import Channel, FileRef, InboundMessage, MessageKind, Reply
from core.domain import ParsedResume, Profile, ResumeSummary

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
WA = Channel.WHATSAPP
MAX_CHOICES = 10  # rows of a WhatsApp list
MAX_TITLE = 20  # a reply button's title (a list row allows 24)
MAX_BODY_WITH_BUTTONS = 1024
MAX_BODY = 4096

_ids = count(1)


def message(
    kind: MessageKind, *, lang: str = "en", channel: Channel = WA, **fields: Any
) -> InboundMessage:
    return InboundMessage(
        channel=channel,
        chat_id="4915112345678",
        user_id="4915112345678",
        update_id=f"wamid.{next(_ids)}",
        kind=kind,
        language_code=lang,
        **fields,
    )


def text(value: str, **fields: Any) -> InboundMessage:
    return message(MessageKind.TEXT, text=value, **fields)


def tap(data: str, **fields: Any) -> InboundMessage:
    return message(MessageKind.CALLBACK, text=data, callback_id=data, **fields)


def location(latitude: float, longitude: float) -> InboundMessage:
    return message(MessageKind.LOCATION, latitude=latitude, longitude=longitude)


def say(key: str, lang: str = "en", **values: object) -> str:
    return on_channel(lang, key, "whatsapp", **values)


def consented(lang: str = "en") -> Conversation:
    conv = advance(None, tap(f"consent:yes:{lang}", lang=lang), NOW).conversation
    assert conv is not None
    return conv


def at(step: Step, *, onboarded: bool = False, paused: bool = False) -> Conversation:
    return consented().model_copy(
        update={"step": step, "onboarded": onboarded, "profile": Profile(paused=paused)}
    )


def texts(transition: Transition) -> tuple[str, ...]:
    return tuple(reply.text for reply in transition.replies)


# --- plain words as commands ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "command"),
    [
        ("menu", "menu"), ("Menu", "menu"), ("MENÜ", "menu"), ("menú", "menu"), ("Menu!", "menu"),
        (" menu. ", "menu"), ("main menu", "menu"), ("Hauptmenü", "menu"),
        ("help", "help"), ("Hilfe", "help"), ("¡Ayuda!", "help"), ("help?", "help"),
        ("stop", "pause"), ("STOPP", "pause"), ("pause", "pause"), ("Pausieren", "pause"),
        ("parar", "pause"), ("pausar", "pause"),
        ("resume", "unpause"), ("continue", "unpause"), ("fortsetzen", "unpause"),
        ("weiter", "unpause"), ("reanudar", "unpause"), ("continuar", "unpause"),
        ("export", "export"), ("Exportieren", "export"), ("exportar", "export"),
        ("delete", "delete"), ("löschen", "delete"), ("loeschen", "delete"), ("Borrar", "delete"),
        ("eliminar", "delete"),
        ("privacy", "privacy"), ("Datenschutz", "privacy"), ("privacidad", "privacy"),
        # only a message that is exactly the word
        ("please help me", None), ("delete my skills", None), ("menu menu", None), ("", None),
        ("Backend Developer", None), ("/menu", "menu"),
    ],
)
def test_command_words_in_every_language(typed: str, command: str | None) -> None:
    assert command_word(typed) == command


@pytest.mark.parametrize(
    ("step", "onboarded", "paused", "typed", "command"),
    [
        # where the step asks for a job title or a skill, "Export" and "Datenschutz" answer it
        (Step.ROLES, False, False, "Export", None),
        (Step.ROLES, False, False, "Datenschutz", None),
        (Step.RESUME_TITLE, False, False, "privacy", None),
        (Step.SKILLS, True, False, "Datenschutz", None),
        (Step.RESUME_SKILLS, False, False, "export", None),
        # words no one answers a question with stay commands there
        (Step.ROLES, False, False, "Delete", "delete"),  # it only asks, see below
        (Step.ROLES, False, False, "help", "help"),
        (Step.ROLES, False, False, "menu", "menu"),
        (Step.SKILLS, True, False, "löschen", "delete"),
        # everywhere else every word is its command
        (Step.LOCATIONS, False, False, "Export", "export"),
        (Step.SALARY, False, False, "privacidad", "privacy"),
        (Step.DONE, True, False, "export", "export"),
        (Step.DONE, True, False, "Datenschutz", "privacy"),
        (Step.DONE, True, False, "stop", "pause"),
        (Step.CONFIRM_DELETE, True, False, "delete", "delete"),  # asks again, never erases
        # "stop" before there are alerts stops the questions
        (Step.SENIORITY, False, False, "stop", "cancel"),
        (Step.ROLES, False, False, "Pausieren", "cancel"),
        # "continue": /unpause for a paused user, "go on" (the current question) for others
        (Step.DONE, True, True, "resume", "unpause"),
        (Step.DONE, True, True, "weiter", "unpause"),
        (Step.DONE, True, False, "resume", "go_on"),
        (Step.SALARY, False, False, "weiter", "go_on"),
        # not a command word at all
        (Step.DONE, True, False, "Berlin", None),
    ],
)
def test_where_a_word_is_a_command(
    step: Step, onboarded: bool, paused: bool, typed: str, command: str | None
) -> None:
    assert command_of(at(step, onboarded=onboarded, paused=paused), typed) == command


def test_delete_at_the_roles_question_erases_nothing() -> None:
    conv = at(Step.ROLES)
    asked = advance(conv, text("Delete"), NOW)
    again = advance(asked.conversation, text("löschen"), NOW)
    kept = advance(again.conversation, text("no"), NOW)

    assert texts(asked) == (say("confirm_delete"),)
    assert texts(again) == (say("confirm_delete"),)
    for transition in (asked, again, kept):
        assert not any(isinstance(command, EraseUser) for command in transition.commands)
    assert texts(kept) == (say("delete_cancelled"), say("ask_roles"))
    assert kept.conversation is not None
    assert kept.conversation.step is Step.ROLES


def test_delete_erases_only_after_the_confirmation() -> None:
    asked = advance(at(Step.DONE, onboarded=True), text("Delete"), NOW)
    erased = advance(asked.conversation, tap("delete:yes"), NOW)

    assert erased.conversation is None
    assert erased.commands == (EraseUser(),)


def test_a_role_named_like_a_command_is_a_role() -> None:
    transition = advance(at(Step.ROLES), text("Export"), NOW)

    assert transition.conversation is not None
    assert transition.conversation.profile.roles == ("Export",)
    assert texts(transition) == (say("ask_work_mode"),)


@pytest.mark.parametrize(
    ("typed", "lang", "key"),
    [("Menü", "de", "menu"), ("HILFE!", "de", "help"), ("pause", "en", "paused"),
     ("ayuda", "es", "help"), ("Pausar", "es", "paused")],
)
def test_words_work_like_commands_after_onboarding(typed: str, lang: str, key: str) -> None:
    conv = consented(lang).model_copy(update={"step": Step.DONE, "onboarded": True})
    transition = advance(conv, text(typed, lang=lang), NOW)

    assert texts(transition) == (say(key, lang),)


def test_privacy_as_a_word() -> None:
    conv = consented("es").model_copy(update={"step": Step.DONE, "onboarded": True})
    by_word = advance(conv, text("privacidad", lang="es"), NOW)
    by_button = advance(conv, tap("cmd:privacy", lang="es"), NOW)

    assert by_word == by_button


def test_export_as_a_word() -> None:
    transition = advance(at(Step.DONE, onboarded=True), text("Export"), NOW)

    assert transition.commands == (ExportData(),)


def test_continue_when_not_paused_asks_the_question_again() -> None:
    conv = at(Step.SALARY)
    transition = advance(conv, text("weiter"), NOW)

    assert transition.conversation == conv
    assert texts(transition) == (say("ask_salary"),)


def test_stop_during_onboarding_stops_the_questions() -> None:
    conv = at(Step.SENIORITY)
    transition = advance(conv, text("STOP"), NOW)

    assert texts(transition) == (say("onboarding_paused"),)
    assert transition.conversation is not None
    assert not transition.conversation.profile.paused


# --- the first message from a new user ---------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "number_lang", "lang"),
    [
        ("Hi", "en", "en"),
        ("Hallo, ich suche eine Stelle als Pflegefachkraft in Hamburg, gern Teilzeit", "en", "de"),
        ("Hola, busco trabajo", "en", "es"),
        ("Hello, I am looking for a job", "de", "en"),
        ("👋", "es", "es"),  # nothing to tell: the number's country
        ("Pflegefachkraft", "de", "de"),
    ],
)
def test_any_first_text_starts_onboarding_in_its_language(
    typed: str, number_lang: str, lang: str
) -> None:
    transition = advance(None, text(typed, lang=number_lang), NOW)

    assert transition.conversation is None  # nothing is stored before consent
    assert texts(transition) == (say("welcome_consent", lang, version=POLICY_VERSION),)
    first = transition.replies[0].buttons[0][0]
    assert first.data == f"consent:yes:{lang}"


def test_the_notice_on_whatsapp_names_words_not_commands() -> None:
    notice = advance(None, text("Hi"), NOW).replies[0].text

    assert "/" not in notice
    assert '"delete"' in notice


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Hallo", "de"), ("Guten Tag", "de"), ("hola", "es"), ("Buenos días", "es"),
        ("hello", "en"), ("ok", None), ("", None), ("Berlin", None),
    ],
)
def test_language_of_a_first_text(typed: str, expected: str | None) -> None:
    assert language_of_text(typed, SUPPORTED) == expected


@pytest.mark.parametrize("typed", ["delete", "export", "Datenschutz"])
def test_data_words_before_consent_say_nothing_is_stored(typed: str) -> None:
    transition = advance(None, text(typed), NOW)

    assert transition.conversation is None
    assert transition.commands == ()
    assert texts(transition)[0] == say("nothing_stored")


def test_stop_before_consent_declines() -> None:
    transition = advance(None, text("stop"), NOW)

    assert transition.conversation is None
    assert texts(transition) == (say("consent_declined"),)


def test_a_text_before_consent_on_telegram_still_asks_for_the_answer_first() -> None:
    transition = advance(None, text("Hi", channel=Channel.TELEGRAM), NOW)

    assert texts(transition)[0] == on_channel("en", "consent_needed", "telegram")


# --- a shared location -------------------------------------------------------------------------

HAMBURG = (53.5511, 9.9937)


def test_a_location_answers_the_locations_question_like_typed_city_and_country() -> None:
    conv = at(Step.LOCATIONS)
    shared = advance(conv, location(*HAMBURG), NOW)
    typed = advance(conv, text("Hamburg, Germany"), NOW)

    assert texts(shared) == (say("location_shared", place="Hamburg, Germany"), *texts(typed))
    assert shared.conversation == typed.conversation
    assert shared.commands == typed.commands
    assert shared.conversation is not None
    assert shared.conversation.profile.locations == ("Hamburg", "Germany")


def test_a_location_the_tables_do_not_know_is_questioned_as_if_typed() -> None:
    conv = at(Step.LOCATIONS)
    shared = advance(conv, location(52.535, 13.2), NOW)  # Spandau, a district: Berlin covers it
    assert shared.conversation is not None
    assert shared.conversation.profile.locations == ("Berlin", "Germany")

    unknown = advance(conv, location(64.1, -21.9), NOW)  # Kópavogur, not in the city table
    assert unknown.conversation is not None
    assert unknown.conversation.step is Step.LOCATION_CHECK
    assert unknown.replies[0].text == say("location_shared", place="Kópavogur, Iceland")


@pytest.mark.parametrize(
    ("step", "sent"),
    [
        (Step.ROLES, location(*HAMBURG)),
        (Step.SALARY, location(*HAMBURG)),
        (Step.DONE, location(*HAMBURG)),
        (Step.LOCATIONS, location(95.0, 0.0)),  # not a point on Earth
        (Step.LOCATIONS, message(MessageKind.LOCATION)),  # no coordinates at all
    ],
)
def test_a_location_elsewhere_gets_a_short_help(step: Step, sent: InboundMessage) -> None:
    conv = at(step, onboarded=step is Step.DONE)
    transition = advance(conv, sent, NOW)

    assert transition.conversation == conv
    assert texts(transition)[0] == say("location_help")
    assert len(transition.replies) == 2  # and the question again


# --- photos, voice notes, stickers -------------------------------------------------------------

PHOTO = message(MessageKind.PHOTO, file=FileRef(file_id="img-1", mime_type="image/jpeg"))
VOICE = message(MessageKind.UNSUPPORTED)


@pytest.mark.parametrize(
    ("step", "sent", "expected"),
    [
        (Step.RESUME, PHOTO, ("resume_photo",)),
        (Step.RESUME, VOICE, ("unsupported_resume",)),
        (Step.ROLES, PHOTO, ("photo_not_text", "ask_roles")),
        (Step.SALARY, VOICE, ("unsupported", "ask_salary")),
        (Step.TIMEZONE, PHOTO, ("photo_not_text", "ask_timezone")),
    ],
)
def test_messages_that_are_not_text(
    step: Step, sent: InboundMessage, expected: tuple[str, ...]
) -> None:
    conv = at(step)
    transition = advance(conv, sent, NOW)

    assert transition.conversation == conv
    assert transition.commands == ()
    assert texts(transition) == tuple(say(key) for key in expected)


# --- groups ------------------------------------------------------------------------------------


@pytest.mark.parametrize("conv", [None, at(Step.DONE, onboarded=True)], ids=["new", "known"])
def test_a_group_message_on_whatsapp_gets_no_reply(conv: Conversation | None) -> None:
    transition = advance(conv, message(MessageKind.GROUP, text="hi all"), NOW)

    assert transition == Transition(conversation=conv)


# --- what WhatsApp allows in one reply: walk the flows ----------------------------------------

PDF = FileRef(file_id="media-1", file_name="cv.pdf", mime_type="application/pdf", size=1000)
RESUME = ParsedResume(
    skills=tuple(f"Skill number {n}" for n in range(60)),  # a long list: bodies must still fit
    years_experience=6.0,
    last_title="Backend Developer",
    text_chars=4000,
)
TYPED = (
    "Backend Developer, Data Engineer", "1", "1, 3", "Berlin, Atlantis", "60k EUR", "skip",
    "Europe/Berlin", "22-7", "yes", "no", "menu", "help", "stop", "resume", "Deutsch",
    "+ Kubernetes, - Skill number 3",
)
OTHER = (
    message(MessageKind.DOCUMENT, file=PDF),
    message(MessageKind.RESUME_PARSED, resume=RESUME),
    location(*HAMBURG),
    PHOTO,
    VOICE,
)
DEPTH = 3


def _choices(reply: Reply) -> list[str]:
    return [button.data for row in reply.buttons for button in row if not button.url]


def _check(reply: Reply) -> None:
    choices = _choices(reply)
    labels = [button.label for row in reply.buttons for button in row]
    assert len(choices) <= MAX_CHOICES, reply.text[:60]
    assert len({label.casefold() for label in labels}) == len(labels), labels
    assert len(set(choices)) == len(choices), choices
    if 0 < len(choices) <= 3:
        assert len(reply.text) <= MAX_BODY_WITH_BUTTONS, reply.text[:60]
    assert len(reply.text) <= MAX_BODY, reply.text[:60]


FULL = Profile(
    roles=tuple(f"Role number {n} " + "x" * 60 for n in range(10)),  # the longest answers
    locations=tuple(f"Place number {n} " + "y" * 60 for n in range(10)),
    resume=ResumeSummary(skills=RESUME.skills, years_experience=6.0, last_title="Developer"),
)


def seeds(lang: str) -> list[Conversation | None]:
    """A user at every step: new, onboarding, onboarded with the longest profile, paused."""
    base = consented(lang).model_copy(update={"channel": WA})
    review = ResumeSummary(skills=RESUME.skills, years_experience=6.0, last_title="Developer")
    convs: list[Conversation | None] = [None]
    for step in Step:
        extra: dict[str, object] = {"step": step}
        if step is Step.LOCATION_CHECK:
            extra |= {"pending_locations": ("Atlantis", "Berln"), "location_index": 0}
        if step in {Step.RESUME_CONFIRM, Step.RESUME_SKILLS, Step.RESUME_TITLE, Step.RESUME_YEARS}:
            extra["pending_resume"] = review
        convs.append(base.model_copy(update=extra))
        convs.append(base.model_copy(update={**extra, "onboarded": True, "profile": FULL}))
    paused = FULL.model_copy(update={"paused": True})
    convs.append(base.model_copy(update={"step": Step.DONE, "onboarded": True, "profile": paused}))
    return convs


def walk(lang: str) -> tuple[set[Step], int]:
    """From a user at every step, everything a WhatsApp user can send, ``DEPTH`` messages deep:
    every button of every reply, typed answers, files and events; every reply is checked.
    Returns the steps reached and the number of replies checked."""
    steps: set[Step] = set()
    replies = 0
    for seed in seeds(lang):
        frontier: list[tuple[Conversation | None, list[str]]] = [(seed, [])]
        for depth in range(DEPTH):
            following: list[tuple[Conversation | None, list[str]]] = []
            for conv, taps in frontier:
                sent = [tap(data, lang=lang) for data in taps]
                if depth == 0:  # deeper, the buttons only: typing was tried from every step
                    sent += [text(typed, lang=lang) for typed in TYPED]
                    sent += list(OTHER)
                for msg in sent:
                    transition = advance(conv, msg, NOW)
                    for reply in transition.replies:
                        _check(reply)
                        replies += 1
                    after = transition.conversation
                    if after is not None:
                        steps.add(after.step)
                    buttons = [d for reply in transition.replies for d in _choices(reply)]
                    following.append((after, buttons))
            frontier = following
    return steps, replies


@pytest.mark.parametrize("lang", SUPPORTED)
def test_no_reply_breaks_whatsapps_limits(lang: str) -> None:
    steps, replies = walk(lang)

    # The walk really went through every step, not around the first question.
    assert steps == set(Step)
    assert replies >= 1000


@pytest.mark.parametrize("lang", SUPPORTED)
def test_engine_labels_fit_a_whatsapp_button(lang: str) -> None:
    conv = consented(lang).model_copy(update={"step": Step.DONE, "onboarded": True})
    seen: list[str] = []
    for data in ("cmd:prefs", "cmd:privacy", "cmd:delete", "cmd:language", "cmd:frequency"):
        for reply in advance(conv, tap(data, lang=lang), NOW).replies:
            seen.extend(button.label for row in reply.buttons for button in row)
    for step in (Step.WORK_MODE, Step.SENIORITY, Step.EMPLOYMENT_TYPE, Step.QUIET_HOURS):
        for reply in advance(conv, tap(f"prefs:{step}", lang=lang), NOW).replies:
            seen.extend(button.label for row in reply.buttons for button in row)
    menu = advance(conv, text("menu", lang=lang), NOW).replies[-1]
    seen.extend(button.label for row in menu.buttons for button in row)

    assert sum(len(row) for row in menu.buttons) == MAX_CHOICES
    too_long = [label for label in seen if len(label) > MAX_TITLE]
    assert not too_long

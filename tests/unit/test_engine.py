"""The conversation engine as tables: what the user sends, what the bot must answer."""

from __future__ import annotations

from datetime import UTC, datetime
from itertools import count
from typing import Any

import pytest

from conversations import answers
from conversations.engine import MAX_RESUME_BYTES, MIN_PASTED_RESUME_CHARS, advance
from conversations.flow import profile_summary
from conversations.models import (
    Conversation,
    EraseUser,
    ExportData,
    KeepResume,
    MatchNow,
    ParseResume,
    RecordConsent,
    SaveProfile,
    SetReachable,
    Step,
    Transition,
)
from conversations.texts import LANGUAGE_NAMES, POLICY_VERSION, SUPPORTED, on_channel, t
from core.channels import Channel, FileRef, InboundMessage, MessageKind, Reply
from core.domain import (
    Commute,
    ConsentPurpose,
    ConsentRecord,
    EmploymentType,
    Frequency,
    LanguageLevel,
    ParsedResume,
    Profile,
    QuietHours,
    ResumeSummary,
    SalaryFloor,
    Seniority,
    SpokenLanguage,
    WorkMode,
)

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
MATCH_NOW = MatchNow(first_batch=True)
KEEP, DROP = KeepResume(keep=True), KeepResume(keep=False)
# German once its texts are in; until then the engine falls back to English.
DE = answers.language_of("de", SUPPORTED)
needs_german = pytest.mark.skipif("de" not in SUPPORTED, reason="the German texts are not in yet")

# --- messages ---------------------------------------------------------------------------------

_update_ids = count(1)


def _message(
    kind: MessageKind, *, language_code: str | None = "en", **fields: Any
) -> InboundMessage:
    return InboundMessage(
        channel=Channel.TELEGRAM,
        chat_id="4242",
        user_id="4242",
        update_id=str(next(_update_ids)),
        kind=kind,
        language_code=language_code,
        **fields,
    )


def text(value: str, **fields: Any) -> InboundMessage:
    return _message(MessageKind.TEXT, text=value, **fields)


def command(name: str, **fields: Any) -> InboundMessage:
    return _message(MessageKind.COMMAND, text=f"/{name}", command=name, **fields)


def tap(data: str, **fields: Any) -> InboundMessage:
    return _message(MessageKind.CALLBACK, text=data, callback_id=f"cb-{data}", **fields)


CV = FileRef(file_id="doc-1", file_name="cv.pdf", mime_type="application/pdf", size=120_000)


def document(file: FileRef = CV, **fields: Any) -> InboundMessage:
    return _message(MessageKind.DOCUMENT, file=file, **fields)


def photo() -> InboundMessage:
    file = FileRef(file_id="photo-1", mime_type="image/jpeg", size=80_000)
    return _message(MessageKind.PHOTO, file=file)


def sticker() -> InboundMessage:
    return _message(MessageKind.UNSUPPORTED)


def edited(value: str) -> InboundMessage:
    return _message(MessageKind.EDITED, text=value)


def group(value: str, **fields: Any) -> InboundMessage:
    return _message(MessageKind.GROUP, text=value, **fields)


def blocked() -> InboundMessage:
    return _message(MessageKind.BLOCKED)


def unblocked() -> InboundMessage:
    return _message(MessageKind.UNBLOCKED)


PARSED = ParsedResume(
    name="Ada Example",
    email="ada@example.org",
    skills=("Python", "Go"),
    years_experience=6.0,
    last_title="Backend Developer",
    text_chars=4_000,
)


def parsed(resume: ParsedResume = PARSED) -> InboundMessage:
    return _message(MessageKind.RESUME_PARSED, resume=resume, language_code=None)


def failed(reason: str) -> InboundMessage:
    return _message(MessageKind.RESUME_FAILED, failure=reason, language_code=None)


# --- what the bot says ------------------------------------------------------------------------


def says(*keys: str, lang: str = "en") -> tuple[str, ...]:
    return tuple(t(lang, key) for key in keys)


def en(key: str, **values: object) -> str:
    return t("en", key, **values)


def notice(lang: str = "en") -> str:
    return t(lang, "welcome_consent", version=POLICY_VERSION)


def resume_summary(
    skills: str = "Python, Go", years: str = "6", title: str = "Backend Developer"
) -> str:
    return en("resume_summary", skills=skills, years=years, title=title)


def payloads(reply: Reply) -> list[list[str]]:
    return [[button.data for button in row] for row in reply.buttons]


MENU = [
    ["cmd:prefs", "cmd:resume"],
    ["cmd:frequency", "cmd:pause"],
    ["m:apps", "cmd:help"],
    ["cmd:language", "cmd:privacy"],
    ["cmd:export", "cmd:delete"],
]
LANGUAGE_BUTTONS = [f"lang:{code}" for code in LANGUAGE_NAMES]

Row = tuple[InboundMessage, tuple[str, ...]]


def converse(conv: Conversation | None, *rows: Row) -> list[Transition]:
    """Send each message in turn, threading the state; every answer must be the expected texts."""
    transitions = []
    for sent, expected in rows:
        transition = advance(conv, sent, NOW)
        got = tuple(reply.text for reply in transition.replies)
        assert got == expected, f"after {sent.kind} {sent.text!r}"
        transitions.append(transition)
        conv = transition.conversation
    return transitions


def final(transitions: list[Transition]) -> Conversation:
    conv = transitions[-1].conversation
    assert conv is not None
    return conv


def consented(lang: str = "en") -> Conversation:
    conv = advance(None, tap(f"consent:yes:{lang}"), NOW).conversation
    assert conv is not None
    return conv


def at_step(step: Step, **changes: Any) -> Conversation:
    return consented().model_copy(update={"step": step, **changes})


PROFILE = Profile(
    roles=("Backend Developer", "Data Engineer"),
    work_modes=(WorkMode.REMOTE,),
    locations=("Berlin", "Munich"),
    seniority=Seniority.SENIOR,
    salary_floor=SalaryFloor(amount=60_000, currency="EUR"),
    frequency=Frequency.INSTANT,
    timezone="Europe/Berlin",
    quiet_hours=QuietHours(start=22, end=7),
)
SUMMARY = (
    "• Roles: Backend Developer, Data Engineer\n"
    "• Work mode: Remote\n"
    "• Locations: Berlin, Munich\n"
    "• Level: Senior\n"
    "• Minimum salary: 60,000 EUR per year\n"
    "• Employment: any\n"
    "• Skills: none\n"
    "• Alerts: Instantly\n"
    "• Time zone: Europe/Berlin\n"
    "• Quiet hours: 22:00–07:00\n"
    "• Status: active"
)

ONBOARDING: tuple[Row, ...] = (
    (text("Backend Developer, Data Engineer"), says("ask_work_mode")),
    (tap("work_mode:remote"), says("ask_locations")),
    (text("Berlin, Munich"), says("ask_seniority")),
    (tap("seniority:senior"), says("ask_salary")),
    (text("60k EUR"), says("ask_resume")),
    (tap("resume:skip"), says("ask_frequency")),
    (tap("frequency:instant"), says("ask_timezone")),
    (text("Berlin"), says("ask_quiet_hours")),
    (tap("quiet_hours:22-7"), (en("done", summary=SUMMARY), en("menu"))),
)


def onboarded() -> Conversation:
    conv = final(converse(consented(), *ONBOARDING))
    assert conv.onboarded
    return conv


CONSENTS = tuple(
    ConsentRecord(purpose=purpose, granted=True, version=POLICY_VERSION, at=NOW)
    for purpose in (ConsentPurpose.PROFILE, ConsentPurpose.JOB_MESSAGES)
)


# --- before consent: nothing is stored --------------------------------------------------------


def test_start_shows_the_notice_in_the_users_language() -> None:
    (transition,) = converse(None, (command("start", language_code="de"), (notice(DE),)))

    assert transition.conversation is None
    assert transition.commands == ()
    assert payloads(transition.replies[0]) == [
        [f"consent:yes:{DE}"],
        [f"consent:no:{DE}"],
        LANGUAGE_BUTTONS,
    ]
    labels = [[button.label for button in row] for row in transition.replies[0].buttons[:2]]
    assert labels == [[t(DE, "btn_consent_yes")], [t(DE, "btn_consent_no")]]


def test_the_notice_names_the_policy_version() -> None:
    assert f"version {POLICY_VERSION}" in notice("en")


def test_an_unknown_language_code_falls_back_to_english() -> None:
    (transition,) = converse(None, (command("start", language_code="fr"), (notice("en"),)))

    assert payloads(transition.replies[0])[0] == ["consent:yes:en"]


@pytest.mark.parametrize("lang", SUPPORTED)
def test_a_language_button_shows_the_notice_again_in_that_language(lang: str) -> None:
    (transition,) = converse(None, (tap(f"lang:{lang}"), (notice(lang),)))

    assert transition.conversation is None
    assert payloads(transition.replies[0])[:2] == [[f"consent:yes:{lang}"], [f"consent:no:{lang}"]]


@pytest.mark.parametrize(
    ("sent", "lang"),
    [
        (tap("consent:no:en"), "en"),
        (text("no"), "en"),
        (text("Nein"), "de"),  # a word only German uses: answered in German
        (text("no gracias"), "es"),
        (command("cancel"), "en"),
    ],
)
def test_declining_says_goodbye_and_stores_nothing(sent: InboundMessage, lang: str) -> None:
    (transition,) = converse(None, (sent, says("consent_declined", lang=lang)))

    assert transition.conversation is None
    assert transition.commands == ()
    assert payloads(transition.replies[0]) == [[f"lang:{lang}"]]


@pytest.mark.parametrize("lang", SUPPORTED)
def test_after_declining_the_next_messages_stay_in_the_chosen_language(lang: str) -> None:
    # The phone says English; the user picked another language on the notice and declined.
    declined, again = converse(
        None,
        (tap(f"consent:no:{lang}", language_code="en"), says("consent_declined", lang=lang)),
        (tap(f"lang:{lang}", language_code="en"), (notice(lang),)),
    )

    assert payloads(declined.replies[0]) == [[f"lang:{lang}"]]
    assert declined.replies[0].buttons[0][0].label == t(lang, "btn_restart")
    assert again.conversation is None
    (agreed,) = converse(
        None,
        (tap(f"consent:yes:{lang}", language_code="en"),
         (t(lang, "consent_thanks", version=POLICY_VERSION), t(lang, "ask_roles"))),
    )
    assert final([agreed]).lang == lang


def test_declining_with_the_button_answers_in_the_buttons_language() -> None:
    converse(None, (tap(f"consent:no:{DE}", language_code="en"), says("consent_declined", lang=DE)))


@pytest.mark.parametrize(
    ("sent", "lang"),
    [
        (tap("consent:yes:en"), "en"),
        (text("yes"), "en"),
        (text("Yes"), "en"),
        (text("ja"), "de"),  # typed yes words only one language uses pick that language
        (text("Sí"), "es"),
        (text("ok"), "en"),  # every language's: the language code decides
    ],
)
def test_consent_records_both_purposes_with_version_and_time(
    sent: InboundMessage, lang: str
) -> None:
    (transition,) = converse(
        None, (sent, (t(lang, "consent_thanks", version=POLICY_VERSION), t(lang, "ask_roles")))
    )

    assert transition.commands == (RecordConsent(records=CONSENTS),)
    assert transition.conversation == Conversation(lang=lang, step=Step.ROLES, consents=CONSENTS)


def test_consent_keeps_the_language_from_the_button() -> None:
    (transition,) = converse(
        None,
        (
            tap(f"consent:yes:{DE}", language_code="en"),
            (t(DE, "consent_thanks", version=POLICY_VERSION), t(DE, "ask_roles")),
        ),
    )

    assert transition.conversation is not None
    assert transition.conversation.lang == DE


def test_typed_consent_takes_the_language_code() -> None:
    (transition,) = converse(
        None,
        (
            text("ja", language_code="de"),
            (t(DE, "consent_thanks", version=POLICY_VERSION), t(DE, "ask_roles")),
        ),
    )

    assert transition.conversation is not None
    assert transition.conversation.lang == DE


@pytest.mark.parametrize("name", ["export", "delete", "privacy"])
def test_data_commands_before_consent_say_nothing_is_stored(name: str) -> None:
    (transition,) = converse(None, (command(name), (en("nothing_stored"), notice())))

    assert transition.conversation is None
    assert transition.commands == ()


@pytest.mark.parametrize(
    "sent",
    [
        text("Backend Developer"),
        text("maybe later"),
        document(),
        photo(),
        sticker(),
        edited("yes"),
        command("menu"),
        tap("roles:anything"),
    ],
)
def test_anything_else_before_consent_asks_for_consent_first(sent: InboundMessage) -> None:
    (transition,) = converse(None, (sent, (en("consent_needed"), notice())))

    assert transition.conversation is None
    assert transition.commands == ()  # in particular, a resume is not parsed


@pytest.mark.parametrize("sent", [blocked(), unblocked(), parsed(), failed("corrupt")])
def test_silent_events_before_consent_do_nothing(sent: InboundMessage) -> None:
    assert advance(None, sent, NOW) == Transition(conversation=None)


def test_the_whole_first_conversation() -> None:
    transitions = converse(
        None,
        (command("start"), (notice(),)),
        (text("what is this?"), (en("consent_needed"), notice())),
        (tap("consent:yes:en"), (en("consent_thanks", version=POLICY_VERSION), en("ask_roles"))),
        *ONBOARDING,
    )

    conv = final(transitions)
    assert conv.profile == PROFILE
    assert conv.step is Step.DONE
    assert conv.onboarded
    assert payloads(transitions[-1].replies[-1]) == MENU


# --- onboarding, one step at a time -----------------------------------------------------------


WORK_MODE_BUTTONS = [
    ["work_mode:remote", "work_mode:hybrid", "work_mode:onsite"],
    ["work_mode:any"],
]
SENIORITY_BUTTONS = [
    ["seniority:intern", "seniority:junior", "seniority:mid"],
    ["seniority:senior", "seniority:lead", "seniority:principal"],
]
FREQUENCY_BUTTONS = [["frequency:instant"], ["frequency:daily", "frequency:weekly"]]
QUIET_BUTTONS = [["quiet_hours:22-7", "quiet_hours:none"]]
EMPLOYMENT_BUTTONS = [
    ["employment_type:full_time", "employment_type:part_time"],
    ["employment_type:contract", "employment_type:internship"],
    ["employment_type:any"],
]

STEP_BUTTONS: dict[Step, list[list[str]]] = {
    Step.ROLES: [],
    Step.WORK_MODE: WORK_MODE_BUTTONS,
    Step.LOCATIONS: [["locations:anywhere"]],
    Step.SENIORITY: SENIORITY_BUTTONS,
    Step.SALARY: [["salary:skip"]],
    Step.RESUME: [["resume:skip"]],
    Step.FREQUENCY: FREQUENCY_BUTTONS,
    Step.TIMEZONE: [],
    Step.QUIET_HOURS: QUIET_BUTTONS,
    Step.EMPLOYMENT_TYPE: EMPLOYMENT_BUTTONS,
    Step.LANGUAGES: [["languages:none"]],
    Step.LICENCES: [["licences:none"]],
    Step.COMMUTE: [["commute:none"]],
    Step.STRETCH: [["stretch:yes", "stretch:no"]],
}
GERMAN_C1 = SpokenLanguage(code="de", level=LanguageLevel.FLUENT)
ENGLISH_NATIVE = SpokenLanguage(code="en", level=LanguageLevel.NATIVE)


@pytest.mark.parametrize(
    ("step", "sent", "change", "next_prompt"),
    [
        (Step.ROLES, text("Pflegefachkraft, Altenpfleger"),
         {"roles": ("Pflegefachkraft", "Altenpfleger")}, "ask_work_mode"),
        (Step.WORK_MODE, tap("work_mode:hybrid"), {"work_modes": (WorkMode.HYBRID,)},
         "ask_locations"),
        (Step.WORK_MODE, tap("work_mode:any"),
         {"work_modes": (WorkMode.REMOTE, WorkMode.HYBRID, WorkMode.ONSITE)}, "ask_locations"),
        (Step.WORK_MODE, text("remoto o híbrido"),
         {"work_modes": (WorkMode.REMOTE, WorkMode.HYBRID)}, "ask_locations"),
        (Step.LOCATIONS, text("Wien, Zürich"), {"locations": ("Wien", "Zürich")}, "ask_seniority"),
        (Step.SENIORITY, tap("seniority:junior"), {"seniority": Seniority.JUNIOR}, "ask_salary"),
        (Step.SENIORITY, text("Berufseinsteiger"), {"seniority": Seniority.JUNIOR}, "ask_salary"),
        (Step.SALARY, text("4.500 € pro Monat"),
         {"salary_floor": SalaryFloor(amount=4_500, currency="EUR", period="month")}, "ask_resume"),
        (Step.FREQUENCY, tap("frequency:weekly"), {"frequency": Frequency.WEEKLY}, "ask_timezone"),
        (Step.FREQUENCY, text("sofort"), {"frequency": Frequency.INSTANT}, "ask_timezone"),
        (Step.TIMEZONE, text("UTC+2"), {"timezone": "Etc/GMT-2"}, "ask_quiet_hours"),
        (Step.TIMEZONE, text("America/New_York"), {"timezone": "America/New_York"},
         "ask_quiet_hours"),
    ],
)
def test_a_valid_answer_is_saved_and_the_next_question_follows(
    step: Step, sent: InboundMessage, change: dict[str, Any], next_prompt: str
) -> None:
    conv = at_step(step)
    (transition,) = converse(conv, (sent, says(next_prompt)))

    new = transition.conversation
    assert new is not None
    assert new.profile == conv.profile.model_copy(update=change)
    # Not indexed while onboarding: the last step matches them.
    assert transition.commands == (SaveProfile(profile=new.profile, reindex=False),)
    assert new.step is not step
    assert payloads(transition.replies[0]) == STEP_BUTTONS[new.step]


@pytest.mark.parametrize("sent", [tap("locations:anywhere"), text("überall"), text("Anywhere")])
def test_anywhere_leaves_the_locations_empty(sent: InboundMessage) -> None:
    conv = at_step(Step.LOCATIONS, profile=Profile(locations=("Berlin",)))
    (transition,) = converse(conv, (sent, says("ask_seniority")))

    assert final([transition]).profile.locations == ()


@pytest.mark.parametrize("sent", [tap("salary:skip"), text("skip"), text("Überspringen")])
def test_the_salary_can_be_skipped(sent: InboundMessage) -> None:
    conv = at_step(Step.SALARY)
    (transition,) = converse(conv, (sent, says("ask_resume")))

    new = final([transition])
    assert new.step is Step.RESUME
    assert new.profile.salary_floor is None
    assert transition.commands == ()  # nothing changed


@pytest.mark.parametrize(
    ("step", "sent", "error"),
    [
        (Step.ROLES, text(", ".join(f"Role {n}" for n in range(11))), "invalid_roles"),
        (Step.ROLES, text("x" * 81), "invalid_roles"),
        (Step.WORK_MODE, text("sometimes"), "invalid_work_mode"),
        (Step.WORK_MODE, tap("work_mode:sometimes"), "invalid_work_mode"),
        (Step.LOCATIONS, text("12345"), "invalid_locations"),
        (Step.SENIORITY, text("very good"), "invalid_seniority"),
        (Step.SALARY, text("lots"), "invalid_salary"),
        (Step.SALARY, text("60k"), "invalid_salary_currency"),
        (Step.SALARY, text("999999999 EUR"), "invalid_salary"),
        (Step.FREQUENCY, text("hourly"), "invalid_frequency"),
        (Step.TIMEZONE, text("Atlantis"), "invalid_timezone"),
        (Step.QUIET_HOURS, text("25-3"), "invalid_quiet_hours"),
        (Step.QUIET_HOURS, text("7-7"), "invalid_quiet_hours"),
    ],
)
def test_an_invalid_answer_explains_and_asks_again(
    step: Step, sent: InboundMessage, error: str
) -> None:
    conv = at_step(step)
    (transition,) = converse(conv, (sent, says(error)))

    assert transition.conversation == conv
    assert transition.commands == ()
    assert payloads(transition.replies[0]) == STEP_BUTTONS[step]


def test_finishing_onboarding_shows_the_profile_and_the_menu() -> None:
    conv = at_step(Step.QUIET_HOURS, profile=PROFILE.model_copy(update={"quiet_hours": None}))
    (transition,) = converse(
        conv, (text("22:00 bis 07:00 Uhr"), (en("done", summary=SUMMARY), en("menu")))
    )

    new = final([transition])
    assert new.onboarded
    assert new.step is Step.DONE
    assert new.profile == PROFILE
    assert transition.commands == (SaveProfile(profile=PROFILE, reindex=False), MATCH_NOW)
    assert payloads(transition.replies[1]) == MENU


def test_every_onboarding_answer_is_saved_as_it_is_given() -> None:
    conv = consented()
    for transition in converse(conv, *ONBOARDING):
        new = final([transition])
        changed = new.profile != conv.profile
        saved = (SaveProfile(profile=new.profile, reindex=False),) if changed else ()
        matched = (MATCH_NOW,) if new.onboarded else ()
        assert transition.commands == (*saved, *matched)
        conv = new

    assert conv.profile == PROFILE


# --- the resume -------------------------------------------------------------------------------


def test_resume_upload_is_parsed_summarised_corrected_and_confirmed() -> None:
    skills = "Python, SQL, Kubernetes"
    transitions = converse(
        at_step(Step.RESUME),
        (document(), says("resume_reading")),
        (text("are you there?"), says("resume_wait")),
        (document(), says("resume_wait")),
        (parsed(), (resume_summary(),)),
        (tap("resume:skills"), says("ask_skills")),
        (text("Python, SQL und Kubernetes"), (resume_summary(skills),)),
        (tap("resume:title"), says("ask_title")),
        (text("Staff Engineer"), (resume_summary(skills, "6", "Staff Engineer"),)),
        (tap("resume:years"), says("ask_years")),
        (text("many"), says("invalid_years")),
        (text("7,5 Jahre"), (resume_summary(skills, "7.5", "Staff Engineer"),)),
        (tap("resume:ok"), says("ask_frequency")),
    )
    upload, waiting, second_upload, summary, *_, invalid_years, _, confirmed = transitions

    assert upload.commands == (ParseResume(file=CV),)
    assert final([upload]).step is Step.RESUME_WAIT
    assert waiting.conversation == upload.conversation
    assert second_upload.conversation == upload.conversation
    assert second_upload.commands == ()
    assert final([summary]).step is Step.RESUME_CONFIRM
    assert payloads(summary.replies[0]) == [
        ["resume:ok"],
        ["resume:skills", "resume:title", "resume:years"],
    ]
    assert invalid_years.conversation == transitions[-4].conversation
    resume = ResumeSummary(
        skills=("Python", "SQL", "Kubernetes"), years_experience=7.5, last_title="Staff Engineer"
    )
    conv = final(transitions)
    assert conv.step is Step.FREQUENCY
    assert conv.profile.resume == resume
    assert conv.pending_resume is None
    assert confirmed.commands == (KEEP, SaveProfile(profile=conv.profile, reindex=False))
    # Contact details from the resume stay out of the profile and the conversation.
    assert "ada@example.org" not in conv.model_dump_json()


def test_a_resume_with_nothing_found_says_so() -> None:
    converse(
        at_step(Step.RESUME_WAIT),
        (parsed(ParsedResume(text_chars=300)), (resume_summary(*["not found"] * 3),)),
        (text("yes"), says("ask_frequency")),
    )


def test_the_resume_summary_asks_again_for_anything_but_a_choice() -> None:
    conv = at_step(Step.RESUME_CONFIRM, pending_resume=ResumeSummary(skills=("Go",)))
    (transition,) = converse(
        conv,
        (text("hmm"), (en("invalid_resume_confirm"), resume_summary("Go", *["not found"] * 2))),
    )

    assert transition.conversation == conv


@pytest.mark.parametrize("sent", [tap("resume:skip"), text("skip"), text("omitir")])
def test_the_resume_can_be_skipped(sent: InboundMessage) -> None:
    (transition,) = converse(at_step(Step.RESUME), (sent, says("ask_frequency")))

    assert final([transition]).profile.resume is None
    assert transition.commands == ()


def test_pasted_resume_text_must_be_long_enough() -> None:
    short = "Python developer, 6 years. " * 7
    long = short + "x" * (MIN_PASTED_RESUME_CHARS - len(short))
    assert len(short) < MIN_PASTED_RESUME_CHARS == len(long)
    conv = at_step(Step.RESUME)

    too_short, accepted = converse(
        conv,
        (text(short), says("resume_text_too_short")),
        (text(long), says("resume_reading")),
    )

    assert too_short.conversation == conv
    assert too_short.commands == ()
    assert accepted.commands == (ParseResume(text=long),)
    assert final([accepted]).step is Step.RESUME_WAIT


@pytest.mark.parametrize(
    ("reason", "hint"),
    [
        ("too_large", "too large (the limit is 10 MB)"),
        ("unsupported_type", "not a PDF or DOCX"),
        ("corrupt", "damaged"),
        ("encrypted", "password-protected"),
        ("empty", "contains no text"),
        ("scanned", "looks like a scan"),
        ("download", "couldn't download"),
    ],
)
def test_a_failed_parse_explains_why_and_asks_for_the_resume_again(reason: str, hint: str) -> None:
    message = en(f"resume_failed_{reason}", limit=10)
    (transition,) = converse(
        at_step(Step.RESUME_WAIT), (failed(reason), (message, en("ask_resume")))
    )

    assert hint in message
    assert final([transition]).step is Step.RESUME
    assert payloads(transition.replies[1]) == [["resume:skip"]]
    assert transition.commands == ()


def test_an_unknown_failure_reads_as_a_damaged_file() -> None:
    converse(
        at_step(Step.RESUME_WAIT),
        (failed("gremlins"), (en("resume_failed_corrupt"), en("ask_resume"))),
    )


def test_a_parse_result_after_the_user_moved_on_is_ignored() -> None:
    conv = at_step(Step.FREQUENCY)

    # The intake stored the late resume aside: it must be dropped, not kept.
    assert advance(conv, parsed(), NOW) == Transition(conversation=conv, commands=(DROP,))
    assert advance(conv, failed("corrupt"), NOW) == Transition(conversation=conv)


@pytest.mark.parametrize(
    ("sent", "expected"),
    [
        (photo(), says("resume_photo")),
        (
            document(CV.model_copy(update={"size": MAX_RESUME_BYTES + 1})),
            (en("resume_too_large", limit=10), en("ask_resume")),
        ),
        (
            document(FileRef(file_id="doc-2", file_name="cv.png", mime_type="image/png", size=9)),
            (en("resume_failed_unsupported_type"), en("ask_resume")),
        ),
        (_message(MessageKind.DOCUMENT), (en("resume_not_document"), en("ask_resume"))),
    ],
)
def test_files_that_cannot_be_a_resume_are_refused_before_parsing(
    sent: InboundMessage, expected: tuple[str, ...]
) -> None:
    conv = at_step(Step.RESUME)
    (transition,) = converse(conv, (sent, expected))

    assert transition.conversation == conv
    assert transition.commands == ()


@pytest.mark.parametrize(
    "mime",
    [
        "application/pdf",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/msword",
        None,
    ],
)
def test_pdf_and_word_files_are_parsed(mime: str | None) -> None:
    file = FileRef(file_id="doc-3", file_name="cv", mime_type=mime, size=MAX_RESUME_BYTES)
    (transition,) = converse(at_step(Step.RESUME), (document(file), says("resume_reading")))

    assert transition.commands == (ParseResume(file=file),)


def test_a_document_at_another_onboarding_step_is_not_parsed() -> None:
    conv = at_step(Step.SENIORITY)
    (transition,) = converse(conv, (document(), (en("resume_not_document"), en("ask_seniority"))))

    assert transition.conversation == conv
    assert transition.commands == ()


def test_a_photo_at_another_step_asks_that_question_again() -> None:
    converse(at_step(Step.TIMEZONE), (photo(), (en("photo_not_text"), en("ask_timezone"))))


# --- commands during onboarding ---------------------------------------------------------------


@pytest.mark.parametrize("name", ["menu", "prefs", "resume", "frequency"])
def test_the_menu_waits_until_onboarding_is_finished(name: str) -> None:
    conv = at_step(Step.SENIORITY)
    (transition,) = converse(
        conv, (command(name), says("finish_onboarding_first", "ask_seniority"))
    )

    assert transition.conversation == conv
    assert payloads(transition.replies[1]) == SENIORITY_BUTTONS


def test_cancel_during_onboarding_keeps_the_step() -> None:
    conv = at_step(Step.LOCATIONS)
    (cancel, start) = converse(
        conv,
        (command("cancel"), says("onboarding_paused")),
        (command("start"), says("ask_locations")),
    )

    assert cancel.conversation == conv
    assert start.conversation == conv


def test_prefs_buttons_before_onboarding_are_stale() -> None:
    conv = at_step(Step.ROLES)
    (transition,) = converse(conv, (tap("prefs:roles"), says("stale_button", "ask_roles")))

    assert transition.conversation == conv


@pytest.mark.parametrize(
    ("step", "stale", "prompt"),
    [
        (Step.LOCATIONS, "work_mode:remote", ("ask_locations",)),
        (Step.SENIORITY, "salary:skip", ("ask_seniority",)),
        (Step.RESUME, "resume:ok", ("ask_resume",)),  # the summary's button, before a summary
        (Step.RESUME, "resume:skills", ("ask_resume",)),
        (Step.RESUME_WAIT, "resume:skip", ("resume_wait",)),
        (Step.ROLES, "delete:yes", ("ask_roles",)),
        (Step.ROLES, "lang:xx", ("ask_roles",)),
        (Step.QUIET_HOURS, "employment_type:full_time", ("ask_quiet_hours",)),
        (Step.ROLES, "prefs:employment_type", ("ask_roles",)),
    ],
)
def test_a_button_from_an_earlier_question_is_stale(
    step: Step, stale: str, prompt: tuple[str, ...]
) -> None:
    conv = at_step(step)
    (transition,) = converse(conv, (tap(stale), says("stale_button", *prompt)))

    assert transition.conversation == conv
    assert transition.commands == ()


# --- after onboarding -------------------------------------------------------------------------


def test_start_after_onboarding_welcomes_back_with_the_menu() -> None:
    (transition,) = converse(onboarded(), (command("start"), says("welcome_back", "menu")))

    assert payloads(transition.replies[1]) == MENU


def test_text_after_onboarding_shows_the_menu() -> None:
    conv = onboarded()
    (transition,) = converse(conv, (text("hello"), says("menu")))

    assert transition.conversation == conv


@pytest.mark.parametrize("sent", [command("menu"), tap("cmd:menu")])
def test_menu(sent: InboundMessage) -> None:
    (transition,) = converse(onboarded(), (sent, says("menu")))

    assert payloads(transition.replies[0]) == MENU


def test_prefs_offers_every_answer() -> None:
    conv = onboarded()
    (transition,) = converse(
        conv, (command("prefs"), (en("prefs_choose", summary=profile_summary(PROFILE, "en")),))
    )

    assert SUMMARY in transition.replies[0].text
    # The resume has its own entry in the main menu; the rest is on a second page, so each
    # page fits the ten rows of a WhatsApp list.
    assert payloads(transition.replies[0]) == [
        ["prefs:roles", "prefs:work_mode", "prefs:locations"],
        ["prefs:seniority", "prefs:salary", "prefs:employment_type"],
        ["prefs:skills", "prefs:languages", "prefs:licences"],
        ["prefs:more"],
    ]
    assert transition.conversation == conv


def test_more_shows_the_second_page_of_prefs_and_back_returns_to_the_first() -> None:
    conv = onboarded()
    more, back = converse(
        conv,
        (tap("prefs:more"), says("prefs_choose_more")),
        (tap("cmd:prefs"), (en("prefs_choose", summary=SUMMARY),)),
    )

    assert payloads(more.replies[0]) == [
        ["prefs:commute", "prefs:stretch", "prefs:frequency"],
        ["prefs:timezone", "prefs:quiet_hours"],
        ["cmd:prefs"],
    ]
    assert more.conversation == conv
    assert payloads(back.replies[0])[-1] == ["prefs:more"]


def test_every_editable_answer_is_on_a_prefs_page_once() -> None:
    from conversations.flow import EDITABLE, PREFS_BUTTONS, PREFS_MORE_BUTTONS

    pages = (*PREFS_BUTTONS, *PREFS_MORE_BUTTONS)
    assert sorted(pages) == sorted(step for step in EDITABLE if step is not Step.RESUME)
    # A page's buttons and its "More…" or "Back" button: at most the 10 rows of a WhatsApp list.
    assert len(PREFS_BUTTONS) + 1 <= 10
    assert len(PREFS_MORE_BUTTONS) + 1 <= 10


def test_the_second_prefs_page_waits_until_onboarding_is_finished() -> None:
    conv = at_step(Step.ROLES)
    (transition,) = converse(conv, (tap("prefs:more"), says("stale_button", "ask_roles")))

    assert transition.conversation == conv


@pytest.mark.parametrize(
    ("field", "prompt", "sent", "change"),
    [
        ("roles", "ask_roles", text("Data Scientist"), {"roles": ("Data Scientist",)}),
        ("work_mode", "ask_work_mode", tap("work_mode:hybrid"), {"work_modes": (WorkMode.HYBRID,)}),
        ("locations", "ask_locations", text("überall"), {"locations": ()}),
        ("seniority", "ask_seniority", text("Lead"), {"seniority": Seniority.LEAD}),
        ("salary", "ask_salary", tap("salary:skip"), {"salary_floor": None}),
        ("salary", "ask_salary", text("$120,000"),
         {"salary_floor": SalaryFloor(amount=120_000, currency="USD")}),
        ("frequency", "ask_frequency", tap("frequency:weekly"), {"frequency": Frequency.WEEKLY}),
        ("timezone", "ask_timezone", text("UTC-5"), {"timezone": "Etc/GMT+5"}),
        ("quiet_hours", "ask_quiet_hours", tap("quiet_hours:none"), {"quiet_hours": None}),
        ("employment_type", "ask_employment_type", tap("employment_type:contract"),
         {"employment_types": (EmploymentType.CONTRACT,)}),
        ("employment_type", "ask_employment_type", text("Vollzeit oder Teilzeit"),
         {"employment_types": (EmploymentType.FULL_TIME, EmploymentType.PART_TIME)}),
        ("employment_type", "ask_employment_type", text("prácticas, freelance"),
         {"employment_types": (EmploymentType.CONTRACT, EmploymentType.INTERNSHIP)}),
        ("languages", "ask_languages", text("German C1, English native"),
         {"languages": (GERMAN_C1, ENGLISH_NATIVE)}),
        ("languages", "ask_languages", text("Deutsch fließend, Englisch Muttersprache"),
         {"languages": (GERMAN_C1, ENGLISH_NATIVE)}),
        ("licences", "ask_licences", text("RN, CDL Class A"),
         {"licences": ("RN", "CDL Class A")}),
        ("commute", "ask_commute", text("within 30 km of Cambridge"),
         {"commute": Commute(place="Cambridge", radius_km=30)}),
        ("commute", "ask_commute", text("im Umkreis von 20 km um München"),
         {"commute": Commute(place="München", radius_km=20)}),
        ("stretch", "ask_stretch", tap("stretch:yes"), {"stretch": True}),
        ("stretch", "ask_stretch", text("1"), {"stretch": True}),
        ("stretch", "ask_stretch", text("sí"), {"stretch": True}),
    ],
)
def test_editing_one_answer_changes_only_that_answer(
    field: str, prompt: str, sent: InboundMessage, change: dict[str, Any]
) -> None:
    conv = onboarded()
    pick, answer = converse(
        conv,
        (command("prefs"), (en("prefs_choose", summary=SUMMARY),)),
        (tap(f"prefs:{field}"), says(prompt)),
        (sent, says("saved", "menu")),
    )[1:]

    editing = final([pick])
    assert editing.step == Step(field)
    assert editing.editing
    assert payloads(pick.replies[0]) == STEP_BUTTONS[Step(field)]
    done = final([answer])
    assert done.profile == PROFILE.model_copy(update=change)
    assert (done.step, done.editing, done.onboarded) == (Step.DONE, False, True)
    assert answer.commands == (SaveProfile(profile=done.profile, reindex=False), MATCH_NOW)
    assert payloads(answer.replies[1]) == MENU


@pytest.mark.parametrize("sent", [tap("employment_type:any"), text("egal"), text("Any")])
def test_any_employment_type_clears_the_choice(sent: InboundMessage) -> None:
    chosen = (EmploymentType.FULL_TIME, EmploymentType.CONTRACT)
    conv = onboarded().model_copy(
        update={"profile": PROFILE.model_copy(update={"employment_types": chosen})}
    )
    *_, answer = converse(
        conv,
        (tap("prefs:employment_type"), says("ask_employment_type")),
        (sent, says("saved", "menu")),
    )

    assert final([answer]).profile == PROFILE
    assert answer.commands == (SaveProfile(profile=PROFILE, reindex=False), MATCH_NOW)


def test_an_invalid_employment_type_asks_again_with_the_buttons() -> None:
    conv = onboarded()
    pick, invalid, valid = converse(
        conv,
        (tap("prefs:employment_type"), says("ask_employment_type")),
        (text("whenever"), says("invalid_employment_type")),
        (tap("employment_type:internship"), says("saved", "menu")),
    )

    assert payloads(invalid.replies[0]) == EMPLOYMENT_BUTTONS
    assert final([invalid]) == final([pick])
    assert invalid.commands == ()
    done = final([valid])
    assert done.profile.employment_types == (EmploymentType.INTERNSHIP,)
    assert (done.step, done.editing) == (Step.DONE, False)


@pytest.mark.parametrize("lang", SUPPORTED)
def test_the_profile_summary_names_the_employment_types(lang: str) -> None:
    profile = PROFILE.model_copy(
        update={"employment_types": (EmploymentType.FULL_TIME, EmploymentType.TEMPORARY)}
    )
    chosen = profile_summary(profile, lang).split("\n")
    any_type = profile_summary(PROFILE, lang).split("\n")

    full, temporary = t(lang, "btn_employment_full_time"), t(lang, "btn_employment_temporary")
    assert chosen[5].endswith(f": {full}, {temporary}")
    assert any_type[5].endswith(f": {t(lang, 'employment_any')}")
    assert chosen[:5] == any_type[:5]


SET = PROFILE.model_copy(
    update={
        "languages": (GERMAN_C1,),
        "licences": ("RN",),
        "commute": Commute(place="Cambridge", radius_km=30),
        "stretch": True,
    }
)


@pytest.mark.parametrize(
    ("field", "sent", "change"),
    [
        ("languages", tap("languages:none"), {"languages": ()}),
        ("languages", text("keine"), {"languages": ()}),
        ("licences", tap("licences:none"), {"licences": ()}),
        ("licences", text("ninguna"), {"licences": ()}),
        ("commute", tap("commute:none"), {"commute": None}),
        ("commute", text("none"), {"commute": None}),
        ("stretch", tap("stretch:no"), {"stretch": False}),
        ("stretch", text("nein"), {"stretch": False}),
    ],
)
def test_the_new_answers_can_be_cleared(
    field: str, sent: InboundMessage, change: dict[str, Any]
) -> None:
    conv = onboarded().model_copy(update={"profile": SET})
    *_, answer = converse(
        conv, (tap(f"prefs:{field}"), says(f"ask_{field}")), (sent, says("saved", "menu"))
    )

    assert final([answer]).profile == SET.model_copy(update=change)
    saved = SaveProfile(profile=final([answer]).profile, reindex=False)
    assert answer.commands == (saved, MATCH_NOW)


@pytest.mark.parametrize("lang", SUPPORTED)
@pytest.mark.parametrize(
    ("field", "typed", "key"),
    [
        ("languages", "Klingon fluently asdf", "invalid_languages"),
        ("languages", "C1", "invalid_languages"),
        ("licences", "1, 2", "invalid_licences"),
        ("commute", "Cambridge", "invalid_commute"),
        ("commute", "within 900 km of Cambridge", "invalid_commute_radius"),
        ("commute", "within 0 km of Cambridge", "invalid_commute_radius"),
        ("commute", "within 30 km of Atlantis", "invalid_commute_place"),
        ("stretch", "maybe", "invalid_stretch"),
    ],
)
def test_a_new_answer_that_cannot_be_read_is_asked_again_in_the_users_language(
    lang: str, field: str, typed: str, key: str
) -> None:
    conv = onboarded().model_copy(update={"lang": lang})
    pick, invalid = converse(
        conv,
        (tap(f"prefs:{field}"), says(f"ask_{field}", lang=lang)),
        (text(typed), says(key, lang=lang)),
    )

    assert invalid.conversation == pick.conversation
    assert invalid.commands == ()
    assert payloads(invalid.replies[0]) == STEP_BUTTONS[Step(field)]


def test_the_new_answers_are_not_asked_during_onboarding() -> None:
    conv = consented()
    asked = []
    for row in ONBOARDING:
        (transition,) = converse(conv, row)
        conv = final([transition])
        asked.append(conv.step)
    assert not {Step.LANGUAGES, Step.LICENCES, Step.COMMUTE, Step.STRETCH} & set(asked)


@pytest.mark.parametrize(
    ("lang", "lines"),
    [
        ("en", ["• Languages: German (fluent), English (native)",
                "• Licences: RN, CDL Class A",
                "• Commute: within 12.5 km of Cambridge",
                "• Stretch jobs: yes, marked as a stretch"]),
        ("de", ["• Sprachen: Deutsch (fließend), Englisch (Muttersprache)",
                "• Lizenzen: RN, CDL Class A",
                "• Pendeln: im Umkreis von 12,5 km um Cambridge",
                "• Stretch-Jobs: ja, als Herausforderung gekennzeichnet"]),
        ("es", ["• Idiomas: alemán (fluido), inglés (nativo)",
                "• Licencias: RN, CDL Class A",
                "• Desplazamiento: a 12,5 km de Cambridge",
                "• Empleos de reto: sí, marcados como reto"]),
    ],
)
def test_the_profile_summary_lists_the_new_answers_after_the_skills(
    lang: str, lines: list[str]
) -> None:
    profile = PROFILE.model_copy(
        update={
            "languages": (GERMAN_C1, ENGLISH_NATIVE),
            "licences": ("RN", "CDL Class A"),
            "commute": Commute(place="Cambridge", radius_km=12.5),
            "stretch": True,
        }
    )
    plain = profile_summary(PROFILE, lang).split("\n")
    summary = profile_summary(profile, lang).split("\n")

    assert summary == [*plain[:7], *lines, *plain[7:]]


@pytest.mark.parametrize("lang", SUPPORTED)
def test_a_profile_without_the_new_answers_reads_as_before(lang: str) -> None:
    # Unset, empty and "no" are not listed: eleven lines, as the summary always had.
    assert len(profile_summary(PROFILE, lang).split("\n")) == 11


def test_an_invalid_edit_asks_again_and_keeps_editing() -> None:
    conv = onboarded()
    *_, invalid, valid = converse(
        conv,
        (tap("prefs:timezone"), says("ask_timezone")),
        (text("Atlantis"), says("invalid_timezone")),
        (text("Madrid"), says("saved", "menu")),
    )

    assert final([invalid]).editing
    assert invalid.commands == ()
    assert final([valid]).profile == PROFILE.model_copy(update={"timezone": "Europe/Madrid"})


@pytest.mark.parametrize("sent", [command("frequency"), tap("cmd:frequency")])
def test_frequency(sent: InboundMessage) -> None:
    ask, answer = converse(
        onboarded(),
        (sent, says("ask_frequency")),
        (tap("frequency:weekly"), says("saved", "menu")),
    )

    assert payloads(ask.replies[0]) == FREQUENCY_BUTTONS
    assert final([answer]).profile == PROFILE.model_copy(update={"frequency": Frequency.WEEKLY})


def test_cancel_while_editing_returns_to_the_menu_unchanged() -> None:
    conv = onboarded()
    *_, cancel = converse(
        conv,
        (tap("prefs:roles"), says("ask_roles")),
        (command("cancel"), says("cancelled", "menu")),
    )

    assert cancel.conversation == conv
    assert cancel.commands == ()


def test_replacing_the_resume_ends_in_the_menu() -> None:
    conv = onboarded()
    transitions = converse(
        conv,
        (command("resume"), says("ask_resume")),
        (document(), says("resume_reading")),
        (parsed(), (resume_summary(),)),
        (tap("resume:ok"), says("saved", "menu")),
    )

    assert transitions[1].commands == (ParseResume(file=CV),)
    done = final(transitions)
    resume = ResumeSummary(
        skills=("Python", "Go"), years_experience=6.0, last_title="Backend Developer"
    )
    assert done.profile == PROFILE.model_copy(update={"resume": resume})
    assert (done.step, done.editing, done.pending_resume) == (Step.DONE, False, None)
    saved = SaveProfile(profile=done.profile, reindex=False)
    assert transitions[-1].commands == (KEEP, saved, MATCH_NOW)
    summary = profile_summary(done.profile, "en")
    (prefs,) = converse(done, (command("prefs"), (en("prefs_choose", summary=summary),)))
    assert "• Skills: Python, Go\n" in prefs.replies[0].text


# --- languages and licences read from the resume ----------------------------------------------

WITH_LANGUAGES = PARSED.model_copy(
    update={
        "spoken_languages": (GERMAN_C1, ENGLISH_NATIVE),
        "certifications": ("Registered Nurse (RN)", "CDL Class A"),
    }
)


def prefilled(lines: list[str], then: str, lang: str = "en") -> str:
    """The note on what the resume filled in, said in the same message as what comes next."""
    return t(lang, "resume_prefilled", fields="\n".join(lines)) + "\n\n" + then


def test_a_confirmed_resume_fills_in_languages_and_licences_and_says_so() -> None:
    transitions = converse(
        at_step(Step.RESUME),
        (document(), says("resume_reading")),
        (parsed(WITH_LANGUAGES), (resume_summary(),)),
        (
            tap("resume:ok"),
            (
                prefilled(
                    [
                        "• Languages: German (fluent), English (native)",
                        "• Licences: Registered Nurse (RN), CDL Class A",
                    ],
                    en("ask_frequency"),
                ),
            ),
        ),
    )

    profile = final(transitions).profile
    assert profile.languages == (GERMAN_C1, ENGLISH_NATIVE)
    assert profile.licences == ("Registered Nurse (RN)", "CDL Class A")
    # The confirmed summary keeps them too: matching reads them from either.
    assert profile.resume is not None
    assert profile.resume.spoken_languages == (GERMAN_C1, ENGLISH_NATIVE)
    assert profile.resume.certifications == ("Registered Nurse (RN)", "CDL Class A")


def test_answers_given_in_prefs_are_never_overwritten_by_a_resume() -> None:
    mine = PROFILE.model_copy(update={"languages": (ENGLISH_NATIVE,)})
    conv = onboarded().model_copy(update={"profile": mine})
    *_, confirm = converse(
        conv,
        (document(), says("resume_reading")),
        (parsed(WITH_LANGUAGES), (resume_summary(),)),
        (
            tap("resume:ok"),
            (
                prefilled(["• Licences: Registered Nurse (RN), CDL Class A"], en("saved")),
                en("menu"),
            ),
        ),
    )

    done = final([confirm])
    assert done.profile.languages == (ENGLISH_NATIVE,)
    assert done.profile.licences == ("Registered Nurse (RN)", "CDL Class A")
    assert confirm.commands == (KEEP, SaveProfile(profile=done.profile, reindex=False), MATCH_NOW)


def test_a_resume_adds_nothing_when_both_answers_are_given() -> None:
    mine = PROFILE.model_copy(update={"languages": (ENGLISH_NATIVE,), "licences": ("RN",)})
    conv = onboarded().model_copy(update={"profile": mine})
    *_, confirm = converse(
        conv,
        (document(), says("resume_reading")),
        (parsed(WITH_LANGUAGES), (resume_summary(),)),
        (tap("resume:ok"), says("saved", "menu")),
    )

    assert final([confirm]).profile.languages == (ENGLISH_NATIVE,)
    assert final([confirm]).profile.licences == ("RN",)


def test_an_unconfirmed_resume_fills_in_nothing() -> None:
    conv = onboarded()
    *_, cancel = converse(
        conv,
        (document(), says("resume_reading")),
        (parsed(WITH_LANGUAGES), (resume_summary(),)),
        (command("cancel"), says("cancelled", "menu")),
    )

    assert final([cancel]).profile == conv.profile


def test_all_set_lists_what_the_resume_filled_in() -> None:
    (confirm,) = converse(
        at_step(Step.RESUME_CONFIRM, profile=PROFILE, pending_resume=ResumeSummary(
            spoken_languages=(GERMAN_C1,))),
        (tap("resume:ok"), (prefilled(["• Languages: German (fluent)"], en("ask_frequency")),)),
    )
    conv = final([confirm]).model_copy(update={"step": Step.QUIET_HOURS})
    (done,) = converse(
        conv,
        (
            tap("quiet_hours:22-7"),
            (en("done", summary=profile_summary(final([confirm]).profile, "en")), en("menu")),
        ),
    )

    assert "• Skills: none\n• Languages: German (fluent)\n• Alerts:" in done.replies[0].text


@needs_german
def test_the_resume_note_is_in_the_users_language() -> None:
    conv = at_step(Step.RESUME_CONFIRM, lang=DE, pending_resume=ResumeSummary(
        spoken_languages=(ENGLISH_NATIVE,), certifications=("Führerschein B",)))
    (confirm,) = converse(
        conv,
        (
            tap("resume:ok"),
            (
                prefilled(
                    ["• Sprachen: Englisch (Muttersprache)", "• Lizenzen: Führerschein B"],
                    t(DE, "ask_frequency"),
                    DE,
                ),
            ),
        ),
    )

    assert final([confirm]).profile.licences == ("Führerschein B",)


def test_skipping_a_replacement_keeps_the_old_resume() -> None:
    old = ResumeSummary(skills=("Go",))
    conv = onboarded().model_copy(update={"profile": PROFILE.model_copy(update={"resume": old})})
    *_, skip = converse(
        conv,
        (tap("prefs:resume"), says("ask_resume")),
        (tap("resume:skip"), says("saved", "menu")),
    )

    assert skip.conversation == conv
    assert skip.commands == ()  # nothing changed, so nothing to match


def test_a_failed_replacement_asks_again_and_cancel_keeps_the_old_resume() -> None:
    old = ResumeSummary(skills=("Go",))
    conv = onboarded().model_copy(update={"profile": PROFILE.model_copy(update={"resume": old})})
    *_, cancel = converse(
        conv,
        (tap("cmd:resume"), says("ask_resume")),
        (text("long enough " * 20), says("resume_reading")),
        (failed("empty"), (en("resume_failed_empty"), en("ask_resume"))),
        (command("cancel"), says("cancelled", "menu")),
    )

    assert final([cancel]).profile.resume == old
    assert final([cancel]).step is Step.DONE


def test_a_document_after_onboarding_replaces_the_resume() -> None:
    transitions = converse(
        onboarded(),
        (document(), says("resume_reading")),
        (parsed(), (resume_summary(),)),
        (text("ja"), says("saved", "menu")),
    )

    assert transitions[0].commands == (ParseResume(file=CV),)
    assert final(transitions).profile.resume is not None


def test_pause_and_unpause() -> None:
    conv = onboarded()
    pause, unpause = converse(
        conv,
        (command("pause"), says("paused")),
        (command("unpause"), says("unpaused")),
    )

    paused = PROFILE.model_copy(update={"paused": True})
    assert pause.commands == (SaveProfile(profile=paused),)
    assert unpause.commands == (SaveProfile(profile=PROFILE),)  # consent stands: no new record
    assert final([unpause]).consents == CONSENTS


def test_the_menu_offers_to_unpause_when_paused() -> None:
    conv = onboarded()
    *_, menu = converse(conv, (tap("cmd:pause"), says("paused")), (command("menu"), says("menu")))

    assert payloads(menu.replies[0])[1] == ["cmd:frequency", "cmd:unpause"]


def test_privacy_lists_consents_with_version_and_time() -> None:
    conv = onboarded()
    (transition,) = converse(
        conv,
        (
            command("privacy"),
            (
                en(
                    "privacy_status",
                    version=POLICY_VERSION,
                    records=(
                        f"• Processing your profile: given on 2026-11-22 10:00 UTC "
                        f"(version {POLICY_VERSION})\n"
                        f"• Receiving job messages: given on 2026-11-22 10:00 UTC "
                        f"(version {POLICY_VERSION})"
                    ),
                ),
            ),
        ),
    )

    assert payloads(transition.replies[0]) == [["privacy:messages"], ["privacy:all"]]
    assert transition.conversation == conv


def test_withdrawing_job_messages_pauses_and_unpause_asks_consent_again() -> None:
    conv = onboarded()
    withdraw, _, unpause = converse(
        conv,
        (tap("privacy:messages"), says("messages_withdrawn")),
        (
            command("privacy"),
            (
                en(
                    "privacy_status",
                    version=POLICY_VERSION,
                    records=(
                        f"• Processing your profile: given on 2026-11-22 10:00 UTC "
                        f"(version {POLICY_VERSION})\n"
                        f"• Receiving job messages: withdrawn on 2026-11-22 10:00 UTC "
                        f"(version {POLICY_VERSION})"
                    ),
                ),
            ),
        ),
        (command("unpause"), says("unpaused")),
    )

    withdrawal = ConsentRecord(
        purpose=ConsentPurpose.JOB_MESSAGES, granted=False, version=POLICY_VERSION, at=NOW
    )
    paused = PROFILE.model_copy(update={"paused": True})
    assert withdraw.commands == (RecordConsent(records=(withdrawal,)), SaveProfile(profile=paused))
    assert final([withdraw]).consents == (*CONSENTS, withdrawal)
    assert final([withdraw]).profile.paused

    renewed = ConsentRecord(
        purpose=ConsentPurpose.JOB_MESSAGES, granted=True, version=POLICY_VERSION, at=NOW
    )
    assert unpause.commands == (RecordConsent(records=(renewed,)), SaveProfile(profile=PROFILE))
    assert final([unpause]).consents == (*CONSENTS, withdrawal, renewed)


def test_export() -> None:
    conv = onboarded()
    (transition,) = converse(conv, (command("export"), says("export_preparing")))

    assert transition.commands == (ExportData(),)
    assert transition.conversation == conv


DELETE_BUTTONS = [["delete:yes"], ["delete:no"]]


@pytest.mark.parametrize("confirm", [tap("delete:yes"), text("yes"), text("ja")])
def test_delete_erases_everything_after_confirmation(confirm: InboundMessage) -> None:
    ask, erase = converse(
        onboarded(),
        (command("delete"), says("confirm_delete")),
        (confirm, says("deleted")),
    )

    assert payloads(ask.replies[0]) == DELETE_BUTTONS
    assert final([ask]).step is Step.CONFIRM_DELETE
    assert ask.commands == ()
    assert erase.conversation is None
    assert erase.commands == (EraseUser(),)


def test_withdrawing_all_consent_asks_to_confirm_the_deletion() -> None:
    *_, erase = converse(
        onboarded(),
        (command("privacy"), (en("privacy_status", version=POLICY_VERSION, records=_records()),)),
        (tap("privacy:all"), says("confirm_delete")),
        (tap("delete:yes"), says("deleted")),
    )

    assert erase.commands == (EraseUser(),)


def _records() -> str:
    return "\n".join(
        f"• {en(f'purpose_{purpose}')}: given on 2026-11-22 10:00 UTC (version {POLICY_VERSION})"
        for purpose in ConsentPurpose
    )


@pytest.mark.parametrize(
    "no", [tap("delete:no"), command("cancel"), text("no"), text("lieber nicht")]
)
def test_not_deleting_returns_to_the_menu(no: InboundMessage) -> None:
    conv = onboarded()
    *_, back = converse(
        conv,
        (command("delete"), says("confirm_delete")),
        (no, says("delete_cancelled", "menu")),
    )

    assert back.conversation == conv
    assert back.commands == ()


def test_not_deleting_returns_to_the_question_being_edited() -> None:
    conv = onboarded()
    *_, back, edit = converse(
        conv,
        (tap("prefs:seniority"), says("ask_seniority")),
        (command("delete"), says("confirm_delete")),
        (command("delete"), says("confirm_delete")),  # asking twice still remembers where
        (tap("delete:no"), says("delete_cancelled", "ask_seniority")),
        (text("Principal"), says("saved", "menu")),
    )

    assert (final([back]).step, final([back]).editing) == (Step.SENIORITY, True)
    assert final([edit]).profile == PROFILE.model_copy(update={"seniority": Seniority.PRINCIPAL})


def test_not_deleting_during_onboarding_returns_to_the_step() -> None:
    conv = at_step(Step.SALARY)
    *_, back = converse(
        conv,
        (command("delete"), says("confirm_delete")),
        (command("cancel"), says("delete_cancelled", "ask_salary")),
    )

    assert back.conversation is not None
    assert back.conversation.step is Step.SALARY
    assert back.conversation.return_step is None


@pytest.mark.parametrize("name", ["help", "frobnicate"])
def test_help_and_unknown_commands_get_the_help(name: str) -> None:
    conv = onboarded()
    (transition,) = converse(conv, (command(name), says("help")))

    assert transition.conversation == conv


# --- edits, stickers, groups, blocking, languages ---------------------------------------------


@pytest.mark.parametrize(
    ("sent", "key"), [(edited("Data Engineer"), "edited"), (sticker(), "unsupported")]
)
def test_messages_the_bot_does_not_take_as_answers(sent: InboundMessage, key: str) -> None:
    conv = at_step(Step.ROLES)
    (transition,) = converse(conv, (sent, says(key, "ask_roles")))

    assert transition.conversation == conv
    assert transition.commands == ()


def test_stale_buttons_after_onboarding() -> None:
    conv = onboarded()
    (transition,) = converse(conv, (tap("quiet_hours:none"), says("stale_button", "menu")))

    assert transition.conversation == conv


@pytest.mark.parametrize("conv", [None, Conversation(consents=CONSENTS)], ids=["before", "after"])
def test_group_messages_only_point_to_the_private_chat(conv: Conversation | None) -> None:
    (transition,) = converse(conv, (group("yes"), says("group_only_private")))

    assert transition.conversation == conv
    assert transition.commands == ()


def test_group_messages_before_consent_use_the_language_code() -> None:
    converse(None, (group("/start", language_code="de"), says("group_only_private", lang=DE)))


def test_blocking_marks_the_user_unreachable_and_any_message_undoes_it() -> None:
    conv = at_step(Step.ROLES)
    block, ignored, answer = converse(
        conv,
        (blocked(), ()),
        (parsed(), ()),  # an internal event proves nothing about the user
        (text("Nurse"), says("ask_work_mode")),
    )

    assert block.commands == (SetReachable(reachable=False),)
    assert final([block]) == conv.model_copy(update={"reachable": False})
    assert ignored.commands == (DROP,)  # a parse nobody waits for is not kept
    assert not final([ignored]).reachable
    back = final([answer])
    assert back.reachable
    assert back.step is Step.WORK_MODE
    assert answer.commands == (
        SetReachable(reachable=True), SaveProfile(profile=back.profile, reindex=False)
    )


def test_unblocking_marks_the_user_reachable_and_welcomes_them_back() -> None:
    conv = onboarded().model_copy(update={"reachable": False})
    (transition,) = converse(conv, (unblocked(), says("reachable_again")))

    assert transition.commands == (SetReachable(reachable=True),)
    assert transition.conversation == conv.model_copy(update={"reachable": True})


def test_language_command_offers_the_languages() -> None:
    (transition,) = converse(onboarded(), (command("language"), says("choose_language")))

    assert payloads(transition.replies[0]) == [LANGUAGE_BUTTONS]


@needs_german
def test_switching_language_after_consent_keeps_the_step() -> None:
    conv = at_step(Step.SENIORITY)
    (transition,) = converse(
        conv, (tap("lang:de"), says("language_set", "ask_seniority", lang="de"))
    )

    assert transition.conversation == conv.model_copy(update={"lang": "de"})
    assert transition.commands == ()
    assert payloads(transition.replies[1]) == SENIORITY_BUTTONS
    labels = [button.label for button in transition.replies[1].buttons[0]]
    assert labels == [t("de", "btn_intern"), t("de", "btn_junior"), t("de", "btn_mid")]


@needs_german
def test_switching_language_in_the_menu_answers_in_the_new_language() -> None:
    *_, menu = converse(
        onboarded(),
        (tap("cmd:language"), says("choose_language")),
        (tap("lang:de"), says("language_set", "menu", lang="de")),
        (command("prefs"), (t("de", "prefs_choose", summary=profile_summary(PROFILE, "de")),)),
    )

    assert final([menu]).lang == "de"


# --- matching right away: after onboarding and after every /prefs change ------------------------

# Every way to answer the last onboarding question, in every language; each must finish onboarding.
LAST_STEP_ANSWERS = [
    tap("quiet_hours:22-7"),
    tap("quiet_hours:none"),
    *(text(t(lang, key)) for lang in SUPPORTED for key in ("btn_quiet_default", "btn_no_quiet")),
    text("22-7"),
    text("23 bis 6 Uhr"),
    text("de 22 a 7"),
    text("22:00 - 06:30"),
    text("no"),
    text("none"),
    text("skip"),
    text("keine"),
    text("ninguna"),
    text("Überspringen"),
]


@pytest.mark.parametrize("before", [None, QuietHours(start=22, end=7)], ids=["unset", "set"])
@pytest.mark.parametrize("sent", LAST_STEP_ANSWERS, ids=lambda m: f"{m.kind}:{m.text}")
def test_every_last_answer_finishes_onboarding_and_matches_now(
    sent: InboundMessage, before: QuietHours | None
) -> None:
    # "No quiet hours" on an unset profile changes nothing, so no SaveProfile: matching must
    # still start, or the candidate is never indexed.
    conv = at_step(Step.QUIET_HOURS, profile=PROFILE.model_copy(update={"quiet_hours": before}))
    transition = advance(conv, sent, NOW)

    new = final([transition])
    assert new.onboarded
    assert new.step is Step.DONE
    assert transition.commands.count(MATCH_NOW) == 1
    assert transition.commands[-1] == MATCH_NOW  # after the SaveProfile, if any


def test_only_the_last_onboarding_answer_matches() -> None:
    conv = consented()
    for row in ONBOARDING[:-1]:
        (transition,) = converse(conv, row)
        assert MATCH_NOW not in transition.commands
        conv = final([transition])


@pytest.mark.parametrize(
    ("field", "sent"),
    [
        ("roles", text("Data Scientist")),
        ("roles", text("Backend Developer, Data Engineer")),  # the same answer again
        ("work_mode", tap("work_mode:hybrid")),
        ("locations", tap("locations:anywhere")),
        ("seniority", tap("seniority:lead")),
        ("salary", tap("salary:skip")),
        ("salary", text("70000 EUR")),
        ("employment_type", tap("employment_type:contract")),
        ("employment_type", text("1, 3")),
        ("frequency", tap("frequency:daily")),
        ("timezone", text("UTC+1")),
        ("quiet_hours", tap("quiet_hours:none")),
        ("quiet_hours", tap("quiet_hours:22-7")),
        ("languages", text("English")),
        ("languages", tap("languages:none")),  # nothing to clear: still matches
        ("licences", text("Führerschein B")),
        ("commute", text("a 15 km de Valencia")),
        ("stretch", tap("stretch:no")),
    ],
)
def test_every_prefs_change_matches_now(field: str, sent: InboundMessage) -> None:
    *_, answer = converse(
        onboarded(),
        (tap(f"prefs:{field}"), says(f"ask_{field}")),
        (sent, says("saved", "menu")),
    )

    assert answer.commands[-1] == MATCH_NOW
    assert answer.commands.count(MATCH_NOW) == 1


def test_every_prefs_item_is_covered_by_the_matching_table() -> None:
    from conversations.flow import EDITABLE

    covered = {"roles", "work_mode", "locations", "seniority", "salary", "employment_type",
               "frequency", "timezone", "quiet_hours", "resume", "skills", "languages",
               "licences", "commute", "stretch"}
    assert {str(step) for step in EDITABLE} <= covered


def test_a_confirmed_replacement_resume_matches_now() -> None:
    *_, confirm = converse(
        onboarded(),
        (document(), says("resume_reading")),
        (parsed(), (resume_summary(),)),
        (tap("resume:ok"), says("saved", "menu")),
    )

    saved = SaveProfile(profile=final([confirm]).profile, reindex=False)
    assert confirm.commands == (KEEP, saved, MATCH_NOW)


@pytest.mark.parametrize(
    "sent", [command("menu"), command("pause"), command("unpause"), tap("lang:de"), text("hi")]
)
def test_other_messages_after_onboarding_do_not_match(sent: InboundMessage) -> None:
    transition = advance(onboarded(), sent, NOW)
    assert MATCH_NOW not in transition.commands


# --- a replacement resume is the user's only once they confirm it ------------------------------

UNDER_REVIEW = [  # from the parsed replacement's summary, each way of leaving the review
    (command("cancel"), says("cancelled", "menu")),
    (command("menu"), ("What would you like to do?",)),
    (command("prefs"), None),
    (command("resume"), says("ask_resume")),
    (tap("cmd:frequency"), says("ask_frequency")),
    (document(), says("resume_reading")),
]


@pytest.mark.parametrize(("leave", "expected"), UNDER_REVIEW, ids=lambda v: getattr(v, "text", ""))
@pytest.mark.parametrize("fixing", [False, True], ids=["summary", "fixing"])
def test_leaving_a_replacement_unconfirmed_drops_it_and_keeps_the_old_resume(
    leave: InboundMessage, expected: tuple[str, ...] | None, fixing: bool
) -> None:
    old = ResumeSummary(skills=("Go",))
    conv = onboarded().model_copy(update={"profile": PROFILE.model_copy(update={"resume": old})})
    reviewing = converse(
        conv, (command("resume"), says("ask_resume")), (document(), says("resume_reading"))
    )
    conv = final(reviewing)
    (summary,) = converse(conv, (parsed(), (resume_summary(),)))
    conv = final([summary])
    assert summary.commands == ()  # stored aside by the intake, nothing settled yet
    if fixing:
        conv = final(converse(conv, (tap("resume:title"), says("ask_title"))))
    left = advance(conv, leave, NOW)

    if expected is not None:
        assert tuple(reply.text for reply in left.replies) == expected
    assert final([left]).profile.resume == old
    assert final([left]).pending_resume is None
    assert DROP in left.commands
    assert KEEP not in left.commands
    assert MATCH_NOW not in left.commands


@pytest.mark.parametrize("confirm", [tap("resume:ok"), text("yes"), text("ja")])
def test_confirming_a_replacement_keeps_it_once(confirm: InboundMessage) -> None:
    conv = final(converse(onboarded(), (document(), says("resume_reading"))))
    conv = final(converse(conv, (parsed(), (resume_summary(),))))
    kept = advance(conv, confirm, NOW)

    assert kept.commands.count(KEEP) == 1
    assert DROP not in kept.commands
    assert final([kept]).profile.resume == ResumeSummary(
        skills=("Python", "Go"), years_experience=6.0, last_title="Backend Developer"
    )


def test_deleting_during_the_review_erases_without_settling_the_resume() -> None:
    conv = final(converse(onboarded(), (document(), says("resume_reading"))))
    conv = final(converse(conv, (parsed(), (resume_summary(),))))
    ask = advance(conv, command("delete"), NOW)
    keep_data = advance(final([ask]), tap("delete:no"), NOW)
    erase = advance(final([ask]), tap("delete:yes"), NOW)

    assert ask.commands == ()  # "No" goes back to the review, so the resume stays aside
    assert final([keep_data]).step is Step.RESUME_CONFIRM
    assert keep_data.commands == ()
    assert erase.commands == (EraseUser(),)  # erasure removes what was stored aside too


@pytest.mark.parametrize("sent", [text("what now?"), document()])
def test_waiting_for_the_parse_settles_nothing(sent: InboundMessage) -> None:
    conv = final(converse(onboarded(), (document(), says("resume_reading"))))
    assert advance(conv, sent, NOW).commands == ()


# --- several answers by number ----------------------------------------------------------------


@pytest.mark.parametrize("typed", ["1, 3", "1,3", "1 3", "1 and 3", "1 und 3", "3 y 1", "1, 3, 3"])
def test_several_employment_types_by_number(typed: str) -> None:
    *_, answer = converse(
        onboarded(),
        (tap("prefs:employment_type"), says("ask_employment_type")),
        (text(typed), says("saved", "menu")),
    )

    chosen = (EmploymentType.FULL_TIME, EmploymentType.CONTRACT)
    assert final([answer]).profile.employment_types == chosen


@pytest.mark.parametrize(
    ("step", "typed", "expected"),
    [
        (Step.WORK_MODE, "1, 2", {"work_modes": (WorkMode.REMOTE, WorkMode.HYBRID)}),
        (Step.WORK_MODE, "4", {"work_modes": (WorkMode.REMOTE, WorkMode.HYBRID, WorkMode.ONSITE)}),
        (Step.SENIORITY, "4", {"seniority": Seniority.SENIOR}),
        (Step.FREQUENCY, "2", {"frequency": Frequency.DAILY}),
    ],
)
def test_a_typed_number_picks_that_option(
    step: Step, typed: str, expected: dict[str, Any]
) -> None:
    transition = advance(at_step(step), text(typed), NOW)
    new = final([transition])
    assert new.step is not step
    assert new.profile == Profile().model_copy(update=expected)


@pytest.mark.parametrize(
    ("step", "typed", "key"),
    [
        (Step.EMPLOYMENT_TYPE, "1, 9", "invalid_employment_type"),  # 9 is not an option
        (Step.SENIORITY, "1 3", "invalid_seniority"),  # one level only
        (Step.SALARY, "1", "invalid_salary_currency"),  # an amount, not an option
        (Step.LOCATIONS, "1", "invalid_locations"),
    ],
)
def test_numbers_that_are_not_options_are_read_as_text(step: Step, typed: str, key: str) -> None:
    (transition,) = converse(at_step(step), (text(typed), says(key)))
    assert final([transition]).step is step


# --- /language: a typed language name ----------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "lang"),
    [("Español", "es"), ("espanol", "es"), ("Deutsch", "de"), ("german", "de"),
     ("English", "en"), ("inglés", "en"), ("Spanisch", "es")],
)
@pytest.mark.parametrize("before", ["en", "de"])
def test_typing_a_language_name_at_language_switches(typed: str, lang: str, before: str) -> None:
    conv = onboarded().model_copy(update={"lang": before})
    asked = advance(conv, command("language"), NOW)
    assert asked.replies[0].text == t(before, "choose_language")
    (switched,) = converse(final([asked]), (text(typed), says("language_set", "menu", lang=lang)))

    new = final([switched])
    assert new.lang == lang
    assert new.step is Step.DONE


def test_the_language_question_answered_with_a_button_goes_back_to_the_question() -> None:
    conv = at_step(Step.WORK_MODE)
    asked = advance(conv, command("language"), NOW)
    (switched,) = converse(final([asked]), (tap("lang:es"), says("language_set", "ask_work_mode",
                                                                lang="es")))
    assert final([switched]).step is Step.WORK_MODE


def test_anything_else_after_language_answers_the_interrupted_question() -> None:
    asked = advance(at_step(Step.ROLES), command("language"), NOW)
    (answer,) = converse(final([asked]), (text("Nurse"), says("ask_work_mode")))

    assert final([answer]).profile.roles == ("Nurse",)
    assert final([answer]).lang == "en"


def test_a_language_name_as_a_role_is_a_role() -> None:
    (answer,) = converse(at_step(Step.ROLES), (text("English"), says("ask_work_mode")))
    assert final([answer]).profile.roles == ("English",)


def test_cancel_at_the_language_question_goes_back() -> None:
    asked = advance(at_step(Step.SENIORITY), command("language"), NOW)
    (back,) = converse(final([asked]), (command("cancel"), says("ask_seniority")))
    assert final([back]).step is Step.SENIORITY


# --- locations the tables do not know ----------------------------------------------------------


def test_an_unknown_place_is_questioned_with_close_known_places() -> None:
    (asked,) = converse(
        at_step(Step.LOCATIONS), (text("Atlantis"), (en("location_unknown", place="Atlantis"),))
    )

    checking = final([asked])
    assert checking.step is Step.LOCATION_CHECK
    assert checking.profile.locations == ()
    assert [button.label for button in asked.replies[0].buttons[0]] == ["Atlanta"]
    assert payloads(asked.replies[0])[-1] == ["location_check:0.keep"]
    assert asked.commands == ()


@pytest.mark.parametrize(
    ("answer", "locations"),
    [
        (tap("location_check:0.0"), ("Atlanta",)),
        (tap("location_check:0.keep"), ("Atlantis",)),
        (text("yes"), ("Atlantis",)),
        (text("Atlanta"), ("Atlanta",)),
        (text("Berlin, Hamburg"), ("Berlin", "Hamburg")),
    ],
)
def test_the_questioned_place_is_corrected_or_kept(
    answer: InboundMessage, locations: tuple[str, ...]
) -> None:
    asked = advance(at_step(Step.LOCATIONS), text("Atlantis"), NOW)
    (done,) = converse(final([asked]), (answer, says("ask_seniority")))

    assert final([done]).profile.locations == locations
    assert final([done]).pending_locations is None
    assert done.commands == (SaveProfile(profile=final([done]).profile, reindex=False),)


def test_each_unknown_place_is_questioned_in_turn_and_known_ones_pass() -> None:
    conv = at_step(Step.LOCATIONS)
    _, second, done = converse(
        conv,
        (text("Berlin, Atlantis, Munich, Xyzzyq"), (en("location_unknown", place="Atlantis"),)),
        (tap("location_check:1.keep"), (en("location_unknown_no_match", place="Xyzzyq"),)),
        (tap("location_check:3.keep"), says("ask_seniority")),
    )

    assert payloads(second.replies[0]) == [["location_check:3.keep"]]  # nothing close
    assert final([done]).profile.locations == ("Berlin", "Atlantis", "Munich", "Xyzzyq")


def test_a_mistyped_replacement_is_questioned_again() -> None:
    conv = final([advance(at_step(Step.LOCATIONS), text("Atlantis"), NOW)])
    (again,) = converse(conv, (text("Barcelna"), (en("location_unknown", place="Barcelna"),)))
    (done,) = converse(final([again]), (tap("location_check:0.0"), says("ask_seniority")))
    assert final([done]).profile.locations == ("Barcelona",)


def test_a_button_for_another_place_is_stale() -> None:
    conv = final([advance(at_step(Step.LOCATIONS), text("Atlantis"), NOW)])
    converse(conv, (tap("location_check:5.keep"), (en("stale_button"), en("location_unknown",
                                                                         place="Atlantis"))))


@pytest.mark.parametrize(
    "typed", ["Berlin", "München", "Deutschland", "Spain", "UK", "Texas", "DACH", "Nueva York"]
)
def test_known_places_in_any_language_are_accepted_at_once(typed: str) -> None:
    (done,) = converse(at_step(Step.LOCATIONS), (text(typed), says("ask_seniority")))
    assert final([done]).profile.locations == (typed,)


def test_a_questioned_place_in_prefs_saves_and_matches_once_settled() -> None:
    *_, asked, done = converse(
        onboarded(),
        (tap("prefs:locations"), says("ask_locations")),
        (text("Atlantis"), (en("location_unknown", place="Atlantis"),)),
        (tap("location_check:0.0"), says("saved", "menu")),
    )
    assert asked.commands == ()
    assert final([done]).profile.locations == ("Atlanta",)
    assert done.commands == (SaveProfile(profile=final([done]).profile, reindex=False), MATCH_NOW)


def test_cancel_while_a_place_is_questioned_keeps_the_old_locations() -> None:
    *_, cancel = converse(
        onboarded(),
        (tap("prefs:locations"), says("ask_locations")),
        (text("Atlantis"), (en("location_unknown", place="Atlantis"),)),
        (command("cancel"), says("cancelled", "menu")),
    )
    assert final([cancel]).profile == PROFILE
    assert final([cancel]).pending_locations is None
    assert cancel.commands == ()


# --- /prefs: skills one at a time ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "skills"),
    [
        ("+ Kubernetes", ("Python", "Go", "Kubernetes")),
        ("+Kubernetes", ("Python", "Go", "Kubernetes")),
        ("Kubernetes", ("Python", "Go", "Kubernetes")),
        ("- Go", ("Python",)),
        ("−go", ("Python",)),
        ("+ Kubernetes, - Go", ("Python", "Kubernetes")),
        ("+ Kubernetes - Go", ("Python", "Kubernetes")),
        ("+ python", ("Python", "Go")),  # already there, in another case
        ("+ CI/CD\n+ C++", ("Python", "Go", "CI/CD", "C++")),
        ("- Python, - Go", ()),
    ],
)
def test_skills_are_added_and_removed_one_at_a_time(typed: str, skills: tuple[str, ...]) -> None:
    resume = ResumeSummary(skills=("Python", "Go"), years_experience=6.0)
    conv = onboarded().model_copy(
        update={"profile": PROFILE.model_copy(update={"resume": resume})}
    )
    *_, answer = converse(
        conv,
        (tap("prefs:skills"), (en("ask_skill_edit", skills="Python, Go"),)),
        (text(typed), says("saved", "menu")),
    )

    new = final([answer]).profile
    assert new.resume == resume.model_copy(update={"skills": skills})
    assert answer.commands[-1] == MATCH_NOW


def test_a_skill_button_removes_that_skill() -> None:
    resume = ResumeSummary(skills=("Python", "Go", "SQL"))
    conv = onboarded().model_copy(
        update={"profile": PROFILE.model_copy(update={"resume": resume})}
    )
    pick, answer = converse(
        conv,
        (tap("prefs:skills"), (en("ask_skill_edit", skills="Python, Go, SQL"),)),
        (tap("skills:x1"), says("saved", "menu")),
    )

    assert payloads(pick.replies[0]) == [["skills:x0", "skills:x1", "skills:x2"]]
    assert pick.replies[0].buttons[0][1].label == "✕ Go"
    assert final([answer]).profile.resume == ResumeSummary(skills=("Python", "SQL"))


def test_skills_without_a_resume_start_one() -> None:
    *_, answer = converse(
        onboarded(),
        (tap("prefs:skills"), (en("ask_skill_edit", skills="none"),)),
        (text("+ Nursing"), says("saved", "menu")),
    )
    assert final([answer]).profile.resume == ResumeSummary(skills=("Nursing",))


@pytest.mark.parametrize("typed", ["- Java", "+", ", ,", "+ ???"])
def test_an_unreadable_skill_edit_asks_again(typed: str) -> None:
    conv = final([advance(onboarded(), tap("prefs:skills"), NOW)])
    (invalid,) = converse(conv, (text(typed), says("invalid_skill_edit")))
    assert invalid.conversation == conv
    assert invalid.commands == ()


# --- numbers and times in the user's language --------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "salary", "quiet"),
    [
        ("en", "70,000 EUR per year", "22:00–07:00"),
        ("de", "70.000 EUR pro Jahr", "22:00–07:00"),
        ("es", "70.000 EUR por año", "22:00–07:00"),
    ],
)
def test_the_profile_writes_numbers_the_languages_way(lang: str, salary: str, quiet: str) -> None:
    profile = PROFILE.model_copy(update={"salary_floor": SalaryFloor(amount=70_000,
                                                                     currency="EUR")})
    summary = profile_summary(profile, lang)
    assert salary in summary
    assert quiet in summary
    assert t(lang, "btn_quiet_default") == quiet  # as on the button


@pytest.mark.parametrize(("lang", "years"), [("en", "12.3"), ("de", "12,3"), ("es", "12,3")])
def test_the_resume_summary_writes_years_the_languages_way(lang: str, years: str) -> None:
    conv = at_step(Step.RESUME_WAIT).model_copy(update={"lang": lang})
    resume = PARSED.model_copy(update={"years_experience": 12.3})
    (summary,) = advance(conv, parsed(resume), NOW).replies
    assert summary.text == t(
        lang, "resume_summary", skills="Python, Go", years=years, title="Backend Developer"
    )


# --- the terminal: its own wording --------------------------------------------------------------


def on_console(message: InboundMessage) -> InboundMessage:
    return message.model_copy(update={"channel": Channel.CONSOLE, "chat_id": "local",
                                      "user_id": "local"})


@pytest.mark.parametrize("lang", SUPPORTED)
def test_the_terminal_is_asked_for_a_path_and_a_number(lang: str) -> None:
    conv = at_step(Step.SALARY).model_copy(update={"lang": lang})
    transition = advance(conv, on_console(tap("salary:skip")), NOW)

    (prompt,) = transition.replies
    assert prompt.text == on_channel(lang, "ask_resume", "console")
    assert prompt.text != t(lang, "ask_resume")
    assert final([transition]).channel is Channel.CONSOLE


def test_telegram_keeps_its_wording() -> None:
    (prompt,) = advance(at_step(Step.SALARY), tap("salary:skip"), NOW).replies
    assert prompt.text == en("ask_resume")
    assert "tap Skip" in prompt.text


def test_declining_on_the_terminal_says_type() -> None:
    (goodbye,) = advance(None, on_console(text("no")), NOW).replies
    assert goodbye.text == on_channel("en", "consent_declined", "console")
    assert "type /start" in goodbye.text

"""What a candidate sees of matches: the callback grammar, cards, explanations, the tracker."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from conversations.match_views import (
    COMMANDS,
    GRAMMAR,
    MAX_CALLBACK_BYTES,
    MAX_JOB_ID,
    MAX_TEXT,
    MAX_TRACKED_SHOWN,
    PREFIX,
    Heard,
    MatchAction,
    MatchViews,
    Move,
    Stage,
    TrackedJob,
    Verb,
    acknowledge,
    applications_view,
    applied_ack,
    callback_data,
    digest_header,
    first_batch_empty,
    first_batch_header,
    followup_ack,
    followup_prompt,
    job_card,
    job_gone,
    match_request,
    not_interested_ack,
    not_interested_menu,
    number,
    one_message,
    parse_match_callback,
    saved_ack,
    stage_moved,
    why_text,
)
from conversations.texts import SUPPORTED, t
from core.channels import Channel, InboundMessage, MessageKind, Reply
from core.domain import Frequency, Seniority, WorkMode
from core.jobs import Extraction, JobPosting, Location, Salary, SalaryPeriod, SourceKind
from core.matches import JobForMatching, LocationFit, Match, Reasons, SalaryFit
from matching.cards import JobCards

JOB_ID = "a1b2c3d4"
LONG_ID = "f" * MAX_JOB_ID
APPLY = "https://jobs.example.org/r/tok123"
NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)

POSTING = JobPosting(
    source_kind=SourceKind.GREENHOUSE,
    extraction=Extraction.ATS_API,
    title="Senior Backend Engineer",
    company="Acme GmbH",
    locations=(
        Location(country="DE", raw="Remote - Germany"),
        Location(country="AT", raw="Remote - Austria"),
    ),
    work_mode=WorkMode.REMOTE,
    seniority=Seniority.SENIOR,
    salary=Salary(minimum=70_000, maximum=85_000, currency="EUR", period=SalaryPeriod.YEAR),
    skills=("Python", "Django", "PostgreSQL", "Kubernetes", "Terraform"),
)
REASONS = Reasons(
    matched_skills=("Python", "Django", "PostgreSQL"),
    missing_skills=("Kubernetes",),
    missing_nice=("Terraform",),
    title_match=True,
    salary=SalaryFit.MEETS,
    location=LocationFit.REMOTE,
    seniority_exact=True,
)


def job(job_id: str = JOB_ID, **changes: Any) -> JobForMatching:
    return JobForMatching(id=job_id, posting=POSTING.model_copy(update=changes))


def match(score: float = 0.873, **changes: Any) -> Match:
    return Match(
        user_key="telegram:4242",
        job_id=JOB_ID,
        score=score,
        would_send=True,
        reasons=REASONS.model_copy(update=changes),
    )


def payloads(reply: Reply) -> list[list[str]]:
    return [[button.url or button.data for button in row] for row in reply.buttons]


def labels(reply: Reply) -> list[list[str]]:
    return [[button.label for button in row] for row in reply.buttons]


def lines(reply: Reply) -> list[str]:
    return reply.text.split("\n")


def utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def tracked(
    stage: Stage, job_id: str = "j1", days_ago: int = 0, company: str | None = "Foo AG"
) -> TrackedJob:
    return TrackedJob(
        job_id=job_id,
        title=f"Job {job_id}",
        company=company,
        stage=stage,
        updated_at=NOW - timedelta(days=days_ago),
    )


# --- the callback grammar ---------------------------------------------------------------------


def act(verb: Verb, job_id: str | None = JOB_ID, **fields: Any) -> MatchAction:
    return MatchAction(action=verb, job_id=job_id, **fields)


ROUND_TRIPS = [
    (act(Verb.SAVE), "m:save:a1b2c3d4"),
    (act(Verb.APPLIED), "m:applied:a1b2c3d4"),
    (act(Verb.WHY), "m:why:a1b2c3d4"),
    (act(Verb.NOT_INTERESTED), "m:ni:a1b2c3d4"),
    (act(Verb.NOT_THIS_JOB), "m:nij:a1b2c3d4"),
    (act(Verb.NOT_THIS_COMPANY), "m:nic:a1b2c3d4"),
    (act(Verb.NOT_THIS_KIND), "m:nik:a1b2c3d4"),
    (act(Verb.STAGE, stage=Stage.SAVED), "m:stage:saved:a1b2c3d4"),
    (act(Verb.STAGE, stage=Stage.APPLIED), "m:stage:applied:a1b2c3d4"),
    (act(Verb.STAGE, stage=Stage.INTERVIEWING), "m:stage:interviewing:a1b2c3d4"),
    (act(Verb.STAGE, stage=Stage.OFFER), "m:stage:offer:a1b2c3d4"),
    (act(Verb.STAGE, stage=Stage.REJECTED), "m:stage:rejected:a1b2c3d4"),
    (act(Verb.STAGE, stage="remove"), "m:stage:remove:a1b2c3d4"),
    (act(Verb.HEARD, answer=Heard.INTERVIEW), "m:heard:interview:a1b2c3d4"),
    (act(Verb.HEARD, answer=Heard.OFFER), "m:heard:offer:a1b2c3d4"),
    (act(Verb.HEARD, answer=Heard.REJECTED), "m:heard:rejected:a1b2c3d4"),
    (act(Verb.HEARD, answer=Heard.WAITING), "m:heard:waiting:a1b2c3d4"),
    (act(Verb.APPLICATIONS, job_id=None), "m:apps"),
    (act(Verb.SAVE, job_id="65f1c0ffee0123456789abcd"), "m:save:65f1c0ffee0123456789abcd"),
]


@pytest.mark.parametrize(("action", "payload"), ROUND_TRIPS)
def test_an_action_and_its_payload_round_trip(action: MatchAction, payload: str) -> None:
    assert callback_data(action) == payload
    assert parse_match_callback(payload) == action


def test_the_round_trip_table_covers_every_kind_stage_and_answer() -> None:
    actions = [action for action, _ in ROUND_TRIPS]
    assert {action.action for action in actions} == set(Verb)
    assert {action.stage for action in actions} - {None} == {*Stage, "remove"}
    assert {action.answer for action in actions} - {None} == set(Heard)


@pytest.mark.parametrize(
    "payload",
    [
        "",
        "m",
        "m:",
        "m::",
        "m:save",
        "m:save:",
        "m:save:a1:b2",
        "m:apps:a1b2c3d4",
        "m:apps:",
        "m:unknown:a1b2c3d4",
        "m:SAVE:a1b2c3d4",
        "M:save:a1b2c3d4",
        "x:save:a1b2c3d4",
        "save:a1b2c3d4",
        "m:stage:a1b2c3d4",
        "m:stage:hired:a1b2c3d4",
        "m:stage:remove",
        "m:stage:saved:",
        "m:stage:saved:a1:b2",
        "m:heard:a1b2c3d4",
        "m:heard:maybe:a1b2c3d4",
        "m:heard:waiting:",
        "m:remove:a1b2c3d4",  # remove is written as a stage
        "m:save:a1b2 c3d4",
        "m:save:a1b2/c3d4",
        "m:save:jöb",
        "m:save:a1b2c3d4\n",
        "m:save:\x00",
        "m:save:" + "a" * 60,  # too long for a callback
        "m:stage:interviewing:" + "f" * (MAX_JOB_ID + 1),
        "m:save:" + "😀" * 10,
        "\ud800",  # a lone surrogate: not even encodable
        "work_mode:remote",
        "cmd:prefs",
        "adm:approve:a1b2c3d4",
    ],
)
def test_malformed_payloads_are_none(payload: str) -> None:
    assert parse_match_callback(payload) is None


@pytest.mark.parametrize("payload", [None, 42, b"m:apps"])
def test_non_text_is_none(payload: Any) -> None:
    assert parse_match_callback(payload) is None


@pytest.mark.parametrize("action", [action for action, _ in ROUND_TRIPS if action.job_id])
def test_the_longest_job_id_still_fits(action: MatchAction) -> None:
    longest = action.model_copy(update={"job_id": LONG_ID})
    assert len(callback_data(longest).encode()) <= MAX_CALLBACK_BYTES
    assert parse_match_callback(callback_data(longest)) == longest
    with pytest.raises(ValidationError):
        MatchAction(**{**action.model_dump(), "job_id": LONG_ID + "f"})


@pytest.mark.parametrize(
    "fields",
    [
        {"action": Verb.SAVE},  # no job
        {"action": Verb.APPLICATIONS, "job_id": JOB_ID},
        {"action": Verb.STAGE, "job_id": JOB_ID},  # no stage
        {"action": Verb.STAGE, "job_id": JOB_ID, "stage": "hired"},
        {"action": Verb.SAVE, "job_id": JOB_ID, "stage": Stage.SAVED},
        {"action": Verb.HEARD, "job_id": JOB_ID},  # no answer
        {"action": Verb.STAGE, "job_id": JOB_ID, "stage": "remove", "answer": Heard.OFFER},
        {"action": Verb.SAVE, "job_id": "a:b"},
        {"action": Verb.SAVE, "job_id": ""},
        {"action": "remove", "job_id": JOB_ID},
    ],
)
def test_incomplete_or_mixed_actions_are_refused(fields: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        MatchAction(**fields)


def test_the_grammar_names_every_verb_and_the_longest_payload_leaves_room_for_an_id() -> None:
    assert set(GRAMMAR) == set(Verb)
    widest = {"job_id": "", "stage": max(map(str, [*Stage, "remove"]), key=len)}
    widest["answer"] = max(map(str, Heard), key=len)
    prefixes = [
        ":".join([PREFIX, str(verb), *(widest[field] for field in fields)])
        for verb, fields in GRAMMAR.items()
        if fields
    ]
    assert max(len(prefix) for prefix in prefixes) + MAX_JOB_ID == MAX_CALLBACK_BYTES


def inbound(kind: MessageKind, text: str = "", command: str | None = None) -> InboundMessage:
    return InboundMessage(
        channel=Channel.TELEGRAM,
        chat_id="42",
        user_id="42",
        update_id="1",
        kind=kind,
        text=text,
        command=command,
    )


@pytest.mark.parametrize(
    ("msg", "expected"),
    [
        (
            inbound(MessageKind.COMMAND, "/applications", "applications"),
            act(Verb.APPLICATIONS, None),
        ),
        (inbound(MessageKind.CALLBACK, "m:apps"), act(Verb.APPLICATIONS, None)),
        (inbound(MessageKind.CALLBACK, "m:save:j1"), act(Verb.SAVE, "j1")),
        (inbound(MessageKind.CALLBACK, "m:why:j1"), act(Verb.WHY, "j1")),
        (inbound(MessageKind.CALLBACK, "m:ni:j1"), act(Verb.NOT_INTERESTED, "j1")),
        (
            inbound(MessageKind.CALLBACK, "m:stage:remove:j1"),
            act(Verb.STAGE, "j1", stage="remove"),
        ),
        (
            inbound(MessageKind.CALLBACK, "m:heard:offer:j1"),
            act(Verb.HEARD, "j1", answer=Heard.OFFER),
        ),
        # Not about matches: the conversation goes on as usual.
        (inbound(MessageKind.CALLBACK, "m:save:"), None),
        (inbound(MessageKind.CALLBACK, "work_mode:remote"), None),
        (inbound(MessageKind.CALLBACK, "adm:approve:j1"), None),
        (inbound(MessageKind.COMMAND, "/prefs", "prefs"), None),
        (inbound(MessageKind.COMMAND, "/apps", "apps"), None),
        (inbound(MessageKind.COMMAND, "/", None), None),
        (inbound(MessageKind.TEXT, "m:save:j1"), None),  # typed, not pressed
        (inbound(MessageKind.TEXT, "applications"), None),
    ],
)
def test_a_message_becomes_a_match_action_or_none(
    msg: InboundMessage, expected: MatchAction | None
) -> None:
    assert match_request(msg) == expected


def test_every_match_command_is_a_complete_action() -> None:
    assert {command: callback_data(action) for command, action in COMMANDS.items()} == {
        "applications": "m:apps"
    }


JOB_IDS = st.from_regex(rf"[A-Za-z0-9_.\-]{{1,{MAX_JOB_ID}}}", fullmatch=True)
ACTIONS = st.one_of(
    st.just(MatchAction(action=Verb.APPLICATIONS)),
    st.builds(
        lambda verb, job_id: MatchAction(action=verb, job_id=job_id),
        st.sampled_from([verb for verb, fields in GRAMMAR.items() if fields == ("job_id",)]),
        JOB_IDS,
    ),
    st.builds(
        lambda stage, job_id: MatchAction(action=Verb.STAGE, stage=stage, job_id=job_id),
        st.sampled_from([*Stage, "remove"]),
        JOB_IDS,
    ),
    st.builds(
        lambda answer, job_id: MatchAction(action=Verb.HEARD, answer=answer, job_id=job_id),
        st.sampled_from(list(Heard)),
        JOB_IDS,
    ),
)
# Any text, and text that starts like a match payload (where a parser is likeliest to slip).
PAYLOADS = st.one_of(
    st.text(),
    st.builds(
        lambda verb, rest: f"{PREFIX}:{verb}:{rest}",
        st.sampled_from([*map(str, Verb), "", "remove"]),
        st.text(alphabet=st.characters(codec="ascii"), max_size=70),
    ),
)


@settings(max_examples=300, deadline=None)
@given(action=ACTIONS)
def test_any_action_fits_a_button_and_reads_back(action: MatchAction) -> None:
    payload = callback_data(action)
    assert len(payload.encode()) <= MAX_CALLBACK_BYTES
    assert parse_match_callback(payload) == action


@settings(max_examples=500, deadline=None)
@given(payload=PAYLOADS)
def test_reading_any_string_never_raises_and_what_it_accepts_is_canonical(payload: str) -> None:
    action = parse_match_callback(payload)
    if action is not None:
        assert callback_data(action) == payload
    pressed = inbound(MessageKind.CALLBACK, payload)
    assert match_request(pressed) == action


def test_match_views_serve_the_match_service_s_port() -> None:
    cards: JobCards = MatchViews()
    target, matched = job(JOB_ID), match()
    tracked_jobs = [tracked(stage, JOB_ID) for stage in Stage]
    hide = act(Verb.NOT_THIS_COMPANY)
    assert cards.job_card(target, matched, "de", APPLY, header="Hi") == job_card(
        target, matched, "de", APPLY, header="Hi"
    )
    assert cards.why_text(target, matched, "es") == why_text(target, matched, "es")
    assert cards.not_interested_menu(target, "en") == not_interested_menu(target, "en")
    assert cards.acknowledge(hide, "T", "en", company="Foo AG") == acknowledge(
        hide, "T", "en", company="Foo AG"
    )
    assert cards.acknowledge(hide, "T", "en", company="Foo AG") != acknowledge(hide, "T", "en")
    assert cards.applications_view(tracked_jobs, "de") == applications_view(tracked_jobs, "de")
    assert cards.first_batch_header(9, 3, "en") == first_batch_header(9, 3, "en")
    assert cards.first_batch_empty(0, "en") == first_batch_empty(0, "en")
    assert cards.digest_header(2, "weekly", "es") == digest_header(2, "weekly", "es")
    assert cards.followup_prompt(JOB_ID, "T", None, "en") == followup_prompt(
        JOB_ID, "T", None, "en"
    )
    assert cards.job_gone("de") == job_gone("de")
    one = [job_card(target, matched, "en", APPLY)]
    assert cards.one_message(one, "en") == one_message(one, "en")


def every_view(lang: str, job_id: str) -> list[Reply]:
    target = job(job_id)
    return [
        job_card(target, match(), lang, APPLY, header=digest_header(2, "daily", lang)),
        why_text(target, match(), lang),
        not_interested_menu(target, lang),
        saved_ack("Senior Backend Engineer", lang),
        applied_ack("Senior Backend Engineer", lang),
        followup_prompt(job_id, "Senior Backend Engineer", "Acme GmbH", lang),
        *(followup_ack(answer, "Senior Backend Engineer", lang) for answer in Heard),
        *applications_view([tracked(stage, job_id) for stage in Stage], lang),
    ]


@pytest.mark.parametrize("job_id", [JOB_ID, LONG_ID])
@pytest.mark.parametrize("lang", SUPPORTED)
def test_every_payload_a_view_makes_fits_and_parses_back(lang: str, job_id: str) -> None:
    buttons = [
        button for reply in every_view(lang, job_id) for row in reply.buttons for button in row
    ]
    callbacks = [button for button in buttons if button.url is None]

    assert len(callbacks) >= 20
    for button in buttons:
        assert button.label.strip()
        assert bool(button.url) != bool(button.data)
    for button in callbacks:
        assert len(button.data.encode()) <= MAX_CALLBACK_BYTES
        action = parse_match_callback(button.data)
        assert action is not None, button.data
        assert action.job_id in {job_id, None}
        assert callback_data(action) == button.data


# --- the job card -----------------------------------------------------------------------------

CARD_SALARY = {
    "en": "💰 70,000–85,000 EUR per year",
    "de": "💰 70.000–85.000 EUR im Jahr",
    "es": "💰 70.000–85.000 EUR al año",
}


@pytest.mark.parametrize("lang", SUPPORTED)
def test_a_card_shows_the_job_the_reasons_and_the_actions(lang: str) -> None:
    card = job_card(job(), match(), lang, APPLY)

    assert lines(card)[:4] == [
        "💼 Senior Backend Engineer",
        "🏢 Acme GmbH",
        f"📍 {t(lang, 'btn_remote')} (DE, AT)",
        CARD_SALARY[lang],
    ]
    skills, tags = lines(card)[4:]
    assert skills == f"✓ Python, Django, PostgreSQL · {t(lang, 'job_missing', skills='Kubernetes')}"
    assert tags.split(" · ") == [
        t(lang, "reason_salary_meets"),
        t(lang, "reason_title"),
        t(lang, "reason_remote"),
    ]
    assert payloads(card) == [
        [APPLY],
        ["m:save:a1b2c3d4", "m:applied:a1b2c3d4"],
        ["m:why:a1b2c3d4", "m:ni:a1b2c3d4"],
    ]
    assert labels(card) == [
        [t(lang, "btn_job_apply")],
        [t(lang, "btn_job_save"), t(lang, "btn_job_applied")],
        [t(lang, "btn_job_why"), t(lang, "btn_job_not_interested")],
    ]


@pytest.mark.parametrize(
    "url", [None, "", "javascript:alert(1)", "ftp://jobs.example.org/x", "https://a b.example"]
)
def test_no_apply_button_without_a_web_link(url: str | None) -> None:
    card = job_card(job(), match(), "en", url)

    assert all(button.url is None for row in card.buttons for button in row)
    assert payloads(card) == [
        ["m:save:a1b2c3d4", "m:applied:a1b2c3d4"],
        ["m:why:a1b2c3d4", "m:ni:a1b2c3d4"],
    ]


@pytest.mark.parametrize("lang", SUPPORTED)
def test_a_demo_job_says_so_on_its_card_in_why_and_in_the_tracker(lang: str) -> None:
    demo, real = job(demo=True), job()
    assert lines(job_card(demo, match(), lang, APPLY))[0] == f"🧪 {t(lang, 'demo_job')}"
    assert t(lang, "demo_job") not in job_card(real, match(), lang, APPLY).text
    assert t(lang, "demo_note") in why_text(demo, match(), lang).text
    assert t(lang, "demo_note") not in why_text(real, match(), lang).text
    entry = tracked(Stage.SAVED).model_copy(update={"demo": True})
    shown = applications_view([entry], lang)
    assert any(t(lang, "demo_job") in reply.text for reply in shown)
    plain = applications_view([tracked(Stage.SAVED)], lang)
    assert not any(t(lang, "demo_job") in reply.text for reply in plain)


@pytest.mark.parametrize("lang", SUPPORTED)
def test_the_first_batch_counts_honestly(lang: str) -> None:
    assert first_batch_header(12, 3, lang) == t(lang, "first_batch_found", count=12, shown=3)
    assert "12" in first_batch_header(12, 3, lang)
    assert first_batch_empty(0, lang).text == t(lang, "first_batch_no_jobs")
    none_fit = first_batch_empty(40, lang).text
    assert none_fit == t(lang, "first_batch_none_fit", total=40)
    assert "40" in none_fit
    assert none_fit != first_batch_empty(0, lang).text


@pytest.mark.parametrize("lang", SUPPORTED)
def test_a_digest_header_opens_the_card(lang: str) -> None:
    header = digest_header(3, Frequency.WEEKLY, lang)
    card = job_card(job(), match(), lang, None, header=header)

    assert card.text.startswith(f"{header}\n\n💼 Senior Backend Engineer\n")


@pytest.mark.parametrize(
    ("changes", "where"),
    [
        ({}, "📍 Remote (DE, AT)"),
        ({"locations": ()}, "📍 Remote"),
        ({"locations": (Location(raw="Remote - EU"),)}, "📍 Remote (EU)"),
        (
            {
                "locations": tuple(
                    Location(country=c, raw=c) for c in ("AT", "BE", "CZ", "DE", "ES", "FR")
                )
            },
            "📍 Remote (AT, BE, CZ, DE, ES +1 more)",
        ),
        (
            {
                "work_mode": WorkMode.HYBRID,
                "locations": (Location(city="Berlin", country="DE", raw="Berlin"),),
            },
            "📍 Hybrid · Berlin, DE",
        ),
        (
            {
                "work_mode": WorkMode.ONSITE,
                "locations": tuple(
                    Location(city=city, country="DE", raw=city)
                    for city in ("Munich", "Berlin", "Hamburg", "Cologne", "Berlin")
                ),
            },
            "📍 Munich, DE; Berlin, DE; Hamburg, DE +1 more",
        ),
        ({"work_mode": None, "locations": (Location(raw="Zürich"),)}, "📍 Zürich"),
        ({"work_mode": None, "locations": ()}, "📍 Location not stated"),
    ],
)
def test_where_the_job_is(changes: dict[str, Any], where: str) -> None:
    assert lines(job_card(job(**changes), match(), "en", None))[2] == where


@pytest.mark.parametrize(
    ("salary", "en", "de"),
    [
        (
            Salary(minimum=60_000, maximum=60_000, currency="EUR", period=SalaryPeriod.YEAR),
            "💰 60,000 EUR per year",
            "💰 60.000 EUR im Jahr",
        ),
        (
            Salary(minimum=45.5, currency="USD", period=SalaryPeriod.HOUR),
            "💰 from 45.50 USD per hour",
            "💰 ab 45,50 USD pro Stunde",
        ),
        (
            Salary(maximum=5_000, currency="EUR", period=SalaryPeriod.MONTH),
            "💰 up to 5,000 EUR per month",
            "💰 bis 5.000 EUR im Monat",
        ),
        (
            Salary(minimum=1_250_000, maximum=1_500_000, currency="JPY", period=SalaryPeriod.YEAR),
            "💰 1,250,000–1,500,000 JPY per year",
            "💰 1.250.000–1.500.000 JPY im Jahr",
        ),
        (
            Salary(minimum=900, maximum=1_100, currency="GBP", period=SalaryPeriod.WEEK),
            "💰 900–1,100 GBP per week",
            "💰 900–1.100 GBP pro Woche",
        ),
    ],
)
def test_salaries_are_written_the_local_way(salary: Salary, en: str, de: str) -> None:
    assert lines(job_card(job(salary=salary), match(), "en", None))[3] == en
    assert lines(job_card(job(salary=salary), match(), "de", None))[3] == de


@pytest.mark.parametrize(
    "salary", [None, Salary(currency="EUR", period=SalaryPeriod.YEAR)], ids=["none", "no amount"]
)
def test_a_card_without_a_salary_has_no_salary_line(salary: Salary | None) -> None:
    card = job_card(job(salary=salary), match(), "en", None)

    assert not any(line.startswith("💰") for line in lines(card))
    assert lines(card)[3].startswith("✓ Python")


@pytest.mark.parametrize(
    ("value", "lang", "expected"),
    [
        (60_000, "en", "60,000"),
        (60_000, "de", "60.000"),
        (60_000, "es", "60.000"),
        (45.5, "en", "45.50"),
        (45.5, "es", "45,50"),
        (1_234_567.891, "en", "1,234,567.89"),
        (1_234_567.891, "de", "1.234.567,89"),
        (999, "de", "999"),
        (60_000.004, "en", "60,000"),
        (60_000, "fr", "60,000"),  # unknown language: English
    ],
)
def test_numbers(value: float, lang: str, expected: str) -> None:
    assert number(value, lang) == expected


def test_a_card_without_reasons_shows_only_the_job() -> None:
    card = job_card(job(), match(**Reasons().model_dump()), "en", None)

    assert len(lines(card)) == 4
    assert lines(card)[-1].startswith("💰")


def test_the_card_names_a_few_skills_and_counts_the_rest() -> None:
    skills = tuple(f"Skill{n}" for n in range(9))
    card = job_card(job(), match(matched_skills=skills, missing_skills=skills[:5]), "en", None)

    assert lines(card)[4] == (
        "✓ Skill0, Skill1, Skill2, Skill3 +5 more · Missing: Skill0, Skill1, Skill2 +2 more"
    )


def test_an_unnamed_company_says_so() -> None:
    for lang in SUPPORTED:
        card = job_card(job(company=None), match(), lang, None)
        assert lines(card)[1] == f"🏢 {t(lang, 'unknown_company')}"


def test_a_huge_posting_still_fits_one_message() -> None:
    big = job(title="😀 Engineer " * 2_000, company="Acme " * 2_000)
    skills = tuple(f"skill-{n:04}" for n in range(2_000))
    huge = match(matched_skills=skills, missing_skills=skills, missing_nice=skills)

    card = job_card(big, huge, "en", APPLY, header="Digest " * 2_000)
    why = why_text(big, huge, "en")

    assert utf16(card.text) <= MAX_TEXT
    assert utf16(why.text) <= MAX_TEXT
    assert utf16(why.text) > 1_000  # the explanation was cut, not dropped


# --- why this match ---------------------------------------------------------------------------


@pytest.mark.parametrize("lang", SUPPORTED)
def test_why_explains_every_part_of_the_match(lang: str) -> None:
    why = why_text(job(), match(), lang)

    assert lines(why) == [
        t(lang, "why_header", title="Senior Backend Engineer", company="Acme GmbH", score=87),
        "",
        t(lang, "why_skills_have", skills="Python, Django, PostgreSQL"),
        t(lang, "why_skills_missing", skills="Kubernetes"),
        t(lang, "why_nice_missing", skills="Terraform"),
        "",
        t(lang, "why_title_yes"),
        t(lang, "why_salary_meets", salary=CARD_SALARY[lang].removeprefix("💰 ")),
        t(lang, "why_location_remote", where=f"{t(lang, 'btn_remote')} (DE, AT)"),
        t(lang, "why_level_exact", level=t(lang, "btn_senior")),
    ]
    assert payloads(why) == [["m:save:a1b2c3d4", "m:ni:a1b2c3d4"]]


@pytest.mark.parametrize(
    ("score", "percent"), [(0.873, 87), (0.5, 50), (0.996, 100), (1.3, 100), (-0.2, 0), (0.0, 0)]
)
def test_why_gives_the_score_as_a_percentage(score: float, percent: int) -> None:
    header = lines(why_text(job(), match(score=score), "en"))[0]
    assert header.endswith(f": {percent}% match")


def test_why_without_a_gap_says_so() -> None:
    why = why_text(job(), match(missing_skills=(), missing_nice=()), "en")

    assert lines(why)[2:4] == [
        t("en", "why_skills_have", skills="Python, Django, PostgreSQL"),
        t("en", "why_no_gap"),
    ]


def test_why_lists_the_gap_even_when_nothing_matched() -> None:
    why = why_text(job(), match(matched_skills=()), "en")

    assert lines(why)[2:4] == [
        t("en", "why_skills_missing", skills="Kubernetes"),
        t("en", "why_nice_missing", skills="Terraform"),
    ]


def test_why_with_no_skills_on_either_side() -> None:
    why = why_text(job(), match(matched_skills=(), missing_skills=(), missing_nice=()), "en")
    assert lines(why)[2] == t("en", "why_no_skills")


@pytest.mark.parametrize(
    ("fit", "salary", "expected"),
    [
        (
            SalaryFit.MEETS,
            POSTING.salary,
            "• Salary: 70,000–85,000 EUR per year, meets your minimum",
        ),
        (
            SalaryFit.OVERLAPS,
            POSTING.salary,
            "• Salary: 70,000–85,000 EUR per year, only the top of the range reaches your minimum",
        ),
        (
            SalaryFit.BELOW,
            POSTING.salary,
            "• Salary: 70,000–85,000 EUR per year, below your minimum",
        ),
        (SalaryFit.UNKNOWN, POSTING.salary, "• Salary: 70,000–85,000 EUR per year"),
        (SalaryFit.UNKNOWN, None, "• Salary: not stated"),
    ],
)
def test_why_salary(fit: SalaryFit, salary: Salary | None, expected: str) -> None:
    assert expected in lines(why_text(job(salary=salary), match(salary=fit), "en"))


@pytest.mark.parametrize(
    ("fit", "key"),
    [
        (LocationFit.REMOTE, "why_location_remote"),
        (LocationFit.CITY, "why_location_city"),
        (LocationFit.COUNTRY, "why_location_country"),
        (LocationFit.ANYWHERE, "why_location_anywhere"),
        (LocationFit.NONE, "why_location_other"),
    ],
)
def test_why_location(fit: LocationFit, key: str) -> None:
    why = why_text(job(), match(location=fit), "de")
    assert t("de", key, where="Remote (DE, AT)") in lines(why)


def test_why_location_nearby_names_the_town_and_distance() -> None:
    why = why_text(job(), match(location=LocationFit.NEARBY, near_of="Hamburg", near_km=17.4), "en")
    assert "• Location: Remote (DE, AT), 17 km from Hamburg" in lines(why)
    bare = why_text(job(), match(location=LocationFit.NEARBY), "en")
    assert t("en", "why_location_other", where="Remote (DE, AT)") in lines(bare)


def test_card_says_nearby_and_stretch() -> None:
    nearby = job_card(job(), match(location=LocationFit.NEARBY), "en", None)
    assert t("en", "reason_nearby") in nearby.text
    stretch = job_card(job(), match(stretch=True), "en", None)
    assert t("en", "reason_stretch") in stretch.text.splitlines()[-1]


@pytest.mark.parametrize("lang", SUPPORTED)
def test_why_explains_the_send_gates(lang: str) -> None:
    gates = match(
        adjacent_family="devops_engineer",
        adjacent_have=5,
        adjacent_of=6,
        stretch=True,
        missing_core=("Java", "Spring Boot"),
        required_languages=("de", "en"),
        required_licences=("RN",),
    )
    why = lines(why_text(job(), gates, lang))
    title = POSTING.title
    assert t(lang, "why_adjacent", title=title, have=5, of=6) in why
    assert any("Java" in line and "Spring Boot" in line for line in why)
    assert t(lang, "why_languages", languages="DE, EN") in why
    assert t(lang, "why_licences", licences="RN") in why


def test_why_says_nothing_of_gates_a_plain_match_passed() -> None:
    why = lines(why_text(job(), match(), "en"))
    assert not any(
        line.startswith(("• Role:", "• Stretch:", "• Languages", "• Licences")) for line in why
    )


@pytest.mark.parametrize(
    ("seniority", "exact", "expected"),
    [
        (Seniority.SENIOR, True, "• Level: Senior, the same as yours"),
        (Seniority.LEAD, False, "• Level: Lead / manager, close to yours"),
        (Seniority.MID, None, "• Level: Mid-level"),
        (None, None, "• Level: not stated"),
    ],
)
def test_why_level(seniority: Seniority | None, exact: bool | None, expected: str) -> None:
    why = why_text(job(seniority=seniority), match(seniority_exact=exact), "en")
    assert lines(why)[-1] == expected


@pytest.mark.parametrize(("title_match", "key"), [(True, "why_title_yes"), (False, "why_title_no")])
def test_why_title(title_match: bool, key: str) -> None:
    assert t("es", key) in lines(why_text(job(), match(title_match=title_match), "es"))


# --- not interested, save, applied, gone ------------------------------------------------------


@pytest.mark.parametrize("lang", SUPPORTED)
def test_not_interested_offers_job_company_and_kind(lang: str) -> None:
    menu = not_interested_menu(job(), lang)

    assert menu.text == t(lang, "ni_question")
    assert payloads(menu) == [["m:nij:a1b2c3d4"], ["m:nic:a1b2c3d4"], ["m:nik:a1b2c3d4"]]
    assert labels(menu) == [
        [t(lang, "btn_ni_job")],
        [t(lang, "btn_ni_company", company="Acme GmbH")],
        [t(lang, "btn_ni_kind")],
    ]


def test_not_interested_without_a_company_cannot_hide_it() -> None:
    menu = not_interested_menu(job(company=None), "en")
    assert payloads(menu) == [["m:nij:a1b2c3d4"], ["m:nik:a1b2c3d4"]]


def test_a_long_company_name_is_shortened_on_its_button() -> None:
    menu = not_interested_menu(
        job(company="The Very Long Company Name Holding International"), "en"
    )
    label = labels(menu)[1][0]

    assert label.startswith("Jobs at The Very Long")
    assert label.endswith("…")
    assert len(label) <= 40


@pytest.mark.parametrize(
    ("verb", "company", "expected"),
    [
        (Verb.NOT_THIS_JOB, "Acme", "Got it, I won't show you “Data Engineer” again."),
        (Verb.NOT_THIS_COMPANY, "Acme", "Okay, no more jobs from Acme."),
        (Verb.NOT_THIS_COMPANY, None, "Okay, no more jobs from this company."),
        (
            Verb.NOT_THIS_KIND,
            "Acme",
            "Understood: I'll show you fewer roles like “Data Engineer”.",
        ),
    ],
)
def test_not_interested_acknowledgements(verb: Verb, company: str | None, expected: str) -> None:
    assert not_interested_ack(verb, "Data Engineer", company, "en").text == expected


@pytest.mark.parametrize("verb", [Verb.SAVE, Verb.NOT_INTERESTED, Verb.STAGE])
def test_only_not_interested_choices_are_acknowledged_as_such(verb: Verb) -> None:
    with pytest.raises(ValueError, match="not-interested"):
        not_interested_ack(verb, "Data Engineer", None, "en")


@pytest.mark.parametrize("lang", SUPPORTED)
@pytest.mark.parametrize(("view", "key"), [(saved_ack, "saved_job"), (applied_ack, "applied_job")])
def test_save_and_applied_are_acknowledged_with_the_tracker_button(
    view: Any, key: str, lang: str
) -> None:
    reply = view("Data   Engineer\n(m/f/d)", lang)

    assert reply.text == t(lang, key, title="Data Engineer (m/f/d)")
    assert payloads(reply) == [["m:apps"]]
    assert labels(reply) == [[t(lang, "btn_apps")]]


@pytest.mark.parametrize("lang", SUPPORTED)
def test_a_gone_job(lang: str) -> None:
    assert job_gone(lang) == Reply(text=t(lang, "job_gone"))


# --- digests ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "frequency", "key"),
    [
        (5, "daily", "digest_daily_many"),
        (1, Frequency.DAILY, "digest_daily_one"),
        (12, Frequency.WEEKLY, "digest_weekly_many"),
        (1, "weekly", "digest_weekly_one"),
        (3, Frequency.INSTANT, "digest_many"),
        (1, "monthly", "digest_one"),
        (0, "daily", "digest_none"),
    ],
)
@pytest.mark.parametrize("lang", SUPPORTED)
def test_digest_headers(count: int, frequency: str, key: str, lang: str) -> None:
    header = digest_header(count, frequency, lang)

    assert header == t(lang, key, count=count)
    if count > 1:
        assert str(count) in header


def test_daily_and_weekly_headers_differ() -> None:
    for lang in SUPPORTED:
        assert digest_header(4, "daily", lang) != digest_header(4, "weekly", lang)


# --- the application tracker ------------------------------------------------------------------


@pytest.mark.parametrize("lang", SUPPORTED)
def test_an_empty_tracker_explains_save_and_applied(lang: str) -> None:
    (reply,) = applications_view([], lang)

    assert reply.text == t(
        lang, "apps_empty", save=t(lang, "btn_job_save"), applied=t(lang, "btn_job_applied")
    )
    assert t(lang, "btn_job_save") in reply.text
    assert t(lang, "btn_job_applied") in reply.text
    assert reply.buttons == ()


@pytest.mark.parametrize("lang", SUPPORTED)
def test_the_tracker_counts_every_stage(lang: str) -> None:
    entries = [
        tracked(Stage.SAVED, "s1"),
        tracked(Stage.SAVED, "s2"),
        tracked(Stage.APPLIED, "a1"),
        tracked(Stage.INTERVIEWING, "i1"),
        tracked(Stage.REJECTED, "r1"),
    ]
    summary, *jobs = applications_view(entries, lang)

    assert lines(summary) == [
        t(lang, "apps_summary", total=5),
        f"📌 {t(lang, 'stage_saved')}: 2",
        f"📨 {t(lang, 'stage_applied')}: 1",
        f"🗣 {t(lang, 'stage_interviewing')}: 1",
        f"🎉 {t(lang, 'stage_offer')}: 0",
        f"✖ {t(lang, 'stage_rejected')}: 1",
    ]
    assert summary.buttons == ()
    assert len(jobs) == 5


@pytest.mark.parametrize(
    ("stage", "buttons"),
    [
        (Stage.SAVED, [["m:stage:applied:j1"], ["m:stage:remove:j1"]]),
        (
            Stage.APPLIED,
            [
                ["m:stage:interviewing:j1", "m:stage:offer:j1", "m:stage:rejected:j1"],
                ["m:stage:remove:j1"],
            ],
        ),
        (Stage.INTERVIEWING, [["m:stage:offer:j1", "m:stage:rejected:j1"], ["m:stage:remove:j1"]]),
        (Stage.OFFER, [["m:stage:remove:j1"]]),
        (Stage.REJECTED, [["m:stage:remove:j1"]]),
    ],
)
def test_each_tracked_job_can_move_on_or_be_removed(stage: Stage, buttons: list[list[str]]) -> None:
    _, entry = applications_view([tracked(stage)], "en")

    assert payloads(entry) == buttons
    assert lines(entry)[0] == "💼 Job j1 · Foo AG"
    assert lines(entry)[1].endswith(
        t("en", "apps_entry_since", stage=t("en", f"stage_{stage}"), date="2026-11-22")
    )


@pytest.mark.parametrize(
    ("lang", "date"), [("en", "2026-11-02"), ("de", "02.11.2026"), ("es", "02/11/2026")]
)
def test_tracked_jobs_show_when_they_last_moved(lang: str, date: str) -> None:
    _, entry = applications_view([tracked(Stage.APPLIED, days_ago=20, company=None)], lang)

    assert lines(entry) == [
        "💼 Job j1",
        f"📨 {t(lang, 'apps_entry_since', stage=t(lang, 'stage_applied'), date=date)}",
    ]
    assert labels(entry) == [
        [t(lang, "btn_move_interviewing"), t(lang, "btn_move_offer"), t(lang, "btn_move_rejected")],
        [t(lang, "btn_move_remove")],
    ]


def test_the_most_advanced_and_most_recent_come_first() -> None:
    entries = [
        tracked(Stage.SAVED, "old_saved", days_ago=9),
        tracked(Stage.REJECTED, "rejected", days_ago=0),
        tracked(Stage.SAVED, "new_saved", days_ago=1),
        tracked(Stage.APPLIED, "applied", days_ago=5),
        tracked(Stage.OFFER, "offer", days_ago=30),
        tracked(Stage.INTERVIEWING, "interview", days_ago=2),
    ]
    _, *jobs = applications_view(entries, "en")

    shown = [lines(reply)[0].removeprefix("💼 Job ").removesuffix(" · Foo AG") for reply in jobs]
    assert shown == ["offer", "interview", "applied", "new_saved", "old_saved", "rejected"]


def test_a_long_tracker_shows_the_most_relevant_only() -> None:
    entries = [tracked(Stage.APPLIED, f"a{n}", days_ago=n) for n in range(MAX_TRACKED_SHOWN + 5)]
    summary, *jobs = applications_view(list(reversed(entries)), "en")

    assert len(jobs) == MAX_TRACKED_SHOWN
    assert lines(summary)[0] == t("en", "apps_summary", total=MAX_TRACKED_SHOWN + 5)
    assert lines(summary)[-1] == t("en", "apps_showing", shown=MAX_TRACKED_SHOWN)
    assert lines(jobs[0])[0] == "💼 Job a0 · Foo AG"
    assert lines(jobs[-1])[0] == f"💼 Job a{MAX_TRACKED_SHOWN - 1} · Foo AG"


def test_a_short_tracker_does_not_say_it_is_cut() -> None:
    summary, *_ = applications_view([tracked(Stage.SAVED)], "en")
    assert t("en", "apps_showing", shown=1) not in summary.text


def test_a_tracked_job_needs_a_usable_id() -> None:
    with pytest.raises(ValidationError):
        tracked(Stage.SAVED, job_id="has:colon")


@pytest.mark.parametrize(
    ("stage", "key"),
    [
        (Stage.SAVED, "moved_saved"),
        (Stage.APPLIED, "moved_applied"),
        (Stage.INTERVIEWING, "moved_interviewing"),
        (Stage.OFFER, "moved_offer"),
        (Stage.REJECTED, "moved_rejected"),
        ("remove", "moved_removed"),
    ],
)
@pytest.mark.parametrize("lang", SUPPORTED)
def test_stage_moves_are_acknowledged(stage: Move, key: str, lang: str) -> None:
    assert stage_moved("Data Engineer", stage, lang) == Reply(
        text=t(lang, key, title="Data Engineer")
    )


# --- did you hear back? -----------------------------------------------------------------------


@pytest.mark.parametrize("lang", SUPPORTED)
def test_the_follow_up_asks_with_four_answers(lang: str) -> None:
    prompt = followup_prompt("j1", "Data Engineer", "Foo AG", lang)

    assert prompt.text == t(lang, "followup_question", title="Data Engineer", company="Foo AG")
    assert payloads(prompt) == [
        ["m:heard:interview:j1", "m:heard:offer:j1"],
        ["m:heard:rejected:j1", "m:heard:waiting:j1"],
    ]
    assert labels(prompt) == [
        [t(lang, "btn_move_interviewing"), t(lang, "btn_move_offer")],
        [t(lang, "btn_move_rejected"), t(lang, "btn_heard_waiting")],
    ]


def test_the_follow_up_without_a_company() -> None:
    prompt = followup_prompt("j1", "Data Engineer", None, "de")
    assert prompt.text == t("de", "followup_question_plain", title="Data Engineer")


@pytest.mark.parametrize(
    ("heard", "key"),
    [
        (Heard.INTERVIEW, "moved_interviewing"),
        (Heard.OFFER, "moved_offer"),
        (Heard.REJECTED, "moved_rejected"),
        (Heard.WAITING, "heard_waiting"),
    ],
)
@pytest.mark.parametrize("lang", SUPPORTED)
def test_follow_up_answers_are_acknowledged(heard: Heard, key: str, lang: str) -> None:
    reply = followup_ack(heard, "Data Engineer", lang)

    assert reply.text == t(lang, key, title="Data Engineer")
    assert payloads(reply) == [["m:apps"]]


# --- one acknowledgement for every button that changes something ------------------------------


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ("m:save:j1", saved_ack("Data Engineer", "de")),
        ("m:applied:j1", applied_ack("Data Engineer", "de")),
        ("m:nij:j1", not_interested_ack(Verb.NOT_THIS_JOB, "Data Engineer", "Foo AG", "de")),
        ("m:nic:j1", not_interested_ack(Verb.NOT_THIS_COMPANY, "Data Engineer", "Foo AG", "de")),
        ("m:nik:j1", not_interested_ack(Verb.NOT_THIS_KIND, "Data Engineer", "Foo AG", "de")),
        ("m:stage:offer:j1", stage_moved("Data Engineer", Stage.OFFER, "de")),
        ("m:stage:remove:j1", stage_moved("Data Engineer", "remove", "de")),
        ("m:heard:rejected:j1", followup_ack(Heard.REJECTED, "Data Engineer", "de")),
        ("m:heard:waiting:j1", followup_ack(Heard.WAITING, "Data Engineer", "de")),
    ],
)
def test_acknowledge_picks_the_answer_for_the_button(payload: str, expected: Reply) -> None:
    action = parse_match_callback(payload)
    assert action is not None
    assert acknowledge(action, "Data Engineer", "de", company="Foo AG") == expected


@pytest.mark.parametrize("payload", ["m:why:j1", "m:ni:j1", "m:apps"])
def test_views_are_not_acknowledgements(payload: str) -> None:
    action = parse_match_callback(payload)
    assert action is not None
    with pytest.raises(ValueError, match="own view"):
        acknowledge(action, "Data Engineer", "en")


@pytest.mark.parametrize("lang", SUPPORTED)
def test_several_cards_as_one_message_keep_their_links_and_offer_why_for_each(lang: str) -> None:
    header = digest_header(2, Frequency.DAILY, lang)
    cards = [
        job_card(job("a1b2c3d4"), match(), lang, APPLY, header=header),
        job_card(job("e5f6a7b8", title="Data Engineer"), match(), lang, None),
    ]
    digest = one_message(cards, lang)

    assert digest.text.startswith(header)
    assert "Senior Backend Engineer" in digest.text
    assert "Data Engineer" in digest.text
    assert f"{t(lang, 'btn_job_apply')}: {APPLY}" in digest.text  # the link, written out
    assert payloads(digest) == [["m:why:a1b2c3d4"], ["m:why:e5f6a7b8"]]
    assert labels(digest)[1][0].endswith("Data Engineer")

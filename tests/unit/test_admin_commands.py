"""The admin grammar as tables: what each command, button and edit answer means."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conversations.admin_commands import (
    ADMIN_COMMANDS,
    BUTTON_GRAMMAR,
    COMMAND_GRAMMAR,
    OUT_OF_DATE,
    AddSource,
    AdminAction,
    AskRejectReason,
    DeadLetters,
    Decide,
    Duty,
    EditChoice,
    EditField,
    Grant,
    Help,
    Invalid,
    ListSources,
    SaveEdit,
    ShowJob,
    ShowPending,
    SourceAction,
    SourceVerb,
    Stats,
    parse_admin_button,
    parse_admin_command,
    parse_admin_reply,
)
from conversations.admin_views import ADMIN_HELP, EDITABLE_FIELDS, edit_choice, job_card
from core.jobs import Extraction, JobPosting, JobStatus, SourceKind, StoredJob

APPROVED, REJECTED = JobStatus.APPROVED, JobStatus.REJECTED
URL = "https://boards.greenhouse.io/acme"
NO_JOB = "No job (no id)."
NO_SOURCE = "No source (no id). See /sources."


@pytest.mark.parametrize(
    ("command", "args", "action"),
    [
        ("admin", "", Help()),
        ("admin", "whatever", Help()),
        ("sources", "", ListSources()),
        ("addsource", URL, AddSource(url=URL)),
        ("addsource", f"  {URL}   extra words", AddSource(url=URL)),
        ("addsource", "", Invalid(text=f"Send the URL: /addsource {URL}")),
        ("addsource", "   ", Invalid(text=f"Send the URL: /addsource {URL}")),
        ("pausesource", "s1", SourceAction(verb=SourceVerb.PAUSE, source_id="s1")),
        ("resumesource", "s1", SourceAction(verb=SourceVerb.RESUME, source_id="s1")),
        ("removesource", "s1 now", SourceAction(verb=SourceVerb.REMOVE, source_id="s1")),
        ("crawl", "s1", SourceAction(verb=SourceVerb.CRAWL, source_id="s1")),
        ("pausesource", "", Invalid(text=NO_SOURCE)),
        ("resumesource", "", Invalid(text=NO_SOURCE)),
        ("removesource", "", Invalid(text=NO_SOURCE)),
        ("crawl", "", Invalid(text=NO_SOURCE)),
        ("pending", "", ShowPending()),
        ("job", "j1", ShowJob(job_id="j1")),
        ("job", "", Invalid(text=NO_JOB)),
        ("approve", "j1", Decide(job_id="j1", status=APPROVED)),
        ("approve", "j1 please", Decide(job_id="j1", status=APPROVED)),
        ("approve", "", Invalid(text=NO_JOB)),
        (
            "reject",
            "j1 not a real job",
            Decide(job_id="j1", status=REJECTED, reason="not a real job"),
        ),
        # Whitespace inside the reason collapses, as the words are re-joined.
        (
            "reject",
            "j1   spam \n  again ",
            Decide(job_id="j1", status=REJECTED, reason="spam again"),
        ),
        ("reject", "j1", AskRejectReason(job_id="j1", must_exist=True)),
        ("reject", "  j1  ", AskRejectReason(job_id="j1", must_exist=True)),
        ("reject", "", Invalid(text="No job (no id). Use /reject ID reason.")),
        ("deadletters", "", DeadLetters(retry=False)),
        ("deadletters", "retry", DeadLetters(retry=True)),
        ("deadletters", "Retry", DeadLetters(retry=False)),  # only the exact word retries
        ("deadletters", "list", DeadLetters(retry=False)),
        ("stats", "", Stats()),
        ("stats", "14d", Stats()),
        ("duty", "on", Duty(on=True)),
        ("duty", "off", Duty(on=False)),
        ("duty", "off now", Duty(on=False)),
        ("duty", "", Invalid(text="Use /duty on or /duty off.")),
        ("duty", "ON", Invalid(text="Use /duty on or /duty off.")),
        ("duty", "maybe", Invalid(text="Use /duty on or /duty off.")),
        ("admin_add", "123", Grant(add=True, user_id="123")),
        ("admin_remove", "123", Grant(add=False, user_id="123")),
        ("admin_add", "", Invalid(text="Use /admin_add followed by a Telegram user id.")),
        ("admin_add", "@ana", Invalid(text="Use /admin_add followed by a Telegram user id.")),
        ("admin_add", "-5", Invalid(text="Use /admin_add followed by a Telegram user id.")),
        ("admin_remove", "12a", Invalid(text="Use /admin_remove followed by a Telegram user id.")),
    ],
)
def test_commands(command: str, args: str, action: AdminAction) -> None:
    assert parse_admin_command(command, args) == action


@pytest.mark.parametrize("command", ["start", "help", "link", "", "Admin", "approve2", "adm"])
def test_other_commands_are_not_admin_commands(command: str) -> None:
    """None: the message goes on to the candidate conversation."""
    assert parse_admin_command(command, "j1") is None


def test_every_command_of_the_help_text_is_in_the_grammar() -> None:
    """The help text and the grammar name the same commands."""
    in_help = {
        word.strip("/,").split()[0]
        for line in ADMIN_HELP.splitlines()[1:]
        for word in line.split()
        if word.startswith("/")
    }
    assert in_help | {"admin"} == ADMIN_COMMANDS == set(COMMAND_GRAMMAR)


@pytest.mark.parametrize(
    ("data", "action"),
    [
        ("adm:approve:j1", Decide(job_id="j1", status=APPROVED)),
        ("adm:reject:j1", AskRejectReason(job_id="j1", must_exist=False)),
        ("adm:edit:j1", EditChoice(job_id="j1")),
        ("adm:approve:j1:extra", Decide(job_id="j1", status=APPROVED)),  # extra parts ignored
        ("adm:field:j1:title", EditField(job_id="j1", field="title")),
        ("adm:field:j1:location", EditField(job_id="j1", field="location")),
        ("adm:field:j1:salary", EditField(job_id="j1", field="salary")),
        ("adm:field:j1:work_mode", EditField(job_id="j1", field="work_mode")),
        ("adm:field:j1:company", Invalid(text=OUT_OF_DATE)),  # not an editable field
        ("adm:field:j1:reject_reason", Invalid(text=OUT_OF_DATE)),
        ("adm:field:j1", Invalid(text=OUT_OF_DATE)),
        ("adm:field:j1:title:more", Invalid(text=OUT_OF_DATE)),
        ("adm:publish:j1", Invalid(text=OUT_OF_DATE)),
        ("adm:", Invalid(text=OUT_OF_DATE)),
        ("adm:APPROVE:j1", Invalid(text=OUT_OF_DATE)),
        # A button without a job id: the service answers as for any unknown job.
        ("adm:approve", Decide(job_id="", status=APPROVED)),
    ],
)
def test_buttons(data: str, action: AdminAction) -> None:
    assert parse_admin_button(data) == action


@pytest.mark.parametrize("data", ["approve:j1", "m:1:like", "link:keep:here", "", "ADM:approve:j1"])
def test_other_buttons_are_not_admin_buttons(data: str) -> None:
    assert parse_admin_button(data) is None


def test_the_buttons_the_views_draw_parse_to_the_action_they_name() -> None:
    """Round trip: every button on a review card and on the edit choice means something."""
    now = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)
    posting = JobPosting(
        source_kind=SourceKind.PAGE,
        extraction=Extraction.HEURISTIC,
        title="Baker",
        company="Bakery",
        confidence=0.9,
    )
    job = StoredJob(
        id="j7",
        source_ids=("s1",),
        posting=posting,
        status=JobStatus.PENDING_REVIEW,
        fingerprint="f",
        first_seen_at=now,
        last_seen_at=now,
    )
    drawn = [
        b.data
        for reply in (job_card(job, None), edit_choice("j7"))
        for row in reply.buttons
        for b in row
    ]
    actions = [parse_admin_button(data) for data in drawn]
    assert actions == [
        Decide(job_id="j7", status=APPROVED),
        AskRejectReason(job_id="j7", must_exist=False),
        EditChoice(job_id="j7"),
        *(EditField(job_id="j7", field=field) for field in EDITABLE_FIELDS),
    ]


@pytest.mark.parametrize(
    ("job", "field", "text", "action"),
    [
        (
            "j1",
            "reject_reason",
            "  duplicate of j0 ",
            Decide(job_id="j1", status=REJECTED, reason="duplicate of j0"),
        ),
        ("j1", "reject_reason", "x" * 400, Decide(job_id="j1", status=REJECTED, reason="x" * 300)),
        (
            "j1",
            "title",
            " Senior Baker ",
            SaveEdit(job_id="j1", field="title", text=" Senior Baker "),
        ),
        (
            "j1",
            "salary",
            "60000-75000 EUR",
            SaveEdit(job_id="j1", field="salary", text="60000-75000 EUR"),
        ),
        (None, None, "hello", None),  # nothing is being edited: the candidate conversation
        ("j1", None, "hello", None),
        (None, "title", "hello", None),
        ("", "title", "hello", None),
    ],
)
def test_answers_while_editing(
    job: str | None, field: str | None, text: str, action: AdminAction | None
) -> None:
    assert parse_admin_reply(job, field, text) == action


@given(st.text(), st.text())
def test_any_command_text_parses_without_raising(command: str, args: str) -> None:
    action = parse_admin_command(command, args)
    assert (action is None) == (command not in ADMIN_COMMANDS)


@given(st.sampled_from(sorted(COMMAND_GRAMMAR)), st.text())
def test_any_arguments_to_an_admin_command_give_an_action(command: str, args: str) -> None:
    """Hostile arguments give an action or Invalid, never an exception; ids have no spaces."""
    action = parse_admin_command(command, args)
    assert action is not None
    for name in ("job_id", "source_id", "url", "user_id"):
        value = getattr(action, name, None)
        assert value is None or (value and not any(ch.isspace() for ch in value))


@given(st.text())
def test_any_button_data_parses_without_raising(data: str) -> None:
    action = parse_admin_button(data)
    assert (action is None) == (not data.startswith("adm:"))
    if isinstance(action, EditField):
        assert action.field in EDITABLE_FIELDS


@given(st.sampled_from(sorted(BUTTON_GRAMMAR)), st.text(), st.text())
def test_any_job_id_on_an_admin_button_gives_an_action(verb: str, job: str, field: str) -> None:
    action = parse_admin_button(f"adm:{verb}:{job}:{field}")
    assert action is not None


@given(st.one_of(st.none(), st.text()), st.one_of(st.none(), st.text()), st.text())
def test_any_answer_while_editing_parses_without_raising(
    job: str | None, field: str | None, text: str
) -> None:
    action = parse_admin_reply(job, field, text)
    assert (action is None) == (not (job and field))

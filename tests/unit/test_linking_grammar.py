"""The linking grammar and the engine's answers to /link, /channels and /email, as tables."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conversations import link_commands as linking
from conversations.engine import advance
from conversations.models import (
    AddEmail,
    Conversation,
    IssueLinkCode,
    PreferChannel,
    RedeemLinkCode,
    RemoveEmail,
    ResolveLink,
    ShowChannels,
    Step,
    UnlinkChannel,
    VerifyEmail,
)
from core.channels import Channel, InboundMessage, MessageKind
from core.domain import Profile

NOW = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("K7QX2M", "K7QX2M"),
        ("k7qx2m", "K7QX2M"),
        ("k7q x2m", "K7QX2M"),
        ("K7Q-X2M", "K7QX2M"),
        ("K7QX2", None),  # too short
        ("K7QX2MM", None),  # too long
        ("K0QX2M", None),  # 0 is not in the alphabet (it looks like O)
        ("K1QX2M", None),
        ("", None),
        ("hello!", None),
    ],
)
def test_link_code(typed: str, code: str | None) -> None:
    assert linking.link_code(typed) == code


@pytest.mark.parametrize(
    ("typed", "code"),
    [("123456", "123456"), ("123 456", "123456"), ("12345", None), ("1234567", None),
     ("12a456", None)],
)
def test_email_code(typed: str, code: str | None) -> None:
    assert linking.email_code(typed) == code


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("link", ("link", "")),
        ("Link", ("link", "")),
        ("verknüpfen K7QX2M", ("link", "K7QX2M")),
        ("vincular k7qx2m", ("link", "k7qx2m")),
        ("link to my CV", None),  # not a code: not a command
        ("Kanäle", ("channels", "")),
        ("canales", ("channels", "")),
        ("e-mail ana@example.org", ("email", "ana@example.org")),
        ("correo 123456", ("email", "123456")),
        ("mail entfernen", ("email", "entfernen")),
        ("Email marketing", None),  # a skill, not a command
        ("I want a job", None),
    ],
)
def test_word_command(typed: str, expected: tuple[str, str] | None) -> None:
    assert linking.word_command(typed) == expected


@pytest.mark.parametrize(
    ("args", "command"),
    [
        ("", IssueLinkCode()),
        ("K7QX2M", RedeemLinkCode(code="K7QX2M")),
        ("nonsense", None),
    ],
)
def test_link_command(args: str, command: object) -> None:
    assert linking.link_command(args) == command


@pytest.mark.parametrize(
    ("args", "command"),
    [
        ("ana@example.org", AddEmail(address="ana@example.org")),
        ("123456", VerifyEmail(code="123456")),
        ("remove", RemoveEmail()),
        ("quitar", RemoveEmail()),
        ("ana at example", None),
    ],
)
def test_email_command(args: str, command: object) -> None:
    assert linking.email_command(args) == command


@pytest.mark.parametrize(
    ("data", "command"),
    [
        ("link:new", IssueLinkCode()),
        ("link:keep:here", ResolveLink(keep="here")),
        ("link:keep:other", ResolveLink(keep="other")),
        ("link:keep:both", None),
        ("ch:show", ShowChannels()),
        ("ch:prefer:whatsapp", PreferChannel(channel=Channel.WHATSAPP)),
        ("ch:prefer:email", PreferChannel(channel=Channel.EMAIL)),
        ("ch:unlink:telegram", UnlinkChannel(channel=Channel.TELEGRAM)),
        ("ch:unlink:email", None),  # an address is removed, not unlinked
        ("ch:email:remove", RemoveEmail()),
        ("ch:prefer:fax", None),
        ("ch", None),
        ("m:save:123", None),
    ],
)
def test_callback_command(data: str, command: object) -> None:
    assert linking.callback_command(data) == command


@given(st.text(max_size=80))
def test_grammar_never_raises(text: str) -> None:
    linking.word_command(text)
    linking.callback_command(text)
    linking.email_command(text)
    linking.link_command(text)


# --- the engine ---------------------------------------------------------------------------------


def message(text: str = "", *, kind: MessageKind = MessageKind.TEXT, command: str | None = None,
            args: str = "", channel: Channel = Channel.TELEGRAM) -> InboundMessage:
    return InboundMessage(channel=channel, chat_id="1", user_id="1", update_id="u1", kind=kind,
                          text=text, command=command, args=args)


ONBOARDED = Conversation(step=Step.DONE, onboarded=True, profile=Profile(roles=("Nurse",)))


@pytest.mark.parametrize(
    ("msg", "commands", "step"),
    [
        (message(kind=MessageKind.COMMAND, command="link"), (IssueLinkCode(),), Step.DONE),
        (message(kind=MessageKind.COMMAND, command="link", args="K7QX2M"),
         (RedeemLinkCode(code="K7QX2M"),), Step.DONE),
        (message("verknüpfen k7qx2m"), (RedeemLinkCode(code="K7QX2M"),), Step.DONE),
        (message(kind=MessageKind.COMMAND, command="channels"), (ShowChannels(),), Step.DONE),
        (message("channels"), (ShowChannels(),), Step.DONE),
        (message(kind=MessageKind.COMMAND, command="email"), (), Step.EMAIL),
        (message(kind=MessageKind.COMMAND, command="email", args="ana@example.org"),
         (AddEmail(address="ana@example.org"),), Step.EMAIL_CODE),
        (message(kind=MessageKind.COMMAND, command="email", args="123456"),
         (VerifyEmail(code="123456"),), Step.DONE),
        (message(kind=MessageKind.COMMAND, command="email", args="remove"), (RemoveEmail(),),
         Step.DONE),
        (message("x", kind=MessageKind.CALLBACK), (), Step.DONE),
        (message("ch:prefer:whatsapp", kind=MessageKind.CALLBACK),
         (PreferChannel(channel=Channel.WHATSAPP),), Step.DONE),
        (message("link:keep:other", kind=MessageKind.CALLBACK), (ResolveLink(keep="other"),),
         Step.DONE),
    ],
)
def test_engine_commands(msg: InboundMessage, commands: tuple[object, ...], step: Step) -> None:
    transition = advance(ONBOARDED, msg, NOW)
    assert transition.commands == commands
    assert transition.conversation is not None
    assert transition.conversation.step is step


def test_email_flow_asks_for_the_address_then_the_code_then_goes_back() -> None:
    asked = advance(ONBOARDED, message(kind=MessageKind.COMMAND, command="email"), NOW)
    assert asked.conversation is not None
    assert asked.conversation.step is Step.EMAIL
    assert "address" in asked.replies[0].text

    nonsense = advance(asked.conversation, message("my address"), NOW)
    assert nonsense.commands == ()
    assert nonsense.conversation == asked.conversation

    sent = advance(asked.conversation, message(" ana@example.org "), NOW)
    assert sent.commands == (AddEmail(address="ana@example.org"),)
    assert sent.conversation is not None
    assert sent.conversation.step is Step.EMAIL_CODE

    not_a_code = advance(sent.conversation, message("12"), NOW)
    assert not_a_code.commands == ()
    assert "6-digit" in not_a_code.replies[0].text

    verified = advance(sent.conversation, message("123 456"), NOW)
    assert verified.commands == (VerifyEmail(code="123456"),)
    assert verified.conversation is not None
    assert verified.conversation.step is Step.DONE


def test_cancel_leaves_the_email_question() -> None:
    asked = advance(ONBOARDED, message(kind=MessageKind.COMMAND, command="email"), NOW)
    assert asked.conversation is not None
    back = advance(asked.conversation, message(kind=MessageKind.COMMAND, command="cancel"), NOW)
    assert back.conversation is not None
    assert back.conversation.step is Step.DONE


def test_a_code_before_consent_redeems_without_storing_anything() -> None:
    first = advance(None, message("link K7QX2M", channel=Channel.WHATSAPP), NOW)
    assert first.conversation is None
    assert first.commands == (RedeemLinkCode(code="K7QX2M"),)

    wrong = advance(None, message(kind=MessageKind.COMMAND, command="link", args="zz"), NOW)
    assert wrong.conversation is None
    assert wrong.commands == ()
    assert "not a link code" in wrong.replies[0].text


def test_email_is_a_skill_while_skills_are_asked() -> None:
    asking = ONBOARDED.model_copy(update={"step": Step.SKILLS, "editing": True})
    transition = advance(asking, message("Email"), NOW)
    assert not any(isinstance(c, (AddEmail, ShowChannels)) for c in transition.commands)
    assert transition.conversation is not None
    assert transition.conversation.step is not Step.EMAIL

"""What goes wrong on the way: bad files, a crash mid-update, a flaky Bot API, a blocked bot."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.channels import Channel, InboundMessage, MessageKind
from tests.conftest import Stack
from tests.e2e import updates
from tests.e2e.test_telegram_webhook import Person, onboard_until_resume, settled
from tests.resume_files import SAMPLE_RESUME_EN, make_encrypted_pdf, make_image_only_pdf, make_png

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize(
    ("content", "name", "mime", "answer"),
    [
        (b"%PDF-1.4 this is not really a pdf", "cv.pdf", "application/pdf", "damaged"),
        (make_encrypted_pdf(SAMPLE_RESUME_EN, "pw"), "cv.pdf", "application/pdf", "password"),
        (make_image_only_pdf(), "scan.pdf", "application/pdf", "scan"),
        (make_png(), "cv.pdf", "application/pdf", "not a PDF or DOCX"),
    ],
)
async def test_unreadable_resumes_get_a_clear_answer_and_the_offer_to_paste(
    stack: Stack, content: bytes, name: str, mime: str, answer: str
) -> None:
    person = Person(stack, 7100)
    await onboard_until_resume(person)
    reading, failed, again = await person.uploads(content, name, mime, expect=3)
    assert "reading your resume" in reading
    assert answer in failed
    assert "paste" in again
    assert person.buttons() == ["resume:skip"]


async def test_files_over_the_limits_are_refused_before_downloading(stack: Stack) -> None:
    person = Person(stack, 7200)
    await onboard_until_resume(person)
    too_big = updates.document(
        stack.next_update_id(), 7200, "big", "cv.pdf", "application/pdf", 25 * 1024 * 1024
    )
    assert (await stack.post_update(too_big)).status_code == 200
    messages = await stack.telegram.wait_for_messages(7200, person.seen + 2)
    assert "too large" in messages[person.seen]
    assert stack.telegram.downloads == []


async def test_photos_are_answered_with_what_to_send_instead(stack: Stack) -> None:
    person = Person(stack, 7300)
    await onboard_until_resume(person)
    photo = {
        "update_id": stack.next_update_id(),
        "message": {
            "message_id": 1,
            "date": 1_790_000_000,
            "chat": {"id": 7300, "type": "private"},
            "from": {"id": 7300, "is_bot": False, "first_name": "P"},
            "photo": [{"file_id": "p1", "file_unique_id": "u1", "width": 90, "height": 90}],
        },
    }
    assert (await stack.post_update(photo)).status_code == 200
    (answer,) = (await stack.telegram.wait_for_messages(7300, person.seen + 1))[person.seen :]
    assert "PDF or DOCX" in answer


async def test_an_update_accepted_before_a_crash_is_processed_by_recovery(stack: Stack) -> None:
    # The web process stored the update, then died before processing it.
    msg = InboundMessage(
        channel=Channel.TELEGRAM,
        chat_id="7400",
        user_id="7400",
        update_id="9999",
        kind=MessageKind.COMMAND,
        text="/start",
        command="start",
    )
    assert await stack.runtime.chat.accept(msg)
    assert stack.telegram.messages_to(7400) == []
    assert await stack.runtime.chat.recover(older_than=timedelta(0)) == 1
    assert "privacy notice" in stack.telegram.messages_to(7400)[0].lower()
    # Recovery never repeats work that was finished.
    assert await stack.runtime.chat.recover(older_than=timedelta(0)) == 0
    await settled(stack)


async def test_a_failing_bot_api_defers_replies_to_the_queue_and_nothing_is_lost(
    stack: Stack,
) -> None:
    stack.telegram.fail_next(1, status=502, method="sendMessage")
    person = Person(stack, 7500)
    (notice,) = await person.says("/start")  # the worker sends it on the next try
    assert "privacy notice" in notice.lower()
    statuses = [r.status for r in stack.telegram.requests_for("sendMessage")]
    assert statuses == [502, 200]


async def test_a_user_who_blocked_the_bot_is_marked_unreachable(stack: Stack) -> None:
    person = Person(stack, 7600)
    await person.says("/start")
    await person.taps("consent:yes:en", expect=2)
    stack.telegram.block(7600)
    assert (
        await stack.post_update(updates.message(stack.next_update_id(), 7600, "Nurse"))
    ).status_code == 200
    await settled(stack)
    users = stack.runtime.mongo[stack.settings.mongodb_database]["users"]
    user = await users.find_one({"_id": "telegram:7600"})
    assert user is not None
    assert user["reachable"] is False

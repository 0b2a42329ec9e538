"""HTTP into /webhooks/telegram → embedded MongoDB + real Redis → the fake Bot API."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from core.logging import configure_logging, pseudonym
from core.store.documents import ResumeDoc
from tests.conftest import Stack
from tests.e2e import updates
from tests.resume_files import SAMPLE_RESUME_DE, SAMPLE_RESUME_EN, make_pdf
from tests.stored import documents_mentioning

pytestmark = pytest.mark.e2e


class Person:
    """One Telegram user driving the bot and reading what it answered."""

    def __init__(self, stack: Stack, user_id: int, language: str = "en") -> None:
        self.stack = stack
        self.id = user_id
        self.language = language
        self.seen = 0
        self.answers: list[dict[str, Any]] = []  # methods returned in webhook responses

    async def _send(self, update: dict[str, Any], expect: int) -> list[str]:
        response = await self.stack.post_update(update)
        assert response.status_code == 200
        if response.content:
            self.answers.append(response.json())
        messages = await self.stack.telegram.wait_for_messages(self.id, self.seen + expect)
        new = messages[self.seen :]
        self.seen = len(messages)
        return new

    async def says(self, text: str, expect: int = 1) -> list[str]:
        update = updates.message(self.stack.next_update_id(), self.id, text, self.language)
        return await self._send(update, expect)

    async def taps(self, data: str, expect: int = 1) -> list[str]:
        buttons = [button for row in self.stack.telegram.buttons_to(self.id) for button in row]
        assert data in [payload for _, payload in buttons], f"{data} not offered: {buttons}"
        update = updates.callback(self.stack.next_update_id(), self.id, data, self.language)
        return await self._send(update, expect)

    async def uploads(self, content: bytes, name: str, mime: str, expect: int = 2) -> list[str]:
        file_id = f"file-{self.id}-{len(content)}"
        self.stack.telegram.add_file(file_id, content)
        update = updates.document(
            self.stack.next_update_id(), self.id, file_id, name, mime, len(content)
        )
        return await self._send(update, expect)

    def buttons(self) -> list[str]:
        return [payload for row in self.stack.telegram.buttons_to(self.id) for _, payload in row]


async def onboard_until_resume(person: Person) -> None:
    assert "privacy notice" in (await person.says("/start"))[0].lower()
    answered = await person.taps("consent:yes:en", expect=2)
    assert "consent is recorded" in answered[0]
    assert "Which jobs" in answered[1]
    assert "How do you want to work" in (await person.says("Backend Developer, SRE"))[0]
    assert "Where should the jobs be" in (await person.taps("work_mode:remote"))[0]
    assert "experience level" in (await person.says("Berlin, Germany"))[0]
    assert "lowest salary" in (await person.taps("seniority:senior"))[0]
    assert "does not look right" in (await person.says("a lot"))[0]
    assert "resume" in (await person.says("70k EUR"))[0]


async def settled(stack: Stack) -> None:
    """Wait until every accepted update is processed (replies go out just before that).

    The positive signal to wait for before asserting that nothing more was sent: an update
    answered 200 is on disk as pending until processed, so once none is pending, every reply
    it could cause has reached the fake.
    """
    inbound = stack.runtime.mongo[stack.settings.mongodb_database]["inbound"]
    async with asyncio.timeout(10):
        # The store offers no event to wait on here; poll it briefly.
        while await inbound.count_documents({"status": "pending"}):  # noqa: ASYNC110
            await asyncio.sleep(0.01)


async def test_whole_onboarding_with_a_pdf_resume(stack: Stack) -> None:
    person = Person(stack, 4242)
    await onboard_until_resume(person)
    pdf = make_pdf(SAMPLE_RESUME_EN)
    reading, summary = await person.uploads(pdf, "cv.pdf", "application/pdf")
    assert "reading your resume" in reading
    assert "Skills:" in summary
    assert "Python" in summary
    assert person.buttons()[0] == "resume:ok"
    assert "How often" in (await person.taps("resume:ok"))[0]
    assert "time zone" in (await person.taps("frequency:daily"))[0]
    assert "stay quiet" in (await person.says("Berlin"))[0]
    # "All set", the menu, then (from the matcher, a moment later) the word on live jobs.
    done, _menu, first = await person.taps("quiet_hours:22-7", expect=3)
    assert "All set" in done
    assert "No jobs yet" in first
    assert "Backend Developer, SRE" in done
    assert "70,000 EUR" in done
    assert "Europe/Berlin" in done
    menu = [data for row in stack.telegram.buttons_to(person.id, back=1) for _, data in row]
    assert "cmd:prefs" in menu

    # Every button press was answered in the webhook response, with no extra API request.
    assert len(person.answers) == 6
    assert {answer["method"] for answer in person.answers} == {"answerCallbackQuery"}
    assert len({answer["callback_query_id"] for answer in person.answers}) == 6
    assert stack.telegram.answered_callbacks == []
    # The resume is encrypted at rest: neither the file nor the e-mail appear in plain text.
    raw = await ResumeDoc.collection().find_one({"_id": "telegram:4242"})
    assert raw is not None
    assert raw["file_enc"] != pdf
    assert b"%PDF" not in raw["file_enc"]
    email = next(line for line in SAMPLE_RESUME_EN if "@" in line).split()[-1]
    assert email.encode() not in raw["contact_enc"]
    profile = await stack.runtime.chat.users.load_profile("telegram:4242")
    assert profile is not None
    assert profile.roles == ("Backend Developer", "SRE")
    assert profile.resume is not None
    assert "Python" in profile.resume.skills


async def stored_resume(stack: Stack, user_key: str) -> tuple[str | None, tuple[str, ...]]:
    """The stored (confirmed) resume's e-mail and skills."""
    loaded = await stack.runtime.chat.personal.resumes.load(user_key)
    assert loaded is not None
    parsed, file = loaded
    assert file is not None
    return parsed.email, parsed.skills


@pytest.mark.parametrize("leave", ["/cancel", "/menu"])
async def test_a_replacement_resume_is_stored_only_once_confirmed(stack: Stack, leave: str) -> None:
    person = Person(stack, 5151)
    await onboard_until_resume(person)
    await person.uploads(make_pdf(SAMPLE_RESUME_EN), "cv.pdf", "application/pdf")
    await person.taps("resume:ok")
    await person.taps("frequency:daily")
    await person.says("Berlin")
    done, _menu, first = await person.taps("quiet_hours:22-7", expect=3)
    assert "All set" in done
    assert "No jobs yet" in first  # the matcher's word arrives before the next step starts
    old = await stored_resume(stack, "telegram:5151")
    assert old[0] == "jane.doe@example.com"

    # A replacement read and summarised, then abandoned: the old resume stays, whole.
    assert "Now your resume" in (await person.says("/resume"))[0]
    _, summary = await person.uploads(
        make_pdf(SAMPLE_RESUME_DE), "lebenslauf.pdf", "application/pdf"
    )
    assert "Is that right?" in summary
    await person.says(leave, expect=2 if leave == "/cancel" else 1)
    await settled(stack)
    assert await stored_resume(stack, "telegram:5151") == old
    assert await stack.runtime.chat.personal.resumes.load("telegram:5151", pending=True) is None

    # Confirmed, the replacement takes the old one's place.
    await person.says("/resume")
    await person.uploads(make_pdf(SAMPLE_RESUME_DE), "lebenslauf.pdf", "application/pdf")
    await person.taps("resume:ok", expect=2)
    await settled(stack)
    email, _skills = await stored_resume(stack, "telegram:5151")
    assert email == "katrin.mueller@example.de"
    assert await stack.runtime.chat.personal.resumes.load("telegram:5151", pending=True) is None


async def test_forged_or_missing_secret_is_refused_and_nothing_processed(stack: Stack) -> None:
    update = updates.message(stack.next_update_id(), 77, "/start")
    assert (await stack.post_update(update, secret="wrong")).status_code == 403
    assert (await stack.post_update(update, secret=None)).status_code == 401
    # The real one still goes through afterwards: the forged ones were not recorded as seen.
    assert (await stack.post_update(update)).status_code == 200
    assert len(await stack.telegram.wait_for_messages(77, 1)) == 1
    await settled(stack)  # every accepted update processed: anything more would be out by now
    assert len(stack.telegram.messages_to(77)) == 1


async def test_the_same_update_twice_is_answered_once(stack: Stack) -> None:
    update = updates.message(stack.next_update_id(), 88, "/start")
    first, second = await asyncio.gather(stack.post_update(update), stack.post_update(update))
    assert first.status_code == second.status_code == 200
    await stack.telegram.wait_for_messages(88, 1)
    assert (await stack.post_update(update)).status_code == 200
    await settled(stack)
    assert len(stack.telegram.messages_to(88)) == 1


async def test_malformed_and_oversized_updates_are_acknowledged_not_fatal(stack: Stack) -> None:
    url = f"{stack.base_url}/webhooks/telegram"
    headers = {"X-Telegram-Bot-Api-Secret-Token": "test-webhook-secret"}
    assert (await stack.http.post(url, content=b"{not json", headers=headers)).status_code == 200
    assert (await stack.http.post(url, json={"update_id": 1}, headers=headers)).status_code == 200
    assert (await stack.http.post(url, json=[1, 2], headers=headers)).status_code == 200
    huge = b"x" * (stack.settings.max_webhook_body_bytes + 1)
    assert (await stack.http.post(url, content=huge, headers=headers)).status_code == 413
    assert stack.telegram.sent == []


async def test_two_users_interleaved_each_get_their_own_answers_in_order(stack: Stack) -> None:
    ana, ben = Person(stack, 1001), Person(stack, 1002, language="de")
    await asyncio.gather(ana.says("/start"), ben.says("/start"))
    assert "privacy notice" in stack.telegram.messages_to(1001)[0].lower()
    assert "Datenschutz" in stack.telegram.messages_to(1002)[0]
    await asyncio.gather(ana.taps("consent:yes:en", expect=2), ben.taps("consent:yes:de", expect=2))
    await asyncio.gather(ana.says("Nurse"), ben.says("Buchhalter"))
    await settled(stack)  # the profile is saved after the reply
    ana_profile = await stack.runtime.chat.users.load_profile("telegram:1001")
    ben_profile = await stack.runtime.chat.users.load_profile("telegram:1002")
    assert ana_profile is not None
    assert ana_profile.roles == ("Nurse",)
    assert ben_profile is not None
    assert ben_profile.roles == ("Buchhalter",)
    # One user's burst is handled in order: three answers sent at once land in sequence.
    burst = [
        updates.callback(stack.next_update_id(), 1001, "work_mode:onsite"),
        updates.message(stack.next_update_id(), 1001, "Hamburg"),
        updates.callback(stack.next_update_id(), 1001, "seniority:mid"),
    ]
    for update in burst:
        assert (await stack.post_update(update)).status_code == 200
    messages = await stack.telegram.wait_for_messages(1001, ana.seen + 3)
    assert "Where should the jobs be" in messages[ana.seen]
    assert "experience level" in messages[ana.seen + 1]
    assert "lowest salary" in messages[ana.seen + 2]


async def test_nothing_is_stored_before_consent_and_no_means_nothing_kept(stack: Stack) -> None:
    person = Person(stack, 3131)
    await person.says("/start")
    await person.says("I want a job", expect=2)
    await settled(stack)
    assert await documents_mentioning(stack, ["3131"]) == {}
    assert "Goodbye" in (await person.taps("consent:no:en"))[0]
    await settled(stack)
    assert await documents_mentioning(stack, ["3131"]) == {}


async def test_group_chats_are_told_once_to_use_a_private_chat(stack: Stack) -> None:
    for _ in range(2):
        update = updates.group_message(stack.next_update_id(), 55, -900, "/start")
        assert (await stack.post_update(update)).status_code == 200
    await stack.telegram.wait_for_messages(-900, 1)
    await settled(stack)
    assert len(stack.telegram.messages_to(-900)) == 1
    assert "private chat" in stack.telegram.messages_to(-900)[0]


async def test_export_then_delete_leaves_nothing_behind(stack: Stack) -> None:
    person = Person(stack, 6060)
    await onboard_until_resume(person)
    pdf = make_pdf(SAMPLE_RESUME_EN)
    await person.uploads(pdf, "cv.pdf", "application/pdf")
    await person.taps("resume:ok")

    preparing, export_caption = await person.says("/export", expect=2)
    assert "Preparing" in preparing
    assert "JSON" in export_caption
    document = next(call for call in stack.telegram.sent if call.document_name)
    exported = json.loads(document.document or b"")
    assert exported["profiles"][0]["profile"]["roles"] == ["Backend Developer", "SRE"]
    assert {c["purpose"] for c in exported["consents"]} == {"profile_processing", "job_messages"}
    assert exported["resumes"][0]["email"] is not None
    assert exported["conversations"][0]["state"]["step"] == "frequency"

    assert "Delete everything?" in (await person.says("/delete"))[0]
    assert "deleted" in (await person.taps("delete:yes"))[0]
    await settled(stack)
    leftovers = await documents_mentioning(
        stack, ["telegram:6060", "6060", exported["resumes"][0]["email"]]
    )
    assert leftovers == {}
    erasures = await stack.runtime.mongo[stack.settings.mongodb_database][
        "erasures"
    ].count_documents({})
    assert erasures == 1


async def test_logs_are_json_lines_bound_to_the_update_and_user(
    stack: Stack, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging("INFO", "json")
    person = Person(stack, 8080)
    await person.says("/start")
    await settled(stack)
    events = [
        json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")
    ]
    step = next(event for event in events if event["event"] == "conversation.step.completed")
    assert step["user"] == pseudonym("telegram:8080")  # bound to the user, who is not named
    assert step["update_id"].isdigit()
    assert step["level"] == "info"
    assert "timestamp" in step

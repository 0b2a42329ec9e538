"""/delete wins its races: work in flight for a person never writes them back afterwards."""

from __future__ import annotations

import dataclasses

import pytest

from core.channels import Channel, FileRef
from core.store.documents import InboundDoc, MatchDoc, OutboxDoc, ResumeDoc
from tests.conftest import Stack
from tests.e2e.test_telegram_webhook import Person, onboard_until_resume
from tests.resume_files import SAMPLE_RESUME_EN, make_pdf

pytestmark = pytest.mark.e2e


async def test_a_resume_read_while_its_owner_is_erased_is_not_kept(stack: Stack) -> None:
    person = Person(stack, 6161)
    await onboard_until_resume(person)
    key = "telegram:6161"
    chat = stack.runtime.chat

    class ErasedMidRead:
        """The FileFetcher port, in memory: /delete lands while the file is downloaded."""

        async def fetch(self, file: FileRef, max_bytes: int) -> bytes:
            del file, max_bytes
            await chat.personal.erase(key, chat.clock())
            return make_pdf(SAMPLE_RESUME_EN)

    intake = dataclasses.replace(stack.runtime.resumes, files={Channel.TELEGRAM: ErasedMidRead()})
    ref = FileRef(file_id="cv", file_name="cv.pdf", mime_type="application/pdf", size=1000)
    outcome = await intake.run(key, "telegram", "6161", "901", ref.model_dump(), None)

    assert outcome == "dropped"
    assert await ResumeDoc.collection().count_documents({"_id": key}) == 0
    # No "resume parsed" event was stored for them either (it would carry their skills).
    assert await InboundDoc.collection().count_documents({"user_key": key}) == 0
    assert await chat.conversations.load(key) is None


async def test_a_fan_out_writing_for_someone_erased_meanwhile_leaves_nothing(stack: Stack) -> None:
    """The fan-out read A's and B's profiles, A was erased, then the page's rows were written:
    the fence after the writes erases A's again and leaves B's alone."""
    chat = stack.runtime.chat
    for user in (6262, 6363):
        await onboard_until_resume(Person(stack, user))
    erased, kept = "telegram:6262", "telegram:6363"
    await chat.personal.erase(erased, chat.clock())
    now = chat.clock()
    for key in (erased, kept):  # what the page writes for both, after the erasure
        await MatchDoc.collection().insert_one(
            {"user_key": key, "job_id": "job1", "score": 0.9, "state": "alerted",
             "created_at": now, "updated_at": now}
        )
        await OutboxDoc.collection().insert_one(
            {"_id": f"alert|{key}|job1", "user_key": key, "channel": "telegram",
             "chat_id": key.partition(":")[2], "kind": "alert", "job_id": "job1", "replies": [],
             "status": "pending", "not_before": now, "created_at": now}
        )

    await stack.runtime.matches.fence([erased, kept])

    for document in (MatchDoc, OutboxDoc):
        collection = document.collection()
        assert await collection.count_documents({"user_key": erased}) == 0
        assert await collection.count_documents({"user_key": kept}) == 1

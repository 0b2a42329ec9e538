"""/channels and e-mail end to end, beyond linking itself: unlinking a chat (from either side),
removing the address, keeping the redeeming chat's profile in a conflict, the throttle on code
mails, a daily digest as one e-mail, and /export of a linked person.

Same real parts as test_linking.py (its fixture ``both`` and helpers are reused): embedded
MongoDB, a real Redis, the fake Bot API, the fake Graph API and a real SMTP server on loopback."""

from __future__ import annotations

import json
import re
from email.message import EmailMessage

import pytest

from core.jobs import StoredJob
from core.store.documents import MatchDoc, OutboxDoc, UserDoc
from tests.e2e import test_linking, updates
from tests.e2e.test_admin import key
from tests.e2e.test_linking import (
    ADDRESS,
    ALICE,
    BEN,
    Both,
    approved,
    asked_for_a_code,
    code_in,
    indexed_key,
    linked_pair,
    mailed_code,
    onboard_with_resume,
    onboarded_alice,
    outbox_channels,
    person_field,
    route_of,
    stored_under,
    text_of,
    wa_key,
)
from tests.e2e.test_matches import TickingClock, delivered, indexed, tomorrow_in_berlin
from tests.e2e.test_matches import onboard as onboard_on_telegram
from tests.e2e.test_telegram_webhook import Person, settled
from tests.e2e.test_whatsapp import WaPerson
from tests.e2e.test_whatsapp import onboard as onboard_on_whatsapp
from tests.stored import documents_mentioning

pytestmark = pytest.mark.e2e

# The fixtures of test_linking.py, bound here so pytest finds them for this module's tests.
both = test_linking.both
clock = test_linking.clock

# Jobs a "Backend Developer, remote from Berlin" fits, each with a title the digest must show.
DIGEST_TITLES = (
    "Senior Backend Engineer (Python)",
    "Python Backend Developer",
    "Backend Engineer (Django)",
)


# --- helpers ------------------------------------------------------------------------------------


async def presses_old_button(person: Person, data: str) -> str:
    """A tap on a button of an earlier message (Telegram keeps old keyboards live): the one reply.

    ``Person.taps`` only presses buttons of the last message; a user can scroll up and press
    one that no longer fits, and the service must answer it sensibly."""
    stack = person.stack
    update = updates.callback(stack.next_update_id(), person.id, data, person.language)
    assert (await stack.post_update(update)).status_code == 200
    messages = await stack.telegram.wait_for_messages(person.id, person.seen + 1)
    person.seen = len(messages)
    return messages[-1]


async def email_rows() -> int:
    return await UserDoc.collection().count_documents({"channel": "email"})


async def verified(both: Both, ben: WaPerson) -> None:
    """Ben (onboarded or linked on WhatsApp) adds and confirms ``ADDRESS``."""
    sent = len(both.smtp.inbox(ADDRESS))
    assert "I sent a code" in (await ben.says(f"/email {ADDRESS}"))[0]
    code = await mailed_code(both, sent + 1)
    assert "is confirmed" in (await ben.says(f"/email {code}"))[0]


def html_of(mail: EmailMessage) -> str:
    body = mail.get_body(preferencelist=("html",))
    assert body is not None, "no HTML part"
    return str(body.get_content())


# --- 1. unlink WhatsApp from Telegram -----------------------------------------------------------


async def test_unlinking_whatsapp_from_telegram_starts_it_fresh_and_keeps_the_profile(
    both: Both,
) -> None:
    alice, ben = await linked_pair(both)
    await alice.says("/channels")
    assert "ch:unlink:whatsapp" in alice.buttons()
    (unlinked,) = await alice.taps("ch:unlink:whatsapp")
    assert "WhatsApp is unlinked" in unlinked

    await settled(both.stack)
    assert await route_of(key(ALICE)) == [key(ALICE)]
    assert await person_field(wa_key(BEN)) is None
    # WhatsApp is a chat of its own again: it starts at the consent notice, not the profile.
    needed, notice = await ben.says("/prefs", expect=2)
    assert "answer the privacy question" in needed
    assert "privacy notice" in notice.lower()
    # Telegram keeps the profile, and is now the only chat.
    assert "Backend Developer" in (await alice.says("/prefs"))[0]
    assert "only here" in (await alice.says("/channels"))[0]
    assert not [button for button in alice.buttons() if button.startswith("ch:unlink:")]
    # The buttons of the earlier /channels message are still there to press.
    assert "only chat" in await presses_old_button(alice, "ch:unlink:telegram")
    assert "WhatsApp is not linked" in await presses_old_button(alice, "ch:unlink:whatsapp")
    await settled(both.stack)
    assert await route_of(key(ALICE)) == [key(ALICE)]
    assert "Backend Developer" in (await alice.says("/prefs"))[0]


# --- 2. unlink the chat whose key holds the profile ---------------------------------------------


async def test_unlinking_telegram_the_first_chat_leaves_the_profile_with_whatsapp(
    both: Both,
) -> None:
    alice, ben = await linked_pair(both)
    await ben.says("/channels")
    (unlinked,) = await ben.taps("ch:unlink:telegram")
    assert "Telegram is unlinked" in unlinked

    await settled(both.stack)
    # The person (and the data under their key) stays; Telegram gets a new, empty person.
    assert await route_of(key(ALICE)) == [wa_key(BEN)]
    fresh = await person_field(key(ALICE))
    assert fresh is not None
    assert fresh.startswith(f"{key(ALICE)}~")
    assert await route_of(fresh) == [key(ALICE)]
    assert await stored_under(fresh) == {}

    prefs = (await ben.says("/prefs"))[0]
    assert "privacy notice" not in prefs.lower()
    assert "Backend Developer" in prefs
    assert "privacy notice" in (await alice.says("/start"))[0].lower()
    # Ben's chat kept the profile; Alice's new start did not touch it.
    assert "Backend Developer" in (await ben.says("/prefs"))[0]


# --- 3. the address removed: a later unreachable number mails nothing ----------------------------


@pytest.mark.parametrize("how", ["button", "command"])
async def test_a_removed_address_gets_no_mail_when_whatsapp_fails(both: Both, how: str) -> None:
    ben, code = await asked_for_a_code(both)
    assert "is confirmed" in (await ben.says(code))[0]
    assert await email_rows() == 1

    if how == "button":
        await ben.says("/channels")
        (removed,) = await ben.taps("ch:email:remove")
    else:
        (removed,) = await ben.says("/email remove")
    assert "e-mail address is removed" in removed
    await settled(both.stack)
    assert await email_rows() == 0
    assert await route_of(wa_key(BEN)) == [wa_key(BEN)]
    assert "You have no e-mail address" in (await ben.says("/email remove"))[0]

    await indexed_key(both, wa_key(BEN))
    both.wa.graph.fail_for(BEN, 131026)
    mails = len(both.smtp.mails)
    job = await approved(both, "job20301")
    # The alert was made and tried on WhatsApp (refused: number gone), and went nowhere else.
    assert await outbox_channels(job.id) == ["whatsapp"]
    assert both.wa.graph.errors(131026) >= 1
    assert len(both.smtp.mails) == mails
    assert all(job.posting.title not in text_of(mail.message) for mail in both.smtp.mails)


# --- 4. a conflict resolved with "keep this one" -------------------------------------------------


async def test_keeping_the_redeeming_chats_profile_deletes_the_other_one(both: Both) -> None:
    alice = await onboarded_alice(both, roles="Nurse")
    ben = WaPerson(both.wa, BEN)
    await onboard_with_resume(ben)
    assert await stored_under(key(ALICE))  # Alice's profile, before
    assert "profiles" in await documents_mentioning(both.stack, ["Nurse"])

    code = code_in((await alice.says("/link"))[0])
    (conflict,) = await ben.says(f"link {code}")
    assert "Which one do you want to keep" in conflict
    (done,) = await ben.taps("link:keep:here")
    assert done.startswith("Linked."), done

    await settled(both.stack)
    await delivered(both.stack)
    assert await stored_under(key(ALICE)) == {}
    assert await route_of(wa_key(BEN)) == [wa_key(BEN), key(ALICE)]
    assert await person_field(key(ALICE)) == wa_key(BEN)
    kept = await both.stack.runtime.chat.users.load_profile(wa_key(BEN))
    assert kept is not None
    assert list(kept.roles) == ["Backend Developer"]
    assert kept.resume is not None
    assert "Python" in kept.resume.skills
    # The dropped profile's roles are nowhere in the database any more.
    assert await documents_mentioning(both.stack, ["Nurse"]) == {}
    # Alice's Telegram chat now reads Ben's profile.
    prefs = (await alice.says("/prefs"))[0]
    assert "Backend Developer" in prefs
    assert "Nurse" not in prefs


# --- 5. code mails are throttled -----------------------------------------------------------------


async def test_the_fourth_code_mail_within_ten_minutes_is_refused(both: Both) -> None:
    ben = WaPerson(both.wa, BEN)
    await onboard_on_whatsapp(ben)
    for sent in range(1, 4):
        assert "I sent a code" in (await ben.says(f"/email {ADDRESS}"))[0]
        await both.smtp.wait_for(ADDRESS, sent)
    (fourth,) = await ben.says(f"/email {ADDRESS}")
    assert "Too many tries" in fourth
    await settled(both.stack)
    assert len(both.smtp.inbox(ADDRESS)) == 3
    assert len(both.smtp.mails) == 3
    # The last code mailed still confirms the address: the throttle stopped a mail, nothing else.
    last = re.search(r"\b(\d{6})\b", text_of(both.smtp.inbox(ADDRESS)[-1]))
    assert last is not None
    assert "is confirmed" in (await ben.says(f"/email {last.group(1)}"))[0]


# --- 6. a daily digest by e-mail ---------------------------------------------------------------


async def test_a_daily_digest_for_an_email_preferring_person_is_one_multipart_mail(
    both: Both, clock: TickingClock
) -> None:
    alice = Person(both.stack, ALICE)
    await onboard_on_telegram(
        alice,
        roles="Backend Developer",
        mode="remote",
        places="Berlin, Germany",
        seniority="senior",
        salary=None,
        frequency="daily",
    )
    code = code_in((await alice.says("/link"))[0])
    ben = WaPerson(both.wa, BEN)
    assert (await ben.says(f"link {code}"))[0].startswith("Linked.")
    await verified(both, ben)
    await ben.says("/channels")
    assert "Alerts now go to E-mail" in (await ben.taps("ch:prefer:email"))[0]
    route = await route_of(key(ALICE))
    assert route is not None
    assert [member.split(":")[0] for member in route] == ["email", "telegram", "whatsapp"]
    await indexed(both.stack, ALICE)

    telegram_before, whatsapp_before = alice.seen, ben.seen
    jobs: list[StoredJob] = [
        await approved(both, f"job2060{n}", title=title) for n, title in enumerate(DIGEST_TITLES)
    ]
    matched = await MatchDoc.collection().count_documents(
        {"user_key": key(ALICE), "state": "new"}
    )
    assert matched == len(jobs)  # daily: matched, not alerted
    assert len(both.smtp.inbox(ADDRESS)) == 1  # the code mail only

    clock.set(tomorrow_in_berlin(9, 5))
    await both.stack.runtime.matches.send_digests()  # the worker's cron may beat us: either way
    (_, digest) = await both.smtp.wait_for(ADDRESS, 2)
    await delivered(both.stack)

    assert len(both.smtp.inbox(ADDRESS)) == 2
    assert digest.is_multipart()
    plain, html = text_of(digest), html_of(digest)
    for job in jobs:
        assert job.posting.title in plain
        assert job.posting.title in html.replace("&amp;", "&")
    assert digest["List-Unsubscribe"]
    rows = [raw async for raw in OutboxDoc.collection().find({"kind": "digest"})]
    assert [(row["channel"], row["status"]) for row in rows] == [("email", "sent")]
    digested = await MatchDoc.collection().count_documents(
        {"user_key": key(ALICE), "state": "digested"}
    )
    assert digested == len(jobs)
    # Nothing about these jobs anywhere else: not on Telegram, not on WhatsApp.
    titles = [job.posting.title for job in jobs]
    sent_on_telegram = both.stack.telegram.messages_to(ALICE)[telegram_before:]
    sent_on_whatsapp = both.wa.graph.texts_to(BEN)[whatsapp_before:]
    for text in [*sent_on_telegram, *sent_on_whatsapp]:
        assert not any(title in text for title in titles), text


# --- 7. /export of a linked person -----------------------------------------------------------


async def test_export_from_whatsapp_lists_both_chats_and_the_verified_address(both: Both) -> None:
    _, ben = await linked_pair(both)
    await verified(both, ben)
    route = await route_of(key(ALICE))
    assert route is not None

    await ben.says("/export", expect=2)
    (upload,) = both.wa.graph.uploads
    exported = json.loads(upload.content)
    assert exported["channels"] == [
        {"channel": "telegram", "user_key": key(ALICE)},
        {"channel": "whatsapp", "user_key": wa_key(BEN)},
        {"channel": "email", "user_key": route[2], "address": ADDRESS},
    ]
    assert exported["profiles"][0]["profile"]["roles"] == ["Backend Developer"]

"""One person on several channels, end to end: a Telegram chat and a WhatsApp number joined with a
one-time code, an e-mail address verified with a mailed code, alerts on the preferred channel and
moved once down the route when one is unreachable, the one-click unsubscribe link, and /delete
from one chat erasing the person everywhere.

Real parts throughout: embedded MongoDB, a real Redis, the fake Bot API, the fake Graph API and a
real SMTP server on loopback (aiosmtpd)."""

from __future__ import annotations

import itertools
import re
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any
from urllib.parse import urlsplit

import pytest
from pydantic import SecretStr

from core.jobs import StoredJob
from core.store.documents import OutboxDoc, PersonDoc, UserDoc
from tests.conftest import WEBHOOK_SECRET, Stack, running
from tests.e2e.test_admin import ADMIN, key
from tests.e2e.test_matches import (
    TickingClock,
    approve,
    delivered,
    eventually,
    indexed,
    seed_job,
    tomorrow_in_berlin,
)
from tests.e2e.test_matches import onboard as onboard_on_telegram
from tests.e2e.test_telegram_webhook import Person, settled
from tests.e2e.test_whatsapp import APP_SECRET, VERIFY_TOKEN, WaPerson, WaStack
from tests.e2e.test_whatsapp import onboard as onboard_on_whatsapp
from tests.fakes.graph_api import FakeGraphAPI
from tests.fakes.smtp_server import FakeSmtpServer
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.resume_files import SAMPLE_RESUME_EN, make_pdf
from tests.stored import documents_mentioning

pytestmark = pytest.mark.e2e

ALICE = 8101  # a Telegram user
BEN = "447700900123"  # a UK WhatsApp number: the bot speaks English
_numbers = itertools.count(447700900200)
ADDRESS = "ben@example.org"
WRONG_CODE = "ACDEFG"  # a well-formed link code nobody was given
UNMAILED = "Python Backend Developer"  # the job alerted while the address was unverified


@dataclass
class Both:
    """The service with Telegram, WhatsApp and e-mail configured, and the fakes behind it."""

    stack: Stack
    wa: WaStack
    smtp: FakeSmtpServer
    clock: TickingClock

    def new_number(self) -> WaPerson:
        """A WhatsApp number that never wrote before."""
        return WaPerson(self.wa, str(next(_numbers)))


@pytest.fixture
def clock() -> TickingClock:
    ticking = TickingClock()
    ticking.set(tomorrow_in_berlin(5))  # no daily digest falls due while a test runs
    return ticking


@pytest.fixture
async def both(
    settings_factory: Any, fake_telegram: FakeTelegramAPI, clock: TickingClock
) -> AsyncIterator[Both]:
    async with FakeGraphAPI() as graph, FakeSmtpServer() as smtp:
        settings = settings_factory(
            telegram=fake_telegram.telegram_settings(webhook_secret=SecretStr(WEBHOOK_SECRET)),
            whatsapp=graph.settings(
                app_secret=SecretStr(APP_SECRET),
                verify_token=SecretStr(VERIFY_TOKEN),
                per_user_interval_s=0.2,
            ),
            smtp=smtp.settings(),
            admins=[ADMIN],
            public_url="https://jobscout.example",
        )
        async with running(settings, fake_telegram, clock=clock) as stack:
            graph.post_statuses_to(f"{stack.base_url}/webhooks/whatsapp", APP_SECRET)
            yield Both(stack, WaStack(stack, graph), smtp, clock)


# --- helpers ------------------------------------------------------------------------------------


async def onboarded_alice(both: Both, roles: str = "Backend Developer") -> Person:
    alice = Person(both.stack, ALICE)
    await onboard_on_telegram(
        alice,
        roles=roles,
        mode="remote",
        places="Berlin, Germany",
        seniority="senior",
        salary=None,
        frequency="instant",
    )
    return alice


def code_in(reply: str) -> str:
    found = re.search(r"Your link code: ([A-Z0-9]{6})", reply)
    assert found is not None, reply
    return found.group(1)


async def linked_pair(both: Both) -> tuple[Person, WaPerson]:
    """Alice onboarded on Telegram; Ben's new WhatsApp number joins her with her code."""
    alice = await onboarded_alice(both)
    code = code_in((await alice.says("/link"))[0])
    ben = WaPerson(both.wa, BEN)
    (done,) = await ben.says(f"link {code}")
    assert done.startswith("Linked."), done
    return alice, ben


async def route_of(person: str) -> list[str] | None:
    raw = await PersonDoc.collection().find_one({"_id": person})
    return None if raw is None else list(raw["route"])


async def person_field(user_key: str) -> str | None:
    raw = await UserDoc.collection().find_one({"_id": user_key})
    return None if raw is None else raw.get("person")


def wa_key(number: str) -> str:
    return f"whatsapp:{number}"


def text_of(mail: EmailMessage) -> str:
    body = mail.get_body(preferencelist=("plain",))
    assert body is not None
    return str(body.get_content())


def mails_mentioning(both: Both, needle: str) -> list[EmailMessage]:
    return [mail for mail in both.smtp.inbox(ADDRESS) if needle in text_of(mail)]


async def mailed_code(both: Both, n: int = 1) -> str:
    mail = (await both.smtp.wait_for(ADDRESS, n))[n - 1]
    found = re.search(r"\b(\d{6})\b", text_of(mail))
    assert found is not None, text_of(mail)
    return found.group(1)


async def outbox_channels(job_id: str) -> list[str]:
    cursor = OutboxDoc.collection().find({"job_id": job_id})
    return [raw["channel"] async for raw in cursor]


async def approved(both: Both, job_id: str, **fields: Any) -> StoredJob:
    job = await seed_job(both.stack, job_id, **fields)
    await approve(both.stack, job.id)
    await delivered(both.stack)
    return job


# --- 1. linking --------------------------------------------------------------------------------


async def test_a_code_from_telegram_joins_a_new_whatsapp_number_to_the_same_person(
    both: Both,
) -> None:
    _, ben = await linked_pair(both)
    channels = (await ben.says("/channels"))[0]
    assert "1. Telegram – gets your alerts" in channels
    assert "2. WhatsApp" in channels
    assert await route_of(key(ALICE)) == [key(ALICE), wa_key(BEN)]
    assert await person_field(wa_key(BEN)) == key(ALICE)
    # The WhatsApp chat reads Alice's profile: no consent notice, no onboarding again.
    prefs = await ben.says("/prefs")
    assert "privacy notice" not in prefs[0].lower()
    assert "Backend Developer" in prefs[0]


# --- 2. codes that do not work ----------------------------------------------------------------


async def nothing_linked(*user_keys: str) -> None:
    assert await PersonDoc.collection().count_documents({}) == 0
    for user_key in user_keys:
        assert await person_field(user_key) is None


async def test_a_wrong_code_links_nothing(both: Both) -> None:
    alice = await onboarded_alice(both)
    await alice.says("/link")
    ben = WaPerson(both.wa, BEN)
    (answer,) = await ben.says(f"link {WRONG_CODE}")
    assert "does not work" in answer
    await settled(both.stack)
    await nothing_linked(key(ALICE), wa_key(BEN))


async def test_a_used_code_is_refused_to_the_chat_that_used_it_and_to_any_other(
    both: Both,
) -> None:
    alice = await onboarded_alice(both)
    code = code_in((await alice.says("/link"))[0])
    ben = WaPerson(both.wa, BEN)
    assert (await ben.says(f"link {code}"))[0].startswith("Linked.")
    # Were the code still live, Ben would hear "already linked" and a newcomer "You already have
    # a WhatsApp chat linked": both hear that it does not work.
    assert "does not work" in (await ben.says(f"link {code}"))[0]
    carla = both.new_number()
    assert "does not work" in (await carla.says(f"link {code}"))[0]
    await settled(both.stack)
    assert await route_of(key(ALICE)) == [key(ALICE), wa_key(BEN)]
    assert await person_field(wa_key(carla.id)) is None


async def test_a_code_expires_after_ten_minutes_by_the_services_clock(
    both: Both, clock: TickingClock
) -> None:
    alice = await onboarded_alice(both)
    code = code_in((await alice.says("/link"))[0])
    clock.advance(minutes=11)  # Redis still holds it (its own TTL runs on real time)
    ben = WaPerson(both.wa, BEN)
    assert "does not work" in (await ben.says(f"link {code}"))[0]
    await settled(both.stack)
    await nothing_linked(key(ALICE), wa_key(BEN))


async def test_the_sixth_try_from_one_chat_is_throttled_even_with_the_right_code(
    both: Both,
) -> None:
    alice = await onboarded_alice(both)
    code = code_in((await alice.says("/link"))[0])
    ben = WaPerson(both.wa, BEN)
    for _ in range(5):
        assert "does not work" in (await ben.says(f"link {WRONG_CODE}"))[0]
    (sixth,) = await ben.says(f"link {code}")
    assert "Too many tries" in sixth
    await settled(both.stack)
    await nothing_linked(key(ALICE), wa_key(BEN))
    # The throttle is the chat's: the code itself still works from another chat.
    carla = both.new_number()
    assert (await carla.says(f"link {code}"))[0].startswith("Linked.")


# --- 3. both chats onboarded: the user chooses, nothing is merged ------------------------------


async def onboard_with_resume(person: WaPerson) -> None:
    """WhatsApp onboarding with a PDF resume (its skills: Python, ...)."""
    assert "privacy notice" in (await person.says("Hi"))[0].lower()
    await person.taps("consent:yes:en", expect=2)
    await person.says("Backend Developer")
    await person.taps("work_mode:remote")
    await person.says("Berlin, Germany")
    await person.taps("seniority:senior")
    await person.taps("salary:skip")
    pdf = make_pdf(SAMPLE_RESUME_EN)
    await person.uploads(pdf, "cv.pdf", "application/pdf")
    await person.taps("resume:ok")
    await person.taps("frequency:instant")
    await person.says("Berlin")
    assert "All set" in (await person.taps("quiet_hours:none", expect=3))[0]


async def stored_under(user_key: str) -> dict[str, int]:
    """The profile data stored under a key (not the chat's own user row and inbox)."""
    found: dict[str, int] = {}
    for name, field in (
        ("profiles", "_id"),
        ("conversations", "_id"),
        ("resumes", "_id"),
        ("consents", "user_key"),
    ):
        collection = UserDoc.collection().database[name]
        # A conversations row may only name the chat's person (routing, like its user row).
        held = {"revision": {"$exists": True}} if name == "conversations" else {}
        count = await collection.count_documents({field: user_key, **held})
        if count:
            found[name] = count
    return found


async def test_when_both_are_onboarded_the_dropped_profile_is_deleted_not_merged(
    both: Both,
) -> None:
    alice = await onboarded_alice(both, roles="Nurse")
    ben = WaPerson(both.wa, BEN)
    await onboard_with_resume(ben)
    bens = await both.stack.runtime.chat.users.load_profile(wa_key(BEN))
    assert bens is not None
    assert bens.resume is not None
    assert "Python" in bens.resume.skills
    assert "conversations" in await stored_under(wa_key(BEN))

    code = code_in((await alice.says("/link"))[0])
    (conflict,) = await ben.says(f"link {code}")
    assert "Which one do you want to keep" in conflict
    assert {button for button, _ in ben.offered()} == {"link:keep:here", "link:keep:other"}
    (done,) = await ben.taps("link:keep:other")
    assert done.startswith("Linked."), done

    await settled(both.stack)
    assert await stored_under(wa_key(BEN)) == {}
    assert await route_of(key(ALICE)) == [key(ALICE), wa_key(BEN)]
    kept = await both.stack.runtime.chat.users.load_profile(key(ALICE))
    assert kept is not None
    assert list(kept.roles) == ["Nurse"]
    assert "Python" not in (kept.resume.skills if kept.resume else ())
    prefs = (await ben.says("/prefs"))[0]
    assert "Nurse" in prefs
    assert "Backend Developer" not in prefs


# --- 4. and 5. alerts: the preferred channel, and the next one when it is blocked --------------


def telegram_alerts(both: Both, job: StoredJob) -> list[str]:
    return [text for text in both.stack.telegram.messages_to(ALICE) if job.posting.title in text]


def whatsapp_alerts(both: Both, job: StoredJob) -> list[str]:
    return [text for text in both.wa.graph.texts_to(BEN) if job.posting.title in text]


async def _arrived(
    alerts: Callable[[Both, StoredJob], list[str]], both: Both, job: StoredJob
) -> bool:
    """Polled: the worker delivers on its own."""
    return bool(alerts(both, job))


async def test_alerts_go_to_the_preferred_channel_only(both: Both) -> None:
    _, ben = await linked_pair(both)
    await ben.says("/channels")
    assert "Alerts now go to WhatsApp" in (await ben.taps("ch:prefer:whatsapp"))[0]
    assert await route_of(key(ALICE)) == [wa_key(BEN), key(ALICE)]
    await indexed(both.stack, ALICE)

    job = await approved(both, "job10401")
    await eventually(lambda: _arrived(whatsapp_alerts, both, job))
    await delivered(both.stack)
    assert len(whatsapp_alerts(both, job)) == 1
    assert telegram_alerts(both, job) == []
    assert await outbox_channels(job.id) == ["whatsapp"]


async def test_a_blocked_telegram_chat_sends_the_alert_once_to_whatsapp(both: Both) -> None:
    await linked_pair(both)  # Telegram first: it gets the alerts
    await indexed(both.stack, ALICE)
    both.stack.telegram.block(ALICE)

    job = await approved(both, "job10501")
    await eventually(lambda: _arrived(whatsapp_alerts, both, job))
    await delivered(both.stack)
    assert len(whatsapp_alerts(both, job)) == 1
    assert telegram_alerts(both, job) == []
    # Telegram was tried first and refused it (blocked), then the row moved on, once.
    refused = [
        request
        for request in both.stack.telegram.requests_for("sendMessage")
        if request.chat_id == str(ALICE) and request.status == 403
    ]
    assert len(refused) == 1
    assert await outbox_channels(job.id) == ["whatsapp"]


# --- 6., 7. and 9. e-mail: verified by a mailed code, the last fallback, one-click unsubscribe ---


async def indexed_key(both: Both, user_key: str) -> None:
    async def there() -> bool:
        found = await both.stack.runtime.matches.index.vectors("candidates", [user_key])
        return len(found) == 1

    await eventually(there)


async def asked_for_a_code(both: Both) -> tuple[WaPerson, str]:
    """Ben, onboarded on WhatsApp, asks to add his address; the code the SMTP server got."""
    ben = WaPerson(both.wa, BEN)
    await onboard_on_whatsapp(ben)
    assert "Which e-mail address" in (await ben.says("/email"))[0]
    assert "I sent a code to b***@example.org" in (await ben.says(ADDRESS))[0]
    return ben, await mailed_code(both)


async def email_alert(both: Both) -> tuple[WaPerson, StoredJob]:
    """Ben verifies his address; with his number gone (131026) an alert reaches it by mail.

    Before he typed the code an alert could not reach WhatsApp either: it was not mailed."""
    ben, code = await asked_for_a_code(both)
    await indexed_key(both, wa_key(BEN))
    both.wa.graph.fail_for(BEN, 131026)
    unmailed = await approved(both, "job10601", title=UNMAILED)
    assert await outbox_channels(unmailed.id) == ["whatsapp"]
    assert len(both.smtp.inbox(ADDRESS)) == 1  # the code mail, nothing else
    both.wa.graph.clear_failures(BEN)

    (verified,) = await ben.says(code)
    assert "b***@example.org is confirmed" in verified
    email_member = (await route_of(wa_key(BEN)) or [])[1:]
    assert [member.split(":")[0] for member in email_member] == ["email"]
    assert len(both.smtp.inbox(ADDRESS)) == 1

    both.wa.graph.fail_for(BEN, 131026)
    job = await approved(both, "job10602")
    await both.smtp.wait_for(ADDRESS, 2)
    await delivered(both.stack)
    return ben, job


async def test_an_unreachable_number_sends_the_alert_once_to_the_verified_address(
    both: Both,
) -> None:
    _, job = await email_alert(both)
    (mail,) = mails_mentioning(both, job.posting.title)
    assert mail["List-Unsubscribe"]
    assert mails_mentioning(both, UNMAILED) == []
    assert [text for text in both.wa.graph.texts_to(BEN) if job.posting.title in text] == []
    assert await outbox_channels(job.id) == ["email"]


async def test_the_unsubscribe_link_works_once_and_only_as_signed(both: Both) -> None:
    ben, job = await email_alert(both)
    (mail,) = mails_mentioning(both, job.posting.title)
    url = str(mail["List-Unsubscribe"]).strip("<>")
    path = urlsplit(url).path
    assert url.startswith("https://jobscout.example/email/unsubscribe/")
    endpoint = f"{both.stack.base_url}{path}"
    token = path.rsplit("/", 1)[1]
    flip = len(token) - 5  # inside the MAC
    forged = token[:flip] + ("A" if token[flip] != "A" else "B") + token[flip + 1 :]

    page = await both.stack.http.get(endpoint)
    assert page.status_code == 200
    assert "<form" in page.text
    assert "Stop JobScout e-mails" in page.text
    assert len(await route_of(wa_key(BEN)) or []) == 2  # a GET changes nothing
    # The page speaks the address's language.
    member = (await route_of(wa_key(BEN)) or [])[-1]
    await UserDoc.collection().update_one({"_id": member}, {"$set": {"language": "de"}})
    german = await both.stack.http.get(endpoint)
    assert 'lang="de"' in german.text
    assert "Keine E-Mails von JobScout" in german.text

    forged_post = await both.stack.http.post(f"{both.stack.base_url}/email/unsubscribe/{forged}")
    assert forged_post.status_code == 403
    assert len(await route_of(wa_key(BEN)) or []) == 2

    done = await both.stack.http.post(endpoint)
    assert done.status_code == 200
    assert "Abgemeldet" in done.text
    assert await route_of(wa_key(BEN)) == [wa_key(BEN)]
    assert (await both.stack.http.post(endpoint)).status_code == 410

    both.wa.graph.clear_failures(BEN)
    channels = (await ben.says("/channels"))[0]
    assert "E-mail" not in channels
    both.wa.graph.fail_for(BEN, 131026)
    mails = len(both.smtp.mails)
    later = await approved(both, "job10701")
    assert await outbox_channels(later.id) == ["whatsapp"]
    assert len(both.smtp.mails) == mails  # nothing more is mailed


async def test_a_mistyped_email_code_is_not_right_and_adds_no_address(both: Both) -> None:
    ben, code = await asked_for_a_code(both)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    (answer,) = await ben.says(wrong)
    assert "not right" in answer
    await settled(both.stack)
    assert await route_of(wa_key(BEN)) is None
    assert await UserDoc.collection().count_documents({"channel": "email"}) == 0
    assert "E-mail" not in (await ben.says("/channels"))[0]


# --- 8. /delete from one chat erases the person everywhere ------------------------------------


async def test_delete_from_whatsapp_erases_every_linked_chat_the_address_and_the_person(
    both: Both,
) -> None:
    alice, ben = await linked_pair(both)
    await ben.says("/email")
    await ben.says(ADDRESS)
    assert "is confirmed" in (await ben.says(await mailed_code(both)))[0]
    route = await route_of(key(ALICE))
    assert route is not None
    assert route[:2] == [key(ALICE), wa_key(BEN)]
    email_key = route[2]
    assert email_key.startswith("email:")
    needles = [key(ALICE), wa_key(BEN), BEN, email_key, ADDRESS]
    mentioned = await documents_mentioning(both.stack, needles)
    assert set(mentioned) >= {"users", "people", "conversations"}

    await ben.says("/delete")
    await ben.taps("delete:yes")
    await settled(both.stack)
    await delivered(both.stack)
    assert await documents_mentioning(both.stack, needles) == {}
    assert [raw async for raw in both.stack.runtime.redis.scan_iter("link:*")] == []
    # Alice's Telegram chat knows nothing of her: it starts over at the consent notice.
    alice.seen = len(both.stack.telegram.messages_to(ALICE))
    assert "privacy notice" in (await alice.says("/start"))[0].lower()

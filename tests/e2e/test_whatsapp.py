"""WhatsApp end to end: signed POSTs into /webhooks/whatsapp → embedded MongoDB + real Redis →
the real WhatsApp sender → a fake Graph API on loopback (which enforces Meta's message limits
and posts signed status webhooks back)."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from pydantic import SecretStr

from core import metrics
from core.channels import REENGAGE_PAYLOAD
from core.ports.outbox import OutboxStatus
from core.store.documents import UserDoc
from tests.conftest import WEBHOOK_SECRET, Stack, running
from tests.e2e.test_admin import ADMIN
from tests.e2e.test_matches import (
    TickingClock,
    approve,
    delivered,
    eventually,
    seed_job,
    tomorrow_in_berlin,
)
from tests.e2e.test_telegram_webhook import settled
from tests.fakes.graph_api import FakeGraphAPI
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.resume_files import SAMPLE_RESUME_EN, make_pdf
from tests.stored import documents_mentioning

pytestmark = pytest.mark.e2e

APP_SECRET = "whatsapp-app-secret"
VERIFY_TOKEN = "verify-me-please"
ANA, BEN, CARLA = "4915112345678", "447700900123", "34612345678"  # Germany, the UK, Spain
BSUID = "ES.13491208655302741918"  # a business-scoped user id
_wamids = itertools.count(1)


def text_message(wa_id: str, body: str) -> dict[str, Any]:
    return {"from": wa_id, "id": f"wamid.in{next(_wamids)}", "timestamp": "1764800000",
            "type": "text", "text": {"body": body}}


def button_reply(wa_id: str, reply_id: str) -> dict[str, Any]:
    return {"from": wa_id, "id": f"wamid.in{next(_wamids)}", "timestamp": "1764800000",
            "type": "interactive",
            "interactive": {"type": "button_reply",
                            "button_reply": {"id": reply_id, "title": "whatever it said"}}}


def template_reply(wa_id: str, payload: str) -> dict[str, Any]:
    return {"from": wa_id, "id": f"wamid.in{next(_wamids)}", "timestamp": "1764800000",
            "type": "button", "button": {"payload": payload, "text": "Show jobs"}}


def document_message(wa_id: str, media_id: str, name: str, mime: str) -> dict[str, Any]:
    return {"from": wa_id, "id": f"wamid.in{next(_wamids)}", "timestamp": "1764800000",
            "type": "document",
            "document": {"id": media_id, "filename": name, "mime_type": mime}}


def envelope(*messages: dict[str, Any], statuses: list[dict[str, Any]] | None = None
             ) -> dict[str, Any]:
    """Meta's classic shape: contacts with wa_id only (no business-scoped user_id)."""
    senders = dict.fromkeys(message["from"] for message in messages)
    value: dict[str, Any] = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "15550001111", "phone_number_id": "PNID"},
        "contacts": [{"profile": {"name": "Someone"}, "wa_id": wa_id} for wa_id in senders],
        "messages": list(messages),
    }
    if statuses:
        value["statuses"] = statuses
    return {"object": "whatsapp_business_account",
            "entry": [{"id": "WABA", "changes": [{"field": "messages", "value": value}]}]}


def sign(body: bytes, secret: str = APP_SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class WaStack:
    """The whole service with WhatsApp configured, and the fake Graph API behind it."""

    def __init__(self, stack: Stack, graph: FakeGraphAPI) -> None:
        self.stack = stack
        self.graph = graph
        self.url = f"{stack.base_url}/webhooks/whatsapp"

    async def post(self, payload: dict[str, Any], *, signature: str | None = "sign") -> int:
        body = json.dumps(payload).encode()
        headers = {"Content-Type": "application/json"}
        if signature == "sign":
            headers["X-Hub-Signature-256"] = sign(body)
        elif signature is not None:
            headers["X-Hub-Signature-256"] = signature
        response = await self.stack.http.post(self.url, content=body, headers=headers)
        return response.status_code


class WaPerson:
    """One WhatsApp user writing to our number and reading what the fake Graph API got."""

    def __init__(self, wa: WaStack, wa_id: str) -> None:
        self.wa = wa
        self.id = wa_id
        self.seen = 0

    async def _send(self, message: dict[str, Any], expect: int) -> list[str]:
        assert await self.wa.post(envelope(message)) == 200
        return await self.read(expect)

    async def read(self, expect: int) -> list[str]:
        got = await self.wa.graph.wait_for_messages(self.id, self.seen + expect)
        new = [message.text for message in got[self.seen :]]
        self.seen = len(got)
        return new

    async def says(self, text: str, expect: int = 1) -> list[str]:
        return await self._send(text_message(self.id, text), expect)

    async def taps(self, reply_id: str, expect: int = 1) -> list[str]:
        offered = [button_id for button_id, _ in self.offered()]
        assert reply_id in offered, f"{reply_id} not offered: {offered}"
        return await self._send(button_reply(self.id, reply_id), expect)

    async def uploads(self, content: bytes, name: str, mime: str, expect: int = 2) -> list[str]:
        media_id = f"media-{self.id}-{len(content)}"
        self.wa.graph.add_media(media_id, content, mime, file_name=name)
        return await self._send(document_message(self.id, media_id, name, mime), expect)

    def offered(self) -> list[tuple[str, str]]:
        """The reply buttons or list rows of the last message that had any."""
        for message in reversed(self.wa.graph.messages_to(self.id)):
            if message.buttons:
                return message.buttons
        return []


@pytest.fixture
def clock() -> TickingClock:
    ticking = TickingClock()
    ticking.set(tomorrow_in_berlin(5))
    return ticking


@pytest.fixture
async def wa(
    settings_factory: Any, fake_telegram: FakeTelegramAPI, clock: TickingClock
) -> AsyncIterator[WaStack]:
    async with FakeGraphAPI() as graph:
        settings = settings_factory(
            telegram=fake_telegram.telegram_settings(webhook_secret=SecretStr(WEBHOOK_SECRET)),
            whatsapp=graph.settings(
                app_secret=SecretStr(APP_SECRET),
                verify_token=SecretStr(VERIFY_TOKEN),
                per_user_interval_s=0.2,  # Meta's pair rate, shrunk so tests don't wait 6 s
            ),
            admins=[ADMIN],
            public_url="https://jobscout.example",
        )
        async with running(settings, fake_telegram, clock=clock) as stack:
            graph.post_statuses_to(f"{stack.base_url}/webhooks/whatsapp", APP_SECRET)
            yield WaStack(stack, graph)


async def inbound_count(stack: Stack) -> int:
    inbound = stack.runtime.mongo[stack.settings.mongodb_database]["inbound"]
    return int(await inbound.count_documents({}))


async def onboard(person: WaPerson, *, frequency: str = "instant") -> list[str]:
    """The whole conversation in English (a UK number), without a resume."""
    assert "privacy notice" in (await person.says("Hi"))[0].lower()
    await person.taps("consent:yes:en", expect=2)
    await person.says("Backend Developer")
    await person.taps("work_mode:remote")
    await person.says("Berlin, Germany")
    await person.taps("seniority:senior")
    await person.taps("salary:skip")
    await person.taps("resume:skip")
    await person.taps(f"frequency:{frequency}")
    await person.says("Berlin")
    done = await person.taps("quiet_hours:none", expect=3)  # all set, the menu, the first batch
    assert "All set" in done[0]
    return done


# --- the handshake and signatures ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("mode", "token", "status"),
    [
        ("subscribe", VERIFY_TOKEN, 200),
        ("subscribe", "wrong-token", 403),
        ("unsubscribe", VERIFY_TOKEN, 403),
        (None, VERIFY_TOKEN, 403),
        ("subscribe", None, 403),
    ],
)
async def test_the_handshake_echoes_the_challenge_only_to_meta(
    wa: WaStack, mode: str | None, token: str | None, status: int
) -> None:
    params = {"hub.challenge": "1158201444"}
    if mode is not None:
        params["hub.mode"] = mode
    if token is not None:
        params["hub.verify_token"] = token
    response = await wa.stack.http.get(wa.url, params=params)
    assert response.status_code == status
    if status == 200:
        assert response.text == "1158201444"
        assert response.headers["content-type"].startswith("text/plain")


@pytest.mark.parametrize(
    ("signature", "status"),
    [
        (None, 401),
        ("", 401),
        ("sha256=" + "0" * 64, 403),
        ("bare-hex", 403),
        ("sha1=whatever", 403),
        ("sign", 200),
    ],
)
async def test_only_signed_posts_are_processed(
    wa: WaStack, signature: str | None, status: int
) -> None:
    payload = envelope(text_message(BEN, "Hi"))
    if signature == "bare-hex":
        signature = sign(json.dumps(payload).encode()).removeprefix("sha256=")
    assert await wa.post(payload, signature=signature) == status
    await settled(wa.stack)
    if status == 200:
        await wa.graph.wait_for_messages(BEN, 1)
        assert await inbound_count(wa.stack) == 1
    else:
        assert await inbound_count(wa.stack) == 0
        assert wa.graph.messages_to(BEN) == []


# --- the conversation ---------------------------------------------------------------------------


async def test_a_whole_onboarding_with_a_pdf_sent_as_media(wa: WaStack) -> None:
    ana = WaPerson(wa, ANA)  # a German number: the bot speaks German until told otherwise
    notice = (await ana.says("Hallo"))[0]
    assert "Datenschutz" in notice
    await ana.taps("consent:yes:de", expect=2)
    await ana.says("Backend Developer, SRE")
    await ana.taps("work_mode:remote")
    await ana.says("Berlin, Deutschland")
    await ana.taps("seniority:senior")
    await ana.says("70000 EUR")
    _, summary = await ana.uploads(make_pdf(SAMPLE_RESUME_EN), "cv.pdf", "application/pdf")
    assert "Python" in summary
    # The file was resolved through GET /{media_id} and downloaded with the bearer token.
    assert wa.graph.downloads == [f"media-{ANA}-{len(make_pdf(SAMPLE_RESUME_EN))}"]
    await ana.taps("resume:ok")
    await ana.taps("frequency:daily")
    await ana.says("Berlin")
    done = await ana.taps("quiet_hours:22-7", expect=3)
    assert "Backend Developer, SRE" in done[0]
    profile = await wa.stack.runtime.chat.users.load_profile(f"whatsapp:{ANA}")
    assert profile is not None
    assert "Python" in (profile.resume.skills if profile.resume else ())
    # Nothing we sent broke Meta's limits (the fake answers 131009 if anything does).
    assert wa.graph.errors(131009) == 0


async def test_a_resent_post_is_processed_once(wa: WaStack) -> None:
    payload = envelope(text_message(BEN, "Hi"))
    for _ in range(3):
        assert await wa.post(payload) == 200
    await wa.graph.wait_for_messages(BEN, 1)
    await settled(wa.stack)
    assert len(wa.graph.messages_to(BEN)) == 1
    assert await inbound_count(wa.stack) == 1


async def test_a_batched_post_is_one_turn_per_message_in_order(wa: WaStack) -> None:
    payload = envelope(
        text_message(BEN, "Hi"), text_message(CARLA, "Hola"), text_message(BEN, "/privacy"),
    )
    assert await wa.post(payload) == 200
    ben = await wa.graph.wait_for_messages(BEN, 2)
    carla = await wa.graph.wait_for_messages(CARLA, 1)
    assert "privacy notice" in ben[0].text.lower()
    assert "aviso de privacidad" in carla[0].text.lower()
    assert len(ben) == 2  # his second message got its own answer, after the first


async def test_export_arrives_as_a_document_and_delete_leaves_nothing(wa: WaStack) -> None:
    ben = WaPerson(wa, BEN)
    await onboard(ben)
    await ben.says("/export", expect=2)
    (upload,) = wa.graph.uploads
    exported = json.loads(upload.content)
    assert exported["profiles"][0]["profile"]["roles"] == ["Backend Developer"]
    document = wa.graph.messages_to(BEN)[-1]
    assert document.type == "document"

    await ben.says("/delete")
    await ben.taps("delete:yes")
    await settled(wa.stack)
    assert await documents_mentioning(wa.stack, [BEN]) == {}


# --- alerts, digests and the 24-hour window -----------------------------------------------------


async def test_an_approved_job_reaches_an_instant_whatsapp_user_exactly_once(
    wa: WaStack,
) -> None:
    ben = WaPerson(wa, BEN)
    await onboard(ben)
    job = await seed_job(wa.stack, "job00101")
    await approve(wa.stack, job.id)
    await delivered(wa.stack)
    await approve(wa.stack, job.id)  # approved again: never sent twice
    await delivered(wa.stack)
    cards = [text for text in wa.graph.texts_to(BEN) if job.posting.title in text]
    assert len(cards) == 1
    assert "Acme GmbH" in cards[0]
    assert wa.graph.errors(131009) == 0


async def test_outside_the_window_a_template_goes_first_and_the_jobs_follow_the_reply(
    wa: WaStack, clock: TickingClock
) -> None:
    ben = WaPerson(wa, BEN)
    await onboard(ben, frequency="daily")
    await seed_job(wa.stack, "job00201")
    await approve(wa.stack, "job00201")
    await delivered(wa.stack)
    seen = len(wa.graph.messages_to(BEN))

    clock.advance(days=1, hours=4)  # 09:00 the next day in Berlin: more than 24 h since he wrote
    assert await wa.stack.runtime.matches.send_digests() == 1
    await delivered(wa.stack)
    after = wa.graph.messages_to(BEN)[seen:]
    assert [message.type for message in after] == ["template"]
    rows = await wa.stack.runtime.delivery.outbox.rows_of(f"whatsapp:{BEN}")
    assert [row.status for row in rows if row.kind == "digest"] == [OutboxStatus.HELD]

    # His answer (the template's button) opens the window: the digest follows, once.
    assert await wa.post(envelope(template_reply(BEN, REENGAGE_PAYLOAD))) == 200
    digest = await wa.graph.wait_for_messages(BEN, seen + 2)
    assert "Senior Backend Engineer" in digest[-1].text
    await delivered(wa.stack)
    assert len(wa.graph.messages_to(BEN)) == seen + 2


async def test_an_undeliverable_number_is_marked_unreachable(wa: WaStack) -> None:
    ben = WaPerson(wa, BEN)
    await onboard(ben)
    wa.graph.fail_status_for(BEN, 131026)
    await seed_job(wa.stack, "job00301")
    await approve(wa.stack, "job00301")

    async def unreachable() -> bool:
        raw = await UserDoc.collection().find_one({"_id": f"whatsapp:{BEN}"})
        return raw is not None and raw.get("reachable") is False

    await eventually(unreachable)


async def test_the_business_scoped_id_is_kept_beside_the_wa_id_once_they_consented(
    wa: WaStack,
) -> None:
    carla = WaPerson(wa, CARLA)
    with_bsuid = envelope(text_message(CARLA, "Hola"))
    with_bsuid["entry"][0]["changes"][0]["value"]["contacts"][0]["user_id"] = BSUID
    assert await wa.post(with_bsuid) == 200
    await carla.read(1)
    await settled(wa.stack)
    assert await UserDoc.collection().find_one({"_id": f"whatsapp:{CARLA}"}) is None

    await carla.taps("consent:yes:es", expect=2)
    again = envelope(text_message(CARLA, "Backend Developer"))
    again["entry"][0]["changes"][0]["value"]["contacts"][0]["user_id"] = BSUID
    assert await wa.post(again) == 200
    await carla.read(1)
    raw = await UserDoc.collection().find_one({"_id": f"whatsapp:{CARLA}"})
    assert raw is not None
    assert raw["business_id"] == BSUID


def whatsapp_webhooks(outcome: str) -> float:
    return metrics.sample(
        "jobscout_webhook_request_duration_seconds_count", channel="whatsapp", outcome=outcome
    )


async def test_whatsapp_webhook_outcomes_move_their_counters(wa: WaStack) -> None:
    outcomes = ("accepted", "duplicate", "forged")
    statuses_before = len(await wa.graph.statuses_settled())
    before = {outcome: whatsapp_webhooks(outcome) for outcome in outcomes}
    hello = envelope(text_message(CARLA, "hola"))
    assert await wa.post(hello, signature=None) == 401
    assert await wa.post(hello, signature="sha256=" + "0" * 64) == 403
    assert await wa.post(hello) == 200
    await wa.graph.wait_for_messages(CARLA, 1)
    assert await wa.post(hello) == 200  # Meta's resend of the same message
    # The fake also posts a status webhook ("sent", "delivered") for each reply: accepted too.
    statuses = len(await wa.graph.statuses_settled()) - statuses_before
    moved = {outcome: whatsapp_webhooks(outcome) - before[outcome] for outcome in outcomes}
    assert moved == {"accepted": 1 + statuses, "duplicate": 1, "forged": 2}

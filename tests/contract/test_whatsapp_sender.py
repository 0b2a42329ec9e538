"""WhatsAppSender and WhatsAppFiles against a fake Graph API over loopback."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import socket
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bots.whatsapp.render import (
    MAX_BODY_WITH_BUTTONS,
    MAX_BUTTON_TITLE,
    MAX_ROW_TITLE,
    MAX_TEXT,
    units,
)
from bots.whatsapp.sender import (
    NUMBER_PAUSE_S,
    PAIR_RATE_BACKOFF_S,
    THROUGHPUT_BACKOFF_S,
    WhatsAppFiles,
    WhatsAppSender,
    build_client,
    graph_error,
)
from conversations.texts import TEXTS, t
from core.channels import Button, FileFetcher, FileRef, OutgoingDocument, Reply, ReplySender
from core.errors import (
    AppError,
    FileTooLarge,
    NumberPaused,
    OutsideWindow,
    RateLimited,
    RecipientBlocked,
    RejectedByPlatform,
    TransientError,
)
from tests.fakes.graph_api import FakeGraphAPI, error_body
from tests.fakes.loopback import start_server, stop_server

USER = "4915112345678"
OTHER = "34612345678"


class RecordingSleep:
    """Stands in for asyncio.sleep so rate-limit tests do not wait for real."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


@pytest.fixture
async def fake() -> AsyncIterator[FakeGraphAPI]:
    async with FakeGraphAPI() as api:
        yield api


@pytest.fixture
def sleep() -> RecordingSleep:
    return RecordingSleep()


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with build_client() as shared:
        yield shared


@pytest.fixture
def whatsapp(
    fake: FakeGraphAPI, client: httpx.AsyncClient, sleep: RecordingSleep
) -> WhatsAppSender:
    return WhatsAppSender(fake.settings(), client=client, sleep=sleep)


@pytest.fixture
def sender(whatsapp: WhatsAppSender) -> WhatsAppSender:
    return whatsapp


@pytest.fixture
def files(fake: FakeGraphAPI, client: httpx.AsyncClient) -> FileFetcher:
    return WhatsAppFiles(fake.settings(), client=client)


def choices(*labels: str) -> tuple[tuple[Button, ...], ...]:
    return tuple((Button(label=label, data=f"opt:{index}"),) for index, label in enumerate(labels))


# ------------------------------------------------------------------------------- text


async def test_text(fake: FakeGraphAPI, sender: WhatsAppSender) -> None:
    wamids = await sender.send(USER, Reply(text="Hallo! Grüße aus Köln 👋"))

    (message,) = fake.messages_to(USER)
    assert wamids == [message.wamid]
    assert message.payload == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": USER,
        "type": "text",
        "text": {"body": "Hallo! Grüße aus Köln 👋", "preview_url": False},
    }
    assert fake.requests[0].path == f"/v23.0/{fake.phone_number_id}/messages"


async def test_long_text_is_split(fake: FakeGraphAPI, sender: WhatsAppSender) -> None:
    text = "\n\n".join(f"Job {n}: " + "python backend remote " * 40 for n in range(30))
    assert len(text) > 3 * MAX_TEXT

    wamids = await sender.send(USER, Reply(text=text))

    chunks = fake.texts_to(USER)
    assert len(chunks) == len(wamids) >= 4
    assert len(set(wamids)) == len(wamids)
    assert "".join(chunks) == text
    assert all(units(chunk) <= MAX_TEXT for chunk in chunks)


async def test_acknowledge_is_a_no_op(fake: FakeGraphAPI, sender: WhatsAppSender) -> None:
    port: ReplySender = sender

    await port.acknowledge("wamid.anything")

    assert fake.requests == []


# --------------------------------------------------------------------------- buttons


@pytest.mark.parametrize("lang", ["en", "de", "es"])
async def test_reply_buttons(lang: str, fake: FakeGraphAPI, sender: WhatsAppSender) -> None:
    labels = [t(lang, "btn_delete_yes"), t(lang, "btn_delete_no")]

    await sender.send(USER, Reply(text="?", buttons=choices(*labels)))

    (message,) = fake.messages_to(USER)
    assert message.interactive_type == "button"
    assert [button_id for button_id, _ in message.buttons] == ["opt:0", "opt:1"]
    assert all(units(title) <= MAX_BUTTON_TITLE for _, title in message.buttons)


async def test_long_body_with_buttons(fake: FakeGraphAPI, sender: WhatsAppSender) -> None:
    text = "\n".join(f"Line {n}: " + "words " * 20 for n in range(20))
    assert units(text) > MAX_BODY_WITH_BUTTONS

    wamids = await sender.send(USER, Reply(text=text, buttons=choices("Yes", "No")))

    first, last = fake.messages_to(USER)
    assert len(wamids) == 2
    assert (first.type, last.interactive_type) == ("text", "button")
    assert units(last.text) <= MAX_BODY_WITH_BUTTONS


async def test_list(fake: FakeGraphAPI, sender: WhatsAppSender) -> None:
    labels = [t("de", f"btn_menu_{key}") for key in ("prefs", "resume", "frequency", "pause")]
    labels.append("Benachrichtigungen für Jobs in meiner Nähe")

    await sender.send(USER, Reply(text="Menü", buttons=choices(*labels)))

    (message,) = fake.messages_to(USER)
    assert message.interactive_type == "list"
    assert [button_id for button_id, _ in message.buttons] == [f"opt:{n}" for n in range(5)]
    assert all(units(title) <= MAX_ROW_TITLE for _, title in message.buttons)


async def test_more_than_ten_choices_are_numbered(
    fake: FakeGraphAPI, sender: WhatsAppSender
) -> None:
    await sender.send(
        USER, Reply(text="Which city?", buttons=choices(*(f"C{n}" for n in range(11))))
    )

    (text,) = fake.texts_to(USER)
    assert text.splitlines()[2:4] == ["1. C0", "2. C1"]
    assert text.endswith("11. C10")


@pytest.mark.parametrize("lang", ["en", "de", "es"])
async def test_job_card(lang: str, fake: FakeGraphAPI, sender: WhatsAppSender) -> None:
    reply = Reply(
        text="💼 Pflegefachkraft (m/w/d)\n🏢 Klinikum Nord\n📍 Hamburg, DE",
        buttons=(
            (Button(label=t(lang, "btn_job_apply"), url="https://jobscout.example/r/abc"),),
            (
                Button(label=t(lang, "btn_job_save"), data="m:save:j1"),
                Button(label=t(lang, "btn_job_applied"), data="m:applied:j1"),
            ),
            (
                Button(label=t(lang, "btn_job_why"), data="m:why:j1"),
                Button(label=t(lang, "btn_job_not_interested"), data="m:ni:j1"),
            ),
        ),
    )

    wamids = await sender.send(USER, reply)

    (message,) = fake.messages_to(USER)
    assert len(wamids) == 1
    assert message.interactive_type == "button"
    assert "https://jobscout.example/r/abc" in message.text
    assert [button_id for button_id, _ in message.buttons] == ["m:save:j1", "m:why:j1", "m:ni:j1"]


async def test_lone_link_is_a_cta_url(fake: FakeGraphAPI, sender: WhatsAppSender) -> None:
    reply = Reply(text="Apply here", buttons=((Button(label="Apply", url="https://x.example"),),))

    await sender.send(USER, reply)

    (message,) = fake.messages_to(USER)
    assert message.interactive_type == "cta_url"


# ------------------------------------------------------------------------- documents


async def test_document_is_uploaded_then_sent_by_id(
    fake: FakeGraphAPI, sender: WhatsAppSender
) -> None:
    content = bytes(range(256)) * 64 + b"\r\n--boundary--\r\n" + b"\x00" * 100
    document = OutgoingDocument(
        file_name="jobscout-export-20261101.json", content=content, mime_type="application/json"
    )

    wamids = await sender.send(USER, Reply(text="Your data", document=document))

    (upload,) = fake.uploads
    assert (upload.content, upload.file_name, upload.mime_type) == (
        content,
        "jobscout-export-20261101.json",
        "application/json",
    )
    (message,) = fake.messages_to(USER)
    assert wamids == [message.wamid]
    assert message.payload["document"] == {
        "id": upload.media_id,
        "filename": "jobscout-export-20261101.json",
        "caption": "Your data",
    }


async def test_upload_errors_are_translated(fake: FakeGraphAPI) -> None:
    sender = WhatsAppSender(fake.settings(phone_number_id="999"))
    async with sender:
        with pytest.raises(RejectedByPlatform):
            await sender.upload(OutgoingDocument(file_name="a.pdf", content=b"%PDF"))


# ---------------------------------------------------------------------------- template


async def test_template(fake: FakeGraphAPI, whatsapp: WhatsAppSender) -> None:
    wamids = await whatsapp.send_template(USER, "jobscout_new_jobs", "de", ["5"], "digest:show")

    (message,) = fake.messages_to(USER)
    assert wamids == [message.wamid]
    assert message.text == "[template jobscout_new_jobs]"
    components = message.payload["template"]["components"]
    assert components[1]["parameters"] == [{"type": "payload", "payload": "digest:show"}]


# ----------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("code", "error"),
    [
        (131047, OutsideWindow),
        (131026, RecipientBlocked),
        (131009, RejectedByPlatform),
        (500, TransientError),
    ],
)
async def test_error_codes(
    code: int, error: type[AppError], fake: FakeGraphAPI, sender: WhatsAppSender
) -> None:
    fake.fail_for(USER, code)

    with pytest.raises(error):
        await sender.send(USER, Reply(text="new jobs"))

    assert fake.messages_to(USER) == []
    await sender.send(OTHER, Reply(text="others are unaffected"))
    assert fake.texts_to(OTHER) == ["others are unaffected"]


async def test_rejected_is_not_retried(fake: FakeGraphAPI, sender: WhatsAppSender) -> None:
    fake.fail_next(131009)

    with pytest.raises(RejectedByPlatform) as caught:
        await sender.send(USER, Reply(text="hello"))

    assert caught.value.code == 131009
    assert not isinstance(caught.value, TransientError)
    assert len(fake.requests) == 1


@pytest.mark.parametrize(
    ("code", "wait"), [(130429, THROUGHPUT_BACKOFF_S), (131056, PAIR_RATE_BACKOFF_S)]
)
async def test_rate_limits_are_waited_out_then_delivered(
    code: int, wait: float, fake: FakeGraphAPI, sender: WhatsAppSender, sleep: RecordingSleep
) -> None:
    fake.fail_next(code, 2)

    await sender.send(USER, Reply(text="hello"))

    assert fake.texts_to(USER) == ["hello"]
    assert sleep.waits == [wait, wait]
    assert fake.errors(code) == 2


@pytest.mark.parametrize(
    ("code", "wait"), [(130429, THROUGHPUT_BACKOFF_S), (131056, PAIR_RATE_BACKOFF_S)]
)
async def test_rate_limits_beyond_the_retries_reach_the_queue(
    code: int, wait: float, fake: FakeGraphAPI, sender: WhatsAppSender, sleep: RecordingSleep
) -> None:
    fake.fail_for(USER, code)

    with pytest.raises(RateLimited) as caught:
        await sender.send(USER, Reply(text="hello"))

    assert caught.value.retry_after == wait
    assert isinstance(caught.value, TransientError)
    assert sleep.waits == [wait, wait]
    assert fake.errors(code) == 3


async def test_spam_limit_pauses_the_number_without_retrying(
    fake: FakeGraphAPI, sender: WhatsAppSender, sleep: RecordingSleep
) -> None:
    fake.fail_next(131048)

    with pytest.raises(NumberPaused) as caught:
        await sender.send(USER, Reply(text="hello"))

    assert caught.value.retry_after == NUMBER_PAUSE_S
    assert isinstance(caught.value, RateLimited)
    assert sleep.waits == []


async def test_rate_limit_waits_for_real(fake: FakeGraphAPI) -> None:
    fake.fail_next(130429)
    async with WhatsAppSender(fake.settings(), max_wait=0.05) as sender:
        with pytest.raises(RateLimited):
            await sender.send(USER, Reply(text="a wait longer than max_wait is not taken"))


async def test_wrong_token_is_rejected(fake: FakeGraphAPI) -> None:
    async with WhatsAppSender(fake.settings(access_token="WRONG")) as sender:
        with pytest.raises(RejectedByPlatform) as caught:
            await sender.send(USER, Reply(text="hello"))

    assert caught.value.code == 190
    assert [request.status for request in fake.requests] == [401]


async def test_unreachable_api_is_transient(fake: FakeGraphAPI, unused_port: int) -> None:
    settings = fake.settings(api_base_url=f"http://127.0.0.1:{unused_port}")
    async with WhatsAppSender(settings) as sender:
        with pytest.raises(TransientError):
            await sender.send(USER, Reply(text="hello"))


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (400, error_body(131047), OutsideWindow),
        (400, error_body(131026), RecipientBlocked),
        (400, error_body(131048), NumberPaused),
        (400, error_body(130429), RateLimited),
        (400, error_body(131056), RateLimited),
        (400, error_body(131009), RejectedByPlatform),
        (400, error_body(100), RejectedByPlatform),
        (401, error_body(190), RejectedByPlatform),
        (500, error_body(131000), TransientError),
        (503, None, TransientError),
        (502, "<html>bad gateway</html>", TransientError),
        (429, {"error": {"code": 80007}}, RateLimited),
        (429, None, RateLimited),
        (403, {"error": "not an object"}, RejectedByPlatform),
    ],
)
def test_graph_error_mapping(status: int, body: object, expected: type[AppError]) -> None:
    error = graph_error(status, body)

    assert type(error) is expected


def test_graph_error_keeps_the_details() -> None:
    error = graph_error(400, error_body(131009, "button title too long"))

    assert isinstance(error, RejectedByPlatform)
    assert "button title too long" in error.detail


# -------------------------------------------------------- the fake enforces the limits


@pytest.mark.parametrize(
    "interactive",
    [
        {"type": "button", "body": {"text": "x"}, "action": {"buttons": []}},
        {
            "type": "button",
            "body": {"text": "x"},
            "action": {"buttons": [{"type": "reply", "reply": {"id": "a", "title": "t" * 21}}]},
        },
        {
            "type": "button",
            "body": {"text": "x" * 1025},
            "action": {"buttons": [{"type": "reply", "reply": {"id": "a", "title": "t"}}]},
        },
        {
            "type": "button",
            "body": {"text": "x"},
            "action": {
                "buttons": [
                    {"type": "reply", "reply": {"id": "a", "title": "Same"}},
                    {"type": "reply", "reply": {"id": "b", "title": "Same"}},
                ]
            },
        },
        {
            "type": "list",
            "body": {"text": "x"},
            "action": {
                "button": "Choose",
                "sections": [{"rows": [{"id": str(n), "title": "r"} for n in range(11)]}],
            },
        },
        {
            "type": "list",
            "body": {"text": "x"},
            "action": {
                "button": "Choose",
                "sections": [{"rows": [{"id": "a", "title": "r" * 25}]}],
            },
        },
        {
            "type": "list",
            "body": {"text": "x"},
            "action": {
                "button": "Choose",
                "sections": [{"rows": [{"id": "a", "title": "r", "description": "d" * 73}]}],
            },
        },
        {
            "type": "list",
            "body": {"text": "x"},
            "action": {"button": "b" * 21, "sections": [{"rows": [{"id": "a", "title": "r"}]}]},
        },
    ],
)
async def test_the_fake_answers_131009_beyond_the_limits(
    interactive: dict[str, Any], fake: FakeGraphAPI, client: httpx.AsyncClient
) -> None:
    response = await client.post(
        f"{fake.origin}/v23.0/{fake.phone_number_id}/messages",
        headers={"Authorization": f"Bearer {fake.token}"},
        json={
            "messaging_product": "whatsapp",
            "to": USER,
            "type": "interactive",
            "interactive": interactive,
        },
    )

    assert response.status_code == 400
    assert response.json()["error"]["code"] == 131009
    assert fake.messages_to(USER) == []


@pytest.mark.parametrize("lang", ["en", "de", "es"])
async def test_nothing_we_send_breaks_a_limit(
    lang: str, fake: FakeGraphAPI, sender: WhatsAppSender
) -> None:
    labels = [text for key, text in TEXTS[lang].items() if key.startswith("btn_")]
    long_text = "Lorem ipsum dolor sit amet. " * 400
    for size in (2, 3, 4, 10, 11):
        for start in range(0, len(labels), size):
            group = labels[start : start + size]
            await sender.send(USER, Reply(text=long_text[: 37 * size], buttons=choices(*group)))
            await sender.send(USER, Reply(text=long_text, buttons=choices(*group)))

    assert fake.errors(131009) == 0
    assert len(fake.messages_to(USER)) > 100


# ----------------------------------------------------------------------------- files


async def test_fetch_downloads_the_bytes_with_the_token(
    fake: FakeGraphAPI, files: FileFetcher
) -> None:
    content = b"%PDF-1.7\n" + bytes(range(256)) * 100 + b"%%EOF\n"
    fake.add_media("1234567890", content, "application/pdf")

    fetched = await files.fetch(FileRef(file_id="1234567890"), max_bytes=1_000_000)

    assert fetched == content
    assert fake.downloads == ["1234567890"]
    assert [request.path for request in fake.requests] == [
        "/v23.0/1234567890",
        "/whatsapp_business/attachments/",
    ]


async def test_download_needs_the_bearer_token(
    fake: FakeGraphAPI, client: httpx.AsyncClient
) -> None:
    fake.add_media("42", b"secret cv")
    info = await client.get(
        f"{fake.origin}/v23.0/42", headers={"Authorization": f"Bearer {fake.token}"}
    )
    url = info.json()["url"]

    anonymous = await client.get(url)
    wrong = await client.get(url, headers={"Authorization": "Bearer nope"})
    right = await client.get(url, headers={"Authorization": f"Bearer {fake.token}"})

    assert (anonymous.status_code, wrong.status_code) == (401, 401)
    assert right.content == b"secret cv"
    assert info.json()["sha256"] == hashlib.sha256(b"secret cv").hexdigest()


async def test_wrong_token_cannot_fetch(fake: FakeGraphAPI) -> None:
    fake.add_media("42", b"secret cv")

    async with WhatsAppFiles(fake.settings(access_token="WRONG")) as files:
        with pytest.raises(RejectedByPlatform):
            await files.fetch(FileRef(file_id="42"), max_bytes=1000)

    assert fake.downloads == []


async def test_known_size_over_the_limit_is_refused_without_a_request(
    fake: FakeGraphAPI, files: FileFetcher
) -> None:
    with pytest.raises(FileTooLarge):
        await files.fetch(FileRef(file_id="42", size=2000), max_bytes=1000)

    assert fake.requests == []


async def test_declared_size_is_checked_before_downloading(
    fake: FakeGraphAPI, files: FileFetcher
) -> None:
    fake.add_media("big", b"x" * 2000)

    with pytest.raises(FileTooLarge) as caught:
        await files.fetch(FileRef(file_id="big"), max_bytes=1000)

    assert caught.value.size == 2000
    assert fake.downloads == []


async def test_download_larger_than_declared_is_cut_off(
    fake: FakeGraphAPI, files: FileFetcher
) -> None:
    fake.add_media("liar", b"x" * 300_000, file_size=10)

    with pytest.raises(FileTooLarge) as caught:
        await files.fetch(FileRef(file_id="liar"), max_bytes=100_000)

    assert caught.value.size is not None
    assert 100_000 < caught.value.size < 300_000


async def test_unknown_media_is_rejected(files: FileFetcher) -> None:
    with pytest.raises(RejectedByPlatform, match="does not exist"):
        await files.fetch(FileRef(file_id="404404"), max_bytes=1000)


@pytest.mark.parametrize("media_id", ["../v23.0/123/messages", "1?x=1", "a/b", ""])
async def test_media_ids_cannot_leave_the_path(
    media_id: str, fake: FakeGraphAPI, files: FileFetcher
) -> None:
    with pytest.raises(RejectedByPlatform):
        await files.fetch(FileRef(file_id=media_id), max_bytes=1000)

    assert fake.requests == []


async def test_fetch_of_an_unreachable_api_is_transient(
    fake: FakeGraphAPI, unused_port: int
) -> None:
    settings = fake.settings(api_base_url=f"http://127.0.0.1:{unused_port}")
    async with WhatsAppFiles(settings) as files:
        with pytest.raises(TransientError):
            await files.fetch(FileRef(file_id="42"), max_bytes=1000)


# ------------------------------------------------------------------------- the fake


async def test_wait_for_messages(fake: FakeGraphAPI, sender: WhatsAppSender) -> None:
    async def send_later() -> None:
        for text in ("one", "two"):
            await sender.send(USER, Reply(text=text))

    task = asyncio.create_task(send_later())
    messages = await fake.wait_for_messages(USER, 2, timeout=10)
    await task

    assert [message.text for message in messages] == ["one", "two"]
    with pytest.raises(TimeoutError, match="got 2 of 3"):
        await fake.wait_for_messages(USER, 3, timeout=0.05)


async def test_rates_on_the_fakes_clock() -> None:
    now = [100.0]
    async with FakeGraphAPI(clock=lambda: now[0]) as fake:
        fake.enforce_rates(messages_per_second=2, pair_interval=6, tolerance=0, pair_tolerance=0)
        async with WhatsAppSender(fake.settings(), max_retries=0) as sender:
            await sender.send(USER, Reply(text="first"))
            now[0] += 0.5
            with pytest.raises(RateLimited) as pair:
                await sender.send(USER, Reply(text="too soon for this user"))
            await sender.send(OTHER, Reply(text="another user"))
            with pytest.raises(RateLimited) as number:
                await sender.send("4930000", Reply(text="too soon for the number"))
            now[0] += 6
            await sender.send(USER, Reply(text="later"))

    assert pair.value.retry_after == PAIR_RATE_BACKOFF_S
    assert number.value.retry_after == THROUGHPUT_BACKOFF_S
    assert fake.texts_to(USER) == ["first", "later"]
    assert (fake.errors(131056), fake.errors(130429)) == (1, 1)


async def test_status_webhooks_are_posted_signed(
    fake: FakeGraphAPI, sender: WhatsAppSender
) -> None:
    received: list[tuple[bytes, str | None]] = []

    async def webhook(request: Request) -> Response:
        received.append((await request.body(), request.headers.get("x-hub-signature-256")))
        return Response(status_code=200)

    app = Starlette(routes=[Route("/webhooks/whatsapp", webhook, methods=["POST"])])
    server, task, port = await start_server(app, "status receiver")
    try:
        fake.post_statuses_to(f"http://127.0.0.1:{port}/webhooks/whatsapp", "app-secret")
        fake.fail_status_for(OTHER, 131026)
        (wamid,) = await sender.send(USER, Reply(text="hello"))
        (failed_wamid,) = await sender.send(OTHER, Reply(text="hello"))
        posted = await fake.statuses_settled()
    finally:
        await stop_server(server, task)

    assert [(p.wamid, p.status, p.http_status) for p in posted] == [
        (wamid, "sent", 200),
        (wamid, "delivered", 200),
        (failed_wamid, "failed", 200),
    ]
    statuses = []
    for body, signature in received:
        expected = hmac.new(b"app-secret", body, hashlib.sha256).hexdigest()
        assert signature == f"sha256={expected}"
        value = json.loads(body)["entry"][0]["changes"][0]["value"]
        assert value["metadata"]["phone_number_id"] == fake.phone_number_id
        statuses += value["statuses"]
    assert [(s["id"], s["status"], s["recipient_id"]) for s in statuses] == [
        (wamid, "sent", USER),
        (wamid, "delivered", USER),
        (failed_wamid, "failed", OTHER),
    ]
    assert statuses[2]["errors"][0]["code"] == 131026


@pytest.fixture
def unused_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port

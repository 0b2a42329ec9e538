"""TelegramSender, TelegramFiles and the webhook calls against a fake Bot API over loopback."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator

import pytest
from telegram import Bot

from bots.telegram import (
    ALLOWED_UPDATES,
    MAX_TEXT_LENGTH,
    RequestRejected,
    TelegramFiles,
    TelegramSender,
    build_bot,
    delete_webhook,
    set_webhook,
    split_text,
)
from core.channels import Button, FileFetcher, FileRef, OutgoingDocument, Reply, ReplySender
from core.errors import (
    AppError,
    FileTooLarge,
    RateLimited,
    RecipientBlocked,
    TransientError,
)
from core.settings import TelegramSettings
from tests.fakes.telegram_api import FakeTelegramAPI

CHAT = "4242"

# PTB 22 warns whenever RetryAfter.retry_after is read as an int, and RetryAfter's own
# constructor reads it: unavoidable unless PTB_TIMEDELTA is set.
PTB_RETRY_AFTER_WARNING = pytest.mark.filterwarnings(
    r"ignore:Deprecated since version v22\.2. In a future major version attribute `retry_after`"
    r":telegram.warnings.PTBDeprecationWarning"
)


class RecordingSleep:
    """Stands in for asyncio.sleep so 429 tests do not wait for real."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegramAPI]:
    async with FakeTelegramAPI() as api:
        yield api


@pytest.fixture
async def bot(fake: FakeTelegramAPI) -> AsyncIterator[Bot]:
    async with build_bot(fake.telegram_settings()) as started:
        yield started


@pytest.fixture
def sleep() -> RecordingSleep:
    return RecordingSleep()


@pytest.fixture
def sender(bot: Bot, sleep: RecordingSleep) -> ReplySender:
    return TelegramSender(bot, sleep=sleep)


@pytest.fixture
def files(bot: Bot, sleep: RecordingSleep) -> FileFetcher:
    return TelegramFiles(bot, sleep=sleep)


@pytest.fixture(params=[pytest.param("int", marks=PTB_RETRY_AFTER_WARNING), "timedelta"])
def retry_after_type(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run 429 tests with both shapes PTB 22 gives RetryAfter.retry_after."""
    if request.param == "timedelta":
        monkeypatch.setenv("PTB_TIMEDELTA", "true")
    else:
        monkeypatch.delenv("PTB_TIMEDELTA", raising=False)
    return str(request.param)


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


# ------------------------------------------------------------------------------ text


async def test_text_and_buttons(fake: FakeTelegramAPI, sender: ReplySender) -> None:
    reply = Reply(
        text="Senior Python Engineer at Acme",
        buttons=(
            (Button(label="Save", data="job:save:1"), Button(label="Skip", data="job:skip:1")),
            (Button(label="More like this", data="job:more:1"),),
        ),
    )

    await sender.send(CHAT, reply)

    assert fake.messages_to(CHAT) == ["Senior Python Engineer at Acme"]
    assert fake.buttons_to(CHAT) == [
        [("Save", "job:save:1"), ("Skip", "job:skip:1")],
        [("More like this", "job:more:1")],
    ]


async def test_text_goes_out_verbatim_without_parse_mode(
    fake: FakeTelegramAPI, sender: ReplySender
) -> None:
    text = "*Acme* <b>C++ & C#</b> _dev_ [apply](http://x) `x` \\ 50% <5k>"

    await sender.send(CHAT, Reply(text=text))

    (call,) = fake.sent
    assert call.text == text
    assert "parse_mode" not in call.params
    assert call.reply_markup is None


async def test_long_text_is_split_and_buttons_go_on_the_last_chunk(
    fake: FakeTelegramAPI, sender: ReplySender
) -> None:
    paragraphs = [f"Job {n}: " + " ".join(["python backend remote"] * 40) for n in range(30)]
    text = "\n\n".join(paragraphs)
    assert len(text) > 3 * MAX_TEXT_LENGTH

    await sender.send(CHAT, Reply(text=text, buttons=((Button(label="More", data="more"),),)))

    chunks = fake.messages_to(CHAT)
    assert len(chunks) >= 4
    assert all(utf16_len(chunk) <= MAX_TEXT_LENGTH for chunk in chunks)
    assert "".join(chunks) == text
    # Cut at paragraph boundaries: every chunk but the last ends with the blank line.
    assert all(chunk.endswith("\n\n") for chunk in chunks[:-1])
    markups = [call.reply_markup for call in fake.sent]
    assert markups[:-1] == [None] * (len(chunks) - 1)
    assert markups[-1] == [[("More", "more")]]


async def test_text_without_breaks_is_cut_hard(fake: FakeTelegramAPI, sender: ReplySender) -> None:
    text = "x" * (2 * MAX_TEXT_LENGTH + 10)

    await sender.send(CHAT, Reply(text=text))

    assert [len(chunk) for chunk in fake.messages_to(CHAT)] == [4096, 4096, 10]


async def test_astral_characters_count_twice(fake: FakeTelegramAPI, sender: ReplySender) -> None:
    text = "🚀" * 3000  # 6000 UTF-16 units: over the limit though only 3000 code points

    await sender.send(CHAT, Reply(text=text))

    chunks = fake.messages_to(CHAT)
    assert len(chunks) == 2
    assert all(utf16_len(chunk) <= MAX_TEXT_LENGTH for chunk in chunks)
    assert "".join(chunks) == text


async def test_empty_reply_sends_nothing(fake: FakeTelegramAPI, sender: ReplySender) -> None:
    await sender.send(CHAT, Reply(text="  \n"))

    assert fake.requests_for("sendMessage") == []


async def test_buttons_need_text(sender: ReplySender) -> None:
    with pytest.raises(ValueError, match="needs text"):
        await sender.send(CHAT, Reply(text="", buttons=((Button(label="A", data="a"),),)))


@pytest.mark.parametrize(
    "text",
    [
        "",
        "short",
        "a\n\nb" * 3000,
        "line\n" * 2000,
        "word " * 2000,
        "é" * 9000,
        "ab🚀" * 2000,
        "x" * 4096,
        "x" * 4097,
    ],
)
def test_split_text_keeps_everything_within_the_limit(text: str) -> None:
    pieces = split_text(text)

    assert "".join(pieces) == text
    assert all(piece and utf16_len(piece) <= MAX_TEXT_LENGTH for piece in pieces)


def test_split_text_prefers_paragraphs_then_lines_then_spaces() -> None:
    assert split_text("aaaaaaa\n\nbb cc dd", limit=12) == ["aaaaaaa\n\n", "bb cc dd"]
    assert split_text("aaaaaaa\nbb cc dd", limit=12) == ["aaaaaaa\n", "bb cc dd"]
    assert split_text("aaaa bbbb cccc", limit=12) == ["aaaa bbbb ", "cccc"]
    # A break in the first half of the window would leave a stub: take a later one.
    assert split_text("a\n\nbbbbbbb ccccc", limit=12) == ["a\n\nbbbbbbb ", "ccccc"]


# -------------------------------------------------------------------------- documents


async def test_document_with_caption_and_buttons(
    fake: FakeTelegramAPI, sender: ReplySender
) -> None:
    # Every byte value, CRLFs and something that looks like a multipart boundary.
    content = bytes(range(256)) * 64 + b"\r\n--boundary--\r\n" + b"\x00" * 100
    reply = Reply(
        text="Your tailored CV",
        buttons=((Button(label="Looks good", data="cv:ok"),),),
        document=OutgoingDocument(
            file_name="Jane Doe – CV.pdf", content=content, mime_type="application/pdf"
        ),
    )

    await sender.send(CHAT, reply)

    (call,) = fake.sent
    assert call.method == "sendDocument"
    assert call.document == content
    assert call.document_name == "Jane Doe – CV.pdf"
    assert call.text == "Your tailored CV"
    assert call.reply_markup == [[("Looks good", "cv:ok")]]
    assert fake.messages_to(CHAT) == ["Your tailored CV"]


async def test_document_with_long_text_sends_the_text_first(
    fake: FakeTelegramAPI, sender: ReplySender
) -> None:
    text = "Why these jobs fit you: " + "strong Python and SQL. " * 80
    assert len(text) > 1024
    reply = Reply(
        text=text,
        buttons=((Button(label="Thanks", data="ok"),),),
        document=OutgoingDocument(file_name="jobs.csv", content=b"title,company\n"),
    )

    await sender.send(CHAT, reply)

    text_call, document_call = fake.sent
    assert (text_call.method, text_call.text, text_call.reply_markup) == ("sendMessage", text, None)
    assert document_call.method == "sendDocument"
    assert document_call.text is None
    assert document_call.document == b"title,company\n"
    assert document_call.reply_markup == [[("Thanks", "ok")]]


# ----------------------------------------------------------------------------- errors


async def test_rate_limited_then_delivered(
    retry_after_type: str, fake: FakeTelegramAPI, sender: ReplySender, sleep: RecordingSleep
) -> None:
    fake.rate_limit_next(3, retry_after=2)

    await sender.send(CHAT, Reply(text="hello"))

    assert fake.messages_to(CHAT) == ["hello"]
    assert [request.status for request in fake.requests_for("sendMessage")] == [429, 429, 429, 200]
    assert sleep.waits == [2.0, 2.0, 2.0]


async def test_rate_limited_more_than_three_times(
    retry_after_type: str, fake: FakeTelegramAPI, sender: ReplySender, sleep: RecordingSleep
) -> None:
    fake.rate_limit_next(4, retry_after=2)

    with pytest.raises(RateLimited) as caught:
        await sender.send(CHAT, Reply(text="hello"))

    assert caught.value.retry_after == 2.0
    assert isinstance(caught.value, TransientError)
    assert [request.status for request in fake.requests_for("sendMessage")] == [429] * 4
    assert sleep.waits == [2.0, 2.0, 2.0]
    assert fake.messages_to(CHAT) == []


async def test_long_retry_after_is_left_to_the_queue(
    retry_after_type: str, fake: FakeTelegramAPI, bot: Bot, sleep: RecordingSleep
) -> None:
    sender = TelegramSender(bot, sleep=sleep, max_wait=30)
    fake.rate_limit_next(1, retry_after=31)

    with pytest.raises(RateLimited) as caught:
        await sender.send(CHAT, Reply(text="hello"))

    assert caught.value.retry_after == 31.0
    assert sleep.waits == []
    assert len(fake.requests_for("sendMessage")) == 1


async def test_rate_limit_waits_for_real(
    monkeypatch: pytest.MonkeyPatch, fake: FakeTelegramAPI, bot: Bot
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    fake.rate_limit_next(1, retry_after=1)

    await TelegramSender(bot).send(CHAT, Reply(text="after the wait"))

    assert fake.messages_to(CHAT) == ["after the wait"]


async def test_blocked_user(fake: FakeTelegramAPI, sender: ReplySender) -> None:
    fake.block(CHAT)

    with pytest.raises(RecipientBlocked, match="blocked by the user"):
        await sender.send(CHAT, Reply(text="new jobs for you"))

    assert fake.messages_to(CHAT) == []


async def test_deactivated_user(fake: FakeTelegramAPI, sender: ReplySender) -> None:
    fake.fail_next(1, 403, description="Forbidden: user is deactivated")

    with pytest.raises(RecipientBlocked, match="deactivated"):
        await sender.send(CHAT, Reply(text="new jobs for you"))


async def test_unknown_chat_counts_as_gone(fake: FakeTelegramAPI, sender: ReplySender) -> None:
    fake.fail_next(1, 400, description="Bad Request: chat not found")

    with pytest.raises(RecipientBlocked):
        await sender.send(CHAT, Reply(text="new jobs for you"))


@pytest.mark.parametrize("status", [500, 502, 503])
async def test_server_errors_are_transient(
    status: int, fake: FakeTelegramAPI, sender: ReplySender
) -> None:
    fake.fail_next(1, status)

    with pytest.raises(TransientError) as caught:
        await sender.send(CHAT, Reply(text="hello"))

    assert not isinstance(caught.value, RateLimited)
    assert len(fake.requests_for("sendMessage")) == 1


async def test_unreachable_api_is_transient(unused_port: int) -> None:
    settings = TelegramSettings.model_validate(
        {
            "bot_token": "123456:TEST-fake-token",
            "api_base_url": f"http://127.0.0.1:{unused_port}/bot",
            "file_base_url": f"http://127.0.0.1:{unused_port}/file/bot",
        }
    )
    bot = build_bot(settings)
    # Never initialized (getMe would fail the same way): close just the client we use.
    async with bot.request:
        with pytest.raises(TransientError):
            await TelegramSender(bot).send(CHAT, Reply(text="hello"))


async def test_other_bad_requests_are_rejected_not_retried(
    fake: FakeTelegramAPI, sender: ReplySender
) -> None:
    fake.fail_next(1, 400, description="Bad Request: can't parse entities")

    with pytest.raises(RequestRejected, match="parse entities") as caught:
        await sender.send(CHAT, Reply(text="hello"))

    assert isinstance(caught.value, AppError)
    assert not isinstance(caught.value, TransientError)


# -------------------------------------------------------------------------- callbacks


async def test_acknowledge(fake: FakeTelegramAPI, sender: ReplySender) -> None:
    await sender.acknowledge("4382bfdwdsb323b2d9")

    assert fake.answered_callbacks == ["4382bfdwdsb323b2d9"]


async def test_acknowledging_an_old_query_is_fine(
    fake: FakeTelegramAPI, sender: ReplySender
) -> None:
    fake.expire_callback("old-query")

    await sender.acknowledge("old-query")

    assert fake.answered_callbacks == []
    assert [request.status for request in fake.requests_for("answerCallbackQuery")] == [400]


async def test_acknowledge_errors_are_translated(
    fake: FakeTelegramAPI, sender: ReplySender
) -> None:
    fake.fail_next(1, 500, method="answerCallbackQuery")

    with pytest.raises(TransientError):
        await sender.acknowledge("4382bfdwdsb323b2d9")


# ------------------------------------------------------------------------------ files


async def test_fetch_downloads_the_bytes(fake: FakeTelegramAPI, files: FileFetcher) -> None:
    content = b"%PDF-1.7\n" + bytes(range(256)) * 100 + b"%%EOF\n"
    fake.add_file("BQACAgIAAxkBAAIBR2dP-cv", content, file_path="documents/file_7.pdf")

    fetched = await files.fetch(
        FileRef(file_id="BQACAgIAAxkBAAIBR2dP-cv", size=len(content)), max_bytes=1_000_000
    )

    assert fetched == content
    assert fake.downloads == ["documents/file_7.pdf"]


async def test_known_size_over_the_limit_is_refused_without_a_request(
    fake: FakeTelegramAPI, files: FileFetcher
) -> None:
    fake.add_file("big", b"x" * 2000)

    with pytest.raises(FileTooLarge) as caught:
        await files.fetch(FileRef(file_id="big", size=2000), max_bytes=1000)

    assert (caught.value.size, caught.value.limit) == (2000, 1000)
    assert fake.requests_for("getFile") == []
    assert fake.downloads == []


async def test_size_reported_by_get_file_is_checked_before_downloading(
    fake: FakeTelegramAPI, files: FileFetcher
) -> None:
    fake.add_file("big", b"x" * 2000)

    with pytest.raises(FileTooLarge) as caught:
        await files.fetch(FileRef(file_id="big"), max_bytes=1000)

    assert caught.value.size == 2000
    assert len(fake.requests_for("getFile")) == 1
    assert fake.downloads == []


async def test_file_too_big_for_the_bot_api(fake: FakeTelegramAPI, files: FileFetcher) -> None:
    fake.add_file("huge", b"tiny stand-in", size=25 * 1024 * 1024)

    with pytest.raises(FileTooLarge):
        await files.fetch(FileRef(file_id="huge"), max_bytes=30 * 1024 * 1024)

    assert fake.downloads == []


async def test_download_larger_than_announced_is_refused(
    fake: FakeTelegramAPI, files: FileFetcher
) -> None:
    fake.add_file("liar", b"x" * 2000, size=10)

    with pytest.raises(FileTooLarge) as caught:
        await files.fetch(FileRef(file_id="liar"), max_bytes=1000)

    assert caught.value.size == 2000


async def test_unknown_file_is_rejected(files: FileFetcher) -> None:
    with pytest.raises(RequestRejected, match=r"(?i)invalid file_id"):
        await files.fetch(FileRef(file_id="nope"), max_bytes=1000)


async def test_fetch_errors_are_transient(fake: FakeTelegramAPI, files: FileFetcher) -> None:
    fake.add_file("cv", b"content")
    fake.fail_next(1, 502, method="getFile")

    with pytest.raises(TransientError):
        await files.fetch(FileRef(file_id="cv"), max_bytes=1000)


# ---------------------------------------------------------------------------- webhook


async def test_set_and_delete_webhook(fake: FakeTelegramAPI, bot: Bot) -> None:
    await set_webhook(bot, "https://jobscout.example/webhooks/telegram", "s3cr3t-token_1")

    assert fake.webhook is not None
    assert fake.webhook["url"] == "https://jobscout.example/webhooks/telegram"
    assert fake.webhook["secret_token"] == "s3cr3t-token_1"
    assert fake.webhook["allowed_updates"] == list(ALLOWED_UPDATES)
    assert set(ALLOWED_UPDATES) == {
        "message",
        "edited_message",
        "callback_query",
        "my_chat_member",
        "channel_post",
    }

    await delete_webhook(bot)

    assert fake.webhook is None


async def test_set_webhook_without_secret(fake: FakeTelegramAPI, bot: Bot) -> None:
    await set_webhook(bot, "https://jobscout.example/webhooks/telegram", None)

    assert fake.webhook is not None
    assert "secret_token" not in fake.webhook


# ------------------------------------------------------------------------- the fake


async def test_wait_for_messages(fake: FakeTelegramAPI, sender: ReplySender) -> None:
    async def send_later() -> None:
        for text in ("one", "two"):
            await sender.send(CHAT, Reply(text=text))

    task = asyncio.create_task(send_later())
    assert await fake.wait_for_messages(CHAT, 2, timeout=10) == ["one", "two"]
    await task

    with pytest.raises(TimeoutError, match="got 2 of 3"):
        await fake.wait_for_messages(CHAT, 3, timeout=0.05)


async def test_faults_can_target_one_method(fake: FakeTelegramAPI, sender: ReplySender) -> None:
    fake.fail_next(1, 500, method="sendDocument")

    await sender.send(CHAT, Reply(text="text is unaffected"))

    assert fake.messages_to(CHAT) == ["text is unaffected"]


async def test_wrong_token_is_refused(fake: FakeTelegramAPI) -> None:
    bot = build_bot(fake.telegram_settings(bot_token="999:WRONG"))

    async with bot.request:
        with pytest.raises(RequestRejected, match="Unauthorized"):
            await TelegramSender(bot).send(CHAT, Reply(text="hello"))

    assert [request.status for request in fake.requests_for("sendMessage")] == [401]


@pytest.fixture
def unused_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port

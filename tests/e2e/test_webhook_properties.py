"""Hostile bodies with a valid secret (Telegram) or signature (WhatsApp) into the real webhooks:
every one is answered 2xx, and afterwards the service still answers the same user (issue 11,
item 6: lone surrogates, integers past 64 bits, deep nesting, string update ids).

Hypothesis drives the examples from a worker thread while the service runs on the test's event
loop; each example is one real HTTP request.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from collections import Counter
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pydantic import SecretStr

from core.channels import Channel, InboundMessage, MessageKind
from tests.conftest import WEBHOOK_SECRET, Stack, running
from tests.e2e import updates
from tests.e2e.test_telegram_webhook import settled
from tests.e2e.test_whatsapp import APP_SECRET, VERIFY_TOKEN, envelope, sign, text_message
from tests.fakes.graph_api import FakeGraphAPI
from tests.fakes.telegram_api import FakeTelegramAPI

pytestmark = [
    pytest.mark.e2e,
    # A failing example's report includes its body, which may be large on purpose: hypothesis
    # warns about the size of that report, which is no failure of ours.
    pytest.mark.filterwarnings("ignore:Generating overly large repr"),
    # The service under test runs beside the generator (another thread): its own use of the
    # random module (retry jitter, claim order) is seen by hypothesis as use inside a strategy.
    pytest.mark.filterwarnings("ignore:Do not use the `random` module inside strategies"),
]

EXAMPLES = 150
PROBE_WAIT_S = 30.0  # how long the probe may wait for its answer (a timeout, not a speed check)
PROBE = 424_242  # a Telegram user who appears in hostile updates, then sends /start
WA_PROBE = "4915100000042"

# ---------------------------------------------------------------------- strategies

SURROGATES = st.sampled_from(["\ud800", "\udfff", "a\udc80b", "\ud83d", "ok\ud83d\ude00\udbff"])
# Any code point, lone surrogates included (and made common: Hypothesis rarely picks them).
LONE = st.sampled_from("\ud800\udbff\udc00\udfff")
CHARS = st.one_of(st.characters(exclude_categories=()), LONE)
WITH_LONE = st.tuples(st.text(max_size=8), LONE, st.text(max_size=8)).map("".join)
TEXTS = st.one_of(
    st.text(CHARS, max_size=40),
    SURROGATES,
    st.sampled_from(["/start", "/delete", "resume:1", "consent:yes:en", ""]),
    st.integers(1_000, 100_000).map(lambda n: "x" * n),  # long, but under the body limit
)
BIG = [2**31, 2**53 + 1, 2**63 - 1, 2**63, 2**64, -(2**63) - 1, 10**30, -(10**40), 10**4000]
INTS = st.one_of(st.integers(), st.integers(-(2**80), 2**80), st.sampled_from(BIG))
FLOATS = st.floats(allow_nan=True, allow_infinity=True)
LEAVES = st.one_of(st.none(), st.booleans(), INTS, FLOATS, TEXTS)
JSON = st.recursive(
    LEAVES,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(TEXTS, children, max_size=4),
    max_leaves=20,
)

# Shapes close to real updates, so the hostile values reach the fields that get stored.
HOSTILE = st.one_of(WITH_LONE, st.sampled_from(BIG), LEAVES, JSON)
IDS = st.one_of(st.just(PROBE), INTS, TEXTS, JSON)
TG_USER = st.fixed_dictionaries(
    {"id": IDS, "is_bot": st.booleans(), "first_name": TEXTS},
    optional={"language_code": st.one_of(TEXTS, JSON)},
)
TG_CHAT = st.fixed_dictionaries(
    {"id": IDS, "type": st.one_of(st.sampled_from(["private", "group", "channel"]), JSON)}
)
TG_FILE = st.fixed_dictionaries(
    {"file_id": st.one_of(TEXTS, INTS)},
    optional={"file_name": TEXTS, "mime_type": TEXTS, "file_size": INTS, "width": INTS,
              "height": INTS},
)
TG_MESSAGE = st.fixed_dictionaries(
    {"message_id": INTS, "date": INTS, "chat": st.one_of(TG_CHAT, JSON), "from": TG_USER},
    optional={
        "text": st.one_of(TEXTS, JSON),
        "caption": TEXTS,
        "document": st.one_of(TG_FILE, JSON),
        "photo": st.lists(TG_FILE, max_size=3),
        "sender_chat": TG_CHAT,
        "extra": JSON,
    },
)
TG_CALLBACK = st.fixed_dictionaries(
    {"id": st.one_of(TEXTS, INTS), "from": TG_USER, "data": st.one_of(TEXTS, JSON)},
    optional={"message": TG_MESSAGE},
)
TG_MEMBER = st.fixed_dictionaries(
    {
        "chat": TG_CHAT,
        "from": TG_USER,
        "new_chat_member": st.fixed_dictionaries({"status": st.one_of(TEXTS, JSON)}),
    }
)
_fresh_ids = itertools.count(10_000_000)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every key and index path into ``value`` (the places a hostile value can go)."""
    items = value.items() if isinstance(value, dict) else enumerate(value)
    for key, item in items:
        yield (*prefix, key)
        if isinstance(item, dict | list):
            yield from _paths(item, (*prefix, key))


@st.composite
def near_real_updates(draw: st.DrawFn) -> Any:
    """A real-looking update with one to three fields swapped for hostile values.

    A fresh update id each time: a repeated one would be dropped as a resend before anything
    is stored, hiding exactly the failures looked for here.
    """
    update_id = next(_fresh_ids)
    base = draw(
        st.sampled_from(
            [
                lambda: updates.message(update_id, PROBE, "Berlin"),
                lambda: updates.message(update_id, PROBE, "/start"),
                lambda: updates.callback(update_id, PROBE, "consent:yes:en"),
                lambda: updates.document(update_id, PROBE, "f1", "cv.pdf", "application/pdf", 9),
                lambda: updates.group_message(update_id, PROBE, -100123, "hi"),
                lambda: {"update_id": update_id, "edited_message": updates.message(
                    0, PROBE, "edited")["message"]},
                lambda: {"update_id": update_id, "my_chat_member": {
                    "chat": {"id": PROBE, "type": "private"}, "from": {"id": PROBE},
                    "new_chat_member": {"status": "kicked"}}},
            ]
        )
    )()
    for _ in range(draw(st.integers(1, 3))):
        paths = sorted(_paths(base), key=repr)
        leaves = [path for path in paths if not isinstance(_at(base, path), dict | list)]
        path = draw(st.one_of(st.sampled_from(leaves), st.sampled_from(paths)))
        _at(base, path[:-1])[path[-1]] = draw(HOSTILE)
    return base


def _at(value: Any, path: tuple[Any, ...]) -> Any:
    for key in path:
        value = value[key]
    return value


UPDATE_IDS = st.one_of(
    st.integers(0, 2**31),
    INTS,
    FLOATS,
    st.sampled_from(["resume:1", "resume:telegram:1", "internal:telegram:resume:1", "7"]),
    JSON,
)
TG_UPDATES = st.fixed_dictionaries(
    {"update_id": UPDATE_IDS},
    optional={
        "message": TG_MESSAGE,
        "edited_message": TG_MESSAGE,
        "channel_post": TG_MESSAGE,
        "callback_query": TG_CALLBACK,
        "my_chat_member": TG_MEMBER,
    },
)

WA_MESSAGE = st.fixed_dictionaries(
    {
        "from": st.one_of(st.just(WA_PROBE), TEXTS, INTS),
        "id": st.one_of(st.sampled_from(["resume:1", "internal:whatsapp:resume:1"]), TEXTS, INTS),
        "type": st.one_of(
            st.sampled_from(["text", "interactive", "button", "document", "image", "location"]),
            TEXTS,
        ),
    },
    optional={
        "timestamp": st.one_of(INTS, TEXTS),
        "text": st.fixed_dictionaries({"body": st.one_of(TEXTS, JSON)}),
        "interactive": JSON,
        "button": st.fixed_dictionaries({"payload": TEXTS, "text": TEXTS}),
        "document": st.fixed_dictionaries({"id": st.one_of(TEXTS, INTS), "filename": TEXTS}),
        "location": st.fixed_dictionaries({"latitude": st.one_of(FLOATS, INTS, TEXTS),
                                           "longitude": st.one_of(FLOATS, INTS, TEXTS)}),
        "extra": JSON,
    },
)
WA_STATUS = st.fixed_dictionaries(
    {
        "id": st.one_of(TEXTS, INTS),
        "status": st.one_of(st.sampled_from(["sent", "delivered", "read", "failed"]), TEXTS),
        "recipient_id": st.one_of(st.just(WA_PROBE), TEXTS, INTS),
    },
    optional={"timestamp": st.one_of(INTS, TEXTS),
              "errors": st.lists(st.fixed_dictionaries({"code": INTS, "title": TEXTS}))},
)


@st.composite
def wa_payloads(draw: st.DrawFn) -> Any:
    payload = envelope(*draw(st.lists(WA_MESSAGE, max_size=3)))
    value = payload["entry"][0]["changes"][0]["value"]
    value["contacts"] = draw(
        st.one_of(
            st.just(value["contacts"]),
            st.lists(st.fixed_dictionaries({"wa_id": st.one_of(TEXTS, INTS)},
                                           optional={"user_id": TEXTS, "profile": JSON})),
            JSON,
        )
    )
    value["statuses"] = draw(st.lists(WA_STATUS, max_size=2))
    return draw(st.one_of(st.just(payload), JSON.map(lambda other: {**payload, "x": other})))


def encode(value: Any) -> bytes:
    # ensure_ascii writes lone surrogates as \ud800 escapes, exactly as a hostile sender would.
    return json.dumps(value, ensure_ascii=True).encode()


def nested(depth: int, inner: bytes = b"1") -> bytes:
    return b"[" * depth + inner + b"]" * depth


DEEP = st.integers(1, 3_000)
RAW = st.one_of(
    st.binary(max_size=200),  # not JSON, not even UTF-8
    st.sampled_from([b"", b"null", b"[]", b"{}", b'"\\ud800"', b"NaN", b"1" * 5000, b"{" * 5000]),
)
TG_BODIES = st.one_of(
    *[near_real_updates().map(encode)] * 4,  # half of the examples reach the store
    TG_UPDATES.map(encode),
    JSON.map(encode),
    DEEP.map(lambda n: b'{"update_id": 1, "message": ' + nested(n) + b"}"),
    DEEP.map(lambda n: nested(n, encode(updates.message(1, PROBE, "hi")))),
    RAW,
)
WA_BODIES = st.one_of(
    wa_payloads().map(encode),
    JSON.map(encode),
    DEEP.map(lambda n: encode(envelope(text_message(WA_PROBE, "hi")))[:-1] + b',"x":'
             + nested(n) + b"}"),
    RAW,
)

# What the fuzzing found answering 500 (plus the string update id it found accepted).
TG_KNOWN = [
    encode(updates.message(20_000_001, PROBE, "a\ud800b")),
    encode(updates.document(20_000_002, PROBE, "f", "cv.pdf", "application/pdf", 2**63)),
    encode({**updates.message(0, PROBE, "hi"), "update_id": 2**64}),
    encode({**updates.message(0, PROBE, "hi"), "update_id": "resume:1"}),
    b'{"update_id": 20000003, "message": ' + nested(1_000) + b"}",
]
WA_KNOWN = [
    encode(envelope(text_message(WA_PROBE, "a\ud800b"))),
    encode(envelope(text_message(WA_PROBE, "hi"))).replace(b'"1764800000"', b"1" + b"0" * 30),
    encode(envelope(text_message(WA_PROBE, "hi")))[:-1] + b',"x":' + nested(1_000) + b"}",
]

HYPOTHESIS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,  # nothing written into the working tree
    suppress_health_check=list(HealthCheck),
)


class Body:
    """An example body with a short repr (Hypothesis warns on reprs of hundreds of kB)."""

    def __init__(self, content: bytes) -> None:
        self.content = content

    def __repr__(self) -> str:
        return f"Body({self.content[:200]!r}... {len(self.content)} bytes)"


def run_property(
    loop: asyncio.AbstractEventLoop,
    bodies: st.SearchStrategy[bytes],
    post: Callable[[bytes], Coroutine[Any, Any, int]],
    limit: int,
    known: list[bytes],
) -> Counter[int]:
    """Post every example body from this (worker) thread; the statuses seen, counted.

    ``known``: bodies that once answered 500, always tried first.
    """
    statuses: Counter[int] = Counter()

    def answered_2xx(body: Body) -> None:
        status = asyncio.run_coroutine_threadsafe(post(body.content), loop).result(timeout=30)
        statuses[status] += 1
        if len(body.content) > limit:
            # The body limit (MAX_WEBHOOK_BODY_BYTES) answers 413 before anything is read.
            assert status == 413, f"{status} for {body!r}"
        else:
            assert 200 <= status < 300, f"{status} for {body!r}"

    for content in known:
        answered_2xx = example(body=Body(content))(answered_2xx)
    HYPOTHESIS(given(body=bodies.map(Body))(answered_2xx))()
    return statuses


# ---------------------------------------------------------------------- the service


class Both:
    """The whole service with Telegram and WhatsApp configured."""

    def __init__(self, stack: Stack, graph: FakeGraphAPI) -> None:
        self.stack = stack
        self.graph = graph
        self.limit = stack.settings.max_webhook_body_bytes

    async def post_telegram(self, body: bytes) -> int:
        response = await self.stack.http.post(
            f"{self.stack.base_url}/webhooks/telegram",
            content=body,
            headers={"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET,
                     "Content-Type": "application/json"},
        )
        return response.status_code

    async def post_whatsapp(self, body: bytes) -> int:
        response = await self.stack.http.post(
            f"{self.stack.base_url}/webhooks/whatsapp",
            content=body,
            headers={"X-Hub-Signature-256": sign(body), "Content-Type": "application/json"},
        )
        return response.status_code


@pytest.fixture
async def both(settings_factory: Any, fake_telegram: FakeTelegramAPI) -> AsyncIterator[Both]:
    async with FakeGraphAPI() as graph:
        settings = settings_factory(
            telegram=fake_telegram.telegram_settings(webhook_secret=SecretStr(WEBHOOK_SECRET)),
            whatsapp=graph.settings(
                app_secret=SecretStr(APP_SECRET), verify_token=SecretStr(VERIFY_TOKEN)
            ),
        )
        async with running(settings, fake_telegram) as stack:
            yield Both(stack, graph)


async def test_any_telegram_body_is_answered_2xx_and_start_still_works(both: Both) -> None:
    loop = asyncio.get_running_loop()
    statuses = await asyncio.to_thread(
        run_property, loop, TG_BODIES, both.post_telegram, both.limit, TG_KNOWN
    )
    assert sum(statuses.values()) >= EXAMPLES

    await settled(both.stack)  # hostile updates of the probe user went through first
    seen = len(both.stack.telegram.messages_to(PROBE))
    start = updates.message(both.stack.next_update_id(), PROBE, "/start")
    assert await both.post_telegram(encode(start)) == 200
    # A wait for the answer, not a speed check: after hundreds of hostile bodies on a busy
    # machine the probe's turn may come late.
    probed = await both.stack.telegram.wait_for_messages(PROBE, seen + 1, timeout=PROBE_WAIT_S)
    assert len(probed) > seen


async def test_any_whatsapp_body_is_answered_2xx_and_the_user_still_gets_answers(
    both: Both,
) -> None:
    loop = asyncio.get_running_loop()
    statuses = await asyncio.to_thread(
        run_property, loop, WA_BODIES, both.post_whatsapp, both.limit, WA_KNOWN
    )
    assert sum(statuses.values()) >= EXAMPLES

    await settled(both.stack)
    seen = len(both.graph.messages_to(WA_PROBE))
    assert await both.post_whatsapp(encode(envelope(text_message(WA_PROBE, "/start")))) == 200
    probed = await both.graph.wait_for_messages(WA_PROBE, seen + 1, timeout=PROBE_WAIT_S)
    assert len(probed) > seen


@pytest.mark.parametrize(
    "update_id", ["resume:7", "resume:telegram:7", "internal:telegram:resume:7", "7", 2**63, -1]
)
async def test_an_update_cannot_claim_an_internal_idempotency_key(
    both: Both, update_id: Any
) -> None:
    update = updates.message(0, PROBE, "hello")
    update["update_id"] = update_id
    assert await both.post_telegram(encode(update)) == 200  # acknowledged, and dropped
    inbound = both.stack.runtime.mongo[both.stack.settings.mongodb_database]["inbound"]
    assert await inbound.count_documents({}) == 0

    # The parse task's event for update 7 is still accepted once, under its own key.
    event = InboundMessage(
        channel=Channel.TELEGRAM, chat_id=str(PROBE), user_id=str(PROBE),
        update_id="resume:7", kind=MessageKind.RESUME_FAILED, failure="too_large",
    )
    assert await both.stack.runtime.chat.accept(event)
    assert not await both.stack.runtime.chat.accept(event)
    assert [row["_id"] async for row in inbound.find({})] == ["internal:telegram:resume:7"]

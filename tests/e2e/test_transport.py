"""The web server's limits, tried over a raw socket as an attacker would."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import urlsplit

import httpx
import pytest

from tests.conftest import Stack
from tests.fakes.loopback import start_server, stop_server
from webhooks.app import create_app
from webhooks.transport import KEEP_ALIVE_S, MAX_HEADER_BYTES, deadline_protocol

pytestmark = pytest.mark.e2e
SHORT_S = 0.3  # the deadlines of the impatient server below


async def connect(base_url: str) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    address = urlsplit(base_url)
    assert address.hostname is not None
    return await asyncio.open_connection(address.hostname, address.port)


@asynccontextmanager
async def impatient(stack: Stack) -> AsyncIterator[str]:
    """The same app and runtime served with short header and body deadlines, configured as
    production configures them (a protocol class, a setting), so the tests need not wait 10 s."""
    settings = stack.settings.model_copy(update={"webhook_body_timeout_s": SHORT_S})
    server, task, port = await start_server(
        create_app(settings, stack.runtime),
        "impatient-app",
        lifespan="on",
        http=deadline_protocol(SHORT_S),
        h11_max_incomplete_event_size=MAX_HEADER_BYTES,
        timeout_keep_alive=KEEP_ALIVE_S,
    )
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await stop_server(server, task)


def secret(stack: Stack) -> str:
    configured = stack.settings.telegram.webhook_secret
    assert configured is not None
    return configured.get_secret_value()


async def test_no_schema_or_docs_are_served(stack: Stack) -> None:
    async with httpx.AsyncClient(base_url=stack.base_url) as http:
        for path in ("/openapi.json", "/docs", "/redoc"):
            assert (await http.get(path)).status_code == 404
        assert (await http.get("/health")).status_code == 200  # the server itself answers


async def test_oversized_headers_are_refused_before_any_route_runs(stack: Stack) -> None:
    reader, writer = await connect(stack.base_url)
    try:
        writer.write(
            b"POST /webhooks/telegram HTTP/1.1\r\nHost: x\r\nX-Filler: "
            + b"a" * (4 * MAX_HEADER_BYTES)
            + b"\r\n\r\n"
        )
        await writer.drain()
        async with asyncio.timeout(10):
            answer = await reader.read()
    finally:
        writer.close()
    # 431 (not the route's 401: no route saw it), then the connection closed.
    assert answer.startswith(b"HTTP/1.1 431")


async def test_a_large_body_sent_with_its_headers_is_not_taken_for_large_headers(
    stack: Stack,
) -> None:
    async with httpx.AsyncClient(base_url=stack.base_url) as http:
        response = await http.post(
            "/webhooks/telegram",
            content=b"[" + b" " * (8 * MAX_HEADER_BYTES) + b"]",  # one write, headers and body
            headers={"X-Telegram-Bot-Api-Secret-Token": secret(stack)},
        )
    assert response.status_code == 200  # read as malformed JSON and acknowledged


async def test_headers_trickled_past_the_deadline_lose_the_connection(
    stack: Stack,
) -> None:
    async with impatient(stack) as base_url:
        reader, writer = await connect(base_url)
        try:
            writer.write(b"POST /webhooks/telegram HTTP/1.1\r\nHost: x\r\n")  # and never the rest
            await writer.drain()
            async with asyncio.timeout(10):
                answer = await reader.read()  # EOF: the server hung up
        finally:
            writer.close()
        assert answer == b""
        # A client that sends its headers at once on a new connection is served as usual.
        async with httpx.AsyncClient(base_url=base_url) as http:
            assert (await http.get("/health")).status_code == 200


async def test_a_kept_alive_connection_gets_a_new_deadline_for_each_request(
    stack: Stack,
) -> None:
    async with impatient(stack) as base_url:
        reader, writer = await connect(base_url)
        try:
            writer.write(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
            await writer.drain()
            async with asyncio.timeout(10):
                status = await reader.readline()
            assert status.startswith(b"HTTP/1.1 200")
            writer.write(b"GET /health HTTP/1.1\r\n")  # the second request's headers stall
            await writer.drain()
            async with asyncio.timeout(10):
                rest = await reader.read()
        finally:
            writer.close()
        assert b"HTTP/1.1" not in rest.split(b"\r\n\r\n", 1)[-1]  # no second response


async def test_a_body_trickled_past_its_deadline_is_answered_408(
    stack: Stack,
) -> None:
    async with impatient(stack) as base_url:
        reader, writer = await connect(base_url)
        try:
            writer.write(
                b"POST /webhooks/telegram HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                b"Content-Length: 100\r\nX-Telegram-Bot-Api-Secret-Token: "
                + secret(stack).encode()
                + b'\r\n\r\n{"update_id":'
            )
            await writer.drain()
            async with asyncio.timeout(10):
                status = await reader.readline()
        finally:
            writer.close()
        assert status.startswith(b"HTTP/1.1 408")

"""The stack under test for bench/webhook.py, in its own process: what ``jobscout run`` serves,
plus ``/bench/echo``, a route that only parses the update and replies (the floor), and
``/bench/stats``: the MongoDB commands the stack ran, in all and per webhook update.

Per update: a middleware notes the update id in a context variable for the request, and the task
the route starts inherits it, so every command the update's processing sends is stamped with
``time.monotonic()`` under its id (the same clock the fake Bot API stamps replies with, on one
machine). Commands of other work (worker tasks, crons) count only in the total.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import contextvars
import json
import signal
import tempfile
import time
from pathlib import Path
from typing import Any

import uvloop
from fastapi import Request, Response
from fastapi.responses import JSONResponse
from pydantic import SecretStr
from pymongo import monitoring

from bots.telegram import to_inbound
from core.channels import Channel, Reply
from core.logging import configure_logging
from core.settings import Settings, TelegramSettings
from webhooks.app import create_app
from webhooks.cli import _Server
from webhooks.runtime import Runtime, settle_memory
from webhooks.worker import build_worker, stop_worker

# The update whose processing is running in this context (set per webhook request).
_UPDATE: contextvars.ContextVar[list[tuple[float, str]] | None] = contextvars.ContextVar(
    "bench_update", default=None
)


class CommandCounter(monitoring.CommandListener):
    """Every command the client sends: a total, (time, name) under the current update, and how
    long each kind took (all contexts), to see where an update's time goes."""

    def __init__(self) -> None:
        self.total = 0
        self.updates: dict[int, list[tuple[float, str]]] = {}
        self.durations: dict[str, list[int]] = {}  # microseconds, by "command collection"
        self._names: dict[int, str] = {}

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        self.total += 1
        name = event.command_name
        target = event.command.get(name)
        label = f"{name} {target}" if isinstance(target, str) else name
        self._names[event.request_id] = label
        record = _UPDATE.get()
        if record is not None:
            record.append((time.monotonic(), label))

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        label = self._names.pop(event.request_id, event.command_name)
        self.durations.setdefault(label, []).append(event.duration_micros)

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        self._names.pop(event.request_id, None)


class StampUpdates:
    """ASGI middleware: reads a Telegram webhook body, notes its update id, replays the body."""

    def __init__(self, app: Any, counter: CommandCounter) -> None:
        self.app = app
        self.counter = counter

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["path"] != "/webhooks/telegram":
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        more = True
        while more:
            message = await receive()
            chunks.append(message.get("body", b""))
            more = message.get("more_body", False)
        body = b"".join(chunks)
        record: list[tuple[float, str]] = [(time.monotonic(), "request")]
        with contextlib.suppress(ValueError, KeyError, TypeError):
            self.counter.updates[int(json.loads(body)["update_id"])] = record
        sent = False

        async def replay() -> Any:
            nonlocal sent
            if sent:
                return await receive()
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        token = _UPDATE.set(record)
        try:
            await self.app(scope, replay, send)
        finally:
            _UPDATE.reset(token)


async def main(port: int, api: str, files: str, token: str, secret: str) -> None:
    configure_logging("ERROR", "console")
    counter = CommandCounter()
    # Registered before the client is created: connect() takes no listeners of its own.
    monitoring.register(counter)
    with tempfile.TemporaryDirectory() as data_dir:
        settings = Settings(
            _env_file=None,
            data_dir=Path(data_dir),
            port=port,
            telegram=TelegramSettings(
                bot_token=SecretStr(token),
                webhook_secret=SecretStr(secret),
                api_base_url=api,
                file_base_url=files,
            ),
        )
        runtime = await Runtime.start(settings)
        settle_memory()
        worker = build_worker(runtime)
        worker_task = asyncio.create_task(worker.async_run())
        app = create_app(settings, runtime)
        sender = runtime.senders[Channel.TELEGRAM]

        @app.post("/bench/echo")
        async def echo(request: Request) -> Response:
            msg = to_inbound(await request.json())
            if msg is not None:
                await sender.send(msg.chat_id, Reply(text=msg.text))
            return Response(status_code=200)

        lags: list[float] = []

        async def watch_loop() -> None:
            # How late the event loop wakes a 10 ms sleeper: time no update could use.
            while True:
                started = time.monotonic()
                await asyncio.sleep(0.01)
                lags.append(time.monotonic() - started - 0.01)

        watcher = asyncio.create_task(watch_loop())

        @app.get("/bench/stats")
        async def stats() -> JSONResponse:
            return JSONResponse(
                {
                    "commands": counter.total,
                    "updates": {str(key): value for key, value in counter.updates.items()},
                    "durations": counter.durations,
                    "loop_lags": lags,
                }
            )

        from webhooks.transport import server_config

        server = _Server(
            server_config(
                StampUpdates(app, counter),
                host="127.0.0.1",
                port=port,
                backlog=2048,
                timeout_keep_alive=120,
                limit_concurrency=None,
            )
        )
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, lambda: setattr(server, "should_exit", True))
        try:
            await server.serve()
        finally:
            watcher.cancel()
            await stop_worker(worker, worker_task)
            await runtime.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    for name in ("--port", "--api", "--files", "--token", "--secret"):
        parser.add_argument(name, required=True)
    args = parser.parse_args()
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        runner.run(main(int(args.port), args.api, args.files, args.token, args.secret))

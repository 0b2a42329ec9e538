"""The stack under test for bench/webhook.py, in its own process: what ``jobscout run`` serves,
plus ``/bench/echo``, a route that only parses the update and replies (the floor)."""

from __future__ import annotations

import argparse
import asyncio
import signal
import tempfile
from pathlib import Path

import uvloop
from fastapi import Request, Response
from pydantic import SecretStr

from bots.telegram import to_inbound
from core.channels import Channel, Reply
from core.logging import configure_logging
from core.settings import Settings, TelegramSettings
from webhooks.app import create_app
from webhooks.cli import _Server
from webhooks.runtime import Runtime, settle_memory
from webhooks.worker import build_worker, stop_worker


async def main(port: int, api: str, files: str, token: str, secret: str) -> None:
    configure_logging("ERROR", "console")
    with tempfile.TemporaryDirectory() as data_dir:
        settings = Settings(
            _env_file=None,
            data_dir=Path(data_dir),
            port=port,
            telegram=TelegramSettings(
                bot_token=SecretStr(token), webhook_secret=SecretStr(secret),
                api_base_url=api, file_base_url=files,
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

        from webhooks.transport import server_config

        server = _Server(server_config(app, host="127.0.0.1", port=port, backlog=2048,
                                       timeout_keep_alive=120, limit_concurrency=None))
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, lambda: setattr(server, "should_exit", True))
        try:
            await server.serve()
        finally:
            await stop_worker(worker, worker_task)
            await runtime.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    for name in ("--port", "--api", "--files", "--token", "--secret"):
        parser.add_argument(name, required=True)
    args = parser.parse_args()
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        runner.run(main(int(args.port), args.api, args.files, args.token, args.secret))

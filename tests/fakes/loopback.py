"""Serving an ASGI app on 127.0.0.1 inside the test's own event loop (every fake server)."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import Iterator
from typing import Any, Literal

import uvicorn


class QuietServer(uvicorn.Server):
    """uvicorn without its signal handling: the test runner owns SIGINT/SIGTERM."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


async def start_server(
    app: Any, name: str, *, lifespan: Literal["on", "off"] = "off", **config: Any
) -> tuple[QuietServer, asyncio.Task[None], int]:
    """Serve ``app`` on a free loopback port; returns once it accepts connections."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # no 40 ms Nagle stalls
    sock.bind(("127.0.0.1", 0))
    port = int(sock.getsockname()[1])
    server = QuietServer(
        uvicorn.Config(
            app,
            log_level="warning",
            log_config=None,
            access_log=False,
            lifespan=lifespan,
            timeout_graceful_shutdown=2,
            **config,
        )
    )
    task = asyncio.create_task(server.serve(sockets=[sock]), name=name)
    async with asyncio.timeout(10):
        # uvicorn offers no "started" event; this loop ends within a few ticks.
        while not server.started:
            if task.done():
                task.result()
                raise RuntimeError(f"{name} stopped during start-up")
            await asyncio.sleep(0.005)
    return server, task, port


async def stop_server(server: uvicorn.Server, task: asyncio.Task[None]) -> None:
    server.should_exit = True
    await asyncio.wait_for(task, timeout=10)

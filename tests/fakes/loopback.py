"""Serving an ASGI app on 127.0.0.1 inside the test's own event loop (every fake server)."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import Iterator
from typing import Any, Literal, Self

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


class LoopbackFake:
    """Base of every fake server: start/stop, ``async with``, and its address once started.

    A subclass says what to serve (``_asgi_app``) and may release waiting handlers before the
    server stops (``_before_stop``).
    """

    label = "fake server"

    def __init__(self) -> None:
        self._server: QuietServer | None = None
        self._task: asyncio.Task[None] | None = None
        self._port: int | None = None

    def _asgi_app(self) -> tuple[Any, dict[str, Any]]:
        """The ASGI app and extra uvicorn options."""
        raise NotImplementedError

    def _before_stop(self) -> None:
        """Called just before the server is told to stop."""

    async def start(self) -> None:
        if self._task is not None:
            raise RuntimeError(f"the {self.label} is already running")
        app, options = self._asgi_app()
        self._server, self._task, self._port = await start_server(app, self.label, **options)

    async def stop(self) -> None:
        if self._server is None or self._task is None:
            return
        self._before_stop()
        try:
            await stop_server(self._server, self._task)
        finally:
            self._server = None
            self._task = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    @property
    def origin(self) -> str:
        if self._port is None:
            raise RuntimeError(f"start the {self.label} first")
        return f"http://127.0.0.1:{self._port}"

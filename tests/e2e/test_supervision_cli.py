"""``jobscout run`` under a hostile environment: its Redis killed, itself killed with -9."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest

from core.embedded import PIDS_FILE, free_port
from tests.e2e.test_cli import JOBSCOUT, environment
from tests.fakes.telegram_api import FakeTelegramAPI

pytestmark = pytest.mark.e2e
SECRET = "supervised-secret"


def start_update(update_id: int, chat_id: int) -> dict[str, object]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 1_790_000_000,
            "text": "/start",
            "chat": {"id": chat_id, "type": "private"},
            "from": {"id": chat_id, "is_bot": False, "first_name": "A"},
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        },
    }


def server_pids(data_dir: Path) -> dict[str, int]:
    try:
        text = (data_dir / PIDS_FILE).read_text()
    except OSError:
        return {}
    return {name: int(pid) for name, _, pid in (line.partition(" ") for line in text.splitlines())}


def running(pid: int) -> bool:
    try:
        return b") Z " not in Path(f"/proc/{pid}/stat").read_bytes()
    except OSError:
        return False


@asynccontextmanager
async def jobscout_run(
    data_dir: Path, fake: FakeTelegramAPI, port: int
) -> AsyncIterator[asyncio.subprocess.Process]:
    env = environment(
        data_dir,
        PORT=str(port),
        TELEGRAM__BOT_TOKEN=fake.token,
        TELEGRAM__API_BASE_URL=fake.base_url,
        TELEGRAM__FILE_BASE_URL=fake.file_base_url,
        TELEGRAM__WEBHOOK_SECRET=SECRET,
    )
    process = await asyncio.create_subprocess_exec(
        JOBSCOUT,
        "run",
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
        cwd=data_dir,
    )
    try:
        yield process
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


async def until_ready(http: httpx.AsyncClient, port: int) -> None:
    async with asyncio.timeout(60):
        while True:
            try:
                if (await http.get(f"http://127.0.0.1:{port}/ready")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)  # another process: nothing to wait on but its answers


async def post(http: httpx.AsyncClient, port: int, update: dict[str, object]) -> int:
    response = await http.post(
        f"http://127.0.0.1:{port}/webhooks/telegram",
        json=update,
        headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
    )
    return response.status_code


def test_a_killed_redis_comes_back_and_the_bot_keeps_answering(tmp_path: Path) -> None:
    async def scenario() -> bytes:
        async with FakeTelegramAPI() as fake, httpx.AsyncClient() as http:
            port = free_port()
            async with jobscout_run(tmp_path, fake, port) as process:
                await until_ready(http, port)
                assert await post(http, port, start_update(1, 41)) == 200
                await fake.wait_for_messages(41, 1, timeout=20)

                killed = server_pids(tmp_path)["redis-server"]
                os.kill(killed, signal.SIGKILL)

                def restarted() -> bool:
                    pid = server_pids(tmp_path).get("redis-server")
                    return pid is not None and pid != killed and running(pid)

                async with asyncio.timeout(60):
                    while not restarted():  # noqa: ASYNC110 - another process's state: poll it
                        await asyncio.sleep(0.1)
                await until_ready(http, port)
                assert process.returncode is None  # still running

                # A new user is answered after the restart: web app, Redis lock and sender work.
                assert await post(http, port, start_update(2, 42)) == 200
                await fake.wait_for_messages(42, 1, timeout=30)
                process.send_signal(signal.SIGTERM)
                _, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
                assert process.returncode == 0, stderr.decode()[-2000:]
                return stderr

    stderr = asyncio.run(scenario()).decode()
    assert "embedded.died" in stderr
    assert "embedded.restarted" in stderr


def test_after_kill_minus_9_nothing_is_left_and_the_next_start_works(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with FakeTelegramAPI() as fake, httpx.AsyncClient() as http:
            port = free_port()
            async with jobscout_run(tmp_path, fake, port) as process:
                await until_ready(http, port)
                children = server_pids(tmp_path)
                assert set(children) == {"SecantusDB", "redis-server"}
                process.kill()
                await process.wait()
            async with asyncio.timeout(30):
                while any(running(pid) for pid in children.values()):  # noqa: ASYNC110
                    await asyncio.sleep(0.05)  # the kernel's signal to them: nothing to await

            port = free_port()
            async with jobscout_run(tmp_path, fake, port) as process:
                await until_ready(http, port)
                assert await post(http, port, start_update(1, 43)) == 200
                await fake.wait_for_messages(43, 1, timeout=20)
                process.send_signal(signal.SIGTERM)
                _, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
                assert process.returncode == 0, stderr.decode()[-2000:]

    asyncio.run(scenario())

"""``jobscout run`` under a hostile environment: its Redis killed, itself killed with -9."""

from __future__ import annotations

import asyncio
import contextlib
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


# What each user sends, in order, and what the bot's last message says once exactly that many
# of them were applied: a message applied twice would draw an "invalid answer" reply instead.
SCRIPT: tuple[tuple[str, str, str], ...] = (
    ("text", "/start", "privacy notice"),
    ("callback", "consent:yes:en", "which jobs"),
    ("text", "Backend Developer", "how do you want to work"),
    ("callback", "work_mode:remote", "where should the jobs be"),
)


def scripted(update_id: int, chat_id: int, kind: str, value: str) -> dict[str, object]:
    sender = {"id": chat_id, "is_bot": False, "first_name": "A", "language_code": "en"}
    if kind == "callback":
        return {
            "update_id": update_id,
            "callback_query": {
                "id": f"cb-{update_id}",
                "from": sender,
                "chat_instance": "1",
                "data": value,
                "message": {
                    "message_id": 1,
                    "date": 1_790_000_000,
                    "chat": {"id": chat_id, "type": "private"},
                },
            },
        }
    update = start_update(update_id, chat_id)
    message = dict(update["message"])  # type: ignore[call-overload]
    message.update(text=value, **({} if value.startswith("/") else {"entities": []}))
    message["from"] = sender
    return {"update_id": update_id, "message": message}


@pytest.mark.timeout(180)
@pytest.mark.parametrize("kill_after", [5, 17])
def test_kill_minus_9_of_the_whole_group_loses_nothing_answered_200(
    tmp_path: Path, kill_after: int
) -> None:
    users = list(range(500, 508))
    accepted: dict[int, int] = dict.fromkeys(users, 0)
    unanswered: dict[int, dict[str, object]] = {}  # Telegram resends what got no 200

    async def scenario() -> list[str]:
        async with FakeTelegramAPI() as fake, httpx.AsyncClient(timeout=10) as http:
            port = free_port()
            env = environment(
                tmp_path,
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
                stderr=subprocess.DEVNULL,
                env=env,
                cwd=tmp_path,
                start_new_session=True,
            )
            try:
                await until_ready(http, port)
                answered = 0
                killed = asyncio.Event()

                async def user(chat_id: int) -> None:
                    nonlocal answered
                    for step, (kind, value, _) in enumerate(SCRIPT):
                        update = scripted(chat_id * 10 + step, chat_id, kind, value)
                        try:
                            status = await post(http, port, update)
                        except httpx.TransportError:
                            status = 0  # the server is gone
                        if status != 200:
                            unanswered[chat_id] = update
                            return
                        accepted[chat_id] += 1
                        answered += 1
                        if answered == kill_after:
                            os.killpg(process.pid, signal.SIGKILL)  # the whole group, at once
                            killed.set()
                        if killed.is_set():
                            return

                await asyncio.gather(*(user(chat_id) for chat_id in users))
                if not killed.is_set():
                    os.killpg(process.pid, signal.SIGKILL)
                await process.wait()
            finally:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)

            # The next start recovers what was accepted and not yet processed; Telegram resends
            # what got no 200 (which may or may not have been stored before the kill).
            port = free_port()
            async with jobscout_run(tmp_path, fake, port) as again:
                await until_ready(http, port)
                for chat_id, update in unanswered.items():
                    assert await post(http, port, update) == 200
                    accepted[chat_id] += 1
                for chat_id, count in accepted.items():
                    if count:
                        expected = SCRIPT[count - 1][2]

                        def reached(chat_id: int = chat_id, expected: str = expected) -> bool:
                            sent = fake.messages_to(chat_id)
                            return bool(sent) and expected in sent[-1].lower()

                        async with asyncio.timeout(60):
                            while not reached():  # noqa: ASYNC110 - another process's replies
                                await asyncio.sleep(0.1)
                again.send_signal(signal.SIGTERM)
                await asyncio.wait_for(again.communicate(), timeout=30)
            return [text for chat_id in users for text in fake.messages_to(chat_id)]

    sent = asyncio.run(scenario())
    assert sum(accepted.values()) >= kill_after
    # Nothing answered 200 was applied twice: no message was read against the step after it.
    assert not [text for text in sent if text.startswith("Please")]


@pytest.mark.timeout(240)
def test_kill_minus_9_of_the_database_alone_mid_burst_loses_nothing_and_applies_nothing_twice(
    tmp_path: Path,
) -> None:
    """SecantusDB dies after the 9th answered update of a burst; ``jobscout run`` restarts it.
    Telegram resends every update that got no 200 (the fake senders here do the same, with a
    pause), so each user must end exactly at the step their whole script leads to."""
    users = list(range(600, 608))
    refused: list[int] = []  # non-200 answers while the database was down

    async def scenario() -> list[str]:
        async with FakeTelegramAPI() as fake, httpx.AsyncClient(timeout=10) as http:
            port = free_port()
            async with jobscout_run(tmp_path, fake, port) as process:
                await until_ready(http, port)
                answered = 0
                killed: list[int] = []

                async def user(chat_id: int) -> None:
                    nonlocal answered
                    for step, (kind, value, _) in enumerate(SCRIPT):
                        update = scripted(chat_id * 10 + step, chat_id, kind, value)
                        while True:  # Telegram's resend of what got no 200
                            try:
                                status = await post(http, port, update)
                            except httpx.TransportError:
                                status = 0
                            if status == 200:
                                break
                            refused.append(status)
                            await asyncio.sleep(0.5)
                        answered += 1
                        if answered == 9:
                            killed.append(server_pids(tmp_path)["SecantusDB"])
                            os.kill(killed[0], signal.SIGKILL)

                await asyncio.gather(*(user(chat_id) for chat_id in users))
                assert killed  # the database really died mid-burst
                for chat_id in users:
                    expected = SCRIPT[-1][2]

                    def reached(chat_id: int = chat_id, expected: str = expected) -> bool:
                        sent = fake.messages_to(chat_id)
                        return bool(sent) and expected in sent[-1].lower()

                    async with asyncio.timeout(90):
                        while not reached():  # noqa: ASYNC110 - another process's replies
                            await asyncio.sleep(0.1)
                assert process.returncode is None  # it never gave up
                assert server_pids(tmp_path)["SecantusDB"] != killed[0]  # a new one serves
            return [text for chat_id in users for text in fake.messages_to(chat_id)]

    sent = asyncio.run(scenario())
    # Nothing applied twice: no answer was read against the step after it.
    assert not [text for text in sent if text.startswith("Please")]
    # Each user got each step's answer once: one privacy notice each, one "which jobs" each.
    assert sum("privacy notice" in text.lower() for text in sent) == len(users)

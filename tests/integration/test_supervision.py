"""The embedded servers are supervised: restarted when they die, gone when we die, and a
start after a hard kill cleans up what the killed run left behind."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from redis.asyncio import Redis
from structlog.testing import capture_logs

from core.embedded import (
    PIDS_FILE,
    EmbeddedRedis,
    EmbeddedServiceError,
    EmbeddedStack,
    stop_orphans,
)


async def _until(check: Callable[[], bool]) -> None:
    async with asyncio.timeout(30):
        while not check():  # noqa: ASYNC110 - a child process has no event to wait on: poll it
            await asyncio.sleep(0.05)


def _gone(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_bytes()
    except OSError:
        return True
    return b") Z " in stat  # a zombie has stopped running; only its parent may reap it


async def test_a_killed_redis_server_is_restarted_on_its_port_with_its_data(tmp_path: Path) -> None:
    stack = EmbeddedStack(tmp_path / "data")
    url = await stack.redis_url()
    client = Redis.from_url(url)
    try:
        await client.set("kept", "yes")
        await client.execute_command("BGREWRITEAOF")
        assert stack.redis is not None
        assert stack.redis.child.process is not None
        first_pid = stack.redis.child.process.pid
        with capture_logs() as logs:
            os.kill(first_pid, signal.SIGKILL)
            await _until(lambda: stack.restarts.get("redis") == 1)
        assert stack.redis.child.process.pid != first_pid
        assert await client.get("kept") == b"yes"  # same URL, same append-only file
        died = [entry for entry in logs if entry["event"] == "embedded.died"]
        assert died
        assert died[0]["log_level"] == "warning"
        assert died[0]["exit_code"] == -signal.SIGKILL
        assert any(entry["event"] == "embedded.restarted" for entry in logs)
    finally:
        await client.aclose()
        await asyncio.to_thread(stack.stop)
    assert not (tmp_path / "data" / PIDS_FILE).exists()


async def test_a_server_that_cannot_start_says_why_from_its_own_log(tmp_path: Path) -> None:
    server = EmbeddedRedis(tmp_path / "redis", logs=tmp_path / "logs")
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        with pytest.raises(EmbeddedServiceError) as raised:
            await server.start(port=busy.getsockname()[1])
    message = str(raised.value)
    assert "redis-server exited with 1" in message
    assert "address already in use" in message.lower()  # its own words, from logs/redis.log
    assert str(tmp_path / "logs" / "redis.log") in message


def test_orphans_named_in_the_pid_file_are_stopped_and_strangers_left_alone(
    tmp_path: Path,
) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    # An "orphan": a process whose command line names this DATA_DIR, as our servers' do.
    orphan = subprocess.Popen(["sh", "-c", f"sleep 300; : {data_dir}"])
    # redis-server rewrites its process title: it is known by the folder it works in.
    (data_dir / "redis").mkdir()
    retitled = subprocess.Popen(["sleep", "300"], cwd=data_dir / "redis")
    stranger = subprocess.Popen(["sleep", "300"])
    try:
        (data_dir / PIDS_FILE).write_text(
            f"SecantusDB {orphan.pid}\nredis-server {retitled.pid}\nother {stranger.pid}\n"
        )
        assert stop_orphans(data_dir) == [orphan.pid, retitled.pid]
        assert orphan.wait(timeout=10) == -signal.SIGTERM
        assert retitled.wait(timeout=10) == -signal.SIGTERM
        assert stranger.poll() is None
        assert not (data_dir / PIDS_FILE).exists()
    finally:
        for process in (orphan, retitled, stranger):
            process.kill()
            process.wait()


CHILD = """
import asyncio, sys
from pathlib import Path
from core.embedded import EmbeddedStack

async def main():
    stack = EmbeddedStack(Path(sys.argv[1]))
    await stack.redis_url()
    print("pid", stack.redis.child.process.pid, flush=True)
    await asyncio.sleep(300)

asyncio.run(main())
"""


async def test_servers_die_with_a_parent_killed_hard(tmp_path: Path) -> None:
    parent = subprocess.Popen(  # noqa: ASYNC220 - started once, read from a thread
        [sys.executable, "-c", CHILD, str(tmp_path / "data")],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        cwd=Path(__file__).parents[2],
    )
    try:
        assert parent.stdout is not None
        line = b""
        while not line.startswith(b"pid "):
            line = await asyncio.to_thread(parent.stdout.readline)
        server_pid = int(line.split()[1])
        assert not _gone(server_pid)
        parent.kill()  # kill -9: no cleanup code of ours runs
        parent.wait()
        await _until(lambda: _gone(server_pid))
    finally:
        parent.kill()
        parent.wait()
        if parent.stdout is not None:
            parent.stdout.close()

"""The embedded default: MongoDB-compatible storage and Redis on loopback when no URL is set."""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import importlib.util
import os
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError

from core.errors import AppError
from core.logging import get_logger

log = get_logger(__name__)


class EmbeddedServiceError(AppError):
    """An embedded service could not start (a missing binary, a port in use, ...)."""


class DataDirInUse(EmbeddedServiceError):
    """Another running jobscout holds this DATA_DIR (its embedded servers' files allow one)."""

    def __init__(self, data_dir: Path, pid: int | None) -> None:
        holder = f"pid {pid}" if pid else "another process"
        super().__init__(
            f"{data_dir} is in use by a running jobscout ({holder}): stop it or set DATA_DIR"
        )
        self.pid = pid


class DataDirLock:
    """One running instance per DATA_DIR: an flock on ``jobscout.pid``, which holds the PID.

    The kernel drops the lock when its process dies, so a lock file left by a dead process is
    simply taken over.
    """

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.path = data_dir / "jobscout.pid"
        self._fd: int | None = None

    def acquire(self) -> None:
        """Hold the folder or raise ``DataDirInUse`` naming the holder's PID."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 32).decode("ascii", errors="replace").strip()
            os.close(fd)
            raise DataDirInUse(self.data_dir, int(holder) if holder.isdigit() else None) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd

    def release(self) -> None:
        # Emptied, not removed: removing it lets a waiting opener lock a file no one else sees.
        if self._fd is not None:
            os.ftruncate(self._fd, 0)
            os.close(self._fd)
            self._fd = None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class EmbeddedMongo:
    """SecantusDB as a child process on loopback, spoken to only over the wire.

    A child process rather than a thread of ours: its Python server threads then use the
    second core instead of competing with the app for one interpreter lock.
    """

    def __init__(self, storage_path: Path) -> None:
        self.storage_path = storage_path
        self._process: subprocess.Popen[bytes] | None = None
        self.url = ""

    def start(self) -> str:
        if importlib.util.find_spec("secantus") is None:
            raise EmbeddedServiceError(
                "MONGODB_URL is not set and the embedded server is not installed "
                "(install the 'embedded' extra)"
            )
        self.storage_path.mkdir(parents=True, exist_ok=True)
        port = free_port()
        self._process = subprocess.Popen(
            [sys.executable, "-m", "secantus", "--host", "127.0.0.1", "--port", str(port),
             "--storage-path", str(self.storage_path), "--log-level", "WARNING"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.url = f"mongodb://127.0.0.1:{port}/"
        try:
            _wait_for_port(port, self._process, "SecantusDB")
        except BaseException:
            self.stop()
            raise
        log.info("embedded.mongodb.started", url=self.url, path=str(self.storage_path))
        return self.url

    def stop(self) -> None:
        if _terminate(self._process):
            log.info("embedded.mongodb.stopped")
        self._process = None


def _wait_for_port(port: int, process: subprocess.Popen[bytes], name: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise EmbeddedServiceError(f"{name} exited with {process.returncode}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return
        time.sleep(0.02)
    raise EmbeddedServiceError(f"{name} did not listen on port {port} within 30 s")


def _terminate(process: subprocess.Popen[bytes] | None) -> bool:
    """Stop a child politely, then firmly; True when there was one to stop."""
    if process is None or process.poll() is not None:
        return False
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    return True


class EmbeddedRedis:
    """A real ``redis-server`` child process on a free loopback port, append-only under DATA_DIR."""

    def __init__(self, data_path: Path) -> None:
        self.data_path = data_path
        self._process: subprocess.Popen[bytes] | None = None
        self.url = ""

    async def start(self) -> str:
        binary = shutil.which("redis-server")
        if binary is None:
            raise EmbeddedServiceError(
                "REDIS_URL is not set and redis-server is not installed (run the README's set-up)"
            )
        self.data_path.mkdir(parents=True, exist_ok=True)
        port = free_port()
        self._process = subprocess.Popen(  # noqa: ASYNC220 - a one-off start-up, not a hot path
            [
                binary,
                "--port",
                str(port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(self.data_path),
                "--appendonly",
                "yes",
                "--save",
                "",
                "--protected-mode",
                "yes",
                "--loglevel",
                "warning",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.url = f"redis://127.0.0.1:{port}/0"
        client = Redis.from_url(self.url)
        try:
            for _ in range(200):
                if self._process.poll() is not None:
                    raise EmbeddedServiceError(
                        f"redis-server exited with {self._process.returncode}"
                    )
                with contextlib.suppress(OSError, RedisConnectionError):
                    if await client.ping():
                        break
                await asyncio.sleep(0.025)
            else:
                raise EmbeddedServiceError("redis-server did not answer within 5 s")
        except BaseException:
            self.stop()
            raise
        finally:
            await client.aclose()
        log.info("embedded.redis.started", url=self.url)
        return self.url

    def stop(self) -> None:
        if _terminate(self._process):
            log.info("embedded.redis.stopped")
        self._process = None


@dataclass
class EmbeddedStack:
    """What ``jobscout run`` starts for the URLs the settings leave empty."""

    data_dir: Path
    mongo: EmbeddedMongo | None = None
    redis: EmbeddedRedis | None = None
    started: list[str] = field(default_factory=list)

    async def mongodb_url(self) -> str:
        self.mongo = EmbeddedMongo(self.data_dir / "mongodb")
        url = await asyncio.to_thread(self.mongo.start)
        self.started.append("mongodb")
        return url

    async def redis_url(self) -> str:
        self.redis = EmbeddedRedis(self.data_dir / "redis")
        url = await self.redis.start()
        self.started.append("redis")
        return url

    def stop(self) -> None:
        if self.redis is not None:
            self.redis.stop()
        if self.mongo is not None:
            self.mongo.stop()

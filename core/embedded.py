"""The embedded default: MongoDB-compatible storage and Redis on loopback when no URL is set."""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import ctypes.util
import fcntl
import importlib.util
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

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


# --- children: spawned to die with us, their output kept, their PIDs noted ------------------

PR_SET_PDEATHSIG = 1  # linux/prctl.h
_libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
PIDS_FILE = "embedded.pids"
LOG_TAIL_LINES = 5


def _die_with_parent(parent: int) -> Callable[[], None]:
    """For ``preexec_fn``: the kernel kills the child when its parent dies, however it dies
    (``kill -9`` included), so no server outlives the jobscout that started it.

    SIGKILL, not SIGTERM: SecantusDB's graceful shutdown can hang with no parent left, and
    neither server loses an acknowledged write to it (both wrote it to their log file first).
    """

    def arm() -> None:
        _libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() != parent:  # the parent died between fork and prctl
            os._exit(1)

    return arm


class ChildProcess:
    """One embedded server process.

    Its stdout and stderr go to ``log_path`` (so a failure can say why), its PID is noted in
    ``pids_file`` (so the next start can stop an orphan of a run that was killed before the
    parent-death signal existed, e.g. one started by an older version), and it is spawned from
    the calling thread with a parent-death signal: call ``spawn`` from a thread that lives as
    long as the process (the event loop's), because Linux ties the signal to the thread.
    """

    def __init__(
        self, name: str, argv: Callable[[int], list[str]], log_path: Path, pids_file: Path | None
    ) -> None:
        self.name = name
        self._argv = argv
        self.log_path = log_path
        self._pids_file = pids_file
        self.process: subprocess.Popen[bytes] | None = None
        self.port = 0

    def spawn(self, port: int) -> None:
        self.port = port
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as output:
            self.process = subprocess.Popen(
                self._argv(port),
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                preexec_fn=_die_with_parent(os.getpid()),  # prctl only: see _die_with_parent
            )
        if self._pids_file is not None:
            _note_pid(self._pids_file, self.name, self.process.pid)

    def exit_code(self) -> int | None:
        """None while running (or never started)."""
        return None if self.process is None else self.process.poll()

    def died(self) -> bool:
        """Not running: exited, stopped, or a restart that failed to spawn it."""
        return self.process is None or self.process.poll() is not None

    def log_tail(self, lines: int = LOG_TAIL_LINES) -> str:
        """The last lines the server wrote: the reason it gives for failing."""
        try:
            with self.log_path.open("rb") as file:
                file.seek(max(0, file.seek(0, os.SEEK_END) - 4096))
                text = file.read().decode("utf-8", errors="replace")
        except OSError:
            return ""
        return " | ".join(line.strip() for line in text.splitlines()[-lines:] if line.strip())

    def failure(self, what: str) -> EmbeddedServiceError:
        reason = self.log_tail()
        return EmbeddedServiceError(
            f"{self.name} {what}" + (f": {reason}" if reason else "") + f" (log: {self.log_path})"
        )

    def stop(self) -> bool:
        stopped = _terminate(self.process)
        self.process = None
        return stopped


def _note_pid(pids_file: Path, name: str, pid: int) -> None:
    lines = [
        line
        for line in _read_pids(pids_file)
        if line[0] != name  # one line per service: the latest start
    ]
    lines.append((name, pid))
    pids_file.write_text("".join(f"{n} {p}\n" for n, p in lines))


def _read_pids(pids_file: Path) -> list[tuple[str, int]]:
    try:
        text = pids_file.read_text()
    except OSError:
        return []
    found = []
    for line in text.splitlines():
        name, _, pid = line.partition(" ")
        if pid.strip().isdigit():
            found.append((name, int(pid)))
    return found


def stop_orphans(data_dir: Path) -> list[int]:
    """Stop servers a previous run under ``data_dir`` left behind; returns their PIDs.

    Only a process whose command line names this DATA_DIR is touched: a PID from the file may
    since belong to something else entirely.
    """
    pids_file = data_dir / PIDS_FILE
    stopped = []
    for name, pid in _read_pids(pids_file):
        if not _works_in(pid, data_dir):
            continue
        log.warning("embedded.orphan_stopped", service=name, pid=pid)
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
        if not _wait_gone(pid, 10):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            _wait_gone(pid, 5)
        stopped.append(pid)
    pids_file.unlink(missing_ok=True)
    return stopped


def _works_in(pid: int, data_dir: Path) -> bool:
    """Whether a running process is one of our servers for ``data_dir``: SecantusDB names it on
    its command line; redis-server rewrites its process title but works in its folder."""
    folder = str(data_dir.resolve())
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
        cwd = os.readlink(f"/proc/{pid}/cwd")
    except OSError:
        return False  # gone, or not ours to look at
    return folder.encode() in cmdline or cwd == folder or cwd.startswith(folder + os.sep)


def _wait_gone(pid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        # Not our child (its parent died), so there is no wait(); its /proc entry tells.
        with contextlib.suppress(OSError):
            if b") Z " in Path(f"/proc/{pid}/stat").read_bytes():
                return True
        time.sleep(0.05)
    return False


OPLOG_RETENTION_S = 300


class EmbeddedMongo:
    """SecantusDB as a child process on loopback, spoken to only over the wire.

    A child process rather than a thread of ours: its Python server threads then use the
    second core instead of competing with the app for one interpreter lock.
    """

    name = "SecantusDB"

    def __init__(
        self, storage_path: Path, *, logs: Path | None = None, pids_file: Path | None = None
    ) -> None:
        self.storage_path = storage_path
        self.child = ChildProcess(
            self.name, self._argv, (logs or storage_path.parent) / "mongodb.log", pids_file
        )
        self.url = ""

    def _argv(self, port: int) -> list[str]:
        return [
            sys.executable,
            "-m",
            "secantus",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--storage-path",
            str(self.storage_path),
            "--log-level",
            "WARNING",
            # The oplog copies every write and nothing here reads it (no change streams): kept
            # short, an erased person's documents leave it within minutes (README: Privacy).
            "--oplog-retention-seconds",
            str(OPLOG_RETENTION_S),
        ]

    def spawn(self, port: int | None = None) -> None:
        """Start the process (from a long-lived thread: see ``ChildProcess``)."""
        if importlib.util.find_spec("secantus") is None:
            raise EmbeddedServiceError(
                "MONGODB_URL is not set and the embedded server is not installed "
                "(install the 'embedded' extra)"
            )
        self.storage_path.mkdir(parents=True, exist_ok=True)
        port = port or free_port()
        self.child.spawn(port)
        self.url = f"mongodb://127.0.0.1:{port}/"

    def wait_ready(self) -> str:
        """Block until it listens (a thread may do this); stop it and raise if it can't."""
        try:
            _wait_for_port(self.child)
        except BaseException:
            self.stop()
            raise
        log.info("embedded.mongodb.started", url=self.url, path=str(self.storage_path))
        return self.url

    def start(self) -> str:
        self.spawn()
        return self.wait_ready()

    def alive(self) -> bool:
        return not self.child.died()

    async def restart(self) -> None:
        """Start again on the same port, so every client's URL stays right."""
        self.child.stop()
        self.spawn(self.child.port)
        await asyncio.to_thread(self.wait_ready)

    def stop(self) -> None:
        if self.child.stop():
            log.info("embedded.mongodb.stopped")


def _wait_for_port(child: ChildProcess) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if child.process is None or child.process.poll() is not None:
            code = child.process.returncode if child.process is not None else None
            raise child.failure(f"exited with {code}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", child.port), 0.2):
            return
        time.sleep(0.02)
    raise child.failure(f"did not listen on port {child.port} within 30 s")


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

    name = "redis-server"

    def __init__(
        self, data_path: Path, *, logs: Path | None = None, pids_file: Path | None = None
    ) -> None:
        self.data_path = data_path
        self.child = ChildProcess(
            self.name, self._argv, (logs or data_path.parent) / "redis.log", pids_file
        )
        self.url = ""
        self._binary = ""

    def _argv(self, port: int) -> list[str]:
        return [
            self._binary,
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
        ]

    async def start(self, port: int | None = None, *, restart: bool = False) -> str:
        binary = shutil.which("redis-server")
        if binary is None:
            raise EmbeddedServiceError(
                "REDIS_URL is not set and redis-server is not installed (run the README's set-up)"
            )
        self._binary = binary
        self.data_path.mkdir(parents=True, exist_ok=True)
        port = port or free_port()
        self.child.spawn(port)
        self.url = f"redis://127.0.0.1:{port}/0"
        # Short timeouts: whatever holds the port may accept and never answer.
        client = Redis.from_url(self.url, socket_timeout=0.5, socket_connect_timeout=0.5)
        try:
            for _ in range(200):
                if self.child.died():
                    raise self.child.failure(f"exited with {self.child.exit_code()}")
                with contextlib.suppress(OSError, RedisConnectionError, RedisTimeoutError):
                    if await client.ping():
                        break
                await asyncio.sleep(0.025)
            else:
                raise self.child.failure("did not answer within 5 s")
            if not restart:
                await _drop_claims_of_the_dead(client)
        except BaseException:
            self.stop()
            raise
        finally:
            await client.aclose()
        log.info("embedded.redis.started", url=self.url)
        return self.url

    def alive(self) -> bool:
        return not self.child.died()

    async def restart(self) -> None:
        """Start again on the same port: its append-only file brings the queue back."""
        self.child.stop()
        await self.start(self.child.port, restart=True)

    def stop(self) -> None:
        if self.child.stop():
            log.info("embedded.redis.stopped")


# Claims a process holds while it works: a user's lock, a job arq is running. The embedded Redis
# serves one jobscout (DATA_DIR is locked), so at its start any such key is a dead run's, and
# waiting for it to expire (60 s for a lock, the job timeout for arq) would only delay recovery.
# (A restart of the server within a run keeps them: their holders are alive.)
CLAIM_PATTERNS = ("lock:*", "arq:in-progress:*")


async def _drop_claims_of_the_dead(client: Redis) -> None:
    for pattern in CLAIM_PATTERNS:
        stale = [key async for key in client.scan_iter(match=pattern, count=1000)]
        if stale:
            await client.delete(*stale)
            log.warning("embedded.redis.stale_claims_dropped", pattern=pattern, count=len(stale))


Service = EmbeddedMongo | EmbeddedRedis
WATCH_INTERVAL_S = 0.25
RESTART_BACKOFF_S = (0.5, 1.0, 2.0, 5.0, 10.0, 30.0)
HEALTHY_AFTER_S = 60.0  # up this long after a restart: the next death starts the backoff again


@dataclass
class EmbeddedStack:
    """What ``jobscout run`` starts for the URLs the settings leave empty, and keeps running.

    A watcher notices a server that died (``kill -9``, a crash), logs why at WARNING from the
    server's own log under DATA_DIR/logs, and starts it again on the same port with backoff;
    clients reconnect by themselves. Servers that a killed earlier run left behind are stopped
    first.
    """

    data_dir: Path
    mongo: EmbeddedMongo | None = None
    redis: EmbeddedRedis | None = None
    started: list[str] = field(default_factory=list)
    restarts: dict[str, int] = field(default_factory=dict)
    _watcher: asyncio.Task[None] | None = None
    _loop: asyncio.AbstractEventLoop | None = None
    _stopping: bool = False
    _orphans_checked: bool = False

    @property
    def _logs(self) -> Path:
        return self.data_dir / "logs"

    @property
    def _pids(self) -> Path:
        return self.data_dir / PIDS_FILE

    def _before_first_start(self) -> None:
        if not self._orphans_checked:
            self._orphans_checked = True
            self.data_dir.mkdir(parents=True, exist_ok=True)
            stop_orphans(self.data_dir)

    async def mongodb_url(self) -> str:
        self._before_first_start()
        self.mongo = EmbeddedMongo(self.data_dir / "mongodb", logs=self._logs, pids_file=self._pids)
        self.mongo.spawn()  # here, on the event loop's thread: see ChildProcess
        url = await asyncio.to_thread(self.mongo.wait_ready)
        self.started.append("mongodb")
        self._watch()
        return url

    async def redis_url(self) -> str:
        self._before_first_start()
        self.redis = EmbeddedRedis(self.data_dir / "redis", logs=self._logs, pids_file=self._pids)
        url = await self.redis.start()
        self.started.append("redis")
        self._watch()
        return url

    def _watch(self) -> None:
        if self._watcher is None:
            self._loop = asyncio.get_running_loop()
            self._watcher = asyncio.create_task(self._watch_loop())

    async def _watch_loop(self) -> None:
        failures: dict[str, int] = {}
        since: dict[str, float] = {}
        while not self._stopping:
            await asyncio.sleep(WATCH_INTERVAL_S)
            for key, service in (("mongodb", self.mongo), ("redis", self.redis)):
                if service is None or self._stopping or service.alive():
                    continue
                if time.monotonic() - since.get(key, 0.0) > HEALTHY_AFTER_S:
                    failures[key] = 0
                attempt = failures.get(key, 0)
                log.warning(
                    "embedded.died",
                    service=key,
                    exit_code=service.child.exit_code(),
                    reason=service.child.log_tail(),
                    restart_in_s=RESTART_BACKOFF_S[min(attempt, len(RESTART_BACKOFF_S) - 1)],
                )
                await asyncio.sleep(RESTART_BACKOFF_S[min(attempt, len(RESTART_BACKOFF_S) - 1)])
                failures[key] = attempt + 1
                if self._stopping:
                    return
                try:
                    await service.restart()
                except EmbeddedServiceError as exc:
                    log.warning("embedded.restart_failed", service=key, reason=str(exc))
                    continue
                since[key] = time.monotonic()
                self.restarts[key] = self.restarts.get(key, 0) + 1
                log.warning("embedded.restarted", service=key, restarts=self.restarts[key])

    def stop(self) -> None:
        """Stop the watcher, then the servers (safe from any thread)."""
        self._stopping = True
        watcher, loop = self._watcher, self._loop
        if watcher is not None and loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(watcher.cancel)
        if self.redis is not None:
            self.redis.stop()
        if self.mongo is not None:
            self.mongo.stop()
        self._pids.unlink(missing_ok=True)

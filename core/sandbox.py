"""Untrusted bytes parsed in a confined child process: memory, CPU and time limits, no network.

A small zygote process (started once, with only the parser imported and warmed) forks one child
per job. The child applies its limits before it reads a byte of the job's input, cuts itself off
the network (a fresh network namespace when the kernel allows it, and a seccomp filter that
refuses socket creation either way), runs one function on the bytes and writes back its result,
which must be small. The calling process only ever holds the input and that result: whatever the
input inflates to stays in the child, and dies with it.

Linux only (fork, pidfd, prctl); elsewhere every job fails with ``SandboxUnavailable``.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import dataclasses
import gc
import importlib
import json
import logging
import os
import platform
import resource
import selectors
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Literal

import structlog

from core.errors import AppError, TransientError

log = structlog.get_logger(__name__)

MIB: Final = 1024 * 1024

Limit = Literal["input", "memory", "cpu", "wall", "result"]


@dataclass(frozen=True)
class Limits:
    """What one confined job may use. Both network guards are on by default, each where the
    kernel allows it, and at least one must be; turning one off lets a test prove the other
    (``netns`` off is what a container without CAP_SYS_ADMIN gets)."""

    memory_bytes: int = 768 * MIB  # RLIMIT_AS: address space, so it includes the interpreter
    cpu_seconds: int = 10  # RLIMIT_CPU
    wall_seconds: float = 30.0  # enforced by the zygote, which kills the child
    input_bytes: int = 16 * MIB
    result_bytes: int = 256 * 1024
    netns: bool = True
    seccomp: bool = True


@dataclass(frozen=True)
class Usage:
    """What the child used, from its rusage."""

    cpu_seconds: float
    max_rss_bytes: int


@dataclass(frozen=True)
class Finished:
    output: bytes
    usage: Usage
    isolation: tuple[str, ...]  # "netns", "seccomp": the network guards that were in force


class SandboxError(AppError):
    """A confined job did not return a result; ``usage`` is known when the child was reaped."""

    def __init__(self, detail: str, usage: Usage | None = None) -> None:
        super().__init__(detail)
        self.usage = usage


class LimitExceeded(SandboxError):
    def __init__(self, limit: Limit, detail: str, usage: Usage | None = None) -> None:
        super().__init__(detail, usage)
        self.limit = limit


class ChildFailed(SandboxError):
    """The function raised (``error_type``, and ``reason`` when the exception had one) or the
    child died without a result."""

    def __init__(
        self,
        detail: str,
        usage: Usage | None = None,
        *,
        error_type: str | None = None,
        reason: str | None = None,
    ) -> None:
        super().__init__(detail, usage)
        self.error_type = error_type
        self.reason = reason


class SandboxUnavailable(SandboxError, TransientError):
    """The zygote could not be started or died: worth retrying later."""


# --- the calling side --------------------------------------------------------------------------

_HEADER: Final = struct.Struct("!cI")  # frame kind, payload length
_RESULT: Final = b"R"
_ERROR: Final = b"E"
_EXIT: Final = b"X"
_ISOLATION: Final = b"I"
_GRACE_S: Final = 10.0  # beyond the wall limit, how long we wait for the zygote's word
_STARTUP_S: Final = 60.0
_MAX_CONCURRENT: Final = max(1, os.cpu_count() or 1)  # each child may take memory_bytes


def run(
    target: str,
    data: bytes,
    *,
    kwargs: dict[str, Any] | None = None,
    limits: Limits | None = None,
) -> Finished:
    """Run ``target`` ("module:function", taking the bytes and keyword arguments, returning
    bytes) on ``data`` in a confined child; raises a ``SandboxError``."""
    limits = limits or Limits()
    if len(data) > limits.input_bytes:
        raise LimitExceeded("input", f"input of {len(data)} bytes, limit {limits.input_bytes}")
    header = json.dumps(
        {"target": target, "kwargs": kwargs or {}, "limits": dataclasses.asdict(limits)}
    ).encode()
    with _slots:
        zygote = _zygote()
        mine, theirs = socket.socketpair()
        with mine:
            try:
                zygote.submit(header, theirs)
            finally:
                theirs.close()
            mine.settimeout(limits.wall_seconds + _GRACE_S)
            try:
                mine.sendall(struct.pack("!Q", len(data)) + data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # a child that died before reading says why in the zygote's exit frame
            except TimeoutError as exc:
                raise SandboxUnavailable("the sandbox did not take the input in time") from exc
            frames = _read_frames(mine, limits.result_bytes)
    return _outcome(target, frames, limits)


def warm_up(preload: Sequence[str] | None = None) -> None:
    """Start the zygote now, so the first job does not pay for it; ``preload`` ("module" or
    "module:function", imported or called before any fork) defaults to the resume parser."""
    _zygote(_DEFAULT_PRELOAD if preload is None else tuple(preload))


def shutdown() -> None:
    """Stop the zygote and any child it still runs."""
    global _shared
    with _shared_lock:
        if _shared is not None:
            _shared.close()
            _shared = None


def _read_frames(sock: socket.socket, result_bytes: int) -> dict[bytes, bytes]:
    frames: dict[bytes, bytes] = {}
    try:
        while _EXIT not in frames:
            head = _recv_exactly(sock, _HEADER.size)
            if head is None:
                break
            kind, size = _HEADER.unpack(head)
            if kind not in (_RESULT, _ERROR, _EXIT, _ISOLATION) or kind in frames:
                raise SandboxUnavailable("the sandbox sent an unexpected frame")
            if size > result_bytes + 4096:
                # Drain nothing more: the exit frame is lost, but so is the oversized answer.
                raise LimitExceeded("result", f"a result of {size} bytes")
            payload = _recv_exactly(sock, size)
            if payload is None:
                break
            frames[kind] = payload
    except TimeoutError as exc:
        raise SandboxUnavailable("the sandbox did not answer in time") from exc
    return frames


def _recv_exactly(sock: socket.socket, size: int) -> bytes | None:
    chunks: list[bytes] = []
    left = size
    while left:
        chunk = sock.recv(min(left, 1 * MIB))
        if not chunk:
            return None
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _outcome(target: str, frames: dict[bytes, bytes], limits: Limits) -> Finished:
    if _EXIT not in frames:
        _forget_zygote()
        raise SandboxUnavailable("the sandbox went away during the job")
    status = json.loads(frames[_EXIT])
    usage = Usage(status["cpu_seconds"], status["max_rss_kib"] * 1024)
    context = {"target": target, "cpu_s": round(usage.cpu_seconds, 3),
               "max_rss_mib": usage.max_rss_bytes // MIB}
    if status["timed_out"]:
        log.warning("sandbox.limit_exceeded", limit="wall", **context)
        raise LimitExceeded("wall", f"no result within {limits.wall_seconds} s", usage)
    if _ERROR in frames:
        error = json.loads(frames[_ERROR])
        if error.get("limit") == "memory":
            log.warning("sandbox.limit_exceeded", limit="memory", **context)
            raise LimitExceeded("memory", f"over {limits.memory_bytes // MIB} MiB", usage)
        if error.get("limit") == "result":
            log.warning("sandbox.limit_exceeded", limit="result", **context)
            raise LimitExceeded("result", f"a result of {error['size']} bytes", usage)
        log.info("sandbox.job_failed", error=error["type"], reason=error["reason"], **context)
        raise ChildFailed(
            error["detail"], usage, error_type=error["type"], reason=error["reason"]
        )
    if _RESULT in frames and status["code"] == 0:
        isolation = tuple(json.loads(frames.get(_ISOLATION, b"[]")))
        log.debug("sandbox.job_finished", isolation=isolation, **context)
        return Finished(frames[_RESULT], usage, isolation)
    # SIGXCPU at the soft limit (only the kernel sends it), SIGKILL at the hard one a second on.
    if status["signal"] == signal.SIGXCPU or (
        status["signal"] == signal.SIGKILL and usage.cpu_seconds >= limits.cpu_seconds
    ):
        log.warning("sandbox.limit_exceeded", limit="cpu", **context)
        raise LimitExceeded("cpu", f"over {limits.cpu_seconds} s of CPU", usage)
    log.warning("sandbox.child_died", code=status["code"], signal=status["signal"], **context)
    raise ChildFailed(f"the child died (code {status['code']}, signal {status['signal']})", usage)


class _Zygote:
    """The parent's handle on the zygote: a control socket that carries one job socket each."""

    def __init__(self, preload: tuple[str, ...]) -> None:
        if not sys.platform.startswith("linux"):
            raise SandboxUnavailable("the sandbox needs Linux")
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        root = str(Path(__file__).resolve().parent.parent)
        # Not our environment: it holds the bot tokens and keys, and a child is not trusted.
        env = {
            "PYTHONPATH": os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH")) if p),
            "LC_ALL": "C.UTF-8",
        }
        # -B: a child may not write files (RLIMIT_FSIZE is 0), bytecode caches included.
        command = [sys.executable, "-B", "-s", "-c", _BOOT, str(theirs.fileno()), *preload]
        with theirs:
            self._process = subprocess.Popen(  # no shell; our own interpreter and module
                command, pass_fds=(theirs.fileno(),), env=env, stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
            )
        self._control = ours
        self._lock = threading.Lock()
        self.preload = preload
        ours.settimeout(_STARTUP_S)
        try:
            ready = ours.recv(16)
        except TimeoutError:
            ready = b""
        ours.settimeout(None)
        if ready != b"ready":
            self.close()
            raise SandboxUnavailable("the sandbox did not start")
        log.info("sandbox.started", pid=self._process.pid, preload=list(preload))

    def alive(self) -> bool:
        return self._process.poll() is None

    def submit(self, header: bytes, job: socket.socket) -> None:
        with self._lock:
            try:
                socket.send_fds(self._control, [header], [job.fileno()])
            except OSError as exc:
                raise SandboxUnavailable(f"the sandbox is gone: {exc}") from exc

    def close(self) -> None:
        self._control.close()  # the zygote sees EOF, kills its children and exits
        try:
            self._process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()


_BOOT: Final = "import sys; from core.sandbox import _zygote_main; _zygote_main(sys.argv[1:])"
_DEFAULT_PRELOAD: Final = ("conversations.resume_parser:warm_up",)
_shared: _Zygote | None = None
_shared_lock = threading.Lock()
_slots = threading.BoundedSemaphore(_MAX_CONCURRENT)


def _zygote(preload: tuple[str, ...] = _DEFAULT_PRELOAD) -> _Zygote:
    global _shared
    with _shared_lock:
        if _shared is not None and not _shared.alive():
            log.warning("sandbox.restarting", reason="the zygote died")
            _shared.close()
            _shared = None
        if _shared is None:
            _shared = _Zygote(preload)
        return _shared


def _forget_zygote() -> None:
    """After a job lost its zygote: start a new one next time if it really died."""
    global _shared
    with _shared_lock:
        if _shared is not None and not _shared.alive():
            _shared.close()
            _shared = None


def _forget_after_fork() -> None:
    """A forked copy of this process starts its own zygote; the inherited one is not its own."""
    global _shared, _shared_lock, _slots
    if _shared is not None:
        _shared._control.close()  # the parent's copy stays open: its zygote lives on
    _shared = None
    _shared_lock = threading.Lock()
    _slots = threading.BoundedSemaphore(_MAX_CONCURRENT)


atexit.register(shutdown)
os.register_at_fork(after_in_child=_forget_after_fork)


# --- the zygote ----------------------------------------------------------------------------------


@dataclass
class _Job:
    pid: int
    pidfd: int
    sock: socket.socket
    deadline: float
    timed_out: bool = False


def _zygote_main(argv: list[str]) -> None:
    """Import and warm the preloads, then fork one confined child per job until EOF."""
    control = socket.socket(fileno=int(argv[0]))
    for spec in argv[1:]:
        _resolve(spec)() if ":" in spec else importlib.import_module(spec)
    # Objects made so far are shared with every child; left out of the collector's scans, their
    # pages are not copied in each child just to be looked at.
    gc.collect()
    gc.freeze()
    control.sendall(b"ready")
    selector = selectors.DefaultSelector()
    selector.register(control, selectors.EVENT_READ)
    jobs: dict[int, _Job] = {}  # by pidfd
    while True:
        now = time.monotonic()
        for job in jobs.values():
            if not job.timed_out and job.deadline <= now:
                job.timed_out = True
                _kill(job)
        pending = [job.deadline - now for job in jobs.values() if not job.timed_out]
        for key, _ in selector.select(max(0.0, min(pending)) if pending else None):
            if key.fileobj is control:
                try:
                    header, fds, _, _ = socket.recv_fds(control, 1 * MIB, 1)
                except OSError:
                    header, fds = b"", []
                if not header:
                    for job in jobs.values():
                        _kill(job)
                    return
                job = _fork(header, socket.socket(fileno=fds[0]), control)
                jobs[job.pidfd] = job
                selector.register(job.pidfd, selectors.EVENT_READ)
            else:
                job = jobs.pop(key.fd)
                selector.unregister(key.fd)
                _reap(job)


def _fork(header: bytes, sock: socket.socket, control: socket.socket) -> _Job:
    request = json.loads(header)
    limits = Limits(**request["limits"])
    pid = os.fork()
    if pid == 0:  # the child: never returns
        code = 1
        try:
            control.close()
            code = _child_main(request, limits, sock)
        finally:
            os._exit(code)
    return _Job(pid, os.pidfd_open(pid), sock, time.monotonic() + limits.wall_seconds)


def _kill(job: _Job) -> None:
    with contextlib.suppress(ProcessLookupError):  # it exited meanwhile; the reaper has it
        signal.pidfd_send_signal(job.pidfd, signal.SIGKILL)


def _reap(job: _Job) -> None:
    _, status, usage = os.wait4(job.pid, 0)
    os.close(job.pidfd)
    frame = json.dumps(
        {
            "code": os.WEXITSTATUS(status) if os.WIFEXITED(status) else None,
            "signal": os.WTERMSIG(status) if os.WIFSIGNALED(status) else None,
            "timed_out": job.timed_out,
            "cpu_seconds": usage.ru_utime + usage.ru_stime,
            "max_rss_kib": usage.ru_maxrss,
        }
    ).encode()
    with contextlib.suppress(OSError), job.sock:
        _send(job.sock, _EXIT, frame)


# --- the child -----------------------------------------------------------------------------------


def _child_main(request: dict[str, Any], limits: Limits, sock: socket.socket) -> int:
    _die_with_parent()
    _keep_only_fds(sock.fileno())
    ballast = bytearray(256 * 1024)  # freed on MemoryError, so the report can still be written
    kind, payload = _ERROR, b""
    try:
        isolation = _confine(limits)
        _send(sock, _ISOLATION, json.dumps(isolation).encode())
        data = _read_input(sock, limits.input_bytes)
        output = bytes(_resolve(request["target"])(data, **request["kwargs"]))
        if len(output) > limits.result_bytes:
            payload = json.dumps({"limit": "result", "size": len(output)}).encode()
        else:
            kind, payload = _RESULT, output
    except MemoryError:
        del ballast
        payload = json.dumps({"limit": "memory"}).encode()
    except Exception as exc:  # everything crosses to the parent as a report, never a traceback
        payload = json.dumps(
            {"type": type(exc).__name__, "reason": getattr(exc, "reason", None),
             "detail": str(exc)[:500]}
        ).encode()
    _send(sock, kind, payload)
    return 0


def _send(sock: socket.socket, kind: bytes, payload: bytes) -> None:
    sock.sendall(_HEADER.pack(kind, len(payload)) + payload)


def _read_input(sock: socket.socket, limit: int) -> bytes:
    head = _recv_exactly(sock, 8)
    if head is None:
        raise EOFError("no input")
    (size,) = struct.unpack("!Q", head)
    if size > limit:
        raise MemoryError
    data = _recv_exactly(sock, size)
    if data is None:
        raise EOFError("truncated input")
    return data


def _resolve(spec: str) -> Callable[..., Any]:
    module, _, name = spec.partition(":")
    function: Callable[..., Any] = getattr(importlib.import_module(module), name)
    return function


def _die_with_parent() -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def _keep_only_fds(keep: int) -> None:
    """Close every inherited descriptor (other jobs' sockets, the zygote's control socket) but
    the job's own and stdin/stdout/stderr, which point at /dev/null."""
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.closerange(3, keep)
    os.closerange(keep + 1, resource.getrlimit(resource.RLIMIT_NOFILE)[0])


def _confine(limits: Limits) -> tuple[str, ...]:
    """Apply the limits and cut the network; returns the network guards in force."""
    resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
    resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds + 1))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))  # writes no file
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # a core dump would hold the document
    sys.dont_write_bytecode = True
    logging.disable(logging.CRITICAL)  # pypdf's warnings would go to a closed stderr anyway
    warnings.simplefilter("ignore")
    isolation: list[str] = []
    if limits.netns and _unshare_network():
        isolation.append("netns")
    if limits.seccomp and _refuse_sockets():
        isolation.append("seccomp")
    if not isolation:
        raise PermissionError("neither a network namespace nor a seccomp filter is available")
    return tuple(isolation)


_PR_SET_PDEATHSIG: Final = 1
_PR_SET_NO_NEW_PRIVS: Final = 38
_PR_SET_SECCOMP: Final = 22
_SECCOMP_MODE_FILTER: Final = 2
_CLONE_NEWNET: Final = 0x40000000
# (audit arch, socket syscall number); io_uring_setup is 425 on both and could open sockets too.
_ARCHES: Final = {"x86_64": (0xC000003E, 41), "aarch64": (0xC00000B7, 198)}
_NR_IO_URING_SETUP: Final = 425
_X32_SYSCALL_BIT: Final = 0x40000000


def _unshare_network() -> bool:
    """A fresh network namespace: only a loopback device, and it is down. Needs CAP_SYS_ADMIN."""
    libc = ctypes.CDLL(None, use_errno=True)
    return bool(libc.unshare(_CLONE_NEWNET) == 0)


class _SockFilter(ctypes.Structure):
    _fields_ = [
        ("code", ctypes.c_ushort),
        ("jt", ctypes.c_ubyte),
        ("jf", ctypes.c_ubyte),
        ("k", ctypes.c_uint32),
    ]


class _SockFprog(ctypes.Structure):
    _fields_ = [
        ("len", ctypes.c_ushort),
        ("filter", ctypes.POINTER(_SockFilter)),
    ]


def _refuse_sockets() -> bool:
    """A seccomp filter: socket() and io_uring_setup() fail with EACCES, as does any syscall of
    a foreign ABI (x32, i386). Works unprivileged (with no_new_privs)."""
    arch = _ARCHES.get(platform.machine())
    if arch is None:
        return False
    audit_arch, nr_socket = arch
    load, jeq, jge, ret = 0x20, 0x15, 0x35, 0x06
    allow, deny = 0x7FFF0000, 0x00050000 | 13  # SECCOMP_RET_ALLOW, SECCOMP_RET_ERRNO | EACCES
    program = [
        (load, 0, 0, 4),  # the syscall's architecture
        (jeq, 0, 5, audit_arch),
        (load, 0, 0, 0),  # its number
        (jge, 3, 0, _X32_SYSCALL_BIT),
        (jeq, 2, 0, nr_socket),
        (jeq, 1, 0, _NR_IO_URING_SETUP),
        (ret, 0, 0, allow),
        (ret, 0, 0, deny),
    ]
    filters = (_SockFilter * len(program))(*(_SockFilter(*row) for row in program))
    fprog = _SockFprog(len(program), filters)
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_void_p, ctypes.c_ulong,
                           ctypes.c_ulong]
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, None, 0, 0) != 0:
        return False
    pointer = ctypes.cast(ctypes.pointer(fprog), ctypes.c_void_p)
    return bool(libc.prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, pointer, 0, 0) == 0)

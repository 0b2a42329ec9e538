"""The sandbox with real processes: results and failures cross back, limits hold, no network."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from core import sandbox
from core.sandbox import MIB, ChildFailed, LimitExceeded, Limits

pytestmark = pytest.mark.integration

PROBES = "tests.sandbox_probes"


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    """A TCP listener on loopback in this (the parent) process."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.5)
    yield server
    server.close()


def _address(server: socket.socket) -> bytes:
    host, port = server.getsockname()
    return f"{host}:{port}".encode()


def test_a_job_returns_its_output_and_what_it_used() -> None:
    finished = sandbox.run(f"{PROBES}:echo", b"hello")
    assert finished.output == b"hello"
    assert finished.usage.max_rss_bytes > 0
    assert set(finished.isolation) <= {"netns", "seccomp"}
    assert finished.isolation


def test_concurrent_jobs_get_their_own_answers() -> None:
    payloads = [str(n).encode() * (n + 1) * 1000 for n in range(8)]
    with ThreadPoolExecutor(4) as pool:
        outputs = list(pool.map(lambda data: sandbox.run(f"{PROBES}:echo", data).output, payloads))
    assert outputs == payloads


def test_the_parent_can_reach_the_listener(listener: socket.socket) -> None:
    """The control for the network tests below: outside the sandbox the probe connects."""
    from tests.sandbox_probes import connect

    assert connect(_address(listener)) == b"connected"


@pytest.mark.parametrize(
    ("limits", "guard"),
    [
        pytest.param(Limits(), None, id="both guards"),
        pytest.param(Limits(netns=False), "seccomp", id="seccomp only (no CAP_SYS_ADMIN)"),
        pytest.param(Limits(seccomp=False), "netns", id="network namespace only"),
    ],
)
def test_the_child_cannot_reach_a_loopback_listener(
    listener: socket.socket, limits: Limits, guard: str | None
) -> None:
    try:
        finished = sandbox.run(f"{PROBES}:connect", _address(listener), limits=limits)
    except ChildFailed as exc:
        if "neither a network namespace nor a seccomp filter" in str(exc):
            pytest.skip(f"{guard} is not permitted here")
        raise
    assert finished.output != b"connected"
    # EACCES from the seccomp filter; ENETUNREACH in a namespace whose loopback is down
    expected = {"seccomp": b"PermissionError:13", "netns": b"OSError:101"}
    if guard is not None:
        assert finished.isolation == (guard,)
        assert finished.output == expected[guard]
    with pytest.raises(TimeoutError):
        listener.accept()  # nothing ever arrived


def test_memory_beyond_the_limit_is_refused() -> None:
    limits = Limits(memory_bytes=256 * MIB)
    with pytest.raises(LimitExceeded) as caught:
        sandbox.run(f"{PROBES}:allocate", str(512 * MIB).encode(), limits=limits)
    assert caught.value.limit == "memory"
    assert caught.value.usage is not None
    assert caught.value.usage.max_rss_bytes < 256 * MIB


def test_memory_within_the_limit_is_granted() -> None:
    finished = sandbox.run(f"{PROBES}:allocate", str(64 * MIB).encode())
    assert finished.output == str(64 * MIB).encode()
    assert finished.usage.max_rss_bytes >= 64 * MIB


def test_cpu_beyond_the_limit_ends_the_child() -> None:
    with pytest.raises(LimitExceeded) as caught:
        sandbox.run(f"{PROBES}:spin", b"x", limits=Limits(cpu_seconds=1, wall_seconds=50))
    assert caught.value.limit == "cpu"
    assert caught.value.usage is not None
    assert caught.value.usage.cpu_seconds > 0.5  # it did spin (rusage rounds below the tick)


def test_a_child_past_its_wall_clock_limit_is_killed() -> None:
    with pytest.raises(LimitExceeded) as caught:
        sandbox.run(f"{PROBES}:sleep", b"50", limits=Limits(wall_seconds=0.5))
    assert caught.value.limit == "wall"


def test_a_result_larger_than_allowed_is_refused() -> None:
    with pytest.raises(LimitExceeded) as caught:
        sandbox.run(f"{PROBES}:echo", b"x" * 2048, limits=Limits(result_bytes=1024))
    assert caught.value.limit == "result"


def test_input_larger_than_allowed_never_leaves_the_parent() -> None:
    with pytest.raises(LimitExceeded):
        sandbox.run(f"{PROBES}:echo", b"x" * 2048, limits=Limits(input_bytes=1024))


def test_an_exception_crosses_back_as_a_report() -> None:
    with pytest.raises(ChildFailed) as caught:
        sandbox.run(f"{PROBES}:fail", b"broken header")
    assert caught.value.error_type == "ValueError"
    assert str(caught.value) == "broken header"


def test_a_child_that_dies_without_an_answer_is_a_failure() -> None:
    with pytest.raises(ChildFailed) as caught:
        sandbox.run(f"{PROBES}:die", b"3")
    assert caught.value.error_type is None
    assert "code 3" in str(caught.value)


def test_the_child_writes_no_file(tmp_path: Path) -> None:
    target = tmp_path / "leak.txt"
    with pytest.raises(ChildFailed) as caught:
        sandbox.run(f"{PROBES}:write_file", str(target).encode())
    assert caught.value.error_type == "OSError"  # EFBIG: RLIMIT_FSIZE is 0
    assert not target.exists() or target.read_bytes() == b""


def test_the_child_holds_no_other_descriptor() -> None:
    """Other jobs' sockets and the zygote's control socket are closed in each child."""
    with ThreadPoolExecutor(1) as pool:
        sleeper = pool.submit(sandbox.run, f"{PROBES}:sleep", b"0.5")
        fds = json.loads(sandbox.run(f"{PROBES}:open_fds", b"").output)
        sleeper.result()
    # stdin, stdout, stderr (/dev/null), the job's socket, and the listing's own handle
    assert len(fds) == 5
    assert fds[:3] == [0, 1, 2]

"""Functions the sandbox tests run inside a confined child: each takes bytes, returns bytes."""

from __future__ import annotations

import json
import os
import socket
import time


def echo(data: bytes) -> bytes:
    return data


def connect(data: bytes) -> bytes:
    """Try to reach ``host:port``; the outcome, as the child saw it."""
    host, port = data.decode().rsplit(":", 1)
    try:
        with socket.create_connection((host, int(port)), timeout=2):
            return b"connected"
    except OSError as exc:
        return f"{type(exc).__name__}:{exc.errno}".encode()


def allocate(data: bytes) -> bytes:
    block = b"x" * int(data)  # written, so the pages are really taken
    return str(len(block)).encode()


def spin(data: bytes) -> bytes:
    total = 0
    while True:  # until the CPU limit ends it
        total += len(data)


def sleep(data: bytes) -> bytes:
    time.sleep(float(data))
    return b"woke"


def open_fds(data: bytes) -> bytes:
    del data
    return json.dumps(sorted(int(fd) for fd in os.listdir("/proc/self/fd"))).encode()


def fail(data: bytes) -> bytes:
    raise ValueError(data.decode())


def die(data: bytes) -> bytes:
    os._exit(int(data))


def write_file(data: bytes) -> bytes:
    with open(data.decode(), "wb") as file:
        file.write(b"leaked")
    return b"written"

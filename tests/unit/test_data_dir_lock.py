"""One running instance per DATA_DIR: the lock file holds the PID; a dead holder's is taken over."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from core.embedded import DataDirInUse, DataDirLock


def test_a_second_holder_is_refused_with_the_first_ones_pid(tmp_path: Path) -> None:
    first = DataDirLock(tmp_path / "data")
    first.acquire()
    try:
        pid = int(first.path.read_text())
        with pytest.raises(DataDirInUse) as refused:
            DataDirLock(tmp_path / "data").acquire()
        assert refused.value.pid == pid
        assert f"(pid {pid})" in str(refused.value)
        assert "\n" not in str(refused.value)
    finally:
        first.release()
    # Released: the next instance takes the folder.
    second = DataDirLock(tmp_path / "data")
    second.acquire()
    second.release()


def test_a_lock_file_left_by_a_dead_process_is_taken_over(tmp_path: Path) -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    (tmp_path / "jobscout.pid").write_text(dead.stdout)
    lock = DataDirLock(tmp_path)
    lock.acquire()
    try:
        assert lock.path.read_text().strip() != dead.stdout.strip()
    finally:
        lock.release()


def test_a_lock_held_by_another_living_process_is_refused(tmp_path: Path) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys; from pathlib import Path; from core.embedded import DataDirLock; "
         f"DataDirLock(Path({str(tmp_path)!r})).acquire(); print('held', flush=True); "
         "sys.stdin.read()"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline() == "held\n"
        with pytest.raises(DataDirInUse) as refused:
            DataDirLock(tmp_path).acquire()
        assert refused.value.pid == holder.pid
    finally:
        holder.communicate("", timeout=30)
    # The holder exited without releasing: the kernel dropped its lock.
    lock = DataDirLock(tmp_path)
    lock.acquire()
    lock.release()

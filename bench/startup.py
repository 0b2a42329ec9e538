"""Start-up time of every ``jobscout`` command, next to ``python -c "import typer"`` as the floor.

For every command and sub-command, the wall time of ``jobscout … --help``; of ``jobscout resume
parse FILE --json`` on a generated PDF; and of ``jobscout chat`` until its first prompt, on a
DATA_DIR that a first run already set up (the first run itself, which starts from an empty
folder and loads the demo catalogue, is timed once and shown apart). Each measurement is
repeated, interleaved with the floor so a busy spell hits both alike; the table shows medians
and the ratio to the floor's median. Goals: every ``--help`` ≤ 3× the floor, ``resume parse``
and ``chat --help`` well under 2 s, ``chat`` to its prompt ≤ 5 s.

    .venv/bin/python -m bench.startup
    .venv/bin/python -m bench.startup --repeat 11 --chat-repeat 5
"""

from __future__ import annotations

import argparse
import functools
import os
import select
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import typer
from fpdf import FPDF

from webhooks.cli import app

PYTHON = sys.executable
JOBSCOUT = str(Path(sys.executable).with_name("jobscout"))
HELP_GOAL = 3.0
PARSE_GOAL_S = 2.0
CHAT_GOAL_S = 5.0
PROMPT = b"> "
# The least any typer program pays for a sub-command's --help: typer parses its parameters
# through pydantic, which ``import typer`` alone does not load.
MINIMAL_APP = """
import typer
app = typer.Typer(rich_markup_mode=None)
@app.command()
def first(count: int = 1) -> None:
    "One."
@app.command()
def second(name: str = "") -> None:
    "Two."
app()
"""


def command_paths() -> list[tuple[str, ...]]:
    """Every command and sub-command, the root first."""

    def walk(command: Any, path: tuple[str, ...]) -> Iterator[tuple[str, ...]]:
        yield path
        for name, sub in sorted(getattr(command, "commands", {}).items()):
            yield from walk(sub, (*path, name))

    return list(walk(typer.main.get_command(app), ()))


def resume_pdf(path: Path) -> Path:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    lines = [
        "Jane Doe", "Senior Backend Engineer", "jane.doe@example.com | +49 30 1234567 | Berlin",
        "", "Work Experience", "Senior Backend Engineer - Acme Corp", "Jan 2020 - Present",
        "Built services in Python, Go and Kafka on Kubernetes and AWS.",
        "Backend Engineer - Globex GmbH", "03/2016 - 12/2019", "REST APIs with Django.",
        "", "Skills", "Python, Go, Docker, Kafka, SQL, Terraform",
        "", "Languages", "English (native), German (C1)",
    ]
    for line in lines:
        pdf.cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    path.write_bytes(bytes(pdf.output()))
    return path


def wall(argv: list[str], env: dict[str, str], expect: int = 0) -> float:
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, capture_output=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != expect:
        raise SystemExit(f"{' '.join(argv)} exited {done.returncode}: {done.stderr.decode()}")
    return elapsed


def until_prompt(env: dict[str, str], cwd: Path, timeout: float = 120.0) -> float:
    """``jobscout chat`` with stdin a pipe: seconds until its first prompt, then Ctrl+D."""
    start = time.perf_counter()
    process = subprocess.Popen(
        [JOBSCOUT, "chat"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL, env=env, cwd=cwd,
    )
    assert process.stdout is not None
    assert process.stdin is not None
    seen = b""
    try:
        while PROMPT not in seen:
            if time.perf_counter() - start > timeout:
                raise SystemExit(f"no prompt within {timeout:.0f} s: {seen.decode()[-500:]}")
            ready, _, _ = select.select([process.stdout], [], [], 0.5)
            if ready:
                chunk = os.read(process.stdout.fileno(), 65536)
                if not chunk:
                    raise SystemExit(f"chat ended before its prompt: {seen.decode()[-500:]}")
                seen += chunk
        elapsed = time.perf_counter() - start
        process.stdin.close()  # end of input: the chat stops
        process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    return elapsed


def median_of(runs: int, measure: Callable[[], float], floor: Callable[[], float],
              floors: list[float]) -> float:
    times = []
    for _ in range(runs):
        floors.append(floor())
        times.append(measure())
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7, help="runs per command (median)")
    parser.add_argument("--chat-repeat", type=int, default=3, help="runs of chat to its prompt")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="jobscout-startup-") as tmp:
        root = Path(tmp)
        keep = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG"}}
        env = {**keep, "DATA_DIR": str(root / "data"), "COLUMNS": "100"}
        pdf = resume_pdf(root / "cv.pdf")
        floors: list[float] = []

        def floor() -> float:
            return wall([PYTHON, "-c", "import typer"], env)

        rows: list[tuple[str, float, float | None]] = []  # what, median seconds, goal ratio/s
        minimal = root / "minimal_app.py"
        minimal.write_text(MINIMAL_APP)
        minimal_argv = [PYTHON, str(minimal), "first", "--help"]
        rows.append(("(typer floor: a 2-command app's first --help)",
                     median_of(args.repeat, functools.partial(wall, minimal_argv, env), floor,
                               floors), HELP_GOAL))
        for path in command_paths():
            argv = [JOBSCOUT, *path, "--help"]
            seconds = median_of(args.repeat, functools.partial(wall, argv, env), floor, floors)
            rows.append((" ".join(["jobscout", *path, "--help"]), seconds, HELP_GOAL))
        parse = [JOBSCOUT, "resume", "parse", str(pdf), "--json"]
        rows.append(("jobscout resume parse cv.pdf --json",
                     median_of(args.repeat, lambda: wall(parse, env), floor, floors), None))

        first_start = until_prompt(env, root)  # empty DATA_DIR: sets it up, loads the demo
        chat = median_of(args.chat_repeat, lambda: until_prompt(env, root), floor, floors)

    base = statistics.median(floors)
    print(f"floor: python -c 'import typer'  {base:.3f} s (median of {len(floors)})")
    print(f"{'command':<44} {'median s':>9} {'× floor':>8}  goal")
    for what, seconds, goal in rows:
        ratio = seconds / base
        verdict = (
            f"≤ {goal:g}× {'met' if ratio <= goal else 'MISSED'}"
            if goal is not None
            else f"< {PARSE_GOAL_S:g} s {'met' if seconds < PARSE_GOAL_S else 'MISSED'}"
        )
        print(f"{what:<44} {seconds:>9.3f} {ratio:>8.1f}  {verdict}")
    print(f"{'jobscout chat, to its first prompt':<44} {chat:>9.3f} {chat / base:>8.1f}  "
          f"≤ {CHAT_GOAL_S:g} s {'met' if chat <= CHAT_GOAL_S else 'MISSED'}")
    print(f"{'  (first start: empty DATA_DIR, demo load)':<44} {first_start:>9.3f}")


if __name__ == "__main__":
    main()

"""Every ``jobscout`` command starts fast: importing the CLI, or asking for help, pulls in no
heavy library (bench/startup.py measures the time itself)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = (
    "langchain", "langchain_core", "matplotlib", "playwright", "qdrant_client", "qdrant_edge",
    "onnxruntime", "uvicorn", "fastapi", "pymongo", "redis", "numpy", "structlog", "crawlers",
    "matching",
    "webhooks.runtime", "webhooks.app", "webhooks.worker", "webhooks.imports",
)
# Runs in a fresh interpreter: prints, as JSON on stderr, which heavy modules the code loaded.
PROBE = """
import contextlib, io, json, sys
with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):
{code}
heavy = {heavy!r}
loaded = sorted({{h for h in heavy for m in sys.modules if m == h or m.startswith(h + ".")}})
print(json.dumps(loaded), file=sys.stderr)
"""


def loaded_by(code: str) -> list[str]:
    script = PROBE.format(code="    " + code, heavy=HEAVY)
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
    )
    loaded: list[str] = json.loads(done.stderr.strip().splitlines()[-1])
    return loaded


def test_the_probe_sees_a_heavy_import() -> None:
    assert loaded_by("import webhooks.worker") != []


def test_importing_the_cli_loads_no_heavy_library() -> None:
    assert loaded_by("import webhooks.cli") == []


@pytest.mark.parametrize(
    "argv",
    [
        ["--help"],
        ["chat", "--help"],
        ["run", "--help"],
        ["jobs", "import", "--help"],
        ["jobs", "extract", "--help"],
        ["index", "rebuild", "--help"],
        ["match", "rank", "--help"],
    ],
)
def test_help_loads_no_heavy_library(argv: list[str]) -> None:
    assert loaded_by(f"from webhooks.cli import app; app({argv!r})") == []

"""The production image installs the runtime alone, pinned exactly as development is."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).parents[2]
PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==([^\s\\;]+)", re.MULTILINE)
# (aiosmtpd is in production since it takes late bounces: bots/email/bounces.py.)
NOT_IN_PRODUCTION = {"pytest", "mypy", "ruff", "hypothesis", "import-linter", "fpdf2",
                     "secantusdb"}  # fmt: skip


def pins(path: Path) -> dict[str, str]:
    return {name.lower(): version for name, version in PIN.findall(path.read_text())}


def test_the_runtime_lock_is_the_development_lock_without_tools_or_the_gpl_server() -> None:
    runtime = pins(ROOT / "docker" / "requirements-runtime.lock")
    everything = pins(ROOT / "requirements.lock")
    assert "fastapi" in runtime
    assert not NOT_IN_PRODUCTION & set(runtime)
    assert set(everything) >= NOT_IN_PRODUCTION
    different = {name for name in runtime if everything.get(name) != runtime[name]}
    assert different == set()  # same versions: what the tests ran is what ships


def test_the_image_installs_the_runtime_lock() -> None:
    dockerfile = (ROOT / "docker" / "Dockerfile").read_text()
    assert "requirements-runtime.lock" in dockerfile
    assert "requirements.lock " not in dockerfile


def test_the_compose_qdrant_server_matches_the_client() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    client = next(dep for dep in project["project"]["dependencies"]
                  if dep.startswith("qdrant-client=="))  # fmt: skip
    major_minor = ".".join(client.split("==")[1].split(".")[:2])
    compose = (ROOT / "docker" / "docker-compose.yml").read_text()
    (server,) = re.findall(r"image: qdrant/qdrant:v(\d+\.\d+)\.\d+", compose)
    assert server == major_minor

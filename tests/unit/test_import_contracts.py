"""The import rules can fail: a forbidden import added to a copy of the tree breaks lint-imports.

Each row adds one import that the architecture forbids to a copy of the packages and runs the
real lint-imports on it; the untouched copy passes, so a contract cannot rot into "always kept".
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
PACKAGES = ("core", "conversations", "bots", "webhooks", "crawlers", "matching")
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    copy = tmp_path_factory.mktemp("tree")
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package, copy / package, ignore=shutil.ignore_patterns("__pycache__", "data")
        )
    shutil.copy(ROOT / "pyproject.toml", copy / "pyproject.toml")
    return copy


def lint(tree: Path) -> subprocess.CompletedProcess[str]:
    # The copy comes first on the path, ahead of the installed (editable) project.
    env = {**os.environ, "PYTHONPATH": str(tree)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=tree, env=env, capture_output=True, text=True,
        timeout=120, check=False,
    )


@pytest.mark.timeout(300)
def test_the_untouched_tree_keeps_every_contract(tree: Path) -> None:
    result = lint(tree)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.timeout(300)
@pytest.mark.parametrize(
    ("module", "forbidden", "contract"),
    [
        ("matching/delivery.py", "import bots.telegram", "matching reaches channels"),
        ("conversations/engine.py", "import core.settings", "the engine is pure"),
        ("conversations/engine.py", "import core.store.outbox", "the engine is pure"),
        ("crawlers/crawl.py", "import bots.console", "crawlers only use core"),
        ("matching/scoring.py", "import webhooks.runtime", "matching reaches channels"),
        ("bots/console.py", "import webhooks.runtime", "only the entry points build"),
        ("core/jobs.py", "import conversations.engine", "core imports nothing of ours"),
        ("webhooks/imports.py", "import telegram", "telegram types stay in their adapter"),
        ("conversations/chat.py", "import core.store.repositories", "services reach the stores"),
        ("matching/service.py", "import conversations.match_views", "matching reaches channels"),
    ],
)
def test_a_forbidden_import_breaks_its_contract(
    tree: Path, module: str, forbidden: str, contract: str
) -> None:
    path = tree / module
    original = path.read_text(encoding="utf-8")
    try:
        path.write_text(f"{original}\n{forbidden}  # added by the test\n", encoding="utf-8")
        result = lint(tree)
    finally:
        path.write_text(original, encoding="utf-8")
    assert result.returncode != 0
    broken = [line for line in result.stdout.splitlines() if line.endswith("BROKEN")]
    assert any(line.startswith(contract) for line in broken), result.stdout

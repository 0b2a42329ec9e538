"""The ``jobscout`` command as a person runs it: the terminal chat, and ``run`` with a bot token."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from core.embedded import free_port
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.resume_files import SAMPLE_RESUME_EN, make_pdf

pytestmark = pytest.mark.e2e

JOBSCOUT = str(Path(sys.executable).with_name("jobscout"))


def environment(data_dir: Path, **extra: str) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "SYSTEMROOT"}}
    # No demo catalogue unless a test asks for it: loading it is a first start's slow part.
    return {
        **keep, "DATA_DIR": str(data_dir), "LANG": "en_US.UTF-8", "COLUMNS": "120",
        "DEMO_JOBS": "false", **extra,
    }


def chat(data_dir: Path, lines: list[str]) -> str:
    result = subprocess.run(
        [JOBSCOUT, "chat"],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        env=environment(data_dir),
        timeout=60,
        cwd=data_dir,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_terminal_chat_onboards_and_remembers_across_runs(tmp_path: Path) -> None:
    cv = tmp_path / "cv.pdf"
    cv.write_bytes(make_pdf(SAMPLE_RESUME_EN))
    first = chat(
        tmp_path, ["/start", "1", "Backend Developer", "1", "Berlin", "4", "skip", str(cv)]
    )
    assert "Privacy notice" in first
    assert "[1] Yes, I agree" in first
    assert "consent is recorded" in first
    assert "How do you want to work?" in first
    assert "reading your resume" in first
    # The terminal waits for the parse, so the summary shows before the next prompt.
    assert "This is what I read in your resume" in first
    # Nothing of the terminal user's data leaks into logs on the screen.
    assert "embedded.mongodb.started" not in first

    # A second run finds the same conversation in the embedded database under DATA_DIR.
    second = chat(tmp_path, ["/start"])
    assert "This is what I read in your resume" in second
    assert "[1] Looks right" in second
    assert "Privacy notice" not in second


def test_run_with_a_token_sets_the_webhook_serves_and_stops_cleanly(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with FakeTelegramAPI() as fake:
            port = free_port()
            env = environment(
                tmp_path,
                PORT=str(port),
                TELEGRAM__BOT_TOKEN=fake.token,
                TELEGRAM__API_BASE_URL=fake.base_url,
                TELEGRAM__FILE_BASE_URL=fake.file_base_url,
                TELEGRAM__WEBHOOK_URL="https://jobs.example.org/webhooks/telegram",
                TELEGRAM__WEBHOOK_SECRET="cli-secret",
            )
            process = await asyncio.create_subprocess_exec(
                JOBSCOUT,
                "run",
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=env,
                cwd=tmp_path,
            )
            try:
                async with asyncio.timeout(30):
                    # Another process sets it: nothing in this one to wait on but the fake's state.
                    while fake.webhook is None:  # noqa: ASYNC110
                        await asyncio.sleep(0.05)
                assert fake.webhook["url"] == "https://jobs.example.org/webhooks/telegram"
                assert fake.webhook["secret_token"] == "cli-secret"
                async with httpx.AsyncClient() as http:
                    async with asyncio.timeout(30):
                        while True:
                            try:
                                ready = await http.get(f"http://127.0.0.1:{port}/ready")
                                break
                            except httpx.ConnectError:
                                await asyncio.sleep(0.05)
                    assert ready.json()["ready"] is True
                    update = {
                        "update_id": 1,
                        "message": {
                            "message_id": 1,
                            "date": 1_790_000_000,
                            "text": "/start",
                            "chat": {"id": 31, "type": "private"},
                            "from": {"id": 31, "is_bot": False, "first_name": "A"},
                            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
                        },
                    }
                    response = await http.post(
                        f"http://127.0.0.1:{port}/webhooks/telegram",
                        json=update,
                        headers={"X-Telegram-Bot-Api-Secret-Token": "cli-secret"},
                    )
                    assert response.status_code == 200
                    await fake.wait_for_messages(31, 1, timeout=20)
            finally:
                process.send_signal(signal.SIGTERM)
                _, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
            assert process.returncode == 0, stderr.decode()[-2000:]

    asyncio.run(scenario())
    # Every child it started is gone: no redis-server still serves this data folder.
    leftovers = subprocess.run(["pgrep", "-f", str(tmp_path)], capture_output=True, check=False)
    assert leftovers.stdout == b""


FIXTURES = Path(__file__).parents[1] / "fixtures" / "matching"


def test_match_rank_prints_every_job_for_every_candidate_with_reasons(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            JOBSCOUT, "match", "rank", "--json",
            "--candidates", str(FIXTURES / "candidates.json"),
            "--jobs", str(FIXTURES / "jobs.json"),
        ],
        capture_output=True, text=True, env=environment(tmp_path), timeout=120, check=False,
    )
    assert result.returncode == 0, result.stderr
    ranking = json.loads(result.stdout)
    candidates = json.loads((FIXTURES / "candidates.json").read_text())
    jobs = {job["id"] for job in json.loads((FIXTURES / "jobs.json").read_text())}
    relevance = json.loads((FIXTURES / "relevance.json").read_text())
    assert [entry["user_key"] for entry in ranking] == [c["user_key"] for c in candidates]
    for entry in ranking:
        assert {row["job_id"] for row in entry["matches"]} == jobs
        sent = [row for row in entry["matches"] if row["would_send"]]
        assert entry["sendable"] == len(sent)
        # Whatever would be sent passed the filters and carries its reasons.
        assert all(row["excluded"] is None and "reasons" in row for row in sent)
        # The best job sent to a candidate is one a recruiter graded relevant.
        if sent:
            assert relevance[entry["user_key"]].get(sent[0]["job_id"], 0) >= 2


def test_match_rank_prints_job_titles_for_people(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            JOBSCOUT, "match", "rank",
            "--candidates", str(FIXTURES / "candidates.json"),
            "--jobs", str(FIXTURES / "jobs.json"),
        ],
        capture_output=True, text=True, env=environment(tmp_path), timeout=120, check=False,
    )
    assert result.returncode == 0, result.stderr
    jobs = json.loads((FIXTURES / "jobs.json").read_text())
    first = jobs[0]
    rows = [line for line in result.stdout.splitlines() if line.startswith("  ")]
    assert len(rows) == len(jobs) * len(json.loads((FIXTURES / "candidates.json").read_text()))
    title = f"{first['posting']['title']} — {first['posting']['company']} [{first['id']}]"
    assert any(title in row for row in rows)


def test_match_rank_explains_a_file_it_cannot_read(tmp_path: Path) -> None:
    broken = tmp_path / "candidates.json"
    broken.write_text('[{"user_key": 1, "roles": "not a list"}]')
    result = subprocess.run(
        [JOBSCOUT, "match", "rank", "--candidates", str(broken),
         "--jobs", str(FIXTURES / "jobs.json")],
        capture_output=True, text=True, env=environment(tmp_path), timeout=60, check=False,
    )
    assert result.returncode == 2
    assert "validation error" in result.stderr


def test_index_rebuild_embeds_what_the_store_holds(tmp_path: Path) -> None:
    # Onboard in the terminal (instant alerts), then rebuild the index from the embedded store.
    out = chat(
        tmp_path,
        ["/start", "yes", "Backend Developer", "remote", "Berlin", "senior", "skip", "skip",
         "instant", "Berlin", "none"],
    )
    assert "All set" in out
    result = subprocess.run(
        [JOBSCOUT, "index", "rebuild"],
        capture_output=True, text=True, env=environment(tmp_path), timeout=120, cwd=tmp_path,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "indexed 0 job(s) and 1 candidate(s)" in result.stdout


def test_run_with_whatsapp_serves_its_webhook_and_a_closed_chat_never_stops_it(
    tmp_path: Path,
) -> None:
    """WhatsApp configured, no Telegram: `run --chat` with stdin at its end (the person quit
    the terminal chat at once) still serves the signed webhook until it is told to stop."""
    import hashlib
    import hmac
    import json

    from tests.fakes.graph_api import FakeGraphAPI

    async def scenario() -> None:
        async with FakeGraphAPI() as graph:
            port = free_port()
            env = environment(
                tmp_path,
                PORT=str(port),
                WHATSAPP__ACCESS_TOKEN=graph.token,
                WHATSAPP__PHONE_NUMBER_ID=graph.phone_number_id,
                WHATSAPP__API_BASE_URL=graph.origin,
                WHATSAPP__API_VERSION=graph.api_version,
                WHATSAPP__APP_SECRET="cli-app-secret",
                WHATSAPP__VERIFY_TOKEN="cli-verify",
            )
            process = await asyncio.create_subprocess_exec(
                JOBSCOUT, "run", "--chat", stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=tmp_path,
            )
            try:
                async with httpx.AsyncClient() as http:
                    async with asyncio.timeout(60):
                        while True:
                            try:
                                ready = await http.get(f"http://127.0.0.1:{port}/ready")
                                break
                            except httpx.ConnectError:
                                await asyncio.sleep(0.05)
                    assert ready.status_code == 200
                    # The chat read the end of its input and ended ("> " then a new line);
                    # the process goes on serving: everything below happens after that end.
                    assert process.stdout is not None
                    printed = b""
                    async with asyncio.timeout(30):
                        while not printed.endswith(b"> \n"):
                            printed += await process.stdout.read(1)
                    handshake = await http.get(
                        f"http://127.0.0.1:{port}/webhooks/whatsapp",
                        params={"hub.mode": "subscribe", "hub.verify_token": "cli-verify",
                                "hub.challenge": "42"},
                    )
                    assert handshake.text == "42"
                    message = {"from": "447700900123", "id": "wamid.cli1",
                               "timestamp": "1764800000", "type": "text", "text": {"body": "Hi"}}
                    body = json.dumps({"object": "whatsapp_business_account", "entry": [
                        {"id": "W", "changes": [{"field": "messages", "value": {
                            "messaging_product": "whatsapp",
                            "contacts": [{"wa_id": "447700900123"}],
                            "messages": [message]}}]}]}).encode()
                    signature = hmac.new(b"cli-app-secret", body, hashlib.sha256).hexdigest()
                    response = await http.post(
                        f"http://127.0.0.1:{port}/webhooks/whatsapp", content=body,
                        headers={"X-Hub-Signature-256": f"sha256={signature}"},
                    )
                    assert response.status_code == 200
                    (reply,) = await graph.wait_for_messages("447700900123", 1, timeout=30)
                    assert "privacy" in reply.text.lower()
                    # Events, not a wait: had the chat's end stopped the process, its server
                    # would have closed the socket at its next tick (0.1 s), before a signed
                    # message went in, through the worker and out to the fake, and before this
                    # new connection.
                    async with httpx.AsyncClient() as fresh:
                        again = await fresh.get(f"http://127.0.0.1:{port}/ready")
                    assert again.status_code == 200
                    assert process.returncode is None
            finally:
                process.send_signal(signal.SIGTERM)
                _, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
            assert process.returncode == 0, stderr.decode()[-2000:]

    asyncio.run(scenario())


def test_a_terminal_export_is_private_and_gone_after_delete(tmp_path: Path) -> None:
    out = chat(tmp_path, ["/start", "1", "/export"])
    (export,) = (tmp_path / "exports").iterdir()
    # The path is printed for the user (a long one wraps inside the reply's box).
    assert export.name in re.sub(r"[\s│]", "", out)
    assert export.stat().st_mode & 0o777 == 0o600
    assert "consent" in export.read_text()

    # A later run's /delete removes the export of the earlier one, with everything else.
    erased = chat(tmp_path, ["/delete", "1"])
    assert "Yes, delete everything" in erased
    assert list((tmp_path / "exports").iterdir()) == []


PII = (b"jane.doe@example.com", b"Jane Doe", b"555) 123-4567", b"Acme Corp")


def test_after_delete_no_file_under_data_dir_holds_the_person(tmp_path: Path) -> None:
    cv = tmp_path / "cv.pdf"
    cv.write_bytes(make_pdf(SAMPLE_RESUME_EN))
    data = tmp_path / "data"
    data.mkdir()
    out = chat(data, ["/start", "1", "Backend Developer", "1", "Berlin", "4", "skip", str(cv),
                      "1", "/export", "/delete", "1"])  # fmt: skip
    assert "This is what I read in your resume" in out
    cv.unlink()  # the person's own copy is not ours to find

    # A clean shutdown happened (the chat ended); now read every byte JobScout left behind:
    # the database's files and journal, Redis's append-only file, the vector index, logs,
    # exports.
    found = {
        str(path.relative_to(data)): [needle.decode() for needle in PII if needle in content]
        for path in data.rglob("*")
        if path.is_file() and (content := path.read_bytes())
    }
    assert {path: hits for path, hits in found.items() if hits} == {}

"""A newcomer's first run, as a person runs it: ``jobscout chat`` on an empty DATA_DIR with no
network and no token, onboarding through stdin, job cards in the terminal; ``jobs import``;
and the one-line answers for a missing file, a second instance and a busy port."""

from __future__ import annotations

import os
import socket
import subprocess
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from core.embedded import free_port
from tests.e2e.test_cli import JOBSCOUT, environment
from tests.resume_files import SAMPLE_RESUME_EN, make_pdf

pytestmark = pytest.mark.e2e

PASTE_START, PASTE_END = "\x1b[200~", "\x1b[201~"
CARD = "💼"  # every job card's title line


class Terminal:
    """``jobscout chat`` with stdin and stdout as pipes, driven one answer at a time."""

    def __init__(self, data_dir: Path, **env: str) -> None:
        self.process = subprocess.Popen(
            [JOBSCOUT, "chat"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=environment(data_dir, HOME=str(data_dir), **env),
            cwd=data_dir,
        )
        self._out = b""
        self._lock = threading.Lock()
        self._pump = threading.Thread(target=self._read, daemon=True)
        self._pump.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        while chunk := os.read(self.process.stdout.fileno(), 65536):
            with self._lock:
                self._out += chunk

    @property
    def output(self) -> str:
        with self._lock:
            return self._out.decode("utf-8", errors="replace")

    def wait_for(self, text: str, start: int = 0, timeout: float = 45) -> int:
        """Where ``text`` appears in the output after ``start``; fails after ``timeout``."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.output.find(text, start)
            if found >= 0:
                return found
            if self.process.poll() is not None and not self._pump.is_alive():
                break
            time.sleep(0.05)
        stderr = ""
        if self.process.poll() is not None and self.process.stderr is not None:
            stderr = self.process.stderr.read().decode()
        tail = self.output[start:][-3000:]
        raise AssertionError(f"{text!r} did not appear:\n{tail}\n{stderr[-2000:]}")

    def say(self, text: str, timeout: float = 45) -> str:
        """Send one message; return the replies printed before the next prompt."""
        assert self.process.stdin is not None
        start = max(0, len(self.output) - len("> "))
        self.process.stdin.write(f"{text}\n".encode())
        self.process.stdin.flush()
        lines = text.replace(PASTE_START, "").replace(PASTE_END, "").strip().count("\n") + 1
        echo = f"> {text}\n" if lines == 1 else f"> (pasted {lines} lines)\n"
        begin = self.wait_for(echo, start, timeout) + len(echo)
        end = self.wait_for("\n> ", begin - 1, timeout)
        return self.output[begin:end]

    def close(self, timeout: float = 45) -> tuple[int, str]:
        """End of input (Ctrl+D): the chat stops; its exit code and stderr."""
        assert self.process.stdin is not None
        assert self.process.stderr is not None
        self.process.stdin.close()
        self.process.wait(timeout=timeout)
        self._pump.join(timeout=5)
        stderr = self.process.stderr.read().decode()
        self.kill()
        return self.process.returncode, stderr

    def kill(self) -> None:
        """Stop it if it still runs, and close the pipes."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self._pump.join(timeout=5)
        for pipe in (self.process.stdin, self.process.stdout, self.process.stderr):
            if pipe is not None:
                pipe.close()


def onboard(chat: Terminal, resume: str) -> str:
    """Walk onboarding (remote senior backend work near Berlin, instant alerts); the last
    answer is "No quiet hours". Returns what the last answer brought."""
    assert "Privacy notice" in chat.say("/start")
    for answer in ("1", "Backend Developer", "1", "Berlin", "4", "skip"):
        chat.say(answer)
    assert "This is what I read in your resume" in chat.say(resume, timeout=90)
    for answer in ("1", "1", "Berlin"):
        chat.say(answer)
    return chat.say("2")  # No quiet hours


@pytest.mark.timeout(300)  # the first start loads the demo catalogue
def test_a_first_run_onboards_offline_and_brings_job_cards(tmp_path: Path) -> None:
    cv = tmp_path / "cv.pdf"
    cv.write_bytes(make_pdf(SAMPLE_RESUME_EN))
    chat = Terminal(tmp_path, DEMO_JOBS="true")
    try:
        chat.wait_for("> ", timeout=240)
        assert "demo jobs are live" in chat.output
        start = len(chat.output)
        onboard(chat, str(cv))
        chat.wait_for(CARD, start, timeout=60)
        chat.wait_for("Demo job", start, timeout=10)
        code, stderr = chat.close()
    finally:
        chat.kill()
    assert code == 0, stderr
    # Library noise and logs stay out of the terminal; the log file has them.
    for noise in ("Future exception was never retrieved", "EOF marker", "Traceback", '"event"'):
        assert noise not in chat.output
        assert noise not in stderr


def job_page(title: str, company: str) -> str:
    today = datetime.now(UTC).date()
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<link rel="canonical" href="https://careers.example/jobs/backend-42">
<script type="application/ld+json">
{{"@context": "https://schema.org/", "@type": "JobPosting", "title": "{title}",
  "description": "<p>Build APIs in Python and Go on Kubernetes, with Kafka and Postgres.</p>",
  "datePosted": "{today}", "validThrough": "{today + timedelta(days=60)}",
  "employmentType": "FULL_TIME",
  "hiringOrganization": {{"@type": "Organization", "name": "{company}"}},
  "jobLocationType": "TELECOMMUTE",
  "applicantLocationRequirements": {{"@type": "Country", "name": "DE"}},
  "jobLocation": {{"@type": "Place", "address": {{"@type": "PostalAddress",
    "addressLocality": "Berlin", "addressCountry": "DE"}}}},
  "baseSalary": {{"@type": "MonetaryAmount", "currency": "EUR", "value":
    {{"@type": "QuantitativeValue", "minValue": 80000, "maxValue": 95000, "unitText": "YEAR"}}}},
  "url": "https://careers.example/jobs/backend-42"}}
</script></head><body><h1>{title}</h1></body></html>"""


@pytest.mark.timeout(180)
def test_an_imported_approved_job_reaches_an_onboarded_terminal_user(tmp_path: Path) -> None:
    pasted = PASTE_START + "\n".join(SAMPLE_RESUME_EN) + PASTE_END
    chat = Terminal(tmp_path)
    try:
        chat.wait_for("> ", timeout=60)
        onboard(chat, pasted)  # a pasted resume: one message, however many lines
        code, stderr = chat.close()
    finally:
        chat.kill()
    assert code == 0, stderr
    assert CARD not in chat.output  # no jobs yet

    page = tmp_path / "careers.html"
    page.write_text(job_page("Senior Backend Developer (Python)", "Initech GmbH"))
    imported = subprocess.run(
        [JOBSCOUT, "jobs", "import", str(page), "--approve"],
        capture_output=True, text=True, env=environment(tmp_path),
        timeout=90, cwd=tmp_path, check=False,
    )
    assert imported.returncode == 0, imported.stderr
    summary = imported.stdout.strip().splitlines()[-1]
    assert "1 posting(s) from 1 file(s)" in summary
    assert "1 created" in summary
    assert "1 approved" in summary

    # The next start delivers what matched meanwhile.
    chat = Terminal(tmp_path)
    try:
        found = chat.wait_for(CARD, timeout=90)
        card = chat.output[found:]
        assert "Senior Backend Developer (Python)" in card
        assert "Initech GmbH" in card
        chat.close()
    finally:
        chat.kill()


def test_jobs_import_explains_a_file_it_cannot_read_in_one_line(tmp_path: Path) -> None:
    broken = tmp_path / "board.json"
    broken.write_text("<html>an error page</html>")
    for argv, reason in (
        ([str(tmp_path / "missing.html")], "missing.html: no such file"),
        ([str(broken), "--kind", "greenhouse"], "the reply is not JSON"),
    ):
        result = subprocess.run(
            [JOBSCOUT, "jobs", "import", *argv],
            capture_output=True, text=True, env=environment(tmp_path), timeout=60, cwd=tmp_path,
            check=False,
        )
        assert result.returncode == 2, result.stderr
        (line,) = result.stderr.splitlines()
        assert line.startswith("unreadable: ")
        assert reason in line


def test_a_path_that_does_not_exist_is_named_and_noise_stays_out(tmp_path: Path) -> None:
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\n garbage")
    chat = Terminal(tmp_path)
    try:
        chat.wait_for("> ", timeout=60)
        chat.say("/start")
        for answer in ("1", "Backend Developer", "1", "Berlin", "4", "skip"):
            chat.say(answer)
        missing = chat.say("~/resumes/cv.pdf")
        assert f"no such file: {tmp_path}/resumes/cv.pdf" in missing
        assert "short" not in missing
        unreadable = chat.say(str(broken), timeout=90)
        assert "resume" in unreadable.lower()
        code, stderr = chat.close()
    finally:
        chat.kill()
    assert code == 0, stderr
    assert "EOF marker" not in chat.output + stderr


def test_resume_parse_gives_one_line_without_library_noise(tmp_path: Path) -> None:
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\n garbage")
    result = subprocess.run(
        [JOBSCOUT, "resume", "parse", str(broken)],
        capture_output=True, text=True, env=environment(tmp_path), timeout=60, check=False,
    )
    assert result.returncode == 2
    assert result.stderr == "unreadable: corrupt\n"


def test_a_second_instance_on_the_same_data_dir_says_so_in_one_line(tmp_path: Path) -> None:
    chat = Terminal(tmp_path)
    try:
        chat.wait_for("> ", timeout=60)
        for argv in (["chat"], ["run", "--no-chat"], ["index", "rebuild"]):
            second = subprocess.run(
                [JOBSCOUT, *argv],
                input="", capture_output=True, text=True,
                env=environment(tmp_path, PORT=str(free_port())), timeout=60, cwd=tmp_path,
                check=False,
            )
            assert second.returncode == 1, argv
            (line,) = second.stderr.splitlines()
            assert "in use by a running jobscout" in line
            assert f"(pid {chat.process.pid})" in line
        code, _ = chat.close()
    finally:
        chat.kill()
    assert code == 0
    # Once it stopped, the folder is free again.
    again = subprocess.run(
        [JOBSCOUT, "chat"], input="/start\n", capture_output=True, text=True,
        env=environment(tmp_path), timeout=60, cwd=tmp_path, check=False,
    )
    assert again.returncode == 0, again.stderr
    assert "JobScout" in again.stdout


def test_a_busy_port_says_so_in_one_line(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [JOBSCOUT, "run", "--no-chat"],
            capture_output=True, text=True, env=environment(tmp_path, PORT=str(port)),
            timeout=60, cwd=tmp_path, check=False,
        )
    assert result.returncode == 1
    assert result.stderr == f"port {port} is in use; set PORT\n"
    assert result.stdout == ""


@pytest.mark.timeout(240)
def test_the_terminal_user_is_the_admin_and_reviews_with_numbered_buttons(tmp_path: Path) -> None:
    """In development with no ADMINS, whoever runs ``jobscout chat`` reviews jobs right there."""
    page = tmp_path / "careers.html"
    page.write_text(job_page("Senior Backend Developer (Python)", "Initech GmbH"))
    imported = subprocess.run(  # an import without --approve waits for review
        [JOBSCOUT, "jobs", "import", str(page)],
        capture_output=True, text=True, env=environment(tmp_path),
        timeout=90, cwd=tmp_path, check=False,
    )
    assert imported.returncode == 0, imported.stderr
    assert "1 pending" in imported.stdout

    chat = Terminal(tmp_path)
    try:
        chat.wait_for("> ", timeout=60)
        pending = chat.say("/pending")
        assert "Senior Backend Developer (Python)" in pending
        assert "[1] Approve" in pending
        assert "[2] Reject" in pending
        assert "Approved" in chat.say("1")
        assert "Nothing waits for review" in chat.say("/pending")
        stats = chat.say("/stats")
        chart = next(
            line.split("📎", 1)[1].strip(" │|") for line in stats.splitlines() if "📎" in line
        )
        assert Path(chart).read_bytes().startswith(b"\x89PNG")
        assert "import" in chat.say("/sources")
        code, stderr = chat.close()
    finally:
        chat.kill()
    assert code == 0, stderr

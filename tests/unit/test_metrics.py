"""The metrics' pure parts (outcomes, scrape access), the setting, and multiprocess mode."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from prometheus_client.metrics import MetricWrapperBase

from core import metrics
from core.metrics import scrape_status, webhook_channel, webhook_outcome
from core.settings import Settings

DASHBOARD = Path(__file__).resolve().parents[2] / "docker" / "grafana-dashboard.json"


@pytest.mark.parametrize(
    ("status", "marked", "outcome"),
    [
        (200, None, "accepted"),
        (200, "duplicate", "duplicate"),
        (200, "malformed", "malformed"),
        (204, None, "accepted"),
        (401, None, "forged"),
        (403, None, "forged"),
        (404, None, "disabled"),
        (408, None, "timeout"),
        (413, None, "too_large"),
        (422, None, "refused"),
        (500, None, "error"),
        (503, None, "error"),
    ],
)
def test_webhook_outcome(status: int, marked: str | None, outcome: str) -> None:
    assert webhook_outcome(status, marked) == outcome


@pytest.mark.parametrize(
    ("method", "path", "channel"),
    [
        ("POST", "/webhooks/telegram", "telegram"),
        ("POST", "/webhooks/whatsapp", "whatsapp"),
        ("POST", "/webhooks/whatsapp/", "whatsapp"),
        ("GET", "/webhooks/whatsapp", None),  # the handshake is not a webhook delivery
        ("POST", "/webhooks/signal", None),  # not ours: never a label of its own
        ("POST", "/webhooks/telegram/extra", None),
        ("POST", "/metrics", None),
    ],
)
def test_webhook_channel(method: str, path: str, channel: str | None) -> None:
    assert webhook_channel({"type": "http", "method": method, "path": path}) == channel


@pytest.mark.parametrize(
    ("authorization", "token", "status"),
    [
        (None, None, 404),
        ("Bearer s3cret", None, 404),  # no token configured: there is no /metrics
        (None, "s3cret", 401),
        ("", "s3cret", 401),
        ("Basic s3cret", "s3cret", 401),
        ("Bearer ", "s3cret", 401),
        ("Bearer wrong", "s3cret", 403),
        ("Bearer s3cret2", "s3cret", 403),
        ("Bearer s3cret", "s3cret", 200),
        ("bearer s3cret", "s3cret", 200),
    ],
)
def test_scrape_status(authorization: str | None, token: str | None, status: int) -> None:
    assert scrape_status(authorization, token) == status


def test_metrics_settings_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("METRICS__PORT", "9464")
    monkeypatch.setenv("METRICS__TOKEN", "scrape-me")
    settings = Settings(_env_file=None)
    assert settings.metrics.port == 9464
    assert settings.metrics.token is not None
    assert settings.metrics.token.get_secret_value() == "scrape-me"
    assert "scrape-me" not in repr(settings.metrics)


def test_metrics_are_off_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("METRICS__PORT", raising=False)
    monkeypatch.delenv("METRICS__TOKEN", raising=False)
    settings = Settings(_env_file=None)
    assert (settings.metrics.port, settings.metrics.token) == (None, None)


def _python(code: str, env: dict[str, str]) -> str:
    """Run ``code`` in a fresh interpreter with ``env`` over ours (minus the multiprocess dir
    unless given); returns what it printed."""
    base = {k: v for k, v in os.environ.items() if k != "PROMETHEUS_MULTIPROC_DIR"}
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        env={**base, **env},
    )
    return done.stdout.strip()


def test_several_processes_add_up_in_multiprocess_mode(tmp_path: Path) -> None:
    env = {"PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    count = (
        "from core import metrics\n"
        "metrics.delivered('telegram', 'sent', 1.5)\n"
        "metrics.task_finished('match_job', 'retry')\n"
    )
    _python(count, env)
    _python(count, env)
    read = (
        "from core import metrics\n"
        "print(metrics.sample('jobscout_deliveries_total', channel='telegram', result='sent'),"
        " metrics.sample('jobscout_outbox_lag_seconds_count', channel='telegram'),"
        " metrics.sample('jobscout_tasks_total', task='match_job', outcome='retry'))\n"
    )
    assert _python(read, env).split() == ["2.0", "2.0", "2.0"]
    # Without the directory each process counts alone.
    assert _python(read, {}).split() == ["0.0", "0.0", "0.0"]


def test_the_cli_does_not_load_prometheus_client_at_start_up() -> None:
    code = "import sys, webhooks.cli\nprint('prometheus_client' in sys.modules)"
    assert _python(code, {}) == "False"


def test_the_dashboard_shows_every_metric() -> None:
    dashboard = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    exprs = " ".join(target["expr"] for panel in dashboard["panels"] for target in panel["targets"])
    families = {
        family.name
        for value in vars(metrics).values()
        if isinstance(value, MetricWrapperBase)
        for family in value.describe()
    }
    assert len(families) == 8
    assert {name for name in families if name not in exprs} == set()
    assert "histogram_quantile" in exprs

"""Every Prometheus metric JobScout exports, in one module (names ``jobscout_*``).

Labels stay few and bounded: a channel, a task name, a source kind, an outcome from a fixed set;
never a user, chat, job or source id. With ``PROMETHEUS_MULTIPROC_DIR`` set (before the process
starts) prometheus-client keeps each value in a file there, so the web and worker processes of
one machine add up in one scrape; without it, one process-local registry.

Nothing here is public by itself: ``/metrics`` is served on its own port (``METRICS__PORT``) or
on the main app behind a bearer token (``METRICS__TOKEN``), see ``scrape_status``.
"""

from __future__ import annotations

import hmac
import os
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any, Final, Literal

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
    start_http_server,
)

MULTIPROC_ENV: Final = "PROMETHEUS_MULTIPROC_DIR"
WEBHOOK_CHANNELS: Final = frozenset({"telegram", "whatsapp"})
# Where a webhook route writes its outcome when the status code alone cannot tell it (three
# different 200s): ``request.state.outcome = "duplicate"`` lands in ``scope["state"]``.
OUTCOME_KEY: Final = "outcome"

WebhookOutcome = Literal[
    "accepted",
    "duplicate",
    "malformed",
    "forged",
    "too_large",
    "timeout",
    "disabled",
    "refused",
    "error",
]
TaskOutcome = Literal["ok", "retry", "dead_letter", "error"]
DeliveryResult = Literal["sent", "rate_limited", "blocked", "fallback", "retry", "dead", "skipped"]

WEBHOOK_SECONDS = Histogram(
    "jobscout_webhook_request_duration_seconds",
    "Webhook requests (its _count) and the time to answer them, by channel and outcome: "
    "accepted, duplicate, malformed, forged, too_large, timeout, disabled, refused, error.",
    ["channel", "outcome"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
TASKS = Counter(
    "jobscout_tasks_total",
    "Queue task runs through the retry wrapper, by task name and outcome: ok, retry, "
    "dead_letter, error (not transient: arq records it failed).",
    ["task", "outcome"],
)
QUEUE_DEPTH = Gauge(
    "jobscout_queue_depth",
    "Jobs waiting in the arq queue (due and deferred), sampled by the outbox sweep every 10 s.",
    multiprocess_mode="mostrecent",
)
DELIVERIES = Counter(
    "jobscout_deliveries_total",
    "Outbox rows by channel and result: sent, rate_limited (429, put back), blocked (the user "
    "blocked the bot), fallback (moved to a linked channel), retry, dead, skipped.",
    ["channel", "result"],
)
OUTBOX_LAG = Histogram(
    "jobscout_outbox_lag_seconds",
    "From the time a row was due (as queued) to its last reply delivered, by channel.",
    ["channel"],
    buckets=(0.1, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 300.0, 900.0, 3600.0, 6 * 3600.0),
)
CRAWLS = Counter(
    "jobscout_crawls_total",
    "Crawls by source kind (greenhouse, lever, ..., page) and outcome: crawled, unchanged, "
    "failed, skipped.",
    ["kind", "outcome"],
)
MATCHES_PER_JOB = Histogram(
    "jobscout_matches_per_job",
    "Candidates matched (sendable) per approved job's fan-out.",
    buckets=(0, 1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000),
)
RESUME_PARSES = Counter(
    "jobscout_resume_parses_total",
    "Resume parses by outcome: parsed, dropped (erased meanwhile), or the failure reason "
    "(too_large, download, corrupt, scanned, encrypted, ...; a fixed set of codes).",
    ["outcome"],
)


def task_finished(task: str, outcome: TaskOutcome) -> None:
    TASKS.labels(task, outcome).inc()


def delivered(channel: str, result: DeliveryResult, lag_s: float | None = None) -> None:
    """One outbox row's result; ``lag_s`` with ``sent``: seconds from due to delivered."""
    DELIVERIES.labels(channel, result).inc()
    if lag_s is not None:
        OUTBOX_LAG.labels(channel).observe(max(0.0, lag_s))


def crawled(kind: str, outcome: str) -> None:
    CRAWLS.labels(kind, outcome).inc()


def resume_parsed(outcome: str) -> None:
    RESUME_PARSES.labels(outcome).inc()


# --- reading and serving --------------------------------------------------------------------


def registry() -> CollectorRegistry:
    """What a scrape reads: every process's files in multiprocess mode (a fresh registry, as
    prometheus-client requires), else this process's default registry."""
    if MULTIPROC_ENV in os.environ:  # prometheus-client's own test for the mode
        collected = CollectorRegistry()
        multiprocess.MultiProcessCollector(collected)  # type: ignore[no-untyped-call]
        return collected
    return REGISTRY


def exposition() -> tuple[bytes, str]:
    """The text a scrape gets, and its content type."""
    return generate_latest(registry()), CONTENT_TYPE_LATEST


def sample(name: str, **labels: str) -> float:
    """One sample's current value (0 when never observed): for tests and the CLI."""
    return registry().get_sample_value(name, labels) or 0.0


def serve(port: int, host: str) -> Callable[[], None]:
    """``/metrics`` on its own port (a daemon thread); returns the function that stops it."""
    server, thread = start_http_server(port, host, registry())

    def stop() -> None:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)

    return stop


def scrape_status(authorization: str | None, token: str | None) -> int:
    """The main app's answer to a scrape: 404 when no token is configured (metrics are not
    public by default), 401 without a bearer token, 403 with a wrong one, else 200."""
    if token is None:
        return 404
    scheme, _, given = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not given.strip():
        return 401
    if not hmac.compare_digest(given.strip().encode(), token.encode()):
        return 403
    return 200


# --- webhooks -------------------------------------------------------------------------------


def webhook_outcome(status: int, marked: str | None) -> str:
    """A webhook answer's outcome: what the route marked (its 200s differ), else the status."""
    if marked is not None:
        return marked
    if 200 <= status < 300:
        return "accepted"
    return {401: "forged", 403: "forged", 404: "disabled", 408: "timeout", 413: "too_large"}.get(
        status, "error" if status >= 500 else "refused"
    )


def webhook_channel(scope: MutableMapping[str, Any]) -> str | None:
    """The channel of a ``POST /webhooks/<channel>``; None for anything else (not measured)."""
    if scope.get("type") != "http" or scope.get("method") != "POST":
        return None
    prefix, _, channel = str(scope.get("path", "")).rstrip("/").rpartition("/")
    return channel if prefix == "/webhooks" and channel in WEBHOOK_CHANNELS else None


Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]


class WebhookMetrics:
    """ASGI middleware: times each webhook request and counts it by channel and outcome.

    A plain ASGI wrapper (no framework import): it sees the status the route answered and the
    outcome the route marked in the request state. It records as the answer starts, so the
    count has moved before the platform can read the answer (tests need not wait for it).
    """

    def __init__(self, app: App) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        channel = webhook_channel(scope)
        if channel is None:
            await self.app(scope, receive, send)
            return
        state: MutableMapping[str, Any] = scope.setdefault("state", {})
        started = time.perf_counter()
        recorded = False

        def record(status: int) -> None:
            nonlocal recorded
            if not recorded:
                recorded = True
                outcome = webhook_outcome(status, state.get(OUTCOME_KEY))
                WEBHOOK_SECONDS.labels(channel, outcome).observe(time.perf_counter() - started)

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                record(int(message["status"]))
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            record(500)  # nothing was answered: the app failed (or the client went away)

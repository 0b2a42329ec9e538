"""The embedded default: everything starts on loopback, answers /ready, and stops cleanly."""

from __future__ import annotations

import socket
from pathlib import Path
from urllib.parse import urlparse

import httpx
import pytest
from cryptography.fernet import Fernet
from pydantic import SecretStr

from core.settings import Settings
from tests.conftest import serve
from webhooks.app import create_app
from webhooks.runtime import Runtime

pytestmark = pytest.mark.integration


def port_open(url: str) -> bool:
    parsed = urlparse(url)
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((parsed.hostname or "", parsed.port or 0)) == 0


async def test_embedded_default_starts_answers_ready_and_stops(tmp_path: Path) -> None:
    settings = Settings(
        _env_file=None,
        environment="test",
        data_dir=tmp_path / "data",
        encryption_keys=SecretStr(Fernet.generate_key().decode()),
    )
    runtime = await Runtime.start(settings)
    mongo, redis = runtime.stack.mongo, runtime.stack.redis
    assert mongo is not None
    assert redis is not None
    assert runtime.stack.started == ["mongodb", "redis"]
    assert (tmp_path / "data" / "qdrant").is_dir()
    try:
        async with serve(create_app(settings, runtime)) as base, httpx.AsyncClient() as http:
            assert (await http.get(f"{base}/health")).json() == {"status": "ok"}
            ready = await http.get(f"{base}/ready")
            assert ready.status_code == 200
            assert ready.json() == {
                "ready": True,
                "checks": {"mongodb": True, "redis": True, "qdrant": True},
            }
            # Without a token there is no Telegram webhook to talk to.
            assert (await http.post(f"{base}/webhooks/telegram", json={})).status_code == 404
        assert port_open(mongo.url)
        assert port_open(redis.url)
    finally:
        await runtime.stop()
    assert not port_open(mongo.url)
    assert not port_open(redis.url)


async def test_ready_reports_a_dead_dependency(settings_factory: object, tmp_path: Path) -> None:
    settings = settings_factory()  # type: ignore[operator]
    runtime = await Runtime.start(settings)
    try:
        await runtime.redis.aclose()
        runtime.redis = type(runtime.redis).from_url("redis://127.0.0.1:1/0")
        async with serve(create_app(settings, runtime)) as base, httpx.AsyncClient() as http:
            ready = await http.get(f"{base}/ready")
        assert ready.status_code == 503
        assert ready.json()["checks"] == {"mongodb": True, "redis": False, "qdrant": True}
    finally:
        await runtime.stop()

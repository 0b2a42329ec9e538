"""The embedded default: everything starts on loopback, answers /ready, and stops cleanly; the
vector index is qdrant-edge under DATA_DIR, and a local-mode folder of an earlier version is
moved into it on start."""

from __future__ import annotations

import socket
from pathlib import Path
from urllib.parse import urlparse

import httpx
import numpy as np
import pytest
from cryptography.fernet import Fernet
from pydantic import SecretStr
from qdrant_client import AsyncQdrantClient
from qdrant_client import models as qm

from core.settings import Settings
from matching.index import CANDIDATES, JOBS, point_id
from matching.index_edge import MIGRATED, EdgeVectorIndex
from tests.conftest import serve
from webhooks.app import create_app
from webhooks.runtime import Runtime, shared_embedder

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
    assert isinstance(runtime.index, EdgeVectorIndex)
    assert (tmp_path / "data" / "vectors" / CANDIDATES).is_dir()
    assert not (tmp_path / "data" / "qdrant").exists()  # no local mode any more
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


async def test_a_local_mode_folder_of_an_earlier_version_is_moved_in_on_start(
    settings_factory: object, tmp_path: Path
) -> None:
    settings = settings_factory()  # type: ignore[operator]
    embedder = shared_embedder(settings.matching)
    rng = np.random.default_rng(3)
    vectors = rng.standard_normal((3, embedder.dimension)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    old = settings.data_dir / "qdrant"
    client = AsyncQdrantClient(path=str(old))
    try:
        for name in (JOBS, CANDIDATES):
            params = qm.VectorParams(size=embedder.dimension, distance=qm.Distance.COSINE)
            await client.create_collection(name, vectors_config=params)
        people = [
            qm.PointStruct(
                id=point_id(f"telegram:{n}"),
                vector=vectors[n].tolist(),
                # Layout 1, as local mode stored it: flags as booleans.
                payload={"user_key": f"telegram:{n}", "model": embedder.model_id,
                         "paused": False, "work_modes": ["any"], "countries": ["*"],
                         "seniority_rank": -1, "employment_types": ["any"],
                         "salary_floor_eur": 0.0},
            )
            for n in range(3)
        ]  # fmt: skip
        await client.upsert(CANDIDATES, points=people, wait=True)
    finally:
        await client.close()
    progress: list[tuple[int, int | None]] = []

    runtime = await Runtime.start(
        settings, progress=lambda done, total: progress.append((done, total))
    )
    try:
        keys = [f"telegram:{n}" for n in range(3)]
        found = await runtime.index.vectors(CANDIDATES, keys)
        assert sorted(found) == keys
        for n, key in enumerate(keys):
            np.testing.assert_allclose(found[key], vectors[n], atol=1e-6)
        assert await runtime.index.stale_ids(CANDIDATES) == []  # same model, layout upgraded
        assert progress[-1] == (3, 3)
        assert (settings.data_dir / "vectors" / MIGRATED).is_file()
        assert not old.exists()  # removed once every point was copied and checked
    finally:
        await runtime.stop()

    runtime = await Runtime.start(settings)  # a second start moves nothing and loses nothing
    try:
        assert sorted(await runtime.index.ids(CANDIDATES)) == keys
    finally:
        await runtime.stop()

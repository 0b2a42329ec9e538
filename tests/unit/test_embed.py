"""The embedders: the real int8 MiniLM through ONNX Runtime, and the OpenAI-compatible adapter
against a fake embeddings API on loopback."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import pytest
from pydantic import SecretStr

from core.errors import AppError, RateLimited, TransientError
from core.settings import MatchingSettings
from matching.embed import (
    MAX_TOKENS,
    OnnxEmbedder,
    OpenAIEmbedder,
    load_embedder,
    load_tokenizer,
    normalize_rows,
)
from tests.fakes.embeddings_api import FakeEmbeddingsApi, fake_vector

Maker = Callable[..., OpenAIEmbedder]

TEXTS = [
    "Senior Python backend engineer",
    "Backend developer, Python, Django",
    "Pastry chef in a hotel kitchen",
    "Registered nurse for the intensive care unit of a large teaching hospital in Hamburg,"
    " night shifts, German at C1 level",
    "Kotlin",
    "Data engineer: Spark, Airflow and dbt pipelines on AWS for a payments company",
    "",
]


@pytest.fixture(scope="module")
def onnx() -> OnnxEmbedder:
    return OnnxEmbedder(batch_size=3)


def test_shape_dtype_and_unit_norm(onnx: OnnxEmbedder) -> None:
    vectors = onnx.embed(TEXTS)

    assert vectors.shape == (len(TEXTS), 384)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert onnx.dimension == 384
    assert onnx.model_id == "all-MiniLM-L6-v2-onnx-int8"


def test_empty_input(onnx: OnnxEmbedder) -> None:
    vectors = onnx.embed([])

    assert vectors.shape == (0, 384)
    assert vectors.dtype == np.float32


def test_deterministic(onnx: OnnxEmbedder) -> None:
    np.testing.assert_array_equal(onnx.embed(TEXTS), onnx.embed(TEXTS))


def test_batches_give_the_vectors_of_one_by_one_in_the_callers_order(onnx: OnnxEmbedder) -> None:
    # Longest first, so sorting by length inside embed reorders every batch of 3.
    texts = sorted(TEXTS, key=len, reverse=True)

    together = onnx.embed(texts)
    alone = np.vstack([onnx.embed([text]) for text in texts])

    np.testing.assert_allclose(together, alone, atol=1e-5)
    # Every row is its own text's vector, not a neighbour's.
    assert list(np.argmax(together @ alone.T, axis=1)) == list(range(len(texts)))


def test_a_very_long_text_is_cut_at_the_token_limit(onnx: OnnxEmbedder) -> None:
    head = "Warehouse operator for night shifts, forklift licence required. "
    long = head + "We pack parcels and load lorries. " * 400  # ~3,000 word pieces
    longer = long + "Completely different words about astrophysics and opera. " * 200

    assert len(load_tokenizer().encode(longer).ids) == MAX_TOKENS
    vectors = onnx.embed([long, longer, head])

    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    # Both are cut before the words that differ, so they embed alike; the head alone does not.
    np.testing.assert_allclose(vectors[0], vectors[1], atol=1e-6)
    assert not np.allclose(vectors[0], vectors[2], atol=1e-3)


def test_similar_roles_are_closer_than_unrelated_ones(onnx: OnnxEmbedder) -> None:
    senior, backend, chef = onnx.embed(TEXTS[:3])

    assert float(senior @ backend) > float(senior @ chef) + 0.2
    assert float(senior @ backend) > float(backend @ chef) + 0.2


def test_safe_to_call_from_several_threads() -> None:
    embedder = OnnxEmbedder(batch_size=2)  # fresh: the threads also race to load the model
    expected = OnnxEmbedder(batch_size=2).embed(TEXTS)

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda _: embedder.embed(TEXTS), range(8)))

    for result in results:
        np.testing.assert_allclose(result, expected, atol=1e-6)


def test_batch_size_must_be_positive() -> None:
    with pytest.raises(ValueError, match="batch_size"):
        OnnxEmbedder(batch_size=0)


def test_normalize_rows_keeps_zero_rows_zero() -> None:
    rows = normalize_rows(np.array([[3.0, 4.0], [0.0, 0.0]]))

    np.testing.assert_allclose(rows, [[0.6, 0.8], [0.0, 0.0]])
    assert rows.dtype == np.float32


def test_load_embedder_follows_the_settings() -> None:
    onnx = load_embedder(MatchingSettings(embed_batch_size=7))
    assert isinstance(onnx, OnnxEmbedder)
    assert onnx.batch_size == 7

    remote = load_embedder(
        MatchingSettings(
            embedder="openai",
            embedding_model="text-embedding-3-large",
            api_key=SecretStr("k"),
            base_url="http://127.0.0.1:9/v1",
        )
    )
    try:
        assert isinstance(remote, OpenAIEmbedder)
        assert remote.model_id == "openai:text-embedding-3-large"
        assert remote.dimension == 3072  # known: no request (port 9 would refuse it)
    finally:
        remote.close()


# --- the OpenAI-compatible adapter ------------------------------------------------------------


@pytest.fixture
async def api() -> AsyncIterator[FakeEmbeddingsApi]:
    async with FakeEmbeddingsApi(dimension=64) as fake:
        yield fake


@pytest.fixture
def openai_embedder(api: FakeEmbeddingsApi) -> Iterator[Maker]:
    made: list[OpenAIEmbedder] = []

    def make(model: str = "fake-embed", **options: Any) -> OpenAIEmbedder:
        made.append(OpenAIEmbedder(model, api_key="test-key", base_url=api.base_url, **options))
        return made[-1]

    yield make
    for embedder in made:
        embedder.close()


async def test_openai_vectors_are_normalized_in_order_and_batched(
    api: FakeEmbeddingsApi, openai_embedder: Maker
) -> None:
    embedder = openai_embedder(batch_size=2)
    texts = ["python backend", "pastry chef", "backend python django", "nurse", "driver"]

    vectors = await asyncio.to_thread(embedder.embed, texts)

    expected = normalize_rows(np.vstack([fake_vector(text, 64) for text in texts]))
    assert vectors.shape == (5, 64)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(vectors, expected, atol=1e-6)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert [request.inputs for request in api.requests] == [texts[0:2], texts[2:4], texts[4:]]
    assert {request.model for request in api.requests} == {"fake-embed"}
    assert {request.authorization for request in api.requests} == {"Bearer test-key"}
    assert embedder.model_id == "openai:fake-embed"
    assert embedder.dimension == 64  # learnt from the answer: no further request
    assert len(api.requests) == 3


async def test_openai_unknown_dimension_is_asked_once(
    api: FakeEmbeddingsApi, openai_embedder: Maker
) -> None:
    embedder = openai_embedder()

    assert await asyncio.to_thread(lambda: embedder.dimension) == 64
    assert await asyncio.to_thread(lambda: embedder.dimension) == 64
    assert len(api.requests) == 1
    empty = await asyncio.to_thread(embedder.embed, [])
    assert empty.shape == (0, 64)
    assert len(api.requests) == 1


async def test_openai_known_dimension_needs_no_request(
    api: FakeEmbeddingsApi, openai_embedder: Maker
) -> None:
    embedder = openai_embedder("text-embedding-3-small")

    assert embedder.dimension == 1536
    assert api.requests == []


async def test_openai_retries_a_server_error(
    api: FakeEmbeddingsApi, openai_embedder: Maker
) -> None:
    embedder = openai_embedder(max_retries=1)
    api.fail_next(1, 503, retry_after=0.01)

    vectors = await asyncio.to_thread(embedder.embed, ["python"])

    assert vectors.shape == (1, 64)
    assert len(api.requests) == 2


@pytest.mark.parametrize(
    ("status", "retry_after", "error"),
    [(503, None, TransientError), (429, 7.0, RateLimited), (401, None, AppError)],
)
async def test_openai_errors_become_ours(
    api: FakeEmbeddingsApi,
    openai_embedder: Maker,
    status: int,
    retry_after: float | None,
    error: type[AppError],
) -> None:
    embedder = openai_embedder(max_retries=0)
    api.fail_next(1, status, retry_after=retry_after)

    with pytest.raises(error) as raised:
        await asyncio.to_thread(embedder.embed, ["python"])

    assert type(raised.value) is error
    if retry_after is not None:
        assert isinstance(raised.value, RateLimited)
        assert raised.value.retry_after == retry_after

"""A fake OpenAI-compatible embeddings API: a real HTTP server on 127.0.0.1.

``POST /v1/embeddings`` answers as the OpenAI API does (``float`` or ``base64`` encoding, as
asked) with deterministic vectors: every word of the input adds a fixed pseudo-random vector,
so texts sharing words point the same way, and the result is deliberately not unit length (the
client must normalize)::

    async with FakeEmbeddingsApi(dimension=64) as api:
        embedder = OpenAIEmbedder("fake-embed", api_key="k", base_url=api.base_url)
        vectors = await asyncio.to_thread(embedder.embed, ["a", "b"])
        assert api.requests[0].inputs == ["a", "b"]

``fail_next(n, status, retry_after=...)`` answers the next n requests with an error instead.
"""

from __future__ import annotations

import base64
import hashlib
import re
import threading
from collections import deque
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tests.fakes.loopback import LoopbackFake

_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class EmbeddingsRequest:
    model: str
    inputs: list[str]
    encoding_format: str | None
    authorization: str | None


def fake_vector(text: str, dimension: int) -> npt.NDArray[np.float32]:
    """The fake's vector for a text: a sum of per-word vectors, scaled away from unit length."""
    total = np.zeros(dimension, dtype=np.float64)
    for word in _WORD.findall(text.lower()) or [""]:
        seed = int.from_bytes(hashlib.sha256(word.encode()).digest()[:8], "little")
        total += np.random.default_rng(seed).standard_normal(dimension)
    return (total * 3.0).astype(np.float32)


class FakeEmbeddingsApi(LoopbackFake):
    label = "fake embeddings API"

    def __init__(self, dimension: int = 64) -> None:
        super().__init__()
        self.dimension = dimension
        self.requests: list[EmbeddingsRequest] = []
        self._failures: deque[tuple[int, float | None]] = deque()
        self._lock = threading.Lock()

    @property
    def base_url(self) -> str:
        """What an OpenAI client takes as ``base_url``."""
        return f"{self.origin}/v1"

    def fail_next(self, count: int, status: int, retry_after: float | None = None) -> None:
        with self._lock:
            self._failures.extend([(status, retry_after)] * count)

    def _asgi_app(self) -> tuple[Any, dict[str, Any]]:
        return Starlette(routes=[Route("/v1/embeddings", self._embeddings, methods=["POST"])]), {}

    async def _embeddings(self, request: Request) -> JSONResponse:
        body = await request.json()
        inputs = body["input"] if isinstance(body["input"], list) else [body["input"]]
        encoding = body.get("encoding_format")
        with self._lock:
            self.requests.append(
                EmbeddingsRequest(
                    model=body["model"],
                    inputs=list(inputs),
                    encoding_format=encoding,
                    authorization=request.headers.get("authorization"),
                )
            )
            failure = self._failures.popleft() if self._failures else None
        if failure is not None:
            status, retry_after = failure
            headers = {} if retry_after is None else {"retry-after": str(retry_after)}
            error = {"message": f"fake failure {status}", "type": "fake_error", "code": None}
            return JSONResponse({"error": error}, status_code=status, headers=headers)
        data = []
        for number, text in enumerate(inputs):
            if not isinstance(text, str):
                return JSONResponse({"error": {"message": "token arrays"}}, status_code=400)
            vector = fake_vector(text, self.dimension)
            embedding: Any = (
                base64.b64encode(vector.astype("<f4").tobytes()).decode()
                if encoding == "base64"
                else vector.tolist()
            )
            data.append({"object": "embedding", "index": number, "embedding": embedding})
        tokens = sum(len(_WORD.findall(text)) for text in inputs)
        return JSONResponse(
            {
                "object": "list",
                "data": data,
                "model": body["model"],
                "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
            }
        )

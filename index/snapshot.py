"""A read-only copy of the index's vectors in one NumPy file, for fast cold searches.

Importing and opening Chroma costs a second or more, too slow for a one-shot
``legends search``. After each successful sync of a local index, the vectors are also
written here, tagged with a fingerprint of the corpus they were built from. A process
whose corpus matches the fingerprint searches this file (brute-force cosine over a
few hundred vectors takes microseconds); otherwise it opens Chroma and syncs, which
writes a fresh snapshot. Chroma stays the store; this file is a derived cache.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

import numpy as np

from index.views import VIEW_SEPARATOR

FILE_NAME = "vectors.npz"


def corpus_fingerprint(hashes: dict[str, str], model_name: str, schema: str) -> str:
    """One hash for the legend ids and contents, the model and the store layout."""
    text = "\n".join(f"{i}:{h}" for i, h in sorted(hashes.items()))
    return hashlib.sha256(f"{model_name}|{schema}|{text}".encode()).hexdigest()


class VectorSnapshot:
    """Vectors by view id, searchable by cosine similarity."""

    def __init__(self, ids: list[str], matrix: np.ndarray, fingerprint: str) -> None:
        self.ids = ids
        self.matrix = matrix.astype(np.float32)
        self.fingerprint = fingerprint
        self.legend_ids = [i.rsplit(VIEW_SEPARATOR, 1)[0] for i in ids]

    def query(self, embedding: list[float], k: int, allowed: set[str] | None = None) -> list:
        """The ``k`` nearest legends as ``(legend id, cosine)``, best view first."""
        if not self.ids or k <= 0:
            return []
        scores = self.matrix @ np.asarray(embedding, dtype=np.float32)
        best: dict[str, float] = {}
        for row in np.argsort(-scores):
            legend_id = self.legend_ids[row]
            if (allowed is None or legend_id in allowed) and legend_id not in best:
                best[legend_id] = float(scores[row])
                if len(best) == k:
                    break
        return list(best.items())


def save(folder: Path, ids: list[str], matrix: np.ndarray, fingerprint: str) -> None:
    """Write the snapshot atomically (a crash leaves the old one or none)."""
    folder.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=folder, suffix=".npz.part")
    os.close(handle)
    try:
        with open(temp, "wb") as out:
            np.savez(out, ids=np.array(ids), matrix=matrix, fingerprint=np.array(fingerprint))
        os.replace(temp, folder / FILE_NAME)
    finally:
        if os.path.exists(temp):
            os.unlink(temp)


def load(folder: Path, fingerprint: str) -> VectorSnapshot | None:
    """The snapshot if it exists, is readable and matches ``fingerprint``; else None."""
    path = folder / FILE_NAME
    try:
        with np.load(path, allow_pickle=False) as data:
            if str(data["fingerprint"]) != fingerprint:
                return None
            return VectorSnapshot([str(i) for i in data["ids"]], data["matrix"], fingerprint)
    except (OSError, ValueError, KeyError):
        return None  # missing or unreadable: Chroma is the fallback


def discard(folder: Path) -> None:
    (folder / FILE_NAME).unlink(missing_ok=True)

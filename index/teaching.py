"""Cosine evidence from each legend's teaching material, for the learned ranker.

A legend's curated ``moves[*].when`` describe live situations, and its role-play
``customer`` brief speaks in a customer's first person: both are written in the voice of
the agents who ask. The ranker weighs a question's best cosine to a legend's move
situations and its cosine to the legend's customer brief beside the story views' cosine.

The texts are embedded once per library and kept in ``teaching_views.npz`` beside the
index, tagged with a fingerprint of the model and every text: a later process reads the
file instead of embedding again. The file is a derived cache; a missing, stale or
unwritable one only costs embedding time.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from corpus.schema import Legend
from index.embeddings import Embedder

FILE_NAME = "teaching_views.npz"
MOVE, CUSTOMER = 0, 1


def _texts(legends: list[Legend]) -> tuple[list[str], list[str], list[int]]:
    """(texts, owner legend id per text, kind per text) in library order."""
    texts, owners, kinds = [], [], []
    for legend in legends:
        for move in legend.moves:
            texts.append(move.when)
            owners.append(legend.id)
            kinds.append(MOVE)
        if legend.role_play is not None:
            texts.append(legend.role_play.customer)
            owners.append(legend.id)
            kinds.append(CUSTOMER)
    return texts, owners, kinds


def _fingerprint(model_name: str, texts: list[str], owners: list[str], kinds: list[int]) -> str:
    digest = hashlib.sha256(model_name.encode())
    for text, owner, kind in zip(texts, owners, kinds, strict=True):
        digest.update(f"\0{owner}\0{kind}\0{text}".encode())
    return digest.hexdigest()


@dataclass(frozen=True)
class TeachingViews:
    """Unit vectors of every move situation and customer brief, with their legends."""

    matrix: np.ndarray  # one row per text
    owners: np.ndarray  # legend id per row
    kinds: np.ndarray  # MOVE or CUSTOMER per row

    def cosines(self, query_vector: list[float]) -> tuple[dict[str, float], dict[str, float]]:
        """(best move-situation cosine, customer-brief cosine) by legend id."""
        if not len(self.owners):
            return {}, {}
        scores = self.matrix @ np.asarray(query_vector, dtype=np.float32)
        moves: dict[str, float] = {}
        customer: dict[str, float] = {}
        for owner, kind, score in zip(self.owners, self.kinds, scores.tolist(), strict=True):
            target = moves if kind == MOVE else customer
            if score > target.get(owner, -2.0):
                target[owner] = score
        return moves, customer


def teaching_views(legends: list[Legend], embedder: Embedder, folder: Path | None) -> TeachingViews:
    """The library's teaching vectors, read from ``folder`` when the fingerprint matches."""
    texts, owners, kinds = _texts(legends)
    fingerprint = _fingerprint(embedder.name, texts, owners, kinds)
    path = folder / FILE_NAME if folder else None
    if path is not None:
        try:
            with np.load(path, allow_pickle=False) as data:
                if str(data["fingerprint"]) == fingerprint:
                    return TeachingViews(
                        data["matrix"].astype(np.float32), np.asarray(owners), np.asarray(kinds)
                    )
        except (OSError, ValueError, KeyError):
            pass  # missing or unreadable: embed again
    matrix = (
        np.asarray(embedder.embed_documents(texts), dtype=np.float32)
        if texts
        else np.zeros((0, 0), dtype=np.float32)
    )
    if path is not None:
        _save(path, matrix, fingerprint)
    return TeachingViews(matrix, np.asarray(owners), np.asarray(kinds))


def _save(path: Path, matrix: np.ndarray, fingerprint: str) -> None:
    """Write atomically; a cache that cannot be written is simply not kept."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=path.parent, suffix=".npz.part")
        os.close(handle)
        try:
            with open(temp, "wb") as out:
                np.savez(out, matrix=matrix, fingerprint=np.array(fingerprint))
            os.replace(temp, path)
        finally:
            if os.path.exists(temp):
                os.unlink(temp)
    except OSError:
        pass

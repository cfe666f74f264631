"""Choose the moves that fit an agent's situation, from the whole library.

Every curated move's ``when`` (the live situation it fits) is embedded once; an
agent's message is compared with all of them by cosine similarity. Moves of the
legends retrieval picked get a small head start, but a clearly better-fitting move
from another legend can win. A move below the similarity floor is never chosen:
an unfitting step is worse than none. The numbers live in ``prompts/suggest.yaml``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import yaml

from assistant.grounded.material import has_material
from assistant.grounded.text_vectors import TextVectors
from corpus.schema import Legend, Move

SETTINGS_FILE = Path(__file__).resolve().parents[1] / "prompts" / "suggest.yaml"


@cache
def suggest_settings() -> dict:
    """Floor, bonus, margins and word limit for suggest mode."""
    return yaml.safe_load(SETTINGS_FILE.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class ChosenMove:
    """A move picked for a message, with the legend behind it and how well it fits."""

    legend: Legend
    move: Move
    similarity: float


class MoveIndex:
    """Every curated move of a library with its situation's vector."""

    def __init__(self, legends: Iterable[Legend], vectors: TextVectors) -> None:
        self.legends = list(legends)
        self.entries: list[tuple[Legend, Move]] = [
            (legend, move) for legend in self.legends if has_material(legend)
            for move in legend.moves
        ]  # fmt: skip
        self.matrix = vectors.matrix([move.when for _, move in self.entries])

    def similarities(self, query_vector: list[float] | np.ndarray) -> np.ndarray:
        """Cosine similarity of every move's situation to the query (unit vectors)."""
        if not self.entries:
            return np.zeros(0, dtype=np.float32)
        return self.matrix @ np.asarray(query_vector, dtype=np.float32)

    def choose(
        self,
        query_vector: list[float] | np.ndarray,
        retrieved: Iterable[str] = (),
        allowed: set[str] | None = None,
    ) -> list[ChosenMove]:
        """Two or three fitting moves, best first; fewer (or none) when few fit.

        ``retrieved``: ids of the legends retrieval picked (their moves lead among equals);
        ``allowed``: when given, only moves of these legends are considered.
        """
        settings = suggest_settings()
        preferred = set(retrieved)
        similarity = self.similarities(query_vector)
        scored = []
        for row, (legend, move) in enumerate(self.entries):
            if allowed is not None and legend.id not in allowed:
                continue
            fit = float(similarity[row])
            if fit < settings["floor"]:
                continue
            bonus = settings["retrieved_bonus"] if legend.id in preferred else 0.0
            scored.append((fit + bonus, row, ChosenMove(legend, move, fit)))
        scored.sort(key=lambda item: (-item[0], item[1]))
        chosen: list[tuple[float, int, ChosenMove]] = []
        for score, row, candidate in scored:
            if len(chosen) == 3:
                break
            if len(chosen) == 2 and score < chosen[0][0] - settings["third_move_margin"]:
                break
            same_legend = sum(c.legend.id == candidate.legend.id for _, _, c in chosen)
            if same_legend >= settings["per_legend"]:
                continue
            if any(
                float(self.matrix[row] @ self.matrix[other]) > settings["duplicate_similarity"]
                for _, other, _ in chosen
            ):
                continue
            chosen.append((score, row, candidate))
        return [candidate for _, _, candidate in chosen]


_cache: dict[int, tuple[list[Legend], MoveIndex]] = {}


def move_index(legends: Iterable[Legend], vectors: TextVectors) -> MoveIndex:
    """The move index for these legends, rebuilt only when a legend object changes."""
    legends = list(legends)
    key = id(vectors)
    cached = _cache.get(key)
    same = cached and len(cached[0]) == len(legends)
    if same and all(a is b for a, b in zip(cached[0], legends, strict=True)):
        return cached[1]
    built = MoveIndex(legends, vectors)
    _cache[key] = (legends, built)
    return built

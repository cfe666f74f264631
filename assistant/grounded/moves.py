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
    """Every curated move of a library with its situation's vector and its story's."""

    def __init__(self, legends: Iterable[Legend], vectors: TextVectors) -> None:
        self.legends = list(legends)
        self.entries: list[tuple[Legend, Move]] = [
            (legend, move) for legend in self.legends if has_material(legend)
            for move in legend.moves
        ]  # fmt: skip
        self.matrix = vectors.matrix([move.when for _, move in self.entries])
        # The story's situation, one row per move: it tells apart moves whose own
        # situations read alike but belong to different kinds of trouble.
        self.story_matrix = vectors.matrix([legend.situation for legend, _ in self.entries])
        # Discuss mode picks a pack's takeaway among its legends' lessons by similarity:
        # embed them all now, with the moves, so no answer waits for the model later.
        vectors.matrix([lesson for legend in self.legends for lesson in legend.lessons])

    def similarities(self, query_vector: list[float] | np.ndarray) -> np.ndarray:
        """Cosine similarity of every move's situation to the query (unit vectors)."""
        if not self.entries:
            return np.zeros(0, dtype=np.float32)
        return self.matrix @ np.asarray(query_vector, dtype=np.float32)

    def scores(self, query_vector: list[float] | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(each move's own fit, its ranking score blending in its story's fit)."""
        if not self.entries:
            empty = np.zeros(0, dtype=np.float32)
            return empty, empty
        query = np.asarray(query_vector, dtype=np.float32)
        fit = self.matrix @ query
        weight = suggest_settings()["story_weight"]
        return fit, (fit + weight * (self.story_matrix @ query)) / (1 + weight)

    def choose(
        self,
        query_vector: list[float] | np.ndarray,
        retrieved: Iterable[str] = (),
        allowed: set[str] | None = None,
    ) -> list[ChosenMove]:
        """Two or three fitting moves, best first; fewer (or none) when few fit.

        ``retrieved``: ids of the legends retrieval picked: their moves get a head start
        and a lower floor (retrieval already judged the story fits); a move of any other
        legend must clear the higher floor on its own. ``allowed``: when given, only moves
        of these legends are considered.
        """
        settings = suggest_settings()
        preferred = set(retrieved)
        fit, blended = self.scores(query_vector)
        scored = []
        for row, (legend, move) in enumerate(self.entries):
            if allowed is not None and legend.id not in allowed:
                continue
            near = legend.id in preferred
            floor = settings["floor"] if near else settings["elsewhere_floor"]
            if fit[row] < floor:
                continue
            score = float(blended[row]) + (settings["retrieved_bonus"] if near else 0.0)
            scored.append((score, row, ChosenMove(legend, move, float(fit[row]))))
        scored.sort(key=lambda item: (-item[0], item[1]))
        chosen: list[tuple[float, int, ChosenMove]] = []
        for score, row, candidate in scored:
            if len(chosen) == 3:
                break
            if chosen and score < chosen[0][0] - settings["next_move_margin"]:
                break
            same_legend = sum(c.legend.id == candidate.legend.id for _, _, c in chosen)
            if chosen and not same_legend and candidate.similarity < settings["later_floor"]:
                continue  # a move from another story must fit on its own, not ride on its story
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

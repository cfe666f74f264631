"""Reciprocal rank fusion: merge ranked lists without comparing their raw scores."""

from __future__ import annotations

from collections.abc import Sequence

RRF_K = 60  # the constant from Cormack et al. (2009); damps the head of each list


def reciprocal_rank_fusion(
    rankings: Sequence[tuple[Sequence[str], float]], k: int = RRF_K
) -> dict[str, float]:
    """Fuse ``(ranked ids, weight)`` lists into one score per id (higher is better)."""
    fused: dict[str, float] = {}
    for ranked, weight in rankings:
        for rank, item in enumerate(ranked):
            fused[item] = fused.get(item, 0.0) + weight / (k + rank + 1)
    return fused

"""Ranking metrics over labelled questions.

recall@k is normalised by ``min(k, |relevant|)`` so a broad question with ten fitting
legends can still score 1.0 when the top three all fit.
"""

from __future__ import annotations

import math
from collections.abc import Sequence


def recall_at(ranked: Sequence[str], relevant: set[str], k: int) -> float:
    """Share of the relevant legends the top ``k`` could hold that it does hold."""
    if not relevant:
        return 0.0
    return len(set(ranked[:k]) & relevant) / min(k, len(relevant))


def reciprocal_rank(ranked: Sequence[str], relevant: set[str]) -> float:
    for rank, item in enumerate(ranked, 1):
        if item in relevant:
            return 1.0 / rank
    return 0.0


def ndcg_at(ranked: Sequence[str], relevant: set[str], k: int) -> float:
    """Binary-gain nDCG over the top ``k``."""
    dcg = sum(1.0 / math.log2(i + 2) for i, item in enumerate(ranked[:k]) if item in relevant)
    ideal = sum(1.0 / math.log2(i + 2) for i in range(min(k, len(relevant))))
    return dcg / ideal if ideal else 0.0


def success_at(ranked: Sequence[str], strong: set[str] | frozenset[str], k: int) -> float:
    """1.0 when a strongly fitting (grade-2) legend is in the top ``k``."""
    return float(bool(set(ranked[:k]) & set(strong)))


def graded_ndcg_at(ranked: Sequence[str], grades: dict[str, int], k: int) -> float:
    """nDCG over the top ``k`` with the grades (2 or 1) as gains."""
    dcg = sum(grades.get(item, 0) / math.log2(i + 2) for i, item in enumerate(ranked[:k]))
    ideal_gains = sorted(grades.values(), reverse=True)[:k]
    ideal = sum(gain / math.log2(i + 2) for i, gain in enumerate(ideal_gains))
    return dcg / ideal if ideal else 0.0

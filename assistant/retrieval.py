"""Pick the legends that really fit a plan.

The search's own order (the learned ranker, ``index/ranker.json``) is kept: the answer
shows the search's best legend first, then the next ones while their learned relevance
(the probability that a legend fits strongly) clears the fitted ``show_min_relevance``.
Nothing re-ranks by cue words or prefers classics here. Whether a new question is
answered at all is :mod:`assistant.refusal`'s decision.
"""

from __future__ import annotations

from assistant.followups import Plan
from index.legend_index import LegendIndex, SearchHit
from index.ranking import RANKER_FILE, load_ranker_settings
from index.relevance import DEFAULT_MIN_RELEVANCE

# How many legends each mode shows at most (the README's promise per mode).
LIMITS = {"ask": 3, "suggest": 2, "discuss": 3}
CANDIDATES = 10


def candidates(legend_index: LegendIndex, plan: Plan) -> list[SearchHit]:
    """The search's best legends for ``plan``, best first, before any cut."""
    if plan.intent in ("detail", "why"):
        legends = legend_index.legends
        return [SearchHit(legends[i], 1.0, 1.0) for i in plan.targets if i in legends]
    hits = legend_index.search(
        plan.query,
        k=CANDIDATES + len(plan.exclude),
        themes=plan.filters.themes or None,
        industry=plan.filters.industry,
        company=plan.filters.company,
    )
    return [hit for hit in hits if hit.legend.id not in plan.exclude]


def show_threshold(legend_index: LegendIndex) -> float:
    """The relevance a legend needs to be shown beside the best one."""
    if legend_index.degraded:  # keyword-only relevance is on the older cosine scale
        return DEFAULT_MIN_RELEVANCE
    return float(load_ranker_settings(RANKER_FILE).get("show_min_relevance", 0.5))


def choose(
    hits: list[SearchHit],
    plan: Plan,
    threshold: float,
    limit: int | None = None,
    keep_best: bool = True,
) -> list[SearchHit]:
    """The legends to show: the best hit (if ``keep_best``), then those above ``threshold``."""
    if plan.intent in ("detail", "why"):
        return hits
    limit = limit or LIMITS.get(plan.mode, 3)
    chosen = [
        hit
        for rank, hit in enumerate(hits)
        if hit.relevance >= threshold or (keep_best and rank == 0)
    ]
    return chosen[:limit]

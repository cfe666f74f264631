"""Pick the legends that really fit a plan.

A new question is answered only if its best legend clears the calibrated relevance
threshold (otherwise the assistant abstains). The legends shown are then the top
ranked ones that are still reasonably relevant, and, when the question names a
theme, that carry it (or are clearly relevant anyway).
"""

from __future__ import annotations

from assistant.followups import Plan
from index.legend_index import LegendIndex, SearchHit
from index.query_facets import QueryFacets
from index.relevance import DEFAULT_MIN_RELEVANCE

# How many legends each mode shows at most.
LIMITS = {"ask": 3, "suggest": 2, "discuss": 3}
# Below the threshold by this much, a legend is too weak to show even beside good ones.
LEGEND_FLOOR_MARGIN = 0.10
# A legend without the named theme must be this much above the threshold to be shown.
OFF_THEME_MARGIN = 0.10
CANDIDATES = 10


def retrieve(
    legend_index: LegendIndex, plan: Plan, facets: QueryFacets, limit: int | None = None
) -> list[SearchHit]:
    """The fitting legends for ``plan``, best first (empty when nothing fits)."""
    if plan.intent in ("detail", "why"):
        legends = legend_index.legends
        return [SearchHit(legends[i], 1.0, 1.0) for i in plan.targets if i in legends]
    limit = limit or LIMITS.get(plan.mode, 3)
    hits = legend_index.search(
        plan.query,
        k=CANDIDATES + len(plan.exclude),
        themes=plan.filters.themes or None,
        industry=plan.filters.industry,
        company=plan.filters.company,
    )
    # Follow-ups refine a question already judged answerable; new questions must earn it.
    if plan.intent == "new" and not any(h.relevance >= DEFAULT_MIN_RELEVANCE for h in hits):
        return []
    floor = DEFAULT_MIN_RELEVANCE - LEGEND_FLOOR_MARGIN
    named = set(facets.themes)
    chosen = []
    for hit in hits:
        if hit.legend.id in plan.exclude or hit.relevance < floor:
            continue
        on_theme = not named or named & set(hit.legend.themes)
        if on_theme or hit.relevance >= DEFAULT_MIN_RELEVANCE + OFF_THEME_MARGIN:
            chosen.append(hit)
    return chosen[:limit]

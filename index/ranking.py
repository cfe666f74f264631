"""How each retriever orders legends, and how relevant a legend is to a question.

Inputs are computed once per query by ``LegendIndex.search``: cosine similarity of
each legend's closest view, BM25 keyword scores, and the facets the question names.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from corpus.schema import Legend
from index.fusion import reciprocal_rank_fusion
from index.query_facets import QueryFacets

RETRIEVERS = ("vector", "bm25", "hybrid", "hybrid-facets")
DEFAULT_RETRIEVER = "hybrid-facets"
# Weights of the ranked lists fused by "hybrid-facets", and the RRF constant;
# chosen on the labelled questions with `legends eval`.
FUSION_WEIGHTS = {"vector": 1.0, "bm25": 1.0, "facets": 0.8, "classics": 0.5}
FUSION_K = 5
# Evidence added to a legend's cosine similarity when the question names its facets.
FACET_BONUS = 0.04
COMPANY_BONUS = 0.15
# Without vectors, BM25 scores of ~3 (a few shared content words) reach the threshold.
KEYWORD_ONLY_SCALE = 0.12


@dataclass
class QuerySignals:
    """Everything the retrievers need about one query, over the allowed legends."""

    legends: dict[str, Legend]  # only the legends that pass the filters
    cosine: dict[str, float]  # best-view cosine, nearest first
    keyword: list[tuple[str, float]]  # BM25, best first
    facets: QueryFacets

    @cached_property
    def floor(self) -> float:
        return min(self.cosine.values(), default=0.0)

    @cached_property
    def _keyword_scores(self) -> dict[str, float]:
        return dict(self.keyword)

    def relevance(self, legend_id: str) -> float:
        """Comparable across queries: cosine plus evidence from named facets."""
        legend = self.legends[legend_id]
        if self.cosine:
            value = self.cosine.get(legend_id, self.floor)
        else:  # the vector store is unavailable: a rough stand-in from keyword overlap
            value = min(0.6, KEYWORD_ONLY_SCALE * self._keyword_scores.get(legend_id, 0.0))
        value += FACET_BONUS * min(2, self.facets.matches(legend))
        if legend.company.casefold() in self.facets.companies:
            value += COMPANY_BONUS
        return min(1.0, value)


def rank(signals: QuerySignals, retriever: str) -> dict[str, float]:
    """Scores by legend id for ``retriever`` (higher is better)."""
    if retriever not in RETRIEVERS:
        raise ValueError(f"unknown retriever {retriever!r}; choose from {', '.join(RETRIEVERS)}")
    vector_ranked = list(signals.cosine)
    if retriever == "vector":
        return dict(signals.cosine)
    if retriever == "bm25":
        return dict(signals.keyword)
    rankings = [
        (vector_ranked, FUSION_WEIGHTS["vector"]),
        ([legend_id for legend_id, _ in signals.keyword], FUSION_WEIGHTS["bm25"]),
    ]
    if retriever == "hybrid-facets":
        rankings.extend(_facet_rankings(signals, vector_ranked))
    return reciprocal_rank_fusion(rankings, FUSION_K)


def _facet_rankings(signals: QuerySignals, vector_ranked: list[str]) -> list[tuple[list, float]]:
    facets, legends = signals.facets, signals.legends
    if not facets:
        return []
    # Legends carrying the most named facets first; classics first among equals.
    faceted = sorted(
        (i for i in legends if facets.matches(legends[i])),
        key=lambda i: (
            -facets.matches(legends[i]),
            not legends[i].classic,
            -signals.cosine.get(i, signals.floor),
        ),
    )
    out = [(faceted, FUSION_WEIGHTS["facets"])]
    if facets.themes or facets.principles:
        # A question about a theme ("how have companies handled a lost item?") is best
        # answered with the legends people already know, when they fit.
        classics = [i for i in vector_ranked if legends[i].classic]
        out.append((classics, FUSION_WEIGHTS["classics"]))
    return out

"""How each retriever orders legends, and how relevant a legend is to a question.

Inputs are computed once per query by ``LegendIndex.search``: cosine similarity of
each legend's closest view, BM25 keyword scores, and the facets the question names.

The default retriever, ``learned``, scores every legend with a logistic regression fitted
on the dev split of the labelled questions (``legends fit``): the evidence (cosine, BM25,
ranks, facets, the classic flag) is weighed by data, not by hand. Its probability that a
legend fits strongly is the legend's ``relevance``. The other retrievers stay for comparison
(``legends eval --retrievers``).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path

import numpy as np

from corpus.schema import Legend
from index.fusion import reciprocal_rank_fusion
from index.query_facets import QueryFacets

RANKER_FILE = Path(__file__).with_name("ranker.json")
RETRIEVERS = ("vector", "bm25", "hybrid", "hybrid-facets", "learned")
DEFAULT_RETRIEVER = "learned"
# The hand-set fusion kept for comparison ("hybrid-facets", the default before the ranker).
FUSION_WEIGHTS = {"vector": 1.0, "bm25": 1.0, "facets": 0.8, "classics": 0.5}
FUSION_K = 5
# Evidence added to a legend's cosine similarity when the question names its facets
# (the relevance of the comparison retrievers, and of degraded search without vectors).
FACET_BONUS = 0.04
COMPANY_BONUS = 0.15
# Without vectors, BM25 scores of ~3 (a few shared content words) reach the threshold.
KEYWORD_ONLY_SCALE = 0.12

# The evidence about one (question, legend) pair the learned ranker weighs, in order.
FEATURES = (
    "cosine",  # best view's cosine similarity
    "cosine_gap",  # cosine minus the question's best cosine
    "vector_rr",  # 1 / (1 + rank by cosine)
    "bm25_log",  # log(1 + BM25 score)
    "bm25_norm",  # BM25 score / the question's best BM25 score
    "bm25_rr",  # 1 / (1 + rank by BM25); 0 without a keyword match
    "theme_match",  # themes the question names that the legend carries (at most 2)
    "principle_match",  # principles named and carried (at most 2)
    "industry_match",  # the question names the legend's industry
    "company_named",  # the question names the legend's company
    "classic",  # a staple of service training
    "classic_broad",  # a classic, for a question naming a theme or principle
    "move_cosine",  # best cosine to the legend's moves' situations (agents' voice)
    "customer_cosine",  # cosine to its role-play customer brief (first-person customer)
    "move_gap",  # move_cosine minus the question's best move cosine over the library
)


@dataclass(frozen=True)
class Ranker:
    """A fitted linear model: relevance = sigmoid(weights . features + bias)."""

    features: tuple[str, ...]
    weights: np.ndarray
    bias: float

    def scores(self, matrix: np.ndarray) -> np.ndarray:
        """The linear score per row of ``matrix`` (higher ranks first)."""
        return matrix @ self.weights + self.bias

    @staticmethod
    def probability(score: float) -> float:
        return 1.0 / (1.0 + math.exp(-score))


def save_ranker(ranker: Ranker, extra: dict, path: Path = RANKER_FILE) -> None:
    """Write the fitted coefficients (and how they were fitted) as JSON."""
    payload = {
        "features": list(ranker.features),
        "weights": [round(float(w), 6) for w in ranker.weights],
        "bias": round(float(ranker.bias), 6),
        **extra,
    }
    path.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    load_ranker.cache_clear()
    load_ranker_settings.cache_clear()


@cache
def load_ranker_settings(path: Path = RANKER_FILE) -> dict:
    """Everything in the ranker file (weights, fitted thresholds, how it was fitted)."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


@cache
def load_ranker(path: Path = RANKER_FILE) -> Ranker | None:
    """The shipped ranker, or None when it is missing or was fitted on other features."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if tuple(raw.get("features", ())) != FEATURES:
        return None
    return Ranker(FEATURES, np.asarray(raw["weights"], dtype=np.float64), float(raw["bias"]))


@dataclass
class QuerySignals:
    """Everything the retrievers need about one query, over the allowed legends."""

    legends: dict[str, Legend]  # only the legends that pass the filters
    cosine: dict[str, float]  # best-view cosine, nearest first
    keyword: list[tuple[str, float]]  # BM25, best first
    facets: QueryFacets
    # (best move-situation cosine, customer-brief cosine) by legend id; empty without vectors
    teaching: tuple[dict[str, float], dict[str, float]] = field(default=({}, {}))

    @cached_property
    def floor(self) -> float:
        return min(self.cosine.values(), default=0.0)

    @cached_property
    def _keyword_scores(self) -> dict[str, float]:
        return dict(self.keyword)

    @cached_property
    def _learned(self) -> dict[str, float] | None:
        """Learned scores by legend id, or None without vectors or a fitted ranker."""
        ranker = load_ranker()
        if ranker is None or not self.cosine:
            return None
        ids, matrix = feature_matrix(self)
        return dict(zip(ids, ranker.scores(matrix).tolist(), strict=True))

    def relevance(self, legend_id: str) -> float:
        """Comparable across queries: the learned probability of a strong fit, or (without
        vectors or a ranker) cosine plus evidence from named facets."""
        learned = self._learned
        if learned is not None:
            return Ranker.probability(learned[legend_id])
        legend = self.legends[legend_id]
        if self.cosine:
            value = self.cosine.get(legend_id, self.floor)
        else:  # the vector store is unavailable: a rough stand-in from keyword overlap
            value = min(0.6, KEYWORD_ONLY_SCALE * self._keyword_scores.get(legend_id, 0.0))
        value += FACET_BONUS * min(2, self.facets.matches(legend))
        if legend.company.casefold() in self.facets.companies:
            value += COMPANY_BONUS
        return min(1.0, value)


@dataclass(frozen=True)
class _LegendTable:
    """The query-independent facts the features need, one row per legend (built once)."""

    ids: tuple[str, ...]
    themes: tuple[frozenset[str], ...]
    principles: tuple[frozenset[str], ...]
    industries: tuple[str, ...]
    companies: tuple[str, ...]
    classic: np.ndarray


_TABLES: dict[tuple, _LegendTable] = {}


def _table(legends: dict[str, Legend]) -> _LegendTable:
    key = tuple((legend_id, id(legend)) for legend_id, legend in legends.items())
    table = _TABLES.get(key)
    if table is None:
        values = list(legends.values())
        table = _LegendTable(
            ids=tuple(legends),
            themes=tuple(frozenset(lg.themes) for lg in values),
            principles=tuple(frozenset(lg.principles) for lg in values),
            industries=tuple(lg.industry for lg in values),
            companies=tuple(lg.company.casefold() for lg in values),
            classic=np.asarray([lg.classic for lg in values], dtype=np.float64),
        )
        if len(_TABLES) > 8:  # filtered searches make other tables; keep a few
            _TABLES.clear()
        _TABLES[key] = table
    return table


def feature_matrix(signals: QuerySignals) -> tuple[list[str], np.ndarray]:
    """The legend ids and one row of :data:`FEATURES` per allowed legend."""
    table = _table(signals.legends)
    ids = list(table.ids)
    facets = signals.facets
    floor = signals.floor
    cosine = np.asarray([signals.cosine.get(i, floor) for i in ids], dtype=np.float64)
    vector_rank = {legend_id: rank for rank, legend_id in enumerate(signals.cosine)}
    ranks = np.asarray([vector_rank.get(i, len(ids)) for i in ids], dtype=np.float64)
    keyword_scores = signals._keyword_scores
    keyword = np.asarray([keyword_scores.get(i, 0.0) for i in ids], dtype=np.float64)
    keyword_rank = {legend_id: rank for rank, (legend_id, _) in enumerate(signals.keyword)}
    keyword_rr = np.asarray(
        [1.0 / (1 + keyword_rank[i]) if i in keyword_rank else 0.0 for i in ids]
    )
    best_keyword = signals.keyword[0][1] if signals.keyword else 0.0
    broad = float(bool(facets.themes or facets.principles))
    theme_match = np.asarray([len(facets.themes & t) for t in table.themes], dtype=np.float64)
    principle_match = np.asarray(
        [len(facets.principles & p) for p in table.principles], dtype=np.float64
    )
    moves, customer = signals.teaching
    # A legend without curated teaching texts (an ingested story) is neither rewarded nor
    # punished for it: its own best-view cosine stands in for the missing cosines, instead
    # of the library's minimum, which buried every ingested story below the curated ones.
    own = dict(zip(ids, cosine.tolist(), strict=True))
    move_cos = np.asarray([moves.get(i, own[i]) for i in ids], dtype=np.float64)
    customer_cos = np.asarray([customer.get(i, own[i]) for i in ids], dtype=np.float64)
    matrix = np.column_stack(
        [
            cosine,
            cosine - (cosine.max() if len(ids) else 0.0),
            1.0 / (1 + ranks),
            np.log1p(keyword),
            keyword / best_keyword if best_keyword > 0 else np.zeros(len(ids)),
            keyword_rr,
            np.minimum(2, theme_match),
            np.minimum(2, principle_match),
            np.asarray([i in facets.industries for i in table.industries], dtype=np.float64),
            np.asarray([c in facets.companies for c in table.companies], dtype=np.float64),
            table.classic,
            table.classic * broad,
            move_cos,
            customer_cos,
            move_cos - max(moves.values(), default=0.0),
        ]
    )
    return ids, matrix.reshape(len(ids), len(FEATURES))


def rank(signals: QuerySignals, retriever: str) -> dict[str, float]:
    """Scores by legend id for ``retriever`` (higher is better)."""
    if retriever not in RETRIEVERS:
        raise ValueError(f"unknown retriever {retriever!r}; choose from {', '.join(RETRIEVERS)}")
    vector_ranked = list(signals.cosine)
    if retriever == "vector":
        return dict(signals.cosine)
    if retriever == "bm25":
        return dict(signals.keyword)
    if retriever == "learned":
        if signals._learned is not None:
            return dict(signals._learned)
        retriever = "hybrid-facets"  # no vectors (or no fitted ranker): the fused lists
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

"""Fit the learned ranker (``index/ranker.json``) on the dev split: pointwise learning to rank.

Each (question, legend) pair of an answerable dev question is one example: its
:data:`~index.ranking.FEATURES` and whether the legend is graded 2. A logistic regression
(scikit-learn, imported only here) weighs the evidence; features are standardised for the fit
and the scaling is folded back into the shipped weights, so run time is one dot product.
"""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np

from index.evaluation.items import EvalItem
from index.legend_index import LegendIndex
from index.ranking import FEATURES, QuerySignals, Ranker, feature_matrix, save_ranker

# Inverse regularisation strengths tried by cross-validation on dev.
C_GRID = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
# The answer shows its best legend, then the next ones above a fitted relevance. The threshold
# is the highest one whose dev answer success (a grade-2 legend among those shown) is within
# SUCCESS_SLACK of the best any threshold reaches: success first, then fewer unfitting legends.
SUCCESS_SLACK = 0.0
SHOWN_AT_MOST = 3


def query_signals(legend_index: LegendIndex, query: str) -> QuerySignals:
    """The same evidence ``LegendIndex.search`` gathers for ``query``, over every legend."""
    legends = legend_index.legends
    nearest = legend_index._nearest(query, len(legends), None, set(legends))
    return QuerySignals(
        legends=legends,
        cosine=dict(nearest),
        keyword=legend_index._keyword.search(query, len(legends)),
        facets=legend_index.facets(query),
        teaching=legend_index.teaching_cosines(query) if nearest else ({}, {}),
    )


def training_data(
    legend_index: LegendIndex, items: list[EvalItem]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Features, labels (grade 2), question groups and grades for the answerable ``items``."""
    blocks, grades, groups = [], [], []
    for number, item in enumerate(i for i in items if i.answerable and i.grade2):
        ids, matrix = feature_matrix(query_signals(legend_index, item.question))
        blocks.append(matrix)
        grades.extend(item.grade(legend_id) for legend_id in ids)
        groups.extend([number] * len(ids))
    grades_array = np.asarray(grades)
    return np.vstack(blocks), (grades_array == 2).astype(int), np.asarray(groups), grades_array


def choose_show_threshold(ranker: Ranker, features, grades, groups) -> float:
    """The relevance a legend needs to be shown beside the best one (see SUCCESS_SLACK)."""
    scores = ranker.scores(features)
    tops = []  # per question: the top legends' (probability, grade), best first
    for group in np.unique(groups):
        rows = np.flatnonzero(groups == group)
        order = rows[np.argsort(-scores[rows])][:SHOWN_AT_MOST]
        tops.append([(Ranker.probability(scores[r]), int(grades[r])) for r in order])

    def success(threshold: float) -> float:
        return float(
            np.mean(
                [
                    any(g == 2 for rank, (p, g) in enumerate(top) if rank == 0 or p >= threshold)
                    for top in tops
                ]
            )
        )

    thresholds = [step / 100 for step in range(1, 100)]
    best = max(success(t) for t in thresholds)
    return max(t for t in thresholds if success(t) >= best - SUCCESS_SLACK)


def _fit(features: np.ndarray, labels: np.ndarray, c: float) -> Ranker:
    from sklearn.linear_model import LogisticRegression

    mean = features.mean(axis=0)
    scale = features.std(axis=0)
    scale[scale == 0] = 1.0
    model = LogisticRegression(C=c, max_iter=2000)
    model.fit((features - mean) / scale, labels)
    weights = model.coef_[0] / scale
    bias = float(model.intercept_[0] - (model.coef_[0] * mean / scale).sum())
    return Ranker(FEATURES, weights, bias)


def _success_at_3(ranker: Ranker, features, labels, groups) -> float:
    scores = ranker.scores(features)
    wins = []
    for group in np.unique(groups):
        rows = groups == group
        top = np.argsort(-scores[rows])[:3]
        wins.append(labels[rows][top].any())
    return float(np.mean(wins))


def choose_c(features, labels, groups, folds: int = 5) -> tuple[float, float]:
    """The regularisation with the best cross-validated success@3 on dev (ties: stronger)."""
    from sklearn.model_selection import GroupKFold

    best = (C_GRID[0], -1.0)
    for c in C_GRID:
        wins = []
        for train, held in GroupKFold(n_splits=folds).split(features, labels, groups):
            ranker = _fit(features[train], labels[train], c)
            wins.append(_success_at_3(ranker, features[held], labels[held], groups[held]))
        score = float(np.mean(wins))
        if score > best[1] + 1e-9:
            best = (c, score)
    return best


def fit_ranker(legend_index: LegendIndex, items: list[EvalItem]) -> dict:
    """Fit on ``items`` (the dev split), write ``index/ranker.json``; returns a summary."""
    features, labels, groups, grades = training_data(legend_index, items)
    c, cv_success = choose_c(features, labels, groups)
    ranker = _fit(features, labels, c)
    show = choose_show_threshold(ranker, features, grades, groups)
    splits = sorted({item.split for item in items})
    summary = {
        "fitted_on": splits,
        "questions": int(len(np.unique(groups))),
        "pairs": int(len(labels)),
        "C": c,
        "cv_success_at_3": round(cv_success, 4),
        "show_min_relevance": show,
        "fitted_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    save_ranker(ranker, summary)
    weights = dict(zip(FEATURES, ranker.weights.round(4).tolist(), strict=True))
    return {**summary, "weights": weights}

"""Run every retriever over the labelled questions and report the search metrics.

Whether to answer at all is the assistant's decision now (``assistant/refusal.py``),
measured by ``legends eval``; this comparison covers ranking only.
"""

from __future__ import annotations

from dataclasses import dataclass

from index.evaluation.dataset import LabelledQuestion
from index.evaluation.metrics import ndcg_at, recall_at, reciprocal_rank, success_at
from index.legend_index import LegendIndex
from index.ranking import RETRIEVERS

DEPTH = 10


@dataclass
class RetrieverReport:
    retriever: str
    metrics: dict[str, float]
    misses: list[str]  # answerable questions with nothing relevant in the top 3


def evaluate_retriever(
    legend_index: LegendIndex,
    questions: list[LabelledQuestion],
    retriever: str,
) -> RetrieverReport:
    """Ranking metrics on the answerable questions."""
    sums = dict.fromkeys(("success@1", "success@3", "recall@3", "recall@5", "mrr", "ndcg@5"), 0.0)
    answerable = [q for q in questions if not q.off_topic]
    misses = []
    for question in answerable:
        hits = legend_index.search(question.question, DEPTH, retriever=retriever)
        ranked = [hit.legend.id for hit in hits]
        relevant = set(question.relevant)
        sums["success@1"] += success_at(ranked, relevant, 1)
        sums["success@3"] += success_at(ranked, relevant, 3)
        sums["recall@3"] += recall_at(ranked, relevant, 3)
        sums["recall@5"] += recall_at(ranked, relevant, 5)
        sums["mrr"] += reciprocal_rank(ranked, relevant)
        sums["ndcg@5"] += ndcg_at(ranked, relevant, 5)
        if not set(ranked[:3]) & relevant:
            misses.append(question.question)
    metrics = {name: value / max(1, len(answerable)) for name, value in sums.items()}
    return RetrieverReport(retriever, metrics, misses)


def evaluate_all(
    legend_index: LegendIndex, questions: list[LabelledQuestion]
) -> list[RetrieverReport]:
    """One report per retriever, in the order of ``RETRIEVERS``."""
    return [evaluate_retriever(legend_index, questions, name) for name in RETRIEVERS]

"""Run every retriever over the labelled questions and report the metrics."""

from __future__ import annotations

from dataclasses import dataclass

from index.evaluation.dataset import LabelledQuestion
from index.evaluation.metrics import abstention_scores, ndcg_at, recall_at, reciprocal_rank
from index.legend_index import LegendIndex
from index.ranking import RETRIEVERS
from index.relevance import DEFAULT_MIN_RELEVANCE

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
    threshold: float = DEFAULT_MIN_RELEVANCE,
) -> RetrieverReport:
    """Ranking metrics on answerable questions; abstention on all of them."""
    sums = {"recall@1": 0.0, "recall@3": 0.0, "recall@5": 0.0, "mrr": 0.0, "ndcg@5": 0.0}
    answerable = [q for q in questions if not q.off_topic]
    abstained, off_topic, misses = [], [], []
    for question in questions:
        hits = legend_index.search(question.question, DEPTH, retriever=retriever)
        ranked = [hit.legend.id for hit in hits]
        abstained.append(not any(hit.relevance >= threshold for hit in hits))
        off_topic.append(question.off_topic)
        if question.off_topic:
            continue
        relevant = set(question.relevant)
        sums["recall@1"] += recall_at(ranked, relevant, 1)
        sums["recall@3"] += recall_at(ranked, relevant, 3)
        sums["recall@5"] += recall_at(ranked, relevant, 5)
        sums["mrr"] += reciprocal_rank(ranked, relevant)
        sums["ndcg@5"] += ndcg_at(ranked, relevant, 5)
        if not set(ranked[:3]) & relevant:
            misses.append(question.question)
    metrics = {name: value / max(1, len(answerable)) for name, value in sums.items()}
    metrics.update(abstention_scores(abstained, off_topic))
    return RetrieverReport(retriever, metrics, misses)


def evaluate_all(
    legend_index: LegendIndex, questions: list[LabelledQuestion]
) -> list[RetrieverReport]:
    """One report per retriever, in the order of ``RETRIEVERS``."""
    return [evaluate_retriever(legend_index, questions, name) for name in RETRIEVERS]

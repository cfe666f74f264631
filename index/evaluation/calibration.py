"""Choose the relevance threshold that best separates off-topic from answerable questions."""

from __future__ import annotations

from index.evaluation.dataset import LabelledQuestion
from index.legend_index import LegendIndex


def top_relevances(
    legend_index: LegendIndex, questions: list[LabelledQuestion], retriever: str
) -> list[float]:
    """The best relevance each question gets (0 when nothing is found)."""
    out = []
    for question in questions:
        hits = legend_index.search(question.question, 10, retriever=retriever)
        out.append(max((hit.relevance for hit in hits), default=0.0))
    return out


def best_threshold(tops: list[float], off_topic: list[bool]) -> tuple[float, float]:
    """The threshold with the highest abstention F1, and that F1.

    Ties go to the lower threshold: wrongly abstaining hides a good story from an
    agent, which costs more than showing a weak match that is labelled as such.
    """
    best = (0.0, -1.0)
    for step in range(20, 61):
        threshold = step / 100
        abstained = [top < threshold for top in tops]
        hits = sum(a and o for a, o in zip(abstained, off_topic, strict=True))
        precision = hits / max(1, sum(abstained))
        recall = hits / max(1, sum(off_topic))
        f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
        if f1 > best[1] + 1e-9:
            best = (threshold, f1)
    return best

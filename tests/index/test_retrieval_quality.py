"""Retrieval floors on the labelled questions (the CI guard for `legends eval`)."""

from __future__ import annotations

import pytest

from index.evaluation.dataset import load_questions
from index.evaluation.runner import evaluate_all
from index.ranking import DEFAULT_RETRIEVER

pytestmark = pytest.mark.slow


def test_labelled_set_is_large_and_points_at_real_legends(shared_index):
    questions = load_questions()
    assert sum(not q.off_topic for q in questions) >= 80
    assert sum(q.off_topic for q in questions) >= 20
    ids = set(shared_index.ids)
    assert {i for q in questions for i in q.relevant} <= ids


def test_default_retriever_keeps_its_floors(shared_index):
    reports = {r.retriever: r.metrics for r in evaluate_all(shared_index, load_questions())}
    best = reports[DEFAULT_RETRIEVER]
    assert best["recall@3"] >= 0.85
    assert best["recall@3"] >= reports["vector"]["recall@3"]
    assert best["recall@3"] >= reports["bm25"]["recall@3"]
    assert best["abstention_precision"] >= 0.9
    assert best["abstention_recall"] >= 0.75

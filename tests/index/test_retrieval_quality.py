"""Search floors on the labelled questions (the CI guard for `legends eval --retrievers`)."""

from __future__ import annotations

import pytest

from index.evaluation.dataset import load_questions
from index.evaluation.items import load_items
from index.evaluation.runner import evaluate_all
from index.ranking import DEFAULT_RETRIEVER, load_ranker

pytestmark = pytest.mark.slow


def test_labelled_sets_are_large_and_point_at_real_legends(shared_index):
    questions = load_questions()
    assert sum(not q.off_topic for q in questions) >= 80
    assert sum(q.off_topic for q in questions) >= 20
    items = load_items(("dev", "test"))
    assert len(items) >= 300
    ids = set(shared_index.ids)
    assert {i for q in questions for i in q.relevant} <= ids
    assert {i for item in items for i in item.grade2 | item.grade1} <= ids


def test_the_shipped_ranker_is_loaded_and_is_the_default():
    assert DEFAULT_RETRIEVER == "learned"
    assert load_ranker() is not None


def test_learned_ranker_keeps_its_floors_on_the_legacy_questions(shared_index):
    reports = {r.retriever: r.metrics for r in evaluate_all(shared_index, load_questions())}
    best = reports[DEFAULT_RETRIEVER]
    assert best["success@3"] >= 0.93
    for other in ("vector", "bm25", "hybrid", "hybrid-facets"):
        assert best["mrr"] >= reports[other]["mrr"], other

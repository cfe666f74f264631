"""Search quality and filters on the packaged library, with the real model and Chroma."""

from __future__ import annotations

import pytest


def test_lost_item_question_finds_the_diamond_and_the_giraffe(shared_index):
    hits = shared_index.search("how have companies handled a lost item?", k=3)
    ids = [hit.legend.id for hit in hits]
    assert "nordstrom-diamond-vacuum-bags" in ids
    assert "ritz-carlton-joshie-giraffe" in ids


def test_results_are_best_first_with_scores(shared_index):
    hits = shared_index.search("an airline delayed a flight for a grieving passenger", k=5)
    scores = [hit.score for hit in hits]
    assert scores == sorted(scores, reverse=True)
    assert "southwest-holds-plane-for-grandfather" in [hit.legend.id for hit in hits]


def test_theme_filter_keeps_only_that_theme(shared_index):
    hits = shared_index.search("great service", k=10, themes=["social-media"])
    assert hits
    assert all("social-media" in hit.legend.themes for hit in hits)


def test_industry_filter(shared_index):
    hits = shared_index.search("great service", k=5, industry="hotels")
    assert hits and all(hit.legend.industry == "hotels" for hit in hits)


def test_empty_query_is_refused(shared_index):
    with pytest.raises(ValueError):
        shared_index.search("   ")

"""The held-out ingestion floors (issue 13): real articles never used while developing."""

from __future__ import annotations

import pytest

from index.evaluation.ingestion import HELDOUT_DIR, evaluate_ingestion, load_expectations


def test_heldout_set_is_complete():
    expectations = load_expectations()
    assert len(expectations) >= 30
    for entry in expectations:
        assert (HELDOUT_DIR / entry.file).is_file(), entry.file
        for story in entry.stories:
            assert len(story.questions) == 3 and story.themes and story.keys


@pytest.mark.slow
def test_heldout_ingestion_meets_the_floors(embedder, capsys):
    figures = evaluate_ingestion(HELDOUT_DIR, embedder)
    with capsys.disabled():
        print("\n" + figures.summary())
    assert figures.bad_companies == []
    assert figures.urls_kept == figures.urls_expected
    assert figures.company_accuracy >= 0.95
    assert figures.theme_f1 >= 0.8
    assert figures.hit_at_3 >= 0.85

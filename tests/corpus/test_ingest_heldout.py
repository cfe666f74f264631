"""The held-out ingestion floors (issue 13) on real articles in tests/data/heldout.

The figures come from one run of :func:`evaluate_ingestion` (ingest every article into a
fresh LEGENDS_HOME with the packaged library present, index, ask three paraphrased
questions per story); each floor is its own test so one miss does not hide the others.
"""

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


@pytest.fixture(scope="module")
def figures(embedder):
    result = evaluate_ingestion(HELDOUT_DIR, embedder)
    print("\n" + result.summary())
    return result


@pytest.mark.slow
def test_stories_are_found_in_their_articles(figures):
    assert figures.split_recall >= 0.9
    assert figures.split_precision >= 0.85


@pytest.mark.slow
def test_no_domain_person_place_or_publisher_is_a_company(figures):
    assert figures.bad_companies == []


@pytest.mark.slow
def test_company_right_or_honestly_unknown(figures):
    assert figures.company_accuracy >= 0.95


@pytest.mark.slow
def test_every_source_url_is_kept(figures):
    assert figures.urls_expected >= 30
    assert figures.urls_kept == figures.urls_expected


@pytest.mark.slow
def test_paraphrased_questions_find_the_story(figures):
    assert figures.hit_at_3 >= 0.85


@pytest.mark.slow
def test_themes_agree_with_a_trainer(figures):
    assert figures.theme_f1 >= 0.8

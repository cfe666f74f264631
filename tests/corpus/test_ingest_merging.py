"""Merging: only the same named company and the same story; re-ingesting changes nothing."""

from __future__ import annotations

import itertools

from corpus.ingest import ingest_paths
from corpus.ingest.readers import read_document
from corpus.ingest.splitter import split_stories
from corpus.loader import load_corpus
from corpus.settings import PACKAGED_LEGENDS, get_settings
from corpus.similarity import (
    SAME_STORY_THRESHOLD,
    SimilarityModel,
    company_relation,
    content_words,
    legend_words,
)
from tests.conftest import SEEDS_DIR

HELDOUT = SEEDS_DIR.parent / "heldout"
TEMPLATE = (
    "A family stayed at {hotel} last summer and their little boy left his stuffed rabbit in "
    "the room. The {hotel} housekeeping staff found it, took photos of the rabbit at the pool "
    "and the front desk, and mailed it home with a note about its adventures."
)


def test_threshold_separates_retold_seed_stories_from_other_events_of_one_company():
    """The merge threshold, chosen on data: every retold seed story merges, no two different
    curated events of one company would."""
    library = [item.legend for item in load_corpus([PACKAGED_LEGENDS]).legends]
    words = [legend_words(legend) for legend in library]
    model = SimilarityModel(words)
    different = [
        model.score(words[i], words[j])
        for i, j in itertools.combinations(range(len(library)), 2)
        if company_relation(library[i].company, library[j].company)
    ]
    assert len(different) >= 20
    assert max(different) < SAME_STORY_THRESHOLD
    by_id = {legend.id: legend for legend in library}
    retold = {"Zappos": "zappos-ten-hour-call", "Nordstrom": "nordstrom-tire-return"}
    document = read_document(SEEDS_DIR / "002_e1a51859112b7b42.txt")
    stories = split_stories(document.text)
    assert sorted(story.company.name for story in stories) == sorted(retold)
    for story in stories:
        legend = by_id[retold[story.company.name]]
        story_words = content_words(story.text, [legend.company])
        score = SimilarityModel([*words, story_words]).score(
            story_words, words[library.index(legend)]
        )
        assert score >= SAME_STORY_THRESHOLD, (legend.id, score)


def test_template_stories_of_different_companies_never_merge(tmp_path, empty_library):
    paths = []
    for number, hotel in enumerate(["Seaview Lodge Hotel", "Maple Court Hotel"]):
        path = tmp_path / f"story-{number}.txt"
        path.write_text(TEMPLATE.format(hotel=hotel), encoding="utf-8")
        paths.append(path)
    report = ingest_paths(paths)
    assert report.errors == [] and report.merged == []
    companies = sorted(item.legend.company for item in load_corpus().legends)
    assert companies == ["Maple Court Hotel", "Seaview Lodge Hotel"]


def test_an_unrelated_story_of_the_same_company_is_not_attached(tmp_path, library_copy):
    path = tmp_path / "zappos-other.txt"
    path.write_text(
        "A Zappos employee noticed that a customer in Ohio had ordered snow boots three "
        "times in one winter. She called him, learned his dog kept chewing them, and sent a "
        "pair of chew toys with the next order at no charge. He wrote back with a photo of "
        "the dog asleep on the boots.",
        encoding="utf-8",
    )
    report = ingest_paths([path])
    assert report.merged == [] and len(report.added) == 1


def test_reingesting_held_out_articles_changes_nothing_and_cites_no_file_twice(
    legends_home,
):
    files = sorted(p for p in HELDOUT.iterdir() if p.suffix in (".txt", ".html"))
    first = ingest_paths(files)
    folder = get_settings().user_corpus_dir
    before = {p.name: p.read_bytes() for p in folder.glob("*.md")}
    again = ingest_paths(files)
    assert again.added == [] and again.merged == []
    assert {p.name: p.read_bytes() for p in folder.glob("*.md")} == before
    assert set(again.unchanged) == set(first.added) | set(first.merged)
    # One file's story is cited by the legends telling it, each file at most once per legend.
    for item in load_corpus().legends:
        cited = [source.file for source in item.legend.sources if source.file]
        assert len(cited) == len(set(cited)), item.legend.id

"""Ingesting the five seed articles: the 13 stories they tell, nothing else, merged once."""

from __future__ import annotations

import hashlib

from corpus.ingest import ingest_paths
from corpus.loader import load_corpus
from corpus.settings import PACKAGED_LEGENDS, get_settings
from tests.conftest import SEEDS_DIR

# (company fragment, key words in the story) for each distinct story in the seeds.
EXPECTED = [
    ("unknown company", "dentist"),
    ("nordstrom", "diamond"),
    ("b. dalton", "competitor"),
    ("zappos", "bouquet"),
    ("zappos", "10 hours"),
    ("ritz-carlton", "giraffe"),
    ("nordstrom", "tires"),
    ("apple", "followed up"),
    ("trader joe", "staff"),
    ("amazon", "late delivery"),
    ("morton", "porterhouse"),
    ("southwest", "plane"),
    ("phone.com", "adapter"),
]
# Text that must never become a legend: navigation, bios, lists, comment prompts.
NOT_STORIES = [
    "skip to",
    "leave a comment",
    "share this post",
    "diane mettler",
    "shep hyken is",
    "zendesk",
    "tony hsieh",
    "net promoter",
    "adaptable",
    "go the extra yard",
    "mike gorun",
]


def seed_files():
    files = sorted(SEEDS_DIR.glob("*.txt"))
    assert len(files) == 5
    return files


def score(legends) -> tuple[list, list, list]:
    """Match legends to expected stories: (found, missed, spurious)."""
    remaining = list(legends)
    found, missed = [], []
    for company, words in EXPECTED:
        match = next(
            (
                lg
                for lg in remaining
                if company in lg.company.casefold()
                and words in lg.retelling.casefold().replace("’", "'")
            ),
            None,
        )
        if match is None:
            missed.append((company, words))
        else:
            found.append((company, words, match.id))
            remaining.remove(match)
    return found, missed, remaining


def test_seed_articles_yield_their_13_stories(empty_library, legends_home):
    report = ingest_paths(seed_files())
    assert report.errors == []
    corpus = load_corpus()
    assert corpus.problems == []
    legends = [item.legend for item in corpus.legends]
    found, missed, spurious = score(legends)
    print(f"seed score: found {len(found)}, missed {len(missed)}, spurious {len(spurious)}")
    assert missed == []
    assert [lg.id for lg in spurious] == []
    assert len(found) == 13
    assert sorted(report.added) == sorted(lg.id for lg in legends)
    for legend in legends:
        assert legend.origin == "ingested"
        assert legend.status == "widely-reported"
        assert "not yet reviewed by a trainer" in legend.status_note
        text = legend.retelling.casefold()
        assert not [bad for bad in NOT_STORIES if bad in text], legend.id
        assert 25 <= len(legend.retelling.split()) <= 400
        assert all(source.file and source.checksum for source in legend.sources)
    # Stories told in two seeds are one legend with two sources (the second merged).
    by_story = {(company, words): legend_id for company, words, legend_id in found}
    twice = {
        ("zappos", "bouquet"): {"000_11ed6d1ea120abe6.txt", "003_7970ed8ce944f8e1.txt"},
        ("zappos", "10 hours"): {"001_12e444b971297423.txt", "002_e1a51859112b7b42.txt"},
        ("nordstrom", "tires"): {"001_12e444b971297423.txt", "002_e1a51859112b7b42.txt"},
    }
    by_id = {lg.id: lg for lg in legends}
    for story, files in twice.items():
        legend = by_id[by_story[story]]
        assert {source.file for source in legend.sources} == files
    assert sorted(report.merged) == sorted(by_story[story] for story in twice)
    dentist = next(lg for lg in legends if "my dentist" in lg.retelling.casefold())
    assert "names no company" in dentist.status_note


def test_reingesting_the_seeds_changes_nothing(empty_library, legends_home):
    first = ingest_paths(seed_files())
    folder = get_settings().user_corpus_dir
    before = {p.name: p.read_bytes() for p in folder.glob("*.md")}
    again = ingest_paths(seed_files())
    assert again.to_json() == {
        "added": [],
        "merged": [],
        "unchanged": sorted(first.added, key=again.unchanged.index),
        "errors": [],
    }
    assert {p.name: p.read_bytes() for p in folder.glob("*.md")} == before


def test_seed_002_merges_into_the_packaged_legends(legends_home):
    packaged = {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in PACKAGED_LEGENDS.glob("*.md")
    }
    report = ingest_paths([SEEDS_DIR / "002_e1a51859112b7b42.txt"])
    assert report.to_json() == {
        "added": [],
        "merged": ["zappos-ten-hour-call", "nordstrom-tire-return"],
        "unchanged": [],
        "errors": [],
    }
    # The package is untouched; user copies with the extra source override it.
    after = {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in PACKAGED_LEGENDS.glob("*.md")
    }
    assert after == packaged
    user = get_settings().user_corpus_dir
    assert sorted(p.name for p in user.glob("*.md")) == [
        "nordstrom-tire-return.md",
        "zappos-ten-hour-call.md",
    ]
    corpus = load_corpus()
    assert corpus.problems == []
    assert len(corpus.legends) == len(packaged)
    assert set(corpus.overridden) == {"zappos-ten-hour-call", "nordstrom-tire-return"}
    legend = corpus.by_id()["zappos-ten-hour-call"]
    assert legend.origin == "curated"  # still the curated retelling, one source more
    added = legend.sources[-1]
    assert (added.file, added.publisher) == ("002_e1a51859112b7b42.txt", "Ingested file")
    assert len(legend.sources) == 4
    # And again: nothing changes.
    again = ingest_paths([SEEDS_DIR / "002_e1a51859112b7b42.txt"]).to_json()
    assert sorted(again["unchanged"]) == ["nordstrom-tire-return", "zappos-ten-hour-call"]

"""Two processes changing the corpus at once: every story kept, every id distinct.

The stories come in pairs: two different stories by one company whose first words give
the same legend id (``make_id``). Run one after the other they get ``...-found`` and
``...-found-2``; run at the same moment in two processes (real OS processes released
by one go signal, see ``worker.py``), they must too, and neither file may replace the
other. ``LEGENDS_RACE_ROUNDS`` repeats the race (the fault-and-fuzz run uses 50).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from corpus.loader import load_corpus
from corpus.settings import get_settings
from tests.ui.storage.test_instances import run_together
from ui.storage.database import dispose_engines
from ui.storage.submissions import add_submission, get_submission

ROUNDS = int(os.environ.get("LEGENDS_RACE_ROUNDS", "2"))

# Invented companies and stories; each pair shares its first key words, not its story.
PAIRS = [
    (
        "Tallowbrook Books",
        "Tallowbrook Books clerk Morwen found a cookbook a customer had left on the counter "
        "during a rainy Tuesday rush. She tracked the owner down through the loyalty card and "
        "drove forty minutes after closing to hand it back, refusing any thanks. The customer "
        "has bought every birthday present there since.",
        "Tallowbrook Books clerk Morwen found the shop flooded one morning after a burst pipe "
        "in the ceiling. Regulars organised a weekend of volunteers who dried pages with hair "
        "dryers and reshelved the stock. The owner threw a reopening party with free tea for "
        "every helper who had turned up.",
    ),
    (
        "Quarrymead Hardware",
        "Quarrymead Hardware manager Odile noticed an elderly customer struggling to carry "
        "fence posts to the bus stop. She closed the till for ten minutes, loaded the posts "
        "into her own van and drove him home. He wrote a letter to the local paper praising "
        "the shop the following week.",
        "Quarrymead Hardware manager Odile noticed that the paint mixing machine had been "
        "giving the wrong shades for a month. She phoned every customer who had bought mixed "
        "paint, offered a free repaint kit and apologised in person. Most of them came back "
        "and thanked her for owning the mistake.",
    ),
]


def _pair_files(folder: Path, round_number: int) -> tuple[list[Path], list[Path]]:
    """One JSONL batch per side: the first stories of every pair, and the second ones."""
    folder.mkdir(parents=True, exist_ok=True)
    sides = []
    for side in (1, 2):
        path = folder / f"round-{round_number}-side-{side}.jsonl"
        rows = [{"company": pair[0], "story": pair[side]} for pair in PAIRS]
        path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
        sides.append([path])
    return sides[0], sides[1]


def _stories_in_corpus() -> dict[str, str]:
    """Each legend's retelling by id, from the files on disk."""
    loaded = load_corpus(get_settings().corpus_dirs)
    assert loaded.problems == []
    return {item.legend.id: item.legend.retelling for item in loaded.legends}


@pytest.mark.slow
@pytest.mark.usefixtures("empty_library")
def test_two_ingests_at_once_keep_every_story(tmp_path, monkeypatch):
    for round_number in range(ROUNDS):
        home = tmp_path / f"home-{round_number}"
        monkeypatch.setenv("LEGENDS_HOME", str(home))
        first, second = _pair_files(tmp_path / "inputs", round_number)
        go_dir = tmp_path / f"go-{round_number}"
        go_dir.mkdir()
        results = run_together(go_dir, ["ingest", *map(str, first)], ["ingest", *map(str, second)])
        added = [legend_id for result in results for legend_id in result["added"]]
        assert all(result["errors"] == [] for result in results), results
        assert len(added) == 2 * len(PAIRS) == len(set(added)), results
        stories = _stories_in_corpus()
        assert sorted(stories) == sorted(added)
        told = set(stories.values())
        for _company, story_one, story_two in PAIRS:
            assert story_one in told and story_two in told


@pytest.mark.slow
@pytest.mark.usefixtures("empty_library")
def test_two_approvals_at_once_on_postgresql_keep_every_story(postgres_url, tmp_path, monkeypatch):
    for round_number in range(ROUNDS):
        monkeypatch.setenv("LEGENDS_HOME", str(tmp_path / f"home-{round_number}"))
        dispose_engines()
        company, story_one, story_two = PAIRS[round_number % len(PAIRS)]
        one = add_submission(story_one, company, "Ana")
        two = add_submission(story_two, company, "Ben")
        go_dir = tmp_path / f"go-{round_number}"
        go_dir.mkdir()
        results = run_together(go_dir, ["approve", str(one.id)], ["approve", str(two.id)])
        assert all(result["approved"] for result in results), results
        ids = [result["legend_id"] for result in results]
        assert len(set(ids)) == 2, results
        stories = _stories_in_corpus()
        assert sorted(stories) == sorted(ids)
        assert set(stories.values()) == {story_one, story_two}
        assert {get_submission(one.id).legend_id, get_submission(two.id).legend_id} == set(ids)

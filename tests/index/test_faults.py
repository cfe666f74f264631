"""Faults: a deleted or corrupted index, and `kill -9` in the middle of indexing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from corpus.settings import get_settings
from index.legend_index import LegendIndex

pytestmark = pytest.mark.slow
LEGENDS = Path(sys.executable).with_name("legends")
QUESTIONS = [
    "how have companies handled a lost item?",
    "a pilot held the plane for a grieving man",
    "a tweet that got a steak delivered at the airport",
    "store took back tires it never sold",
]


def ranked(legend_index: LegendIndex) -> list[list[str]]:
    return [[hit.legend.id for hit in legend_index.search(q, 5)] for q in QUESTIONS]


def test_a_deleted_index_is_rebuilt_on_the_next_search(small_library, embedder):
    first = LegendIndex(get_settings(), embedder)
    first.sync()
    expected = ranked(first)
    import shutil

    from chromadb.api.client import SharedSystemClient

    shutil.rmtree(get_settings().index_dir)
    SharedSystemClient.clear_system_cache()
    again = LegendIndex(get_settings(), embedder)
    assert ranked(again) == expected


def test_a_corrupted_index_is_set_aside_and_rebuilt(small_library, embedder):
    first = LegendIndex(get_settings(), embedder)
    first.sync()
    expected = ranked(first)
    from chromadb.api.client import SharedSystemClient

    SharedSystemClient.clear_system_cache()
    index_dir = get_settings().index_dir
    (index_dir / "chroma.sqlite3").write_bytes(b"this is not a database" * 1000)
    (index_dir / "vectors.npz").write_bytes(b"nor is this a snapshot")
    again = LegendIndex(get_settings(), embedder)
    assert ranked(again) == expected
    assert list(index_dir.parent.glob("index.broken-*")), "the broken index is kept aside"


def test_a_cold_search_reads_the_snapshot_without_opening_chroma(small_library, embedder):
    LegendIndex(get_settings(), embedder).sync()
    again = LegendIndex(get_settings(), embedder)
    hits = again.search("a stuffed giraffe left behind at a hotel", 3)
    assert hits[0].legend.id == "ritz-carlton-joshie-giraffe"
    assert again._store is None and not again.degraded  # answered from the snapshot
    # An edit makes the snapshot stale: the next search syncs through Chroma.
    path = small_library / "ritz-carlton-joshie-giraffe.md"
    path.write_text(path.read_text(encoding="utf-8").replace("Joshie", "Josh"), encoding="utf-8")
    assert again.search("a stuffed giraffe left behind at a hotel", 3)
    assert again._store is not None


def test_kill_9_during_indexing_then_the_next_run_completes(legends_home, embedder):
    env = {**os.environ, "LEGENDS_HOME": str(legends_home)}
    process = subprocess.Popen(
        [str(LEGENDS), "index", "--rebuild"], env=env,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    # Wait until embedding has started (the index folder exists), then kill it hard.
    deadline = time.monotonic() + 60
    while not (legends_home / "index" / "chroma.sqlite3").exists():
        assert time.monotonic() < deadline and process.poll() is None
        time.sleep(0.05)
    time.sleep(1.0)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert process.returncode == -signal.SIGKILL

    finished = subprocess.run([str(LEGENDS), "index"], env=env, capture_output=True, text=True)
    assert finished.returncode == 0, finished.stderr
    from chromadb.api.client import SharedSystemClient

    SharedSystemClient.clear_system_cache()
    resumed = LegendIndex(get_settings(), embedder)
    clean_home = legends_home.parent / "clean-home"
    os.environ["LEGENDS_HOME"] = str(clean_home)
    try:
        clean = LegendIndex(get_settings(), embedder)
        clean.sync()
        assert ranked(clean) == ranked(resumed)
        assert resumed.store.stored() == clean.store.stored()
    finally:
        os.environ["LEGENDS_HOME"] = str(legends_home)

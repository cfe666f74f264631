"""The corpus writer: one change at a time, and never a file of another story replaced."""

from __future__ import annotations

import threading
import time

import pytest

from corpus.ingest.writer import WouldOverwrite, corpus_lock, write_legend
from corpus.loader import parse_legend_file
from corpus.schema import Legend, Source
from corpus.settings import get_settings


def _legend(source_file: str, retelling_word: str = "story") -> Legend:
    return Legend(
        id="tallowbrook-books-cookbook",
        title="A cookbook returned",
        company="Tallowbrook Books",
        industry="retail",
        themes=["lost-item"],
        situation="A cookbook was left behind.",
        action="The clerk drove it back.",
        outcome="The customer stayed loyal.",
        lessons=["Return what was lost."],
        try_this="Call the customer.",
        sources=[Source(title="A file", publisher="Ingested file", file=source_file)],
        status="widely-reported",
        origin="ingested",
        retelling=" ".join([retelling_word] * 30),
    )


def test_a_file_of_another_story_is_never_replaced(tmp_path):
    first = write_legend(tmp_path, _legend("first.txt"))
    before = first.read_bytes()
    with pytest.raises(WouldOverwrite, match="already tells another story"):
        write_legend(tmp_path, _legend("second.txt", "other"))
    assert first.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == [first.name]  # no temporary file left


def test_a_merge_that_keeps_the_sources_replaces_the_file(tmp_path):
    legend = _legend("first.txt")
    write_legend(tmp_path, legend)
    extra = Source(title="Another", publisher="Ingested file", file="second.txt")
    merged = legend.model_copy(update={"sources": [*legend.sources, extra]})
    path = write_legend(tmp_path, merged)
    assert parse_legend_file(path) == merged


def test_the_corpus_lock_is_reentrant_and_excludes_other_threads():
    settings = get_settings()
    order: list[str] = []

    def other() -> None:
        with corpus_lock(settings):
            order.append("other")

    with corpus_lock(settings), corpus_lock(settings):  # re-entrant: no deadlock
        thread = threading.Thread(target=other)
        thread.start()
        time.sleep(0.3)
        order.append("holder")
    thread.join(timeout=10)
    assert order == ["holder", "other"]
    assert (settings.home / "corpus.lock").exists()

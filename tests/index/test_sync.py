"""Incremental sync against a real Chroma store and the real model."""

from __future__ import annotations

from corpus.settings import get_settings
from index.embeddings import Embedder
from index.legend_index import LegendIndex
from index.store import VIEWS_PER_LEGEND


class CountingEmbedder(Embedder):
    """The real embedder, counting how many documents it embeds."""

    def __init__(self, real: Embedder):
        super().__init__(real.model_path, real.backend, real.cache_dir)
        self.__dict__["_runner"] = real.load()._runner  # share the loaded model
        self.embedded: list[int] = []

    def embed_documents(self, texts, batch_size=32):
        self.embedded.append(len(texts))
        return super().embed_documents(texts, batch_size)


def test_build_then_nothing_to_do(small_library, embedder):
    counting = CountingEmbedder(embedder)
    legend_index = LegendIndex(get_settings(), counting)
    total = len(list(small_library.glob("*.md")))

    first = legend_index.sync()
    assert len(first.added) == total and first.embedded == total
    assert len(legend_index.store.stored()) == total
    assert legend_index.store.count() == total * VIEWS_PER_LEGEND

    counting.embedded.clear()
    again = LegendIndex(get_settings(), counting).sync()
    assert again.embedded == 0 and len(again.unchanged) == total
    assert counting.embedded == []


def test_editing_one_legend_re_embeds_exactly_one(small_library, embedder):
    counting = CountingEmbedder(embedder)
    LegendIndex(get_settings(), counting).sync()
    path = small_library / "ritz-carlton-joshie-giraffe.md"
    path.write_text(
        path.read_text(encoding="utf-8").replace("title:", "title: Revised -", 1),
        encoding="utf-8",
    )
    counting.embedded.clear()
    report = LegendIndex(get_settings(), counting).sync()
    assert report.updated == ["ritz-carlton-joshie-giraffe"]
    assert report.added == [] and report.removed == []
    assert report.embedded == 1
    assert sum(counting.embedded) == VIEWS_PER_LEGEND


def test_deleting_a_legend_removes_it_from_the_index(small_library, embedder):
    legend_index = LegendIndex(get_settings(), embedder)
    legend_index.sync()
    (small_library / "ritz-carlton-joshie-giraffe.md").unlink()
    report = legend_index.sync()
    assert report.removed == ["ritz-carlton-joshie-giraffe"]
    assert "ritz-carlton-joshie-giraffe" not in legend_index.store.stored()
    hits = legend_index.search("stuffed giraffe left at a hotel sent back with photos", k=10)
    assert "ritz-carlton-joshie-giraffe" not in [hit.legend.id for hit in hits]


def test_a_different_model_rebuilds_instead_of_mixing(small_library, embedder):
    LegendIndex(get_settings(), embedder).sync()

    class RenamedEmbedder(CountingEmbedder):
        @property
        def name(self) -> str:
            return "another-model"

    renamed = RenamedEmbedder(embedder)
    report = LegendIndex(get_settings(), renamed).sync()
    assert report.rebuilt
    assert report.embedded == len(list(small_library.glob("*.md")))
    assert LegendIndex(get_settings(), renamed).store.matches_model


def test_search_syncs_first_when_the_corpus_changed(small_library, embedder):
    legend_index = LegendIndex(get_settings(), embedder)
    legend_index.sync()
    source = small_library / "ritz-carlton-joshie-giraffe.md"
    text = source.read_text(encoding="utf-8")
    new = text.replace("id: ritz-carlton-joshie-giraffe", "id: test-penguin-plush").replace(
        "giraffe", "penguin"
    )
    (small_library / "test-penguin-plush.md").write_text(new, encoding="utf-8")
    hits = legend_index.search("a stuffed penguin left behind at a hotel", k=3)
    assert "test-penguin-plush" in [hit.legend.id for hit in hits]

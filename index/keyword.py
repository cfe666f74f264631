"""BM25 keyword search over the legends' text (bm25s), rebuilt in memory after each sync.

The corpus is small (hundreds of legends), so building takes milliseconds and
nothing needs to be persisted.
"""

from __future__ import annotations

import sys

from corpus.schema import Legend
from corpus.text import search_stop_words, stems


def _import_bm25s():
    """bm25s, imported without SciPy when nothing has loaded SciPy yet.

    bm25s imports ``scipy.sparse`` when it can, and that module (with SciPy's array API
    layer, which loads most of NumPy's submodules) was a good part of a cold search's
    start. bm25s's NumPy back end, used below, gives the same scores without it.
    """
    if "bm25s" in sys.modules:
        return sys.modules["bm25s"]
    hide = "scipy.sparse" not in sys.modules
    if hide:
        sys.modules["scipy.sparse"] = None  # an ImportError for bm25s, which it expects
    try:
        import bm25s
    finally:
        if hide and "scipy.sparse" in sys.modules and sys.modules["scipy.sparse"] is None:
            del sys.modules["scipy.sparse"]  # anyone else imports SciPy as usual
    return bm25s


bm25s = _import_bm25s()
STOPWORDS = search_stop_words()


def _tokens(text: str) -> list[str]:
    return [s for s in stems(text) if s not in STOPWORDS]


def _weighted_text(legend: Legend) -> str:
    # Names in the title and company are the words people remember a legend by.
    return "\n".join([legend.title, legend.company, legend.search_text()])


class KeywordIndex:
    """BM25 over each legend's search text."""

    def __init__(self, legends: list[Legend]) -> None:
        self.ids = [legend.id for legend in legends]
        self._bm25: bm25s.BM25 | None = None
        if legends:
            corpus = [_tokens(_weighted_text(legend)) for legend in legends]
            self._bm25 = bm25s.BM25(csc_backend="numpy")
            self._bm25.index(_as_tokenized(corpus), show_progress=False)

    def search(self, query: str, k: int) -> list[tuple[str, float]]:
        """Up to ``k`` ``(legend id, BM25 score)`` with a positive score, best first."""
        tokens = _tokens(query)
        if self._bm25 is None or not tokens:
            return []
        scores = self._bm25.get_scores(tokens)
        ranked = sorted(range(len(scores)), key=lambda i: scores[i], reverse=True)[:k]
        return [(self.ids[i], float(scores[i])) for i in ranked if scores[i] > 0]


def _as_tokenized(corpus: list[list[str]]) -> bm25s.tokenization.Tokenized:
    vocab: dict[str, int] = {}
    ids = [[vocab.setdefault(token, len(vocab)) for token in doc] for doc in corpus]
    return bm25s.tokenization.Tokenized(ids=ids, vocab=vocab)

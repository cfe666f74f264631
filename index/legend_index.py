"""The searchable legend index: corpus files + embeddings + Chroma, always in sync.

Searches check the corpus files' sizes and modification times first (cheap) and
re-sync when anything changed, so results are never stale.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from corpus.loader import CorpusLoad, LegendProblem, legend_files, load_corpus
from corpus.schema import Legend
from corpus.settings import Settings, get_settings
from index.embeddings import Embedder, load_embedder
from index.store import LegendStore
from index.sync import SyncReport, sync_store


@dataclass(frozen=True)
class SearchHit:
    """One legend found for a query, with its cosine similarity (higher is closer)."""

    legend: Legend
    score: float


def _signature(folders: list[Path]) -> tuple:
    out = []
    for path in legend_files(folders):
        try:
            stat = path.stat()
        except OSError:
            continue
        out.append((str(path), stat.st_mtime_ns, stat.st_size))
    return tuple(out)


def build_where(
    themes: list[str] | None = None, industry: str | None = None, company: str | None = None
) -> dict | None:
    """A Chroma ``where`` filter: every theme given, and the industry and company if given."""
    clauses: list[dict] = [{f"theme:{theme}": True} for theme in themes or []]
    if industry:
        clauses.append({"industry": industry})
    if company:
        clauses.append({"company": company.casefold()})
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


class LegendIndex:
    """Sync and search the legends of one ``LEGENDS_HOME``."""

    def __init__(self, settings: Settings | None = None, embedder: Embedder | None = None):
        self.settings = settings or get_settings()
        self.embedder = embedder or load_embedder(self.settings.embedding_model)
        self.store = LegendStore(self.settings.index_dir, self.embedder.name)
        self._lock = threading.RLock()
        self._signature: tuple | None = None
        self._corpus = CorpusLoad()
        self._legends: dict[str, Legend] = {}

    @property
    def legends(self) -> dict[str, Legend]:
        """Every valid legend by id, as of the last sync."""
        self.ensure_fresh()
        return self._legends

    @property
    def problems(self) -> list[LegendProblem]:
        self.ensure_fresh()
        return self._corpus.problems

    def sync(self, *, rebuild: bool = False, progress: bool = False) -> SyncReport:
        """Reload the corpus and bring the store in line with it."""
        with self._lock:
            signature = _signature(self.settings.corpus_dirs)
            corpus = load_corpus(self.settings.corpus_dirs)
            report = sync_store(
                self.store, self.embedder, corpus.legends, rebuild=rebuild, progress=progress
            )
            self._corpus = corpus
            self._legends = corpus.by_id()
            self._signature = signature
            return report

    def ensure_fresh(self) -> SyncReport | None:
        """Sync when the corpus files changed since the last look; else do nothing."""
        with self._lock:
            if self._signature == _signature(self.settings.corpus_dirs):
                return None
            return self.sync()

    def search(
        self,
        query: str,
        k: int = 5,
        *,
        themes: list[str] | None = None,
        industry: str | None = None,
        company: str | None = None,
    ) -> list[SearchHit]:
        """The ``k`` legends closest to ``query``, best first, after the filters."""
        if not query or not query.strip():
            raise ValueError("the query is empty")
        self.ensure_fresh()
        vector = self.embedder.embed_query(query.strip())
        found = self.store.query(vector, k, build_where(themes, industry, company))
        return [
            SearchHit(self._legends[legend_id], score)
            for legend_id, score in found
            if legend_id in self._legends
        ]

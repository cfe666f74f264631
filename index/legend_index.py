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
from index.keyword import KeywordIndex
from index.query_facets import QueryFacets, detect_facets
from index.ranking import DEFAULT_RETRIEVER, QuerySignals, rank
from index.store import LegendStore
from index.sync import SyncReport, sync_store


@dataclass(frozen=True)
class SearchHit:
    """One legend found for a query.

    ``score`` orders the results (its scale depends on the retriever); ``relevance``
    is comparable across queries (cosine similarity of the closest view plus
    evidence from facets the question names) and is what thresholds use.
    """

    legend: Legend
    score: float
    relevance: float


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
        self.embedder = embedder or load_embedder()
        self.store = LegendStore(self.settings.index_dir, self.embedder.name)
        self._lock = threading.RLock()
        self._signature: tuple | None = None
        self._corpus = CorpusLoad()
        self._legends: dict[str, Legend] = {}
        self._companies: list[str] = []
        self._keyword = KeywordIndex([])

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
            self._companies = sorted({lg.company for lg in self._legends.values()})
            self._keyword = KeywordIndex(list(self._legends.values()))
            self._signature = signature
            return report

    def ensure_fresh(self) -> SyncReport | None:
        """Sync when the corpus files changed since the last look; else do nothing."""
        with self._lock:
            if self._signature == _signature(self.settings.corpus_dirs):
                return None
            return self.sync()

    def facets(self, query: str) -> QueryFacets:
        """Themes, principles, industries and companies the question names."""
        self.ensure_fresh()
        return detect_facets(query, self._companies)

    def search(
        self,
        query: str,
        k: int = 5,
        *,
        themes: list[str] | None = None,
        industry: str | None = None,
        company: str | None = None,
        retriever: str = DEFAULT_RETRIEVER,
        min_relevance: float | None = None,
    ) -> list[SearchHit]:
        """The ``k`` legends that best answer ``query``, best first, after the filters."""
        if not query or not query.strip():
            raise ValueError("the query is empty")
        query = query.strip()
        self.ensure_fresh()
        allowed = {
            legend_id: legend
            for legend_id, legend in self._legends.items()
            if all(t in legend.themes for t in themes or [])
            and (not industry or legend.industry == industry)
            and (not company or legend.company.casefold() == company.casefold())
        }
        if not allowed:
            return []
        vector = self.embedder.embed_query(query)
        nearest = self.store.query(vector, len(allowed), build_where(themes, industry, company))
        signals = QuerySignals(
            legends=allowed,
            cosine={i: score for i, score in nearest if i in allowed},
            keyword=[
                (i, s) for i, s in self._keyword.search(query, len(self._legends)) if i in allowed
            ],
            facets=detect_facets(query, self._companies),
        )
        scored = rank(signals, retriever)
        ranked = sorted(scored, key=lambda i: scored[i], reverse=True)
        hits = [SearchHit(allowed[i], scored[i], signals.relevance(i)) for i in ranked]
        if min_relevance is not None:
            hits = [hit for hit in hits if hit.relevance >= min_relevance]
        return hits[:k]

    @property
    def ids(self) -> list[str]:
        self.ensure_fresh()
        return list(self._legends)

"""The searchable legend index: corpus files + embeddings + Chroma, always in sync.

Searches check the corpus files' sizes and modification times first (cheap) and
re-sync when anything changed, so results are never stale.
"""

from __future__ import annotations

import logging
import os
import shutil
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from corpus.disk import DiskFull, is_disk_full
from corpus.loader import CorpusLoad, LegendProblem, load_corpus
from corpus.schema import Legend
from corpus.settings import Settings, get_settings
from index import snapshot
from index.embeddings import Embedder, load_embedder
from index.keyword import KeywordIndex
from index.query_facets import QueryFacets, detect_facets
from index.ranking import DEFAULT_RETRIEVER, QuerySignals, rank
from index.snapshot import VectorSnapshot, corpus_fingerprint
from index.store import SCHEMA_VERSION, LegendStore, StoreUnavailable
from index.sync import SyncReport, sync_store
from index.teaching import TeachingViews, teaching_views

log = logging.getLogger("legends.index")
# How long an unreachable Chroma server is left alone before the next attempt.
RECONNECT_SECONDS = 2.0


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
    """Names, sizes and modification times of the legend files: cheap to compare."""
    out = []
    for folder in folders:
        try:
            entries = os.scandir(folder)
        except OSError:
            continue
        with entries:
            for entry in entries:
                if entry.name.endswith(".md") and entry.is_file():
                    stat = entry.stat()
                    out.append((entry.path, stat.st_mtime_ns, stat.st_size))
    return tuple(sorted(out))


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
    """Sync and search the legends of one ``LEGENDS_HOME``.

    The corpus files are the source of truth; the vector store is derived from them.
    A local index that cannot be read is set aside and rebuilt. An unreachable Chroma
    server degrades search to keywords and facets until it answers again.
    """

    def __init__(self, settings: Settings | None = None, embedder: Embedder | None = None):
        self.settings = settings or get_settings()
        self.embedder = embedder or load_embedder(settings=self.settings)
        self.store_error: str | None = None
        self._store: LegendStore | None = None
        self._store_in_sync = False
        self._last_attempt = float("-inf")
        self._lock = threading.RLock()
        self._signature: tuple | None = None
        self._corpus = CorpusLoad()
        self._legends: dict[str, Legend] = {}
        self._companies: list[str] = []
        self._keyword = KeywordIndex([])
        self._snapshot: VectorSnapshot | None = None
        self._teaching: TeachingViews | None = None
        self._repairing = threading.Event()
        if self.settings.chroma_url:
            self._connect()  # report an unreachable server at once

    # -- the vector store ---------------------------------------------------------------

    @property
    def store(self) -> LegendStore:
        """The connected store; raises :class:`StoreUnavailable` when there is none."""
        store = self._connect(retry_now=True)
        if store is None:
            raise StoreUnavailable(self.store_error or "the vector store is unavailable")
        return store

    @property
    def degraded(self) -> bool:
        """True while searches run without vectors (keywords and facets only)."""
        return self._store is None and self._snapshot is None

    def _open_store(self) -> LegendStore:
        return LegendStore(self.settings.index_dir, self.embedder.name, self.settings.chroma_url)

    def _connect(self, retry_now: bool = False) -> LegendStore | None:
        with self._lock:
            if self._store is not None:
                return self._store
            now = time.monotonic()
            if not retry_now and now - self._last_attempt < RECONNECT_SECONDS:
                return None
            self._last_attempt = now
            try:
                self._store = self._open_store()
            except StoreUnavailable as error:
                if self.settings.chroma_url:
                    self._unavailable(error)
                    return None
                self._raise_if_disk_full(error)  # no room is not a broken index
                self._store = self._rebuild_local(error)
            self.store_error = None
            self._store_in_sync = False
            return self._store

    def _raise_if_disk_full(self, error: BaseException) -> None:
        """A full disk is said as such, and the index is left where it is (not set aside)."""
        if is_disk_full(error):
            raise DiskFull(f"the index at {self.settings.index_dir}") from error

    def _unavailable(self, error: Exception) -> None:
        if self.store_error is None:
            log.warning("vector store unavailable, searching by keywords only: %s", error)
        self.store_error = str(error)
        self._store = None

    def _rebuild_local(self, error: Exception) -> LegendStore:
        """Set a broken local index aside (never delete it) and start an empty one."""
        from chromadb.api.client import SharedSystemClient

        broken = self.settings.index_dir.with_name(f"index.broken-{int(time.time())}")
        log.warning("the index could not be read (%s); moved to %s and rebuilding", error, broken)
        SharedSystemClient.clear_system_cache()
        if self.settings.index_dir.exists():
            shutil.move(str(self.settings.index_dir), str(broken))
        self._store_in_sync = False
        self._snapshot = None
        self._teaching = None
        return self._open_store()

    # -- health -------------------------------------------------------------------------

    def health(self) -> tuple[int, bool]:
        """(how many legends, whether every one is in the vector store), checked live.

        A store handle that stopped working (another process rebuilt the index, or the
        index folder was deleted) is reopened, and the index completed, in the background;
        until then this says False, and searches go on from the vectors in memory.
        """
        if self._repairing.is_set():
            return len(self._legends), False
        try:
            legends = self.legends
            if not self.settings.chroma_url and not self.settings.index_dir.is_dir():
                raise StoreUnavailable(f"the index folder {self.settings.index_dir} is gone")
            ok = bool(legends) and set(self.store.stored()) == set(legends)
        except Exception as error:  # noqa: BLE001 - a health check reports, it does not raise
            self._start_repair(error)
            return len(self._legends), False
        if not ok:
            self._start_repair("the index is missing legends")
        return len(legends), ok

    def _start_repair(self, why: object) -> None:
        if self._repairing.is_set():
            return
        self._repairing.set()
        log.warning("the index needs repair (%s); reopening it in the background", why)
        threading.Thread(target=self._repair, name="index-repair", daemon=True).start()

    def _repair(self) -> None:
        try:
            with self._lock:
                if not self.settings.chroma_url:
                    # Chroma caches one client per folder; after a rebuild by another
                    # process (or a deleted folder) that client points at what is gone.
                    from chromadb.api.client import SharedSystemClient

                    SharedSystemClient.clear_system_cache()
                self._store = None
                self._store_in_sync = False
                if self._connect(retry_now=True) is not None:
                    self._sync_store()  # after a rebuild the hashes match: nothing to embed
        except Exception as error:  # noqa: BLE001 - logged; the next health check retries
            log.warning("the index could not be repaired yet: %s", error)
        finally:
            self._repairing.clear()

    # -- the corpus ---------------------------------------------------------------------

    @property
    def legends(self) -> dict[str, Legend]:
        """Every valid legend by id, as of the last sync."""
        self.ensure_fresh()
        return self._legends

    @property
    def problems(self) -> list[LegendProblem]:
        self.ensure_fresh()
        return self._corpus.problems

    def _load_corpus(self) -> None:
        signature = _signature(self.settings.corpus_dirs)
        corpus = load_corpus(self.settings.corpus_dirs)
        self._corpus = corpus
        self._legends = corpus.by_id()
        self._companies = sorted({lg.company for lg in self._legends.values()})
        self._keyword = KeywordIndex(list(self._legends.values()))
        self._signature = signature
        self._store_in_sync = False
        self._snapshot = None

    def _fingerprint(self) -> str:
        hashes = {item.legend.id: item.content_hash for item in self._corpus.legends}
        return corpus_fingerprint(hashes, self.embedder.name, SCHEMA_VERSION)

    def _use_snapshot(self) -> bool:
        """Search a local index from its snapshot when it matches the corpus (no Chroma)."""
        if self.settings.chroma_url:
            return False
        self._snapshot = snapshot.load(self.settings.index_dir, self._fingerprint())
        return self._snapshot is not None

    def _write_snapshot(self, store: LegendStore) -> None:
        if self.settings.chroma_url:
            return
        ids, vectors = store.all_vectors()
        matrix = np.asarray(vectors, dtype=np.float32)
        if not ids:  # an empty corpus: nothing to search, but still a valid snapshot
            matrix = np.zeros((0, 0), dtype=np.float32)
        fingerprint = self._fingerprint()
        try:
            snapshot.save(self.settings.index_dir, ids, matrix, fingerprint)
        except OSError as error:
            self._raise_if_disk_full(error)
            raise
        self._snapshot = VectorSnapshot(ids, matrix, fingerprint)

    def sync(self, *, rebuild: bool = False, progress: bool = False) -> SyncReport:
        """Reload the corpus and bring the store in line with it."""
        with self._lock:
            self._load_corpus()
            return self._sync_store(rebuild=rebuild, progress=progress)

    def _sync_store(self, *, rebuild: bool = False, progress: bool = False) -> SyncReport:
        store = self.store
        try:
            report = sync_store(
                store, self.embedder, self._corpus.legends, rebuild=rebuild, progress=progress
            )
        except Exception as error:
            if self.settings.chroma_url:
                self._unavailable(error)
                raise StoreUnavailable(str(error)) from error
            self._raise_if_disk_full(error)
            self._store = self._rebuild_local(error)
            store = self._store
            report = sync_store(
                store, self.embedder, self._corpus.legends, rebuild=True, progress=progress
            )
        self._write_snapshot(store)
        self._store_in_sync = True
        return report

    def ensure_fresh(self) -> SyncReport | None:
        """Sync when the corpus files changed or the store came back; else do nothing."""
        with self._lock:
            if self._signature != _signature(self.settings.corpus_dirs):
                self._load_corpus()
            if self._store_in_sync:
                return None
            if self._snapshot is None and self._use_snapshot():
                self._store_in_sync = True  # the snapshot proves the vectors match the corpus
                return None
            if self._connect() is None:
                return None
            try:
                return self._sync_store()
            except StoreUnavailable:
                return None

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
        where = build_where(themes, industry, company)
        nearest = self._nearest(query, len(allowed), where, set(allowed))
        signals = QuerySignals(
            legends=allowed,
            cosine={i: score for i, score in nearest if i in allowed},
            keyword=[
                (i, s) for i, s in self._keyword.search(query, len(self._legends)) if i in allowed
            ],
            facets=detect_facets(query, self._companies),
            teaching=self.teaching_cosines(query) if nearest else ({}, {}),
        )
        scored = rank(signals, retriever)
        ranked = sorted(scored, key=lambda i: scored[i], reverse=True)
        if min_relevance is None:
            ranked = ranked[:k]  # relevance is only worked out for what is returned
        hits = [SearchHit(allowed[i], scored[i], signals.relevance(i)) for i in ranked]
        if min_relevance is not None:
            hits = [hit for hit in hits if hit.relevance >= min_relevance]
        return hits[:k]

    def teaching_cosines(self, query: str) -> tuple[dict[str, float], dict[str, float]]:
        """(best move-situation cosine, customer-brief cosine) by legend id for ``query``."""
        teaching = self._teaching
        if teaching is None:
            with self._lock:
                if self._teaching is None:
                    self._teaching = teaching_views(
                        list(self._legends.values()), self.embedder, self.settings.index_dir
                    )
                teaching = self._teaching
        return teaching.cosines(self.embedder.embed_query(query))

    def evidence(self, query: str) -> tuple[float, float]:
        """(best cosine of any legend view, best BM25 score) for ``query``: how strongly
        the library as a whole matches it, for the refusal decision (0.0 when unknown)."""
        self.ensure_fresh()
        nearest = self._nearest(query, 1, None, set(self._legends)) if self._legends else []
        keyword = self._keyword.search(query, 1)
        return (nearest[0][1] if nearest else 0.0, keyword[0][1] if keyword else 0.0)

    def _nearest(
        self, query: str, k: int, where: dict | None, allowed: set[str]
    ) -> list[tuple[str, float]]:
        """Vector neighbours, or nothing when no vectors are available (degraded search)."""
        if self._snapshot is not None:
            return self._snapshot.query(self.embedder.embed_query(query), k, allowed)
        store = self._connect()
        if store is None:
            return []
        vector = self.embedder.embed_query(query)
        try:
            return store.query(vector, k, where)
        except Exception as error:
            if self.settings.chroma_url:
                self._unavailable(error)
                return []
            self._raise_if_disk_full(error)
            with self._lock:
                self._store = self._rebuild_local(error)
                self._sync_store()
                return self._store.query(vector, k, where)

    @property
    def ids(self) -> list[str]:
        self.ensure_fresh()
        return list(self._legends)

"""Bring the Chroma store in line with the corpus files, embedding only what changed."""

from __future__ import annotations

from dataclasses import dataclass, field

from corpus.loader import LoadedLegend
from corpus.schema import Legend
from index.embeddings import Embedder
from index.progress import embedding_progress
from index.store import LegendStore
from index.views import legend_views, view_id

# Legends embedded and written per step: texts are sorted by length across the whole
# step (little padding), and Chroma gets one write per step instead of one per legend.
BATCH = 128


@dataclass
class SyncReport:
    """What a sync did, by legend id."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    rebuilt: bool = False

    @property
    def embedded(self) -> int:
        return len(self.added) + len(self.updated)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed or self.rebuilt)

    def summary(self) -> str:
        parts = [
            f"{len(self.added)} added",
            f"{len(self.updated)} updated",
            f"{len(self.removed)} removed",
            f"{len(self.unchanged)} unchanged",
        ]
        return ("rebuilt: " if self.rebuilt else "") + ", ".join(parts)


def legend_metadata(legend: Legend, content_hash: str) -> dict:
    """What Chroma stores beside the vector: the hash, and fields to filter on."""
    meta: dict = {
        "legend_id": legend.id,
        "content_hash": content_hash,
        "company": legend.company.casefold(),
        "industry": legend.industry,
    }
    for theme in legend.themes:
        meta[f"theme:{theme}"] = True
    return meta


def plan_sync(stored: dict[str, str], legends: list[LoadedLegend]) -> SyncReport:
    """Decide, from content hashes alone, what must be embedded or removed."""
    report = SyncReport()
    current = {item.legend.id: item.content_hash for item in legends}
    for legend_id, digest in current.items():
        if legend_id not in stored:
            report.added.append(legend_id)
        elif stored[legend_id] != digest:
            report.updated.append(legend_id)
        else:
            report.unchanged.append(legend_id)
    report.removed = sorted(set(stored) - set(current))
    return report


def sync_store(
    store: LegendStore,
    embedder: Embedder,
    legends: list[LoadedLegend],
    *,
    rebuild: bool = False,
    progress: bool = False,
) -> SyncReport:
    """Embed new and edited legends, drop deleted ones; rebuild on a model change."""
    rebuilt = rebuild or not store.matches_model
    if rebuilt:
        store.reset()
    report = plan_sync({} if rebuilt else store.stored(), legends)
    report.rebuilt = rebuilt
    if (
        not rebuilt
        and report.embedded
        and store.stored_dimension()
        not in (
            None,
            embedder.dimension,
        )
    ):
        # Same name, different vectors: never mix them in one collection.
        store.reset()
        return sync_store(store, embedder, legends, rebuild=True, progress=progress)

    store.delete(report.removed)
    todo_ids = set(report.added) | set(report.updated)
    todo = [item for item in legends if item.legend.id in todo_ids]
    with embedding_progress(len(todo), enabled=progress) as advance:
        for start in range(0, len(todo), BATCH):
            batch = todo[start : start + BATCH]
            views = [legend_views(item.legend) for item in batch]
            vectors = embedder.embed_documents([t for v in views for t in v.values()])
            ids, metadatas = [], []
            for item, item_views in zip(batch, views, strict=True):
                meta = legend_metadata(item.legend, item.content_hash)
                ids += [view_id(item.legend.id, name) for name in item_views]
                metadatas += [{**meta, "view": name} for name in item_views]
            store.replace_legends([item.legend.id for item in batch], ids, vectors, metadatas)
            advance(len(batch))
    if todo and store.stored_dimension() is None:
        store.record_dimension(embedder.dimension)
    return report

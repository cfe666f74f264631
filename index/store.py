"""The Chroma collection that holds one embedding per legend.

Embeddings are always passed in explicitly; the collection is created without an
embedding function so Chroma never tries to download its default model.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

from index.views import VIEW_SEPARATOR

COLLECTION = "legends"
VIEWS_PER_LEGEND = 2  # see index.views.legend_views
SCHEMA_VERSION = "3"  # bump when the stored metadata layout changes


class StoreUnavailable(RuntimeError):
    """The vector store cannot be reached or read; the message says which and why."""


def _chroma_settings():
    from chromadb.config import Settings as ChromaSettings

    return ChromaSettings(anonymized_telemetry=False, allow_reset=True)


def _client(index_dir: Path | None, url: str | None):
    import chromadb

    if url:
        parsed = urlparse(url)
        if parsed.scheme not in ("http", "https") or not parsed.hostname:
            raise StoreUnavailable(f"LEGENDS_CHROMA_URL={url!r} is not an http(s) URL")
        try:
            return chromadb.HttpClient(
                host=parsed.hostname,
                port=parsed.port or (443 if parsed.scheme == "https" else 8000),
                ssl=parsed.scheme == "https",
                settings=_chroma_settings(),
            )
        except Exception as error:  # connection refused, DNS, TLS...
            raise StoreUnavailable(
                f"the Chroma server at {url} is unreachable ({error})"
            ) from error
    assert index_dir is not None
    index_dir.mkdir(parents=True, exist_ok=True)
    try:
        return chromadb.PersistentClient(path=str(index_dir), settings=_chroma_settings())
    except Exception as error:  # a corrupted database file, a directory we cannot use
        raise StoreUnavailable(f"the index at {index_dir} cannot be opened ({error})") from error


class LegendStore:
    """A Chroma collection tagged with the embedding model that filled it.

    Local (a folder under ``LEGENDS_HOME``) or remote (``LEGENDS_CHROMA_URL``).
    """

    def __init__(self, index_dir: Path | None, model_name: str, url: str | None = None) -> None:
        self.index_dir = index_dir
        self.url = url
        self.model_name = model_name
        self.client = _client(index_dir, url)
        try:
            self.collection = self._open()
        except StoreUnavailable:
            raise
        except Exception as error:
            where = url or index_dir
            raise StoreUnavailable(f"the index at {where} cannot be read ({error})") from error

    @property
    def location(self) -> str:
        return self.url or str(self.index_dir)

    def _open(self):
        return self.client.get_or_create_collection(
            COLLECTION,
            embedding_function=None,
            metadata={
                "hnsw:space": "cosine",
                "embedding_model": self.model_name,
                "schema_version": SCHEMA_VERSION,
            },
        )

    @property
    def matches_model(self) -> bool:
        """False when the collection was filled by another model or metadata layout."""
        meta = self.collection.metadata or {}
        return (
            meta.get("embedding_model") == self.model_name
            and meta.get("schema_version") == SCHEMA_VERSION
        )

    def stored_dimension(self) -> int | None:
        meta = self.collection.metadata or {}
        value = meta.get("dimension")
        return int(value) if value is not None else None

    def reset(self, dimension: int | None = None) -> None:
        """Drop every vector and start an empty collection for the current model."""
        self.client.delete_collection(COLLECTION)
        self.collection = self._open()
        if dimension is not None:
            self.record_dimension(dimension)

    def record_dimension(self, dimension: int) -> None:
        meta = dict(self.collection.metadata or {})
        meta.pop("hnsw:space", None)  # immutable after creation; Chroma rejects changing it
        meta["dimension"] = dimension
        self.collection.modify(metadata=meta)

    def all_vectors(self) -> tuple[list[str], list[list[float]]]:
        """Every vector id and vector (for the snapshot written after a sync)."""
        got = self.collection.get(include=["embeddings"])
        return list(got["ids"]), [list(map(float, vector)) for vector in got["embeddings"]]

    def stored(self) -> dict[str, str]:
        """Map of legend id to the content hash it was embedded from.

        A legend whose views carry different hashes (an interrupted write) maps to
        an empty hash, so the next sync embeds it again.
        """
        got = self.collection.get(include=["metadatas"])
        hashes: dict[str, set[str]] = {}
        for meta in got["metadatas"]:
            meta = meta or {}
            hashes.setdefault(meta.get("legend_id", ""), set()).add(meta.get("content_hash", ""))
        return {
            legend_id: next(iter(found)) if len(found) == 1 else ""
            for legend_id, found in hashes.items()
        }

    def replace_legend(
        self, legend_id: str, ids: list[str], embeddings: list[list[float]], metadatas: list[dict]
    ) -> None:
        """Store a legend's vectors (one per view), dropping any views it no longer has."""
        self.replace_legends([legend_id], ids, embeddings, metadatas)

    def replace_legends(
        self,
        legend_ids: list[str],
        ids: list[str],
        embeddings: list[list[float]],
        metadatas: list[dict],
    ) -> None:
        """Store the vectors of several legends in one write (one upsert, not one per
        legend): each legend's views land together, and views they no longer have go."""
        self.delete(legend_ids)
        self.collection.upsert(ids=ids, embeddings=embeddings, metadatas=metadatas)

    def delete(self, legend_ids: list[str]) -> None:
        """Remove every vector of the given legends."""
        if legend_ids:
            self.collection.delete(where={"legend_id": {"$in": list(legend_ids)}})

    def count(self) -> int:
        """How many vectors are stored (several per legend)."""
        return self.collection.count()

    def query(self, embedding: list[float], k: int, where: dict | None = None) -> list[tuple]:
        """The ``k`` nearest legends as ``(legend id, cosine similarity)``, best first.

        A legend scores by its closest view.
        """
        if k <= 0:
            return []
        # Chroma caps n_results at what it holds, so no count() round trip is needed.
        got = self.collection.query(
            query_embeddings=[embedding],
            n_results=max(k * VIEWS_PER_LEGEND, 64),
            where=where or None,
            include=["distances"],
        )
        best: dict[str, float] = {}
        for vector_id, distance in zip(got["ids"][0], got["distances"][0], strict=True):
            legend_id = vector_id.rsplit(VIEW_SEPARATOR, 1)[0]
            best.setdefault(legend_id, 1.0 - float(distance))  # results come nearest first
        return sorted(best.items(), key=lambda item: item[1], reverse=True)[:k]

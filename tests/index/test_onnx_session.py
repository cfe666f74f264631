"""The graph-optimised ONNX copy: made once, reused, same vectors, rebuilt when damaged."""

from __future__ import annotations

import shutil

import numpy as np
import onnxruntime

from index import onnx_export
from index.embeddings import Embedder

TEXTS = ["a lost teddy bear", "the courier lost the replacement part twice and she is furious"]


def copy_export(embedder: Embedder, cache_dir) -> None:
    """The session's ONNX export, copied into ``cache_dir`` (no torch export needed)."""
    source = onnx_export.ensure_onnx(embedder.model_path, embedder.cache_dir)
    target = onnx_export.onnx_path(embedder.model_path, cache_dir)
    target.parent.mkdir(parents=True)
    shutil.copy(source, target)


def optimised_copies(cache_dir) -> list:
    return sorted((cache_dir / "onnx").glob(f"*.ort-{onnxruntime.__version__}.onnx"))


def test_optimised_copy_is_made_once_and_gives_the_same_vectors(embedder, tmp_path):
    copy_export(embedder, tmp_path)
    first = Embedder(embedder.model_path, "onnx", tmp_path)
    vectors = np.array(first.embed_documents(TEXTS))
    [copy] = optimised_copies(tmp_path)
    written = copy.stat().st_mtime_ns

    second = Embedder(embedder.model_path, "onnx", tmp_path)
    again = np.array(second.embed_documents(TEXTS))
    assert copy.stat().st_mtime_ns == written  # loaded, not optimised again
    assert np.allclose(vectors, again, atol=1e-6)
    reference = np.array(embedder.embed_documents(TEXTS))
    assert np.allclose(vectors, reference, atol=1e-5)
    assert not list((tmp_path / "onnx").glob("*.part"))


def test_a_damaged_copy_is_replaced(embedder, tmp_path):
    copy_export(embedder, tmp_path)
    Embedder(embedder.model_path, "onnx", tmp_path).load()
    [copy] = optimised_copies(tmp_path)
    copy.write_bytes(b"not an onnx model")
    vectors = Embedder(embedder.model_path, "onnx", tmp_path).embed_documents(TEXTS)
    assert np.allclose(vectors, embedder.embed_documents(TEXTS), atol=1e-5)
    assert copy.stat().st_size > 1_000_000

"""Shared fixtures: a temporary LEGENDS_HOME per test and the real embedding model."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
# One export of the ONNX model per test run, outside the user's own cache.
os.environ["LEGENDS_CACHE_DIR"] = tempfile.mkdtemp(prefix="legends-test-cache-")

from hypothesis import settings as hypothesis_settings  # noqa: E402

# Property tests: `make test` tries 50 inputs each; HYPOTHESIS_PROFILE=thorough tries 1,000.
hypothesis_settings.register_profile("quick", max_examples=50)
hypothesis_settings.register_profile("thorough", max_examples=1000)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "quick"))

from corpus.settings import PACKAGED_LEGENDS, get_settings  # noqa: E402
from index.embeddings import Embedder, load_embedder  # noqa: E402

SEEDS_DIR = Path(__file__).resolve().parent / "data" / "seeds"


@pytest.fixture(autouse=True)
def legends_home(tmp_path, monkeypatch) -> Path:
    """Every test gets its own empty LEGENDS_HOME; the user's data is never touched."""
    home = tmp_path / "legends-home"
    monkeypatch.setenv("LEGENDS_HOME", str(home))
    monkeypatch.delenv("LEGENDS_LIBRARY_DIR", raising=False)
    monkeypatch.delenv("LEGENDS_EMBEDDING_MODEL", raising=False)
    monkeypatch.delenv("LEGENDS_LLM", raising=False)
    return home


@pytest.fixture
def library_copy(tmp_path, monkeypatch) -> Path:
    """A writable copy of the packaged legends, used as the library for this test."""
    target = tmp_path / "library"
    shutil.copytree(PACKAGED_LEGENDS, target)
    monkeypatch.setenv("LEGENDS_LIBRARY_DIR", str(target))
    return target


@pytest.fixture
def empty_library(tmp_path, monkeypatch) -> Path:
    """An empty library, so only what a test ingests is in the corpus."""
    folder = tmp_path / "empty-library"
    folder.mkdir()
    monkeypatch.setenv("LEGENDS_LIBRARY_DIR", str(folder))
    return folder


SMALL_LIBRARY = (
    "ritz-carlton-joshie-giraffe",
    "nordstrom-diamond-vacuum-bags",
    "nordstrom-tire-return",
    "southwest-holds-plane-for-grandfather",
    "mortons-airport-porterhouse",
    "zappos-ten-hour-call",
    "disney-toby-bear-reunited",
    "united-breaks-guitars",
    "lego-luka-lost-minifigure",
    "amazon-late-delivery-credit",
)


@pytest.fixture
def small_library(tmp_path, monkeypatch) -> Path:
    """A writable library of ten legends: quick to embed, for sync tests."""
    target = tmp_path / "small-library"
    target.mkdir()
    for legend_id in SMALL_LIBRARY:
        shutil.copy(PACKAGED_LEGENDS / f"{legend_id}.md", target)
    monkeypatch.setenv("LEGENDS_LIBRARY_DIR", str(target))
    return target


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    """The real all-MiniLM-L6-v2 model (ONNX back end), loaded once for the whole run."""
    model = load_embedder()
    assert model.dimension == 384
    return model


@pytest.fixture(scope="session")
def shared_index_home(tmp_path_factory, embedder) -> Path:
    """A LEGENDS_HOME with the packaged library indexed once, for read-only tests."""
    from index.legend_index import LegendIndex

    home = tmp_path_factory.mktemp("shared-home")
    old = os.environ.get("LEGENDS_HOME")
    os.environ["LEGENDS_HOME"] = str(home)
    try:
        LegendIndex(get_settings(), embedder).sync()
    finally:
        if old is None:
            os.environ.pop("LEGENDS_HOME", None)
        else:
            os.environ["LEGENDS_HOME"] = old
    return home


@pytest.fixture
def shared_index(shared_index_home, monkeypatch, embedder):
    """A ready LegendIndex over the packaged library (do not modify its files)."""
    from index.legend_index import LegendIndex

    monkeypatch.setenv("LEGENDS_HOME", str(shared_index_home))
    return LegendIndex(get_settings(), embedder)


@pytest.fixture(scope="session")
def postgres_server():
    """A real PostgreSQL server for the whole run (127.0.0.1); stopped and deleted at the end."""
    from tests.services.postgres import start_postgres

    server = start_postgres()
    print(f"\nPostgreSQL on {server.host}:{server.port} ready in {server.start_seconds:.2f}s")
    yield server
    server.destroy()

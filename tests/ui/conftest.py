"""Fixtures for the user-interface tests."""

import pytest


@pytest.fixture
def cli_uses_session_model(monkeypatch, embedder):
    """The CLI builds LegendIndex() itself; hand it the session's model instead of a new load."""
    monkeypatch.setattr("index.legend_index.load_embedder", lambda *args, **kwargs: embedder)

"""Fixtures for the storage tests: a real PostgreSQL server, and each test on both back ends.

The server (``tests/services/postgres.py``, the ``postgres_server`` fixture in
``tests/conftest.py``) is started once per test run. Every PostgreSQL test gets a
database of its own, dropped afterwards.
"""

from __future__ import annotations

import pytest

from ui.storage.database import dispose_engines


@pytest.fixture
def postgres_url(postgres_server, monkeypatch):
    """LEGENDS_DATABASE_URL set to a fresh, empty PostgreSQL database for this test."""
    name = postgres_server.create_database()
    url = postgres_server.url(name)
    monkeypatch.setenv("LEGENDS_DATABASE_URL", url)
    dispose_engines()
    yield url
    dispose_engines()
    postgres_server.drop_database(name)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, monkeypatch):
    """Run the test on SQLite (the default file under LEGENDS_HOME), then on PostgreSQL."""
    if request.param == "postgresql":
        yield request.getfixturevalue("postgres_url")
        return
    monkeypatch.delenv("LEGENDS_DATABASE_URL", raising=False)
    dispose_engines()
    from corpus.settings import get_settings

    yield get_settings().database_url
    dispose_engines()


# An invented story (the company is in no library), over the 25-word floor.
COMPANY = "Tallowbrook Books"
STORY = (
    "On a rainy Tuesday I left my late grandmother's annotated cookbook on the counter of "
    "Tallowbrook Books. The clerk tracked me down through the loyalty card, drove forty "
    "minutes after closing to return it, and refused even a coffee in thanks. I have bought "
    "every birthday present there since."
)

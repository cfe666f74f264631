"""The SQLAlchemy engine and sessions for ``LEGENDS_DATABASE_URL``.

Only portable SQLAlchemy constructs are used (no SQLite-only SQL), so pointing the
URL at PostgreSQL later needs a driver, not code changes.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import DateTime, Engine, create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

from corpus.settings import get_settings

_lock = threading.Lock()
_engines: dict[str, Engine] = {}


class Base(DeclarativeBase):
    """The declarative base of every table the web app stores."""


class UTCDateTime(TypeDecorator):
    """A timestamp stored and read back as UTC (SQLite keeps no time zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


def utc_now() -> datetime:
    """The current time in UTC, for ``created_at`` columns."""
    return datetime.now(UTC)


def database_url() -> str:
    """The configured URL (``LEGENDS_DATABASE_URL``, else SQLite under ``LEGENDS_HOME``)."""
    return get_settings().database_url


def get_engine(url: str | None = None) -> Engine:
    """The engine for ``url`` (default: the configured one), its tables created once."""
    url = url or database_url()
    with _lock:
        engine = _engines.get(url)
        if engine is None:
            parsed = make_url(url)
            if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, ":memory:"):
                Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
            engine = create_engine(url, pool_pre_ping=True)
            # Import the models so their tables are known to Base before create_all.
            from ui.storage import feedback, submissions  # noqa: F401

            try:
                Base.metadata.create_all(engine)
            except (OperationalError, ProgrammingError):
                # Another process (the server and a CLI command, say) created the tables
                # between our check and our CREATE; checking again finds them.
                Base.metadata.create_all(engine)
            _engines[url] = engine
        return engine


@contextmanager
def session_scope(url: str | None = None) -> Iterator[Session]:
    """A session that commits on success and rolls back on any error."""
    factory = sessionmaker(get_engine(url), expire_on_commit=False)
    with factory() as session, session.begin():
        yield session


def dispose_engines() -> None:
    """Close every cached engine (tests switch LEGENDS_HOME between runs)."""
    with _lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()

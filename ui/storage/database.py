"""The SQLAlchemy engine and sessions for ``LEGENDS_DATABASE_URL``.

SQLite (a file under ``LEGENDS_HOME``) by default; ``postgresql://user:pw@host/db``
for several app instances sharing one store. Only portable SQLAlchemy constructs are
used, so both back ends behave the same; the few differences (timestamps, NUL
characters, length limits) are smoothed over here and in the models.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import DateTime, Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import (
    ArgumentError,
    DBAPIError,
    IntegrityError,
    NoSuchModuleError,
    OperationalError,
    ProgrammingError,
)
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

from corpus.disk import is_disk_full
from corpus.sanitize import clean
from corpus.settings import get_settings

_lock = threading.Lock()
_engines: dict[str, Engine] = {}

# A PostgreSQL server that does not answer gives up after this long (libpq waits forever).
CONNECT_TIMEOUT_SECONDS = 10
# SQLite writers queue on one file lock: a trainer's approval holds it while the legend
# file is written, so other writers (the page's feedback) wait rather than fail.
SQLITE_BUSY_TIMEOUT_SECONDS = 30
# Any constant shared by every app instance: serialises their CREATE TABLEs.
_SCHEMA_LOCK_KEY = 0x1E6E_D5


class StorageUnavailable(RuntimeError):
    """The database cannot be reached; the message names it (never its password)."""


class StorageFull(StorageUnavailable):
    """The database's disk is full: nothing is wrong with it, there is no room to write."""


class Base(DeclarativeBase):
    """The declarative base of every table the web app stores."""


class UTCDateTime(TypeDecorator):
    """A timestamp stored and read back as an aware UTC ``datetime`` on every database.

    SQLite keeps no time zone (naive values are UTC by convention); PostgreSQL returns
    ``timestamptz`` in the server's ``TimeZone``, which need not be UTC.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return _as_utc(value)

    def process_result_value(self, value, dialect):
        return _as_utc(value)


def _as_utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def utc_now() -> datetime:
    """The current time in UTC, for ``created_at`` columns."""
    return datetime.now(UTC)


def clean_text(value: str) -> str:
    """``value`` as it may be stored: :func:`corpus.sanitize.clean` (the one sanitiser).

    Control codes, bidi overrides and invisible characters never reach the database,
    NUL included (which PostgreSQL text cannot hold), so both back ends store exactly
    the same text and a trainer reads what would be published.
    """
    return clean(value)


def normalise_url(url: str) -> str:
    """``url`` with the driver this project ships for PostgreSQL (psycopg 3).

    SQLAlchemy reads a bare ``postgresql://`` as psycopg2 and no longer accepts the
    ``postgres://`` spelling many hosting services hand out; both become
    ``postgresql+psycopg://``. Other URLs, and explicit drivers, are left alone.
    """
    scheme, sep, rest = url.partition("://")
    if sep and scheme in ("postgres", "postgresql"):
        return f"postgresql+psycopg://{rest}"
    return url


def database_url() -> str:
    """The configured URL (``LEGENDS_DATABASE_URL``, else SQLite under ``LEGENDS_HOME``)."""
    return normalise_url(get_settings().database_url)


def _bad_url(url: str, error: Exception) -> StorageUnavailable:
    # The URL may hold a password: name its scheme only, and the reason in one line.
    scheme = url.partition("://")[0] or "(none)"
    reason = (str(error).strip().splitlines() or [type(error).__name__])[0]
    if isinstance(error, ImportError | NoSuchModuleError):
        reason = f"no driver for {scheme!r} is installed ({reason})"
    return StorageUnavailable(
        f"LEGENDS_DATABASE_URL is not a usable database URL ({scheme}://...): {reason}"
    )


def describe(url: str) -> str:
    """A short, password-free name for the database at ``url``, for error messages."""
    parsed = make_url(normalise_url(url))
    if parsed.get_backend_name() == "sqlite":
        return f"the SQLite database {parsed.database or ':memory:'}"
    where = f"{parsed.host or 'localhost'}:{parsed.port or 5432}"
    return f"the {parsed.get_backend_name()} database {parsed.database or ''!r} at {where}"


def _unavailable(url: str, error: DBAPIError) -> StorageUnavailable:
    # The driver's first line says why (refused, unknown host, bad password); the rest
    # of its text and SQLAlchemy's traceback add nothing for the person reading it.
    reason = str(error.orig or error).strip().splitlines()
    why = reason[0] if reason else type(error).__name__
    return StorageUnavailable(
        f"cannot reach {describe(url)}: {why} (check LEGENDS_DATABASE_URL and the server)"
    )


def _create_engine(url: str) -> Engine:
    parsed = make_url(url)
    connect_args: dict = {}
    if parsed.get_backend_name() == "sqlite":
        if parsed.database not in (None, "", ":memory:"):
            Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        connect_args["timeout"] = SQLITE_BUSY_TIMEOUT_SECONDS
    elif parsed.get_backend_name() == "postgresql" and "connect_timeout" not in parsed.query:
        connect_args["connect_timeout"] = CONNECT_TIMEOUT_SECONDS
    return create_engine(url, pool_pre_ping=True, connect_args=connect_args)


def _create_tables(engine: Engine) -> None:
    # Import the models so their tables are known to Base before create_all.
    from ui.storage import feedback, submissions  # noqa: F401

    try:
        with engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                # Instances starting together would race between "does the table exist?"
                # and CREATE TABLE; a transaction-scoped advisory lock makes them take turns.
                lock = text("SELECT pg_advisory_xact_lock(:key)")
                connection.execute(lock, {"key": _SCHEMA_LOCK_KEY})
            Base.metadata.create_all(connection)
    except (OperationalError, ProgrammingError, IntegrityError):
        # SQLite has no such lock: another process (the server and a CLI command, say)
        # created the tables between our check and our CREATE; checking again finds them.
        Base.metadata.create_all(engine)


def get_engine(url: str | None = None) -> Engine:
    """The engine for ``url`` (default: the configured one), its tables created once.

    Raises :class:`StorageUnavailable` when the database cannot be reached; nothing is
    cached then, so a later call tries again.
    """
    url = normalise_url(url or database_url())
    with _lock:
        engine = _engines.get(url)
        if engine is None:
            try:
                describe(url)  # parses the URL: a bad port or bracket fails here
                engine = _create_engine(url)
            except (ArgumentError, NoSuchModuleError, ImportError, ValueError, OSError) as error:
                raise _bad_url(url, error) from None
            try:
                with engine.connect():
                    pass
                _create_tables(engine)
            except DBAPIError as error:
                engine.dispose()
                if isinstance(error, OperationalError):
                    raise _unavailable(url, error) from None
                raise
            _engines[url] = engine
        return engine


@contextmanager
def session_scope(url: str | None = None) -> Iterator[Session]:
    """A session that commits on success and rolls back on any error.

    A database that stopped answering since the engine was made raises
    :class:`StorageUnavailable` here, before any work is done.
    """
    engine = get_engine(url)
    factory = sessionmaker(engine, expire_on_commit=False)
    try:
        with factory() as session, session.begin():
            try:
                session.connection()
            except OperationalError as error:
                raise _unavailable(str(engine.url), error) from None
            yield session
    except OperationalError as error:
        # Raised by a write or the commit: a full disk is said as such, never a traceback.
        if is_disk_full(error):
            raise StorageFull(
                f"disk full: {describe(str(engine.url))} has no room to store this; "
                "free some space and try again"
            ) from None
        raise


def dispose_engines() -> None:
    """Close every cached engine (tests switch LEGENDS_HOME between runs)."""
    with _lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()

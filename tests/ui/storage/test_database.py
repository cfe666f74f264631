"""The engine layer: URL spellings, table creation, time zones and unreachable servers."""

from __future__ import annotations

import socket
import time
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import inspect, text

from tests.services.postgres import PASSWORD, SERVER_TIME_ZONE
from ui.storage import database
from ui.storage.database import (
    StorageUnavailable,
    UTCDateTime,
    describe,
    dispose_engines,
    get_engine,
    normalise_url,
    session_scope,
)
from ui.storage.feedback import list_feedback, record_feedback


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgresql://u:pw@db.example:5433/legends", "postgresql+psycopg://u:pw@db.example:5433/legends"),
        ("postgres://u:pw@db.example/legends", "postgresql+psycopg://u:pw@db.example/legends"),
        ("postgresql+psycopg2://u@h/d", "postgresql+psycopg2://u@h/d"),
        ("postgresql+psycopg://u@h/d", "postgresql+psycopg://u@h/d"),
        ("sqlite:////tmp/x/legends.db", "sqlite:////tmp/x/legends.db"),
    ],
)  # fmt: skip
def test_postgres_urls_get_the_shipped_driver(given, expected):
    assert normalise_url(given) == expected


def test_descriptions_name_host_and_port_never_the_password():
    said = describe("postgres://legends:s3cret@db.example:6543/store")
    assert "db.example:6543" in said and "'store'" in said and "s3cret" not in said
    assert describe("postgresql://u@h/d").endswith("at h:5432")
    assert describe("sqlite:////srv/legends.db") == "the SQLite database /srv/legends.db"


def test_tables_are_created_on_first_use(database_url):
    engine = get_engine()
    assert engine.dialect.name == ("sqlite" if database_url.startswith("sqlite") else "postgresql")
    assert {"feedback", "submissions"} <= set(inspect(engine).get_table_names())
    assert get_engine() is engine  # one engine per URL for the process


def test_both_postgres_spellings_reach_the_same_database(postgres_url, monkeypatch):
    record_feedback("up", "q", "a", [])
    monkeypatch.setenv("LEGENDS_DATABASE_URL", postgres_url.replace("postgresql://", "postgres://"))
    dispose_engines()
    assert [f.question for f in list_feedback()] == ["q"]


def test_timestamps_read_back_as_utc_whatever_the_server_zone(database_url):
    with session_scope() as session:
        if session.bind.dialect.name == "postgresql":
            # The test server runs in another zone, so this test can catch a missed conversion.
            assert session.execute(text("SHOW timezone")).scalar() == SERVER_TIME_ZONE
        before = datetime.now(UTC)
        stored = record_feedback("up", "when?", "now", [])
    [read] = list_feedback()
    for moment in (stored.created_at, read.created_at):
        assert moment.tzinfo is not None and moment.utcoffset() == timedelta(0)
        assert abs(moment - before) < timedelta(minutes=1)


def test_aware_times_in_other_zones_are_stored_as_utc():
    utc = UTCDateTime()
    plus_two = datetime(2024, 5, 1, 16, 0, tzinfo=timezone(timedelta(hours=2)))
    bound = utc.process_bind_param(plus_two, None)
    assert bound == datetime(2024, 5, 1, 14, 0, tzinfo=UTC) and bound.utcoffset() == timedelta(0)
    assert utc.process_result_value(datetime(2024, 5, 1, 14, 0), None).tzinfo is UTC


def _closed_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # closed again when the socket is


def test_unreachable_postgres_fails_fast_with_a_short_message(monkeypatch):
    port = _closed_port()
    monkeypatch.setenv(
        "LEGENDS_DATABASE_URL", f"postgresql://legends:{PASSWORD}@127.0.0.1:{port}/x"
    )
    dispose_engines()
    started = time.perf_counter()
    with pytest.raises(StorageUnavailable) as caught:
        record_feedback("up", "q", "a", [])
    assert time.perf_counter() - started < 5
    message = str(caught.value)
    assert f"127.0.0.1:{port}" in message and "LEGENDS_DATABASE_URL" in message
    assert PASSWORD not in message and "\n" not in message and len(message) < 400
    assert caught.value.__cause__ is None and caught.value.__suppress_context__
    assert database._engines == {}  # nothing cached: the next call tries again
    with pytest.raises(StorageUnavailable):
        get_engine()

"""A trainer's reason for a rejection is stored, also in databases made before it existed."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect
from sqlalchemy.engine import make_url

from tests.ui.storage.conftest import COMPANY, STORY
from ui.storage.database import Base, database_url, dispose_engines, get_engine
from ui.storage.feedback import latest_feedback, record_feedback
from ui.storage.submissions import (
    REJECTED,
    add_submission,
    decide,
    get_submission,
    rejection_reasons,
)

pytestmark = pytest.mark.usefixtures("database_url")


def test_reason_is_stored_with_the_rejection_and_cleaned():
    kept = add_submission(STORY, COMPANY, "Sam")
    rejected = add_submission(STORY, f"{COMPANY} Annex", "Ana")
    silent = add_submission(STORY, f"{COMPANY} Kiosk")
    decide(rejected.id, REJECTED, reason="  Not about service\u202e, and\x1b[2J unverifiable. ")
    decide(silent.id, REJECTED)
    assert get_submission(rejected.id).status == REJECTED
    assert rejection_reasons() == {rejected.id: "Not about service, and unverifiable."}
    assert get_submission(kept.id).status == "pending"


def test_an_older_database_gains_the_reasons_table():
    # A database created before reasons existed: every table but the new one.
    url = database_url()
    dispose_engines()
    if make_url(url).get_backend_name() == "sqlite":
        Path(make_url(url).database).parent.mkdir(parents=True, exist_ok=True)
    older = create_engine(url)
    tables = [t for t in Base.metadata.sorted_tables if t.name != "rejection_reasons"]
    Base.metadata.create_all(older, tables=tables)
    assert "rejection_reasons" not in inspect(older).get_table_names()
    older.dispose()

    assert "rejection_reasons" in inspect(get_engine()).get_table_names()
    queued = add_submission(STORY, COMPANY)
    decide(queued.id, REJECTED, reason="A duplicate of submission 1.")
    assert rejection_reasons() == {queued.id: "A duplicate of submission 1."}


def test_latest_ratings_newest_first():
    for number in range(5):
        record_feedback("up" if number % 2 else "down", f"question {number}", "answer", ["x"])
    latest = latest_feedback(3)
    assert [item.question for item in latest] == ["question 4", "question 3", "question 2"]
    assert latest[0].rating == "down" and latest[1].rating == "up"

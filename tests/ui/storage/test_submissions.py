"""The story queue: add, list, get, decide and validate, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.ui.storage.conftest import COMPANY, STORY
from ui.storage.submissions import (
    APPROVED,
    MAX_FIELD_CHARS,
    MAX_STORY_CHARS,
    PENDING,
    REJECTED,
    AlreadyDecided,
    InvalidSubmission,
    UnknownSubmission,
    add_submission,
    decide,
    deciding,
    get_submission,
    list_submissions,
)

pytestmark = pytest.mark.usefixtures("database_url")


def _utc(moment: datetime) -> bool:
    return moment.tzinfo is not None and moment.utcoffset() == timedelta(0)


def test_add_list_and_get():
    before = datetime.now(UTC)
    first = add_submission(f"  {STORY}\n", f"  {COMPANY} ", "  Sam   O'Neil ")
    second = add_submission(STORY.replace("Tuesday", "Friday"), "Cafe <b>Noir</b> ☕", "")
    assert (first.story, first.company, first.name) == (STORY, COMPANY, "Sam O'Neil")
    assert first.status == PENDING and first.decided_at is None and first.legend_id is None
    assert _utc(first.created_at) and before - timedelta(seconds=1) <= first.created_at
    assert get_submission(first.id) == first
    assert get_submission(second.id).company == "Cafe <b>Noir</b> ☕"  # stored as text
    assert get_submission(second.id + 1000) is None
    assert list_submissions() == [first, second]
    assert list_submissions(PENDING) == [first, second]
    assert list_submissions(APPROVED) == []


def test_decisions_are_recorded_once():
    approved, rejected, waiting = (add_submission(STORY, f"{COMPANY} {n}") for n in range(3))
    done = decide(approved.id, APPROVED, "tallowbrook-books-cookbook")
    assert done.status == APPROVED and done.legend_id == "tallowbrook-books-cookbook"
    assert _utc(done.decided_at) and done.decided_at >= done.created_at
    assert get_submission(approved.id) == done
    assert decide(rejected.id, REJECTED).legend_id is None
    assert [s.id for s in list_submissions(APPROVED)] == [approved.id]
    assert [s.id for s in list_submissions(REJECTED)] == [rejected.id]
    assert [s.id for s in list_submissions(PENDING)] == [waiting.id]

    with pytest.raises(AlreadyDecided, match=r"already approved \(legend tallowbrook"):
        decide(approved.id, REJECTED)
    with pytest.raises(AlreadyDecided, match="already rejected"):
        decide(rejected.id, APPROVED, "x")
    with pytest.raises(UnknownSubmission, match="no submission with id 999"):
        decide(999, APPROVED)
    with pytest.raises(ValueError, match="a decision is approved or rejected"):
        decide(waiting.id, PENDING)
    assert get_submission(approved.id) == done  # refusals changed nothing
    assert get_submission(rejected.id).status == REJECTED


def test_a_failed_decision_leaves_the_submission_pending():
    queued = add_submission(STORY, COMPANY)
    with pytest.raises(RuntimeError, match="legend file failed"), deciding(queued.id, APPROVED):
        raise RuntimeError("legend file failed")
    assert get_submission(queued.id) == queued
    assert decide(queued.id, APPROVED, "later").status == APPROVED


@pytest.mark.parametrize(
    ("story", "company", "name", "message"),
    [
        ("   ", COMPANY, "", "tell us what happened"),
        ("far too short a story", COMPANY, "", "at least 25 words"),
        (STORY + " more" * MAX_STORY_CHARS, COMPANY, "", "the limit is 5,000"),
        (STORY, "  \t ", "", "name the company"),
        (STORY, "C" * (MAX_FIELD_CHARS + 1), "", "limited to 120 characters"),
        (STORY, COMPANY, "N" * (MAX_FIELD_CHARS + 1), "limited to 120 characters"),
    ],
    ids=["blank", "short", "long", "no-company", "long-company", "long-name"],
)
def test_invalid_submissions_are_refused_and_not_stored(story, company, name, message):
    with pytest.raises(InvalidSubmission, match=f"(?i){message}"):
        add_submission(story, company, name)
    assert list_submissions() == []


def test_largest_allowed_fields_fit_every_back_end():
    # PostgreSQL enforces VARCHAR widths that SQLite ignores: the validation limits must
    # match the columns, or the largest valid submission fails on PostgreSQL only.
    story = (STORY + " ") * (MAX_STORY_CHARS // (len(STORY) + 1))
    story = (story + "x" * MAX_STORY_CHARS)[:MAX_STORY_CHARS]
    stored = add_submission(story, "é" * MAX_FIELD_CHARS, "名" * MAX_FIELD_CHARS)
    again = get_submission(stored.id)
    assert len(again.story) == MAX_STORY_CHARS and again.story == story
    assert again.company == "é" * MAX_FIELD_CHARS and again.name == "名" * MAX_FIELD_CHARS


def test_nul_characters_are_dropped_from_submissions():
    stored = add_submission(STORY.replace("rainy", "rai\x00ny"), "Tallow\x00brook", "S\x00am")
    assert (stored.company, stored.name) == ("Tallowbrook", "Sam")
    assert get_submission(stored.id).story == STORY

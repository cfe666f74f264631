"""Stories shared by visitors: a moderation queue, never published by itself."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, select, update
from sqlalchemy.orm import Mapped, mapped_column

from ui.storage.database import Base, UTCDateTime, clean_text, session_scope, utc_now

PENDING, APPROVED, REJECTED = "pending", "approved", "rejected"
STATUSES = (PENDING, APPROVED, REJECTED)
# Limits on what a visitor can send: the ingested-story floor, and a ceiling that keeps
# one submission to a story rather than a document.
MIN_STORY_WORDS = 25
MAX_STORY_CHARS = 5000
MAX_FIELD_CHARS = 120


class InvalidSubmission(ValueError):
    """A submission the form refuses; the text says why, for the visitor."""


class UnknownSubmission(LookupError):
    """No submission has this id."""


class AlreadyDecided(ValueError):
    """The submission is no longer pending: a trainer decided it already."""


class SubmissionRow(Base):
    """One shared story and what a trainer decided about it."""

    __tablename__ = "submissions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now, index=True)
    story: Mapped[str] = mapped_column(Text)
    company: Mapped[str] = mapped_column(String(MAX_FIELD_CHARS))
    name: Mapped[str] = mapped_column(String(MAX_FIELD_CHARS), default="")
    status: Mapped[str] = mapped_column(String(16), default=PENDING, index=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    legend_id: Mapped[str | None] = mapped_column(String(200), nullable=True)


class RejectionRow(Base):
    """Why a trainer rejected a submission (its own table, so existing databases gain it)."""

    __tablename__ = "rejection_reasons"

    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), primary_key=True)
    reason: Mapped[str] = mapped_column(Text)


@dataclass(frozen=True)
class Submission:
    """A stored submission, detached from the database session."""

    id: int
    created_at: datetime
    story: str
    company: str
    name: str
    status: str
    decided_at: datetime | None
    legend_id: str | None


def _to_record(row: SubmissionRow) -> Submission:
    return Submission(
        row.id,
        row.created_at,
        row.story,
        row.company,
        row.name,
        row.status,
        row.decided_at,
        row.legend_id,
    )


def validate(story: str, company: str, name: str = "") -> tuple[str, str, str]:
    """The cleaned fields, or :class:`InvalidSubmission` saying what to fix."""
    story = clean_text(story or "").strip()
    company = " ".join(clean_text(company or "").split())
    name = " ".join(clean_text(name or "").split())
    if not story:
        raise InvalidSubmission("Please tell us what happened.")
    if len(story) > MAX_STORY_CHARS:
        raise InvalidSubmission(
            f"The story is {len(story):,} characters long; the limit is {MAX_STORY_CHARS:,}."
        )
    if len(story.split()) < MIN_STORY_WORDS:
        raise InvalidSubmission(
            f"Please tell a little more: at least {MIN_STORY_WORDS} words "
            "(what happened, what the company did, how it ended)."
        )
    if not company:
        raise InvalidSubmission("Please name the company.")
    if len(company) > MAX_FIELD_CHARS or len(name) > MAX_FIELD_CHARS:
        raise InvalidSubmission(f"Company and name are limited to {MAX_FIELD_CHARS} characters.")
    return story, company, name


def add_submission(story: str, company: str, name: str = "") -> Submission:
    """Queue a visitor's story for moderation (validated first)."""
    story, company, name = validate(story, company, name)
    with session_scope() as session:
        row = SubmissionRow(story=story, company=company, name=name, status=PENDING)
        session.add(row)
        session.flush()
        return _to_record(row)


def list_submissions(status: str | None = None) -> list[Submission]:
    """Submissions, oldest first, optionally only those with ``status``."""
    query = select(SubmissionRow).order_by(SubmissionRow.id)
    if status is not None:
        query = query.where(SubmissionRow.status == status)
    with session_scope() as session:
        return [_to_record(row) for row in session.scalars(query).all()]


def get_submission(submission_id: int) -> Submission | None:
    """One submission by id, or None."""
    with session_scope() as session:
        row = session.get(SubmissionRow, submission_id)
        return _to_record(row) if row is not None else None


@dataclass
class Decision:
    """A decision in progress, from :func:`deciding`."""

    submission: Submission  # as it was queued (still pending)
    legend_id: str | None = None  # set inside the block to record the legend it became
    reason: str = ""  # set inside the block to record why it was rejected
    decided: Submission | None = None  # the stored result, once the block has ended


@contextmanager
def deciding(submission_id: int, status: str) -> Iterator[Decision]:
    """Decide a pending submission, holding it until the ``with`` block ends.

    The decision is a conditional ``UPDATE ... WHERE status = 'pending'``: until the
    block commits, PostgreSQL locks that row and SQLite the whole file, so a second
    trainer deciding the same submission waits, then matches no row and gets
    :class:`AlreadyDecided`. Of two concurrent decisions exactly one wins, and work
    done inside the block (writing the legend file) is done once. An exception in the
    block rolls the decision back: the submission stays pending.
    """
    if status not in (APPROVED, REJECTED):
        raise ValueError(f"a decision is {APPROVED} or {REJECTED}, not {status!r}")
    with session_scope() as session:
        claimed = session.execute(
            update(SubmissionRow)
            .where(SubmissionRow.id == submission_id, SubmissionRow.status == PENDING)
            .values(status=status, decided_at=utc_now())
            .execution_options(synchronize_session=False)
        )
        row = session.get(SubmissionRow, submission_id)
        if row is None:
            raise UnknownSubmission(f"no submission with id {submission_id}")
        if claimed.rowcount != 1:
            extra = f" (legend {row.legend_id})" if row.legend_id else ""
            raise AlreadyDecided(f"submission {submission_id} was already {row.status}{extra}")
        decision = Decision(replace(_to_record(row), status=PENDING, decided_at=None))
        yield decision
        row.legend_id = decision.legend_id
        if decision.reason.strip():
            reason = clean_text(decision.reason.strip())
            session.add(RejectionRow(submission_id=submission_id, reason=reason))
        session.flush()
        decision.decided = _to_record(row)


def decide(
    submission_id: int, status: str, legend_id: str | None = None, reason: str = ""
) -> Submission:
    """Record a trainer's decision on a pending submission (see :func:`deciding`)."""
    with deciding(submission_id, status) as decision:
        decision.legend_id = legend_id
        decision.reason = reason
    return decision.decided


def rejection_reasons() -> dict[int, str]:
    """The reasons given for rejected submissions, by submission id."""
    with session_scope() as session:
        return {row.submission_id: row.reason for row in session.scalars(select(RejectionRow))}

"""The trainer's side of the story queue: approve (into the corpus) or reject.

Used by the ``legends submissions`` command line and by the trainer's moderation on the
page (``ui.web.moderation``, behind the trainer sign-in), never by a visitor's event.
A trainer may correct the company, title and text before approving. Approval reuses
``corpus.ingest``: the story goes through the same reader, company detection,
deduplication and atomic writer as ``legends ingest``, as a one-row JSONL batch named
after the submission.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from corpus.ingest import ingest_paths
from corpus.ingest.writer import corpus_lock, write_legend
from corpus.loader import parse_legend_file
from corpus.schema import Legend
from corpus.settings import Settings, get_settings
from ui.storage import submissions
from ui.storage.submissions import APPROVED, REJECTED, Submission

PUBLISHER = "Shared on Service Legends"


class ModerationError(Exception):
    """A decision that cannot be made, with the reason for the trainer."""


@dataclass(frozen=True)
class Approval:
    """What approving a submission did to the corpus."""

    submission: Submission
    legend_id: str
    path: Path
    merged: bool  # the story was already told: it became an extra source of that legend


@dataclass(frozen=True)
class Edits:
    """A trainer's corrections before approving; an empty field keeps the submission's own
    (an empty title lets the ingest pipeline choose one from the story)."""

    company: str = ""
    title: str = ""
    story: str = ""


@contextmanager
def _deciding(submission_id: int, status: str) -> Iterator[submissions.Decision]:
    """The submission held for this decision; a refusal becomes a ModerationError."""
    try:
        with submissions.deciding(submission_id, status) as decision:
            yield decision
    except (submissions.UnknownSubmission, submissions.AlreadyDecided) as error:
        raise ModerationError(str(error)) from None


def _credit(legend: Legend, submission: Submission, merged: bool = False) -> Legend:
    """Say who shared the story and that a trainer approved it (ingest says 'not reviewed').

    A story merged into a legend that already told it is credited as that legend's new
    source; the legend's own note stays.
    """
    who = submission.name or "a visitor"
    shared = submission.created_at.date().isoformat()
    sources = [
        source.model_copy(
            update={
                "title": f"Story shared by {who} (submission {submission.id})",
                "publisher": PUBLISHER,
                "date": shared,
            }  # fmt: skip
        )
        if source.file == f"submission-{submission.id}.jsonl"
        else source
        for source in legend.sources
    ]
    if merged:
        return legend.model_copy(update={"sources": sources})
    note = (
        f"Shared by {who} on {shared} (submission {submission.id}) and approved by a trainer; "
        "a first-hand account, not independently confirmed."
    )
    return legend.model_copy(update={"sources": sources, "status_note": note})


def approve(submission_id: int, edits: Edits | None = None) -> Approval:
    """Turn a pending submission into a legend file under ``LEGENDS_HOME/corpus``.

    The submission is held (see :func:`submissions.deciding`) while its legend is
    written, so two trainers approving it at once write one legend: the second is
    refused. If the story cannot become a legend, it stays pending. ``edits`` are the
    trainer's corrections (checked like a visitor's story); the queued submission itself
    is kept as it was sent.

    Indexing is the caller's job (as for ``legends ingest``): the legend file is the
    source of truth and is written by the time this returns.
    """
    settings = get_settings()
    with _deciding(submission_id, APPROVED) as decision:
        # The ingest and the credit written after it are one corpus change: another
        # approval or ingest must not take the id in between.
        with corpus_lock(settings):
            legend_id, path, merged = _write_legend(decision.submission, settings, edits)
        decision.legend_id = legend_id
    return Approval(decision.decided, legend_id, path, merged)


def _row(submission: Submission, edits: Edits | None) -> dict:
    """The batch row: the submission as sent, or with the trainer's corrections."""
    edits = edits or Edits()
    try:
        story, company, _ = submissions.validate(
            edits.story or submission.story, edits.company or submission.company
        )
    except submissions.InvalidSubmission as error:
        raise ModerationError(f"submission {submission.id} cannot be approved: {error}") from None
    row = {"company": company, "story": story, "date": submission.created_at.date().isoformat()}
    title = " ".join(edits.title.split())
    if title:
        row["title"] = title
    return row


def _write_legend(
    submission: Submission, settings: Settings, edits: Edits | None = None
) -> tuple[str, Path, bool]:
    """Ingest the story as a one-row batch; the legend's id, its file, and if it merged."""
    row = _row(submission, edits)
    with tempfile.TemporaryDirectory(prefix="legends-submission-") as folder:
        batch = Path(folder) / f"submission-{submission.id}.jsonl"
        batch.write_text(json.dumps(row, ensure_ascii=False) + "\n", encoding="utf-8")
        report = ingest_paths([batch], settings)
    if report.errors:
        reasons = "; ".join(error["error"] for error in report.errors)
        raise ModerationError(f"submission {submission.id} cannot become a legend: {reasons}")
    ids = report.added or report.merged or report.unchanged
    if not ids:
        raise ModerationError(f"submission {submission.id} produced no legend")
    legend_id = ids[0]
    path = settings.user_corpus_dir / f"{legend_id}.md"
    merged = not report.added
    legend = parse_legend_file(path) if path.is_file() else None
    if isinstance(legend, Legend):
        path = write_legend(settings.user_corpus_dir, _credit(legend, submission, merged))
    return legend_id, path, merged


def reject(submission_id: int, reason: str = "") -> Submission:
    """Mark a pending submission rejected (with the trainer's reason); the corpus is not
    touched."""
    with _deciding(submission_id, REJECTED) as decision:
        decision.reason = reason
    return decision.decided

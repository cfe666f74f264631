"""The trainer's side of the story queue: approve (into the corpus) or reject.

Used only by the ``legends submissions`` command line; the web page imports nothing
from here, so no visitor can publish a story. Approval reuses ``corpus.ingest``: the
story goes through the same reader, company detection, deduplication and atomic
writer as ``legends ingest``, as a one-row JSONL batch named after the submission.
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


@contextmanager
def _deciding(submission_id: int, status: str) -> Iterator[submissions.Decision]:
    """The submission held for this decision; a refusal becomes a ModerationError."""
    try:
        with submissions.deciding(submission_id, status) as decision:
            yield decision
    except (submissions.UnknownSubmission, submissions.AlreadyDecided) as error:
        raise ModerationError(str(error)) from None


def _credit(legend: Legend, submission: Submission) -> Legend:
    """Say who shared the story and that a trainer approved it (ingest says 'not reviewed')."""
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
    note = (
        f"Shared by {who} on {shared} (submission {submission.id}) and approved by a trainer; "
        "a first-hand account, not independently confirmed."
    )
    return legend.model_copy(update={"sources": sources, "status_note": note})


def approve(submission_id: int) -> Approval:
    """Turn a pending submission into a legend file under ``LEGENDS_HOME/corpus``.

    The submission is held (see :func:`submissions.deciding`) while its legend is
    written, so two trainers approving it at once write one legend: the second is
    refused. If the story cannot become a legend, it stays pending.

    Indexing is the caller's job (as for ``legends ingest``): the legend file is the
    source of truth and is written by the time this returns.
    """
    settings = get_settings()
    with _deciding(submission_id, APPROVED) as decision:
        # The ingest and the credit written after it are one corpus change: another
        # approval or ingest must not take the id in between.
        with corpus_lock(settings):
            legend_id, path, merged = _write_legend(decision.submission, settings)
        decision.legend_id = legend_id
    return Approval(decision.decided, legend_id, path, merged)


def _write_legend(submission: Submission, settings: Settings) -> tuple[str, Path, bool]:
    """Ingest the story as a one-row batch; the legend's id, its file, and if it merged."""
    with tempfile.TemporaryDirectory(prefix="legends-submission-") as folder:
        batch = Path(folder) / f"submission-{submission.id}.jsonl"
        row = {"company": submission.company, "story": submission.story,
               "date": submission.created_at.date().isoformat()}  # fmt: skip
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
    if not merged:
        legend = parse_legend_file(path)
        if isinstance(legend, Legend):
            path = write_legend(settings.user_corpus_dir, _credit(legend, submission))
    return legend_id, path, merged


def reject(submission_id: int) -> Submission:
    """Mark a pending submission rejected; the corpus is not touched."""
    with _deciding(submission_id, REJECTED) as decision:
        pass
    return decision.decided

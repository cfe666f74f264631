"""Moderation on the page, for signed-in trainers: shared stories and the latest ratings.

Every handler checks the trainer sign-in itself, on the server (the sign-in lives in a
``gr.State``, which a client cannot set), so calling these events directly without
signing in is refused like the discussion pack is. Stories are shown as they were sent,
with any control or invisible character made visible (:func:`corpus.sanitize.visible`);
the editor holds the text as it would be published (:func:`corpus.sanitize.clean`).
Approving runs the same pipeline as ``legends submissions approve``
(:func:`ui.storage.moderation.approve`), then indexes the new legend at once.
"""

from __future__ import annotations

import logging

import gradio as gr

from corpus.sanitize import clean, is_unsafe, visible
from index.legend_index import LegendIndex
from ui.storage.database import StorageUnavailable
from ui.storage.feedback import latest_feedback
from ui.storage.moderation import Edits, ModerationError, approve, reject
from ui.storage.submissions import (
    PENDING,
    REJECTED,
    STATUSES,
    Submission,
    get_submission,
    list_submissions,
    rejection_reasons,
)
from ui.web.access import Access
from ui.web.cards import escape_user_text
from ui.web.errors import refusal
from ui.web.trainer import SIGN_IN_NEEDED

log = logging.getLogger("legends.web")

QUEUE_COLUMNS = ["#", "Status", "Company", "Shared by", "Shared", "Story"]
RATINGS_SHOWN = 20
PREVIEW_CHARS = 90
PICK_PROMPT = "*Click a story in the list to read it in full, correct it, and decide.*"
NO_RATINGS = "*No ratings yet.*"
STORE_DOWN = "The story queue is out of reach just now; please try again in a minute."


def _when(submission: Submission) -> str:
    return submission.created_at.strftime("%Y-%m-%d %H:%M UTC")


def _one_line(text: str, limit: int) -> str:
    text = " ".join(visible(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def ordered(items: list[Submission]) -> list[Submission]:
    """Pending stories first, oldest first (the queue's order); then the decided ones,
    most recent first."""
    pending = [s for s in items if s.status == PENDING]
    decided = sorted((s for s in items if s.status != PENDING), key=lambda s: -s.id)
    return pending + decided


def queue_rows(items: list[Submission]) -> list[list]:
    """One plain-text row per submission (the table never renders HTML)."""
    return [
        [
            s.id,
            s.status,
            _one_line(s.company, 40),
            _one_line(s.name, 30) or "—",
            _when(s),
            _one_line(s.story, PREVIEW_CHARS),
        ]
        for s in ordered(items)
    ]


def queue_summary(items: list[Submission]) -> str:
    """'2 pending, 1 approved, 1 rejected' (or that the queue is empty)."""
    if not items:
        return "*No stories have been shared yet.*"
    counts = {status: sum(s.status == status for s in items) for status in STATUSES}
    return ", ".join(f"**{n}** {status}" for status, n in counts.items())


def _quoted(text: str) -> str:
    """A visitor's text as a Markdown quote: escaped, every hidden character shown."""
    lines = escape_user_text(visible(text)).splitlines() or [""]
    return "\n".join(f"> {line}" if line.strip() else ">" for line in lines)


def submission_detail(submission: Submission, reason: str = "") -> str:
    """The submission in full as it was sent, with what was decided about it."""
    name = escape_user_text(visible(submission.name)) if submission.name else "*(no name)*"
    parts = [
        f"#### Submission {submission.id} · {submission.status}",
        f"Shared by {name} on {_when(submission)}.",
    ]
    if submission.legend_id:
        parts.append(f"Approved: it became the legend `{submission.legend_id}`.")
    if submission.status == REJECTED:
        parts.append(f"Rejected: {escape_user_text(reason) if reason else '*(no reason given)*'}")
    hidden = sum(is_unsafe(char) for char in submission.company + submission.story)
    if hidden:
        parts.append(
            f"**{hidden} control or invisible character{'s' if hidden != 1 else ''}** in what "
            "was sent, shown below as symbols (␛, &lt;U+202E&gt;, …); none of them is published."
        )
    parts += ["**Company as sent**", _quoted(submission.company), "**Story as sent**"]
    parts.append(_quoted(submission.story))
    return "\n\n".join(parts)


def ratings_table(limit: int = RATINGS_SHOWN) -> str:
    """The latest ratings with their questions, newest first, as a Markdown table."""
    items = latest_feedback(limit)
    if not items:
        return NO_RATINGS
    rows = ["| When | Rating | Mode | Question | Legends |", "|---|---|---|---|---|"]
    for item in items:
        rating = "**up**" if item.rating == "up" else "**down**"
        question = escape_user_text(_one_line(item.question, 200))
        legends = ", ".join(f"`{legend_id}`" for legend_id in item.legend_ids) or "—"
        when = item.created_at.strftime("%Y-%m-%d %H:%M")
        rows.append(f"| {when} | {rating} | {item.mode or '—'} | {question} | {legends} |")
    return f"The latest {len(items)} ratings, newest first:\n\n" + "\n".join(rows)


class ModerationHandlers:
    """The trainer's moderation events, bound to the process's index and gatekeeper."""

    def __init__(self, legend_index: LegendIndex, access: Access | None = None):
        self.index = legend_index
        self.access = access or Access()

    def _require_trainer(self, signed_in: bool, request: gr.Request | None) -> None:
        # Checked in every handler, not only by hiding the tab: events can be called directly.
        if not self.access.trainer_allowed(signed_in, request):
            raise refusal(SIGN_IN_NEEDED)

    def _lists(self) -> tuple:
        try:
            items = list_submissions()
            ratings = ratings_table()
        except StorageUnavailable:
            log.exception("The moderation lists could not be read")
            raise refusal(STORE_DOWN) from None
        return queue_rows(items), queue_summary(items), ratings

    def lists(self, signed_in: bool = False, request: gr.Request = None) -> tuple:
        """(queue table, queue summary, ratings) for a trainer; refused for anyone else."""
        self._require_trainer(signed_in, request)
        return self._lists()

    def opened(self, signed_in: bool = False, request: gr.Request = None) -> tuple:
        """The lists when the workspace opens (page load, sign-in, sign-out).

        For anyone who may not moderate, the lists are emptied instead of refused: this
        runs on every visit, and after signing out nothing may stay on the page.
        """
        if not self.access.trainer_allowed(signed_in, request):
            return [], "", "", None, PICK_PROMPT, "", "", "", ""
        try:
            return (*self._lists(), *[gr.skip()] * 6)
        except gr.Error:
            return [], STORE_DOWN, "", None, PICK_PROMPT, "", "", "", ""

    def show(
        self, event: gr.SelectData, signed_in: bool = False, request: gr.Request = None
    ) -> tuple:
        """The clicked story: (selected id, detail, company, title, story, reason, approve,
        reject), the editor filled with the text as it would be published."""
        self._require_trainer(signed_in, request)
        row = event.row_value or []
        try:
            submission = get_submission(int(row[0])) if row else None
            reason = rejection_reasons().get(submission.id, "") if submission else ""
        except (TypeError, ValueError):
            submission = None
        except StorageUnavailable:
            raise refusal(STORE_DOWN) from None
        if submission is None:
            return (
                None,
                PICK_PROMPT,
                "",
                "",
                "",
                "",
                gr.Button(interactive=False),
                gr.Button(interactive=False),
            )
        pending = submission.status == PENDING
        return (
            submission.id,
            submission_detail(submission, reason),
            clean(submission.company),
            "",
            clean(submission.story),
            "",
            gr.Button(interactive=pending),
            gr.Button(interactive=pending),
        )

    def approve(
        self,
        selected: int | None,
        company: str,
        title: str,
        story: str,
        signed_in: bool = False,
        request: gr.Request = None,
    ) -> tuple:
        """Approve the selected story with the trainer's corrections, then index it."""
        self._require_trainer(signed_in, request)
        if selected is None:
            raise refusal("Pick a story from the list first.")
        edits = Edits(company=company or "", title=title or "", story=story or "")
        try:
            approval = approve(int(selected), edits)
        except ModerationError as error:
            raise refusal(str(error)) from None
        except StorageUnavailable:
            raise refusal(STORE_DOWN) from None
        how = "was added as a source of" if approval.merged else "is now the legend"
        message = f"Approved submission {selected}: it {how} `{approval.legend_id}`."
        try:
            self.index.sync()
            message += " It can be found in search and chat now."
        except Exception:  # noqa: BLE001 - the legend file is written; the next search syncs
            log.exception("Indexing approved submission %s failed", selected)
            message += " Indexing failed just now; the next search will pick it up."
        return self._decided(int(selected), message)

    def reject(
        self, selected: int | None, reason: str, signed_in: bool = False, request: gr.Request = None
    ) -> tuple:
        """Reject the selected story, keeping the trainer's reason; the corpus is untouched."""
        self._require_trainer(signed_in, request)
        if selected is None:
            raise refusal("Pick a story from the list first.")
        try:
            reject(int(selected), clean(reason or "").strip())
        except ModerationError as error:
            raise refusal(str(error)) from None
        except StorageUnavailable:
            raise refusal(STORE_DOWN) from None
        return self._decided(int(selected), f"Rejected submission {selected}.")

    def _decided(self, submission_id: int, message: str) -> tuple:
        """(status, table, summary, ratings, detail, approve, reject) after a decision."""
        table, summary, ratings = self._lists()
        submission = get_submission(submission_id)
        reason = rejection_reasons().get(submission_id, "")
        return (
            f"**{message}**",
            table,
            summary,
            ratings,
            submission_detail(submission, reason) if submission else PICK_PROMPT,
            gr.Button(interactive=False),
            gr.Button(interactive=False),
        )

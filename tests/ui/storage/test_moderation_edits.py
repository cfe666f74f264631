"""A trainer's corrections before approving, and the reason for a rejection."""

from __future__ import annotations

import pytest

from corpus.loader import parse_legend_file
from corpus.schema import Legend
from tests.ui.storage.conftest import COMPANY, STORY
from ui.storage.moderation import Edits, ModerationError, approve, reject
from ui.storage.submissions import (
    PENDING,
    REJECTED,
    add_submission,
    get_submission,
    rejection_reasons,
)

pytestmark = pytest.mark.usefixtures("database_url", "empty_library")

CORRECTED = STORY.replace("forty minutes", "half an hour")


def test_approval_uses_the_trainers_company_title_and_text():
    queued = add_submission(STORY, "tallowbrook bks", "Sam")
    edits = Edits(company=COMPANY, title="A bookshop drives a lost cookbook home", story=CORRECTED)
    approval = approve(queued.id, edits)
    legend = parse_legend_file(approval.path)
    assert isinstance(legend, Legend)
    assert legend.company == COMPANY
    assert legend.title == "A bookshop drives a lost cookbook home"
    assert "half an hour" in legend.retelling and "forty minutes" not in legend.retelling
    assert "approved by a trainer" in legend.status_note
    # The queue keeps what the visitor sent.
    stored = get_submission(queued.id)
    assert stored.company == "tallowbrook bks" and stored.story == STORY


def test_empty_edits_keep_the_submission_and_a_bad_edit_leaves_it_pending():
    queued = add_submission(STORY, COMPANY)
    with pytest.raises(ModerationError, match="at least 25 words"):
        approve(queued.id, Edits(story="Too short to be a story."))
    assert get_submission(queued.id).status == PENDING
    approval = approve(queued.id, Edits())
    legend = parse_legend_file(approval.path)
    assert legend.company == COMPANY and "forty minutes" in legend.retelling


def test_rejection_keeps_its_reason():
    queued = add_submission(STORY, COMPANY)
    rejected = reject(queued.id, "Second-hand: the sharer heard it from a friend.")
    assert rejected.status == REJECTED
    assert rejection_reasons()[queued.id] == "Second-hand: the sharer heard it from a friend."

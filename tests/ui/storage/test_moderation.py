"""Approve into the corpus, or reject: only a trainer's approval ever writes a legend."""

from __future__ import annotations

import pytest

from corpus.loader import parse_legend_file
from corpus.schema import Legend
from corpus.settings import get_settings
from tests.ui.storage.conftest import COMPANY, STORY
from ui.storage.moderation import ModerationError, approve, reject
from ui.storage.submissions import (
    APPROVED,
    PENDING,
    REJECTED,
    add_submission,
    get_submission,
    list_submissions,
)

pytestmark = pytest.mark.usefixtures("database_url", "empty_library")


def corpus_files() -> dict[str, bytes]:
    """Every legend file under LEGENDS_HOME/corpus, by name, with its bytes."""
    corpus = get_settings().user_corpus_dir
    return {p.name: p.read_bytes() for p in sorted(corpus.glob("*"))} if corpus.exists() else {}


def test_queueing_never_touches_the_corpus():
    for n in range(3):
        add_submission(STORY, f"{COMPANY} {n}", "Sam")
    list_submissions()
    get_submission(1)
    assert corpus_files() == {}
    assert not get_settings().user_corpus_dir.exists()


def test_approval_writes_one_credited_legend_and_only_once():
    queued = add_submission(STORY, COMPANY, "Sam")
    approval = approve(queued.id)
    assert approval.merged is False
    assert approval.path == get_settings().user_corpus_dir / f"{approval.legend_id}.md"
    assert list(corpus_files()) == [approval.path.name]
    legend = parse_legend_file(approval.path)
    assert isinstance(legend, Legend) and legend.id == approval.legend_id
    assert legend.company == COMPANY
    assert "approved by a trainer" in legend.status_note
    assert any(s.title == f"Story shared by Sam (submission {queued.id})" for s in legend.sources)
    stored = get_submission(queued.id)
    assert stored == approval.submission
    assert stored.status == APPROVED and stored.legend_id == approval.legend_id
    assert stored.decided_at.utcoffset().total_seconds() == 0

    before = corpus_files()
    with pytest.raises(ModerationError, match=f"already approved \\(legend {approval.legend_id}"):
        approve(queued.id)
    with pytest.raises(ModerationError, match="already approved"):
        reject(queued.id)
    assert corpus_files() == before and get_submission(queued.id) == stored


def test_rejection_leaves_the_corpus_untouched_for_good():
    queued = add_submission(STORY, COMPANY)
    rejected = reject(queued.id)
    assert rejected.status == REJECTED and rejected.legend_id is None
    assert get_submission(queued.id) == rejected
    with pytest.raises(ModerationError, match="already rejected"):
        approve(queued.id)
    with pytest.raises(ModerationError, match="already rejected"):
        reject(queued.id)
    assert corpus_files() == {}


def test_unknown_submissions_are_refused():
    with pytest.raises(ModerationError, match="no submission with id 42"):
        approve(42)
    with pytest.raises(ModerationError, match="no submission with id 42"):
        reject(42)
    assert corpus_files() == {}


def test_only_the_approved_one_of_several_becomes_a_legend():
    kept = add_submission(STORY, COMPANY, "Sam")
    dropped = add_submission(STORY.replace("Tallowbrook", "Quillmere"), "Quillmere Books")
    waiting = add_submission(STORY.replace("Tallowbrook", "Fernhollow"), "Fernhollow Books")
    reject(dropped.id)
    approval = approve(kept.id)
    assert list(corpus_files()) == [approval.path.name]
    assert b"Quillmere" not in approval.path.read_bytes()
    assert get_submission(waiting.id).status == PENDING

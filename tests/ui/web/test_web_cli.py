"""``legends feedback export`` and ``legends submissions list|show|approve|reject``."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from corpus.settings import get_settings
from tests.services.process import free_port
from tests.ui.web.conftest import STORY
from ui.cli import app
from ui.storage.feedback import record_feedback
from ui.storage.submissions import add_submission, get_submission

runner = CliRunner()
pytestmark = pytest.mark.usefixtures("cli_uses_session_model")


def invoke(*args: str):
    return runner.invoke(app, list(args))


def test_feedback_export_writes_csv(tmp_path):
    record_feedback(
        "up", "lost item?", "Here are the legends, with a, comma", ["a-b", "c-d"], "ask"
    )
    record_feedback("down", 'a "quoted" question', "Line one\nline two", [], "suggest")
    target = tmp_path / "feedback.csv"
    result = invoke("feedback", "export", "--output", str(target))
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(target.open(encoding="utf-8", newline="")))
    assert [r["rating"] for r in rows] == ["up", "down"]
    assert rows[0]["legend_ids"] == "a-b c-d" and rows[0]["answer"].endswith("a, comma")
    assert (
        rows[1]["question"] == 'a "quoted" question' and rows[1]["answer"] == "Line one\nline two"
    )
    assert rows[0]["created_at"][:4].isdigit()
    stdout = invoke("feedback", "export")
    assert stdout.exit_code == 0
    assert list(csv.DictReader(io.StringIO(stdout.stdout)))[1]["mode"] == "suggest"


def test_submissions_list_and_show():
    first = add_submission(STORY, "Copperleaf Cycles", "Sam")
    add_submission(STORY.replace("bike", "scooter"), "Another Shop")
    result = invoke("submissions", "list")
    assert result.exit_code == 0
    assert "Copperleaf Cycles" in result.stdout and "2 submission(s); 2 pending" in result.stdout
    payload = json.loads(invoke("submissions", "list", "--json", "--status", "pending").stdout)
    assert [s["id"] for s in payload["submissions"]] == [first.id, first.id + 1]
    shown = invoke("submissions", "show", str(first.id))
    assert shown.exit_code == 0 and STORY in shown.stdout and "Name: Sam" in shown.stdout
    missing = invoke("submissions", "show", "999")
    assert missing.exit_code != 0 and "no submission with id 999" in missing.output
    assert invoke("submissions", "list", "--status", "bogus").exit_code != 0


@pytest.mark.slow
def test_approve_writes_an_indexed_legend(small_library):
    submission = add_submission(STORY, "Copperleaf Cycles", "Sam")
    result = invoke("submissions", "approve", str(submission.id))
    assert result.exit_code == 0, result.output
    stored = get_submission(submission.id)
    assert stored.status == "approved" and stored.legend_id
    files = list(get_settings().user_corpus_dir.glob("*.md"))
    assert [f.stem for f in files] == [stored.legend_id]
    text = files[0].read_text(encoding="utf-8")
    assert "Copperleaf Cycles" in text and "Story shared by Sam" in text
    assert "approved by a trainer" in text
    found = json.loads(
        invoke("search", "bike chain snapped before a job interview", "--json").stdout
    )
    assert found["results"][0]["id"] == stored.legend_id

    again = invoke("submissions", "approve", str(submission.id))
    assert again.exit_code != 0 and "already approved" in again.output
    unknown = invoke("submissions", "approve", "999")
    assert unknown.exit_code != 0 and "no submission with id 999" in unknown.output


def test_reject_leaves_the_corpus_untouched(small_library):
    submission = add_submission(STORY, "Copperleaf Cycles")
    result = invoke("submissions", "reject", str(submission.id))
    assert result.exit_code == 0, result.output
    assert get_submission(submission.id).status == "rejected"
    corpus = get_settings().user_corpus_dir
    assert not corpus.exists() or not any(corpus.iterdir())
    approve = invoke("submissions", "approve", str(submission.id))
    assert approve.exit_code != 0 and "already rejected" in approve.output
    assert invoke("submissions", "reject", "999").exit_code != 0


def test_unreachable_database_is_one_clear_line(tmp_path):
    """The installed `legends` entry point, as a user runs it: no traceback, exit code 1."""
    legends = Path(sys.executable).parent / "legends"
    url = f"postgresql://legends:secret-pw@127.0.0.1:{free_port()}/legends"
    env = {"PATH": "/usr/bin:/bin", "LEGENDS_HOME": str(tmp_path), "LEGENDS_DATABASE_URL": url}
    for command in (["submissions", "list"], ["feedback", "export"], ["serve", "--port", "1"]):
        done = subprocess.run(
            [str(legends), *command], env=env, capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 1, (command, done.stderr)
        assert done.stderr.startswith("Error: cannot reach the postgresql database 'legends'")
        assert "Traceback" not in done.stderr and "secret-pw" not in done.stderr
        assert not (tmp_path / "index").exists()  # serve stopped before syncing the index

"""Several app instances (separate OS processes) sharing one database.

Each worker is a fresh ``python`` process (see ``worker.py``); all of them wait for one
go signal, so their work really overlaps. PostgreSQL is the deployment for several
instances; SQLite runs too, since the server and a CLI command share its file.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from corpus.settings import get_settings
from tests.ui.storage.conftest import COMPANY, STORY
from ui.storage.database import dispose_engines, get_engine
from ui.storage.feedback import list_feedback
from ui.storage.submissions import APPROVED, REJECTED, add_submission, get_submission

ROOT = Path(__file__).resolve().parents[3]
WORKER_TIMEOUT = 120


def run_together(tmp_path: Path, *commands: list[str]) -> list[dict]:
    """Start one worker process per command, release them at once, return their results."""
    go = tmp_path / "go"
    workers = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.ui.storage.worker", str(go), *command],
            cwd=ROOT,
            env=dict(os.environ),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for command in commands
    ]
    try:
        for worker in workers:
            if worker.stdout.readline().strip() != "ready":
                _, errors = worker.communicate(timeout=WORKER_TIMEOUT)
                pytest.fail(f"worker did not start:\n{errors[-3000:]}")
        go.touch()
        results = []
        for worker in workers:
            output, errors = worker.communicate(timeout=WORKER_TIMEOUT)
            assert worker.returncode == 0, errors[-3000:]
            results.append(json.loads(output.strip().splitlines()[-1]))
        return results
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
                worker.wait()


def test_concurrent_feedback_from_two_processes_is_all_kept(database_url, tmp_path):
    first, second = run_together(tmp_path, ["feedback", "one", "100"], ["feedback", "two", "100"])
    stored = list_feedback()
    assert len(stored) == 200
    assert Counter(f.question.split("-")[0] for f in stored) == {"one": 100, "two": 100}
    assert {f.question for f in stored} == {f"{t}-{i}" for t in ("one", "two") for i in range(100)}
    assert sorted(first["ids"] + second["ids"]) == [f.id for f in stored]  # no id twice
    assert all(f.answer.startswith("answer ") and f.legend_ids == ["a-b"] for f in stored)


def test_instances_starting_together_create_the_tables_once(database_url, tmp_path):
    # A fresh, empty database (database_url gives each test its own): four processes
    # create the tables at the same moment, as instances started together would.
    results = run_together(tmp_path, *(["tables"] for _ in range(4)))
    assert all({"feedback", "submissions"} <= set(r["tables"]) for r in results)
    dispose_engines()
    engine = get_engine()
    with engine.connect() as connection:
        assert {"feedback", "submissions"} <= set(engine.dialect.get_table_names(connection))


@pytest.mark.usefixtures("empty_library")
@pytest.mark.parametrize("rival", ["approve", "reject"])
def test_concurrent_decisions_on_one_submission_exactly_one_wins(database_url, tmp_path, rival):
    queued = add_submission(STORY, COMPANY, "Sam")
    results = run_together(tmp_path, ["approve", str(queued.id)], [rival, str(queued.id)])
    wins = [r for r in results if r.get("approved") or r.get("rejected")]
    losses = [r for r in results if r not in wins]
    assert len(wins) == 1 and len(losses) == 1, results
    assert "already" in losses[0]["error"]
    stored = get_submission(queued.id)
    legends = list(get_settings().user_corpus_dir.glob("*.md"))
    if wins[0].get("approved"):
        assert stored.status == APPROVED and stored.legend_id == wins[0]["legend_id"]
        assert [p.stem for p in legends] == [stored.legend_id]
        # The loser never rewrote the file (each write replaces it with a new inode).
        assert legends[0].stat().st_ino == wins[0]["inode"]
    else:
        assert stored.status == REJECTED and stored.legend_id is None
        assert legends == []

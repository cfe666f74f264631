"""`kill -9` in the middle of `legends ingest`: the next run completes, nothing lost or doubled."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from corpus.loader import load_corpus
from tests.conftest import SEEDS_DIR

pytestmark = pytest.mark.slow
LEGENDS = Path(sys.executable).with_name("legends")


def ingest(env: dict, *, kill_when_written: bool = False) -> subprocess.CompletedProcess | None:
    seeds = sorted(str(p) for p in SEEDS_DIR.glob("*.txt"))
    process = subprocess.Popen(
        [str(LEGENDS), "ingest", *seeds, "--json"], env=env,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    if not kill_when_written:
        out, err = process.communicate(timeout=600)
        return subprocess.CompletedProcess(process.args, process.returncode, out, err)
    corpus = Path(env["LEGENDS_HOME"]) / "corpus"
    deadline = time.monotonic() + 120
    while not (corpus.exists() and any(corpus.iterdir())):
        assert time.monotonic() < deadline and process.poll() is None, process.communicate()
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    process.wait()
    return None


def test_kill_9_during_ingest_then_the_next_run_completes(tmp_path):
    library = tmp_path / "empty-library"
    library.mkdir()
    base = {**os.environ, "LEGENDS_LIBRARY_DIR": str(library)}
    killed = {**base, "LEGENDS_HOME": str(tmp_path / "killed")}
    clean = {**base, "LEGENDS_HOME": str(tmp_path / "clean")}

    ingest(killed, kill_when_written=True)
    leftovers = [p.name for p in (tmp_path / "killed" / "corpus").iterdir() if p.suffix != ".md"]
    finished = ingest(killed)
    assert finished.returncode == 0, finished.stderr
    assert ingest(clean).returncode == 0

    def legends(env):
        corpus = load_corpus([library, Path(env["LEGENDS_HOME"]) / "corpus"])
        assert corpus.problems == []  # no half-written legend
        return sorted(item.legend.id for item in corpus.legends)

    assert legends(killed) == legends(clean)  # nothing lost, nothing doubled
    assert len(legends(clean)) == 13
    search = [str(LEGENDS), "search", "a pilot held the plane for a grieving man", "--json"]
    outputs = [subprocess.run(search, env=env, capture_output=True, text=True).stdout
               for env in (killed, clean)]  # fmt: skip
    assert outputs[0] == outputs[1]
    # Temporary files from the interrupted write are the only possible leftovers.
    assert all(name.endswith(".tmp") or name.startswith(".") for name in leftovers)

"""A full disk, for real: LEGENDS_HOME on a small tmpfs that the test fills up.

Sharing keeps the story and says so politely; approving is one line and exit code 1;
search and index say "disk full" and never treat the index as broken (nothing is moved
aside). Needs root for ``mount`` (the test machine runs as root).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from corpus.settings import PACKAGED_LEGENDS
from tests.ui.storage.conftest import COMPANY, STORY
from ui.storage.database import dispose_engines

pytestmark = pytest.mark.slow
LEGENDS = Path(sys.executable).parent / "legends"
SIZE_MB = 48


def _fill(folder: Path) -> int:
    """Write until the file system refuses; return the bytes written."""
    written = 0
    with (folder / "ballast").open("wb") as handle:
        try:
            while True:
                handle.write(b"\0" * 65536)
                handle.flush()
                written += 65536
        except OSError:
            pass
    return written


@pytest.fixture
def full_home(tmp_path, shared_index_home, monkeypatch):
    mount = tmp_path / "small-disk"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={SIZE_MB}m", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, f"cannot mount a tmpfs (root needed): {done.stderr}"
    try:
        home = mount / "home"
        shutil.copytree(shared_index_home / "index", home / "index")
        monkeypatch.setenv("LEGENDS_HOME", str(home))
        monkeypatch.delenv("LEGENDS_DATABASE_URL", raising=False)
        dispose_engines()
        yield home, mount
    finally:
        dispose_engines()
        subprocess.run(["umount", "-l", str(mount)], check=False)


def _legends(home: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "LEGENDS_HOME": str(home), "HF_HUB_OFFLINE": "1"}
    env.pop("LEGENDS_DATABASE_URL", None)
    return subprocess.run(
        [str(LEGENDS), *args], env=env, capture_output=True, text=True, timeout=600
    )


def test_a_full_disk_is_reported_as_disk_full_everywhere(full_home):
    from ui.storage.submissions import add_submission
    from ui.web.access import Access
    from ui.web.share import submit

    home, mount = full_home
    queued = add_submission(STORY, COMPANY, "Sam")  # queued while there was room
    # A new legend file, so the next search or index run has vectors to write.
    user_corpus = home / "corpus"
    user_corpus.mkdir()
    text = (PACKAGED_LEGENDS / "zappos-ten-hour-call.md").read_text(encoding="utf-8")
    (user_corpus / "zappos-ten-hour-call-copy.md").write_text(
        text.replace("id: zappos-ten-hour-call", "id: zappos-ten-hour-call-copy", 1),
        encoding="utf-8",
    )
    filled = _fill(mount)
    print(f"filled {filled / 1_048_576:.1f} MB of a {SIZE_MB} MB tmpfs")
    index_before = sorted(p.name for p in home.iterdir())

    story = STORY + " They even phoned the next day to check the book had survived the rain."
    message, kept_story, kept_company, kept_name = submit(story, COMPANY, "Ana", Access())
    print("share:", message)
    assert message.startswith("**Not sent yet:**") and "full" in message
    assert (kept_story, kept_company, kept_name) == (story, COMPANY, "Ana")

    approve = _legends(home, "submissions", "approve", str(queued.id))
    print("approve:", approve.returncode, approve.stderr.strip())
    assert approve.returncode == 1
    assert approve.stderr.strip().count("\n") == 0 and "disk full" in approve.stderr
    assert "Traceback" not in approve.stderr

    for args in (("search", "a very long phone call"), ("index",)):
        result = _legends(home, *args)
        print(" ".join(args) + ":", result.returncode, result.stderr.strip()[-300:])
        assert result.returncode == 1, result.stdout[-500:]
        assert "disk full" in result.stderr and "Traceback" not in result.stderr
        assert sorted(p.name for p in home.iterdir()) == index_before  # nothing moved aside

    (mount / "ballast").unlink()  # room again: everything works, nothing was lost
    approve = _legends(home, "submissions", "approve", str(queued.id))
    assert approve.returncode == 0, approve.stderr
    index = _legends(home, "index")
    assert index.returncode == 0 and "unchanged" in index.stdout, index.stdout + index.stderr
    search = _legends(home, "search", "a very long phone call")
    assert search.returncode == 0 and search.stdout.startswith("1. ")

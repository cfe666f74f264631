"""A malformed ``LEGENDS_DATABASE_URL`` stops a command with one line, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

LEGENDS = Path(sys.executable).parent / "legends"
SECRET = "s3cret-pw"


@pytest.mark.parametrize(
    "url",
    [
        f"postgresql://user:{SECRET}@db.example:notaport/legends",  # a port that is no number
        f"postgresql://user:{SECRET}@[::1/legends",  # an unclosed IPv6 bracket
        f"mysql://user:{SECRET}@localhost/legends",  # a driver that is not installed
        "oracle+nodriver://x/y",  # no such dialect
        "sqlite:////proc/no-such-dir/legends.db",  # a folder that cannot be made
    ],
)
def test_a_malformed_database_url_is_one_line(url, tmp_path):
    env = {**os.environ, "LEGENDS_HOME": str(tmp_path / "home"), "LEGENDS_DATABASE_URL": url}
    done = subprocess.run(
        [str(LEGENDS), "submissions", "list"], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr[-2000:]
    assert "LEGENDS_DATABASE_URL" in lines[0]
    assert SECRET not in done.stderr + done.stdout

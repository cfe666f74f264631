"""A frozen copy of the packaged library for a benchmark run.

The server re-reads the corpus whenever a legend file changes; a run measured while the
working tree is being edited would time those re-reads instead of the answers. The copy
is taken once, before the server starts, and removed afterwards.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from corpus.settings import PACKAGED_LEGENDS


@contextmanager
def library_snapshot() -> Iterator[dict[str, str]]:
    """Yields the environment (``LEGENDS_LIBRARY_DIR``) that points a server at the copy."""
    with tempfile.TemporaryDirectory(prefix="legends-bench-library-") as folder:
        copy = Path(folder) / "legends"
        shutil.copytree(PACKAGED_LEGENDS, copy)
        yield {"LEGENDS_LIBRARY_DIR": str(copy)}

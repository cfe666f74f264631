"""Legend folders loaded once per process and re-read only when their files change.

Ingestion needs the packaged library several times over (the corpus to merge into,
word weights for similarity, the label model's training data, the company
gazetteer); parsing ~100 validated legend files takes a noticeable while, so each
folder's load is kept, keyed by the names, sizes and modification times of its files.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from corpus.loader import CorpusLoad, load_corpus
from corpus.schema import Legend
from corpus.settings import PACKAGED_LEGENDS

_loads: dict[str, tuple[tuple, CorpusLoad]] = {}
_guard = threading.Lock()


def folder_signature(folder: Path) -> tuple:
    """Names, sizes and modification times of the folder's legend files: cheap to compare."""
    try:
        with os.scandir(folder) as entries:
            return tuple(
                sorted(
                    (entry.name, entry.stat().st_mtime_ns, entry.stat().st_size)
                    for entry in entries
                    if entry.name.endswith(".md") and entry.is_file()
                )
            )
    except OSError:
        return ()


def load_folder(folder: Path) -> CorpusLoad:
    """The legends (and problems) of one folder, parsed again only after a file changed."""
    key = str(Path(folder).resolve())
    signature = folder_signature(folder)
    with _guard:
        cached = _loads.get(key)
        if cached is not None and cached[0] == signature:
            return cached[1]
    loaded = load_corpus([folder])
    with _guard:
        _loads[key] = (signature, loaded)
    return loaded


def packaged_legends() -> list[Legend]:
    """The packaged library's legends."""
    return [item.legend for item in load_folder(PACKAGED_LEGENDS).legends]

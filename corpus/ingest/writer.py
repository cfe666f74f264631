"""Write and remove legend files in the user corpus, atomically and one change at a time.

A legend file is written to a temporary file in the same folder and moved into
place with ``os.replace``, so a crash never leaves a half-written legend (and the
temporary name does not end in ``.md``, so the loader never sees it).

Every change to ``$LEGENDS_HOME/corpus`` (ingest, approval, removal) runs under
:func:`corpus_lock`, a lock file beside the corpus (``$LEGENDS_HOME/corpus.lock``,
via ``filelock``): the corpus is read, ids are allocated and files are written by one
process at a time, so two changes at once cannot both take one id. Processes on
several machines sharing the folder need a file system whose locks work across
machines (NFSv4, SMB with locking), or a single machine doing the corpus changes.
As a second line of defence, :func:`write_legend` refuses to replace a file whose
sources the new legend does not keep (that file tells another story).
"""

from __future__ import annotations

import os
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import yaml
from filelock import FileLock, Timeout

from corpus.disk import DiskFull, is_disk_full
from corpus.schema import SLUG, Legend, Source
from corpus.settings import Settings

LOCK_FILE = "corpus.lock"
# Long enough for another process's ingest of a large batch; then a clear error.
LOCK_TIMEOUT_SECONDS = 300
_locks: dict[str, FileLock] = {}
_locks_guard = threading.Lock()


class CorpusBusy(RuntimeError):
    """Another process held the corpus lock for too long; the message says which file."""


class WouldOverwrite(FileExistsError):
    """Writing a legend would replace a file telling another story (an id collision)."""


def _lock_for(path: Path) -> FileLock:
    # One FileLock object per path: it is re-entrant within a thread (an approval holds
    # the lock around an ingest that takes it again) and excludes other threads too.
    with _locks_guard:
        lock = _locks.get(str(path))
        if lock is None:
            lock = _locks[str(path)] = FileLock(path, timeout=LOCK_TIMEOUT_SECONDS)
        return lock


@contextmanager
def corpus_lock(settings: Settings) -> Iterator[None]:
    """Hold the lock on the user corpus: one change at a time, across processes."""
    settings.home.mkdir(parents=True, exist_ok=True)
    path = settings.home / LOCK_FILE
    try:
        with _lock_for(path):
            yield
    except Timeout:
        raise CorpusBusy(
            f"another process has been changing the corpus for {LOCK_TIMEOUT_SECONDS} s "
            f"(lock file {path}); try again when it has finished"
        ) from None


# The order fields appear in hand-written legend files (docs/legend-format.md).
FIELD_ORDER = (
    "id",
    "title",
    "company",
    "industry",
    "year",
    "themes",
    "principles",
    "situation",
    "action",
    "outcome",
    "lessons",
    "try_this",
    "sources",
    "status",
    "status_note",
    "origin",
)


def legend_to_markdown(legend: Legend) -> str:
    """The legend as a legend file: YAML front matter, then the retelling."""
    # Defaults (origin: curated, classic: false, ...) are left out, as in hand-written files.
    data = legend.model_dump(exclude_none=True, exclude_defaults=True, exclude={"retelling"})
    ordered = {key: data[key] for key in FIELD_ORDER if key in data}
    ordered.update({key: value for key, value in data.items() if key not in ordered})
    front = yaml.safe_dump(ordered, sort_keys=False, allow_unicode=True, width=10_000)
    return f"---\n{front}---\n{legend.retelling.strip()}\n"


def _where(source: Source) -> str:
    return source.url or source.seed or source.file or ""


def _check_same_story(target: Path, legend: Legend) -> None:
    """Refuse to replace ``target`` unless ``legend`` still cites every source it cites.

    A merge or a credit keeps the sources (or refreshes one from the same file); a file
    written by another process for another story under the same id would lose them.
    """
    from corpus.loader import parse_legend_file  # the loader imports nothing from here

    existing = parse_legend_file(target)
    if not isinstance(existing, Legend):
        return  # a broken file tells no story we could lose; replacing it repairs it
    kept = {_where(source) for source in legend.sources}
    lost = [_where(source) for source in existing.sources if _where(source) not in kept]
    if lost:
        raise WouldOverwrite(
            f"{target} already tells another story (citing {', '.join(lost)}); not replaced"
        )


def write_legend(folder: Path, legend: Legend) -> Path:
    """Write ``legend`` to ``folder/<id>.md`` atomically; return the path.

    Raises :class:`WouldOverwrite` instead of replacing a file that tells another story,
    and :class:`corpus.disk.DiskFull` (an ``OSError`` saying "disk full") when there is
    no room: the old file, if any, is then untouched.
    """
    target = folder / f"{legend.id}.md"
    if target.exists():
        _check_same_story(target, legend)
    text = legend_to_markdown(legend)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        descriptor, temp_name = tempfile.mkstemp(dir=folder, prefix=f".{legend.id}.", suffix=".tmp")
    except OSError as error:
        if is_disk_full(error):
            raise DiskFull(f"legend files in {folder}") from error
        raise
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp_name, target)
    except BaseException as error:
        Path(temp_name).unlink(missing_ok=True)
        if is_disk_full(error):
            raise DiskFull(f"legend files in {folder}") from error
        raise
    return target


class RemoveRefused(Exception):
    """A legend that ``legends remove`` must not delete, with the reason."""


@dataclass(frozen=True)
class Removal:
    """What removing a user legend did."""

    legend_id: str
    path: Path
    packaged_restored: bool


def remove_legend(settings: Settings, legend_id: str) -> Removal:
    """Delete the user legend ``legend_id``; refuse packaged legends and unknown ids.

    Only an id (the slug rule of :data:`corpus.schema.SLUG`) is accepted, never a path,
    so nothing outside ``$LEGENDS_HOME/corpus`` can be deleted.
    """
    if not SLUG.match(legend_id):
        raise RemoveRefused(
            f"{legend_id!r} is not a legend id (ids are lowercase words joined by hyphens, "
            "like 'zappos-ten-hour-call'; give the id, not a path)"
        )
    user_file = settings.user_corpus_dir / f"{legend_id}.md"
    packaged_file = settings.library_dir / f"{legend_id}.md"
    with corpus_lock(settings):
        if user_file.is_file():
            user_file.unlink()
            # If it was a user copy of a packaged legend, the packaged one is back in force.
            return Removal(legend_id, user_file, packaged_restored=packaged_file.is_file())
    if packaged_file.is_file():
        raise RemoveRefused(
            f"'{legend_id}' is a packaged legend ({packaged_file}); it lives in the library, "
            "so edit or delete it in the repository instead"
        )
    raise RemoveRefused(f"no legend with id '{legend_id}'")

"""Write and remove legend files in the user corpus, atomically.

A legend file is written to a temporary file in the same folder and moved into
place with ``os.replace``, so a crash never leaves a half-written legend (and the
temporary name does not end in ``.md``, so the loader never sees it).
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml

from corpus.schema import Legend
from corpus.settings import Settings

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


def write_legend(folder: Path, legend: Legend) -> Path:
    """Write ``legend`` to ``folder/<id>.md`` atomically; return the path."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{legend.id}.md"
    text = legend_to_markdown(legend)
    descriptor, temp_name = tempfile.mkstemp(dir=folder, prefix=f".{legend.id}.", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp_name, target)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
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
    """Delete the user legend ``legend_id``; refuse packaged legends and unknown ids."""
    user_file = settings.user_corpus_dir / f"{legend_id}.md"
    packaged_file = settings.library_dir / f"{legend_id}.md"
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

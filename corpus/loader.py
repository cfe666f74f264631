"""Load legend files from disk, validating each one and reporting every problem.

A broken file never disappears silently: it becomes a :class:`LegendProblem`
naming the file, the field and the reason, and the other files still load.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import ValidationError

from corpus.frameworks import principles_by_id
from corpus.safe_parse import ParseRefused, load_front_matter
from corpus.schema import Legend
from corpus.settings import get_settings


@dataclass(frozen=True)
class LegendProblem:
    """Why one legend file could not be used."""

    path: Path
    field: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.field}: {self.reason}"


@dataclass(frozen=True)
class LoadedLegend:
    """A valid legend with where it came from and a hash of its content."""

    legend: Legend
    path: Path
    content_hash: str


@dataclass
class CorpusLoad:
    """The result of reading the corpus folders: good legends and problems."""

    legends: list[LoadedLegend] = field(default_factory=list)
    problems: list[LegendProblem] = field(default_factory=list)
    # id -> the file that was replaced by a later folder's legend of the same id.
    overridden: dict[str, Path] = field(default_factory=dict)

    def by_id(self) -> dict[str, Legend]:
        return {item.legend.id: item.legend for item in self.legends}


def content_hash(legend: Legend) -> str:
    """A stable hash of everything in a legend, so unchanged legends are not re-embedded."""
    return hashlib.sha256(legend.model_dump_json().encode("utf-8")).hexdigest()


def parse_legend_file(path: Path) -> Legend | list[LegendProblem]:
    """Parse and validate one legend file; return the legend or its problems."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return [LegendProblem(path, "file", "is not UTF-8 text")]
    except OSError as error:
        return [LegendProblem(path, "file", f"cannot be read ({error.strerror})")]
    try:
        metadata, body = load_front_matter(text)
    except ParseRefused as refused:
        return [LegendProblem(path, "front matter", str(refused))]
    except yaml.YAMLError as error:
        reason = str(error).splitlines()[0] if str(error) else "invalid YAML"
        return [LegendProblem(path, "front matter", f"invalid YAML: {reason}")]
    if not metadata:
        return [LegendProblem(path, "front matter", "missing (the file must start with ---)")]
    try:
        legend = Legend.model_validate({**metadata, "retelling": body})
    except ValidationError as error:
        return [
            LegendProblem(path, _field_name(issue["loc"]), _reason(issue))
            for issue in error.errors()
        ]
    problems = []
    if legend.id != path.stem:
        problems.append(LegendProblem(path, "id", f"'{legend.id}' does not match the file name"))
    known = principles_by_id()
    unknown = [p for p in legend.principles if p not in known]
    if unknown:
        problems.append(
            LegendProblem(path, "principles", f"unknown principle(s): {', '.join(unknown)}")
        )
    return problems or legend


def _reason(issue: dict) -> str:
    # pydantic says "Field required"; say plainly that the field is missing from the file.
    if issue.get("type") == "missing":
        return "missing: this field is required"
    return issue["msg"]


def _field_name(loc: tuple) -> str:
    if not loc:
        return "front matter"
    if loc[0] == "retelling":
        return "body (retelling)"
    return ".".join(str(part) for part in loc)


def legend_files(folders: Iterable[Path]) -> list[Path]:
    """All ``*.md`` legend files in the given folders (missing folders are skipped)."""
    files: list[Path] = []
    for folder in folders:
        if folder.is_dir():
            files.extend(sorted(folder.glob("*.md")))
    return files


def load_corpus(folders: Iterable[Path] | None = None) -> CorpusLoad:
    """Load every legend from ``folders`` (default: the packaged and the user corpus).

    A legend in a later folder overrides one with the same id in an earlier folder
    (so a user's copy of a packaged legend, e.g. with an extra source, replaces it
    without touching the package); the same id twice within one folder is a problem.
    """
    if folders is None:
        folders = get_settings().corpus_dirs
    result = CorpusLoad()
    chosen: dict[str, LoadedLegend] = {}
    for folder in folders:
        in_folder: dict[str, Path] = {}
        for path in legend_files([folder]):
            parsed = parse_legend_file(path)
            if isinstance(parsed, list):
                result.problems.extend(parsed)
                continue
            if parsed.id in in_folder:
                result.problems.append(
                    LegendProblem(
                        path, "id", f"'{parsed.id}' is already used by {in_folder[parsed.id]}"
                    )
                )
                continue
            in_folder[parsed.id] = path
            if parsed.id in chosen:
                result.overridden[parsed.id] = chosen[parsed.id].path
            chosen[parsed.id] = LoadedLegend(parsed, path, content_hash(parsed))
    result.legends = list(chosen.values())
    return result

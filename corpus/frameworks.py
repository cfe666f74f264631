"""The service frameworks from the seed articles (six traits, five pillars, three steps).

Legends link to their principles by id, so "stories about proactiveness" can be found.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict

from corpus.schema import Source
from corpus.settings import PACKAGED_FRAMEWORKS


class Principle(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    name: str
    description: str


class Framework(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    title: str
    source: Source
    principles: list[Principle]


@cache
def load_frameworks(folder: Path = PACKAGED_FRAMEWORKS) -> tuple[Framework, ...]:
    """Every framework in ``folder``, sorted by id."""
    frameworks = [
        Framework.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
        for path in sorted(folder.glob("*.yaml"))
    ]
    return tuple(sorted(frameworks, key=lambda f: f.id))


def principles_by_id() -> dict[str, tuple[Framework, Principle]]:
    """Map each principle id to its framework and definition."""
    return {p.id: (f, p) for f in load_frameworks() for p in f.principles}

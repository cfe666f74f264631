"""A legend's teaching material: its curated moves, questions and role-play, or generic ones.

Curated legends carry material written by hand (docs/legend-format.md). A story that
has none yet (ingested from a user's file, not reviewed by a trainer) gets clearly
generic material from ``prompts/generic_material.yaml``, always shown under a label
saying so, never passed off as the story's own.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from corpus.schema import Legend, Move, RolePlay

GENERIC_FILE = Path(__file__).resolve().parents[1] / "prompts" / "generic_material.yaml"


@dataclass(frozen=True)
class Material:
    """What a trainer or agent gets from one legend."""

    moves: tuple[Move, ...]
    discussion: tuple[str, ...]
    role_play: RolePlay
    # False: the material is generic (the story has none of its own yet).
    curated: bool


@cache
def generic() -> Material:
    """The generic material, for stories without their own."""
    data = yaml.safe_load(GENERIC_FILE.read_text(encoding="utf-8"))
    return Material(
        moves=tuple(Move(**move) for move in data["moves"]),
        discussion=tuple(data["discussion"]),
        role_play=RolePlay(**data["role_play"]),
        curated=False,
    )


@cache
def generic_label() -> str:
    """The words that introduce generic material ("No curated material yet ...")."""
    return yaml.safe_load(GENERIC_FILE.read_text(encoding="utf-8"))["label"]


def has_material(legend: Legend) -> bool:
    """True when the legend carries its own moves, questions and role-play."""
    return bool(legend.moves and legend.discussion and legend.role_play)


def material(legend: Legend) -> Material:
    """The legend's own material when it has all of it, else the generic material."""
    if not has_material(legend):
        return generic()
    assert legend.role_play is not None
    return Material(tuple(legend.moves), tuple(legend.discussion), legend.role_play, True)


def missing_material(legend: Legend) -> list[str]:
    """What a curated legend lacks of its required material (empty when complete).

    Ingested stories are exempt: they are shown with generic material until reviewed.
    """
    if legend.origin != "curated":
        return []
    missing = []
    if not 2 <= len(legend.moves) <= 4:
        missing.append(f"moves (has {len(legend.moves)}, needs 2-4)")
    if not 2 <= len(legend.discussion) <= 3:
        missing.append(f"discussion (has {len(legend.discussion)} questions, needs 2-3)")
    if legend.role_play is None:
        missing.append("role_play")
    return missing

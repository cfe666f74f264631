"""Word-cue features for the fitted classifiers: one 0/1 feature per group of patterns.

The groups live in YAML files beside the models that read them (``mode_cues.yaml``,
``refusal_cues.yaml``); what each cue is worth is fitted on dev, not set by hand.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import yaml


@cache
def cue_patterns(path: Path) -> dict[str, re.Pattern]:
    """Each group's patterns as one case-insensitive regular expression on word boundaries."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {
        group: re.compile(r"\b(" + "|".join(f"(?:{p})" for p in patterns) + r")\b", re.I)
        for group, patterns in raw.items()
    }


def cue_features(message: str, path: Path) -> list[float]:
    """1.0 for each group in ``path`` whose words the message uses, else 0.0."""
    return [float(bool(pattern.search(message))) for pattern in cue_patterns(path).values()]

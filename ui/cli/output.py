"""Shared helpers for printing results and failing cleanly."""

from __future__ import annotations

import json
import sys
from typing import NoReturn

from corpus.schema import THEMES, Legend

USAGE_ERROR = 2


def fail(message: str, code: int = USAGE_ERROR) -> NoReturn:
    """Print ``message`` on stderr and exit with ``code``."""
    print(f"Error: {message}", file=sys.stderr)
    raise SystemExit(code)


def print_json(payload: dict) -> None:
    """One JSON object on one line of stdout."""
    sys.stdout.write(json.dumps(payload, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def check_themes(themes: list[str] | None) -> list[str]:
    """Reject themes outside the controlled vocabulary with the list of valid ones."""
    themes = themes or []
    unknown = [t for t in themes if t not in THEMES]
    if unknown:
        fail(f"unknown theme {', '.join(unknown)!s}; choose from: {', '.join(THEMES)}")
    return themes


def sources_json(legend: Legend) -> list[dict]:
    return [source.to_json() for source in legend.sources]


def excerpt(text: str, limit: int = 220) -> str:
    """The opening of ``text``, cut at a sentence or word boundary."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit]
    stop = cut.rfind(". ")
    if stop > limit // 2:
        return cut[: stop + 1]
    return cut.rsplit(" ", 1)[0] + "…"

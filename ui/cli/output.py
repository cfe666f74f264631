"""Shared helpers for printing results and failing cleanly."""

from __future__ import annotations

import json
import sys
from typing import NoReturn

from corpus.sanitize import has_unsafe, is_unsafe, visible
from corpus.schema import THEMES, Legend

USAGE_ERROR = 2


def terminal(text: object) -> str:
    """``text`` safe to print: control codes and invisible characters shown as symbols.

    Use it for anything that came from outside (shared stories, file names, legend
    fields, error messages quoting them) before it reaches a terminal.
    """
    return visible(str(text))


def fail(message: str, code: int = USAGE_ERROR) -> NoReturn:
    """Print ``message`` on stderr and exit with ``code``."""
    print(f"Error: {terminal(message)}", file=sys.stderr)
    raise SystemExit(code)


def json_line(payload: dict) -> str:
    """``payload`` as one line of JSON that is safe on a terminal.

    ``json.dumps`` escapes C0 controls but writes C1 controls, bidi overrides and
    zero-width characters as they are; escaped as ``\\uXXXX`` they stay exact but inert.
    """
    text = json.dumps(payload, ensure_ascii=False)
    if not has_unsafe(text):
        return text
    return "".join(json.dumps(char)[1:-1] if is_unsafe(char) else char for char in text)


def print_json(payload: dict) -> None:
    """One JSON object on one line of stdout."""
    sys.stdout.write(json_line(payload) + "\n")
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

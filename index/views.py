"""The texts embedded for each legend.

One long text dilutes a legend's meaning, so each legend is embedded as several
short views; a query scores a legend by its best-matching view.
"""

from __future__ import annotations

from corpus.frameworks import principles_by_id
from corpus.schema import Legend

VIEW_SEPARATOR = "#"


def _words(items: list[str]) -> str:
    return ", ".join(item.replace("-", " ") for item in items)


def legend_views(legend: Legend) -> dict[str, str]:
    """Named texts to embed for ``legend``: what happened, the story, the lessons."""
    known = principles_by_id()
    principles = [known[p][1].name if p in known else p for p in legend.principles]
    return {
        "head": (
            f"{legend.title}. {legend.company}. {legend.situation} "
            f"Themes: {_words(list(legend.themes))}. Principles: {_words(principles)}."
        ),
        "story": f"{legend.situation} {legend.action} {legend.outcome}",
        "retelling": legend.retelling,
        "lessons": " ".join(legend.lessons) + " " + legend.try_this,
    }


def view_id(legend_id: str, view: str) -> str:
    return f"{legend_id}{VIEW_SEPARATOR}{view}"

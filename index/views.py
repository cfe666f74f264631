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
    """Named texts to embed for ``legend``: who and what (with its facets), and the story.

    Two short views beat longer ones on `legends eval` (the retelling and the lessons
    added noise), and cost a third of the embedding time.
    """
    known = principles_by_id()
    principles = [known[p][1].name if p in known else p for p in legend.principles]
    return {
        "head": (
            f"{legend.title}. {legend.company} ({legend.industry.replace('-', ' ')}). "
            f"{legend.situation} Themes: {_words(list(legend.themes))}. "
            f"Principles: {_words(principles)}."
        ),
        "story": f"{legend.situation} {legend.action} {legend.outcome}",
    }


def view_id(legend_id: str, view: str) -> str:
    return f"{legend_id}{VIEW_SEPARATOR}{view}"

"""Suggest mode: concrete steps for an agent mid-call, short enough to read at a glance."""

from __future__ import annotations

from assistant.grounded import common
from corpus.schema import Legend
from index.query_facets import QueryFacets

WORD_LIMIT = 120


def suggestion(legends: list[Legend], facets: QueryFacets) -> str:
    """Two or three steps to try now and the legends behind them, at most ~120 words."""
    steps = [common.escape(legend.try_this) for legend in legends[:2]]
    principle = next(
        (p for legend in legends for p in legend.principles if common.principle_takeaway(p)),
        None,
    )
    if principle:
        steps.append(common.principle_takeaway(principle))
    like = [
        f"**{common.escape(legend.company)}**: {common.escape(legend.title)} "
        f"(*{common.first_source(legend)}*)"
        for legend in legends[:2]
    ]
    # Drop steps from the end until the answer fits on a screen mid-call.
    while True:
        text = _render(steps, like)
        if _words(text) <= WORD_LIMIT or len(steps) <= 1:
            return text
        steps.pop()


def _render(steps: list[str], like: list[str]) -> str:
    numbered = "\n".join(f"{n}. {step}" for n, step in enumerate(steps, 1))
    legends = "\n".join(f"- {line}" for line in like)
    return f"**Try now:**\n{numbered}\n\n**Like:**\n{legends}"


def _words(markdown: str) -> int:
    """Words a reader sees (link targets are not read)."""
    import re

    visible = re.sub(r"\]\([^)]*\)", "]", markdown)
    return len(visible.split())

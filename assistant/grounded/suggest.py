"""Suggest mode: two or three moves for an agent mid-call, each citing its legend.

The moves are chosen by how well their situation fits the agent's message
(:mod:`assistant.grounded.moves`), not taken from whichever legend ranked first.
At most ~120 words (link targets are not read, so they do not count), readable at a
glance: the step first, then one short line naming the legend and its source.
"""

from __future__ import annotations

import re

from assistant.grounded import common
from assistant.grounded.material import generic, generic_label, has_material
from assistant.grounded.moves import ChosenMove, suggest_settings
from corpus.schema import Legend

NO_FIT = "No step in the library fits this situation closely; general steps:"


def suggestion(chosen: list[ChosenMove], retrieved: list[Legend]) -> tuple[str, list[Legend]]:
    """The Markdown answer and the legends it cites, in order of first mention.

    ``chosen``: the fitting moves, best first; ``retrieved``: the legends retrieval
    picked, shown as related stories when no move fits.
    """
    if not chosen:
        return _no_fitting_move(retrieved), list(retrieved)
    # The story retrieval found best may be one of the user's own, not yet reviewed: it
    # still leads, with a generic prompt that says what it is.
    unreviewed = retrieved[0] if retrieved and not has_material(retrieved[0]) else None
    used = ([unreviewed] if unreviewed else []) + _legends_of(chosen)
    limit = suggest_settings()["word_limit"]
    moves = list(chosen)
    # Fewer moves, then shorter citations, until the answer fits on a screen mid-call.
    while True:
        for with_title in (True, False):
            text = _render(moves, with_title, unreviewed)
            if words(text) <= limit:
                return text, [lg for lg in used if lg in _legends_of(moves) or lg is unreviewed]
        if len(moves) == 1:
            return text, [lg for lg in used if lg in _legends_of(moves) or lg is unreviewed]
        moves.pop()


def _render(moves: list[ChosenMove], with_title: bool, unreviewed: Legend | None = None) -> str:
    lines = []
    if unreviewed is not None:
        lines += [
            f"**Not yet reviewed:** *{cite(unreviewed, with_title)}*",
            f"{generic_label()} {common.sentence(generic().moves[0].do)}",
            "",
        ]
    lines.append("**Try now:**")
    for number, chosen in enumerate(moves, 1):
        lines.append(f"{number}. {common.escape(common.sentence(chosen.move.do))}")
        lines.append(f"   *{cite(chosen.legend, with_title)}*")
    return "\n".join(lines)


def cite(legend: Legend, with_title: bool = True) -> str:
    """'From Nordstrom, "The diamond in the vacuum bag" (widely reported; [source](…))'."""
    title = f', "{common.escape(legend.title)}"' if with_title else ""
    notes = [tag] if (tag := common.status_tag(legend)) else []
    notes.append(short_source(legend))
    return f"From {common.escape(legend.company)}{title} ({'; '.join(notes)})"


def short_source(legend: Legend) -> str:
    """The legend's best source in a few words: its publisher, linked when it is on the web."""
    web = [s for s in legend.sources if s.url]
    source = (web or legend.sources)[0]
    publisher = common.escape(source.publisher)
    if source.url:
        url = source.url.replace("(", "%28").replace(")", "%29").replace(" ", "%20")
        return f"source: [{publisher}]({url})"
    if source.seed:
        return f"source: {publisher}, seed article"
    return f"source: {publisher}"


def _legends_of(moves: list[ChosenMove]) -> list[Legend]:
    seen: dict[str, Legend] = {}
    for chosen in moves:
        seen.setdefault(chosen.legend.id, chosen.legend)
    return list(seen.values())


def _no_fitting_move(retrieved: list[Legend]) -> str:
    """General steps, labelled as such, and the related legends: never an unfitting move."""
    unreviewed = any(not has_material(legend) for legend in retrieved)
    label = generic_label() if unreviewed else NO_FIT
    steps = [f"{n}. {common.sentence(m.do)}" for n, m in enumerate(generic().moves[:2], 1)]
    related = [f"- *{cite(legend)}*" for legend in retrieved[:2]]
    return "\n".join([f"**{label}**", *steps, "", "**Related legends:**", *related])


def words(markdown: str) -> int:
    """Words a reader sees (link targets are not read)."""
    visible = re.sub(r"\]\([^)]*\)", "]", markdown)
    return len(visible.split())

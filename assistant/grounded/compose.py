"""Write the answer for a plan from the legends' curated fields, per mode and intent."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from assistant.followups import Plan
from assistant.grounded import common
from assistant.grounded.discuss import discussion_pack
from assistant.grounded.formats import resolve_format
from assistant.grounded.moves import ChosenMove, move_index
from assistant.grounded.suggest import suggestion
from assistant.grounded.text_vectors import TextVectors, text_vectors
from corpus.schema import Legend
from index.embeddings import Embedder, load_embedder
from index.query_facets import QueryFacets


class Library(Protocol):
    """What the composer needs of the index: every legend, the embedder, the index folder."""

    @property
    def legends(self) -> dict[str, Legend]: ...

    embedder: Embedder
    settings: object


@dataclass
class Composed:
    """A grounded answer with exactly the legends it uses and what it was built from."""

    text: str
    legends: list[Legend]
    moves: list[ChosenMove] = field(default_factory=list)  # suggest mode's chosen moves
    pack_format: str | None = None  # discuss mode's format


def compose(
    plan: Plan, legends: list[Legend], facets: QueryFacets, library: Library | None = None
) -> str:
    """The Markdown answer for ``plan`` from ``legends`` (see :func:`compose_answer`)."""
    return compose_answer(plan, legends, facets, library).text


def compose_answer(
    plan: Plan,
    legends: list[Legend],
    facets: QueryFacets,
    library: Library | None = None,
    pack_format: str | None = None,
) -> Composed:
    """The answer for ``plan`` from the retrieved ``legends``.

    ``library``: the legend index; suggest mode picks its moves from every legend in it
    (without one, only from ``legends``). ``pack_format``: discuss mode's format, chosen
    from the message when None. In suggest mode the answer's legends are those behind
    the chosen moves, which may differ from the retrieved ones.
    """
    if plan.intent == "detail":
        return Composed("\n\n".join(detail(legend) for legend in legends), legends)
    if plan.intent == "why":
        return Composed(why(legends), legends)
    if not legends:
        return Composed(nothing_fits(plan), [])
    vectors = _vectors(library)
    pool = list(library.legends.values()) if library is not None else legends
    moves = move_index(pool, vectors)  # built once per corpus: every text embedded up front
    if plan.mode == "suggest":
        chosen = moves.choose(
            vectors.embedder.embed_query(plan.query.strip()),
            retrieved=[legend.id for legend in legends],
            allowed=_allowed(plan, pool, legends),
        )
        text, used = suggestion(chosen, legends)
        return Composed(text, used, moves=chosen)
    if plan.mode == "discuss":
        chosen_format = resolve_format(plan.message, pack_format)
        text = discussion_pack(plan.query, legends, facets, chosen_format, vectors)
        return Composed(text, legends, pack_format=chosen_format)
    return Composed(ask(legends, facets, plan), legends)


def _vectors(library: Library | None) -> TextVectors:
    if library is None:
        from corpus.settings import get_settings

        return text_vectors(load_embedder(), get_settings().index_dir)
    return text_vectors(library.embedder, library.settings.index_dir)


def _allowed(plan: Plan, pool: Iterable[Legend], retrieved: list[Legend]) -> set[str]:
    """Legends whose moves may be used: the retrieved ones, and any other that passes the
    conversation's filters and was not already shown ("any others?")."""
    filters = plan.filters
    allowed = {legend.id for legend in retrieved}
    for legend in pool:
        if legend.id in plan.exclude:
            continue
        if any(theme not in legend.themes for theme in filters.themes):
            continue
        if filters.industry and legend.industry != filters.industry:
            continue
        if filters.company and legend.company.casefold() != filters.company.casefold():
            continue
        allowed.add(legend.id)
    return allowed


def ask(legends: list[Legend], facets: QueryFacets, plan: Plan) -> str:
    """Each legend retold briefly with its lesson and source, then what they share."""
    if plan.intent == "more":
        opening = "Here are more legends on that:" if len(legends) > 1 else "Here is one more:"
    elif len(legends) == 1:
        opening = "One legend fits:"
    else:
        opening = f"Here are the {len(legends)} legends that fit best:"
    parts = [opening]
    for number, legend in enumerate(legends, 1):
        block = [
            f"### {number}. {common.heading(legend)}",
            common.brief(legend),
            f"**Lesson:** {common.escape(legend.lessons[0])}",
            f"*Source: {common.first_source(legend)}*",
        ]
        if note := common.status_note(legend):
            block.append(note)
        parts.append("\n\n".join(block))
    together = common.takeaway(legends, facets.themes)
    label = "What you can take from them" if len(legends) > 1 else "What you can take from it"
    parts.append(f"**{label}:** {together}")
    return "\n\n".join(parts)


def detail(legend: Legend) -> str:
    """The whole legend: retelling, lessons, principles, a step to try, every source."""
    parts = [f"### {common.heading(legend)}", common.escape(legend.retelling)]
    parts.append("**Lessons:**\n" + "\n".join(f"- {common.escape(x)}" for x in legend.lessons))
    if principles := common.principle_lines(legend):
        parts.append("**Principles it shows:**\n" + "\n".join(f"- {p}" for p in principles))
    parts.append(f"**Try this:** {common.escape(legend.try_this)}")
    parts.append("**Sources:**\n" + "\n".join(f"- {common.source_line(s)}" for s in legend.sources))
    if note := common.status_note(legend):
        parts.append(note)
    return "\n\n".join(parts)


def why(legends: list[Legend]) -> str:
    """Why the legends worked: the principles they show and the lessons drawn."""
    parts = []
    for legend in legends:
        lines = [f"### Why it worked: {common.heading(legend)}"]
        principles = common.principle_lines(legend)
        if principles:
            lines.append("\n".join(f"- {p}" for p in principles))
        lines.append("\n".join(f"- {common.escape(lesson)}" for lesson in legend.lessons))
        lines.append(f"*Source: {common.first_source(legend)}*")
        parts.append("\n\n".join(lines))
    return "\n\n".join(parts)


def nothing_fits(plan: Plan) -> str:
    """An honest answer when no legend is relevant enough."""
    if plan.intent == "more":
        return (
            "That's all the legends I have that fit this question; you have seen every one. "
            "Try a related theme, or ask about a different situation."
        )
    if plan.intent == "narrow":
        where = plan.filters.describe()
        return (
            f"None of my legends on that question match {where}. "
            "Try another industry or theme, or go back to the broader question."
        )
    return (
        "I don't have a customer-service legend that fits that question, and I won't make one up. "
        f"I can tell you real stories about: {common.covered_themes()}. "
        'For example, ask "how have companies handled a lost item?"'
    )

"""Write the answer for a plan from the legends' curated fields, per mode and intent."""

from __future__ import annotations

from assistant.followups import Plan
from assistant.grounded import common
from assistant.grounded.discuss import discussion_pack
from assistant.grounded.suggest import suggestion
from corpus.schema import Legend
from index.query_facets import QueryFacets


def compose(plan: Plan, legends: list[Legend], facets: QueryFacets) -> str:
    """The Markdown answer for ``plan`` using exactly ``legends``."""
    if plan.intent == "detail":
        return "\n\n".join(detail(legend) for legend in legends)
    if plan.intent == "why":
        return why(legends)
    if not legends:
        return nothing_fits(plan)
    if plan.mode == "suggest":
        return suggestion(legends, facets)
    if plan.mode == "discuss":
        return discussion_pack(plan.query, legends, facets)
    return ask(legends, facets, plan)


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
    if legend.status != "confirmed" and legend.status_note:
        parts.append(f"*Status: {legend.status}. {common.escape(legend.status_note)}*")
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

"""Discuss mode: a trainer's pack of questions, a role-play and the key takeaway."""

from __future__ import annotations

from assistant.grounded import common
from corpus.schema import Legend
from index.query_facets import QueryFacets


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text


def pack_title(legends: list[Legend], facets: QueryFacets) -> str:
    """Name the pack after what the trainer asked for, or after its lead legend."""
    named = sorted(facets.themes) or sorted(facets.principles)
    if named:
        return ", ".join(name.replace("-", " ") for name in named).capitalize()
    return common.escape(legends[0].title)


def discussion_pack(topic: str, legends: list[Legend], facets: QueryFacets) -> str:
    """Markdown a trainer can print: the legends, questions, a role-play and the takeaway."""
    lead = legends[0]
    parts = [f"## Discussion pack: {pack_title(legends, facets)}", "### The legends"]
    for legend in legends:
        parts.append(
            f"**{common.heading(legend)}.** {common.brief(legend)}\n\n"
            f"*Source: {common.first_source(legend)}*"
        )
    questions = [
        f"{common.escape(lead.company)} faced this: {common.escape(_lower_first(lead.situation))} "
        "What would you have been allowed to do in our team, and what would you have done?",
        f'"{common.escape(lead.lessons[0])}" Do you agree? When would this not work for us?',
    ]
    for principle in common.principle_lines(lead)[:1]:
        questions.append(f"Which of our habits shows {principle} Where do we fall short of it?")
    if len(legends) > 1:
        second = legends[1]
        questions.append(
            f"Compare {common.escape(lead.company)} with {common.escape(second.company)}: "
            "what do the two stories have in common, and what is different?"
        )
    questions.append("What would it cost us to do the same, and what does it cost us not to?")
    parts.append("### Discussion questions")
    parts.append("\n".join(f"{n}. {q}" for n, q in enumerate(questions, 1)))
    parts.append("### Role-play")
    parts.append(
        f"**Customer:** {common.escape(lead.situation)} You are upset and you expect "
        "the usual runaround.\n\n"
        f"**Agent:** Your goal: {common.escape(_lower_first(lead.try_this))}\n\n"
        f"**Debrief:** Which of the steps {common.escape(lead.company)} took did the agent "
        "find? What got in the way?"
    )
    parts.append("### Key takeaway")
    parts.append(common.takeaway(legends, facets.themes))
    return "\n\n".join(parts)

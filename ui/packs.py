"""A trainer's discussion pack, built the same way for the page, the JSON API and MCP.

With legends chosen, the grounded discuss composer builds the pack over exactly those
legends; with a theme or a topic only, the assistant answers in discuss mode (restricted
to the theme) and picks the legends itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant import Assistant
from assistant.grounded.discuss import discussion_pack
from corpus.schema import THEMES, Legend

MAX_LEGENDS = 5


class PackError(ValueError):
    """The request cannot make a pack; the message says what to pick instead."""


@dataclass
class Pack:
    """A pack's Markdown and the legends it is built on."""

    topic: str
    markdown: str
    legends: list[Legend] = field(default_factory=list)


def build_pack(
    assistant: Assistant,
    theme: str | None = None,
    legend_ids: list[str] | None = None,
    topic: str | None = None,
) -> Pack:
    """A pack for ``theme``, the chosen ``legend_ids`` (at most five) or ``topic``.

    ``topic`` is the trainer's own words ("a 10-minute huddle on grief"); it sets the
    pack's title and format. Raises :class:`PackError` with a one-line reason.
    """
    legend_ids = list(legend_ids or [])
    topic = (topic or "").strip() or None
    if not theme and not legend_ids and not topic:
        raise PackError("Pick a theme or at least one legend first.")
    if len(legend_ids) > MAX_LEGENDS:
        raise PackError(f"Pick at most {MAX_LEGENDS} legends for one pack.")
    if theme and theme not in THEMES:
        raise PackError(f"Unknown theme {theme!r}.")
    label = theme.replace("-", " ") if theme else None
    if legend_ids:
        known = assistant.index.legends
        missing = [i for i in legend_ids if i not in known]
        if missing:
            raise PackError(f"Unknown legend(s): {', '.join(missing)}.")
        chosen = [known[i] for i in legend_ids]
        topic = topic or label or chosen[0].title
        markdown = discussion_pack(topic, chosen, assistant.index.facets(topic))
        return Pack(topic, markdown, chosen)
    request = topic or f"a discussion pack on {label}"
    reply = assistant.respond(request, mode="discuss", theme=theme)
    if reply.abstained or not reply.legends:
        raise PackError(f"No legends fit the theme {label}." if label else "No legends fit that.")
    return Pack(request, reply.answer, list(reply.legends))

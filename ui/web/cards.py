"""Markdown for the page: source cards and escaped visitor text.

Everything here is Markdown with HTML neutralised, never raw HTML: the Chatbot and
Markdown components sanitise too, but text we did not write (a visitor's message, a
legend's retelling) must not even reach the sanitiser as markup.
"""

from __future__ import annotations

import html
import re

from assistant.grounded import common
from corpus.schema import Legend

# Characters that start Markdown constructs (links, emphasis, headings, code, tables).
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+!|~])")


def escape_user_text(text: str) -> str:
    """A visitor's text, shown literally: no HTML, no Markdown formatting or links."""
    return _MARKDOWN.sub(r"\\\1", html.escape(text, quote=False))


def neutralise_html(markdown: str) -> str:
    """Markdown we generated, with any stray tag made inert (an LLM answer may hold one).

    Grounded answers already escape legend text; replacing ``<`` again is harmless
    there and stops a generated ``<script>`` or ``<img onerror>`` from ever being a tag.
    """
    return markdown.replace("<", "&lt;")


def _themes(legend: Legend) -> str:
    return ", ".join(theme.replace("-", " ") for theme in legend.themes)


def legend_card(legend: Legend) -> str:
    """One source card: company, title, retelling, lessons and every source link."""
    parts = [
        f"#### {common.heading(legend)}",
        f"*{common.escape(legend.industry.replace('-', ' '))} · {_themes(legend)} · "
        f"{legend.status.replace('-', ' ')}*",
        common.escape(legend.retelling),
        "**Lessons**\n" + "\n".join(f"- {common.escape(lesson)}" for lesson in legend.lessons),
        "**Sources**\n" + "\n".join(f"- {common.source_line(s)}" for s in legend.sources),
    ]
    if note := common.status_note(legend):
        parts.append(note)
    return "\n\n".join(parts)


def source_cards(legends: list[Legend]) -> str:
    """The sources panel: a card per legend the answer used, or a short hint."""
    if not legends:
        return "*The legends behind each answer appear here, with their sources.*"
    return "\n\n---\n\n".join(legend_card(legend) for legend in legends)

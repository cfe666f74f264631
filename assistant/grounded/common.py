"""Pieces every grounded answer uses: sources, takeaways, short retellings."""

from __future__ import annotations

from collections import Counter
from functools import cache
from pathlib import Path

import yaml

from corpus.frameworks import principles_by_id
from corpus.schema import THEMES, Legend, Source

TAKEAWAYS_FILE = Path(__file__).resolve().parents[1] / "prompts" / "takeaways.yaml"


@cache
def _takeaways() -> dict[str, dict[str, str]]:
    return yaml.safe_load(TAKEAWAYS_FILE.read_text(encoding="utf-8"))


def escape(text: str) -> str:
    """Neutralise Markdown/HTML control characters in text we did not write."""
    # Angle brackets would let HTML through; brackets would let text pose as a link.
    return text.replace("<", "&lt;").replace(">", "&gt;").replace("[", "\\[").replace("]", "\\]")


def source_line(source: Source) -> str:
    """A Markdown citation: a link for web sources, the file name for seed articles."""
    label = f"{escape(source.title)} — {escape(source.publisher)}"
    when = f", {source.date}" if source.date else ""
    if source.url:
        # Parentheses and spaces would end the Markdown link early.
        url = source.url.replace("(", "%28").replace(")", "%29").replace(" ", "%20")
        return f"[{escape(source.title)}]({url}) — {escape(source.publisher)}{when}"
    if source.seed:
        return f"{label}{when} (seed article `{source.seed}`)"
    return f"{label}{when} ({escape(source.where)})"


def first_source(legend: Legend) -> str:
    """The best single source to show: a public URL when there is one."""
    web = [s for s in legend.sources if s.url]
    return source_line((web or legend.sources)[0])


def status_note(legend: Legend) -> str | None:
    """A caution for legends that are not confirmed, so nobody retells them as plain fact.

    Every mode shows it beside the legend: disputed legends with what is disputed,
    widely-reported ones (no first-hand confirmation) with the note, when there is one.
    """
    if legend.status == "disputed":
        return f"*Note: this legend is disputed. {escape(legend.status_note or '')}*"
    if legend.status == "widely-reported":
        note = f" {escape(legend.status_note)}" if legend.status_note else ""
        return f"*Note: widely reported, not confirmed first-hand.{note}*"
    return None


def status_tag(legend: Legend) -> str:
    """The same caution in two or three words, for answers read at a glance."""
    return {"disputed": "disputed", "widely-reported": "widely reported, unconfirmed"}.get(
        legend.status, ""
    )


def sentence(text: str) -> str:
    """``text`` ending with exactly one full stop (no "2 a.m.." when it already ends in one)."""
    text = text.strip()
    return text if text[-1:] in ".!?" else f"{text}."


def heading(legend: Legend) -> str:
    return f"{escape(legend.company)} — {escape(legend.title)}"


def brief(legend: Legend) -> str:
    """What happened, what they did, how it ended, in the curated words."""
    return " ".join(escape(part) for part in (legend.situation, legend.action, legend.outcome))


def principle_lines(legend: Legend) -> list[str]:
    known = principles_by_id()
    return [
        f"**{known[p][1].name}** ({known[p][0].title.lower()}): {known[p][1].description}"
        for p in legend.principles
        if p in known
    ]


def takeaway(legends: list[Legend], preferred_themes: set[str] | frozenset = frozenset()) -> str:
    """One line on what the legends teach together, from the theme they share most."""
    lines = _takeaways()
    counts = Counter(theme for legend in legends for theme in legend.themes)
    if not counts:
        return ""
    ordered = sorted(counts, key=lambda t: (t not in preferred_themes, -counts[t], THEMES.index(t)))
    return lines["themes"][ordered[0]]


def principle_takeaway(principle: str) -> str | None:
    return _takeaways()["principles"].get(principle)


def covered_themes() -> str:
    """The themes the library covers, for honest 'nothing fits' answers."""
    return ", ".join(theme.replace("-", " ") for theme in THEMES)

"""The trainer tab: a discussion pack from a theme or chosen legends, as Markdown.

With legends chosen, the grounded discuss composer builds the pack over exactly those
legends; with only a theme, the assistant answers in discuss mode restricted to it.
"""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

import gradio as gr

from assistant import Assistant
from assistant.grounded.discuss import discussion_pack
from corpus.schema import THEMES, Legend
from ui.web.cards import neutralise_html

MAX_LEGENDS = 5


def legend_choices(legends: dict[str, Legend]) -> list[tuple[str, str]]:
    """(label, id) pairs for the legend picker, by company."""
    ordered = sorted(legends.values(), key=lambda lg: (lg.company.casefold(), lg.title))
    return [(f"{lg.company} — {lg.title}", lg.id) for lg in ordered]


def theme_choices() -> list[tuple[str, str]]:
    """(label, theme) pairs; the empty value means 'no theme, use the chosen legends'."""
    return [("(none)", "")] + [(t.replace("-", " "), t) for t in THEMES]


class TrainerHandlers:
    """Builds packs with the process's Assistant (and its index)."""

    def __init__(self, assistant: Assistant):
        self.assistant = assistant

    def pack_markdown(self, theme: str | None, legend_ids: list[str] | None) -> str:
        """The pack's Markdown, or raise ``gr.Error`` saying what to pick."""
        legend_ids = list(legend_ids or [])
        if not theme and not legend_ids:
            raise gr.Error("Pick a theme or at least one legend first.")
        if len(legend_ids) > MAX_LEGENDS:
            raise gr.Error(f"Pick at most {MAX_LEGENDS} legends for one pack.")
        if legend_ids:
            known = self.assistant.index.legends
            missing = [i for i in legend_ids if i not in known]
            if missing:
                raise gr.Error(f"Unknown legend(s): {', '.join(missing)}.")
            chosen = [known[i] for i in legend_ids]
            topic = theme.replace("-", " ") if theme else chosen[0].title
            return discussion_pack(topic, chosen, self.assistant.index.facets(topic))
        if theme not in THEMES:
            raise gr.Error(f"Unknown theme {theme!r}.")
        label = theme.replace("-", " ")
        reply = self.assistant.respond(f"a discussion pack on {label}", mode="discuss", theme=theme)
        if reply.abstained or not reply.legends:
            raise gr.Error(f"No legends fit the theme {label}.")
        return reply.answer

    def build(self, theme: str | None, legend_ids: list[str] | None):
        """Show the pack and offer it as a Markdown download."""
        markdown = self.pack_markdown(theme, legend_ids)
        name = f"discussion-pack-{theme or 'legends'}-{date.today().isoformat()}.md"
        # One folder per pack: Gradio copies the file into its cache to serve it.
        path = Path(tempfile.mkdtemp(prefix="legends-pack-")) / name
        header = "*Made with Service Legends; every story cites its source.*\n\n"
        path.write_text(markdown + "\n\n" + header, encoding="utf-8")
        return neutralise_html(markdown), gr.DownloadButton(value=str(path), visible=True)

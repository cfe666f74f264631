"""The browse tab: every legend in a filterable table; a click shows it in full."""

from __future__ import annotations

import gradio as gr

from assistant.grounded.compose import detail
from corpus.schema import INDUSTRIES, THEMES, Legend
from index.legend_index import LegendIndex
from ui.web.cards import neutralise_html

ANY = ""
COLUMNS = ["Company", "Title", "Industry", "Themes", "Status", "id"]
PROMPT = "*Click a row to read the legend in full, with its sources.*"


def theme_choices() -> list[tuple[str, str]]:
    return [("any theme", ANY)] + [(t.replace("-", " "), t) for t in THEMES]


def industry_choices() -> list[tuple[str, str]]:
    return [("any industry", ANY)] + [(i.replace("-", " "), i) for i in INDUSTRIES]


def matches(legend: Legend, text: str, theme: str, industry: str) -> bool:
    """True when ``legend`` has the theme and industry and every word of ``text``."""
    if theme and theme not in legend.themes:
        return False
    if industry and legend.industry != industry:
        return False
    haystack = f"{legend.id} {legend.search_text()}".casefold()
    return all(word in haystack for word in (text or "").casefold().split())


def table_rows(legends: list[Legend]) -> list[list[str]]:
    """One row per legend (plain text cells; the table never renders HTML)."""
    return [
        [
            lg.company,
            lg.title,
            lg.industry.replace("-", " "),
            ", ".join(t.replace("-", " ") for t in lg.themes),
            lg.status.replace("-", " "),
            lg.id,
        ]
        for lg in legends
    ]


class BrowseHandlers:
    """Filters and shows the legends of the shared index (always in sync with the files)."""

    def __init__(self, legend_index: LegendIndex):
        self.index = legend_index

    def filtered(self, text: str = "", theme: str = ANY, industry: str = ANY) -> list[Legend]:
        legends = sorted(self.index.legends.values(), key=lambda lg: (lg.company.casefold(), lg.id))
        return [lg for lg in legends if matches(lg, text, theme, industry)]

    def table(self, text: str = "", theme: str = ANY, industry: str = ANY):
        """The table for the filters, and a count line."""
        legends = self.filtered(text, theme, industry)
        total = len(self.index.legends)
        count = f"{len(legends)} of {total} legends"
        return table_rows(legends), count

    def show(self, event: gr.SelectData) -> str:
        """The clicked legend in full: retelling, lessons, principles, every source."""
        row = event.row_value or []
        legend = self.index.legends.get(row[-1]) if row else None
        if legend is None:
            return PROMPT
        return neutralise_html(detail(legend))

"""``legends list --stats``: how well the library covers each theme, industry and status.

A theme or industry with fewer than :data:`THIN` legends is marked, so gaps stand out.
"""

from __future__ import annotations

from collections import Counter

from corpus.schema import INDUSTRIES, STATUSES, THEMES, Legend

# Fewer legends than this for a theme or an industry is a gap trainers will hit.
THIN = 5
MARK = "  <- under 5"


def coverage_counts(legends: list[Legend]) -> dict[str, dict[str, int]]:
    """Legends per theme, per industry and per status (every known value, zeros included)."""
    themes = Counter(theme for legend in legends for theme in legend.themes)
    industries = Counter(legend.industry for legend in legends)
    statuses = Counter(legend.status for legend in legends)
    return {
        "themes": {theme: themes[theme] for theme in THEMES},
        "industries": {industry: industries[industry] for industry in INDUSTRIES},
        "statuses": {status: statuses[status] for status in STATUSES},
    }


def coverage_table(legends: list[Legend]) -> str:
    """The coverage as plain-text tables, themes and industries under 5 marked."""
    counts = coverage_counts(legends)
    lines = [f"Coverage of {len(legends)} legends"]
    for heading, key, marked in (
        ("Theme", "themes", True),
        ("Industry", "industries", True),
        ("Status", "statuses", False),
    ):
        lines += ["", f"{heading:24} legends"]
        for name, count in counts[key].items():
            flag = MARK if marked and count < THIN else ""
            lines.append(f"{name:24} {count:7}{flag}")
    thin = [name for key in ("themes", "industries") for name, n in counts[key].items() if n < THIN]
    lines += ["", f"{len(thin)} theme(s) or industries with fewer than {THIN} legends."]
    return "\n".join(lines)

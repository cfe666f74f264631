"""Read themes, principles, industries and companies named in a question.

"stories about proactiveness" names a principle; "what about airlines?" an industry;
"that Zappos call" a company. Detected facets boost the legends that carry them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

from corpus.schema import Legend
from corpus.text import distinctive_company_words, stems, words

CUES_FILE = Path(__file__).with_name("cues.yaml")


@dataclass(frozen=True)
class QueryFacets:
    """What a question names, beyond its plain words."""

    themes: frozenset[str] = field(default_factory=frozenset)
    principles: frozenset[str] = field(default_factory=frozenset)
    industries: frozenset[str] = field(default_factory=frozenset)
    companies: frozenset[str] = field(default_factory=frozenset)

    def __bool__(self) -> bool:
        return bool(self.themes or self.principles or self.industries or self.companies)

    def matches(self, legend: Legend) -> int:
        """How many of the detected facets ``legend`` carries."""
        return (
            len(self.themes & set(legend.themes))
            + len(self.principles & set(legend.principles))
            + (legend.industry in self.industries)
            + 2 * (legend.company.casefold() in self.companies)
        )


@cache
def _cues() -> dict[str, dict[str, list[tuple[str, ...]]]]:
    raw = yaml.safe_load(CUES_FILE.read_text(encoding="utf-8"))
    return {
        group: {name: [tuple(stems(cue)) for cue in cues] for name, cues in entries.items()}
        for group, entries in raw.items()
    }


def _grams(stems: list[str], longest: int) -> set[tuple[str, ...]]:
    """Every run of up to ``longest`` consecutive stems in the query."""
    return {
        tuple(stems[i : i + size])
        for size in range(1, longest + 1)
        for i in range(len(stems) - size + 1)
    }


def _named(grams: set[tuple[str, ...]], entries: dict[str, list[tuple[str, ...]]]) -> frozenset:
    return frozenset(name for name, cues in entries.items() if any(c in grams for c in cues))


@cache
def _longest_cue() -> int:
    return max(len(cue) for group in _cues().values() for cues in group.values() for cue in cues)


def company_keys(company: str) -> set[str]:
    """Distinctive words of a company name ('The Ritz-Carlton' -> {'ritz', 'carlton'})."""
    return distinctive_company_words(company)


def named_topics(query: str) -> frozenset[str]:
    """The covered themes and principles ``query`` names as a topic (the ``names`` cues)."""
    return _named(_grams(stems(query), _longest_cue()), _cues()["names"])


def detect_facets(query: str, companies: list[str] | None = None) -> QueryFacets:
    """The facets ``query`` names; ``companies`` are the corpus's company names."""
    grams = _grams(stems(query), _longest_cue())
    cues = _cues()
    query_words = set(words(query)) | {w.split("'")[0] for w in words(query)}
    named_companies = frozenset(
        company.casefold()
        for company in companies or []
        if (keys := company_keys(company)) and keys & query_words
    )
    return QueryFacets(
        themes=_named(grams, cues["themes"]),
        principles=_named(grams, cues["principles"]),
        industries=_named(grams, cues["industries"]),
        companies=named_companies,
    )

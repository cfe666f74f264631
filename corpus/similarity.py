"""Near-duplicate detection between legends and story texts, without embeddings.

Used by ingestion (is this story already in the corpus?) and by ``legends check``
(are two legends really the same event?). It lives in ``corpus/`` and uses only
word statistics (stems from :mod:`corpus.text`), so it never needs the index or
the embedding model.

The measure is an IDF-weighted overlap coefficient over content stems: the share of
the shorter text's (weighted) vocabulary that the longer text also uses. It suits
the lopsided pairs ingestion meets: a two-sentence bullet from an article against a
150-word curated retelling of the same event. Company names are removed before
comparing, because sharing a company is checked separately and would otherwise make
every pair of, say, Zappos stories look alike.

A story merges into a legend only when both name the same company and the score
reaches :data:`SAME_STORY_THRESHOLD`, chosen on data (``tests/corpus/
test_ingest_merging.py`` recomputes both sides): the seeds' Zappos and Nordstrom stories
score 0.33-0.44 against the curated legends telling them, while different events of one
company in the curated library (Chewy, Zappos, LEGO, ...) score at most 0.25.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from corpus.schema import Legend
from corpus.text import companies_match, content_stems, is_unknown_company

# Between the highest score of two different events of one company in the library and
# the lowest score of a retold seed story (see the module docstring).
SAME_STORY_THRESHOLD = 0.3
# ``legends check``: two named companies that differ, or an unknown one, flag a pair only
# when the texts are near-verbatim copies.
OTHER_COMPANY_THRESHOLD = 0.7


def content_words(text: str, exclude: Iterable[str] = ()) -> set[str]:
    """The content stems of ``text`` minus those of ``exclude`` (company names)."""
    return content_stems(text, exclude)


def legend_text(legend: Legend) -> str:
    """The parts of a legend that describe the event (not the generic lessons)."""
    return " ".join(
        [legend.title, legend.situation, legend.action, legend.outcome, legend.retelling]
    )


def legend_words(legend: Legend) -> set[str]:
    """Content stems of a legend's event text, without its company's name."""
    return content_words(legend_text(legend), exclude=[legend.company])


def reference_documents() -> tuple[frozenset[str], ...]:
    """Content stems of the packaged legends: a fixed sample of service-story vocabulary.

    Word weights learned only from a user's corpus would swing with its size (with three
    legends every word looks rare); the packaged library keeps them steady.
    """
    from corpus.library_cache import packaged_legends  # the loader imports the schema too

    legends = packaged_legends()
    key = tuple(id(legend) for legend in legends)
    if _reference[0] != key:
        # Holding the legends keeps their ids from being reused while the key is kept.
        words = tuple(frozenset(legend_words(legend)) for legend in legends)
        _reference[:] = [key, words, legends]
    return _reference[1]


_reference: list = [None, (), []]


class SimilarityModel:
    """IDF weights learned from a set of texts, and the weighted overlap between two texts."""

    def __init__(self, documents: Sequence[set[str]], *, reference: bool = True):
        counts: Counter[str] = Counter()
        background = reference_documents() if reference else ()
        for words in [*background, *documents]:
            counts.update(words)
        self._n = len(background) + len(documents)
        self._df = counts

    def idf(self, word: str) -> float:
        """Smoothed inverse document frequency (unseen words weigh the most)."""
        return math.log((self._n + 1) / (self._df.get(word, 0) + 1)) + 1.0

    def score(self, first: set[str], second: set[str]) -> float:
        """Weighted overlap coefficient in [0, 1]: shared weight over the smaller text's weight."""
        if not first or not second:
            return 0.0
        shared = sum(self.idf(w) for w in first & second)
        smaller = min(sum(self.idf(w) for w in first), sum(self.idf(w) for w in second))
        return shared / smaller if smaller else 0.0


def company_relation(first: str, second: str) -> bool | None:
    """True for the same company, False for different ones, None if either is unknown."""
    if is_unknown_company(first) or is_unknown_company(second):
        return None
    return companies_match(first, second)


def is_same_story(score: float, same_company: bool | None) -> bool:
    """Whether a story merges into a legend: the same named company and a high score."""
    return bool(same_company) and score >= SAME_STORY_THRESHOLD


def is_duplicate(score: float, same_company: bool | None) -> bool:
    """Whether ``legends check`` flags two legends as one event told twice."""
    return is_same_story(score, same_company) or score >= OTHER_COMPANY_THRESHOLD


@dataclass(frozen=True)
class NearDuplicate:
    """Two legends that look like the same event."""

    first: str
    second: str
    score: float
    same_company: bool

    def __str__(self) -> str:
        why = "same company" if self.same_company else "different companies"
        return (
            f"{self.first} and {self.second} look like the same story "
            f"({why}, similarity {self.score:.2f})"
        )


def find_near_duplicates(legends: Sequence[Legend]) -> list[NearDuplicate]:
    """Every pair of legends that look like the same event, most similar first."""
    words = [legend_words(legend) for legend in legends]
    model = SimilarityModel(words)
    found = []
    for i, first in enumerate(legends):
        for j in range(i + 1, len(legends)):
            second = legends[j]
            relation = company_relation(first.company, second.company)
            score = model.score(words[i], words[j])
            if is_duplicate(score, relation):
                found.append(NearDuplicate(first.id, second.id, score, bool(relation)))
    return sorted(found, key=lambda d: -d.score)

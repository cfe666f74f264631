"""Near-duplicate detection between legends and story texts, without embeddings.

Used by ingestion (is this story already in the corpus?) and by ``legends check``
(are two legends really the same event?). It lives in ``corpus/`` and uses only
word statistics, so it never needs the index or the embedding model.

The measure is an IDF-weighted overlap coefficient over content words: the share
of the shorter text's (weighted) vocabulary that the longer text also uses. It
suits the lopsided pairs ingestion meets: a two-sentence bullet from an article
against a 150-word curated retelling of the same event. Company names are removed
before comparing, because sharing a company is checked separately and would
otherwise make every pair of, say, Zappos stories look alike.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from corpus.schema import Legend
from corpus.settings import PACKAGED_LEGENDS

# Tuned on the seed articles against the packaged library: the same event told twice
# scores 0.33-0.87, different events of one company (Zappos, Chewy, ...) at most 0.22.
SAME_COMPANY_THRESHOLD = 0.3
# One side names no company (an "Unnamed dentist"): it may still be the same story.
UNKNOWN_COMPANY_THRESHOLD = 0.5
# Two different named companies: only near-verbatim texts count as duplicates.
ANY_COMPANY_THRESHOLD = 0.7

_WORD = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")

# Function words and the vocabulary every customer-service story shares.
STOPWORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "afterward",
        "again",
        "against",
        "all",
        "almost",
        "also",
        "although",
        "always",
        "am",
        "among",
        "an",
        "and",
        "another",
        "any",
        "anyone",
        "anything",
        "are",
        "around",
        "as",
        "at",
        "away",
        "back",
        "be",
        "became",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "cannot",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "done",
        "down",
        "during",
        "each",
        "either",
        "else",
        "even",
        "ever",
        "every",
        "few",
        "for",
        "from",
        "further",
        "get",
        "gets",
        "getting",
        "got",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "however",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "least",
        "less",
        "like",
        "made",
        "make",
        "many",
        "may",
        "me",
        "might",
        "more",
        "most",
        "much",
        "must",
        "my",
        "myself",
        "never",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "often",
        "on",
        "once",
        "one",
        "only",
        "or",
        "other",
        "others",
        "our",
        "ours",
        "ourselves",
        "out",
        "over",
        "own",
        "per",
        "quite",
        "rather",
        "really",
        "same",
        "she",
        "should",
        "since",
        "so",
        "some",
        "something",
        "still",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "though",
        "through",
        "thus",
        "to",
        "too",
        "toward",
        "under",
        "until",
        "up",
        "upon",
        "us",
        "very",
        "via",
        "was",
        "way",
        "we",
        "well",
        "were",
        "what",
        "whatever",
        "when",
        "where",
        "whether",
        "which",
        "while",
        "who",
        "whom",
        "whose",
        "why",
        "will",
        "with",
        "within",
        "without",
        "would",
        "yet",
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
        "customer",
        "customers",
        "service",
        "services",
        "company",
        "companies",
        "staff",
        "employee",
        "employees",
        "story",
        "stories",
        "legend",
        "legends",
        "legendary",
        "experience",
        "great",
        "good",
        "best",
        "amazing",
        "incredible",
        "famous",
    ]
)

# How articles praise a story, not what happened in it.
STOPWORDS |= frozenset(
    """famously known well-known reputation excellence excellent benchmark dedication level
    lesson lessons example tale tales truly genuinely simply simple true exceptional
    outstanding wow loyalty loyal value values core culture superstar role model article
    articles blog blogger post internet reported report publications numerous recently""".split()  # noqa: SIM905
)

# A few irregular forms that matter in service stories (feet/foot, mom/mother, ten/10).
_ALIASES = {
    "feet": "foot",
    "mom": "mother",
    "mum": "mother",
    "moms": "mother",
    "children": "child",
    "kids": "child",
    "kid": "child",
    "men": "man",
    "women": "woman",
    "people": "person",
    "ten": "10",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "hrs": "hour",
    "phoned": "call",
    "rang": "call",
    "gave": "give",
    "given": "give",
    "sent": "send",
    "bought": "buy",
    "lost": "lose",
    "found": "find",
    "left": "leave",
    "told": "tell",
    "took": "take",
}


def _stem(word: str) -> str:
    # Deliberately crude suffix stripping: enough to meet "tires"/"tire",
    # "refunded"/"refund", "shipping"/"shipped"; never used for display.
    word = word.replace("’", "'")
    if word.endswith("'s"):
        word = word[:-2]
    word = _ALIASES.get(word, word)
    for suffix, keep in (
        ("ies", "y"),
        ("ied", "y"),
        ("ing", ""),
        ("ed", ""),
        ("es", ""),
        ("s", ""),
    ):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)] + keep
            break
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "aeiouls":
        word = word[:-1]  # shipp -> ship, stopp -> stop
    return _ALIASES.get(word, word)


def content_words(text: str, exclude: Iterable[str] = ()) -> set[str]:
    """The set of normalised content words in ``text``, minus stopwords and ``exclude``."""
    excluded = {_stem(w) for phrase in exclude for w in _WORD.findall(phrase.lower())}
    out = set()
    for word in _WORD.findall(text.lower()):
        if word in STOPWORDS or len(word) < 2:
            continue
        stem = _stem(word)
        if stem in STOPWORDS or stem in excluded:
            continue
        out.add(stem)
    return out


def normalise_company(name: str) -> str:
    """A comparable form of a company name: 'The Ritz-Carlton' -> 'ritz carlton'."""
    name = name.casefold().replace("’", "'")
    name = re.sub(r"\.(com|net|org|co\.uk|co|io)\b", "", name)
    name = re.sub(r"'s\b", "", name)
    name = re.sub(r"\([^)]*\)", " ", name)
    words = re.findall(r"[a-z0-9]+", name)
    generic = {"the", "inc", "corp", "co", "company", "ltd", "llc", "plc", "group", "store"}
    return " ".join(w for w in words if w not in generic)


def companies_match(first: str, second: str) -> bool:
    """Whether two company names plausibly name the same company.

    Equal after normalising, or one name's words all appear in the other
    ('Southwest' and 'Southwest Airlines'). Unknown companies never match.
    """
    if is_unknown_company(first) or is_unknown_company(second):
        return False
    a, b = normalise_company(first), normalise_company(second)
    if a == b:
        return True
    wa, wb = set(a.split()), set(b.split())
    return wa <= wb or wb <= wa


def legend_text(legend: Legend) -> str:
    """The parts of a legend that describe the event (not the generic lessons)."""
    return " ".join(
        [legend.title, legend.situation, legend.action, legend.outcome, legend.retelling]
    )


@lru_cache(maxsize=1)
def reference_documents() -> tuple[frozenset[str], ...]:
    """Content words of the packaged legends: a fixed sample of service-story vocabulary.

    Word weights learned only from a user's corpus would swing with its size (with three
    legends every word looks rare); the packaged library keeps them steady.
    """
    from corpus.loader import load_corpus  # the loader imports the schema, as we do

    loaded = load_corpus([PACKAGED_LEGENDS])
    return tuple(frozenset(legend_words(item.legend)) for item in loaded.legends)


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


def is_duplicate(score: float, same_company: bool | None) -> bool:
    """The one rule both ingestion and ``legends check`` use to call two texts the same story.

    ``same_company`` is True, False, or None when one side's company is unknown.
    """
    if same_company:
        return score >= SAME_COMPANY_THRESHOLD
    if same_company is None:
        return score >= UNKNOWN_COMPANY_THRESHOLD
    return score >= ANY_COMPANY_THRESHOLD


def company_relation(first: str, second: str) -> bool | None:
    """True for the same company, False for different ones, None if either is unknown."""
    if is_unknown_company(first) or is_unknown_company(second):
        return None
    return companies_match(first, second)


def is_unknown_company(name: str) -> bool:
    """'Unknown company' and best guesses like 'Unnamed dentist' name no real company."""
    normalised = normalise_company(name)
    return not normalised or normalised.startswith(("unknown", "unnamed"))


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


def legend_words(legend: Legend) -> set[str]:
    """Content words of a legend's event text, without its company's name."""
    return content_words(legend_text(legend), exclude=[legend.company])


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

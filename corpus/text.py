"""The one text module: words, stems, stop words, sentences and company names.

Every package (ingestion, similarity, keyword search, query facets) reads text
through here, so a word is normalised the same way everywhere. Stemming is
PyStemmer's English Snowball stemmer, stop words start from bm25s's list, sentences
come from pysbd; the word lists this project adds live in ``text.yaml`` beside
this file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache, lru_cache
from pathlib import Path

import yaml

DATA_FILE = Path(__file__).with_name("text.yaml")
WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
UNKNOWN_COMPANY = "Unknown company"


@cache
def _data() -> dict:
    return yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))


@cache
def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("english")


@cache
def _segmenter():
    import pysbd

    return pysbd.Segmenter(language="en", clean=False)


def words(text: str) -> list[str]:
    """Lower-case words of ``text`` (apostrophes kept inside words)."""
    return WORD.findall(text.casefold().replace("’", "'"))


def stems(text: str) -> list[str]:
    """Stemmed words of ``text``, so 'delayed' and 'delay' meet."""
    return _stemmer().stemWords([w.split("'")[0] for w in words(text)])


@cache
def search_stop_words() -> frozenset[str]:
    """bm25s's English stop words plus the words every legend shares ('story', 'customer')."""
    import bm25s

    return frozenset(bm25s.stopwords.STOPWORDS_EN) | frozenset(_data()["search_stop_words"])


@cache
def similarity_stop_words() -> frozenset[str]:
    """Stop words for comparing two story texts: also the vocabulary all service stories share."""
    return search_stop_words() | frozenset(_data()["similarity_stop_words"])


@cache
def _irregular() -> dict[str, str]:
    return {str(k): str(v) for k, v in _data()["irregular_forms"].items()}


def content_stems(text: str, exclude: Iterable[str] = ()) -> set[str]:
    """Stems of the content words of ``text``, minus stop words and the words of ``exclude``."""
    stop = similarity_stop_words()
    irregular = _irregular()
    stemmer = _stemmer()

    def normalise(tokens: list[str]) -> list[str]:
        kept = [irregular.get(t, t) for t in (w.split("'")[0] for w in tokens) if t not in stop]
        return [s for s in stemmer.stemWords(kept) if len(s) > 1 and s not in stop]

    excluded = set(normalise([w for phrase in exclude for w in words(phrase)]))
    return {s for s in normalise(words(text)) if s not in excluded}


def sentences(text: str) -> list[str]:
    """The sentences of ``text`` (pysbd: initials, abbreviations and quotes handled)."""
    return list(_sentences(" ".join(text.split())))


@lru_cache(maxsize=4096)
def _sentences(text: str) -> tuple[str, ...]:
    # pysbd is thorough but slow; ingestion asks for the same paragraph's sentences often.
    if not text:
        return ()
    return tuple(s.strip() for s in _segmenter().segment(text) if s.strip())


# -- company names ----------------------------------------------------------------------


def company_words(name: str) -> list[str]:
    """The words that identify a company: 'The Ritz-Carlton' -> ['ritz', 'carlton']."""
    return list(_company_words(name))


@lru_cache(maxsize=16384)
def _company_words(name: str) -> tuple[str, ...]:
    name = name.casefold().replace("’", "'")
    name = re.sub(r"\.(com|net|org|co\.uk|co|io)\b", "", name)
    name = re.sub(r"'s\b", "", name)
    name = re.sub(r"\([^)]*\)", " ", name)
    generic = set(_data()["company_generic_words"])
    return tuple(w for w in re.findall(r"[a-z0-9]+", name) if w not in generic)


def company_key(name: str) -> str:
    """A comparable form of a company name: 'The Ritz-Carlton' -> 'ritz carlton'."""
    return " ".join(company_words(name))


def distinctive_company_words(name: str) -> set[str]:
    """Words of a company name that pick it out in a question ('Delta Air Lines' -> {'delta'})."""
    weak = set(_data()["company_weak_words"])
    return {w for w in company_words(name) if w not in weak and len(w) > 2}


def is_unknown_company(name: str) -> bool:
    """'Unknown company' and best guesses like 'Unnamed dentist' name no real company."""
    key = company_key(name)
    return not key or key.startswith(("unknown", "unnamed"))


def companies_match(first: str, second: str) -> bool:
    """Whether two names plausibly name one company ('Southwest', 'Southwest Airlines').

    Equal after normalising, or one name's words all within the other's. Unknown
    companies never match anything.
    """
    if is_unknown_company(first) or is_unknown_company(second):
        return False
    a, b = set(company_words(first)), set(company_words(second))
    return a == b or a <= b or b <= a


def slugify(text: str) -> str:
    """A lowercase slug: 'The Ritz-Carlton' -> 'the-ritz-carlton'."""
    text = text.casefold().replace("’", "").replace("'", "").replace("&", " and ")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")

"""Check that an LLM answer names only companies and stories it was given.

Two checks: no company from another legend in the library (the model mixing up
stories), and no capitalised name that appears nowhere in the given legends or
the conversation (the model inventing a company, person or source).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from corpus.schema import Legend
from index.embeddings import default_model_path

NAME = re.compile(r"\b[A-Z][A-Za-z0-9&'’.-]*[A-Za-z0-9]|\b[A-Z]\b")
WORD = re.compile(r"[A-Za-z0-9]+")
# Words the answer may capitalise whatever the legends say (headings, pronouns, labels).
ALWAYS_ALLOWED = {
    "i", "i'm", "i've", "i'd", "lesson", "lessons", "source", "sources", "takeaway", "try",
    "now", "legend", "legends", "service", "customer", "question", "questions", "role", "play",
    "agent", "debrief", "key", "discussion", "note", "ok", "yes", "no", "mr", "mrs", "ms", "dr",
}  # fmt: skip


@dataclass
class GroundingResult:
    ok: bool
    problems: list[str] = field(default_factory=list)


@cache
def _common_words() -> frozenset[str]:
    """Whole-word entries of the embedding model's vocabulary: ordinary English words."""
    vocab = default_model_path() / "vocab.txt"
    return frozenset(
        line.strip() for line in vocab.read_text(encoding="utf-8").splitlines()
        if line.strip().isalpha()
    )  # fmt: skip


@cache
def _own_vocabulary() -> frozenset[str]:
    """Words the assistant itself uses: themes, framework principles, takeaways."""
    from assistant.grounded.common import TAKEAWAYS_FILE
    from corpus.frameworks import load_frameworks
    from corpus.schema import THEMES

    texts = [TAKEAWAYS_FILE.read_text(encoding="utf-8"), " ".join(THEMES)]
    for framework in load_frameworks():
        texts.append(framework.title)
        texts += [f"{p.id} {p.name} {p.description}" for p in framework.principles]
    return frozenset(_vocabulary(texts))


def _vocabulary(texts: list[str]) -> set[str]:
    return {w.casefold() for text in texts for w in WORD.findall(text)}


def _legend_texts(legend: Legend) -> list[str]:
    texts = [
        legend.company,
        legend.title,
        legend.situation,
        legend.action,
        legend.outcome,
        legend.retelling,
        legend.try_this,
        *legend.lessons,
    ]
    for source in legend.sources:
        texts += [source.title, source.publisher, source.url or "", source.seed or ""]
    return texts


def _sentence_initial(text: str, start: int) -> bool:
    # Markdown markers and list numbers do not end a sentence; skip past them.
    before = re.sub(r"(\d+[.)])?[ \t*_#>`\"'(“‘-]*$", "", text[:start])
    return not before or before[-1] in ".!?:\n"


def _company_marks(company: str) -> list[str]:
    """Capitalised, distinctive words of a company name ('Delta', 'Ritz', 'Carlton')."""
    return [w for w in WORD.findall(company) if w[0].isupper() and len(w) > 2 and w != "The"]


def check_grounding(
    answer: str, used: list[Legend], library: list[Legend], context: list[str]
) -> GroundingResult:
    """Problems with ``answer`` given the legends it was handed and the conversation."""
    problems = []
    used_ids = {legend.id for legend in used}
    allowed_companies = {legend.company for legend in used}
    allowed_vocab = _vocabulary([t for legend in used for t in _legend_texts(legend)] + context)
    allowed_vocab |= _own_vocabulary()
    for legend in library:
        if legend.id in used_ids or legend.company in allowed_companies:
            continue
        for mark in _company_marks(legend.company):
            if mark.casefold() not in allowed_vocab and re.search(
                rf"\b{re.escape(mark)}\b", answer
            ):
                problems.append(f"names {legend.company}, which was not among the legends given")
                break
    common = _common_words()
    for match in NAME.finditer(answer):
        words = [w.casefold() for w in WORD.findall(match.group())]
        unknown = [w for w in words if w not in allowed_vocab and w not in ALWAYS_ALLOWED]
        if not unknown:
            continue
        if _sentence_initial(answer, match.start()) and all(w in common for w in unknown):
            continue  # an ordinary word that starts a sentence
        problems.append(f"names '{match.group()}', which is not in the legends given")
    return GroundingResult(not problems, sorted(set(problems)))

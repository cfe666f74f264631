"""Turn one story found in a user's file into a valid :class:`~corpus.schema.Legend`.

Nothing is invented: the retelling is the story's own text (trimmed to at most
400 words at a sentence boundary), situation/action/outcome are sentences taken
from it, and the lessons and "try this" line are per-theme templates. Where the
text does not say something (how it ended, which company), the field says so.
Sentences addressed to an AI model ("ignore previous instructions...") stay in the
retelling as the document's text, but never become the title, the company or a
summary field, which is what answers and the LLM prompt show of a legend.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from corpus.ingest.company import UNKNOWN_COMPANY, CompanyGuess, detect_company, mentions_company
from corpus.ingest.injection import instruction_sentences, is_instruction
from corpus.ingest.readers import IngestError
from corpus.ingest.splitter import past_verbs, sentences
from corpus.ingest.themes import (
    infer_industry,
    infer_themes,
    lessons_for,
    principles_for,
    try_this_for,
)
from corpus.schema import INDUSTRIES, INGESTED_WORDS, THEMES, Legend, Source
from corpus.similarity import STOPWORDS, content_words

TITLE_WORDS = 12
FIELD_WORDS = 60
NOT_STATED = "The text does not say how it ended."
# Words too vague to name a story in its id.
FILLER = frozenset(
    """once just even really very also still then there here received got had was were went
    came made make take took sure thing things time times""".split()  # noqa: SIM905
)


@dataclass
class Candidate:
    """A story ready to become a legend: its text, company, source and any given fields."""

    text: str
    company: CompanyGuess
    source: Source
    title: str | None = None
    themes: list[str] = field(default_factory=list)
    industry: str | None = None
    line: int | None = None  # the row of a batch file, for error messages


def slugify(text: str) -> str:
    """A lowercase slug: 'The Ritz-Carlton' -> 'the-ritz-carlton'."""
    text = text.casefold().replace("’", "").replace("'", "").replace("&", " and ")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def trim_words(text: str, limit: int = INGESTED_WORDS[1]) -> str:
    """``text`` cut to at most ``limit`` words, at the last whole sentence that fits."""
    text = " ".join(text.split())
    if len(text.split()) <= limit:
        return text
    kept: list[str] = []
    count = 0
    for sentence in sentences(text):
        words = len(sentence.split())
        if count + words > limit:
            break
        kept.append(sentence)
        count += words
    if not kept:  # one giant sentence: cut at a word boundary instead
        return " ".join(text.split()[:limit])
    return " ".join(kept)


def _shorten(sentence: str, limit: int) -> str:
    words = sentence.split()
    if len(words) <= limit:
        return sentence.strip()
    return " ".join(words[:limit]).rstrip(",;:—-") + "…"


def _label(text: str, company: str) -> str | None:
    # Articles often open a story with a short label: "Nordstrom's Flexibility: ...".
    # A label that only repeats the company ("The Zappos Story") says nothing.
    match = re.match(r"^([^:.!?]{3,60}):\s", text)
    if not match or len(match.group(1).split()) > 6:
        return None
    label = match.group(1).strip()
    return label if content_words(label, exclude=[company]) else None


def key_sentence(story_sentences: list[str]) -> str:
    """The sentence that best names the event: the first narrative one of some length."""
    stripped = [re.sub(r"^[^:.!?]{3,60}:\s+[“\"]?", "", s) for s in story_sentences]
    long_enough = [s for s in stripped if len(s.split()) >= 5]
    narrative = [s for s in long_enough if past_verbs(s)]
    pool = narrative or long_enough or stripped
    return pool[0] if pool else ""


def make_title(candidate: Candidate, story_sentences: list[str]) -> str:
    """A short title: the given one, the story's own label, or its key sentence."""
    if candidate.title and not is_instruction(candidate.title):
        return _shorten(candidate.title, 16)
    company = candidate.company.name
    label = _label(" ".join(story_sentences), company)
    if label:
        return label
    return f"{company}: {_shorten(key_sentence(story_sentences), TITLE_WORDS)}"


def make_id(company: CompanyGuess, text: str, taken: set[str]) -> str:
    """``company-key-words`` from ``text``, unique among ``taken`` (numbered if needed)."""
    name = "story" if company.name == UNKNOWN_COMPANY else company.name.replace("Unnamed ", "")
    company_slug = slugify(name)[:30].strip("-")
    company_words = set(company_slug.split("-")) | {w.rstrip("s") for w in company_slug.split("-")}
    text = re.sub(r"['’]s\b", "", text.casefold())
    keys = [
        word
        for word in re.findall(r"[a-z0-9]+", text)
        if word not in STOPWORDS
        and word not in FILLER
        and word not in company_words
        and len(word) > 2
    ]
    base = "-".join([company_slug, *keys[:3]]).strip("-")[:60].strip("-") or "ingested-story"
    legend_id = base
    number = 2
    while legend_id in taken:
        legend_id = f"{base}-{number}"
        number += 1
    return legend_id


def _situation_action_outcome(story: list[str]) -> tuple[str, str, str]:
    """Sentences of the story for the three summary fields (none invented)."""
    usable = [s for s in story if len(s.split()) >= 4] or story
    if len(usable) >= 3:
        middle = usable[1:-1]
        action = max(middle, key=lambda s: len(past_verbs(s)))
        return usable[0], action, usable[-1]
    if len(usable) == 2:
        return usable[0], usable[1], NOT_STATED
    only = usable[0]
    return only, "Described in the story text below.", NOT_STATED


def _told_company(company: CompanyGuess, told: str, orders: set[str]) -> CompanyGuess:
    """The company, unless it comes from an order to a model rather than from the story."""
    if not orders:
        return company
    in_orders = mentions_company(" ".join(orders), company.name)
    if is_instruction(company.name) or (in_orders and not mentions_company(told, company.name)):
        return detect_company(told)
    return company


def build_legend(candidate: Candidate, taken_ids: set[str]) -> Legend:
    """A valid ingested legend for ``candidate``; raise :class:`IngestError` if it cannot be."""
    body = trim_words(candidate.text)
    # Orders to a model are not the story: before or after it they are left out; inside
    # it they stay as the document's text, but are not counted, and nothing the legend
    # shows in summary (title, company, fields) comes from them.
    orders = set(instruction_sentences(body))
    every = sentences(body)
    start, end = 0, len(every)
    while end > start and every[end - 1] in orders:
        end -= 1
    while start < end and every[start] in orders:
        start += 1
    left_out, kept = len(every) - (end - start), every[start:end]
    if left_out:
        body = " ".join(kept)
    story = [s for s in kept if s not in orders]
    told = " ".join(story)
    words = len(told.split())
    if words < INGESTED_WORDS[0]:
        not_counted = " (not counting those addressed to an AI model)" if orders else ""
        raise IngestError(
            f"story has {words} words{not_counted}; at least {INGESTED_WORDS[0]} are needed"
        )
    company = _told_company(candidate.company, told, orders)
    candidate = replace(candidate, company=company)
    title = make_title(candidate, story)
    themes = [t for t in candidate.themes if t in THEMES][:5] or infer_themes(told)
    industry = candidate.industry if candidate.industry in INDUSTRIES else None
    industry = infer_industry(told, industry or company.industry)
    situation, action, outcome = _situation_action_outcome(story)
    note = f"Ingested from {candidate.source.file or candidate.source.url}; "
    note += "not yet reviewed by a trainer."
    if company.guessed and company.note:
        note += f" Company: {company.note}."
    if left_out:
        note += f" Left out {left_out} sentence(s) addressed to an AI model."
    if len(kept) > len(story):
        note += (
            f" {len(kept) - len(story)} sentence(s) in the story are addressed to an AI "
            "model: kept as the document's text only."
        )
    # The key sentence first; the rest of the story only if it names too little.
    id_text = key_sentence(story) + " " + told
    legend_id = make_id(company, id_text, taken_ids)
    return Legend(
        id=legend_id,
        title=title,
        company=company.name,
        industry=industry,
        themes=themes,
        principles=principles_for(themes),
        situation=_shorten(situation, FIELD_WORDS),
        action=_shorten(action, FIELD_WORDS),
        outcome=_shorten(outcome, FIELD_WORDS),
        lessons=lessons_for(themes),
        try_this=try_this_for(themes),
        sources=[candidate.source],
        status="widely-reported",
        status_note=note,
        origin="ingested",
        retelling=body,
    )

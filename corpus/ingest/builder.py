"""Turn one story found in a user's file into a valid :class:`~corpus.schema.Legend`.

Nothing is invented: the retelling is the story's own text (trimmed to at most 400
words at a sentence boundary), situation/action/outcome are sentences taken from it,
themes, principles and industry come from the label model learned from the curated
library (:mod:`labels`), and lessons are borrowed from the nearest curated legend only
when it is close enough, else a plain "not yet reviewed" placeholder. The title names
the event in at most ten words (the story's heading or the article's title, never a
web domain or a cut-off fragment); the id is ``company-short-event``.
Sentences addressed to an AI model ("ignore previous instructions...") stay in the
retelling as the document's text, but never become the title, the company or a
summary field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

import yaml

from corpus.ingest.company import UNKNOWN_COMPANY, CompanyGuess, detect_company, mentions_company
from corpus.ingest.injection import instruction_sentences, is_instruction
from corpus.ingest.labels import Labels
from corpus.ingest.readers import IngestError
from corpus.ingest.splitter import past_verbs, sentences
from corpus.schema import INDUSTRIES, INGESTED_WORDS, THEMES, Legend, Source
from corpus.text import content_stems, search_stop_words, similarity_stop_words, slugify

DATA_FILE = Path(__file__).with_name("builder.yaml")
TITLE_WORDS = 10
FIELD_WORDS = 60
ID_EVENT_WORDS = 3


@cache
def _data() -> dict:
    return yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))


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
    heading: str | None = None  # the article's heading over this story
    excluded: list[str] = field(default_factory=list)  # publisher and domain: not companies


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


def _clean_title(title: str) -> str:
    # "Story title | Site name", "Title - ABC News": the site is not part of the title.
    title = re.split(r"\s+[|–—]\s+|\s+-\s+(?=[A-Z][\w.]*(?:\s+[A-Z][\w.]*){0,3}$)", title)[0]
    title = re.sub(r"^\s*(?:\d{1,2}[.)]|#+)\s*", "", title)  # "9. Trader Joe's ..."
    title = re.sub(r"https?://\S+|\b[\w-]+\.(?:com|net|org|co\.uk|io|biz|blog)\b", "", title)
    return " ".join(title.replace("…", " ").split()).strip(" .,:;-")


def _within(title: str, limit: int = TITLE_WORDS) -> str | None:
    """``title`` if it fits in ``limit`` words, or its first clause that does; else None."""
    title = _clean_title(title)
    if not title:
        return None
    if len(title.split()) <= limit:
        return title
    for part in re.split(r"\s*[:;,!?]\s+|\s+—\s+|\s+-\s+", title):
        if 3 <= len(part.split()) <= limit:
            return part.strip()
    return None


def _says_something(title: str, company: str, story: str) -> bool:
    """Whether ``title`` names this story's event: two words of its own beyond the company
    and the words every article about service uses ("Top 10 stories of 2018" does not),
    one of them from the story itself."""
    generic = " ".join(_data()["generic_title_words"])
    own = content_stems(title, exclude=[company, generic])
    return len(own) >= 2 and bool(own & content_stems(story))


def key_sentence(story_sentences: list[str]) -> str:
    """The sentence that best names the event: the first narrative one of some length."""
    stripped = [re.sub(r"^[^:.!?]{3,60}:\s+[“\"]?", "", s) for s in story_sentences]
    long_enough = [s for s in stripped if len(s.split()) >= 5]
    narrative = [s for s in long_enough if past_verbs(s)]
    pool = narrative or long_enough or stripped
    return pool[0] if pool else ""


def _sentence_title(sentence: str, company: str) -> str:
    """At most ten words of the key sentence, cut at a clause boundary, no ellipsis."""
    clause = re.split(r"[,;—(]\s*|:\s+|\s+(?:because|when|while|after|before|but|so)\s+",
                      sentence.strip(" .!?\"“”"))[0]  # fmt: skip
    words = clause.split()
    if len(words) < 4:
        words = sentence.strip(' .!?"“”').split()
    words = words[:TITLE_WORDS]
    stop = search_stop_words()
    while len(words) > 3 and words[-1].casefold().strip(".,'’") in stop:
        words.pop()
    title = " ".join(words).strip(" .,;:")
    if company != UNKNOWN_COMPANY and not mentions_company(title, company):
        title = f"{company}: {' '.join(title.split()[: TITLE_WORDS - len(company.split())])}"
    return title


def make_title(candidate: Candidate, story_sentences: list[str], single: bool) -> str:
    """A title naming the event: the given one, the story's heading, the article's title
    (when the file tells one story), else a clause of its key sentence."""
    company = candidate.company.name
    if candidate.title and not is_instruction(candidate.title):
        # A title the user gave (front matter, a batch column) is theirs to choose.
        given = _within(candidate.title) or " ".join(_clean_title(candidate.title).split()[:10])
        if given:
            return given
    options = []
    if candidate.heading:
        options.append(candidate.heading)
    if single and candidate.source.title:
        options.append(candidate.source.title)
    for option in options:
        if not option or is_instruction(option):
            continue
        title = _within(option)
        if title and _says_something(title, company, " ".join(story_sentences)):
            return title
    return _sentence_title(key_sentence(story_sentences), company)


def make_id(company: CompanyGuess, title: str, text: str, taken: set[str]) -> str:
    """``company-short-event`` from the title (then the text), unique among ``taken``."""
    name = "story" if company.name == UNKNOWN_COMPANY else company.name
    company_slug = slugify(re.sub(r"\([^)]*\)", "", name))[:30].strip("-")
    own = set(company_slug.split("-")) | {w.rstrip("s") for w in company_slug.split("-")}
    skip = similarity_stop_words() | set(_data()["filler_words"])
    skip |= set(_data()["generic_title_words"])
    keys: list[str] = []
    for source in (title, text):
        for word in re.findall(r"[a-z0-9]+", re.sub(r"['’]s\b", "", source.casefold())):
            if word not in skip and word not in own and len(word) > 2 and word not in keys:
                keys.append(word)
            if len(keys) == ID_EVENT_WORDS:
                break
        if len(keys) == ID_EVENT_WORDS:
            break
    base = "-".join([company_slug, *keys]).strip("-")[:60].strip("-") or "ingested-story"
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
        return usable[0], usable[1], _data()["not_stated"]
    return usable[0], _data()["described_below"], _data()["not_stated"]


def _told_company(company: CompanyGuess, told: str, orders: set[str], excluded) -> CompanyGuess:
    """The company, unless it comes from an order to a model rather than from the story."""
    if not orders:
        return company
    in_orders = mentions_company(" ".join(orders), company.name)
    if is_instruction(company.name) or (in_orders and not mentions_company(told, company.name)):
        return detect_company(told, excluded)
    return company


def story_text(candidate: Candidate) -> tuple[str, list[str], list[str], set[str]]:
    """The retelling body, the story's own sentences, every kept sentence, and the
    sentences addressed to an AI model (left out at the ends, kept but not counted inside)."""
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
    kept = every[start:end]
    if len(kept) < len(every):
        body = " ".join(kept)
    return body, [s for s in kept if s not in orders], kept, orders


def build_legend(
    candidate: Candidate, labels: Labels, taken_ids: set[str], single: bool = True
) -> Legend:
    """A valid ingested legend for ``candidate``; raise :class:`IngestError` if it cannot be."""
    body, story, kept, orders = story_text(candidate)
    left_out = len(sentences(trim_words(candidate.text))) - len(kept)
    told = " ".join(story)
    words = len(told.split())
    if words < INGESTED_WORDS[0]:
        not_counted = " (not counting those addressed to an AI model)" if orders else ""
        raise IngestError(
            f"story has {words} words{not_counted}; at least {INGESTED_WORDS[0]} are needed"
        )
    company = _told_company(candidate.company, told, orders, candidate.excluded)
    candidate = replace(candidate, company=company)
    title = make_title(candidate, story, single)
    given = [t for t in candidate.themes if t in THEMES][:5]
    themes = given or labels.themes
    industry = next(
        (i for i in (candidate.industry, company.industry, labels.industry) if i in INDUSTRIES),
        "other",
    )
    situation, action, outcome = _situation_action_outcome(story)
    note = f"Ingested from {candidate.source.file or candidate.source.url}; "
    note += "not yet reviewed by a trainer."
    if not given:
        note += " Themes, principles and industry suggested by a model fitted on the library."
    if company.guessed and company.note:
        note += f" Company: {company.note}."
    lessons = [_data()["lessons_placeholder"]]
    try_this = _data()["try_this_placeholder"]
    if labels.lessons_fit:
        nearest = labels.neighbours[0].legend
        lessons, try_this = list(nearest.lessons[:2]), nearest.try_this
        note += f" Lessons borrowed from the similar legend {nearest.id}."
    if left_out:
        note += f" Left out {left_out} sentence(s) addressed to an AI model."
    if len(kept) > len(story):
        note += (
            f" {len(kept) - len(story)} sentence(s) in the story are addressed to an AI "
            "model: kept as the document's text only."
        )
    legend_id = make_id(company, title, key_sentence(story) + " " + told, taken_ids)
    return Legend(
        id=legend_id,
        title=title,
        company=company.name,
        industry=industry,
        themes=themes,
        principles=labels.principles,
        situation=_shorten(situation, FIELD_WORDS),
        action=_shorten(action, FIELD_WORDS),
        outcome=_shorten(outcome, FIELD_WORDS),
        lessons=lessons,
        try_this=try_this,
        sources=[candidate.source],
        status="widely-reported",
        status_note=note,
        origin="ingested",
        retelling=body,
    )

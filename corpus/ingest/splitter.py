"""Split an article into the customer-service stories it tells.

Articles about service mix stories with everything else: navigation, author bios,
lists of tools or principles, questions to the reader, "Leave a comment". The
splitter works in three passes, none of which knows any particular article:

1. **Blocks.** Lines become headings, paragraphs (hard-wrapped lines re-joined)
   and bullets; consecutive bullets form a list.
2. **Segments.** Each bullet is its own segment. Paragraphs are split into
   sentences; a new paragraph that names a different company starts a new
   segment, as does a sentence that clearly introduces another company's story
   ("the tale of a Nordstrom employee"). A following paragraph without a new
   company continues the story when it is narrative itself (past tense).
3. **Scoring.** Each segment is trimmed (leading/trailing questions, boilerplate)
   and scored for story-likeness: past-tense narrative verbs, a named company,
   a customer or employee actor, enough length; boilerplate and author bios sink
   it. A list where most items are not stories (tips, principles, tools) is
   dropped whole. Adjacent segments about the same company are one story.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

from corpus.ingest.company import (
    UNKNOWN_COMPANY,
    CompanyGuess,
    companies_in,
    detect_company,
    is_headline,
    mentions_company,
    provider_nouns,
)
from corpus.text import companies_match
from corpus.text import sentences as _text_sentences

RULES_FILE = Path(__file__).with_name("splitter.yaml")

_BULLET = re.compile(r"^\s*(?:[-*•·▪●◦‣+]|\d{1,2}[.)])\s+")
_MD_HEADING = re.compile(r"^\s*#{1,6}\s+")
# A rule line (---, ***, ___): a Markdown thematic break or a YAML front-matter fence.
_RULE = re.compile(r"^\s*([-*_=])(?:\s*\1){2,}\s*$")
_TERMINAL = re.compile(r"[.!?:;…\"”’)]\s*$")


@cache
def _rules() -> dict:
    raw = yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))
    flags = re.IGNORECASE
    return {
        **raw,
        "irregular_past": frozenset(raw["irregular_past"]),
        "not_past": frozenset(raw["not_past"]),
        "actor": re.compile(raw["actor"], flags),
        "boilerplate": re.compile(raw["boilerplate"], flags),
        "bio": re.compile(raw["bio"]),
        "statistic": re.compile(raw["statistic"], flags),
        "reporting_past": frozenset(raw["reporting_past"]),
        "story_intro": re.compile(raw["story_intro"], flags),
        "strong_introduction": re.compile(raw["strong_introduction"]),
        "provider": re.compile(
            r"\b(?:my|our|the|a|local)\s+(?:local\s+)?(?:" + "|".join(provider_nouns()) + r")\b",
            flags,
        ),
    }


@dataclass
class Block:
    """A heading, a paragraph or a bullet (``list_id`` groups consecutive bullets)."""

    kind: str
    text: str
    list_id: int | None = None


@dataclass
class Segment:
    """A run of sentences that may be one story."""

    sentences: list[str]
    list_id: int | None = None
    # The company the segment is about so far (first one named), to spot a switch.
    company_hint: str | None = None
    heading: str | None = None  # the heading the segment stands under, if any

    @property
    def text(self) -> str:
        return " ".join(self.sentences)


@dataclass
class StoryCandidate:
    """One story found in a document, with why it was judged a story."""

    text: str
    company: CompanyGuess
    score: float
    reasons: list[str] = field(default_factory=list)
    heading: str | None = None  # the article's heading over this story, if any

    @property
    def words(self) -> int:
        return len(self.text.split())


# -- blocks ---------------------------------------------------------------------------


def to_blocks(text: str) -> list[Block]:
    """Headings, paragraphs and bullets, with hard-wrapped lines joined again."""
    blocks: list[Block] = []
    list_id = 0
    open_block: Block | None = None
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = raw.strip()
        if not line:
            open_block = None
            continue
        if _RULE.match(line):
            # A rule always ends what came before: text after it (say, a story after a
            # front-matter block pasted into a plain-text file) is never glued onto it.
            blocks.append(Block("heading", ""))
            open_block = None
            continue
        if _BULLET.match(line):
            item = _BULLET.sub("", line).strip()
            if not blocks or blocks[-1].kind != "bullet":
                list_id += 1
            open_block = Block("bullet", item, list_id)
            blocks.append(open_block)
            continue
        if _MD_HEADING.match(line):
            blocks.append(Block("heading", _MD_HEADING.sub("", line)))
            open_block = None
            continue
        if open_block is not None and not _TERMINAL.search(open_block.text):
            # A hard-wrapped line: it continues the paragraph or bullet above.
            open_block.text += " " + line
            continue
        words = len(line.split())
        if (words <= 10 or is_headline(line)) and not _TERMINAL.search(line):
            blocks.append(Block("heading", line))
            open_block = None
            continue
        open_block = Block("paragraph", line)
        blocks.append(open_block)
    return blocks


def sentences(text: str) -> list[str]:
    """Split ``text`` into sentences (pysbd, via :mod:`corpus.text`)."""
    return _text_sentences(text)


# -- features -------------------------------------------------------------------------


def past_verbs(text: str) -> set[str]:
    """Distinct past-tense verb forms (regular -ed words and common irregular ones)."""
    found = set()
    for word in re.findall(r"[A-Za-z’']+", text):
        lower = word.casefold().replace("’", "'")
        if (
            lower in _rules()["irregular_past"]
            or lower.endswith("ed")
            and len(lower) > 4
            and lower not in _rules()["not_past"]
        ):
            found.add(lower)
    return found


def reports_a_statistic(text: str, past: set[str]) -> bool:
    """Whether ``text`` reports a figure (survey, average, ranking) and tells no event:
    hardly any past-tense verbs besides reporting ones ('a study found', 'five were')."""
    events = past - _rules()["reporting_past"]
    return bool(_rules()["statistic"].search(text)) and len(events) < _rules()["min_event_verbs"]


def names_provider(text: str) -> bool:
    """Whether ``text`` names an ordinary provider without a brand ('my dentist')."""
    return bool(_rules()["provider"].search(text))


def is_question(sentence: str) -> bool:
    return sentence.rstrip('"”’) ').endswith("?")


def is_boilerplate(sentence: str) -> bool:
    return bool(_rules()["boilerplate"].search(sentence))


def _strong_introduction(sentence: str, company: str) -> bool:
    """Whether ``sentence`` brings in ``company`` as the subject of a new story."""
    lowered = sentence.casefold()
    for alias in {company.casefold(), company.casefold().split()[0]}:
        position = lowered.find(alias)
        if position < 0:
            continue
        after = lowered[position + len(alias) : position + len(alias) + 25]
        if _rules()["strong_introduction"].match(after):
            return True
        if _rules()["story_intro"].search(sentence[:position]):
            return True
    return False


# -- segments ------------------------------------------------------------------------


def to_segments(blocks: list[Block]) -> list[Segment]:
    """Group sentences into candidate stories (see the module docstring)."""
    segments: list[Segment] = []
    current: Segment | None = None
    heading: str | None = None
    for block in blocks:
        if block.kind == "heading":
            current = None
            heading = block.text or None
            continue
        if block.kind == "bullet":
            current = None
            segments.append(Segment(sentences(block.text), block.list_id))
            continue
        new_paragraph = True
        for sentence in sentences(block.text):
            named = companies_in(sentence)
            hint = current.company_hint if current else None
            other = [c for c in named if not (hint and companies_match(c, hint))]
            names_hint = bool(hint) and any(companies_match(c, hint) for c in named)
            starts_new = current is None
            if current is not None and new_paragraph:
                # A new paragraph continues the story only if it names no other company
                # and is itself narrative (the story goes on, not the commentary).
                narrative = len(past_verbs(block.text)) >= 2 and not all(
                    is_question(s) for s in sentences(block.text)
                )
                starts_new = (bool(other) and not names_hint) or not narrative
            elif current is not None and other and not names_hint and hint:
                starts_new = _strong_introduction(sentence, other[0])
            if starts_new:
                current = Segment([], None, named[0] if named else None, heading)
                heading = None  # a heading names the first story under it, not the next
                segments.append(current)
            elif current is not None and current.company_hint is None and named:
                current.company_hint = named[0]
            current.sentences.append(sentence)
            new_paragraph = False
    return segments


# -- scoring -------------------------------------------------------------------------


def _trim(segment: Segment, company: str | None) -> list[str]:
    """Drop questions, boilerplate and stray fragments from both ends of a segment."""
    kept = list(segment.sentences)

    def droppable(sentence: str, at_end: bool) -> bool:
        if is_question(sentence) or is_boilerplate(sentence):
            return True
        if len(sentence.split()) < 4 and not (company and mentions_company(sentence, company)):
            return True
        # A closing remark about some other company is not part of this story.
        return (
            at_end
            and company is not None
            and not mentions_company(sentence, company)
            and bool(companies_in(sentence))
            and not past_verbs(sentence)
        )

    while kept and droppable(kept[0], False):
        kept.pop(0)
    while kept and droppable(kept[-1], True):
        kept.pop()
    return kept


def score_story(text: str, company: CompanyGuess) -> tuple[float, list[str]]:
    """How story-like ``text`` is, with the reasons (higher is more story-like)."""
    reasons: list[str] = []
    words = len(text.split())
    past = past_verbs(text)
    score = min(len(past), 4) * 1.0
    reasons.append(f"{len(past)} past-tense verbs")
    if not company.guessed:
        score += 1.5
        reasons.append(f"names {company.name}")
    elif names_provider(text):
        score += 1.0
        reasons.append("names a provider (my dentist, the bank)")
    has_actor = bool(_rules()["actor"].search(text))
    if has_actor:
        score += 1.0
        reasons.append("has a customer or employee")
    if words >= 40:
        score += 1.0
    elif words < 20:
        score -= 2.0
        reasons.append("too short")
    questions = sum(1 for s in sentences(text) if is_question(s))
    if questions:
        score -= 1.5 * questions
        reasons.append(f"{questions} question(s)")
    # A first-hand testimonial ("every time I shop at X, the staff...") is a story
    # even in the present tense.
    if has_actor and not company.guessed:
        first_hand = any(
            re.search(r"\bI\b", s) and mentions_company(s, company.name) for s in sentences(text)
        )
        if first_hand:
            score += 1.5
            reasons.append("first-hand account")
    if reports_a_statistic(text, past):
        score -= 5.0
        reasons.append("a statistic, no event")
    if any(is_boilerplate(s) for s in sentences(text)):
        score -= 5.0
        reasons.append("boilerplate")
    if _rules()["bio"].search(text):
        score -= 5.0
        reasons.append("author bio")
    return score, reasons


def split_stories(text: str, excluded: Iterable[str] = ()) -> list[StoryCandidate]:
    """The customer-service stories in ``text``, in document order.

    ``excluded`` names the page's publisher and web domain, never a story's company.
    """
    excluded = list(excluded)
    segments = to_segments(to_blocks(text))
    scored: list[tuple[Segment, StoryCandidate | None]] = []
    for segment in segments:
        company = detect_company(segment.text, excluded)
        kept = _trim(segment, None if company.guessed else company.name)
        if not kept:
            scored.append((segment, None))
            continue
        body = " ".join(kept)
        company = detect_company(body, excluded)
        score, reasons = score_story(body, company)
        candidate = StoryCandidate(body, company, score, reasons, segment.heading)
        # A story is about someone's service: with no company or provider at all, a
        # segment is commentary (a single-story file has its own fallback in the service).
        story = (
            score >= _rules()["story_threshold"]
            and candidate.words >= _rules()["min_story_words"]
            and (company.name != UNKNOWN_COMPANY or names_provider(body))
        )
        scored.append((segment, candidate if story else None))
    _drop_non_story_lists(scored)
    return _join_adjacent(scored)


def _drop_non_story_lists(scored: list[tuple[Segment, StoryCandidate | None]]) -> None:
    # Items of one list share a form: a list that is mostly tips, tools or principles is
    # not a list of stories, even if one item happens to mention a company.
    by_list: dict[int, list[int]] = {}
    for position, (segment, _candidate) in enumerate(scored):
        if segment.list_id is not None:
            by_list.setdefault(segment.list_id, []).append(position)
    for positions in by_list.values():
        stories = sum(1 for p in positions if scored[p][1] is not None)
        if len(positions) >= 3 and stories * 2 < len(positions):
            for p in positions:
                scored[p] = (scored[p][0], None)


def _join_adjacent(scored: list[tuple[Segment, StoryCandidate | None]]) -> list[StoryCandidate]:
    # Paragraph segments about the same company with no other story between them are
    # one story told in parts (an aside paragraph was skipped in between).
    out: list[StoryCandidate] = []
    previous: Segment | None = None
    for segment, candidate in scored:
        if candidate is None:
            continue
        last = out[-1] if out else None
        if (
            last is not None
            and previous is not None
            and previous.list_id is None
            and segment.list_id is None
            and not last.company.guessed
            and companies_match(last.company.name, candidate.company.name)
        ):
            text = f"{last.text} {candidate.text}"
            out[-1] = StoryCandidate(
                text, last.company, max(last.score, candidate.score), last.reasons, last.heading
            )
        else:
            out.append(candidate)
        previous = segment
    return out

"""What a trainer asked for: the pack's format and a short title drawn from the request.

Formats (``prompts/formats.yaml``): a discussion pack (the default), a role-play set,
or a 10-minute huddle. The format is chosen from the request's words, or set
explicitly. The title is the request with its scaffolding stripped ("a 10-minute huddle
on", "for my team meeting"), so "a 10-minute huddle on owning the problem when a
customer is passed around" is titled "Owning the problem when a customer is passed
around"; names keep their case.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import yaml

from assistant.grounded.common import escape
from corpus.schema import THEMES, Legend

FORMATS_FILE = Path(__file__).resolve().parents[1] / "prompts" / "formats.yaml"
DEFAULT_FORMAT = "pack"
TITLE_WORDS = 14


@cache
def _data() -> dict:
    return yaml.safe_load(FORMATS_FILE.read_text(encoding="utf-8"))


def formats() -> tuple[str, ...]:
    """The format names, e.g. ('huddle', 'role-play', 'pack')."""
    return tuple(_data()["formats"])


def format_heading(pack_format: str) -> str:
    """How a pack of this format is headed: 'Discussion pack', '10-minute huddle', ..."""
    return _data()["formats"][pack_format]["heading"]


@cache
def _format_patterns() -> dict[str, re.Pattern]:
    return {
        name: re.compile(
            r"\b(" + "|".join(re.escape(w) for w in spec["words"]) + r")\b", re.IGNORECASE
        )
        for name, spec in _data()["formats"].items()
    }


def detect_format(request: str) -> str:
    """The format whose words appear earliest in the request; a discussion pack if none do."""
    found = []
    for name, pattern in _format_patterns().items():
        if match := pattern.search(request):
            found.append((match.start(), name))
    return min(found)[1] if found else DEFAULT_FORMAT


def resolve_format(request: str, pack_format: str | None) -> str:
    """An explicit format wins; otherwise the one the request asks for."""
    if pack_format is None:
        return detect_format(request)
    if pack_format not in formats():
        raise ValueError(f"unknown format {pack_format!r}; choose from {', '.join(formats())}")
    return pack_format


@cache
def _title_patterns() -> tuple[list[re.Pattern], list[re.Pattern]]:
    rules = _data()["title"]
    leading = [re.compile(rf"^\s*(?:{p})\b[\s,:]*", re.IGNORECASE) for p in rules["leading"]]
    trailing = [re.compile(rf"(?:^|[\s,]+)(?:{p})$", re.IGNORECASE) for p in rules["trailing"]]
    return leading, trailing


# Where a request splits into parts: " - ", ": ", and commas outside brackets.
# A part that is only one of these says nothing about the topic ("need a session on that").
PRONOUNS = {"that", "this", "it", "them", "these", "those", "one"}
PARTS = re.compile(r"\s+[-–—]\s+|:\s+|,\s+(?![^()]*\))|;\s+")


def topic_of(request: str) -> str:
    """The request without its scaffolding: what the pack is about ('' when nothing is left)."""
    text = " ".join(request.split()).rstrip(" ?!.")
    kept = [part for part in map(_strip_part, PARTS.split(text)) if part]
    topic = ", ".join(kept)
    words = topic.split()
    if len(words) > TITLE_WORDS:
        topic = " ".join(words[:TITLE_WORDS]).rstrip(" ,;:") + "…"
    return topic


def _strip_part(part: str) -> str:
    leading, trailing = _title_patterns()
    part = _strip_trailing(part, trailing)  # "... for my team meeting" before "for" goes
    for pattern in leading:  # in order, once each: "a" "10-minute" "huddle" "on" ...
        part = pattern.sub("", part, count=1)
    part = _strip_trailing(part, trailing).strip(" ,;:-—")
    return "" if part.casefold() in PRONOUNS else part


def _strip_trailing(part: str, trailing: list[re.Pattern]) -> str:
    part = part.rstrip(" ?!.")
    for pattern in trailing:
        part = pattern.sub("", part, count=1).rstrip(" ,;:")
    return part


def pack_title(request: str, legends: list[Legend], preferred_themes=frozenset()) -> str:
    """A short title from what the trainer asked for (never just a legend's title).

    When the request is only a legend's title (a pack over hand-picked legends) or
    nothing is left of it, the theme the legends share names the pack.
    """
    topic = topic_of(request)
    titles = {legend.title.casefold() for legend in legends}
    if len(topic) < 3 or topic.casefold() in titles or request.strip().casefold() in titles:
        topic = _shared_theme(legends, preferred_themes)
    return escape(topic[:1].upper() + topic[1:])


def _shared_theme(legends: list[Legend], preferred_themes) -> str:
    counts: dict[str, int] = {}
    for legend in legends:
        for theme in legend.themes:
            counts[theme] = counts.get(theme, 0) + 1
    if not counts:
        return "Service stories"
    best = sorted(counts, key=lambda t: (t not in preferred_themes, -counts[t], THEMES.index(t)))
    return best[0].replace("-", " ")

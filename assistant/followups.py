"""Condense a message with the conversation so far into a standalone plan.

"tell me more about the second one", "why did that work?", "any others?" and
"what about airlines?" only make sense against earlier turns; this module
resolves them into a search (or a legend to expand) that stands on its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.conversation import Conversation, Filters
from assistant.modes import detect_mode
from corpus.schema import Legend
from index.query_facets import QueryFacets, company_keys

ORDINALS = {
    "first": 0, "1st": 0, "one": 0, "second": 1, "2nd": 1, "two": 1, "third": 2, "3rd": 2,
    "three": 2, "fourth": 3, "4th": 3, "fifth": 4, "5th": 4, "last": -1,
}  # fmt: skip
_ORDINAL = re.compile(
    r"\b(first|1st|second|2nd|third|3rd|fourth|4th|fifth|5th|last)\b|(?:number|no\.?|#)\s*(\d)",
    re.IGNORECASE,
)
_DETAIL = re.compile(
    r"\b(tell me more|more about|more on|expand|details?|full story|go on|what happened|"
    r"elaborate|the (first|second|third|last) one)\b",
    re.IGNORECASE,
)
_WHY = re.compile(
    r"\bwhy\b.*\b(work|worked|works|matter|matters|good|great|effective|successful|important|"
    r"famous|special)\b|\bwhat('s| is| was) the (lesson|point|takeaway|moral)\b|"
    r"\bwhat made (it|that|this|them)\b|\bwhy\?*$",
    re.IGNORECASE,
)
_MORE = re.compile(
    r"\b(any others?|any more|anything else|what else|something else|more (examples|stories|"
    r"legends|like (that|this|these))|another (one|example|story|legend)|other (examples|"
    r"stories|ones|legends))\b|^(more|others?|and others?)\W*$",
    re.IGNORECASE,
)
_NARROW = re.compile(
    r"^\s*(and\s+)?(what|how)\s+about\b|^\s*and\s+(in|for|from|with)\b|^\s*(only|just)\b|"
    r"^\s*any\s+(from|in|for|with)\b|^\s*(in|for)\s+\w+\s*\??\s*$",
    re.IGNORECASE,
)


@dataclass
class Plan:
    """What to do for one message, resolved against the conversation."""

    message: str
    mode: str
    intent: str  # new | more | detail | why | narrow
    query: str
    filters: Filters = field(default_factory=Filters)
    exclude: set[str] = field(default_factory=set)
    targets: list[str] = field(default_factory=list)  # legends to expand or explain


def _reference(message: str, shown: list[str], legends: dict[str, Legend]) -> list[str]:
    """Which shown legends the message points at (by ordinal or company)."""
    if not shown:
        return []
    match = _ORDINAL.search(message)
    if match:
        index = ORDINALS[match.group(1).casefold()] if match.group(1) else int(match.group(2)) - 1
        if -len(shown) <= index < len(shown):
            return [shown[index]]
    words = set(re.findall(r"[a-z0-9]+", message.casefold()))
    named = [i for i in shown if i in legends and company_keys(legends[i].company) & words]
    return named[:1]


def condense(
    message: str,
    conversation: Conversation,
    facets: QueryFacets,
    legends: dict[str, Legend],
    forced_mode: str | None = None,
) -> Plan:
    """Turn ``message`` into a standalone :class:`Plan` using the conversation."""
    message = message.strip()
    last = conversation.last
    searched = conversation.last_search
    mode = forced_mode or detect_mode(message)
    if last is None or searched is None:
        return Plan(message, mode, "new", message)

    carried_mode = forced_mode or last.mode
    referenced = _reference(message, last.shown, legends)
    short = len(message.split()) <= 12
    if short and (_DETAIL.search(message) or (referenced and not _WHY.search(message))):
        targets = referenced or last.shown[:1]
        if targets:
            return Plan(message, carried_mode, "detail", searched.query, targets=targets)
    if short and _WHY.search(message):
        if referenced:
            targets = referenced
        elif last.intent == "detail" or len(last.shown) == 1:
            targets = last.shown[:1]
        else:
            targets = last.shown[:3]
        if targets:
            return Plan(message, carried_mode, "why", searched.query, targets=targets)
    if short and _MORE.search(message):
        return Plan(
            message, carried_mode, "more", searched.query, Filters(**vars(searched.filters)),
            exclude=conversation.shown_ids(),
        )  # fmt: skip
    if short and _NARROW.search(message) and facets:
        filters = Filters(**vars(searched.filters))
        if facets.industries:
            filters.industry = sorted(facets.industries)[0]
        elif facets.companies:
            filters.company = sorted(facets.companies)[0]
        elif facets.themes:
            filters.themes = sorted(set(filters.themes) | set(facets.themes))
        return Plan(message, carried_mode, "narrow", searched.query, filters)
    return Plan(message, mode, "new", message)

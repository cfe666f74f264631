"""One conversation's history. Each conversation is its own object: nothing is shared."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field


@dataclass
class Filters:
    """Metadata filters carried from one turn to its follow-ups."""

    themes: list[str] = field(default_factory=list)
    industry: str | None = None
    company: str | None = None

    def describe(self) -> str:
        parts = [t.replace("-", " ") for t in self.themes]
        if self.industry:
            parts.append(self.industry.replace("-", " "))
        if self.company:
            parts.append(self.company)
        return ", ".join(parts)


@dataclass
class Turn:
    message: str
    query: str
    mode: str
    intent: str
    filters: Filters
    shown: list[str]  # legend ids used in the answer, in order
    answer: str


@dataclass
class Conversation:
    """The turns so far, and what follow-ups refer to."""

    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    turns: list[Turn] = field(default_factory=list)

    @property
    def last(self) -> Turn | None:
        return self.turns[-1] if self.turns else None

    @property
    def last_search(self) -> Turn | None:
        """The latest turn that searched (not a 'tell me more' or 'why')."""
        for turn in reversed(self.turns):
            if turn.intent in ("new", "more", "narrow"):
                return turn
        return None

    def shown_ids(self) -> set[str]:
        """Every legend shown so far, so 'any others?' brings new ones."""
        return {legend_id for turn in self.turns for legend_id in turn.shown}

    def add(self, turn: Turn) -> None:
        self.turns.append(turn)

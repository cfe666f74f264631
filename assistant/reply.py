"""What the assistant returns for one message."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from assistant.followups import Plan
from corpus.schema import Legend

# Why an answer holds no legends (``Reply.refusal``); ``abstained`` is true for all of them.
# no-fit: nothing in the library fits (the answer offers the nearest covered themes);
# personal-data: a request for data about any person; invention: a request to make up or
# embellish a story; instructions: orders aimed at the assistant itself; abuse: abuse.
RefusalKind = Literal["no-fit", "personal-data", "invention", "instructions", "abuse"]
REFUSAL_KINDS: tuple[str, ...] = ("no-fit", "personal-data", "invention", "instructions", "abuse")


@dataclass
class Reply:
    """One answer: Markdown text plus exactly the legends it uses."""

    mode: str
    answer: str
    abstained: bool
    legends: list[Legend] = field(default_factory=list)
    query: str = ""  # the standalone question that was searched
    intent: str = "new"  # new | more | detail | why | narrow
    backend: str = "grounded"
    fell_back: bool = False  # an LLM answer failed its checks and was replaced
    notice: str | None = None  # e.g. "the LLM back end is unreachable"
    grounding: list[str] | None = None  # problems the check found in an LLM answer (None: not run)
    plan: Plan | None = field(default=None, repr=False)  # how the message was understood
    refusal: RefusalKind | None = None  # set when abstained: which honest answer was given

    def to_json(self) -> dict:
        """The ``legends ask --json`` object."""
        return {
            "mode": self.mode,
            "answer": self.answer,
            "abstained": self.abstained,
            "refusal": self.refusal,
            "legends": [
                {
                    "id": legend.id,
                    "title": legend.title,
                    "company": legend.company,
                    "sources": [source.to_json() for source in legend.sources],
                }
                for legend in self.legends
            ],
        }

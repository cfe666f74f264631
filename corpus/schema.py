"""The shape of a legend file, as pydantic models.

A legend is one Markdown file: YAML front matter (validated by :class:`Legend`)
followed by the retelling, 80-160 words in the project's own words (or, for a
story ingested from a user's file, that story's own text: 25-400 words).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from corpus.sanitize import clean_data

THEMES: tuple[str, ...] = (
    "lost-item",
    "late-delivery",
    "returns",
    "bereavement",
    "child",
    "travel",
    "health",
    "social-media",
    "recovery",
    "personal-touch",
    "empowerment",
    "listening",
    "speed",
    "going-the-extra-mile",
)

INDUSTRIES: tuple[str, ...] = (
    "retail",
    "e-commerce",
    "hotels",
    "airlines",
    "travel",
    "restaurants",
    "technology",
    "telecom",
    "health-care",
    "utilities",
    "banking",
    "insurance",
    "public-services",
    "b2b",
    "automotive",
    "entertainment",
    "education",
    "other",
)

STATUSES: tuple[str, ...] = ("confirmed", "widely-reported", "disputed")

# "curated": written by the project in its own words (80-160 words, reviewed).
# "ingested": a user's own story text, kept as written (25-400 words, not yet reviewed).
ORIGINS: tuple[str, ...] = ("curated", "ingested")

Theme = Literal[THEMES]  # type: ignore[valid-type]
Industry = Literal[INDUSTRIES]  # type: ignore[valid-type]
Status = Literal[STATUSES]  # type: ignore[valid-type]
Origin = Literal[ORIGINS]  # type: ignore[valid-type]

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
PARTIAL_DATE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")
RETELLING_WORDS = (80, 160)
INGESTED_WORDS = (25, 400)

# Length caps (characters), a few times the longest packaged legend's fields: a file with
# a 700,000-character company is refused by the loader and so by `legends check`.
MAX_ID = 100
MAX_NAME = 150  # company
MAX_TITLE = 300
MAX_FIELD = 1_500  # situation, action, outcome, try_this
MAX_ITEM = 500  # one lesson, one discussion question, one principle id
MAX_NOTE = 2_000
MAX_RETELLING = 10_000
MAX_ITEMS = 10  # lessons, principles
MAX_SOURCES = 100
MAX_URL = 2_000
ShortItem = Annotated[str, Field(max_length=MAX_ITEM)]


class CleanModel(BaseModel):
    """A model whose text never holds control codes, bidi overrides or invisible characters.

    Every string given to it goes through :func:`corpus.sanitize.clean` first, so a legend
    (ingested, approved or hand-written) is stored and published without them.
    """

    @model_validator(mode="before")
    @classmethod
    def _clean_text(cls, data: object) -> object:
        return clean_data(data) if isinstance(data, dict) else data


class Source(CleanModel):
    """Where a legend was reported: a public URL, a seed article or an ingested local file."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=MAX_TITLE)
    publisher: str = Field(min_length=1, max_length=MAX_TITLE)
    url: str | None = Field(default=None, max_length=MAX_URL)
    seed: str | None = Field(default=None, max_length=MAX_TITLE)
    # A local file the story was ingested from (its name only, never a full path).
    file: str | None = Field(default=None, max_length=MAX_TITLE)
    # sha256 of that file's bytes, so re-ingesting the same file is recognised.
    checksum: str | None = Field(default=None, max_length=128)
    date: str | None = None

    @field_validator("date", mode="before")
    @classmethod
    def _date_text(cls, value: object) -> object:
        # YAML turns 2012-05-01 into a date object; keep dates as text.
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, int):
            return str(value)
        return value

    @field_validator("date")
    @classmethod
    def _partial_date(cls, value: str | None) -> str | None:
        if value is not None and not PARTIAL_DATE.match(value):
            raise ValueError("date must be YYYY, YYYY-MM or YYYY-MM-DD")
        return value

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^https?://\S+$", value):
            raise ValueError("url must start with http:// or https://")
        return value

    @model_validator(mode="after")
    def _url_seed_or_file(self) -> Source:
        if not (self.url or self.seed or self.file):
            raise ValueError("a source needs a url, a seed file or an ingested file")
        return self

    @property
    def where(self) -> str:
        """The location part of a citation: the URL, the seed article or the local file."""
        if self.url:
            return self.url
        if self.seed:
            return f"seed article {self.seed}"
        return f"file {self.file}"

    def citation(self) -> str:
        """One line naming the source, for answers and cards."""
        when = f", {self.date}" if self.date else ""
        return f"{self.title} — {self.publisher}{when} ({self.where})"

    def to_json(self) -> dict:
        """The source as the CLI's and the assistant's JSON show it: fields plus a citation."""
        return {**self.model_dump(exclude_none=True), "citation": self.citation()}


class Move(CleanModel):
    """One concrete step an agent can take now, with the situation it fits.

    Written for any industry, not as a replay of the story: ``when`` describes the live
    situation (it is embedded and matched against an agent's message), ``do`` the step.
    """

    model_config = ConfigDict(extra="forbid")

    when: str = Field(min_length=10, max_length=300)
    do: str = Field(min_length=10, max_length=300)


class RolePlay(CleanModel):
    """A practice scene built on the legend, set in an ordinary team's world."""

    model_config = ConfigDict(extra="forbid")

    # Where the scene happens, e.g. "a bank's phone line on a Monday morning".
    setting: str = Field(min_length=5, max_length=200)
    # The customer's brief, in the customer's own voice (first person).
    customer: str = Field(min_length=20, max_length=700)
    # What the agent playing the scene is trying to achieve.
    agent_goal: str = Field(min_length=10, max_length=300)
    # One question for the group afterwards.
    debrief: str = Field(min_length=10, max_length=300)


class Legend(CleanModel):
    """One customer-service legend: curated fields plus the retelling."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(max_length=MAX_ID)
    title: str = Field(min_length=1, max_length=MAX_TITLE)
    company: str = Field(min_length=1, max_length=MAX_NAME)
    industry: Industry
    themes: list[Theme] = Field(min_length=1)
    principles: list[ShortItem] = Field(default_factory=list, max_length=MAX_ITEMS)
    year: int | None = None
    situation: str = Field(min_length=1, max_length=MAX_FIELD)
    action: str = Field(min_length=1, max_length=MAX_FIELD)
    outcome: str = Field(min_length=1, max_length=MAX_FIELD)
    lessons: list[ShortItem] = Field(min_length=1, max_length=MAX_ITEMS)
    try_this: str = Field(min_length=1, max_length=MAX_FIELD)
    # Curated teaching material (docs/legend-format.md). Required for curated legends by
    # `legends check`; an ingested story without it gets clearly generic material.
    moves: list[Move] = Field(default_factory=list, max_length=4)
    discussion: list[ShortItem] = Field(default_factory=list, max_length=3)
    role_play: RolePlay | None = None
    sources: list[Source] = Field(min_length=1, max_length=MAX_SOURCES)
    status: Status
    status_note: str | None = Field(default=None, max_length=MAX_NOTE)
    # A staple of service training and books; among equally fitting legends, classics lead.
    classic: bool = False
    # Declared before ``retelling`` so the retelling's length rule can depend on it.
    origin: Origin = "curated"
    retelling: str = Field(default="", max_length=MAX_RETELLING)

    @field_validator("id")
    @classmethod
    def _slug(cls, value: str) -> str:
        if not SLUG.match(value):
            raise ValueError("id must be a lowercase slug like 'ritz-carlton-giraffe'")
        return value

    @field_validator("themes", "principles")
    @classmethod
    def _no_repeats(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise ValueError("list has repeated entries")
        return value

    @field_validator("retelling")
    @classmethod
    def _retelling_length(cls, value: str, info: ValidationInfo) -> str:
        # Curated retellings are edited to 80-160 words; an ingested story is the user's
        # own text, kept as written, so only a looser floor and ceiling apply.
        ingested = info.data.get("origin") == "ingested"
        low, high = INGESTED_WORDS if ingested else RETELLING_WORDS
        words = len(value.split())
        if not low <= words <= high:
            kind = "an ingested story" if ingested else "it"
            raise ValueError(f"retelling has {words} words; {kind} must have {low}-{high}")
        return value.strip()

    @model_validator(mode="after")
    def _disputed_needs_note(self) -> Legend:
        if self.status == "disputed" and not self.status_note:
            raise ValueError("a disputed legend needs a status_note saying what is disputed")
        return self

    def search_text(self) -> str:
        """The text that is embedded and keyword-indexed for this legend."""
        parts = [
            self.title,
            f"{self.company} ({self.industry})",
            "Themes: " + ", ".join(t.replace("-", " ") for t in self.themes),
            "Principles: " + ", ".join(p.replace("-", " ") for p in self.principles),
            self.situation,
            self.action,
            self.outcome,
            " ".join(self.lessons),
            self.retelling,
        ]
        return "\n".join(p for p in parts if p)
